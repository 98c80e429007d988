"""The ReAct loop, as a generator of events.

    think+act (one grammar-constrained JSON step) -> run the tool -> observe -> ... -> answer
    -> findings written by the model -> citations checked and references built in code

Limits (steps, wall time, context) never crash a run: the agent is told to answer from what
it has, with only the answer action allowed, and the result says why it stopped. Ctrl-C or
SIGTERM (raised as KeyboardInterrupt) ends the run with a partial report built without the
model. Library code never prints: the CLI renders the events.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Iterator

from ..errors import GenerationError
from ..llm.base import LLM, Completion
from ..prompts import render
from ..sources import SourceRegistry
from ..trace import Trace, digest
from . import report as reports
from .actions import ActionError, Step, describe, parse_step, step_schema
from .context import ContextManager, ContextOverflow
from .toolbox import Observation, Toolbox

STEP_MAX_TOKENS = 600
REPORT_MAX_TOKENS = 400
RESAMPLES = 2                 # extra samples when the model repeats an earlier action
RESAMPLE_TEMPERATURE = 0.9


@dataclass
class AgentConfig:
    max_steps: int = 12
    max_time: float = 600.0          # seconds of wall time for research (the report comes after)
    budget: int = 6144               # prompt tokens the context manager enforces
    temperature: float = 0.2


@dataclass
class Stats:
    steps: int = 0
    llm_calls: int = 0
    searches: int = 0
    pages_opened: int = 0
    prompt_tokens: int = 0
    prompt_tokens_evaluated: int = 0
    completion_tokens: int = 0
    peak_prompt_tokens: int = 0
    evictions: int = 0
    citations_removed: int = 0
    wall_seconds: float = 0.0
    llm_seconds: float = 0.0
    tool_seconds: float = 0.0

    def add_call(self, c: Completion) -> None:
        self.llm_calls += 1
        self.prompt_tokens += c.prompt_tokens
        self.prompt_tokens_evaluated += c.prompt_tokens_evaluated
        self.completion_tokens += c.completion_tokens
        self.peak_prompt_tokens = max(self.peak_prompt_tokens, c.prompt_tokens)
        self.llm_seconds += c.seconds


@dataclass
class RunResult:
    question: str
    answer: str
    report: str
    confidence: float
    sources: list[dict]
    stopped_because: str              # answered | max_steps | max_time | budget | interrupted | error
    stats: dict
    trace: str
    error: str | None = None

    def as_json(self) -> dict:
        data = asdict(self)
        if data["error"] is None:
            del data["error"]
        return data


# -- events --------------------------------------------------------------------------------

@dataclass
class StepStarted:
    step: int
    max_steps: int


@dataclass
class ActionTaken:
    step: int
    action: str
    args: dict
    thought: str


@dataclass
class ToolFinished:
    step: int
    action: str
    summary: str
    seconds: float


@dataclass
class Notice:
    message: str


@dataclass
class ReportChunk:
    """A piece of the findings as the model writes them (before the citation check)."""
    text: str


@dataclass
class Finished:
    result: RunResult


Event = StepStarted | ActionTaken | ToolFinished | Notice | ReportChunk | Finished


@dataclass
class _State:
    answer: str = ""
    stopped_because: str = "answered"
    forced_reason: str = ""
    seen: dict[str, int] = field(default_factory=dict)    # action key -> step it first ran
    loops: int = 0                                        # repeated actions that got through


class Agent:
    def __init__(self, llm: LLM, toolbox: Toolbox, sources: SourceRegistry, config: AgentConfig,
                 trace: Trace):
        self.llm = llm
        self.toolbox = toolbox
        self.sources = sources
        self.config = config
        self.trace = trace
        self.stats = Stats()

    def run(self, question: str, background: str = "") -> Iterator[Event]:
        """Research `question`. `background` (what earlier questions of the same session found:
        answers, notes, sources read) is pinned with the task, so a follow-up builds on it."""
        start = self._start = time.perf_counter()
        state = self._state = _State()
        self._question = question
        self.trace.write("start", question=question, config=asdict(self.config), model=self.llm.name)
        ctx = ContextManager(self.llm.count_tokens, self.llm.count_prompt, self.config.budget, question)
        self.context = ctx
        ctx.add("system", "system", render("system", actions=describe(self.toolbox.available_actions())), 0,
                pinned=True)
        task = render("task", question=question)
        if background.strip():
            task = f"Earlier in this session:\n{background.strip()}\n\n{task}"
        ctx.add("user", "task", task, 0, pinned=True)
        error: str | None = None
        try:
            yield from self._research(question, ctx, state, start)
            findings, cited = yield from self._write_findings(question, ctx, state)
        except KeyboardInterrupt:
            state.stopped_because = "interrupted"
            findings, cited = "", []
        except GenerationError as e:
            state.stopped_because, error = "error", str(e)
            findings, cited = "", []
        self.result = self._finish(question, state, findings, cited, start, error)
        yield Finished(self.result)

    def interrupted(self) -> RunResult:
        """The partial result when an interrupt arrived outside the generator (while the caller
        was rendering an event). Safe to call once `run` has started."""
        if getattr(self, "result", None) is not None:
            return self.result
        self._state.stopped_because = "interrupted"
        self.result = self._finish(self._question, self._state, "", [], self._start, None)
        return self.result

    # -- research ----------------------------------------------------------------------------

    def _limit_reached(self, step: int, start: float) -> str:
        if step > self.config.max_steps:
            return "max_steps"
        if time.perf_counter() - start > self.config.max_time:
            return "max_time"
        return ""

    def _research(self, question: str, ctx: ContextManager, state: _State, start: float):
        step = 0
        while True:
            step += 1
            limit = self._limit_reached(step, start)
            if limit and not state.forced_reason:
                state.stopped_because = limit
                state.forced_reason = {"max_steps": f"You have used all {self.config.max_steps} steps.",
                                       "max_time": "The time limit is reached."}[limit]
                yield Notice(f"{limit.replace('_', ' ')} reached: asking for an answer from what was read")
            self.stats.steps = step
            yield StepStarted(step, self.config.max_steps)
            # The grammar offers only what is useful now; the parser accepts any available action
            # (a backend without grammar support may still choose one).
            actions = ["answer"] if state.forced_reason else self.toolbox.useful_actions()
            parseable = ["answer"] if state.forced_reason else self.toolbox.available_actions()
            suffix = render("force_answer", reason=state.forced_reason) if state.forced_reason else ""
            try:
                evicted = ctx.fit(step, suffix=suffix)
            except ContextOverflow as e:
                if state.forced_reason:
                    raise GenerationError(f"context overflow: {e}")
                state.stopped_because, state.forced_reason = "budget", "The context budget is used up."
                yield Notice(f"token budget reached ({e}): asking for an answer")
                continue
            if evicted:
                self.stats.evictions = ctx.evictions
                self.trace.write("evict", step=step, segments=evicted, prompt_tokens=ctx.prompt_tokens(suffix))
                yield Notice(f"set aside {evicted} older observation(s) to stay within {self.config.budget} tokens")
            messages, schema = ctx.messages(suffix), step_schema(actions, self.toolbox.openable_sources())
            completion = self._call(messages, schema, STEP_MAX_TOKENS, "step", step)
            try:
                action = parse_step(completion.text, parseable)
                completion, action = self._avoid_repeat(messages, schema, parseable, completion, action, step, state)
            except ActionError as e:
                ctx.add("assistant", "error", completion.text.strip()[:400] or "(empty)", step)
                ctx.add("user", "error", f"Observation: that step was not valid: {e}.", step)
                if state.forced_reason:
                    return
                continue
            yield ActionTaken(step, action.action, action.args, action.thought)
            self.trace.write("action", step=step, action=action.action, args=action.args, thought=action.thought)
            if action.action == "answer":
                state.answer = str(action.args.get("answer", "")).strip()
                return
            # History keeps the action, not the thought: small models otherwise copy their last
            # thought word for word instead of reasoning about the new observation (measured:
            # 1 of 3 dev questions right with thoughts kept, 2 of 3 without, Qwen2.5-Coder 1.5B).
            kind = "note" if action.action == "note" else "action"   # notes are never set aside
            ctx.add("assistant", kind, json.dumps({"action": action.action, "args": action.args}), step)
            obs = self._observe(action, question, step, state)
            self._sync_tool_stats()
            yield ToolFinished(step, action.action, obs.summary, obs.seconds)
            self.trace.write("observation", step=step, kind=obs.kind, summary=obs.summary,
                             sources=list(obs.source_ids), seconds=round(obs.seconds, 3), text=digest(obs.text))
            # Restating the question at the end keeps small models on the whole multi-hop question.
            footer = "" if obs.kind == "note" else (
                f"\n\n[step {step} of {self.config.max_steps} done. Question: {question}\n"
                "In your thought, first say what this observation tells you (with its [n]), then what you do next.]")
            ctx.add("user", obs.kind, f"Observation:\n{obs.text}{footer}", step, source_ids=obs.source_ids,
                    stub=f"Observation (set aside): {obs.stub}" if obs.stub else None, score_text=obs.text)

    def _observe(self, action: Step, question: str, step: int, state: _State) -> Observation:
        first = state.seen.get(action.key())
        if first is None or action.action not in ("search", "open", "find"):
            state.seen.setdefault(action.key(), step)
            return self.toolbox.run(action, question, step)
        # The same action again would give the same result: say so briefly instead of
        # repeating the whole observation, and stop a model that keeps looping.
        state.loops += 1
        if state.loops >= 3 and not state.forced_reason:
            state.stopped_because, state.forced_reason = "max_steps", "You are repeating yourself."
        return Observation(text=f"You already did exactly this at step {first}; its result is above. Do "
                                "something different: open a source you have not read, search with other "
                                "words, or answer.", kind="error", summary=f"repeat of step {first}")

    def _avoid_repeat(self, messages: list, schema: dict, parseable: list[str], completion: Completion,
                      action: Step, step: int, state: _State) -> tuple[Completion, Step]:
        """When the model repeats an earlier action, sample again (hotter, another seed) a couple of
        times before accepting the repeat. The prompt is unchanged, so this costs only decoding."""
        for _ in range(RESAMPLES):
            if action.key() not in state.seen or action.action not in ("search", "open", "find"):
                break
            retry = self._call(messages, schema, STEP_MAX_TOKENS, "resample", step, RESAMPLE_TEMPERATURE)
            try:
                action, completion = parse_step(retry.text, parseable), retry
            except ActionError:
                continue
        return completion, action

    def _call(self, messages, schema, max_tokens: int, purpose: str, step: int,
              temperature: float | None = None) -> Completion:
        completion = self.llm.complete(messages, schema=schema, max_tokens=max_tokens,
                                       temperature=self.config.temperature if temperature is None else temperature)
        return self._record(completion, purpose, step)

    def _record(self, completion: Completion, purpose: str, step: int) -> Completion:
        self.stats.add_call(completion)
        self.trace.write("llm", purpose=purpose, step=step, prompt_tokens=completion.prompt_tokens,
                         prompt_tokens_evaluated=completion.prompt_tokens_evaluated,
                         completion_tokens=completion.completion_tokens, seconds=round(completion.seconds, 3),
                         finish_reason=completion.finish_reason, output=completion.text[:2000])
        return completion

    def _sync_tool_stats(self) -> None:
        t = self.toolbox.stats
        self.stats.searches, self.stats.pages_opened, self.stats.tool_seconds = t.searches, t.pages_opened, t.seconds

    # -- report ------------------------------------------------------------------------------

    def _write_findings(self, question: str, ctx: ContextManager, state: _State):
        opened = self.sources.opened()
        if not state.answer or not opened:
            return "", []
        listing = "\n".join(f"[{s.id}] {s.title}" for s in opened)
        request = render("report", question=question, answer=state.answer, sources=listing)
        yield Notice("writing the report")
        # Appended to the research context, so the KV cache already holds everything before it.
        ctx.add("assistant", "action", json.dumps({"action": "answer", "args": {"answer": state.answer}}), 0)
        try:
            ctx.fit(self.stats.steps, suffix=request)
        except ContextOverflow:
            return "", []
        pieces = self.llm.stream(ctx.messages(request), max_tokens=REPORT_MAX_TOKENS,
                                 temperature=self.config.temperature)
        while True:
            try:
                yield ReportChunk(next(pieces))
            except StopIteration as done:
                completion = done.value
                break
        self._record(completion, "report", self.stats.steps)
        check = reports.check_citations(completion.text, shown={s.id for s in self.sources.all()},
                                        opened={s.id for s in opened})
        self.stats.citations_removed = check.removed_unseen + check.removed_unread
        self.trace.write("citations", kept=check.cited, removed_unseen=check.removed_unseen,
                         removed_unread=check.removed_unread)
        return check.text, check.cited

    def _finish(self, question: str, state: _State, findings: str, cited: list[int], start: float,
                error: str | None) -> RunResult:
        self._sync_tool_stats()
        self.stats.evictions = self.context.evictions
        for sid in cited:
            self.sources.get(sid).cited = True
        texts = {sid: doc.text for sid, doc in self.toolbox.docs.items()}
        supporting = reports.supporting_sources(state.answer, texts)
        conf = reports.confidence(state.stopped_because == "answered", state.answer, cited, supporting)
        missing = "" if state.answer else "No answer was reached."
        report = reports.assemble(question, state.answer, findings, self.sources, cited, conf,
                                  state.stopped_because, missing)
        self.stats.wall_seconds = round(time.perf_counter() - start, 3)
        stats = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in asdict(self.stats).items()}
        result = RunResult(question=question, answer=state.answer.splitlines()[0] if state.answer else "",
                           report=report, confidence=conf,
                           sources=[s.as_json() for s in self.sources.all()],
                           stopped_because=state.stopped_because, stats=stats,
                           trace=str(self.trace.path or ""), error=error)
        self.trace.write("finish", stopped_because=state.stopped_because, answer=result.answer,
                         confidence=conf, stats=stats, report=report)
        return result
