"""Which read sources cover an aspect of the outline, and the quotes the writer gets from them.

A source covers an aspect when the text the run read from it contains at least COVERS of the
aspect's content words (stems) and the page is about the question's subject (`covers`); an
aspect that is only an angle on the subject ("Where it came from") is covered by pages about
the subject, by its name when the question writes one (`covers_angle`). Candidates come in the
order the aspect's search ranked them (its query carries the question's subject, so the
specific pages come first); a page that
only shares generic words ("a collection of techniques" for "collection techniques") can
still pass when nothing better was found: the writer's support check is what keeps its
sentences honest. An aspect is covered when COVERED_BY such sources were read, from different
sites when the web had them. The quotes are the passages of those sources that best match the
aspect (and then the question): exact text, kept with their source number, so the writer never
needs a page the context set aside.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ...tools.browser import best_passage
from ..context import content_words, same_word, stem, stems
from ..evidence import as_shown
from ..names import page_name
from .outline import SHAPE_WORDS, names_subject

COVERED_BY = 2
COVERS = 0.6            # share of the aspect's words a source must contain to cover it
PARTLY = 0.5            # ... to come near it, when no source covers it (`update_partly`)
QUOTE_CHARS = 500
QUOTES_PER_ASPECT = 4    # medium length (length.py)
# words that say nothing of a topic, whatever the aspect: "Yet another scheme object system" is
# not covered by the yacc entry ("Yet Another Compiler Compiler ... system") for its first two
FUNCTION_WORDS = set("yet another also only just even still again further then thus hence however "
                     "whether while very much".split())


@dataclass
class Aspect:
    title: str                                                 # as the outline names it
    query: str = ""                                            # title anchored to the question's subject
    terms: list[str] = field(default_factory=list)             # the specific names it is filed under
    queries: list[str] = field(default_factory=list)
    sources: list[int] = field(default_factory=list)          # read sources that cover it, best first
    quotes: list[tuple[int, str]] = field(default_factory=list)
    sites: set[str] = field(default_factory=set)
    partly: bool = False                                       # its sources only come near it (`update_partly`)
    angle_of: list[str] = field(default_factory=list)          # the question's subject words, when it is an angle on it
    names: list[str] = field(default_factory=list)             # the names of the question's subject (outline.subject_names)
    relates_to: list[str] = field(default_factory=list)        # other names a part of the question relates the subject to

    @property
    def covered(self) -> bool:
        return len(self.sources) >= COVERED_BY and not self.partly

    def as_json(self) -> dict:
        return {"aspect": self.title, "terms": self.terms, "queries": self.queries, "sources": self.sources,
                "sites": sorted(self.sites), "covered": self.covered, "partly": self.partly}


def site(url: str) -> str:
    """The site of a URL: its host, and for one host serving several collections (a wiki and a
    dictionary on one server) its first path segment."""
    parts = urlsplit(url)
    first = parts.path.strip("/").split("/", 1)[0]
    return f"{parts.hostname or ''}/{first}" if first else (parts.hostname or "")


def coverage_score(aspect: str, text: str) -> float:
    """Share of the aspect's subject words (stemmed) the text contains: its content words but
    those that only give its angle ("origins", "mechanisms": a page on Lisp's beginnings need
    not say "origins"), all of them when nothing else is left; never a function word
    (`FUNCTION_WORDS`). A word counts in any form the crude stems split ("writes" -> "writ" is
    "written", "write-back")."""
    words = content_words(aspect) - FUNCTION_WORDS
    wanted = {stem(w) for w in words - SHAPE_WORDS} or {stem(w) for w in words}
    if not wanted:
        return 0.0
    have = stems(text)
    return sum(has_word(w, have) for w in wanted) / len(wanted)


def names_aspect(aspect: str, text: str) -> bool:
    """The text has one of the aspect's subject words (not its shape words), in any form."""
    have = stems(text)
    return any(has_word(stem(w), have) for w in content_words(aspect) - SHAPE_WORDS - FUNCTION_WORDS)


def has_word(word: str, have: set[str]) -> bool:
    """`word` or a form of it is in `have`: equal, one starting with the other (4+ letters), or a
    short word with its plural ("bug", "bugs")."""
    if word in have:
        return True
    for other in have:
        short, long = sorted((word, other), key=len)
        if same_word(short, long) or long in (short + "s", short + "es"):
            return True
    return False


# a word the aspect puts in quotes: "Where does the computing term 'bug' come from"
_QUOTED = re.compile(r"(?:(?<=\s)|^)['\"\u2018\u201c]([^'\"\u2019\u201d]{1,40})['\"\u2019\u201d](?=[\s,.;:?!)]|$)")


