"""ContextManager: the prompt as a list of segments, kept under a token budget.

Segments are chat messages with a kind (system, task, action, search, page, find, python,
error, note), the step that made them and the sources they mention. System and task are
pinned. Before every model call `fit()` makes the rendered prompt at most the budget by
replacing the least important segments with short stubs that keep their source numbers, so
the agent can reopen them (the pages stay cached).

Importance of a segment at step t (higher is kept longer):

    score = KIND_WEIGHT[kind]                 note 1.0 > page 0.6 > find 0.55 > python 0.5
                                              > search 0.35 > error 0.1
          + 0.8 * relevance                   share of the question's (and the plan's) content
                                              words in it
          + 0.4 * 0.5 ** ((t - step) / 4)     recency: halves every 4 steps
          + 0.5 * cited                       1 if a note cites one of its sources [n]
          - 0.4 * redundancy                  share of its words already in a newer kept segment

Relevance is computed on the segment's own text (`score_text`), not on the reminder of the
question the loop appends to observations. Notes are never set aside.

KV-cache friendliness: llama.cpp reuses only the unchanged prefix of the prompt, so every
eviction costs a recompute of everything after the evicted segment. Evictions therefore
happen in batches, down to `low_water * budget`, which leaves room for several more steps
before the next batch instead of trimming a little before every call.

When setting observations aside is not enough (a small budget, a long run), `fit` compacts
as a last resort: stubs shrink to their source numbers, then earlier actions and verification
messages to one short line, then the oldest notes to their first sentence. Only then does it
raise ContextOverflow, and the loop ends the run with what was read (a limit, not an error).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from ..llm.base import Message

KIND_WEIGHT = {"note": 1.0, "page": 0.6, "find": 0.55, "python": 0.5, "search": 0.35, "error": 0.1}
EVICTABLE = set(KIND_WEIGHT) - {"note"}

_WORD = re.compile(r"[a-z0-9]+")
_STOP = set("a an and are as at be by for from has have he her his in is it its of on or she that the "
            "their they this to was were what when where which who whom whose why will with how did "
            "does do".split())


def content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1}


_BRITISH = re.compile(r"(?<=\w\w)is(ation|ations|e|ed|es|ing)$")


# plurals no suffix stripping undoes ("Are both Cypress and Ajuga genera?" asks "Is Ajuga a
# genus?"); not "data", "media", "people" (words of their own) nor "lives", "leaves" (verbs too)
_IRREGULAR_PLURALS = {
    "genera": "genus", "phenomena": "phenomenon", "criteria": "criterion",
    "alumni": "alumnus", "fungi": "fungus", "cacti": "cactus", "nuclei": "nucleus", "bacteria": "bacterium",
    "indices": "index", "appendices": "appendix", "theses": "thesis", "analyses": "analysis", "crises": "crisis",
    "hypotheses": "hypothesis", "larvae": "larva", "formulae": "formula", "curricula": "curriculum",
    "men": "man", "women": "woman", "children": "child", "mice": "mouse", "feet": "foot", "teeth": "tooth",
    "geese": "goose", "wives": "wife", "knives": "knife", "wolves": "wolf",
}


def stem(word: str) -> str:
    """Crude suffix stripping, enough for 'served'/'serves', 'films'/'film', 'starring'/'star';
    British -ise/-isation spelt as American -ize/-ization ("synchronisation" matches a page
    on "synchronization"); irregular plurals as their singular ("genera"/"genus"); a final -y
    after a consonant as the -i its plural and past keep ("documentary"/"documentaries" ->
    "documentari", "study"/"studied" -> "studi")."""
    word = _IRREGULAR_PLURALS.get(word, word)
    word = _BRITISH.sub(r"iz\1", word)
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    if len(word) >= 4 and word.endswith("y") and word[-2] not in "aeiouy":
        return word[:-1] + "i"
    return word


def same_word(a: str, b: str) -> bool:
    """Two stems of one word, judged by prefix: the crude stems of "writes" and "write" differ."""
    return a == b or (min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)))


def stems(text: str) -> set[str]:
    return {stem(w) for w in content_words(text)}


class ContextOverflow(Exception):
    """Even with everything evictable set aside, the prompt does not fit the budget."""


@dataclass
class Segment:
    role: str                       # system | user | assistant
    kind: str                       # system | task | action | search | page | find | python | error | note
    text: str
    step: int
    tokens: int
    pinned: bool = False
    source_ids: tuple[int, ...] = ()
    stub: str | None = None         # what stays in the prompt once the segment is set aside
    evicted: bool = False
    words: frozenset[str] = frozenset()  # content words of the text that is scored

    @property
    def content(self) -> str:
        return self.stub if self.evicted and self.stub is not None else self.text


class ContextManager:
    def __init__(self, count_tokens: Callable[[str], int], count_prompt: Callable[[list[Message]], int],
                 budget: int, question: str, low_water: float = 0.7):
        self.count_tokens = count_tokens
        self.count_prompt = count_prompt
        self.budget = budget
        self.low_water = low_water
        self.question_words = content_words(question)
        self.segments: list[Segment] = []
        self.evictions = 0

    def add(self, role: str, kind: str, text: str, step: int, *, pinned: bool = False,
            source_ids: tuple[int, ...] = (), stub: str | None = None, score_text: str | None = None) -> Segment:
        segment = Segment(role=role, kind=kind, text=text, step=step, tokens=self.count_tokens(text),
                          pinned=pinned, source_ids=tuple(source_ids), stub=stub,
                          words=frozenset(content_words(text if score_text is None else score_text)))
        self.segments.append(segment)
        return segment

    def add_focus(self, text: str) -> None:
        """Count relevance to these words too (the plan's sub-questions) from now on."""
        self.question_words = self.question_words | content_words(text)

    def messages(self, suffix: str = "") -> list[Message]:
        """The chat messages, with `suffix` appended to the last user message for this call only
        (it sits at the very end, so it costs no KV-cache reuse)."""
        out = [{"role": s.role, "content": s.content} for s in self.segments]
        if suffix:
            if out and out[-1]["role"] == "user":
                out[-1] = {"role": "user", "content": out[-1]["content"] + "\n\n" + suffix}
            else:
                out.append({"role": "user", "content": suffix})
        return out

    def noted_sources(self) -> set[int]:
        """Source numbers cited in the agent's notes."""
        return {int(n) for s in self.segments if s.kind == "note" for n in re.findall(r"\[(\d+)\]", s.text)}

    def importance(self, segment: Segment, now: int, noted: set[int] | None = None) -> float:
        noted = self.noted_sources() if noted is None else noted
        words = segment.words
        relevance = len(words & self.question_words) / max(1, len(self.question_words))
        recency = 0.5 ** (max(0, now - segment.step) / 4)
        cited = 1.0 if noted & set(segment.source_ids) else 0.0
        redundancy = 0.0
        if words:
            newer = [s for s in self.segments if s.step > segment.step and not s.evicted and s.words]
            redundancy = max((len(words & s.words) / len(words) for s in newer), default=0.0)
        return (KIND_WEIGHT.get(segment.kind, 0.3) + 0.8 * relevance + 0.4 * recency
                + 0.5 * cited - 0.4 * redundancy)

    def prompt_tokens(self, suffix: str = "") -> int:
        return self.count_prompt(self.messages(suffix))

    def fit(self, now: int, reserve: int = 0, suffix: str = "") -> int:
        """Set aside segments until the prompt (with `suffix`) is at most budget - reserve tokens.
        Returns how many segments were set aside; raises ContextOverflow if it cannot fit."""
        limit = self.budget - reserve
        total = self.prompt_tokens(suffix)
        if total <= limit:
            return 0
        candidates = [s for s in self.segments if s.kind in EVICTABLE and not s.pinned and not s.evicted]
        noted = self.noted_sources()
        # The newest segment goes last: the model has not read it yet.
        candidates.sort(key=lambda s: (s is self.segments[-1], self.importance(s, now, noted)))
        target = int(limit * self.low_water)
        evicted = 0
        while total > limit:
            if not candidates:
                total = self._compact(limit, suffix)
                if total > limit:
                    raise ContextOverflow(f"the prompt needs {total} tokens but the budget is {limit}")
                break
            estimate = total
            while candidates and estimate > target:
                segment = candidates.pop(0)
                segment.evicted = True
                stub = segment.stub if segment.stub is not None else ""
                estimate -= segment.tokens - self.count_tokens(stub)
                evicted += 1
            total = self.prompt_tokens(suffix)
        self.evictions += evicted
        return evicted

    def _compact(self, limit: int, suffix: str) -> int:
        """Shorten what eviction leaves, in rounds, until the prompt fits; the newest segment
        (not yet read by the model) is never touched. Returns the prompt's tokens after."""
        newest = self.segments[-1] if self.segments else None
        rounds = [
            [s for s in self.segments if s.evicted and s.kind in EVICTABLE],
            [s for s in self.segments if s.kind in ("action", "verify", "error", "plan") and not s.pinned],
            *[[s] for s in self.segments if s.kind == "note" and not s.pinned],     # oldest note first
        ]
        total = self.prompt_tokens(suffix)
        for group in rounds:
            if total <= limit:
                break
            for segment in group:
                if segment is not newest:
                    segment.stub, segment.evicted = _shortened(segment), True
            total = self.prompt_tokens(suffix)
        return total

    def tokens_by_kind(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self.segments:
            out[s.kind] = out.get(s.kind, 0) + (self.count_tokens(s.content) if s.evicted else s.tokens)
        return out


def _shortened(segment: Segment) -> str:
    """One short line for a compacted segment, keeping its source numbers."""
    refs = " ".join(f"[{n}]" for n in segment.source_ids)
    if segment.evicted and segment.kind in EVICTABLE:
        return f"(set aside {refs})" if refs else "(set aside)"
    first = re.split(r"(?<=[.!?])\s", segment.text.strip(), maxsplit=1)[0]
    return first[:120] + (" …" if len(first) > 120 or len(first) < len(segment.text.strip()) else "")
