#!/usr/bin/env python3
"""Which pages does the last reading see? Measured from a stored run, without the model.

    python benchmarks/last_reading_pages.py benchmarks/runs/NAME --questions QUESTIONS.jsonl [--show]

For every short-answer run that had a last reading (agent/answer/last_reading.py), the pages it
had read (its sources marked opened) are loaded again from the (offline) web with the product's
own browser, and the passages the last reading is shown are chosen again by this checkout's
code, with and without the bridge pages (`_with_bridges`). Printed: how many runs' choice the
bridges change, and how many of the question's supporting pages (HotpotQA's gold pages) are
among the passages shown, without and with them. The recorded choice in the journal is checked
against the rebuilt one without bridges, so a difference in the rebuilt pages shows.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # noqa: E402  (jsonl, question kinds)
from rule_ablation import journal_event  # noqa: E402

from kresearch.agent.answer import last_reading  # noqa: E402
from kresearch.agent.names import page_name  # noqa: E402
from kresearch.tools.browser import Browser  # noqa: E402
from kresearch.tools.fetch import Fetcher, FetchPolicy  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", type=Path)
    ap.add_argument("--questions", type=Path, required=True)
    ap.add_argument("--show", action="store_true", help="list every run whose passages the bridges change")
    args = ap.parse_args()
    by_id = {q["id"]: q for q in bench.read_jsonl(args.questions)}
    with_bridges = last_reading._with_bridges
    ran = changed = rebuilt_same = gold_without = gold_with = 0
    with Fetcher(FetchPolicy(allow_private=True)) as fetcher:
        browser = Browser(fetcher)
        for rec in bench.read_jsonl(args.run / "agent.jsonl"):
            event = journal_event(rec, "last_reading")
            if event is None or rec["id"] not in by_id:
                continue
            q = by_id[rec["id"]]
            pages = {}
            for source in rec.get("sources") or []:
                if source.get("opened"):
                    try:
                        pages[source["id"]] = (source["title"], browser.load(source["url"]).text)
                    except Exception:          # a page the web no longer serves: left out
                        pass
            last_reading._with_bridges = lambda question, chosen, found, evidence: chosen
            before = last_reading.best_passages(q["question"], pages, answer=event.get("before") or "")
            last_reading._with_bridges = with_bridges
            after = last_reading.best_passages(q["question"], pages, answer=event.get("before") or "")
            gold = {t.replace("&amp;", "&") for t in q.get("supporting_titles", [])}

            def golds(passages):
                return sum(page_name(p.title, qualifier=True) in gold for p in passages)

            ran += 1
            rebuilt_same += [p.source for p in before] == event["sources"]
            gold_without += golds(before)
            gold_with += golds(after)
            if [p.source for p in before] != [p.source for p in after]:
                changed += 1
                if args.show:
                    added = [page_name(p.title, qualifier=True) for p in after if p not in before]
                    print(f"{q['question'][:100]}\n   gold pages {sorted(gold)}  added {added}  "
                          f"gold shown {golds(before)} -> {golds(after)}  answer {rec.get('answer')!r} "
                          f"gold {q['answers'][0]!r}")
    print(f"runs with a last reading: {ran}; rebuilt choice = journal's: {rebuilt_same}; "
          f"changed by bridges: {changed}; gold pages shown: {gold_without} -> {gold_with}")


if __name__ == "__main__":
    main()
