"""Report mode: question kinds, the outline, coverage, section writing with the union support
check, and whole runs (scripted FakeLLM and the real 0.5B model) over a real loopback site."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from types import SimpleNamespace

import fixture_site
import pytest
from fixture_site import FixtureSearch, site

from kresearch.agent.events import ActionTaken, ToolFinished
from kresearch.agent.loop import Agent, AgentConfig, Finished, Notice
from kresearch.agent import limits
from kresearch.agent.context import stems
from kresearch.agent.question_kind import classify, resolve_mode
from kresearch.agent.report_mode import coverage, outline, writer
from kresearch.agent.report_mode.research import TERM_DEEPER, ReportRun
from kresearch.agent.toolbox import Toolbox
from kresearch.llm.base import Completion, FakeLLM
from kresearch.sources import SourceRegistry
from kresearch.tools.browser import Browser
from kresearch.tools.fetch import Fetcher, FetchPolicy
from kresearch.tools.search import SearchService
from kresearch.trace import Trace

GC_PAGES = {
    "/wiki/Garbage_collection": (
        "Garbage collection",
        "Garbage collection is automatic memory management: the collector reclaims memory occupied by "
        "objects that the program no longer uses. It was invented by John McCarthy around 1959 for Lisp."),
    "/wiki/Mark-sweep": (
        "Mark-sweep garbage collection",
        "Mark-sweep garbage collection traces all reachable objects from the roots and marks them. "
        "The sweep phase then frees every unmarked object. Mark-sweep collection pauses the program."),
    "/wiki/Reference_counting": (
        "Reference counting garbage collection",
        "Reference counting is a garbage collection technique that keeps a count of the references to each "
        "object and frees the object when the count drops to zero. Reference counting cannot reclaim cycles "
        "of objects."),
    "/wiki/Memory_leak": (
        "Memory leak",
        "A memory leak happens when a program fails to release memory it no longer needs. A program "
        "with a memory leak eventually runs out of memory and fails."),
}
QUESTION = "Explain how garbage collection works and compare mark-sweep with reference counting garbage collection."


class ReportLLM(FakeLLM):
    """The scripted model of a report run, which answers each request for an aspect's terms
    itself (`terms`: {aspect: [terms]}, and {(aspect, "again"): [terms]} for the request asked
    once more; none by default), so a script lists only the outline, section and summary
    outputs. Those requests are kept apart in `terms_calls`."""

    def __init__(self, script, terms: dict | None = None, **kwargs):
        super().__init__(script, **kwargs)
        self.terms = terms or {}
        self.terms_calls: list[list[dict]] = []

    def complete(self, messages, *, schema=None, **kwargs):
        if schema and "terms" in schema.get("properties", {}):
            self.terms_calls.append(messages)
            prompt = next(m["content"] for m in reversed(messages) if "One part of it: " in m["content"])
            aspect = prompt.split("One part of it: ", 1)[1].splitlines()[0]
            key = (aspect, "again") if messages[-1]["content"] != prompt else aspect
            return Completion(text=json.dumps({"terms": self.terms.get(key, [])}), prompt_tokens=10,
                              prompt_tokens_evaluated=10, completion_tokens=5, seconds=0.0, finish_reason="stop")
        return super().complete(messages, schema=schema, **kwargs)


# -- question kinds ------------------------------------------------------------------------------

@pytest.mark.parametrize("question", [
    QUESTION, "Give an overview of the Lisp family of programming languages",
    "compare risc and cisc processor designs", "What are the main causes of memory leaks?",
    "explian the diffrences between tcp and udp",          # misspelled: "differences" is not needed
    "Tell me about the history of Unix", "Why do caches use set associativity?",
    "How does virtual memory work?", "pros and cons of static typing",
    "What problems can arise when processes share resources?", "garbage collection",
    "unix and the systems which followed it", "a guide to the garbage collectors of which the jvm has several",
])
def test_open_questions_want_a_report(question):
    assert classify(question) == "report"


@pytest.mark.parametrize("question", [
    "What government position was held by the woman who portrayed Corliss Archer in Kiss and Tell?",
    "Are both Dictyosperma, and Huernia described as a genus?",   # "described" is not "describe"
    "Are Ferocactus and Silene both types of plant?", "who wrote the jargon file?",
    "Which band has more members, Band of Skulls or Live?", "When was Python 3.0 released?",
    "how many members does live have", "In which city was the composer of Tosca born?",
    # the fact asked at the end, typed without a question mark
    "astro boy and the secret of kells share which genre of film", "the film kiss and tell was directed by whom",
    "the mass killing at oakland was less deadly than the one in which state",
])
def test_questions_of_one_fact_want_a_short_answer(question):
    assert classify(question) == "answer"


def test_an_explicit_mode_wins():
    assert resolve_mode("report", "Who wrote Tosca?") == "report"
    assert resolve_mode("answer", QUESTION) == "answer"
    with pytest.raises(ValueError):
        resolve_mode("essay", QUESTION)


# -- outline and coverage --------------------------------------------------------------------------

def test_the_outline_drops_repeats_and_restatements_and_falls_back_to_the_question():
    text = json.dumps({"aspects": ["mark-sweep collection", "Mark-sweep collection.", QUESTION,
                                   "reference counting", "  "]})
    assert outline.parse_outline(text, QUESTION) == ["mark-sweep collection", "reference counting"]
    assert outline.parse_outline("not json", QUESTION) == [QUESTION]
    cut = '{"aspects": ["mark-sweep collection", "reference counting", "memory le'
    assert outline.parse_outline(cut, QUESTION) == ["mark-sweep collection", "reference counting"]


def test_an_aspect_that_echoes_the_outline_request_is_dropped():
    from kresearch.prompts import render
    instructions = render("outline", question="", low=4, high=6, found="")
    question = "According to the Jargon File, what is a hacker and how do hackers differ from crackers?"
    reply = json.dumps({"aspects": ["What are the main parts, approaches, causes or points of comparison the "
                                    "question asks", "hacker ethic", "crackers and security"]})
    assert outline.parse_outline(reply, question, instructions=instructions) == ["hacker ethic", "crackers and security"]
    # the request's quoted example is any question's subject, never an echo
    reply = json.dumps({"aspects": ["solar panel efficiency limits", "photovoltaic cell materials"]})
    assert len(outline.parse_outline(reply, "How do solar panels work?", instructions=instructions)) == 2


def test_an_outline_that_walks_down_the_requests_list_loses_those_aspects():
    from kresearch.prompts import render
    instructions = render("outline", question="", low=4, high=6, found="")
    # a 1.5B model's outline for a comparison (userq-s47): the question's names and a word of the request each
    question = "Compare Perl and Python as scripting languages."
    reply = json.dumps({"aspects": ["Perl vs Python: Main parts", "Perl vs Python: Approaches",
                                    "Perl vs Python: Causes", "Perl vs Python: Points of Comparison",
                                    "Perl regular expressions"]})
    assert outline.parse_outline(reply, question, instructions=instructions) == ["Perl regular expressions"]
    # one such aspect alone is an angle the question has
    question = "Give an overview of the Scheme programming language: how it differs from Common Lisp."
    reply = json.dumps({"aspects": ["Scheme programming language", "history", "comparison with Common Lisp"]})
    assert outline.parse_outline(reply, question, instructions=instructions)[-1] == "comparison with Common Lisp"


@pytest.mark.parametrize("question, things, queries", [
    ("Compare Perl and Python as scripting languages.", ["Perl", "Python"],
     ["Perl scripting languages", "Python scripting languages"]),
    ("What are the differences between Git, Mercurial and Subversion?", ["Git", "Mercurial", "Subversion"],
     ["Git", "Mercurial", "Subversion"]),
    ("Compare Common Lisp vs Scheme", ["Common Lisp", "Scheme"], ["Common Lisp", "Scheme"]),
    ("Compare the Apple II and the Commodore PET", ["Apple II", "Commodore PET"], ["Apple II", "Commodore PET"]),
    # no names, a question that lists its parts, one name: the outline is the model's (or the parts)
    ("Compare compilers and interpreters", [], []),
    ("Compare the RISC and CISC approaches: what motivated each, and their typical features", [], []),
    ("How does Emacs differ from vi?", [], []),
])
def test_the_things_a_question_compares_are_aspects_searched_each_on_its_own(question, things, queries):
    assert outline.compared_things(question) == things
    assert [outline.compared_query(thing, things, question) for thing in things] == queries


def test_an_aspect_query_carries_the_question_subject():
    assert outline.topic_words(QUESTION) == ["garbage", "collection", "mark-sweep"]
    assert outline.anchored_query("weaknesses", QUESTION) == "weaknesses garbage collection mark-sweep"
    assert outline.anchored_query("garbage collection pauses", QUESTION) == "garbage collection pauses"
    assert outline.topic_words("Give an overview of the Battle of Pusan Perimeter") == ["battle", "pusan", "perimeter"]


def test_a_source_covers_an_aspect_only_with_most_of_its_query_words():
    aspect = coverage.Aspect("reference counting garbage", "reference counting garbage collection")
    texts = {1: GC_PAGES["/wiki/Reference_counting"][1], 2: "A collection of stamps, with no counting at all.",
             3: "Reference counting garbage collection frees objects whose count is zero."}
    urls = {1: "http://a.example/wiki/rc", 2: "http://b.example/stamps", 3: "http://c.example/rc"}
    coverage.update(aspect, QUESTION, texts, urls, [1, 2, 3])
    assert sorted(aspect.sources) == [1, 3] and aspect.covered
    assert all(sid in (1, 3) and quote for sid, quote in aspect.quotes)
    assert coverage.prose("# T\nFrom Wikipedia, the free encyclopedia\nA [link](http://x) \\<b>.") == "A link <b>."


def test_function_words_do_not_cover_an_aspect():
    # userq-s48: the yacc entry covered "Yet another scheme object system" by "yet", "another", "system"
    yacc = "Yet Another Compiler Compiler. The LALR parser generator of the Unix system."
    assert coverage.coverage_score("Yet another scheme object system", yacc) < coverage.COVERS
    assert coverage.coverage_score("Yet another scheme object system",
                                   "YASOS is an object system for Scheme.") >= coverage.COVERS


def test_an_aspect_is_covered_by_its_subject_not_its_angle_nor_its_spelling():
    question = "Give an overview of Lisp and of the synchronisation mechanisms of concurrent processes"
    origins = coverage.Aspect("Lisp origins", outline.anchored_query("Lisp origins", question))
    sync = coverage.Aspect("synchronisation mechanisms", outline.anchored_query("synchronisation mechanisms", question))
    texts = {1: "Lisp was invented by John McCarthy in 1958 as a list processing language.",
             2: "A semaphore is a synchronization primitive that lets concurrent processes wait.",
             3: "Origins of the Universe: a mechanism of cosmic inflation."}
    titles = {1: "Lisp", 2: "semaphore", 3: "cosmology"}
    urls = {n: f"http://x.example/{n}" for n in texts}
    coverage.update(origins, question, texts, urls, [1, 2, 3], titles)
    coverage.update(sync, question, texts, urls, [1, 2, 3], titles)
    assert origins.sources == [1] and sync.sources == [2]


def test_an_aspect_word_counts_in_any_of_its_forms():
    # the crude stems of "writes" ("writ") and "written" differ; the page still says it
    page = "A cache architecture in which data is only written to main memory when it is forced out of the cache."
    assert coverage.coverage_score("What happens when the processor writes data", page) == pytest.approx(2 / 3)
    assert coverage.coverage_score("processor writes data", "Processors read instructions.") == pytest.approx(1 / 3)
    assert coverage.coverage_score("bus", "A business plan.") == 0.0          # short words match whole only


def test_the_page_named_for_an_aspect_leads_its_sources_and_quotes_even_when_read_last():
    question = "According to the Jargon File, what is a hacker, and how do hackers differ from crackers?"
    aspect = coverage.Aspect("What is a hacker", outline.anchored_query("What is a hacker", question))
    texts = {1: "A cracker is one who breaks security on a system; hackers call them crackers, not hackers.",
             2: "The hacker ethic is the belief that information-sharing is good; a hacker shares.",
             3: "A hacker is a person who enjoys exploring the details of programmable systems."}
    titles = {1: "cracker - Jargon", 2: "hacker ethic - Jargon", 3: "hacker - Jargon", 4: "Hacker (card game) - Wiki"}
    texts[4] = "Hacker is a card game in which each hacker player breaks into systems."
    urls = {n: f"http://x.example/{n}" for n in [1, 2, 3, 4]}
    coverage.update(aspect, question, texts, urls, [1, 2], titles, max_quotes=2)
    assert aspect.sources == [2, 1] and [sid for sid, _ in aspect.quotes] == [2, 1]
    coverage.update(aspect, question, texts, urls, [4, 3], titles, max_quotes=2)   # read later, e.g. by a link
    assert aspect.sources == [3, 2, 4, 1]        # the card game is another thing of that name
    assert [sid for sid, _ in aspect.quotes] == [3, 2] and aspect.quotes[0][1].startswith("A hacker is a person")


def test_an_aspect_s_terms_keep_only_new_names_that_a_search_can_use():
    question = "what problems arise when processes share resources, and what mechanisms prevent them?"
    taken = [stems("problems arise processes share resources")]
    reply = '{"terms": ["deadlock", "shared resources", "Race condition", "deadlocks", "processes"]}'
    # the question's own words ("shared resources") and repeats are no name to search by
    assert outline.parse_terms(reply, question, taken) == ["deadlock", "Race condition"]
    assert outline.parse_terms('{"terms": ["semaphore", "monit', question, taken) == ["semaphore"]   # cut off
    assert outline.parse_terms('{"terms": ["mutex", "deadlock"]}', question, taken) == ["mutex"]  # taken before
    assert outline.parse_terms("not json", question, []) == []
    # a copy of the request's own words or example is no term of the question; a name sharing a word is
    request = 'Name named methods (for "how a car engine turns fuel into motion": "four-stroke cycle", "piston").'
    reply = '{"terms": ["four-stroke cycle", "Piston", "search engine", "fuel", "Named methods"]}'
    assert outline.parse_terms(reply, question, [], instructions=request) == ["search engine"]
    # a copy that shares a word with the question is still a copy
    assert outline.parse_terms(reply, "Which countries piloted a four-day week?", [], instructions=request) == [
        "search engine"]


def test_the_terms_request_shows_worked_examples_as_earlier_turns_and_drops_copies_of_them():
    messages, told = outline.terms_messages("system", "How do vaccines work?", "The immune response")
    examples = outline.term_examples()
    assert len(examples) >= 2 and [m["role"] for m in messages] == ["system"] + ["user", "assistant"] * len(examples) + ["user"]
    assert "One part of it: The immune response" in messages[-1]["content"]
    assert all(json.loads(m["content"])["terms"] for m in messages if m["role"] == "assistant")
    copied = json.dumps({"terms": [examples[0][2][0], "antibody", "T cell"]})
    assert outline.parse_terms(copied, "How do vaccines work?", [], instructions=told) == ["antibody", "T cell"]


def test_terms_that_restate_the_question_are_asked_for_again_one_level_down():
    question = "Explain the difference between computer viruses, worms and Trojan horses, and famous examples"
    messages, told = outline.terms_messages("system", question, "Famous examples")
    reply = '{"terms": ["computer virus", "worm", "Trojan horse"]}'
    kept = outline.parse_terms(reply, question, [], instructions=told)
    assert kept == []
    again = outline.terms_again(messages, reply, kept)
    # the model's own reply stays as its turn; the new request names what it gave
    assert again[:-1] == [*messages, {"role": "assistant", "content": reply}]
    assert "computer virus; worm; Trojan horse" in again[-1]["content"]
    second = '{"terms": ["Morris worm", "worms", "kinds", "worm example", "ILOVEYOU"]}'
    # a copy of the new request's own words is no term either ("kinds"; "worm example" after "examples")
    assert outline.parse_terms(second, question, [], instructions=f"{told} {again[-1]['content']}") == [
        "Morris worm", "ILOVEYOU"]
    # enough kept, or nothing dropped: asked once only
    assert outline.terms_again(messages, '{"terms": ["Morris worm", "ILOVEYOU"]}', ["Morris worm", "ILOVEYOU"]) is None
    assert outline.terms_again(messages, '{"terms": ["Morris worm"]}', ["Morris worm"]) is None
    assert outline.terms_again(messages, "not json", []) is None


def test_the_entry_on_an_aspect_s_term_covers_it_and_is_quoted_after_the_search_s_best_page():
    question = "What problems arise when processes share resources, and what mechanisms prevent them?"
    part = "What mechanisms prevent them"
    aspect = coverage.Aspect(part, outline.part_query(part, question), terms=["semaphore", "mutual exclusion"])
    texts = {1: "Locking mechanisms prevent two processes that share resources from corrupting them.",
             2: "Mutual exclusion lets only one process at a time use a shared resource.",
             3: "Dijkstra invented it; P waits until a process may go on and V signals.",
             4: "A counter of free resources with P and V operations, from Dijkstra's THE system.",
             5: "A semaphore line is a chain of towers that pass optical signals.",
             6: "MuTeX is an extension of TeX for typesetting music."}
    titles = {1: "locking - Dict", 2: "mutual exclusion - Dict", 3: "Semaphores (programming) - Wiki",
              4: "semaphore - Dict", 5: "semaphore line - Wiki", 6: "mutual exclusion - Music Dict"}
    urls = {1: "http://a.example/1", 2: "http://a.example/2", 3: "http://b.example/3",
            4: "http://a.example/4", 5: "http://b.example/5", 6: "http://c.example/6"}
    assert coverage.term_named(aspect, titles[3]) == 0 and coverage.term_named(aspect, titles[2]) == 1
    assert coverage.term_named(aspect, titles[5]) is None       # another thing with the word in its name
    # a name that writes a letter more is another name (report16-s49base: "un*x" covered "Why
    # the UN side was able to hold" as the entry on "UN")
    assert not coverage.is_entry("UN", "un*x - Dict") and coverage.is_entry("UN", "UN - Wiki")
    assert not coverage.is_entry("Scheme", "scheme->c - Dict")
    coverage.update(aspect, question, texts, urls, [1, 2, 3, 4, 5, 6], titles, max_quotes=3)
    # the entries cover it without most of its words (a name meaning something else, page 6, does
    # not); the search's best page first, then a term's entry
    # each, in the terms' order, then the rest (the second entry on "semaphore")
    assert aspect.sources == [1, 3, 2, 4]
    assert [sid for sid, _ in aspect.quotes] == [1, 3, 2]
    assert aspect.as_json()["terms"] == ["semaphore", "mutual exclusion"]


def test_a_page_read_for_another_aspect_counts_for_every_aspect_it_covers():

    from kresearch.agent.report_mode.research import ReportRun

    question = "Give an overview of the Air Force's test squadrons: where each is based and what it flies"
    pages = {1: ("412th Test Wing", "The 412th Test Wing is based at Edwards Air Force Base; its squadrons test aircraft."),
             2: ("Air Force Test Center", "The Air Force Test Center is based in California; test squadrons fly there."),
             3: ("413th Flight Test Squadron", "The 413th Flight Test Squadron is based at Hurlburt Field, Florida, "
                                               "and tests helicopters for the Air Force.")}
    sources = [SimpleNamespace(id=n, url=f"http://x.example/{n}", title=t) for n, (t, _) in pages.items()]
    agent = SimpleNamespace(toolbox=SimpleNamespace(docs={n: SimpleNamespace(text=x) for n, (_, x) in pages.items()}),
                            sources=SimpleNamespace(all=lambda: sources), config=SimpleNamespace(length="medium"))
    run = ReportRun(agent, question)
    based = coverage.Aspect("Where each is based", outline.part_query("where each is based", question),
                            sources=[1, 2])        # covered by its own search, before page 3 was read
    run.aspects = [based]
    run._cover_from_all_read()
    assert based.sources == [1, 2, 3]


def test_a_report_aspect_reads_the_entries_on_the_terms_the_model_names_for_it(tmp_path, monkeypatch):
    pages = dict(GC_PAGES)
    # one word of the aspect's query, too few for its words to cover it: its name does
    pages["/wiki/Tri-colour_marking"] = ("Tri-colour marking", "Tri-colour marking sorts objects into white, grey "
                                         "and black sets, so a garbage collector may trace beside the program.")
    aspects = {"aspects": ["mark-sweep garbage collection", "reference counting garbage collection", "memory leak"]}
    result, llm, events = run_report(
        tmp_path, monkeypatch, [aspects, section_reply, section_reply, section_reply, summary_reply], pages=pages,
        terms={"mark-sweep garbage collection": ["tri-colour marking", "mark-sweep garbage collection",
                                                 "card marking", "write barrier"]}, mode="report")
    assert len(llm.terms_calls) == 3 and "One part of it: memory leak" in llm.terms_calls[2][-1]["content"]
    from kresearch.trace import read_trace
    searches = [e for e in read_trace(tmp_path / "t.jsonl") if e["event"] == "action" and e["action"] == "search"]
    # every term is searched in the first round, the aspect covered or not (a term without an
    # entry is searched again in the same step, from the results already found, for the pages
    # after its first two)
    steps = [{e["step"] for e in searches if t in e["args"]["queries"]}
             for t in ("tri-colour marking", "card marking", "write barrier")]
    assert all(len(s) == 1 for s in steps) and steps[0] == steps[1] == steps[2]
    first = result.as_json()["coverage"][0]
    assert first["terms"] == ["tri-colour marking", "card marking", "write barrier"]   # the aspect itself is no term
    marking = next(s["id"] for s in result.sources if s["title"].startswith("Tri-colour"))
    assert marking in first["sources"]
    section = result.as_json()["sections"][0]
    assert f"[{marking}]" in section["text"] and "Tri-colour marking" in section["text"]
    assert any(isinstance(e, Notice) and "filed under: tri-colour marking" in e.message for e in events)


def test_a_term_with_no_entry_of_its_own_has_its_results_read_further_down(tmp_path, monkeypatch):
    pages = dict(GC_PAGES)
    pages["/wiki/Tri-colour_marking"] = ("Tri-colour marking", "Tri-colour marking sorts objects into white, grey "
                                         "and black sets, so a garbage collector may trace beside the program.")
    # no page is the entry on "write barrier"; the two first results only share its words, the
    # third says what it is
    pages["/wiki/Memory_barrier"] = ("Memory barrier", "A memory barrier orders every read or write of a CPU.")
    pages["/wiki/Barrier_sync"] = ("Barrier synchronisation", "Threads write results, then wait at a barrier.")
    pages["/wiki/Card_table"] = ("Card table", "A card table is a write barrier: a program flags each card "
                                 "holding a changed pointer; a collector rescans flagged cards only.")
    aspects = {"aspects": ["mark-sweep garbage collection", "reference counting garbage collection", "memory leak"]}
    result, _, _ = run_report(
        tmp_path, monkeypatch, [aspects, section_reply, section_reply, section_reply, summary_reply], pages=pages,
        terms={"mark-sweep garbage collection": ["tri-colour marking", "write barrier"]}, mode="report")
    from kresearch.trace import read_trace
    searched = [e["args"]["queries"] for e in read_trace(tmp_path / "t.jsonl")
                if e["event"] == "action" and e["action"] == "search"]
    assert ["tri-colour marking", "write barrier"] in searched and ["write barrier"] in searched
    assert ["tri-colour marking"] not in searched           # its entry was among its first two results
    opened = {s["title"] for s in result.sources if s["opened"]}
    assert {"Memory barrier", "Barrier synchronisation", "Card table"} <= opened


def test_an_aspect_whose_terms_restate_the_question_is_asked_again_and_its_new_terms_searched(tmp_path, monkeypatch):
    aspects = {"aspects": ["mark-sweep garbage collection", "reference counting garbage collection", "memory leak"]}
    result, llm, _ = run_report(
        tmp_path, monkeypatch, [aspects, section_reply, section_reply, section_reply, summary_reply],
        pages=dict(GC_PAGES), mode="report",
        terms={"memory leak": ["garbage collection", "memory leak"],
               ("memory leak", "again"): ["dangling pointer", "garbage collection"]})
    assert len(llm.terms_calls) == 4            # three aspects, the last one twice
    assert "already name garbage collection; memory leak" in llm.terms_calls[3][-1]["content"]
    leak = next(c for c in result.as_json()["coverage"] if c["aspect"] == "memory leak")
    assert leak["terms"] == ["dangling pointer"] and "dangling pointer" in leak["queries"]


def test_the_outline_is_grounded_in_the_subjects_the_question_search_found():
    question = "Give an overview of automatic garbage collection and its weaknesses"
    found = [("garbage collection - Offline Encyclopedia", "Garbage collection reclaims memory ..."),
             ("reference counting - Offline Encyclopedia", "A garbage collection technique that counts ..."),
             ("Mark-sweep garbage collection (computing)", "A garbage collection method that marks ..."),
             ("mutual exclusion - Offline Encyclopedia", "A collection of techniques for sharing resources."),
             ("collection techniques - Offline Encyclopedia", "Garbage collection techniques ..."),
             ("garbage collect - Offline Encyclopedia", "Garbage collecting reclaims memory ..."),  # the subject
             ("gc - Offline Encyclopedia", "Garbage collection, abbreviated ..."),                  # too short
             ("refcount - Offline Encyclopedia", "A garbage collection technique that counts ...")]  # same entry
    model = ["how collection works", "collection techniques", "weaknesses", "pauses", "generations", "history",
             "languages"]
    # the question's own subject, a page off its subject and a repeat of an aspect are not added;
    # the model's aspects give way so the outline stays within MAX_OUTLINE
    assert outline.grounded(model, found, question) == [
        "how collection works", "collection techniques", "weaknesses", "pauses", "generations", "history",
        "reference counting", "Mark-sweep garbage collection"]
    assert outline.grounded(["weaknesses"], [], question) == ["weaknesses"]
    # a question that lists its things has its specific subjects: pages that mention them add none
    question = "Explain how TCP, UDP, IP and ICMP divide the work of moving data, and compare TCP with UDP"
    found = [("flood - Offline Encyclopedia", "To overwhelm a network channel, by IP, TCP/IP, UDP or ICMP."),
             ("tp/ix - Offline Encyclopedia", "An Internet protocol which changes TCP and UDP headers.")]
    assert outline.grounded(["TCP vs UDP"], found, question) == ["TCP vs UDP"]
    assert outline.grounded(["UDP"], found, "Explain how TCP and UDP divide the work of moving data") == [
        "UDP", "flood", "tp/ix"]
    # a named subject's pages name it: a page on its category's words alone is none of its parts
    found = [("logic programming - Offline Encyclopedia", "A declarative style of programming language."),
             ("concurrent scheme - Offline Encyclopedia", "A parallel Lisp: a Scheme programming language.")]
    assert outline.grounded(["History"], found, SCHEME_QUESTION) == ["History", "concurrent scheme"]
    assert outline.grounded(["History"], found, SCHEME_QUESTION.lower()) == [
        "History", "logic programming", "concurrent scheme"]
    # ... in the page's opening, where it says what it is about, not in a link's address or further down
    found = [("expression - Offline Encyclopedia", "# expression\n\nAny piece of program code in a [high-level "
              "language](http://x/foldoc/scheme) which returns a value. " + "More words here. " * 30
              + "In Scheme, an expression ..."),
             ("concurrent scheme - Offline Encyclopedia", "A parallel Lisp: a Scheme programming language.")]
    assert outline.grounded(["History"], found, SCHEME_QUESTION) == ["History", "concurrent scheme"]


@pytest.mark.parametrize("question, parts", [
    ("Explain how a processor cache works: how it decides where a block of memory may be stored, what happens "
     "when the processor writes data, and how machines with several processors keep their caches in agreement.",
     ["How it decides where a block of memory may be stored", "What happens when the processor writes data",
      "How machines with several processors keep their caches in agreement"]),
    ("explain how garbage collection reclaims memory, compare the main techniques and their weaknesses, and "
     "describe what goes wrong in programs that leak memory",
     ["How garbage collection reclaims memory", "Compare the main techniques and their weaknesses",
      "What goes wrong in programs that leak memory"]),
    # a list of names inside one part is not split; where to look is not a part
    ("Explain how TCP, UDP, IP and ICMP divide the work of moving data, and compare TCP with UDP",
     ["How TCP, UDP, IP and ICMP divide the work of moving data", "Compare TCP with UDP"]),
    ("According to the Jargon File, what is a hacker, and how do hackers differ from crackers?",
     ["What is a hacker", "How do hackers differ from crackers"]),
    ("How do vaccines work, and why do some people need boosters?",
     ["How do vaccines work", "Why do some people need boosters"]),
    ("Give an overview of the Lisp family: where Lisp came from, and how its dialects differ.",
     ["Where Lisp came from", "How its dialects differ"]),
    # after a colon with no comma, "and" before a wh-word starts a part; in a list it does not
    ("Give an overview of caches in computer hardware: the main types of cache and how a cache decides what to "
     "evict.", ["The main types of cache", "How a cache decides what to evict"]),
    ("Give an overview of the canals: their routes, construction dates and what became of them.",
     ["Their routes", "Construction dates and what became of them"]),
    ("Compare the languages: Python and Ruby, and what each is used for.",
     ["Python and Ruby", "What each is used for"]),
    # one part: the outline is the model's
    ("What are the main causes of the French Revolution?", []),
    ("Compare python, rust and go for systems programming", []),
    ("Give an overview of garbage collection: how it works", []),
])
def test_the_parts_a_question_lists_are_found_in_its_own_words(question, parts):
    assert outline.question_parts(question) == parts


def test_the_question_parts_lead_the_outline_and_search_by_their_subject_words():
    question = "Explain how a processor cache works: how it decides where a block of memory may be stored, and what " \
               "happens when the processor writes data"
    parts = outline.question_parts(question)
    assert outline.part_query(parts[0], question) == "block memory stored processor cache"
    model = ["cache write policy", "what happens when the processor writes data", "cache coherency"]
    assert outline.with_parts(parts, model, question) == parts + ["cache write policy", "cache coherency"]
    assert outline.with_parts(parts, [" ".join(question.split()).strip(" .?")], question) == parts
    assert outline.with_parts([], model, question) == model


def test_a_part_keeps_the_hyphenated_names_it_lists():
    question = ("Compare compilers and interpreters: how each runs a program, and the techniques in between such as "
                "byte-code and just-in-time compilation.")
    parts = outline.question_parts(question)
    assert outline.part_query(parts[-1], question) == "byte-code just-in-time compilation compilers interpreters"


def test_a_report_on_a_question_that_lists_its_parts_has_a_section_for_each(tmp_path, monkeypatch):
    question = ("Explain garbage collection: how mark-sweep collection reclaims memory, what reference counting "
                "cannot reclaim, and what a memory leak does to a program")
    aspects = {"aspects": ["garbage collection history", "mark-sweep collection pauses"]}
    result, llm, _ = run_report(tmp_path, monkeypatch, [aspects] + [writer_reply] * 9, question=question)
    titles = [c["aspect"] for c in result.as_json()["coverage"]]
    assert titles[:3] == ["How mark-sweep collection reclaims memory", "What reference counting cannot reclaim",
                          "What a memory leak does to a program"]
    assert "garbage collection history" in titles
    for heading in titles[:3]:
        assert f"## {heading}" in result.report


def test_a_report_comparing_named_things_has_a_section_on_each(tmp_path, monkeypatch):
    question = "Compare Perl and Python as scripting languages."
    pages = {
        "/wiki/Perl": ("Perl", "Perl is a scripting language started by Larry Wall in 1987. Perl is popular for "
                       "text processing and CGI scripts."),
        "/wiki/Python": ("Python", "Python is a scripting language created by Guido van Rossum. Python code is "
                         "read as easily as pseudocode."),
    }
    aspects = {"aspects": ["Perl vs Python: Approaches", "Perl vs Python: Causes", "Perl and Python syntax"]}
    result, _, _ = run_report(tmp_path, monkeypatch, [aspects] + [writer_reply] * 9, question=question, pages=pages)
    coverage_rows = result.as_json()["coverage"]
    assert [c["aspect"] for c in coverage_rows][:3] == ["Perl", "Python", "Perl and Python syntax"]
    assert "## Perl" in result.report and "Causes" not in result.report
    # each searched on its own ("Perl scripting languages"), its page found and quoted for it
    by_id = {s["id"]: s["url"] for s in result.as_json()["sources"]}
    assert coverage_rows[0]["queries"][0] == "Perl scripting languages"
    assert any(by_id[sid].endswith("/wiki/Perl") for sid in coverage_rows[0]["sources"])
    assert any(by_id[sid].endswith("/wiki/Python") for sid in coverage_rows[1]["sources"])


def test_a_page_titled_with_a_longer_name_holding_an_aspects_word_does_not_cover_it_by_its_title():
    # userq-s47: "Why it spread" for a question on Unix was covered by "frequency-hopping spread spectrum"
    question = "give an overview of Unix: where it came from and why it spread"
    part = outline.question_parts(question)[1]
    aspect = coverage.Aspect(part, outline.part_query(part, question), names=outline.subject_names(question))
    fhss = "Frequency-hopping spread spectrum spreads a signal over many channels."
    unix = "Unix spread to universities in the 1970s, because AT&T licensed its source code cheaply."
    assert not coverage.covers(aspect, "frequency-hopping spread spectrum - Offline Encyclopedia", fhss)
    assert coverage.covers(aspect, "unix - Offline Encyclopedia", unix)
    # the page named for the aspect still covers it by its name
    leak = coverage.Aspect("memory leak", outline.anchored_query("memory leak", QUESTION))
    assert coverage.covers(leak, "memory leak - Offline Encyclopedia", "A memory leak is memory never given back.")


def test_a_page_covers_an_aspect_only_when_it_is_about_the_question_subject_too():
    # "collection techniques" is anchored to the question's subject; a page with the aspect's
    # words but not the subject's does not cover it, a page titled with the aspect does
    techniques = coverage.Aspect("collection techniques", outline.anchored_query("collection techniques", QUESTION))
    leak = coverage.Aspect("memory leak", outline.anchored_query("memory leak", QUESTION))
    texts = {1: "Mutual exclusion is a collection of techniques for sharing resources.",
             2: "Garbage collection techniques include mark-sweep and copying collection.",
             3: "A memory leak is memory a program allocated and never gave back."}
    titles = {1: "mutual exclusion", 2: "garbage collection", 3: "memory leak"}
    urls = {n: f"http://x.example/{n}" for n in texts}
    coverage.update(techniques, QUESTION, texts, urls, [1, 2, 3], titles)
    coverage.update(leak, QUESTION, texts, urls, [1, 2, 3], titles)
    assert techniques.sources == [2] and leak.sources == [3]


# -- writing -------------------------------------------------------------------------------------

TEXTS = {1: GC_PAGES["/wiki/Mark-sweep"][1], 2: GC_PAGES["/wiki/Reference_counting"][1]}


def test_a_sentence_is_checked_against_the_union_of_what_it_cites():
    joined = "Mark-sweep collection pauses the program, while reference counting cannot reclaim cycles of objects."
    written = [(joined, [1, 2]), (joined, [1]), ("Reference counting was invented in 1960 by George Collins.", [2]),
               ("Both are ways to manage memory.", []), ("Both were designed in 1960.", [])]
    section = writer.check_sentences("comparison", written, TEXTS, {1, 2})
    kept = [text for text, _ in section.sentences]
    assert section.sentences[0] == (joined, [1, 2])                 # both sources together state it
    assert kept.count(joined) == 1                                  # [1] alone does not
    assert "Both are ways to manage memory." in kept                # a connecting sentence stays
    assert "Both were designed in 1960." not in kept                # an uncited fact does not
    assert not any("George Collins" in t for t in kept) and section.removed == 3
    assert [c.supported for c in section.claims] == [True, False, False]


def test_a_sentence_copying_a_definition_is_led_by_the_headword_it_defines():
    # report16-s49base: the summary opened "A type of cache in which data from any address can be
    # stored in any cache location. [6]" -- the entry on fully associative cache, never named
    texts = {1: "# fully associative cache\n\nfully associative cache\n\n\\<storage> A type of cache in which "
                "data from any\n   address can be stored in any cache location.",
             2: "# cache\n\nA cache block is the smallest unit of memory that can be transferred to the cache."}
    titles = {1: "fully associative cache - Dict", 2: "cache - Dict"}
    written = [("A type of cache in which data from any address can be stored in any cache location.", [1]),
               ("A cache block is the smallest unit of memory that can be transferred to the cache.", [2])]
    section = writer.check_sentences("placement", written, texts, {1, 2}, titles)
    assert [text for text, _ in section.sentences] == [
        "Fully associative cache: a type of cache in which data from any address can be stored in any cache location.",
        "A cache block is the smallest unit of memory that can be transferred to the cache."]
    # without the page names, as before
    assert writer.check_sentences("placement", written, texts, {1, 2}).sentences[0][0] == written[0][0]
    # the same definition quoted under its headword in a later section is a repeat
    headed, quoted = section.sentences[0][0], f"Fully associative cache: \u201c{written[0][0]}\u201d"
    assert writer.Said.of(headed).words == writer.Said.of(quoted).words
    # a definition opening with "The", and one after an expansion of the name (report16-s51entry)
    texts = {3: "# time complexity\n\ntime complexity\n\n\\<complexity> The way in which the number of steps "
                "required by\n   an algorithm varies with the size of the problem it is\n   solving.",
             4: "# sr\n\nSR\n\n\\<language> Synchronizing Resources.\nA language for concurrent programming.\n"
                "Resources encapsulate processes and variables they share."}
    written = [("The way in which the number of steps required by an algorithm varies with the size of the problem "
                "it is solving.", [3]), ("A language for concurrent programming.", [4])]
    section = writer.check_sentences("summary", written, texts, {3, 4}, {3: "time complexity - Dict", 4: "sr - Dict"})
    assert [text for text, _ in section.sentences] == [
        "Time complexity: the way in which the number of steps required by an algorithm varies with the size of the "
        "problem it is solving.", "SR: a language for concurrent programming."]
    tools = ("# tools\n\nTOOLS\n\n\\<conference> (TOOLS) One of the oldest object-oriented conferences, with 18 "
             "published proceedings volumes.\nTOOLS is organised by Interactive Software Engineering.")
    written = [("One of the oldest object-oriented conferences, with 18 published proceedings volumes.", [5])]
    section = writer.check_sentences("summary", written, {5: tools}, {5}, {5: "tools - Dict"})
    assert section.sentences[0][0].startswith("TOOLS: one of the oldest object-oriented conferences")


def test_a_summary_on_a_named_subject_opens_with_what_its_entry_says_it_is():
    texts = {8: "# scheme\n\nScheme\n\n\\<language> A small, uniform Lisp dialect with clean semantics, developed "
                "initially by Guy Steele and Gerald Sussman in 1975.\nScheme uses applicative order reduction.",
             9: "# lisp\n\nLISP\n\nLISt Processing language.\n\nAI's mother tongue, a symbolic, functional, "
                "recursive language."}
    titles = {7: "scheme->c - Dict", 8: "scheme - Dict", 9: "lisp - Dict", 10: "scheme - Dict (not read)"}
    texts[7] = "# scheme->c\n\nA compiler from Scheme to C, written at DEC's research lab in 1989."
    summary = writer.Section("Summary", sentences=[("Scheme uses applicative order reduction.", [8])])
    writer.open_with_definition(summary, ["scheme"], texts, titles)
    assert summary.sentences[0] == ("Scheme: \u201cA small, uniform Lisp dialect with clean semantics, developed "
                                    "initially by Guy Steele and Gerald Sussman in 1975.\u201d", [8])
    assert summary.claims[0].quote_source == 8 and len(summary.sentences) == 2
    writer.open_with_definition(summary, ["scheme"], texts, titles)         # said already: not twice
    assert len(summary.sentences) == 2
    # an expansion before the definition is passed over; no name, no entry: nothing added
    lisp = writer.Section("Summary")
    writer.open_with_definition(lisp, ["lisp"], texts, titles)
    assert lisp.sentences == [("LISP: \u201cAI's mother tongue, a symbolic, functional, recursive language.\u201d", [9])]
    for names in ([], ["prolog"]):
        other = writer.Section("Summary")
        writer.open_with_definition(other, names, texts, titles)
        assert other.sentences == []
    # a namesake's page is not the subject's entry, unless the question writes its qualifier
    song = {3: "# Python (song)\n\nPython is a song by the band Glass Candy, released in 2007 on an album."}
    for question, expected in (("Give an overview of the Python programming language", 0),
                               ("Give an overview of Python, the song", 1)):
        python = writer.Section("Summary")
        writer.open_with_definition(python, ["python"], song, {3: "Python (song) - Wiki"}, question)
        assert len(python.sentences) == expected


def test_broken_sentences_are_not_kept():
    out = writer.parse_sentences(json.dumps({"sentences": [
        {"text": "Mark-sweep frees unmarked objects [1]. It pauses the program.", "sources": [1]},
        {"text": "the sweep phase then frees every", "sources": [1]},
        {"text": "Does it pause the program?", "sources": [1]},
        {"text": "(ARM), developer of the ARM 32-bit RISC architecture.", "sources": [1]},
        {"text": "halves, known as halves, known as halves, known as halves.", "sources": [1]},
        {"text": "With Fine Gael being the g.", "sources": [1]},          # a word cut (report16-s49base)
        {"text": "It's his funeral.", "sources": [1]},                      # one content word
        {"text": "In most interpreted languages, any constant, e.g.", "sources": [1]},   # report16-s50angle
        {"text": "Emacs Lisp), the symbols nil and t are self-quoting.", "sources": [1]},
        {"text": "Space must be made for it by paging out some other page, i.", "sources": [1]}]}))
    assert out == [("Mark-sweep frees unmarked objects.", [1]), ("It pauses the program.", [1])]
    assert not writer.is_broken("The memory holds words of size n.")
    assert not writer.is_broken("The collector has three phases: 1) mark the live objects, 2) sweep the rest.")
    # a full stop before a lower-case word ends no sentence; a bracket left open is cut short
    out = writer.parse_sentences(json.dumps({"sentences": [
        {"text": "The SPARC 1. processor architecture was designed by Sun Microsystems.", "sources": [1]},
        {"text": "RISC designs use uniform instruction encoding (e.g. the op-code is always in", "sources": [2]},
        {"text": "CISC designs support (", "sources": [2]},
        {"text": "A bug n.", "sources": [2]}, {"text": "Bugzilla, and Debbugs.", "sources": [2]}]}))
    assert out == [("The SPARC 1. processor architecture was designed by Sun Microsystems.", [1]),
                   ("RISC designs use uniform instruction encoding.", [2])]     # the cut-off aside dropped


def test_a_thin_section_gets_the_quotes_own_sentences_marked_as_quotes():
    aspect = coverage.Aspect("mark-sweep", "mark-sweep garbage collection", quotes=[(1, TEXTS[1])], sources=[1])
    section = writer.Section("mark-sweep")
    writer.fill_from_quotes(section, aspect, TEXTS, 2)
    assert len(section.sentences) == 2
    assert all(text.startswith("\u201c") and ids == [1] for text, ids in section.sentences)
    assert section.quoted == 2 and all(c.score == 1.0 for c in section.claims)


def test_a_quote_that_does_not_name_its_page_s_subject_is_led_by_the_page_s_name():
    # a dictionary entry defines its headword without repeating it
    entry = "A garbage collection technique in which each cell has a count of the pointers to it."
    aspect = coverage.Aspect("counting", "reference counting", quotes=[(4, entry), (5, TEXTS[1])], sources=[4, 5])
    section = writer.Section("counting")
    writer.fill_from_quotes(section, aspect, {4: entry, 5: TEXTS[1]}, 3,
                            titles={4: "reference counting - FOLDOC", 5: "Mark-sweep - Wiki"})
    texts = [text for text, _ in section.sentences]
    assert "Reference counting: \u201cA garbage collection technique in which each cell" in texts[0]
    assert not any(t.startswith("Mark-sweep:") for t in texts if "mark-sweep" in t.lower().split(":", 1)[-1])
    # the same quote under another page's name is still a repeat
    twice = writer.Section("x", sentences=[("Counting: \u201cSame words here.\u201d", [1]),
                                            ("Tally: \u201cSame words here.\u201d", [2])])
    twice.drop_repeats([])
    assert twice.sentences == [("Counting: \u201cSame words here.\u201d", [1, 2])]     # one, citing both


def test_a_statement_two_pages_word_a_little_otherwise_is_one_sentence_citing_both():
    # FOLDOC carries the Jargon File's entries with a word changed
    jargon = ("Hacker ethic: \u201cThe belief that information-sharing is a powerful positive good, and that it is an "
              "ethical duty of hackers to share their expertise by writing open-source code.\u201d")
    foldoc = ("Hacker ethic: \u201cThe belief that information-sharing is a powerful positive good, and that it is an "
              "ethical duty of hackers to share their expertise by writing free software.\u201d")
    section = writer.Section("x", sentences=[(jargon, [16]), (foldoc, [18])])
    written: list = []
    section.drop_repeats(written)
    assert section.sentences == [(jargon, [16, 18])] and section.removed == 1
    # a later section's repeat is dropped; its rewording stays (it may cite another page)
    later = writer.Section("y", sentences=[(jargon, [16]), (foldoc, [18]),
                                           ("Geeks pursue skill rather than acceptance.", [8])])
    later.drop_repeats(written)
    assert [t for t, _ in later.sentences] == [foldoc, "Geeks pursue skill rather than acceptance."]
    # the same template about two things, or with two numbers, is two facts
    sorts = writer.Section("z", sentences=[
        ("Quicksort is a sorting algorithm with O(n log n) average time complexity.", [1]),
        ("Mergesort is a sorting algorithm with O(n log n) average time complexity.", [2]),
        ("The canal was about 274 miles long when it opened in 1845.", [3]),
        ("The canal was about 250 miles long when it opened in 1845.", [4])])
    sorts.drop_repeats([])
    assert len(sorts.sentences) == 4


def test_a_section_cites_each_source_that_covers_its_aspect_by_its_best_sentence():
    # the writer's prompt holds a few quotes; the other covering sources are quoted by code
    texts = {1: "Mark-sweep garbage collection marks every reachable cell, then sweeps the heap.",
             2: "A mark-sweep garbage collector pauses the program while it marks cells.",
             3: "Garbage is a word for refuse."}
    aspect = coverage.Aspect("mark-sweep garbage collection", "mark-sweep garbage collection",
                             quotes=[(1, texts[1])], sources=[1, 2, 3])
    section = writer.Section("mark-sweep", sentences=[("Mark-sweep marks and sweeps.", [1])])
    writer.fill_from_quotes(section, aspect, texts, 1, 6)
    assert section.cited == [1, 2]          # 3 shares one word of the aspect: a passing mention
    assert section.sentences[-1] == ("\u201cA mark-sweep garbage collector pauses the program while it marks "
                                     "cells.\u201d", [2])


def test_covering_sources_are_cited_in_the_aspect_s_order_not_by_the_words_they_repeat():
    aspect_title = "What problems arise when processes share resources"
    texts = {1: "Resources such as files are what processes share, and processes share memory too.",
             2: "A race condition is anomalous behaviour due to the relative timing of events.",
             3: "Processes that share resources need an operating system to share them fairly."}
    aspect = coverage.Aspect(aspect_title, "problems arise processes share resources", terms=["race condition"],
                             quotes=[(1, texts[1])], sources=[1, 2, 3])
    section = writer.Section(aspect_title, sentences=[("Processes share resources.", [1])])
    writer.fill_from_quotes(section, aspect, texts, 1, 2, titles={2: "race condition", 3: "operating system"})
    assert section.cited == [1, 2]          # 3 repeats more of the aspect's words, and comes after


def test_the_entry_on_a_term_is_quoted_by_its_opening():
    question = "What problems can arise when several processes share resources concurrently?"
    entry = ("A race condition is anomalous behaviour due to unexpected dependence on the relative timing of "
             "events. " + "It is hard to find. " * 30 + "For example, if one process writes to a file while "
             "another process reads it, the processes share the file as a resource, concurrently.")
    aspect = coverage.Aspect("What problems arise when processes share resources concurrently",
                             "problems arise processes share resources concurrently", terms=["race condition"])
    coverage.update(aspect, question, {1: entry, 2: entry}, {1: "https://e.org/race_condition",
                                                              2: "https://o.org/timing"},
                    [1, 2], {1: "race condition - Encyclopedia", 2: "Timing - Other"})
    quotes = dict(aspect.quotes)
    assert quotes[1].startswith("A race condition is anomalous behaviour")      # the entry: its opening
    assert quotes[2].startswith("…") and "one process writes" in quotes[2]       # another page: its best match


def test_a_covering_page_named_for_the_aspect_is_cited_by_a_sentence_with_one_of_its_words():
    # a dictionary entry on a kind of the aspect's subject defines its headword in its own words
    texts = {1: "Hackers call a bug that vanishes when you look for it a heisenbug, after the physicist.",
             2: "A repeatable bug; one that manifests reliably under a well-defined set of conditions.",
             3: "The moon has phases, and a program once failed with them, which was a bug."}
    aspect = coverage.Aspect("kinds of software bugs", "kinds of software bugs hacker slang",
                             quotes=[(1, texts[1])], sources=[1, 2, 3])
    titles = {1: "heisenbug - Jargon", 2: "Bohr bug - Jargon", 3: "moon - Jargon"}
    section = writer.Section("kinds of bugs", sentences=[("Hackers name bugs after physicists.", [1])])
    writer.fill_from_quotes(section, aspect, texts, 1, 6, titles=titles)
    assert section.cited == [1, 2]          # "moon" names no word of the aspect: one word is a passing mention
    assert section.sentences[-1] == ("Bohr bug: \u201cA repeatable bug; one that manifests reliably under a "
                                     "well-defined set of conditions.\u201d", [2])


def test_a_dictionary_entry_s_subject_tag_is_not_quoted():
    assert coverage.prose("<algorithm> A sorting algorithm that inserts each item.\n<programming, language> "
                          "Lisp is old.\nKeep <b> inside.") == \
        "A sorting algorithm that inserts each item.\nLisp is old.\nKeep <b> inside."


def test_a_dictionary_entry_s_opening_is_quoted_for_what_its_headword_is():
    # FOLDOC's entry: the headword and its other names on lines of their own, then a gloss in
    # brackets and a definition that does not repeat the headword
    page = ("worm\n\n<networking, security> (From \"Tapeworm\" in John Brunner's novel \"The Shockwave "
            "Rider\") A program that propagates itself over a network, reproducing itself as it goes.  Compare "
            "virus.  Nowadays the term has negative connotations, as it is assumed that only crackers write "
            "worms.\n\n(1996-09-17)")
    text = coverage.prose(page)
    assert text.startswith("(From \"Tapeworm\"")                       # no headword run into the definition
    assert coverage.prose("Lisp is old.\n\nIt has lists.") == "Lisp is old.\n\nIt has lists."   # statements stay
    # the Jargon File's headword line: the word, its pronunciation and its part of speech
    assert coverage.prose("languages of choice n.\n\nC, Perl and LISP dominate.") == "C, Perl and LISP dominate."
    assert coverage.prose("grok /grok/, /grohk/, vt.\n\n[from a novel] To understand.").startswith("[from a novel]")
    aspect = coverage.Aspect("worms", "computer viruses worms", quotes=[(9, text)], sources=[9])
    section = writer.Section("worms")
    writer.fill_from_quotes(section, aspect, {9: page}, 2, titles={9: "worm - FOLDOC"})
    assert section.sentences[0] == ("Worm: \u201c(From \"Tapeworm\" in John Brunner's novel \"The Shockwave Rider\") "
                                    "A program that propagates itself over a network, reproducing itself as it "
                                    "goes.\u201d", [9])
    # a later passage of the page (a quote starting "…") is no opening: its first sentence must name the aspect
    later = coverage.Aspect("worms", "computer viruses worms", sources=[9],
                            quotes=[(9, "… A program that propagates itself over a network, reproducing itself.")])
    section = writer.Section("worms")
    writer.fill_from_quotes(section, later, {9: page}, 2, titles={9: "worm - FOLDOC"})
    assert section.sentences == []


def test_a_gloss_in_brackets_before_a_sentence_is_no_broken_start():
    out = writer.parse_sentences(json.dumps({"sentences": [
        {"text": "(PKE) An encryption scheme where each person gets a pair of keys.", "sources": [1]},
        {"text": "[From Usenet] To utter a posting designed to attract predictable responses.", "sources": [1]},
        {"text": "(ARM), developer of the ARM 32-bit RISC architecture.", "sources": [1]}]}))
    assert [t for t, _ in out] == ["(PKE) An encryption scheme where each person gets a pair of keys.",
                                   "[From Usenet] To utter a posting designed to attract predictable responses."]


def test_reference_list_entries_are_not_quoted_as_statements():
    quote = ('["Mark-sweep garbage collection in practice", T. Yuasa, in Memory Management, Springer 1992, '
             '490-507]. Merall et al, Mark-sweep garbage collection - IWMM92, Springer 1992, pp.473-489. '
             "Mark-sweep garbage collection frees every object that is not marked as reachable. "
             "See also copying garbage collection, reference counting and mark-sweep garbage collection. "
             '"Mark-sweep and Garbage Collection", S.C. Merrall, J.A. Padget, garbage collection in Lisp.')
    aspect = coverage.Aspect("mark-sweep", "mark-sweep garbage collection", quotes=[(1, quote)], sources=[1])
    section = writer.Section("mark-sweep")
    writer.fill_from_quotes(section, aspect, {1: quote}, 3)
    assert [text for text, _ in section.sentences] == [
        "\u201cMark-sweep garbage collection frees every object that is not marked as reachable.\u201d"]


def _claim(text, sid, quote):
    from kresearch.agent.evidence import Claim
    return Claim(text=text, sources=[sid], dropped=[], score=1.0, quote=quote, quote_source=sid)


def test_a_source_that_states_a_reported_fact_with_another_value_is_a_disagreement():
    from kresearch.agent.report_mode import disagreements
    texts = {1: "Lisp was created by John McCarthy in 1958 at MIT. It is the second-oldest language.",
             2: "History. John McCarthy created Lisp at MIT in 1960, two years after he began the project.",
             3: "Fortran was created by John Backus in 1957 at IBM."}
    claim = _claim("Lisp was created by John McCarthy at MIT in 1958.", 1, texts[1])
    found = disagreements.find([claim], texts)
    assert len(found) == 1
    c = found[0].conflict
    assert (c.answer_value, c.supporting, c.other_values) == ("1958", [1], {"1960": [2]})
    assert found[0].sources == [1, 2] and "1960" in found[0].line() and "[2]" in found[0].line()
    assert found[0].as_json()["claim"] == claim.text


@pytest.mark.parametrize("other", [
    "Fortran was created by John Backus at IBM in 1957.",                # another subject (its names)
    "Python 2.0 was released by the Python Software Foundation in 2000.",   # another version number
    "Lisp was created by John McCarthy at MIT in 1958 and revised in 1962.",  # the same value, and more
    "Lisp is still taught at MIT, as it was in 1975.",                   # not the same statement
])
def test_another_fact_with_another_number_is_no_disagreement(other):
    from kresearch.agent.report_mode import disagreements
    texts = {1: "Lisp was created by John McCarthy at MIT in 1958. Python 3.0 was released by the Python "
                "Software Foundation in 2008.", 2: other}
    claims = [_claim("Lisp was created by John McCarthy at MIT in 1958.", 1, texts[1]),
              _claim("Python 3.0 was released by the Python Software Foundation in 2008.", 1, texts[1])]
    assert disagreements.find(claims, texts) == []


def test_sentences_naming_no_subject_speak_of_their_pages_subjects():
    from kresearch.agent.report_mode import disagreements
    # report16-s49base: Varadkar's "TD since 2007" against Frances Fitzgerald's "TD since 2011"
    texts = {1: "# Leo Varadkar\n\nHe has been a Teachta Dála (TD) since 2007, currently for Dublin West.",
             2: "# Frances Fitzgerald\n\nShe has been a Teachta Dála (TD) since 2011, currently for Dublin West.",
             3: "# Leo Varadkar (disambiguation)\n\nHe has been a Teachta Dála (TD) since 2008, currently for Dublin West."}
    claim = _claim("He has been a Teachta Dála (TD) since 2007, currently for Dublin West.", 1, texts[1])
    assert disagreements.find([claim], {1: texts[1], 2: texts[2]}) == []
    found = disagreements.find([claim], {1: texts[1], 3: texts[3]})      # the same man's page
    assert [d.conflict.other_values for d in found] == [{"2008": [3]}]
    # nor are the numbers of a link's address values ("127.0.0.1" against "7")
    std = {1: "# tcp\n\nTCP is defined in STD 7 and RFC 793.",
           2: "# tcp\n\nTCP is defined in [STD](http://127.0.0.1:8765/foldoc/STD) and RFC 793."}
    assert disagreements.find([_claim("TCP is defined in STD 7 and RFC 793.", 1, std[1])], std) == []


def test_an_unsupported_claim_or_one_without_a_number_is_not_compared():
    from kresearch.agent.evidence import Claim
    from kresearch.agent.report_mode import disagreements
    texts = {1: "Lisp was created in 1958 by John McCarthy.", 2: "Lisp was created in 1960 by John McCarthy."}
    dropped = Claim(text="Lisp was created in 1958 by John McCarthy.", sources=[], dropped=[1], score=0.0,
                    quote="", quote_source=None)
    plain = _claim("Lisp was created by John McCarthy.", 1, texts[1])
    assert disagreements.find([dropped, plain], texts) == []


# -- whole runs ------------------------------------------------------------------------------------

def section_reply(messages):
    """A scripted writer: restates the first quote it was given, and invents one fact."""
    prompt = messages[-1]["content"]
    first = next(line for line in prompt.splitlines() if line.startswith("["))
    sid = int(first[1:first.index("]")])
    fact = first[first.index('"') + 1:].split(". ")[0].rstrip('".') + "."
    return {"sentences": [{"text": fact, "sources": [sid]},
                          {"text": "It was standardised by ISO in 1999 after a long debate.", "sources": [sid]}]}


def summary_reply(messages):
    point = next(line for line in messages[-1]["content"].splitlines() if line.startswith("- "))
    sid = int(point[point.rindex("[") + 1: point.rindex("]")])
    return {"sentences": [{"text": point[2: point.rindex("[")].strip(), "sources": [sid]},
                          {"text": "These are the main ideas.", "sources": []}]}


def writer_reply(messages):
    """A scripted writer for a section's request or the summary's, whichever it is asked."""
    is_summary = "summary at the top" in messages[-1]["content"]
    return summary_reply(messages) if is_summary else section_reply(messages)


def run_report(tmp_path, monkeypatch, script, seconds_per_call=0.0, question=QUESTION, pages=None, terms=None,
               search=FixtureSearch, **config):
    monkeypatch.setattr(fixture_site, "PAGES", pages or GC_PAGES)
    sources = SourceRegistry()
    with site() as server:
        fetcher = Fetcher(FetchPolicy(allow_private=True))
        toolbox = Toolbox(SearchService(search(server.base_url)), Browser(fetcher), sources)
        llm = ReportLLM(script, terms=terms, seconds_per_call=seconds_per_call)
        agent = Agent(llm, toolbox, sources, AgentConfig(**{"budget": 6000, "mode": "auto", **config}),
                      Trace(tmp_path / "t.jsonl"))
        events = list(agent.run(question))
        agent.trace.close()
        fetcher.close()
    assert isinstance(events[-1], Finished)
    return events[-1].result, llm, events


def test_a_report_whose_pages_all_speak_of_something_else_says_so(tmp_path, monkeypatch):
    def reply(messages):        # the summary's request lists points; a section's, quotes
        listed = any(line.startswith("- ") for line in messages[-1]["content"].splitlines())
        return summary_reply(messages) if listed else section_reply(messages)

    # the web has nothing on copy-on-write; the nearest pages share its common words
    pages = {
        "/wiki/Copy_protection": ("Copy protection", "Copy protection stops users who copy software. Processes "
                                  "that write a copy of protected memory are stopped, which saves the vendor money."),
        "/wiki/Clipboard": ("Clipboard", "A copy of the selected text is saved in memory shared between "
                            "processes. The clipboard saves what users copy, and programs write to it."),
    }
    question = "Explain copy-on-write: how it shares memory between processes and what memory it saves"
    result, _, _ = run_report(tmp_path, monkeypatch, [{"aspects": ["copy memory shared"]}] + [reply] * 12,
                              question=question, pages=pages)
    assert result.sources and any(s["cited"] for s in result.sources)
    assert "> No source read and cited names “copy-on-write”" in result.report
    assert result.confidence <= writer.OFF_SUBJECT_CONFIDENCE and "no source cited names" in result.report
    assert outline.names_subject(question, "Copy on write shares pages until one process writes.")
    assert not outline.names_subject(question, "Copy protection prevents copying; the collector frees memory.")


def test_a_report_on_a_named_subject_whose_pages_share_only_its_common_words_says_so(tmp_path, monkeypatch):
    # sample query 05: the web has nothing on the James Webb Space Telescope; the report cited a
    # space-opera film ("space") and said nothing of it
    def reply(messages):
        listed = any(line.startswith("- ") for line in messages[-1]["content"].splitlines())
        return summary_reply(messages) if listed else section_reply(messages)

    pages = {
        "/wiki/Battle_Beyond_the_Stars": ("Battle Beyond the Stars", "Battle Beyond the Stars is a 1980 space opera "
                                          "film; its telescope scenes cost little, and its cost was compared."),
        "/wiki/Hubble": ("Hubble", "The Hubble space telescope cost more than planned when it was compared."),
    }
    question = "How much did the James Webb Space Telescope cost, and how does that compare with Hubble?"
    assert outline.names_subject(question, pages["/wiki/Hubble"][1])            # lenient: "space", "telescope"
    assert not outline.names_subject_strictly(question, pages["/wiki/Hubble"][1])
    assert outline.names_subject_strictly(question, "The James Webb Space Telescope cost $10 billion.")
    result, _, _ = run_report(tmp_path, monkeypatch, [{"aspects": ["telescope cost"]}] + [reply] * 12,
                              question=question, pages=pages)
    assert any(s["cited"] for s in result.sources)
    assert "> No source read and cited names \u201cJames Webb Space Telescope\u201d" in result.report
    assert result.confidence <= writer.OFF_SUBJECT_CONFIDENCE


def test_a_report_run_outlines_covers_writes_and_checks(tmp_path, monkeypatch):
    aspects = {"aspects": ["mark-sweep garbage collection", "reference counting garbage collection",
                           "memory leak"]}
    script = [aspects, section_reply, section_reply, section_reply, summary_reply]
    result, llm, events = run_report(tmp_path, monkeypatch, script)
    assert result.mode == "report" and result.stopped_because == "answered"
    report = result.report
    for heading in ("## Summary", "## Mark-sweep garbage collection", "## Reference counting garbage collection",
                    "## Memory leak", "## References"):
        assert heading in report
    assert "ISO" not in report                                   # the invented fact was removed
    assert result.stats["claims_removed"] >= 3
    data = result.as_json()
    assert [c["aspect"] for c in data["coverage"]] == aspects["aspects"]
    assert len(data["sections"]) == 3 and all(s["text"] for s in data["sections"])
    read = {s["id"] for s in data["sources"] if s["opened"]}
    body = report.split("## References")[0]
    import re
    assert {int(n) for n in re.findall(r"\[(\d+)\]", body)} <= read   # no citation of an unread page
    assert all(s["opened"] for s in data["sources"] if s["cited"])
    assert result.answer and "[" not in result.answer            # the summary, one line
    # the summary is asked from every section: each one's first sentence, then each one's second
    points = [line[2:] for line in llm.calls[-1][-1]["content"].splitlines() if line.startswith("- ")]
    for point, section in zip(points, data["sections"]):
        assert section["text"].startswith(point.split(" [")[0].strip())
    assert any(isinstance(e, Notice) and e.message.startswith("aspects covered") for e in events)
    # the writer saw only its aspect's quotes, numbered as the registry numbers them
    section_prompt = llm.calls[1][-1]["content"]
    assert "mark-sweep garbage collection" in section_prompt and "[" in section_prompt
    assert 0 < result.confidence <= 1 and "_Confidence:" in report
    assert "> No source read and cited names" not in report          # its pages are about its subject
    # the first search: the question as asked and its subject words
    from kresearch.trace import read_trace
    first = next(e for e in read_trace(tmp_path / "t.jsonl") if e["event"] == "action")
    assert first["args"]["queries"] == [QUESTION, "garbage collection mark-sweep reference"]


def test_a_summary_the_check_empties_is_said_by_the_sections_own_sentences(tmp_path, monkeypatch):
    # seen with the 1.5B model: every summary sentence removed as unsupported, and the report (and
    # `--format text`, which prints the summary) said nothing
    def unsupported_summary(messages):
        point = next(line for line in messages[-1]["content"].splitlines() if line.startswith("- "))
        sid = int(point[point.rindex("[") + 1: point.rindex("]")])
        return {"sentences": [{"text": "It was standardised by ISO in 1999 after a long debate.", "sources": [sid]}]}

    aspects = {"aspects": ["mark-sweep garbage collection", "memory leak"]}
    result, _, _ = run_report(tmp_path, monkeypatch, [aspects, section_reply, section_reply, unsupported_summary])
    summary = result.report.split("## Summary")[1].split("##")[0]
    sections = result.as_json()["sections"]
    assert "ISO" not in summary and "(no summary" not in summary
    assert result.answer and "ISO" not in result.answer
    # one sentence from each section, with its citations
    for section in sections:
        first = section["text"].split(" [")[0]
        assert first in summary
    assert re.search(r"\[\d+\]", summary)


def test_top_up_prefers_written_sentences_and_skips_what_is_said():
    summary = writer.Section("Summary", sentences=[("Mark-sweep traces live cells.", [1])])
    points = [("Mark-sweep: \u201cDuring collection all active cells are traced.\u201d", [1]),
              ("Mark-sweep traces live cells.", [1]), ("A memory leak wastes memory.", [2])]
    writer.top_up_summary(summary, points, 3)
    assert [t for t, _ in summary.sentences] == ["Mark-sweep traces live cells.", "A memory leak wastes memory.",
                                                  points[0][0]]
    writer.top_up_summary(summary, points, 2)                   # enough: nothing added
    assert len(summary.sentences) == 3
    # a sentence that leans on one before it is never taken: the summary does not have that one
    alone = writer.Section("Summary")
    writer.top_up_summary(alone, [("This means cells are never reclaimed.", [1]),
                                  ("Copying collectors swap the two spaces.", [2])], 2)
    assert alone.sentences == [("Copying collectors swap the two spaces.", [2])]


def test_a_summary_sentence_pointing_back_at_nothing_it_has_is_dropped():
    summary = writer.Section("Summary", sentences=[
        ("This is a form of passive UDP.", [7]),                             # first: points at nothing
        ("Flaming is the act itself; a flame is a single flaming message.", [1, 9]),
        ("It is used as a verb.", [9]),                                       # follows its own source
        ("This is frowned upon.", [6])])                                      # follows another source's
    writer.drop_dangling(summary)
    assert [t for t, _ in summary.sentences] == ["Flaming is the act itself; a flame is a single flaming message.",
                                                  "It is used as a verb."]
    assert summary.removed == 2


def test_a_sentence_ending_in_a_closing_curly_quote_is_whole():
    assert not writer.is_broken("Newsgroup: \u201cOne of Usenet's huge collection of topic groups or fora.\u201d")
    assert not writer.is_broken("He called it \u2018the net\u2019")
    assert writer.is_broken("Newsgroup: \u201cOne of Usenet's huge collection of")


def test_a_report_lists_where_a_source_read_gives_one_of_its_facts_otherwise(tmp_path, monkeypatch):
    pages = dict(GC_PAGES)
    title, text = pages["/wiki/Mark-sweep"]
    pages["/wiki/Mark-sweep"] = (title, "Mark-sweep garbage collection was described by John McCarthy in 1960. "
                                        + text)
    title, text = pages["/wiki/Garbage_collection"]
    pages["/wiki/Garbage_collection"] = (title, text + " Mark-sweep garbage collection was described by John "
                                                       "McCarthy in 1959, in his paper on Lisp.")
    monkeypatch.setattr("test_report_mode.GC_PAGES", pages)
    aspects = {"aspects": ["mark-sweep garbage collection", "memory leak"]}
    result, _, _ = run_report(tmp_path, monkeypatch, [aspects, section_reply, section_reply, summary_reply])
    conflicts = result.as_json()["conflicts"]
    assert len(conflicts) == 1 and {conflicts[0]["answer_value"], *conflicts[0]["other_values"]} == {"1959", "1960"}
    assert "## Disagreements and open questions" in result.report
    line = next(ln for ln in result.report.splitlines() if ln.startswith("- 19"))
    cited = {s["id"] for s in result.as_json()["sources"] if s["cited"]}
    assert {int(n) for n in re.findall(r"\[(\d+)\]", line)} <= cited      # both sides are in the references
    assert "fact(s) another source gives otherwise" in result.report


def test_an_uncovered_aspect_is_named_and_the_step_limit_ends_research(tmp_path, monkeypatch):
    aspects = {"aspects": ["mark-sweep garbage collection", "quantum entanglement of photons"]}
    script = [aspects, section_reply, summary_reply]
    result, _, _ = run_report(tmp_path, monkeypatch, script, max_steps=3)
    assert "## Disagreements and open questions" in result.report
    assert "quantum entanglement of photons: no source read covers it" in result.report
    assert result.stopped_because == "max_steps"                # the second search round was cut
    assert [bool(c["sources"]) for c in result.as_json()["coverage"]] == [True, False]
    # the report says what the limit left out, where it starts
    note = next(line for line in result.report.splitlines() if line.startswith("> Partial report"))
    assert "the step limit (--max-steps)" in note and "quantum entanglement of photons" in note


def test_the_automatic_step_limit_gives_every_aspect_its_second_search(tmp_path, monkeypatch):
    """Six aspects the pages do not cover need 2 + 2 x 6 = 14 steps: more than a short answer's
    12, which once ended such reports as partial with time to spare."""
    def reply(messages):
        listed = any(line.startswith("- ") for line in messages[-1]["content"].splitlines())
        return summary_reply(messages) if listed else section_reply(messages)

    aspects = {"aspects": ["quantum entanglement of photons", "superconducting qubits", "topological insulators",
                           "photonic crystals", "bose-einstein condensates", "spin glasses"]}
    result, _, events = run_report(tmp_path, monkeypatch, [aspects] + [reply] * 12)
    searched = [e for e in events if isinstance(e, ActionTaken) and e.action == "search"]
    assert result.stopped_because == "answered" and result.stats["steps"] == 14 == len(searched) + 1
    assert all(len(c["queries"]) >= 2 for c in result.as_json()["coverage"])     # each searched twice
    assert limits.steps_for(0) == limits.ANSWER_STEPS and limits.steps_for(5, 6) == 5    # a set limit holds


def test_the_time_limit_holds_while_the_report_is_written(tmp_path, monkeypatch):
    """Five model calls of 0.4 s against a 1.8 s limit: the summary is cut off at the limit, the
    sections written so far stay, and the run says it stopped for time."""
    aspects = {"aspects": ["mark-sweep garbage collection", "reference counting garbage collection",
                           "memory leak"]}
    script = [aspects, section_reply, section_reply, section_reply, summary_reply]
    result, _, _ = run_report(tmp_path, monkeypatch, script, seconds_per_call=0.4, max_time=1.8)
    assert result.stopped_because == "max_time"
    assert result.stats["wall_seconds"] < 1.8 + 0.5
    assert "## Mark-sweep garbage collection" in result.report and "Partial report" in result.report
    assert "the time limit (--max-time)" in result.report


def test_the_mode_and_length_settings_are_validated(monkeypatch):
    from kresearch.config import load_settings
    from kresearch.errors import UsageError

    assert load_settings({"mode": "report"})[0].mode == "report"
    with pytest.raises(UsageError, match="unknown mode"):
        load_settings({"mode": "essay"})
    assert load_settings({"length": "long"})[0].length == "long"
    with pytest.raises(UsageError, match="unknown length 'huge'; choose short, medium or long"):
        load_settings({"length": "huge"})


@pytest.mark.parametrize("length,low,high", [("short", 2, 4), ("long", 5, 9)])
def test_the_length_sets_what_the_writers_are_asked_for(tmp_path, monkeypatch, length, low, high):
    aspects = {"aspects": ["mark-sweep garbage collection", "reference counting garbage collection"]}
    script = [aspects, section_reply, section_reply, summary_reply]
    result, llm, _ = run_report(tmp_path, monkeypatch, script, length=length)
    section_schema = llm.schemas[1]["properties"]["sentences"]
    assert (section_schema["minItems"], section_schema["maxItems"]) == (low, high)
    assert f"{low} to {high}" in llm.calls[1][-1]["content"]
    assert result.stopped_because == "answered"


@pytest.mark.model
def test_real_model_writes_a_report_citing_only_pages_it_read(test_model_path, monkeypatch):
    monkeypatch.setattr(fixture_site, "PAGES", GC_PAGES)
    with site() as server:
        proc = subprocess.run(
            [sys.executable, "-m", "kresearch", "--format", "json", "-q", "--mode", "report", "-m",
             str(test_model_path), "--ctx", "4096", "--max-time", "240", "--search", "searxng", "--searxng-url",
             server.base_url, "--allow-private-urls", QUESTION],
            capture_output=True, text=True, timeout=900, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert proc.returncode in (0, 3), proc.stderr
    data = json.loads(proc.stdout)
    assert data["mode"] == "report" and data["report"].startswith(f"# {QUESTION}")
    assert "## Summary" in data["report"] and data["coverage"]
    opened = {s["id"] for s in data["sources"] if s["opened"]}
    assert all(s["id"] in opened for s in data["sources"] if s["cited"])
    assert all(c["sources"] == [] or set(c["sources"]) <= opened for c in data["claims"])


def test_cut_off_writer_output_keeps_its_finished_sentences():
    cut = ('{"sentences": [{"text": "Mark-sweep frees every unmarked object.", "sources": [1]}, '
           '{"text": "A bad \\q escape.", "sources": [1]}, {"text": "Reference counting frees obj')
    assert writer.parse_sentences(cut) == [("Mark-sweep frees every unmarked object.", [1])]


def test_sections_are_written_by_parallel_sub_agents_with_the_same_report(tmp_path, monkeypatch):
    """--agents N: the sections' model calls run N at once (as against a model server), and the
    report is the one the sequential run writes: same sections, same citations, same checks."""
    import threading
    import time as clock

    aspects = {"aspects": ["mark-sweep garbage collection", "reference counting garbage collection",
                           "memory leak"]}
    active, peak, lock = [0], [0], threading.Lock()

    def slow_section(messages):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        clock.sleep(0.3)
        with lock:
            active[0] -= 1
        return section_reply(messages)

    script = [aspects, slow_section, slow_section, slow_section, summary_reply]
    parallel, _, events = run_report(tmp_path / "p", monkeypatch, list(script), agents=3)
    assert peak[0] == 3                                          # three sections in flight at once
    assert any("3 sections, 3 at once" in e.message for e in events if isinstance(e, Notice))
    sequential, _, _ = run_report(tmp_path / "s", monkeypatch, list(script), agents=1)
    assert peak[0] == 3 and [s["text"] for s in parallel.sections] == [s["text"] for s in sequential.sections]
    assert parallel.stats["llm_calls"] == sequential.stats["llm_calls"] == 8    # 3 of them: each aspect's terms


def test_ctrl_c_while_sub_agents_write_keeps_the_sections_already_written(tmp_path, monkeypatch):
    """Ctrl-C (KeyboardInterrupt) in one sub-agent's call stops the run; the sections finished
    before it are checked and kept in the partial report, the others say why they are missing."""
    import threading
    import time

    aspects = {"aspects": ["mark-sweep garbage collection", "reference counting garbage collection",
                           "memory leak"]}
    first_done = threading.Event()

    def first(messages):
        try:
            return section_reply(messages)
        finally:
            first_done.set()

    def interrupted(messages):
        first_done.wait(5)
        time.sleep(0.2)                  # the first section's call has returned by now
        raise KeyboardInterrupt

    def never(messages):
        first_done.wait(5)
        raise KeyboardInterrupt

    result, _, _ = run_report(tmp_path, monkeypatch, [aspects, first, interrupted, never], agents=3)
    assert result.stopped_because == "interrupted"
    written = [s for s in result.sections if s["text"]]
    assert len(written) == 1 and "[" in written[0]["text"]
    assert any(s["note"] == "Not written: the run stopped first." for s in result.sections)
    assert "Partial report" in result.report and written[0]["text"].split(" [")[0] in result.report
    assert "sections not written" in result.report


SORT_PAGES = {
    "/wiki/Sorting": (
        "Sorting",
        'Sorting algorithms arrange records in order, and their time complexity differs widely. Examples '
        'are <a href="/wiki/Insertion_sort">insertion sort</a> and <a href="/wiki/Bubble_sort">bubble sort</a>; '
        'see also <a href="/wiki/Donate">donate</a>.'),
    "/wiki/Insertion_sort": (
        "Insertion sort",
        "Insertion sort inserts each item into its proper place in an initially empty list; it needs "
        "O(n^2) comparisons at worst."),
    "/wiki/Bubble_sort": (
        "Bubble sort",
        "Bubble sort repeatedly swaps adjacent items that are out of order; it needs O(n^2) comparisons "
        "at worst."),
}


def test_a_report_follows_the_overview_page_to_the_parts_it_links(tmp_path, monkeypatch):
    """The question's top page links its parts by name ("insertion sort" for a question on
    sorting algorithms): they are read before the outline, shown to it, and become aspects,
    though the search never returned them; a link that names no part of the subject is not
    followed."""
    monkeypatch.setattr("test_report_mode.GC_PAGES", SORT_PAGES)
    from kresearch.agent.loop import ActionTaken
    question = "Compare the well-known sorting algorithms and their time complexity."
    script = [{"aspects": ["sorting algorithm time complexity"]}] + [writer_reply] * 8
    sources = SourceRegistry()
    monkeypatch.setattr(fixture_site, "PAGES", SORT_PAGES)
    with site() as server:
        fetcher = Fetcher(FetchPolicy(allow_private=True))
        toolbox = Toolbox(SearchService(FixtureSearch(server.base_url)), Browser(fetcher), sources)
        llm = ReportLLM(script)
        agent = Agent(llm, toolbox, sources, AgentConfig(budget=6000, mode="report"), Trace(tmp_path / "t.jsonl"))
        events = list(agent.run(question))
        fetcher.close()
    actions = [e for e in events if isinstance(e, ActionTaken)]
    planned = next(i for i, e in enumerate(actions) if e.action == "plan")
    followed = [e.args["source"] for e in actions[:planned] if e.action == "open"]     # before the outline
    assert [url.rsplit("/", 1)[1] for url in followed] == ["Insertion_sort", "Bubble_sort"]
    outline_prompt = llm.calls[0][-1]["content"]
    assert "Insertion sort" in outline_prompt and "Bubble sort" in outline_prompt
    result = events[-1].result
    assert [c["aspect"] for c in result.as_json()["coverage"]][-2:] == ["Insertion sort", "Bubble sort"]


def test_links_followed_name_a_part_of_the_subject_not_the_subject_itself():
    text = ("Examples are [quicksort](https://e.org/quicksort), [insertion\n   sort](https://e.org/insertion_sort), "
            "[sorting](https://e.org/sorting), [Donate](https://e.org/donate) and [bubble sort](https://e.org/bubble).")
    question = "Compare the well-known sorting algorithms"
    links = outline.links_to_follow([("Sorting", text)], question, read={"https://e.org/bubble"})
    assert links == [("quicksort", "https://e.org/quicksort"), ("insertion sort", "https://e.org/insertion_sort")]
    assert outline.links_to_follow([("Sorting", text)], question, set(), limit=1) == links[:1]
    # a named subject's links name it, not its category
    text = "Scheme is a [Lisp](https://e.org/lisp) dialect; see [logic programming](https://e.org/lp), " \
           "[MIT Scheme](https://e.org/mit_scheme)."
    assert outline.links_to_follow([("Scheme", text)], SCHEME_QUESTION, set()) == [("MIT Scheme",
                                                                                    "https://e.org/mit_scheme")]


CACHE_PAGES = {
    "/wiki/Cache": (
        "Cache (computing)",
        'A processor cache keeps recent memory blocks. When the processor writes data, a '
        '<a href="/wiki/Write-back">write-back</a> cache may hold it; see <a href="/wiki/Donate">donate</a>.'),
    "/wiki/Write-back": (
        "Write-back",
        "A write-back cache writes data to main memory only when the processor cache evicts the block."),
}


class SearchWithoutWriteBack(FixtureSearch):
    def search(self, query, max_results):
        return [hit for hit in super().search(query, max_results) if "Write-back" not in hit.url]


def test_a_report_aspect_reads_the_specific_page_its_covering_page_links_to(tmp_path, monkeypatch):
    """No search returns the page "Write-back"; the page that covers the aspect links to it by
    the aspect's own word ("writes"): it is read and covers the aspect too."""
    question = "Explain how a processor cache works: what happens when the processor writes data"
    script = [{"aspects": ["What happens when the processor writes data"]}] + [writer_reply] * 8
    sources = SourceRegistry()
    monkeypatch.setattr(fixture_site, "PAGES", CACHE_PAGES)
    with site() as server:
        fetcher = Fetcher(FetchPolicy(allow_private=True))
        toolbox = Toolbox(SearchService(SearchWithoutWriteBack(server.base_url)), Browser(fetcher), sources)
        agent = Agent(ReportLLM(script), toolbox, sources, AgentConfig(budget=6000, mode="report"),
                      Trace(tmp_path / "t.jsonl"))
        result = list(agent.run(question))[-1].result
        fetcher.close()
    by_title = {s["title"]: s for s in result.sources}
    assert by_title["Write-back"]["opened"] and "Donate" not in by_title
    writes = next(c for c in result.coverage if c["aspect"] == "What happens when the processor writes data")
    assert by_title["Write-back"]["id"] in writes["sources"]


