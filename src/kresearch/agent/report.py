"""A short answer's report, assembled in code: the answer line with the passages that state it,
the quoted findings (answer/findings.py), conflicts, the facts a comparison was decided by,
computations, the confidence line and the references (the confidence itself comes from
answer/confidence.py). `complete_items` and `references` serve report mode too."""
from __future__ import annotations

import json
import re

from ..sources import Source, SourceRegistry
from .answer.compare import Comparison
from .evidence import Conflict, as_shown


def complete_items(output: str, text_key: str) -> list[dict]:
    """The complete {text_key: "...", "sources": [n, ...]} objects of grammar-bound JSON that a
    token or time limit cut off (a report section): what was finished is kept."""
    pattern = re.compile(r'\{\s*"%s"\s*:\s*"((?:[^"\\]|\\.)*)"\s*,\s*"sources"\s*:\s*\[([\d,\s]*)\]\s*\}'
                         % re.escape(text_key))
    items = []
    for match in pattern.finditer(output):
        try:
            items.append({text_key: json.loads(f'"{match[1]}"'), "sources": [int(n) for n in re.findall(r"\d+", match[2])]})
        except ValueError:      # a string the grammar never produces: skipped, not fatal
            continue
    return items


# the answer line's label when no source read states the answer (or bears on a yes/no one)
NOT_STATED = "Answer (not stated by any source read)"


def states_its_answer(report: str) -> bool:
    """A short-answer report whose answer line is not labelled NOT_STATED."""
    return f"**{NOT_STATED}:**" not in report.split("\n## ", 1)[0]


def references(sources: list[Source]) -> str:
    return "\n".join(f"[{s.id}] {s.title} — {s.url}" for s in sources)


def assemble(question: str, answer: str, findings: str, registry: SourceRegistry, cited: list[int],
             confidence_value: float, stopped_because: str, missing: str = "", *, confidence_reason: str = "",
             conflict: Conflict | None = None, computations: list[tuple[str, str]] = (),
             unverified: bool = False, compared: Comparison | None = None,
             answer_cites: list[tuple[int, str]] = (), search_failed: str = "") -> str:
    label = NOT_STATED if unverified and answer.strip() else "Answer"
    marks = "".join(f"[{sid}]" for sid, _ in answer_cites)
    parts = [f"# {question.strip()}", "", f"**{label}:** {answer.strip() or '(no answer found)'}"
             + (f" {marks}" if marks else ""), ""]
    if answer_cites:   # one quote per paragraph of the block quote
        parts += ["\n>\n".join(f'> [{sid}] "{as_shown(quote)}"' for sid, quote in answer_cites), ""]
    if search_failed:   # nothing could be looked up: say why, not only that no source states it
        parts += [f"> Every search failed ({search_failed}): nothing was read, and any answer above is the "
                  "model's own.", ""]
    if stopped_because != "answered":
        parts += [f"> Partial report: the run stopped ({stopped_because.replace('_', ' ')}) before it "
                  f"finished researching.{(' ' + missing) if missing else ''}", ""]
    if findings.strip():
        parts += ["## Findings", "", findings.strip(), ""]
    if conflict is not None:
        parts += ["## Conflicting sources", ""]
        parts.append(f"- {conflict.answer_value}: " + ", ".join(
            f"[{n}] \"{as_shown(conflict.quotes.get(n, ''))}\"" for n in conflict.supporting))
        for value, ids in conflict.other_values.items():
            parts.append(f"- {value}: " + ", ".join(f"[{n}] \"{as_shown(conflict.quotes.get(n, ''))}\"" for n in ids))
        parts += ["", f"The answer follows {conflict.follows}.", ""]
    if compared is not None and compared.answer:
        parts += [f"## {compared.heading()}", ""]
        parts += [f'- {o}: {f.value} — [{f.source}] "{as_shown(f.quote)}"' for o, f in compared.facts.items()]
        parts += ["", compared.conclusion(), ""]
    if computations:
        parts += ["## Computation", ""]
        for code, output in computations[-3:]:
            parts += ["```python", code.strip(), "```", "", "```", output.strip()[:600], "```", ""]
    failed = [s for s in registry.all() if s.error and not s.opened]
    if failed:
        parts += ["## Sources that could not be read", ""] + [f"- {s.url}: {s.error}" for s in failed[:10]] + [""]
    reason = f" — {confidence_reason}" if confidence_reason else ""
    parts += [f"_Confidence: {confidence_value:.2f}{reason}._", ""]
    cited_sources = [registry.get(n) for n in cited]
    if cited_sources:
        parts += ["## References", "", references(cited_sources), ""]
    other = [s for s in registry.opened() if s.id not in cited]
    if other:
        parts += ["## Also read", "", references(other), ""]
    return "\n".join(parts).rstrip() + "\n"
