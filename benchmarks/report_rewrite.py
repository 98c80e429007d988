#!/usr/bin/env python3
"""Rebuild stored report runs with this checkout's code, replaying every model output.

    python benchmarks/report_rewrite.py benchmarks/runs/NAME --out benchmarks/runs/NAME-rewrite \\
        --model MODEL.gguf --searxng-url http://127.0.0.1:8765 [--limit N] [--extra-args "--no-cache"]

For each <run>/agent/<id>.json made by report_bench.py, the run is done again from its journal
with resume.replay_from_journal(writing=True): research, outline, sections and summary get the
model outputs the run had, the tools run for real (the offline web is deterministic), and this
code does the rest -- which sources cover which aspect, the quotes, the support check, the
quoted fill-ins, the assembly. No model call is made while the journal fits (the model is
loaded for its tokenizer only), so a change to what the code does after the model writes is
measured on all stored questions in seconds. A change that alters what the model is shown
(a prompt, the quotes chosen) ends the replay where it first differs: from there the model
writes again, slowly, and the row says so ("model calls").

Then scores both with ../shared/offline-web/report_score.py and prints the stored and rebuilt
figures side by side. Pass the same --extra-args as the stored run (report_bench.py's).
"""
from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import report_bench  # noqa: E402  (score, supported_share)
import run as bench  # noqa: E402  (PageFetcher)

from rich.console import Console  # noqa: E402

from kresearch.agent.resume import replay_from_journal  # noqa: E402
from kresearch.config import load_settings  # noqa: E402
from kresearch.runs import run_question  # noqa: E402
from kresearch.session import Session  # noqa: E402
from kresearch.trace import read_trace  # noqa: E402

FLAGS = {"--no-cache": ("cache", False), "--no-verify": ("verify", False)}


def settings_for(args, journal_config: dict):
    """The stored run's settings: its journal's config, the bench's flags, this machine's model."""
    flags = {"model": args.model, "search": "searxng", "searxng_url": args.searxng_url, "allow_private_urls": True,
             "mode": "report"}
    for key in ("max_steps", "max_time", "budget", "temperature", "agents", "length"):
        if key in journal_config:
            flags[key] = journal_config[key]
    for flag in shlex.split(args.extra_args):
        if flag in FLAGS:
            name, value = FLAGS[flag]
            flags[name] = value
    return load_settings(flags)[0]


def rewrite(stored: dict, args, session_cache: dict, console: Console) -> dict:
    path = Path(stored.get("trace") or "")
    records = read_trace(path)
    start = next(r for r in records if r.get("event") == "start")
    settings = settings_for(args, start.get("config") or {})
    key = (settings.model, settings.ctx)
    if key not in session_cache:                       # one model load for all questions
        session = Session(settings)
        session_cache[key] = (session, session.llm(progress=False))
    session, llm = session_cache[key]
    session.settings = settings
    result, agent = run_question(session, llm, str(start["question"]), console,
                                 replay=replay_from_journal(records, path, writing=True))
    data = result.as_json()
    data["stats"]["model_calls_made"] = agent.stats.llm_calls - agent.stats.replayed_calls
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", type=Path, help="a report_bench.py run directory (with agent/<id>.json)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--searxng-url", required=True)
    parser.add_argument("--questions", type=Path,
                        default=report_bench.HERE.parent.parent / "shared/offline-web/data/report-questions.jsonl")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--extra-args", default="")
    args = parser.parse_args()
    questions = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    questions = questions[: args.limit] if args.limit else questions
    (args.out / "agent").mkdir(parents=True, exist_ok=True)
    console, sessions = Console(stderr=True, quiet=True), {}
    calls = {}
    for q in questions:
        source = args.run / "agent" / f"{q['id']}.json"
        if not source.exists():
            continue
        data = rewrite(json.loads(source.read_text()), args, sessions, console)
        calls[q["id"]] = data["stats"]["model_calls_made"]
        (args.out / "agent" / f"{q['id']}.json").write_text(json.dumps(data))
        print(f"{q['id']}: rebuilt, {calls[q['id']]} model call(s) made", file=sys.stderr, flush=True)
    fetch = bench.PageFetcher(args.searxng_url)
    ids = sorted(calls)
    print("| run | n | words | key-point recall | cited | distinct sources | sites | cited sentences supported |")
    print("|---|---|---|---|---|---|---|---|")
    for name, root in (("stored", args.run), ("rebuilt by this code", args.out)):
        scores = report_bench.score(root / "agent", args.questions)
        rows = [scores.get(i, {}) for i in ids]
        datas = [json.loads((root / "agent" / f"{i}.json").read_text()) for i in ids]
        support = [report_bench.supported_share(d, fetch) for d in datas]
        good, total = sum(g for g, _ in support), sum(t for _, t in support)

        def mean(key):
            return sum(r.get(key, 0) or 0 for r in rows) / max(1, len(rows))
        print(f"| {name} | {len(ids)} | {mean('words'):.0f} | {mean('recall'):.3f} | {mean('cited'):.3f} | "
              f"{mean('srcs'):.1f} | {mean('sites'):.1f} | {good}/{total} = {good / max(1, total):.2f} |")
    print(f"\nmodel calls made while rebuilding: {sum(calls.values())} (0 = every output replayed)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
