#!/usr/bin/env python3
"""Where each key point of a report run stands: what limits `cited`, research or writing?

    python benchmarks/report_points.py benchmarks/runs/NAME [--system agent] [--show missed|page-cited]

For every key point of ../shared/offline-web/data/report-questions.jsonl, the furthest stage its
page (or an equivalent entry, as report_score.py counts it) reached in the stored run:

  cited        a sentence with the point's words cites its page (report_score's `cited`)
  page cited   the page is cited, but not by a sentence with the point's words
  covering     read and counted for an aspect, not cited
  read         opened, but covering no aspect
  in results   in some search's results (registered), never read
  never found  in no search's results

`--show missed` lists the points never found with the run's queries, to see what research would
have had to search; `--show page-cited` the points whose page is cited by other sentences, with
those sentences, to see what the writer chose instead; `--show covering` the points whose page
was read (and counted for which aspects) but is cited by nothing. No model, no web: the stored JSON only.
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "offline-web"
sys.path.insert(0, str(DATA))
import report_score as rs  # noqa: E402

STAGES = ["cited", "page cited", "covering", "read", "in results", "never found"]


def stage(point: dict, run: dict, equivalents: rs.Equivalents) -> str:
    targets = equivalents.targets(point["source"], point["any"])
    by_id = {s["id"]: s for s in run.get("sources", [])}
    hits = {sid for sid, s in by_id.items() if rs.url_path(s.get("url", "")) in targets}
    body = rs.body_of(run.get("report", ""))
    cited_here = set()
    for sentence, ids in rs.sentences(body):
        cited_here |= ids
        if ids & hits and rs.match(point["any"], rs.norm(sentence)):
            return "cited"
    if hits & cited_here:
        return "page cited"
    covering = {sid for aspect in run.get("coverage", []) for sid in aspect.get("sources", [])}
    if hits & covering:
        return "covering"
    if any(by_id[sid].get("opened") for sid in hits):
        return "read"
    return "in results" if hits else "never found"


def citing(point: dict, run: dict, equivalents: rs.Equivalents) -> list[str]:
    """The report's sentences that cite the point's page."""
    targets = equivalents.targets(point["source"], point["any"])
    hits = {s["id"] for s in run.get("sources", []) if rs.url_path(s.get("url", "")) in targets}
    return [sentence for sentence, ids in rs.sentences(rs.body_of(run.get("report", ""))) if ids & hits]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", type=Path)
    ap.add_argument("--system", default="agent")
    ap.add_argument("--questions", type=Path, default=DATA / "data" / "report-questions.jsonl")
    ap.add_argument("--show", choices=["missed", "page-cited", "covering"], default=None)
    args = ap.parse_args()
    equivalents = rs.Equivalents()
    totals: collections.Counter = collections.Counter()
    print("| question | " + " | ".join(STAGES) + " |")
    print("|---|" + "---|" * len(STAGES))
    for line in args.questions.read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        path = args.run / args.system / f"{q['id']}.json"
        if not path.exists():
            continue
        run = json.loads(path.read_text(encoding="utf-8"))
        counts = collections.Counter()
        for point in q["key_points"]:
            where = stage(point, run, equivalents)
            counts[where] += 1
            if args.show == "missed" and where == "never found":
                queries = [query for a in run.get("coverage", []) for query in a.get("queries", [])]
                print(f"  {q['id']} missed {point['source']}: {point['point'][:90]}", file=sys.stderr)
                print(f"      queries: {queries}", file=sys.stderr)
            if args.show == "covering" and where in ("covering", "read"):
                targets = equivalents.targets(point["source"], point["any"])
                hits = [s["id"] for s in run.get("sources", []) if rs.url_path(s.get("url", "")) in targets]
                aspects = [a["aspect"] for a in run.get("coverage", []) if set(a.get("sources", [])) & set(hits)]
                print(f"  {q['id']} {where} {point['source']} (source {hits}, aspects {aspects}) wants "
                      f"{point['any']}: {point['point'][:80]}", file=sys.stderr)
            if args.show == "page-cited" and where == "page cited":
                print(f"  {q['id']} {point['source']} wants {point['any']}: {point['point'][:90]}", file=sys.stderr)
                for sentence in citing(point, run, equivalents):
                    print(f"      cited by: {sentence[:160]}", file=sys.stderr)
        totals.update(counts)
        print(f"| {q['id']} | " + " | ".join(str(counts[s]) for s in STAGES) + " |")
    print(f"| **all** | " + " | ".join(f"**{totals[s]}**" for s in STAGES) + " |")


if __name__ == "__main__":
    main()
