"""The JSON disk cache: round trips, TTL, no-op mode, permissions, pickle safety, concurrency."""
from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import diskcache
import pytest

from kresearch.cache import REFUSED, Cache, SafeDisk
from kresearch.errors import UsageError


class Planted:
    """Unpickling this runs `exec(code)`; the code creates a marker file."""

    def __init__(self, marker: Path, padding: int = 0) -> None:
        self.code = f"open({str(marker)!r}, 'w').close()  # " + "x" * padding

    def __reduce__(self):  # type: ignore[override]
        return (exec, (self.code,))


def test_round_trip_and_namespaces(tmp_path: Path) -> None:
    with Cache(tmp_path / "c") as cache:
        assert cache.enabled and cache.directory == tmp_path / "c"
        assert cache.get_json("search", "q") is None
        cache.set_json("search", "q", [{"title": "é", "n": 1}])
        cache.set_json("page", "q", {"other": True})
        assert cache.get_json("search", "q") == [{"title": "é", "n": 1}]
        assert cache.get_json("page", "q") == {"other": True}
        long_key = "k" * 5000
        cache.set_json("page", long_key, "big" * 20000)  # > 32 KiB: stored as a text file
        assert cache.get_json("page", long_key) == "big" * 20000
        assert cache.get_json("page", "k" * 4999) is None


def test_values_survive_reopening(tmp_path: Path) -> None:
    with Cache(tmp_path) as cache:
        cache.set_json("ns", "k", {"a": 1})
    with Cache(tmp_path) as cache:
        assert cache.get_json("ns", "k") == {"a": 1}


def test_ttl_expiry(tmp_path: Path) -> None:
    with Cache(tmp_path, default_ttl=0.05) as cache:
        cache.set_json("ns", "short", 1)
        cache.set_json("ns", "long", 2, ttl=60)
        time.sleep(0.1)
        assert cache.get_json("ns", "short") is None
        assert cache.get_json("ns", "long") == 2


def test_clear_counts_entries(tmp_path: Path) -> None:
    with Cache(tmp_path) as cache:
        for i in range(3):
            cache.set_json("ns", str(i), i)
        assert cache.clear() == 3
        assert cache.get_json("ns", "0") is None
        assert cache.clear() == 0


@pytest.mark.parametrize("kwargs", [{"directory": None}, {"enabled": False}])
def test_disabled_cache_is_a_no_op(tmp_path: Path, kwargs: dict) -> None:
    kwargs.setdefault("directory", tmp_path / "never")
    with Cache(**kwargs) as cache:
        assert not cache.enabled
        cache.set_json("ns", "k", 1)
        assert cache.get_json("ns", "k") is None
        assert cache.clear() == 0
    assert not (tmp_path / "never").exists()


def test_directory_is_created_private(tmp_path: Path) -> None:
    directory = tmp_path / "a" / "b"
    Cache(directory).close()
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700


def test_loose_existing_directory_is_tightened(tmp_path: Path) -> None:
    directory = tmp_path / "loose"
    directory.mkdir()
    os.chmod(directory, 0o777)
    Cache(directory).close()
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700


def test_planted_pickle_value_is_never_unpickled(tmp_path: Path) -> None:
    small, large = tmp_path / "pwned-small", tmp_path / "pwned-large"
    directory = tmp_path / "c"
    Cache(directory).close()
    with diskcache.Cache(str(directory)) as plain:  # what an attacker with write access could do
        plain.set("search:small", Planted(small))
        plain.set("search:large", Planted(large, padding=40000))  # pickle stored in a file
        plain.set("search:number", 42)  # raw non-text value
    with Cache(directory) as cache:
        assert cache.get_json("search", "small") is None
        assert cache.get_json("search", "large") is None
        assert cache.get_json("search", "number") is None
        assert cache.clear() == 3
    assert not small.exists() and not large.exists()
    # The planted objects really would have run code under a plain diskcache.
    with diskcache.Cache(str(tmp_path / "control")) as plain:
        plain.set("x", Planted(small))
        plain.get("x")
    assert small.exists()


def test_pickled_keys_are_never_unpickled(tmp_path: Path) -> None:
    import pickle

    marker = tmp_path / "pwned-key"
    disk = SafeDisk(str(tmp_path))
    assert disk.get(pickle.dumps(Planted(marker)), False) is REFUSED
    assert disk.get("plain", True) == "plain"
    with pytest.raises(TypeError):
        disk.put(("tuple", "key"))
    with pytest.raises(TypeError):
        disk.store({"not": "text"}, False)
    assert not marker.exists()


def test_row_file_names_cannot_escape_the_directory(tmp_path: Path) -> None:
    victim = tmp_path / "victim.json"
    victim.write_text('"secret"')
    directory = tmp_path / "c"
    with Cache(directory) as cache:
        cache.set_json("ns", "k", "x" * 40000)  # a file-backed row
    with sqlite3.connect(directory / "cache.db") as db:
        db.execute("UPDATE Cache SET filename = ?", ("../victim.json",))
    with Cache(directory) as cache:
        assert cache.get_json("ns", "k") is None
        assert cache.clear() == 1
    assert victim.read_text() == '"secret"'


def test_corrupted_database_is_a_usage_error(tmp_path: Path) -> None:
    directory = tmp_path / "c"
    directory.mkdir(mode=0o700)
    (directory / "cache.db").write_bytes(b"this is not an sqlite database" * 100)
    with pytest.raises(UsageError) as info:
        Cache(directory)
    message = str(info.value)
    assert str(directory) in message and "--no-cache" in message and "\n" not in message


def test_path_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_text("x")
    with pytest.raises(UsageError, match="--no-cache"):
        Cache(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_directory_is_a_usage_error(tmp_path: Path) -> None:
    directory = tmp_path / "ro"
    directory.mkdir()
    os.chmod(directory, 0o500)
    try:
        with pytest.raises(UsageError, match=str(directory)):
            Cache(directory)
    finally:
        os.chmod(directory, 0o700)


def test_concurrent_threads(tmp_path: Path) -> None:
    with Cache(tmp_path) as cache:
        def work(n: int) -> None:
            for i in range(50):
                cache.set_json("t", f"{n}-{i}", [n, i])
                assert cache.get_json("t", f"{n}-{i}") == [n, i]

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(cache.get_json("t", f"{n}-{i}") == [n, i] for n in range(4) for i in range(50))


_WRITER = """
import sys
from pathlib import Path
from kresearch.cache import Cache
directory, name = Path(sys.argv[1]), sys.argv[2]
with Cache(directory) as cache:
    for i in range(100):
        cache.set_json("p", f"{name}-{i}", {"by": name, "i": i})
        cache.get_json("p", f"other-{i}")
"""


def test_concurrent_processes(tmp_path: Path) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path), name]) for name in ("a", "b")]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    with Cache(tmp_path) as cache:
        for name in ("a", "b"):
            assert all(cache.get_json("p", f"{name}-{i}") == {"by": name, "i": i} for i in range(100))
