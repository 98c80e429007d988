"""Comparisons decided in code from what the leads of the sources read say.

The 1.5B model reads "formed in 1999" and "formed in 2008" correctly but then often picks the
wrong one, and its own Python for the comparison was right 3 times in 15 (benchmarks/RESULTS.md);
asked "Are both Jim McBride and Neil Jordan American?" it says yes after reading "Neil Jordan
... is an Irish film director"; it read "Eucryphia ... seven species" and "Lepidozamia ... two
species" and wrote "Lepidozamia has more species". These kinds of question are therefore
decided by code:

  dates           "Which came first, A or B?" (born first, formed earlier, released more
                  recently, older, younger ...): each option's date, compared
  counts          "Which genus has more species, A or B?" (fewer, most ...): each option's
                  count of the thing asked, from its own page ("a genus of ten species",
                  "about 500 species"), with every qualifier the question gives ("Grand Slam
                  doubles titles" is not "11 Grand Slam titles"), or the members it names in a
                  list ("consisting of A (vocals), B (guitar) and C (drums)": 3 members);
                  decided only when both own pages give one
  measures        "Which tower is taller, A or B?" (longer, larger, heavier ...): each option's
                  measure of the aspect asked (height, length, area ...), from its own page
                  (measures.py), compared in one unit; decided only when both give one of the
                  same aspect
  nationalities   "Are both A and B American?", "Are A and B of the same nationality?" (or from
                  the same country): each subject's nationality, compared with the other's or
                  with the one asked about
  properties      "Which is a record producer, A or B?", "Which musician, A or B, is a member
                  of the band Fuel?": the option whose own page's lead says every word of what
                  is asked, when the other's lead says not all of them

For dates, code finds each option's date:

    own page    a source whose title is the option ("Lit (band)" for "Lit"): the first date in
                the sentence that names it and the two after it -- the lead of an encyclopedia
                page, "Social Code ... was a Canadian alternative rock group formed in 1999",
                "Krzysztof Zanussi (born 17 June 1939) is ..."
    elsewhere   a sentence of any source that names the option and, right after the name, says
                "(born 1939", "(1929 - 1975)", "formed in 1990", "is a 2005 film"

A comparison is decided only when both options have a date and the dates differ at the
precision both give (the years, or the days when both give a day). A subject's nationality is
the first nationality word in the lead of its own page ("an Irish film director"; "English"
and "Scottish" count as British, "Irish-born" is skipped, "Canadian-American" is American);
"both American?" is decided as soon as one subject is something else.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..context import content_words, stems
from ..evidence import QUOTE_CHARS, evidence_sentences, is_letter_name, statements
from ..names import NATION, NATIONS, nationality_of, page_name
from .measures import Measure, asked_measure, measure_on_page

_EARLIEST = re.compile(r"\b(first|earlier|earliest|older|oldest|before)\b", re.I)
_LATEST = re.compile(r"\b(more recent(ly)?|most recent(ly)?|later|latest|younger|youngest|newer|newest|last)\b",
                     re.I)
_MONTHS = ("january february march april may june july august september october november december").split()
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|" \
         r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_YEAR = r"(1[0-9]{3}|20[0-9]{2})"
_DATE = re.compile(
    rf"\b(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s+{_YEAR}"             # 17 June 1939, 1st May 1939
    rf"|{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}"                # June 17, 1939; May 27th, 1937
    rf"|{_MONTH},?\s+{_YEAR}"                              # June 1939
    rf"|(?<![\d,.$£€]){_YEAR}(?![\d,]\d)"                  # 1939, not 1,108,356
    # a year before 1000 where a life span opens: "al-Karaji (c. 953 – c. 1029)" was born in 953
    rf"|(?<=\()(?:c\.|ca\.|circa|born)?\s*([1-9]\d{{2}})(?=\s*(?:AD|CE)?\s*[–—-]))\b", re.I)
# What may stand between an option's name and its date in a sentence of another page.
_EVENT = re.compile(r"^[^.;]{0,40}?(\(born\b|\(|\bborn\b|\bformed\b|\bfounded\b|\bestablished\b|\breleased\b|"
                    r"\bpublished\b|\bpremiered\b|\bopened\b|\bbegan\b|\bstarted\b|\bcreated\b|\bfought\b|"
                    r"\blaunched\b|\bdebuted\b|\bis an? \b|\bwas an? \b)", re.I)

_NAME = r"[\"“]?[A-Z0-9][\w'.&:-]*[\"”]?(?:\s+(?:(?:of|the|de|la|von|van|for|in|a|&)\s+)*[\"“]?[A-Z0-9][\w'.&:-]*[\"”]?)*"
# "Are both A and B ...?", "Are A and B both ...?", "Were A and B ...?" ("Kiss and Tell and
# Shirley Temple": names may hold "and", so the run of names is split later)
_SUBJECTS = re.compile(rf"^\s*(?:[Aa]re|[Ww]ere|[Ii]s|[Ww]as)\s+(?:both\s+)?(?:the\s+)?"
                       rf"({_NAME}(?:,?\s+and\s+(?:the\s+)?{_NAME})+)(.*)$")
_SAME_NATION = re.compile(r"\bsame (country|nationality)\b|\bsame country of (origin|ancestry)\b", re.I)
# a country asked as the subjects' origin: "... both from the United States?", "... both from Canada?"
_FROM_COUNTRY = re.compile(r"^\s*(?:both\s+)?(?:from|of)\s+(?:the\s+)?([A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+)?)\s*\??\s*$")


@dataclass(frozen=True)
class Fact:
    subject: str
    value: str                      # as shown: "17 June 1939", "Irish"
    source: int
    quote: str                      # the sentence it comes from


# the rule of a Comparison whose answer lists several values the things share ("director and
# screenwriter"): an answer naming one of them does not follow it (verify.follows)
SHARED_VALUES = "the values they share"


@dataclass
class Comparison:
    what: str                       # "dates" | "counts" | "measures" | "nationalities" | "properties" | "each"
    subjects: list[str]
    facts: dict[str, Fact]          # subject -> what the sources say of it (subjects found only)
    answer: str | None              # what the facts decide; None when they do not
    rule: str                       # how: "earlier", "later", "same nationality", "both American"

    @property
    def missing(self) -> list[str]:
        return [o for o in self.subjects if o not in self.facts]

    def quotes(self) -> list[tuple[int, str]]:
        """(source, quote) of each fact: what the report shows of the sources."""
        return [(fact.source, fact.quote) for fact in self.facts.values()]

    def facts_line(self) -> str:
        """ "Wavves: 2008 [1]; Social Code: 1999 [2]" (the subjects found)."""
        return "; ".join(f"{o}: {f.value} [{f.source}]" for o, f in self.facts.items())

    def summary(self) -> str:
        """One line for the agent, the trace and the report."""
        return self.facts_line() + (f" -> {self.rule}: {self.answer}" if self.answer else "")

    def heading(self) -> str:
        """The report's section title over the facts."""
        return "Each one on its own page" if self.what == "each" else f"{self.what.capitalize()} compared"

    def conclusion(self) -> str:
        """The report's line under the facts: "Earlier: Lit (1995), decided in code ..."."""
        rule = self.rule[0].upper() + self.rule[1:]
        if self.what == "each":
            return f"{rule}: {self.answer}, decided in code from what each one's own page says above."
        if self.what in ("dates", "counts", "measures"):
            decided = f"{rule}: {self.answer} ({self.facts[self.answer].value})"
        elif self.what == "properties":
            decided = f"{rule}: {self.answer}"
        else:
            decided = f"{rule}? {self.answer.capitalize()}"
        return f"{decided}, decided in code from the {self.what} above."

    def ask_for_missing(self) -> str:
        """What the agent is told when a subject's fact is missing (phrased for the model)."""
        known = self.facts_line()
        missing = self.missing[0]
        if self.what == "properties":
            asked = self.rule.removeprefix("which ")
            return (f"This question asks which of {self.subjects[0]} and {self.subjects[1]} {asked}. "
                    f"Read what the own page of {missing} says it is (its first sentences).")
        if self.what == "dates":
            return ("This question compares two dates. " +
                    (f"Your sources give {known}, but no date for {missing}." if known else
                     f"No source you read dates {self.subjects[0]} or {self.subjects[1]}.") +
                    f" Find the date of {missing}: the first sentences of its own page give it.")
        if self.what == "measures":
            return (f"This question compares {self.subjects[0]} and {self.subjects[1]}: which is {self.rule}. "
                    f"Your sources give {known}, but no measure for {missing}. Read the own page of {missing}: "
                    "its first sentences or its figures give it.")
        if self.what == "counts":
            counted = self.rule.split(" ", 1)[-1]
            return (f"This question compares how many {counted} {self.subjects[0]} and {self.subjects[1]} have. "
                    f"Your sources give {known}, but not how many {missing} has. Read the first sentences of "
                    f"the own page of {missing}: they give the count, or name the {counted}.")
        return ("This question compares nationalities. " +
                (f"Your sources give {known}, but not the nationality of {missing}." if known else
                 f"No source you read gives the nationality of {self.subjects[0]} or {self.subjects[1]}.") +
                f" Find what nationality {missing} is (the first sentence of its own page says it).")


