"""Questions that ask the same thing of several named things, answered one thing at a time.

"Are A and B both film directors?", "Were A and B born in the same country?", "Which prize did
A and B both win?", "Which band is from England, A or B?": what is asked of two things must
hold for each of them (or for one of them), and the answer comes from what each one's own page
says of it. Asked such a question over five pages at once,
Qwen2.5-Coder-1.5B answered "no" to all 9 yes/no questions of the validation split's first 50
(4 were yes); shown the two facts side by side ("Jim McBride ... an American film director";
"Neil Jordan ... an Irish film director") it still answered "yes" to "both American?" -- 10 of
the tuning split's 21 yes/no questions right that way. Asked of one thing with that thing's own
page and the answers combined in code, 14 of the 17 it split were right (a prototype on the same
21; benchmarks/RESULTS.md has the runs). So:

  1. the model names the things and the question about each one (prompts/each.md, after three
     worked examples given as earlier turns, prompts/each_examples.md: with the rule alone it
     often repeated the whole question as each part -- 18 of the tuning split's 35 splits kept,
     25 with the examples; 35 and 45 of the validation split's 64; bound by a grammar); code
     keeps the split only when each thing is written in the question (named, not described:
     "this film"), each sub-question names its thing and no other, a yes/no sub-question uses
     only the question's words ("Is A American?" for "Are A and B both this nationality?"
     guesses), a question about sameness ("the same country", "share any") asks each thing for
     a value and any other yes/no question asks each one yes/no ("both fought in the 19th
     century?" is not "in the same century?"), and a value sub-question asks what the question
     asks (its who/what/where: "Who wrote X?" does not answer "... and what other film?");
  2. each thing's own page is read (the loop searches its name), and one short call answers its
     sub-question from that page alone with a quote (prompts/each_part.md); code keeps the answer
     only when the quote is on the page, a value answer is stated there, and a "yes" is said in
     the quote with a word of what is asked (the model said yes to "Is Valeria Sarmiento an
     author?" quoting "She has worked both in film and television");
  3. code combines the answers, by what the question asks:
       yes/no sub-answers             "yes" when every one is yes ("both", "all"); "no" as
                                      soon as one is no, even with another unanswered
       yes/no, a choice question      the option that is yes when every other one is no, or
                                      when its quote says what is asked in the question's
                                      words and the others have no answer; no decision
                                      otherwise (both yes, both no, a weak yes alone)
       values, yes/no question        "yes" when they share one ("the same country"), or
                                      when they share none for "different"
       values, any other question     the value they share (each part may give several), all
                                      of them when a plural is asked ("What occupations do A
                                      and B share?": "director and screenwriter"); no decision
                                      when they share none

The result is a Comparison (compare.py), so the checks, the floor and the report treat it as
facts that decide the question, shown with their quotes. Code deciders for dates, counts and
nationalities come first (verify.Evidence.comparison).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ...prompts import render, with_examples
from ...tools.browser import best_passage
from ..context import content_words, same_word, stems
from ..evidence import is_yes_no, states_answer, support
from ..names import MONTHS, NAME, NATION_STEMS, countries_placed, name_runs, nationality_forms
from .compare import SHARED_VALUES, Comparison, Fact, kin_of, own_pages
from .kind import kind_of

# A question asking one thing of several: a yes/no question joining things with "and", or any
# question with a word of sharing. Only such questions pay for the split call (a few seconds):
# "and" alone is too common in names ("Kiss and Tell") and open questions to ask every time.
_JOINED = re.compile(r"\band\b", re.I)
_SHARING = re.compile(r"\b(both|same|different|share[sd]?|common|each)\b", re.I)
# "What type of music were vocalists Billie Joe Armstrong and Frank Iero involved with?": what is
# asked is asked of two names joined as the subject of its verb, so it holds for both
_NAMES_AS_SUBJECT = re.compile(rf"\b(?:is|are|was|were|do|does|did|has|have|had)\s+(?:[a-z]+\s+){{0,2}}"
                               rf"(?:{NAME.pattern})\s+and\s+(?:{NAME.pattern})")
_SAMENESS = re.compile(r"\b(same|share[sd]?|in common)\b", re.I)   # values compared, not yes/no of each
_DIFFERENCE = re.compile(r"\bdifferent\b", re.I)
# "this American crime film": a thing the question describes, not one it names
_DESCRIBED = re.compile(r"(this|that|these|those)\b", re.I)
_WH = re.compile(r"\b(who|whom|whose|what|which|when|where|why|how)\b")
_AUXILIARY = {"is", "are", "was", "were", "do", "does", "did", "can", "could", "has", "have", "had", "will",
              "would", "should"}
MAX_PARTS = 3
LEAD_CHARS = 700               # the first sentences of a page: what it says its subject is
PASSAGE_CHARS = 400            # and the passage that best matches the sub-question, when not in them
QUOTED = 0.6                   # share of a quote's words the page must have in one passage
LEAD_QUOTE_CHARS = 300         # a quote starting this near the page's top is its opening
MAX_VALUES = 4                 # a part's answers: "actor, singer, songwriter"
VALUES = "; "                  # how a fact shows several
MAX_SHARED = 3                 # values shared that an answer lists ("director and screenwriter")


@dataclass(frozen=True)
class Part:
    subject: str               # as the question writes it
    question: str              # the question asked of it alone
    by_code: bool = False      # written by code from the question (choice_parts, sameness_parts)
    single: bool = False       # asks for one value ("which city"), not several ("which ingredients")

    @property
    def yes_no(self) -> bool:
        return self.question.split()[0].lower() in _AUXILIARY


def may_split(question: str, yes_no: bool, choice: bool = False) -> bool:
    """Worth asking the model: a yes/no question that joins things, any question that speaks of
    sharing, one that asks what two names joined by "and" as the subject of its verb are or did,
    or a choice between things that asks what one of them is or did (`choice`: not a
    comparison of values, "Which is taller, A or B?", which no page of one thing answers)."""
    return bool(choice or _SHARING.search(question) or (yes_no and _JOINED.search(question))
                or (_WH.search(question.lower()) and _NAMES_AS_SUBJECT.search(question)))


SYSTEM = "You answer from the given text, exactly and briefly."


def split_examples() -> list[tuple[str, list[Part]]]:
    """The worked splits shown before the question (prompts/each_examples.md: question | subject =
    its question | ...; a question alone splits into nothing)."""
    examples = []
    for line in render("each_examples").splitlines():
        question, *parts = (field.strip() for field in line.split("|"))
        examples.append((question, [Part(*(x.strip() for x in p.split("=", 1))) for p in parts]))
    return examples


def split_messages(question: str) -> list[dict]:
    """The split request, after the worked examples as earlier turns of the conversation."""
    examples = [(f"Question: {example}", json.dumps({"each": [{"subject": p.subject, "question": p.question}
                                                              for p in parts]}))
                for example, parts in split_examples()]
    return with_examples(render("each"), examples, f"Question: {question}")


def split_schema() -> dict:
    part = {"type": "object", "properties": {"subject": {"type": "string", "minLength": 1, "maxLength": 80},
                                             "question": {"type": "string", "minLength": 1, "maxLength": 160}},
            "required": ["subject", "question"]}
    return {"type": "object", "properties": {"each": {"type": "array", "items": part, "maxItems": MAX_PARTS}},
            "required": ["each"]}


def _written_in(name: str, text: str) -> bool:
    return bool(re.search(r"(?<!\w)" + re.escape(name.strip()) + r"(?!\w)", text, re.I))


def parse_split(output: str, question: str, options: list[str] = ()) -> list[Part]:
    """The parts the model named, confirmed (see the module docstring); [] when the split does
    not hold up -- the question then goes the usual way. For a choice between `options`, one
    yes/no part per option."""
    parts = [Part(" ".join(str(i.get("subject", "")).split()), " ".join(str(i.get("question", "")).split()))
             for i in _split_items(output)]
    parts = [p for p in parts if p.subject and p.question]
    if len(parts) < 2 or len({p.subject.lower() for p in parts}) < len(parts):
        return []
    for p in parts:
        others = [o.subject for o in parts if o is not p]
        if (_DESCRIBED.match(p.subject) or not _written_in(p.subject, question) or not _written_in(p.subject, p.question)
                or any(_written_in(o, p.question) for o in others)
                or not content_words(p.question) - content_words(p.subject)):   # asks something of it
            return []
    asked = stems(question)
    if any(p.yes_no and not all(any(_one_word(w, a) for a in asked) for w in stems(p.question)) for p in parts):
        return []         # a yes/no part asks what the question asks, nothing it does not ("Is A American?")
    if any(p.yes_no and not _numbers(question, parts) <= _numbers(p.question, parts) for p in parts):
        return []         # ... and all of it: "Is Sorbaria a genus of flowering plants?" for "... a genus of
                          # more than 50 flowering plants?" is answered yes by any genus of them
    if (_SAMENESS.search(question) or _DIFFERENCE.search(question)) and any(p.yes_no for p in parts):
        return []         # sameness is between values: "Is A a singer?" cannot show the same nationality
    asks = _WH.findall(question.lower().replace("which", "what"))
    if asks and any(not p.yes_no and not set(asks) & set(_WH.findall(p.question.lower().replace("which", "what")))
                    for p in parts):
        return []         # a part asks what the question asks: not "Who wrote X?" for "... and what other film?"
    if Part("", question).yes_no and not (_SAMENESS.search(question) or _DIFFERENCE.search(question)) \
            and not parts[0].yes_no:
        return []         # "Were both fought in the 19th century?" is not "in the same century?"
    if len({p.yes_no for p in parts}) > 1:
        return []
    if options and (not parts[0].yes_no or sorted(map(_option_key, options)) != sorted(_option_key(p.subject)
                                                                                     for p in parts)):
        return []         # a choice is decided by which option it holds of: one yes/no part per option
    return parts


def _numbers(text: str, parts: list[Part]) -> set[str]:
    """The numbers a text states outside the things' names ("50", "2010"; not the "3" of "Cars 3")."""
    for part in parts:
        text = re.sub(rf"(?<!\w){re.escape(part.subject)}(?!\w)", " ", text, flags=re.I)
    return set(re.findall(r"\d[\d,.]*\d|\d", text))


