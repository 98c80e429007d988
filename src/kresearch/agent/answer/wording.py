"""How a short answer is worded: the question's words around it and the kind it asks for are
not said again.

A sentence that restates the question around its answer is the answer: "Ellie Goulding worked
with Max Martin, Savan Kotecha, and Ilya Salmanzadeh on her third studio album" for "Ellie
Goulding worked with what other writers on her third studio album, Delirium?" is "Max Martin,
Savan Kotecha, and Ilya Salmanzadeh" (as a sentence no page states it, and the draft that had it
right went back as unsupported). Only the words at either end that the question writes are
taken off, and only when they hold a lower-case word of the question besides small ones (a
verb, a noun: "worked", "album"): "Texas Tech University" for "... the 1974 Texas Tech Raiders
represented what university?" keeps the names it shares. Answers of fewer than five words,
yes/no answers and an answer the question's words make up whole are left as they are.

"What type of film are both "500 Years Later" and "Manson"?" is answered "documentary": the
question says it is a film, and "documentary film" repeats it (the pages' own words, which the
model and the comparison of values copy). Only for a question asking a type, kind, sort, genre,
form, style or variety of something, and only the answer's last word when it is that something,
in lower case, and other words remain ("Punk rock music" -> "Punk rock"; "music" alone and the
name "WAP Forum" stay).
"""
from __future__ import annotations

import re

from ..context import content_words, stem, stems
from ..evidence import is_yes_no
from .verify import SENTENCE_WORDS          # shorter answers are names and phrases, not sentences
_KIND_ASKED = re.compile(r"\b(?:what|which)\s+(?:[a-z]+\s+)?(?:type|kind|sort|genre|form|style|variety)s?\s+of\s+"
                         r"([a-z]+)", re.I)


def without_kind_asked(question: str, answer: str) -> str:
    """The answer without a last word that repeats the kind the question asks for."""
    asked = _KIND_ASKED.search(question)
    words = answer.split()
    if asked is None or len(words) < 2:
        return answer
    last = words[-1].strip(".,;:")
    if not last[:1].islower() or stem(last.lower()) != stem(asked.group(1).lower()):
        return answer                   # a capital makes it part of a name: "WAP Forum" stays
    return " ".join(words[:-1]).rstrip(" ,;:-")


def without_restated(question: str, answer: str) -> str:
    """The answer without the question's own words at either end (module docstring)."""
    tokens = answer.split()
    if len(tokens) < SENTENCE_WORDS or is_yes_no(tokens[0].strip(",.;:")):
        return answer
    asked = stems(question)

    def restated(token: str) -> bool:
        return stems(token) <= asked           # a small word has no stem: restated

    start, end = 0, len(tokens)
    while start < end and restated(tokens[start]):
        start += 1
    while end > start and restated(tokens[end - 1]):
        end -= 1
    core = " ".join(tokens[start:end]).strip(" ,.;:")
    removed = tokens[:start] + tokens[end:]
    if not core or not any(token[:1].islower() and content_words(token) for token in removed):
        return answer
    return core
