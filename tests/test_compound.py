"""Questions that ask several things: split into their asks (question_kind.asks), asked in turn
with one registry, merged into one result (compound.py). The end-to-end test runs the real CLI
against the loopback fixture site with a scripted model."""
from __future__ import annotations

import json

import pytest
from fixture_site import site
from test_scripting import research_env, run, step

from kresearch.agent.events import RunResult
from kresearch.agent.question_kind import asks
from kresearch.compound import merge, split, standalone


@pytest.mark.parametrize("question, expected", [
    ("What is the default page size of the SQLite database file format, and can it be changed?",
     ["What is the default page size of the SQLite database file format?", "Can it be changed?"]),
    ("Which was released first, Python 3.0 or Rust 1.0, and how many years apart?",
     ["Which was released first, Python 3.0 or Rust 1.0?", "How many years apart?"]),
    ("What is CVE-2024-3094 and which versions of xz were affected?",
     ["What is CVE-2024-3094?", "Which versions of xz were affected?"]),
    ("where was mozart born and when did he die",                      # lower case, no punctuation
     ["Where was mozart born?", "When did he die?"]),
    ("Who directed Jaws; what year was it released?", ["Who directed Jaws?", "What year was it released?"]),
])
def test_a_question_of_several_asks_is_split_into_them(question, expected):
    assert asks(question) == expected


@pytest.mark.parametrize("question", [
    "What government position was held by the woman who portrayed Corliss Archer in Kiss and Tell?",
    "Which band, The Who or Queen, has more albums?",                     # a list inside one ask
    "Which musician, Ciaran Gribbin or Brett Scallions, is a member of the band Fuel?",
    "Who wrote the song that was inspired by a tombstone and was the first track on Back to Mono?",
    "What series, told in first person, has a set of companion books?",
    "Which show was created by the pair as a sequel to the series, which aired from 2005 to 2008?",
    "What is the fight song of the university whose main campus is in Lawrence and whose branch is in Kansas City?",
    "In which city did the composer live where he wrote Tosca and where he died?",   # relative clauses
    "Are Ferocactus and Silene both types of plant?",
    "garbage collection, and how is it done",                             # the first part is no question
])
def test_one_ask_is_not_split(question):
    assert asks(question) == []


CITY = "In which city was the composer of the opera Tosca born?"


@pytest.mark.parametrize("ask, earlier, expected", [
    ("What is its population today?", [(CITY, "Rome")], "What is Rome's population today?"),
    ("How many people live there?", [(CITY, "Rome")], "How many people live in Rome?"),
    ("what is it famous for", [(CITY, "Rome")], "what is Rome famous for"),
    ("What government position did she hold?", [("Who played Corliss Archer in Kiss and Tell?", "Shirley Temple")],
     "What government position did Shirley Temple hold?"),
    ("Where did she meet her husband?", [("Who wrote Frankenstein?", "Mary Shelley")],
     "Where did Mary Shelley meet her husband?"),
    ("Who designed it?", [("Which language was Unix first written in?", "C")], "Who designed C?"),
    ("When was it founded?", [("What company makes the iPhone?", "Apple Inc.")], "When was Apple Inc. founded?"),
])
def test_a_pronoun_meaning_an_earlier_answer_is_replaced_by_it(ask, earlier, expected):
    assert standalone(ask, earlier) == expected


@pytest.mark.parametrize("ask, earlier", [
    ("When was it released?", [("Who directed Jaws?", "Steven Spielberg")]),          # "it" is Jaws
    ("When did he retire?", [("Which team did Jordan join first?", "Chicago Bulls")]),  # "he" is Jordan
    ("Who directed it?", [("In which year was Jaws released?", "1975")]),              # "it" is Jaws
    ("Can it be changed?", [("What is the default page size of SQLite?", "4096 bytes")]),
    ("Is there a metro?", [(CITY, "Rome")]),                                            # no place: "is there"
    ("What is its population?", [(CITY, "(no answer found)")]),
    ("What is its population?", [(CITY, "Rome, the capital of Italy, known for its many ruins and churches")]),
    ("How many years apart?", [("Which was released first, Python 3.0 or Rust 1.0?", "Python 3.0")]),
])
def test_other_pronouns_and_answers_that_are_no_name_leave_the_ask_as_it_is(ask, earlier):
    assert standalone(ask, earlier) == ask


def test_reports_are_not_split_here():
    # report mode writes a section per part of the question itself
    q = "Which European countries have a four-day work week pilot program, and what were the reported results?"
    assert split("auto", q) == [] and split("answer", q) != []


def _result(question, answer, sources, stopped="answered", confidence=0.8, trace="t.jsonl"):
    report = (f"# {question}\n\n**Answer:** {answer} [1]\n\n## Findings\n\n- a finding [1]\n\n"
              f"_Confidence: {confidence:.2f}._\n\n## References\n\n[1] A — http://a\n")
    return RunResult(question=question, answer=answer, report=report, confidence=confidence, sources=sources,
                     stopped_because=stopped, stats={"steps": 3, "wall_seconds": 1.5, "peak_prompt_tokens": 900},
                     trace=trace)


