#!/usr/bin/env python3
"""Misspelled questions, and what agent/spelling.py makes of them, without the model.

    # one name misspelled per question, as people mistype (seeded by the question's id)
    python benchmarks/spelling_probe.py misspell ../shared/offline-web/data/dev-questions.jsonl > /tmp/typo.jsonl
    # each question's first search read as the agent reads it, and the question spelled by its pages
    python benchmarks/spelling_probe.py check /tmp/typo.jsonl --searxng-url http://127.0.0.1:8765 \\
        [--fired /tmp/fired.jsonl]

`misspell` picks the question's longest capitalised word of five letters or more (not its first
word; any word of six letters when it has none) and makes one slip: a letter dropped, doubled,
two swapped, or one changed to its neighbour on the keyboard; the row keeps `typo: [right, typed]`.
`check` searches each question, reads the top FIRST_READING_PAGES results as the first reading
does, and prints what `as_pages_spell` changes: right (the typo mended), wrong (another word
changed), missed. On questions as written (no `typo`), every change is a wrong one. `--fired`
writes the questions it changes, for a model run on those alone.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys

NEAR = dict(zip("qwertyuiopasdfghjklzxcvbnm", "wqrtyuiopoadfghjklkxcvbnmn"))


def misspell(question: dict) -> dict:
    text = question["question"]
    words = [(m.start(), m.group()) for m in re.finditer(r"[A-Za-z]+", text)]
    names = [(i, w) for n, (i, w) in enumerate(words) if n and w[0].isupper() and len(w) >= 5]
    at, word = max(names or [(i, w) for i, w in words if len(w) >= 6], key=lambda p: (len(p[1]), -p[0]))
    rnd = random.Random(question["id"])
    k = rnd.randrange(1, len(word) - 1)
    slip = rnd.choice(["drop", "double", "swap", "near"])
    typed = {"drop": word[:k] + word[k + 1:], "double": word[:k] + word[k] + word[k:],
             "swap": word[:k] + word[k + 1] + word[k] + word[k + 2:],
             "near": word[:k] + NEAR.get(word[k].lower(), word[k]) + word[k + 1:]}[slip]
    if typed == word:
        typed = word[:k] + word[k + 1:]
    return dict(question, question=text[:at] + typed + text[at + len(word):], typo=[word, typed])


def check(path: str, searxng_url: str, fired_path: str | None) -> None:
    from kresearch.agent.answer.first_reading import FIRST_READING_PAGES
    from kresearch.agent.spelling import as_pages_spell
    from kresearch.tools.browser import Browser
    from kresearch.tools.fetch import Fetcher, FetchPolicy
    from kresearch.tools.search import SearxngBackend

    search, browser = SearxngBackend(searxng_url), Browser(Fetcher(FetchPolicy(allow_private=True)))
    fired = open(fired_path, "w") if fired_path else None
    counts = {"right": 0, "wrong": 0, "missed": 0, "unchanged": 0}
    for line in open(path):
        row = json.loads(line)
        texts = []
        for hit in search.search(row["question"], 10)[:FIRST_READING_PAGES]:
            try:
                texts.append(browser.load(hit.url).text)
            except Exception:          # a page that fails is not read, as in a run
                pass
        spelled = as_pages_spell(row["question"], texts)
        typo = row.get("typo")
        if spelled == row["question"]:
            counts["missed" if typo else "unchanged"] += 1
            continue
        changed = [(a, b) for a, b in zip(row["question"].split(), spelled.split()) if a != b]
        verdict = "right" if typo and len(changed) == 1 and typo[0] in changed[0][1] else "wrong"
        counts[verdict] += 1
        print(f"{verdict:6} {row['id']} {changed}")
        if fired:
            fired.write(line)
    print(json.dumps(counts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("misspell")
    make.add_argument("questions")
    probe = sub.add_parser("check")
    probe.add_argument("questions")
    probe.add_argument("--searxng-url", required=True)
    probe.add_argument("--fired")
    args = parser.parse_args()
    if args.command == "misspell":
        for line in open(args.questions):
            sys.stdout.write(json.dumps(misspell(json.loads(line))) + "\n")
    else:
        check(args.questions, args.searxng_url, args.fired)


if __name__ == "__main__":
    main()
