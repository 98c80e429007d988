"""Offline check of the count comparison rule (compare.compare_counts) on every "which has
more/fewer N, A or B?" question of the given question files: each option's own page is fetched
from the offline web (/wiki/<Option>) and the rule's decision is printed beside the gold answer.
No model: it measures the rule alone (what it decides, and whether that is right).

    python benchmarks/count_rule_check.py ../shared/offline-web/data/dev-questions.jsonl \
        ../shared/offline-web/data/dev-questions-b.jsonl      # offline web on 127.0.0.1:8765
"""
from __future__ import annotations

import html
import json
import re
import sys
import urllib.parse
import urllib.request

from kresearch.agent.answer.compare import compare_counts, counted
from kresearch.agent.answer.verify import choice_options

BASE = "http://127.0.0.1:8765"


def page(title: str) -> str | None:
    """The text of the option's encyclopedia page (tags stripped), or None when there is none."""
    url = BASE + "/wiki/" + urllib.parse.quote(title.replace(" ", "_"))
    try:
        raw = urllib.request.urlopen(url, timeout=20).read().decode()
    except OSError:
        return None
    text = html.unescape(re.sub(r"<[^>]+>", "\n", raw))
    start = text.find("the free encyclopedia")
    return text[start + len("the free encyclopedia"):] if start >= 0 else text


def main(paths: list[str]) -> None:
    asked = decided = right = 0
    for path in paths:
        for line in open(path, encoding="utf-8"):
            q = json.loads(line)
            options = choice_options(q["question"])
            if not counted(q["question"], options):
                continue
            asked += 1
            sources = {i + 1: (f"{o} - Offline Encyclopedia", text)
                       for i, o in enumerate(options) if (text := page(o.strip('"'))) is not None}
            comparison = compare_counts(q["question"], options, sources)
            gold = q["answers"][0]
            if comparison and comparison.answer:
                decided += 1
                right += comparison.answer.lower() in gold.lower() or gold.lower() in comparison.answer.lower()
            print(f"{path.rsplit('/', 1)[-1]:<24} {q['question'][:70]:<70} | "
                  f"{comparison.summary() if comparison else 'not decided'} | gold: {gold}")
    print(f"count questions {asked}, decided {decided}, right {right}")


if __name__ == "__main__":
    main(sys.argv[1:])
