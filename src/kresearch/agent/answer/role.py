"""The answer did what the question asks: "developed by which company?" is not the publisher.

A page sentence often names several doers side by side: "Lara Croft and the Temple of Osiris is
an action-adventure game developed by Crystal Dynamics and published by Square Enix". Asked
"... in a video game developed by which company?", the 1.5B model answered "Square Enix" from that
sentence, which states the answer, so no other check objected. When the question asks who did
something (its verb: "developed by which", "Which company developed", "Who directed"), and a
sentence of a page read that states the answer names someone else as the one who did it while
the answer did something else, the answer is not what is asked; the sentence names what is.
Only the verbs that name a doer with "by" or before them are read (names.done_by: "-ed" verbs).
"""
from __future__ import annotations

import re

from ..context import stems
from ..evidence import evidence_sentences, states_answer
from ..names import done_by

# "developed by which company", "founded by whom"
_ASKED_BY = re.compile(r"\b([a-z]+ed)\s+by\s+(?:which|what|whom|who)\b", re.I)
# "Who directed ...?", "Which company developed ...?": a question opening with its doer asked
_ASKED_DID = re.compile(r"^\W*(?:which|what|who)\b(?:\s+[a-z]+){0,2}?\s+([a-z]+ed)\b(?!\s+by\b)", re.I)


def asked_role(question: str) -> str | None:
    """The verb whose doer the question asks for, lower-case; None when it asks no doer."""
    found = _ASKED_BY.search(question) or _ASKED_DID.search(question)
    return found.group(1).lower() if found else None


def other_role(question: str, answer: str, opened: dict[int, str]) -> tuple[int, str, str, str] | None:
    """(source, the verb asked, the one the sentence says did it, what the answer did there), from
    a sentence stating the answer that names another doer of the asked verb; None otherwise."""
    verb = asked_role(question)
    said = stems(answer)
    if verb is None or not said:
        return None
    for sid, text in opened.items():
        for sentence in evidence_sentences(text):
            if not states_answer(answer, sentence):
                continue
            doers = done_by(sentence)
            asked = [name for v, name in doers if v.lower() == verb]
            if not asked or any(said <= stems(name) or stems(name) <= said for name in asked):
                continue
            did = next((v for v, name in doers if v.lower() != verb and said <= stems(name)), None)
            if did is not None:
                return sid, verb, asked[0], did
    return None
