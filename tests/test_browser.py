"""The model's text browser: loading with a cache, viewports, find."""
from __future__ import annotations

from typing import Any

import pytest
from http_fixture import html, serve_server
from hypothesis import given, settings
from hypothesis import strategies as st

from kresearch.errors import FetchError
from kresearch.tools.browser import CACHE_NAMESPACE, Browser, best_passage
from kresearch.tools.extract import Document
from kresearch.tools.fetch import Fetcher, FetchPolicy


class DictCache:
    """Stands in for kresearch.cache.Cache (same two methods)."""

    def __init__(self) -> None:
        self.data: dict[tuple[str, str], Any] = {}
        self.ttls: list[float | None] = []

    def get_json(self, namespace: str, key: str) -> Any | None:
        return self.data.get((namespace, key))

    def set_json(self, namespace: str, key: str, value: Any, ttl: float | None = None) -> None:
        self.data[(namespace, key)] = value
        self.ttls.append(ttl)


ARTICLE = html("<html><head><title>Volcanoes</title></head><body><article>"
               + "".join(f"<p>Paragraph {i} says that the volcano erupted in year {1800 + i}.</p>" for i in range(40))
               + "</article></body></html>")


def local_fetcher() -> Fetcher:
    return Fetcher(FetchPolicy(allow_private=True, retries=0))


# ------------------------------------------------------------------ load

def test_load_uses_the_cache() -> None:
    cache = DictCache()
    with serve_server({"/v": ARTICLE}) as srv, local_fetcher() as f:
        browser = Browser(f, cache=cache, ttl=60)
        first = browser.load(srv.base_url + "/v")
        second = browser.load(srv.base_url + "/v?utm_source=x")  # same page after normalisation
        assert srv.hits == {"/v": 1}
    assert first == second and isinstance(second, Document)
    assert first.title == "Volcanoes" and "year 1839" in first.text
    ((namespace, _key), value), = cache.data.items()
    assert namespace == CACHE_NAMESPACE and value["title"] == "Volcanoes" and cache.ttls == [60]


def test_load_without_cache_and_errors_not_cached() -> None:
    cache = DictCache()
    with serve_server({"/v": ARTICLE}) as srv, local_fetcher() as f:
        assert Browser(f).load(srv.base_url + "/v").title == "Volcanoes"
        with pytest.raises(FetchError, match="404"):
            Browser(f, cache=cache).load(srv.base_url + "/missing")
    assert cache.data == {}


def test_corrupt_cache_entry_is_refetched() -> None:
    cache = DictCache()
    with serve_server({"/v": ARTICLE}) as srv, local_fetcher() as f:
        browser = Browser(f, cache=cache)
        browser.load(srv.base_url + "/v")
        key = next(iter(cache.data))
        cache.data[key] = {"url": 3}
        assert browser.load(srv.base_url + "/v").title == "Volcanoes"
        assert srv.hits == {"/v": 2}


# ------------------------------------------------------------------ viewports

def test_viewports_basics() -> None:
    assert Browser.viewports("", 10) == [""]
    assert Browser.viewports(" \n\n ", 10) == [""]
    assert Browser.viewports("short text", 100) == ["short text"]
    paras = "First paragraph here.\n\nSecond paragraph, a bit longer.\n\nThird."
    assert Browser.viewports(paras, 40) == ["First paragraph here.", "Second paragraph, a bit longer.\n\nThird."]


def test_viewports_prefer_lines_then_sentences_then_words() -> None:
    lines = "alpha beta gamma delta\nepsilon zeta eta theta"
    assert Browser.viewports(lines, 30) == ["alpha beta gamma delta", "epsilon zeta eta theta"]
    sentences = "One two three four. Five six seven eight."
    assert Browser.viewports(sentences, 25) == ["One two three four.", "Five six seven eight."]
    words = "aaaa bbbb cccc dddd eeee"
    assert Browser.viewports(words, 12) == ["aaaa bbbb", "cccc dddd", "eeee"]
    assert Browser.viewports("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


_WORDS = st.text(alphabet="abcdefghij.,!?", min_size=1, max_size=10)  # + ". " stays under size
_SEPS = st.sampled_from([" ", " ", " ", "\n", "\n\n", "  ", "\t", ". ", "\n\n\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_WORDS, _SEPS), max_size=200).map(lambda ps: "".join(w + s for w, s in ps)),
       st.integers(min_value=12, max_value=300))
def test_viewports_property(text: str, size: int) -> None:
    pages = Browser.viewports(text, size)
    assert pages and all(len(p) <= size for p in pages)
    assert " ".join(pages).split() == text.split()  # no word lost, split or reordered
    assert all(p.strip() for p in pages) or pages == [""]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400), st.integers(min_value=1, max_value=50))
