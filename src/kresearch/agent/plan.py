"""The plan step: the example the system prompt shows, and which written sub-questions are kept.

The system prompt shows a plan for an invented question with placeholders ("Who composed
<opera>?"). Small models sometimes copy it: in the session 55 runs, 6 plans of 134 were the
example's ("Who composed <opera>?", "Where was that composer born?" for a question about a manga
artist), and the loop then searched "Who composed <opera>? A Japanese Ichitaka Seto" and answered
from a page on someone else. A sub-question is the example's, not the question's, when it keeps a
placeholder, or when it is made only of the example's words and one of them is used neither by
the question nor by any page the run has seen ("Where was that composer born?" is kept for "Where
was the composer of Tosca born?"). A plan whose every sub-question uses a word of the example the
question does not, one of them made of the example's words alone and none of the question's, is
the example with a name put in ("Who composed the score for Mystic River?", "Where was that
composer born?" for "Pat Hingle was a close friend of an actor who achieved success in what
Western TV series?"; the run then answered where a composer was born): none of it is kept.
"""
from __future__ import annotations

import json
import re

from .context import stems

EXAMPLE_QUESTION = "Where was the composer of the opera <opera> born?"
EXAMPLE_SUBQUESTIONS = ("Who composed <opera>?", "Where was that composer born?")
_EXAMPLE_WORDS = stems(" ".join((EXAMPLE_QUESTION, *EXAMPLE_SUBQUESTIONS)))
_PLACEHOLDER = re.compile(r"<[^<>]{1,40}>")
MAX_SUBQUESTIONS = 3


def example_step() -> str:
    """The plan step of the system prompt's example."""
    return json.dumps({"thought": "Two facts are needed.", "action": "plan",
                       "args": {"subquestions": list(EXAMPLE_SUBQUESTIONS)}})


def about_the_question(subquestions: list, question: str, seen: str) -> list[str]:
    """The sub-questions that are this question's (at most MAX_SUBQUESTIONS, whitespace tidied);
    `seen` is the text of what the run has been shown (titles, passages, pages)."""
    asked = stems(question)
    if _copies_example([stems(str(sub)) for sub in subquestions], asked):
        return []
    used = asked | stems(seen)
    kept = []
    for sub in subquestions:
        sub = " ".join(str(sub).split())
        words = stems(sub)
        if not words or _PLACEHOLDER.search(sub):
            continue
        if words <= _EXAMPLE_WORDS and not words <= used:
            continue
        kept.append(sub)
    return kept[:MAX_SUBQUESTIONS]


def _copies_example(plan: list[set[str]], asked: set[str]) -> bool:
    """Every sub-question uses a word of the example the question (its stems: `asked`) does not,
    and one is made of the example's words alone, none of them the question's ("Where was that
    composer born?" asks the question's own thing for "Where was the man who wrote X born?")."""
    return (bool(plan) and all((words & _EXAMPLE_WORDS) - asked for words in plan)
            and any(words and words <= _EXAMPLE_WORDS and not words & asked for words in plan))
