"""The CLI as users and scripts see it: exit codes, one-line errors, clean stdout."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from fixture_site import site


def run(args: list[str], stdin: bytes | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kresearch", *args], input=stdin, capture_output=True,
                          timeout=timeout, env=os.environ.copy())


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    lines = proc.stderr.decode().strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("kresearch: error: ")
    assert proc.stdout == b""
    return lines[0]


@pytest.mark.parametrize("args,stdin,needle", [
    (["   "], None, "empty"),
    ([], b"  \n\t ", "empty"),
    ([], b"\x00\x01\x02binary", "binary"),
    ([], b"\xff\xfe caf\xe9", "UTF-8"),
    (["x" * 5000], None, "limit"),
    (["--format", "xml", "q"], None, "unknown format"),
    (["--search", "bing", "q"], None, "unknown search backend"),
    (["--length", "huge", "q"], None, "unknown length"),
    (["--max-steps", "-1", "q"], None, "--max-steps must be 0 (automatic) or more"),
    (["--search", "searxng", "q"], None, "--searxng-url"),
    (["-m", "/nonexistent/model.gguf", "q"], None, "model file not found"),
])
def test_bad_input_exits_2_with_one_line(args, stdin, needle):
    proc = run(args, stdin=stdin)
    assert proc.returncode == 2
    assert needle in one_error_line(proc)


def test_big_stdin_question_is_refused():
    proc = run([], stdin=b"why " * 250_000)
    assert proc.returncode == 2
    assert "limit" in one_error_line(proc)


def test_not_a_gguf_file(tmp_path):
    fake = tmp_path / "model.gguf"
    fake.write_text("not a model")
    proc = run(["-m", str(fake), "q"])
    assert proc.returncode == 2
    assert "GGUF" in one_error_line(proc)


def test_unwritable_output_path(tmp_path):
    proc = run(["-o", str(tmp_path / "missing-dir" / "out.md"), "q"])
    assert proc.returncode == 2
    assert "cannot write" in one_error_line(proc)


def test_help_documents_exit_codes():
    proc = run(["--help"])
    assert proc.returncode == 0
    out = proc.stdout.decode()
    assert "--format" in out and "Exit codes" in out and "130" in out


def test_tool_open_respects_the_network_policy():
    with site() as server:
        url = server.base_url + "/wiki/Shirley_Temple"
        refused = run(["tool", "open", url])
        allowed = run(["tool", "open", "--allow-private-urls", url])
    assert refused.returncode == 1 and "refused" in refused.stderr.decode()
    assert allowed.returncode == 0
    assert "Chief of Protocol" in allowed.stdout.decode()


def test_tool_search_and_python_and_cache_clear():
    with site() as server:
        proc = run(["tool", "search", "--search", "searxng", "--searxng-url", server.base_url, "Shirley Temple"])
    assert proc.returncode == 0, proc.stderr
    assert "[1] " in proc.stdout.decode() and "/wiki/Shirley_Temple" in proc.stdout.decode()
    proc = run(["tool", "python", "-c", "print(6 * 7)"])
    assert proc.returncode == 0 and proc.stdout.decode().strip() == "42"
    proc = run(["cache", "clear"])
    assert proc.returncode == 0 and "removed" in proc.stderr.decode()


def test_cache_clear_repairs_a_corrupted_cache(kresearch_home):
    cache_dir = kresearch_home / "cache"
    cache_dir.mkdir(mode=0o700)
    (cache_dir / "cache.db").write_bytes(b"this is not sqlite" * 100)
    broken = run(["tool", "open", "http://127.0.0.1:1/x", "--allow-private-urls"])
    assert broken.returncode == 2 and "cache clear" in one_error_line(broken)
    proc = run(["cache", "clear"])
    assert proc.returncode == 0, proc.stderr
    assert not (cache_dir / "cache.db").exists()


def test_unreachable_searxng_fails_fast_before_loading_the_model(tmp_path):
    fake = tmp_path / "model.gguf"
    fake.write_text("never loaded")
    proc = run(["--search", "searxng", "--searxng-url", "http://127.0.0.1:1", "-m", str(fake), "q"])
    assert proc.returncode == 1
    assert "SearXNG at http://127.0.0.1:1 is unreachable" in one_error_line(proc)


def test_a_slow_searxng_is_not_mistaken_for_an_unreachable_one():
    """The fail-fast probe refuses only a URL nobody answers on; an instance that accepts the
    connection but stalls (a busy server, an injected fault) does not end the run."""
    from http_fixture import serve, stall

    from kresearch.config import Settings
    from kresearch.session import Session

    with serve({"/": stall(10)}) as url:
        session = Session(Settings(search="searxng", searxng_url=url, cache=False))
        try:
            session.check_search()          # returns after the 3 s probe timeout, no error
        finally:
            session.close()
