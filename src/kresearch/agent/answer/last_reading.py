"""The last reading of a short-answer run: everything read, asked once more in one call.

Research is good at finding pages and poor at reading them: on the runs of the last sessions, of
the open questions whose gold pages the agent had *both* read, fewer than half ended right (F1
0.40-0.49 over three runs), while one-shot retrieval, shown five pages in one prompt, read its
pages better. A ReAct step sees each page once, in the observation of the step that read it,
between searches, plans and verification messages; its answer is the model's reasoning at that
moment. So when research has gone beyond the first reading, the run ends as one-shot retrieval
does, over the best of *all* the pages it read: each page's passage that covers the most of the
question's words, the pages that cover most first, in one short call with the one-shot prompt's
words, answered with a quote (bound by a grammar).

That answer is the final candidate; research's own answer stays a candidate, and the floor
(floor.py) judges them by the same checks: the last reading's stands when it is an answer a page
read states, the other otherwise. Not for a question whose answers are yes/no or offered options
(a page names every option: the checks cannot tell them apart, and the floor keeps the draft
there), nor when the sources' facts decide the question (compare.py, each.py), nor after a first
reading that settled it (its pages are these).

When the reading's answer is the one the question describes (checks `described`, `relation`),
the next hop is searched and the pages read once more (`LastReading._next_hop`); so is a name
the reading quoted without answering from it (`quoted_hop`).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from ...prompts import render
from ...tools.browser import best_passage
from ..context import content_words, stems
from ..actions import Step
from ..events import Notice, ToolFinished
from ..evidence import states_answer
from ..names import name_runs, page_name
from .described import asked_of
from .floor import Candidate
from .verify import choice_options, echoes_question, final_checks, is_yes_no_question, tidy_answer
from .wording import without_restated

if TYPE_CHECKING:
    from ..loop import Agent

PAGES = 6                  # as many pages as one-shot retrieval reads, and one more
BRIDGE_FROM = 3            # the passages most about the question, whose named things' pages ...
BRIDGE_PAGES = 2           # ... take up to this many of the PAGES (_with_bridges)
PASSAGE_CHARS = 1600       # of each: a short page whole, a long one's best ~400 tokens
QUOTED_NAME_WORDS = 6      # a quote this short is a name the reading pointed at
MAX_TOKENS = 160           # {"quote": a sentence, "answer": a few words}
SYSTEM = "You answer questions from the given sources."


@dataclass(frozen=True)
class Passage:
    source: int
    title: str
    text: str
    covers: int            # how many of the question's words it has


def best_passages(question: str, pages: dict[int, tuple[str, str]], limit: int = PAGES,
                  chars: int = PASSAGE_CHARS, answer: str = "") -> list[Passage]:
    """Each page's passage that covers the most of the question's words; those that cover most
    first (ties: the page read first). With research's `answer`, the pages that state it show
    the passage that says it, and the best of them is among the `limit`: the reading that may
    replace an answer sees the evidence for it (a distractor page sharing the question's words
    once replaced a right year it never saw)."""
    asked = stems(question)
    weights = dict.fromkeys(content_words(question), 1.0)
    stating = {sid for sid, (_, text) in pages.items() if answer and states_answer(answer, text)}
    with_answer = {**weights, **dict.fromkeys(content_words(answer), 2.0)}
    found = []
    for sid, (title, text) in pages.items():
        passage = best_passage(text, with_answer if sid in stating else weights, chars)
        if passage:
            found.append(Passage(sid, title, passage, len(stems(passage) & asked)))
    found.sort(key=lambda p: -p.covers)
    chosen = found[:limit]
    evidence = next((p for p in found if p.source in stating), None)
    if evidence is not None and evidence not in chosen:
        chosen[-1] = evidence
    return _with_bridges(question, chosen, found, evidence)


def _with_bridges(question: str, chosen: list[Passage], found: list[Passage], evidence: Passage | None
                  ) -> list[Passage]:
    """The chosen passages with the pages of things the best of them name and the question does
    not, in place of the ones that cover least (never the best BRIDGE_FROM nor the evidence):
    the second hop. "the actress who plays Bobbi Bacha": the Bobbi Bacha page names Sela Ward,
    whose page holds her middle name but shares one word with the question, so it ranked below
    pages on middle names in general."""
    named_in = " ".join(p.text for p in chosen[:BRIDGE_FROM])
    bridges = [p for p in found if p not in chosen and _names_page(named_in, p.title, question)][:BRIDGE_PAGES]
    replaceable = [p for p in reversed(chosen[BRIDGE_FROM:]) if p is not evidence]
    chosen = list(chosen)
    for bridge, replaced in zip(bridges, replaceable):
        chosen[chosen.index(replaced)] = bridge
    return chosen


def _names_page(text: str, title: str, question: str) -> bool:
    """`text` names the thing the page with `title` is about, as a name (capitalised, as written),
    and the question does not name it."""
    name = page_name(title)
    if not name[:1].isupper() or not content_words(name):
        return False
    pattern = rf"(?<!\w){re.escape(name)}(?!\w)"
    return re.search(pattern, text) is not None and re.search(pattern, question, re.I) is None


ECHO = "the question itself names"
DESCRIBED = "the question describes"
HOP_CHECKS = ("described", "relation")     # checks that say the answer is the one the question describes


def request(question: str, passages: list[Passage], ruled_out: dict[str, str] | None = None) -> str:
    """The one-shot prompt over the passages; `ruled_out` maps answers the run gave to why they
    are not the answer, said in words: ECHO, they only restate the question ("Tunnels & Trolls"
    for "the adventure in Tunnels and Trolls"); DESCRIBED, they are the one the question
    describes ("Shirley Temple" for "the woman who portrayed Corliss Archer")."""
    sources = "\n\n".join(f"[{p.source}] {p.title}\n{p.text}" for p in passages)
    lines = []
    for why in (ECHO, DESCRIBED):
        answers = [a for a, reason in (ruled_out or {}).items() if reason == why]
        if answers:
            named = " or ".join(f'"{a}"' for a in answers)
            one = len(answers) == 1
            said = (f"{why} {'that' if one else 'those'}" if why == ECHO else
                    f"{'that is who or what' if one else 'those are who or what'} {why}")
            lines.append(f"The answer is not {named}: {said}; give what it asks about {'it' if one else 'them'}.\n")
    return render("last_reading", sources=sources, question=question, ruled_out="".join(lines))


def schema() -> dict:
    return {"type": "object",
            "properties": {"quote": {"type": "string", "maxLength": 300},
                           "answer": {"type": "string", "minLength": 1, "maxLength": 100}},
            "required": ["quote", "answer"]}


def parse(output: str) -> tuple[str, str]:
    """(answer, quote) of the model's reply; ("", "") when it was cut off."""
    try:
        reply = json.loads(output)
        return tidy_answer(str(reply["answer"])), " ".join(str(reply.get("quote", "")).split())
    except (ValueError, KeyError, TypeError):
        return "", ""


