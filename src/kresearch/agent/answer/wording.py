"""How a short answer is worded: the kind of thing the question asks for is not said again.

"What type of film are both "500 Years Later" and "Manson"?" is answered "documentary": the
question says it is a film, and "documentary film" repeats it (the pages' own words, which the
model and the comparison of values copy). Only for a question asking a type, kind, sort, genre,
form, style or variety of something, and only the answer's last word when it is that something
and other words remain ("Punk rock music" -> "Punk rock"; "music" alone stays).
"""
from __future__ import annotations

import re

from ..context import stem

_KIND_ASKED = re.compile(r"\b(?:what|which)\s+(?:[a-z]+\s+)?(?:type|kind|sort|genre|form|style|variety)s?\s+of\s+"
                         r"([a-z]+)", re.I)


def without_kind_asked(question: str, answer: str) -> str:
    """The answer without a last word that repeats the kind the question asks for."""
    asked = _KIND_ASKED.search(question)
    words = answer.split()
    if asked is None or len(words) < 2:
        return answer
    if stem(words[-1].strip(".,;:").lower()) != stem(asked.group(1).lower()):
        return answer
    return " ".join(words[:-1]).rstrip(" ,;:-")
