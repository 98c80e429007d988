"""kresearch in shell scripts and pipes: stdin, --batch, clean stdout, NO_COLOR, config show,
doctor and resume. Research runs use the FakeLLM test hook (KRESEARCH_FAKE_LLM_SCRIPT) against
the loopback fixture site, so everything but the model is real."""
from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from fixture_site import site

from kresearch.runs import background_from_trace, load_resume
from kresearch.trace import read_trace

QUESTION = "What government position was held by the woman who portrayed Corliss Archer in Kiss and Tell?"
ANSI = re.compile(r"\x1b\[")


def step(action: str, **args) -> dict:
    return {"thought": f"next: {action}", "action": action, "args": args}


ANSWERED = [
    step("search", queries=["Kiss and Tell 1945 film Corliss Archer"]),
    step("open", source=1, page=1),
    step("search", queries=["Shirley Temple government position"]),
    step("open", source=3, page=1),
    step("answer", answer="Chief of Protocol of the United States"),
]


def research_env(tmp_path: Path, base_url: str, script: list) -> dict:
    path = tmp_path / f"script-{len(list(tmp_path.glob('script-*')))}.json"
    path.write_text(json.dumps(script))
    env = os.environ.copy()
    env.update(KRESEARCH_FAKE_LLM_SCRIPT=str(path), KRESEARCH_SEARCH="searxng", KRESEARCH_SEARXNG_URL=base_url,
               KRESEARCH_ALLOW_PRIVATE_URLS="1", KRESEARCH_DRAFT="0",      # scripts hold the steps only
               KRESEARCH_LAST_READING="0")
    env.pop("NO_COLOR", None)
    return env


def run(args: list[str], env: dict | None = None, stdin: bytes | None = None, timeout: float = 60):
    return subprocess.run([sys.executable, "-m", "kresearch", *args], input=stdin, capture_output=True,
                          timeout=timeout, env=env or os.environ.copy())


def test_question_piped_on_stdin_gives_clean_json(tmp_path):
    with site() as server:
        proc = run(["--format", "json"], research_env(tmp_path, server.base_url, ANSWERED), stdin=QUESTION.encode())
    assert proc.returncode == 0, proc.stderr
    assert not ANSI.search(proc.stdout.decode())
    assert proc.stderr == b""                     # not a terminal: no progress at all
    data = json.loads(proc.stdout)
    assert data["question"] == QUESTION and data["answer"] == "Chief of Protocol of the United States"
    assert data["stopped_because"] == "answered"
    assert Path(data["trace"]).parent == Path(os.environ["KRESEARCH_HOME"]) / "traces"


def test_format_text_is_just_the_answer_line(tmp_path):
    with site() as server:
        proc = run(["--format", "text", QUESTION], research_env(tmp_path, server.base_url, ANSWERED))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode() == "Chief of Protocol of the United States\n"


BATCH = f"# questions, one per line\n{QUESTION}\n\n{'why ' * 1250}\nWho played Corliss Archer in Kiss and Tell?\n"


@pytest.mark.parametrize("fmt", ["json", "md", "text"])
def test_batch_goes_on_after_a_bad_question(tmp_path, fmt):
    with site() as server:
        env = research_env(tmp_path, server.base_url, ANSWERED + ANSWERED)
        proc = run(["--batch", "--format", fmt], env, stdin=BATCH.encode(), timeout=120)
    out = proc.stdout.decode()
    assert proc.returncode == 2, proc.stderr          # the worst code: the bad question's
    assert not ANSI.search(out)
    assert "question 2" in proc.stderr.decode() and "limit" in proc.stderr.decode()
    if fmt == "json":
        rows = [json.loads(line) for line in out.splitlines()]
        assert [r["stopped_because"] for r in rows] == ["answered", "error", "answered"]
        assert "limit" in rows[1]["error"] and rows[1]["stats"]["steps"] == 0
        assert rows[2]["question"] == "Who played Corliss Archer in Kiss and Tell?"
        assert rows[0]["trace"] != rows[2]["trace"]
        assert [s["id"] for s in rows[2]["sources"] if s["cited"]] == [1, 2, 3]   # its own toolbox, from [1]
    elif fmt == "md":
        reports = out.split("\n---\n")
        assert len(reports) == 3
        assert "**Answer:** Chief of Protocol" in reports[0] and "**Answer:** Chief of Protocol" in reports[2]
        assert "**Error:**" in reports[1]
    else:
        assert out.splitlines() == ["Chief of Protocol of the United States", "",
                                    "Chief of Protocol of the United States"]


