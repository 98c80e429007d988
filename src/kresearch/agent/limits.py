"""Fixed limits of a run, shared by the loop and both policies."""
STEP_MAX_TOKENS = 600
RESEARCH_SHARE = 0.85         # of --max-time for research; the rest is for the answer
MIN_WORKING_ROOM = 400        # prompt tokens beyond the pinned ones that one step needs at least
ANSWER_STEPS = 12            # steps of a short answer when --max-steps is automatic (0)
SEARCHES_PER_ASPECT = 2      # a report's research when --max-steps is automatic: each aspect
                             # searched, and searched again, broader, when still uncovered


def steps_for(max_steps: int, aspects: int | None = None) -> int:
    """The step limit of a run: --max-steps when set; else ANSWER_STEPS for a short answer, and
    for a report the question's search and the outline plus SEARCHES_PER_ASPECT per aspect (a
    fixed 12 cut the second search of 8-aspect reports and ended them as partial, with time
    left)."""
    if max_steps:
        return max_steps
    return ANSWER_STEPS if aspects is None else 2 + SEARCHES_PER_ASPECT * aspects
