"""Fixed limits of a run, shared by the loop and both policies."""
STEP_MAX_TOKENS = 600
RESEARCH_SHARE = 0.85         # of --max-time for research; the rest is for the answer
MIN_WORKING_ROOM = 400        # prompt tokens beyond the pinned ones that one step needs at least
