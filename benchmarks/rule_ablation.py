#!/usr/bin/env python3
"""Does each rule of the short-answer path pay? Measured from a stored run, without the model.

    python benchmarks/rule_ablation.py benchmarks/runs/NAME \\
        --questions ../shared/offline-web/data/dev-questions-b.jsonl [--show]

Every rule that changes an answer leaves the answer it changed in the run's JSON
(`verification`) or journal: a check that sent the agent back records the answer it refused, a
decider (compare.py) the answer it replaced, the floor the final answer it overrode, and the
journal holds the one-shot draft. So for each rule the counterfactual "what if this rule had
not fired here" is, to first order, that recorded answer, and both can be scored against the
gold answers:

    rule | questions fired | F1 of the answer it refused/replaced | F1 the run ended with | better | worse | same

A send-back's counterfactual is approximate (without this check a later check might have sent
the answer back too, and the findings would differ); a replacement's (decide, floor) is exact
for the answer. Also printed: EM/F1 per kind of question for every system of the run (the
floor's promise is per kind, not only on average), and the draft alone as a system (what
one-shot retrieval inside the agent answered).
"""
from __future__ import annotations

import argparse
import statistics
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # noqa: E402  (scoring, question kinds, jsonl)

from kresearch.trace import read_trace  # noqa: E402


def f1(answer: str, golds: list[str]) -> float:
    return bench.best_over(bench.f1_score, answer or "", golds)


def em(answer: str, golds: list[str]) -> float:
    return bench.best_over(bench.exact_match, answer or "", golds)


def journal_event(rec: dict, name: str) -> dict | None:
    """The first event `name` of the run's journal, or None (no journal, or no such event)."""
    path = rec.get("trace")
    if not path or not Path(path).exists():
        return None
    return next((e for e in read_trace(Path(path)) if e.get("event") == name), None)


def draft_of(rec: dict) -> str | None:
    """The one-shot draft the run made (from its journal), or None."""
    event = journal_event(rec, "draft")
    return None if event is None else event.get("answer") or ""


def rule_name(check: str) -> str:
    return "decide" if check.endswith(" decide") else check


def interventions(rec: dict) -> dict[str, str]:
    """rule -> the answer it refused or replaced (its first intervention in this run)."""
    out: dict[str, str] = {}
    for entry in rec.get("verification") or []:
        check = entry.get("check", "")
        if check in ("passed", "") or not entry.get("answer"):
            continue
        out.setdefault(rule_name(check), entry["answer"])
    return out


def per_kind(systems: dict[str, list[dict]], by_id: dict[str, dict]) -> list[str]:
    kinds: dict[str, dict[str, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
    for name, recs in systems.items():
        for rec in recs:
            q = by_id[rec["id"]]
            kind = bench.question_kind(q["question"])
            kinds[kind][name].append((em(rec.get("answer", ""), q["answers"]), f1(rec.get("answer", ""), q["answers"])))
            kinds["all"][name].append(kinds[kind][name][-1])
    names = list(systems)
    lines = ["| kind | n | " + " | ".join(f"{n} EM | {n} F1" for n in names) + " |",
             "|---|---|" + "---|---|" * len(names)]
    for kind in [k for k in ("open", "choice", "temporal", "yes/no") if k in kinds] + ["all"]:
        row = kinds[kind]
        n = len(next(iter(row.values())))
        cells = []
        for name in names:
            vals = row.get(name, [])
            cells += [f"{statistics.fmean(v[0] for v in vals):.3f}" if vals else "—",
                      f"{statistics.fmean(v[1] for v in vals):.3f}" if vals else "—"]
        lines.append(f"| {kind} | {n} | " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", type=Path)
    ap.add_argument("--questions", type=Path, required=True)
    ap.add_argument("--show", action="store_true", help="list every intervention with both answers and the gold")
    args = ap.parse_args()
    by_id = {q["id"]: q for q in bench.read_jsonl(args.questions)}
    systems = {name: [r for r in bench.read_jsonl(args.run / f"{name}.jsonl") if r.get("id") in by_id]
               for name in bench.systems_in(args.run)}
    agent = systems.get("agent", [])
    drafts = {r["id"]: d for r in agent if (d := draft_of(r)) is not None}
    if drafts:
        systems["draft"] = [{"id": i, "answer": d} for i, d in drafts.items()]
    # per kind, on the questions every system answered
    common = set.intersection(*(set(r["id"] for r in recs) for recs in systems.values())) if systems else set()
    paired = {name: [r for r in recs if r["id"] in common] for name, recs in systems.items()}
    print(f"## Per kind of question ({len(common)} questions every system answered)\n")
    print("\n".join(per_kind(paired, by_id)) + "\n")

    rows: dict[str, list[tuple[float, float]]] = defaultdict(list)
    shown = []
    for rec in agent:
        golds = by_id[rec["id"]]["answers"]
        final = rec.get("answer", "")
        changed = dict(interventions(rec))
        if rec["id"] in drafts:
            changed["draft instead of research"] = drafts[rec["id"]]
        for rule, before in changed.items():
            rows[rule].append((f1(before, golds), f1(final, golds)))
            shown.append((rule, rec["id"], before, final, golds))
    print("## Each rule: the answer it refused or replaced against the answer the run ended with\n")
    print("| rule | fired | F1 without (refused answer) | F1 with (final) | better | worse | same |")
    print("|---|---|---|---|---|---|---|")
    for rule, pairs in sorted(rows.items(), key=lambda kv: -len(kv[1])):
        better = sum(after > before for before, after in pairs)
        worse = sum(after < before for before, after in pairs)
        print(f"| {rule} | {len(pairs)} | {statistics.fmean(b for b, _ in pairs):.3f} | "
              f"{statistics.fmean(a for _, a in pairs):.3f} | {better} | {worse} | {len(pairs) - better - worse} |")
    if args.show:
        print()
        for rule, qid, before, final, golds in shown:
            print(f"{rule:28} {qid}  {before!r} -> {final!r}  gold {golds}")


if __name__ == "__main__":
    main()
