"""The ReAct loop, as a generator of events.

    think+act (one grammar-constrained JSON step) -> run the tool -> observe -> ... -> answer
    -> the report built in code: the answer's statements and findings quoted from the pages read

Limits (steps, wall time, context) never crash a run: the agent is told to answer from what
it has, with only the answer action allowed, and the result says why it stopped. The time limit
covers the whole run: research stops at RESEARCH_SHARE of it to leave time for the answer,
and every model call ends at the hard deadline (between prompt chunks or tokens);
past it, the report is built in code from what was read. A context budget that cannot hold
even the compacted prompt ends the run the same way. Ctrl-C or SIGTERM (raised as
KeyboardInterrupt) ends the run with a partial report built without the model. Library code
never prints: the CLI renders the events.
"""
from __future__ import annotations

import functools
import json
import re
import time
from dataclasses import asdict, dataclass, field
from typing import Iterator

from ..errors import GenerationError, ServerError, UsageError
from ..llm.base import LLM, Completion
from ..prompts import render
from ..sources import SourceRegistry
from ..trace import Trace, digest
from ..urls import urls_in
from . import report as reports
from .actions import ActionError, Step, describe, parse_step, step_schema
from .answer import hop_reading
from .answer.acronym import spelled_out
from .answer.compare import Comparison
from .answer.confidence import estimate as estimate_confidence
from .answer.findings import findings_markdown, quoted_findings
from .answer.first_reading import FirstReading
from .answer.floor import Candidate, Choice, choose
from .answer.full_date import dated, wants_date
from .answer.last_reading import LastReading
from .answer.verify import (Evidence, Verdict, Verifier, answer_statements, choice_options, final_checks,
                            is_yes_no_question, tidy_answer)
from .answer.wording import without_kind_asked, without_restated
from .casing import answer_as_written
from .context import ContextManager, ContextOverflow
from .events import (ActionTaken, Event, Finished, Notice, RunResult, StepStarted,
                     ToolFinished)
from .evidence import Claim, is_yes_no
from .limits import MIN_WORKING_ROOM, RESEARCH_SHARE, STEP_MAX_TOKENS, steps_for
from .names import anchored
from .plan import MAX_SUBQUESTIONS, about_the_question, example_step
from .question_kind import resolve_mode
from .report_mode.research import ReportRun
from .resume import JOURNAL_VERSION, WRITING, Replay
from .toolbox import Observation, Toolbox, without_markers

RESAMPLES = 2                 # extra samples when the model repeats an earlier action
RESAMPLE_TEMPERATURE = 0.9


def system_prompt(actions: list[str], verify: bool) -> str:
    """The system prompt: stable for a given tool set, so its KV state can be reused."""
    return render(
        "system", actions=describe(actions),
        plan_rule="- Start with a plan: the sub-questions to answer, in order.\n" if verify else "",
        verify_rule=" Your answer is checked against the sources you read; if the check fails, research more."
        if verify else "",
        plan_example=example_step() + "\n" if verify else "")


@dataclass
class AgentConfig:
    max_steps: int = 0               # 0 = automatic (limits.steps_for)
    max_time: float = 600.0          # seconds of wall time for the whole run (research, answer, report)
    budget: int = 6144               # prompt tokens the context manager enforces
    temperature: float = 0.2
    verify: bool = True              # plan first, check the answer before accepting it
    mode: str = "auto"               # answer | report | auto (question_kind.classify)
    draft: bool = True               # short answers: the first reading and its draft answer (answer/floor.py)
    last_reading: bool = True        # short answers: every page read asked once more after research
    agents: int = 1                  # reports: sections written at once (several only on a model server)
    length: str = "medium"           # reports: short | medium | long (report_mode/length.py)


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
    citations_removed: int = 0       # citations to sources never shown or never opened
    citations: int = 0               # citations to sources read, checked against their text
    citations_supported: int = 0
    claims_removed: int = 0          # sentences dropped: they cite nothing, or nothing they cite supports them
    verify_rejections: int = 0
    pages_loaded_ahead: int = 0      # fetched in the background after a search (opened or not)
    passages_read: int = 0           # search results shown with the best passage of their page
    replayed_calls: int = 0          # model outputs taken from the journal of the run resumed
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
class _State:
    answer: str = ""
    stopped_because: str = "answered"
    forced_reason: str = ""
    seen: dict[str, int] = field(default_factory=dict)    # action key -> step it first ran
    loops: int = 0                                        # repeated actions that got through
    plan: list[str] = field(default_factory=list)         # sub-questions from the plan step
    hold_answer: bool = False                             # verification just sent the agent back
    cut_off: str = ""                                     # action of a step cut off at the token limit
    claims: list = field(default_factory=list)            # evidence.Claim: the answer's statement, the findings
    candidates: list = field(default_factory=list)        # answer/floor.Candidate: the draft, each proposed answer
    plan_due: bool = False                                # the next model step is the plan
    plan_retried: bool = False                            # a plan of none of the question's sub-questions was refused
    settled: bool = False                                 # the floor chose the answer
    each: Comparison | None = None                        # each named thing read on its own page (answer/each.py)
    first_settled: bool = False                           # the first reading's answer passed every check
    hop_read: bool = False                                # the hop reading ran (answer/hop_reading.py)


