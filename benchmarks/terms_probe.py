#!/usr/bin/env python3
"""The terms an aspect is filed under (report_mode/research.py `_name_terms`), alone: do they name
the pages a report needs?

    python benchmarks/terms_probe.py benchmarks/runs/NAME [--questions Q.jsonl] --model M.gguf \\
        [--variants shipped,answer-first]

For every aspect the stored run asked terms for (its trace's "terms" events), the terms request is
asked again at temperature 0 in each variant, and the kept terms (outline.parse_terms) are
searched alone on the offline web, as research searches them: prints, per variant, the terms kept
and the key-point pages (each key point's `source`) among their top five results -- the pages
research could not find otherwise are the "never found" of report_points.py.

- `shipped`: outline.terms_messages as the product asks;
- `again`: as shipped, then asked once more when fewer than two terms were kept, told that what it
  named the question already names (outline.terms_again);
- `plain`: no worked examples, the part asked as a plain request for the kinds, stages, parts and
  named examples it must explain;
- `kinds`: a third worked example, a part asking for kinds ("The main kinds of clouds": cumulus,
  stratus, cirrus, cumulonimbus);
- `answer-first`: the same examples and request, but the model first answers the part in a
  sentence from what it knows, then names the terms (a passage written first, as in HyDE, tends
  to carry the names a search needs).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from kresearch.agent.context import stems
from kresearch.agent.report_mode import outline
from kresearch.agent.report_mode.research import SYSTEM, TERMS_TOKENS
from kresearch.llm.llamacpp import LlamaCppLLM

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE.parent.parent / "shared/offline-web/data/report-questions.jsonl"


def aspects_asked(run: Path) -> dict[str, list[str]]:
    """question id -> the aspects its stored run asked terms for."""
    out = {}
    for path in sorted((run / "agent").glob("*.json")):
        row = json.loads(path.read_text())
        trace = Path(row.get("trace", ""))
        if trace.exists():
            events = [json.loads(line) for line in trace.read_text().splitlines() if line.strip()]
            out[path.stem] = [e["aspect"] for e in events if e.get("event") == "terms"]
    return out


def _search(url: str, query: str, top: int = 5) -> set[str]:
    """The paths of the offline web's top results for `query` (as research searches a term alone)."""
    reply = httpx.get(f"{url.rstrip('/')}/search", params={"q": query, "format": "json"}, timeout=30).json()
    return {urlsplit(r["url"]).path for r in reply.get("results", [])[:top]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--model", required=True)
    parser.add_argument("--variants", default="shipped")
    parser.add_argument("--searxng-url", default="http://127.0.0.1:8765")
    args = parser.parse_args()
    questions = {q["id"]: q for q in map(json.loads, args.questions.read_text().splitlines())}
    llm = LlamaCppLLM(Path(args.model).expanduser())
    variants = args.variants.split(",")
    totals = {v: [0, set()] for v in variants}
    started = time.time()
    for qid, aspects in aspects_asked(args.run).items():
        question = questions[qid]
        sources = {point["source"] for point in question["key_points"]}
        for variant in variants:
            taken = [stems(a) for a in aspects]
            kept_all = []
            for aspect in aspects:
                messages, told, schema = _request(variant, question["question"], aspect)
                reply = llm.complete(messages, schema=schema, max_tokens=TERMS_TOKENS + 80, temperature=0.0)
                kept = outline.parse_terms(reply.text, question["question"], taken, instructions=told)
                again = outline.terms_again(messages, reply.text, kept) if variant == "again" else None
                if again:
                    reply = llm.complete(again, schema=schema, max_tokens=TERMS_TOKENS, temperature=0.0)
                    kept += outline.parse_terms(reply.text, question["question"], taken,
                                                instructions=f"{told} {again[-1]['content']}")
                kept_all += kept
            found = {page for t in kept_all for page in _search(args.searxng_url, t)} & sources
            totals[variant][0] += len(kept_all)
            totals[variant][1] |= {(qid, page) for page in found}
            print(f"{qid} {variant}: {'; '.join(kept_all)}  -> finds {sorted(found)}", flush=True)
    for variant, (kept, found) in totals.items():
        print(f"{variant}: {kept} terms kept; searched alone, they find {len(found)} key-point pages",
              file=sys.stderr)
    print(f"({time.time() - started:.0f} s)", file=sys.stderr)


def _request(variant: str, question: str, aspect: str) -> tuple[list[dict], str, dict]:
    messages, told = outline.terms_messages(SYSTEM, question, aspect)
    if variant in ("shipped", "again"):
        return messages, told, outline.terms_schema()
    if variant == "plain":               # no worked examples: the part asked as a plain request
        ask = (f"A research report answers: {question}\nOne part of it: {aspect}\n\nList {outline.MIN_TERMS} to "
               f"{outline.MAX_TERMS} specific things this part must explain: kinds, stages, parts, named examples, "
               'people or events, each with its own encyclopedia entry. Answer with one JSON object {"terms": [...]}.')
        return [messages[0], {"role": "user", "content": ask}], told, outline.terms_schema()
    if variant == "kinds":               # a third example: a part that asks for kinds names each kind
        ask = messages[-1]["content"].replace(question, KINDS[0]).replace(aspect, KINDS[1])
        messages[-1:-1] = [{"role": "user", "content": ask},
                           {"role": "assistant", "content": json.dumps({"terms": KINDS[2]})}]
        return messages, told + " " + " ".join(KINDS[2]), outline.terms_schema()
    answers = [line.split("|")[-1].strip() for line in ANSWERS.strip().splitlines()]
    for i, answer in zip((2, 4), answers):          # the examples' replies: an answer, then the terms
        messages[i] = {"role": "assistant",
                       "content": json.dumps({"answer": answer, **json.loads(messages[i]["content"])})}
    for m in messages[1::2]:
        if m["role"] == "user":
            m["content"] = m["content"].replace("Name ", "First answer that part in one sentence from what you "
                                                "know, then name ", 1)
    schema = outline.terms_schema()
    schema["properties"] = {"answer": {"type": "string", "minLength": 1, "maxLength": 300}, **schema["properties"]}
    schema["required"] = ["answer", "terms"]
    return messages, told, schema


KINDS = ("Give an overview of clouds: how they form and the main kinds", "The main kinds of clouds",
         ["cumulus", "stratus", "cirrus", "cumulonimbus"])

ANSWERS = """
honeybees | Worker bees suck nectar with the proboscis, carry it in the honey stomach and evaporate it in the comb.
apollo | Apollo 11 landed the Lunar Module Eagle in 1969, and Neil Armstrong was the first to step onto the Moon.
"""


if __name__ == "__main__":
    main()
