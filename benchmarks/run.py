#!/usr/bin/env python3
"""Offline benchmark: the kresearch agent against two baselines with the same model.

    python benchmarks/run.py --questions ../shared/offline-web/data/dev-questions.jsonl --limit 30 \\
        --model /path/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf --searxng-url http://127.0.0.1:8765 \\
        --out benchmarks/runs/NAME [--baselines rag,closed] [--extra-args "--max-steps 12"] \\
        [--versus NAME="CMD" [--versus-limit N]] [--no-agent] [--resume] [--summary-only [--measure-speed]]

Systems
  agent   the real CLI, one subprocess per question:
          kresearch --format json --search searxng --searxng-url URL --allow-private-urls -m MODEL -q ...
  agent-NAME  with --versus NAME="CMD": another build of the CLI (e.g. an older commit's
          checkout, `env PYTHONPATH=/tmp/old/src python -m kresearch`), run on the same question
          right before or after `agent` (the order alternates per question), so both meet the
          same machine load; each build has its own KRESEARCH_HOME (no shared page or KV cache)
  closed  the model alone, question only
  rag     top-5 search results, each page's main text (<= ~600 tokens) pasted into one prompt

Results are appended per question to <out>/{agent,agent-NAME,rag,closed}.jsonl (so --resume continues an
interrupted run); per-question scores go to <out>/scores.jsonl; the table to stdout,
<out>/summary.md and <out>/summary.json, with the model's prefill/decode speed on this machine
(from an empty cache, and by KV-cache depth for the depth-priced efficiency ratio).

Scoring follows HotpotQA (lower-case, strip punctuation and articles a/an/the, collapse spaces):
exact match and token F1 (best over gold answers), plus a lenient match (either normalised
string contains the other as a whole-word sequence). For the agent also: cited-source
precision (cited sources that are a gold supporting page or whose page text contains the
answer; micro-averaged over all cited sources) and support recall (share of the supporting
pages the agent opened).

Standard library + kresearch's dependencies (llama-cpp-python, trafilatura) only.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shlex
import signal
import statistics
import string
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterable

SYSTEMS = ("agent", "rag", "closed")
SHORT = "Answer with a short phrase only."
RAG_RESULTS = 5
RAG_TOKENS_PER_PAGE = 600


# ================================================================ scoring (pure functions)

def normalize_answer(s: str) -> str:
    """HotpotQA / SQuAD normalisation."""
    s = s.lower()
    s = "".join(ch for ch in s if ch not in set(string.punctuation))
    s = re.sub(r"\b(a|an|the)\b", " ", s)
    return " ".join(s.split())


def exact_match(prediction: str, gold: str) -> float:
    return float(normalize_answer(prediction) == normalize_answer(gold))


def f1_score(prediction: str, gold: str) -> float:
    """Token F1 as in hotpot_evaluate_v1.py, including its yes/no/noanswer special case."""
    pred, ref = normalize_answer(prediction), normalize_answer(gold)
    special = ("yes", "no", "noanswer")
    if (pred in special or ref in special) and pred != ref:
        return 0.0
    pred_toks, ref_toks = pred.split(), ref.split()
    same = sum((Counter(pred_toks) & Counter(ref_toks)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred_toks), same / len(ref_toks)
    return 2 * precision * recall / (precision + recall)


def contains_phrase(haystack: str, needle: str) -> bool:
    """Whole-word containment of already normalised strings; an empty needle never matches."""
    return bool(needle) and f" {needle} " in f" {haystack} "


def lenient_match(prediction: str, gold: str) -> float:
    pred, ref = normalize_answer(prediction), normalize_answer(gold)
    return float(bool(pred and ref) and (contains_phrase(pred, ref) or contains_phrase(ref, pred)))


def best_over(metric: Callable[[str, str], float], prediction: str, golds: Iterable[str]) -> float:
    return max((metric(prediction, g) for g in golds), default=0.0)


def slug(title: str) -> str:
    """As in shared/offline-web/serve.py."""
    return urllib.parse.quote(title.replace(" ", "_"), safe="()_,-.'")


def wiki_title(url: str) -> str | None:
    """'Live (band)' for http://host/wiki/Live_(band) (any percent-encoding), else None."""
    path = urllib.parse.unquote(urllib.parse.urlparse(url).path)
    if not path.startswith("/wiki/"):
        return None
    return path.removeprefix("/wiki/").replace("_", " ")


def is_gold_page(url: str, supporting_titles: Iterable[str]) -> bool:
    title = wiki_title(url)
    return title is not None and title in set(supporting_titles)


def text_supports(page_text: str, golds: Iterable[str]) -> bool:
    """The page text contains a gold answer (yes/no answers can't be found in text: never)."""
    text = normalize_answer(page_text)
    return any(contains_phrase(text, g) for g in map(normalize_answer, golds) if g not in ("yes", "no"))