# ------------------------------------------------------------------ dates

def direction(question: str) -> bool | None:
    """True when the question asks for the later of two dates, False for the earlier, None when it
    compares something else ("more members", "further north")."""
    if _LATEST.search(question):
        return True
    return False if _EARLIEST.search(question) else None


def first_date(text: str) -> tuple[tuple[int, int, int], int] | None:
    """The first date in `text` as (year, month, day) -- 0 where the text gives no month or day --
    and where it starts."""
    found = _DATE.search(text)
    return (_date_of(found), found.start()) if found else None


def all_dates(text: str) -> list[tuple[tuple[int, int, int], str]]:
    """Every date in `text`, as (year, month, day) and as the text writes it."""
    return [(_date_of(found), found.group()) for found in _DATE.finditer(text)]


def _date_of(found: re.Match) -> tuple[int, int, int]:
    g = found.groups()
    day, month, year = ((g[0], g[1], g[2]) if g[2] else (g[4], g[3], g[5]) if g[5] else
                        (None, g[6], g[7]) if g[7] else (None, None, g[8] or g[9]))
    month_number = next((i + 1 for i, m in enumerate(_MONTHS) if month and m.startswith(month.lower()[:3])), 0)
    return int(year), month_number, int(day) if day and month_number else 0


def shown_date(date: tuple[int, int, int]) -> str:
    year, month, day = date
    return (f"{day} {_MONTHS[month - 1].title()} {year}" if day else
            f"{_MONTHS[month - 1].title()} {year}" if month else str(year))


