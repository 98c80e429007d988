"""Report assembly. The model writes findings that cite source numbers; this module checks the
numbers, and builds the answer line, the references and the confidence in code."""
from __future__ import annotations

import re
import string
from dataclasses import dataclass

from ..sources import Source, SourceRegistry

_CITATION = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")


@dataclass
class CitationCheck:
    text: str
    cited: list[int]          # kept citations, in order of first appearance
    removed_unseen: int       # numbers the model was never shown
    removed_unread: int       # sources it saw in results but never opened


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

    cleaned = _CITATION.sub(replace, text)
    cleaned = re.sub(r"[ \t]+([.,;:])", r"\1", cleaned)
    return CitationCheck(text=cleaned, cited=cited, removed_unseen=unseen, removed_unread=unread)


def normalize_answer(text: str) -> str:
    """HotpotQA-style normalisation: lower case, no punctuation, no articles, single spaces."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def supporting_sources(answer: str, texts: dict[int, str]) -> list[int]:
    """Opened sources whose text contains the (normalised) answer."""
    needle = normalize_answer(answer)
    if not needle or needle in ("yes", "no"):
        return []
    return [sid for sid, text in texts.items() if needle in normalize_answer(text)]


def confidence(answered: bool, answer: str, cited: list[int], supporting: list[int]) -> float:
    """Evidence, not the model's mood: how many read sources contain the answer or back it by
    citation. A forced or missing answer stays low."""
    if not answer.strip():
        return 0.0
    score = 0.25
    score += 0.2 * min(len(set(cited)), 2)
    score += 0.15 * min(len(supporting), 2)
    if not answered:
        score = min(score, 0.4)
    return round(min(score, 0.95), 2)


def references(sources: list[Source]) -> str:
    return "\n".join(f"[{s.id}] {s.title} — {s.url}" for s in sources)


def assemble(question: str, answer: str, findings: str, registry: SourceRegistry, cited: list[int],
             confidence_value: float, stopped_because: str, missing: str = "") -> str:
    parts = [f"# {question.strip()}", "", f"**Answer:** {answer.strip() or '(no answer found)'}", ""]
    if stopped_because != "answered":
        parts += [f"> Partial report: the run stopped ({stopped_because.replace('_', ' ')}) before it "
                  f"finished researching.{(' ' + missing) if missing else ''}", ""]
    if findings.strip():
        parts += ["## Findings", "", findings.strip(), ""]
    failed = [s for s in registry.all() if s.error and not s.opened]
    if failed:
        parts += ["## Sources that could not be read", ""] + [f"- {s.url}: {s.error}" for s in failed[:10]] + [""]
    parts += [f"_Confidence: {confidence_value:.2f} (from {len(cited)} cited source(s) the run read)._", ""]
    cited_sources = [registry.get(n) for n in cited]
    if cited_sources:
        parts += ["## References", "", references(cited_sources), ""]
    other = [s for s in registry.opened() if s.id not in cited]
    if other:
        parts += ["## Also read", "", references(other), ""]
    return "\n".join(parts).rstrip() + "\n"
