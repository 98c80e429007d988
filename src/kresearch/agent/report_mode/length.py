"""How long a report is: `--length short|medium|long`.

Length is set where it is made: how many sentences the writer is asked for per section (and
how many tokens it may spend on them), how many quotes each section is written from (a writer
with more evidence can say more without writing from memory), and how long the summary is.
With six to eight sections this gives roughly 300-600 words (short), 500-1,000 (medium) and
1,000-1,500 (long) before the support check removes what the sources do not back.
"""
from __future__ import annotations

from dataclasses import dataclass

LENGTHS = ("short", "medium", "long")


@dataclass(frozen=True)
class Length:
    section_sentences: tuple[int, int]
    section_tokens: int
    quotes_per_aspect: int
    summary_sentences: tuple[int, int]
    summary_tokens: int


_TABLE = {
    "short": Length((2, 4), 300, 3, (2, 3), 220),
    "medium": Length((3, 6), 450, 4, (2, 4), 300),
    "long": Length((5, 9), 700, 6, (3, 6), 450),
}


def length(name: str) -> Length:
    if name not in _TABLE:
        raise ValueError(f"length must be one of {', '.join(LENGTHS)}, not {name!r}")
    return _TABLE[name]