def is_own_page(option: str, title: str) -> bool:
    """"Still Kicking (film)" is the page of "Still Kicking: Six Artistic Women ..."; "USS Belleau
    Wood" is not the page of "Battle of Belleau Wood", nor "Mahesh Bhupathi Tennis Academy" of
    "Mahesh Bhupathi"."""
    if is_letter_name(option):       # "C" has no content word: its page is titled "C" (or "c")
        return page_name(title).lower() == option.strip().lower()
    words, name = content_words(option), content_words(page_name(title))
    if not name or not name <= words:
        return False
    # the title's small words count too: "I Against I" is not the page of "For Against", nor
    # "Gasherbrum I" of "Gasherbrum II", nor "Cars 3" of "Cars" (articles aside: "The Lord of ...")
    return _small_words(page_name(title)) <= _small_words(option)


def _small_words(name: str) -> set[str]:
    """The words of a name with no content word in them (a pronoun, a numeral, a preposition),
    lower-cased, "&" read as "and", articles left out."""
    words = re.findall(r"[\w'’]+|&", name.lower().replace("&", " and "))
    return {w for w in words if not content_words(w)} - {"the", "a", "an"}


def qualifier(title: str) -> str:
    """The kind of thing a page's title says in brackets after the name, its last word:
    "cocktail" for "Sidecar (cocktail)", "film" for "Up (2009 film)"."""
    found = re.search(r"\(([^()]*)\)\s*$", page_name(title, qualifier=True))
    words = found.group(1).lower().split() if found else []
    return words[-1] if words else ""