# A choice that ranks its options ("the highest number", "busier") is no property of one option
# alone: its own page cannot say it (compare.py and research decide those). Words ending so that
# are no ranking are listed.
_RANKING = re.compile(r"\b(most|least|best|worst|[a-z]{2,}(?:est|ier))\b", re.I)
_NOT_RANKING = {"interest", "forest", "honest", "modest", "earnest", "protest", "contest", "harvest", "request",
                "suggest", "conquest", "west", "midwest", "southwest", "northwest", "digest", "arrest", "manifest",
                "invest", "quest", "guest", "chest", "nest", "rest", "test", "soldier", "frontier", "premier",
                "courier", "barrier", "cavalier", "cashier", "glacier", "dossier", "brigadier", "financier"}


_CHOICE_PART_WORDS = stems("the answer to")   # the words choice_parts adds, which say nothing of what is asked


def choice_parts(question: str, options: list[str]) -> list[Part]:
    """One yes/no part per option, written by code from the question itself: "Is Vib Gyor the
    answer to "Which band formed in England?"?". For the choices the model does not split well:
    asked to, the 1.5B model often gave each option the whole question without its name ("Which
    band formed in England?" for each band), which names no thing and is dropped. [] for a choice
    that ranks its options, which one option's page cannot decide."""
    ask = _asking_clause(question, options)
    if not content_words(ask) or any(w.lower() not in _NOT_RANKING for w in _RANKING.findall(ask)):
        return []          # (the options' names may hold such words: "Ernest Hemingway")
    return [Part(option, f'Is {option} the answer to "{ask}?"', by_code=True) for option in options]


