"""A text browser for the model: load a page (cached), read it one viewport at a time, and
find a phrase in it."""
from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING, Any

from kresearch.errors import FetchError
from kresearch.tools.extract import Document, extract
from kresearch.tools.fetch import Fetcher
from kresearch.urls import normalize_url

if TYPE_CHECKING:
    from kresearch.cache import Cache

# the cached pages' extracted text, by version: a change to what extraction gives a page bumps it,
# so cached pages are extracted anew (2: a paragraph's source line breaks joined)
CACHE_NAMESPACE = "page:2"

_SENTENCE_END = re.compile(r"[.!?;:。！？](?:[\"')\]»”’]*)(?=\s)")
_WORD = re.compile(r"\w+")
_STOPWORDS = frozenset(
    "a an and are as at be by did do does for from had has have he her his how in is it its of on or she "
    "that the their them they this to was were what when where which who whom why will with".split())


class Browser:
    def __init__(self, fetcher: Fetcher, cache: "Cache | None" = None, viewport_chars: int = 2000,
                 ttl: float | None = None):
        if viewport_chars < 1:
            raise ValueError("viewport_chars must be positive")
        self.fetcher, self.cache, self.viewport_chars, self.ttl = fetcher, cache, viewport_chars, ttl

    # -------------------------------------------------------------- loading

    local = None      # a DocsIndex (localdocs.py) when the run has --docs folders

    def load(self, url: str) -> Document:
        """Fetch and extract `url`, or return the cached Document. Failures are not cached. A
        file:// URL is a part of a local document: read from the documents index, and only
        for files under the run's --docs folders."""
        if url.lower().startswith("file:"):
            if self.local is None:
                raise FetchError("local files can be read only from the --docs folders of a run")
            return self.local.load(url)
        key = normalize_url(url)
        if self.cache is not None:
            doc = _from_cache(self.cache.get_json(CACHE_NAMESPACE, key))
            if doc is not None:
                return doc
        doc = extract(self.fetcher.fetch(url))
        if self.cache is not None:
            value = {"url": doc.url, "title": doc.title, "text": doc.text, "content_type": doc.content_type}
            self.cache.set_json(CACHE_NAMESPACE, key, value, ttl=self.ttl)
        return doc

    # -------------------------------------------------------------- viewports

    @staticmethod
    def viewports(text: str, size: int) -> list[str]:
        """Split `text` into pages of at most `size` characters, cutting at a paragraph break,
        else a line break, else a sentence end, else between words (a single word longer than
        `size` is cut). Whitespace at the cuts is dropped; the words are kept in order.
        Never returns an empty list: empty text gives one empty page."""
        return [text[start:end] for start, end in _spans(text, size)] or [""]

    def page(self, doc: Document, page_no: int) -> tuple[str, int]:
        """The text of 1-based page `page_no` of `doc`, and the number of pages."""
        pages = self.viewports(doc.text, self.viewport_chars)
        if not 1 <= page_no <= len(pages):
            noun = "page" if len(pages) == 1 else "pages"
            raise FetchError(f"page {page_no} does not exist; the document has {len(pages)} {noun}")
        return pages[page_no - 1], len(pages)

    # -------------------------------------------------------------- find

    @staticmethod
    def find(doc_text: str, query: str, size: int, max_hits: int = 5,
             context_chars: int = 300) -> list[tuple[int, str]]:
        """Where `query` occurs: (1-based page number for viewports of `size`, snippet of about
        `context_chars` centred on the match). Case-insensitive phrase matches (any whitespace
        between the words) in document order; if there are none, the lines sharing the most
        words with the query, best first."""
        words = query.split()
        if not words or max_hits <= 0:
            return []
        starts = [start for start, _ in _spans(doc_text, size)] or [0]

        def page_of(offset: int) -> int:
            return max(1, bisect.bisect_right(starts, offset))

        phrase = re.compile(r"\s+".join(map(re.escape, words)), re.IGNORECASE)
        hits: list[tuple[int, str]] = []
        covered_until = -1
        for m in phrase.finditer(doc_text):
            if m.start() < covered_until:  # already shown in the previous snippet
                continue
            snippet, covered_until = _snippet(doc_text, m.start(), m.end(), context_chars)
            hits.append((page_of(m.start()), snippet))
            if len(hits) >= max_hits:
                return hits
        if hits:
            return hits
        return _best_lines(doc_text, query, max_hits, context_chars, page_of)