def own_pages(name: str, sources: dict[int, tuple[str, str]], asked: set[str] = frozenset(),
              kin: set[str] = frozenset()) -> list[tuple[int, str, str]]:
    """The pages read that are the thing's own (is_own_page), as (number, title, text), its plain
    page first: "Ed Wood" before "Ed Wood (film)", "OK Go" before "OK Go (2000 EP)" -- a title
    qualified in brackets names another thing of that name (a film about the man, an album named
    after him). Given `asked` (stems of what is asked of the thing), a page that says none of it
    comes after one that does: for "Is Look a women's magazine?" the dictionary's "look" ("A
    specification language.") is a namesake, "Look (UK magazine)" the thing. Among qualified
    ones, those whose text says more of it ("ingredients" finds "Bloody Mary (cocktail)", not
    "(folklore)") first; otherwise in the order read. Given `kin` (the qualifiers of the pages of
    the things it is compared with), a page of that kind comes first of all: things compared in
    one question are of one kind, so beside "Sidecar (cocktail)" the Bloody Mary asked about is
    "Bloody Mary (cocktail)", not "(folklore)" (the cocktail's page never says "ingredients")."""
    own = [(sid, title, text) for sid, (title, text) in sources.items() if is_own_page(name, title)]
    return sorted(own, key=lambda page: (bool(kin) and qualifier(page[1]) not in kin,
                                         bool(asked) and not asked & stems(page[2]),
                                         page_name(page[1], qualifier=True) != page_name(page[1]),
                                         -len(asked & stems(page[2])) if asked else 0))


def kin_of(option: str, options: list[str], sources: dict[int, tuple[str, str]],
           asked: dict[str, set[str]] | None = None) -> set[str]:
    """The qualifiers of the other options' own pages ("cocktail" of "Sidecar (cocktail)"), each
    found with what is `asked` of it: the kind of page an option compared with them is read on
    (own_pages)."""
    asked = asked or {}
    return {qualifier(own[0][1]) for other in options if other != option
            and (own := own_pages(other, sources, asked.get(other, frozenset())))} - {""}


# words a sentence may open with before a name, not part of it ("After Gallery folded, ...")
_OPENERS = {"after", "before", "since", "during", "unlike", "like", "both", "while", "although", "though",
            "then", "also", "but", "however", "today", "later", "originally"}


def _name_end(sentence: str, option: str) -> int:
    """Where the sentence names the option (all its words, in order of appearance), else -1; not
    where the words end a longer name ("C24 Gallery" is an art gallery, not the magazine
    "Gallery"), nor written in lower case when the option is a name ("an art gallery")."""
    pattern = r"\b" + r"\W+".join(re.escape(w) for w in option.split()) + r"\b"
    for found in re.finditer(pattern, sentence, re.I):
        if option[:1].isupper() and not found[0][:1].isupper():
            continue
        before = re.search(r"([A-Z][\w'&.-]*)\s+$", sentence[:found.start()])
        if not before or not content_words(before[1]) or before[1].lower() in _OPENERS:
            return found.end()
    return -1


