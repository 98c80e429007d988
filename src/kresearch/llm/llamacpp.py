"""llama-cpp-python backend: the model runs in this process, on the GPU when the installed
llama.cpp has a GPU backend, else on the CPU's physical cores.

Prefix reuse: llama.cpp keeps the KV cache of the longest common token prefix between the
last prompt and the new one, so the agent keeps earlier messages byte-identical and only new
tokens are computed. We measure that prefix before each call to report
`prompt_tokens_evaluated` honestly.
"""
from __future__ import annotations

import ctypes
import hashlib
import json
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import GenerationError, ModelError, UsageError
from .base import Completion, Message, drain
from .grammar import schema_to_gbnf
from .models import gguf_context_length
from .sampling import install as install_grammar_checked_sampling


def physical_cores() -> int:
    """Physical cores (llama.cpp is slower on hyper-threads); falls back to the logical count."""
    try:
        cores = set()
        block: dict[str, str] = {}
        for line in Path("/proc/cpuinfo").read_text().splitlines() + [""]:
            if not line.strip():
                if "core id" in block:
                    cores.add((block.get("physical id", "0"), block["core id"]))
                block = {}
            elif ":" in line:
                key, _, value = line.partition(":")
                block[key.strip()] = value.strip()
        if cores:
            return len(cores)
    except OSError:
        pass
    return max(1, os.cpu_count() or 1)


_LOAD_LOCK = threading.Lock()
PREFILL_CHUNK = 256          # prompt tokens evaluated between deadline checks (~4 s for 1.5B on 2 cores)


@contextmanager
def _repacking(llama_cpp, repack: bool):
    """While inside, llama.cpp models load with `use_extra_bufts = repack`. `Llama(...)` has no
    keyword for it: it starts from `llama_model_default_params()`, which we wrap meanwhile."""
    lib = llama_cpp.llama_cpp
    original = lib.llama_model_default_params

    def params():
        p = original()
        if any(name == "use_extra_bufts" for name, *_ in type(p)._fields_):  # absent before llama.cpp b6xxx
            p.use_extra_bufts = repack
        return p

    with _LOAD_LOCK:
        lib.llama_model_default_params = params
        try:
            yield
        finally:
            lib.llama_model_default_params = original


def load_llama(model_path: Path, *, repack: bool, **kwargs):
    """A `llama_cpp.Llama` loaded with weight repacking on or off (see llm/repack.py)."""
    import llama_cpp

    with _repacking(llama_cpp, repack):
        return llama_cpp.Llama(model_path=str(model_path), verbose=False, **kwargs)


