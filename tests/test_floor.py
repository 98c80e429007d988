"""The floor (agent/answer/floor.py): the run never ends with less than its one-shot draft."""
from __future__ import annotations

from fixture_site import PAGES, site
from test_agent import QUESTION, run_agent, step

from kresearch.agent.answer.floor import Candidate, choose
from kresearch.trace import read_trace

PLAN = step("plan", subquestions=["Who portrayed Corliss Archer in Kiss and Tell?",
                                  "What government position did she hold?"])


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


def test_a_final_answer_a_page_calls_what_the_asked_relation_is_of_gives_way():
    # "What is the name of the fight song of the university ...?": the last answer was the
    # university, and a page says "the fight song of the University of Kansas"
    cands = [Candidate("Kansas Song", 0, "draft"), Candidate("University of Kansas", 9, "final")]
    choice = choose(cands, checks({"Kansas Song": [], "University of Kansas": ["relation"]}))
    assert choice.answer == "Kansas Song" and choice.replaced.answer == "University of Kansas"
    # a described one (a weaker sign) is only doubtful: the final answer stands
    choice = choose(cands, checks({"Kansas Song": [], "University of Kansas": ["described"]}))
    assert choice.answer == "University of Kansas"


def test_a_run_without_a_final_answer_ends_with_its_best_candidate():
    choice = choose([Candidate("Chief of Protocol", 0, "draft")], checks({"Chief of Protocol": []}))
    assert choice.answer == "Chief of Protocol" and choice.replaced is None


def test_on_a_question_offering_its_answers_the_draft_stands_unless_facts_decide():
    cands = [Candidate("Texas Highways", 1, "draft"), Candidate("Human Events", 4, "final")]
    passes = checks({"Texas Highways": [], "Human Events": []})
    kept = choose(cands, passes, offers_choice=True)
    assert kept.answer == "Texas Highways" and kept.replaced.answer == "Human Events"
    # facts that decide for the other option (dates, counts, each one's own page) replace it
    decided = choose(cands, passes, offers_choice=True, decided=lambda answer: answer == "Human Events")
    assert decided.answer == "Human Events" and decided.replaced is None
    # so does a draft that fails a check the other passes, and any other kind of question
    assert choose(cands, checks({"Texas Highways": ["form"], "Human Events": []}), offers_choice=True).answer == \
        "Human Events"
    assert choose(cands, passes).answer == "Human Events"


def test_the_first_reading_settles_a_question_its_top_results_answer(tmp_path):
    # One-shot retrieval first: the question searched, its top results read whole, one short call.
    # The answer passes every check and a page read states it: the run is done, no plan, no research.
    script = [{"answer": "Chief of Protocol of the United States"}]
    with site() as server:
        result, llm, backend, events = run_agent(script, server.base_url, tmp_path, verify=True, draft=True)
    assert backend.calls == [QUESTION]
    # no thought, no action: what the question asks for and the answer, a few words each
    assert list(llm.schemas[0]["properties"]) == ["asks", "answer"]
    prompt = llm.calls[0][-1]["content"]
    assert "from the results above alone" in prompt
    assert "served as Chief of Protocol of the United States" in prompt  # the pages' text, not snippets
    assert result.answer == "Chief of Protocol of the United States"
    assert result.stopped_because == "answered" and result.stats["steps"] == 1
    assert result.stats["llm_calls"] == 1 and result.stats["passages_read"] == 3
    assert [v["message"] for v in result.verification] == ["settled by the first reading"]
    records = read_trace(tmp_path / "t.jsonl")
    assert [(r["answer"], r["settled"]) for r in records if r["event"] == "draft"] == [
        ("Chief of Protocol of the United States", True)]
    assert [r["purpose"] for r in records if r["event"] == "llm"] == ["draft"]       # the findings are quoted
    assert any(s["cited"] and "Shirley_Temple" in s["url"] for s in result.sources)


def test_an_unsettled_first_reading_is_the_first_thing_research_sees(tmp_path):
    # The draft names something no page read states: research starts from it (plan first, in the
    # same context, so the KV cache is reused) and the model's own answer is then checked as usual.
    script = [{"answer": "Secretary of State"}, PLAN, step("answer", answer="Chief of Protocol of the United States")]
    with site() as server:
        result, llm, backend, _ = run_agent(script, server.base_url, tmp_path, verify=True, draft=True, passages=4)
    first, plan = llm.calls[0], llm.calls[1]
    assert plan[:len(first) - 1] == first[:-1]                           # same prefix
    assert "None of the sources you opened states \"Secretary of State\"" in plan[-1]["content"]
    assert llm.schemas[1]["properties"]["action"] == {"const": "plan"}   # then the plan, as always
    # the question was searched by the first reading; after the plan only sub-question 1 is
    assert backend.calls == [QUESTION, "Who portrayed Corliss Archer in Kiss and Tell?"]
    assert result.answer == "Chief of Protocol of the United States"
    assert [v["check"] for v in result.verification] == ["unsupported", "passed"]
    records = read_trace(tmp_path / "t.jsonl")
    assert [(r["answer"], r["settled"], r["check"]) for r in records if r["event"] == "draft"] == [
        ("Secretary of State", False, "unsupported")]