def has_quoted(aspect: str, text: str) -> bool:
    """The text has every word the aspect puts in quotes: a question that quotes a word is about
    that word ("the computing term 'bug'": the entry on cloud computing, "a loosely defined term
    for ... computing services", has the aspect's other words and is no page on it)."""
    have = stems(text)
    return all(has_word(w, have) for quoted in _QUOTED.findall(aspect) for w in stems(quoted))


def covers(aspect: Aspect, title: str, text: str) -> bool:
    """A page covers an aspect when its text has most of the aspect's words and it is about the
    question's subject too: its title names the aspect (the page "memory leak" for the aspect
    "memory leak"), or its text also has most of the aspect's query, which carries the
    question's subject ("mutual exclusion is a collection of techniques ..." has the words of
    "collection techniques" but not of "collection techniques garbage collection"). The entry on
    one of the names the aspect is filed under covers it with any one word of its query (the page
    "semaphore" for "what mechanisms prevent them": it speaks of processes and resources) -- a
    name can mean something else ("MuTeX", the music typesetter, for "mutex"). A part that
    relates the subject to other names ("how it differs from Common Lisp" for Scheme) is about
    both: besides the entry on each of those, a page covers it only when it names the subject
    too (nine Common Lisp implementations, "(KCL) An implementation of Common Lisp ... written
    in C", made the Scheme report's comparison section), the entry on a term the model filed it
    under as well ("syntax": "The meaning of the language is given by its semantics")."""
    entry_on = term_named(aspect, title)
    if entry_on is not None and (not aspect.relates_to or aspect.terms[entry_on] in aspect.relates_to):
        return coverage_score(aspect.query or aspect.title, text) > 0
    if aspect.relates_to and not has_a_name(aspect, text):
        return False
    if aspect.angle_of:
        return covers_angle(aspect, title, text)
    if coverage_score(aspect.title, text) < COVERS or not has_quoted(aspect.title, text):
        return False
    query = aspect.query or aspect.title
    return (_titled_for(aspect.title, title) or query == aspect.title or coverage_score(query, text) >= COVERS)


def _titled_for(aspect: str, title: str) -> bool:
    """The page's name names the aspect and little else: "memory leak" for "memory leak", not
    "frequency-hopping spread spectrum" for "Why it spread" (a word of a longer name)."""
    name = page_name(title)
    return coverage_score(aspect, name) >= COVERS and coverage_score(name, aspect) >= PARTLY


def covers_angle(aspect: Aspect, title: str, text: str) -> bool:
    """An aspect that is an angle on the question's subject ("Where it came from", "History")
    is covered by a page about that subject -- most of its words and, when the question writes
    it as a name, the name: "programming language" is on the page of every language, "Scheme"
    only on those about Scheme (the Osborne 1's "It came with a five-inch screen" covered "Where
    it came from" for a question on Scheme) -- that speaks to the angle in its words, or that is
    the subject's own entry, which tells its whole story ("developed initially by Guy Steele and
    Gerald Sussman in 1975" never says "came")."""
    if not has_a_name(aspect, text):
        return False
    if coverage_score(" ".join(aspect.angle_of), text) < COVERS or not has_quoted(aspect.title, text):
        return False
    return coverage_score(aspect.title, text) >= COVERS or is_subject_entry(aspect, title)


def has_a_name(aspect: Aspect, text: str) -> bool:
    """The text has one of the names of the question's subject, if it has any."""
    have = stems(text)
    return not aspect.names or any(has_word(stem(name), have) for name in aspect.names)


def is_subject_entry(aspect: Aspect, title: str) -> bool:
    """For an angle on the question's subject: the page is the subject's entry -- its name is
    made of the subject's words and has its name, when it has one ("scheme" for "the Scheme
    programming language"; not "programming language"), each as a word or a form of it: "unixware"
    starts with "unix" and is another thing's name."""
    if not aspect.angle_of:
        return False
    words = re.findall(r"[a-z0-9]+", page_name(title).lower())
    subject = {s for w in aspect.angle_of for s in stems(w)}
    # every word of the name, a letter too ("scheme->c" is a compiler), but "the", "of"
    own = [stem(w) for w in words if len(w) == 1 or w in content_words(w)]
    named = not aspect.names or any(_form_of(stem(n), set(own)) for n in aspect.names)
    return bool(own) and named and all(_form_of(w, subject) for w in own)


def _form_of(word: str, have: set[str]) -> bool:
    """`has_word`, with an ending of three letters at most: a longer one makes another word."""
    return any(has_word(word, {other}) and abs(len(word) - len(other)) <= 3 for other in have)


