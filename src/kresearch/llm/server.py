"""An OpenAI-compatible chat server as the model: llama-server, llama-cpp-python's server, vLLM,
Ollama, LM Studio. The same `LLM` interface as the in-process model (`-m openai:MODEL
--base-url URL`).

What differs between servers is found out once, by asking the server, not configured:

- **Constraint.** llama.cpp servers (llama-server, llama-cpp-python) take our own GBNF grammar
  (`grammar`), so every action parses, as in-process. Other servers get the JSON schema as
  OpenAI structured output (`response_format` `json_schema`: vLLM, Ollama, LM Studio). If a
  server refuses that field, the call is repeated without it; the caller parses either way,
  and an unparseable step is reported to the model and retried by the loop, never a crash.
- **Token counts.** The server's own tokenizer: llama-server `/tokenize` (and
  `/apply-template` for the exact chat prompt), llama-cpp-python `/extras/tokenize`, vLLM
  `/tokenize` (with the chat messages). Without one (Ollama, LM Studio), counts are
  over-estimates (a token per 3 characters, plus the template's few tokens per message), said
  by `token_counts == "estimated"`; the context manager's budget then holds with room to spare.
- **Failures.** Connection refused, a timeout before the first token, HTTP 429 and 5xx are
  retried with backoff (1, 2, 4 s, or the server's Retry-After), within the call's deadline;
  then one line (`ServerError`, exit 4). HTTP 401/403 and an unknown model are said at once.

`prompt_tokens_evaluated` comes from llama-server's timings or vLLM's cached-token count where
the server reports them, else it is the whole prompt.
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Iterator

import httpx

from ..errors import ServerError, UsageError
from .base import Completion, Message, drain
from .grammar import schema_to_gbnf

RETRIES = 3
BACKOFF = (1.0, 2.0, 4.0)
CONNECT_TIMEOUT = 5.0
CHARS_PER_TOKEN = 3            # an over-estimate for English text with common tokenizers
TEMPLATE_TOKENS_PER_MESSAGE = 8
PROBE_TEXT = "kresearch counts tokens"


@dataclass
class ServerInfo:
    kind: str                  # llama-server | llama-cpp-python | vllm | openai-compatible
    models: list[str]
    n_ctx: int | None          # the server's context window, when it says
    tokenizer: str             # llama-server | llama-cpp-python | vllm | estimated
    constraint: str            # grammar | json_schema | none


def api_url(base_url: str) -> str:
    """The /v1 root of an OpenAI-compatible server from what a user may type."""
    base = base_url.strip().rstrip("/")
    if not base.lower().startswith(("http://", "https://")):
        raise UsageError(f"--base-url must be an http(s) URL, not {base_url!r}")
    for suffix in ("/chat/completions", "/completions"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
    return base if base.endswith("/v1") else base + "/v1"


class ServerLLM:
    def __init__(self, model: str, base_url: str, api_key: str = "", n_ctx: int = 8192, seed: int = 0,
                 timeout: float = 600.0):
        if not model:
            raise UsageError("openai: needs a model name, e.g. -m openai:qwen2.5-7b-instruct")
        self.model = model
        self.name = f"openai:{model}"
        self.api = api_url(base_url)
        self.root = self.api[: -len("/v1")]
        self.seed = seed
        self.timeout = timeout
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.Client(headers=headers, timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT))
        self._counts: dict[str, int] = {}
        self.cut_answers = 0       # answers the server ended without a finish reason (_stream_once)
        self.info = self._probe()
        self.n_ctx = min(n_ctx, self.info.n_ctx) if self.info.n_ctx else n_ctx
        self.token_counts = "estimated" if self.info.tokenizer == "estimated" else "server"

    # -- discovery ---------------------------------------------------------------------------

    def _get(self, url: str) -> httpx.Response | None:
        try:
            return self.client.get(url, timeout=httpx.Timeout(10.0, connect=CONNECT_TIMEOUT))
        except httpx.HTTPError:
            return None

    def _post_json(self, url: str, body: dict) -> dict | None:
        try:
            r = self.client.post(url, json=body, timeout=httpx.Timeout(30.0, connect=CONNECT_TIMEOUT))
            return r.json() if r.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            return None

    def _probe(self) -> ServerInfo:
        try:
            r = self.client.get(f"{self.api}/models", timeout=httpx.Timeout(15.0, connect=CONNECT_TIMEOUT))
        except httpx.ConnectError as e:
            raise ServerError(f"cannot reach the model server at {self.api}: {_reason(e)}; start it or check "
                              "--base-url (KRESEARCH_BASE_URL)") from None
        except httpx.HTTPError as e:
            raise ServerError(f"the model server at {self.api} did not answer: {_reason(e)}") from None
        _raise_for_auth(r, self.api)
        body = _json(r) if r.status_code == 200 else None
        listing = body.get("data") if isinstance(body, dict) and isinstance(body.get("data"), list) else []
        models = [str(m.get("id")) for m in listing if isinstance(m, dict)]
        owners = {str(m.get("owned_by", "")).lower() for m in listing if isinstance(m, dict)}
        n_ctx = next((int(m["max_model_len"]) for m in listing if isinstance(m, dict)
                      and isinstance(m.get("max_model_len"), int)), None)
        kind = "openai-compatible"
        props = self._get(f"{self.root}/props")
        props_json = _json(props) if props is not None and props.status_code == 200 else None
        if isinstance(props_json, dict) and "default_generation_settings" in props_json:
            kind = "llama-server"
            n_ctx = (props_json.get("default_generation_settings") or {}).get("n_ctx") or n_ctx
        elif "vllm" in owners:
            kind = "vllm"
        tokenizer = "estimated"
        if kind == "llama-server" and "tokens" in (self._post_json(f"{self.root}/tokenize", {"content": PROBE_TEXT}) or {}):
            tokenizer = "llama-server"
        elif "tokens" in (self._post_json(f"{self.root}/extras/tokenize", {"input": PROBE_TEXT}) or {}):
            kind = tokenizer = "llama-cpp-python"
        elif kind != "llama-server" and "count" in (self._post_json(
                f"{self.root}/tokenize", {"model": self.model, "prompt": PROBE_TEXT}) or {}):
            kind = tokenizer = "vllm"
        constraint = "grammar" if kind in ("llama-server", "llama-cpp-python") else "json_schema"
        return ServerInfo(kind=kind, models=models, n_ctx=int(n_ctx) if n_ctx else None, tokenizer=tokenizer,
                          constraint=constraint)

    # -- tokens ------------------------------------------------------------------------------

    def count_tokens(self, text: str) -> int:
        if text in self._counts:
            return self._counts[text]
        n = None
        tok = self.info.tokenizer
        if tok == "llama-server":
            n = _length((self._post_json(f"{self.root}/tokenize", {"content": text}) or {}).get("tokens"))
        elif tok == "llama-cpp-python":
            n = _length((self._post_json(f"{self.root}/extras/tokenize", {"input": text}) or {}).get("tokens"))
        elif tok == "vllm":
            n = (self._post_json(f"{self.root}/tokenize", {"model": self.model, "prompt": text,
                                                           "add_special_tokens": False}) or {}).get("count")
        if not isinstance(n, int):
            n = -(-len(text) // CHARS_PER_TOKEN)
        if len(self._counts) > 4096:
            self._counts.clear()
        self._counts[text] = n
        return n

    def count_prompt(self, messages: list[Message]) -> int:
        """The chat prompt's length: exact where the server renders its template for us
        (llama-server /apply-template, vLLM /tokenize with messages), else the contents plus the
        template's tokens per message."""
        key = json.dumps(messages, sort_keys=True)
        if key in self._counts:
            return self._counts[key]
        n = None
        if self.info.tokenizer == "llama-server":
            rendered = (self._post_json(f"{self.root}/apply-template", {"messages": messages}) or {}).get("prompt")
            n = self.count_tokens(rendered) if isinstance(rendered, str) else None
        elif self.info.tokenizer == "vllm":
            n = (self._post_json(f"{self.root}/tokenize", {"model": self.model, "messages": messages,
                                                           "add_generation_prompt": True}) or {}).get("count")
        if not isinstance(n, int):
            n = sum(self.count_tokens(m["content"]) + TEMPLATE_TOKENS_PER_MESSAGE for m in messages) + 3
        self._counts[key] = n
        return n

    # -- generation --------------------------------------------------------------------------

    def _constraint(self, schema: dict | None) -> dict:
        if schema is None or self.info.constraint == "none":
            return {}
        if self.info.constraint == "grammar":
            return {"grammar": schema_to_gbnf(schema)}
        return {"response_format": {"type": "json_schema",
                                    "json_schema": {"name": "kresearch_step", "schema": schema}}}

    def complete(self, messages: list[Message], *, schema: dict | None = None, max_tokens: int = 256,
                 stop: list[str] | None = None, temperature: float = 0.2,
                 deadline: float | None = None) -> Completion:
        return drain(self.stream(messages, schema=schema, max_tokens=max_tokens, stop=stop,
                                 temperature=temperature, deadline=deadline))

    def stream(self, messages: list[Message], *, schema: dict | None = None, max_tokens: int = 256,
               stop: list[str] | None = None, temperature: float = 0.2,
               deadline: float | None = None) -> Iterator[str]:
        start = time.perf_counter()
        for attempt in range(RETRIES + 1):
            body = {"model": self.model, "messages": messages, "max_tokens": max_tokens,
                    "temperature": temperature, "seed": self.seed, "stream": True,
                    "stream_options": {"include_usage": True}, **self._constraint(schema)}
            if stop:
                body["stop"] = stop
            text: list[str] = []
            try:
                state = yield from self._stream_once(body, text, deadline)
            except _Retry as retry:
                if text:           # broke off mid-answer: what came is kept, as at a deadline
                    return self._completion(messages, "".join(text), {}, "length", start)
                wait = retry.after if retry.after is not None else BACKOFF[min(attempt, len(BACKOFF) - 1)]
                if deadline is not None and time.monotonic() + wait >= deadline:
                    return self._completion(messages, "", {}, "time", start)   # the deadline comes first
                if attempt == RETRIES:
                    raise ServerError(f"the model server at {self.api} failed: {retry.reason} "
                                      f"(after {attempt + 1} attempts)") from None
                time.sleep(wait)
                continue
            except _Refused as refused:
                constrained = "grammar" in body or "response_format" in body
                if constrained and (refused.status == 422 or _CONSTRAINT_WORDS.search(str(refused))):
                    # the server does not take this kind of constraint: the next kind, then none
                    self.info.constraint = "json_schema" if "grammar" in body else "none"
                    continue
                raise ServerError(f"the model server at {self.api} refused the request: {refused}") from None
            return self._completion(messages, "".join(text), state, state.get("finish", "stop"), start)
        raise ServerError(f"the model server at {self.api} failed")   # not reached

    def _stream_once(self, body: dict, text: list[str], deadline: float | None):
        """One streamed request; yields text pieces, returns usage/timings/finish. Raises _Retry
        for what backoff may fix and _Refused for a request the server will not take."""
        state: dict = {}
        read = self.timeout if deadline is None else max(0.5, min(self.timeout, deadline - time.monotonic()))
        try:
            with self.client.stream("POST", f"{self.api}/chat/completions", json=body,
                                    timeout=httpx.Timeout(read, connect=CONNECT_TIMEOUT)) as r:
                if r.status_code != 200:
                    r.read()
                    self._status_error(r)
                for line in r.iter_lines():
                    if deadline is not None and time.monotonic() >= deadline:
                        state["finish"] = "time"
                        return state
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    chunk = _loads(data)
                    if chunk is None:
                        continue
                    if chunk.get("error"):
                        raise _Retry(str(chunk["error"])[:200])
                    for key in ("usage", "timings"):
                        if chunk.get(key):
                            state[key] = chunk[key]
                    for choice in chunk.get("choices") or []:
                        piece = (choice.get("delta") or {}).get("content") or ""
                        if piece:
                            text.append(piece)
                            yield piece
                        if choice.get("finish_reason"):
                            state["finish"] = "length" if choice["finish_reason"] == "length" else "stop"
        except httpx.TimeoutException as e:
            if deadline is not None and time.monotonic() >= deadline - 0.5:
                state["finish"] = "time"
                return state
            raise _Retry(f"timed out ({_reason(e)})") from None
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as e:
            raise _Retry(_reason(e)) from None
        if text and "finish" not in state:
            # Every OpenAI-compatible server says why an answer ended. One that stops without
            # saying was cut short: llama-cpp-python's server does this (`[DONE]` mid-answer) to
            # serve another request when requests overlap (its interrupt_requests, on by default).
            state["finish"] = "length"
            self.cut_answers += 1
        return state

    def _status_error(self, r: httpx.Response) -> None:
        _raise_for_auth(r, self.api)
        detail = _detail(r)
        if r.status_code == 404 and "model" in detail.lower():
            served = f"; it serves: {', '.join(self.info.models)}" if self.info.models else ""
            raise UsageError(f"the model server at {self.api} has no model {self.model!r}{served}")
        if r.status_code == 429 or r.status_code >= 500:
            after = r.headers.get("retry-after", "")
            raise _Retry(f"HTTP {r.status_code} {detail}".strip(),
                         after=float(after) if after.replace(".", "", 1).isdigit() else None)
        raise _Refused(f"HTTP {r.status_code} {detail}".strip(), r.status_code)

    def _completion(self, messages: list[Message], text: str, state: dict, finish: str, start: float) -> Completion:
        usage, timings = state.get("usage") or {}, state.get("timings") or {}
        prompt = usage.get("prompt_tokens") or self.count_prompt(messages)
        cached = (usage.get("prompt_tokens_details") or {}).get("cached_tokens")
        if isinstance(timings.get("prompt_n"), int):
            evaluated = timings["prompt_n"]
        elif isinstance(cached, int):
            evaluated = prompt - cached
        else:
            evaluated = prompt
        produced = usage.get("completion_tokens") or (self.count_tokens(text) if text else 0)
        return Completion(text=text, prompt_tokens=prompt, prompt_tokens_evaluated=evaluated,
                          completion_tokens=produced, seconds=time.perf_counter() - start, finish_reason=finish)

    def close(self) -> None:
        self.client.close()


