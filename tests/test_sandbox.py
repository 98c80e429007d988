"""The Python sandbox: normal runs, limits, and an escape suite that must fail every time.

Escape tests that depend on a layer this machine lacks are skipped with the reason; on the
developer machines and CI (root, unshare, Landlock) they all run.
"""
from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import socket
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from kresearch.tools import sandbox
from kresearch.tools.sandbox import SandboxLimits, SandboxResult, run_python, sandbox_capabilities

CAPS = sandbox_capabilities()
ROOT = os.geteuid() == 0
FAST = SandboxLimits(wall_seconds=3, cpu_seconds=3)
# Files of another uid are protected by the uid drop (root) or by Landlock (anyone).
FILES_PROTECTED = CAPS["uid_drop"] or CAPS["landlock"]
NEEDS_FILE_PROTECTION = pytest.mark.skipif(not FILES_PROTECTED, reason="no uid drop and no Landlock here")
NEEDS_LANDLOCK = pytest.mark.skipif(not CAPS["landlock"], reason="Landlock not available here")
NEEDS_NETNS = pytest.mark.skipif(not CAPS["netns"], reason="no network namespace (unshare -n) here")
NEEDS_PIDNS = pytest.mark.skipif(not CAPS["pidns"], reason="no PID namespace here: daemons can outlive a run")
NPROC_HOLDS = pytest.mark.skipif(ROOT and not CAPS["uid_drop"], reason="root without uid drop: RLIMIT_NPROC is ignored")


def run(code: str, **limits) -> SandboxResult:
    return run_python(textwrap.dedent(code), dataclasses.replace(FAST, **limits))


def output(result: SandboxResult) -> str:
    return result.stdout + result.stderr


def processes_with(token: str) -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if token.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
        except OSError:
            pass
    return found


def assert_no_processes_with(token: str) -> None:
    for _ in range(20):  # a SIGKILLed process may take a moment to disappear
        if not processes_with(token):
            return
        time.sleep(0.05)
    leftovers = processes_with(token)
    for pid in leftovers:
        os.kill(pid, signal.SIGKILL)
    assert not leftovers, "sandboxed processes outlived the run"


@pytest.fixture
def outside_dir(tmp_path: Path) -> Path:
    """A dir outside the sandbox owned by the test's uid, mode 0700, holding a 0600 secret."""
    d = tmp_path / "outside"
    d.mkdir(mode=0o700)
    secret = d / "id_rsa"
    secret.write_text("-----BEGIN SECRET KEY-----\n")
    secret.chmod(0o600)
    return d


@pytest.fixture
def listener():
    srv = socket.create_server(("127.0.0.1", 0))
    srv.settimeout(0.3)
    yield srv
    srv.close()


def assert_never_connected(srv: socket.socket) -> None:
    with pytest.raises(TimeoutError):
        srv.accept()


# --- normal use ---------------------------------------------------------------------------

def test_capabilities_are_booleans():
    assert {"netns", "pidns", "uid_drop", "bwrap"} <= CAPS.keys()
    assert all(isinstance(v, bool) for v in CAPS.values())


def test_prints_and_computes():
    result = run("print(sum(range(10)))")
    assert result.stdout == "45\n"
    assert (result.exit_code, result.timed_out, result.truncated) == (0, False, False)
    assert {"rlimits", "tmpdir", "env-scrub", "isolated-mode"} <= set(result.isolation)
    assert result.as_observation() == "45"


def test_exception_is_a_result_with_traceback():
    result = run("""
        print("before")
        def f():
            return 1 / 0
        f()
    """)
    assert result.exit_code == 1 and not result.timed_out
    assert "Traceback" in result.stderr and "ZeroDivisionError: division by zero" in result.stderr
    obs = result.as_observation()
    assert obs.startswith("before\n") and obs.index("ZeroDivisionError") < obs.index("[exit code 1]")


def test_exit_and_stdlib_work():
    result = run("import json, math, statistics, re, tempfile\nprint(json.dumps(statistics.mean([1, 2, 3])))\nexit(3)")
    assert result.stdout == "2\n" and result.exit_code == 3