def _lead(option: str, text: str) -> list[str]:
    """The sentence of a page that first names the option (its words) and says more than the name
    (not a title line), and the two after it."""
    body = statements(text)
    words = content_words(option)
    start = next((i for i, s in enumerate(body) if words & content_words(s) and content_words(s) - words), None)
    return body[start:start + 3] if start is not None else []


def _date_on_own_page(option: str, text: str) -> tuple[tuple[int, int, int], str] | None:
    for sentence in _lead(option, text):
        found = first_date(sentence)
        if found:
            return found[0], sentence
    return None


def _date_elsewhere(option: str, text: str) -> tuple[tuple[int, int, int], str] | None:
    for sentence in evidence_sentences(text):
        end = _name_end(sentence, option)
        if end < 0:
            continue
        after = sentence[end:]
        found = first_date(after)
        if found and _EVENT.match(after[:found[1]] + " "):
            return found[0], sentence
    return None


def _quote(sentence: str) -> str:
    return " ".join(sentence.split())[:QUOTE_CHARS]


def find_date(option: str, sources: dict[int, tuple[str, str]], kin: set[str] = frozenset()
              ) -> tuple[tuple[int, int, int], Fact] | None:
    """The option's date from the sources read (number -> (title, text)): its own page first
    (of the `kin` kind first, see own_pages)."""
    own = [(sid, text) for sid, _, text in own_pages(option, sources, kin=kin)]
    for finder, pages in ((_date_on_own_page, own), (_date_elsewhere, [(s, t) for s, (_, t) in sources.items()])):
        for sid, text in pages:
            found = finder(option, text)
            if found:
                date, sentence = found
                return date, Fact(option, shown_date(date), sid, _quote(sentence))
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
    found = {o: d for o in options if (d := find_date(o, sources, kin_of(o, options, sources))) is not None}
    answer = None
    if len(found) == 2:
        a, b = _precision(found[options[0]][0], found[options[1]][0])
        if a != b:
            answer = options[0] if (a > b) == latest else options[1]
    return Comparison("dates", list(options), {o: fact for o, (_, fact) in found.items()}, answer,
                      "later" if latest else "earlier")


# ------------------------------------------------------------------ nationalities

def first_nationality(text: str) -> str | None:
    """The first nationality word of `text`, as its country's adjective ("English" -> "British");
    "Irish-born" is skipped, "Canadian-American" is American."""
    for found in NATION.finditer(text):
        if found.group(2):                                  # "Irish-born American actor"
            continue
        after = text[found.end():]
        compound = NATION.match(after[1:]) if after.startswith("-") else None
        return NATIONS[compound.group(1) if compound else found.group(1)]
    return None


def nationality_question(question: str) -> tuple[list[list[str]], str | None] | None:
    """(the ways to read its two subjects, the nationality asked about or None for "the same") for
    "Are both A and B American?" / "Are A and B of the same nationality?"; None for other
    questions. "Kiss and Tell and Shirley Temple" reads as Kiss / Tell and Shirley Temple, or as
    Kiss and Tell / Shirley Temple: the sources decide which (compare_nationalities)."""
    found = _SUBJECTS.match(question)
    if not found:
        return None
    names, rest = found.group(1), found.group(2)
    asked = NATION.search(names.rsplit(" and ", 1)[-1] + " " + rest)
    if asked and re.match(r"\s+[A-Z]", asked.string[asked.end():]):
        asked = None                                        # "members of the American Academy"
    if asked and names.endswith(asked.group(1)):            # "... and Neil Jordan American?"
        names = names[: -len(asked.group(1))].strip()
    country = _FROM_COUNTRY.match(rest)
    nationality = NATIONS[asked.group(1)] if asked else country and nationality_of(country.group(1))
    parts = re.split(r",?\s+and\s+(?:the\s+)?", names)
    readings = [[" and ".join(parts[:i]).strip('"“” '), " and ".join(parts[i:]).strip('"“” ')]
                for i in range(1, len(parts))]
    readings = [r for r in readings if all(r)]
    if not readings or not (nationality or _SAME_NATION.search(rest)):
        return None
    return readings, (None if _SAME_NATION.search(rest) else NATIONS.get(nationality, nationality))


