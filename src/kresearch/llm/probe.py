"""`python -m kresearch.llm.probe MODEL`: load a model and generate a few tokens, then print
one JSON line with the speeds. Run in a child process by `repack.probe()` (the repack decision)
and `kresearch doctor`, so a native crash in llama.cpp kills only the child."""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from .llamacpp import load_llama

PROMPT = "The capital of France is Paris. The capital of Italy is Rome. The capital of Spain is"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kresearch.llm.probe")
    parser.add_argument("model", type=Path)
    parser.add_argument("--repack", choices=("on", "off"), default="on")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--tokens", type=int, default=8)
    parser.add_argument("--prompt", default=PROMPT)
    args = parser.parse_args(argv)
    llama = load_llama(args.model, repack=args.repack == "on", n_ctx=512, n_threads=args.threads,
                       n_threads_batch=args.threads, n_gpu_layers=0, n_batch=512, seed=0)
    tokens = llama.tokenize(args.prompt.encode(), add_bos=True, special=False)
    start = time.perf_counter()
    llama.eval(tokens)                                   # prefill: where the AMX crash happens
    prefilled = time.perf_counter()
    generated = 0
    for token in llama.generate(tokens, temp=0.0):   # the prompt is cached: samples at once
        generated += 1
        if generated >= args.tokens or token == llama.token_eos():
            break
    end = time.perf_counter()
    print(json.dumps({"tokens": generated, "prompt_tokens": len(tokens),
                      "prefill_tps": round(len(tokens) / max(prefilled - start, 1e-9), 1),
                      "decode_tps": round(generated / max(end - prefilled, 1e-9), 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
