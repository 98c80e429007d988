"""Measures a page states -- "a 715 ft (218 m) skyscraper", "its summit has an elevation of
7295 m", "runs for 112 minutes" -- read as numbers in one unit per dimension, so that code can
compare two of them.

"Which tower is taller, 712 Fifth Avenue or the Manhattan Life Insurance Building?" is decided
by the heights the two buildings' own pages give (compare.compare_measures), as dates and counts
are: the small model reads both numbers and still picks the wrong one. A comparative asks for
one aspect ("taller", "higher": a height; "heavier": a mass) or several ("longer": a river's
length or a film's running time). A thing's measure of that aspect is, on its own page:

  - in a sentence with a word of the aspect ("elevation", "summits", "tall"), the measure
    nearest that word ("The mountain has an about 3 km long top ridge above 7400m with three
    distinct summits: (north)west 7885m, ..." -> 7885m for its height), or else
  - in the page's lead, a measure said of the thing itself: "a 650 ft skyscraper";

never one a word of another aspect follows ("3 km long" is no height). Units are converted to
metres, square metres, kilograms and seconds.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..evidence import evidence_sentences

# unit family -> {unit as written: its size in the family's base unit}
_UNITS: dict[str, dict[str, float]] = {
    "length": {"km": 1000, "kilometre": 1000, "kilometer": 1000, "m": 1, "metre": 1, "meter": 1, "cm": 0.01,
               "mi": 1609.344, "mile": 1609.344, "ft": 0.3048, "feet": 0.3048, "foot": 0.3048, "yd": 0.9144,
               "yard": 0.9144, "inch": 0.0254, "inches": 0.0254, "nmi": 1852, "nautical mile": 1852},
    "area": {"km2": 1e6, "km²": 1e6, "sq km": 1e6, "square kilometre": 1e6, "square kilometer": 1e6,
             "sq mi": 2.589988e6, "square mile": 2.589988e6, "hectare": 1e4, "ha": 1e4, "acre": 4046.856,
             "m2": 1, "m²": 1, "sq m": 1, "square metre": 1, "square meter": 1, "sq ft": 0.092903,
             "square foot": 0.092903, "square feet": 0.092903},
    "mass": {"kg": 1, "kilogram": 1, "g": 0.001, "gram": 0.001, "tonne": 1000, "t": 1000, "ton": 907.185,
             "lb": 0.453592, "pound": 0.453592},
    "duration": {"minute": 60, "min": 60, "hour": 3600, "hr": 3600, "h": 3600, "second": 1, "sec": 1},
}
# aspect -> (its unit family, the words that say a number measures it)
_ASPECTS: dict[str, tuple[str, re.Pattern]] = {
    "height": ("length", re.compile(r"\b(height|tall|high|elevation|altitude|summits?|peaks? at|rises?)\b", re.I)),
    "length": ("length", re.compile(r"\b(length|long)\b", re.I)),
    "depth": ("length", re.compile(r"\b(depth|deep)\b", re.I)),
    "width": ("length", re.compile(r"\b(width|wide|wingspan)\b", re.I)),
    "area": ("area", re.compile(r"\b(area|covers?|covering|size|spans?|spanning|extends? over)\b", re.I)),
    "mass": ("mass", re.compile(r"\b(weighs?|weighing|weight|mass)\b", re.I)),
    "duration": ("duration", re.compile(r"\b(running time|runtime|runs? for|duration|lasts?|long)\b", re.I)),
}
# an adjective right after a measure says which aspect it is ("3 km long", "40 m wide")
_AFTER = re.compile(r"\s*(long|wide|deep|tall|high)\b", re.I)
_ASPECT_OF = {"long": ("length", "duration"), "wide": ("width",), "deep": ("depth",), "tall": ("height",),
              "high": ("height",)}
# the comparative -> (the aspects it asks for, whether it asks for the larger measure)
_COMPARATIVES: dict[str, tuple[tuple[str, ...], bool]] = {
    **{w: (("height",), True) for w in ("taller", "tallest", "higher", "highest")},
    **{w: (("depth",), True) for w in ("deeper", "deepest")},
    **{w: (("width",), True) for w in ("wider", "widest")},
    **{w: (("width",), False) for w in ("narrower", "narrowest")},
    **{w: (("length", "duration"), True) for w in ("longer", "longest")},
    **{w: (("height", "length", "duration"), False) for w in ("shorter", "shortest")},
    **{w: (("area",), True) for w in ("larger", "largest", "bigger", "biggest")},
    **{w: (("area",), False) for w in ("smaller", "smallest")},
    **{w: (("mass",), True) for w in ("heavier", "heaviest")},
    **{w: (("mass",), False) for w in ("lighter", "lightest")},
}
# a noun after the comparative that names its aspect ("a higher elevation", "a larger area")
_ASPECT_NOUNS = {"elevation": "height", "altitude": "height", "height": "height", "length": "length",
                 "depth": "depth", "width": "width", "area": "area", "weight": "mass", "mass": "mass",
                 "runtime": "duration", "duration": "duration"}
_NUMBER = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
# a measure said of the thing itself: "a 650 ft skyscraper", "an about 2 km2 island", "a 53-story,
# 715 ft skyscraper" (another measure between, not a word: "the park, 2 miles away" is no size)
_OF_ITSELF = re.compile(r"\b(?:an?|the)\s+(?:about\s+|approximately\s+|some\s+|nearly\s+)?"
                        r"(?:\S*\d\S*,?\s+)?$", re.I)


def _unit_pattern(units: dict[str, float]) -> re.Pattern:
    # longest first ("km²" before "km", "square mile" before "mile"); a word unit may take a plural
    # ending, an abbreviation is written exactly ("M" is no metre, "t" only as a whole token)
    names = sorted(units, key=len, reverse=True)
    alternatives = [re.escape(n) + (r"(?:e?s)?" if len(n) > 3 else "") for n in names]
    return re.compile(rf"(?<![\w.$£€]){_NUMBER}(?:\s|-|\u00a0)?({'|'.join(alternatives)})(?![\w²])")


_PATTERNS = {family: _unit_pattern(units) for family, units in _UNITS.items()}


@dataclass(frozen=True)
class Measure:
    value: float             # in the unit family's base unit
    family: str              # "length", "area", "mass", "duration"
    shown: str               # as written: "715 ft"
    sentence: str
    start: int = 0           # where it stands in the sentence
    end: int = 0
    aspect: str = ""         # what of the thing it measures: "height", "length", ...


def asked_measure(question: str) -> tuple[tuple[str, ...], bool, str] | None:
    """The aspects a comparative asks for, whether it wants the larger, and the word:
    ((height,), True, "taller") for "Which tower is taller, A or B?"; None without one. Only a
    comparative said of the things themselves -- at the end of a clause, before "than" or a
    name -- or of a noun naming the aspect ("a higher elevation"): "a higher population" and "a
    longer common name" compare something else."""
    for found in re.finditer(r"[A-Za-z]+", question):
        word = found.group().lower()
        if word in _COMPARATIVES:
            after = question[found.end():]
            aspects, larger = _COMPARATIVES[word]
            if re.match(r"\s*(?:[,;:?.!]|$|than\b|\s[A-Z0-9\"“])", after):
                return aspects, larger, word
            noun = re.match(r"\s+([a-z]+)", after)
            if noun and _ASPECT_NOUNS.get(noun.group(1)) in aspects:
                return (_ASPECT_NOUNS[noun.group(1)],), larger, f"{word} {noun.group(1)}"
            return None
    return None