def cited_precision_counts(sources: list[dict], supporting_titles: list[str], golds: list[str],
                           fetch_text: Callable[[str], str | None]) -> tuple[int, int]:
    """(good, cited): cited sources that are a gold page or whose text contains the answer."""
    cited = [s for s in sources if s.get("cited")]
    good = 0
    for s in cited:
        url = s.get("url", "")
        if is_gold_page(url, supporting_titles):
            good += 1
        elif (text := fetch_text(url)) is not None and text_supports(text, golds):
            good += 1
    return good, len(cited)


def support_recall(sources: list[dict], supporting_titles: list[str]) -> float:
    if not supporting_titles:
        return 0.0
    opened = {wiki_title(s.get("url", "")) for s in sources if s.get("opened")}
    return sum(t in opened for t in set(supporting_titles)) / len(set(supporting_titles))


def percentile(values: list[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100); None for no values."""
    if not values:
        return None
    xs = sorted(values)
    k = (len(xs) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def score_record(system: str, rec: dict, q: dict, fetch_text: Callable[[str], str | None]) -> dict:
    """Per-question scores and costs from one stored result record."""
    golds = q["answers"]
    answer = rec.get("answer") or ""
    row: dict[str, Any] = {
        "system": system, "id": q["id"], "answer": answer, "gold": golds,
        "em": best_over(exact_match, answer, golds), "f1": best_over(f1_score, answer, golds),
        "lenient": best_over(lenient_match, answer, golds), "error": rec.get("error"),
        "wall_seconds": rec.get("wall_seconds"),
    }
    for key in ("steps", "searches", "pages_opened", "prompt_tokens", "prompt_tokens_evaluated", "completion_tokens"):
        row[key] = rec.get("stats", {}).get(key)
    if is_agent(system):
        sources = rec.get("sources") or []
        row["cited_good"], row["cited"] = cited_precision_counts(sources, q["supporting_titles"], golds, fetch_text)
        row["support_recall"] = support_recall(sources, q["supporting_titles"])
        row["stopped_because"] = rec.get("stopped_because")
        row["trace"] = rec.get("trace")
        row["confidence"] = rec.get("confidence")
        for key in ("citations", "citations_supported", "verify_rejections"):
            row[key] = rec.get("stats", {}).get(key)
    return row


def paired(new: list[dict], old: list[dict]) -> dict:
    """Two builds of the agent on the questions both answered: per-question wall ratio and F1 change."""
    old_by_id = {r["id"]: r for r in old}
    pairs = [(r, old_by_id[r["id"]]) for r in new if r["id"] in old_by_id]
    ratios = [n["wall_seconds"] / o["wall_seconds"] for n, o in pairs
              if (n.get("wall_seconds") or 0) > 0 and (o.get("wall_seconds") or 0) > 0]
    new_walls = [n["wall_seconds"] for n, _ in pairs if n.get("wall_seconds")]
    old_walls = [o["wall_seconds"] for _, o in pairs if o.get("wall_seconds")]
    return {"n": len(pairs),
            "ratio_of_medians": (statistics.median(new_walls) / statistics.median(old_walls)
                                 if new_walls and old_walls else None),
            "median_ratio": statistics.median(ratios) if ratios else None,
            "ratio_of_totals": sum(new_walls) / sum(old_walls) if new_walls and sum(old_walls) else None,
            "f1_better": sum(n["f1"] > o["f1"] for n, o in pairs),
            "f1_worse": sum(n["f1"] < o["f1"] for n, o in pairs),
            "f1_change": statistics.fmean(n["f1"] - o["f1"] for n, o in pairs) if pairs else None}


def efficiency(rows: list[dict], speed: dict | None) -> dict:
    """Wall time ÷ the model compute a run could not avoid: evaluated prompt tokens at the
    measured prefill speed plus generated tokens at the measured decode speed (1.0 = nothing
    but necessary model work)."""
    if not speed or not speed.get("prefill_tokens_per_s") or not speed.get("decode_tokens_per_s"):
        return {}
    pairs = []
    for r in rows:
        ev, gen, wall = r.get("prompt_tokens_evaluated"), r.get("completion_tokens"), r.get("wall_seconds")
        if not all(isinstance(v, (int, float)) for v in (ev, gen, wall)) or r.get("error"):
            continue
        pairs.append((wall, ev / speed["prefill_tokens_per_s"] + gen / speed["decode_tokens_per_s"]))
    return _ratio_summary(pairs)


def _ratio_summary(pairs: list[tuple[float, float]]) -> dict:
    """Median, p90 and all-questions ratio of wall time to needed model time, over (wall, needed) pairs."""
    pairs = [(wall, need) for wall, need in pairs if need > 0]
    if not pairs:
        return {}
    ratios = [wall / need for wall, need in pairs]
    return {"median": percentile(ratios, 50), "p90": percentile(ratios, 90),
            "aggregate": sum(w for w, _ in pairs) / sum(n for _, n in pairs)}


def needed_seconds(llm_calls: list[dict], curve: dict) -> float:
    """Model time the calls could not avoid, each priced at its own depth: the evaluated prompt
    tokens at the prefill cost halfway through their batch, the generated tokens at the decode
    cost halfway through the answer."""
    (pa, pb), (da, db) = curve["prefill_fit"], curve["decode_fit"]
    total = 0.0
    for c in llm_calls:
        prompt, ev, gen = c["prompt_tokens"], c["prompt_tokens_evaluated"], c["completion_tokens"]
        total += ev * (pa + pb * (prompt - ev / 2)) + gen * (da + db * (prompt + gen / 2))
    return total / 1000


def trace_llm_calls(path: str | None) -> list[dict] | None:
    if not path or not Path(path).exists():
        return None
    calls = [r for r in read_jsonl(Path(path)) if r.get("event") == "llm"]
    return calls or None


def depth_efficiency(rows: list[dict], curve: dict | None) -> dict:
    """Like efficiency(), but with every model call priced at its KV-cache depth (from the run's
    trace and the measured speed curve): what is left over is time outside necessary compute."""
    if not curve:
        return {}
    pairs = []
    for r in rows:
        calls = trace_llm_calls(r.get("trace"))
        if calls and not r.get("error") and isinstance(r.get("wall_seconds"), (int, float)):
            pairs.append((r["wall_seconds"], needed_seconds(calls, curve)))
    return _ratio_summary(pairs)


CONFIDENCE_BUCKETS = ((0.0, 0.3), (0.3, 0.6), (0.6, 1.01))


def calibration(rows: list[dict]) -> dict:
    """How much the agent's confidence means: Brier score against lenient correctness, and
    accuracy (lenient) per confidence bucket — it should rise from bucket to bucket."""
    pairs = [(r["confidence"], r["lenient"]) for r in rows if isinstance(r.get("confidence"), (int, float))]
    if not pairs:
        return {}
    buckets = []
    for lo, hi in CONFIDENCE_BUCKETS:
        inside = [(c, ok) for c, ok in pairs if lo <= c < hi]
        buckets.append({"range": f"{lo:.1f}-{min(hi, 1.0):.1f}", "n": len(inside),
                        "accuracy": statistics.fmean(ok for _, ok in inside) if inside else None,
                        "mean_confidence": statistics.fmean(c for c, _ in inside) if inside else None})
    return {"brier": statistics.fmean((c - ok) ** 2 for c, ok in pairs), "buckets": buckets}


def summarize(rows: list[dict]) -> dict:
    """One summary row for a system from its per-question score rows."""
    def mean(key: str) -> float | None:
        vals = [r[key] for r in rows if isinstance(r.get(key), (int, float))]
        return statistics.fmean(vals) if vals else None

    walls = [r["wall_seconds"] for r in rows if isinstance(r.get("wall_seconds"), (int, float))]
    out: dict[str, Any] = {
        "n": len(rows), "em": mean("em"), "f1": mean("f1"), "lenient": mean("lenient"),
        "wall_median": percentile(walls, 50), "wall_p90": percentile(walls, 90),
        **{f"mean_{k}": mean(k) for k in ("steps", "searches", "pages_opened", "prompt_tokens",
                                          "prompt_tokens_evaluated", "completion_tokens")},
        "errors": dict(Counter(r["error"].split(":")[0] for r in rows if r.get("error"))),
    }
    if rows and "cited" in rows[0]:
        cited = sum(r["cited"] for r in rows)
        out["cited_precision"] = sum(r["cited_good"] for r in rows) / cited if cited else None
        out["cited_sources"] = cited
        out["support_recall"] = mean("support_recall")
        out["stopped_because"] = dict(Counter(r.get("stopped_because") or "no result" for r in rows))
        out["calibration"] = calibration(rows)
        checked = sum(r.get("citations") or 0 for r in rows)
        out["citation_support"] = (sum(r.get("citations_supported") or 0 for r in rows) / checked) if checked else None
        out["mean_verify_rejections"] = mean("verify_rejections")
    return out


COLUMNS = [("n", "n", "d"), ("em", "EM", ".3f"), ("f1", "F1", ".3f"), ("lenient", "lenient", ".3f"),
           ("cited_precision", "cited prec.", ".3f"), ("support_recall", "support rec.", ".3f"),
           ("wall_median", "wall med s", ".1f"), ("wall_p90", "wall p90 s", ".1f"),
           ("mean_steps", "steps", ".1f"), ("mean_searches", "searches", ".1f"), ("mean_pages_opened", "pages", ".1f"),
           ("mean_prompt_tokens", "prompt tok", ".0f"), ("mean_prompt_tokens_evaluated", "eval. prompt tok", ".0f"),
           ("mean_completion_tokens", "compl. tok", ".0f")]


def markdown_table(systems: dict[str, dict]) -> str:
    def cell(v: Any, fmt: str) -> str:
        return "—" if v is None else format(v, fmt)

    lines = ["| system | " + " | ".join(h for _, h, _ in COLUMNS) + " | errors |",
             "|---" * (len(COLUMNS) + 2) + "|"]
    for name, s in systems.items():
        errs = ", ".join(f"{k} {v}" for k, v in s["errors"].items()) or "0"
        lines.append(f"| {name} | " + " | ".join(cell(s.get(k), f) for k, _, f in COLUMNS) + f" | {errs} |")
    return "\n".join(lines)


# ================================================================ I/O helpers

def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                out.append(json.loads(line))
            except ValueError:  # a line cut short by an interrupted run
                pass
    return out


def append_jsonl(path: Path, obj: dict) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(obj, ensure_ascii=False) + "\n")


def http_get(url: str, timeout: float = 20) -> bytes:
    req = urllib.request.Request(url, headers={"User-Agent": "kresearch-benchmark/1"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.read(5_000_000)


def main_text(html: str) -> str:
    """Main text of a page (trafilatura), falling back to the page with tags stripped."""
    try:
        import trafilatura
        text = trafilatura.extract(html, include_comments=False, include_tables=True)
    except Exception:
        text = None
    return text or re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class PageFetcher:
    """Fetches pages of the offline web only (other hosts count as unsupported), cached."""

    def __init__(self, base_url: str):
        self.netloc = urllib.parse.urlparse(base_url).netloc
        self.cache: dict[str, str | None] = {}

    def __call__(self, url: str) -> str | None:
        if urllib.parse.urlparse(url).netloc != self.netloc:
            return None
        if url not in self.cache:
            try:
                self.cache[url] = main_text(http_get(url).decode("utf-8", "replace"))
            except Exception:
                self.cache[url] = None
        return self.cache[url]


# ================================================================ the agent (subprocess)

def kresearch_command(cli: str = "") -> list[str]:
    """--cli if given, else the kresearch script of this venv, else `python -m kresearch`."""
    if cli:
        return shlex.split(cli)
    script = Path(sys.executable).parent / "kresearch"
    return [str(script)] if script.exists() else [sys.executable, "-m", "kresearch"]


def parse_json_output(stdout: str) -> dict | None:
    text = stdout.strip()
    for candidate in (text, text.splitlines()[-1] if text else ""):
        try:
            obj = json.loads(candidate)
            return obj if isinstance(obj, dict) else None
        except ValueError:
            continue
    return None


def is_agent(system: str) -> bool:
    return system == "agent" or system.startswith("agent-")


def agent_builds(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(system name, CLI command) of every build of the agent this run compares."""
    return [("agent", args.cli), *((f"agent-{name}", cli) for name, cli in args.versus)]


def run_agent_question(q: dict, args: argparse.Namespace, home: Path, log_dir: Path, cli: str = "") -> dict:
    cmd = [*kresearch_command(cli), "--format", "json", "--search", "searxng", "--searxng-url", args.searxng_url,
           "--allow-private-urls", "-m", args.model, "-q", *shlex.split(args.extra_args), q["question"]]
    # the same page-text markers in every run of a question (toolbox.MARKER_SEED_ENV): what differs
    # between two builds is then the code's doing, not the markers' sampling noise
    env = {**os.environ, "KRESEARCH_HOME": str(home), "KRESEARCH_MARKER_SEED": q["id"]}
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, start_new_session=True)
    error = None
    try:
        out, err = proc.communicate(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        error = "timeout"
        out, err = stop_process(proc)
    except KeyboardInterrupt:  # the child is in its own session: stop it too
        stop_process(proc)
        raise
    elapsed = time.monotonic() - t0
    (log_dir / f"{q['id']}.stderr").write_text(err or "", encoding="utf-8")
    result = parse_json_output(out or "")
    if result is None and error is None:
        error = f"non-json: exit {proc.returncode}"
    elif error is None and proc.returncode not in (0, 3):
        error = f"exit {proc.returncode}"
    rec = {**(result or {}), "id": q["id"], "exit_code": proc.returncode, "error": error,
           "runner_seconds": round(elapsed, 2)}
    rec.setdefault("stats", {}).setdefault("wall_seconds", round(elapsed, 2))
    rec["wall_seconds"] = rec["stats"]["wall_seconds"]
    return rec


def stop_process(proc: subprocess.Popen) -> tuple[str, str]:
    """SIGINT the CLI's process group (it should print a partial result), then SIGKILL."""
    for sig, grace in ((signal.SIGINT, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
            return proc.communicate(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
        except ProcessLookupError:
            break
    return proc.communicate()


# ================================================================ baselines (in-process model)

def physical_cores() -> int:
    try:
        pairs = set()
        phys = "0"
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, val = (x.strip() for x in line.partition(":"))
            if key == "physical id":
                phys = val
            elif key == "core id":
                pairs.add((phys, val))
        return len(pairs) or os.cpu_count() or 1
    except OSError:
        return os.cpu_count() or 1


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    import platform
    return platform.processor() or "unknown"


def load_llm(model: str, seed: int = 0):
    """The baselines' model, loaded as a run loads it (weight repacking decided for this CPU)."""
    from kresearch.llm import repack
    from kresearch.llm.llamacpp import load_llama
    threads = physical_cores()
    decision = repack.resolve("auto", Path(model), threads, None)
    return load_llama(Path(model), repack=decision.repack, n_ctx=8192, n_threads=threads, seed=seed)


def chat(llm, system: str, user: str) -> tuple[str, dict]:
    """One greedy chat completion with the GGUF's own chat template."""
    resp = llm.create_chat_completion(
        messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
        temperature=0.0, max_tokens=64)
    return resp["choices"][0]["message"]["content"] or "", resp.get("usage", {})


def first_line(text: str) -> str:
    line = next((ln.strip() for ln in text.strip().splitlines() if ln.strip()), "")
    return re.sub(r"^(final\s+)?answer\s*:\s*", "", line, flags=re.I)


def truncate_tokens(llm, text: str, n: int) -> str:
    toks = llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)
    if len(toks) <= n:
        return text
    return llm.detokenize(toks[:n]).decode("utf-8", "ignore") + " ..."


def search(base_url: str, query: str) -> list[dict]:
    url = f"{base_url.rstrip('/')}/search?" + urllib.parse.urlencode({"q": query, "format": "json"})
    return json.loads(http_get(url))["results"]


def closed_answer(llm, q: dict, base_url: str, fetch: PageFetcher) -> dict:
    text, usage = chat(llm, "You are a helpful assistant.", f"{q['question']}\n{SHORT}")
    return {"answer": first_line(text), "raw": text, "stats": usage_stats(usage, steps=1)}


def rag_answer(llm, q: dict, base_url: str, fetch: PageFetcher) -> dict:
    results = search(base_url, q["question"])[:RAG_RESULTS]
    blocks = []
    for i, r in enumerate(results, 1):
        page = fetch(r["url"]) or r.get("content", "")
        blocks.append(f"[{i}] {r.get('title', '')}\n{truncate_tokens(llm, page, RAG_TOKENS_PER_PAGE)}")
    user = ("Sources:\n\n" + "\n\n".join(blocks) +
            f"\n\nUsing the sources above, answer the question.\nQuestion: {q['question']}\n{SHORT}")
    text, usage = chat(llm, "You answer questions from the given sources.", user)
    return {"answer": first_line(text), "raw": text, "urls": [r["url"] for r in results],
            "stats": usage_stats(usage, steps=1, searches=1, pages_opened=len(results))}


def usage_stats(usage: dict, **counts: int) -> dict:
    return {**counts, "prompt_tokens": usage.get("prompt_tokens"), "completion_tokens": usage.get("completion_tokens")}


BASELINES: dict[str, Callable] = {"closed": closed_answer, "rag": rag_answer}


def run_baseline_question(llm, name: str, q: dict, base_url: str, fetch: PageFetcher) -> dict:
    t0 = time.monotonic()
    try:
        rec = BASELINES[name](llm, q, base_url, fetch)
        rec["error"] = None
    except Exception as e:  # a failed question is recorded, not fatal
        rec = {"answer": "", "stats": {}, "error": f"exception: {type(e).__name__}: {e}"}
    rec["wall_seconds"] = round(time.monotonic() - t0, 2)
    rec["stats"]["wall_seconds"] = rec["wall_seconds"]
    return {"id": q["id"], **rec}


def filler_tokens(llm, n: int) -> list[int]:
    """`n` tokens of plain, predictable text (BOS first) for the speed measurements."""
    filler = " ".join(f"Item {i} is a plain sentence about number {i}." for i in range(n // 8 + 50))
    return llm.tokenize(filler.encode(), add_bos=True, special=False)[:n]


def measure_speeds(llm) -> dict:
    """Both speed measurements: from an empty cache, and the curve by depth."""
    speed = measure_speed(llm)
    speed["curve"] = measure_speed_curve(llm)
    progress(f"speed: {speed}")
    return speed


def measure_speed(llm, prompt_tokens: int = 1000, gen_tokens: int = 64, repeats: int = 3) -> dict:
    """Prefill tokens/s (a ~1000-token prompt from an empty KV cache) and decode tokens/s; the best
    of `repeats` runs, since other load on the machine only ever slows a run down."""
    toks = filler_tokens(llm, prompt_tokens - 12)
    toks += llm.tokenize(b"\nNow count on: 1, 2, 3, 4, 5,", add_bos=False, special=False)
    runs = []
    for _ in range(repeats):
        llm.reset()
        t0 = time.perf_counter()
        llm.eval(toks)
        prefill_s = time.perf_counter() - t0
        t0 = time.perf_counter()  # the prompt is in the KV cache now: this call only decodes
        n_gen = llm.create_completion(toks, max_tokens=gen_tokens, temperature=0.0)["usage"]["completion_tokens"]
        runs.append((len(toks) / prefill_s, n_gen / (time.perf_counter() - t0), n_gen))
    llm.reset()
    return {"prefill_tokens": len(toks), "prefill_tokens_per_s": round(max(r[0] for r in runs), 1),
            "decode_tokens": runs[0][2], "decode_tokens_per_s": round(max(r[1] for r in runs), 2),
            "runs": [[round(p, 1), round(d, 2)] for p, d, _ in runs], "n_threads": physical_cores()}


def measure_speed_curve(llm, depths: tuple[int, ...] = (0, 1000, 2000, 3000), chunk: int = 256,
                        gen_tokens: int = 32) -> dict:
    """Milliseconds per token at growing KV-cache depth: prefill of a `chunk`-token batch on top
    of `depth` cached tokens, and decoding right after it. Attention makes both slower as the
    prompt grows, and agent steps run at 1-3k tokens of depth, so "necessary model time" is
    priced per call at its own depth (see depth_efficiency). Fitted as ms = a + b * depth."""
    toks = filler_tokens(llm, depths[-1] + chunk + gen_tokens)
    prefill_ms, decode_ms, at = [], [], []
    llm.reset()
    for depth in depths:
        if llm.n_tokens < depth:                       # fill up to the depth, untimed
            llm.eval(toks[llm.n_tokens:depth])
        t0 = time.perf_counter()
        llm.eval(toks[depth:depth + chunk])
        prefill_ms.append(1000 * (time.perf_counter() - t0) / chunk)
        t0 = time.perf_counter()
        for tok in toks[depth + chunk:depth + chunk + gen_tokens]:   # one token per decode call
            llm.eval([tok])
        decode_ms.append(1000 * (time.perf_counter() - t0) / gen_tokens)
        at.append(depth)
    llm.reset()
    return {"depths": at, "chunk": chunk, "prefill_ms_per_token": [round(v, 2) for v in prefill_ms],
            "decode_ms_per_token": [round(v, 2) for v in decode_ms],
            "prefill_fit": _line_fit(at, prefill_ms), "decode_fit": _line_fit(at, decode_ms)}


def _line_fit(xs: list[float], ys: list[float]) -> list[float]:
    """Least-squares [a, b] for y = a + b * x."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var if var else 0.0
    return [round(my - b * mx, 4), round(b, 7)]


# ================================================================ driver

KINDS = ("choice", "temporal", "yes/no", "open")


def question_kind(question: str) -> str:
    """The agent's own classification (what its grammar and checks do differently); "temporal":
    a choice between two dates ("Who was born first, A or B?"), decided by compare.py."""
    from kresearch.agent.answer.compare import direction
    from kresearch.agent.answer.confidence import question_kind as kind

    found = kind(question)
    return "temporal" if found == "choice" and direction(question) is not None else found


def load_questions(path: Path, limit: int | None, kind: str | None = None) -> list[dict]:
    """The first `limit` questions (of `kind`, when given; "choice" includes "temporal")."""
    qs = read_jsonl(path)
    if kind:
        qs = [q for q in qs if question_kind(q["question"]) == kind
              or (kind == "choice" and question_kind(q["question"]) == "temporal")]
    return qs[:limit] if limit else qs


def pending(questions: list[dict], done_path: Path) -> list[dict]:
    done = {r["id"] for r in read_jsonl(done_path)}
    return [q for q in questions if q["id"] not in done]


def progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run_agent(questions: list[dict], args: argparse.Namespace, out: Path) -> None:
    """Each build of the agent on each question; builds alternate who goes first, question by question."""
    builds = agent_builds(args)
    done = {system: {r["id"] for r in read_jsonl(out / f"{system}.jsonl")} for system, _ in builds}
    for i, q in enumerate(questions, 1):
        these = builds if i <= (args.versus_limit or len(questions)) else builds[:1]
        for system, cli in (these if i % 2 else these[::-1]):
            if q["id"] in done[system]:
                continue
            suffix = system.removeprefix("agent")   # absolute paths: trace paths in results stay valid
            home, logs = out.resolve() / f"kresearch-home{suffix}", out / f"logs{suffix}"
            logs.mkdir(parents=True, exist_ok=True)
            rec = run_agent_question(q, args, home, logs, cli)
            append_jsonl(out / f"{system}.jsonl", rec)
            progress(f"[{system} {i}/{len(questions)}] {q['id']} {rec.get('error') or 'ok'} "
                     f"{rec['wall_seconds']:.0f}s answer={rec.get('answer', '')!r} gold={q['answers']}")


def run_baselines(llm, names: list[str], questions: list[dict], args: argparse.Namespace, out: Path) -> None:
    fetch = PageFetcher(args.searxng_url)
    for name in names:
        todo = pending(questions, out / f"{name}.jsonl")
        for i, q in enumerate(todo, 1):
            rec = run_baseline_question(llm, name, q, args.searxng_url, fetch)
            append_jsonl(out / f"{name}.jsonl", rec)
            progress(f"[{name} {i}/{len(todo)}] {q['id']} {rec['error'] or 'ok'} "
                     f"{rec['wall_seconds']:.1f}s answer={rec['answer']!r} gold={q['answers']}")


def write_summary(questions: list[dict], args: argparse.Namespace, out: Path, speed: dict | None,
                  previous: dict | None = None) -> str:
    """Score every stored result; with `previous` (--summary-only) keep that run's date, machine and command."""
    by_id = {q["id"]: q for q in questions}
    fetch = PageFetcher(args.searxng_url)
    systems, all_rows = {}, []
    for name in systems_in(out):
        recs = [r for r in read_jsonl(out / f"{name}.jsonl") if r.get("id") in by_id]
        if not recs:
            continue
        rows = [score_record(name, r, by_id[r["id"]], fetch) for r in recs]
        systems[name] = summarize(rows)
        if is_agent(name):
            sp = speed or (previous or {}).get("speed") or {}
            systems[name]["efficiency"] = efficiency(rows, sp)
            systems[name]["efficiency_by_depth"] = depth_efficiency(rows, sp.get("curve"))
        all_rows += rows
    agent_rows = [r for r in all_rows if r["system"] == "agent"]
    for name in systems:
        if is_agent(name) and name != "agent" and agent_rows:
            systems[name]["agent_against_it"] = paired(agent_rows, [r for r in all_rows if r["system"] == name])
    (out / "scores.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in all_rows))
    summary = {"date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
               "machine": {"cpu": cpu_model(), "physical_cores": physical_cores(), "logical_cpus": os.cpu_count(),
                           "load_avg_at_start": getattr(args, "load_avg", None)},
               "model": Path(args.model).name, "questions": str(args.questions), "limit": args.limit,
               "kind": args.kind,
               "command": shlex.join([Path(sys.executable).name, *sys.argv]),
               "versions": versions(), "speed": speed, "systems": systems}
    if previous:
        keep = ("date", "machine", "command", "versions", "speed")
        summary |= {k: previous[k] for k in keep if k in previous}
        summary["rescored"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    md = render_markdown(summary)
    (out / "summary.md").write_text(md)
    return md


def systems_in(out: Path) -> list[str]:
    """The systems with stored results: the agent builds first, then the baselines."""
    builds = sorted(p.stem for p in out.glob("agent-*.jsonl"))
    return [name for name in ("agent", *builds, *SYSTEMS[1:]) if (out / f"{name}.jsonl").exists()]


def render_markdown(s: dict) -> str:
    m, sp = s["machine"], s.get("speed") or {}
    lines = [f"# Benchmark {s['date']}", "",
             f"- model: `{s['model']}`", f"- machine: {m['cpu']}, {m['physical_cores']} physical cores "
             f"({m['logical_cpus']} logical), load average at start {m['load_avg_at_start']}", f"- questions: `{s['questions']}` (limit {s['limit']}"
             f"{', kind ' + s['kind'] if s.get('kind') else ''})",
             f"- versions: {', '.join(f'{k} {v}' for k, v in s['versions'].items())}",
             f"- speed: prefill {sp.get('prefill_tokens_per_s', '—')} tok/s ({sp.get('prefill_tokens', '—')} tokens), "
             f"decode {sp.get('decode_tokens_per_s', '—')} tok/s ({sp.get('decode_tokens', '—')} tokens)"
             + (f"; by depth {sp['curve']['depths']}: prefill {sp['curve']['prefill_ms_per_token']} ms/token, "
                f"decode {sp['curve']['decode_ms_per_token']} ms/token" if sp.get("curve") else ""),
             f"- command: `{s['command']}`", "", markdown_table(s["systems"]), ""]
    for name, system in s["systems"].items():
        p = system.get("agent_against_it")
        if p and p["n"]:
            lines += [f"agent against {name} on the same {p['n']} questions: median wall "
                      f"{p['ratio_of_medians']:.2f}×, median of per-question wall ratios {p['median_ratio']:.2f}×, "
                      f"total wall {p['ratio_of_totals']:.2f}×; F1 {p['f1_change']:+.3f} "
                      f"(better on {p['f1_better']}, worse on {p['f1_worse']})", ""]
    agent = s["systems"].get("agent")
    if agent:
        lines += [f"agent stopped_because: {agent['stopped_because']}; cited sources: {agent['cited_sources']}", ""]
        eff = agent.get("efficiency") or {}
        if eff:
            lines += [f"efficiency ratio (wall ÷ necessary model time at the measured speeds): median "
                      f"{eff['median']:.2f}, p90 {eff['p90']:.2f}, all questions {eff['aggregate']:.2f}", ""]
        deff = agent.get("efficiency_by_depth") or {}
        if deff:
            lines += [f"efficiency ratio with each model call priced at its KV-cache depth: median "
                      f"{deff['median']:.2f}, p90 {deff['p90']:.2f}, all questions {deff['aggregate']:.2f}", ""]
        tok, ev = agent.get("mean_prompt_tokens"), agent.get("mean_prompt_tokens_evaluated")
        if tok and ev is not None:
            lines += [f"evaluated / total prompt tokens: {ev / tok:.3f}", ""]
        cal = agent.get("calibration") or {}
        if cal:
            cells = ", ".join(f"{b['range']}: n={b['n']} acc={'—' if b['accuracy'] is None else format(b['accuracy'], '.2f')}"
                              for b in cal["buckets"])
            lines += [f"calibration (lenient): Brier {cal['brier']:.3f}; by confidence {cells}", ""]
        if agent.get("citation_support") is not None:
            lines += [f"citations supported by the cited text: {agent['citation_support']:.3f}; "
                      f"verify rejections per question: {agent['mean_verify_rejections'] or 0:.2f}", ""]
    return "\n".join(lines)


def load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (OSError, AttributeError):
        return None


def versions() -> dict:
    out = {}
    for mod in ("kresearch", "llama_cpp"):
        try:
            out[mod] = __import__(mod).__version__
        except Exception:
            out[mod] = "not installed"
    try:
        root = Path(__file__).resolve().parent.parent
        rev = subprocess.run(["git", "-C", str(root), "describe", "--always", "--dirty"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
        out["git"] = rev or "unknown"
    except (OSError, subprocess.SubprocessError):
        out["git"] = "unknown"
    return out


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--questions", type=Path, required=True, help="jsonl: id, question, answers, supporting_titles")
    ap.add_argument("--limit", type=int, default=None, help="first N questions")
    ap.add_argument("--kind", choices=KINDS, default=None,
                    help="only questions of this kind (temporal: which came first, A or B?)")
    ap.add_argument("--model", required=True, help="GGUF path, used by the agent and the baselines")
    ap.add_argument("--searxng-url", default="http://127.0.0.1:8765", help="the offline web (SearXNG JSON API)")
    ap.add_argument("--out", type=Path, required=True, help="run directory, e.g. benchmarks/runs/NAME")
    ap.add_argument("--baselines", default="", help="comma list of: rag, closed")
    ap.add_argument("--extra-args", default="", help="more kresearch flags, one shell-quoted string")
    ap.add_argument("--no-agent", action="store_true", help="run only the baselines")
    ap.add_argument("--cli", default="", help="command that runs kresearch (default: this venv's kresearch)")
    ap.add_argument("--versus", action="append", default=[], metavar='NAME="CMD"',
                    help="another build of the agent, run beside it on each question as system agent-NAME")
    ap.add_argument("--versus-limit", type=int, default=None, metavar="N",
                    help="run the --versus builds on the first N questions only (a slower old build)")
    ap.add_argument("--timeout", type=float, default=1200, help="seconds per agent question")
    ap.add_argument("--resume", action="store_true", help="continue in an existing --out, skipping done ids")
    ap.add_argument("--summary-only", action="store_true", help="only rescore the stored results")
    ap.add_argument("--measure-speed", action="store_true",
                    help="with --summary-only: measure this machine's speeds now (loads the model)")
    args = ap.parse_args(argv)
    args.baselines = [b.strip() for b in args.baselines.split(",") if b.strip()]
    try:
        args.versus = [tuple(v.split("=", 1)) for v in args.versus if v.split("=", 1)[1].strip()]
    except IndexError:
        ap.error('--versus takes NAME="CMD"')
    unknown = set(args.baselines) - set(BASELINES)
    if unknown:
        ap.error(f"unknown baseline(s): {', '.join(sorted(unknown))}; choose from {', '.join(BASELINES)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not Path(args.model).exists():  # a registry: or Hugging Face reference: resolve it once, here
        from kresearch.config import home
        from kresearch.llm.models import resolve_model

        args.model = str(resolve_model(args.model, home() / "models"))
    args.load_avg = load_average()  # timings are only comparable on an otherwise idle machine
    out: Path = args.out
    if not args.resume and not args.summary_only and systems_in(out):
        progress(f"{out} already holds results; pass --resume to continue it or choose another --out")
        return 2
    out.mkdir(parents=True, exist_ok=True)
    questions = load_questions(args.questions, args.limit, args.kind)
    speed, previous = None, None
    if not args.summary_only:
        if not args.no_agent:
            run_agent(questions, args, out)
        progress(f"loading {args.model} for the speed measurement{' and baselines' if args.baselines else ''} ...")
        llm = load_llm(args.model)
        speed = measure_speeds(llm)
        run_baselines(llm, args.baselines, questions, args, out)
    elif (out / "summary.json").exists():
        previous = json.loads((out / "summary.json").read_text())
    if args.summary_only and args.measure_speed:   # e.g. a run made before the depth curve existed
        speed = measure_speeds(load_llm(args.model))
        if previous:
            previous.pop("speed", None)
    print(write_summary(questions, args, out, speed, previous))
    return 0


if __name__ == "__main__":
    sys.exit(main())
