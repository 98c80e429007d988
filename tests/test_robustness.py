"""Bad environments and interruptions: one clear line, the documented exit code, nothing lost."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

from fixture_site import site
from test_scripting import ANSWERED, research_env, run, step

from kresearch.trace import read_trace


def test_sigterm_mid_research_keeps_the_partial_report_and_journal(tmp_path, kresearch_home):
    script = [step("search", queries=["Kiss and Tell 1945 film"]), step("open", source=1, page=1),
              {"sleep": 30}, step("answer", answer="too late")]
    with site() as server:
        env = research_env(tmp_path, server.base_url, script)
        proc = subprocess.Popen([sys.executable, "-m", "kresearch", "--format", "json", "Who played Corliss Archer?"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        traces = kresearch_home / "traces"
        deadline = time.time() + 30
        while time.time() < deadline:   # wait until the page has been read, then stop the run
            journals = list(traces.glob("*.jsonl")) if traces.exists() else []
            if journals and sum(r["event"] == "observation" for r in read_trace(journals[0])) >= 2:
                break
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    data = json.loads(out)
    assert data["stopped_because"] == "interrupted"
    assert "Partial report" in data["report"] and data["stats"]["pages_opened"] == 1
    assert read_trace(journals[0])[-1]["event"] == "finish"


def test_a_budget_larger_than_the_model_context_is_bad_usage(tmp_path):
    with site() as server:
        env = research_env(tmp_path, server.base_url, ANSWERED)
        proc = run(["--ctx", "4096", "--budget", "9000", "q"], env=env)
    assert proc.returncode == 2
    lines = proc.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "--budget 9000 does not fit the model context of 4096" in lines[0]


def test_an_unusable_cache_directory_is_bad_usage_and_no_cache_works_around_it(tmp_path, kresearch_home):
    (kresearch_home / "cache").write_text("a file where the cache directory should be")
    with site() as server:
        env = research_env(tmp_path, server.base_url, ANSWERED)
        broken = run(["q?"], env=env)
        env = research_env(tmp_path, server.base_url, ANSWERED)
        worked = run(["--no-cache", "--format", "text", "q?"], env=env)
    assert broken.returncode == 2 and b"--no-cache" in broken.stderr and broken.stdout == b""
    assert worked.returncode == 0 and worked.stdout.decode().strip() == "Chief of Protocol of the United States"


def test_a_model_failure_mid_run_is_one_line_and_exit_1(tmp_path):
    script = [step("search", queries=["Kiss and Tell"]), {"fail": "the backend crashed"}]
    with site() as server:
        proc = run(["--format", "json", "q?"], env=research_env(tmp_path, server.base_url, script))
    assert proc.returncode == 1
    data = json.loads(proc.stdout)              # the partial result still reaches stdout
    assert data["stopped_because"] == "error" and "the backend crashed" in data["error"]
    assert "kresearch: error: " in proc.stderr.decode()