def test_viewports_any_text(text: str, size: int) -> None:
    pages = Browser.viewports(text, size)
    assert pages and all(len(p) <= size for p in pages)
    assert "".join("".join(p.split()) for p in pages) == "".join(text.split())


def test_page() -> None:
    doc = Document(url="u", title="t", text="\n\n".join(f"Paragraph {i} " + "word " * 30 for i in range(10)),
                   content_type="text/html")
    browser = Browser(local_fetcher(), viewport_chars=400)
    first, total = browser.page(doc, 1)
    assert first.startswith("Paragraph 0") and total == len(Browser.viewports(doc.text, 400)) > 2
    assert browser.page(doc, total)[0].endswith("word")
    with pytest.raises(FetchError, match=f"^page {total + 1} does not exist; the document has {total} pages$"):
        browser.page(doc, total + 1)
    with pytest.raises(FetchError, match="page 0 does not exist"):
        browser.page(doc, 0)
    single = Document(url="u", title="t", text="tiny", content_type="text/plain")
    with pytest.raises(FetchError, match="the document has 1 page$"):
        browser.page(single, 2)


# ------------------------------------------------------------------ find

TEXT = "\n\n".join(
    f"Section {i}. " + ("Filler sentence about nothing. " * 8) + ("The Eiffel Tower was completed in 1889." if i == 7 else "")
    for i in range(12))


def test_find_returns_the_page_of_the_phrase() -> None:
    size = 500
    hits = Browser.find(TEXT, "eiffel   TOWER", size)
    assert len(hits) == 1
    page_no, snippet = hits[0]
    assert "Eiffel Tower was completed" in Browser.viewports(TEXT, size)[page_no - 1]
    assert "The Eiffel Tower was completed in 1889." in snippet and len(snippet) <= 320


def test_find_phrase_across_line_break_and_max_hits() -> None:
    text = "alpha beta\ngamma. " * 50
    hits = Browser.find(text, "beta gamma", 100, max_hits=3, context_chars=40)
    assert len(hits) == 3 and all("beta gamma" in s for _, s in hits)
    assert [p for p, _ in hits] == sorted(p for p, _ in hits)


def test_find_snippet_is_centred() -> None:
    text = " ".join(f"w{i}" for i in range(500)) + " NEEDLE " + " ".join(f"v{i}" for i in range(500))
    (_, snippet), = Browser.find(text, "needle", 2000, context_chars=100)
    before, after = snippet.split("NEEDLE")
    assert abs(len(before) - len(after)) < 15 and snippet.startswith("...") and snippet.endswith("...")


def test_find_falls_back_to_best_lines() -> None:
    text = "\n".join(["the cat sat on the mat", "completion year of the tower was 1889",
                      "a tower of cards", "nothing relevant here"])
    hits = Browser.find(text, "In which year was the tower completed?", 1000)
    assert hits[0][1].startswith("completion year of the tower")
    assert any("tower of cards" in s for _, s in hits)
    assert Browser.find(text, "zebra unicorn", 1000) == []
    assert Browser.find(text, "   ", 1000) == []


def test_find_page_numbers_match_viewports() -> None:
    text = "\n\n".join(f"Block {i} " + "lorem ipsum " * 20 + f"marker{i}" for i in range(30))
    for i in (0, 13, 29):
        (page_no, _), = Browser.find(text, f"marker{i}", 300)
        assert f"marker{i}" in Browser.viewports(text, 300)[page_no - 1]


def test_load_with_the_real_disk_cache(tmp_path) -> None:
    cache_module = pytest.importorskip("kresearch.cache")
    cache = cache_module.Cache(tmp_path / "cache")
    with serve_server({"/v": ARTICLE}) as srv, local_fetcher() as f:
        first = Browser(f, cache=cache).load(srv.base_url + "/v")
        again = Browser(f, cache=cache).load(srv.base_url + "/v")
        assert srv.hits == {"/v": 1}
    assert again == first
    cache.close()


def test_best_passage_takes_the_sentences_that_cover_the_terms() -> None:
    text = ("Alpha is a town in the north. It has a river.\n\nThe airport is five miles from Alpha. "
            "Nothing else here matters at all. Beta is far away from everything.")
    passage = best_passage(text, {"airport": 2.0, "miles": 1.0, "alpha": 1.0}, 60)
    assert "The airport is five miles from Alpha." in passage and len(passage) <= 60 + 4
    assert passage.startswith("… ") and passage.endswith(" …")          # cut on both sides
    # a text that fits comes back whole, whitespace collapsed
    assert best_passage("Short\n\n text.", {}, 100) == "Short text."
    # no term anywhere: the opening of the page (it usually says what the subject is)
    assert best_passage(text, {"zebra": 1.0}, 50).startswith("Alpha is a town")
    # one sentence longer than the passage is cut between words
    long = "word " * 40 + ". Next."
    assert best_passage(long, {"word": 1.0}, 30) == "word word word word word word …"
