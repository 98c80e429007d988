"""Does a question want a short answer or a report?

The rule, in general terms: a question that asks for one fact (who, when, where, which, how
many, yes/no) wants a short checked answer; a question that asks to explain, compare, describe,
survey or list causes, approaches, advantages or differences wants a report with sections.
Cue words decide; what is neither (a bare topic, "tell me about X") is a report, because a
short answer to an open request loses the most. `--mode answer|report` overrides.
"""
from __future__ import annotations

import re

MODES = ("auto", "answer", "report")

# Asking for an explanation, a comparison or a survey, anywhere in the question.
_REPORT = re.compile(
    r"\b(compare|comparison|comparing|contrast|explain|describe|overview|survey|summari[sz]e|discuss|"
    r"analy[sz]e|analysis of|trade-?offs?|pros and cons|advantages|disadvantages|differences|"
    r"similarities|history of|evolution of|"
    r"(?:main|major|key|different|various|common|principal) (?:causes|reasons|approaches|types|kinds|ideas|"
    r"ways|factors|methods|techniques|problems|challenges|effects|features|arguments)|"
    r"how (?:does|do|did|is|are|can|could|should) .{3,}\b(?:work|evolve|differ|compare|develop|affect)\w*|"
    r"why (?:do|does|did|is|are|was|were)\b|what (?:are|were) the\b|"
    r"what (?:problems|issues|challenges|risks|benefits|factors|approaches|methods)\b|"
    r"tell me about|write a report|report on|guide to|introduction to|state of the art)\b", re.I)

# Asking for one fact: the question opens with a fact word and names no report cue.
_SHORT = re.compile(
    r"^\s*(who|whom|whose|when|where|which|what year|what (?:is|was) the (?:name|date|year|number)|"
    r"how (?:many|much|old|long|tall|far)|in (?:what|which)|is|are|was|were|did|does|do|has|have|can|"
    r"what|name)\b", re.I)


def classify(question: str) -> str:
    """'report' or 'answer' for a question (mode auto)."""
    if _REPORT.search(question):
        return "report"
    if _SHORT.search(question) or question.rstrip().endswith("?"):
        return "answer"
    return "report"


def resolve_mode(mode: str, question: str) -> str:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    return classify(question) if mode == "auto" else mode
