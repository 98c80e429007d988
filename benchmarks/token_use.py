#!/usr/bin/env python3
"""Where a run's model time goes, from its journals (no model needed).

    python benchmarks/token_use.py benchmarks/runs/NAME [--traces DIR]

Reads every journal of a benchmark run (<run>/kresearch-home/traces/*.jsonl by default) and
prints two tables, summed over the runs and per question:

1. by purpose of the model call: each step by the action it chose (plan, search, open, find,
   python, note, answer), the draft, a resample, the findings ("report"), and report mode's
   outline, sections and summary — calls, prompt tokens evaluated (not served from the KV
   cache), completion tokens, seconds;
2. by what was new in the prompt: the prompt tokens a call had to evaluate, charged to what was
   added to the history since the previous call (the observation of a search, a page, a
   find, Python, a verification message, an error, or a request such as the findings'), and
   to "re-evaluated after eviction" when the context manager set something aside in between
   (the KV cache is then invalid from that point on).

Each figure is a sum over all questions of the run; divide by the question count for a mean.
"""
from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from kresearch.trace import read_trace


def chosen_action(output: str) -> str:
    try:
        return str(json.loads(output).get("action") or "?")
    except (ValueError, AttributeError):
        return "unparsed"


def account(journal: list[dict], by_purpose: dict, by_new: dict) -> None:
    new: list[str] = ["system prompt and question"]
    evicted = False
    for e in journal:
        kind = e.get("event")
        if kind == "observation":
            new.append(e.get("kind", "?"))
        elif kind == "verify":
            new.append("verify message")
        elif kind == "evict":
            evicted = True
        elif kind == "llm":
            purpose = e.get("purpose", "?")
            label = f"step: {chosen_action(e.get('output', ''))}" if purpose in ("step", "resample") else purpose
            if purpose == "resample":
                label = "resample (" + label.split(": ", 1)[1] + ")"
            row = by_purpose[label]
            row["calls"] += 1
            row["evaluated"] += e.get("prompt_tokens_evaluated") or 0
            row["completion"] += e.get("completion_tokens") or 0
            row["seconds"] += e.get("seconds") or 0.0
            cause = ("re-evaluated after eviction" if evicted else
                     f"after {new[-1]}" if new else f"request: {purpose}")
            if purpose not in ("step", "resample") and not new:
                cause = f"request: {purpose}"
            by_new[cause]["calls"] += 1
            by_new[cause]["evaluated"] += e.get("prompt_tokens_evaluated") or 0
            new, evicted = [], False


def table(title: str, rows: dict, questions: int) -> str:
    total = sum(r["seconds"] for r in rows.values()) or 1.0
    lines = [f"| {title} | calls | prompt tokens evaluated | per question | completion tokens | per question | "
             "seconds | share of model time |", "|---|---|---|---|---|---|---|---|"]
    for name, r in sorted(rows.items(), key=lambda kv: -kv[1]["seconds"] or -kv[1]["evaluated"]):
        lines.append(f"| {name} | {r['calls']} | {r['evaluated']} | {r['evaluated'] / questions:.0f} | "
                     f"{r['completion']} | {r['completion'] / questions:.0f} | {r['seconds']:.0f} | "
                     f"{r['seconds'] / total:.0%} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", type=Path)
    ap.add_argument("--traces", type=Path, default=None, help="journal folder (default <run>/kresearch-home/traces)")
    args = ap.parse_args()
    folder = args.traces or args.run / "kresearch-home" / "traces"
    journals = sorted(folder.glob("*.jsonl"))
    if not journals:
        raise SystemExit(f"no journals in {folder}")
    zero = lambda: {"calls": 0, "evaluated": 0, "completion": 0, "seconds": 0.0}  # noqa: E731
    by_purpose: dict = defaultdict(zero)
    by_new: dict = defaultdict(zero)
    for path in journals:
        account(read_trace(path), by_purpose, by_new)
    n = len(journals)
    print(f"{n} journals in {folder}\n")
    print(table("model call", by_purpose, n) + "\n")
    total = sum(r["evaluated"] for r in by_new.values()) or 1
    lines = ["| prompt tokens evaluated, by what was new | calls | tokens | per question | share |", "|---|---|---|---|---|"]
    for name, r in sorted(by_new.items(), key=lambda kv: -kv[1]["evaluated"]):
        lines.append(f"| {name} | {r['calls']} | {r['evaluated']} | {r['evaluated'] / n:.0f} | "
                     f"{r['evaluated'] / total:.0%} |")
    print("\n".join(lines))

if __name__ == "__main__":
    main()
