"""-m openai:MODEL --base-url URL: the agent on an OpenAI-compatible server.

The main path runs against a real server (llama-cpp-python's own, with the 0.5B test model,
tests/model_server.py); failure handling (refused connections, 429/5xx with backoff, a server
that refuses a constraint field) against small real HTTP servers on loopback."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from fixture_site import site
from http_fixture import free_port, serve_server
from model_server import model_server

from kresearch.agent.actions import parse_step, step_schema
from kresearch.errors import ServerError
from kresearch.llm import server as server_mod
from kresearch.llm.server import ServerLLM, api_url


@pytest.fixture(scope="module")
def server_url(test_model_path):
    with model_server(test_model_path) as url:
        yield url


@pytest.mark.model
def test_a_real_server_counts_with_its_tokenizer_and_every_step_parses(server_url, test_model_path):
    import llama_cpp

    llm = ServerLLM("test-model", server_url)
    assert llm.info.kind == "llama-cpp-python" and llm.info.constraint == "grammar"
    assert llm.token_counts == "server"
    vocab = llama_cpp.Llama(model_path=str(test_model_path), vocab_only=True, verbose=False)
    text = "Shirley Temple served as Chief of Protocol of the United States."
    exact = len(vocab.tokenize(text.encode(), add_bos=False, special=True))
    assert abs(llm.count_tokens(text) - exact) <= 1           # the server may add its BOS
    messages = [{"role": "system", "content": "You research questions. Reply with one JSON action."},
                {"role": "user", "content": "Question: Who played Corliss Archer in Kiss and Tell?"}]
    assert llm.count_prompt(messages) >= sum(llm.count_tokens(m["content"]) for m in messages)
    schema = step_schema(["search", "answer"])
    out = llm.complete(messages, schema=schema, max_tokens=80, temperature=0.0)
    step = parse_step(out.text, ["search", "answer"])          # the grammar held: it parses
    assert step.action in ("search", "answer")
    assert out.prompt_tokens > 0 and out.completion_tokens > 0 and out.finish_reason in ("stop", "length")
    pieces = list(llm.stream(messages, max_tokens=8, temperature=0.0))
    assert pieces and all(isinstance(p, str) for p in pieces)
    llm.close()


@pytest.mark.model
def test_a_question_end_to_end_through_the_server(server_url, tmp_path):
    with site() as web:
        env = {**os.environ, "KRESEARCH_HOME": str(tmp_path / "home"), "KRESEARCH_DRAFT": "1"}
        proc = subprocess.run(
            [sys.executable, "-m", "kresearch", "-m", "openai:test-model", "--base-url", server_url,
             "--search", "searxng", "--searxng-url", web.base_url, "--allow-private-urls", "--max-steps", "4",
             "--format", "json", "--no-cache", "Who played Corliss Archer in Kiss and Tell?"],
            capture_output=True, timeout=600, env=env)
    assert proc.returncode in (0, 3), proc.stderr.decode()[-2000:]
    data = json.loads(proc.stdout)
    assert data["stats"]["llm_calls"] >= 1 and data["stats"]["searches"] >= 1    # the first reading at least
    assert data["stopped_because"] in ("answered", "max_steps", "max_time")
    read = {s["id"] for s in data["sources"] if s["opened"]}
    assert {s["id"] for s in data["sources"] if s["cited"]} <= read     # no citation of a page not read


def test_an_unreachable_server_is_one_line_and_exit_4(tmp_path):
    port = free_port()     # nothing listens there
    env = {**os.environ, "KRESEARCH_HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "kresearch", "-m", "openai:some-model", "--base-url",
                           f"http://127.0.0.1:{port}/v1", "--search", "none", "Who is it?"],
                          capture_output=True, timeout=60, env=env)
    assert proc.returncode == 4
    err = proc.stderr.decode().strip()
    assert err.count("\n") == 0 and "connection refused" in err and f"127.0.0.1:{port}" in err
    assert proc.stdout == b""


def test_openai_without_a_base_url_is_bad_usage(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "KRESEARCH_BASE_URL"} | {"KRESEARCH_HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "kresearch", "-m", "openai:m", "Who?"], capture_output=True,
                          timeout=60, env=env)
    assert proc.returncode == 2 and b"--base-url" in proc.stderr


def test_the_api_key_is_never_shown(tmp_path):
    env = {**os.environ, "KRESEARCH_HOME": str(tmp_path), "KRESEARCH_API_KEY": "sk-secret-123"}
    proc = subprocess.run([sys.executable, "-m", "kresearch", "config", "show", "--json"], capture_output=True,
                          timeout=60, env=env)
    assert proc.returncode == 0 and b"sk-secret-123" not in proc.stdout
    assert json.loads(proc.stdout)["settings"]["api_key"] == "(set, not shown)"


def test_api_url_accepts_what_users_type():
    assert api_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080/v1"
    assert api_url("http://127.0.0.1:8080/v1/") == "http://127.0.0.1:8080/v1"
    assert api_url("http://h:11434/v1/chat/completions") == "http://h:11434/v1"


# -- a scripted server on loopback: status codes and refusals --------------------------------

def sse(text: str) -> bytes:
    chunks = [{"choices": [{"delta": {"content": piece}, "finish_reason": None}]}
              for piece in re.findall(r"\S+\s*", text)]
    chunks.append({"choices": [{"delta": {}, "finish_reason": "stop"}],
                   "usage": {"prompt_tokens": 12, "completion_tokens": 3}})
    return b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks) + b"data: [DONE]\n\n"


def scripted(replies: list, seen: list):
    """/v1/chat/completions answering each request with the next reply: a status code, or text."""
    def route(handler):
        seen.append(json.loads(handler.body()))
        reply = replies.pop(0) if replies else "done"
        if isinstance(reply, int):
            message = "response_format is not supported" if reply == 400 else f"status {reply}"
            handler.send(reply, {"Content-Type": "application/json", "Retry-After": "0"},
                         json.dumps({"error": {"message": message}}).encode())
        else:
            handler.send(200, {"Content-Type": "text/event-stream"}, sse(reply))
    return route


MODELS = (200, {"Content-Type": "application/json"}, json.dumps({"data": [{"id": "m", "owned_by": "x"}]}).encode())


def test_429_and_5xx_are_retried_then_the_answer_comes(monkeypatch):
    monkeypatch.setattr(server_mod, "BACKOFF", (0.01, 0.01, 0.01))
    seen: list = []
    with serve_server({"/v1/models": MODELS, "/v1/chat/completions": scripted([429, 503, "it works"], seen)}) as srv:
        llm = ServerLLM("m", srv.base_url)
        assert llm.token_counts == "estimated" and llm.info.constraint == "json_schema"
        out = llm.complete([{"role": "user", "content": "hi"}])
    assert out.text == "it works" and len(seen) == 3
    assert out.prompt_tokens == 12 and out.prompt_tokens_evaluated == 12 and out.completion_tokens == 3


def test_a_server_that_keeps_failing_is_a_server_error(monkeypatch):
    monkeypatch.setattr(server_mod, "BACKOFF", (0.01, 0.01, 0.01))
    seen: list = []
    with serve_server({"/v1/models": MODELS, "/v1/chat/completions": scripted([500] * 10, seen)}) as srv:
        llm = ServerLLM("m", srv.base_url)
        with pytest.raises(ServerError, match="HTTP 500") as failed:
            llm.complete([{"role": "user", "content": "hi"}])
    assert failed.value.exit_code == 4 and len(seen) == server_mod.RETRIES + 1


def test_a_refused_constraint_is_dropped_and_the_output_still_comes():
    seen: list = []
    with serve_server({"/v1/models": MODELS, "/v1/chat/completions": scripted([400, '{"a": 1}'], seen)}) as srv:
        llm = ServerLLM("m", srv.base_url)
        out = llm.complete([{"role": "user", "content": "hi"}], schema={"type": "object"})
    assert "response_format" in seen[0] and "response_format" not in seen[1]
    assert out.text == '{"a": 1}' and llm.info.constraint == "none"


def test_a_wrong_key_is_said_at_once():
    denied = (401, {"Content-Type": "application/json"}, b'{"error": "bad key"}')
    with serve_server({"/v1/models": denied}) as srv:
        with pytest.raises(ServerError, match="API key"):
            ServerLLM("m", srv.base_url, api_key="nope")


def test_doctor_checks_the_server_and_generates_through_it(monkeypatch, tmp_path):
    from kresearch.doctor import run_checks

    monkeypatch.setenv("KRESEARCH_HOME", str(tmp_path))
    seen: list = []
    with serve_server({"/v1/models": MODELS, "/v1/chat/completions": scripted(["OK"], seen)}) as srv:
        checks = {c.name: c for c in run_checks({"model": "openai:m", "base_url": srv.base_url, "search": "none"})}
    assert checks["server"].status == "ok" and "JSON schema" in checks["server"].detail
    assert "estimated" in checks["server"].detail
    assert checks["inference"].status == "ok" and "'OK'" in checks["inference"].detail
    assert "llama.cpp" not in checks                          # nothing local is loaded for a server
    refused = {c.name: c for c in run_checks({"model": "openai:m", "base_url": f"http://127.0.0.1:{free_port()}",
                                              "search": "none"})}
    assert refused["server"].status == "fail" and "connection refused" in refused["server"].detail


def test_a_bad_request_that_is_not_about_the_constraint_keeps_the_constraint():
    too_long = (400, {"Content-Type": "application/json"},
                b'{"error": {"message": "the request exceeds the available context size"}}')
    with serve_server({"/v1/models": MODELS, "/v1/chat/completions": too_long}) as srv:
        llm = ServerLLM("m", srv.base_url)
        with pytest.raises(ServerError, match="context size"):
            llm.complete([{"role": "user", "content": "hi"}], schema={"type": "object"})
    assert llm.info.constraint == "json_schema"



def cut_short(text: str):
    """/v1/chat/completions as llama-cpp-python's server answers when another request waits
    (interrupt_requests): the text so far, then `[DONE]` with no finish reason."""
    chunks = [{"choices": [{"delta": {"content": piece}, "finish_reason": None}]}
              for piece in re.findall(r"\S+\s*", text)]
    body = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks) + b"data: [DONE]\n\n"
    return lambda handler: handler.send(200, {"Content-Type": "text/event-stream"}, body)


def test_an_answer_ended_without_a_finish_reason_is_taken_as_cut_short():
    with serve_server({"/v1/models": MODELS, "/v1/chat/completions": cut_short("The first half of")}) as srv:
        llm = ServerLLM("m", srv.base_url)
        out = llm.complete([{"role": "user", "content": "hi"}])
    assert out.text == "The first half of" and out.finish_reason == "length" and llm.cut_answers == 1
    seen: list = []
    with serve_server({"/v1/models": MODELS, "/v1/chat/completions": scripted(["a whole answer"], seen)}) as srv:
        llm = ServerLLM("m", srv.base_url)
        out = llm.complete([{"role": "user", "content": "hi"}])
    assert out.finish_reason == "stop" and llm.cut_answers == 0


def test_a_run_says_when_the_server_cut_answers_short(tmp_path):
    answer = json.dumps({"thought": "t", "action": "answer", "args": {"answer": "Shirley Temple"}})
    with serve_server({"/v1/models": MODELS, "/v1/chat/completions": cut_short(answer)}) as srv, site() as web:
        env = {**os.environ, "KRESEARCH_HOME": str(tmp_path / "home")}
        proc = subprocess.run(
            [sys.executable, "-m", "kresearch", "-m", "openai:m", "--base-url", srv.base_url, "--search", "searxng",
             "--searxng-url", web.base_url, "--allow-private-urls", "--max-steps", "2", "--no-cache",
             "--format", "json", "Who played Corliss Archer in Kiss and Tell?"], capture_output=True, timeout=120, env=env)
    assert proc.returncode in (0, 3), proc.stderr.decode()[-2000:]
    records = [json.loads(line) for line in open(json.loads(proc.stdout)["trace"])]
    cut = [r for r in records if r.get("event") == "server_cut_answers"]     # also said on stderr
    assert cut and cut[0]["count"] >= 1 and "--interrupt_requests False" in cut[0]["message"]
