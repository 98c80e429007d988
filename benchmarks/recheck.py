#!/usr/bin/env python3
"""Recheck a stored agent run's citations with this checkout's code, without the model.

    python benchmarks/recheck.py benchmarks/runs/NAME \\
        --questions ../shared/offline-web/data/dev-questions.jsonl --searxng-url http://127.0.0.1:8765 \\
        [--limit N] [--no-trail] [--show all|changed]

For each question of <run>/agent.jsonl, the report's citations are recomputed from the texts of
the pages the run read (from the run's own cache or snapshots, <run>/kresearch-home) and its
answer, as the loop does: the quoted findings (answer/findings.py), the answer line's citations
and the comparison's facts. A run stored before the findings were quoted (model-written findings) is
thus rechecked as if it had quoted them. It prints the cited-source precision
(run.py's rule: a gold page, or a page whose text holds the answer) stored and rechecked, and
the citations each question gains or loses. `--no-trail` leaves out the rule that only sources
the question leads to may be cited.

The model is not re-run: the answer and the confidence are the stored ones, and a change that
would alter what the model does needs a real run. Run on a run made by this checkout's code,
the rechecked precision should equal the stored one (a check of this tool).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # noqa: E402  (benchmarks/run.py: scoring and the page fetcher)

from kresearch.agent.answer.findings import quoted_findings  # noqa: E402
from kresearch.agent.answer.verify import Evidence, answer_statements  # noqa: E402
from kresearch.cache import Cache  # noqa: E402
from kresearch.snapshots import SnapshotStore  # noqa: E402
from kresearch.tools.browser import CACHE_NAMESPACE  # noqa: E402
from kresearch.urls import normalize_url  # noqa: E402


def page_texts(cache: Cache, snapshots: SnapshotStore, sources: list[dict]) -> dict[int, str]:
    """The text of every source the run read, as the run read it: from the run's cache, or (a
    --no-cache run) from its snapshot store by the text's sha256."""
    texts = {}
    for s in sources:
        if not s.get("opened"):
            continue
        row = cache.get_json(CACHE_NAMESPACE, normalize_url(s["url"]))
        if isinstance(row, dict) and isinstance(row.get("text"), str):
            texts[s["id"]] = row["text"]
        elif s.get("sha256") and (text := snapshots.get(s["sha256"])) is not None:
            texts[s["id"]] = text
    return texts


def recheck(rec: dict, texts: dict[int, str], trail: bool) -> set[int]:
    """The sources the report would cite with this checkout's checks."""
    sources = rec.get("sources") or []
    answer = rec.get("answer") or ""
    ev = Evidence(question=rec["question"], answer=answer, plan=[], opened=texts,
                  unread_hints={s["id"]: f"{s['title']}. {s.get('snippet', '')}" for s in sources
                                if not s.get("opened") and not s.get("error")},
                  python_runs=0, python_enabled=False, titles={s["id"]: s["title"] for s in sources})
    compared = ev.decided()
    shown = (compared.quotes() if compared else
             [(sid, passage.quote) for sid, passage in answer_statements(ev, rec.get("confidence") or 0)])
    findings = quoted_findings(ev, ev.on_trail() if trail else set(texts), shown)
    return {sid for sid, _ in shown} | {sid for claim in findings for sid in claim.sources}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("run", type=Path)
    p.add_argument("--questions", type=Path, required=True)
    p.add_argument("--searxng-url", default="http://127.0.0.1:8765")
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--no-trail", action="store_true", help="leave out the question's-trail rule")
    p.add_argument("--show", choices=("all", "changed"), default="changed")
    args = p.parse_args(argv)
    questions = {q["id"]: q for q in bench.read_jsonl(args.questions)}
    records = bench.read_jsonl(args.run / "agent.jsonl")[:args.limit]
    fetch = bench.PageFetcher(args.searxng_url)
    totals = {"stored": [0, 0], "rechecked": [0, 0]}
    snapshots = SnapshotStore(args.run / "kresearch-home" / "snapshots")
    with Cache(args.run / "kresearch-home" / "cache") as cache:
        for rec in records:
            q = questions[rec["id"]]
            rec = {"question": q["question"], **rec}     # a run cut off by the timeout stored none
            by_id = {s["id"]: s for s in rec.get("sources") or []}
            stored = {sid for sid, s in by_id.items() if s.get("cited")}
            rechecked = recheck(rec, page_texts(cache, snapshots, list(by_id.values())), not args.no_trail)

            def good(sid: int) -> bool:
                return bench.cited_precision_counts([{**by_id[sid], "cited": True}], q["supporting_titles"],
                                                    q["answers"], fetch)[0] == 1

            for name, ids in (("stored", stored), ("rechecked", rechecked)):
                totals[name][0] += sum(good(sid) for sid in ids)
                totals[name][1] += len(ids)
            if args.show == "all" or stored != rechecked:
                mark = lambda ids: " ".join(f"{sid}{'+' if good(sid) else '-'}" for sid in sorted(ids)) or "none"
                print(f"{rec['id']}: answer={rec.get('answer', '')!r} gold={q['answers']} "
                      f"stored [{mark(stored)}] rechecked [{mark(rechecked)}]")
    for name, (good_n, cited_n) in totals.items():
        print(f"{name}: cited precision {good_n / cited_n if cited_n else float('nan'):.3f} ({good_n}/{cited_n})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