def test_batch_exit_code_is_the_worst_and_a_model_failure_does_not_stop_it(tmp_path):
    script = [{"fail": "the model crashed"}] + ANSWERED
    with site() as server:
        proc = run(["--batch", "-f", "json"], research_env(tmp_path, server.base_url, script),
                   stdin=f"{QUESTION}\n{QUESTION}\n".encode())
    rows = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [r["stopped_because"] for r in rows] == ["error", "answered"]
    assert rows[0]["error"] == "the model crashed"
    assert proc.returncode == 1


def test_batch_needs_questions(tmp_path):
    proc = run(["--batch"], stdin=b"# only a comment\n\n")
    assert proc.returncode == 2 and b"no questions" in proc.stderr


def test_no_color_in_a_terminal():
    """stderr/stdout in a terminal get colours, unless NO_COLOR is set."""
    def doctor_output(no_color: bool) -> str:
        env = os.environ.copy()
        env.pop("NO_COLOR", None)
        if no_color:
            env["NO_COLOR"] = "1"
        env["TERM"] = "xterm-256color"
        child = pexpect.spawn(sys.executable, ["-m", "kresearch", "doctor", "-m", "/nonexistent/m.gguf"],
                              env=env, encoding="utf-8", dimensions=(40, 200), timeout=60)
        child.expect(pexpect.EOF)
        return child.before

    colored, plain = doctor_output(False), doctor_output(True)
    color = re.compile(r"\x1b\[[0-9;]*(3[0-7]|9[0-7]|38;)")
    assert color.search(colored)
    assert "fail" in plain and not color.search(plain)


def test_config_show_precedence(kresearch_home):
    (kresearch_home / "config.toml").write_text('max_steps = 5\nseed = 1\nctx = 4096\nsearch = "none"\n')
    env = os.environ.copy()
    env.update(KRESEARCH_MAX_STEPS="7", KRESEARCH_SEED="2")
    proc = run(["config", "show", "--json", "--max-steps", "9"], env)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    s, origin = data["settings"], data["origin"]
    assert (s["max_steps"], origin["max_steps"]) == (9, "flag")
    assert (s["seed"], origin["seed"]) == (2, "KRESEARCH_SEED")
    assert (s["ctx"], origin["ctx"]) == (4096, str(kresearch_home / "config.toml"))
    assert (s["search"], origin["search"]) == ("none", str(kresearch_home / "config.toml"))
    assert origin["budget"] == "default"
    assert data["home"] == str(kresearch_home)
    table = run(["config", "show"], env)
    assert table.returncode == 0 and not ANSI.search(table.stdout.decode())
    assert re.search(r"^max_steps\s+7\s+KRESEARCH_MAX_STEPS$", table.stdout.decode(), re.M)
    assert re.search(r"^budget\s+0 \(automatic\)\s+default$", table.stdout.decode(), re.M)


def test_config_show_reports_a_broken_config_file(kresearch_home):
    (kresearch_home / "config.toml").write_text("max_steps = [\n")
    proc = run(["config", "show"])
    assert proc.returncode == 2 and b"config.toml" in proc.stderr


def test_doctor_fails_on_a_missing_model():
    proc = run(["doctor", "-m", "/nonexistent/model.gguf", "--search", "none"])
    out = proc.stdout.decode()
    assert proc.returncode == 1
    assert re.search(r"^check\s+status\s+detail\s+fix", out, re.M)
    assert re.search(r"^model\s+fail\s+.*not found", out, re.M)
    for name in ("llama.cpp", "search", "cache", "sandbox run"):
        assert re.search(rf"^{re.escape(name)}\s+(ok|warn|fail)\b", out, re.M), name
    assert not ANSI.search(out)


def gguf_bytes(meta: dict, pad_to: int = 1 << 20) -> bytes:
    def string(s: str) -> bytes:
        return struct.pack("<Q", len(s.encode())) + s.encode()

    body = b""
    for key, value in meta.items():
        body += string(key)
        if isinstance(value, str):
            body += struct.pack("<I", 8) + string(value)
        elif isinstance(value, int):
            body += struct.pack("<I", 4) + struct.pack("<I", value)
        else:  # a list of strings, or of int32
            if all(isinstance(v, str) for v in value):
                body += struct.pack("<IIQ", 9, 8, len(value)) + b"".join(string(v) for v in value)
            else:
                body += struct.pack("<IIQ", 9, 5, len(value)) + b"".join(struct.pack("<i", v) for v in value)
    data = b"GGUF" + struct.pack("<IQQ", 3, 1, len(meta)) + body
    return data + b"\0" * max(0, pad_to - len(data))


