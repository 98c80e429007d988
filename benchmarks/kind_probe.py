"""Offline check of the kind check (agent/answer/kind.py) on right answers: for every open
question of the given files whose asked kind the check knows (who, where, which/what N), the
gold answer is searched on the offline web, the top five results are read as the browser reads
them, and `wrong_kind` is run on the gold answer. A right answer the check rejects is a false
positive. No model: it measures the rule alone.

    python benchmarks/kind_probe.py ../shared/offline-web/data/dev-questions.jsonl   # offline web on :8765
"""
from __future__ import annotations

import json
import sys

import httpx

from kresearch.agent.answer.kind import asked_kind, what_it_is, wrong_kind
from kresearch.agent.answer.verify import choice_options
from kresearch.tools.extract import _soup_text, _trafilatura_text, html_title

BASE = "http://127.0.0.1:8765"
RESULTS = 5


def pages_for(answer: str) -> dict[int, tuple[str, str]]:
    """The top results for the answer, as (title, text) by result number."""
    found = httpx.get(f"{BASE}/search", params={"q": answer, "format": "json"}, timeout=20).json()["results"]
    pages = {}
    for number, result in enumerate(found[:RESULTS], 1):
        markup = httpx.get(result["url"], timeout=20).text
        pages[number] = (html_title(markup), _trafilatura_text(markup, result["url"]) or _soup_text(markup))
    return pages


def main(paths: list[str]) -> None:
    asked = known = fired = 0
    for path in paths:
        for line in open(path, encoding="utf-8"):
            q = json.loads(line)
            kind = asked_kind(q["question"])
            if kind is None or choice_options(q["question"]):
                continue
            gold = q["answers"][0]
            pages = pages_for(gold)
            said = what_it_is(gold, pages)
            wrong = wrong_kind(q["question"], gold, pages)
            asked, known, fired = asked + 1, known + bool(said), fired + bool(wrong)
            print(f"{kind:11} {gold[:30]!r:32} {said[:1]} {'REJECTED' if wrong else ''} | {q['question'][:70]}")
    print(f"{asked} open questions of a known kind; the gold answer's own page says what it is for {known}; "
          f"the check rejects the gold answer on {fired}")


if __name__ == "__main__":
    main(sys.argv[1:])