# "the same country", "different film genres", "share any ingredients", "share the same genre", "a
# common language": what two things are compared by; the words up to a preposition ("in common")
_COMPARED_BY = re.compile(r"\b(?:share[sd]?\s+(?:the\s+same|any|an?|the)|the\s+same|different|(?:any|a)\s+common)\s+"
                          r"([a-z][\w.-]*(?:\s+of\s+[a-z][\w-]*|\s+[a-z][\w.-]*)?)", re.I)
_ENDS_NOUN = {"in", "as", "at", "to", "for", "with", "on", "by", "from", "and", "or"}


def sameness_parts(question: str, subjects: list[str]) -> list[Part]:
    """One value part per thing, written by code, for a yes/no question that compares things by
    a value ("Were Goo Goo Dolls and Echosmith formed in the same city?" -> "For Goo Goo Dolls:
    formed in which city?"). For the sameness questions the model names the things of but asks
    no value of each: the 1.5B model gave "Was it directed by the same person as A Film
    Unfinished?" (a yes/no part, which cannot show sameness). `subjects` are the things the
    model named, or else the names the question joins by "and" (capitalised ones only); [] unless
    two or three distinct ones are written in the question and it says what they are compared by."""
    compared = _COMPARED_BY.search(question)
    names = list(dict.fromkeys(s for s in subjects if _written_in(s, question) and not _DESCRIBED.match(s)))
    if len(names) < 2:
        names = _joined_names(question)
    if compared is None or not 2 <= len(names) <= MAX_PARTS or len({n.lower() for n in names}) < len(names):
        return []
    noun = _compared_noun(question, compared)
    if not noun:
        return []
    # what the question says of them, the comparison turned into "which": the words between the
    # last name before it and it ("formed in" the same city; "from" the same state as Will Smith)
    ends = [m.end() for n in names for m in re.finditer(rf"(?<!\w){re.escape(n)}(?!\w)", question, re.I)
            if m.end() <= compared.start()]
    asked = question[max(ends):compared.start()] + f"which {noun}" if ends else _asked_before_names(
        question, names, compared, noun)
    if not asked:
        return []
    asked = re.sub(r"\bshare[sd]?\s+which\b", "which", asked, flags=re.I)
    head = noun.split(" of ")[0].split()[-1].lower()        # "number" of "number of members"
    single = not _plural(head)                              # "city", "nationality"; not "genres", "ingredients"
    return [Part(name, f"For {name}: {' '.join(asked.split())}?", by_code=True, single=single) for name in names]


