"""Search backends and the batching service, all offline (mock transports, fakes, loopback)."""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from http_fixture import free_port

from kresearch.cache import Cache
from kresearch.errors import SearchError, UsageError
from kresearch.tools.search import (
    DDGS_BLOCKED,
    DdgsBackend,
    NoSearchBackend,
    SearchHit,
    SearchService,
    SearxngBackend,
    Throttle,
    make_backend,
    normalize_query,
)

BASE = "http://searx.test"


def searx_json(*urls: str) -> dict:
    return {"query": "q", "results": [{"url": u, "title": f"T {u}", "content": f"about {u}"} for u in urls]}


def searxng(handler, **kwargs) -> tuple[SearxngBackend, list[float]]:
    """A backend over a MockTransport; returns it with the list its sleeps are recorded in."""
    sleeps: list[float] = []
    client = httpx.Client(transport=httpx.MockTransport(handler))
    kwargs.setdefault("max_pages", 1)
    return SearxngBackend(BASE + "/", client=client, sleep=sleeps.append, **kwargs), sleeps


# --------------------------------------------------------------------------- SearXNG


def test_searxng_maps_results() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = searx_json("https://a.example/1", "https://b.example/2", "https://c.example/3")
        body["results"].insert(1, {"url": "javascript:alert(1)", "title": "bad"})
        body["results"][0]["content"] = "  multi\n line  "
        return httpx.Response(200, json=body)

    backend, sleeps = searxng(handler)
    hits = backend.search("kresearch test", max_results=2)
    assert hits == [
        SearchHit("T https://a.example/1", "https://a.example/1", "multi line"),
        SearchHit("T https://b.example/2", "https://b.example/2", "about https://b.example/2"),
    ]
    (request,) = seen
    assert request.url.path == "/search"
    assert request.url.params["q"] == "kresearch test" and request.url.params["format"] == "json"
    assert "pageno" not in request.url.params and sleeps == []


def test_searxng_fetches_a_second_page_when_short() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        page = request.url.params.get("pageno", "1")
        return httpx.Response(200, json=searx_json(f"https://x.example/{page}a", f"https://x.example/{page}b"))

    backend, _ = searxng(handler, max_pages=2)
    urls = [h.url for h in backend.search("q", max_results=3)]
    assert urls == ["https://x.example/1a", "https://x.example/1b", "https://x.example/2a"]


def test_searxng_empty_results_are_not_an_error() -> None:
    backend, _ = searxng(lambda r: httpx.Response(200, json={"results": []}))
    assert backend.search("nothing", 5) == []


def test_searxng_all_engines_failing_is_an_error() -> None:
    body = {"results": [], "unresponsive_engines": [["google", "timeout"], ["bing", "CAPTCHA"]]}
    backend, _ = searxng(lambda r: httpx.Response(200, json=body))
    with pytest.raises(SearchError, match="engines failed: google, bing"):
        backend.search("q", 5)


def test_searxng_retries_429_honouring_retry_after() -> None:
    answers = iter([httpx.Response(429, headers={"Retry-After": "1"}), httpx.Response(200, json=searx_json("https://a.example/"))])
    backend, sleeps = searxng(lambda r: next(answers))
    assert [h.url for h in backend.search("q", 5)] == ["https://a.example/"]
    assert sleeps == [1.0]


def test_searxng_retry_after_is_capped() -> None:
    answers = iter([httpx.Response(503, headers={"Retry-After": "3600"}), httpx.Response(200, json=searx_json("https://a.example/"))])
    backend, sleeps = searxng(lambda r: next(answers))
    backend.search("q", 5)
    assert sleeps == [5.0]


def test_searxng_5xx_retries_are_bounded() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(502)

    backend, sleeps = searxng(handler)
    with pytest.raises(SearchError) as info:
        backend.search("q", 5)
    assert len(calls) == 3 and len(sleeps) == 2
    assert all(0 < s <= 5 for s in sleeps)
    assert str(info.value) == f"SearXNG at {BASE} failed after 3 attempts: HTTP 502"


