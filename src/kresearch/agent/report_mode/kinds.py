"""The named kinds of a thing, for an aspect that asks for them ("What names does hacker slang give
to different kinds of software bugs", "Types of cache").

Such an aspect's own words find pages *about* the thing ("bug tracking system"), not the kinds,
and a small model rarely knows their names. Two facts of how things are named and filed find
them instead:
- English names a kind of X with a compound headed by X: "Bohr bug", "stale pointer bug",
  "heisenbug", "write-back cache", "boot virus" -- so a search for X alone lists entries on
  kinds of X by their names;
- a reference work's entries on kinds of one thing link to each other ("Bohr bug ... Antonym of
  heisenbug; see also mandelbug, schroedinbug"), so the kinds one entry names lead to the rest,
  and the kinds the entries read name most often are the well-known ones.
"""
from __future__ import annotations

import re

from ..context import content_words, stem, stems
from ..names import page_name
from .coverage import has_word
from .outline import LINK, names_subject

KIND_NOUNS = 2        # things per aspect whose kinds are looked for ("people and postings")
KIND_RESULTS = 10     # results of the search for a thing's name whose titles are looked at
KIND_PAGES = 6        # kinds the search lists that are read
KIND_LINKS = 4        # kinds those pages name that are read after them

# "kinds of software bugs", "types of cache", "the names ... give to different kinds of people and postings"
_KINDS_OF = re.compile(r"\b(?:kinds?|types?|sorts?|varieties|variety|forms?|classes|class|categories|category|"
                       r"examples?|species)\s+of\s+(?:the\s+|these\s+|those\s+|such\s+|all\s+)?([^,;:.?!()]+)", re.I)
# the words that end the named thing's noun phrase: "people and postings | found in newsgroups"
_PHRASE_END = re.compile(r"\s+(?:that|which|who|whose|where|when|in|on|at|with|by|from|to|for|of|as|than|"
                         r"is|are|was|were|can|could|do|does|did|have|has|had|be|found|known|seen|used|given|"
                         r"called|named|made|written|held|such)\b.*$", re.I)
_ARTICLE = {"a", "an", "the"}


def kind_nouns(aspect: str) -> list[str]:
    """The things whose kinds the aspect asks for, each in the singular, its head noun last:
    "What names does hacker slang give to different kinds of software bugs" -> ["software bug"];
    "the kinds of people and postings found in newsgroups" -> ["people", "posting"]. [] when it
    asks for none."""
    match = _KINDS_OF.search(aspect)
    if not match:
        return []
    phrase = _PHRASE_END.sub("", match.group(1)).strip()
    nouns: list[str] = []
    for piece in re.split(r"\s*,\s*|\s+(?:and|or|&)\s+", phrase):
        words = [w.lower() for w in re.findall(r"[A-Za-z][\w'-]*", piece)][-3:]
        if words and content_words(words[-1]):
            noun = " ".join([w for w in words[:-1] if content_words(w)] + [singular(words[-1])])
            if noun not in nouns:
                nouns.append(noun)
    return nouns[:KIND_NOUNS]


def head(noun: str) -> str:
    """The word a kind's name ends in: "bug" for "software bug"."""
    return noun.split()[-1]


def asked_words(*texts: str) -> set[str]:
    """The words of the texts (the question, the aspect), lower case, with their singulars: what
    a kind's name must not consist of."""
    words = {w for text in texts for w in re.findall(r"[a-z0-9][a-z0-9'-]*", text.lower())}
    return words | {singular(w) for w in words}


