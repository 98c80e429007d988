#!/usr/bin/env python3
"""Report benchmark: kresearch's report mode against a one-shot RAG report, same model and web.

    python benchmarks/report_bench.py --model MODEL.gguf --searxng-url http://127.0.0.1:8765 \\
        --out benchmarks/runs/NAME [--limit N] [--systems agent,rag] [--extra-args "--max-time 600"]

Systems
  agent  the real CLI per question: kresearch --format json --mode report -q ... (a subprocess)
  rag    search the question once, paste the top 5 pages (<= 500 tokens each) into one prompt,
         ask for a report with sections citing [n], one model call (in process)

Each system's results go to <out>/<system>/<id>.json in kresearch's JSON shape and are scored by
../shared/offline-web/report_score.py (key-point recall, key points cited to the right page,
distinct sources and sites, words). Added here: the share of cited sentences that the sources
they cite support (kresearch's own check, evidence.support over the union of the cited pages,
applied to both systems alike), wall time and tokens, and the agent's model calls: total and
critical (what a run with --agents N waits for in turn: outline, sections in batches of N,
summary). Prints a Markdown table.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402  (search, PageFetcher, load_llm, truncate_tokens)

HERE = Path(__file__).resolve().parent
SCORER = HERE.parent.parent / "shared" / "offline-web" / "report_score.py"
RAG_PAGES, RAG_TOKENS = 5, 500


def run_agent(q: dict, args, out: Path) -> None:
    cmd = [*bench.kresearch_command(), "--format", "json", "-q", "--mode", "report", "-m", args.model,
           "--search", "searxng", "--searxng-url", args.searxng_url, "--allow-private-urls",
           *args.extra_args.split(), q["question"]]
    start = time.monotonic()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
        data = json.loads(done.stdout) if done.stdout.strip() else {"error": done.stderr[-500:]}
    except (subprocess.TimeoutExpired, ValueError) as e:
        data = {"error": f"{type(e).__name__}: {e}"}
    data.setdefault("stats", {})["bench_wall_seconds"] = round(time.monotonic() - start, 1)
    (out / f"{q['id']}.json").write_text(json.dumps(data))


def run_rag(llm, q: dict, args, out: Path, fetch) -> None:
    start = time.monotonic()
    results = bench.search(args.searxng_url, q["question"])[:RAG_PAGES]
    blocks, sources = [], []
    for i, r in enumerate(results, 1):
        page = fetch(r["url"]) or r.get("content", "")
        blocks.append(f"[{i}] {r.get('title', '')}\n{bench.truncate_tokens(llm, page, RAG_TOKENS)}")
        sources.append({"id": i, "url": r["url"], "title": r.get("title", ""), "opened": True})
    user = ("Sources:\n\n" + "\n\n".join(blocks) + f"\n\nQuestion: {q['question']}\n\nWrite a research report "
            "that answers the question from the sources above: a short summary, then a section (## heading) "
            "per aspect. Cite the sources you use after each sentence as [n]. Use only the sources.")
    resp = llm.create_chat_completion(messages=[{"role": "system", "content": "You write cited research reports."},
                                                {"role": "user", "content": user}], temperature=0.0, max_tokens=900)
    report = f"# {q['question']}\n\n" + (resp["choices"][0]["message"]["content"] or "")
    usage = resp.get("usage", {})
    data = {"question": q["question"], "report": report, "sources": sources,
            "stats": {"wall_seconds": round(time.monotonic() - start, 1), "llm_calls": 1,
                      "prompt_tokens": usage.get("prompt_tokens"), "completion_tokens": usage.get("completion_tokens")}}
    (out / f"{q['id']}.json").write_text(json.dumps(data))


def supported_share(data: dict, fetch) -> tuple[int, int]:
    """(cited sentences supported by the union of what they cite, cited sentences) in the body."""
    from kresearch.agent.evidence import SUPPORTED
    from kresearch.agent.evidence import union_support

    body = re.split(r"^#{1,3}\s*(?:references|also read)\b", data.get("report", ""), flags=re.I | re.M)[0]
    urls = {s["id"]: s["url"] for s in data.get("sources", [])}
    good = total = 0
    for line in body.splitlines():
        if line.startswith("#") or line.startswith(">") or line.startswith("_Confidence"):
            continue
        # a sentence and the citation marks after it ("… cells. [3] [4] Next …")
        for match in re.finditer(r"(.+?[.!?\u201d])((?:\s*\[\d+(?:\s*,\s*\d+)*\])*)(?=\s|$)", line):
            sentence = match.group(0)
            ids = [int(n) for n in re.findall(r"\d+", match.group(2)) if int(n) in urls]
            plain = " ".join(re.sub(r"\[\d+\]", " ", sentence).split()).strip("\u201c\u201d ")
            if not ids or len(plain.split()) < 4:
                continue
            texts = [t for t in (fetch(urls[n]) for n in ids) if t]
            total += 1
            good += bool(texts) and union_support(plain, texts).score >= SUPPORTED
    return good, total


def model_calls(data: dict) -> tuple[int, int] | None:
    """(total, critical) model calls of one agent run, from its journal. Critical counts what a
    run with N sub-agents must wait for in turn (the swarm's *critical steps*, model calls only;
    the searches are code and take seconds): per stage, the orchestrator's calls plus the
    slowest sub-agent's -- the outline, the section calls in batches of N, the summary."""
    path = data.get("trace")
    if not path or not Path(path).exists():
        return None
    from kresearch.trace import read_trace
    events = read_trace(Path(path))
    start = next((e for e in events if e.get("event") == "start"), {})
    agents = max(1, int(start.get("config", {}).get("agents", 1) or 1))
    purposes = [e.get("purpose") for e in events if e.get("event") == "llm"]
    sections = purposes.count("section")
    others = len(purposes) - sections
    return len(purposes), others + -(-sections // agents)


def score(system_dir: Path, questions: Path) -> dict[str, dict]:
    out = system_dir / "scores.jsonl"
    subprocess.run([sys.executable, str(SCORER), str(questions), str(system_dir), "--json", str(out)],
                   capture_output=True, text=True)
    rows = {}
    for line in out.read_text().splitlines() if out.exists() else []:
        row = json.loads(line)
        rows[row.get("id")] = row
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=Path,
                        default=HERE.parent.parent / "shared/offline-web/data/report-questions.jsonl")
    parser.add_argument("--model", required=True)
    parser.add_argument("--searxng-url", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--systems", default="agent,rag")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--extra-args", default="")
    parser.add_argument("--summary-only", action="store_true")
    args = parser.parse_args()
    questions = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    questions = questions[: args.limit] if args.limit else questions
    systems = args.systems.split(",")
    fetch = bench.PageFetcher(args.searxng_url)
    llm = None
    for system in systems:
        (args.out / system).mkdir(parents=True, exist_ok=True)
    if not args.summary_only:
        for q in questions:
            for system in systems:
                target = args.out / system / f"{q['id']}.json"
                if target.exists():
                    continue
                print(f"{system} {q['id']}", file=sys.stderr, flush=True)
                if system == "agent":
                    run_agent(q, args, args.out / system)
                else:
                    llm = llm or bench.load_llm(args.model)
                    run_rag(llm, q, args, args.out / system, fetch)
    ids = [q["id"] for q in questions]
    print("| system | n | words | key-point recall | cited | distinct sources | sites | cited sentences "
          "supported | wall median s | completion tokens | model calls: total / critical |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for system in systems:
        scores = score(args.out / system, args.questions)
        rows = [scores.get(i, {}) for i in ids]
        datas = []
        for i in ids:
            path = args.out / system / f"{i}.json"
            datas.append(json.loads(path.read_text()) if path.exists() else {})
        support = [supported_share(d, fetch) for d in datas]
        good, total = sum(g for g, _ in support), sum(t for _, t in support)
        walls = [d.get("stats", {}).get("wall_seconds") for d in datas if d.get("stats", {}).get("wall_seconds")]
        tokens = [d.get("stats", {}).get("completion_tokens") or 0 for d in datas]

        calls = [c for c in map(model_calls, datas) if c is not None]
        per_run = (f"{statistics.mean(t for t, _ in calls):.1f} / {statistics.mean(c for _, c in calls):.1f}"
                   if calls else "1 / 1")

        def mean(key):
            values = [r.get(key, 0) or 0 for r in rows]
            return sum(values) / max(1, len(values))
        print(f"| {system} | {len(ids)} | {mean('words'):.0f} | {mean('recall'):.3f} | {mean('cited'):.3f} | "
              f"{mean('srcs'):.1f} | {mean('sites'):.1f} | {good}/{total} = {good / max(1, total):.2f} | "
              f"{statistics.median(walls) if walls else 0:.0f} | {statistics.mean(tokens):.0f} | {per_run} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
