"""The model interface the agent talks to, and a scripted fake for tests.

A backend renders chat messages with the model's own chat template, counts tokens with the
model's own tokenizer, and generates text, optionally constrained by a JSON schema (turned
into a grammar by the backend) so that every action the model writes parses.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Iterable, Iterator, Protocol

Message = dict  # {"role": "system" | "user" | "assistant", "content": str}


@dataclass
class Completion:
    text: str
    prompt_tokens: int            # length of the prompt
    prompt_tokens_evaluated: int  # tokens actually computed (the rest came from the KV cache)
    completion_tokens: int
    seconds: float
    finish_reason: str            # "stop" | "length" | "time" (cut off at the deadline)


class LLM(Protocol):
    name: str
    n_ctx: int

    def count_tokens(self, text: str) -> int: ...

    def count_prompt(self, messages: list[Message]) -> int:
        """Exact token length of the rendered prompt for these messages."""
        ...

    def complete(self, messages: list[Message], *, schema: dict | None = None, max_tokens: int = 256,
                 stop: list[str] | None = None, temperature: float = 0.2,
                 deadline: float | None = None) -> Completion:
        """Generate a reply. `deadline` is a `time.monotonic()` value: the call ends by then
        (give or take one prompt chunk or one token) with what it has, finish_reason "time"."""
        ...

    def stream(self, messages: list[Message], *, schema: dict | None = None, max_tokens: int = 256,
               stop: list[str] | None = None, temperature: float = 0.2,
               deadline: float | None = None) -> Iterator[str]:
        """Like complete, yielding the text as it is generated; returns the Completion."""
        ...


def drain(pieces: Iterator[str]) -> Completion:
    """Run a `stream` generator to its end and return its Completion: `complete` for a backend
    that streams anyway."""
    while True:
        try:
            next(pieces)
        except StopIteration as done:
            return done.value


class FakeLLM:
    """Replays scripted outputs, one per call, for testing the logic around the model.

    Each script item is a string, a dict (serialised as JSON: an action), or a callable that
    receives the messages and returns either. Token counts are whitespace words, and prefix
    reuse is simulated the way llama.cpp does it (longest common prefix with the last prompt),
    so the stats the agent reports can be tested. `seconds_per_call` makes every call take that
    long (a slow model), unless its deadline comes first: then it returns nothing, cut off.
    """

    name = "fake"

    def __init__(self, script: Iterable, n_ctx: int = 8192, seconds_per_call: float = 0.0):
        self.script = list(script)
        self.n_ctx = n_ctx
        self.seconds_per_call = seconds_per_call
        self.calls: list[list[Message]] = []
        self.schemas: list[dict | None] = []
        self._last_prompt: list[str] = []

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def _render(self, messages: list[Message]) -> list[str]:
        words: list[str] = []
        for m in messages:
            words += [f"<{m['role']}>"] + m["content"].split()
        return words

    def count_prompt(self, messages: list[Message]) -> int:
        return len(self._render(messages))

    def complete(self, messages, *, schema=None, max_tokens=256, stop=None, temperature=0.2,
                 deadline=None) -> Completion:
        start = time.perf_counter()
        self.calls.append([dict(m) for m in messages])
        self.schemas.append(schema)
        if not self.script:
            raise AssertionError("FakeLLM ran out of scripted outputs")
        item = self.script.pop(0)
        if callable(item):
            item = item(messages)
        text = json.dumps(item) if isinstance(item, dict) else str(item)
        finish = "length" if len(text.split()) >= max_tokens else "stop"
        if self.seconds_per_call:
            done = time.monotonic() + self.seconds_per_call
            if deadline is not None and deadline < done:
                time.sleep(max(0.0, deadline - time.monotonic()))
                text, finish = "", "time"
            else:
                time.sleep(self.seconds_per_call)
        prompt = self._render(messages)
        prefix = 0
        for a, b in zip(prompt, self._last_prompt):
            if a != b:
                break
            prefix += 1
        self._last_prompt = prompt
        return Completion(text=text, prompt_tokens=len(prompt), prompt_tokens_evaluated=len(prompt) - prefix,
                          completion_tokens=len(text.split()), seconds=time.perf_counter() - start,
                          finish_reason=finish)

    def stream(self, messages, *, schema=None, max_tokens=256, stop=None, temperature=0.2,
               deadline=None) -> Iterator[str]:
        completion = self.complete(messages, schema=schema, max_tokens=max_tokens, stop=stop,
                                   temperature=temperature, deadline=deadline)
        for word in completion.text.split(" "):
            yield word + " "
        return completion