def test_an_aspect_follows_the_links_named_by_its_own_words_or_in_its_sentences():
    text = ("In a [write-through](https://e.org/write-through) cache data goes to [main memory](https://e.org/main) "
            "at once; a [write-back](https://e.org/write-back) one waits. See [cache hit](https://e.org/hit), "
            "[Cache coherency](https://e.org/coherency).\n\nProcesses which share a set of resources may "
            "end in [deadlock](https://e.org/deadlock). It was named by [Dijkstra](https://e.org/dijkstra) in 1965.")
    question = "Explain how a processor cache works: how it decides where a block is stored, what happens when it writes"
    aspect = "What happens when the processor writes data"
    query = outline.anchored_query(aspect, question)
    assert outline.aspect_links([("cache", text)], aspect, query, question, set()) == [
        ("write-through", "https://e.org/write-through"), ("write-back", "https://e.org/write-back"),
        ("main memory", "https://e.org/main")]          # in the sentence about writing data
    # the question's subject ("cache") is no reason to follow; pages read are not read again
    assert outline.aspect_links([("cache", text)], "caches of several processors agreeing", "caches agreeing",
                                question, {"https://e.org/coherency"}) == []
    assert outline.aspect_links([("cache", text)], aspect, query, question, {"https://e.org/write-through"},
                                limit=1) == [("write-back", "https://e.org/write-back")]
    # a link in the sentence about the aspect, not one in a sentence about something else
    shared = "What problems arise when processes share resources"
    assert outline.aspect_links([("p", text)], shared, "processes share resources", "processes", set()) == [
        ("deadlock", "https://e.org/deadlock")]


