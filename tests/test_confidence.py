"""Confidence comes from the evidence: what the sources read say around the answer."""
from kresearch.agent.answer.confidence import answer_context, estimate, question_kind

OPEN_Q = "Where did the composer of Mazeppa move to in 1830?"
VENICE_IN_CONTEXT = "Biography. In 1830 the composer of Mazeppa moved to Venice, where he stayed."
VENICE_IN_PASSING = "Tourism. Venice is a city in Italy. It has canals."


def est(question, answer, opened, *, answered=True, claims=(), failed=(), computed=False):
    return estimate(question, answer, answered=answered, opened=opened, claim_sources=list(claims),
                    failed_checks=list(failed), computed=computed)


def test_answer_context_measures_the_question_around_the_answer():
    assert answer_context(OPEN_Q, "Venice", VENICE_IN_CONTEXT) > 0.6
    assert answer_context(OPEN_Q, "Venice", VENICE_IN_PASSING) < 0.2
    assert answer_context(OPEN_Q, "Naples", VENICE_IN_CONTEXT) == 0.0      # not stated at all


def test_an_open_answer_is_as_strong_as_its_best_passage():
    in_context, why = est(OPEN_Q, "Venice", {1: VENICE_IN_CONTEXT})
    in_passing, _ = est(OPEN_Q, "Venice", {1: VENICE_IN_PASSING})
    unstated, why_not = est(OPEN_Q, "Naples", {1: VENICE_IN_CONTEXT}, failed=["unsupported"])
    two, _ = est(OPEN_Q, "Venice", {1: VENICE_IN_CONTEXT, 2: VENICE_IN_PASSING})
    assert two > in_context > in_passing > unstated == 0.20
    assert "1 source(s) read state it" in why and "verification passed" in why
    assert "no source read states the answer" in why_not and "verification failed: unsupported" in why_not


def test_a_choice_starts_at_a_coin_toss():
    q = "Who was born first, Krzysztof Zanussi or Thom Andersen?"
    assert question_kind(q) == "choice"
    page = "Krzysztof Zanussi (born 17 July 1939) is a Polish film director."
    stated, _ = est(q, "Krzysztof Zanussi", {1: page})
    computed, why = est(q, "Krzysztof Zanussi", {1: page}, computed=True)
    unmentioned, _ = est(q, "Thom Andersen", {1: page})
    # the 1.5B model's own Python comparisons were right 3 times in 15: less, not more
    assert unmentioned <= 0.3 < computed < stated and "computed by the model" in why


def test_yes_no_answers_lean_on_their_supported_claims():
    q = "Are Kiss and Tell and Shirley Temple both American?"
    assert question_kind(q) == "yes/no"
    backed, why = est(q, "yes", {}, claims=[1, 2])
    bare, _ = est(q, "yes", {})
    assert backed > bare == 0.5 and "2 source(s) quoted on what it asks" in why


def test_failed_checks_conflicts_and_limits_lower_it():
    base, _ = est(OPEN_Q, "Venice", {1: VENICE_IN_CONTEXT})
    assert est(OPEN_Q, "Venice", {1: VENICE_IN_CONTEXT}, failed=["hops"])[0] < base
    disputed, why = est(OPEN_Q, "Venice", {1: VENICE_IN_CONTEXT}, failed=["conflict"])
    assert disputed < base - 0.2 and "sources disagree" in why
    forced, why = est(OPEN_Q, "Venice", {1: VENICE_IN_CONTEXT}, answered=False)
    assert forced <= 0.35 and "a limit forced the answer" in why
    assert est(OPEN_Q, "", {1: VENICE_IN_CONTEXT}) == (0.0, "no answer")
