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


_AUX = r"(?:is|are|was|were|does|do|did|has|have|had|can|could|will|would|should)"
# ... or asks for it at its end, where the fact stands in the sentence ("astro boy and the secret
# of kells share which genre of film", "the film was directed by whom"): typed without a question
# mark, such a question had been written up as a report. Not a relative clause: "... which" then
# a verb ("the systems which followed it").
_ASKED_AT_END = re.compile(rf"\b(?:which\s+(?!{_AUX}\b)(?![\w'-]+ed\b)[\w'-]+(?:\s+[\w'-]+){{0,3}}|"
                           r"(?:by|to|with|for|from|of|in|at|on|as)\s+(?:whom?|what\s+[\w'-]+(?:\s+[\w'-]+){0,2}))"
                           r"\s*[?.!]*\s*$", re.I)


def classify(question: str) -> str:
    """'report' or 'answer' for a question (mode auto)."""
    if _REPORT.search(question):
        return "report"
    if _SHORT.search(question) or _ASKED_AT_END.search(question) or question.rstrip().endswith("?"):
        return "answer"
    return "report"


def resolve_mode(mode: str, question: str) -> str:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    return classify(question) if mode == "auto" else mode


# -- questions that ask several things ------------------------------------------------------

_SUBJECT = r"(?:it|its|they|their|them|he|his|she|her|this|that|these|those|there|we|you|i)"
# A new ask after "and" or a comma: a wh-word in question order ("when did he die", "how many
# years apart") or an auxiliary before its subject pronoun ("can it be changed"). Relative clauses
# read differently ("the city where he died", "..., which aired in 2005", "... and whose campuses
# are ...", "... and was the first track"): "who" and "whose" never start an ask, where/when/why
# only with an auxiliary, and "which/what + noun" only after "and" ("and which versions were ...").
_OPEN = (rf"(?:how\s+(?:many|much|long|old|far|often|{_AUX})\b|(?:what|when|where|why)\s+(?:\w+\s+)?{_AUX}\b|"
         rf"whether\b|{_AUX}\s+{_SUBJECT}\b)")
_NOUN_ASK = rf"(?:what|which)\s+(?!{_AUX}\b|one\b)\w+\s"
# Lower case only: a capitalised "Which" or "Who" inside a sentence is a name ("Doctor Who").
_NEXT_ASK = re.compile(rf"(?:\s*[,;]\s*(?:and\s+|but\s+)?(?={_OPEN})|"
                       rf"\s*(?:[,;]\s*|\s)(?:and|but)\s+(?:also\s+)?(?={_OPEN}|{_NOUN_ASK}))")
MAX_ASKS = 3


def asks(question: str) -> list[str]:
    """The separate things a short-answer question asks, in its own words, when it asks more
    than one ("What is X, and can it be changed?" -> ["What is X?", "Can it be changed?"]);
    [] for a question that asks one thing. Each ask opens like a question of its own; the first
    must be one by itself ("In which city was X born"), so a list inside one ask ("X, Y and Z")
    is never split. At most three: a longer list is a report's outline."""
    text = " ".join(question.split()).strip()
    pieces = [p.strip(" ,;?") for p in _NEXT_ASK.split(text.rstrip("?. "))]
    pieces = [p for p in pieces if p]
    if len(pieces) < 2 or len(pieces) > MAX_ASKS or not _SHORT.search(pieces[0]) or len(pieces[0].split()) < 3:
        return []
    return [p[:1].upper() + p[1:] + "?" for p in pieces]
