#!/usr/bin/env python3
"""How well does `settles` (agent/answer/verify.py) tell a right one-shot answer from a wrong one?

    python benchmarks/settle_probe.py benchmarks/runs/NAME \\
        --questions ../shared/offline-web/data/dev-questions.jsonl [--show]

The first reading of a short-answer run ends the run when its answer "settles" the question
(passes every check, and a source read states it or the sources' facts decide it). Whether that
pays depends on how often a settled answer is right. This replays the rule on a stored one-shot
RAG run (`rag.jsonl`: each answer and the five URLs it was given), without the model: the pages
are loaded through kresearch's own browser (the same text the agent reads), the deciders of
compare.py may replace the answer, and `settles` judges it. Printed: per kind of question, how
many answers settle and the F1 of settled vs unsettled answers. A good rule settles many answers
whose F1 is high and leaves the wrong ones to research.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # noqa: E402  (scoring, question kinds, jsonl)

from kresearch.agent.answer.verify import Evidence, Verifier, settles, tidy_answer  # noqa: E402
from kresearch.errors import ToolError  # noqa: E402
from kresearch.tools.browser import Browser  # noqa: E402
from kresearch.tools.fetch import Fetcher, FetchPolicy  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run", type=Path, help="a benchmark run directory with rag.jsonl")
    ap.add_argument("--questions", type=Path, required=True)
    ap.add_argument("--show", action="store_true", help="print every question's verdict")
    args = ap.parse_args()
    questions = {q["id"]: q for q in bench.read_jsonl(args.questions)}
    browser = Browser(Fetcher(FetchPolicy(allow_private=True)))
    table: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for rec in bench.read_jsonl(args.run / "rag.jsonl"):
        q = questions.get(rec["id"])
        if q is None or rec.get("error"):
            continue
        opened, titles = {}, {}
        for i, url in enumerate(rec.get("urls", []), 1):
            try:
                doc = browser.load(url)
            except ToolError:
                continue
            opened[i], titles[i] = doc.text, doc.title
        answer = tidy_answer(rec["answer"])
        ev = Evidence(question=q["question"], answer=answer, plan=[], opened=opened, unread_hints={},
                      python_runs=0, python_enabled=True, titles=titles)
        ev.answer = Verifier().decide(ev, 1)
        verdict = settles(ev)
        score = bench.best_over(bench.f1_score, ev.answer, q["answers"])
        kind = bench.question_kind(q["question"])
        key = "settled" if verdict.passed else "unsettled"
        for k in (kind, "all"):
            table[k][key].append(score)
            table[k]["rag"].append(bench.best_over(bench.f1_score, rec["answer"], q["answers"]))
        if args.show:
            print(f"{key:9} {verdict.check:12} F1 {score:.2f}  {ev.answer!r}  gold {q['answers'][0]!r}  "
                  f"| {q['question'][:90]}")
    print("| kind | questions | RAG F1 | settled | F1 settled | F1 unsettled |")
    print("|---|---|---|---|---|---|")
    for kind, row in sorted(table.items(), key=lambda kv: kv[0] == "all"):
        mean = lambda xs: f"{statistics.mean(xs):.3f}" if xs else "-"  # noqa: E731
        print(f"| {kind} | {len(row['rag'])} | {mean(row['rag'])} | {len(row['settled'])} | "
              f"{mean(row['settled'])} | {mean(row['unsettled'])} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