def test_env_cwd_and_fds_are_clean(monkeypatch):
    secret = f"sk-{uuid.uuid4().hex}"
    monkeypatch.setenv("KRESEARCH_TEST_API_KEY", secret)
    result = run("""
        import os
        print(sorted(os.environ))
        print(os.environ["HOME"] == os.getcwd(), oct(os.stat(".").st_mode & 0o777))
        print(sorted(os.listdir("/proc/self/fd")))
        print(open("/proc/self/environ", "rb").read())
    """)
    lines = result.stdout.splitlines()
    assert lines[:3] == ["['HOME', 'LANG', 'PATH']", "True 0o700", "['0', '1', '2', '3']"]
    assert secret not in output(result)


def test_workdir_is_removed_afterwards():
    result = run("import os; open('scratch.txt', 'w').write('x'); print(os.getcwd())")
    assert result.exit_code == 0
    assert not os.path.exists(result.stdout.strip())


# --- limits -------------------------------------------------------------------------------

def test_infinite_loop_times_out():
    start = time.monotonic()
    result = run("while True:\n    pass", wall_seconds=2)
    assert result.timed_out and time.monotonic() - start < 2 + 2
    assert "killed: wall time limit 2s" in result.as_observation()


def test_cpu_limit():
    result = run("while True:\n    pass", cpu_seconds=1, wall_seconds=10)
    assert not result.timed_out and result.exit_code == -signal.SIGXCPU
    assert "CPU time limit" in result.as_observation()


def test_memory_bomb_raises_memory_error():
    result = run("x = bytearray(10**10)")
    assert result.exit_code == 1 and "MemoryError" in result.stderr


def test_huge_output_is_truncated_and_fast():
    start = time.monotonic()
    result = run("import sys\nwhile True:\n    sys.stdout.write('x' * 65536)", max_output_chars=1000)
    assert time.monotonic() - start < 3
    assert result.truncated and not result.timed_out and len(result.stdout) < 1100
    assert "truncated" in result.stdout and "of output" in result.as_observation()
    one_gb = run("print('x' * 10**9)")  # cannot even be built under RLIMIT_AS
    assert one_gb.exit_code == 1 and "MemoryError" in one_gb.stderr and len(one_gb.stdout) == 0


def test_truncation_keeps_head_and_tail():
    result = run("for i in range(1000):\n    print('line', i)\nraise SystemExit('the end')", max_output_chars=200)
    assert result.truncated
    assert result.stdout.startswith("line 0\n") and result.stdout.endswith("line 999\n")
    assert result.stderr == "the end\n"


def test_open_files_limited():
    result = run("files = [open('/dev/null') for _ in range(10_000)]")
    assert "Too many open files" in result.stderr


def test_huge_file_stopped_by_fsize():
    result = run("""
        with open("big", "wb") as f:
            for _ in range(10 * 1024):
                f.write(b"x" * 2**20)
    """)
    assert "File too large" in result.stderr


@pytest.mark.skipif(not CAPS["tmpfs"], reason="no size-capped tmpfs working dir here")
def test_many_files_stopped_by_disk_cap():
    result = run("for i in range(100):\n    open(f'f{i}', 'wb').write(b'x' * 15 * 2**20)", max_disk_mb=32)
    assert "No space left on device" in result.stderr


@NPROC_HOLDS
def test_fork_bomb_is_contained():
    token = f"kresearch-bomb-{uuid.uuid4().hex}"
    start = time.monotonic()
    result = run(f"""
        import os, sys
        bomb = "import os\\nwhile True:\\n    try:\\n        os.fork()\\n    except OSError:\\n        pass"
        os.execv(sys.executable, [sys.executable, "-c", bomb, "{token}"])
    """, wall_seconds=2)
    assert result.timed_out and time.monotonic() - start < 2 + 2
    assert_no_processes_with(token)
    start = time.monotonic()
    assert run("print('still fine')").stdout == "still fine\n" and time.monotonic() - start < 2


@NPROC_HOLDS
def test_thread_bomb_is_contained():
    result = run("""
        import threading, time
        for _ in range(1000):
            threading.Thread(target=time.sleep, args=(0.5,), daemon=True).start()
    """)
    assert "can't start new thread" in result.stderr and not result.timed_out


# --- escapes: files -----------------------------------------------------------------------

