"""The answer did what the question asks (agent/answer/role.py, the "role" check)."""
from kresearch.agent.answer.floor import Candidate, choose
from kresearch.agent.answer.role import asked_role, other_role
from kresearch.agent.answer.verify import Evidence, final_checks

OSIRIS = ("Lara Croft and the Temple of Osiris is an action-adventure game developed by Crystal Dynamics and "
          "published by Square Enix for Microsoft Windows.")
QUESTION = "Alice David is the voice of Lara Croft in a video game developed by which company ?"


def test_the_verb_whose_doer_is_asked():
    assert asked_role(QUESTION) == "developed"
    assert asked_role("Who directed the 1975 film Jaws?") == "directed"
    assert asked_role("which company published Tomb Raider") == "published"
    assert asked_role("The film was produced by whom?") == "produced"
    # a participle that describes, a question asking no doer
    assert asked_role("What film directed by Steven Spielberg starred Roy Scheider?") is None
    assert asked_role("When was Tomb Raider released?") is None
    assert asked_role("What year was the game developed?") is None


def test_an_answer_that_did_something_else_in_its_sentence_is_not_the_one_asked():
    assert other_role(QUESTION, "Square Enix", {2: OSIRIS}) == (2, "developed", "Crystal Dynamics", "published")
    assert other_role(QUESTION, "Crystal Dynamics", {2: OSIRIS}) is None
    # the doer before its verb, lower case and another verb asked
    page = "Square Enix published the game. Crystal Dynamics developed it over four years."
    assert other_role("who published the game", "Crystal Dynamics", {1: page}) is None   # not in one sentence
    assert other_role("which studio developed the game?", "Square Enix", {1: OSIRIS}) == (
        1, "developed", "Crystal Dynamics", "published")
    # a sentence naming no other doer of the asked verb says nothing of it
    assert other_role(QUESTION, "Square Enix", {1: "Tomb Raider was published by Square Enix in 2013."}) is None


def evidence(answer: str) -> Evidence:
    return Evidence(question=QUESTION, answer=answer, plan=[], opened={2: OSIRIS}, unread_hints={}, python_runs=0,
                    python_enabled=False, titles={2: "Lara Croft and the Temple of Osiris - Offline Encyclopedia"})


def test_the_check_tells_who_did_it_and_the_floor_ranks_it_below_the_one_who_did():
    verdicts = {v.check: v for v in final_checks(evidence("Square Enix"))}
    assert "role" in verdicts
    assert 'says it was developed by Crystal Dynamics; "Square Enix" published it' in verdicts["role"].message
    assert "role" not in [v.check for v in final_checks(evidence("Crystal Dynamics"))]
    cands = [Candidate("Square Enix", 0, "draft"), Candidate("Crystal Dynamics", 3, "final")]
    assert choose(cands, lambda a: [v.check for v in final_checks(evidence(a))]).answer == "Crystal Dynamics"
    # the draft stands against a later answer that did the other thing
    cands = [Candidate("Crystal Dynamics", 0, "draft"), Candidate("Square Enix", 3, "final")]
    assert choose(cands, lambda a: [v.check for v in final_checks(evidence(a))]).answer == "Crystal Dynamics"