def singular(word: str) -> str:
    """An English plural's singular, for the common forms ("bugs", "viruses", "caches",
    "categories"); other words as they are ("people", "class")."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(?:ss|x|z|ch|sh|us)es$", word):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def is_kind(name: str, noun: str, asked: set[str] = frozenset()) -> bool:
    """The page's name names a kind of `noun`: a compound headed by it ("Bohr bug", "stale
    pointer bug", "brown-paper-bag bug"), or one word ending in it after three letters at least
    ("heisenbug", "quicksort"). Not the noun itself, nor the thing asked again (every word in
    `asked`, lower case: "software bug" for "kinds of software bugs"), nor a phrase with an
    article in it ("tickle a bug" is something done to a bug), nor a compound headed by
    something else ("bug fix")."""
    noun = head(noun)
    words = re.findall(r"[a-z0-9][a-z0-9'-]*", page_name(name).lower())
    parts = [part for word in words for part in word.split("-")]
    if not words or _ARTICLE & set(parts) or all(w in asked or singular(w) in asked for w in words):
        return False
    last = parts[-1]
    if len(parts) > 1:                    # a compound: headed by the noun
        return singular(last) == noun
    return last.endswith(noun) and len(last) - len(noun) >= 3 and singular(last) != noun


def kinds_listed(hits: list[tuple[str, str, str]], nouns: list[str], asked: set[str] = frozenset()
                 ) -> list[tuple[str, str]]:
    """The hits (title, URL, snippet; in rank order) whose names name a kind of one of `nouns`,
    each kind once (`_each_once`): (title, URL); `asked` as for is_kind."""
    return [hits[i][:2] for i in _each_once([(title, snippet) for title, _, snippet in hits], nouns, asked)]


def _each_once(entries: list[tuple[str, str]], nouns: list[str], asked: set[str]) -> list[int]:
    """The indexes of the entries (title, text or snippet) that name a kind, each kind once: a
    name on two sites, or one entry under its other names ("L2 cache", "level 2 cache" for
    "secondary cache": the same text), is its first."""
    out: list[int] = []
    seen: set[str] = set()
    for index, (title, text) in enumerate(entries):
        keys = {page_name(title).lower(), entry_key(text)} - {""}
        if not keys & seen and any(is_kind(title, noun, asked) for noun in nouns):
            out.append(index)
        seen |= keys
    return out


def entry_key(text: str) -> str:
    """What tells one entry from another whatever name it is filed under: the longest line of its
    opening (a dictionary lists an entry's names on a line of their own, then its text)."""
    lines = [" ".join(line.split()).lower() for line in text[:600].splitlines()]
    return max(lines, key=len, default="")


def kind_links(pages: list[tuple[str, str]], nouns: list[str], read: set[str], asked: set[str] = frozenset(),
               limit: int = KIND_LINKS) -> list[tuple[str, str]]:
    """The links of `pages` (title, text) whose anchors name a kind of one of `nouns`, to pages
    not read yet (`read`: URLs), the most linked-to first (each page counts once per kind), each
    kind once: (anchor, URL), at most `limit`; `asked` as for is_kind."""
    counts: dict[str, int] = {}
    first: dict[str, tuple[str, str]] = {}
    for title, text in pages:
        own = page_name(title).lower()
        linked: set[str] = set()
        for anchor, url in LINK.findall(text):
            anchor = " ".join(anchor.replace("\\", " ").split())
            name = anchor.lower()
            if url in read or name == own or name in linked or not any(is_kind(anchor, n, asked) for n in nouns):
                continue
            linked.add(name)
            counts[name] = counts.get(name, 0) + 1
            first.setdefault(name, (anchor, url))
    ranked = sorted(first, key=lambda name: -counts[name])       # stable: page order among equals
    return [first[name] for name in ranked][:limit]


def rank_kinds(pages: list[tuple[str, str]], nouns: list[str], question: str, asked: set[str] = frozenset()
               ) -> list[str]:
    """The names of the kinds among `pages` (title, text; in the order found) that hold up
    (`_holds`), the most named by the other pages first: the kinds a reference work cross-refers
    are its well-known ones (heisenbug, Bohr bug, mandelbug name each other; "stale pointer bug"
    stands alone)."""
    kinds = [(page_name(pages[i][0]), pages[i][1]) for i in _each_once(pages, nouns, asked)]
    kinds = [(kind, text) for kind, text in kinds if _holds(kind, text, kinds, nouns, question)]

    def named_by(kind: str) -> int:
        return sum(_links_to(text, kind) for title, text in pages if page_name(title) != kind)

    return sorted((kind for kind, _ in kinds), key=lambda kind: -named_by(kind))


def _holds(kind: str, text: str, kinds: list[tuple[str, str]], nouns: list[str], question: str) -> bool:
    """A kind read is one of the thing asked. A thing named with modifiers ("sorting algorithm")
    says which kinds are its own: the page has one of them, or it links to or is linked from
    another kind read (entries on kinds of one thing refer to each other) -- the Euclidean
    algorithm is no kind of sorting algorithm, while the Bohr bug is a kind of software bug
    though its entry never says "software". A thing named by one word ("people") says nothing
    of where: the page must speak of the question's subject (outline.names_subject; "Sea
    Peoples" is no kind of people on Usenet)."""
    modifiers = {w for noun in nouns if is_kind(kind, noun) for w in noun.split()[:-1]}
    if not modifiers or any(is_kind(kind, noun) and len(noun.split()) == 1 for noun in nouns):
        return names_subject(question, f"{kind}\n{text}")
    if any(has_word(stem(m), stems(text)) for m in modifiers):
        return True
    return any(other != kind and (_links_to(text, other) or _links_to(other_text, kind)) for other, other_text in kinds)


def _links_to(text: str, kind: str) -> bool:
    """The text links to the kind by its name ("[Bohr bug](…)")."""
    return re.search(r"\[" + re.escape(kind) + r"\]\(", text, re.I) is not None