def find_nationality(subject: str, sources: dict[int, tuple[str, str]]) -> Fact | None:
    for sid, _, text in own_pages(subject, sources):
        for sentence in _lead(subject, text):
            nation = first_nationality(sentence)
            if nation:
                return Fact(subject, nation, sid, _quote(sentence))
    return None


def compare_nationalities(question: str, sources: dict[int, tuple[str, str]]) -> Comparison | None:
    """The comparison for a yes/no nationality question, or None for any other question."""
    parsed = nationality_question(question)
    if parsed is None:
        return None
    readings, asked = parsed
    found = [(subjects, {s: f for s in subjects if (f := find_nationality(s, sources)) is not None})
             for subjects in readings]
    subjects, facts = max(found, key=lambda reading: len(reading[1]))    # the first, on a tie
    values = [f.value for f in facts.values()]
    if asked is None:
        answer = ("yes" if values[0] == values[1] else "no") if len(values) == 2 else None
    else:
        answer = "no" if any(v != asked for v in values) else "yes" if len(values) == 2 else None
    return Comparison("nationalities", subjects, facts, answer,
                      "same nationality" if asked is None else f"both {asked}")


# ------------------------------------------------------------------ counts

_COMPARATIVE_COUNT = re.compile(r"\b(more|most|fewer|fewest|less|least)\s+", re.I)
# words a count may leave out ("has released six albums" for "more studio albums")
_LOOSE = set("different distinct known total official studio full-length original living recorded recognised "
             "recognized individual separate".split())
_NUMBER_WORDS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_NUMBER = r"(\d[\d,]*|" + "|".join(_NUMBER_WORDS) + r")"      # digits, a thousands comma, or a number word


def counted(question: str, options: list[str]) -> tuple[list[str], bool] | None:
    """What a choice question counts, as words (the head noun last), and whether it wants the
    larger count: (["species"], True) for "Which genus has more species, Salvia or Arachis?",
    (["grand", "slam", "women's", "doubles", "titles"], True) for "Who has won more Grand Slam
    women's doubles titles, A or B?". The counted thing runs from the comparative to the first
    option or punctuation; None for other comparatives ("more recently", "more than", "more
    acclaimed") and when the options are not known."""
    found = _COMPARATIVE_COUNT.search(question)
    if not found or len(options) != 2:
        return None
    rest = question[found.end():]
    ends = [rest.lower().find(o.lower()) for o in options] + [m.start() for m in re.finditer(r"[,?;:(]", rest)]
    phrase = rest[: min([e for e in ends if e >= 0], default=len(rest))]
    words = re.findall(r"[a-z][a-z'-]*", phrase.lower())
    if not words or len(words) > 5 or words[0] in ("than", "of", "often", "the", "a", "an") \
            or re.search(r"(ly|ed|ing)$", words[-1]) or not words[-1].endswith("s"):
        return None                                # a count is of things: a plural noun ends it
    return words, found.group(1).lower() in ("more", "most")


def _count_in(words: list[str], text: str) -> tuple[int, str] | None:
    """The first count of the counted thing a text states -- "There are seven species", "a genus
    of two species", "6 studio albums" -- with every qualifier the question gives between the
    number and the noun ("11 Grand Slam titles" is not a count of "Grand Slam women's doubles
    titles"); and its sentence."""
    *qualifiers, noun = words
    stem = noun[:-1] if not noun.endswith("ss") else noun
    needed = {q for q in qualifiers if q not in _LOOSE}
    pattern = re.compile(rf"\b{_NUMBER}\s+((?:[\w'-]+\s+){{0,{len(qualifiers) + 1}}}?){re.escape(stem)}(?:e?s)?\b", re.I)
    for sentence in evidence_sentences(text):
        for found in pattern.finditer(sentence):
            between = set(re.findall(r"[a-z][a-z'-]*", found.group(2).lower()))
            if needed <= between and not between & {"the", "a", "an", "of", "in", "and", "or", "by", "his", "her",
                                                     "its", "their"}:
                raw = found.group(1).lower().replace(",", "")
                return (_NUMBER_WORDS[raw] if raw in _NUMBER_WORDS else int(raw)), sentence
    return None


