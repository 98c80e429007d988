#!/usr/bin/env python3
"""Did the last reading pay? Measured from a stored run, without the model.

    python benchmarks/last_reading_check.py benchmarks/runs/NAME --questions QUESTIONS.jsonl [--show]

The journal of every short-answer run that had a last reading (agent/answer/last_reading.py)
records the answer the floor would have chosen without it (`without`) next to the answer the
run ended with, so both can be scored against the gold answers on the same run -- the change's
exact counterfactual, not a second run with its sampling spread. Printed per kind of question:
how many runs had a last reading, how many it changed, F1 with and without it, better / worse,
and the one-shot RAG baseline's F1 on the same questions when the run has one.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # noqa: E402  (scoring, question kinds, jsonl)
from rule_ablation import f1, journal_event  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", type=Path)
    ap.add_argument("--questions", type=Path, required=True)
    ap.add_argument("--show", action="store_true", help="list every question the last reading changed")
    args = ap.parse_args()
    by_id = {q["id"]: q for q in bench.read_jsonl(args.questions)}
    rag = {r["id"]: r for r in bench.read_jsonl(args.run / "rag.jsonl")}
    rows: dict[str, list[tuple]] = defaultdict(list)
    for rec in bench.read_jsonl(args.run / "agent.jsonl"):
        q = by_id[rec["id"]]
        event = journal_event(rec, "last_reading")
        final = rec.get("answer") or ""
        without = event["without"] if event else final
        row = (event is not None, f1(final, q["answers"]), f1(without, q["answers"]),
               f1(rag[rec["id"]].get("answer", ""), q["answers"]) if rec["id"] in rag else None,
               final.strip().lower() != (without or "").strip().lower())
        for kind in (bench.question_kind(q["question"]), "all"):
            rows[kind].append(row)
        if args.show and event and final.strip().lower() != (without or "").strip().lower():
            print(f"{q['question'][:100]}\n   gold {q['answers'][0]!r}  final {final!r} ({row[1]:.2f})  "
                  f"without {without!r} ({row[2]:.2f})  last reading said {event['answer']!r}")
    print("| kind | n | last reading ran | changed the answer | F1 with | F1 without | better | worse | RAG F1 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for kind in [k for k in ("open", "choice", "temporal", "yes/no") if k in rows] + ["all"]:
        r = rows[kind]
        ragf = [x[3] for x in r if x[3] is not None]
        rag_cell = f"{statistics.fmean(ragf):.3f}" if ragf else "—"
        print(f"| {kind} | {len(r)} | {sum(x[0] for x in r)} | {sum(x[4] for x in r)} | "
              f"{statistics.fmean(x[1] for x in r):.3f} | {statistics.fmean(x[2] for x in r):.3f} | "
              f"{sum(x[1] > x[2] for x in r)} | {sum(x[1] < x[2] for x in r)} | {rag_cell} |")


if __name__ == "__main__":
    main()
