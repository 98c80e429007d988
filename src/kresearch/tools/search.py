"""Web search: backends (ddgs, SearXNG, none) and a service that runs several queries in
parallel, caches them, and merges the hits.

Backends raise SearchError (one line, meant for the model and the user) when a search fails
after retries, and return [] only for a genuine "no results".
"""
from __future__ import annotations

import email.utils
import random
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from ..cache import Cache
from ..errors import SearchError, UsageError
from ..urls import normalize_url

Sleep = Callable[[float], None]


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    snippet: str

    def to_json(self) -> dict[str, str]:
        return {"title": self.title, "url": self.url, "snippet": self.snippet}

    @classmethod
    def from_json(cls, data: Any) -> SearchHit | None:
        if not isinstance(data, dict):
            return None
        fields = (data.get("title"), data.get("url"), data.get("snippet"))
        if not all(isinstance(f, str) for f in fields):
            return None
        return cls(*fields)


class SearchBackend(Protocol):
    name: str

    def search(self, query: str, max_results: int) -> list[SearchHit]: ...


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def _make_hit(title: Any, url: Any, snippet: Any) -> SearchHit | None:
    """A hit from untrusted backend fields, or None if the URL is not http(s)."""
    if not isinstance(url, str) or urlsplit(url.strip()).scheme.lower() not in ("http", "https"):
        return None
    url = url.strip()
    title = _one_line(title) if isinstance(title, str) and title.strip() else url
    snippet = _one_line(snippet) if isinstance(snippet, str) else ""
    return SearchHit(title=title, url=url, snippet=snippet)


