"""End to end with a real GGUF model (Qwen2.5-Coder 0.5B), the real CLI in a subprocess and a
real local website with a SearXNG-compatible search API."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from fixture_site import site

QUESTION = "What government position was held by the woman who portrayed Corliss Archer in the film Kiss and Tell?"


def run_cli(args: list[str], timeout: float = 300, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kresearch", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}, **kwargs)


@pytest.mark.model
def test_real_model_researches_and_cites_only_opened_sources(test_model_path):
    with site() as server:
        # --max-time bounds the run on a slow or busy machine: the agent then answers from what it read
        proc = run_cli(["--format", "json", "-q", "-m", str(test_model_path), "--ctx", "4096",
                        "--max-steps", "6", "--max-time", "120", "--search", "searxng", "--searxng-url",
                        server.base_url, "--allow-private-urls", "--seed", "1", QUESTION], timeout=900)
    assert proc.returncode in (0, 3), proc.stderr
    assert proc.stderr == ""                    # -q: nothing on stderr when all is well
    data = json.loads(proc.stdout)              # stdout is exactly one JSON object
    assert data["question"] == QUESTION
    assert data["report"].startswith("# ") and "\n\n**Answer" in data["report"]   # labelled when unverified
    assert data["stopped_because"] in ("answered", "max_steps", "max_time")
    stats = data["stats"]
    # the first reading at least; when it settles the question that is the only call (the
    # findings are quoted in code), else every later call reuses the KV cache
    assert stats["llm_calls"] >= 1 and stats["searches"] >= 1
    assert stats["peak_prompt_tokens"] <= 4096 - 600
    assert stats["llm_calls"] == 1 or stats["prompt_tokens_evaluated"] < stats["prompt_tokens"]
    assert stats["model_load_seconds"] > 0                              # reported apart from research time
    assert stats["citations_supported"] <= stats["citations"]
    opened = {s["id"] for s in data["sources"] if s["opened"]}
    for s in data["sources"]:
        if s["cited"]:
            assert s["id"] in opened
            assert s["url"] in data["report"]
    import re
    for n in re.findall(r"\[(\d+)\]", data["report"].split("## References")[0]):
        assert int(n) in opened
    assert os.path.exists(data["trace"])


@pytest.mark.model
def test_real_model_markdown_to_file_and_step_limit(test_model_path, tmp_path):
    out = tmp_path / "report.md"
    with site() as server:
        proc = run_cli(["-q", "-m", str(test_model_path), "--ctx", "4096", "--max-steps", "1",
                        "--search", "searxng", "--searxng-url", server.base_url, "--allow-private-urls",
                        "-o", str(out), QUESTION], timeout=900,
                   env={"KRESEARCH_DRAFT": "0"})  # the first reading may settle it within one step
    assert proc.returncode == 3, proc.stderr       # stopped by the step limit: partial report
    assert proc.stdout == ""
    text = out.read_text()
    assert text.startswith("# ") and "Partial report" in text


@pytest.mark.model
def test_context_beyond_what_the_model_was_trained_for_is_bad_usage(test_model_path):
    proc = run_cli(["-q", "-m", str(test_model_path), "--ctx", "1000000", "--search", "none", "q"], timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith("kresearch: error: --ctx 1000000 is larger than") and proc.stdout == ""


@pytest.mark.model
def test_real_model_small_budget_ends_as_a_limit_never_an_error(test_model_path):
    """--budget 1536 used to end in "context overflow" (exit 1) after a few steps."""
    with site() as server:
        proc = run_cli(["--format", "json", "-q", "-m", str(test_model_path), "--ctx", "4096", "--budget", "1536",
                        "--max-steps", "8", "--max-time", "150", "--search", "searxng", "--searxng-url",
                        server.base_url, "--allow-private-urls", "--seed", "1", QUESTION], timeout=900)
    assert proc.returncode in (0, 3), proc.stderr
    data = json.loads(proc.stdout)
    assert data["stopped_because"] in ("answered", "budget", "max_steps", "max_time")
    assert "error" not in data and data["stats"]["peak_prompt_tokens"] <= 1536
    assert data["report"].startswith("# ")


@pytest.mark.model
def test_real_model_budget_too_small_for_one_step_is_bad_usage_before_any_generation(test_model_path):
    with site() as server:
        proc = run_cli(["--format", "json", "-m", str(test_model_path), "--ctx", "4096", "--budget", "1100",
                        "--search", "searxng", "--searxng-url", server.base_url, "--allow-private-urls", QUESTION])
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "--budget 1100 cannot hold" in lines[0], proc.stderr
    assert int(re.search(r"use --budget (\d+) or more", lines[0])[1]) > 1100


@pytest.mark.model
def test_real_model_time_limit_covers_the_whole_run(test_model_path):
    """--max-time 8: research stops at 85 % of it and the model call in progress ends at the
    limit, so the run (model loading excluded) ends within it plus one prompt chunk or token."""
    with site() as server:
        proc = run_cli(["--format", "json", "-q", "-m", str(test_model_path), "--ctx", "4096",
                        "--max-steps", "30", "--max-time", "8", "--search", "searxng", "--searxng-url",
                        server.base_url, "--allow-private-urls", "--seed", "1", QUESTION], timeout=900)
    assert proc.returncode in (0, 3), proc.stderr
    data = json.loads(proc.stdout)
    assert data["stats"]["wall_seconds"] < 8 + 6   # generous: one 256-token chunk on a busy 2-core machine
    if data["stopped_because"] != "answered":
        assert data["stopped_because"] == "max_time" and data["report"].startswith("# ")