# "consisting of Ed Kowalczyk (lead vocals), Chad Taylor (guitar), ... and Chad Gracey (drums)": a
# page that names a group's members in a list after one of these
_MEMBER_LIST = re.compile(r"\b(?:consist(?:s|ed|ing)? of|compris(?:es|ed|ing)|(?:composed|made up) of|"
                          r"(?:members|line-up|lineup) (?:are|were|is|was|includes?|consists? of))\s+(.+)", re.I)


def _members_listed(text: str) -> tuple[int, str] | None:
    """The number of members a page names in a list ("... consisting of Russell Marsden (guitar,
    vocals), Emma Richardson (bass, vocals), and Matt Hayward (drums)" -> 3), and its sentence:
    a band's page names its members, it does not count them. Each item must be a name; at least
    two."""
    for sentence in evidence_sentences(text):
        found = _MEMBER_LIST.search(sentence)
        if not found:
            continue
        listed = re.sub(r"\([^()]*\)", " ", found.group(1))
        items = [item for item in re.split(r",\s*(?:and\s+)?|\s+and\s+", listed.rstrip(" ."))
                 if item.strip()]
        if len(items) >= 2 and all(re.search(r"\b[A-Z][a-z]+\b", item) for item in items):
            return len(items), sentence
    return None


def compare_counts(question: str, options: list[str], sources: dict[int, tuple[str, str]]) -> Comparison | None:
    """The comparison for "Which has more/fewer N, A or B?": each option's count of N, from its
    own page (for members, also the members it names in a list). Decided only when both own
    pages give a count; with one, the comparison asks for the other's (a count never stated
    may be zero, so nothing is decided without it); with none, None and the question is the
    model's."""
    asked = counted(question, options)
    if asked is None:
        return None
    words, more = asked
    # "more members" counts the members a page names; "more constant members" only a stated count
    listed = words == ["members"]
    found: dict[str, tuple[int, Fact]] = {}
    for option in options:
        for sid, _, text in own_pages(option, sources, kin=kin_of(option, options, sources)):
            if (count := _count_in(words, text) or (_members_listed(text) if listed else None)) is not None:
                found[option] = (count[0], Fact(option, f"{count[0]} {words[-1]}", sid, _quote(count[1])))
                break
    rule = f"{'more' if more else 'fewer'} {' '.join(words)}"
    facts = {o: fact for o, (_, fact) in found.items()}
    if len(found) < 2:
        return Comparison("counts", list(options), facts, None, rule) if found else None
    a, b = found[options[0]][0], found[options[1]][0]
    answer = None if a == b else options[0] if (a > b) == more else options[1]
    return Comparison("counts", list(options), facts, answer, rule)


# ------------------------------------------------------------------ properties

# "which is a record producer", "Which American film director is an advisor for Disney": what the
# question asks each option to be
_IS_A = re.compile(r"\b((?:is|was|are|were)\s+(?:an?|the))\s+([^,?]+)", re.I)
_MORE = re.compile(r"\b(more|most|less|least|fewer|fewest|larger|largest|bigger|biggest|smaller|smallest|older|"
                   r"oldest|younger|youngest|longer|longest|shorter|shortest|taller|tallest|higher|highest|lower|"
                   r"lowest|greater|greatest|earlier|earliest|later|latest|better|best|worse|worst|\w+er than)\b", re.I)


