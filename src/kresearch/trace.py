"""Run journal: one JSON object per line, flushed as it goes, so an interrupted run still
leaves a complete record of what happened up to that point."""
from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import IO


def digest(text: str, keep: int = 200) -> dict:
    """A compact, checkable stand-in for a long text: its hash, length and first characters."""
    return {"sha1": hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:16],
            "chars": len(text), "head": text[:keep]}


class Trace:
    def __init__(self, path: Path | None):
        self.path = path
        self._file: IO[str] | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = path.open("a", encoding="utf-8")

    def write(self, event: str, **fields) -> None:
        if self._file is None:
            return
        record = {"t": round(time.time(), 3), "event": event, **fields}
        self._file.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def read_trace(path: Path) -> list[dict]:
    records = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError:
                    break  # a line cut short by a crash ends the usable journal
    return records
