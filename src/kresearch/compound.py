"""A short-answer question that asks several things ("What is X, and can it be changed?").

Asked as its asks in turn, the way a user asks follow-ups in the interactive session: each ask
gets the whole short-answer policy (its checks, its citations, its confidence); a later ask starts
from what the earlier ones found (the whole question, their answers and the sources read, in the
same registry, so source numbers stay valid). The results are merged here into one: an answer
line with each ask's answer, a section per ask, one list of references. Report questions never
come here: report mode writes a section per part of the question itself.

`runs.run_question` drives it; this module only builds the background and merges results.
"""
from __future__ import annotations

import re

from .agent.events import RunResult
from .agent.report import NOT_STATED, states_its_answer
from .agent.question_kind import asks, resolve_mode

# Which stop reason a merged run reports when its asks ended differently: the most serious.
_SEVERITY = ["answered", "max_steps", "budget", "max_time", "server_error", "error", "interrupted"]


def split(mode: str, question: str) -> list[str]:
    """The asks of a question answered in short (`--mode answer`, or auto deciding so); [] for a
    question of one ask or a report."""
    return asks(question) if resolve_mode(mode, question) == "answer" else []


# What an earlier ask asked for, by its wh-phrase: a person ("who", "whom") or a place or thing
# ("where", "in which city", "what company"); a later ask's pronoun of the same kind means that
# answer. A pronoun of the other kind means something the question names: in "Who directed Jaws,
# and when was it released?" "it" is Jaws, and in "Which team did Jordan join, and when did he
# retire?" "he" is Jordan.
_ASKS_PERSON = re.compile(r"^\s*(?:who|whom)\b", re.I)
_ASKS_THING = re.compile(r"^\s*(?:(?:in|at|from|to|for|of|on|by) )?(?:where\b|(?:which|what) (?!(?:is|are|was|were|"
                         r"does|do|did|has|have|had|can|could|will|would|one|kind|type|sort)\b)\w+)", re.I)
# year, date, number: "In which year was X released, and who directed it?" -- "it" is X, never 1994
_ASKS_WHEN = re.compile(r"^\s*(?:(?:in|on) )?(?:which|what) (?:year|date|day|month|decade|century|time|age|number|"
                        r"percentage|amount)\b", re.I)
_PERSON_PRONOUN = re.compile(r"\b(?:(?P<poss>his|her(?=\s+(?!(?:in|on|at|to|for|from|with|by|as|about|"
                             r"after|before|and|or)\b)[a-z]))|(?P<subj>he|she|him|her))\b", re.I)
_THING_PRONOUN = re.compile(r"\b(?:(?P<poss>its)|(?P<subj>it)|(?P<place>there))\b", re.I)
_EXISTENTIAL = re.compile(r"^\s*(?:is|are|was|were)\s+there\b", re.I)   # "Is there ...": no place
# a name: capitalised, a letter in its first word, at most six words ("C", "Rome", "Apple Inc.")
_NAME = re.compile(r"^(?=[\w'’.&+#-]*?[A-Za-z])[A-Z0-9][\w'’.&+#-]*(?:\s+[\w'’.&()-]+){0,5}$")


def standalone(ask: str, earlier: list[tuple[str, str]]) -> str:
    """`ask` with its pronoun replaced by the answer of the earlier ask it points to, so that it
    stands alone ("In which city was the composer of Tosca born, and what is its population?":
    "What is its population?" -> "What is Rome's population?"); `ask` unchanged when no earlier
    ask (`earlier`: (ask, answer) pairs, in order) asked for a name of its pronoun's kind, or
    its answer is no name. A later ask without this has no subject to search or check: the
    1.5B model answered "its population" from a village's page, the first 613 it read."""
    for asked, answer in reversed(earlier):
        answer = " ".join(answer.split())
        if not _NAME.match(answer) or answer.lower() in ("yes", "no"):
            continue
        if _ASKS_PERSON.search(asked):
            pronoun = _PERSON_PRONOUN
        elif _ASKS_THING.search(asked) and not _ASKS_WHEN.search(asked):
            pronoun = _THING_PRONOUN
        else:
            continue
        match = next((m for m in pronoun.finditer(ask)
                      if not (m.group("subj") and m.start() == 0)        # "It was ...": an opening, not a referent
                      and not (m.lastgroup == "place" and _EXISTENTIAL.search(ask))), None)
        if match is None:
            continue
        said = (f"{answer}'s" if match.lastgroup == "poss" else
                f"in {answer}" if match.lastgroup == "place" else answer)
        return ask[:match.start()] + said + ask[match.end():]
    return ask


