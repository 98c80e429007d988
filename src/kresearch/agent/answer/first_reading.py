"""The first reading of a short-answer run: what one-shot retrieval does, and then some.

The question searched as asked, its top results read at once, one short call for the answer
they give (the draft, a candidate for the floor: floor.py); a question asking one thing of
several named things read one thing at a time (each.py). It drives the Agent's own helpers (`_call` with the
deadline and the journal, `_search_for_model`, `_evidence`, the verifier), as the report policy
does (report_mode/research.py).
"""
from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING

from ...prompts import render
from ..context import ContextManager, ContextOverflow
from ..events import Notice
from ..names import subject_names
from ..spelling import as_pages_name
from . import each, hop_reading
from .floor import Candidate
from .verify import QUESTION_CHECKS, choice_options, is_comparison, is_yes_no_question, settles, tidy_answer
from .wording import without_restated

if TYPE_CHECKING:
    from ..loop import Agent

DRAFT_MAX_TOKENS = 64         # {"asks": "...", "answer": "..."}: a few words each
EACH_SPLIT_TOKENS = 160       # up to three {"subject", "question"} pairs
EACH_PART_TOKENS = 120        # {"quote": a sentence, "answer": a few words}
# The question searched and its top results read at once, as one-shot retrieval reads them
# (five pages, ~600 tokens of each), before any other model step.
FIRST_READING_PAGES = 5
FIRST_READING_CHARS = 2400
MAX_NAMES_READ = 2            # of the things a question names, when its top pages are about none