@pytest.mark.parametrize("question, topic", [
    # the head before the colon names the subject; a part's words ("block") do not
    ("Explain how a processor cache works: how it decides where a block of memory may be stored",
     ["processor", "cache"]),
    # where to look is not the subject; the first of several parts names it
    ("According to the Jargon File, what is a hacker, how do hackers differ from crackers, and what terms exist?",
     ["hacker"]),
    # a name is never cut at the limit
    ("Give an overview of the United States Air Force's flight test squadrons: where each is based",
     ["united", "states", "air", "force"]),
    ("trace the development of the dc extended universe film series", ["dc", "extended", "universe"]),
    # a hyphenated name is one word, though a part of it is a shape word ("key") or a stop word
    ("How does public-key cryptography differ from private-key cryptography?",
     ["public-key", "cryptography", "private-key"]),
    ("what are the trade-offs of just-in-time compilation", ["just-in-time", "compilation"]),
])
def test_the_subject_words_come_from_the_subject_of_the_question(question, topic):
    assert outline.topic_words(question) == topic


def test_a_report_search_reads_more_of_its_results_than_a_short_answer_step(monkeypatch):
    from kresearch.agent.actions import Step
    from kresearch.agent.report_mode.research import READS_PER_SEARCH

    pages = {f"/wiki/Sort_{n}": (f"Sort {n}", f"Sort {n} is a sorting algorithm that orders a list in its own way.")
             for n in range(10)}
    monkeypatch.setattr(fixture_site, "PAGES", pages)
    search = Step(thought="", action="search", args={"queries": ["sorting algorithm"]})
    read = {}
    for kind, reading in (("step", {}), ("report", {"results": READS_PER_SEARCH, "passages": READS_PER_SEARCH})):
        sources = SourceRegistry()
        with site() as server:
            fetcher = Fetcher(FetchPolicy(allow_private=True))
            toolbox = Toolbox(SearchService(FixtureSearch(server.base_url)), Browser(fetcher), sources)
            obs = toolbox.run(search, "Compare sorting algorithms", 1, **reading)
            fetcher.close()
        read[kind] = (len(obs.source_ids), sum(s.opened for s in sources.all()))
    assert read == {"step": (5, 4), "report": (8, 8)}


