"""A name the question misspells, read as the pages write it.

People mistype names ("Langstoon Hughes", "Francseca Schiavone"). A search engine finds the
pages anyway from the question's other words (or corrects the spelling itself), but every check
that finds a thing the question names on a page, by its words, then misses it: a choice between
"Langstoon Hughes or Ian McEwan" is never matched to the page "Langston Hughes", and the answer
may echo the typo. The pages the question's first search read know the spelling: a word of the
question that no page writes, one typo away (two for a long word) from a name the pages write,
is that name. Only names are corrected -- words the pages write capitalised where no sentence
starts -- so a common word the pages happen not to use ("film") is never turned into another
("firm"), and a word is never replaced by a form of itself ("Skulls" is not "Skull").
"""
from __future__ import annotations

import os
import re
from collections import Counter

from .casing import NAME_SHARE, as_pages_write, capitalised_inside, sentence_words, writes_names
from .context import content_words

MIN_LETTERS = 4       # shorter words have too many neighbours one typo away
LONG = 8              # a word this long may carry two typos
MIN_USES = 2          # uses of a name, mid-sentence over the pages read, before it corrects a word
_WORD = re.compile(r"[A-Za-z]+")


def as_pages_name(question: str, texts: list[str]) -> str:
    """The question with the names the pages write, as they spell and capitalise them: what both
    policies read after the first search ("langstoon hughes" -> "Langston Hughes")."""
    return as_pages_write(as_pages_spell(question, texts), texts)


def as_pages_spell(question: str, texts: list[str]) -> str:
    """The question with each word that no page writes, and that is one typo (two for a word of
    LONG letters) from a name the pages write, spelled as that name -- the most used of the
    nearest -- in the case the user typed it ("Langstoon" -> "Langston", "italain" -> "italian")."""
    written = {w.lower() for text in texts for w in _WORD.findall(text)}
    names = _names(texts)
    # a question that writes names of its own writes the rest in lower case by the user's word
    own = capitalised_inside(question) if writes_names(question) else None
    fixed: dict[str, str] = {}
    for word in {w.lower() for w in _WORD.findall(question) if len(w) >= MIN_LETTERS}:
        if word in written or word in fixed or not content_words(word) or (own is not None and word not in own):
            continue
        if name := _nearest(word, names):
            fixed[word] = name
    if not fixed:
        return question
    return _WORD.sub(lambda m: _as_typed(m.group(), fixed[m.group().lower()]) if m.group().lower() in fixed
                     else m.group(), question)


def _names(texts: list[str]) -> dict[str, tuple[int, str]]:
    """The words the pages write capitalised where no sentence starts, mostly so (NAME_SHARE of
    MIN_USES uses or more): lower-cased, with their capitalised uses and the form most written
    ("McEwan")."""
    forms: dict[str, Counter] = {}
    for tokens in sentence_words(texts):
        for token in tokens[1:]:
            if token.isalpha():
                forms.setdefault(token.lower(), Counter())[token] += 1
    names = {}
    for word, seen in forms.items():
        capitalised = Counter({form: n for form, n in seen.items() if form[:1].isupper()})
        uses = sum(capitalised.values())
        if uses >= MIN_USES and uses >= NAME_SHARE * sum(seen.values()):
            names[word] = (uses, capitalised.most_common(1)[0][0])
    return names


def _nearest(word: str, names: dict[str, tuple[int, str]]) -> str | None:
    """The name one typo from `word` (two for a long one) -- the most used of the nearest, not a
    form of the word (a prefix: "skull" of "skulls", unless a doubled last letter is all that
    differs: "buffet" of "buffett"; another ending: "argentina" of "argentinian"), beginning
    with its letter -- as the pages write it."""
    most = 1 if len(word) < LONG else 2
    near: list[tuple[int, int, str]] = []
    for name, (uses, form) in names.items():
        if name[0] != word[0] or abs(len(name) - len(word)) > most:
            continue
        if (name.startswith(word) or word.startswith(name)) and not _doubled_end(word, name):
            continue
        distance = typos(word, name, most)
        # two edits in the last letters make another form of a name, not a slip ("Argentinian")
        ending = len(os.path.commonprefix([word, name])) >= min(len(word), len(name)) - 2
        if distance <= most and not (ending and distance > 1):
            near.append((distance, -uses, form))
    return min(near)[2] if near else None


def _doubled_end(word: str, name: str) -> bool:
    """One of the two same letters a name ends in, dropped or doubled again ("Buffet" for
    "Buffett", "Corlis" for "Corliss"): a slip, not another form of the word ("Skull" of
    "Skulls" adds a letter it does not end in)."""
    short, long = sorted((word, name), key=len)
    return len(long) == len(short) + 1 and long.startswith(short) and long[-1] == short[-1]


def typos(a: str, b: str, most: int) -> int:
    """Edits (a letter dropped, added, changed, or two swapped) from `a` to `b`; more than `most`
    is reported as most + 1."""
    before, row = None, list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (x != y))
            if before is not None and i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > most:
            return most + 1
        before, row = row, current
    return min(row[-1], most + 1)


def _as_typed(typed: str, name: str) -> str:
    """The name as the pages write it ("McEwan"), in lower case for a word typed so."""
    if typed.isupper():
        return name.upper()
    return name if typed[:1].isupper() else name.lower()