# the auxiliary a question starts with, kept in a part whose comparison came first
_AUXILIARY_VERB = re.compile(r"(did|does|do|is|are|was|were|has|have|had|will|would|can|could)\b", re.I)


def _asked_before_names(question: str, names: list[str], compared: re.Match, noun: str) -> str:
    """The part's words when the comparison comes before the things: "Did the same person direct
    Alien and Gladiator?" -> "which person did direct it" (the verb between the noun and the first
    name kept, with the question's auxiliary); "" when nothing stands between them."""
    noun_end = compared.start(1) + re.match(r"\s+".join(map(re.escape, noun.split())),
                                            question[compared.start(1):]).end()
    first = min((m.start() for n in names for m in re.finditer(rf"(?<!\w){re.escape(n)}(?!\w)", question, re.I)
                 if m.start() >= noun_end), default=noun_end)
    verb = " ".join(question[noun_end:first].split())
    verb = re.sub(r"\s*\b(?:both|the|of)$", "", verb, flags=re.I)
    if not verb:
        return ""
    auxiliary = _AUXILIARY_VERB.match(question.strip())
    return f"which {noun} {auxiliary.group(1).lower() + ' ' if auxiliary else ''}{verb} it"


# "What occupations do …", "Which type of publications …", "What were the professions that …":
# the noun a what/which question asks for
_ASKED_NOUN = re.compile(r"^\W*(?:what|which)\s+(?:(?:is|was|are|were)\s+the\s+)?(?:(?:type|kind|sort)s?\s+of\s+)?"
                         r"([a-z]+)\b", re.I)


def _asks_plural(question: str) -> bool:
    """The question asks for several values: its noun is plural ("What occupations do A and B have
    in common?"), not "What profession …" -- whose answer is one, the first shared."""
    asked = _ASKED_NOUN.match(question)
    return bool(asked) and _plural(asked.group(1))


def _plural(noun: str) -> bool:
    """ "genres", "occupations"; not "city", "status", "class"."""
    return re.search(r"[^su]s$", noun.lower()) is not None


def _compared_noun(question: str, compared: re.Match) -> str:
    """The noun a comparison is by: "city", "film genres", "number of members", "U.S. state"; a
    second word only when the phrase ends there, not a verb after it ("the same person direct")."""
    words = compared.group(1).split()
    words = words[:next((i for i, w in enumerate(words) if w.lower() in _ENDS_NOUN), len(words))]
    rest = question[compared.end():].strip()
    if len(words) == 2 and rest and not rest.startswith("?") and rest.split()[0].lower() not in _ENDS_NOUN:
        words = words[:1]
    return " ".join(words)


