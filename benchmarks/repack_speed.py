"""Prefill and decode speed with and without llama.cpp's weight repacking, side by side.

    python benchmarks/repack_speed.py MODEL.gguf [MODEL.gguf ...] [--rounds 3]

Each measurement is a fresh child process (`python -m kresearch.llm.probe`), so a native crash
is reported instead of ending the benchmark; on and off alternate within each round so both
see the same machine load. Prints a Markdown table of medians for benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from kresearch.llm.llamacpp import physical_cores  # noqa: E402
from kresearch.llm.repack import cpu_info  # noqa: E402

PROMPT = ("Summarise the following notes on garbage collection. " +
          "Reference counting frees an object as soon as its count drops to zero, but cannot reclaim "
          "cycles without help; tracing collectors start from the roots and mark what is reachable. " * 12)


def measure(model: Path, repack: bool, threads: int, tokens: int) -> dict:
    cmd = [sys.executable, "-m", "kresearch.llm.probe", str(model), "--repack", "on" if repack else "off",
           "--threads", str(threads), "--tokens", str(tokens), "--prompt", PROMPT]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        return {"error": f"exit {done.returncode}: {done.stderr.strip().splitlines()[-1:]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("models", nargs="+", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tokens", type=int, default=64)
    args = parser.parse_args()
    threads = physical_cores()
    cpu, flags = cpu_info()
    print(f"CPU: {cpu or platform.processor()} ({threads} threads; AMX flags: "
          f"{' '.join(sorted(f for f in flags if f.startswith('amx'))) or 'none'})\n")
    print("| model | repack | prompt tokens | prefill tok/s (median) | decode tok/s (median) | runs |")
    print("|---|---|---|---|---|---|")
    for model in args.models:
        runs: dict[bool, list[dict]] = {True: [], False: []}
        for _ in range(args.rounds):
            for repack in (True, False):
                runs[repack].append(measure(model, repack, threads, args.tokens))
        for repack in (True, False):
            good = [r for r in runs[repack] if "error" not in r]
            if not good:
                print(f"| {model.name} | {'on' if repack else 'off'} | | crashed: {runs[repack][0]['error']} | | 0 |")
                continue
            print(f"| {model.name} | {'on' if repack else 'off'} | {good[0]['prompt_tokens']} | "
                  f"{statistics.median(r['prefill_tps'] for r in good):.1f} | "
                  f"{statistics.median(r['decode_tps'] for r in good):.1f} | {len(good)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