@NEEDS_FILE_PROTECTION
def test_cannot_read_secret_files(outside_dir):
    key = Path.home() / ".ssh" / "id_rsa"
    result = run(f"""
        for path in [{str(outside_dir / "id_rsa")!r}, {str(key)!r}]:
            try:
                print(open(path).read())
            except OSError as e:
                print(type(e).__name__)
    """)
    assert "BEGIN" not in output(result)
    assert result.stdout.splitlines()[0] == "PermissionError"


@pytest.fixture
def public_dir():
    """A 0755 dir straight under /tmp: only Landlock keeps the sandbox out of it."""
    d = Path(tempfile.mkdtemp(prefix="kresearch-public-"))
    d.chmod(0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


@NEEDS_LANDLOCK
def test_cannot_read_world_readable_files_outside(public_dir):
    notes = public_dir / "notes.txt"
    notes.write_text("not for the model")
    notes.chmod(0o644)
    result = run(f"print(open({str(notes)!r}).read())")
    assert "not for the model" not in output(result) and "PermissionError" in result.stderr


@NEEDS_FILE_PROTECTION
def test_cannot_write_to_protected_dirs(outside_dir):
    home_rc = Path.home() / ".bashrc"
    before = home_rc.stat().st_mtime if home_rc.exists() else None
    result = run(f"""
        for path in [{str(outside_dir / "planted")!r}, {str(home_rc)!r}]:
            try:
                open(path, "a").close()
                print("WROTE", path)
            except OSError as e:
                print(type(e).__name__)
    """)
    assert "WROTE" not in result.stdout and result.stdout.count("PermissionError") == 2
    assert not (outside_dir / "planted").exists()
    assert (home_rc.stat().st_mtime if home_rc.exists() else None) == before


@NEEDS_LANDLOCK
def test_cannot_write_anywhere_outside(public_dir):
    public_dir.chmod(0o777)
    name = f"kresearch-escape-{uuid.uuid4().hex}"
    stray = [Path(tempfile.gettempdir(), name), Path("/tmp", name), Path("/dev/shm", name)]
    try:
        result = run(f"""
            import os
            attempts = {{
                "world-writable dir": {str(public_dir / "a")!r},
                "parent of workdir": "../{name}",
                "/tmp": "/tmp/{name}",
                "/dev/shm": "/dev/shm/{name}",
            }}
            os.symlink({str(public_dir / "b")!r}, "link")
            attempts["via symlink"] = "link"
            for what, path in attempts.items():
                try:
                    open(path, "w").write("x")
                    print("WROTE", what, os.path.abspath(path))
                except OSError as e:
                    print(what, type(e).__name__)
        """)
        assert "WROTE" not in result.stdout, result.stdout
        assert result.stdout.count("PermissionError") == 5
        assert os.listdir(public_dir) == [] and not any(p.exists() for p in stray)
    finally:
        for p in stray:
            p.unlink(missing_ok=True)


# --- escapes: processes, signals, network -------------------------------------------------

@pytest.mark.skipif(not (CAPS["pidns"] or FILES_PROTECTED), reason="no PID namespace, uid drop or Landlock")
def test_cannot_read_parent_environ(monkeypatch):
    secret = f"sk-{uuid.uuid4().hex}"
    monkeypatch.setenv("KRESEARCH_TEST_API_KEY", secret)
    result = run(f"""
        import os
        for pid in [{os.getpid()}, os.getppid(), 1]:
            try:
                print(open(f"/proc/{{pid}}/environ", "rb").read())
            except OSError as e:
                print(pid, type(e).__name__)
    """)
    assert secret not in output(result)


@pytest.mark.skipif(not (CAPS["pidns"] or CAPS["uid_drop"]), reason="no PID namespace or uid drop")
def test_cannot_kill_the_caller():
    result = run(f"""
        import os
        for pid in [os.getppid(), {os.getpid()}, 1]:
            try:
                os.kill(pid, 9)
            except OSError as e:
                print(pid, type(e).__name__)
        print("done")
    """)
    os.kill(os.getpid(), 0)  # still here
    assert "done" in result.stdout


@NEEDS_PIDNS
def test_kill_everything_stays_inside():
    result = run("""
        import os, time
        try:
            os.kill(-1, 9)  # every process we may signal: none outside the namespace
        except ProcessLookupError:
            pass
        time.sleep(0.2)
        print("survived")
    """)
    assert result.stdout == "survived\n"


@NEEDS_NETNS
def test_tcp_to_host_loopback_fails(listener):
    port = listener.getsockname()[1]
    result = run(f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2)\nprint('CONNECTED')")
    assert "CONNECTED" not in result.stdout and result.exit_code != 0
    assert_never_connected(listener)


@NEEDS_NETNS
def test_dns_fails():
    result = run("import socket\nprint(socket.getaddrinfo('example.com', 443))")
    assert result.exit_code != 0 and "gaierror" in result.stderr


@NEEDS_NETNS
def test_abstract_unix_socket_unreachable():
    name = f"\0kresearch-test-{uuid.uuid4().hex}"
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(name)
    srv.listen()
    srv.settimeout(0.3)
    try:
        result = run(f"import socket\nsocket.socket(socket.AF_UNIX).connect({name!r})\nprint('CONNECTED')")
        assert "CONNECTED" not in result.stdout
        assert_never_connected(srv)
    finally:
        srv.close()


@NEEDS_NETNS
@NEEDS_FILE_PROTECTION
def test_subprocess_system_and_ctypes_stay_inside(listener, outside_dir):
    port = listener.getsockname()[1]
    secret, planted = outside_dir / "id_rsa", outside_dir / "planted"
    result = run(f"""
        import ctypes, os, shlex, subprocess, sys
        print(subprocess.run(["id"], capture_output=True, text=True).stdout)
        connect = "import socket; socket.create_connection(('127.0.0.1', {port}), timeout=2); print('CONNECTED')"
        subprocess.run([sys.executable, "-c", connect])
        os.system(f"{{sys.executable}} -c {{shlex.quote(connect)}}")
        os.system("cat {secret}; echo x > {planted}")
        ctypes.CDLL(None).system(b"cat {secret}; echo x > {planted}")
        print("done")
    """)
    assert "done" in result.stdout
    assert "CONNECTED" not in result.stdout and "BEGIN" not in output(result)
    assert not planted.exists()
    assert_never_connected(listener)


@NEEDS_PIDNS
def test_setsid_daemon_does_not_outlive_the_run(public_dir):
    token = f"kresearch-daemon-{uuid.uuid4().hex}"
    public_dir.chmod(0o777)
    marker = public_dir / "marker"
    result = run(f"""
        import os, sys
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                null = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):  # like a real daemon: do not hold the run's pipes open
                    os.dup2(null, fd)
                later = "import time; time.sleep(1.5); open({str(marker)!r}, 'w').write('alive')"
                os.execv(sys.executable, [sys.executable, "-c", later, "{token}"])
            os._exit(0)
        print("parent done")
    """)
    assert result.stdout == "parent done\n"
    assert_no_processes_with(token)
    time.sleep(2)
    assert not marker.exists()


@NEEDS_PIDNS
def test_timeout_kills_code_that_left_the_process_group():
    token = f"kresearch-spin-{uuid.uuid4().hex}"
    start = time.monotonic()
    result = run(f"""
        import os, sys
        os.setsid()
        os.execv(sys.executable, [sys.executable, "-c", "while True: pass", "{token}"])
    """, wall_seconds=2)
    assert result.timed_out and time.monotonic() - start < 2 + 2
    assert_no_processes_with(token)


# --- degraded mode ------------------------------------------------------------------------

def test_rlimits_only_fallback_still_works():
    """Without unshare or Landlock the sandbox must still run code and enforce the time limit."""
    plan = sandbox._Plan(python=sandbox._plan().python, drop=sandbox._plan().drop)
    result = sandbox._execute("print(6 * 7)", FAST, plan)
    assert result.stdout == "42\n" and "netns" not in result.isolation and "landlock" not in result.isolation
    slow = sandbox._execute("while True:\n    pass", dataclasses.replace(FAST, wall_seconds=1), plan)
    assert slow.timed_out


def test_sandbox_error_when_launcher_cannot_start(tmp_path):
    from kresearch.errors import SandboxError

    with pytest.raises(SandboxError):
        sandbox._execute("print(1)", FAST, sandbox._Plan(python=str(tmp_path / "no-such-python")))