def test_a_thing_the_question_names_is_read_when_its_top_pages_are_about_none(tmp_path, monkeypatch):
    # The question's words match the character's page best; it names Shirley Temple, whose page
    # the first reading did not read: the draft is not settled, and her name is searched before
    # research starts (devb101-200-s59: "Robert Smith founded the multinational company
    # headquartered in what city?" read companies' pages only, and no step looked him up).
    monkeypatch.setattr("kresearch.agent.answer.first_reading.FIRST_READING_PAGES", 1)
    question = "Which fictional teenage character of short stories and a radio series did Shirley Temple play?"
    answer = step("answer", answer="Corliss Archer")
    script = [{"asks": "a character", "answer": "Corliss Archer"},
              step("plan", subquestions=["Which character did Shirley Temple play?"]), answer, answer, answer]
    with site() as server:
        result, llm, backend, _ = run_agent(list(script), server.base_url, tmp_path, verify=True, draft=True,
                                            passages=4, question=question, max_steps=3)
    assert backend.calls[:2] == [question, "Shirley Temple"]
    records = read_trace(tmp_path / "t.jsonl")
    assert [r["settled"] for r in records if r["event"] == "draft"] == [False]
    assert result.answer == "Corliss Archer"
    # a question whose top pages are about what it names searches nothing more
    monkeypatch.setattr("kresearch.agent.answer.first_reading.FIRST_READING_PAGES", 5)
    with site() as server:
        _, _, backend, _ = run_agent(list(script), server.base_url, tmp_path, verify=True, draft=True,
                                     passages=4, question=question, max_steps=3)
    assert "Shirley Temple" not in backend.calls


def test_the_floor_keeps_the_draft_when_research_ends_with_less(tmp_path, monkeypatch):
    # The first reading reads only the top page (the film's), which does not state the draft's
    # answer: not settled. Research then reads the page that does, but the model proposes an
    # answer no page states, is sent back, runs out of steps and repeats it: the run ends with
    # the draft, now backed by what research read.
    monkeypatch.setattr("kresearch.agent.answer.first_reading.FIRST_READING_PAGES", 1)
    wrong = step("answer", answer="Secretary of State")
    script = [{"answer": "Chief of Protocol of the United States"}, PLAN, wrong, wrong]
    with site() as server:
        result, llm, _, events = run_agent(script, server.base_url, tmp_path, verify=True, draft=True,
                                           passages=4, max_steps=3)
    assert result.answer == "Chief of Protocol of the United States"
    assert [v["check"] for v in result.verification][-1] == "floor"
    assert "kept draft answer" in result.verification[-1]["message"]
    assert "**Answer:** Chief of Protocol of the United States" in result.report


def test_a_better_final_answer_replaces_the_draft(tmp_path, monkeypatch):
    monkeypatch.setattr("kresearch.agent.answer.first_reading.FIRST_READING_PAGES", 1)
    script = [{"answer": "Kiss and Tell"}, PLAN, step("answer", answer="Chief of Protocol of the United States")]
    with site() as server:
        result, *_ = run_agent(script, server.base_url, tmp_path, verify=True, draft=True, passages=4)
    assert result.answer == "Chief of Protocol of the United States"
    assert all(v["check"] != "floor" for v in result.verification)


def test_a_question_naming_its_answers_is_drafted_from_them_and_needs_facts_to_settle(tmp_path):
    # "A or B?": the draft may only name one of them, and naming one settles nothing (every page
    # about either names it): research goes on from the first reading
    question = "Who portrayed Corliss Archer in the film Kiss and Tell, Shirley Temple or Jean Arthur?"
    # the split (none from the model; code asks each option) finds no quote on either page
    unquoted = {"quote": "words on no page", "answer": "yes"}
    script = [{"answer": "Shirley Temple"}, {"each": []}, unquoted, unquoted, PLAN, step("answer", answer="Shirley Temple")]
    with site() as server:
        result, llm, _, _ = run_agent(script, server.base_url, tmp_path, verify=True, draft=True, question=question)
    assert llm.schemas[0]["properties"] == {"answer": {"enum": ["Shirley Temple", "Jean Arthur"]}}
    assert "Answer with one of: Shirley Temple, Jean Arthur." in llm.calls[0][-1]["content"]
    assert [v["check"] for v in result.verification][0] == "unsettled"
    # not shown to the model (it would only repeat it): the plan step sees the pages, not the draft
    assert not any('"action": "answer"' in m["content"] for m in llm.calls[4] if m["role"] == "assistant")
    assert "Nothing you read yet decides" not in llm.calls[4][-1]["content"]
    assert result.answer == "Shirley Temple"