def _backoff(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff with jitter, so parallel callers do not retry in lockstep."""
    return min(cap, base * 2**attempt) + random.uniform(0, base)


# --------------------------------------------------------------------------- ddgs


class Throttle:
    """At most one call per `interval` seconds among everyone sharing this object."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self, interval: float, sleep: Sleep = time.sleep) -> None:
        # Sleeping while holding the lock is the point: callers queue up and leave one by one.
        with self._lock:
            now = time.monotonic()
            if self._next > now:
                sleep(self._next - now)
            self._next = max(now, self._next) + interval


# DuckDuckGo and friends block bursts; one throttle for the whole process.
_DDGS_THROTTLE = Throttle()

DDGS_ENGINES = ("duckduckgo", "brave", "mojeek")
DDGS_BLOCKED = "DuckDuckGo returned no results or is rate-limiting; try again later or use --search searxng"


def _default_ddgs_factory(timeout: int) -> Any:
    try:
        from ddgs import DDGS  # lazy: importing ddgs pulls in a lot
    except ImportError as exc:
        raise SearchError(f"the ddgs package is not available ({_one_line(exc)}); use --search searxng") from None
    return DDGS(timeout=timeout)


class DdgsBackend:
    """Metasearch through the `ddgs` package.

    ddgs never reports rate limiting: a blocked engine just yields nothing, and when every
    engine yields nothing it raises DDGSException("No results found."). So an empty answer is
    retried with backoff, rotating which engine goes first, before we give up.
    """

    name = "ddgs"

    def __init__(
        self,
        timeout: float = 10,
        *,
        engines: Sequence[str] = DDGS_ENGINES,
        attempts: int = 3,
        backoff: float = 2.0,
        min_interval: float = 2.0,
        region: str = "us-en",
        safesearch: str = "moderate",
        ddgs_factory: Callable[..., Any] | None = None,
        sleep: Sleep = time.sleep,
        throttle: Throttle | None = None,
    ) -> None:
        if not engines:
            raise ValueError("engines must not be empty")
        self.timeout = timeout
        self.engines = tuple(engines)
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.min_interval = min_interval
        self.region = region
        self.safesearch = safesearch
        self._factory = ddgs_factory or _default_ddgs_factory
        self._sleep = sleep
        self._throttle = throttle or _DDGS_THROTTLE

    def engine_order(self, attempt: int) -> str:
        """The `backend=` argument for an attempt: the engine list rotated by `attempt`."""
        k = attempt % len(self.engines)
        return ",".join(self.engines[k:] + self.engines[:k])

    def search(self, query: str, max_results: int) -> list[SearchHit]:
        failure: str | None = None  # last error other than "no results"
        for attempt in range(self.attempts):
            if attempt:
                self._sleep(_backoff(attempt - 1, self.backoff, cap=10.0))
            self._throttle.wait(self.min_interval, self._sleep)
            try:
                ddgs = self._factory(timeout=max(1, int(self.timeout)))
                raw = ddgs.text(
                    query,
                    region=self.region,
                    safesearch=self.safesearch,
                    max_results=max_results,
                    backend=self.engine_order(attempt),
                )
            except SearchError:
                raise
            except Exception as exc:  # ddgs wraps little; anything here is worth a retry
                if "no results" not in str(exc).lower():
                    failure = _one_line(exc) or type(exc).__name__
                continue
            hits = [h for h in map(_ddgs_hit, raw or []) if h is not None]
            if hits:
                return hits[:max_results]
        if failure is None:
            raise SearchError(DDGS_BLOCKED)
        raise SearchError(f"DuckDuckGo search failed ({failure}); try again later or use --search searxng")


def _ddgs_hit(row: Any) -> SearchHit | None:
    return _make_hit(row.get("title"), row.get("href"), row.get("body")) if isinstance(row, dict) else None


# --------------------------------------------------------------------------- SearXNG


class SearxngBackend:
    """A SearXNG instance's JSON API: GET {base}/search?q=...&format=json[&pageno=N]."""

    name = "searxng"

    def __init__(
        self,
        base_url: str,
        client: httpx.Client | None = None,
        timeout: float = 10,
        *,
        attempts: int = 3,
        backoff: float = 0.5,
        max_retry_after: float = 5.0,
        max_pages: int = 2,
        sleep: Sleep = time.sleep,
    ) -> None:
        base = base_url.strip().rstrip("/")
        if base.endswith("/search"):
            base = base[: -len("/search")]
        self.base_url = base
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.max_pages = max(1, max_pages)
        self._sleep = sleep
        self._own_client = client is None
        self._client = client or httpx.Client(
            follow_redirects=True,  # the URL is the user's choice; http→https redirects are common
            headers={"Accept": "application/json", "User-Agent": "kresearch (+searxng json api)"},
        )

    def close(self) -> None:
        if self._own_client:
            self._client.close()

    def search(self, query: str, max_results: int) -> list[SearchHit]:
        hits: list[SearchHit] = []
        seen: set[str] = set()
        for page in range(1, self.max_pages + 1):
            try:
                data = self._get_page(query, page)
            except SearchError:
                if page == 1:
                    raise
                break  # later pages are a bonus
            results = data.get("results") if isinstance(data, dict) else None
            if not isinstance(results, list):
                raise SearchError(f"SearXNG at {self.base_url} returned JSON without a results list")
            if page == 1 and not results and data.get("unresponsive_engines"):
                # SearXNG lists them as [engine, reason] pairs.
                failed = data["unresponsive_engines"]
                engines = ", ".join(_one_line(e[0] if isinstance(e, list) and e else e) for e in failed)
                raise SearchError(f"SearXNG at {self.base_url} returned nothing; engines failed: {engines}")
            before = len(hits)
            for r in results:
                hit = _make_hit(r.get("title"), r.get("url"), r.get("content")) if isinstance(r, dict) else None
                if hit and hit.url not in seen:
                    seen.add(hit.url)
                    hits.append(hit)
            if len(hits) >= max_results or len(hits) == before:
                break
        return hits[:max_results]

    def _get_page(self, query: str, page: int) -> Any:
        params: dict[str, str | int] = {"q": query, "format": "json"}
        if page > 1:
            params["pageno"] = page
        url = f"{self.base_url}/search"
        problem = ""
        for attempt in range(self.attempts):
            delay = _backoff(attempt, self.backoff, cap=self.max_retry_after)
            try:
                resp = self._client.get(url, params=params, timeout=self.timeout)
            except httpx.ConnectError as exc:
                # Nothing listening / DNS failure: retrying will not help.
                reason = _one_line(exc) or "connection failed"
                raise SearchError(f"SearXNG at {self.base_url} is unreachable: {reason}") from None
            except httpx.TransportError as exc:  # timeouts, resets: transient
                problem = _one_line(exc) or type(exc).__name__
                if isinstance(exc, httpx.ConnectTimeout):
                    problem = f"unreachable (connect timeout {self.timeout:g} s)"
            else:
                status = resp.status_code
                if status == 200:
                    try:
                        return resp.json()
                    except ValueError:
                        raise SearchError(
                            f"SearXNG at {self.base_url} did not return JSON; is it a SearXNG instance?"
                        ) from None
                if status == 403:
                    raise SearchError(
                        f"SearXNG at {self.base_url} refused format=json (HTTP 403): the instance must enable "
                        "the json format (add 'json' to search.formats in its settings.yml)"
                    )
                if status != 429 and status < 500:
                    raise SearchError(f"SearXNG at {self.base_url} answered HTTP {status}")
                problem = f"HTTP {status}"
                retry_after = _retry_after(resp.headers.get("Retry-After"))
                if retry_after is not None:
                    delay = min(retry_after, self.max_retry_after)
            if attempt + 1 < self.attempts:
                self._sleep(delay)
        raise SearchError(f"SearXNG at {self.base_url} failed after {self.attempts} attempts: {problem}")


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


# --------------------------------------------------------------------------- none / factory


class NoSearchBackend:
    """Search disabled: every query has no results."""

    name = "none"
    cacheable = False

    def search(self, query: str, max_results: int) -> list[SearchHit]:
        return []


class WithDocs:
    """The user's documents beside the web: each query's local hits (a DocsIndex) and web hits
    (a SearchService, with its cache), interleaved, local first. With no web search, the
    documents alone. A failing web search still returns the local hits."""

    name = "docs+web"
    cacheable = False          # the index changes as the folder does; the web part has its own cache

    def __init__(self, docs: SearchBackend, web: SearchService | None):
        self.docs, self.web = docs, web

    def search(self, query: str, max_results: int) -> list[SearchHit]:
        local = self.docs.search(query, max_results)
        if self.web is None:
            return local
        batch = self.web.search_many([query], max_results)
        if query in batch.errors and not local:
            raise SearchError(batch.errors[query])
        web = batch.per_query.get(query, [])
        merged = [hit for pair in zip_longest(local, web) for hit in pair if hit is not None]
        return merged[:max_results]


def make_backend(name: str, searxng_url: str | None = None) -> SearchBackend:
    choice = name.strip().lower()
    if choice == "ddgs":
        return DdgsBackend()
    if choice == "searxng":
        if not searxng_url:
            raise UsageError("the searxng search backend needs the instance's URL (e.g. http://localhost:8888)")
        parts = urlsplit(searxng_url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(f"invalid SearXNG URL '{searxng_url}'; expected e.g. http://localhost:8888")
        return SearxngBackend(searxng_url)
    if choice == "none":
        return NoSearchBackend()
    raise UsageError(f"unknown search backend '{name}'; choose ddgs, searxng or none")


# --------------------------------------------------------------------------- service


def normalize_query(query: str) -> str:
    """The cache and de-duplication key of a query: lower-case, whitespace collapsed."""
    return " ".join(query.split()).lower()


_SITE_SUFFIX = re.compile(r"\s+[-–—|]\s+[^-–—|]+$")
_QUALIFIER = re.compile(r"\s*\([^()]*\)\s*$")


def _named(title: str) -> str:
    """What a result's title names: "C (programming language) - Wikipedia" -> "c"."""
    name = _QUALIFIER.sub("", _SITE_SUFFIX.sub("", title.strip()))
    return " ".join(name.split()).casefold()


def named_page_first(query: str, hits: list[SearchHit]) -> list[SearchHit]:
    """The results whose title is the query itself (its own pages: "unix", "Unix - Wikipedia",
    "Lit (band)" for "Lit") first, the rest in the engine's order. Engines rank pages that
    mention a name often above the page that is it: for "Unix" the offline web lists "unix
    wizard", "unix weenie" and seven more before "unix", past the five results shown."""
    wanted = " ".join(query.split()).casefold()
    own = [h for h in hits if _named(h.title) == wanted]
    return own + [h for h in hits if h not in own] if own else hits


@dataclass
class SearchBatch:
    hits: list[SearchHit]  # de-duplicated by URL, round-robin by rank across queries
    per_query: dict[str, list[SearchHit]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # query -> one-line error
    cached: int = 0  # distinct queries served from the cache


class SearchService:
    def __init__(
        self, backend: SearchBackend, cache: Cache | None = None, max_results: int = 10, max_workers: int = 4
    ) -> None:
        self.backend = backend
        self.cache = cache if getattr(backend, "cacheable", True) else None
        self.max_results = max_results
        self.max_workers = max(1, max_workers)
        self._namespace = f"search:{backend.name}"

    def search_many(self, queries: list[str], max_results: int | None = None) -> SearchBatch:
        """Each query's hits (`max_results` each, default the service's), cached per query and depth."""
        depth = max_results or self.max_results
        # Distinct normalised queries, in first-seen order, with every spelling that maps to each.
        spellings: dict[str, list[str]] = {}
        for q in queries:
            key = normalize_query(q)
            if key and q not in spellings.setdefault(key, []):
                spellings[key].append(q)

        results: dict[str, list[SearchHit]] = {}
        failures: dict[str, str] = {}
        todo: list[str] = []
        for key in spellings:
            hits = self._cached(key, depth)
            if hits is None:
                todo.append(key)
            else:
                results[key] = hits
        cached = len(results)

        if todo:
            with ThreadPoolExecutor(max_workers=min(self.max_workers, len(todo))) as pool:
                futures = {
                    pool.submit(self.backend.search, " ".join(spellings[key][0].split()), depth): key
                    for key in todo
                }
                for future in as_completed(futures):
                    key = futures[future]
                    try:
                        hits = list(future.result())[:depth]
                    except Exception as exc:  # SearchError expected; anything else must not sink the batch
                        failures[key] = _one_line(exc) or type(exc).__name__
                        continue
                    results[key] = hits
                    if self.cache is not None:
                        self.cache.set_json(self._namespace, self._cache_key(key, depth), [h.to_json() for h in hits])

        results = {key: named_page_first(spellings[key][0], hits) for key, hits in results.items()}
        batch = SearchBatch(hits=_interleave([results[k] for k in spellings if k in results]), cached=cached)
        for key, originals in spellings.items():
            for q in originals:
                if key in results:
                    batch.per_query[q] = results[key]
                else:
                    batch.errors[q] = failures[key]
        return batch

    def _cache_key(self, key: str, depth: int) -> str:
        """A deeper search than the default is cached apart: its list is longer."""
        return key if depth == self.max_results else f"{key}\x00{depth}"

    def _cached(self, key: str, depth: int) -> list[SearchHit] | None:
        if self.cache is None:
            return None
        data = self.cache.get_json(self._namespace, self._cache_key(key, depth))
        if not isinstance(data, list):
            return None
        hits = [SearchHit.from_json(item) for item in data]
        if any(h is None for h in hits):
            return None  # unexpected shape: ignore the entry
        return [h for h in hits if h is not None][:depth]


def _interleave(lists: list[list[SearchHit]]) -> list[SearchHit]:
    """First hit of each list, then the second of each, ...; skipping URLs already taken."""
    merged: list[SearchHit] = []
    seen: set[str] = set()
    for rank in range(max((len(x) for x in lists), default=0)):
        for hits in lists:
            if rank < len(hits):
                key = _url_key(hits[rank].url)
                if key not in seen:
                    seen.add(key)
                    merged.append(hits[rank])
    return merged


def _url_key(url: str) -> str:
    try:
        return normalize_url(url)
    except ValueError:  # e.g. an invalid port
        return url