def _joined_names(question: str) -> list[str]:
    """The names a question lists with one "and" ("Do The Importance of Being Icelandic and The
    Five Obstructions belong to ...?", "Were Oasis, Blur and Pulp ...?"), its first word (the
    verb) left out; [] when another "and" makes the list unclear ("Simon and Garfunkel and Hall
    and Oates")."""
    rest = question.split(None, 1)[1] if len(question.split(None, 1)) == 2 else ""
    runs = [(m.start(), m.end(), m.group()) for m in NAME.finditer(rest)]
    listed: list[str] = []
    for (_, end, first), (start, _, second) in zip(runs, runs[1:]):
        gap = rest[end:start]
        if re.fullmatch(r"\s*,\s*(?:the\s+)?", gap):                       # "Oasis, Blur"
            listed = (listed or [first]) + [second]
        elif re.fullmatch(r"\s*,?\s+and\s+(?:the\s+)?", gap, re.I):         # "Blur and Pulp"
            if re.search(r"\band\b", rest[start:], re.I):
                return []
            return (listed or [first]) + [second]
        else:
            listed = []
    return []


def _split_items(output: str) -> list[dict]:
    """The items of a split's JSON ({"each": [{"subject", "question"}, ...]}); [] when it is none."""
    try:
        items = json.loads(output).get("each", [])
    except (ValueError, AttributeError):
        return []
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def named_subjects(output: str) -> list[str]:
    """The things a split names, whatever it asks of them ("subject" of each item)."""
    return [" ".join(str(i.get("subject", "")).split()) for i in _split_items(output) if i.get("subject")]


def _asking_clause(question: str, options: list[str]) -> str:
    """The question without its options: the clause that asks, the options and their "or" taken
    out ("Which novelist, J. G. Farrell or Louis Aragon, wrote of ...?" -> "Which novelist wrote
    of ..."; "A and B were both mines ...; which one yielded ...?" -> "which one yielded ...")."""
    a, b = (re.escape(o.strip()) for o in options)
    # the options, with what describes the second one (", the 1970 Rolling Stones documentary?")
    text = re.sub(rf"(?:\bof\s+)?(?:\bthe\s+)?{a}\s*,?\s+(?:or|and)\s+(?:the\s+)?{b}(?:\s*,\s*(?:the|a|an)\s[^,;?]*(?=\?\s*$))?",
                  " ", question, flags=re.I)
    text = re.sub(r",\s*,", " ", text)                              # the commas that set them off
    clauses = [c for c in re.split(r"(?<=[.;:?])\s+", text) if c.strip(" .;:?,")]
    asking = next((c for c in clauses if _WH.search(c.lower())), "")
    asking = re.sub(r"^(?:of|between|among)\s*,\s*", "", asking.strip(), flags=re.I)   # "Of A and B, which ..."
    return " ".join(asking.split()).strip(" ,.;:?")


def _option_key(name: str) -> str:
    """A name as an option of the question: "the Dismal Swamp Canal" is "Dismal Swamp Canal"."""
    return re.sub(r"^the\s+", "", " ".join(name.lower().split()))


def _one_word(a: str, b: str) -> bool:
    """Two stems of one word, a plural too ("hub", "hubs": too short for same_word's prefixes)."""
    return same_word(a, b) or a.rstrip("s") == b.rstrip("s")


def _asked_of(part: Part) -> set[str]:
    """Stems of what a part asks of its thing ("women", "magazine" for "Is Look a women's magazine?")."""
    return stems(part.question) - stems(part.subject) - _AUXILIARY


def asked_query(part: Part, pages: dict[int, tuple[str, str]]) -> str | None:
    """For a yes/no part whose thing's own page read says nothing of what is asked, the query that
    finds the thing the question means: its name with what is asked ("Look women's magazine").
    A name that is a common word finds a namesake first: the offline web lists the dictionary's
    "look", a specification language, above "Look (UK magazine)". None otherwise (no own page
    read: its name is searched first; a value part's page need not write what is asked: a
    nationality is "American")."""
    asked = _asked_of(part)
    if not part.yes_no or part.by_code or not asked:
        return None
    own = own_pages(part.subject, pages, asked)
    if not own or asked & stems(own[0][2]):
        return None
    return " ".join([part.subject, *(w for w in re.findall(r"[\w'’-]+", part.question) if stems(w) & asked)])


