"""Where the sources read disagree with what the report states.

A report sentence that gives a year or a number rests on one sentence of a source it cites.
Another source read disagrees when one of its sentences states the same fact with a different
value: the same names and other numbers, one sentence perhaps leaving some out ("Python 3.0" is
not "Python 2.0", "Fortran ... John Backus" not "Lisp ... John McCarthy"), most of the same
words, and another value of the same kind ("released in 2008" against "released in
2009"). Names themselves are not compared (that would need more than word overlap). Found in
code over the pages read, no model call; the report lists each under "Disagreements and open
questions" and the JSON under `conflicts`, so the reader sees both sides with their quotes.
"""
from __future__ import annotations

from dataclasses import dataclass

from ...tools.extract import without_link_targets
from ..context import stems
from ..evidence import NUMBER, YEAR, Claim, Conflict, numbers, page_subject, sentences, stating_otherwise
from ..names import capitalised

SAME_WORDS = 0.6          # share of the stated sentence's words the other one must have
MIN_SHARED = 3            # and at least this many
MAX_LISTED = 5


@dataclass
class Disagreement:
    claim: str            # the report's sentence
    conflict: Conflict    # its value and sources, the other value and who states it, with quotes

    @property
    def sources(self) -> list[int]:
        """The sources on both sides, the cited one first."""
        return [*self.conflict.supporting, *(s for sids in self.conflict.other_values.values() for s in sids)]

    def line(self) -> str:
        c = self.conflict
        ours = ", ".join(f"[{s}]" for s in c.supporting)
        other, sids = next(iter(c.other_values.items()))
        theirs = ", ".join(f"[{s}]" for s in sids)
        quote = " ".join(c.quotes.get(sids[0], "").split())
        return f'- {c.answer_value}, as the report says {ours}, or {other}: "{quote}" {theirs}'

    def as_json(self) -> dict:
        return {"claim": self.claim, **self.conflict.as_json()}


def find(claims: list[Claim], texts: dict[int, str], limit: int = MAX_LISTED) -> list[Disagreement]:
    """Disagreements with the kept claims that state a year or number, at most one per claim
    and per pair of values, the first `limit`."""
    # the numbers of a link's address are no values ("[STD](http://127.0.0.1:8765/foldoc/STD) 5")
    texts = {sid: without_link_targets(text) for sid, text in texts.items()}
    found: list[Disagreement] = []
    seen: set[tuple[str, str]] = set()
    for claim in claims:
        if not claim.kept or claim.quote_source is None:
            continue
        disagreement = _against(claim, texts)
        if disagreement is None:
            continue
        c = disagreement.conflict
        pair = (c.answer_value, next(iter(c.other_values)))
        if pair in seen:
            continue
        seen.add(pair)
        found.append(disagreement)
        if len(found) >= limit:
            break
    return found


def _against(claim: Claim, texts: dict[int, str]) -> Disagreement | None:
    for value in YEAR.findall(claim.text) or sorted(numbers(claim.text)):
        kind = YEAR if YEAR.fullmatch(value) else NUMBER
        stated = _stating_sentence(claim, texts, value)
        if stated is None:
            continue
        # a sentence naming no subject speaks of its page's ("He has been a TD since 2007" on
        # Leo Varadkar's page, "She has been a TD since 2011" on Frances Fitzgerald's)
        names = capitalised(stated) | page_subject(stated, texts.get(claim.quote_source, ""))
        other_numbers = numbers(stated) - {value}
        words = {w for w in stems(stated) if not w.isdigit()}
        for sid, sentence, values in stating_otherwise(texts, claim.sources, kind, value):
            said = stems(sentence)
            values -= other_numbers          # a value the stated sentence gives too is no other value
            theirs = capitalised(sentence) | page_subject(sentence, texts[sid])
            if not values or not (_nested(names, theirs) and (names & said)
                                  and _nested(other_numbers, numbers(sentence) - values)):
                continue
            shared = len(words & said)
            if shared >= MIN_SHARED and shared >= SAME_WORDS * len(words):
                conflict = Conflict(value, [claim.quote_source], {sorted(values)[0]: [sid]},
                                    {claim.quote_source: stated, sid: sentence})
                return Disagreement(claim.text, conflict)
    return None


def _nested(a: set[str], b: set[str]) -> bool:
    """One says no more than the other: a sentence may leave out a name or a number of the
    other, but not give one of its own ("Fortran ... John Backus" is not "Lisp ... John McCarthy")."""
    return a <= b or b <= a


def _stating_sentence(claim: Claim, texts: dict[int, str], value: str) -> str | None:
    """The sentence of the claim's best supporting source that gives `value`."""
    for text in (claim.quote, texts.get(claim.quote_source, "")):
        for sentence in sentences(text):
            if value in numbers(sentence) and len(stems(sentence) & stems(claim.text)) >= MIN_SHARED:
                return sentence
    return None
