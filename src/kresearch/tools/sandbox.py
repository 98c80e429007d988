"""Run model-written Python in a throwaway sandbox (Linux, no Docker, no root needed).

Layers, each used only if the first run's probe shows that it works on this machine:
  * a fresh 0700 temp dir as cwd and HOME, an environment of PATH, HOME and LANG only, and
    `python -I` (site stays on: the stdlib's exit()/quit() come from it);
  * rlimits (address space, CPU, file size, open files, processes, no core dumps) and
    no_new_privs, set by a small launcher (`_LAUNCHER`) that then forks and execs the code;
  * `unshare`: a network namespace (no network at all) and a PID namespace, so every process
    the code starts, daemons included, dies with the run; as root its private mount namespace
    also gets a size-capped tmpfs as the working dir;
  * Landlock: read only system dirs and the interpreter, write only the working dir, no TCP,
    no signals or abstract unix sockets beyond the sandbox;
  * as root, a drop to uid/gid 65534 (RLIMIT_NPROC does not hold for root).
bwrap is only reported: namespaces plus Landlock already give what we would use it for.
An error in the code is a result (traceback in stderr); SandboxError means the sandbox itself
could not run.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

from kresearch.errors import SandboxError

NOBODY = 65534
_FLOOD_BYTES = 8 << 20  # past this much output on one stream the run is killed

# Runs as `python -I -S -c _LAUNCHER <json>`, inside the namespaces if any. It reports on a
# status pipe, a line each: "R" (set up), "E<why>" (the sandbox failed: never mistaken for an
# error in the code), "S<wait status of the code>". It stays as the code's parent: PID 1 of
# the PID namespace, which the code cannot kill, and which takes everything down when it exits.
_LAUNCHER = r"""
import ctypes, json, os, resource, signal, struct, sys
c = json.loads(sys.argv[1])
st, uid = c["status_fd"], c["drop"]
try:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    libc = ctypes.CDLL(None, use_errno=True)
    def ok(ret, what):
        if ret < 0:
            raise OSError(ctypes.get_errno(), f"{what}: {os.strerror(ctypes.get_errno())}")
        return ret
    for name, soft, hard in c["rlimits"]:
        resource.setrlimit(getattr(resource, name), (soft, hard))
    if c["tmpfs_mb"]:  # MS_NOSUID | MS_NODEV
        code = open("main.py", "rb").read()
        opts = f"size={c['tmpfs_mb']}m,mode=0700" + (f",uid={uid},gid={uid}" if uid is not None else "")
        ok(libc.mount(b"tmpfs", c["workdir"].encode(), b"tmpfs", ctypes.c_ulong(6), opts.encode()), "mount tmpfs")
        os.chdir(c["workdir"])
        with open("main.py", "wb") as f:
            f.write(code)
    ok(libc.prctl(38, 1, 0, 0, 0), "PR_SET_NO_NEW_PRIVS")
    if ll := c["landlock"]:  # syscalls 444-446: create_ruleset, add_rule, restrict_self
        attr = struct.pack("QQQ", ll["fs"], ll["net"], ll["scoped"])[:ll["attr_size"]]
        rs = ok(libc.syscall(444, attr, len(attr), 0), "landlock_create_ruleset")
        for path, access in ll["rules"]:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            ok(libc.syscall(445, rs, 1, struct.pack("=Qi", access, fd), 0), f"landlock_add_rule {path}")
            os.close(fd)
        ok(libc.syscall(446, rs, 0), "landlock_restrict_self")
    if uid is not None:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    ok(libc.prctl(1, 9, 0, 0, 0), "PR_SET_PDEATHSIG")  # the uid change cleared unshare's --kill-child
    os.set_inheritable(st, False)
    os.write(st, b"R\n")
    child = os.fork()
    if child == 0:
        try:
            os.execve(c["python"], [c["python"], "-I", "main.py"], c["env"])
        except BaseException as e:
            os.write(st, f"Eexec {c['python']}: {e}\n".encode())
            os._exit(127)
except BaseException as e:
    os.write(st, f"E{type(e).__name__}: {e}\n".encode())
    os._exit(125)
while True:  # also reaps orphans, which would count against RLIMIT_NPROC
    pid, status = os.waitpid(-1, 0)
    if pid == child:
        os.write(st, f"S{status}\n".encode())
        os._exit(0)