def test_a_report_run_is_rebuilt_from_its_journal_without_a_model_call(tmp_path, monkeypatch):
    # benchmarks/report_rewrite.py: every model output replayed, sections and summary too
    from kresearch.agent.resume import replay_from_journal
    from kresearch.trace import read_trace

    aspects = {"aspects": ["mark-sweep garbage collection", "reference counting garbage collection", "memory leak"]}
    first, _, _ = run_report(tmp_path / "a", monkeypatch, [aspects, section_reply, section_reply, section_reply,
                                                           summary_reply])
    journal = tmp_path / "a" / "t.jsonl"
    replay = replay_from_journal(read_trace(journal), journal, writing=True)
    assert [o.purpose for o in replay.outputs] == ["outline", "terms", "terms", "terms", "section", "section",
                                                   "section", "summary"]
    monkeypatch.setattr(fixture_site, "PAGES", GC_PAGES)
    sources = SourceRegistry()
    with site() as server:
        fetcher = Fetcher(FetchPolicy(allow_private=True))
        toolbox = Toolbox(SearchService(FixtureSearch(server.base_url)), Browser(fetcher), sources)
        llm = FakeLLM([])                                # any model call would fail the run
        agent = Agent(llm, toolbox, sources, AgentConfig(budget=6000, mode="auto"), Trace(tmp_path / "b.jsonl"))
        events = list(agent.run(QUESTION, replay=replay))
        agent.trace.close()
        fetcher.close()
    rebuilt = events[-1].result
    assert llm.calls == [] and agent.stats.replayed_calls == 8
    assert rebuilt.report.split("_Confidence")[0] == first.report.split("_Confidence")[0]
    # resumed with the automatic step limit, a report gets a report's (for the largest outline)
    # beyond the steps replayed, not a short answer's 12
    from kresearch.config import Settings
    from kresearch.runs import load_resume
    plan = load_resume(str(journal), Settings(), {})
    replayed = plan.replay.source["step"]
    assert plan.max_steps == limits.steps_for(0, outline.MAX_OUTLINE) + replayed == 18 + replayed
    assert load_resume(str(journal), Settings(max_steps=5), {"max_steps": "flag"}).max_steps == 5 + replayed


