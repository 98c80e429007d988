"""Pages matched to an aspect by meaning, where its words match none: one model call.

Coverage is decided by words (coverage.covers): a page covers an aspect when it has most of the
aspect's words. A question's part is often worded as a reader would put it ("how machines with
several processors keep their caches in agreement") and the entry that answers it as the field
puts it ("cache coherency: the synchronisation of data in multiple caches ..."): they share two
words of six, while the StrongARM page ("... developed under the agreement") shares three. So
for an aspect fewer than two read pages cover, the model is shown the pages read on the
question's subject that share a word with it -- each page's name and its opening words, the
nearest by words first -- and picks those that explain the aspect (at most MAX_PICKS), or "0.
none of these", under a grammar that admits only the numbers shown. An aspect named after a page
read (a subject the question's search found) has its page already.

A page picked becomes a term of the aspect (the page is that term's entry), so coverage takes it
as it takes any term's entry and the writer is quoted its opening, first; every sentence written
from it is still checked against what it cites. The pick is a judgement, not a check (on the
development reports the 1.5B model picked a fitting page for about half of such aspects, and
never answered "none"): the aspect stays partly covered, and the report says its pages were
judged to explain it.
"""
from __future__ import annotations

import json

from ...prompts import render
from ..context import content_words
from ..names import page_name
from .coverage import COVERED_BY, Aspect, coverage_score, named_for, prose
from .outline import SHAPE_WORDS, names_subject

MAX_CANDIDATES = 24     # pages listed: ~20 tokens each
MAX_PICKS = 2           # a small model fills every slot it is given
GIST_WORDS = 14         # of a page's opening, after its name
TOKENS = 24


def wanted(aspect: Aspect, titles: dict[int, str]) -> bool:
    """An aspect to match by meaning: fewer than COVERED_BY pages cover it by its words, none of
    them named for it ("Glen Matlock" has his page), and it names more than an angle
    ("Approaches" would match any page)."""
    return (len(aspect.sources) < COVERED_BY and bool(content_words(aspect.title) - SHAPE_WORDS)
            and not any(named_for(aspect.title, titles.get(sid, "")) for sid in aspect.sources))


def candidates(aspect: Aspect, question: str, texts: dict[int, str], titles: dict[int, str]) -> list[int]:
    """The pages read on the question's subject that do not cover the aspect yet and share a
    word of it ("Lengths": the page says "length" somewhere), those with most of its words
    first (then in the order read), at most MAX_CANDIDATES; one per name."""
    query = aspect.query or aspect.title
    ranked = sorted(((-coverage_score(query, text), order, sid) for order, (sid, text) in enumerate(texts.items())
                     if sid not in aspect.sources and coverage_score(aspect.title, text) > 0
                     and names_subject(question, text)))
    out, names = [], set()
    for _, _, sid in ranked:
        name = page_name(titles.get(sid, "")).lower() or str(sid)
        if name not in names:
            names.add(name)
            out.append(sid)
    return out[:MAX_CANDIDATES]


def listing(pages: list[int], texts: dict[int, str], titles: dict[int, str]) -> str:
    """The pages as the model sees them: "3. cache coherency: (Or "cache consistency") The
    synchronisation of data in multiple caches ..." -- the name, and the opening words; after
    them, the answer for none."""
    lines = []
    for number, sid in enumerate(pages, 1):
        words = prose(texts[sid]).split()
        gist = " ".join(words[:GIST_WORDS]) + (" ..." if len(words) > GIST_WORDS else "")
        lines.append(f"{number}. {page_name(titles.get(sid, ''))}: {gist}")
    return "\n".join([*lines, NONE])


NONE = "0. none of these pages"


def messages(system: str, question: str, aspect: Aspect, pages: list[int], texts: dict[int, str],
             titles: dict[int, str]) -> list[dict]:
    prompt = render("match", question=question, aspect=aspect.title, pages=listing(pages, texts, titles),
                    high=MAX_PICKS)
    return [{"role": "system", "content": system}, {"role": "user", "content": prompt}]


def schema(count: int) -> dict:
    """The numbers of the pages listed (0 for none), at most MAX_PICKS of them."""
    return {"type": "object", "properties": {"pages": {
        "type": "array", "minItems": 1, "maxItems": MAX_PICKS,
        "items": {"type": "integer", "enum": list(range(0, count + 1))}}},
        "required": ["pages"]}


def parse(text: str, pages: list[int]) -> list[int]:
    """The source numbers of the pages picked, each once, in the model's order, up to a 0 (none
    of these); none for output that does not parse (cut off by a limit)."""
    try:
        picked = json.loads(text).get("pages", [])
    except (ValueError, AttributeError):
        return []
    out: list[int] = []
    for number in picked if isinstance(picked, list) else []:
        if number == 0:
            break
        if isinstance(number, int) and 1 <= number <= len(pages) and pages[number - 1] not in out:
            out.append(pages[number - 1])
    return out[:MAX_PICKS]