def test_doctor_reads_gguf_metadata_and_checks_searxng(tmp_path):
    model = tmp_path / "tiny.gguf"
    model.write_bytes(gguf_bytes({"general.architecture": "qwen2", "tokenizer.ggml.tokens": ["a", "b", "c"],
                                  "tokenizer.ggml.token_type": [1, 1, 3], "qwen2.context_length": 32768,
                                  "tokenizer.chat_template": "{% for m in messages %}{{ m.content }}{% endfor %}"}))
    no_template = tmp_path / "base.gguf"
    no_template.write_bytes(gguf_bytes({"general.architecture": "llama", "llama.context_length": 4096}))
    with site() as server:
        proc = run(["doctor", "-m", str(model), "--search", "searxng", "--searxng-url", server.base_url])
        base = run(["doctor", "-m", str(no_template), "--search", "searxng", "--searxng-url", server.base_url + "/nothing"])
    out = proc.stdout.decode()
    assert re.search(r"^model\s+ok\s+.*qwen2, trained context 32768\), chat template present", out, re.M), out
    assert re.search(r"^search\s+ok\s+SearXNG", out, re.M), out
    assert re.search(r"^cache\s+ok", out, re.M)
    assert proc.returncode == (1 if re.search(r"^\S+\s+fail", out, re.M) else 0)
    assert base.returncode == 1
    assert re.search(r"^model\s+fail\s+.*no chat template", base.stdout.decode(), re.M)
    assert re.search(r"^search\s+fail\s+.*HTTP 404", base.stdout.decode(), re.M)


def test_doctor_warns_about_a_model_not_downloaded_yet():
    proc = run(["doctor", "-m", "registry:qwen2.5-coder-0.5b", "--search", "none", "--json"])
    checks = {c["check"]: c for c in map(json.loads, proc.stdout.decode().splitlines())}
    assert checks["model"]["status"] == "warn" and "not downloaded" in checks["model"]["detail"]


LIMITED = [step("search", queries=["Kiss and Tell 1945 film Corliss Archer"]), step("open", source=1, page=1),
           step("search", queries=["Shirley Temple government position"]),
           step("answer", answer="Shirley Temple")]   # forced at step 4
ON_RESUME = [step("open", source=3, page=1), step("answer", answer="Chief of Protocol of the United States")]


def limited_run(tmp_path, server, env):
    first = run(["-f", "json", "--max-steps", "3", QUESTION], env(LIMITED))
    assert first.returncode == 3, first.stderr
    return Path(json.loads(first.stdout)["trace"])


def test_resume_continues_exactly_from_the_last_step(tmp_path):
    with site() as server:
        # verification off: the scripted placeholder answers are not what this test is about
        env = lambda script: {**research_env(tmp_path, server.base_url, script), "KRESEARCH_VERIFY": "0"}  # noqa: E731
        trace = limited_run(tmp_path, server, env)
        hits_before = dict(server.hits)
        # the script holds only what comes after step 3: steps 1-3 are the journal's outputs
        second = run(["resume", trace.stem, "-f", "json"], env(ON_RESUME))
    assert second.returncode == 0, second.stderr
    data = json.loads(second.stdout)
    assert data["question"] == QUESTION and data["stopped_because"] == "answered"
    assert data["answer"] == "Chief of Protocol of the United States"
    assert data["resumed_from"] == {"trace": trace.stem, "step": 3, "calls": 3, "replay_ended": None}
    assert data["stats"]["replayed_calls"] == 3 and data["trace"] != str(trace)
    old, new = read_trace(trace), read_trace(Path(data["trace"]))
    actions = lambda records: [(r["step"], r["action"], r["args"]) for r in records if r["event"] == "action"]  # noqa: E731
    assert actions(new)[:3] == actions(old)[:3]                         # the same history ...
    assert actions(new)[3] == (4, "open", {"source": 3, "page": 1})     # ... and then the model goes on
    assert [r.get("replayed", False) for r in new if r["event"] == "llm"][:4] == [True, True, True, False]
    assert new[0]["config"]["max_steps"] == 6                           # as many steps again as the run had
    assert server.hits["/wiki/Kiss_and_Tell_(1945_film)"] == hits_before["/wiki/Kiss_and_Tell_(1945_film)"] == 1