def quoted_hop(question: str, answer: str, quote: str) -> str | None:
    """The name a reading quoted without answering from it: a quote that does not state the
    answer and names a thing the question does not ("Masakazu Katsura", quoted with the answer
    "1941" to "... written and illustrated by someone born in what year?": the artist is the
    next hop, whose page the run had not read, and the year came from another page). None when
    the quote states the answer or names nothing new (nor part of the answer: "Chief of Protocol"
    quoted for "Chief of Protocol of the United States"). Only a quote that is a name or little
    more: from a long one the first new name was a namesake's show ("Bref", in a sentence quoted
    for "... the voice of Lara Croft in a video game developed by which company?")."""
    if not quote or not answer.strip() or states_answer(answer, quote) or len(quote.split()) > QUOTED_NAME_WORDS:
        return None
    asked, answered = stems(question), stems(answer)
    return next((name for name in name_runs(quote)
                 if content_words(name) and not stems(name) <= asked and not stems(name) & answered), None)


def wanted(question: str) -> bool:
    """A question whose answer is not yes/no or one of the options it offers."""
    return not is_yes_no_question(question) and not choice_options(question)


class LastReading:
    """One run's last reading; `state` is the Agent's run state (loop._State)."""

    def __init__(self, agent: Agent):
        self.agent = agent

    def run(self, question: str, state, step: int, without: Callable[[], str] = lambda: ""):
        """`without()`: the answer the floor would choose without this reading (for the trace)."""
        agent = self.agent
        if not wanted(question) or agent._out_of_time():
            return
        if state.answer and agent._evidence(state.answer).decided() is not None:
            return
        passages = best_passages(question, self._pages(), answer=state.answer)
        if not passages:
            return
        # what the run answered that only restates the question: said not to be the answer, since
        # shown the same passages the model gives it again ("Tunnels & Trolls" for its adventure)
        answers = dict.fromkeys(a.strip() for a in [*(c.answer for c in state.candidates), state.answer] if a.strip())
        ruled_out = {a: ECHO for a in answers if echoes_question(a, question)}
        floor_alone = without()
        quote = yield from self._read(question, passages, ruled_out, state, step, floor_alone)
        if (name := quoted_hop(question, state.answer, quote)) is not None:
            yield from self._quoted_hop(question, name, state, step, ruled_out, floor_alone)
        yield from self._next_hop(question, state, step, ruled_out, floor_alone)

    def _read(self, question: str, passages: list[Passage], ruled_out: dict[str, str], state, step: int,
              floor_alone: str):
        """One reading of `passages`; its answer becomes the run's (the one before a candidate).
        `floor_alone`: what the floor would have chosen with no last reading (for the journal).
        Returns the reading's quote."""
        agent = self.agent
        messages = [{"role": "system", "content": SYSTEM},
                    {"role": "user", "content": request(question, passages, ruled_out)}]
        answer, quote = parse(agent._call(messages, schema(), MAX_TOKENS, "last reading", step, 0.0).text)
        answer = without_restated(question, answer)
        agent.trace.write("last_reading", step=step, answer=answer, quote=quote, before=state.answer,
                          without=floor_alone, sources=[p.source for p in passages], ruled_out=list(ruled_out))
        if not answer or answer.lower() == state.answer.strip().lower():
            return quote
        if state.answer.strip():
            state.candidates.append(Candidate(state.answer, step, "proposed"))
        yield Notice(f"last reading of the {len(passages)} best pages read: {answer} (research ended with "
                     f"{state.answer or 'none'!r})")
        state.answer = answer
        return quote

    def _quoted_hop(self, question: str, name: str, state, step: int, ruled_out: dict[str, str], floor_alone: str):
        """The reading quoted a name it did not answer from (quoted_hop): that name's page is
        searched (unless research did) and every page read once more for the question as asked."""
        agent = self.agent
        if agent._out_of_time() or "search" not in agent.toolbox.available_actions():
            return
        if name.lower() not in agent.toolbox.searched:
            search = Step(thought="", action="search", args={"queries": [name]})
            obs = yield from agent._auto_tool(step, search, f"(the last reading quoted {name} but did not answer "
                                                            "from it: searching it)")
            agent.trace.write("observation", step=step, kind=obs.kind, summary=obs.summary,
                              sources=list(obs.source_ids))
            yield ToolFinished(step, "search", obs.summary, obs.seconds)
            if agent._out_of_time():
                return
        passages = best_passages(question, self._pages(), answer=state.answer)
        yield from self._read(question, passages, ruled_out, state, step, floor_alone)

    def _next_hop(self, question: str, state, step: int, ruled_out: dict[str, str], floor_alone: str):
        """The reading's answer may be a hop short: the one the question describes ("Shirley
        Temple" for "What government position was held by the woman who portrayed Corliss
        Archer ...?"), which the checks `described` and `relation` catch and name what to search
        ("Shirley Temple government position held"). During research the loop would search that;
        research is over, so the reading does it, once: it searches what the check names (unless
        research did), then reads every page again for the question asked of that one by name
        (described.asked_of), that answer ruled out. The floor still judges both answers by the
        question as asked."""
        agent = self.agent
        if not state.answer.strip() or agent._out_of_time():
            return
        verdict = next((v for v in final_checks(agent._evidence(state.answer)) if v.check in HOP_CHECKS), None)
        if verdict is None:
            return
        # research may have searched it already (the check sent it back once): then its pages are read
        queries = [q for q in verdict.bridges[:2] if q.lower() not in agent.toolbox.searched]
        if queries and "search" in agent.toolbox.available_actions():
            search = Step(thought="", action="search", args={"queries": queries})
            obs = yield from agent._auto_tool(step, search, f"(the last reading's answer is the one the question "
                                                            f"describes: searching what it asks of {state.answer})")
            agent.trace.write("observation", step=step, kind=obs.kind, summary=obs.summary,
                              sources=list(obs.source_ids))
            yield ToolFinished(step, "search", obs.summary, obs.seconds)
            if agent._out_of_time():
                return
        # asked of that one by name ("What government position was held by Shirley Temple?"): the
        # small model gave the described one again when only told in words it is not the answer
        asked = asked_of(question, state.answer) or question
        passages = best_passages(asked, self._pages())
        yield from self._read(asked, passages, {**ruled_out, state.answer: DESCRIBED}, state, step, floor_alone)

    def _pages(self) -> dict[int, tuple[str, str]]:
        """Every page read: source number -> (title, text)."""
        agent = self.agent
        return {sid: (agent.sources.get(sid).title, doc.text) for sid, doc in agent.toolbox.docs.items()}