"""

_PROBE = "import json, os; print(json.dumps([os.getuid()] + [os.readlink(f'/proc/self/ns/{n}') for n in ('pid', 'net')]))"
_SYSTEM_RO = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc", "/proc", "/sys/devices/system/cpu")


@dataclass(frozen=True)
class SandboxLimits:
    wall_seconds: float = 10.0
    cpu_seconds: int = 10
    memory_mb: int = 512          # RLIMIT_AS
    max_output_chars: int = 8000  # stdout and stderr each, truncated with a marker
    max_file_mb: int = 16         # RLIMIT_FSIZE
    max_open_files: int = 64
    max_processes: int = 16       # RLIMIT_NPROC (only holds for an unprivileged uid)
    max_disk_mb: int = 64         # size of the tmpfs working dir, when there is one


@dataclass
class SandboxResult:
    stdout: str
    stderr: str
    exit_code: int | None     # negative: killed by that signal
    timed_out: bool
    truncated: bool
    isolation: list[str]      # layers actually applied
    notes: list[str] = field(default_factory=list)  # e.g. "killed: wall time limit 10s"

    def as_observation(self, stderr_lines: int = 15) -> str:
        parts = [self.stdout.rstrip()] if self.stdout.strip() else []
        if self.stderr.strip():
            tail = "\n".join(self.stderr.rstrip().splitlines()[-stderr_lines:])[-2000:]
            parts.append("stderr (last lines):\n" + tail)
        parts += [f"[{note}]" for note in self.notes]
        return "\n".join(parts) or "(no output)"


@dataclass(frozen=True)
class _Plan:
    python: str
    wrapper: tuple[str, ...] = ()  # unshare and its flags
    drop: bool = False
    landlock_abi: int = 0
    tmpfs: bool = False
    caps: tuple[tuple[str, bool], ...] = ()


def sandbox_capabilities() -> dict[str, bool]:
    """What works here (probed once): netns, pidns, uid_drop, landlock, tmpfs, bwrap."""
    try:
        return dict(_plan().caps)
    except SandboxError:
        return dict.fromkeys(("netns", "pidns", "uid_drop", "landlock", "tmpfs"), False) | {
            "bwrap": shutil.which("bwrap") is not None}


def run_python(code: str, limits: SandboxLimits = SandboxLimits()) -> SandboxResult:
    return _execute(code, limits, _plan())


def _landlock_abi() -> int:
    try:
        import ctypes
        return max(0, ctypes.CDLL(None).syscall(444, None, 0, 1))  # LANDLOCK_CREATE_RULESET_VERSION
    except (OSError, AttributeError):
        return 0


@functools.cache
def _plan() -> _Plan:
    """The strongest combination that runs code here, found by trying (about 0.15 s)."""
    root, abi = os.geteuid() == 0, _landlock_abi()
    # As root the code runs as nobody, who cannot use an interpreter under /root (pyenv).
    candidates = (sys.executable, "/usr/bin/python3", "/usr/local/bin/python3")
    pythons = dict.fromkeys(p for p in candidates if os.access(p, os.X_OK))
    plain = (_Plan(py, (), drop, ll) for drop in dict.fromkeys((root, False))
             for ll in dict.fromkeys((abi, 0)) for py in pythons)
    plan = next((p for p in plain if _probe(p)), None)
    if plan is None:
        raise SandboxError("the Python sandbox cannot start an interpreter on this machine")
    if unshare := shutil.which("unshare", path="/usr/bin:/bin:/usr/sbin:/sbin"):
        # No user namespace as root: uid 65534 must stay a real, unprivileged uid.
        ns = (unshare,) if root else (unshare, "--map-current-user")
        full = (*ns, "--net", "--pid", "--fork", "--mount-proc", "--kill-child")
        for wrapper, tmpfs in ((full, True), (full, False), ((*ns, "--net"), False)):
            if _probe(candidate := dataclasses.replace(plan, wrapper=wrapper, tmpfs=tmpfs)):
                plan = candidate
                break
    uid, pid_ns, net_ns = _probe(plan) or (None, None, None)
    caps = {"netns": net_ns not in (None, os.readlink("/proc/self/ns/net")),
            "pidns": pid_ns not in (None, os.readlink("/proc/self/ns/pid")),
            "uid_drop": root and uid == NOBODY, "landlock": bool(plan.landlock_abi), "tmpfs": plan.tmpfs,
            "bwrap": shutil.which("bwrap") is not None}
    return dataclasses.replace(plan, caps=tuple(caps.items()))


def _probe(plan: _Plan) -> list | None:
    try:
        result = _execute(_PROBE, SandboxLimits(wall_seconds=10), plan)
        return json.loads(result.stdout) if result.exit_code == 0 else None
    except (SandboxError, ValueError):
        return None


def _landlock_rules(abi: int, python: str, workdir: str) -> dict:
    fs = (1 << {1: 13, 2: 14, 3: 15, 4: 15}.get(abi, 16)) - 1  # every fs right this ABI knows
    ro = 1 | 4 | 8                                             # EXECUTE | READ_FILE | READ_DIR
    dev = (2 | 4 | 8 | 1 << 14 | 1 << 15) & fs                 # + WRITE_FILE, TRUNCATE, IOCTL_DEV
    dirs = [*_SYSTEM_RO, os.path.dirname(os.path.dirname(os.path.realpath(python)))]
    if python == sys.executable:
        dirs += [sys.prefix, sys.base_prefix, sys.exec_prefix]
    dirs = [d for d in dict.fromkeys(map(os.path.realpath, dirs)) if os.path.isdir(d)]
    return {"fs": fs, "net": 3 if abi >= 4 else 0, "scoped": 3 if abi >= 6 else 0,  # all of TCP, all scopes
            "attr_size": 8 if abi < 4 else 16 if abi < 6 else 24,
            "rules": [[d, ro] for d in dirs] + [["/dev", dev], [workdir, fs]]}


def _tasks_of(uid: int) -> int:
    """Threads whose real uid is `uid`: what RLIMIT_NPROC counts."""
    count = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
            if int(fields["Uid"].split()[0]) == uid:
                count += int(fields["Threads"])
        except (OSError, KeyError, ValueError):
            pass
    return count


def _execute(code: str, limits: SandboxLimits, plan: _Plan) -> SandboxResult:
    workdir = tempfile.mkdtemp(prefix="kresearch-sbx-")
    status_r, status_w = os.pipe()
    try:
        script = os.path.join(workdir, "main.py")
        with open(script, "w", encoding="utf-8") as f:
            f.write(code)
        if plan.drop:
            os.chown(workdir, NOBODY, NOBODY)
            os.chown(script, NOBODY, NOBODY)
        env = {"PATH": "/usr/bin:/bin", "HOME": workdir, "LANG": "C.UTF-8"}
        mb = 1 << 20
        # RLIMIT_NPROC counts all tasks of the uid, except inside a user namespace (per namespace).
        nproc = limits.max_processes
        if "--map-current-user" not in plan.wrapper:
            nproc += _tasks_of(NOBODY if plan.drop else os.getuid())
        rlimits = {"AS": limits.memory_mb * mb, "FSIZE": limits.max_file_mb * mb, "NOFILE": limits.max_open_files,
                   "NPROC": nproc, "CORE": 0}
        config = {
            "status_fd": status_w, "workdir": workdir, "python": plan.python, "env": env,
            "drop": NOBODY if plan.drop else None, "tmpfs_mb": limits.max_disk_mb if plan.tmpfs else 0,
            "landlock": _landlock_rules(plan.landlock_abi, plan.python, workdir) if plan.landlock_abi else None,
            "rlimits": [(f"RLIMIT_{k}", v, v) for k, v in rlimits.items()]
            + [("RLIMIT_CPU", limits.cpu_seconds, limits.cpu_seconds + 1)]}  # SIGXCPU, then SIGKILL
        cmd = [*plan.wrapper, plan.python, "-I", "-S", "-c", _LAUNCHER, json.dumps(config)]
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    cwd=workdir, env=env, start_new_session=True, pass_fds=(status_w,))
        except OSError as e:
            raise SandboxError(f"cannot start the Python sandbox: {e}") from e
        finally:
            os.close(status_w)
        out, err, timed_out, flooded = _supervise(proc, limits)
        os.set_blocking(status_r, False)
        try:
            status = os.read(status_r, 4096).decode(errors="replace").splitlines()
        except BlockingIOError:
            status = []
    finally:
        os.close(status_r)
        shutil.rmtree(workdir, ignore_errors=True)
    if errors := [line[1:] for line in status if line.startswith("E")]:
        raise SandboxError(f"the Python sandbox could not start: {errors[0]}")
    if waits := [line[1:] for line in status if line.startswith("S")]:
        exit_code = os.waitstatus_to_exitcode(int(waits[0]))
    elif "R" in status or timed_out or flooded:
        exit_code = proc.returncode  # killed before the code finished
    else:
        why = err.text()[0].strip()[-300:] or f"exit status {proc.returncode}"
        raise SandboxError(f"the Python sandbox could not start: {why}")
    (stdout, cut_out), (stderr, cut_err) = out.text(), err.text()
    notes = []
    if timed_out:
        notes.append(f"killed: wall time limit {limits.wall_seconds:g}s")
    elif flooded:
        notes.append(f"killed: more than {_FLOOD_BYTES >> 20} MiB of output")
    elif exit_code == -signal.SIGXCPU:
        notes.append(f"killed: CPU time limit {limits.cpu_seconds}s")
    elif exit_code is not None and exit_code < 0:
        notes.append(f"killed by signal {({s.value: s.name for s in signal.Signals}).get(-exit_code, -exit_code)}")
    elif exit_code:
        notes.append(f"exit code {exit_code}")
    if cut_out or cut_err:
        notes.append(f"output truncated to {limits.max_output_chars} characters per stream")
    layers = {"netns": "--net" in plan.wrapper, "pidns": "--pid" in plan.wrapper, "tmpfs": plan.tmpfs,
              "landlock": bool(plan.landlock_abi), "uid-drop": plan.drop}
    isolation = ["rlimits", "no-new-privs", "tmpdir", "env-scrub", "isolated-mode"] + [k for k, on in layers.items() if on]
    return SandboxResult(stdout, stderr, exit_code, timed_out, cut_out or cut_err, isolation, notes)


class _Capture:
    """Keeps the first and the last `cap // 2` bytes of a stream and counts the rest."""

    def __init__(self, cap: int):
        self.half, self.total = max(cap // 2, 1), 0
        self.head, self.tail = bytearray(), bytearray()

    def feed(self, data: bytes) -> None:
        self.total += len(data)
        room = self.half - len(self.head)
        self.head += data[:max(room, 0)]
        if data := data[max(room, 0):]:
            self.tail = (self.tail + data)[-self.half:]

    def text(self) -> tuple[str, bool]:
        dropped = self.total - len(self.head) - len(self.tail)
        if dropped <= 0:
            return (self.head + self.tail).decode(errors="replace"), False
        marker = f"\n[... {dropped} bytes of output truncated ...]\n"
        return self.head.decode(errors="replace") + marker + self.tail.decode(errors="replace"), True


def _supervise(proc: subprocess.Popen, limits: SandboxLimits) -> tuple[_Capture, _Capture, bool, bool]:
    """Read both pipes (capped) until the process exits; kill its group on timeout or flood.

    The process is reaped only at the very end, so its pid (= the process group id) cannot be
    reused by another process while we may still signal the group."""
    def kill_group() -> None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    streams = {f.fileno(): _Capture(limits.max_output_chars) for f in (proc.stdout, proc.stderr)}
    open_pipes = set(streams)
    sel = selectors.DefaultSelector()
    for fd in streams:
        sel.register(fd, selectors.EVENT_READ)
    try:
        pidfd = os.pidfd_open(proc.pid)  # readable when the process exits
        sel.register(pidfd, selectors.EVENT_READ)
    except (AttributeError, OSError):
        pidfd = None  # then poll every 50 ms
    deadline = time.monotonic() + limits.wall_seconds
    timed_out = flooded = False
    done_at = None
    try:
        while True:
            now = time.monotonic()
            if done_at is None and os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT):
                done_at = now
                kill_group()  # leftovers in the group (only possible without a PID namespace)
            if done_at is not None and (not open_pipes or now > done_at + 1):
                break  # pipes closed, or held open by a process that escaped: stop reading
            if done_at is None and not (timed_out or flooded) and now >= deadline:
                timed_out = True
                kill_group()  # unshare dies, PDEATHSIG kills the namespace's PID 1, and it all goes
            wait = done_at + 1 - now if done_at is not None else 0.05 if timed_out or flooded else deadline - now
            for key, _ in sel.select(max(0.0, wait if pidfd is not None else min(wait, 0.05))):
                if key.fd == pidfd:
                    sel.unregister(pidfd)
                elif data := os.read(key.fd, 1 << 16):
                    streams[key.fd].feed(data)
                    if streams[key.fd].total > _FLOOD_BYTES and not (flooded or timed_out):
                        flooded = True
                        kill_group()
                else:
                    sel.unregister(key.fd)
                    open_pipes.discard(key.fd)
    finally:
        if done_at is None:
            kill_group()
        sel.close()
        if pidfd is not None:
            os.close(pidfd)
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    out, err = streams.values()
    return out, err, timed_out, flooded