def background(question: str, earlier: str, parts: list[str], done: list[RunResult], read: list[dict]) -> str:
    """What the next ask starts from: the session's own background (a REPL follow-up), the whole
    question, each earlier ask with its answer, and the sources read so far."""
    lines = [earlier.strip()] if earlier.strip() else []
    lines.append(f"The whole question: {question}")
    lines.append(f"It asks {len(parts)} things, researched one after another.")
    for ask, result in zip(parts, done):
        lines.append(f"Asked: {ask} Answer found: {result.answer or '(no answer)'}")
    if read:
        listed = "; ".join(f"[{s['id']}] {s.get('title') or s.get('url', '')}" for s in read[:12])
        lines.append(f"Sources read so far (you may cite them): {listed}")
    return "\n".join(lines)


def merge(question: str, parts: list[str], results: list[RunResult], *, interrupted: bool = False) -> RunResult:
    """One result for the whole question from the results of its asks (in order; asks after
    the last result were not researched: the run stopped first -- `interrupted`, or its time
    was up)."""
    last = results[-1]
    cited = {s["id"] for r in results for s in r.sources if s.get("cited")}
    sources = [{**s, "cited": s["id"] in cited} for s in last.sources]   # one registry: the last has all
    stopped = max((r.stopped_because for r in results), key=_severity)
    if interrupted:
        stopped = "interrupted"
    elif stopped == "answered" and len(results) < len(parts):
        stopped = "max_time"
    answer = "; ".join(r.answer or "(no answer found)" for r in results)
    return RunResult(
        question=question, answer=answer, report=_report(question, answer, parts, results, sources),
        confidence=min(r.confidence for r in results) if len(results) == len(parts) else 0.0,
        sources=sources, stopped_because=stopped, stats=_sum_stats([r.stats for r in results]), trace=last.trace,
        claims=[c for r in results for c in r.claims], verification=[v for r in results for v in r.verification],
        conflicts=[c for r in results for c in r.conflicts],
        error=next((r.error for r in results if r.error), None),
        parts=[{"question": ask, "answer": r.answer, "confidence": r.confidence,
                "stopped_because": r.stopped_because, "trace": r.trace} for ask, r in zip(parts, results)])


def _severity(reason: str) -> int:
    return _SEVERITY.index(reason) if reason in _SEVERITY else len(_SEVERITY) - 2


def _sum_stats(all_stats: list[dict]) -> dict:
    merged: dict = {}
    for stats in all_stats:
        for key, value in stats.items():
            if key.startswith("peak_"):
                merged[key] = max(merged.get(key, 0), value)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                merged[key] = round(merged.get(key, 0) + value, 3)
            else:
                merged.setdefault(key, value)
    return merged


_TAIL = re.compile(r"^## (?:References|Also read)\s*$", re.M)


def _body(report: str) -> str:
    """An ask's report without its title and its reference lists, its headings one level down."""
    lines = report.split("\n")
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    text = "\n".join(lines)
    tail = _TAIL.search(text)
    if tail:
        text = text[: tail.start()]
    return re.sub(r"^(#{2,5}) ", r"#\1 ", text.strip(), flags=re.M)


def _answer_line(answer: str, results: list[RunResult]) -> str:
    """The merged answer line, labelled as each ask's own is: an answer no source read states is
    not shown as found ("CVE-2024-3094 is a recursive definition." was, from a dictionary entry
    on another subject, under a plain "Answer:")."""
    stated = [states_its_answer(r.report) for r in results]
    if all(stated):
        return f"**Answer:** {answer}"
    if not any(stated):
        return f"**{NOT_STATED}:** {answer}"
    return "**Answer:** " + "; ".join((r.answer or "(no answer found)") + ("" if ok else " (not stated by any source read)")
                                      for r, ok in zip(results, stated))


def _report(question: str, answer: str, parts: list[str], results: list[RunResult], sources: list[dict]) -> str:
    out = [f"# {question.strip()}", "", _answer_line(answer, results), ""]
    for i, ask in enumerate(parts, start=1):
        out += [f"## {i}. {ask}", ""]
        if i <= len(results):
            out += [_body(results[i - 1].report), ""]
        else:
            out += ["_Not researched: the run stopped before this part._", ""]
    cited = [s for s in sources if s.get("cited")]
    if cited:
        out += ["## References", ""] + [f"[{s['id']}] {s['title']} — {s['url']}" for s in cited] + [""]
    other = [s for s in sources if s.get("opened") and not s.get("cited")]
    if other:
        out += ["## Also read", ""] + [f"[{s['id']}] {s['title']} — {s['url']}" for s in other] + [""]
    return "\n".join(out).rstrip() + "\n"
