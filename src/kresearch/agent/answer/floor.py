"""The floor: research may add to what one-shot retrieval gives, never subtract from it.

One-shot retrieval (search the question, read the top passages, answer in one call) is the
simplest system there is; measured on unseen questions, an agent that researched further
sometimes ended with less -- an answer that a later check rejected, a sentence forced out at
the step limit, or the question's own words. So the run keeps every answer it produced as a
candidate: the *draft* (one short call right after the first search, from those results
alone, the one-shot answer at the cost of a few dozen tokens, because the prompt before it is
already in the KV cache), each answer the model proposed, and the final one. At the end they
are all judged by the same checks against everything read, and the final answer stands
unless it fails a check that says it is not an answer at all while another candidate passes
more of them.

The principle, general to any short-answer question: prefer an answer that is an answer
(right form, not the question's words) and that a source read states; among equals, the
latest (it had the most evidence). An answer that only restates the question is never
printed: with no better candidate the run says it found no answer.

A question that offers its answers ("Which band is from England, A or B?") is the exception to
"the latest": every option is named by the pages read, so the checks cannot tell two options
apart, and what replaced the draft was the model's reasoning over more pages. Measured on 42
such questions over four runs (tuning split and three validation slices; benchmarks/RESULTS.md,
2026-12-05), research's different option was wrong more often than right (F1 0.507 with it,
0.568 with the draft; one-shot RAG 0.535). So there the draft stands unless facts decide the
question for the other option (`decided`: dates, counts, each option's own page -- compare.py,
each.py), or the draft fails a check the other passes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

# Failed checks, worst first: no answer at all or the question's own words; not the form
# asked (a sentence, yes/no to a choice ...), or a page says it is what the asked relation is
# *of* ("the fight song of the University of Kansas" for the fight song: described.py), or
# its own page says it is no kind of thing the question asks for (kind.py), or the sentence
# stating it names another as the one who did what is asked (role.py); no
# source read states it; stated, but only by a page off the question's trail, or as the one the
# question describes (described.py), or contradicted by another page.
NO_ANSWER = ("no answer", "vague")
NOT_ASKED = ("form", "relation", "kind", "role")
UNSUPPORTED = ("unsupported",)
DOUBTFUL = ("link", "described", "conflict")


@dataclass
class Candidate:
    answer: str
    step: int              # 0 for the draft before research; the step that proposed it otherwise
    origin: str            # draft | proposed | final


def standing(failed: list[str]) -> tuple[int, int, int, int]:
    """Lower is better, compared in order: (no answer, not what is asked, unsupported, doubtful)."""
    return tuple(sum(c in group for c in failed) for group in (NO_ANSWER, NOT_ASKED, UNSUPPORTED, DOUBTFUL))


@dataclass
class Choice:
    answer: str                      # "" when every candidate only restates the question
    replaced: Candidate | None       # the final candidate, when another was chosen or it was dropped
    chosen: Candidate | None
    failed: list[str]                # the chosen answer's failed checks


def choose(candidates: list[Candidate], failures: Callable[[str], list[str]], offers_choice: bool = False,
           decided: Callable[[str], bool] = lambda answer: False) -> Choice:
    """The answer the run ends with. `candidates` in the order they arose, the final answer last
    (its origin "final"; absent when the run produced none); `failures(answer)` are the checks
    an answer fails against everything read. For a question that offers its answers
    (`offers_choice`), the draft stands against a later option that facts do not decide
    (`decided(answer)`) and that does not pass more checks (module docstring)."""
    seen: dict[str, Candidate] = {}
    for c in candidates:
        if c.answer.strip():
            seen[c.answer.strip().lower()] = c          # a repeated answer counts at its latest step
    if not seen:
        return Choice("", None, None, ["no answer"])
    judged = {key: (c, failures(c.answer)) for key, c in seen.items()}
    last = candidates[-1]
    final = last if last.origin == "final" and last.answer.strip() else None
    # best: fewest failures, worst kinds first; among equals the latest, and not the draft
    best, best_failed = min(judged.values(), key=lambda item: (standing(item[1]), -item[0].step,
                                                               item[0].origin == "draft"))
    chosen, failed = best, best_failed
    if final is not None:
        final_failed = judged[final.answer.strip().lower()][1]
        if standing(final_failed)[:3] == (0, 0, 0) or standing(final_failed) <= standing(best_failed):
            chosen, failed = final, final_failed     # an answer that is one and is stated stands
    draft = next((c for c in candidates if c.origin == "draft" and c.answer.strip()), None)
    if offers_choice and draft is not None and chosen.answer.strip().lower() != draft.answer.strip().lower():
        draft_failed = judged[draft.answer.strip().lower()][1]
        if not decided(chosen.answer) and standing(draft_failed) <= standing(failed):
            chosen, failed = draft, draft_failed
    if "vague" in failed:          # only the question's words, or a non-answer: say so instead
        return Choice("", final, None, failed)
    replaced = final if final is not None and chosen is not final else None
    return Choice(chosen.answer, replaced, chosen, failed)