class LlamaCppLLM:
    def __init__(self, model_path: Path, n_ctx: int = 8192, n_threads: int | None = None,
                 gpu: bool | None = None, seed: int = 0, state_dir: Path | None = None,
                 repack: str = "auto", repack_verdicts: Path | None = None):
        try:
            import llama_cpp
        except ImportError as e:  # pragma: no cover - depends on the install
            raise ModelError(f"llama-cpp-python is not installed ({e}); pip install llama-cpp-python") from e
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        from . import repack as repacking

        self._llama_cpp = llama_cpp
        if gpu is None:
            gpu = bool(llama_cpp.llama_supports_gpu_offload())
        self.gpu = gpu
        self.n_threads = n_threads or physical_cores()
        trained = gguf_context_length(Path(model_path))
        if trained and n_ctx > trained:  # checked before llama.cpp allocates a KV cache that big
            raise UsageError(f"--ctx {n_ctx} is larger than the {trained} tokens {Path(model_path).name} was "
                             f"trained for; use --ctx {trained} or less")
        # Decided before loading: on some AMX CPUs the repacked weights crash the first evaluation.
        self.repack = repacking.resolve(repack, Path(model_path), self.n_threads, repack_verdicts)
        try:
            self.llama = load_llama(Path(model_path), repack=self.repack.repack, n_ctx=n_ctx,
                                    n_threads=self.n_threads, n_threads_batch=self.n_threads,
                                    n_gpu_layers=-1 if gpu else 0, n_batch=512, seed=seed)
        except Exception as e:  # llama.cpp reports load failures as ValueError with little detail
            raise ModelError(f"cannot load model {model_path}: {e}; is it a complete GGUF file?") from e
        install_grammar_checked_sampling(self.llama)
        self.name = Path(model_path).name
        self.n_ctx = self.llama.n_ctx()
        self.seed = seed
        template = self.llama.metadata.get("tokenizer.chat_template")
        if not template:
            raise ModelError(f"{self.name} has no chat template in its metadata; use an instruct/chat GGUF")
        model = self.llama._model
        eos_id, bos_id = self.llama.token_eos(), self.llama.token_bos()
        self.eos_token = model.token_get_text(eos_id) if eos_id != -1 else ""
        self.bos_token = model.token_get_text(bos_id) if bos_id != -1 else ""
        self.formatter = Jinja2ChatFormatter(template=template, eos_token=self.eos_token,
                                             bos_token=self.bos_token, stop_token_ids=[eos_id])
        self._grammars: dict[str, object] = {}
        self._calls = 0
        self.state_dir = state_dir
        st = Path(model_path).stat()
        self._model_id = f"{Path(model_path).resolve()}:{st.st_size}:{st.st_mtime_ns}:{llama_cpp.__version__}:{self.n_ctx}:{self.repack.repack}"

    # -- tokens -----------------------------------------------------------------------------

    def count_tokens(self, text: str) -> int:
        return len(self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def _render(self, messages: list[Message]) -> tuple[list[int], list[str]]:
        rendered = self.formatter(messages=messages)
        prompt = rendered.prompt
        # Templates that write the BOS token themselves must not get a second one.
        add_bos = not (self.bos_token and prompt.startswith(self.bos_token))
        # special=True parses the template's role markers; page text cannot forge them because
        # the browser strips special-token strings from everything it returns.
        tokens = self.llama.tokenize(prompt.encode("utf-8"), add_bos=add_bos, special=True)
        stop = rendered.stop if isinstance(rendered.stop, list) else ([rendered.stop] if rendered.stop else [])
        return tokens, stop

    def count_prompt(self, messages: list[Message]) -> int:
        return len(self._render(messages)[0])

    # -- generation -------------------------------------------------------------------------

    def _grammar(self, schema: dict):
        key = json.dumps(schema, sort_keys=True)
        if key not in self._grammars:
            self._grammars[key] = self._llama_cpp.LlamaGrammar.from_string(schema_to_gbnf(schema), verbose=False)
        return self._grammars[key]

    def complete(self, messages: list[Message], *, schema: dict | None = None, max_tokens: int = 256,
                 stop: list[str] | None = None, temperature: float = 0.2,
                 deadline: float | None = None) -> Completion:
        return drain(self.stream(messages, schema=schema, max_tokens=max_tokens, stop=stop,
                                 temperature=temperature, deadline=deadline))

    def stream(self, messages: list[Message], *, schema: dict | None = None, max_tokens: int = 256,
               stop: list[str] | None = None, temperature: float = 0.2,
               deadline: float | None = None) -> Iterator[str]:
        """Yield the text as it is generated; the generator's return value is the Completion.
        Past `deadline` (time.monotonic()) it stops between prompt chunks or tokens."""
        tokens, template_stop = self._render(messages)
        if len(tokens) + max_tokens > self.n_ctx:
            raise GenerationError(f"prompt of {len(tokens)} tokens + {max_tokens} to generate exceeds the "
                                  f"model context of {self.n_ctx}; lower --budget or raise --ctx")
        start = time.perf_counter()
        warm_evaluated = self._warm_start(messages, tokens, deadline)
        cached = self.llama.input_ids[: self.llama.n_tokens].tolist()
        prefix = self._llama_cpp.Llama.longest_token_prefix(cached, tokens)
        prefix = min(prefix, len(tokens) - 1)  # llama.cpp always re-evaluates the last token
        self._calls += 1
        evaluated = len(tokens) - max(prefix, 0) + warm_evaluated
        text, finish = "", "stop"
        try:
            if not self._prefill(tokens, prefix, deadline):
                return Completion(text="", prompt_tokens=len(tokens), prompt_tokens_evaluated=evaluated,
                                  completion_tokens=0, seconds=time.perf_counter() - start, finish_reason="time")
            for chunk in self.llama.create_completion(
                    prompt=tokens, max_tokens=max_tokens, temperature=temperature, top_p=0.9,
                    repeat_penalty=1.0, stop=(stop or []) + template_stop,
                    seed=self.seed + self._calls,  # reproducible, yet a resample differs
                    grammar=self._grammar(schema) if schema else None, stream=True):
                choice = chunk["choices"][0]
                if choice["text"]:
                    text += choice["text"]
                    yield choice["text"]
                finish = choice.get("finish_reason") or finish
                if deadline is not None and time.monotonic() > deadline and not choice.get("finish_reason"):
                    finish = "time"
                    break
        except (KeyboardInterrupt, GenerationError):
            raise
        except Exception as e:
            raise GenerationError(f"generation failed: {e}") from e
        # Streaming reports no usage: the tokens generated are those past the prompt in the cache.
        generated = max(0, self.llama.n_tokens - len(tokens))
        return Completion(text=text, prompt_tokens=len(tokens), prompt_tokens_evaluated=evaluated,
                          completion_tokens=generated or self.count_tokens(text),
                          seconds=time.perf_counter() - start, finish_reason=finish)

    def _prefill(self, tokens: list[int], prefix: int, deadline: float | None) -> bool:
        """Evaluate the prompt past the cached prefix in chunks, so a deadline can stop a long
        prefill (minutes for a full context on a CPU) between chunks. The last token is left to
        create_completion, which then finds everything before it cached. False: out of time."""
        if deadline is None:
            return True
        llama = self.llama
        if llama.n_tokens > prefix:            # drop the cached tail that differs from this prompt
            llama._ctx.kv_cache_seq_rm(-1, prefix, -1)
            llama.n_tokens = prefix
        for begin in range(prefix, len(tokens) - 1, PREFILL_CHUNK):
            if time.monotonic() > deadline:
                return False
            llama.eval(tokens[begin: min(begin + PREFILL_CHUNK, len(tokens) - 1)])
        return time.monotonic() <= deadline

    # -- system prompt state on disk ----------------------------------------------------------

    def _warm_start(self, messages: list[Message], tokens: list[int], deadline: float | None = None) -> int:
        """On a cold context, restore the KV state of the system prompt saved by an earlier run
        (the prompt is identical from run to run), or compute and save it. Saves the whole
        system prompt's prefill, seconds per run on a CPU. Returns the tokens computed here."""
        if self.state_dir is None or self.llama.n_tokens > 0 or not messages or messages[0]["role"] != "system":
            return 0
        # The system prompt's tokens: the common prefix with a prompt that has only it in common.
        probe, _ = self._render([messages[0], {"role": "user", "content": "\u2063"}])
        n = min(self._llama_cpp.Llama.longest_token_prefix(probe, tokens), len(tokens) - 1)
        if n < 32:
            return 0
        prefix = tokens[:n]
        key = hashlib.sha256(f"{self._model_id}:{prefix}".encode()).hexdigest()[:32]
        path = self.state_dir / f"{key}.kv"
        lib, ctx = self._llama_cpp, self.llama._ctx.ctx
        if path.exists():
            out = (lib.llama_token * n)()
            count = ctypes.c_size_t(0)
            if lib.llama_state_seq_load_file(ctx, str(path).encode(), 0, out, n, ctypes.byref(count)) and \
                    count.value == n and list(out) == prefix:
                self.llama.input_ids[:n] = prefix
                self.llama.n_tokens = n
                self.llama._requires_eval = True   # logits are not part of the state: re-decode the last token
                return 0
            self.llama.reset()
            self.llama._ctx.kv_cache_clear()
            path.unlink(missing_ok=True)            # unreadable or stale: rebuilt below
        for begin in range(0, n, PREFILL_CHUNK):       # in chunks, so a deadline can stop it
            if deadline is not None and time.monotonic() > deadline:
                return begin                            # out of time: evaluated so far, not saved
            self.llama.eval(prefix[begin:begin + PREFILL_CHUNK])
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            if lib.llama_state_seq_save_file(ctx, str(tmp).encode(), 0, (lib.llama_token * n)(*prefix), n):
                tmp.replace(path)
        except OSError:
            pass  # a read-only home only costs speed
        return n