def _unit_size(family: str, written: str) -> float | None:
    units = _UNITS[family]
    key = written.lower() if len(written) > 3 else written
    for candidate in (key, key[:-1], key[:-2]):          # "metres", "inches": the plural ending off
        if candidate in units:
            return units[candidate]
    return None


def measures_in(sentence: str, family: str) -> list[Measure]:
    """The measures of one unit family a sentence states, in order."""
    found = []
    for match in _PATTERNS[family].finditer(sentence):
        size = _unit_size(family, match.group(2))
        if size is not None:
            value = float(match.group(1).replace(",", "")) * size
            found.append(Measure(value, family, f"{match.group(1)} {match.group(2)}", sentence,
                                 match.start(), match.end()))
    return found


def _of_aspect(measure: Measure, aspect: str) -> bool:
    """Not a measure that an adjective of another aspect follows ("3 km long" is no height)."""
    after = _AFTER.match(measure.sentence, measure.end)
    return after is None or aspect in _ASPECT_OF[after.group(1).lower()]


def _nearest(measures: list[Measure], keyword: re.Match) -> Measure:
    """The measure nearest the keyword, as the page writes it first: "348 feet" of "348 feet
    (106 m) tall", not its conversion in brackets."""
    middle = (keyword.start() + keyword.end()) / 2
    nearest = min(measures, key=lambda m: min(abs(m.start - middle), abs(m.end - middle)))
    converted = [m for m in measures if m.end <= nearest.start and m.sentence[m.end:nearest.start].strip() == "("]
    return converted[0] if converted else nearest


def measure_on_page(text: str, aspects: tuple[str, ...], lead: list[str]) -> Measure | None:
    """The thing's measure of an aspect from its own page: the one nearest a word of the aspect,
    in the first sentence that has both, else one its lead says of the thing itself."""
    for sentence in evidence_sentences(text):
        for aspect in aspects:
            family, words = _ASPECTS[aspect]
            keyword = words.search(sentence)
            found = [m for m in measures_in(sentence, family) if _of_aspect(m, aspect)] if keyword else []
            if found:
                return replace(_nearest(found, keyword), aspect=aspect)
    for sentence in lead:
        for aspect in aspects:
            for measure in measures_in(sentence, _ASPECTS[aspect][0]):
                if _OF_ITSELF.search(sentence[:measure.start]) and _of_aspect(measure, aspect):
                    return replace(measure, aspect=aspect)
    return None