OTHER_POSITION = ("Secretary of State for Constitutional Affairs",
                  "The Secretary of State for Constitutional Affairs was a government position held by the woman "
                  "who portrayed a judge in Tell Me More.")


def test_a_draft_off_the_trail_is_read_again_as_the_one_hop_question_the_link_check_leads_to(tmp_path, monkeypatch):
    # The first reading reads the film's page and a page on another government position; the draft
    # comes from the latter. The link check names Shirley Temple (the film's page casts her as
    # Corliss Archer) and her name is searched; the question asked of her by name, read from her
    # page, settles it: two short calls, no research (devb101-200-s59: "Dr. Kildare" for "... a
    # close friend of an actor who achieved success in what Western TV series?").
    monkeypatch.setattr("kresearch.agent.answer.first_reading.FIRST_READING_PAGES", 2)
    monkeypatch.setitem(PAGES, "/wiki/Secretary_of_State", OTHER_POSITION)
    script = [{"asks": "a position", "answer": "Secretary of State for Constitutional Affairs"},
              {"quote": "also served as Chief of Protocol of the United States",
               "answer": "Chief of Protocol of the United States"}]
    with site() as server:
        result, llm, backend, _ = run_agent(script, server.base_url, tmp_path, verify=True, draft=True, passages=4)
    assert backend.calls == [QUESTION, "Shirley Temple"]
    hop = llm.calls[1][-1]["content"]
    assert "What government position was held by Shirley Temple?" in hop
    assert 'The answer is not "Shirley Temple"' in hop        # the bridge is no answer to its own question
    assert result.answer == "Chief of Protocol of the United States"
    assert result.stats["llm_calls"] == 2 and result.stats["steps"] == 1
    assert [(v["check"], v["message"]) for v in result.verification][-1] == (
        "passed", "settled by reading Shirley Temple's page")
    records = read_trace(tmp_path / "t.jsonl")
    assert [(r["asked"], r["settled"]) for r in records if r["event"] == "hop_reading"] == [
        ("What government position was held by Shirley Temple?", True)]


def test_a_hop_reading_that_does_not_settle_is_a_candidate_and_research_goes_on(tmp_path, monkeypatch):
    monkeypatch.setattr("kresearch.agent.answer.first_reading.FIRST_READING_PAGES", 2)
    monkeypatch.setitem(PAGES, "/wiki/Secretary_of_State", OTHER_POSITION)
    # the reading gives a position no page states: not settled, and the model researches on
    script = [{"asks": "a position", "answer": "Secretary of State for Constitutional Affairs"},
              {"quote": "she was a diplomat", "answer": "Ambassador to Peru"},
              PLAN, step("answer", answer="Chief of Protocol of the United States")]
    with site() as server:
        result, llm, _, _ = run_agent(script, server.base_url, tmp_path, verify=True, draft=True, passages=4)
    records = read_trace(tmp_path / "t.jsonl")
    assert [(r["answer"], r["settled"]) for r in records if r["event"] == "hop_reading"] == [
        ("Ambassador to Peru", False)]
    assert result.answer == "Chief of Protocol of the United States" and result.stats["llm_calls"] == 4


def test_the_bridge_s_page_is_its_own_or_one_named_with_it_as_surname():
    from kresearch.agent.answer.hop_reading import bridge_page as _bridge_page
    pages = {1: ("Armageddon in Retrospect - Wiki", ""), 2: ("Kurt Vonnegut - Wiki", ""),
             3: ("Vonnegut Road - Wiki", "")}
    assert _bridge_page("Vonnegut", pages) == 2            # a page calls him by surname
    assert _bridge_page("Armageddon in Retrospect", pages) == 1
    assert _bridge_page("Retrospect", pages) is None       # a title's last word is no surname of a title
    assert _bridge_page("Kurt", pages) is None


def test_an_answer_off_the_trail_during_research_gets_the_hop_reading_too(tmp_path, monkeypatch):
    # no first reading: the model's own answer fails the link check, the loop searches the bridge,
    # and the question asked of it by name settles it -- no further research step
    monkeypatch.setitem(PAGES, "/wiki/Secretary_of_State", OTHER_POSITION)
    script = [PLAN, step("answer", answer="Secretary of State for Constitutional Affairs"),
              {"quote": "also served as Chief of Protocol of the United States",
               "answer": "Chief of Protocol of the United States"}]
    with site() as server:
        result, llm, backend, _ = run_agent(script, server.base_url, tmp_path, verify=True, draft=False, passages=4)
    assert backend.calls[-1] == "Shirley Temple"
    assert "What government position was held by Shirley Temple?" in llm.calls[2][-1]["content"]
    assert result.answer == "Chief of Protocol of the United States" and result.stats["llm_calls"] == 3
    records = read_trace(tmp_path / "t.jsonl")
    assert [(r["step"], r["settled"]) for r in records if r["event"] == "hop_reading"] == [(2, True)]
