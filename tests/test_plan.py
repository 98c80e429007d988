"""The plan step (agent/plan.py): sub-questions copied from the prompt's example are not the plan."""
from __future__ import annotations

from fixture_site import site
from test_agent import QUESTION, run_agent, step

from kresearch.agent.loop import system_prompt
from kresearch.agent.plan import EXAMPLE_QUESTION, EXAMPLE_SUBQUESTIONS, about_the_question, example_step
from kresearch.trace import read_trace

MANGA = ("A Japanese manga series based on a 16 year old high school student Ichitaka Seto, is written and "
         "illustrated by someone born in what year?")
SEEN = "I\"s is a manga series written and illustrated by Masakazu Katsura. Ichitaka Seto is a student."


def test_the_system_prompt_shows_the_example_this_module_knows():
    prompt = system_prompt(["search", "open", "answer"], verify=True)
    assert EXAMPLE_QUESTION in prompt and example_step() in prompt
    assert all(sub in prompt for sub in EXAMPLE_SUBQUESTIONS)
    assert example_step() not in system_prompt(["search", "open", "answer"], verify=False)


def test_copies_of_the_example_are_dropped_and_the_question_s_own_kept():
    copied = ["Who composed <opera>?", "Where was that composer born?"]
    assert about_the_question(copied, MANGA, SEEN) == []
    assert about_the_question(["Who is the composer of the opera <opera>?"], MANGA, SEEN) == []
    # one of the question's own and one copied: the own one stays
    assert about_the_question(["Who wrote I\"s?", "Where was that composer born?"], MANGA, SEEN) == ["Who wrote I\"s?"]
    # the example with a name put in, for a question that asks nothing of a composer (devb101-200-s59)
    hingle = "Pat Hingle was a close friend of an actor who achieved success in what Western TV series?"
    assert about_the_question(["Who composed the score for Mystic River?", "Where was that composer born?"], hingle,
                              "Mystic River is a 2003 film; its score was composed by Clint Eastwood, born in 1930.") == []
    # a placeholder of any name, in lower case, with other words around it
    assert about_the_question(["when was <person> born?"], MANGA.lower(), SEEN) == []


def test_the_example_s_words_are_kept_where_the_question_or_a_page_uses_them():
    tosca = "Where was the composer of Tosca born?"
    assert about_the_question(["Who composed Tosca?", "Where was that composer born?"], tosca, "") == [
        "Who composed Tosca?", "Where was that composer born?"]
    # a question that does not say "composer", about a work a page says someone composed
    seen = "Nixon in China is an opera by the American composer John Adams."
    assert about_the_question(["Where was that composer born?"], "Where was the man who wrote Nixon in China born?",
                              seen) == ["Where was that composer born?"]
    # a bridge the question does not name (found in the results) is the question's
    assert about_the_question(["When was Masakazu Katsura born?"], MANGA, SEEN) == ["When was Masakazu Katsura born?"]


def test_whitespace_is_tidied_blanks_dropped_and_at_most_three_kept():
    subs = ["  Who   wrote I\"s? ", "", "   ", "Who is Ichitaka Seto?", "When was Katsura born?", "Where is Seto?"]
    assert about_the_question(subs, MANGA, SEEN) == ["Who wrote I\"s?", "Who is Ichitaka Seto?", "When was Katsura born?"]


def test_a_copied_plan_is_refused_and_the_model_writes_its_own(tmp_path):
    copied = step("plan", subquestions=list(EXAMPLE_SUBQUESTIONS))
    own = step("plan", subquestions=["Who portrayed Corliss Archer in Kiss and Tell?",
                                     "What government position did she hold?"])
    script = [copied, own, step("answer", answer="Chief of Protocol of the United States")]
    with site() as server:
        result, llm, backend, _ = run_agent(script, server.base_url, tmp_path, verify=True, passages=4)
    # the refused plan: an error the model sees, and the plan is due again
    assert "not the example's" in llm.calls[1][-1]["content"]
    assert llm.schemas[1]["properties"]["action"] == {"const": "plan"}
    # no search of the example's sub-question; the question and the real sub-question 1 are searched
    assert not any("<opera>" in call or "composer" in call for call in backend.calls)
    assert "Who portrayed Corliss Archer in Kiss and Tell?" in backend.calls
    assert result.answer == "Chief of Protocol of the United States"
    dropped = [r for r in read_trace(tmp_path / "t.jsonl") if r["event"] == "plan_dropped"]
    assert dropped[0]["subquestions"] == list(EXAMPLE_SUBQUESTIONS)


def test_a_second_copied_plan_is_not_asked_for_again(tmp_path):
    copied = step("plan", subquestions=list(EXAMPLE_SUBQUESTIONS))
    script = [copied, copied, step("search", queries=["Corliss Archer Kiss and Tell actress"]),
              step("answer", answer="Chief of Protocol of the United States")]
    with site() as server:
        result, llm, backend, _ = run_agent(script, server.base_url, tmp_path, verify=True, passages=4)
    assert [s["properties"]["action"] for s in llm.schemas[:2]] == [{"const": "plan"}] * 2
    assert llm.schemas[2]["properties"]["action"] != {"const": "plan"}
    assert result.answer == "Chief of Protocol of the United States"
