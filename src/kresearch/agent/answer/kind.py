"""An answer of the kind the question asks for: "who" asks for someone, "where" for a place.

The 1.5B model answers with the name a passage gives nearest the question's words, whatever it
names: "Who designed the programming language used to write the first portable Unix kernel?"
was answered "Kernel Parlog", a language; "Jamie Harris ... in a movie directed by who?" with
the film; "Where is the company that Sachin Warrier worked for headquartered?" with the company.
Every such answer is stated by a page read, so no other check objects. What the answer is, a
page says in its first sentence -- "Kernel Parlog: <language> A modeless intermediate language
for Parlog", "X is a 2004 American comedy film directed by ..." -- and that head noun settles
whether it is the kind of answer asked:
  who / whom   not a work, a language, a place or a living thing other than a person
               (a band, a company, a team may well be who)
  where        not a work, an organisation or a person
Only the answer's own page counts (its title is the answer's name): a sentence elsewhere that
calls it something says less. No own page read, or no head noun found: nothing is known.
"""
from __future__ import annotations

import re

from ..context import stem
from ..evidence import evidence_sentences
from ..names import page_name
from .compare import is_own_page

# "Who designed ...?", "... directed by who?", "whom did ... marry?"
_ASKS_WHO = re.compile(r"^\s*(?:who|whom)\b|\b(?:by|to|with|for)\s+(?:who|whom)\s*\??\s*$", re.I)
_ASKS_WHERE = re.compile(r"^\s*where\b", re.I)
# what no one is: works, languages and formats, places, structures, vehicles, other living things
NOT_SOMEONE = {"film", "movie", "album", "song", "single", "novel", "book", "series", "sitcom", "episode",
               "game", "opera", "musical", "poem", "painting", "sculpture", "language", "dialect", "format",
               "protocol", "city", "town", "village", "country", "river", "lake", "mountain", "island",
               "county", "province", "region", "building", "bridge", "stadium", "airport", "station", "ship",
               "aircraft", "car", "species", "genus", "plant", "disease", "instrument", "software"}
# what no place is: works, organisations and people
NOT_A_PLACE = {"film", "movie", "album", "song", "single", "novel", "book", "series", "sitcom", "game", "opera",
               "language", "company", "corporation", "conglomerate", "subsidiary", "band", "group", "duo",
               "actor", "actress", "singer", "musician", "songwriter", "rapper", "player", "politician", "writer",
               "author", "novelist", "poet", "director", "producer", "composer", "painter", "journalist",
               "businessman", "businesswoman", "footballer", "cricketer", "engineer", "scientist"}
_NOT_KIND = {"who": {stem(w) for w in NOT_SOMEONE}, "where": {stem(w) for w in NOT_A_PLACE}}

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
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")      # markdown "[text](/path)"
_MARKUP = re.compile(r"[{}\\*_#]")
_ASIDE = re.compile(r"\([^()]*\)")                 # "Tata Consultancy Services Limited (TCS) is ..."


def asked_kind(question: str) -> str | None:
    """"who" or "where" when the question asks for someone or a place, else None."""
    if _ASKS_WHO.search(question):
        return "who"
    if _ASKS_WHERE.search(question):
        return "where"
    return None


def head_nouns(sentence: str) -> list[str]:
    """The last word of each part of the noun phrase that says what the sentence's subject is:
    ["film"] for "X is a 2004 American dark comedy film directed by Y", ["film", "director"] for
    "a Polish film and theatre director", ["language"] for "A modeless intermediate language for
    Parlog"; [] when the sentence says no such thing."""
    plain = _ASIDE.sub(" ", _MARKUP.sub("", _LINK.sub(r"\1", sentence)))
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


def what_it_is(answer: str, pages: dict[int, tuple[str, str]]) -> tuple[int, list[str]] | None:
    """(source, nouns) for what the answer's own page says it is, from its first sentence or its
    dictionary category; None when no own page was read or it says nothing of the kind."""
    for sid, (title, text) in pages.items():
        if not is_own_page(answer, title) or not page_name(title):
            continue
        for sentence in evidence_sentences(text)[:LEAD_SENTENCES]:
            if nouns := head_nouns(sentence):
                return sid, nouns
        category = _CATEGORY.search(text[:400].replace("\\", ""))
        if category is not None:
            return sid, [category.group(1).split()[-1].lower()]
    return None


def wrong_kind(question: str, answer: str, pages: dict[int, tuple[str, str]]) -> tuple[int, str, str] | None:
    """(source, noun, asked kind) when the answer's own page says it is a thing the question's
    "who" or "where" cannot mean -- every kind it names ("a film and theatre director" is also
    a director); None otherwise."""
    kind = asked_kind(question)
    if kind is None or (found := what_it_is(answer, pages)) is None:
        return None
    sid, nouns = found
    return (sid, nouns[-1], kind) if all(stem(noun) in _NOT_KIND[kind] for noun in nouns) else None
