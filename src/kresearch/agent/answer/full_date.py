"""A year given to a question that asks *when* is given as the full date a page read states.

"When was X born?" asks for a date; the 1.5B model often answers with the year alone ("1949")
from a passage that says "(born April 1, 1949)". The reader wants the date the page gives, so a
bare-year answer to a question opening with "When was/did ..." becomes the full date (day and
month, or month) that the sentences with that year most about the question give. A question
that asks for the year ("In what year ...", "Which year ...") keeps the year; so does an answer
whose best sentences give the year with no date, or two different dates (nothing to choose
between them by). Dates are read as compare.py reads them ("1 April 1949" and "April 1, 1949"
are one date).
"""
from __future__ import annotations

import re

from ..context import stems
from ..evidence import evidence_sentences
from .compare import all_dates

# "When was/did ...", not a title that starts with the word ("When Harry Met Sally was released ...")
_WHEN = re.compile(r"\W*when\s+(?:was|were|did|does|do|is|are|has|have|had|will|would|could|can)\b", re.I)
_YEAR = re.compile(r"1\d{3}|20\d{2}")


def wants_date(question: str, answer: str) -> bool:
    """A year answering a question that asks "When was/did ...?": the only answers `dated` changes."""
    return bool(_WHEN.match(question) and _YEAR.fullmatch(answer.strip()))


def dated(question: str, answer: str, texts: list[str]) -> str:
    """`answer` as the full date `texts` state for it, when `question` asks "When ...?" and
    `answer` is a year; else unchanged. `texts` are the pages that state the answer and are
    connected to the question: of their sentences with that year, those sharing the most words
    with the question decide, and only when each of them gives one and the same date ("Oasis were
    formed in 1991" outranks "Liam Gallagher joined Oasis in October 1991" for "When was Oasis
    formed?", and gives no date: the year stays)."""
    if not wants_date(question, answer):
        return answer
    year = answer.strip()
    asked, has_year = stems(question), re.compile(rf"(?<!\d){year}(?!\d)")
    best, found, undated = 0, {}, False
    for text in texts:
        for sentence in evidence_sentences(text):
            if not has_year.search(sentence):
                continue
            dates = {date: shown for date, shown in all_dates(sentence) if date[0] == int(year) and date[1]}
            shared = len(asked & stems(sentence))
            if shared > best:
                best, found, undated = shared, {}, False
            if shared == best:
                found = {**dates, **found}          # the first way a date is written stays
                undated = undated or not dates
    if not best or undated or len(found) != 1:
        return answer
    return " ".join(next(iter(found.values())).split())