def page_for(part: Part, pages: dict[int, tuple[str, str]], others: list[Part] = ()) -> tuple[int, str] | None:
    """The page read that is the subject's own (its title is the subject's name), as the text
    the sub-question is answered from: its lead, and the passage that best matches the
    sub-question when the lead does not hold it. Among its namesakes, one of the kind of the
    other parts' pages (`others`; compare.own_pages: "Bloody Mary (cocktail)" beside "Sidecar
    (cocktail)")."""
    kin = kin_of(part.subject, [o.subject for o in others], pages, {o.subject: _asked_of(o) for o in others})
    own = own_pages(part.subject, pages, _asked_of(part), kin)
    if not own:
        return None
    sid, _, text = own[0]
    text = text.strip()
    lead = text[:LEAD_CHARS]
    weights = dict.fromkeys(content_words(part.question) - content_words(part.subject), 2.0)
    passage = best_passage(text, weights, PASSAGE_CHARS) if weights else ""
    if passage and passage[:60] not in lead:
        lead = f"{lead} ... {passage}"
    return sid, lead


def part_request(part: Part, title: str, text: str) -> str:
    form = ("the short answer: yes or no" if part.yes_no else
            "the answers: each a name, date, number or short phrase, never a sentence; more than one only when "
            "the page gives several (a person's professions, a place's countries)")
    return render("each_part", title=title, text=text, question=part.question, form=form)


def part_schema(part: Part) -> dict:
    value = {"type": "string", "minLength": 1, "maxLength": 60}
    answer = ({"answer": {"enum": ["yes", "no"]}} if part.yes_no else
              {"answers": {"type": "array", "items": value, "minItems": 1, "maxItems": MAX_VALUES}})
    return {"type": "object", "properties": {"quote": {"type": "string", "minLength": 1, "maxLength": 240}, **answer},
            "required": ["quote", *answer]}


def parse_part(output: str, part: Part, source: int, page: str) -> Fact | None:
    """The sub-answer as a fact of its page (several values joined by "; "), or None when the
    quote is not on the page. A value the page does not state is dropped: the model's own
    words are not the page's."""
    try:
        reply = json.loads(output)
        quote = str(reply["quote"]).strip()
        given = [str(reply["answer"])] if part.yes_no else [str(v) for v in reply["answers"]]
    except (ValueError, KeyError, TypeError):
        return None
    found = support(quote, page, names_count=False)
    values = [v.strip() for v in given if v.strip() and (part.yes_no or states_answer(v, page))]
    if not part.yes_no:
        values = of_kind_asked(values, part, found.quote)
    # one city asked: the first one given; more are the model's extras ("Southampton; England;
    # rock band"), which another thing's page may share ("England") though the cities differ
    values = values[:1] if part.single else values
    if not values or found.score < QUOTED:
        return None
    # a page's opening says what its thing is: a yes to "Is X a plant?", not to a code-made part's
    # 'Is X the answer to "which one yielded a bulk sample in 1935?"' (both mines' openings said yes)
    if values == ["yes"] and not _says_asked(part, found.quote) and (part.by_code or not _in_lead(found.quote, page)):
        return None
    # the model's whole quote (found.quote is its best sentence), in the words the page has
    if values == ["yes"] and not part.by_code and not _names_asked_said(part, quote, page):
        return None
    return Fact(part.subject, VALUES.join(dict.fromkeys(values)), source, found.quote)


# A part asks of a time when it says so; any other part's years are the model's extras
_ASKS_TIME = re.compile(r"\b(when|years?|dates?|decades?|century|centuries|months?|days?|age|era|period)\b", re.I)
_ASKS_PERSON = re.compile(r"^\W*(?:who|whom)\b|\b(?:which|what)\s+(?:person|people|man|woman)\b", re.I)
_ASKS_NUMBER = re.compile(r"\b(how (?:many|much)|number|numbers|count|population|total)\b", re.I)
_YEAR = re.compile(r"(?<![\d,.])\d{3,4}s?(?![\d,.])")
_DATE_WORDS = re.compile(rf"\b(?:c|ca|circa|about|around|early|late|mid|{'|'.join(MONTHS)})\b|[\d\W_]", re.I)