# -- the named kinds of a thing ---------------------------------------------------------------------

@pytest.mark.parametrize("aspect, nouns", [
    ("What names does hacker slang give to different kinds of software bugs", ["software bug"]),
    ("the names the culture gives to the kinds of people and postings found in newsgroups", ["people", "posting"]),
    ("Types of cache", ["cache"]),
    ("main categories of computer viruses, with examples", ["computer virus"]),
    ("famous examples of the Internet worms", ["internet worm"]),
    ("what kind of processors used them", ["processor"]),
    ("How each one works", []),
    ("Which ones programmers regard as poor or absurd choices", []),
    ("how the party leadership changed hands in 2017", []),
])
def test_an_aspect_that_asks_for_the_kinds_of_a_thing_names_the_thing(aspect, nouns):
    from kresearch.agent.report_mode import kinds
    assert kinds.kind_nouns(aspect) == nouns


@pytest.mark.parametrize("name, noun, kind", [
    ("Bohr bug - Offline Encyclopedia", "bug", True), ("stale pointer bug", "bug", True),
    ("brown-paper-bag bug", "bug", True), ("heisenbug", "bug", True), ("Write-back cache", "cache", True),
    ("bug", "bug", False), ("bug fix", "bug", False), ("bug-for-bug compatible", "bug", False),
    ("bug-compatible", "bug", False), ("tickle a bug", "bug", False), ("debug", "bug", False),
    ("That's not a bug, that's a feature!", "bug", False), ("software bug", "bug", False),
])
def test_a_kind_is_named_by_a_compound_headed_by_the_thing(name, noun, kind):
    from kresearch.agent.report_mode import kinds
    asked = kinds.asked_words("What names does hacker slang give to different kinds of software bugs?")
    assert kinds.is_kind(name, noun, asked) is kind