class Agent:
    def __init__(self, llm: LLM, toolbox: Toolbox, sources: SourceRegistry, config: AgentConfig,
                 trace: Trace):
        self.llm = llm
        self.toolbox = toolbox
        self.sources = sources
        self.config = config
        self.trace = trace
        self.stats = Stats()
        self.verifier = Verifier(config.verify)
        self._replay: Replay | None = None

    def actions(self) -> list[str]:
        """Every action this run may use (described once in the system prompt)."""
        return (["plan"] if self.config.verify else []) + self.toolbox.available_actions()

    def run(self, question: str, background: str = "", replay: Replay | None = None) -> Iterator[Event]:
        """Research `question`. `background` (what earlier questions of the same session found:
        answers, notes, sources read) is pinned with the task, so a follow-up builds on it.
        `replay` (an interrupted or limited run's journal, resume.py) gives the model outputs of
        its steps back in order while the tools run again (from the cache), so the run goes on
        from where that one stopped with the same history, sources, notes and plan."""
        self._replay = replay
        start = self._start = time.perf_counter()
        self._deadline = time.monotonic() + self.config.max_time
        state = self._state = _State()
        self._question = question
        self._background = background.strip()
        counts = getattr(self.llm, "token_counts", "model")     # "estimated" on a server without a tokenizer
        cut_before = getattr(self.llm, "cut_answers", 0)        # answers a server cut short (llm/server.py)
        self.trace.write("start", question=question, config=asdict(self.config), model=self.llm.name,
                         token_counts=counts, journal_version=JOURNAL_VERSION,
                         resumed_from=replay.source if replay else None)
        ctx = ContextManager(self.llm.count_tokens, self.llm.count_prompt, self.config.budget, question)
        self.context = ctx
        ctx.add("system", "system", system_prompt(self.actions(), self.config.verify), 0, pinned=True)
        task = render("task", question=question)
        if background.strip():
            task = f"Earlier in this session:\n{background.strip()}\n\n{task}"
        ctx.add("user", "task", task, 0, pinned=True)
        self._check_budget(ctx)
        self.mode = resolve_mode(self.config.mode, question)
        self._report_run = ReportRun(self, question) if self.mode == "report" else None
        self.trace.write("mode", mode=self.mode, asked=self.config.mode)
        error: str | None = None
        if counts == "estimated":
            yield Notice("token counts are estimates (the model server has no tokenizer endpoint): "
                         "the budget is kept with room to spare")
        try:
            yield from self._read_named_pages(question, state, ctx)
            if self._report_run is not None:
                yield from self._report_run.run()
            else:
                yield from self._research(question, ctx, state, start)
                yield from self._last_reading(state)
                yield from self._settle(state)
        except KeyboardInterrupt:
            state.stopped_because = "interrupted"
        except GenerationError as e:
            state.stopped_because, error = ("server_error" if isinstance(e, ServerError) else "error"), str(e)
        cut = getattr(self.llm, "cut_answers", 0) - cut_before
        if cut:
            message = (f"the model server cut {cut} answer(s) short (ended without a finish reason); "
                       "llama-cpp-python's server does this when requests overlap: start it with "
                       "--interrupt_requests False, or run with --agents 1")
            self.trace.write("server_cut_answers", count=cut, message=message)
            yield Notice(message)
        self.result = self._finish(question, state, start, error)
        yield Finished(self.result)

    def interrupted(self) -> RunResult:
        """The partial result when an interrupt arrived outside the generator (while the caller
        was rendering an event). Safe to call once `run` has started."""
        if getattr(self, "result", None) is not None:
            return self.result
        self._state.stopped_because = "interrupted"
        self.result = self._finish(self._question, self._state, self._start, None)
        return self.result

    def _finish(self, question: str, state: _State, start: float, error: str | None) -> RunResult:
        if getattr(self, "_report_run", None) is not None:
            self._sync_tool_stats()
            self.stats.evictions = self.context.evictions
            result = self._report_run.result(state.stopped_because, start, error)
        else:
            result = self._finish_answer(question, state, start, error)
        if self._replay is not None:
            result.resumed_from = {**self._replay.source, "replay_ended": self._replay.ended or None}
        return result

    # -- research ----------------------------------------------------------------------------

    def _read_named_pages(self, question: str, state: _State, ctx: ContextManager):
        """Pages the question names ("according to https://…") are registered and read before
        anything else, under the same fetch policy as any page; their text is data like any
        page's. The model sees them first; the report policy can quote them for any aspect."""
        for url in urls_in(question):
            step = Step(thought="", action="open", args={"source": url, "page": 1})
            why = "(reading the page the question names)"
            if self.mode == "report":
                obs = yield from self._auto_tool(0, step, why)
                yield ToolFinished(0, "open", obs.summary, obs.seconds)
            else:
                yield ActionTaken(0, "open", step.args, why)
                self.trace.write("action", step=0, action="open", args=step.args, thought="", auto=True)
                yield from self._act(step, question, 0, state, ctx)

    def _check_budget(self, ctx: ContextManager) -> None:
        """A budget that cannot hold the pinned prompt and one step is bad input, said before any
        model work, with the smallest value that works."""
        pinned = ctx.prompt_tokens(render("force_answer", reason="The context budget is used up."))
        smallest = pinned + MIN_WORKING_ROOM
        if self.config.budget < smallest:
            raise UsageError(f"--budget {self.config.budget} cannot hold the instructions and question "
                             f"({pinned} tokens) and one step; use --budget {smallest} or more")

    @property
    def _max_steps(self) -> int:
        """The short-answer loop's step limit (a report sets its own from its outline)."""
        return steps_for(self.config.max_steps)

    def _out_of_time(self) -> bool:
        return time.monotonic() >= self._deadline

    def _limit_reached(self, step: int, start: float) -> str:
        if step > self._max_steps:
            return "max_steps"
        if time.perf_counter() - start > self.config.max_time * RESEARCH_SHARE:
            return "max_time"
        return ""

    def _stop(self, state: _State, why: str, message: str):
        """End research now, without another model call: the report is built from what was read."""
        if state.stopped_because == "answered":
            state.stopped_because = why
        state.forced_reason = state.forced_reason or message
        self.trace.write("stop", reason=why, message=message)
        yield Notice(message)

    def _research(self, question: str, ctx: ContextManager, state: _State, start: float):
        step = 0
        state.plan_due = self.config.verify and not self._background
        if self._first_reading_due():
            step = 1
            self.stats.steps = step
            yield StepStarted(step, self._max_steps)
            yield from self._first_reading(question, ctx, state, step)
            question = self._question          # with the names its top pages write (casing.py)
            if state.answer:
                state.first_settled = True
                return
        while True:
            step += 1
            limit = self._limit_reached(step, start)
            if limit and not state.forced_reason:
                state.stopped_because = limit
                state.forced_reason = {"max_steps": f"You have used all {self._max_steps} steps.",
                                       "max_time": "The time limit is reached."}[limit]
                self.trace.write("limit", step=step, reason=limit)       # a resume replays up to here
                yield Notice(f"{limit.replace('_', ' ')} reached: asking for an answer from what was read")
            if self._out_of_time():
                yield from self._stop(state, "max_time", "time limit reached: the report is built from what was read")
                return
            self.stats.steps = step
            yield StepStarted(step, self._max_steps)
            # The grammar offers only what is useful now; the parser accepts any available action
            # (a backend without grammar support may still choose one).
            actions = ["answer"] if state.forced_reason else self._useful_actions(state)
            parseable = ["answer"] if state.forced_reason else self.actions()
            suffix = render("force_answer", reason=state.forced_reason) if state.forced_reason else ""
            try:
                evicted = ctx.fit(step, suffix=suffix)
            except ContextOverflow as e:
                if state.forced_reason:
                    yield from self._stop(state, "budget", f"token budget used up ({e}): the report is built "
                                                           "from what was read")
                    return
                state.stopped_because, state.forced_reason = "budget", "The context budget is used up."
                self.trace.write("limit", step=step, reason="budget")
                yield Notice(f"token budget reached ({e}): asking for an answer")
                continue
            if evicted:
                self.stats.evictions = ctx.evictions
                self.trace.write("evict", step=step, segments=evicted, prompt_tokens=ctx.prompt_tokens(suffix))
                yield Notice(f"set aside {evicted} older observation(s) to stay within {self.config.budget} tokens")
            messages, schema = ctx.messages(suffix), step_schema(actions, self.toolbox.openable_sources(),
                                                                     self._answer_options())
            # after a step cut off at the token limit, sample hotter: the same prompt at the same
            # temperature gave the same runaway output seven times in a row (trail30)
            completion = self._call(messages, schema, STEP_MAX_TOKENS, "step", step,
                                    RESAMPLE_TEMPERATURE if state.cut_off else None)
            if completion.finish_reason == "time":
                yield from self._stop(state, "max_time", "time limit reached during a model call: the report "
                                                         "is built from what was read")
                return
            try:
                action = parse_step(completion.text, parseable)
                completion, action = self._avoid_repeat(messages, schema, parseable, completion, action, step, state)
            except ActionError as e:
                self._invalid_step(completion, e, step, state, ctx)
                if state.forced_reason:
                    return
                continue
            state.cut_off = ""
            yield ActionTaken(step, action.action, action.args, action.thought)
            self.trace.write("action", step=step, action=action.action, args=action.args, thought=action.thought)
            if action.action == "answer":
                proposed = without_restated(self._question, tidy_answer(str(action.args.get("answer", ""))))
                evidence = self._evidence(proposed)
                answer = evidence.answer = self.verifier.decide(evidence, step)
                if answer != proposed:
                    self.trace.write("decided", **self.verifier.log[-1])   # step, proposed answer, facts
                    yield Notice(f"{self.verifier.log[-1]['check']}: {answer} (proposed: {proposed})")
                state.candidates.append(Candidate(answer, step, "proposed"))
                verdict = self.verifier.check(evidence, step) if not state.forced_reason else None
                if verdict is None or verdict.passed:
                    state.answer = answer
                    return
                self.stats.verify_rejections += 1
                yield from self._send_back(answer, action.args, verdict, step, state, ctx)
                # the thing the page about the question leads to, asked the question of by name
                if (bridge := hop_reading.bridge_to_read(verdict, answer, state)) and not self._out_of_time():
                    yield from hop_reading.read_the_hop(self, question, bridge, state, step)
                    if state.answer:
                        return
                continue
            state.hold_answer = False
            state.plan_due = False
            if action.action == "plan":
                action = self._own_plan(action, question, state)
                ctx.add_focus(" ".join(state.plan))
            yield from self._act(action, question, step, state, ctx)
            if action.action == "plan" and state.plan and self.toolbox.search_actions <= 1:
                # The loop runs the first searches itself: the question as asked (often the best
                # query, what one-shot RAG relies on; done already by the first reading) and the
                # first sub-question. It saves a model call, and the transcript shows the model
                # what a good first search looks like.
                queries = [q for q in (question, anchored(state.plan[0], question))
                           if q.lower() not in self.toolbox.searched]
                if queries:
                    yield from self._search_for_model(queries, "(searching the question and sub-question 1)"
                                                      if len(queries) == 2 else "(searching sub-question 1)",
                                                      step, state, ctx)

    def _send_back(self, answer: str, args: dict, verdict: Verdict, step: int, state: _State,
                   ctx: ContextManager):
        """Back to research: the answer and why it is not accepted yet stay in view."""
        state.hold_answer = True
        self.trace.write("verify", step=step, answer=answer, check=verdict.check, message=verdict.message)
        yield Notice(f"verify: {verdict.check} — back to research")
        ctx.add("assistant", "action", json.dumps({"action": "answer", "args": args}), step)
        ctx.add("user", "verify", f"Observation: verification of your answer: {verdict.message}", step)
        if verdict.bridges:
            # The check named what to research (link: who the page about the question says did
            # it; described: the one the question describes, with what it asks); told to
            # research that, the 1.5B model searched the wrong hop again (final30), so the loop
            # runs the search and the model picks up from its results. Once: the same check
            # sending the same answer back again finds it searched (a repeat would be counted
            # against the model as looping, and its results are in view already).
            queries = [q for q in verdict.bridges[:2] if q.lower() not in self.toolbox.searched]
            if queries:
                yield from self._search_for_model(queries, "(searching what verification named)", step, state, ctx)

    def _invalid_step(self, completion: Completion, error: ActionError, step: int, state: _State,
                      ctx: ContextManager) -> None:
        """Tell the model its step did not parse. A step cut off at the token limit is not echoed
        back (the model would continue the runaway text) and its action is left out of the next
        step's grammar (see _useful_actions)."""
        if completion.finish_reason == "length":
            attempted = re.search(r'"action"\s*:\s*"(\w+)"', completion.text)
            state.cut_off = attempted.group(1) if attempted else "?"
            ctx.add("assistant", "error", completion.text.strip()[:120] + " … (cut off)", step)
            ctx.add("user", "error", f"Observation: that step was cut off at {STEP_MAX_TOKENS} tokens and not run. "
                                     "Take a different action, and keep the step short.", step)
            return
        ctx.add("assistant", "error", completion.text.strip()[:400] or "(empty)", step)
        ctx.add("user", "error", f"Observation: that step was not valid: {error}.", step)

    def _search_for_model(self, queries: list[str], why: str, step: int, state: _State, ctx: ContextManager,
                          **reading):
        """A search the loop runs on the model's behalf (marked `auto` in the trace)."""
        if "search" not in self.toolbox.available_actions():
            return
        search = Step(thought="", action="search", args={"queries": queries})
        yield ActionTaken(step, search.action, search.args, why)
        self.trace.write("action", step=step, action=search.action, args=search.args, thought="", auto=True)
        yield from self._act(search, self._question, step, state, ctx, **reading)

    def _auto_tool(self, step_no: int, action: Step, why: str, reading: dict | None = None, **journal):
        """A tool call code makes outside the model's steps (a report's research and the pages its
        question names, the last reading's next hop): announced, journaled as `auto`, run and counted; `obs = yield from
        agent._auto_tool(...)`. The caller reports it finished (ToolFinished) when its work is."""
        yield ActionTaken(step_no, action.action, action.args, why)
        self.trace.write("action", step=step_no, action=action.action, args=action.args, thought="", auto=True,
                         **journal)
        obs = self.toolbox.run(action, self._question, step_no, **(reading or {}))
        self._sync_tool_stats()
        return obs

    def _own_plan(self, action: Step, question: str, state: _State) -> Step:
        """The plan with only the sub-questions about this question (plan.py); when none is, the
        toolbox refuses it and the model writes the plan once more."""
        written = action.args.get("subquestions", [])
        written = [" ".join(str(q).split()) for q in written] if isinstance(written, list) else []
        state.plan = about_the_question(written, question, self.toolbox.seen_text())
        if not state.plan and not state.plan_retried:
            state.plan_due = state.plan_retried = True
        if dropped := [q for q in written[:MAX_SUBQUESTIONS] if q not in state.plan]:
            self.trace.write("plan_dropped", subquestions=dropped)
        return Step(thought=action.thought, action="plan", args={**action.args, "subquestions": state.plan})

    def _act(self, action: Step, question: str, step: int, state: _State, ctx: ContextManager, **reading):
        """Run one action and put it and its observation into the context (`reading`: see
        Toolbox.run)."""
        # History keeps the action, not the thought: small models otherwise copy their last
        # thought word for word instead of reasoning about the new observation (measured:
        # 1 of 3 dev questions right with thoughts kept, 2 of 3 without, Qwen2.5-Coder 1.5B).
        kind = action.action if action.action in ("note", "plan") else "action"  # never set aside
        ctx.add("assistant", kind, json.dumps({"action": action.action, "args": action.args}), step)
        obs = self._observe(action, question, step, state, **reading)
        self._sync_tool_stats()
        yield ToolFinished(step, action.action, obs.summary, obs.seconds)
        seen = digest(without_markers(obs.text))
        self.trace.write("observation", step=step, kind=obs.kind, summary=obs.summary,
                         sources=list(obs.source_ids), seconds=round(obs.seconds, 3), text=seen)
        if self._replay is not None and (diverged := self._replay.observed(step, seen)):
            self.trace.write("replay_ended", step=step, reason=diverged)
            yield Notice(f"resume: {diverged}; the model takes over from step {step}")
        # Restating the question at the end keeps small models on the whole multi-hop question.
        footer = "" if obs.kind in ("note", "plan") else (
            f"\n\n[step {step} of {self._max_steps} done. Question: {question}\n"
            "In your thought, first say what this observation tells you (with its [n]), then what you do "
            "next. Answer as soon as what you have read answers the whole question.]")
        ctx.add("user", obs.kind, f"Observation:\n{obs.text}{footer}", step, source_ids=obs.source_ids,
                stub=f"Observation (set aside): {obs.stub}" if obs.stub else None, score_text=obs.text)

    def _first_reading_due(self) -> bool:
        """Short answers with verification, a search engine, and a question that stands alone: a
        follow-up's words lean on the conversation ("where was she ambassador?"), so it starts
        from what the session found instead."""
        return (self.config.verify and self.config.draft and "search" in self.toolbox.available_actions()
                and not self._background and not self._out_of_time())

    def _read_as(self, question: str) -> str:
        """From now on the checks read the question as `question` (the user's with the names the
        pages write, as they spell them: spelling.as_pages_name); the report keeps the question as
        typed."""
        if question != self._question:
            self.trace.write("question_cased", question=question)
            self._question = question
        return question

    def _first_reading(self, question: str, ctx: ContextManager, state: _State, step: int):
        """Before anything else, what one-shot retrieval does (answer/first_reading.py)."""
        return FirstReading(self).run(question, ctx, state, step)

    def _last_reading(self, state: _State):
        """After research, the best passages of every page read asked once more in one call
        (answer/last_reading.py); not after a first reading that settled the question, nor for a
        follow-up, whose words lean on the conversation. The trace keeps what the floor would
        have chosen without it."""
        if (not self.config.verify or not self.config.last_reading or state.first_settled or self._background
                or not self.toolbox.docs):
            return
        yield from LastReading(self).run(self._question, state, self.stats.steps,
                                         without=lambda: self._floor(state).answer)

    def _settle(self, state: _State):
        """The answer the run ends with: the final one unless it is no answer or unsupported and
        an earlier candidate holds up better (answer/floor.py). Once per run."""
        if state.settled or not self.config.verify:
            return
        state.settled = True
        choice = self._floor(state)
        if choice.answer == state.answer:
            return
        entry = {"step": self.stats.steps, "answer": state.answer, "check": "floor",
                 "message": (f"kept {choice.chosen.origin} answer {choice.answer!r} from step {choice.chosen.step}"
                             if choice.chosen else f"no candidate is an answer ({', '.join(choice.failed)})")}
        self.verifier.log.append(entry)
        self.trace.write("floor", **entry)
        yield Notice(f"floor: {entry['message']} (final was {state.answer or 'none'!r})")
        state.answer = choice.answer

    def _floor(self, state: _State) -> Choice:
        """What the floor would choose now, the current answer being the final candidate."""
        final = [Candidate(state.answer, self.stats.steps, "final")] if state.answer.strip() else []
        evidence = functools.cache(self._evidence)     # the checks and `decided` judge one answer's evidence once
        return choose(state.candidates + final,
                      lambda answer: [v.check for v in final_checks(evidence(answer))],
                      offers_choice=bool(choice_options(self._question)),
                      decided=lambda answer: evidence(answer).decided() is not None)

    def _useful_actions(self, state: _State) -> list[str]:
        """The grammar's choice for this step: the plan at the first model step (not for a follow-up,
        which starts from what the session found); no answer right after verification sent the agent back (it would
        only propose the same again); not the action of a step just cut off at the token limit."""
        if state.plan_due and not state.plan:
            return ["plan"]
        names = self.toolbox.useful_actions()
        if state.hold_answer and len(names) > 1:
            names = [n for n in names if n != "answer"]
        if state.cut_off in names and len(names) > 1:
            names = [n for n in names if n != state.cut_off]
        return names

    def _answer_options(self) -> list[str] | None:
        """The grammar lets a question that names its possible answers ("A or B?", yes/no) be
        answered only with one of them: the form check, without the round trip of a rejected
        answer (and without verification: unverified, the 1.5B model answered "located
        further North" to "Which canal is further north, A or B?")."""
        if is_yes_no_question(self._question):
            return ["yes", "no"]
        return choice_options(self._question) or None

    def _evidence(self, answer: str) -> Evidence:
        opened = {sid: doc.text for sid, doc in self.toolbox.docs.items()}
        hints = {s.id: f"{s.title}. {s.snippet}" for s in self.sources.all() if not s.opened and not s.error}
        return Evidence(question=self._question, answer=answer, plan=self._state.plan, opened=opened,
                        each=self._state.each, unread_hints=hints, python_runs=self.toolbox.stats.python_runs,
                        python_enabled=self.toolbox.python_enabled,
                        titles={s.id: s.title for s in self.sources.all()},
                        told=" ".join(e.get("message", "") for e in self.verifier.log
                                      if e["check"] not in ("floor", "passed") and not e["check"].endswith("decide")))

    def _observe(self, action: Step, question: str, step: int, state: _State, **reading) -> Observation:
        first = state.seen.get(action.key())
        if first is None or action.action not in ("search", "open", "find"):
            state.seen.setdefault(action.key(), step)
            return self.toolbox.run(action, question, step, **reading)
        # The same action again would give the same result: say so briefly instead of
        # repeating the whole observation, and stop a model that keeps looping.
        state.loops += 1
        if state.loops >= 3 and not state.forced_reason:
            state.stopped_because, state.forced_reason = "max_steps", "You are repeating yourself."
            self.trace.write("limit", step=step, reason="repeating")
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
            if retry.finish_reason == "time":
                break
            try:
                action, completion = parse_step(retry.text, parseable), retry
            except ActionError:
                continue
        return completion, action

    def _call(self, messages, schema, max_tokens: int, purpose: str, step: int,
              temperature: float | None = None) -> Completion:
        replayed = None
        if self._replay is not None:
            shown = self.llm.count_prompt(messages) if purpose in WRITING and self._replay.expects(purpose) else 0
            replayed = self._replay.output(purpose, step, shown)
        if replayed is not None:
            self.stats.replayed_calls += 1
            return self._record(replayed, purpose, step, replayed=True)
        completion = self.llm.complete(messages, schema=schema, max_tokens=max_tokens,
                                       temperature=self.config.temperature if temperature is None else temperature,
                                       deadline=self._deadline)
        return self._record(completion, purpose, step)

    def _record(self, completion: Completion, purpose: str, step: int, replayed: bool = False) -> Completion:
        self.stats.add_call(completion)
        # the whole output (bounded by max_tokens): a resumed run replays it (resume.py)
        self.trace.write("llm", purpose=purpose, step=step, prompt_tokens=completion.prompt_tokens,
                         prompt_tokens_evaluated=completion.prompt_tokens_evaluated,
                         completion_tokens=completion.completion_tokens, seconds=round(completion.seconds, 3),
                         finish_reason=completion.finish_reason, output=completion.text,
                         **({"replayed": True} if replayed else {}))
        return completion

    def _all_searches_failed(self) -> str:
        """Why the searches failed, when every search of the run did and no page was read ("" else):
        offline, DuckDuckGo's failure had left only "(no answer found)" or the model's own answer."""
        t = self.toolbox.stats
        if not t.searches or len(t.search_failures) < t.searches or self.toolbox.docs:
            return ""
        return t.search_failures[-1]

    def _sync_tool_stats(self) -> None:
        t = self.toolbox.stats
        self.stats.searches, self.stats.pages_opened, self.stats.tool_seconds = t.searches, t.pages_opened, t.seconds
        self.stats.pages_loaded_ahead, self.stats.passages_read = t.prefetched, t.passages_read

    # -- report ------------------------------------------------------------------------------

    def _finish_answer(self, question: str, state: _State, start: float, error: str | None) -> RunResult:
        for _ in self._settle(state):    # an interrupted or failed run still ends with its best candidate
            pass
        texts = [doc.text for doc in self.toolbox.docs.values()]
        named = spelled_out(state.answer, texts)
        if named != state.answer:          # "SARS" -> "Severe acute respiratory syndrome (SARS)", as a page says
            self.trace.write("spelled_out", answer=state.answer, named=named)
            state.answer = named
        state.answer = answer_as_written(state.answer, texts)   # "margaret landon" -> "Margaret Landon"
        state.answer = without_kind_asked(self._question, state.answer)   # "documentary film" -> "documentary"
        evidence = self._evidence(state.answer)
        asked = self._question             # as the checks read it (casing.py); `question` as typed
        full = state.answer
        if wants_date(asked, state.answer):  # the pages stating it read only then
            full = dated(asked, state.answer, [evidence.opened[sid] for sid in evidence.stating()
                                               if evidence.connected(sid)])
        if full != state.answer:           # "1949" -> "April 1, 1949" for "When was X born?", as the page says
            self.trace.write("dated", answer=state.answer, date=full)
            state.answer = full
            evidence = self._evidence(full)
        self._sync_tool_stats()
        self.stats.evictions = self.context.evictions
        # compute/compare say how a comparison was reached, not whether the answer holds
        failed = [v for v in final_checks(evidence) if v.check not in ("compute", "compare")]
        conflict = next((v.conflict for v in failed if v.conflict is not None), None)
        compared = evidence.decided() if self.config.verify else None   # undecided: not shown
        # The findings: what the pages on the question's trail say of its names, quoted (no model
        # call), less the names the comparison's facts or the answer's quotes show
        trail = evidence.on_trail() if self.config.verify else set(evidence.opened)
        shown = compared.quotes() if compared else []
        quoted = quoted_findings(evidence, trail, shown)
        conf, why = estimate_confidence(
            asked, state.answer, answered=state.stopped_because == "answered", opened=evidence.opened,
            claim_sources=[sid for claim in quoted for sid in claim.sources],
            failed_checks=[v.check for v in failed], computed=evidence.python_runs > 0,
            decided_by=compared.summary() if compared else "")
        statements = answer_statements(evidence, conf) if not compared else []
        # the answer's quotes show names too (the confidence above read the findings only for a
        # yes/no answer, which has no quotes)
        if statements:
            shown += [(sid, passage.quote) for sid, passage in statements]
            quoted = quoted_findings(evidence, trail, shown)
        state.claims = list(quoted)
        if statements:
            (best, top), ids = statements[0], [sid for sid, _ in statements]
            state.claims.insert(0, Claim(text=state.answer, sources=ids, dropped=[], score=top.score,
                                         quote=top.quote, quote_source=best, of_answer=True))
        for claim in state.claims:
            source = self.sources.get(claim.quote_source)
            if claim.quote not in source.quotes:
                source.quotes.append(claim.quote)
        cited = list(dict.fromkeys([*(sid for claim in state.claims for sid in claim.sources),
                                    *(fact.source for fact in (compared.facts.values() if compared else []))]))
        for sid in cited:
            self.sources.get(sid).cited = True
        findings = findings_markdown([claim for claim in state.claims if not claim.of_answer])
        self.stats.citations = self.stats.citations_supported = sum(len(c.sources) for c in state.claims)
        self.trace.write("citations", kept=cited, quoted=len(state.claims))
        missing = "" if state.answer else "No answer was reached."
        report = reports.assemble(question, state.answer, findings, self.sources, cited, conf,
                                  state.stopped_because, missing, confidence_reason=why, conflict=conflict,
                                  computations=self.toolbox.stats.computations, compared=compared,
                                  # a yes/no no page bears on (no finding, no facts) is the model's own
                                  unverified=any(v.check == "unsupported" for v in failed) or (
                                      is_yes_no(state.answer) and not quoted and compared is None),
                                  answer_cites=[(sid, passage.quote) for sid, passage in statements],
                                  search_failed=self._all_searches_failed())
        self.stats.wall_seconds = round(time.perf_counter() - start, 3)
        stats = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in asdict(self.stats).items()}
        result = RunResult(question=question, answer=state.answer.splitlines()[0] if state.answer else "",
                           report=report, confidence=conf,
                           sources=[s.as_json() for s in self.sources.all()],
                           stopped_because=state.stopped_because, stats=stats,
                           trace=str(self.trace.path or ""),
                           claims=[c.as_json() for c in state.claims], verification=list(self.verifier.log),
                           conflicts=[conflict.as_json()] if conflict else [], error=error)
        self.trace.write("finish", stopped_because=state.stopped_because, answer=result.answer,
                         confidence=conf, stats=stats, report=report, question=question,
                         sources=result.sources, claims=result.claims)   # what `kresearch check` re-verifies
        return result
