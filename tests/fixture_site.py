"""A tiny real website and search backend for agent tests.

`site()` serves a few encyclopedia-like pages on loopback, plus a SearXNG-compatible
`/search?q=...&format=json`; `FixtureSearch` is a SearchBackend
that answers queries from the same pages (word overlap), so the agent's whole tool path — search,
registry, fetch, extract, viewport — runs for real without the internet.
"""
from __future__ import annotations

import contextlib
import json
import re
from urllib.parse import parse_qs, urlsplit

from http_fixture import html, serve_server

from kresearch.tools.search import SearchHit

PAGES = {
    "/wiki/Kiss_and_Tell_(1945_film)": (
        "Kiss and Tell (1945 film)",
        "Kiss and Tell is a 1945 American comedy film starring then 17-year-old Shirley Temple as "
        "Corliss Archer. In the film, two teenage girls cause their respective parents much concern "
        "when they start to become interested in boys."),
    "/wiki/Shirley_Temple": (
        "Shirley Temple",
        "Shirley Temple Black (April 23, 1928 - February 10, 2014) was an American actress, singer, "
        "dancer, businesswoman, and diplomat who was Hollywood's number one box-office draw as a child "
        "actress from 1935 to 1938. As an adult, she was named United States ambassador to Ghana and to "
        "Czechoslovakia, and also served as Chief of Protocol of the United States."),
    "/wiki/Corliss_Archer": (
        "Corliss Archer",
        "Corliss Archer is a fictional teenage character created by F. Hugh Herbert. The character "
        "appeared in short stories, a radio series, films and a television series."),
}


def page_html(title: str, text: str) -> bytes:
    return html(f"<html><head><title>{title}</title></head><body><nav>Home | Random</nav>"
                f"<article><h1>{title}</h1><p>{text}</p></article><footer>Footer</footer></body></html>")[2]


@contextlib.contextmanager
def site(extra: dict | None = None):
    routes = {path: (200, {"Content-Type": "text/html; charset=utf-8"}, page_html(t, x))
              for path, (t, x) in PAGES.items()}
    routes["/search"] = _searxng
    routes.update(extra or {})
    with serve_server(routes) as server:
        yield server


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


class FixtureSearch:
    name = "fixture"

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.calls: list[str] = []

    def search(self, query: str, max_results: int) -> list[SearchHit]:
        self.calls.append(query)
        q = _words(query)
        ranked = sorted(PAGES.items(), key=lambda kv: -len(q & _words(kv[1][0] + " " + kv[1][1])))
        return [SearchHit(title=t, url=self.base_url + path, snippet=x[:150])
                for path, (t, x) in ranked if q & _words(t + " " + x)][:max_results]


def _searxng(handler) -> None:
    """A SearXNG-compatible JSON search endpoint over PAGES, for end-to-end runs of the CLI."""
    query = parse_qs(urlsplit(handler.path).query).get("q", [""])[0]
    base = f"http://{handler.headers['Host']}"
    hits = FixtureSearch(base).search(query, 10)
    body = json.dumps({"query": query, "results": [
        {"url": h.url, "title": h.title, "content": h.snippet} for h in hits]}).encode()
    handler.send(200, {"Content-Type": "application/json"}, body)
