"""Interactive sessions on disk: `home()/sessions/<id>.json`, written after every turn.

    {"version": 1, "id": str, "created": float, "updated": float,
     "settings": {...},                      # the Settings the session ran with
     "turns": [RunResult JSON, ...],         # question, answer, report, sources, stats, trace
     "sources": [Source JSON, ...],          # the session's source registry (ids, urls, titles, opened)
     "pages_seen": {"3": [1, 2], ...}}       # viewport pages of each source the model was shown

Opened pages are not stored here: they are in the page cache, and a resumed session re-reads
them from it when needed.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from .config import home
from .errors import UsageError
from .sources import SourceRegistry

VERSION = 1
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$")


def sessions_dir() -> Path:
    return home() / "sessions"


def new_session_id() -> str:
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"


@dataclass
class SavedSession:
    id: str
    settings: dict
    turns: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    pages_seen: dict[str, list[int]] = field(default_factory=dict)
    created: float = field(default_factory=time.time)
    updated: float = 0.0

    @property
    def path(self) -> Path:
        return sessions_dir() / f"{self.id}.json"

    def as_json(self) -> dict:
        return {"version": VERSION, "id": self.id, "created": self.created, "updated": self.updated,
                "settings": self.settings, "turns": self.turns, "sources": self.sources,
                "pages_seen": self.pages_seen}


def save(saved: SavedSession) -> Path:
    """Write the session atomically (a crash never leaves half a file); directory 0700, file 0600."""
    directory = sessions_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    saved.updated = time.time()
    path = saved.path
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(saved.as_json(), f, ensure_ascii=False)
    os.replace(tmp, path)
    return path


def list_sessions() -> list[Path]:
    """Saved sessions, oldest first."""
    directory = sessions_dir()
    if not directory.is_dir():
        return []
    return sorted(directory.glob("*.json"), key=lambda p: (p.stat().st_mtime, p.name))


def load(session_id: str | None) -> SavedSession:
    """The saved session `session_id` (a file stem or a path), or the latest when None."""
    if session_id is None:
        found = list_sessions()
        if not found:
            raise UsageError(f"no saved sessions in {sessions_dir()}; start one with kresearch repl")
        path = found[-1]
    elif Path(session_id).suffix == ".json" and Path(session_id).expanduser().is_file():
        path = Path(session_id).expanduser()
    else:
        if not _ID.match(session_id):
            raise UsageError(f"invalid session id {session_id!r}")
        path = sessions_dir() / f"{session_id}.json"
        if not path.is_file():
            raise UsageError(f"no saved session {session_id!r} in {sessions_dir()}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise ValueError("unknown format")
        return SavedSession(id=str(data["id"]), settings=dict(data.get("settings") or {}),
                            turns=list(data.get("turns") or []), sources=list(data.get("sources") or []),
                            pages_seen={str(k): list(v) for k, v in (data.get("pages_seen") or {}).items()},
                            created=float(data.get("created") or 0), updated=float(data.get("updated") or 0))
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise UsageError(f"cannot read the saved session {path}: {e}") from e


def restore_registry(sources: list[dict]) -> SourceRegistry:
    """A registry with the saved sources under their saved numbers."""
    registry = SourceRegistry()
    for item in sorted(sources, key=lambda s: int(s.get("id", 0))):
        source = registry.add(str(item["url"]), str(item.get("title") or ""), str(item.get("snippet") or ""))
        if source.id != int(item["id"]):
            raise UsageError(f"the saved source registry is inconsistent at [{item['id']}]")
        source.opened = bool(item.get("opened"))
        source.cited = bool(item.get("cited"))
        source.error = item.get("error")
        source.quotes = list(item.get("quotes") or [])
        source.sha256, source.fetched_at = item.get("sha256"), item.get("fetched_at")
    return registry
