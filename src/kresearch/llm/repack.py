"""Whether llama.cpp may repack the weights into its extra CPU buffer types, decided per
machine and llama.cpp build before the model loads.

Why: llama-cpp-python built with native flags on a CPU that advertises Intel AMX compiles
llama.cpp's AMX kernels and, at load, repacks the weights into the AMX buffer type; on some
such CPUs the first evaluation then dies with SIGSEGV in `ggml_backend_amx_mul_mat` (the
`ldtilecfg` instruction; llama.cpp issue 20824, PR 26954). Loading with
`llama_model_params.use_extra_bufts = False` (llama.cpp's `--no-repack`) avoids it. On other
CPUs the extra buffer types are the AVX2/AVX-512/NEON repacks of some quantisations, which only
make it faster, so they stay on.

The setting `repack` (`--repack`, `KRESEARCH_REPACK`, config) is `auto`, `on` or `off`:

    on / off   as told
    auto       CPU without AMX flags            -> on  (nothing to fear)
               build without AMX kernels        -> on  (system info has no AMX_INT8 = 1)
               otherwise: a probe's verdict     -> on if a child process loaded a model with
                                                   repacking and generated; off if it crashed
                                                   (killed by a signal), failed or timed out

The probe's verdict is cached per llama.cpp build and CPU (`$KRESEARCH_HOME/repack.json`, and
in memory for the process), so it runs once per machine. The pure decision logic is
`decide()`; `probe()` is the child process, also used by `kresearch doctor`.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

MODES = ("auto", "on", "off")
AMX_FLAGS = ("amx_tile", "amx_int8", "amx_bf16")
PROBE_TIMEOUT = 180.0

_verdicts: dict[str, bool] = {}   # this process's memo of probe verdicts, by key


def cpu_info(text: str | None = None) -> tuple[str, set[str]]:
    """The CPU's model name and flags from /proc/cpuinfo (empty on systems without it)."""
    if text is None:
        try:
            text = Path("/proc/cpuinfo").read_text(errors="replace")
        except OSError:
            return "", set()
    model, flags = "", set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key == "model name" and not model:
            model = value.strip()
        elif key in ("flags", "features") and not flags:   # x86 says flags, ARM features
            flags = set(value.split())
    return model, flags


def build_has_amx(system_info: str) -> bool:
    """Whether llama.cpp was compiled with AMX kernels (`llama_print_system_info()`)."""
    return any(f"{name} = 1" in system_info for name in ("AMX_INT8", "AMX_BF16", "AMX"))


@dataclass(frozen=True)
class Decision:
    repack: bool
    reason: str            # one line for doctor, progress and the journal
    needs_probe: bool = False


def decide(mode: str, cpu_flags: set[str], system_info: str, cached: bool | None = None) -> Decision:
    """The repack decision from the facts the machine gives. With `needs_probe`, the caller
    runs `probe()` once (then calls again with its verdict as `cached`)."""
    if mode not in MODES:
        raise ValueError(f"repack must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "on":
        return Decision(True, "repacking on (set by repack=on)")
    if mode == "off":
        return Decision(False, "repacking off (set by repack=off)")
    amx = sorted(cpu_flags & set(AMX_FLAGS))
    if not amx:
        return Decision(True, "repacking on: the CPU has no AMX")
    if not build_has_amx(system_info):
        return Decision(True, f"repacking on: the CPU has {' '.join(amx)} but this llama.cpp build has no AMX kernels")
    if cached is None:
        return Decision(False, "the CPU has AMX and this llama.cpp build uses it: probing", needs_probe=True)
    if cached:
        return Decision(True, "repacking on: the CPU has AMX and a probe ran llama.cpp's AMX path cleanly")
    return Decision(False, "repacking off: llama.cpp's AMX path crashed in a probe on this CPU "
                           "(known llama.cpp bug; no AMX is also about as fast)")


def verdict_key(system_info: str, version: str, cpu_model: str, cpu_flags: set[str]) -> str:
    text = "\n".join([version, system_info, cpu_model, " ".join(sorted(cpu_flags))])
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def load_verdict(path: Path | None, key: str) -> bool | None:
    if key in _verdicts:
        return _verdicts[key]
    if path is None:
        return None
    try:
        value = json.loads(path.read_text()).get(key)
    except (OSError, ValueError, AttributeError):
        return None
    return value.get("ok") if isinstance(value, dict) and isinstance(value.get("ok"), bool) else None


def save_verdict(path: Path | None, key: str, result: "ProbeResult") -> None:
    _verdicts[key] = result.ok
    if path is None:
        return
    try:
        data = json.loads(path.read_text()) if path.exists() else {}
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    data[key] = {"ok": result.ok, "detail": result.detail}
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(data, indent=1))
        tmp.replace(path)
    except OSError:
        pass   # an unwritable home only means probing again next time


