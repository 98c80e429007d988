"""The floor (agent/answer/floor.py): the run never ends with less than its one-shot draft."""
from __future__ import annotations

from fixture_site import site
from test_agent import QUESTION, run_agent, step

from kresearch.agent.answer.floor import Candidate, choose
from kresearch.trace import read_trace

PLAN = step("plan", subquestions=["Who portrayed Corliss Archer in Kiss and Tell?",
                                  "What government position did she hold?"])
FINDINGS = "- Shirley Temple served as Chief of Protocol of the United States [2]."


def checks(table: dict[str, list[str]]):
    return lambda answer: table[answer]


def test_the_final_answer_stands_when_it_is_an_answer_a_source_states():
    cands = [Candidate("Ghana", 0, "draft"), Candidate("Chief of Protocol", 4, "final")]
    choice = choose(cands, checks({"Ghana": [], "Chief of Protocol": ["corroborate"]}))
    assert choice.answer == "Chief of Protocol" and choice.replaced is None


def test_an_unsupported_final_answer_gives_way_to_a_supported_candidate():
    cands = [Candidate("Chief of Protocol", 0, "draft"), Candidate("Secretary of State", 3, "proposed"),
             Candidate("Secretary of State", 5, "final")]
    choice = choose(cands, checks({"Chief of Protocol": ["link"], "Secretary of State": ["unsupported"]}))
    assert choice.answer == "Chief of Protocol" and choice.replaced.answer == "Secretary of State"
    assert choice.chosen.origin == "draft"


def test_among_equals_the_latest_candidate_wins_and_a_restated_question_is_never_printed():
    cands = [Candidate("A", 0, "draft"), Candidate("B", 2, "proposed"), Candidate("the question's words", 4, "final")]
    choice = choose(cands, checks({"A": ["unsupported"], "B": ["unsupported"], "the question's words": ["vague"]}))
    assert choice.answer == "B"
    only_echo = choose([Candidate("government position", 3, "final")], checks({"government position": ["vague"]}))
    assert only_echo.answer == "" and only_echo.failed == ["vague"]
    assert choose([], checks({})).answer == ""


def test_a_run_without_a_final_answer_ends_with_its_best_candidate():
    choice = choose([Candidate("Chief of Protocol", 0, "draft")], checks({"Chief of Protocol": []}))
    assert choice.answer == "Chief of Protocol" and choice.replaced is None


def test_the_draft_is_one_short_call_after_the_first_search_and_the_floor_keeps_it(tmp_path):
    # The draft (from the first results) is right; the model then proposes an answer no source
    # states, is sent back, runs out of steps and repeats it: the run ends with the draft.
    wrong = step("answer", answer="Secretary of State")
    script = [PLAN, {"answer": "Chief of Protocol of the United States"}, wrong, wrong, FINDINGS]
    with site() as server:
        result, llm, _, events = run_agent(script, server.base_url, tmp_path, verify=True, draft=True,
                                           passages=4, max_steps=2)
    draft_schema = llm.schemas[1]
    assert set(draft_schema["properties"]) == {"answer"}            # no thought, no action: a few words
    assert "from the results above alone" in llm.calls[1][-1]["content"]
    # the draft is not part of the research context: the next step's prompt does not contain it
    assert "from the results above alone" not in llm.calls[2][-1]["content"]
    assert llm.calls[2][:-1] == llm.calls[1][:-1]                    # same prefix: the KV cache is reused
    assert result.answer == "Chief of Protocol of the United States"
    assert [v["check"] for v in result.verification][-1] == "floor"
    assert "kept draft answer" in result.verification[-1]["message"]
    assert "**Answer:** Chief of Protocol of the United States" in result.report
    records = read_trace(tmp_path / "t.jsonl")
    assert [r["answer"] for r in records if r["event"] == "draft"] == ["Chief of Protocol of the United States"]
    assert [r["purpose"] for r in records if r["event"] == "llm"][:2] == ["step", "draft"]


def test_a_better_final_answer_replaces_the_draft(tmp_path):
    script = [PLAN, {"answer": "Kiss and Tell"}, step("answer", answer="Chief of Protocol of the United States"),
              FINDINGS]
    with site() as server:
        result, *_ = run_agent(script, server.base_url, tmp_path, verify=True, draft=True, passages=4)
    assert result.answer == "Chief of Protocol of the United States"
    assert all(v["check"] != "floor" for v in result.verification)
