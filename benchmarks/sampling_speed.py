"""Decode cost of grammar-constrained generation: the library's sampler (grammar over the whole
vocabulary for every token) against kresearch's grammar-checked sampler (llm/sampling.py),
with unconstrained decoding as the floor. Same prompt (~2,200 tokens, in the KV cache), same
step grammar, temperature 0.2.

    python benchmarks/sampling_speed.py --model /tmp/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf

Prints milliseconds per generated token for each sampler (best of the rounds).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import llama_cpp

from kresearch.agent.actions import ACTIONS, step_schema
from kresearch.agent.loop import system_prompt
from kresearch.llm.llamacpp import LlamaCppLLM
from kresearch.prompts import render

PAGE = " ".join(f"Paragraph {i}: the composer moved to a new city in year {1800 + i} and wrote an opera."
                for i in range(60))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--tokens", type=int, default=60, help="tokens to generate per call")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    llm = LlamaCppLLM(Path(args.model), n_ctx=4096)
    messages = [{"role": "system", "content": system_prompt(list(ACTIONS), verify=True)},
                {"role": "user", "content": render("task", question="Where did the composer move in 1830?")
                 + "\n\nObservation:\n" + PAGE}]
    schema = step_schema(list(ACTIONS))
    checked = llm.llama._init_sampler
    library = lambda **kw: llama_cpp.Llama._init_sampler(llm.llama, **kw)  # noqa: E731
    variants = {"unconstrained": (None, checked), "library grammar": (schema, library),
                "grammar-checked": (schema, checked)}
    llm.complete(messages, max_tokens=1)   # the prompt into the KV cache
    best: dict[str, float] = {}
    for _ in range(args.rounds):
        for name, (sch, sampler) in variants.items():
            llm.llama._init_sampler = sampler
            spent, made = 0.0, 0
            for _ in range(3):
                t0 = time.perf_counter()
                out = llm.complete(messages, schema=sch, max_tokens=args.tokens, temperature=0.2)
                spent, made = spent + time.perf_counter() - t0, made + out.completion_tokens
            best[name] = min(best.get(name, float("inf")), 1000 * spent / max(made, 1))
    print(f"prompt {llm.count_prompt(messages)} tokens, {llm.n_threads} threads, {llm.name}")
    for name, ms in best.items():
        print(f"{name:16s} {ms:6.1f} ms/token")


if __name__ == "__main__":
    main()