def test_searxng_timeouts_are_retried() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) < 3:
            raise httpx.ReadTimeout("read timed out", request=request)
        return httpx.Response(200, json=searx_json("https://a.example/"))

    backend, sleeps = searxng(handler)
    assert len(backend.search("q", 5)) == 1 and len(sleeps) == 2


def test_searxng_403_explains_json_format() -> None:
    backend, sleeps = searxng(lambda r: httpx.Response(403, text="Forbidden"))
    with pytest.raises(SearchError, match="must enable the json format"):
        backend.search("q", 5)
    assert sleeps == []


def test_searxng_html_instead_of_json() -> None:
    backend, _ = searxng(lambda r: httpx.Response(200, text="<html>hi</html>"))
    with pytest.raises(SearchError, match="did not return JSON"):
        backend.search("q", 5)


def test_searxng_unreachable_is_one_line() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    backend = SearxngBackend(url, client=httpx.Client(trust_env=False), timeout=2, sleep=lambda s: None)
    started = time.monotonic()
    with pytest.raises(SearchError) as info:
        backend.search("q", 5)
    message = str(info.value)
    assert message.startswith(f"SearXNG at {url} is unreachable: ") and "\n" not in message
    assert time.monotonic() - started < 2  # refused connections are not retried


@pytest.fixture
def searx_server() -> Iterator[tuple[str, list[str]]]:
    """A real SearXNG-shaped JSON endpoint on a loopback socket."""
    paths: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            paths.append(self.path)
            body = json.dumps(searx_json("https://real.example/a")).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", paths
    finally:
        server.shutdown()
        server.server_close()


def test_searxng_over_a_real_socket(searx_server, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    url, paths = searx_server
    backend = make_backend("searxng", url + "/search")  # a pasted /search suffix is tolerated
    assert isinstance(backend, SearxngBackend)
    try:
        assert [h.url for h in backend.search("hello world", 1)] == ["https://real.example/a"]
    finally:
        backend.close()
    assert paths == ["/search?q=hello+world&format=json"]


# --------------------------------------------------------------------------- ddgs


def ddgs_exception(message: str) -> Exception:
    from ddgs.exceptions import DDGSException

    return DDGSException(message)


class FakeDDGS:
    """Stands in for ddgs.DDGS: plays a script of exceptions / result lists, records calls."""

    def __init__(self, script: list) -> None:
        self.script = script
        self.calls: list[dict] = []
        self.timeouts: list[int] = []

    def __call__(self, timeout: int) -> FakeDDGS:  # the factory
        self.timeouts.append(timeout)
        return self

    def text(self, query: str, **kwargs: object) -> list[dict]:
        self.calls.append({"query": query, **kwargs})
        step = self.script[min(len(self.calls), len(self.script)) - 1]
        if isinstance(step, Exception):
            raise step
        return step


def ddgs_backend(fake: FakeDDGS, **kwargs) -> tuple[DdgsBackend, list[float]]:
    sleeps: list[float] = []
    kwargs.setdefault("min_interval", 0)
    return DdgsBackend(ddgs_factory=fake, sleep=sleeps.append, throttle=Throttle(), **kwargs), sleeps


def test_ddgs_rotates_engines_until_results() -> None:
    no_results = ddgs_exception("No results found.")
    results = [{"title": "A", "href": "https://a.example/", "body": "alpha"}, {"title": "B", "href": "ftp://b.example/", "body": ""}]
    fake = FakeDDGS([no_results, no_results, results])
    backend, sleeps = ddgs_backend(fake)
    assert backend.search("who", 5) == [SearchHit("A", "https://a.example/", "alpha")]
    assert [c["backend"] for c in fake.calls] == ["duckduckgo,brave,mojeek", "brave,mojeek,duckduckgo", "mojeek,duckduckgo,brave"]
    assert fake.calls[0] == {
        "query": "who", "region": "us-en", "safesearch": "moderate", "max_results": 5, "backend": "duckduckgo,brave,mojeek",
    }
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0] > 0  # exponential backoff between attempts


