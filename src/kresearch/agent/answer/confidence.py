"""Confidence in the final answer, from the evidence the run gathered — not from the model.

The score should read as a probability of being right. Its parts, and what the 1.5B model's
earlier answers showed (30 offline dev questions x 3 runs = 90 answers, judged leniently;
benchmarks/RESULTS.md 2026-12-01): the kind of question says most — "A or B?" choices were
right 55% of the time, open questions 33% — and the lexical evidence adds a little.

  open question (a name, date, number to find):
      no source read states the answer ....... 0.20
      a source states it ..................... 0.30 + 0.30 x context  (+ 0.10 from two sources)
        context = share of the question's words around the answer in the best passage that
        states it: "Venice" in "the composer moved to Venice" beats a passing mention
  decided in code (compare.py) .............. 0.80: the dates of the two options ("which came
      first?") or the nationalities of the two subjects ("are both American?") in the sources
      read decided it. Given the top search result for each subject's name, the 14 temporal
      and 5 nationality dev questions were decided 9 and 4 times, right all 13 times.
  choice ("which ..., A or B?") .............. 0.55, a coin toss plus the agent's reading
      - 0.25 when no source read mentions the chosen option; - 0.20 when the model's Python
        decided it (such answers were right 3 times in 15 in the verified runs v8192, v4096 and
        pv8192, against 6 in 12 for the other choice answers)
  yes/no ..................................... 0.50, + 0.10 when supported claims back it,
                                                 + 0.05 more from two sources

  then - 0.10 per failed form/vague/hops/link check, - 0.25 when sources disagree, at most 0.35
  when a limit forced the answer; clamped to 0.02 .. 0.95; 0 without an answer.
"""
from __future__ import annotations

from ..context import stems
from ..evidence import evidence_sentences, is_yes_no, states_answer
from .verify import choice_options, is_yes_no_question

ANSWER_COVERAGE = 0.75   # share of the answer's words a passage needs to count as stating it


def answer_context(question: str, answer: str, text: str) -> float:
    """How much of the question surrounds the answer in `text`: over every passage (a sentence
    and its neighbours) that states the answer, the best share of the question's words
    (the answer's own words left out) it contains. 0 when no passage states the answer."""
    answer_words = stems(answer)
    question_words = stems(question) - answer_words
    if not answer_words or not question_words:
        return 0.0
    words = [stems(s) for s in evidence_sentences(text)]
    best = 0.0
    for i, here in enumerate(words):
        passage = here.union(*words[max(0, i - 1):i + 2])
        if len(answer_words & passage) / len(answer_words) >= ANSWER_COVERAGE:
            best = max(best, len(question_words & passage) / len(question_words))
    return best


def question_kind(question: str) -> str:
    if choice_options(question):
        return "choice"
    return "yes/no" if is_yes_no_question(question) else "open"


def estimate(question: str, answer: str, *, answered: bool, opened: dict[int, str],
             claim_sources: list[int], failed_checks: list[str], computed: bool,
             decided_by: str = "") -> tuple[float, str]:
    """(score, the reason in words). `opened`: source number -> text of every source read;
    `claim_sources`: the sources the findings quote; `decided_by`: the comparison
    (compare.py) that decided the answer, in words ("" when none did)."""
    if not answer.strip():
        return 0.0, "no answer"
    kind = question_kind(question)
    stating = [sid for sid, text in opened.items() if states_answer(answer, text)]
    context = max((answer_context(question, answer, opened[sid]) for sid in stating), default=0.0)
    parts = []
    if decided_by:
        score = 0.80
        parts.append(f"decided in code from what the sources say ({decided_by})")
    elif kind == "yes/no" or is_yes_no(answer):
        score = 0.50 + (0.10 if claim_sources else 0.0) + (0.05 if len(set(claim_sources)) >= 2 else 0.0)
        parts.append(f"yes/no answer; {len(set(claim_sources))} source(s) quoted on what it asks")
    elif kind == "choice":
        score = 0.55
        if not stating:
            score -= 0.25
            parts.append("no source read mentions the chosen option")
        else:
            parts.append(f"{len(stating)} source(s) read mention the chosen option")
        if computed:
            score -= 0.20
            parts.append("the comparison was computed by the model, which often gets it wrong")
    elif not stating:
        score = 0.20
        parts.append("no source read states the answer")
    else:
        score = 0.30 + 0.30 * context + (0.10 if len(stating) >= 2 else 0.0)
        parts.append(f"{len(stating)} source(s) read state it; {context:.0%} of the question around it")
    doubts = ("form", "vague", "hops", "link", "described", "relation", "kind", "role")
    score -= 0.10 * sum(c in doubts for c in failed_checks)
    parts.append("verification failed: " + ", ".join(failed_checks) if failed_checks else "verification passed")
    if "conflict" in failed_checks:
        score -= 0.25
        parts.append("sources disagree")
    if not answered:
        score = min(score, 0.35)
        parts.append("a limit forced the answer")
    return round(max(0.02, min(score, 0.95)), 2), "; ".join(parts)