def split_sentences(text: str) -> list[str]:
    """Sentences and lines of `text` (a sentence ends at . ! ? before whitespace; a line break
    always ends one), stripped, empty ones dropped."""
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def best_passage(text: str, weights: dict[str, float], size: int) -> str:
    """The run of whole sentences of `text`, at most about `size` characters, that covers the
    most weight of distinct terms (`weights`: lower-case word -> weight), whitespace collapsed.
    A text that fits is returned whole; ties go to the earlier passage (a page's opening
    usually says what its subject is)."""
    flat = " ".join(text.split())
    if len(flat) <= size:
        return flat
    sentences = [" ".join(s.split()) for s in split_sentences(text)]
    terms = [{w.lower() for w in _WORD.findall(s)} & weights.keys() for s in sentences]
    best, best_score = (0, 1), -1.0
    for i in range(len(sentences)):
        j, length, covered = i, 0, set()
        while j < len(sentences) and (j == i or length + 1 + len(sentences[j]) <= size):
            length += len(sentences[j]) + (j > i)
            covered |= terms[j]
            j += 1
        score = sum(weights[w] for w in covered)
        if score > best_score:
            best, best_score = (i, j), score
    passage = " ".join(sentences[best[0]:best[1]])
    cut = len(passage) > size  # one sentence longer than the passage
    if cut:
        passage = passage[:size].rsplit(" ", 1)[0]
    return ("… " if best[0] > 0 else "") + passage + (" …" if cut or best[1] < len(sentences) else "")


def _from_cache(value: Any) -> Document | None:
    if not isinstance(value, dict):
        return None
    fields = ("url", "title", "text", "content_type")
    if not all(isinstance(value.get(f), str) for f in fields):
        return None
    return Document(**{f: value[f] for f in fields})


def _cut(text: str, start: int, size: int) -> int:
    """End offset of the page that starts at `start` (the page is text[start:end])."""
    limit = start + size
    if len(text) <= limit:
        return len(text)
    floor = start + size // 2  # prefer paragraph/line/sentence cuts that keep pages at least half full
    for sep in ("\n\n", "\n"):
        at = text.rfind(sep, floor, limit + len(sep))
        if at > start:
            return at
    ends = [m.end() for m in _SENTENCE_END.finditer(text, floor, limit + 1)]
    if ends and ends[-1] <= limit:
        return ends[-1]
    for at in range(limit, start, -1):  # the last whitespace, possibly right after the window
        if text[at].isspace():
            return at
    return limit  # one word longer than a page


def _spans(text: str, size: int) -> list[tuple[int, int]]:
    if size < 1:
        raise ValueError("size must be positive")
    spans = []
    pos, n = 0, len(text)
    while pos < n:
        while pos < n and text[pos].isspace():
            pos += 1
        if pos >= n:
            break
        end = _cut(text, pos, size)
        stripped = end
        while stripped > pos and text[stripped - 1].isspace():
            stripped -= 1
        spans.append((pos, stripped))
        pos = end
    return spans


def _snippet(text: str, start: int, end: int, width: int, bounds: tuple[int, int] | None = None) -> tuple[str, int]:
    """About `width` characters of text[bounds] centred on text[start:end], cut between words,
    whitespace collapsed; returns the snippet and the offset where it ends."""
    first, last = bounds or (0, len(text))
    pad = max(0, (width - (end - start)) // 2)
    lo, hi = max(first, start - pad), min(last, end + pad)
    if lo > first:
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
    if hi < last:
        space = text.rfind(" ", end, hi)
        hi = space if space != -1 else hi
    body = " ".join(text[lo:hi].split())
    return ("..." if lo > first else "") + body + ("..." if hi < last else ""), hi


def _best_lines(text: str, query: str, max_hits: int, width: int, page_of: Any) -> list[tuple[int, str]]:
    terms = {w.lower() for w in _WORD.findall(query)}
    terms = (terms - _STOPWORDS) or terms
    if not terms:
        return []
    scored = []
    offset = 0
    for line in text.split("\n"):
        found = [m for m in _WORD.finditer(line) if m.group().lower() in terms]
        score = len({m.group().lower() for m in found})
        if score:
            scored.append((-score, offset, offset + len(line), offset + found[0].start(), offset + found[0].end()))
        offset += len(line) + 1
    best = sorted(scored)[:max_hits]
    return [(page_of(s), _snippet(text, s, e, width, (lo, hi))[0]) for _, lo, hi, s, e in best]