def test_ddgs_always_empty_gives_the_clear_message() -> None:
    fake = FakeDDGS([ddgs_exception("No results found."), []])
    backend, _ = ddgs_backend(fake)
    with pytest.raises(SearchError) as info:
        backend.search("who", 5)
    assert str(info.value) == DDGS_BLOCKED
    assert "--search searxng" in DDGS_BLOCKED and len(fake.calls) == 3


def test_ddgs_other_failures_are_reported() -> None:
    fake = FakeDDGS([ddgs_exception("timed out\nwhile reading")])
    backend, _ = ddgs_backend(fake, attempts=2)
    with pytest.raises(SearchError, match=r"^DuckDuckGo search failed \(timed out while reading\)"):
        backend.search("who", 5)


def test_throttle_spaces_calls() -> None:
    throttle, sleeps = Throttle(), []
    throttle.wait(2.0, sleeps.append)
    throttle.wait(2.0, sleeps.append)
    assert sleeps and 1.9 < sleeps[0] <= 2.0


def test_ddgs_backend_uses_the_throttle() -> None:
    fake = FakeDDGS([[{"title": "A", "href": "https://a.example/", "body": ""}]])
    backend, sleeps = ddgs_backend(fake, min_interval=2.0)
    backend.search("one", 1)
    backend.search("two", 1)
    assert len(sleeps) == 1 and 1.9 < sleeps[0] <= 2.0


# --------------------------------------------------------------------------- make_backend


def test_make_backend() -> None:
    assert isinstance(make_backend("ddgs"), DdgsBackend)
    assert isinstance(make_backend(" DDGS "), DdgsBackend)
    assert isinstance(make_backend("searxng", "http://localhost:8888"), SearxngBackend)
    none = make_backend("none")
    assert isinstance(none, NoSearchBackend) and none.name == "none" and none.search("q", 5) == []
    with pytest.raises(UsageError) as info:
        make_backend("bing")
    assert str(info.value) == "unknown search backend 'bing'; choose ddgs, searxng or none"
    with pytest.raises(UsageError, match="URL"):
        make_backend("searxng")
    with pytest.raises(UsageError, match="invalid SearXNG URL"):
        make_backend("searxng", "localhost:8888")


# --------------------------------------------------------------------------- SearchService


class FakeBackend:
    name = "fake"

    def __init__(self, table: dict[str, list[str]] | None = None, delay: float = 0.0, fail: set[str] = frozenset()) -> None:
        self.table = table or {}
        self.delay = delay
        self.fail = fail
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def search(self, query: str, max_results: int) -> list[SearchHit]:
        with self._lock:
            self.calls.append(query)
        time.sleep(self.delay)
        if query in self.fail:
            raise SearchError(f"boom for {query}")
        return [SearchHit(f"t{i}", u, "") for i, u in enumerate(self.table.get(query, [f"https://{query}.example/{i}" for i in range(3)]))]


def test_hits_are_deduplicated_and_interleaved_by_rank() -> None:
    backend = FakeBackend({
        "a": ["https://x.example/1", "https://x.example/2", "https://x.example/3"],
        "b": ["https://X.example/1/?utm_source=feed", "https://y.example/2"],
        "c": ["https://z.example/1", "https://y.example/2#frag", "https://z.example/3", "https://z.example/4"],
    })
    batch = SearchService(backend).search_many(["a", "b", "c"])
    assert [h.url for h in batch.hits] == [
        "https://x.example/1", "https://z.example/1",  # b's first hit is a duplicate of a's
        "https://x.example/2", "https://y.example/2",  # c's second hit is a duplicate of b's
        "https://x.example/3", "https://z.example/3",
        "https://z.example/4",
    ]
    assert [h.url for h in batch.per_query["b"]] == ["https://X.example/1/?utm_source=feed", "https://y.example/2"]
    assert batch.errors == {} and batch.cached == 0


def test_queries_run_in_parallel() -> None:
    backend = FakeBackend(delay=0.3)
    started = time.monotonic()
    batch = SearchService(backend, max_workers=4).search_many(["q1", "q2", "q3"])
    assert time.monotonic() - started < 0.8
    assert sorted(backend.calls) == ["q1", "q2", "q3"] and len(batch.per_query) == 3


