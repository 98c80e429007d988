"""An answer of the kind the question asks for: "who" asks for someone, "where" for a place,
"which film" for a film.

The 1.5B model answers with the name a passage gives nearest the question's words, whatever it
names: "Who designed the programming language used to write the first portable Unix kernel?"
was answered "Kernel Parlog", a language; "Jamie Harris ... in a movie directed by who?" with
the film; "Where is the company that Sachin Warrier worked for headquartered?" with the company;
"Which Netflix series "Unbreakable" character is ...?" with the series. Every such answer is
stated by a page read, so no other check objects. What the answer is, its own page says in its
first sentence -- "Kernel Parlog: <language> A modeless intermediate language for Parlog", "X is
a 2004 American comedy film directed by ..." -- and that head noun's kind (KINDS: a person, a
band, a company, an institution, a work, a game, a place, a structure, a language, a living
thing, a vehicle, another thing) settles whether it is the kind asked:
  who / whom        a person, a band, a company or an institution
  where             a place, a structure or an institution
  which / what N    N's kind ("which character": a person), with its near kin (a person or a
                    band; a company or an institution; a structure, a place or an institution)
Every kind the sentence names must be one not asked ("a Polish film and theatre director" is a
director too), and a noun of no known kind says nothing. Only the answer's own page counts (its
title is the answer's name, and not one word of a longer one: the dictionary's "anna" is no page
of Anna Clyne): a sentence elsewhere that calls it something says less. No own page read, or no
head noun found: nothing is known. A video game is a kind of its own, not a work like a film:
"What movie did Pitof direct which had a tie-in video game?" was answered with the game.
"""
from __future__ import annotations

import re

from ..context import content_words, stem
from ..evidence import as_shown, evidence_sentences
from ..names import page_name
from .compare import is_own_page

KINDS = {
    "person": "actor actress singer songwriter singer-songwriter rapper musician guitarist drummer bassist "
              "pianist composer conductor writer author novelist poet playwright screenwriter director filmmaker "
              "producer painter artist sculptor architect photographer journalist politician president senator "
              "governor king queen prince princess emperor player footballer cricketer athlete boxer wrestler "
              "coach businessman businesswoman entrepreneur engineer scientist physicist chemist "
              "mathematician philosopher economist historian inventor character person man woman comedian "
              "presenter dancer judge lawyer officer soldier",
    "band": "band group duo trio quartet orchestra choir",
    "company": "company corporation conglomerate subsidiary firm manufacturer label publisher airline "
               "retailer brand",
    "institution": "university college school academy hospital museum library institute",
    "work": "film movie documentary album song single novel book series sitcom episode opera "
            "musical poem painting sculpture magazine newspaper comic",
    "game": "game",       # a video game for "what movie" ("Catwoman" the film has a tie-in game)
    "place": "city town village country state county province region district island river lake mountain "
             "capital municipality suburb neighborhood neighbourhood borough commune",
    "structure": "building bridge stadium arena airport station tower church cathedral castle palace hotel casino",
    "language": "language dialect",
    "living": "species genus plant animal bird fish tree flower shrub fern",
    "vehicle": "ship aircraft airplane car locomotive vessel submarine",
    "thing": "disease instrument software format protocol",
}
_KIND_OF = {stem(word): kind for kind, words in KINDS.items() for word in words.split()}
# the kinds an answer may be, by what the question asks (any other known kind is not it)
ALLOWED = {"who": {"person", "band", "company", "institution"},
           "where": {"place", "structure", "institution"},
           "person": {"person", "band"}, "band": {"band", "person"},
           "company": {"company", "institution"}, "institution": {"institution", "company"},
           "structure": {"structure", "place", "institution"}}

# "Who designed ...?", "... directed by who?", "whom did ... marry?"
_ASKS_WHO = re.compile(r"^\s*(?:who|whom)\b|\b(?:by|to|with|for)\s+(?:who|whom)\s*\??\s*$", re.I)
_ASKS_WHERE = re.compile(r"^\s*where\b", re.I)
# "What is the birthplace of the Senator who ...?": a place asked by the noun for it (the answer
# "Kenneth LaValle", the senator, had passed)
_ASKS_PLACE_OF = re.compile(r"^\s*(?:what|which)\s+(?:is|was|are|were)\s+the\s+(?:birthplace|hometown|"
                            r"headquarters|location|place of birth|place of death|burial place|resting place)\s+of\b",
                            re.I)
# "Which Netflix series "Unbreakable" character is ...", "in what Alberta city?": the kind is that
# of the last noun of a known kind after the interrogative, before an auxiliary or another word
_WHICH = re.compile(r"\b(?:which|what)\s+(.*)", re.I)
_AUXILIARIES = {"is", "was", "are", "were", "did", "does", "do", "has", "have", "had", "can", "could", "will", "would"}
_PREPOSITIONS = {"of", "in", "on", "at", "by", "for", "from", "with", "to", "about", "as"}

# the noun phrase that says what it is: after "is a", "was an", "are the", or opening a
# dictionary entry ("<language> A modeless intermediate language for Parlog")
_IS_A = re.compile(r"\b(?:is|was|are|were)\s+(?:a|an|the|one of the)\s+(.+)", re.I)
_ENTRY = re.compile(r"^\s*(?:<[^>]*>\s*)*(?:a|an)\s+(.+)", re.I)
# where the noun phrase ends: a preposition, a relative pronoun, a conjunction, punctuation
# (or a participle with its preposition: "company headquartered in", "film directed by")
# -- not "and", "or" or a comma: "a Polish film and theatre director", "a consulting and
# business solutions company" end with the head noun of them all
_PHRASE_END = re.compile(r"\s+(?:of|in|on|for|from|by|with|at|to|that|which|who|whose|but|starring|"
                         r"featuring|about|written|known|set|made)\b|\s+[a-z]+ed\s+(?:in|by|at|on|from|for|as|with)\b"
                         r"|[.;:(\[]")
