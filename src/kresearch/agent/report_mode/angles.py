"""The angle an aspect takes on its subject, and the sentences that answer it.

An aspect is a subject seen from an angle: "Where Lisp came from" asks of Lisp's origin, "Compare
TCP with UDP" for their differences. Two aspects on one subject from one angle are one aspect
(outline.same_angle), and a section on an angle puts first the quoted sentences written the way
that angle is answered: a year or "invented" for an origin, "unlike" or "whereas" for a
difference. The families are plain English, not any question set's wording; the cues are kept
narrow (past-tense verbs, a year not part of a measure) because a cue on every sentence ranks
nothing.
"""
from __future__ import annotations

import re

from ..context import stem, stems

# Each angle: the words that ask for it, and what a sentence answering it says.
_FAMILIES = {
    "origin": ("history histories origin origins came began beginnings evolution evolved invented invention roots",
               r"\b(?:1[6-9]\d\d|20\d\d)s?\b(?![-\u2013]?(?:bit|byte|kb|mb)\b)|"
               r"\b(?:invent|develop|design|creat|introduc|originat|coin|devis|found)ed\b|\boriginally\b"),
    "features": ("features feature characteristics characteristic distinctive properties traits",
                 r"\b(?:feature|characteri[sz]|distinguish|unusual|unique|notabl)\w*"),
    "kinds": ("types type kinds kind dialects variants varieties categories",
              r"\b(?:kinds?|types?|dialects?|variants?|varieties|versions?|famil(?:y|ies))\s+of\b|"
              r"\b(?:dialect|variant|descendant|derivative|subset|superset)s?\b"),
    "comparison": ("compare compared comparing comparison versus vs differ differs difference differences contrast",
                   r"\b(?:unlike|whereas|than|differ\w*|compared|contrast\w*|instead of)\b"),
    "advantages": ("advantages advantage strengths strength benefits benefit pros",
                   r"\b(?:advantage|benefit|faster|efficien|cheaper|reliab)\w*"),
    "drawbacks": ("disadvantages disadvantage weaknesses weakness drawbacks drawback limitations limitation cons "
                  "criticism",
                  r"\b(?:disadvantage|drawback|weakness|cannot|can't|unable|overhead|expensive|costly|problem|"
                  r"fail|lack|slow)\w*"),
    "uses": ("applications application",
             r"\bused\s+(?:for|to|in|by|as)\b|\bapplications?\b|\bemployed\b"),
    "effects": ("effects effect impact impacts consequences consequence significance legacy",
                r"\b(?:led to|resulted in|as a result|caused|causes|impact\w*|influenc\w*|consequen\w*)\b"),
}
ANGLES = {name: {stem(w) for w in words.split()} for name, (words, _) in _FAMILIES.items()}
ANGLE_WORDS = set().union(*ANGLES.values())
_ANSWERS = {name: re.compile(cue, re.IGNORECASE) for name, (_, cue) in _FAMILIES.items()}


def angle_families(text: str) -> set[str]:
    """The angles an aspect's words ask for ("Lisp family history": origin)."""
    said = stems(text)
    return {name for name, family in ANGLES.items() if said & family}


def answers_angle(sentence: str, angles: set[str]) -> bool:
    """The sentence is written the way one of `angles` is answered ("Invented by John McCarthy
    at MIT in the late 1950s" for an origin)."""
    return any(_ANSWERS[name].search(sentence) for name in angles)