def test_the_kinds_the_pages_read_name_most_are_read_and_ranked_first():
    from kresearch.agent.report_mode import kinds
    pages = [("Bohr bug", "A repeatable bug. Antonym of [heisenbug](https://e.org/heisenbug); see also "
                          "[mandelbug](https://e.org/mandelbug) and [bug fix](https://e.org/bug_fix)."),
             ("Stale pointer bug", "A bug in pointer code; compare [mandelbug](https://e.org/mandelbug)."),
             ("Heisenbug", "A bug that hides when probed; compare [Bohr bug](https://e.org/bohr_bug).")]
    links = kinds.kind_links(pages, ["bug"], read={"https://e.org/bohr_bug"})
    assert links == [("mandelbug", "https://e.org/mandelbug"), ("heisenbug", "https://e.org/heisenbug")]
    assert kinds.rank_kinds(pages, ["bug"], "What kinds of bug are there?") == ["Bohr bug", "Heisenbug",
                                                                                 "Stale pointer bug"]


def test_a_kind_holds_when_it_is_of_the_subject_and_of_the_thing_its_modifiers_name():
    from kresearch.agent.report_mode import kinds
    question = "Compare the kinds of sorting algorithms"
    pages = [("Euclidean algorithm", "An algorithm for the greatest common divisor of two numbers."),
             ("Merge algorithm", "A sorting algorithm step: it merges two sorted lists into one."),
             ("Approximation algorithm", "An algorithm that finds near-optimal solutions.")]
    assert kinds.rank_kinds(pages, ["sorting algorithm"], question) == ["Merge algorithm"]
    # an entry that never says the modifier holds by the kinds it refers to or is referred to by
    pages = [("Bohr bug", "A repeatable bug. Antonym of [heisenbug](x)."), ("Heisenbug", "A bug that hides."),
             ("Brown paper bag bug", "A bug so stupid it embarrasses its author.")]
    question = "What names does hacker slang give to different kinds of software bugs?"
    assert kinds.rank_kinds(pages, ["software bug"], question) == ["Heisenbug", "Bohr bug"]
    # and a page that does not speak of the question's subject is no kind of its thing
    pages = [("Sea Peoples", "The Sea Peoples raided the eastern Mediterranean."),
             ("Usenet people", "Usenet people post to newsgroups.")]
    question = "What is flaming on Usenet, and what are the kinds of people found in newsgroups?"
    assert kinds.rank_kinds(pages, ["people"], question) == ["Usenet people"]


def test_one_entry_under_several_names_is_one_kind():
    from kresearch.agent.report_mode import kinds
    entry = "secondary cache L2 cache level 2 cache\n\n(Or L2 cache) A larger, slower cache between the CPU and memory."
    hits = [("secondary cache - Encyclopedia", "https://e.org/secondary_cache", entry),
            ("l2 cache - Encyclopedia", "https://e.org/l2_cache", entry),
            ("primary cache - Encyclopedia", "https://e.org/primary_cache", "A small, fast cache inside the CPU."),
            ("Primary cache - Other Wiki", "https://o.org/primary_cache", "The L1 cache, the fastest one.")]
    assert [url for _, url in kinds.kinds_listed(hits, ["cache"])] == ["https://e.org/secondary_cache",
                                                                        "https://e.org/primary_cache"]
    pages = [(title, f"# {title}\n\n{text}") for title, _, text in hits]
    assert kinds.rank_kinds(pages, ["cache"], "Explain the kinds of cache") == ["secondary cache", "primary cache"]


BUG_PAGES = {
    "/wiki/Bug": ("Bug", "A bug is an unwanted property of a program. The term bug was used for defects in "
                         "telegraphy before computing; hacker slang took it up."),
    "/wiki/Bug_tracking": ("Bug tracking system", "A bug tracking system files the bugs reported against "
                                                  "a software project until they are fixed."),
    "/wiki/Bug_fix": ("Bug fix", "A bug fix is a change to a program that cures a bug."),
    "/wiki/Tickle_a_bug": ("Tickle a bug", "To tickle a bug is to make a hidden bug show itself."),
    "/wiki/Bohr_bug": ("Bohr bug", 'A Bohr bug is a repeatable bug. Antonym of <a href="/wiki/Heisenbug">heisenbug'
                                   '</a>; see also <a href="/wiki/Mandelbug">mandelbug</a>.'),
    "/wiki/Heisenbug": ("Heisenbug", 'A heisenbug is a bug that disappears when one tries to probe it; compare '
                                     '<a href="/wiki/Bohr_bug">Bohr bug</a>.'),
    # no word any search has ("terms" is no "term" to this search engine): only the kinds read lead to it
    "/wiki/Mandelbug": ("Mandelbug", "Mandelbug: causes so complex its behaviour looks chaotic, in hackers' terms."),
}


def test_an_aspect_asking_for_the_kinds_of_a_thing_reads_them_by_name_and_quotes_them(tmp_path, monkeypatch):
    """"What names does hacker slang give to different kinds of software bugs": the search for
    "bug" lists the kinds by their names (Bohr bug, heisenbug), and the kinds they link to are read
    after them (mandelbug, found by no search); pages on the thing that are no kind of it ("bug
    fix", "tickle a bug") are no terms of it. The kinds are the aspect's terms, quoted in its
    section."""
    question = ("Where does the computing term bug come from, and what names does hacker slang give to "
                "different kinds of software bugs?")
    kinds_aspect = "What names does hacker slang give to different kinds of software bugs"

    result, _, events = run_report(tmp_path, monkeypatch, [{"aspects": ["bug origin"]}] + [writer_reply] * 8,
                                   question=question, pages=BUG_PAGES, mode="report")
    from kresearch.trace import read_trace
    journal = read_trace(tmp_path / "t.jsonl")
    opened = [e["args"]["source"].rsplit("/", 1)[1] for e in journal
              if e["event"] == "action" and e["action"] == "open"]
    assert opened == ["Mandelbug"]          # the rest were among the question's own results, read then
    from kresearch.agent.loop import ActionTaken
    assert [e.thought for e in events if isinstance(e, ActionTaken) and e.action == "open"] == [
        "reading the kind 'mandelbug', named by the kinds read"]
    aspect = next(c for c in result.as_json()["coverage"] if c["aspect"] == kinds_aspect)
    assert aspect["terms"] == ["Bohr bug", "Heisenbug", "Mandelbug"] and "bug" in aspect["queries"]
    by_title = {s["title"]: s["id"] for s in result.sources}
    assert {by_title["Bohr bug"], by_title["Heisenbug"], by_title["Mandelbug"]} <= set(aspect["sources"])
    section = next(s for s in result.as_json()["sections"] if s["title"] == kinds_aspect)
    assert f"[{by_title['Bohr bug']}]" in section["text"]
    assert any(isinstance(e, Notice) and e.message.startswith("kinds of software bug read for") for e in events)


