"""How a short answer is worded (agent/answer/wording.py)."""
from kresearch.agent.answer.verify import tidy_answer
from kresearch.agent.answer.wording import without_kind_asked, without_restated


def test_the_kind_the_question_asks_for_is_not_said_again():
    assert without_kind_asked('What type of film are both "500 Years Later" and "Manson"?', "documentary film") == \
        "documentary"
    assert without_kind_asked("what kind of music did billie joe armstrong play", "Punk rock music") == "Punk rock"
    assert without_kind_asked("Which genres of films did he make?", "horror films") == "horror"
    assert without_kind_asked("What sort of animal is a quoll?", "marsupial") == "marsupial"     # one word stays
    assert without_kind_asked("What type of music is it?", "music") == "music"
    assert without_kind_asked("What type of forum did a former Soviet statesman initiate?", "WAP Forum") == "WAP Forum"
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


def test_the_question_s_words_around_a_sentence_answer_are_taken_off():
    question = "Ellie Goulding worked with what other writers on her third studio album, Delirium?"
    assert without_restated(question, "Ellie Goulding worked with Max Martin, Savan Kotecha, and Ilya Salmanzadeh "
                                      "on her third studio album") == "Max Martin, Savan Kotecha, and Ilya Salmanzadeh"
    assert without_restated("what building is opposite the meeting place of the accession council",
                            "St James's Palace is opposite the meeting place of the Accession Council.") == \
        "St James's Palace"
    # names the question shares with the answer stay; so do short answers, yes/no and pure echoes
    assert without_restated("The 1974 Texas Tech Raiders represented what university in Lubbock, Texas?",
                            "Texas Tech University") == "Texas Tech University"
    assert without_restated("Who founded the Texas Tech University in Lubbock?",
                            "Texas Tech University was founded by Paul Whitfield Horn") == "Paul Whitfield Horn"
    assert without_restated("Are both of them American?", "Yes, both of them are American") == \
        "Yes, both of them are American"
    assert without_restated("What is the capital city of France?", "the capital city of France") == \
        "the capital city of France"


def test_the_run_s_proposed_answer_loses_the_question_s_words(tmp_path):
    from fixture_site import site
    from test_agent import QUESTION, run_agent, step
    script = [step("search", queries=["Kiss and Tell 1945 film"]), step("open", source=1, page=1),
              step("answer", answer="The government position held was Chief of Protocol of the United States")]
    with site() as server:
        result, *_ = run_agent(script, server.base_url, tmp_path, question=QUESTION)
    assert result.answer == "Chief of Protocol of the United States"
