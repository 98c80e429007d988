"""Running research questions: shared by the one-shot CLI, `--batch`, `resume` and the REPL.

- `clean_question` validates a question (empty, oversized) the same way everywhere.
- `run_question` runs one question with live progress on a (stderr) console and turns Ctrl-C
  into a partial result, whether it lands inside the agent or while an event is rendered.
- `background_from_turns` / `background_from_trace` write the short "earlier in this session"
  text a follow-up or a resumed run starts from.

Library code: nothing here prints except through the console it is given.
"""
from __future__ import annotations

import re
import signal
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from rich.console import Console

from .errors import UsageError

if TYPE_CHECKING:
    from .agent.loop import Agent, RunResult
    from .agent.resume import Replay
    from .agent.toolbox import Toolbox
    from .llm.base import LLM
    from .session import Session

EXIT_CODES = {"answered": 0, "error": 1, "max_steps": 3, "max_time": 3, "budget": 3, "server_error": 4,
              "interrupted": 130}
MAX_QUESTION_CHARS = 4000


def exit_code(stopped_because: str) -> int:
    return EXIT_CODES.get(stopped_because, 1)


def clean_question(text: str) -> str:
    """The question with whitespace collapsed; UsageError when empty or too long."""
    question = " ".join(text.split())
    if not question:
        raise UsageError("the question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise UsageError(f"the question is {len(question):,} characters long; the limit is {MAX_QUESTION_CHARS:,}")
    return question


def _raise_interrupt(signum, frame):  # SIGTERM behaves like Ctrl-C: stop and keep what was found
    raise KeyboardInterrupt


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM raises KeyboardInterrupt (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_question(session: "Session", llm: "LLM", question: str, console: Console, *,
                 toolbox: "Toolbox | None" = None, background: str = "",
                 max_steps: int | None = None, max_time: float | None = None,
                 replay: "Replay | None" = None) -> tuple["RunResult", "Agent"]:
    """Research `question` with progress on `console`. Ctrl-C (KeyboardInterrupt) ends the run
    with a partial result (stopped_because="interrupted"); it propagates only when it arrives
    before the run has started. A short-answer question that asks several things is asked as
    its asks in turn and their results merged (compound.py)."""
    from . import compound

    parts = [] if replay is not None else compound.split(session.settings.mode, question)
    if not parts:
        return _run_one(session, llm, question, console, toolbox=toolbox, background=background,
                        max_steps=max_steps, max_time=max_time, replay=replay)
    toolbox = toolbox or session.toolbox()       # one registry: later asks cite what earlier ones read
    total = session.settings.max_time if max_time is None else max_time
    start = time.monotonic()
    console.print(f"[dim]this question asks {len(parts)} things; researching them in turn: "
                  + " · ".join(parts) + "[/dim]")
    results: list = []
    agent = None
    interrupted = False
    asked = list(parts)                          # as the question words them
    for i, ask in enumerate(asked):
        left = total - (time.monotonic() - start)
        if results and (left <= 1 or results[-1].stopped_because in ("interrupted", "error", "server_error")):
            break
        # the first ask stands alone (it gets the first reading, as any question); a later one whose
        # pronoun means an earlier answer is asked with that answer in its place and stands alone
        # too; any other leans on what the earlier ones found
        if i:
            parts[i] = ask = compound.standalone(ask, [(p, r.answer) for p, r in zip(parts, results)])
            if ask != asked[i]:
                console.print(f"[dim]asked as: {ask}[/dim]")
        context = background if i == 0 or ask != asked[i] else compound.background(
            question, background, parts, results, [s.as_json() for s in toolbox.sources.opened()])
        try:
            result, agent = _run_one(session, llm, ask, console, toolbox=toolbox, background=context,
                                     max_steps=max_steps, max_time=left / (len(parts) - i), mode="answer")
        except KeyboardInterrupt:
            if not results:
                raise
            interrupted = True                   # before this ask started: the earlier ones stand
            break
        results.append(result)
    return compound.merge(question, parts, results, interrupted=interrupted), agent


def _run_one(session: "Session", llm: "LLM", question: str, console: Console, *, toolbox: "Toolbox | None",
             background: str, max_steps: int | None, max_time: float | None, replay: "Replay | None" = None,
             mode: str | None = None) -> tuple["RunResult", "Agent"]:
    from .render import ProgressPrinter

    agent = session.agent(llm, toolbox)
    if max_steps is not None:
        agent.config.max_steps = max_steps
    if max_time is not None:
        agent.config.max_time = max_time
    if mode is not None:
        agent.config.mode = mode
    console.print(f"[dim]context {llm.n_ctx} · budget {agent.config.budget} · journal {agent.trace.path}[/dim]")
    show = ProgressPrinter(console, agent)
    result = None
    try:
        for event in agent.run(question, background=background, replay=replay):
            show(event)
            result = getattr(event, "result", result)
    except KeyboardInterrupt:
        if getattr(agent, "_state", None) is None:   # not started: nothing to keep
            agent.trace.close()
            raise
        result = agent.interrupted()
    finally:
        agent.trace.close()
    if result is None:  # the generator always ends with Finished; be safe anyway
        result = agent.interrupted()
    if not session.settings.allow_private_urls and (hint := private_address_hint(result.sources)):
        sys.stderr.write(f"kresearch: warning: {hint}\n")   # shown to scripts too: likely a setup mistake
    return result, agent


def index_docs(session: "Session", console: Console) -> None:
    """Index the --docs folders (only what changed is read again) and say so on the console;
    an unreadable file is one warning line on stderr, and the run goes on without it."""
    stats = session.index_docs()
    if stats is None:
        return
    console.print(f"[dim]documents: {stats.summary()}[/dim]")
    for path, why in stats.failed:
        sys.stderr.write(f"kresearch: warning: {path}: {why}\n")


def private_address_hint(sources: list[dict]) -> str:
    """One line for a run whose pages were refused for being on this machine or the LAN (a local
    test web, an intranet): the flag that allows them. Empty when no page was refused so."""
    from .tools.fetch import refused_as_local

    refused = [s for s in sources if refused_as_local(s.get("error") or "")]
    if not refused:
        return ""
    return (f"{len(refused)} page(s) refused for a loopback or private address; "
            "--allow-private-urls lets the browser read a local web or an intranet")


def error_result(question: str, message: str) -> dict:
    """The JSON object of a question that could not be run (same keys as a RunResult)."""
    from .agent.loop import Stats

    return {"question": question, "answer": "", "report": "", "confidence": 0.0, "sources": [],
            "stopped_because": "error", "stats": asdict(Stats()), "trace": "", "error": message}


# -- background for follow-ups ------------------------------------------------------------------

def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def background_from_turns(turns: list[dict], read: list[dict] | None = None, max_turns: int = 5,
                          max_sources: int = 12) -> str:
    """What earlier questions of a session found: each question and its answer (newest last),
    then the sources read so far as "[3] Title" (`read`: Source JSON; default: the opened
    sources of the last turn). The numbers stay valid because the session keeps one registry."""
    if not turns:
        return ""
    lines = []
    first = max(1, len(turns) - max_turns + 1)
    if first > 1:
        lines.append(f"({first - 1} earlier question(s) left out)")
    for i, turn in enumerate(turns[-max_turns:], start=first):
        lines.append(f"Q{i}: {_short(turn.get('question', ''), 300)}")
        lines.append(f"A{i}: {_short(turn.get('answer') or '(no answer)', 300)}")
    if read is None:
        read = [s for s in turns[-1].get("sources", []) if s.get("opened")]
    if read:
        listed = "; ".join(f"[{s['id']}] {_short(s.get('title') or s.get('url', ''), 80)}" for s in read[:max_sources])
        more = f" (+{len(read) - max_sources} more)" if len(read) > max_sources else ""
        lines.append(f"Sources read so far (you may cite them): {listed}{more}")
    return "\n".join(lines)


_NUMBER = re.compile(r"\[(\d+)\]\s*")


def background_from_trace(records: list[dict], max_lines: int = 30) -> str:
    """What an earlier (interrupted or limited) run of the same question did, from its journal:
    the actions with their arguments, what each observation said, notes and the answer so far.
    Source numbers of that run are dropped: the new run numbers its sources afresh."""
    finish = next((r for r in reversed(records) if r.get("event") == "finish"), None)
    lines: list[str] = []
    answer = ""
    for r in records:
        if r.get("event") == "action":
            action, args = r.get("action", ""), r.get("args") or {}
            if action == "search":
                lines.append(f"- searched: {' | '.join(repr(str(q)) for q in args.get('queries', []))}")
            elif action == "open":
                source = str(args.get("source", ""))
                lines.append(f"- opened {_short(source, 120)}" if source.startswith("http") else "- opened a page")
            elif action == "find":
                lines.append(f"- looked for {_short(args.get('text', ''), 80)!r} in a page")
            elif action == "python":
                lines.append(f"- ran python: {_short(args.get('code', ''), 120)}")
            elif action == "note":
                lines.append(f"- noted: {_NUMBER.sub('', _short(args.get('text', ''), 300))}")
            elif action == "answer":
                answer = str(args.get("answer", ""))
        elif r.get("event") == "observation" and r.get("summary") and r.get("kind") != "note":
            lines.append(f"  → {_NUMBER.sub('', _short(r['summary'], 160))}")
    if finish and finish.get("answer"):
        answer = finish["answer"]
    if len(lines) > max_lines:
        lines = lines[:3] + [f"  … ({len(lines) - max_lines + 3} lines left out)"] + lines[-(max_lines - 4):]
    why = (finish or {}).get("stopped_because", "unfinished")
    head = (f"An earlier run of this question stopped ({why.replace('_', ' ')}). What it did "
            "(search results and pages are cached, so repeating them is cheap; source numbers start afresh):")
    parts = [head, *lines] if lines else [head, "- nothing yet"]
    if answer:
        parts.append(f"Its answer so far: {_short(answer, 300)} (check it before you rely on it)")
    return "\n".join(parts)


# -- resume -----------------------------------------------------------------------------------

@dataclass
class ResumePlan:
    path: Path
    question: str
    background: str           # an older journal: what it did, as a summary (no exact replay)
    max_steps: int | None     # the journal's limits, unless set now (flag, env, config file)
    max_time: float | None
    replay: "Replay | None" = None   # the journal's model outputs, to continue exactly (agent/resume.py)


def find_trace(trace_or_id: str) -> Path:
    """A journal path, or the id (file stem) of one under home()/traces."""
    from .config import home

    path = Path(trace_or_id).expanduser()
    if path.is_file():
        return path
    stem = trace_or_id.removesuffix(".jsonl")
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}", stem):
        candidate = home() / "traces" / f"{stem}.jsonl"
        if candidate.is_file():
            return candidate
    raise UsageError(f"no run journal {trace_or_id!r} (give a .jsonl path or an id from {home() / 'traces'})")


def load_resume(trace_or_id: str, settings, origin: dict[str, str]) -> ResumePlan:
    from .agent.limits import steps_for
    from .agent.report_mode.outline import MAX_OUTLINE
    from .agent.resume import JOURNAL_VERSION, replay_from_journal
    from .trace import read_trace

    path = find_trace(trace_or_id)
    try:
        records = read_trace(path)
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"cannot read the journal {path}: {e}") from e
    start = next((r for r in records if r.get("event") == "start"), None)
    if start is None or not str(start.get("question", "")).strip():
        raise UsageError(f"{path} is not a kresearch run journal (no start record with a question)")
    config = start.get("config") or {}

    def journal(name: str, kind: type):
        if origin.get(name, "default") != "default" or name not in config:
            return None
        try:
            return kind(config[name])
        except (TypeError, ValueError):
            return None

    version = start.get("journal_version")
    if isinstance(version, int) and version > JOURNAL_VERSION:
        raise UsageError(f"{path} was written by a newer kresearch (journal format {version}; this one reads "
                         f"{JOURNAL_VERSION} and older): update kresearch to resume it")
    max_steps, max_time = journal("max_steps", int), journal("max_time", float)
    question = clean_question(str(start["question"]))
    if version != JOURNAL_VERSION:     # an older journal: its outputs were cut short; resume from a summary
        return ResumePlan(path=path, question=question, background=background_from_trace(records),
                          max_steps=max_steps, max_time=max_time)
    replay = replay_from_journal(records, path)
    # the steps replayed, then as many more as the run had (or as --max-steps says; automatic: a
    # short answer's, or a report's for the largest outline)
    report = any(r.get("event") == "mode" and r.get("mode") == "report" for r in records)
    asked = settings.max_steps if max_steps is None else max_steps
    steps = steps_for(asked, MAX_OUTLINE if report else None) + replay.source["step"]
    return ResumePlan(path=path, question=question, background="", max_steps=steps, max_time=max_time,
                      replay=replay)
