"""`kresearch doctor`: is this machine ready to research? Checks, never downloads.

    config    the settings load (config.toml parses, values are valid)
    model     the configured model resolves WITHOUT downloading: a path is checked as GGUF; a
              registry:/Hugging Face reference is looked up in its local cache. When present,
              the GGUF metadata gives the trained context length and whether it has a chat template
    server    with -m openai:NAME: the server at --base-url answers, serves the model, how
              actions are constrained (grammar or JSON schema) and tokens counted (its
              tokenizer or an estimate), and it generates a few tokens (replaces model,
              llama.cpp and inference)
    llama.cpp llama-cpp-python imports; GPU offload available or CPU only
    inference the model generates a few tokens in a child process, with the weight-repacking
              decision a run would take (llm/repack.py): a native crash (SIGSEGV, SIGILL) is
              reported in one line with the fix instead of killing doctor
    search    searxng: one JSON query with a short timeout; ddgs: needs the internet and is only
              queried with --online
    cache     the cache directory is writable and private (0700)
    sandbox   namespaces / Landlock available; a smoke test runs print(1)

Each check gives ok, warn or fail, a detail and what to do. Exit 1 when any check fails.
"""
from __future__ import annotations

import os
import stat
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .config import Settings, config_path, home, load_settings
from .errors import KResearchError, ModelError

OK, WARN, FAIL = "ok", "warn", "fail"


@dataclass
class Check:
    name: str
    status: str
    detail: str
    fix: str = ""

    def as_json(self) -> dict:
        return {"check": self.name, "status": self.status, "detail": self.detail, "fix": self.fix}


# -- GGUF metadata (header only; no weights, no llama.cpp) ------------------------------------

_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9
_MAX_KV = 100_000
_MAX_STRING = 64 << 20


class GGUFError(ValueError):
    pass


