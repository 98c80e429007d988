"""Report assembly. The model writes findings that cite source numbers; this module checks the
numbers, and builds the answer line, conflicts, computations, the confidence line and the
references in code (the confidence itself comes from confidence.py)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ..sources import Source, SourceRegistry
from .answer.compare import Comparison
from .evidence import CITATION, Conflict


@dataclass
class CitationCheck:
    text: str
    cited: list[int]          # kept citations, in order of first appearance
    removed_unseen: int       # numbers the model was never shown
    removed_unread: int       # sources it saw in results but never opened


MAX_FINDINGS = 6


def findings_schema(source_ids: list[int]) -> dict:
    """The findings as JSON facts, each citing sources the run opened (the grammar makes any
    other number impossible to write)."""
    return {"type": "object", "properties": {"findings": {
        "type": "array", "minItems": 1, "maxItems": MAX_FINDINGS, "items": {
            "type": "object", "properties": {
                "fact": {"type": "string", "minLength": 10, "maxLength": 300},
                "sources": {"type": "array", "items": {"enum": sorted(source_ids)}, "minItems": 1, "maxItems": 3}},
            "required": ["fact", "sources"]}}},
        "required": ["findings"]}


def findings_markdown(output: str) -> str:
    """Markdown bullets "- fact [n]" from the JSON the findings grammar produces; text that is
    not that JSON (a backend without grammars, a scripted test model) is returned as it is.
    JSON cut off at a token or time limit keeps its complete facts."""
    try:
        data = json.loads(output)
        facts = data["findings"]
    except (ValueError, TypeError, KeyError, AttributeError):
        if not output.lstrip().startswith("{"):
            return output
        facts = complete_items(output, "fact")
    try:
        return "\n".join(f"- {' '.join(str(f['fact']).split())} " + "".join(f"[{int(n)}]" for n in f["sources"])
                         for f in facts if str(f.get("fact", "")).strip())
    except (ValueError, TypeError, KeyError, AttributeError):
        return ""


def complete_items(output: str, text_key: str) -> list[dict]:
    """The complete {text_key: "...", "sources": [n, ...]} objects of grammar-bound JSON that a
    token or time limit cut off (the findings, a report section): what was finished is kept."""
    pattern = re.compile(r'\{\s*"%s"\s*:\s*"((?:[^"\\]|\\.)*)"\s*,\s*"sources"\s*:\s*\[([\d,\s]*)\]\s*\}'
                         % re.escape(text_key))
    items = []
    for match in pattern.finditer(output):
        try:
            items.append({text_key: json.loads(f'"{match[1]}"'), "sources": [int(n) for n in re.findall(r"\d+", match[2])]})
        except ValueError:      # a string the grammar never produces: skipped, not fatal
            continue
    return items


_FACT = re.compile(r'"fact"\s*:\s*"((?:[^"\\]|\\.)*)')


class FindingsStream:
    """Turns the findings JSON, as it streams in, into readable text: each fact on its own
    bullet as soon as its characters arrive. Plain text passes through unchanged."""

    def __init__(self) -> None:
        self.buffer, self.shown = "", ""

    def feed(self, piece: str) -> str:
        self.buffer += piece
        if not self.buffer.lstrip().startswith("{"):
            text = self.buffer
        else:
            text = "".join("\n- " + _unescape(m.group(1)) for m in _FACT.finditer(self.buffer)).lstrip("\n")
        if not text.startswith(self.shown):
            return ""
        new, self.shown = text[len(self.shown):], text
        return new


def _unescape(fragment: str) -> str:
    """A JSON string body that may end in the middle of an escape sequence: decode what is complete."""
    while True:
        try:
            return json.loads(f'"{fragment}"')
        except ValueError:
            cut = fragment.rfind("\\")
            if cut < 0:
                return fragment
            fragment = fragment[:cut]


# "- [5] Page title - Site: "quoted text"" -- small models copy the observation header.
_HEADER_BULLET = re.compile(r'^(\s*[-*•]\s*)\[(\d+)\]\s+[^:\n]{2,160}?:\s+"?(.+?)"?\s*$', re.M)


def tidy_findings(text: str) -> str:
    """Turn bullets that start with a copied source header into "- text [n]"."""
    return _HEADER_BULLET.sub(lambda m: f"{m.group(1)}{m.group(3).strip()} [{m.group(2)}]", text)


def check_citations(text: str, shown: set[int], opened: set[int]) -> CitationCheck:
    """Keep [n] only for sources the run opened; drop the rest and count why."""
    cited: list[int] = []
    unseen = unread = 0

    def replace(match: re.Match) -> str:
        nonlocal unseen, unread
        keep = []
        for part in re.split(r"[,;]", match.group(1)):
            n = int(part)
            if n in opened:
                keep.append(n)
                if n not in cited:
                    cited.append(n)
            elif n in shown:
                unread += 1
            else:
                unseen += 1
        return "".join(f"[{n}]" for n in dict.fromkeys(keep))

    cleaned = CITATION.sub(replace, text)
    cleaned = re.sub(r"[ \t]+([.,;:])", r"\1", cleaned)
    return CitationCheck(text=cleaned, cited=cited, removed_unseen=unseen, removed_unread=unread)


def references(sources: list[Source]) -> str:
    return "\n".join(f"[{s.id}] {s.title} — {s.url}" for s in sources)


def assemble(question: str, answer: str, findings: str, registry: SourceRegistry, cited: list[int],
             confidence_value: float, stopped_because: str, missing: str = "", *, confidence_reason: str = "",
             conflict: Conflict | None = None, computations: list[tuple[str, str]] = (),
             unverified: bool = False, compared: Comparison | None = None,
             answer_cites: list[tuple[int, str]] = ()) -> str:
    label = "Answer (not stated by any source read)" if unverified and answer.strip() else "Answer"
    marks = "".join(f"[{sid}]" for sid, _ in answer_cites)
    parts = [f"# {question.strip()}", "", f"**{label}:** {answer.strip() or '(no answer found)'}"
             + (f" {marks}" if marks else ""), ""]
    if answer_cites:   # one quote per paragraph of the block quote
        parts += ["\n>\n".join(f'> [{sid}] "{quote}"' for sid, quote in answer_cites), ""]
    if stopped_because != "answered":
        parts += [f"> Partial report: the run stopped ({stopped_because.replace('_', ' ')}) before it "
                  f"finished researching.{(' ' + missing) if missing else ''}", ""]
    if findings.strip():
        parts += ["## Findings", "", findings.strip(), ""]
    if conflict is not None:
        parts += ["## Conflicting sources", ""]
        parts.append(f"- {conflict.answer_value}: " + ", ".join(
            f"[{n}] \"{conflict.quotes.get(n, '')}\"" for n in conflict.supporting))
        for value, ids in conflict.other_values.items():
            parts.append(f"- {value}: " + ", ".join(f"[{n}] \"{conflict.quotes.get(n, '')}\"" for n in ids))
        parts += ["", f"The answer follows {conflict.follows}.", ""]
    if compared is not None and compared.answer:
        parts += [f"## {compared.what.capitalize()} compared", ""]
        parts += [f'- {o}: {f.value} — [{f.source}] "{f.quote}"' for o, f in compared.facts.items()]
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
