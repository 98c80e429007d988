"""Measures a page states -- "a 715 ft (218 m) skyscraper", "covers 1.88 km²", "runs for 112
minutes" -- read as one number per dimension, so that code can compare two of them.

"Which tower is taller, 712 Fifth Avenue or the Manhattan Life Insurance Building?" is decided
by the heights the two buildings' own pages give (compare.compare_measures), as dates and counts
are: the small model reads both numbers and still picks the wrong one. A comparative asks for one
dimension ("taller" a length, "heavier" a mass) or two ("longer": a river's length or a film's
running time); a fact is the first measure of that dimension on the thing's own page, in a
sentence that says which dimension it is ("height", "long", "area", ...) or else in the page's
lead. Units are converted to metres, square metres, kilograms and seconds.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..evidence import evidence_sentences

# dimension -> {unit as written: its size in the dimension's base unit}
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
# the comparative -> (its dimensions, whether it asks for the larger measure)
_COMPARATIVES: dict[str, tuple[tuple[str, ...], bool]] = {
    "taller": (("length",), True), "tallest": (("length",), True),
    "higher": (("length",), True), "highest": (("length",), True),
    "deeper": (("length",), True), "deepest": (("length",), True),
    "wider": (("length",), True), "widest": (("length",), True),
    "narrower": (("length",), False), "narrowest": (("length",), False),
    "longer": (("length", "duration"), True), "longest": (("length", "duration"), True),
    "shorter": (("length", "duration"), False), "shortest": (("length", "duration"), False),
    "larger": (("area",), True), "largest": (("area",), True), "bigger": (("area",), True),
    "biggest": (("area",), True), "smaller": (("area",), False), "smallest": (("area",), False),
    "heavier": (("mass",), True), "heaviest": (("mass",), True),
    "lighter": (("mass",), False), "lightest": (("mass",), False),
}
# words that say which dimension a sentence's number measures
_SAYS_DIMENSION = {
    "length": re.compile(r"\b(height|tall|high|elevation|length|long|depth|deep|width|wide|span|altitude|rises?)\b",
                         re.I),
    "area": re.compile(r"\b(area|covers?|covering|size|spans?|spanning|extends? over)\b", re.I),
    "mass": re.compile(r"\b(weighs?|weighing|weight|mass)\b", re.I),
    "duration": re.compile(r"\b(running time|runtime|runs? for|duration|lasts?|long)\b", re.I),
}
# a noun after the comparative that names its dimension ("a higher elevation")
_DIMENSION_NOUNS = {"elevation": "length", "altitude": "length", "height": "length", "length": "length",
                    "depth": "length", "span": "length", "area": "area", "weight": "mass", "mass": "mass",
                    "runtime": "duration", "duration": "duration"}
_NUMBER = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"


def _unit_pattern(units: dict[str, float]) -> re.Pattern:
    # longest first ("km²" before "km", "square mile" before "mile"); a word unit may take a plural
    # ending, an abbreviation is written exactly ("M" is no metre, "t" only as a whole token)
    names = sorted(units, key=len, reverse=True)
    alternatives = [re.escape(n) + (r"(?:e?s)?" if len(n) > 3 else "") for n in names]
    return re.compile(rf"(?<![\w.$£€]){_NUMBER}(?:\s|-|\u00a0)?({'|'.join(alternatives)})(?![\w²])")


_PATTERNS = {dimension: _unit_pattern(units) for dimension, units in _UNITS.items()}


@dataclass(frozen=True)
class Measure:
    value: float             # in the dimension's base unit
    dimension: str
    shown: str               # as written: "715 ft"
    sentence: str


def asked_measure(question: str) -> tuple[tuple[str, ...], bool, str] | None:
    """The dimensions a comparative asks for, whether it wants the larger, and the word:
    ((length,), True, "taller") for "Which tower is taller, A or B?"; None without one. Only a
    comparative said of the things themselves -- at the end of a clause, before "than" or a
    name: "a higher population" and "a longer common name" compare something else."""
    for found in re.finditer(r"[A-Za-z]+", question):
        word = found.group().lower()
        if word in _COMPARATIVES:
            after = question[found.end():]
            dimensions, larger = _COMPARATIVES[word]
            if re.match(r"\s*(?:[,;:?.!]|$|than\b|\s[A-Z0-9\"“])", after):
                return dimensions, larger, word
            # "a higher elevation", "a larger area": a noun that names the dimension
            noun = re.match(r"\s+([a-z]+)", after)
            if noun and _DIMENSION_NOUNS.get(noun.group(1)) in dimensions:
                return (_DIMENSION_NOUNS[noun.group(1)],), larger, f"{word} {noun.group(1)}"
            return None
    return None


def _unit_size(dimension: str, written: str) -> float | None:
    units = _UNITS[dimension]
    key = written.lower() if len(written) > 3 else written
    for candidate in (key, key[:-1], key[:-2]):          # "metres", "inches": the plural ending off
        if candidate in units:
            return units[candidate]
    return None


def measures_in(sentence: str, dimension: str) -> list[Measure]:
    """The measures of one dimension a sentence states, in order."""
    found = []
    for match in _PATTERNS[dimension].finditer(sentence):
        size = _unit_size(dimension, match.group(2))
        if size is not None:
            value = float(match.group(1).replace(",", "")) * size
            found.append(Measure(value, dimension, f"{match.group(1)} {match.group(2)}", sentence))
    return found


def measure_on_page(text: str, dimensions: tuple[str, ...], lead: list[str]) -> Measure | None:
    """The thing's measure from its own page: the first one in a sentence that says its
    dimension ("The tower is 218 m tall"), else the first one in the page's lead ("a 715 ft
    (218 m) skyscraper")."""
    for sentence in evidence_sentences(text):
        for dimension in dimensions:
            if _SAYS_DIMENSION[dimension].search(sentence) and (found := measures_in(sentence, dimension)):
                return found[0]
    for sentence in lead:
        for dimension in dimensions:
            if found := measures_in(sentence, dimension):
                return found[0]
    return None