def of_kind_asked(values: list[str], part: Part, quote: str) -> list[str]:
    """The values that are of the kind the part asks for: a year or a date only when a time is
    asked, a person's name when a person is ("who"), not a description of one ("Canadian
    director"), which stands for the name the quote writes after it ("... directed by Canadian
    director Jeff Chiba Stearns"). Asked "Who directed One Big Hapa Family?" the model gave
    "Canadian director; 2010", and for A Film Unfinished "Yael Hersonski; 2010 ...": the shared
    year said both were "directed by the same person"."""
    kept = []
    for value in values:
        if (not _ASKS_TIME.search(part.question) and _YEAR.search(value) and not _DATE_WORDS.sub("", value).strip()
                and not _ASKS_NUMBER.search(part.question)):
            continue                                       # "2010", "February 2009", "1870-1956"
        if _ASKS_PERSON.search(part.question) and not _names_someone(value):
            value = _name_after(value, quote) or ""
        if value:
            kept.append(value)
    return list(dict.fromkeys(kept))


def _names_someone(value: str) -> bool:
    """The value has a capitalised word that is no nationality and no month: a name."""
    return any(not stems(word) & (NATION_STEMS | set(MONTHS)) and word.lower() not in MONTHS
               for word in re.findall(r"\b[A-Z][\w'-]*", value))


def _name_after(description: str, quote: str) -> str | None:
    """The name the quote writes right after the description ("Canadian director Jeff Chiba
    Stearns"), or None."""
    found = re.search(rf"(?<!\w){re.escape(description)}\s+({NAME.pattern})", quote, re.I)
    return found.group(1) if found and _names_someone(found.group(1)) else None


def _in_lead(quote: str, page: str) -> bool:
    """The quote is the page's opening, which says what its thing is ("Ferocactus is a genus of
    large barrel-shaped cacti" backs "Is Ferocactus a plant?" without the word)."""
    at = " ".join(page.split()).find(" ".join(quote.split())[:60])
    return 0 <= at < LEAD_QUOTE_CHARS


def _says_asked(part: Part, quote: str) -> bool:
    """A "yes" is said in the page's words of what is asked: the quote has a word the part asks
    of its thing ("author" for "Is Valeria Sarmiento an author?"; "She has worked both in film
    and television", from further down her page, does not say it). A country's people are the
    country ("English-born" says "from England")."""
    asked = _asked_of(part) - (_CHOICE_PART_WORDS if part.by_code else set())
    if part.by_code and asked - (kind := _category(part)):
        asked -= kind
    asked |= {s for a in asked for form in nationality_forms(a.title()) for s in stems(form)}
    said = stems(quote) | _countries_said(quote)
    return not asked or any(_one_word(a, w) for a in asked for w in said)


def _countries_said(quote: str) -> set[str]:
    """The country, and its people, of a region the quote places its thing in: "a private research
    university in Pittsburgh, Pennsylvania" says "United States" and "American" ("Is Carnegie
    Mellon University located in America?" had been refused, and the run answered "no")."""
    return {s for country in countries_placed(quote) for form in (country, *nationality_forms(country))
            for s in stems(form)}


def _strong_yes(part: Part, fact: Fact) -> bool:
    """A yes whose quote says what is asked in its words and names what it names ("He is the lead
    vocalist of post-grunge band Fuel"), not only the page's opening: for a choice, enough
    without the other options' answers (their pages may not say no: Ciaran Gribbin's says what
    he is, nothing of Fuel)."""
    return bool(_asked_of(part)) and _says_asked(part, fact.quote) and _names_asked_said(part, fact.quote)


def _names_asked_said(part: Part, quote: str, page: str = "") -> bool:
    """A "yes" about another named thing names it: "Is Ciaran Gribbin a member of the band Fuel?"
    was answered yes from his page's opening, which says what he is and nothing of Fuel (the
    opening backs what a thing is, not what it belongs to). A name is said by its last word
    ("Yankees" for "the New York Yankees"), within a word ("Disneynature" says "Disney"), or by
    its people ("English" for "England"); with `page`, only the quote's words the page has count."""
    subject = stems(part.subject)
    said = (stems(quote) & stems(page) if page else stems(quote)) | _countries_said(quote)
    for name in name_runs(part.question):
        words = stems(name)
        if not words or words <= subject:
            continue
        forms = [stems(name.split()[-1]), *(stems(form) for form in nationality_forms(name))]
        if not any(form and all(any(same_word(f, w) for w in said) for f in form) for form in forms):
            return False
    return True


