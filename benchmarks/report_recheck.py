#!/usr/bin/env python3
"""Recheck the sentences of stored reports with this checkout's support check, without the model.

    python benchmarks/report_recheck.py benchmarks/runs/NAME/agent --out /tmp/now.jsonl
    PYTHONPATH=/tmp/old/src python benchmarks/report_recheck.py benchmarks/runs/NAME/agent --out /tmp/old.jsonl
    python benchmarks/report_recheck.py --diff /tmp/old.jsonl /tmp/now.jsonl

Every sentence the writer checked (kept or removed: the report JSON's claims, with the sources
it cited) is scored again by `evidence.union_support` over the cited pages, fetched again from
the offline web and extracted as the agent extracts them. One line per sentence: report id,
sentence, cited sources, score and whether it is supported. `--diff` lists the sentences whose
verdict differs between two such files (run once per version of the code: PYTHONPATH picks the
version), so a change to the support check is judged on real sentences before a run.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def claims(report: dict):
    """(sentence, cited source ids) of every checked sentence of a report JSON."""
    for claim in report.get("claims") or []:
        yield claim["text"], list(claim.get("sources") or []) + list(claim.get("dropped_sources") or [])


def agent_text(url: str, cache: dict[str, str | None]) -> str | None:
    """The page's text as the agent reads it (its extractor, headings and links kept)."""
    import httpx

    from kresearch.tools.extract import extract
    from kresearch.tools.fetch import FetchedPage

    if url not in cache:
        try:
            r = httpx.get(url, timeout=20)
            page = FetchedPage(url=url, status=r.status_code, charset=r.charset_encoding,
                               content_type=r.headers.get("content-type", "text/html").split(";")[0].strip(),
                               body=r.content)
            cache[url] = extract(page).text if r.status_code == 200 else None
        except Exception:
            cache[url] = None
    return cache[url]


def recheck(run_dir: Path, out: Path) -> None:
    import inspect

    from kresearch.agent.evidence import SUPPORTED, union_support
    from kresearch.agent.report_mode import outline

    # the report's subject, where this checkout's support check takes it
    subject_of = getattr(outline, "subject_pairs", None)
    takes_subject = subject_of is not None and "report_subject" in inspect.signature(union_support).parameters

    pages: dict[str, str | None] = {}
    with out.open("w") as f:
        for path in sorted(run_dir.glob("*.json")):
            report = json.loads(path.read_text())
            urls = {s["id"]: s["url"] for s in report.get("sources", [])}
            for sentence, ids in claims(report):
                texts = [t for t in (agent_text(urls[n], pages) for n in ids if n in urls) if t]
                extra = (subject_of(report["question"]),) if takes_subject else ()
                score = union_support(sentence, texts, *extra).score if texts else 0.0
                f.write(json.dumps({"id": path.stem, "sentence": sentence, "sources": ids, "score": score,
                                    "supported": score >= SUPPORTED}) + "\n")


def diff(old: Path, new: Path) -> None:
    def load(p: Path) -> dict:
        return {(r["id"], r["sentence"], tuple(r["sources"])): r for r in map(json.loads, p.open())}
    before, after = load(old), load(new)
    flips = [(k, before[k], after[k]) for k in before if k in after and before[k]["supported"] != after[k]["supported"]]
    for (rid, sentence, ids), b, a in flips:
        print(f"{rid} {list(ids)} {b['score']:.2f} -> {a['score']:.2f}  {sentence}")
    kept = sum(r["supported"] for r in before.values())
    print(f"\n{len(before)} sentences, {kept} supported before; {len(flips)} change "
          f"({sum(a['supported'] for _, _, a in flips)} now supported, {sum(b['supported'] for _, b, _ in flips)} now not)")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("run_dir", nargs="?", type=Path)
    p.add_argument("--out", type=Path)
    p.add_argument("--diff", nargs=2, type=Path, metavar=("OLD", "NEW"))
    args = p.parse_args()
    if args.diff:
        diff(*args.diff)
    elif args.run_dir and args.out:
        recheck(args.run_dir, args.out)
    else:
        p.error("give RUN_DIR --out FILE, or --diff OLD NEW")


if __name__ == "__main__":
    main()
