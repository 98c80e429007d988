"""Settings: command-line flags > KRESEARCH_* environment > config.toml > defaults.

`KRESEARCH_HOME` moves everything the tool writes (cache, traces, models, config) to one
directory; tests use it so they never touch the user's files.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from .errors import UsageError
from .llm.models import DEFAULT_MODEL
from .llm.repack import MODES as REPACK_MODES

SEARCH_BACKENDS = ("ddgs", "searxng", "none")
FORMATS = ("md", "json", "text")


@dataclass
class Settings:
    model: str = DEFAULT_MODEL
    ctx: int = 8192                 # model context window
    budget: int = 0                 # prompt token budget; 0 = ctx minus room for one step's output
    max_steps: int = 0              # 0 = automatic: 12 for a short answer, two searches per aspect for a report
    max_time: float = 600.0
    search: str = "ddgs"
    searxng_url: str = ""
    allow_private_urls: bool = False
    python: bool = True
    verify: bool = True             # plan first and check answers against the sources read
    cache: bool = True
    seed: int = 0
    temperature: float = 0.2
    viewport_chars: int = 2000
    passages: int = 4               # top search results shown with a passage read from the page; 0 = snippets only
    draft: bool = True              # short answers: a one-shot answer after the first search, kept if research finds nothing better
    last_reading: bool = True       # short answers: after research, every page read asked once more in one call
    repack: str = "auto"            # llama.cpp weight repacking: auto (off where AMX crashes), on, off
    mode: str = "auto"              # answer (short checked answer), report (sectioned report), auto (from the question)
    agents: int = 0                 # report sub-agents at once; 0 = 1 in-process, 4 on a model server
    length: str = "medium"          # reports: short, medium or long
    docs: str = ""                  # folders of your own documents to search and cite (os.pathsep between them)
    base_url: str = ""              # OpenAI-compatible server for -m openai:MODEL (llama-server, vLLM, Ollama ...)
    api_key: str = ""               # its API key, if it wants one (best kept in KRESEARCH_API_KEY, not on the command line)

    def docs_folders(self) -> list[Path]:
        """The --docs folders (`docs` holds them separated by os.pathsep)."""
        return [Path(p).expanduser() for p in self.docs.split(os.pathsep) if p.strip()]

    def validate(self) -> None:
        if self.search not in SEARCH_BACKENDS:
            raise UsageError(f"unknown search backend {self.search!r}; choose {', '.join(SEARCH_BACKENDS)}")
        if self.search == "searxng" and not self.searxng_url:
            raise UsageError("--search searxng needs --searxng-url URL (or KRESEARCH_SEARXNG_URL)")
        if self.max_steps < 0:
            raise UsageError("--max-steps must be 0 (automatic) or more")
        for name in ("ctx", "viewport_chars"):
            if getattr(self, name) <= 0:
                raise UsageError(f"--{name.replace('_', '-')} must be positive")
        if self.max_time <= 0:
            raise UsageError("--max-time must be positive")
        if self.budget < 0:
            raise UsageError("--budget must be positive")
        if self.agents < 0:
            raise UsageError("--agents must be 0 (automatic) or more")
        if self.passages < 0:
            raise UsageError("passages must be 0 or more")
        if self.mode not in ("auto", "answer", "report"):
            raise UsageError(f"unknown mode {self.mode!r}; choose auto, answer or report")
        for folder in self.docs_folders():
            if not folder.is_dir():
                raise UsageError(f"--docs {folder}: no such folder")
        if self.length not in ("short", "medium", "long"):
            raise UsageError(f"unknown length {self.length!r}; choose short, medium or long")
        if self.model.startswith("openai:") and not self.base_url:
            raise UsageError("-m openai:MODEL needs the server's address: --base-url URL (or KRESEARCH_BASE_URL)")
        if self.repack not in REPACK_MODES:
            raise UsageError(f"repack must be one of {', '.join(REPACK_MODES)}, not {self.repack!r}")


def home() -> Path:
    env = os.environ.get("KRESEARCH_HOME")
    if env:
        return Path(env).expanduser()
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "kresearch"


def config_path() -> Path:
    if os.environ.get("KRESEARCH_HOME"):
        return home() / "config.toml"
    return Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "kresearch" / "config.toml"


def _coerce(name: str, value: object, kind: type) -> object:
    if kind is bool and isinstance(value, str):
        if value.lower() in ("1", "true", "yes", "on"):
            return True
        if value.lower() in ("0", "false", "no", "off"):
            return False
        raise UsageError(f"{name} must be true or false, not {value!r}")
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise UsageError(f"{name} must be {kind.__name__}, not {value!r}") from None


def load_settings(flags: dict[str, object]) -> tuple[Settings, dict[str, str]]:
    """Effective settings and, for each field, where its value came from."""
    settings, origin = Settings(), {f.name: "default" for f in fields(Settings)}
    kinds = {f.name: type(getattr(settings, f.name)) for f in fields(Settings)}
    path = config_path()
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise UsageError(f"cannot read {path}: {e}") from e
        for key, value in data.items():
            name = key.replace("-", "_")
            if name not in kinds:
                raise UsageError(f"{path}: unknown setting {key!r}")
            setattr(settings, name, _coerce(key, value, kinds[name]))
            origin[name] = str(path)
    for name, kind in kinds.items():
        env = f"KRESEARCH_{name.upper()}"
        if env in os.environ:
            setattr(settings, name, _coerce(env, os.environ[env], kind))
            origin[name] = env
    for name, value in flags.items():
        if value is not None:
            setattr(settings, name, _coerce(name, value, kinds[name]))
            origin[name] = "flag"
    settings.validate()
    return settings, origin