_CATEGORY = re.compile(r"<([a-z][\w -]*)>")        # a dictionary entry's category: "<language>"
MAX_PHRASE_WORDS = 14    # longer, and it is no noun phrase
LEAD_SENTENCES = 6      # a page's heading and site line come before its first sentence
_MARKUP = re.compile(r"[{}\\*_#]")
_ASIDE = re.compile(r"\([^()]*\)")                 # "Tata Consultancy Services Limited (TCS) is ..."


def kind_of(noun: str) -> str | None:
    """The kind a noun names ("band" -> "band", "films" -> "work"), None for a noun of no known kind."""
    return _KIND_OF.get(stem(noun.lower()))


def asked_kind(question: str) -> str | None:
    """What kind of answer the question asks for: "who", "where", or the kind of the noun after
    its last "which" or "what" ("character": "person"); None when it says no kind known here."""
    if _ASKS_WHO.search(question):
        return "who"
    if _ASKS_WHERE.search(question) or _ASKS_PLACE_OF.search(question):
        return "where"
    noun = asked_noun(question)
    return _KIND_OF.get(stem(noun.lower())) if noun else None


def asked_noun(question: str) -> str | None:
    """The noun of a known kind the question's last "which" or "what" asks for: "band" in "Which
    band has more members, A or B?", "character" in "Which Netflix series "Unbreakable" character
    ...?"; None when there is none."""
    asking = list(_WHICH.finditer(question))
    if not asking:
        return None
    words = re.findall(r"[\w'-]+", asking[-1].group(1))
    if not any(c.isupper() for c in question):
        # typed in lower case, a name looks like any word ("which netflix series unbreakable
        # character"): only a noun right after the interrogative is sure to be what it asks
        return words[0].lower() if words and stem(words[0].lower()) in _KIND_OF else None
    noun = None
    for word in words:
        if word.lower() in _AUXILIARIES or word.lower() in _PREPOSITIONS:   # "which film was", "which genre of film"
            break
        if not word.islower():                        # a name or a year in the phrase: "Netflix", "1959"
            continue
        if stem(word) not in _KIND_OF and noun is not None:    # past the noun: "... director wrote", "band sang songs"
            break
        noun = word if stem(word) in _KIND_OF else noun
    return noun


def head_nouns(sentence: str) -> list[str]:
    """The last word of each part of the noun phrase that says what the sentence's subject is:
    ["film"] for "X is a 2004 American dark comedy film directed by Y", ["film", "director"] for
    "a Polish film and theatre director", ["language"] for "A modeless intermediate language for
    Parlog"; [] when the sentence says no such thing."""
    plain = _ASIDE.sub(" ", _MARKUP.sub("", as_shown(sentence)))
    found = _IS_A.search(plain) or _ENTRY.search(plain)
    if found is None:
        return []
    phrase = _PHRASE_END.split(found.group(1), maxsplit=1)[0]
    heads = []
    for part in re.split(r",|\band\b|\bor\b", phrase):
        words = re.findall(r"[A-Za-z][\w-]*", part)
        if words:
            heads.append(words[-1].lower())
    return heads if len(phrase.split()) <= MAX_PHRASE_WORDS else []


def _names_it(answer: str, title: str) -> bool:
    """The page is the answer's own (compare.is_own_page), and not by one word of a longer name:
    the dictionary's "anna" (a specification language) is no page of the composer Anna Clyne,
    while "Lee Hazlewood" is Barton Lee Hazlewood's."""
    words = content_words(page_name(title))
    return is_own_page(answer, title) and (len(words) >= 2 or len(content_words(answer)) <= 1)


def what_it_is(answer: str, pages: dict[int, tuple[str, str]]) -> list[tuple[int, list[str]]]:
    """(source, nouns) for each of the answer's own pages read that says what it is, from its
    first sentence or its dictionary category."""
    found = []
    for sid, (title, text) in pages.items():
        if not _names_it(answer, title):
            continue
        nouns = next((nouns for sentence in evidence_sentences(text)[:LEAD_SENTENCES]
                      if (nouns := head_nouns(sentence))), [])
        if not nouns and (category := _CATEGORY.search(text[:400].replace("\\", ""))) is not None:
            nouns = [category.group(1).split()[-1].lower()]
        if nouns:
            found.append((sid, nouns))
    return found


def wrong_kind(question: str, answer: str, pages: dict[int, tuple[str, str]]) -> tuple[int, str, str] | None:
    """(source, noun, asked kind) when the answer's own pages say it is a thing the question
    cannot mean -- every kind each names ("a film and theatre director" is also a director), and
    every own page read (a namesake's, "Catwoman (film)", may say another kind); None otherwise."""
    asked = asked_kind(question)
    found = what_it_is(answer, pages) if asked is not None else []
    allowed = ALLOWED.get(asked, {asked})
    for sid, nouns in found:
        kinds = [_KIND_OF.get(stem(noun)) for noun in nouns]
        if not all(kind is not None and kind not in allowed for kind in kinds):
            return None
    return (found[0][0], found[0][1][-1], asked) if found else None