def update(aspect: Aspect, question: str, texts: dict[int, str], urls: dict[int, str],
           candidates: list[int], titles: dict[int, str] | None = None,
           max_quotes: int = QUOTES_PER_ASPECT) -> None:
    """Add the candidates (sources read, in the order of the aspect's search results) that cover
    it, with their best passage as the quote. Sources from a site not yet used go first."""
    titles = titles or {}
    found = [sid for sid in candidates if sid not in aspect.sources and sid in texts
             and covers(aspect, titles.get(sid, ""), texts[sid])]
    # candidates come in the search's order, which ranks by relevance to the aspect's query: kept,
    # except that a site not yet used goes first
    found.sort(key=lambda sid: site(urls[sid]) in aspect.sites)
    for sid in found:
        aspect.sources.append(sid)
        aspect.sites.add(site(urls[sid]))
    # and a page named for the aspect before all others, whenever it was read: "hacker" for
    # "What is a hacker", "insertion sort" for "Insertion sort algorithm" -- the entry on it;
    # then the best page its own search found, then the entry on each of its terms
    slots = _slots(aspect, titles)
    aspect.sources.sort(key=lambda sid: (not is_subject_entry(aspect, titles.get(sid, "")),
                                         _named_for(aspect.title, titles.get(sid, "")), slots[sid]))
    weights = _weights(aspect, question)
    quoted = dict(aspect.quotes)
    aspect.quotes = [(sid, quoted.get(sid) or quote(aspect, texts[sid], titles.get(sid, ""), weights))
                     for sid in aspect.sources[:max_quotes] if sid in texts or sid in quoted]


def quote(aspect: Aspect, text: str, title: str, weights: dict[str, float]) -> str:
    """What the writer is shown of a source for an aspect: the passage that best matches the
    aspect (`weights`), or, from the entry on the aspect or on one of its terms, its opening --
    an entry's first sentences say what its headword is ("race condition: anomalous behaviour due
    to ... the relative timing of events"), which is what the aspect is filed under it for; its
    later ones give examples that share more of the question's words ("if one process writes to a
    file while another is reading ...")."""
    entry = (term_named(aspect, title) is not None or not _named_for(aspect.title, title)[0]
             or is_subject_entry(aspect, title))
    return best_passage(prose(text), {} if entry else weights, QUOTE_CHARS)


def update_partly(aspect: Aspect, question: str, texts: dict[int, str], urls: dict[int, str],
                  candidates: list[int], titles: dict[int, str], max_quotes: int = QUOTES_PER_ASPECT) -> None:
    """For an aspect no source covers: the COVERED_BY pages read (`candidates`, in the order
    read: the question's own results first) that speak of the question's subject -- by its name,
    when the question writes one ("Users of vi tend to frustrate new users" came near "How users
    extend it" for a question on Emacs) -- and have the most of the aspect's words, half of them
    at least ("the forces involved": the page on the battle says "forces", never "involved").
    A part the question asks for is then answered from
    the pages nearest to it, and the report says it is only partly covered. An aspect that names
    only an angle ("Approaches", "What is distinctive about it") has nothing to come near: any
    page with the word would do ("the transfer rate approaches 19 MB/minute")."""
    if aspect.sources or not content_words(aspect.title) - SHAPE_WORDS:
        return
    near = [(coverage_score(aspect.title, texts[sid]), -order, sid) for order, sid in enumerate(candidates)
            if sid in texts and names_subject(question, texts[sid]) and has_a_name(aspect, texts[sid])]
    chosen = [sid for score, _, sid in sorted(near, reverse=True) if score >= PARTLY][:COVERED_BY]
    if not chosen:
        return
    aspect.sources, aspect.partly = chosen, True
    aspect.sites = {site(urls[sid]) for sid in chosen}
    weights = _weights(aspect, question)
    aspect.quotes = [(sid, quote(aspect, texts[sid], titles.get(sid, ""), weights)) for sid in chosen[:max_quotes]]


def _weights(aspect: Aspect, question: str) -> dict[str, float]:
    """Words a quote for the aspect should have: the question's, and twice over its query's and
    its terms'."""
    own = content_words(" ".join([aspect.query or aspect.title, *aspect.terms]))
    return dict.fromkeys(content_words(question), 1.0) | dict.fromkeys(own, 2.0)


def _slots(aspect: Aspect, titles: dict[int, str]) -> dict[int, int]:
    """Where each source goes among those not named for the aspect: the first page that is no
    term's entry (the search's best for the aspect itself), then the first entry of each term in
    the terms' order, then the rest as they came."""
    slots: dict[int, int] = {}
    taken: set[int | None] = set()
    for sid in aspect.sources:
        index = term_named(aspect, titles.get(sid, ""))
        slots[sid] = len(aspect.terms) + 1 if index in taken else (0 if index is None else index + 1)
        taken.add(index)
    return slots


