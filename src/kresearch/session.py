"""Builds what a research run needs from Settings: cache, browser, search, model, agent.

Shared by the one-shot CLI, `--batch`, `resume`, the interactive session and the `tool`
subcommands, so every entry point applies the same network policy and cache.
"""
from __future__ import annotations

import json
import os
import secrets
import time
from pathlib import Path

from .agent.limits import STEP_MAX_TOKENS
from .agent.loop import Agent, AgentConfig
from .agent.toolbox import Toolbox
from .cache import Cache
from .config import Settings, home
from .errors import GenerationError, KResearchError, UsageError
from .llm.base import LLM, FakeLLM
from .snapshots import SnapshotStore
from .sources import SourceRegistry
from .tools.browser import Browser
from .tools.fetch import Fetcher, FetchPolicy
from .tools.localdocs import DocsIndex, IndexStats
from .tools.search import SearchService, WithDocs, make_backend
from .trace import Trace


class SearchUnavailable(KResearchError):
    """The configured search service does not answer (exit 1: retrying later may work)."""


class Session:
    def __init__(self, settings: Settings, llm: LLM | None = None):
        self.settings = settings
        self.home = home()
        self.cache = Cache(self.home / "cache", enabled=settings.cache)
        self.fetcher = Fetcher(FetchPolicy(allow_private=settings.allow_private_urls))
        self.browser = Browser(self.fetcher, self.cache, viewport_chars=settings.viewport_chars)
        backend = make_backend(settings.search, settings.searxng_url or None)
        self.search = None if settings.search == "none" else SearchService(backend, self.cache)
        self.docs = None
        if settings.docs_folders():         # your own documents beside (or instead of) the web
            self.docs = DocsIndex(self.home / "docs" / "index.sqlite3", settings.docs_folders())
            self.browser.local = self.docs
            self.search = SearchService(WithDocs(self.docs, self.search))
        self._llm = llm
        self.model_load_seconds = 0.0
        self.model_path: Path | None = None      # the resolved GGUF file, once loaded

    @property
    def llm_loaded(self) -> bool:
        return self._llm is not None

    def index_docs(self) -> IndexStats | None:
        """Bring the --docs index up to date (only what changed is read again)."""
        return self.docs.update() if self.docs is not None else None

    def check_search(self) -> None:
        """Fail fast, before the model loads, when a configured SearXNG cannot be reached."""
        if self.settings.search != "searxng":
            return
        import httpx

        url = self.settings.searxng_url
        try:
            httpx.get(url, timeout=3.0, follow_redirects=True)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol) as e:
            raise SearchUnavailable(f"SearXNG at {url} is unreachable ({type(e).__name__}: {e}); "
                                    "check --searxng-url or start the instance") from None
        except httpx.HTTPError:
            # It accepted the connection but was slow or broke off: a busy or flaky instance,
            # not a wrong URL. Research goes on; searches have their own retries.
            pass

    def llm(self, progress: bool = False) -> LLM:
        """The model, loaded on first use (llama_cpp is imported only here)."""
        if self._llm is None:
            fake = fake_llm_test_hook(self.settings.ctx)
            if fake is not None:
                self._llm = fake
                return fake
            start = time.perf_counter()
            if self.settings.model.startswith("openai:"):
                from .llm.server import ServerLLM

                s = self.settings
                self._llm = ServerLLM(s.model.removeprefix("openai:"), s.base_url, s.api_key, n_ctx=s.ctx, seed=s.seed)
                self.model_load_seconds = time.perf_counter() - start
                return self._llm
            from .llm.llamacpp import LlamaCppLLM
            from .llm.models import resolve_model

            path = resolve_model(self.settings.model, self.home / "models", progress=progress)
            self._llm = LlamaCppLLM(path, n_ctx=self.settings.ctx, seed=self.settings.seed,
                                    state_dir=self.home / "kv" if self.settings.cache else None,
                                    repack=self.settings.repack, repack_verdicts=self.home / "repack.json")
            self.model_path = path
            self.model_load_seconds = time.perf_counter() - start
        return self._llm

    def budget(self, llm: LLM) -> int:
        room = llm.n_ctx - STEP_MAX_TOKENS
        budget = self.settings.budget or room
        if budget > room:
            raise UsageError(f"--budget {budget} does not fit the model context of {llm.n_ctx} tokens with "
                             f"{STEP_MAX_TOKENS} left for output; use --budget {room} or less, or raise --ctx")
        if budget < 1024:
            raise UsageError(f"--budget {budget} is too small to research in; use at least 1024")
        return budget

    def new_trace_path(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        return self.home / "traces" / f"{stamp}-{secrets.token_hex(3)}.jsonl"

    def toolbox(self) -> Toolbox:
        """Tools with a fresh source registry. Pass it to `agent` again for a follow-up question
        that should reuse what was found (sources keep their numbers, opened pages stay read)."""
        return Toolbox(self.search, self.browser, SourceRegistry(), python_enabled=self.settings.python,
                       viewport_chars=self.settings.viewport_chars, passages=self.settings.passages,
                       snapshots=SnapshotStore(self.home / "snapshots"))

    def agent(self, llm: LLM, toolbox: Toolbox | None = None) -> Agent:
        s = self.settings
        toolbox = toolbox or self.toolbox()
        toolbox.new_run()
        config = AgentConfig(max_steps=s.max_steps, max_time=s.max_time, budget=self.budget(llm),
                             temperature=s.temperature, verify=s.verify, mode=s.mode, draft=s.draft,
                             last_reading=s.last_reading,
                             agents=s.agents or (4 if s.model.startswith("openai:") else 1), length=s.length)
        return Agent(llm, toolbox, toolbox.sources, config, Trace(self.new_trace_path()))

    def close(self) -> None:
        self.fetcher.close()
        self.cache.close()
        if self.docs is not None:
            self.docs.close()
        if self._llm is not None and hasattr(self._llm, "close"):
            self._llm.close()


# -- test hook ---------------------------------------------------------------------------------

FAKE_LLM_ENV = "KRESEARCH_FAKE_LLM_SCRIPT"


def fake_llm_test_hook(n_ctx: int = 8192) -> LLM | None:
    """TEST HOOK, not a feature: when KRESEARCH_FAKE_LLM_SCRIPT names a JSON file holding a list
    of FakeLLM outputs, every entry point (one-shot, --batch, resume, repl) uses a FakeLLM that
    replays them instead of loading a model, so the CLI can be tested end to end in a
    subprocess or a pseudo-terminal. This is the only place the variable is read.

    Items: a string (raw model output), a dict (a JSON action), or two special dicts:
    {"sleep": SECONDS} makes the *next* call sleep that long before returning the item after it
    (to interrupt a run mid-research), and {"fail": "message"} makes that call raise
    GenerationError (a model failure).
    """
    path = os.environ.get(FAKE_LLM_ENV)
    if not path:
        return None
    try:
        items = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise UsageError(f"{FAKE_LLM_ENV}: cannot read {path}: {e}") from e
    if not isinstance(items, list):
        raise UsageError(f"{FAKE_LLM_ENV}: {path} must hold a JSON list")
    script: list = []
    delay = 0.0
    for item in items:
        if isinstance(item, dict) and set(item) == {"sleep"}:
            delay += float(item["sleep"])
            continue
        if isinstance(item, dict) and set(item) == {"fail"}:
            script.append(_failing(str(item["fail"]), delay))
        elif delay:
            script.append(_delayed(item, delay))
        else:
            script.append(item)
        delay = 0.0
    return FakeLLM(script, n_ctx=n_ctx)


def _delayed(item, seconds: float):
    def output(messages):
        time.sleep(seconds)
        return item
    return output


def _failing(message: str, seconds: float):
    def output(messages):
        time.sleep(seconds)
        raise GenerationError(message)
    return output