# -- an aspect that lists the things it covers ---------------------------------------------------------

@pytest.mark.parametrize("aspect, things", [
    ("How TCP, UDP, IP and ICMP divide the work of moving data across the Internet", ["TCP", "UDP", "IP", "ICMP"]),
    ("TCP vs UDP", ["TCP", "UDP"]),
    ("Compiler vs. Interpreter: How They Run Programs", ["Compiler", "Interpreter"]),
    ("Python, Ruby, and Perl compared", ["Python", "Ruby", "Perl"]),
    ("Compare TCP with UDP", []),                                       # one thing set against one: its pages name both
    ("The forces involved, the main engagements", []),
    ("Who directed Batman v Superman and Wonder Woman", []),            # two names with "and": maybe one title
    ("How the Fine Gael party leadership changed hands", []),
])
def test_the_things_an_aspect_lists_are_the_names_it_is_filed_under(aspect, things):
    assert outline.named_things(aspect) == things


TCP_PAGES = {
    "/wiki/TCP": ("TCP", "TCP is the connection-oriented transport protocol built on top of IP; it guarantees "
                         "delivery and order of a stream of bytes."),
    "/wiki/UDP": ("UDP", "UDP is a connectionless transport protocol on top of IP; it neither guarantees delivery "
                         "nor needs a connection."),
    "/wiki/IP": ("IP", "IP is the network layer protocol of the Internet: it routes datagrams between hosts."),
    "/wiki/ICMP": ("ICMP", "ICMP is the protocol by which hosts and routers report errors in IP datagrams."),
    "/wiki/Flood": ("Flood", "To flood is to overwhelm a network channel with traffic, by TCP, UDP or ICMP."),
}


def test_an_aspect_listing_things_is_covered_by_the_entries_on_them(tmp_path, monkeypatch):
    """No page says how TCP, UDP, IP and ICMP "divide the work of moving data"; the entry on
    each of the four does what the aspect asks, and covers it."""
    question = ("Explain how TCP, UDP, IP and ICMP divide the work of moving data across the Internet, "
                "and compare TCP with UDP.")

    result, _, events = run_report(tmp_path, monkeypatch, [{"aspects": ["internet protocols"]}] + [writer_reply] * 8,
                                   question=question, pages=TCP_PAGES, mode="report")
    first = result.as_json()["coverage"][0]
    assert first["aspect"].startswith("How TCP, UDP, IP and ICMP divide") and first["covered"]
    assert first["terms"][:4] == ["TCP", "UDP", "IP", "ICMP"]
    by_title = {s["title"]: s["id"] for s in result.sources}
    assert {by_title[name] for name in ("TCP", "UDP", "IP", "ICMP")} <= set(first["sources"])
    assert by_title["Flood"] not in first["sources"][:4]
    assert result.as_json()["sections"][0]["text"]


def test_an_aspect_no_page_covers_gets_the_pages_on_the_subject_nearest_to_it_marked_partial():
    question = "Give an overview of the Battle of Pusan Perimeter: the forces involved, and the main engagements."
    texts = {1: "The Battle of Pusan Perimeter was fought by UN forces against North Korean forces in 1950.",
             2: "The Pusan Perimeter battle saw the UN forces hold a line around Pusan.",
             3: "Armed forces are involved in many wars.",                      # not on the subject
             4: "The Battle of Pusan Perimeter lasted six weeks."}             # none of the aspect's words
    urls = {sid: f"https://e.org/{sid}" for sid in texts}
    aspect = coverage.Aspect("The forces involved", "forces involved battle pusan perimeter")
    coverage.update(aspect, question, texts, urls, list(texts), {})
    assert aspect.sources == []                        # no page has "involved" and the subject
    coverage.update_partly(aspect, question, texts, urls, list(texts), {})
    assert aspect.sources == [1, 2] and aspect.partly and not aspect.covered and len(aspect.quotes) == 2
    assert aspect.as_json()["partly"] is True
    # an aspect with a source of its own keeps it
    other = coverage.Aspect("The forces involved", "forces involved", sources=[4])
    coverage.update_partly(other, question, texts, urls, list(texts), {})
    assert other.sources == [4] and not other.partly
    # an aspect that names only an angle comes near any page with its word
    angle = coverage.Aspect("Approaches", "approaches battle pusan perimeter")
    coverage.update_partly(angle, question, {5: "In the Battle of Pusan Perimeter the rate approaches zero."},
                           {5: "https://e.org/5"}, [5], {})
    assert angle.sources == [] and not angle.partly
    # a subject the question names is what a page near an aspect must name
    texts = {1: "Users of vi tend to frustrate new users; vi is the standard Unix text editor.",
             2: "Emacs is a text editor that users extend with Emacs Lisp."}
    emacs = "Give an overview of the Emacs text editor: where it came from, and how users extend it."
    extend = coverage.Aspect("How users extend it", "users extend emacs text editor",
                             names=outline.subject_names(emacs))
    coverage.update_partly(extend, emacs, texts, {n: f"https://e.org/{n}" for n in texts}, [1, 2], {})
    assert extend.sources == [2] and extend.partly
    report = writer.assemble(question, writer.Section("Summary"), [writer.Section("The forces involved")], [aspect],
                             SourceRegistry(), 0.5, "reason", "answered")
    assert "- The forces involved: no source read covers it; its section cites the pages on the subject that " \
           "come nearest [1] [2]" in report


PUSAN_PAGES = {
    "/wiki/Pusan": ("Battle of Pusan Perimeter", "The Battle of Pusan Perimeter was fought by UN forces against "
                                                 "the North Korean army from August to September 1950."),
    "/wiki/Taegu": ("Battle of Taegu", "The Battle of Taegu was an engagement of the Battle of Pusan Perimeter in "
                                       "which UN forces held the city of Taegu."),
}


def test_a_section_only_near_its_aspect_takes_what_the_covered_sections_leave(tmp_path, monkeypatch):
    """"The forces involved" is on no page in those words: its section is written from the pages
    nearest to it, after the sections covered by pages of their own have taken their quotes and
    said their sentences; the report keeps the outline's order and says the aspect is only
    partly covered."""
    question = "Give an overview of the Battle of Pusan Perimeter: the forces involved, and the main engagements."
    result, _, _ = run_report(tmp_path, monkeypatch, [{"aspects": ["Battle of Pusan Perimeter history"]}]
                              + [writer_reply] * 8, question=question, pages=PUSAN_PAGES, mode="report")
    report = result.as_json()
    coverage_by = {c["aspect"]: c for c in report["coverage"]}
    assert coverage_by["The forces involved"]["partly"] and not coverage_by["The forces involved"]["covered"]
    titles = [s["title"] for s in report["sections"]]
    assert titles[:3] == ["The forces involved", "The main engagements", "Battle of Pusan Perimeter history"]
    pusan = next(s["id"] for s in result.sources if s["title"] == "Battle of Pusan Perimeter")
    history = report["sections"][2]
    assert history["text"].startswith("The Battle of Pusan Perimeter was fought by UN forces") and f"[{pusan}]" in history["text"]
    forces = report["sections"][0]
    assert "The Battle of Pusan Perimeter was fought by UN forces" not in forces["text"]
    assert "The forces involved: no source read covers it; its section cites the pages on the subject" in result.report


def test_a_section_whose_every_sentence_an_earlier_one_said_says_so():
    written: list = []
    first = writer.Section("one", sentences=[("UDP is a connectionless protocol.", [1])])
    first.drop_repeats(written)
    later = writer.Section("two", sentences=[("UDP is a connectionless protocol.", [2])])
    later.drop_repeats(written)
    assert later.sentences == [] and later.note == writer.SAID_ABOVE
    later.sentences = [("TCP is connection-oriented.", [3])]
    later.drop_repeats(written)
    assert later.note == ""


def test_a_quote_is_not_cut_at_an_abbreviation():
    text = "Synonym for aliasing bug used esp. among microcomputer hackers who write in C."
    aspect = coverage.Aspect("kinds of software bugs", "kinds software bugs", terms=["stale pointer bug"],
                             quotes=[(1, text)], sources=[1])
    section = writer.Section("kinds of software bugs")
    writer.fill_from_quotes(section, aspect, {1: text}, 1, 2, titles={1: "stale pointer bug"})
    assert section.sentences == [("Stale pointer bug: \u201cSynonym for aliasing bug used esp. among microcomputer "
                                  "hackers who write in C.\u201d", [1])]


def test_a_report_whose_searches_found_nothing_says_so_at_the_top():
    aspect = coverage.Aspect("Types of cache", "types of cache")
    report = writer.assemble("Give an overview of caches", writer.Section("Summary"), [writer.Section("Types of cache")],
                             [aspect], SourceRegistry(), 0.0, "no cited sentence survived the check", "answered")
    assert "> Nothing was found: no search returned a single result" in report and "kresearch doctor" in report
    registry = SourceRegistry()
    registry.add("https://e.org/cache", "Cache", "A cache is ...")
    report = writer.assemble("Give an overview of caches", writer.Section("Summary"), [writer.Section("Types of cache")],
                             [aspect], registry, 0.0, "no cited sentence survived the check", "answered")
    assert "Nothing was found" not in report


# -- a term's entry further down its results ---------------------------------------------------------

LISP_PAGES = {
    "/foldoc/lisp": ("Lisp", "Lisp is a family of programming languages based on the lambda calculus."),
    **{f"/foldoc/common_lisp_variant_{n}": (f"{name} Common Lisp", f"{name} Common Lisp is a Common Lisp for "
                                            f"the {name} machine, a Lisp dialect.")
       for n, name in enumerate(["Butterfly", "Macintosh", "Kyoto", "Avalon", "Star", "Delta"])},
    "/foldoc/common_lisp": ("Common Lisp", "Common Lisp was begun in 1981 to combine the best of MacLisp and "
                            "Interlisp; it is lexically scoped and includes CLOS."),
}


class EntryLast(FixtureSearch):
    """An engine that ranks a name's own entry last, below the pages on its variants, and finds
    it for that name only."""
    def search(self, query, max_results):
        hits = sorted(super().search(query, 50), key=lambda hit: hit.url.endswith("/foldoc/common_lisp"))
        return [h for h in hits if query in ("Common Lisp", "Common Lisps") or not h.url.endswith("/foldoc/common_lisp")
                ][:max_results]


@pytest.mark.parametrize("term, further_down", [
    ("Common Lisp", False),      # the page titled with the term searched comes first (search.named_page_first)
    ("Common Lisps", True),      # an entry by its stems only is found further down the results
])
def test_a_terms_entry_listed_below_its_variants_is_read(tmp_path, monkeypatch, term, further_down):
    question = "Give an overview of the Lisp family of programming languages and their dialects"
    monkeypatch.setattr(fixture_site, "PAGES", LISP_PAGES)
    # the engine lists the entry last, below more variants than a term's results are read to
    listed = [hit.url for hit in EntryLast("http://site").search(term, 8)]
    assert listed[-1].endswith("/foldoc/common_lisp") and len(listed) > TERM_DEEPER
    result, _, events = run_report(tmp_path, monkeypatch, [{"aspects": ["Lisp dialects"]}] + [writer_reply] * 8,
                                   question=question, pages=LISP_PAGES, terms={"Lisp dialects": [term]},
                                   search=EntryLast, mode="report")
    entry = next(s for s in result.sources if s["url"].endswith("/foldoc/common_lisp"))
    assert entry["opened"] and further_down == any(
        e.thought == f"reading the entry on '{term}', further down its results"
        for e in events if isinstance(e, ActionTaken))
    dialects = next(c for c in result.coverage if c["aspect"] == "Lisp dialects")
    assert entry["id"] in dialects["sources"]


def test_a_part_naming_another_thing_reads_that_thing_s_entry(tmp_path, monkeypatch):
    question = "Give an overview of the Lisp family of programming languages: its origins, and how it differs " \
               "from Common Lisp"
    pages = {**LISP_PAGES, "/foldoc/lisp": ("Lisp", "Lisp is a family of programming languages based on the "
                                            "lambda calculus, begun by John McCarthy in 1958.")}
    # the model names no terms for it; the part's own name is searched and its entry read
    result, _, _ = run_report(tmp_path, monkeypatch, [{"aspects": ["Lisp history"]}] + [writer_reply] * 8,
                              question=question, pages=pages, terms={}, search=EntryLast, mode="report")
    entry = next(s for s in result.sources if s["url"].endswith("/foldoc/common_lisp"))
    differs = next(c for c in result.coverage if c["aspect"] == "How it differs from Common Lisp")
    assert differs["terms"][0] == "Common Lisp" and entry["opened"] and entry["id"] in differs["sources"]


def test_a_word_the_aspect_quotes_must_be_on_a_page_that_covers_it():
    aspect = coverage.Aspect("Where does the computing term 'bug' come from", "computing term bug")
    cloud = "A loosely defined term for any system providing access to computing services via the Internet."
    bug = "The term 'bug' in computing comes from a moth found in a relay: the first bug."
    assert not coverage.covers(aspect, "cloud computing - Offline Encyclopedia", cloud)
    assert coverage.covers(aspect, "bug - Offline Encyclopedia", bug)
    # an apostrophe is no quote; words in quotes count in any form ("bugs")
    assert coverage.has_quoted("Why the UN side's ability to hold mattered", "The UN held.")
    assert coverage.has_quoted("The term 'bug'", "Bugs were blamed for noisy lines.")


SCHEME_QUESTION = ("Give an overview of the Scheme programming language: where it came from, and how it differs "
                   "from Common Lisp.")


def test_the_names_a_question_writes_tell_its_subject_from_its_category():
    assert outline.subject_names(SCHEME_QUESTION) == ["scheme"]
    assert outline.written_as_names(SCHEME_QUESTION) == {"scheme", "common", "lisp"}
    # no names in lower case, nor in title case, whose capitals say nothing
    assert outline.subject_names(SCHEME_QUESTION.lower()) == []
    assert outline.written_as_names("Give An Overview Of The Scheme Programming Language") == set()
    assert outline.subject_names("Explain how automatic garbage collection reclaims memory") == []
    # a sentence's first word is capitalised as any sentence's
    assert outline.written_as_names("Garbage collection: compare the main techniques. Explain them.") == set()


def test_a_shape_word_written_inside_a_name_is_part_of_it():
    where, differs = outline.question_parts(SCHEME_QUESTION)
    assert outline.part_query(differs, SCHEME_QUESTION) == "Common Lisp scheme programming language"
    # a part's first word is capitalised as a heading's, not as a name
    question = "Explain Common Lisp: its main features, and common mistakes with its macros"
    assert outline.part_query(outline.question_parts(question)[1], question) == "mistakes macros common lisp"
    assert outline.topic_words("Compare Common Lisp and Scheme") == ["common", "lisp", "scheme"]


def test_a_part_is_filed_under_the_other_names_it_writes():
    where, differs = outline.question_parts(SCHEME_QUESTION)
    assert outline.part_names(differs, SCHEME_QUESTION) == ["Common Lisp"]
    assert outline.part_names(where, SCHEME_QUESTION) == []
    question = "Explain how relational databases organise data: tables and keys, and the SQL language"
    assert outline.part_names(outline.question_parts(question)[1], question) == ["SQL"]
    # the subject's own name is the question's search; a heading's capital is no name
    question = "Explain Common Lisp: its main features, and how Common Lisp differs from Scheme"
    assert [outline.part_names(p, question) for p in outline.question_parts(question)] == [[], ["Scheme"]]