class FirstReading:
    """One run's first reading; `state` below is the Agent's run state (loop._State)."""

    def __init__(self, agent: Agent):
        self.agent = agent
        self._searched: set[str] = set()     # names searched for each.py's parts

    def run(self, question: str, ctx: ContextManager, state, step: int):
        """The floor (answer/floor.py): before anything else, what one-shot retrieval does -- the
        question searched, its top results read, one short call for the answer they give. When
        the checks pass and what was read backs the answer positively (a source states it, or
        the sources' facts decide it), that is the answer and the run is done at a fraction of
        the cost of research; otherwise the answer and why it is not settled are the first
        thing research sees, and it stays a candidate for the end."""
        agent = self.agent
        yield from agent._search_for_model([question], "(reading the question's top results)", step, state, ctx,
                                           passages=FIRST_READING_PAGES, passage_chars=FIRST_READING_CHARS)
        if not agent.toolbox.docs or agent._out_of_time():
            return
        # a question typed without capitals, or with a name misspelled, gets the names its top
        # pages write ("ed wood" -> "Ed Wood", "Langstoon Hughes" -> "Langston Hughes"): the
        # checks find the things it is about by them
        question = agent._read_as(as_pages_name(question, [doc.text for doc in agent.toolbox.docs.values()]))
        proposed = self._draft_answer(ctx, step)
        if not proposed:
            return
        # after the draft, whose prompt the model's KV cache holds: the calls of each.py are
        # short ones of their own, and when their facts decide, no research call follows; not
        # when the dates or nationalities read already decide (compare.py)
        evidence = agent._evidence(proposed)
        if (evidence.comparison is None or evidence.comparison.answer is None) and (
                parts := self._split_question(question, step)):
            yield from self._read_each(parts, ctx, state, step)
            evidence = agent._evidence(proposed)
        draft = evidence.answer = agent.verifier.decide(evidence, step)
        verdict = settles(evidence)
        state.candidates.append(Candidate(draft, step, "draft"))
        agent.trace.write("draft", step=step, answer=draft, proposed=proposed, settled=verdict.passed,
                          check=verdict.check)
        if verdict.passed:
            agent.verifier.log.append({"step": step, "answer": draft, "check": "passed",
                                       "message": "settled by the first reading"})
            yield Notice(f"the question's top results settle it: {draft}")
            state.answer = draft
            return
        yield Notice(f"first reading: {draft} (not settled: {verdict.check}; research goes on)")
        agent.verifier.log.append({"step": step, "answer": draft, "check": verdict.check, "message": verdict.message})
        # research starts from a page of each thing the question names when none of its top pages
        # is about one ("Robert Smith founded the multinational company headquartered in what
        # city?" read companies' pages only, and no research step looked him up)
        unread = [] if evidence.on_question else [name for name in subject_names(question)
                                                  if name not in self._searched][:MAX_NAMES_READ]
        if unread and not agent._out_of_time():
            yield from agent._search_for_model(unread, "(reading what the question names)", step, state, ctx,
                                               passages=2 * len(unread))
        if verdict.check == "unsettled":
            # Nothing wrong with it, only nothing read decides it yet (yes/no, one of the offered
            # alternatives, the question's own words): shown to the model, such a draft was only
            # repeated -- every one of 8 such yes/no and choice answers on the validation split
            # (devb50-first), where research without it had been right 0.83 of the time. It stays
            # a candidate for the floor; research starts from the pages read.
            return
        if verdict.check in QUESTION_CHECKS:   # what the question needs was said: not again for the model's answer
            agent.verifier.fired.add(verdict.check)
        yield from agent._send_back(draft, {"answer": draft}, verdict, step, state, ctx)
        if (bridge := hop_reading.bridge_to_read(verdict, draft, state)) and not agent._out_of_time():
            yield from hop_reading.read_the_hop(agent, question, bridge, state, step)

    def _split_question(self, question: str, step: int) -> list[each.Part]:
        """A question that asks one thing of several named things (answer/each.py): the things
        and the question about each, as the model names them and code confirms; [] otherwise."""
        agent = self.agent
        options = _choice(question)
        if (not each.may_split(question, is_yes_no_question(question), bool(options))
                or (choice_options(question) and not options) or agent._out_of_time()):
            return []
        split = agent._call(each.split_messages(question), each.split_schema(), EACH_SPLIT_TOKENS,
                            "each", step, 0.0)
        parts = each.parse_split(split.text, question, options)
        written_by = "model"
        if not parts and options:     # a choice the model did not split: one part per option, by code
            parts, written_by = each.choice_parts(question, options), "code"
        elif not parts and is_yes_no_question(question):   # things compared by a value: its question, by code
            parts, written_by = each.sameness_parts(question, each.named_subjects(split.text)), "code"
        agent.trace.write("each", step=step, parts=[asdict(p) for p in parts], by=written_by)
        return parts

    def _read_each(self, parts: list[each.Part], ctx: ContextManager, state, step: int):
        """Each part answered from its thing's own page (its name searched when no page of it was
        read), in a call of its own; code combines the answers into facts that decide the
        question, or into nothing."""
        agent = self.agent
        pages = self._pages()
        unread = [p.subject for p in parts if each.page_for(p, pages) is None]
        if unread:
            self._searched.update(unread)
            yield from agent._search_for_model(unread, "(reading each thing the question names)", step, state, ctx,
                                               passages=2 * len(unread))
            pages = self._pages()
        # a thing whose own page says nothing of what is asked may be a namesake's: searched again
        # with what is asked ("Look women's magazine")
        again = [query for p in parts if (query := each.asked_query(p, pages))]
        if again:
            yield from agent._search_for_model(again, "(reading each thing as the question means it)", step, state,
                                               ctx, passages=len(again))
            pages = self._pages()
        facts = {}
        for part in parts:
            found = each.page_for(part, pages, parts)
            if found is None or agent._out_of_time():
                continue
            sid, text = found
            reply = agent._call(self._aside(each.part_request(part, agent.sources.get(sid).title, text)),
                                each.part_schema(part), EACH_PART_TOKENS, "each part", step, 0.0)
            if (fact := each.parse_part(reply.text, part, sid, agent.toolbox.docs[sid].text)) is not None:
                facts[part.subject] = fact
        question = agent._question
        state.each = each.combine(question, parts, facts, is_yes_no_question(question), _choice(question))
        agent.trace.write("each_read", step=step, facts={s: asdict(f) for s, f in facts.items()},
                          answer=state.each.answer if state.each else None)
        if state.each is not None:
            yield Notice(f"each one on its own page: {state.each.summary()}")

    @staticmethod
    def _aside(request: str) -> list[dict]:
        """A call of its own, outside the research context: only what it needs. (Not after the
        run's system prompt, though its KV state would be reused: under the ReAct rules the
        1.5B model named no parts for questions it split well on its own.)"""
        return [{"role": "system", "content": each.SYSTEM}, {"role": "user", "content": request}]

    def _pages(self) -> dict[int, tuple[str, str]]:
        """Every page read, by source number: (title, text)."""
        agent = self.agent
        return {sid: (agent.sources.get(sid).title, doc.text) for sid, doc in agent.toolbox.docs.items()}

    def _draft_answer(self, ctx: ContextManager, step: int) -> str:
        """One short call for the answer the question's top results give ('' when cut off)."""
        agent = self.agent
        # What the question asks for, said first, keeps a small model from answering with the
        # question's bridge ("Antonio Vivaldi" for "In what city was the composer ... born?");
        # a question naming its possible answers needs no such step.
        options = agent._answer_options()
        request = render("draft", form=f"Answer with one of: {', '.join(options)}." if options else
                         "First say in a few words what kind of thing the question asks for (a person, a city, "
                         "a year, a profession, ...), then give only that thing: a name, date, number, yes/no "
                         "or short phrase, never a sentence.",
                         reply='{"answer": "..."}' if options else '{"asks": "...", "answer": "..."}')
        try:
            ctx.fit(step, suffix=request)
        except ContextOverflow:
            return ""
        answer = {"enum": options} if options else {"type": "string", "minLength": 1, "maxLength": 100}
        asks = {} if options else {"asks": {"type": "string", "minLength": 1, "maxLength": 40}}
        schema = {"type": "object", "properties": {**asks, "answer": answer}, "required": [*asks, "answer"]}
        completion = agent._call(ctx.messages(request), schema, DRAFT_MAX_TOKENS, "draft", step, 0.0)
        try:
            return without_restated(agent._question, tidy_answer(str(json.loads(completion.text).get("answer", ""))))
        except (ValueError, AttributeError):      # cut off by the deadline or the token limit
            return ""


def _choice(question: str) -> list[str]:
    """The options of a choice that each one's own page can decide: what one of them is or did,
    not a comparison of values ("Which is taller, A or B?", decided by compare.py or research)."""
    options = choice_options(question)
    return [] if is_comparison(question) else options
