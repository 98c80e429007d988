"""The report policy: outline -> research each aspect until it is covered -> write each section
from its quotes -> summary -> references in code.

    outline    the question searched as asked and by its subject words (the top pages read), then one grammar-constrained
               model call, shown the titles found: 4-6 aspects, each a short query; the parts
               the question lists come first (outline.question_parts); plus up to 3 specific
               subjects those pages are about (outline.grounded); then for each of the first 4
               planned aspects one short call for the terms it is filed under ("semaphore")
    research   per aspect: search it (the top 8 results are read) and each of its terms (the
               top 2 of each, the top 5 of a term with no entry of its own among those) and
               keep the read sources that cover it; a second, broader search
               when fewer than two do. No model call: on a CPU every model call is seconds,
               and the aspect's words and terms are the queries.
    write      per aspect: one model call given only that aspect's quotes (so it fits any
               budget); every sentence checked against the union of what it cites
    summary    one model call over the kept sentences, checked the same way

Each aspect's research is a unit that only adds sources and quotes to the run's one registry,
so aspects could run as parallel sub-agents. It drives the Agent's own helpers (`_call` with
the deadline, `_stop`, the toolbox and registry), so limits and the journal work as in a
short-answer run. Limits: research stops at the research share of
--max-time or at --max-steps (one step per search); writing stops at the deadline, leaving the
sections not yet written marked. Library code: events out, nothing printed.
"""
from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict
from typing import TYPE_CHECKING, Iterator

from ...errors import GenerationError
from ...prompts import render
from .. import spelling
from ..actions import MAX_QUERIES, Step
from ..context import content_words, stems
from ..events import ActionTaken, Notice, RunResult, StepStarted, ToolFinished
from ..limits import RESEARCH_SHARE, steps_for
from ..names import page_name
from . import coverage, disagreements, kinds, outline, writer
from .coverage import Aspect
from .length import length
from .writer import Section

if TYPE_CHECKING:
    from ..loop import Agent

SYSTEM = "You write research reports. You use only the quoted sources you are given and cite them by number."
OUTLINE_TOKENS = 200
TERMS_TOKENS = 60
MAX_POINTS = 14
READS_PER_SEARCH = 8     # results of a research search read (the short-answer loop reads 4 of 5)
TERM_READS = 2           # results of each term read: its entry, on one site or two
TERM_DEEPER = 5          # ... and down to this rank when neither of those is the term's entry
ENTRY_DEPTH = 20         # results of the search for the subject's own entry whose titles are looked at


