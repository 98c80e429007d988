"""How a short answer is worded (agent/answer/wording.py)."""
from kresearch.agent.answer.verify import tidy_answer
from kresearch.agent.answer.wording import without_kind_asked


def test_the_kind_the_question_asks_for_is_not_said_again():
    assert without_kind_asked('What type of film are both "500 Years Later" and "Manson"?', "documentary film") == \
        "documentary"
    assert without_kind_asked("what kind of music did billie joe armstrong play", "Punk rock music") == "Punk rock"
    assert without_kind_asked("Which genres of films did he make?", "horror films") == "horror"
    assert without_kind_asked("What sort of animal is a quoll?", "marsupial") == "marsupial"     # one word stays
    assert without_kind_asked("What type of music is it?", "music") == "music"
    # a question asking no kind, or an answer ending in another word, stays as it is
    assert without_kind_asked("Which film did Pitof direct?", "Catwoman film") == "Catwoman film"
    assert without_kind_asked("What type of film is Manson?", "documentary about Charles Manson") == \
        "documentary about Charles Manson"


def test_a_page_title_s_qualifier_is_not_part_of_the_answer():
    assert tidy_answer("Catwoman (film) [6]") == "Catwoman"
    assert tidy_answer("USS Essex (CV-9)") == "USS Essex"
    assert tidy_answer("St. Mary's (Md.)") == "St. Mary's"
    assert tidy_answer("(film)") == "(film)"


def test_the_run_s_answer_is_worded_so(tmp_path):
    from fixture_site import site
    from test_agent import run_agent, step
    script = [step("search", queries=["Kiss and Tell 1945 film"]), step("open", source=1, page=1),
              step("answer", answer="comedy film (1945)")]
    with site() as server:
        result, *_ = run_agent(script, server.base_url, tmp_path, question="What type of film is Kiss and Tell?")
    assert result.answer == "comedy"
    assert "**Answer:** comedy" in result.report