def test_an_aspect_that_is_only_an_angle_on_the_subject_is_told_from_one_with_words_of_its_own():
    where, differs = outline.question_parts(SCHEME_QUESTION)
    assert outline.angle_of(where, SCHEME_QUESTION) == ["scheme", "programming", "language"]
    assert outline.angle_of("History", SCHEME_QUESTION) == ["scheme", "programming", "language"]
    assert outline.angle_of("Scheme programming language", SCHEME_QUESTION) == ["scheme", "programming", "language"]
    assert outline.angle_of("What makes it distinctive", SCHEME_QUESTION) == ["scheme", "programming", "language"]
    assert outline.angle_of(differs, SCHEME_QUESTION) == []
    assert outline.angle_of("memory leaks", "Explain garbage collection") == []
    assert outline.angle_of("History", "Explain garbage collection") == []       # no name
    # some of the things a subject of several names is: their own aspect, not an angle on all
    tcp = "Explain how TCP, UDP, IP and ICMP divide the work of moving data, and compare TCP with UDP."
    assert outline.angle_of("Compare TCP with UDP", tcp) == [] and outline.angle_of("History", tcp)


def test_an_angle_on_a_named_subject_is_covered_by_pages_about_that_name_or_by_its_entry():
    question = SCHEME_QUESTION.lower()
    texts = {1: "Osborne 1: a portable computer. It came with a five-inch screen and the BASIC programming "
                "language.",
             2: "A programming language is a formal language in which computer programs are written.",
             3: "(Originally \"Schemer\".) A small, uniform Lisp dialect with clean semantics, developed initially "
                "by Guy Steele and Gerald Sussman in 1975. [IEEE Standard for the Scheme Programming Language].",
             4: "DrScheme is a programming environment for the Scheme language; it came out of Rice University."}
    titles = {1: "osborne 1", 2: "programming language", 3: "scheme", 4: "drscheme"}
    urls = {n: f"http://x.example/{n}" for n in texts}
    where = outline.question_parts(SCHEME_QUESTION)[0]
    aspect = coverage.Aspect(where, outline.part_query(where, SCHEME_QUESTION),
                             angle_of=outline.angle_of(where, SCHEME_QUESTION),
                             names=outline.subject_names(SCHEME_QUESTION))
    coverage.update(aspect, SCHEME_QUESTION, texts, urls, [1, 2, 4, 3], titles)
    # the subject's entry leads and is quoted by its opening
    assert aspect.sources == [3, 4] and aspect.quotes[0] == (3, " ".join(texts[3].split()))
    # a question in lower case names nothing: the aspect is judged by its words and its query's
    assert outline.angle_of(where.lower(), question) == []
    aspect = coverage.Aspect(where, outline.part_query(where, question))
    coverage.update(aspect, question, texts, urls, [1, 2, 4, 3], titles)
    assert aspect.sources == [1, 4]
    # a page named with another word beside the subject's is no entry on it, a letter too
    aspect = coverage.Aspect("History", angle_of=["scheme", "programming", "language"], names=["scheme"])
    assert coverage.is_subject_entry(aspect, "scheme - Offline Encyclopedia")
    assert coverage.is_subject_entry(aspect, "The Scheme programming language")
    assert not coverage.is_subject_entry(aspect, "scheme->c - Offline Encyclopedia")
    assert not coverage.is_subject_entry(aspect, "programming language")
    # a name that only starts with the subject's is another thing's ("UnixWare" is no entry on Unix)
    assert not coverage.is_subject_entry(aspect, "schemescript - Offline Encyclopedia")
    assert coverage.is_subject_entry(aspect, "schemes - Offline Encyclopedia")
    # an aspect with words of its own is covered as before
    differs = outline.question_parts(SCHEME_QUESTION)[1]
    aspect = coverage.Aspect(differs, outline.part_query(differs, SCHEME_QUESTION))
    assert coverage.covers(aspect, "scheme", texts[3]) and not coverage.covers(aspect, "osborne 1", texts[1])


def test_a_part_relating_the_subject_to_another_name_is_covered_by_pages_naming_both_or_its_entry():
    differs = outline.question_parts(SCHEME_QUESTION)[1]
    others = outline.part_names(differs, SCHEME_QUESTION)
    assert others == ["Common Lisp"]
    # as the report builds it (research.ReportRun._aspect): terms the model names later are no
    # names the part relates to
    run = ReportRun(SimpleNamespace(config=SimpleNamespace(length="medium", max_steps=0)), SCHEME_QUESTION)
    aspect = run._aspect(differs, outline.part_query(differs, SCHEME_QUESTION))
    assert (aspect.terms, aspect.relates_to, aspect.names) == (["Common Lisp"], ["Common Lisp"], ["scheme"])
    kcl = ("(KCL) An implementation of Common Lisp, written in C to run under Unix-like operating systems; "
           "it differs from other Lisp implementations in its compiler.")
    both = "Scheme differs from Common Lisp: it has one namespace for functions and variables, Lisp-1."
    entry = "Common Lisp is a dialect of Lisp, lexically scoped by default but can be dynamically scoped."
    assert not coverage.covers(aspect, "kyoto common lisp - Offline Encyclopedia", kcl)
    assert coverage.covers(aspect, "lisp-1 - Offline Encyclopedia", both)
    assert coverage.covers(aspect, "common lisp - Offline Encyclopedia", entry)
    # the entry on a term the model filed the part under must name the subject like any page
    aspect.terms.append("syntax")
    syntax = "The structure of the language: which sequences of symbols are programs. See also semantics."
    assert not coverage.covers(aspect, "syntax - Offline Encyclopedia", syntax)
    assert coverage.covers(aspect, "syntax - Offline Encyclopedia", syntax + " Scheme differs from Lisp in its syntax.")
    # without the other name the part is judged by its words as any (the KCL page has them)
    plain = coverage.Aspect(differs, outline.part_query(differs, SCHEME_QUESTION))
    assert coverage.covers(plain, "kyoto common lisp - Offline Encyclopedia", kcl)


def test_an_initial_ends_no_sentence_the_writer_keeps():
    sentences = writer.parse_sentences(json.dumps({"sentences": [
        {"text": "Concurrent Scheme was developed by M. Swanson in 1994 as a parallel Lisp.", "sources": [2]}]}))
    assert [text for text, _ in sentences] == ["Concurrent Scheme was developed by M. Swanson in 1994 as a "
                                               "parallel Lisp."]


def test_an_aspect_asking_the_same_of_the_same_subject_is_left_out():
    question = ("Give an overview of the Lisp family of programming languages: where Lisp came from, what is "
                "distinctive about it, and how its main dialects differ.")
    parts = outline.question_parts(question)
    model = ["Lisp family history", "Lisp Features", "History of Common Lisp", "Common Lisp history",
             "Lisp applications"]
    # "Common Lisp history" asks what "History of Common Lisp" did
    assert outline.with_parts(parts, model, question) == parts + ["History of Common Lisp", "Lisp applications"]
    question = "Explain how TCP, UDP, IP and ICMP divide the work, and compare TCP with UDP."
    outlined = outline.with_parts(outline.question_parts(question), ["TCP vs UDP", "TCP vs IP"], question)
    assert "TCP vs UDP" not in outlined and "TCP vs IP" in outlined
    # the same words in another form ("spread", "spreads") are a repeat too
    question = "Compare viruses and worms: how each one spreads or does harm, and famous examples."
    assert "spread or harm" not in outline.with_parts(outline.question_parts(question), ["spread or harm"], question)


def test_a_section_on_an_angle_quotes_first_the_sentences_that_answer_it():
    from kresearch.agent.report_mode import angles
    assert angles.angle_families("Lisp family history") == {"origin"}
    assert angles.angle_families("Compare TCP with UDP") == {"comparison"}
    assert angles.angle_families("memory leaks") == set()
    text = ("An enormous number of Emacs Lisp packages have been written for many programs. "
            "Lisp was invented by John McCarthy at MIT in the late 1950s, for programs on lists.")
    aspect = coverage.Aspect("Where Lisp came from", "lisp", quotes=[(1, text)], sources=[1])
    section = writer.Section("Where Lisp came from")
    writer.fill_from_quotes(section, aspect, {1: text}, 1)
    assert "invented by John McCarthy" in section.sentences[0][0]
    # an aspect with no angle keeps the page's order among sentences naming as many of its words
    aspect = coverage.Aspect("Lisp packages", "lisp", quotes=[(1, text)], sources=[1])
    section = writer.Section("Lisp packages")
    writer.fill_from_quotes(section, aspect, {1: text}, 1)
    assert "Emacs Lisp packages" in section.sentences[0][0]


def test_a_rebuilt_section_shown_other_quotes_is_written_anew():
    # the outline changed: the journal's next section was written from another aspect's quotes
    from kresearch.agent.resume import Recorded, Replay
    journal = [Recorded("step", 1, "s", prompt_tokens=80), Recorded("section", 3, "a", prompt_tokens=100),
               Recorded("section", 3, "b", prompt_tokens=110)]
    replay = Replay(source={}, outputs=list(journal))
    assert replay.output("step", 1, 0).text == "s"              # research calls: not compared
    # sections written at once were journalled as they finished: matched by their prompt
    assert replay.output("section", 3, 110).text == "b"
    assert replay.output("section", 3, 100).text == "a"
    replay = Replay(source={}, outputs=list(journal[1:]))
    assert replay.output("section", 3, 120) is None and "another prompt" in replay.ended
    assert replay.output("section", 3, 110) is None             # the rest is written anew too


def test_a_quote_naming_its_page_only_in_a_gloss_is_led_by_the_page_s_name():
    # report16-s50head: the hypervisor entry's opening stood unlabelled in a section on virtual memory
    quote = '(Or "virtual machine manager") A program that allows multiple operating systems to share a host.'
    assert writer._labelled(quote, "virtual machine manager - FOLDOC").startswith("Virtual machine manager: \u201c(Or")
    assert writer._labelled("A virtual machine manager lets systems share a host.",
                            "virtual machine manager - FOLDOC").startswith("\u201c")


# -- the subject's own entry ----------------------------------------------------------------------------

COMPILER_PAGES = {
    **{f"/foldoc/compiler_{n}": (f"{name} compiler", f"A {name} compiler is a compiler for the {name} "
                                 "machine; compilers of this kind translate programs.")
       for n, name in enumerate(["native", "byte", "cross", "optimising", "matrix", "extendible", "incremental",
                                 "one-pass", "two-pass", "silicon", "pessimizing"])},
    "/foldoc/compiler": ("compiler", "A program that converts another program from some source language to "
                         "machine language (object code). A compiler works in phases: lexical analysis, "
                         "parsing, code generation."),
}


class EntryDeep(FixtureSearch):
    """An engine that ranks the entry on "compiler" below eleven named compilers."""
    def search(self, query, max_results):
        hits = sorted(super().search(query, 50), key=lambda hit: hit.url.endswith("/foldoc/compiler"))
        return hits[:max_results]


@pytest.mark.parametrize("question", ["Give an overview of how compilers work and what their phases are",
                                      # the question's own search is "compiler" already, at the usual depth
                                      "Give an overview of the compiler"])
def test_the_entry_on_the_subject_is_looked_for_below_the_first_results_and_opens_the_summary(
        tmp_path, monkeypatch, question):
    assert outline.entry_names(question) in (["compilers"], ["compiler"])
    listed = [hit.url for hit in EntryDeep("http://site").search("compiler", 8)]
    assert not any(url.endswith("/foldoc/compiler") for url in listed)      # not in a search's usual depth
    result, _, events = run_report(tmp_path, monkeypatch, [{"aspects": ["compiler phases"]}] + [writer_reply] * 8,
                                   question=question, pages=COMPILER_PAGES, search=EntryDeep, mode="report")
    entry = next(s for s in result.sources if s["url"].endswith("/foldoc/compiler"))
    assert entry["opened"] and any(e.thought == "reading the entry on 'compiler'"
                                   for e in events if isinstance(e, ActionTaken))
    # the entry search lists none of its results as sources (only the entry, opened, is added)
    looked = [e.summary for e in events if isinstance(e, ToolFinished) and "looked through" in e.summary]
    assert looked == ["1 query, 0 results (12 looked through)"]
    summary = result.report.split("## Summary")[1].split("##")[0].strip()
    first = re.split(r"\[\d+\]", summary)[0]
    assert "a program that converts another program" in first.lower()
    assert summary[len(first):].startswith(f"[{entry['id']}]")


def test_the_names_a_subject_is_filed_under():
    assert outline.entry_names("Explain how automatic garbage collection reclaims memory") == [
        "automatic garbage collection", "automatic garbage", "garbage collection"]
    # words the question does not write together are no name; one word of several is none either
    assert outline.entry_names("How does virtual memory let programs use more memory?") == ["virtual memory"]
    assert outline.entry_names("Give an overview of the Scheme programming language") == ["scheme"]
    question = "Give an overview of compilers"
    assert coverage.is_entry_filed_under("compilers", "compiler - Dict", question)
    assert not coverage.is_entry_filed_under("compilers", "compiler compiler - Dict", question)   # another thing
    assert not coverage.is_entry_filed_under("compilers", "Compilers (album) - Wiki", question)   # a namesake
    assert coverage.is_entry_filed_under("battle pusan perimeter", "Battle of Pusan Perimeter - Wiki", question)


def test_the_summary_is_written_from_sentences_on_the_subject_or_their_own_section():
    question = "Explain how a processor cache works and how caches keep coherent"
    placement = writer.Section("How it decides where a block may be stored", sentences=[
        ("StrongARM is a collaborative project between DEC and Advanced RISC Machines Ltd.", [9]),
        ("A fully associative cache stores data from any address in any cache location.", [6])])
    coherency = writer.Section("cache coherency", sentences=[
        ("MESI is a protocol for coherency of the copies of a block.", [3]),
        ("An uncited connecting sentence.", [])])
    points = writer.summary_points([placement, coherency], question, 2, 14)
    # the sections' sentences in turn; StrongARM names neither the cache nor its section's words
    assert points == [("MESI is a protocol for coherency of the copies of a block.", [3]),
                      ("A fully associative cache stores data from any address in any cache location.", [6])]
    # fewer than asked: the others come after them
    assert writer.summary_points([placement, coherency], question, 3, 14)[-1][1] == [9]
    assert writer.summary_points([placement, coherency], question, 2, 1) == points[:1]


def test_a_quote_names_its_page_only_with_the_page_s_name_in_a_row():
    # a user's compilers report quoted the compiler-compiler entry unlabelled: its words "parser,
    # interpreter or compiler" have the word of "compiler compiler", not the name
    quote = "A utility to generate the source code of a parser, interpreter or compiler from a language description."
    assert writer._labelled(quote, "compiler compiler - Dict").startswith("Compiler compiler: \u201c")
    assert writer._labelled("Lisp machines were a line of workstations.", "lisp machine - Dict").startswith("\u201c")
    assert writer.names_page("bogo-sort", "Bogo sort is a sorting algorithm")
    assert not writer.names_page("virtual memory", "Memory that is virtual to the program")


def test_possessives_joined_as_variants_are_not_the_subject_the_noun_after_them_is():
    # tried as a user: the web had nothing on lacrosse, and the report on "women's and men's
    # lacrosse" cited men's and women's tennis and football pages as naming its subject
    question = "What are the main differences between women's and men's lacrosse?"
    assert outline.topic_words(question) == ["lacrosse"] and outline.entry_names(question) == ["lacrosse"]
    assert not outline.names_subject(question, "The 1972 Italian Open was a combined men's and women's tennis event.")
    assert outline.names_subject(question, "Women's lacrosse is played with a smaller stick pocket.")
    assert outline.topic_words("compare children's and adults' books") == ["books"]
    # the question's first word capitalised only because it opens it
    assert outline.topic_words("Women's and men's lacrosse: how do they differ?") == ["lacrosse"]
    assert outline.topic_words("Serena's and Venus's careers compared") == ["serena", "venus", "careers"]
    # one possessive, or names joined, stay the subject's words
    assert outline.topic_words("Give an overview of women's suffrage") == ["women", "suffrage"]
    assert outline.topic_words("What are Newton's and Kepler's laws?") == ["newton", "kepler", "laws"]