def _read(f: BinaryIO, n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise GGUFError("the file ends inside its metadata")
    return data


def _string(f: BinaryIO) -> bytes:
    (n,) = struct.unpack("<Q", _read(f, 8))
    if n > _MAX_STRING:
        raise GGUFError("implausible string length in the metadata")
    return _read(f, n)


def _value(f: BinaryIO, kind: int, keep: bool):
    if kind in _SCALARS:
        fmt = _SCALARS[kind]
        return struct.unpack(fmt, _read(f, struct.calcsize(fmt)))[0]
    if kind == _STRING:
        data = _string(f)
        return data.decode("utf-8", "replace") if keep else None
    if kind == _ARRAY:
        sub, n = struct.unpack("<IQ", _read(f, 12))
        if sub in _SCALARS:   # skip fixed-size arrays in one seek
            f.seek(struct.calcsize(_SCALARS[sub]) * n, os.SEEK_CUR)
        else:
            for _ in range(n):
                _value(f, sub, False)
        return None
    raise GGUFError(f"unknown metadata type {kind}")


def gguf_metadata(path: Path, wanted: tuple[str, ...] = ()) -> dict:
    """Scalar and string metadata of a GGUF file (arrays skipped). With `wanted`, reading stops
    once those keys (and general.architecture) were seen."""
    out: dict = {}
    with path.open("rb") as f:
        if _read(f, 4) != b"GGUF":
            raise GGUFError("not a GGUF file")
        (version,) = struct.unpack("<I", _read(f, 4))
        if version < 2:
            raise GGUFError(f"GGUF version {version} is too old to read")
        _n_tensors, n_kv = struct.unpack("<QQ", _read(f, 16))
        if n_kv > _MAX_KV:
            raise GGUFError("implausible metadata count")
        for _ in range(n_kv):
            key = _string(f).decode("utf-8", "replace")
            (kind,) = struct.unpack("<I", _read(f, 4))
            value = _value(f, kind, keep=True)
            if value is not None:
                out[key] = value
            arch = out.get("general.architecture")
            if wanted and arch and all(k.format(arch=arch) in out for k in wanted):
                break
    return out


# -- checks -------------------------------------------------------------------------------------

def _local_model(ref: str, models_dir: Path) -> tuple[Path | None, str]:
    """Where `ref` is on this machine without downloading: (path or None, how it was looked up)."""
    from .llm import models   # the lookups below are the offline halves of resolve_model

    ref = ref.strip()
    path = Path(ref).expanduser()
    if path.exists() or ref.endswith(".gguf") and "/" in ref and ":" not in ref:
        return path, "path"
    if ref.startswith("registry:"):
        spec = models.REGISTRY_MODELS.get(ref.removeprefix("registry:"))
        if spec is None:
            raise ModelError(f"unknown registry model {ref!r}; known: "
                             + ", ".join(f"registry:{n}" for n in models.REGISTRY_MODELS))
        target = models_dir / spec.file
        return (target if target.exists() else None), "registry"
    m = models._HF_REF.match(ref)
    if not m:
        return path, "path"
    env = models._hf_env()
    selector = m["sel"] or models.DEFAULT_QUANT
    filename = selector if selector.lower().endswith(".gguf") else \
        models._cached_quant_file(m["repo"], selector, env["cache_dir"])
    return (models._from_cache(m["repo"], filename, env["cache_dir"]) if filename else None), "huggingface"


def check_model(ref: str) -> Check:
    from .llm.models import check_gguf

    try:
        path, kind = _local_model(ref, home() / "models")
    except ModelError as e:
        return Check("model", FAIL, str(e), "pass -m with a .gguf path or a known reference")
    except Exception as e:  # huggingface_hub missing or a broken cache
        return Check("model", FAIL, f"cannot look up {ref}: {e}", "pass -m /path/to/model.gguf")
    if path is None:
        where = "the package registry" if kind == "registry" else "Hugging Face"
        offline = kind == "huggingface" and os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")
        return Check("model", FAIL if offline else WARN, f"{ref} is not downloaded yet",
                     "HF_HUB_OFFLINE is set: download the .gguf and pass -m PATH" if offline else
                     f"the first research run downloads it from {where} (needs the network once)")
    try:
        check_gguf(path)
    except ModelError as e:
        return Check("model", FAIL, str(e), "pass -m with a complete .gguf file")
    try:
        meta = gguf_metadata(path, ("{arch}.context_length", "tokenizer.chat_template"))
    except (GGUFError, OSError) as e:
        return Check("model", FAIL, f"{path}: unreadable GGUF metadata ({e})", "download the file again")
    arch = meta.get("general.architecture", "?")
    trained = meta.get(f"{arch}.context_length")
    size = path.stat().st_size / 1e9
    detail = f"{path} ({size:.2f} GB, {arch}, trained context {trained or 'unknown'})"
    if not meta.get("tokenizer.chat_template"):
        return Check("model", FAIL, detail + "; no chat template in its metadata",
                     "use an instruct/chat GGUF (kresearch renders prompts with the model's own template)")
    return Check("model", OK, detail + ", chat template present")


def check_context(ctx: int, ref: str) -> Check | None:
    try:
        path, _ = _local_model(ref, home() / "models")
        if path is None or not path.is_file():
            return None
        meta = gguf_metadata(path, ("{arch}.context_length",))
    except Exception:
        return None
    trained = meta.get(f"{meta.get('general.architecture', '?')}.context_length")
    if trained and ctx > trained:
        return Check("context", FAIL, f"--ctx {ctx} is larger than the {trained} tokens the model was trained for",
                     f"use --ctx {trained} or less")
    return Check("context", OK, f"--ctx {ctx}" + (f" (model trained for {trained})" if trained else ""))


def check_llama_cpp() -> Check:
    try:
        import llama_cpp
    except Exception as e:
        return Check("llama.cpp", FAIL, f"llama-cpp-python does not import: {e}", "pip install llama-cpp-python")
    from .llm.llamacpp import physical_cores

    version = getattr(llama_cpp, "__version__", "?")
    try:
        gpu = bool(llama_cpp.llama_supports_gpu_offload())
    except Exception:
        gpu = False
    if gpu:
        return Check("llama.cpp", OK, f"llama-cpp-python {version}, GPU offload available")
    return Check("llama.cpp", WARN, f"llama-cpp-python {version}, no GPU offload: runs on {physical_cores()} CPU core(s)",
                 'for a GPU, reinstall with CMAKE_ARGS="-DGGML_CUDA=on" (or -DGGML_METAL=on / -DGGML_VULKAN=on)')


def check_inference(ref: str, repack_mode: str) -> Check:
    """A tiny real generation in a child process, loaded the way a run would load it."""
    from .llm import repack
    from .llm.llamacpp import physical_cores

    try:
        path, _ = _local_model(ref, home() / "models")
    except Exception:
        path = None
    if path is None or not path.is_file():
        return Check("inference", WARN, "not tried: the model is not downloaded yet", "run one research question first")
    threads = physical_cores()
    try:
        decision = repack.resolve(repack_mode, path, threads, home() / "repack.json")
    except Exception as e:
        return Check("inference", FAIL, f"cannot decide how to load the model: {e}", "pip install llama-cpp-python")
    result = repack.probe(path, decision.repack, threads)
    if result.ok:
        return Check("inference", OK, f"{result.detail} ({decision.reason})")
    if result.signal and decision.repack:
        fix = ("set KRESEARCH_REPACK=off (llama.cpp's repacked/AMX kernels crash on some CPUs); "
               "see README, Troubleshooting")
    elif result.signal:
        fix = ('rebuild llama.cpp for a generic CPU: CMAKE_ARGS="-DGGML_NATIVE=OFF" pip install '
               "--force-reinstall --no-cache-dir llama-cpp-python; see README, Troubleshooting")
    else:
        fix = "check the model file (kresearch doctor's model row) and the llama-cpp-python install"
    state = "on" if decision.repack else "off"
    return Check("inference", FAIL, f"{result.detail} (repacking {state})", fix)


def check_search(backend: str, searxng_url: str, online: bool) -> Check:
    if backend == "none":
        return Check("search", WARN, "search is disabled (--search none)", "use --search ddgs or searxng to research the web")
    if backend == "searxng":
        import httpx

        base = searxng_url.rstrip("/").removesuffix("/search")
        try:
            response = httpx.get(f"{base}/search", params={"q": "test", "format": "json"}, timeout=5,
                                 follow_redirects=True)
        except httpx.HTTPError as e:
            return Check("search", FAIL, f"SearXNG at {base} is unreachable: {e}", "start it or fix --searxng-url")
        if response.status_code != 200:
            hint = "enable the json format (search: formats: [html, json] in settings.yml)" \
                if response.status_code in (403, 406) else "check the instance's logs"
            return Check("search", FAIL, f"SearXNG at {base} answered HTTP {response.status_code}", hint)
        try:
            results = response.json().get("results")
        except ValueError:
            results = None
        if not isinstance(results, list):
            return Check("search", FAIL, f"SearXNG at {base} did not return JSON results",
                         "enable the json format in settings.yml")
        return Check("search", OK, f"SearXNG at {base} answers ({len(results)} results for 'test')")
    if not online:
        return Check("search", WARN, "ddgs needs the internet; not checked without a query",
                     "run kresearch doctor --online to try one query")
    from .tools.search import DdgsBackend

    try:
        hits = DdgsBackend().search("kresearch deep research", 3)
    except Exception as e:
        return Check("search", FAIL, f"ddgs query failed: {e}", "check the network, or use --search searxng")
    return Check("search", OK if hits else WARN, f"ddgs answered with {len(hits)} results",
                 "" if hits else "try again later or use --search searxng")


def check_cache(directory: Path) -> Check:
    if not directory.exists():
        parent = next((p for p in directory.parents if p.exists()), None)
        if parent is not None and os.access(parent, os.W_OK | os.X_OK):
            return Check("cache", OK, f"{directory} will be created (mode 0700) on first use")
        return Check("cache", FAIL, f"cannot create {directory}", "set KRESEARCH_HOME to a writable directory")
    st = directory.stat()
    if not stat.S_ISDIR(st.st_mode):
        return Check("cache", FAIL, f"{directory} is not a directory", "remove it or set KRESEARCH_HOME")
    if not os.access(directory, os.W_OK | os.X_OK):
        return Check("cache", FAIL, f"{directory} is not writable", "fix its permissions or set KRESEARCH_HOME")
    if st.st_uid != os.geteuid():
        return Check("cache", FAIL, f"{directory} belongs to another user", "set KRESEARCH_HOME to your own directory")
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o077:
        return Check("cache", WARN, f"{directory} has mode {mode:04o}; others may read or plant entries",
                     f"chmod 700 {directory} (kresearch tightens it on the next run)")
    return Check("cache", OK, f"{directory} (mode 0700, writable)")


def check_sandbox() -> list[Check]:
    from .tools.sandbox import run_python, sandbox_capabilities

    try:
        caps = sandbox_capabilities()
    except Exception as e:
        return [Check("sandbox", FAIL, f"cannot probe the sandbox: {e}", "use --no-python")]
    missing = [name for name in ("netns", "pidns", "landlock") if not caps.get(name)]
    have = ", ".join(k for k, v in caps.items() if v) or "rlimits only"
    checks = [Check("sandbox isolation", WARN if missing else OK,
                    f"available: {have}" + (f"; missing: {', '.join(missing)}" if missing else ""),
                    "enable unprivileged user namespaces (kernel.unprivileged_userns_clone=1) and Landlock, "
                    "or use --no-python" if missing else "")]
    try:
        result = run_python("print(1)")
        ok = result.exit_code == 0 and result.stdout.strip() == "1"
        detail = "print(1) ran" if ok else f"print(1) failed: {(result.stderr or result.stdout).strip()[:160]}"
    except Exception as e:
        ok, detail = False, f"print(1) failed: {e}"
    checks.append(Check("sandbox run", OK if ok else FAIL, detail, "" if ok else "use --no-python"))
    return checks


def run_checks(flags: dict, online: bool = False) -> list[Check]:
    try:
        settings, origin = load_settings(flags)
    except KResearchError as e:
        checks = [Check("config", FAIL, str(e), f"fix {config_path()} or the KRESEARCH_* variables")]
        settings = Settings()
    else:
        source = config_path() if config_path().exists() else "no config file"
        checks = [Check("config", OK, f"settings load ({source})")]
    if settings.model.startswith("openai:"):
        checks += check_server(settings)
    else:
        checks += _local_model_checks(settings)
    checks.append(check_search(settings.search, settings.searxng_url, online))
    checks.append(check_cache(home() / "cache"))
    checks += check_sandbox()
    return checks


def _local_model_checks(settings: Settings) -> list[Check]:
    checks = [check_model(settings.model)]
    context = check_context(settings.ctx, settings.model)
    if context is not None and context.status == FAIL:
        checks.append(context)
    checks.append(check_llama_cpp())
    if checks[-1].status != FAIL:
        checks.append(check_inference(settings.model, settings.repack))
    return checks


CONSTRAINTS = {"grammar": "the GBNF grammar", "json_schema": "JSON schema (response_format)",
               "none": "nothing (the server refused both; unparseable steps are retried)"}


def check_server(settings: Settings) -> list[Check]:
    """The OpenAI-compatible server: reachable, what it is, and a real 8-token generation."""
    import time

    from .llm.server import ServerLLM

    fix = "start the server (README: Model servers) or check --base-url / KRESEARCH_BASE_URL"
    try:
        llm = ServerLLM(settings.model.removeprefix("openai:"), settings.base_url, settings.api_key,
                        n_ctx=settings.ctx, seed=settings.seed)
    except KResearchError as e:
        return [Check("server", FAIL, str(e), fix)]
    info = llm.info
    served = f"; serves {', '.join(info.models[:3])}" if info.models else ""
    tokens = ("token counts from its tokenizer" if info.tokenizer != "estimated"
              else "token counts estimated (no tokenizer endpoint): budgets hold with room to spare")
    checks = [Check("server", OK, f"{info.kind} at {llm.api}{served}; context {llm.n_ctx}; actions constrained "
                                  f"by {CONSTRAINTS[info.constraint]}; {tokens}")]
    start = time.perf_counter()
    try:
        out = llm.complete([{"role": "user", "content": "Say OK."}], max_tokens=8, temperature=0.0)
    except KResearchError as e:
        checks.append(Check("inference", FAIL, str(e), fix))
    else:
        checks.append(Check("inference", OK, f"{out.completion_tokens} tokens in {time.perf_counter() - start:.1f} s "
                                             f"through the server ({out.text.strip()[:30]!r})"))
    finally:
        llm.close()
    return checks
