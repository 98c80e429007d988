""""Which came first, A or B?" decided in code from the dates the sources read give.

The 1.5B model reads "formed in 1999" and "formed in 2008" correctly but then often picks the
wrong one, and its own Python for the comparison was right 3 times in 15 (benchmarks/RESULTS.md).
So for a temporal choice question (born first, formed earlier, released more recently, older,
younger ...) code finds each option's date and compares them:

    own page    a source whose title is the option ("Lit (band)" for "Lit"): the first date in
                the sentence that names it and the two after it -- the lead of an encyclopedia
                page, "Social Code ... was a Canadian alternative rock group formed in 1999",
                "Krzysztof Zanussi (born 17 June 1939) is ..."
    elsewhere   a sentence of any source that names the option and, right after the name, says
                "(born 1939", "(1929 - 1975)", "formed in 1990", "is a 2005 film"

A comparison is decided only when both options have a date and the dates differ at the
precision both give (the years, or the days when both give a day).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .context import content_words
from .evidence import evidence_sentences

_EARLIEST = re.compile(r"\b(first|earlier|earliest|older|oldest|before)\b", re.I)
_LATEST = re.compile(r"\b(more recent(ly)?|most recent(ly)?|later|latest|younger|youngest|newer|newest|last)\b",
                     re.I)
_MONTHS = ("january february march april may june july august september october november december").split()
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|" \
         r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_YEAR = r"(1[0-9]{3}|20[0-9]{2})"
_DATE = re.compile(
    rf"\b(?:(\d{{1,2}})\s+{_MONTH}\s+{_YEAR}"             # 17 June 1939
    rf"|{_MONTH}\s+(\d{{1,2}}),?\s+{_YEAR}"                # June 17, 1939
    rf"|{_MONTH},?\s+{_YEAR}"                              # June 1939
    rf"|(?<![\d,.$£€]){_YEAR}(?![\d,]\d))\b", re.I)        # 1939, not 1,108,356
# What may stand between an option's name and its date in a sentence of another page.
_EVENT = re.compile(r"^[^.;]{0,40}?(\(born\b|\(|\bborn\b|\bformed\b|\bfounded\b|\bestablished\b|\breleased\b|"
                    r"\bpublished\b|\bpremiered\b|\bopened\b|\bbegan\b|\bstarted\b|\bcreated\b|\bfought\b|"
                    r"\blaunched\b|\bdebuted\b|\bis an? \b|\bwas an? \b)", re.I)


@dataclass(frozen=True)
class Dated:
    option: str
    date: tuple[int, int, int]      # (year, month, day); 0 where the text gives no month or day
    source: int
    quote: str                      # the sentence the date comes from

    def shown(self) -> str:
        year, month, day = self.date
        return (f"{day} {_MONTHS[month - 1].title()} {year}" if day else
                f"{_MONTHS[month - 1].title()} {year}" if month else str(year))


@dataclass
class Comparison:
    options: list[str]
    latest: bool                    # the question asks for the later date ("more recently", "younger")
    dates: dict[str, Dated]         # option -> its date, for the options a source dates
    winner: str | None              # the option the dates pick; None when undecided

    @property
    def missing(self) -> list[str]:
        return [o for o in self.options if o not in self.dates]

    def summary(self) -> str:
        """One line for the agent, the trace and the report."""
        parts = [f"{o}: {d.shown()} [{d.source}]" for o, d in self.dates.items()]
        verdict = (f" -> {'later' if self.latest else 'earlier'}: {self.winner}" if self.winner else "")
        return "; ".join(parts) + verdict


def direction(question: str) -> bool | None:
    """True when the question asks for the later of two dates, False for the earlier, None when it
    compares something else ("more members", "further north")."""
    if _LATEST.search(question):
        return True
    return False if _EARLIEST.search(question) else None


def first_date(text: str) -> tuple[tuple[int, int, int], int] | None:
    """The first date in `text` as (year, month, day) and where it starts."""
    found = _DATE.search(text)
    if not found:
        return None
    g = found.groups()
    day, month, year = ((g[0], g[1], g[2]) if g[2] else (g[4], g[3], g[5]) if g[5] else
                        (None, g[6], g[7]) if g[7] else (None, None, g[8]))
    month_number = next((i + 1 for i, m in enumerate(_MONTHS) if month and m.startswith(month.lower()[:3])), 0)
    return (int(year), month_number, int(day) if day and month_number else 0), found.start()


def _title_words(title: str) -> set[str]:
    """ "Lit (band) - Offline Encyclopedia" -> {"lit"}: the page's name without site or qualifier."""
    name = re.split(r"\s+[-|\u2013\u2014]\s+", title)[0]
    return content_words(re.sub(r"\([^)]*\)", " ", name))


def is_own_page(option: str, title: str) -> bool:
    """"Still Kicking (film)" is the page of "Still Kicking: Six Artistic Women ..."; "USS Belleau
    Wood" is not the page of "Battle of Belleau Wood", nor "Mahesh Bhupathi Tennis Academy" of
    "Mahesh Bhupathi"."""
    words, name = content_words(option), _title_words(title)
    return bool(name) and name <= words


def _names(sentence: str, option: str) -> int:
    """Where the sentence names the option (all its words, in order of appearance), else -1."""
    found = re.search(r"\b" + r"\W+".join(re.escape(w) for w in option.split()) + r"\b", sentence, re.I)
    return found.end() if found else -1


def _date_on_own_page(option: str, text: str) -> tuple[tuple[int, int, int], str] | None:
    body = [s for s in evidence_sentences(text) if not s.lstrip().startswith("#")]
    words = content_words(option)
    start = next((i for i, s in enumerate(body) if words & content_words(s)), None)
    for sentence in body[start:start + 3] if start is not None else []:
        found = first_date(sentence)
        if found:
            return found[0], sentence
    return None


def _date_elsewhere(option: str, text: str) -> tuple[tuple[int, int, int], str] | None:
    for sentence in evidence_sentences(text):
        end = _names(sentence, option)
        if end < 0:
            continue
        after = sentence[end:]
        found = first_date(after)
        if found and _EVENT.match(after[:found[1]] + " "):
            return found[0], sentence
    return None


def find_date(option: str, sources: dict[int, tuple[str, str]]) -> Dated | None:
    """The option's date from the sources read (number -> (title, text)): its own page first."""
    own = [(sid, text) for sid, (title, text) in sources.items() if is_own_page(option, title)]
    for finder, pages in ((_date_on_own_page, own), (_date_elsewhere, list((s, t) for s, (_, t) in sources.items()))):
        for sid, text in pages:
            found = finder(option, text)
            if found:
                date, sentence = found
                return Dated(option, date, sid, " ".join(sentence.split())[:300])
    return None


def _precision(a: tuple[int, int, int], b: tuple[int, int, int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Both dates cut to the precision both have: (1939,) vs (1943,), or whole days."""
    size = 3 if a[2] and b[2] else 2 if a[1] and b[1] else 1
    return a[:size], b[:size]


def compare_dates(question: str, options: list[str], sources: dict[int, tuple[str, str]]) -> Comparison | None:
    """The comparison for a temporal "A or B?" question, or None for any other question."""
    latest = direction(question)
    if len(options) != 2 or latest is None:
        return None
    dates = {o: d for o in options if (d := find_date(o, sources)) is not None}
    winner = None
    if len(dates) == 2:
        a, b = _precision(dates[options[0]].date, dates[options[1]].date)
        if a != b:
            winner = options[0] if (a > b) == latest else options[1]
    return Comparison(options=list(options), latest=latest, dates=dates, winner=winner)
