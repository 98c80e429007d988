"""A small on-disk JSON cache (search results, fetched pages) on top of diskcache.

diskcache pickles values and non-primitive keys, so anyone who can write the cache directory
could run code in our process (CVE-2025-69872, unfixed upstream). We therefore:

* store only JSON text under string keys, through a `Disk` subclass that never unpickles:
  a pickled row (value or key) reads as a miss;
* keep the directory private (0700) and refuse one owned by another user;
* never let a row's file name point outside the directory (reads or deletes).

SQLite (WAL) makes the cache safe for several threads and processes at once.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import stat
from pathlib import Path
from types import TracebackType
from typing import Any

import diskcache
from diskcache.core import MODE_RAW, MODE_TEXT, UNKNOWN

from .errors import UsageError

log = logging.getLogger(__name__)

_MAX_KEY_CHARS = 200  # longer keys are replaced by their sha256
_SQLITE_TIMEOUT = 30.0  # seconds to wait for another process's write lock


class _Refused:
    """Stands in for a row we will not decode (pickled or otherwise unexpected)."""

    def __repr__(self) -> str:
        return "<refused cache row>"


REFUSED = _Refused()


class SafeDisk(diskcache.Disk):
    """A `diskcache.Disk` that handles only str keys and str values and never unpickles."""

    def put(self, key: Any) -> tuple[Any, bool]:
        if type(key) is not str:
            raise TypeError("cache keys must be str")
        return key, True

    def get(self, key: Any, raw: bool) -> Any:
        # Non-raw keys are pickles written by someone else: return them opaque.
        if not raw:
            return REFUSED
        return bytes(key) if isinstance(key, (bytes, memoryview)) else key

    def store(self, value: Any, read: bool, key: Any = UNKNOWN) -> tuple[Any, ...]:
        if read or type(value) is not str:
            raise TypeError("only JSON text (str) may be stored in the cache")
        return super().store(value, read, key=key)

    def fetch(self, mode: int, filename: str | None, value: Any, read: bool) -> Any:
        if read:
            return REFUSED
        if mode == MODE_RAW:
            return value if type(value) is str else REFUSED
        if mode == MODE_TEXT and filename and self._inside(filename):
            return super().fetch(mode, filename, value, read)
        # MODE_PICKLE, MODE_BINARY, or a file name escaping the directory.
        return REFUSED

    def remove(self, file_path: str) -> None:
        if self._inside(file_path):
            super().remove(file_path)

    def _inside(self, filename: str) -> bool:
        root = os.path.realpath(self._directory)
        full = os.path.realpath(os.path.join(root, filename))
        return full.startswith(root + os.sep)


class Cache:
    """JSON values by (namespace, key), with a time-to-live. Disabled → every call is a no-op."""

    def __init__(self, directory: Path | None, default_ttl: float = 7 * 86400, enabled: bool = True) -> None:
        self._directory = Path(directory).expanduser() if directory is not None else None
        self._enabled = bool(enabled) and self._directory is not None
        self.default_ttl = default_ttl
        self._dc: diskcache.Cache | None = None
        if self._enabled:
            assert self._directory is not None
            self._dc = self._open(self._directory)

    @property
    def enabled(self) -> bool:
        return self._enabled

    @property
    def directory(self) -> Path | None:
        return self._directory

    def get_json(self, namespace: str, key: str) -> Any | None:
        """The stored value, or None on a miss, expiry, undecodable row or cache error."""
        if self._dc is None:
            return None
        try:
            text = self._dc.get(_make_key(namespace, key), default=None, retry=True)
        except (sqlite3.Error, OSError, diskcache.Timeout) as exc:
            log.warning("cache read failed in %s: %s", self._directory, exc)
            return None
        if type(text) is not str:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return None

    def set_json(self, namespace: str, key: str, value: Any, ttl: float | None = None) -> None:
        """Store `value` (must be JSON-serialisable). Write errors are logged, not raised:
        a cache that cannot be written only costs speed."""
        if self._dc is None:
            return
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        expire = self.default_ttl if ttl is None else ttl
        try:
            self._dc.set(_make_key(namespace, key), text, expire=expire, retry=True)
        except (sqlite3.Error, OSError, diskcache.Timeout) as exc:
            log.warning("cache write failed in %s: %s", self._directory, exc)

    def clear(self) -> int:
        """Remove every entry; returns how many were removed."""
        if self._dc is None:
            return 0
        try:
            return int(self._dc.clear(retry=True))
        except (sqlite3.Error, OSError, diskcache.Timeout) as exc:
            raise UsageError(f"cannot clear the cache at {self._directory}: {_one_line(exc)}") from None

    def close(self) -> None:
        if self._dc is not None:
            self._dc.close()
            self._dc = None
            self._enabled = False

    def __enter__(self) -> Cache:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @staticmethod
    def _open(directory: Path) -> diskcache.Cache:
        _secure_directory(directory)
        try:
            return diskcache.Cache(
                str(directory),
                timeout=_SQLITE_TIMEOUT,
                disk=SafeDisk,
                # Pin the settings rather than trusting the ones stored in the database.
                eviction_policy="least-recently-stored",
                size_limit=2**30,
                disk_min_file_size=2**15,
            )
        except Exception as exc:  # sqlite3.DatabaseError for a corrupted file, OSError, ...
            raise UsageError(
                f"the cache at {directory} is unusable ({_one_line(exc)}); "
                "run with --no-cache or `kresearch cache clear`"
            ) from None


def _make_key(namespace: str, key: str) -> str:
    if len(key) > _MAX_KEY_CHARS:
        key = "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()
    return f"{namespace}:{key}"


def _secure_directory(directory: Path) -> None:
    """Create `directory` with mode 0700, or tighten an existing one we own."""
    hint = "run with --no-cache or choose another cache directory"
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = directory.stat()
        if not stat.S_ISDIR(st.st_mode):
            raise UsageError(f"the cache path {directory} is not a directory; {hint}")
        if st.st_uid != os.geteuid():
            # Another user could plant rows there; we do not decode pickles, but do not trust it.
            raise UsageError(f"the cache directory {directory} belongs to another user; {hint}")
        if stat.S_IMODE(st.st_mode) & 0o077:
            os.chmod(directory, 0o700)
        if not os.access(directory, os.W_OK | os.X_OK):
            raise UsageError(f"the cache directory {directory} is not writable; {hint}")
    except OSError as exc:
        raise UsageError(f"cannot use the cache directory {directory} ({_one_line(exc)}); {hint}") from None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def remove_cache_directory(directory: Path) -> None:
    """Delete a cache directory that cannot even be opened (a corrupted database), if it is ours."""
    try:
        if directory.is_dir() and directory.stat().st_uid == os.geteuid():
            shutil.rmtree(directory)
    except OSError as exc:
        raise UsageError(f"cannot remove the cache directory {directory} ({_one_line(exc)})") from None