def term_named(aspect: Aspect, title: str) -> int | None:
    """The index of the aspect's term the page is the entry on, else None."""
    return next((index for index, term in enumerate(aspect.terms) if is_entry(term, title)), None)


def is_entry(term: str, title: str) -> bool:
    """The page is the entry on `term`: its name is the term, in any form ("semaphores" for
    "semaphore"), its single letters too ("un*x" is no entry on "UN")."""
    name, words = stems(page_name(title)), stems(term)
    return (bool(name and words) and all(has_word(w, name) for w in words) and all(has_word(w, words) for w in name)
            and _letters(page_name(title)) == _letters(term))


def is_entry_filed_under(name: str, title: str, question: str) -> bool:
    """The page is the entry on the question's subject filed under `name` (outline.entry_names):
    its name is exactly that name (`is_entry`, "semaphores" for "semaphore"), and a qualifier it
    has is one the question writes ("Scheme (programming language)", not "Hacker (card game)")."""
    wanted, named = stems(name), page_name(title)
    # as many words as the name: "compiler compiler" has the stems of "compilers" and is another thing
    return (stems(named) == wanted and len(_content_list(named)) == len(_content_list(name)) and is_entry(name, title)
            and stems(page_name(title, qualifier=True)) <= wanted | stems(question))


def _content_list(text: str) -> list[str]:
    """The content words of `text` in order, repeats kept."""
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if content_words(w)]


def _letters(text: str) -> set[str]:
    """The letters and digits `text` writes alone ("x" of "un*x", "c" of "scheme->c")."""
    return set(re.findall(r"(?<![a-z0-9])[a-z0-9](?![a-z0-9])", text.lower()))


def _named_for(aspect: str, title: str) -> tuple[bool, int]:
    """Sort key: pages whose name says the aspect first, the fewest other words first, a
    disambiguation counting ("hacker" before "hacker ethic" and "Hacker (card game)" for "What
    is a hacker"); (True, 0) for every other page."""
    name = page_name(title, qualifier=True)
    if coverage_score(aspect, name) < COVERS:
        return True, 0
    return False, len(content_words(name) - content_words(aspect))


def more_quotes(aspect: Aspect, texts: dict[int, str], question: str = "",
                titles: dict[int, str] | None = None) -> list[tuple[int, str]]:
    """The quote (`quote`) of each source that covers the aspect but was not quoted for it (the
    writer's prompt holds a few quotes; code may still quote the others)."""
    quoted = {sid for sid, _ in aspect.quotes}
    weights = _weights(aspect, question)
    return [(sid, quote(aspect, texts[sid], (titles or {}).get(sid, ""), weights))
            for sid in aspect.sources if sid not in quoted and sid in texts]


def prose(text: str) -> str:
    """A page's text as a quote should show it: no Markdown headings, links as their words, no
    Markdown escapes, no encyclopedia tagline ("From Wikipedia, the free encyclopedia"), no
    dictionary subject tags ("<algorithm> A sorting algorithm that ..." is FOLDOC's entry), no
    label lines above the first sentence (a dictionary's headword and its other names, "worm",
    "public-key encryption PKE public-key cryptography": run into the entry's first sentence
    once a quote is one line, they made it start in lower case, and no quote took it)."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    text = _TAGLINE.sub("", as_shown("\n".join(lines)))
    return _LABELS.sub("", _SUBJECT_TAG.sub("", _ESCAPE.sub(r"\1", text)))


_ESCAPE = re.compile(r"\\([<>\[\]*_#`\\])")
_SUBJECT_TAG = re.compile(r"(?m)^[ \t]*(?:<[\w ,.&/-]{2,40}>[ \t]*)+")
# short lines with no sentence end, or a dictionary's headword line ("grok /grok/, vt.",
# "languages of choice n.": the word, its pronunciation, its part of speech), then a blank
# line, at the top of the text
_PART_OF_SPEECH = r"(?:n|adj|adv|vt|vi|v|interj|prep|conj|pron|pl|abbr)\."
_LABELS = re.compile(r"\A\s*(?:(?:[^\n.!?]{1,80}(?<![.!?:;,])|[^\n.!?]{1,80}[ ,]"
                     rf"{_PART_OF_SPEECH}(?:[ ,]*{_PART_OF_SPEECH})*)[ \t]*\n\s*\n\s*)+")
_TAGLINE = re.compile(r"(?im)^\s*From [^,\n]{1,60}, the free encyclopedia\s*")