def test_identical_queries_run_once() -> None:
    backend = FakeBackend()
    batch = SearchService(backend).search_many(["Rust  lang", "rust lang", " RUST lang ", "", "go"])
    assert sorted(backend.calls) == ["Rust lang", "go"]
    assert set(batch.per_query) == {"Rust  lang", "rust lang", " RUST lang ", "go"}
    assert batch.per_query["rust lang"] is batch.per_query["Rust  lang"]
    assert normalize_query("  A\tB  ") == "a b"


def test_second_call_is_served_from_cache(tmp_path: Path) -> None:
    backend = FakeBackend()
    with Cache(tmp_path) as cache:
        service = SearchService(backend, cache=cache, max_results=2)
        first = service.search_many(["alpha"])
        second = service.search_many(["ALPHA "])
        assert backend.calls == ["alpha"]
        assert first.cached == 0 and second.cached == 1
        assert second.per_query["ALPHA "] == first.per_query["alpha"] and len(first.hits) == 2
        assert cache.get_json("search:fake", "alpha") == [h.to_json() for h in first.hits]


def test_failures_are_reported_per_query_and_not_cached(tmp_path: Path) -> None:
    backend = FakeBackend(fail={"bad"})
    with Cache(tmp_path) as cache:
        service = SearchService(backend, cache=cache)
        batch = service.search_many(["good", "bad"])
        assert batch.errors == {"bad": "boom for bad"}
        assert list(batch.per_query) == ["good"] and len(batch.hits) == 3
        batch = service.search_many(["good", "bad"])
        assert backend.calls.count("bad") == 2 and backend.calls.count("good") == 1 and batch.cached == 1


def test_disabled_search_is_not_cached(tmp_path: Path) -> None:
    with Cache(tmp_path) as cache:
        batch = SearchService(NoSearchBackend(), cache=cache).search_many(["q"])
        assert batch.hits == [] and batch.per_query == {"q": []} and batch.cached == 0
        assert cache.get_json("search:none", "q") is None


def test_a_deeper_search_asks_the_engine_for_more_and_is_cached_apart(tmp_path):
    from kresearch.cache import Cache

    class Counting:
        name = "counting"

        def __init__(self):
            self.asked: list[int] = []

        def search(self, query, max_results):
            self.asked.append(max_results)
            return [SearchHit(title=f"t{i}", url=f"http://e.example/{i}", snippet="") for i in range(max_results)]

    backend = Counting()
    service = SearchService(backend, Cache(tmp_path / "c"), max_results=8)
    assert len(service.search_many(["q"]).per_query["q"]) == 8
    assert len(service.search_many(["q"], 20).per_query["q"]) == 20      # not the 8 cached
    assert len(service.search_many(["q"], 20).per_query["q"]) == 20 and backend.asked == [8, 20]


def test_the_page_a_name_searched_is_titled_with_comes_first(tmp_path) -> None:
    # the offline web lists "unix wizard", "unix weenie" and seven more before "unix" itself
    class Titled:
        name = "titled"

        def search(self, query: str, max_results: int) -> list[SearchHit]:
            titles = ["unix wizard", "unix weenie", "Unix to Unix Copy", "unix", "Unix (film) - Wikipedia",
                      "Unix - Wikipedia", "Unix System V"]
            return [SearchHit(t, f"https://e.example/{i}", "") for i, t in enumerate(titles)][:max_results]

    service = SearchService(Titled(), Cache(tmp_path / "c"))
    for _ in range(2):                                   # fresh, then from the cache
        batch = service.search_many(["Unix", "unix wizard history"])
        assert [h.title for h in batch.per_query["Unix"]][:4] == ["unix", "Unix (film) - Wikipedia",
                                                                  "Unix - Wikipedia", "unix wizard"]
        # a query that is no result's title keeps the engine's order
        assert [h.title for h in batch.per_query["unix wizard history"]][:2] == ["unix wizard", "unix weenie"]
    assert service.max_results == 10                     # one page of a SearXNG engine
