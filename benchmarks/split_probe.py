#!/usr/bin/env python3
"""The each-one split alone (agent/answer/each.py): how often does the model name the things a
question asks the same thing of, with a question about each that code keeps?

    python benchmarks/split_probe.py --questions ../shared/offline-web/data/dev-questions.jsonl \\
        --model ~/.cache/kresearch-models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf [--out /tmp/split.jsonl]

Only the questions the agent would ask it of (`each.may_split`) are asked, at temperature 0, with
the shipped request (`each.split_messages`); prints each question, the parts code kept (or the
model's reply when code dropped it), and the share kept. No web, no pages: the split reads the
question alone.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from kresearch.agent.answer import each
from kresearch.agent.answer.first_reading import EACH_SPLIT_TOKENS, _choice
from kresearch.agent.answer.verify import choice_options, is_yes_no_question
from kresearch.llm.llamacpp import LlamaCppLLM


def _messages(question: str) -> list[dict]:
    if hasattr(each, "split_messages"):
        return each.split_messages(question)
    # builds before the worked examples (134bffa and older), for comparing in one run
    return [{"role": "system", "content": "You answer from the given text, exactly and briefly."},
            {"role": "user", "content": each.split_request(question)}]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", required=True, action="append", help="jsonl with a 'question' field")
    parser.add_argument("--model", required=True)
    parser.add_argument("--out", help="jsonl of every reply")
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for path in args.questions for line in open(path) if line.strip()]
    llm = LlamaCppLLM(Path(args.model).expanduser())
    rows, started = [], time.time()
    for question in questions:
        options = _choice(question)
        if (not each.may_split(question, is_yes_no_question(question), bool(options))
                or (choice_options(question) and not options)):
            continue
        reply = llm.complete(_messages(question), schema=each.split_schema(),
                             max_tokens=EACH_SPLIT_TOKENS, temperature=0.0)
        parts = each.parse_split(reply.text, question, options)
        rows.append({"question": question, "reply": reply.text, "parts": [p.question for p in parts]})
        shown = " / ".join(p.question for p in parts) if parts else "DROPPED " + " ".join(reply.text.split())[:200]
        print(f"{question}\n    {shown}", flush=True)
    kept = sum(1 for r in rows if r["parts"])
    print(f"\nkept {kept}/{len(rows)} splits ({time.time() - started:.0f} s)", file=sys.stderr)
    if args.out:
        Path(args.out).write_text("".join(json.dumps(r) + "\n" for r in rows))


if __name__ == "__main__":
    main()