# -- the probe: a tiny real inference in a child process ----------------------------------------

@dataclass
class ProbeResult:
    ok: bool
    detail: str                   # one line: speeds, or what went wrong
    signal: str = ""              # SIGSEGV, SIGILL ... when the child was killed by one
    prefill_tps: float = 0.0
    decode_tps: float = 0.0


def probe_command(model: Path, repack: bool, threads: int, tokens: int = 8) -> list[str]:
    return [sys.executable, "-m", "kresearch.llm.probe", str(model), "--repack", "on" if repack else "off",
            "--threads", str(threads), "--tokens", str(tokens)]


def probe(model: Path, repack: bool, threads: int, *, tokens: int = 8, timeout: float = PROBE_TIMEOUT,
          command: list[str] | None = None) -> ProbeResult:
    """Load `model` in a child process and generate a few tokens. A native crash kills only the
    child; its signal is reported by name."""
    cmd = command or probe_command(model, repack, threads, tokens)
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, env={**os.environ, "PYTHONFAULTHANDLER": "1"})
    except subprocess.TimeoutExpired:
        return ProbeResult(False, f"a {tokens}-token generation did not finish in {timeout:.0f} s")
    except OSError as e:
        return ProbeResult(False, f"could not start the probe: {e}")
    if done.returncode < 0:
        name = _signal_name(-done.returncode)
        where = _native_frame(done.stderr)
        return ProbeResult(False, f"llama.cpp crashed with {name}" + (f" in {where}" if where else ""), signal=name)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        if "Segmentation fault" in done.stderr or "Fatal Python error" in done.stderr:
            return ProbeResult(False, f"llama.cpp crashed: {last[:200]}", signal="SIGSEGV")
        return ProbeResult(False, f"the probe failed (exit {done.returncode}): {last[:200]}")
    try:
        data = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return ProbeResult(False, f"the probe printed no result: {done.stdout[-200:]!r}")
    return ProbeResult(True, f"generated {data['tokens']} tokens: prefill {data['prefill_tps']:.0f} tok/s, "
                             f"decode {data['decode_tps']:.0f} tok/s",
                       prefill_tps=data["prefill_tps"], decode_tps=data["decode_tps"])


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _native_frame(stderr: str) -> str:
    """The library a crash happened in, when faulthandler or the C runtime names it."""
    for line in stderr.splitlines():
        if "libggml" in line or "libllama" in line:
            return line.strip()[:120]
    return ""


# -- what the loader calls ----------------------------------------------------------------------

def resolve(mode: str, model: Path, threads: int, state_file: Path | None, *,
            cpuinfo: str | None = None, system_info: str | None = None, version: str | None = None,
            run_probe: Callable[[Path, bool, int], ProbeResult] | None = None) -> Decision:
    """The decision for loading `model` on this machine, probing once when the facts do not
    settle it. The keyword arguments are for tests (a sample cpuinfo, a fake probe)."""
    cpu_model, flags = cpu_info(cpuinfo)
    if system_info is None or version is None:
        import llama_cpp

        system_info = system_info if system_info is not None else _system_info(llama_cpp)
        version = version if version is not None else getattr(llama_cpp, "__version__", "?")
    decision = decide(mode, flags, system_info)
    if not decision.needs_probe:
        return decision
    key = verdict_key(system_info, version, cpu_model, flags)
    cached = load_verdict(state_file, key)
    if cached is None:
        result = (run_probe or probe)(model, True, threads)
        save_verdict(state_file, key, result)
        cached = result.ok
    return decide(mode, flags, system_info, cached)


def _system_info(llama_cpp) -> str:
    info = llama_cpp.llama_print_system_info()
    return info.decode(errors="replace") if isinstance(info, bytes) else str(info)
