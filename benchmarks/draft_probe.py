#!/usr/bin/env python3
"""The first reading alone: how good is the one-shot answer a short-answer run starts from?

    python benchmarks/draft_probe.py --questions ../shared/offline-web/data/dev-questions.jsonl \\
        --limit 50 --model ~/.cache/kresearch-models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf \\
        --out /tmp/probe.jsonl [--variants asks,plain,standalone] [--rag benchmarks/runs/NAME/rag.jsonl]

Runs kresearch's own agent in-process (same search, pages, context and grammar) and stops it
right after the first reading (agent/loop.py `_first_reading`): the question searched, its top
results read, one short call. Records the draft, whether `settles` let it end the run, and the
time. Each variant differs only in the draft request, so prompts are compared on the same pages
in the same run (the shipped one first, then the others on the same context):

- `asks`: the shipped request (what the question asks for, then the answer);
- `plain`: the one-shot baseline's words in the agent's context ("Using the sources above,
  answer the question ... Answer with a short phrase only."), answer only;
- `standalone`: the baseline's own prompt (its short system prompt, the sources, the question)
  instead of the agent's context, answer only -- the cost is a second prefill of the pages.

With `--rag`, prints the F1 of the one-shot baseline on the same questions beside it.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # noqa: E402  (scoring, question kinds, jsonl)

from kresearch.agent import loop  # noqa: E402
from kresearch.agent.answer import first_reading  # noqa: E402
from kresearch.agent.answer.verify import settles, tidy_answer  # noqa: E402
from kresearch.config import Settings  # noqa: E402
from kresearch.session import Session  # noqa: E402

VARIANTS = ("asks", "plain", "standalone")
PLAIN = "Using the sources above, answer the question.\nQuestion: {question}\nAnswer with a short phrase only. Reply with {reply}."


class Stop(Exception):
    pass


def draft_request(agent: loop.Agent, variant: str, question: str, ctx) -> tuple[list, dict]:
    options = agent._answer_options()
    answer = {"enum": options} if options else {"type": "string", "minLength": 1, "maxLength": 100}
    schema = {"type": "object", "properties": {"answer": answer}, "required": ["answer"]}
    words = PLAIN.format(question=question, reply='{"answer": "..."}')
    if options:
        words += f" Answer with one of: {', '.join(options)}."
    if variant == "plain":
        return ctx.messages(words), schema
    observation = next(s.text for s in reversed(ctx.segments) if s.kind != "task" and s.role == "user")
    return [{"role": "system", "content": "You answer questions from the given sources."},
            {"role": "user", "content": f"Sources:\n\n{observation}\n\n{words}"}], schema


def patch(agent: loop.Agent, variants: list[str], question: str, record: dict) -> None:
    """After the first reading (which asks with the shipped request), ask again with each other
    variant on the same context: `plain` shares its prefix in the KV cache (a few seconds),
    `standalone` is prefilled anew."""
    first_reading = agent._first_reading

    def stop_after(q, ctx, state, step):
        yield from first_reading(q, ctx, state, step)
        draft = state.candidates[0].answer if state.candidates else ""
        record["asks"] = {"draft": draft, "check": agent.verifier.log[-1]["check"] if agent.verifier.log else None}
        for variant in variants:
            if variant == "asks":
                continue
            t0 = time.monotonic()
            messages, schema = draft_request(agent, variant, question, ctx)
            completion = agent._call(messages, schema, first_reading.DRAFT_MAX_TOKENS, "draft", step, 0.0)
            try:
                proposed = tidy_answer(str(json.loads(completion.text).get("answer", "")))
            except (ValueError, AttributeError):
                proposed = ""
            evidence = agent._evidence(proposed)
            answer = evidence.answer = agent.verifier.decide(evidence, step) if proposed else ""
            verdict = settles(evidence) if proposed else None
            record[variant] = {"draft": answer, "check": "passed" if verdict and verdict.passed else
                               (verdict.check if verdict else "no answer"), "seconds": round(time.monotonic() - t0, 1)}
        raise Stop

    agent._first_reading = stop_after


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--questions", type=Path, required=True)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--model", required=True)
    ap.add_argument("--variants", default="asks,plain,standalone", help="comma-separated: " + ", ".join(VARIANTS))
    ap.add_argument("--searxng-url", default="http://127.0.0.1:8765")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--rag", type=Path, help="a one-shot baseline's rag.jsonl on the same questions")
    args = ap.parse_args()
    variants = [v for v in args.variants.split(",") if v in VARIANTS]
    questions = bench.load_questions(args.questions, args.limit)
    session = Session(Settings(model=args.model, search="searxng", searxng_url=args.searxng_url,
                               allow_private_urls=True, cache=True))
    llm = session.llm()
    rag = {r["id"]: r for r in bench.read_jsonl(args.rag)} if args.rag else {}
    rows = []
    with args.out.open("w", encoding="utf-8") as out:
        for q in questions:
            record: dict = {"id": q["id"], "kind": bench.question_kind(q["question"])}
            agent = session.agent(llm)
            patch(agent, variants, q["question"], record)
            t0 = time.monotonic()
            try:
                for _ in agent.run(q["question"]):
                    pass
            except Stop:
                pass
            record["seconds"] = round(time.monotonic() - t0, 1)
            for v in variants:
                if v in record:
                    record[v]["f1"] = bench.best_over(bench.f1_score, record[v]["draft"] or "", q["answers"])
            if q["id"] in rag:
                record["rag"] = {"draft": rag[q["id"]]["answer"],
                                 "f1": bench.best_over(bench.f1_score, rag[q["id"]]["answer"], q["answers"])}
            out.write(json.dumps(record) + "\n")
            out.flush()
            rows.append(record)
            print(" ".join(f"{v}={record[v]['f1']:.2f}{'S' if record[v].get('check') == 'passed' else ''}"
                           f":{record[v]['draft']!r:.25}" for v in [*variants, "rag"] if v in record)
                  + f" gold {q['answers'][0]!r:.25}", file=sys.stderr, flush=True)
    print(summary(rows, [*variants, "rag"]))
    return 0


def summary(rows: list[dict], variants: list[str]) -> str:
    lines = [f"n={len(rows)}"]
    kinds = sorted({r["kind"] for r in rows})
    for v in variants:
        have = [r for r in rows if v in r]
        if not have:
            continue
        settled = [r for r in have if r[v].get("check") == "passed"]
        by_kind = ", ".join(f"{k} {statistics.mean(r[v]['f1'] for r in have if r['kind'] == k):.2f}"
                            for k in kinds if any(r["kind"] == k for r in have))
        lines.append(f"{v:10} F1 {statistics.mean(r[v]['f1'] for r in have):.3f}  settled {len(settled)} "
                     f"(F1 {statistics.mean([r[v]['f1'] for r in settled] or [0]):.3f})  by kind: {by_kind}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
