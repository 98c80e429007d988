"""SourceRegistry: every URL the run sees gets a stable number [n].

The model cites numbers; only code turns numbers back into URLs and titles, so a report can
never contain a URL the model made up.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .urls import normalize_url


@dataclass
class Source:
    id: int
    url: str
    title: str
    snippet: str = ""
    opened: bool = False      # the run fetched and read this page
    cited: bool = False       # the final report cites it
    error: str | None = None  # why it could not be read, when it could not
    quotes: list[str] = field(default_factory=list)
    sha256: str | None = None      # of the text read, stored in the snapshot store (snapshots.py)
    fetched_at: str | None = None  # when the run got that text (UTC, ISO 8601; from the web or the cache)

    def as_json(self) -> dict:
        return asdict(self)


class SourceRegistry:
    def __init__(self) -> None:
        self._by_id: dict[int, Source] = {}
        self._by_key: dict[str, int] = {}

    def add(self, url: str, title: str = "", snippet: str = "") -> Source:
        """The source for this URL, registered now if new (same URL, same number)."""
        key = normalize_url(url)
        if key in self._by_key:
            source = self._by_id[self._by_key[key]]
            source.title = source.title or title
            source.snippet = source.snippet or snippet
            return source
        source = Source(id=len(self._by_id) + 1, url=url, title=title or url, snippet=snippet)
        self._by_id[source.id] = source
        self._by_key[key] = source.id
        return source

    def get(self, source_id: int) -> Source | None:
        return self._by_id.get(source_id)

    def find_url(self, url: str) -> Source | None:
        source_id = self._by_key.get(normalize_url(url))
        return self._by_id[source_id] if source_id else None

    def all(self) -> list[Source]:
        return list(self._by_id.values())

    def opened(self) -> list[Source]:
        return [s for s in self._by_id.values() if s.opened]

    def __len__(self) -> int:
        return len(self._by_id)