def test_merged_result_has_each_answer_one_reference_list_and_the_worst_stop():
    a = {"id": 1, "url": "http://a", "title": "A", "opened": True, "cited": True}
    b = {"id": 2, "url": "http://b", "title": "B", "opened": True, "cited": False}
    parts = ["Who is X?", "When was it built?", "How tall is it?"]
    first = _result(parts[0], "Ann", [a], trace="1.jsonl")
    second = _result(parts[1], "1990", [{**a, "cited": False}, {**b, "cited": True}], stopped="max_steps",
                     confidence=0.4, trace="2.jsonl")
    merged = merge("Who is X, when was it built and how tall is it?", parts, [first, second])
    assert merged.answer == "Ann; 1990"
    assert merged.stopped_because == "max_steps"
    assert merged.confidence == 0.0                     # an ask was never researched
    assert [s["cited"] for s in merged.sources] == [True, True]
    assert merged.stats["steps"] == 6 and merged.stats["peak_prompt_tokens"] == 900
    assert merged.trace == "2.jsonl" and [p["trace"] for p in merged.parts] == ["1.jsonl", "2.jsonl"]
    report = merged.report
    assert report.startswith("# Who is X, when was it built and how tall is it?\n\n**Answer:** Ann; 1990")
    assert "## 1. Who is X?" in report and "### Findings" in report
    assert "## 3. How tall is it?\n\n_Not researched" in report
    assert report.count("## References") == 1 and "[2] B — http://b" in report
    assert "parts" in merged.as_json() and "parts" not in first.as_json()


def test_the_merged_answer_line_says_which_answers_no_source_states():
    from kresearch.agent.report import NOT_STATED
    parts = ["What is CVE-2024-3094?", "Which versions of xz were affected?"]
    unstated = lambda ask, answer: RunResult(
        question=ask, answer=answer, report=f"# {ask}\n\n**{NOT_STATED}:** {answer}\n\n## References\n",
        confidence=0.1, sources=[], stopped_because="answered", stats={}, trace="t.jsonl")
    both = merge(" and ".join(parts), parts, [unstated(parts[0], "a recursive definition"),
                                              unstated(parts[1], "5.6.0")])
    assert f"**{NOT_STATED}:** a recursive definition; 5.6.0" in both.report
    assert both.answer == "a recursive definition; 5.6.0"                 # the JSON answer is unlabelled
    one = merge(" and ".join(parts), parts, [_result(parts[0], "a backdoor", []), unstated(parts[1], "5.6.0")])
    assert "**Answer:** a backdoor; 5.6.0 (not stated by any source read)" in one.report


def test_a_two_ask_question_runs_as_two_cited_short_answers(tmp_path):
    question = "Who played Corliss Archer in Kiss and Tell, and what government position did she hold?"
    script = [
        step("search", queries=["Kiss and Tell 1945 film Corliss Archer"]),
        step("open", source=1, page=1),
        step("answer", answer="Shirley Temple"),
        step("search", queries=["Shirley Temple government position"]),
        step("open", source=3, page=1),                  # numbers go on: one registry
        step("answer", answer="Chief of Protocol of the United States"),
    ]
    with site() as server:
        proc = run(["--format", "json", question], research_env(tmp_path, server.base_url, script))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["question"] == question
    assert data["answer"] == "Shirley Temple; Chief of Protocol of the United States"
    # "she" is the first ask's answer: the second is asked with it in her place
    assert [p["question"] for p in data["parts"]] == ["Who played Corliss Archer in Kiss and Tell?",
                                                      "What government position did Shirley Temple hold?"]
    cited = {s["title"] for s in data["sources"] if s["cited"]}
    assert {"Kiss and Tell (1945 film)", "Shirley Temple"} <= cited
    assert data["parts"][0]["trace"] != data["parts"][1]["trace"]
    # the second ask saw the first one's answer: its journal's task holds it
    journal = [json.loads(line) for line in open(data["parts"][1]["trace"], encoding="utf-8")]
    start = next(r for r in journal if r["event"] == "start")
    assert start["question"] == "What government position did Shirley Temple hold?"
    assert "## 2. What government position did Shirley Temple hold?" in data["report"]


def test_an_interrupt_in_a_later_ask_keeps_the_earlier_answers(tmp_path, kresearch_home):
    import signal
    import subprocess
    import sys
    import time

    from kresearch.trace import read_trace

    question = "Who played Corliss Archer in Kiss and Tell, and what government position did she hold?"
    script = [step("search", queries=["Kiss and Tell 1945 film Corliss Archer"]), step("open", source=1, page=1),
              step("answer", answer="Shirley Temple"),
              step("search", queries=["Shirley Temple government position"]), {"sleep": 30},
              step("answer", answer="too late")]
    with site() as server:
        env = research_env(tmp_path, server.base_url, script)
        proc = subprocess.Popen([sys.executable, "-m", "kresearch", "--format", "json", question],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        traces = kresearch_home / "traces"
        deadline = time.time() + 30
        while time.time() < deadline:      # the second ask's journal has its search: stop the run
            journals = [read_trace(path) for path in traces.glob("*.jsonl")] if traces.exists() else []
            second = [j for j in journals if j and j[0].get("question") == "What government position did she hold?"]
            if second and any(r["event"] == "observation" for r in second[0]):
                break
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    data = json.loads(out)
    assert data["stopped_because"] == "interrupted"
    assert data["answer"].startswith("Shirley Temple; ")
    assert [p["stopped_because"] for p in data["parts"]] == ["answered", "interrupted"]
    assert "Partial report" in data["report"]