class ReportRun:
    def __init__(self, agent: "Agent", question: str):
        self.agent = agent
        self.asked = question           # as typed: the report's title and the result's question
        self.question = question        # as the policy reads it (spelling.as_pages_name, after the first search)
        self.aspects: list[Aspect] = []
        self.sections: list[Section] = []
        self.summary = Section("Summary")
        self.step = 0
        self._last_results: list[int] = []
        self.length = length(agent.config.length)

    @property
    def max_steps(self) -> int:
        """--max-steps, or (automatic) two searches for each aspect of the outline; before
        the outline, for as many aspects as it may have."""
        return steps_for(self.agent.config.max_steps, len(self.aspects) or outline.MAX_OUTLINE)

    # -- the stages ---------------------------------------------------------------------------

    def run(self) -> Iterator:
        yield from self._outline()
        yield from self._research()
        self._cover_from_all_read()
        covered = sum(a.covered for a in self.aspects)
        yield Notice(f"aspects covered: {covered}/{len(self.aspects)}; writing {len(self.aspects)} sections")
        yield from self._write_sections()
        yield from self._write_summary()

    def _outline(self) -> Iterator:
        """Search the question as asked first (what one-shot retrieval has), then plan the outline
        knowing what the web has on it: the titles found are in the prompt."""

        agent = self.agent
        overview = Aspect(self.question, self.question)
        # A long open question is a poor query for most engines (its shape words dilute its
        # subject): its subject words are searched beside it.
        topic = " ".join(outline.topic_words(self.question, 4))
        queries = [self.question] + ([topic] if topic and topic.lower() != self.question.lower() else [])
        yield from self._search(overview, queries)
        # a question typed without capitals, or with a name misspelled, gets the names the pages
        # write ("unix" -> "Unix", "Smaltalk" -> "Smalltalk")
        texts, _ = self._pages_read()
        self.question = spelling.as_pages_name(self.asked, [texts[sid] for sid in self._last_results if sid in texts])
        if self.question != self.asked:
            agent.trace.write("question_cased", question=self.question)
        yield from self._subject_entry()
        # the pages those link to by a name of the subject first: the specific parts
        linked = yield from self._follow_links()
        first = linked + [sid for sid in self._last_results if sid not in linked]
        found = [agent.sources.get(sid).title for sid in first][:8]
        self.step += 1
        agent.stats.steps = self.step
        yield StepStarted(self.step, self.max_steps)
        prompt = render("outline", question=self.question, low=outline.MIN_ASPECTS, high=outline.MAX_ASPECTS,
                        found="\n".join(f"- {title}" for title in found) or "- (nothing)")
        completion = agent._call(self._messages(prompt), outline.outline_schema(), OUTLINE_TOKENS, "outline", self.step)
        if completion.finish_reason == "time":
            yield from agent._stop(agent._state, "max_time", "time limit reached while planning the report")
        texts, _ = self._pages_read()
        read = [(agent.sources.get(sid).title, texts[sid]) for sid in first if sid in texts]
        instructions = render("outline", question="", low=outline.MIN_ASPECTS, high=outline.MAX_ASPECTS, found="")
        # the parts the question itself lists come first, or else the things it compares: the
        # model's outline may drop them
        parts = {part: outline.part_query(part, self.question) for part in outline.question_parts(self.question)}
        aspects = outline.with_parts(list(parts), outline.parse_outline(completion.text, self.question,
                                                                        instructions=instructions), self.question)
        if not parts and (things := outline.compared_things(self.question)):
            parts = {thing: outline.compared_query(thing, things, self.question) for thing in things}
            aspects = outline.with_things(things, aspects)
        titles = outline.grounded(aspects, read, self.question, linked=len([s for s in linked if s in texts]))
        self.aspects = [self._aspect(title, parts.get(title)) for title in titles]
        agent._state.plan = titles
        agent.trace.write("outline", aspects=titles)
        yield ActionTaken(self.step, "plan", {"aspects": titles}, "outline of the report")
        # the pages named by the search are subjects already; the planned aspects get the names
        # a reference work files them under
        planned = set(aspects)
        yield from self._name_terms([a for a in self.aspects if a.title in planned])

    def _subject_entry(self) -> Iterator:
        """Read the entry on the question's subject when the question's search did not: the
        subject (outline.entry_names) searched in the singular, as reference works file it,
        its results looked through down to ENTRY_DEPTH (not listed as sources: a run where
        none is the entry numbers its sources as before), and the first whose name is the
        subject's opened -- within the question's search step, so no aspect loses a search to
        it. An
        engine may rank "compiler-compiler" and a dozen compilers above "compiler"
        (and find nothing of "compilers" in titles that say "compiler"), and the subject's
        own entry is what the summary opens with (writer.open_with_definition)."""
        names = outline.entry_names(self.question)
        texts, _ = self._pages_read()
        titles = self._titles()
        if not names or any(coverage.is_entry_filed_under(name, titles.get(sid, ""), self.question)
                            for sid in texts for name in names):
            return
        *rest, last = names[0].split()
        query = " ".join([*rest, kinds.singular(last)])
        step = Step(thought="", action="search", args={"queries": [query]})
        obs = yield from self.agent._auto_tool(self.step, step, f"looking for the entry on '{query}'",
                                               {"results": 0, "passages": 0, "depth": ENTRY_DEPTH})
        yield ToolFinished(self.step, "search", obs.summary, obs.seconds)
        entry = next((hit for hit in self.agent.toolbox.results_for(query)
                      if any(coverage.is_entry_filed_under(name, hit.title, self.question) for name in names)), None)
        if entry is not None:
            yield from self._open_links([(page_name(entry.title), entry.url)], "reading the entry on '{}'")

    def _aspect(self, title: str, query: str | None) -> Aspect:
        """An aspect of the outline: its query (a part's, or its title anchored to the subject);
        filed under the things it lists ("TCP, UDP, IP and ICMP") or, for a part of the question,
        the other names it writes ("Common Lisp"); and, when it is only an angle on the
        question's subject ("Where it came from"), that subject, which the pages covering it
        must be about (coverage.covers_angle); and the subject's names, which a page that only
        comes near it must have (coverage.update_partly); and for a part that relates the subject
        to other names, those names, which a page must be the entry on or name beside the subject
        (coverage.covers)."""
        angle = outline.angle_of(title, self.question)
        listed = outline.named_things(title)
        others = [] if listed or not query else outline.part_names(title, self.question)
        # terms grow with the model's (`_name_terms`); the names the part relates to do not
        return Aspect(title, query or outline.anchored_query(title, self.question), list(listed or others),
                      angle_of=angle, names=outline.subject_names(self.question), relates_to=others)

    def _name_terms(self, aspects: list[Aspect]) -> Iterator:
        """For each of the first TERM_ASPECTS aspects, one small model call: the specific
        technical terms, named things or examples it must explain ("semaphore", "mutex" for
        "what classic synchronisation mechanisms are used to prevent them"). A search engine
        finds the entry on a thing by its name; a question rarely says the name, and a small
        model's outline rarely names it either, but asked for it alone the model knows it. Terms
        that restate the question or repeat another aspect are dropped (outline.parse_terms); when
        that leaves fewer than two, the model is asked once more for more specific ones
        (outline.terms_again)."""
        agent = self.agent
        taken = [stems(a.title) for a in self.aspects]
        for aspect in aspects[:outline.TERM_ASPECTS]:
            if agent._out_of_time():
                return
            messages, request = outline.terms_messages(SYSTEM, self.question, aspect.title)
            completion = agent._call(messages, outline.terms_schema(), TERMS_TOKENS, "terms", self.step)
            named = outline.parse_terms(completion.text, self.question, taken, instructions=request)
            again = outline.terms_again(messages, completion.text, aspect.terms + named)
            aspect.terms += named
            if again and not agent._out_of_time():
                completion = agent._call(again, outline.terms_schema(), TERMS_TOKENS, "terms", self.step)
                aspect.terms += outline.parse_terms(completion.text, self.question, taken,
                                                    instructions=f"{request} {again[-1]['content']}")
            agent.trace.write("terms", aspect=aspect.title, terms=aspect.terms)
            if aspect.terms:
                yield Notice(f"'{aspect.title}' is filed under: {', '.join(aspect.terms)}")

    def _follow_links(self) -> Iterator:
        """Open the pages the question's top results link to by a name of its subject, as a
        researcher follows an overview to its parts (outline.links_to_follow). Returns their
        source numbers."""
        texts, urls = self._pages_read()
        pages = [(self.agent.sources.get(sid).title, texts[sid]) for sid in self._last_results if sid in texts]
        return (yield from self._open_links(outline.links_to_follow(pages, self.question, {urls[sid] for sid in texts})))

    def _open_links(self, links: list[tuple[str, str]], why: str = "following the link '{}'") -> Iterator:
        """Open each (anchor, URL) under the same fetch policy as any page; their source numbers.
        `why`: what the progress display says of each, the anchor in its braces."""
        agent = self.agent
        opened: list[int] = []
        for anchor, url in links:
            if agent._out_of_time():
                break
            step = Step(thought="", action="open", args={"source": url, "page": 1})
            obs = yield from agent._auto_tool(self.step, step, why.format(anchor))
            yield ToolFinished(self.step, "open", obs.summary, obs.seconds)
            opened += [sid for sid in obs.source_ids if sid not in opened]
        return opened

    def _research(self) -> Iterator:
        """Search each aspect with all its terms; search again, broader, while fewer than two read
        sources cover it. Every term is searched in the first round, not only when the aspect's
        own search leaves it uncovered: the terms name the specific things a reader expects
        explained ("mutex", "semaphore"), which the aspect's own search rarely finds, and a search
        costs no model call."""
        agent = self.agent
        searched: set[str] = set()        # each term once, whichever aspect named it
        for round_no in (1, 2):
            for aspect in self.aspects:
                if aspect.covered or (round_no == 2 and not self._room_for_research()):
                    continue
                if not self._room_for_research():
                    return
                # anchored to the question's subject: "weaknesses" alone finds weaknesses of anything;
                # with its terms, each searched alone (the entry on "semaphore" is found by its name)
                terms = [t for t in aspect.terms if t.lower() not in searched] if round_no == 1 else []
                searched.update(t.lower() for t in terms)
                queries = [aspect.query] if round_no == 1 else [self._broader(aspect)]
                queries = [q for q in queries if q.lower() not in (old.lower() for old in aspect.queries)]
                if queries or terms:
                    yield from self._search(aspect, queries, terms)
        if not agent._state.forced_reason and not all(a.covered for a in self.aspects):
            agent.trace.write("coverage", aspects=[a.as_json() for a in self.aspects])

    def _cover_from_all_read(self) -> None:
        """Every page read counts for every aspect it covers, whichever search or link found it:
        an aspect its own searches left uncovered (or that a limit left unsearched), and one
        covered early by general pages, get the pages read later for another aspect or for the
        question ("413th Flight Test Squadron ... is based at" read for another squadron's
        aspect covers "where each is based"). Unless named for the aspect or one of its terms,
        they come after its own pages: cited by their best sentences rather than quoted to the
        writer first. An aspect none covers gets the pages on the subject nearest to it
        (coverage.update_partly), marked as such."""
        texts, urls = self._pages_read()
        for aspect in self.aspects:
            coverage.update(aspect, self.question, texts, urls, list(texts), self._titles(),
                            self.length.quotes_per_aspect)
            coverage.update_partly(aspect, self.question, texts, urls, list(texts), self._titles(),
                                   self.length.quotes_per_aspect)

    def _room_for_research(self) -> bool:
        agent = self.agent
        if self.step >= self.max_steps:
            self._limit("max_steps", f"all {self.max_steps} steps used: writing from what was read")
            return False
        if time.perf_counter() - agent._start > agent.config.max_time * RESEARCH_SHARE / 2:
            # a report needs half of the time for writing: one model call per section
            self._limit("max_time", "research time used up: writing from what was read")
            return False
        return True

    def _limit(self, why: str, message: str) -> None:
        state = self.agent._state
        if state.stopped_because == "answered":
            state.stopped_because = why
            state.forced_reason = message
            self.agent.trace.write("stop", reason=why, message=message)

    def _broader(self, aspect: Aspect) -> str:
        """A second query: the aspect's own words with more of the question's subject."""
        extra = [w for w in outline.topic_words(self.question, 6, whole=True)
                 if not content_words(w) <= content_words(aspect.query)]
        return " ".join([aspect.title, *extra[:3]]) if extra else f"{aspect.query} overview"

    def _search(self, aspect: Aspect, queries: list[str], terms: list[str] = ()) -> Iterator:
        """One research step for an aspect: its queries (the top READS_PER_SEARCH results read),
        and its `terms` searched beside them (the top TERM_READS of each read: the entry on a
        name is among the first results, and the aspect's own reading is not cut for it). A term
        whose entry is listed further down has that entry read; one with no entry listed
        ("instruction pipeline": the web has "pipeline", "pipelining") has its results read down
        to TERM_DEEPER: what the web says of it is in the pages around it."""
        agent = self.agent
        self.step += 1
        agent.stats.steps = self.step
        first = not aspect.queries
        aspect.queries += [*queries, *terms]
        yield StepStarted(self.step, self.max_steps)
        found: list[int] = []
        summaries: list[str] = []
        seconds = 0.0

        def run(batch: list[str], listed: int, reads: int, why: str) -> Iterator:
            nonlocal seconds
            action = Step(thought="", action="search", args={"queries": batch})
            obs = yield from agent._auto_tool(self.step, action, why, {"results": listed, "passages": reads},
                                              aspect=aspect.title)
            found.extend(sid for sid in obs.source_ids if sid not in found)
            summaries.append(obs.summary)
            seconds += obs.seconds

        # Reading is cheap beside a model call (no model reads these pages: code picks the
        # quotes), and the specific page an aspect needs is often not among the first four results.
        if queries:
            yield from run(queries, READS_PER_SEARCH, READS_PER_SEARCH, f"researching: {aspect.title}")
        filed = f"the names '{aspect.title}' is filed under"
        for chunk in _chunks(terms):          # a search action takes MAX_QUERIES queries
            yield from run(chunk, TERM_READS, TERM_READS * len(chunk), filed)
        # A term whose entry is further down its results is read there: an engine may rank
        # "butterfly common lisp" and "common lisp in parallel" above "common lisp", and the
        # titles listed say which is the entry. One with no entry listed has its results read
        # deeper (a term whose search found no more than TERM_READS has nothing further down).
        entries, deeper = [], []
        for term in terms:
            hits = agent.toolbox.results_for(term)
            if any(coverage.is_entry(term, hit.title) for hit in hits[:TERM_READS]):
                continue
            listed = [hit for hit in hits[TERM_READS:] if coverage.is_entry(term, hit.title)]
            # "scheme" before "c-scheme", both entries by their stems
            entry = next((hit for hit in listed if page_name(hit.title).lower() == term.lower()),
                         listed[0] if listed else None)
            if entry is not None:
                entries.append((term, entry.url))
            elif len(hits) > TERM_READS:
                deeper.append(term)
        for chunk in _chunks(deeper):         # repeated queries: no web search, their next results read
            yield from run(chunk, TERM_DEEPER, (TERM_DEEPER - TERM_READS) * len(chunk), filed)
        texts, urls = self._pages_read()
        read = {urls[sid] for sid in texts}
        opened = yield from self._open_links([(t, url) for t, url in entries if url not in read],
                                             "reading the entry on '{}', further down its results")
        found.extend(sid for sid in opened if sid not in found)
        if first and (nouns := kinds.kind_nouns(aspect.title)):
            # a search for the name each kind ends in ("bug"), its results listed, not read: their
            # names say which to read
            heads = list(dict.fromkeys(map(kinds.head, nouns)))
            aspect.queries += heads
            yield from run(heads, kinds.KIND_RESULTS, 0, f"looking for the kinds of {' and '.join(nouns)} by name")
            yield from self._read_kinds(aspect, nouns, heads)
        self._last_results = found
        texts, urls = self._pages_read()
        # the aspect's own results first, in the search's order (the most specific pages); other
        # pages read so far only when these leave it uncovered
        titles = self._titles()
        quotes = self.length.quotes_per_aspect
        coverage.update(aspect, self.question, texts, urls, found, titles, quotes)
        # the specific pages the covering ones link to for it ("write-back" on the page "cache"
        # for "what happens when the processor writes data"), once per aspect
        if first:
            pages = [(titles.get(sid, ""), texts[sid]) for sid in aspect.sources if sid in texts]
            links = outline.aspect_links(pages, aspect.title, aspect.query, self.question, set(urls.values()))
            linked = yield from self._open_links(links)
            if linked:
                texts, urls = self._pages_read()
                titles = self._titles()
                coverage.update(aspect, self.question, texts, urls, linked, titles, quotes)
        if not aspect.covered:
            coverage.update(aspect, self.question, texts, urls, list(texts), titles, quotes)
        summary = "; ".join(summaries)
        agent.trace.write("observation", step=self.step, kind="search", summary=summary, sources=found,
                          covering=aspect.sources)
        yield ToolFinished(self.step, "search", f"{summary}; {len(aspect.sources)} read source(s) cover "
                                                f"'{aspect.title}'", seconds)

    def _read_kinds(self, aspect: Aspect, nouns: list[str], heads: list[str]) -> Iterator:
        """For an aspect that asks for the kinds of a thing (kinds.py): read the kinds the search
        for its name listed, then the kinds the pages on kinds link to; every kind read (for this
        aspect or before) becomes one of the aspect's first terms, the most cross-referred first,
        so its section quotes their entries."""
        agent = self.agent
        asked = kinds.asked_words(self.question, aspect.title)
        hits = [(hit.title, hit.url, hit.snippet) for word in heads
                for hit in agent.toolbox.results_for(word)[:kinds.KIND_RESULTS]]
        texts, urls = self._pages_read()
        read = {urls[sid] for sid in texts}
        listed = [(page_name(title), url) for title, url in kinds.kinds_listed(hits, nouns, asked) if url not in read]
        yield from self._open_links(listed[:kinds.KIND_PAGES], "reading the kind '{}'")

        def pages() -> list[tuple[str, str]]:
            """The pages read that name a kind, and those the search for the thing found."""
            texts, urls = self._pages_read()
            titles, found = self._titles(), {url for _, url, _ in hits}
            return [(titles.get(sid, ""), text) for sid, text in texts.items()
                    if urls[sid] in found or any(kinds.is_kind(titles.get(sid, ""), n, asked) for n in nouns)]

        texts, urls = self._pages_read()
        links = kinds.kind_links(pages(), nouns, {urls[sid] for sid in texts}, asked)
        yield from self._open_links(links, "reading the kind '{}', named by the kinds read")
        named = kinds.rank_kinds(pages(), nouns, self.question, asked)
        taken = {name.lower() for name in named}
        aspect.terms = named + [t for t in aspect.terms if t.lower() not in taken]
        if named:
            agent.trace.write("kinds", aspect=aspect.title, kinds=named)
            yield Notice(f"kinds of {' and '.join(nouns)} read for '{aspect.title}': {', '.join(named)}")

    def _write_sections(self) -> Iterator:
        """Each aspect's section: its quotes chosen first (in order, so sections do not quote the
        same pages), then one model call per section -- the aspects' sub-agents, up to
        `config.agents` at once (several on a model server, one after another in-process) --
        then each checked in order (a sentence an earlier section has is dropped). The order is
        the outline's, but sections written from pages that only come near their aspect
        (`Aspect.partly`) go last: they get what the sections on pages of their own did not use."""
        texts, _ = self._pages_read()
        used: set[int] = set()          # sources quoted by an earlier section
        jobs: list[tuple[int, Aspect, list[int], str]] = []
        placeholders: dict[int, Section] = {}
        for number, aspect in self._claim_order():
            if not aspect.quotes:
                placeholders[number] = Section(aspect.title, note="No source read covers this aspect.")
                continue
            quotes = self._fitting_quotes(aspect, used)
            low, high = self.length.section_sentences
            prompt = render("section", question=self.question, aspect=aspect.title, sentences=f"{low} to {high}",
                            quotes=writer.quotes_block(quotes))
            ids = [sid for sid, _ in quotes]
            used.update(ids)
            jobs.append((number, aspect, ids, prompt))
        jobs.sort(key=lambda job: job[0])          # written in the outline's order
        completions: dict[int, object] = {}
        try:
            yield from self._run_section_calls(jobs, completions)
        except BaseException:
            # Ctrl-C or a failed server: the sections written so far are checked and kept
            self._check_sections(jobs, placeholders, completions, texts, "the run stopped first")
            raise
        self._check_sections(jobs, placeholders, completions, texts, "the time limit was reached")

    def _check_sections(self, jobs: list[tuple[int, Aspect, list[int], str]], placeholders: dict[int, Section],
                        completions: dict[int, object], texts: dict[int, str], why: str) -> None:
        """Each written section checked, in `_claim_order` (a sentence an earlier section has is
        dropped), then put in outline order; an aspect with no section says `why`."""
        written: list[writer.Said] = []       # sentences already in the report
        checked: dict[int, Section] = {}
        subject = outline.subject_pairs(self.question)
        for number, aspect in self._claim_order():
            if number in placeholders:
                checked[number] = placeholders[number]
                continue
            ids = next(job[2] for job in jobs if job[0] == number)
            completion = completions.get(number)
            if completion is None:
                checked[number] = Section(aspect.title, note=f"Not written: {why}.")
                continue
            section = writer.check_sentences(aspect.title, writer.parse_sentences(completion.text), texts, set(ids),
                                             self._titles(), subject)
            section.drop_repeats(written, remember=False)
            # the 1.5B model often writes from memory: what its sources do not support is gone,
            # and a section left thin gets the quotes' own best sentences, marked as quotes
            low, high = self.length.section_sentences
            writer.fill_from_quotes(section, aspect, texts, low, high + writer.COVERING_EXTRA, titles=self._titles())
            section.drop_repeats(written)
            checked[number] = section
            self.agent.trace.write("section", aspect=aspect.title, kept=len(section.sentences),
                                   removed=section.removed)
        self.sections = [checked[number] for number in sorted(checked)]

    def _claim_order(self) -> list[tuple[int, Aspect]]:
        """(number, aspect) in the order sections claim quotes and sentences: the outline's, those
        only partly covered last."""
        return sorted(enumerate(self.aspects, 1), key=lambda item: item[1].partly)

    def _run_section_calls(self, jobs: list[tuple[int, Aspect, list[int], str]], done: dict[int, object]) -> Iterator:
        """The sections' model calls, `config.agents` at a time, into `done` ({section number:
        Completion}) as they finish. A call not started before the time limit is left out (its
        section says so); a call cut off by it keeps what it wrote. Stats and the journal are
        written here, in this thread, in the order the calls finish."""
        agent = self.agent
        total = len(self.aspects)
        width = max(1, min(agent.config.agents, len(jobs)))

        def call(job):
            number, aspect, ids, prompt = job
            low, high = self.length.section_sentences
            # a whole run replayed (resume.py, writing=True): the section as the run wrote it
            replayed = None
            if agent._replay is not None and agent._replay.expects("section"):
                replayed = agent._replay.output("section", self.step, agent.llm.count_prompt(self._messages(prompt)))
            if replayed is not None:
                agent.stats.replayed_calls += 1
                return replayed
            return agent.llm.complete(self._messages(prompt), schema=writer.sentences_schema(ids, low, high),
                                      max_tokens=self.length.section_tokens, temperature=agent.config.temperature,
                                      deadline=agent._deadline)

        def finished(number: int, completion) -> None:
            agent._record(completion, "section", self.step)
            done[number] = completion
            if completion.finish_reason == "time":
                self._limit("max_time", "time limit reached while writing")

        if width == 1:
            for job in jobs:
                if agent._out_of_time():
                    self._limit("max_time", "time limit reached")
                    break
                yield Notice(f"writing section {job[0]}/{total}: {job[1].title}")
                finished(job[0], call(job))
            return
        yield Notice(f"writing {len(jobs)} sections, {width} at once: "
                     + "; ".join(f"{n}. {a.title}" for n, a, _, _ in jobs))
        pool = ThreadPoolExecutor(max_workers=width, thread_name_prefix="section")
        futures = {pool.submit(call, job): job for job in jobs}
        try:
            for future in as_completed(futures):
                number, aspect = futures[future][0], futures[future][1]
                try:
                    finished(number, future.result())
                except GenerationError as e:          # one failed sub-agent leaves its aspect unwritten
                    agent.trace.write("section_failed", aspect=aspect.title, error=str(e))
                    yield Notice(f"section {number} ({aspect.title}) failed: {e}")
                    continue
                running = sum(not f.done() for f in futures)
                yield Notice(f"section {number}/{total} written ({aspect.title}); {running} still writing")
        finally:
            # Ctrl-C: keep the sections that finished meanwhile, stop waiting for the rest
            for future, (number, *_) in futures.items():
                if number not in done and future.done() and not future.cancelled() and future.exception() is None:
                    finished(number, future.result())
            pool.shutdown(wait=False, cancel_futures=True)

    def _fitting_quotes(self, aspect: Aspect, used: set[int]) -> list[tuple[int, str]]:
        """The aspect's quotes, those an earlier section did not quote first (so sections do not
        repeat each other), fewer when the prompt would not fit the budget."""
        agent = self.agent
        quotes = sorted(aspect.quotes, key=lambda q: q[0] in used)
        fresh = [q for q in quotes if q[0] not in used]
        quotes = fresh if len(fresh) >= 2 else quotes[:max(2, len(fresh))]
        while len(quotes) > 1:
            low, high = self.length.section_sentences
            prompt = render("section", question=self.question, aspect=aspect.title, sentences=f"{low} to {high}",
                            quotes=writer.quotes_block(quotes))
            if agent.llm.count_prompt(self._messages(prompt)) <= agent.config.budget:
                break
            quotes.pop()
        return quotes

    def _write_summary(self) -> Iterator:
        agent = self.agent
        low, high = self.length.summary_sentences
        points = writer.summary_points(self.sections, self.question, low, MAX_POINTS)
        if not points:
            return
        if not agent._out_of_time():
            yield Notice("writing the summary")
            lines = "\n".join(f"- {text} " + "".join(f"[{n}]" for n in ids) for text, ids in points)
            ids = sorted({n for _, cited in points for n in cited})
            prompt = render("summary", question=self.question, points=lines, sentences=f"{low} to {high}")
            completion = agent._call(self._messages(prompt), writer.sentences_schema(ids, low, high),
                                     self.length.summary_tokens, "summary", self.step)
            texts, _ = self._pages_read()
            self.summary = writer.check_sentences("Summary", writer.parse_sentences(completion.text), texts, set(ids),
                                                  self._titles(), outline.subject_pairs(self.question))
            self.summary.drop_repeats([])
            writer.drop_dangling(self.summary)
            if completion.finish_reason == "time":
                self._limit("max_time", "time limit reached while writing the summary")
        # what the model wrote and the check kept may be too little (or nothing: 1 of the 16 report
        # questions); the sections' own checked sentences then say it
        writer.top_up_summary(self.summary, points, low)
        texts, _ = self._pages_read()
        writer.open_with_definition(self.summary, outline.entry_names(self.question), texts, self._titles(),
                                    self.question)

    def _off_subject(self, texts: dict[int, str], cited: list[int]) -> str:
        """The question's subject ("copy-on-write"; its name as the question writes it, "James Webb
        Space Telescope") when the report cites sources and none of them names it
        (outline.names_subject_strictly); "" otherwise."""
        if not cited or any(outline.names_subject_strictly(self.question, texts.get(sid, "")) for sid in cited):
            return ""
        names = outline.subject_names(self.question)
        written = re.search(r"\W+".join(map(re.escape, names)), self.question, re.IGNORECASE) if names else None
        subject = written.group() if written else " ".join(names or outline.topic_words(self.question))
        self.agent.trace.write("off_subject", subject=subject, cited=cited)
        return f"“{subject}”"

    def _pages_read(self) -> tuple[dict[int, str], dict[int, str]]:
        """The text of every page this run read, and every source's URL, by source number."""
        agent = self.agent
        return ({sid: doc.text for sid, doc in agent.toolbox.docs.items()},
                {s.id: s.url for s in agent.sources.all()})

    def _titles(self) -> dict[int, str]:
        return {s.id: s.title for s in self.agent.sources.all()}

    def _messages(self, prompt: str) -> list[dict]:
        return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}]

    # -- the result ---------------------------------------------------------------------------

    def claims(self) -> list:
        return [c for s in [self.summary, *self.sections] for c in s.claims]

    def result(self, stopped_because: str, start: float, error: str | None):
        """The run's result: sections, summary, coverage; references built in code. The quotes
        that support the cited sentences are kept with their sources."""

        agent, claims = self.agent, self.claims()
        texts, _ = self._pages_read()
        found = disagreements.find(claims, texts)
        cited = writer.cited_sources(self.summary, self.sections, found)
        for sid in cited:
            source = agent.sources.get(sid)
            source.cited = True
            for claim in claims:
                if claim.quote_source == sid and claim.quote and claim.quote not in source.quotes:
                    source.quotes.append(claim.quote)
        stats = agent.stats
        stats.citations = sum(len(c.sources) + len(c.dropped) for c in claims)
        stats.citations_supported = sum(len(c.sources) for c in claims)
        stats.claims_removed = sum(s.removed for s in [self.summary, *self.sections])
        off_subject = self._off_subject(texts, cited)
        confidence, reason = writer.report_confidence(self.sections, self.summary, self.aspects, len(found),
                                                      off_subject)
        report = writer.assemble(self.asked, self.summary, self.sections, self.aspects, agent.sources,
                                 confidence, reason, stopped_because, found, off_subject)
        stats.wall_seconds = round(time.perf_counter() - start, 3)
        numbers = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in asdict(stats).items()}
        answer = " ".join(text for text, _ in self.summary.sentences)   # one line, no citations
        result = RunResult(question=self.asked, answer=answer, report=report, confidence=confidence,
                           sources=[s.as_json() for s in agent.sources.all()], stopped_because=stopped_because,
                           stats=numbers, trace=str(agent.trace.path or ""), claims=[c.as_json() for c in claims],
                           error=error, mode="report", sections=[s.as_json() for s in self.sections],
                           coverage=[a.as_json() for a in self.aspects], conflicts=[d.as_json() for d in found])
        agent.trace.write("finish", stopped_because=stopped_because, answer=answer, confidence=confidence,
                          stats=numbers, report=report, mode="report", question=self.asked,
                          sources=result.sources, claims=result.claims)   # what `kresearch check` re-verifies
        return result


def _chunks(items: list[str], size: int = MAX_QUERIES) -> list[list[str]]:
    return [list(items[i:i + size]) for i in range(0, len(items), size)]
