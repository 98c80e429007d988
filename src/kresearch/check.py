"""`kresearch check RUN_OR_JSON`: re-verify a saved report's citations against its snapshots.

Every sentence the report kept with a citation is checked again, offline, against the text the
run read from the sources it cites (the snapshot store, snapshots.py): the same support check
the run applied (evidence.union_support over the cited sources together; for the answer line,
whether a cited source states the answer). With `refetch`, every cited source is fetched again
(same network policy as a run) and its text compared with the snapshot: unchanged, changed, or
vanished. Library code: returns a CheckReport; the CLI prints it.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from .agent.evidence import SUPPORTED, states_answer, union_support
from .errors import ToolError, UsageError
from .runs import find_trace
from .snapshots import SnapshotStore, digest
from .trace import read_trace


@dataclass
class ClaimCheck:
    text: str
    sources: list[int]
    status: str                  # supported | unsupported | no snapshot
    score: float | None = None


@dataclass
class SourceCheck:
    id: int
    url: str
    status: str                  # unchanged | changed | vanished | no snapshot
    detail: str = ""


@dataclass
class CheckReport:
    question: str
    claims: list[ClaimCheck] = field(default_factory=list)
    sources: list[SourceCheck] = field(default_factory=list)   # with refetch only

    @property
    def ok(self) -> bool:
        return all(c.status == "supported" for c in self.claims) and all(
            s.status == "unchanged" for s in self.sources)

    def as_json(self) -> dict:
        return {"question": self.question, "ok": self.ok, "claims": [asdict(c) for c in self.claims],
                "sources": [asdict(s) for s in self.sources]}

    def lines(self) -> list[str]:
        out = [f"# {self.question}"] if self.question else []
        for c in self.claims:
            marks = "".join(f"[{n}]" for n in c.sources)
            score = f" (support {c.score:.2f})" if c.score is not None and c.status != "supported" else ""
            out.append(f"{c.status:11} {marks} {c.text}{score}")
        counts = {status: sum(c.status == status for c in self.claims)
                  for status in ("supported", "unsupported", "no snapshot")}
        out.append(f"{len(self.claims)} cited sentence(s): {counts['supported']} supported by the snapshots, "
                   f"{counts['unsupported']} not, {counts['no snapshot']} without a snapshot")
        for s in self.sources:
            out.append(f"{s.status:11} [{s.id}] {s.url}{(': ' + s.detail) if s.detail else ''}")
        if self.sources:
            changed = sum(s.status != "unchanged" for s in self.sources)
            out.append(f"{len(self.sources)} cited source(s) refetched: {changed} changed or gone since the run")
        return out


def load_result(run_or_json: str) -> dict:
    """A saved result: a `--format json` file, or a run's journal (path or id), whose last
    `finish` record carries the question, sources and claims."""
    path = Path(run_or_json).expanduser()
    if path.is_file() and path.suffix != ".jsonl":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise UsageError(f"{path} is not a kresearch JSON result: {e}") from None
    else:
        records = read_trace(find_trace(run_or_json))
        data = next((r for r in reversed(records) if r.get("event") == "finish"), None)
        if data is None:
            raise UsageError(f"the run {run_or_json!r} has not finished: nothing to check (resume it first)")
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list) or "claims" not in data:
        raise UsageError(f"{run_or_json} has no sources and claims to check (a result of an older version?)")
    return data


def local_text(url: str) -> str:
    """The current text of a local document's part (a `file://…?page=N` source): the file read
    and split as the index splits it. Only its hash is compared; nothing of it is printed."""
    from .tools.localdocs import KINDS, parse_file_url, read_parts

    path, key = parse_file_url(url)
    if path.suffix.lower() not in KINDS:
        raise ToolError(f"not a document kind kresearch reads: {path.suffix}")
    try:
        body = path.read_bytes()
    except OSError as e:
        raise ToolError(f"cannot read {path}: {e.strerror or e}") from None
    found = next((part for part in read_parts(path, body)[1] if part.key == key), None)
    if found is None:
        raise ToolError(f"{path} has no {key.replace('=', ' ')} any more")
    return found.text


def check_result(data: dict, store: SnapshotStore,
                 refetch: Callable[[str], str] | None = None) -> CheckReport:
    """Re-verify `data` (a result) against `store`; with `refetch(url) -> text` (raising
    ToolError when the page cannot be read), compare each cited source with its snapshot."""
    sources = {int(s["id"]): s for s in data.get("sources", []) if isinstance(s, dict) and "id" in s}
    texts: dict[int, str | None] = {}

    def snapshot(sid: int) -> str | None:
        if sid not in texts:
            sha = (sources.get(sid) or {}).get("sha256")
            texts[sid] = store.get(sha) if sha else None
        return texts[sid]

    report = CheckReport(question=str(data.get("question", "")))
    for claim in data.get("claims") or []:
        cited = [int(n) for n in claim.get("sources") or []]
        if not cited:
            continue                                  # removed by the run: not in the report
        read = [snapshot(n) for n in cited]
        text = str(claim.get("text", ""))
        if any(t is None for t in read):
            report.claims.append(ClaimCheck(text, cited, "no snapshot"))
            continue
        if claim.get("answer"):
            ok = any(states_answer(text, t) for t in read)
            report.claims.append(ClaimCheck(text, cited, "supported" if ok else "unsupported"))
            continue
        score = union_support(text, read).score
        report.claims.append(ClaimCheck(text, cited, "supported" if score >= SUPPORTED else "unsupported",
                                        round(score, 3)))
    if refetch is not None:
        for sid in sorted({n for c in report.claims for n in c.sources}):
            source = sources.get(sid) or {}
            url, sha = str(source.get("url", "")), source.get("sha256")
            try:
                now = refetch(url)
            except ToolError as e:
                report.sources.append(SourceCheck(sid, url, "vanished", str(e)))
                continue
            if not sha:
                report.sources.append(SourceCheck(sid, url, "no snapshot"))
            elif digest(now) == sha:
                report.sources.append(SourceCheck(sid, url, "unchanged"))
            else:
                old = snapshot(sid)
                still = [c for c in report.claims if sid in c.sources and union_support(c.text, [now]).score >= SUPPORTED]
                detail = f"the text differs from the snapshot of {source.get('fetched_at') or 'the run'}"
                if old is not None:
                    detail += f"; {len(still)} of {sum(sid in c.sources for c in report.claims)} sentence(s) citing it " \
                              "are still supported by the page alone"
                report.sources.append(SourceCheck(sid, url, "changed", detail))
    return report
