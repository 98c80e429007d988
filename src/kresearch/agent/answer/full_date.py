"""A year given to a question that asks *when* is given as the full date a page read states.

"When was X born?" asks for a date; the 1.5B model often answers with the year alone ("1949")
from a passage that says "(born April 1, 1949)". The reader wants the date the page gives, so a
bare-year answer to a question opening with "When" becomes the one full date (day and month, or
month) that the passage most about the question states with that year. A question that asks for
the year ("In what year ...", "Which year ...") keeps the year; so does an answer whose passages
give the year with no date, or with two different dates (nothing to choose between them by).
"""
from __future__ import annotations

import re

from ..context import stems
from ..evidence import evidence_sentences
from ..names import MONTHS

_WHEN = re.compile(r"\W*when\b", re.I)
_YEAR = re.compile(r"\d{3,4}")
_MONTH = r"(?:" + "|".join(m.capitalize() for m in MONTHS) + r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.)"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"


def _dates(year: str) -> re.Pattern:
    """'1 April 1949', 'April 1, 1949', 'April 1949' (with that year, not '19490')."""
    return re.compile(rf"(?<![\w,])(?:{_DAY}\s+)?{_MONTH}(?:\s+{_DAY})?,?\s+{year}(?!\d)")


def dated(question: str, answer: str, texts: list[str]) -> str:
    """`answer` as the full date `texts` state for it, when `question` opens with "When" and
    `answer` is a year; else unchanged. `texts` are the pages that state the answer and are on
    the question's trail: of their sentences giving a date in that year, those sharing the most
    words with the question decide, and only when they agree on one date."""
    year = answer.strip()
    if not (_WHEN.match(question) and _YEAR.fullmatch(year)):
        return answer
    pattern, asked = _dates(year), stems(question)
    best, found = 0, set()
    for text in texts:
        for sentence in evidence_sentences(text):
            dates = {" ".join(m.group().split()) for m in pattern.finditer(sentence)}
            if not dates:
                continue
            shared = len(asked & stems(sentence))
            if shared > best:
                best, found = shared, set(dates)
            elif shared == best:
                found |= dates
    return found.pop() if best and len(found) == 1 else answer