class _Retry(Exception):
    def __init__(self, reason: str, after: float | None = None):
        super().__init__(reason)
        self.reason, self.after = reason, after


class _Refused(Exception):
    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


# a refusal that names the constraint field (or a schema the server cannot compile)
_CONSTRAINT_WORDS = re.compile(r"grammar|response_format|json_schema|schema|guided", re.I)


def _raise_for_auth(r: httpx.Response, api: str) -> None:
    if r.status_code in (401, 403):
        raise ServerError(f"the model server at {api} refused the API key (HTTP {r.status_code}); "
                          "set KRESEARCH_API_KEY")


def _reason(e: Exception) -> str:
    text = str(e) or type(e).__name__
    if "refused" in text.lower():
        return "connection refused"
    return text.splitlines()[0][:160]


def _detail(r: httpx.Response) -> str:
    data = _json(r)
    if isinstance(data, dict):
        err = data.get("error", data.get("detail", ""))
        if isinstance(err, dict):
            err = err.get("message", "")
        return " ".join(str(err).split())[:200]
    return " ".join(r.text.split())[:200]


def _json(r: httpx.Response):
    try:
        return r.json()
    except ValueError:
        return None


def _loads(data: str) -> dict | None:
    try:
        out = json.loads(data)
    except ValueError:
        return None
    return out if isinstance(out, dict) else None


def _length(tokens) -> int | None:
    return len(tokens) if isinstance(tokens, list) else None