def _category(part: Part) -> set[str]:
    """The kind of thing a code-made choice part asks for, which every option is: "novelist" in
    'Is Louis Aragon the answer to "Which novelist wrote of ... colonial rule?"'. His page saying
    "He was also a novelist" says nothing of which one wrote it."""
    kind = re.search(r'"(?:which|what)\s+([\w-]+)', part.question, re.I)
    return stems(kind.group(1)) if kind else set()


def _same(a: str, b: str) -> bool:
    """Two values name the same thing: equal words, one within the other ("New York" and "New
    York City"), or a country and its nationality ("France", "French")."""
    forms = [{frozenset(stems(v))} | {frozenset(stems(f)) for f in nationality_forms(v)} for v in (a, b)]
    return any(x and y and (x <= y or y <= x) for x in forms[0] for y in forms[1])


def shared(facts: list[Fact]) -> list[str]:
    """The values of the first fact that every other fact has too (in the first one's order)."""
    first, *rest = [f.value.split(VALUES) for f in facts]
    return [v for v in first if all(any(_same(v, w) for w in other) for other in rest)]


def shared_words(facts: list[Fact], asked: set[str]) -> list[str]:
    """What the values share word by word when no value is shared whole: "computer-animated" and
    "animated fantasy" share "animated", "action-comedy" and "romantic comedy" "comedy". Not the
    question's own words ("film" in "... share which genre of film?"), nationalities, nor the
    nouns that say what kind of thing it is ("band", "film", "series": kind.KINDS)."""
    first, *rest = [f.value.split(VALUES) for f in facts]
    found = []
    for value in first:
        words = [w for w in re.findall(r"[^\W_]+", value)
                 if stems(w) and not stems(w) & (asked | NATION_STEMS) and not kind_of(w)]
        kept = [w for w in words if all(any(stems(w) <= stems(other) for other in values) for values in rest)]
        if kept:
            found.append(" ".join(kept))
    return list(dict.fromkeys(found))


def combine(question: str, parts: list[Part], facts: dict[str, Fact], yes_no_question: bool,
            options: list[str] = ()) -> Comparison | None:
    """What the sub-answers decide (see the module docstring), or None when they do not: a part
    unanswered, or values that differ for a question that wants the one they share."""
    subjects = [p.subject for p in parts]
    found = [s for s in subjects if s in facts]
    if options:
        held = [s for s in found if facts[s].value.lower() == "yes"]
        if len(held) != 1 or (found != subjects and not _strong_yes(parts[subjects.index(held[0])], facts[held[0]])):
            return None
        option = next(o for o in options if _option_key(o) == _option_key(held[0]))
        return Comparison("each", subjects, facts, option, "the one of which it holds")
    if parts[0].yes_no:
        if not yes_no_question:
            return None
        if any(facts[s].value.lower() == "no" for s in found):     # one that fails settles it
            return Comparison("each", subjects, facts, "no", "yes when every one is yes")
        return Comparison("each", subjects, facts, "yes", "yes when every one is yes") if found == subjects else None
    if found != subjects:
        return None
    common = shared([facts[s] for s in subjects])
    if not common and not yes_no_question:
        common = shared_words([facts[s] for s in subjects], stems(question))
    if yes_no_question:
        if _DIFFERENCE.search(question):
            return Comparison("each", subjects, facts, "no" if common else "yes", "yes when no value is shared")
        return Comparison("each", subjects, facts, "yes" if common else "no", "yes when a value is shared")
    if not common or is_yes_no(common[0]):
        return None
    # "film director" says "director": a value within another (or spelt again) is not said twice
    values = [v for i, v in enumerate(common) if not is_yes_no(v) and not any(
        stems(v) < stems(w) or (j < i and stems(v) == stems(w)) for j, w in enumerate(common))]
    values = values[:MAX_SHARED] if _asks_plural(question) else values[:1]
    if len(values) == 1:
        return Comparison("each", subjects, facts, values[0], "the value they share")
    return Comparison("each", subjects, facts, f"{', '.join(values[:-1])} and {values[-1]}", SHARED_VALUES)
