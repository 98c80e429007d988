"""An acronym answer is given with the name a page read spells it out as (answer/acronym.py)."""
from __future__ import annotations

from kresearch.agent.answer.acronym import spelled_out


def test_an_acronym_answer_gets_the_name_a_page_defines_it_by():
    page = "He was inducted into the International Boxing Hall of Fame (IBHOF) in 1990."
    assert spelled_out("IBHOF", ["nothing here", page]) == "International Boxing Hall of Fame (IBHOF)"
    # lower case in the page, a hyphenated name, a comma after the acronym
    assert spelled_out("SARS", ["an outbreak of severe acute respiratory syndrome (SARS) in 2003"]) == \
        "Severe acute respiratory syndrome (SARS)"
    assert spelled_out("HP", ["Hewlett-Packard (HP, founded 1939) made calculators"]) == "Hewlett-Packard (HP)"
    # small words may count ("Hall of Fame" is HOF) or not ("National Broadcasting Company" is NBC)
    assert spelled_out("NBC", ["on the National Broadcasting Company (NBC)"]) == "National Broadcasting Company (NBC)"


def test_only_when_the_initials_spell_it_and_the_answer_is_an_acronym():
    assert spelled_out("NASA", ["the agency (NASA) said"]) == "NASA"            # "the agency" spells no NASA
    assert spelled_out("NBC", ["broadcast by NBC, an American network"]) == "NBC"   # not defined on any page
    assert spelled_out("Paris", ["the capital (Paris) of France"]) == "Paris"    # a name, not an acronym
    assert spelled_out("yes", ["Yellow Eagle Society (yes)"]) == "yes"
    assert spelled_out(" Paris ", []) == " Paris "                              # unchanged means unchanged


def test_the_run_ends_with_the_spelled_out_name_and_traces_it(tmp_path, monkeypatch):
    from fixture_site import PAGES, site
    from test_agent import run_agent, step

    from kresearch.trace import read_trace

    monkeypatch.setitem(PAGES, "/wiki/Tommy_Lane", (
        "Tommy Lane", "Tommy Lane was a boxer. He was inducted into the International Boxing Hall of Fame "
                      "(IBHOF) in 1990, and the IBHOF museum shows his gloves."))
    script = [step("search", queries=["Tommy Lane boxer hall of fame"]), step("open", source=1, page=1),
              step("answer", answer="IBHOF")]
    with site() as server:
        result, *_ = run_agent(script, server.base_url, tmp_path, question="Which hall of fame inducted Tommy Lane?")
    assert result.answer == "International Boxing Hall of Fame (IBHOF)"
    assert "**Answer:** International Boxing Hall of Fame (IBHOF)" in result.report
    assert [(r["answer"], r["named"]) for r in read_trace(tmp_path / "t.jsonl") if r["event"] == "spelled_out"] == [
        ("IBHOF", "International Boxing Hall of Fame (IBHOF)")]


def test_an_answer_that_spells_out_the_question_s_acronym_is_about_what_it_names():
    from kresearch.agent.answer.acronym import acronyms, spells
    from kresearch.agent.answer.verify import Evidence, settles

    assert acronyms("What, known as ZXQ, is used in gliding?") == ["ZXQ"] and acronyms("Is A or B older?") == []
    assert spells("Zorbic-xylic quartz", "ZXQ") and spells("Hall of Fame", "HOF") and spells("Hall of Fame", "HF")
    assert not spells("Zorbic quartz", "ZXQ") and not spells("Zorbic-xylic quartz", "zxq")
    # no page titled "ZXQ" is read, but the answer is what "ZXQ" stands for: the page stating it settles it
    page = {1: "Glidium is a synthetic zorbic-xylic quartz (ZXQ) used in gliding by most clubs."}
    ev = Evidence(question="What, known as ZXQ, is used in gliding?", answer="Zorbic-xylic quartz", plan=[],
                  opened=page, unread_hints={}, python_runs=0, python_enabled=False, titles={1: "Glidium"})
    assert settles(ev).passed
    ev.answer = "Glidium"            # not what the acronym stands for: nothing read is about "ZXQ"
    assert settles(ev).check == "unsettled"
