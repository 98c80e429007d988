"""The angle an aspect takes on its subject, and the sentences that answer it.

An aspect is a subject seen from an angle: "Where Lisp came from" asks of Lisp's origin, "Compare
TCP with UDP" for their differences. Two aspects on one subject from one angle are one aspect
(outline.same_angle), and a section on an angle puts first the quoted sentences written the way
that angle is answered: a date or an inventor for an origin, "unlike" or "whereas" for a
difference. The families are plain English, not any question set's wording.
"""
from __future__ import annotations

import re

from ..context import stem, stems

# Each angle: the words that ask for it, and what a sentence answering it says.
_FAMILIES = {
    "origin": ("history histories origin origins came come comes began begin beginning beginnings evolution "
               "evolved invented invention background roots",
               r"\b(?:1[6-9]\d\d|20\d\d)s?\b|\b(?:invent|develop|design|creat|introduc|originat|coin|found|devis)"
               r"\w*|\b(?:began|begun|first|originally|early|earliest)\b"),
    "features": ("features feature characteristics characteristic distinctive properties traits",
                 r"\b(?:support|allow|provid|feature|characteri[sz]|distinguish|unusual|unique|notabl)\w*"),
    "kinds": ("types type kinds kind dialects variants varieties categories",
              r"\b(?:kinds?|types?|dialects?|variants?|varieties|forms?|versions?|famil(?:y|ies))\s+of\b|"
              r"\b(?:dialect|variant|descendant|derivative|extension|subset|superset)\b"),
    "comparison": ("compare compared comparing comparison versus vs differ differs difference differences contrast",
                   r"\b(?:unlike|whereas|while|than|differ\w*|compared|contrast\w*|instead|both|neither|same)\b"),
    "advantages": ("advantages advantage strengths strength benefits benefit pros",
                   r"\b(?:advantage|benefit|faster|efficien|simpl|cheap|reliab|allow|enabl)\w*"),
    "drawbacks": ("disadvantages disadvantage weaknesses weakness drawbacks drawback limitations limitation cons "
                  "criticism",
                  r"\b(?:disadvantage|drawback|weakness|cannot|can't|unable|slow|overhead|expensive|costly|"
                  r"problem|fail|limit|only|lack)\w*"),
    "uses": ("uses applications application",
             r"\bused\s+(?:for|to|in|by|as)\b|\b(?:application|employ)\w*"),
    "effects": ("effects effect impact impacts consequences consequence significance legacy",
                r"\b(?:led to|result|caus|impact|influenc|consequen|effect)\w*"),
}
ANGLES = {name: {stem(w) for w in words.split()} for name, (words, _) in _FAMILIES.items()}
ANGLE_WORDS = set().union(*ANGLES.values())
_ANSWERS = {name: re.compile(cue, re.IGNORECASE) for name, (_, cue) in _FAMILIES.items()}


def angles_of(text: str) -> set[str]:
    """The angles an aspect's words ask for ("Lisp family history": origin)."""
    said = stems(text)
    return {name for name, family in ANGLES.items() if said & family}


def answers_angle(sentence: str, angles: set[str]) -> bool:
    """The sentence is written the way one of `angles` is answered ("Invented by John McCarthy
    at MIT in the late 1950s" for an origin)."""
    return any(_ANSWERS[name].search(sentence) for name in angles)