def test_resume_from_a_journal_cut_mid_line_or_that_no_longer_matches_the_web(tmp_path):
    with site() as server:
        env = lambda script: {**research_env(tmp_path, server.base_url, script), "KRESEARCH_VERIFY": "0"}  # noqa: E731
        trace = limited_run(tmp_path, server, env)
        lines = trace.read_text().splitlines(keepends=True)
        llm_lines = [i for i, line in enumerate(lines) if '"event": "llm"' in line]
        # killed while writing the record after the second model output: half a line at the end
        cut = tmp_path / "cut.jsonl"
        cut.write_text("".join(lines[:llm_lines[1] + 1]) + lines[llm_lines[1] + 1][:25])
        resumed = run(["resume", str(cut), "-f", "json"],
                      env([step("search", queries=["Shirley Temple government position"])] + ON_RESUME))
        data = json.loads(resumed.stdout)
        assert resumed.returncode == 0, resumed.stderr
        assert data["resumed_from"]["step"] == 2 and data["stats"]["replayed_calls"] == 2
        # a journal whose first observation differs from what the tools give now: the model takes
        # over at once (the recorded outputs would not fit what it sees)
        records = [json.loads(line) for line in lines]
        first_obs = next(r for r in records if r["event"] == "observation")
        first_obs["text"]["sha1"] = "0" * 16
        other = tmp_path / "other.jsonl"
        other.write_text("".join(json.dumps(r) + "\n" for r in records))
        diverged = run(["resume", str(other), "-f", "json"], env(LIMITED[1:3] + ON_RESUME))
    data = json.loads(diverged.stdout)
    assert diverged.returncode == 0, diverged.stderr
    assert "another result at step 1" in data["resumed_from"]["replay_ended"]
    assert data["stats"]["replayed_calls"] == 1


def test_resume_of_an_older_or_newer_journal(tmp_path):
    with site() as server:
        env = lambda script: {**research_env(tmp_path, server.base_url, script), "KRESEARCH_VERIFY": "0"}  # noqa: E731
        trace = limited_run(tmp_path, server, env)
    records = read_trace(trace)
    # an older journal (no format version, outputs cut at 2,000 characters): resumed from a summary
    del records[0]["journal_version"]
    older = tmp_path / "older.jsonl"
    older.write_text("".join(json.dumps(r) + "\n" for r in records))
    plan = load_resume(str(older), *_settings())
    assert plan.replay is None and plan.question == QUESTION and plan.max_steps == 3
    assert "stopped (unfinished)" in plan.background or "stopped (max steps)" in plan.background
    assert "'Kiss and Tell 1945 film Corliss Archer'" in plan.background
    assert "[1]" not in plan.background                 # numbers of the old run are dropped
    # a newer one: one line, exit 2
    records[0]["journal_version"] = 99
    newer = tmp_path / "newer.jsonl"
    newer.write_text("".join(json.dumps(r) + "\n" for r in records))
    proc = run(["resume", str(newer)])
    assert proc.returncode == 2 and b"newer kresearch" in proc.stderr and len(proc.stderr.splitlines()) == 1


def _settings():
    from kresearch.config import load_settings
    return load_settings({})


def test_resume_of_an_unknown_journal_is_bad_usage():
    proc = run(["resume", "no-such-run"])
    assert proc.returncode == 2 and b"no run journal" in proc.stderr


def test_background_from_a_journal_without_finish():
    records = [{"event": "start", "question": "q"},
               {"event": "action", "action": "search", "args": {"queries": ["a b"]}},
               {"event": "observation", "kind": "search", "summary": "1 query, 3 results"},
               {"event": "action", "action": "note", "args": {"text": "X is Y [2]"}}]
    text = background_from_trace(records)
    assert "stopped (unfinished)" in text and "searched: 'a b'" in text and "noted: X is Y" in text


def test_a_negative_passages_setting_is_bad_usage(kresearch_home):
    env = os.environ.copy()
    env.update(KRESEARCH_PASSAGES="-1")
    proc = run(["config", "show"], env)
    assert proc.returncode == 2 and b"passages must be 0 or more" in proc.stderr
    env.update(KRESEARCH_PASSAGES="0")
    assert json.loads(run(["config", "show", "--json"], env).stdout)["settings"]["passages"] == 0


def test_pages_refused_for_a_loopback_address_name_the_flag(tmp_path):
    """A local web without --allow-private-urls: the pages are refused (as they must be), and one
    stderr line says which flag reads them, even when stderr is not a terminal."""
    script = [step("search", queries=["Kiss and Tell 1945 film"]), step("open", source=1, page=1),
              step("answer", answer="Chief of Protocol")]
    env = research_env(tmp_path, "", script) | {"KRESEARCH_ALLOW_PRIVATE_URLS": "0"}
    with site() as server:
        env["KRESEARCH_SEARXNG_URL"] = server.base_url
        proc = run(["--format", "json", "--no-verify", QUESTION], env)
    data = json.loads(proc.stdout)
    refused = [s for s in data["sources"] if (s["error"] or "").startswith("refused:")]
    assert refused and not any(s["opened"] for s in data["sources"])
    warnings = [line for line in proc.stderr.decode().splitlines() if "warning" in line]
    assert len(warnings) == 1 and "--allow-private-urls" in warnings[0], proc.stderr
    with site() as server:      # allowed: no such line
        proc = run(["--format", "json", "--no-verify", QUESTION], research_env(tmp_path, server.base_url, script))
    assert b"--allow-private-urls" not in proc.stderr
