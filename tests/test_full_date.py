"""A year answering a "When ...?" question is given as the full date a page states (answer/full_date.py)."""
from __future__ import annotations

from kresearch.agent.answer.full_date import dated

LEAD = ("Paul John Manafort Jr. (born April 1, 1949) is an American lawyer, lobbyist and political "
        "consultant. He joined the campaign of Donald Trump in March 2016.")


def test_a_year_for_when_becomes_the_date_the_page_states():
    assert dated("When was the American lawyer and lobbyist born?", "1949", [LEAD]) == "April 1, 1949"
    # day before month, an ordinal, a month alone
    assert dated("when was Ida Lupino born?", "1918", ["Ida Lupino (4 February 1918 - 1995) was an actress."]) == \
        "4 February 1918"
    assert dated("When did the bridge open?", "1937", ["The bridge opened on May 27th, 1937."]) == "May 27th, 1937"
    assert dated("When did the bridge open?", "1937", ["The bridge opened in May 1937 to traffic."]) == "May 1937"


def test_the_sentence_most_about_the_question_decides():
    page = "The company was founded on June 3, 1998 in Ohio. On December 1, 1998 the company moved its offices."
    assert dated("When was the company founded?", "1998", [page]) == "June 3, 1998"
    assert dated("When did the company move its offices?", "1998", [page]) == "December 1, 1998"


def test_a_sentence_with_the_year_and_no_date_can_outrank_one_with_a_date():
    page = "Oasis were formed in Manchester in 1991. Liam Gallagher joined Oasis in October 1991."
    assert dated("When were Oasis formed in Manchester?", "1991", [page]) == "1991"
    lupino = "Ida Lupino died of a stroke in 1995. Ida Lupino married Howard Duff on 21 October 1995."
    assert dated("When did Ida Lupino die?", "1995", [lupino]) == "1995"
    # one date written two ways on two pages is one date
    assert dated("When was he born?", "1949", ["He was born on 1 April 1949.", "He was born April 1, 1949."]) == \
        "1 April 1949"


def test_the_year_stays_when_nothing_settles_a_date():
    assert dated('When Harry Met Sally was released in which year?', "1989",
                 ["When Harry Met Sally was released on July 12, 1989."]) == "1989"   # a title, not "when"
    assert dated("What year was he born?", "1949", [LEAD]) == "1949"             # the year is asked
    assert dated("In what year was he born?", "1949", [LEAD]) == "1949"
    assert dated("When was the campaign?", "2016", ["It ran in 2016 and 2017."]) == "2016"   # no date given
    two = ["The band formed on 2 May 1970.", "The band formed on 9 June 1970 in Leeds."]
    assert dated("When did the band form?", "1970", two) == "1970"                 # two dates, equally about it
    assert dated("When was he born?", "Paris", [LEAD]) == "Paris"                  # not a year
    assert dated("When was he born?", "1949", ["Born on April 1, 19490 BC."]) == "1949"
    assert dated("When was he born?", "1949", []) == "1949"


def test_the_run_ends_with_the_full_date_and_traces_it(tmp_path, monkeypatch):
    from fixture_site import PAGES, site
    from test_agent import run_agent, step

    from kresearch.trace import read_trace

    monkeypatch.setitem(PAGES, "/wiki/Tommy_Lane", (
        "Tommy Lane", "Tommy Lane (born 12 March 1931) was a boxer from Cork. He retired in 1960."))
    script = [step("search", queries=["Tommy Lane boxer born"]), step("open", source=1, page=1),
              step("answer", answer="1931")]
    with site() as server:
        result, *_ = run_agent(script, server.base_url, tmp_path, question="When was the boxer Tommy Lane born?")
    assert result.answer == "12 March 1931"
    assert "**Answer:** 12 March 1931" in result.report
    assert [(r["answer"], r["date"]) for r in read_trace(tmp_path / "t.jsonl") if r["event"] == "dated"] == [
        ("1931", "12 March 1931")]
