"""Snapshots: the text of every page or document a run read, stored once by its sha256.

A report's citations can then be re-checked later, offline, against exactly the text the run
read (`kresearch check`), and a refetch can tell whether the page has changed since. Stored
content-addressed under `$KRESEARCH_HOME/snapshots/ab/abcdef….txt.gz`: the same page read by
ten runs is one file, and a file's name proves its content. Bounded: past `max_bytes` the
snapshots used least recently are removed (a check then says the snapshot is gone); `kresearch
cache clear` removes them with the cache.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import threading
from pathlib import Path

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
PRUNE_EVERY = 50          # writes between size checks (a directory walk)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class SnapshotStore:
    def __init__(self, root: Path, max_bytes: int = DEFAULT_MAX_BYTES):
        self.root = Path(root)
        self.max_bytes = max_bytes
        self._writes = 0
        self._lock = threading.Lock()     # pages are stored from the load-ahead threads too

    def path(self, sha: str) -> Path:
        return self.root / sha[:2] / f"{sha}.txt.gz"

    def put(self, text: str) -> str:
        """Store `text` (once) and return its sha256. A store that cannot be written (read-only
        home, full disk) only loses the snapshot: the run goes on."""
        sha = digest(text)
        path = self.path(sha)
        try:
            if path.exists():
                os.utime(path)                     # recently used: kept longest
                return sha
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = path.with_suffix(f".tmp{os.getpid()}.{threading.get_ident()}")
            tmp.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
            tmp.replace(path)
        except OSError:
            return sha
        with self._lock:
            self._writes += 1
            due = self._writes % PRUNE_EVERY == 0
        if due:
            self.prune()
        return sha

    def get(self, sha: str) -> str | None:
        """The stored text, or None when it is missing or does not match its name."""
        try:
            text = gzip.decompress(self.path(sha).read_bytes()).decode("utf-8")
        except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile):
            return None
        return text if digest(text) == sha else None

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.root.glob("*/*.txt.gz")) if self.root.exists() else 0

    def prune(self, max_bytes: int | None = None) -> int:
        """Remove the least recently used snapshots until the store fits; returns how many."""
        limit = self.max_bytes if max_bytes is None else max_bytes
        try:
            files = sorted(((p.stat().st_mtime, p.stat().st_size, p) for p in self.root.glob("*/*.txt.gz")),
                           key=lambda item: item[0])
        except OSError:
            return 0
        total = sum(size for _, size, _ in files)
        removed = 0
        for _, size, path in files:
            if total <= limit:
                break
            try:
                path.unlink()
            except OSError:
                continue
            total -= size
            removed += 1
        return removed

    def clear(self) -> int:
        return self.prune(0)
