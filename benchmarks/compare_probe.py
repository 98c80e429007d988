"""How well compare.py decides on its own, without the model: for every question it handles
("which came first, A or B?", "are both A and B American?"), read the top search result for each
subject's name, let compare.py decide, and score that against the gold answer.

    python benchmarks/compare_probe.py --questions ../shared/offline-web/data/dev-questions.jsonl \\
        --searxng-url http://127.0.0.1:8765

Prints one line per question and the counts: decided, right when decided.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kresearch.agent.answer.compare import compare, nationality_question
from kresearch.agent.answer.verify import choice_options, follows
from kresearch.tools.extract import extract
from kresearch.tools.fetch import Fetcher, FetchPolicy
from kresearch.tools.search import SearxngBackend


def subjects(question: str) -> list[str]:
    options = choice_options(question)
    if options:
        return options
    parsed = nationality_question(question)
    return parsed[0][-1] if parsed else []


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--questions", type=Path, required=True)
    ap.add_argument("--searxng-url", default="http://127.0.0.1:8765")
    args = ap.parse_args(argv)
    search = SearxngBackend(args.searxng_url)
    decided = right = handled = 0
    with Fetcher(FetchPolicy(allow_private=True)) as fetcher:
        for line in args.questions.read_text().splitlines():
            q = json.loads(line)
            names = subjects(q["question"])
            if not names or compare(q["question"], choice_options(q["question"]), {}) is None:
                continue
            handled += 1
            sources = {}
            for name in names:
                hits = search.search(name, 1)
                if hits:
                    doc = extract(fetcher.fetch(hits[0].url))
                    sources[len(sources) + 1] = (doc.title, doc.text)
            result = compare(q["question"], choice_options(q["question"]), sources)
            ok = result.answer is not None and any(follows(gold, result) for gold in q["answers"])
            decided += result.answer is not None
            right += ok
            print(f"{'right' if ok else 'wrong' if result.answer else 'undecided'}\t{q['question'][:70]}\t"
                  f"{result.summary()}")
    print(f"handled {handled}, decided {decided}, right {right}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