def asked_property(question: str, options: list[str]) -> tuple[str, set[str]] | None:
    """("is a record producer", its words) for "Which is a record producer, A or B?"; None for a
    question that compares ("Which is a larger city, A or B?") or asks no "is a ..." of them."""
    if len(options) != 2 or not re.match(r"^\s*(which|who)\b", question, re.I):
        return None
    rest = question
    for option in options:
        rest = re.sub(re.escape(option), " ", rest, flags=re.I)
    found = _IS_A.search(rest)
    if not found:
        return None
    phrase = " ".join(re.sub(r"\bor\b", " ", found.group(2)).split())
    words = content_words(phrase) - content_words(" ".join(options))
    if not words or _MORE.search(phrase) or direction(question) is not None:
        return None
    return f"{found.group(1).lower()} {phrase}", words


def _says_property(words: set[str], names: set[str], lead: str) -> bool:
    """The lead says the property: all its words; when it names something ("a member of the band
    Fuel"), that name and half of the other words -- a page writes the relation its own way ("the
    lead vocalist ... of the post-grunge band Fuel"), rarely as "member"."""
    said = content_words(lead)
    if not names:
        return words <= said
    rest = words - names
    return names <= said and 2 * len(rest & said) >= len(rest)


def compare_properties(question: str, options: list[str], sources: dict[int, tuple[str, str]]) -> Comparison | None:
    """The comparison for "Which is a P, A or B?": each option's own page's lead, and whether it
    says P (_says_property). Decided when one says it and the other does not."""
    asked = asked_property(question, options)
    if asked is None:
        return None
    rule, words = asked
    names = content_words(" ".join(re.findall(r"\b[A-Z][\w'-]*", rule.split(" ", 2)[-1]))) & words
    found: dict[str, tuple[bool, Fact]] = {}
    for option in options:
        for sid, _, text in own_pages(option, sources, kin=kin_of(option, options, sources)):
            if lead := _lead(option, text):
                says = _says_property(words, names, " ".join(lead))
                found[option] = (says, Fact(option, rule if says else "its lead does not say so", sid, _quote(lead[0])))
                break
    saying = [o for o, (says, _) in found.items() if says]
    answer = saying[0] if len(found) == 2 and len(saying) == 1 else None
    return Comparison("properties", list(options), {o: fact for o, (_, fact) in found.items()}, answer,
                      f"which {rule}")


# ------------------------------------------------------------------ measures

def compare_measures(question: str, options: list[str], sources: dict[int, tuple[str, str]]) -> Comparison | None:
    """The comparison for "Which is taller (longer, larger, heavier ...), A or B?": each option's
    measure of the aspect asked, from its own page (measures.py). Decided when both give one of
    the same aspect; with one, the comparison asks for the other's."""
    asked = asked_measure(question)
    if asked is None or len(options) != 2 or direction(question) is not None:
        return None
    aspects, larger, word = asked
    found: dict[str, Measure] = {}
    facts: dict[str, Fact] = {}
    for option in options:
        for sid, _, text in own_pages(option, sources, kin=kin_of(option, options, sources)):
            if (measure := measure_on_page(text, aspects, _lead(option, text))) is not None:
                found[option] = measure
                facts[option] = Fact(option, measure.shown, sid, _quote(measure.sentence))
                break
    if not found:
        return None
    answer = None
    if len(found) == 2:
        a, b = found[options[0]], found[options[1]]
        if a.aspect == b.aspect and a.value != b.value:
            answer = options[0] if (a.value > b.value) == larger else options[1]
    return Comparison("measures", list(options), facts, answer, word)


def compare(question: str, options: list[str], sources: dict[int, tuple[str, str]]) -> Comparison | None:
    """The comparison code can decide for this question (`options`: its "A or B" options), if any."""
    return (compare_dates(question, options, sources) or compare_counts(question, options, sources)
            or compare_measures(question, options, sources)
            or compare_nationalities(question, sources) or compare_properties(question, options, sources))
