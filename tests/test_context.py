"""ContextManager: the assembled prompt never exceeds the budget; pinned segments survive."""
from hypothesis import given, settings, strategies as st

from kresearch.agent.context import ContextManager, ContextOverflow, stem, stems
from kresearch.llm.base import FakeLLM

LLM = FakeLLM([])


def make(budget: int) -> ContextManager:
    ctx = ContextManager(LLM.count_tokens, LLM.count_prompt, budget, "who played Corliss Archer")
    ctx.add("system", "system", "system prompt " * 20, 0, pinned=True)
    ctx.add("user", "task", "Question: who played Corliss Archer", 0, pinned=True)
    return ctx


@settings(max_examples=150, deadline=None)
@given(budget=st.integers(200, 3000),
       segments=st.lists(st.tuples(st.sampled_from(["search", "page", "find", "python", "error", "note"]),
                                   st.integers(1, 400), st.integers(1, 40)), max_size=25))
def test_prompt_fits_budget_or_overflows_explicitly(budget, segments):
    ctx = make(budget)
    for step, (kind, size, source) in enumerate(segments, 1):
        ctx.add("assistant", "action", f"action {step}", step)
        text = f"note [{source}] " + "fact " * min(size, 30) if kind == "note" else "word " * size
        ctx.add("user", kind, text, step, source_ids=(source,), stub=f"[{source}] set aside")
        notes_before = {id(s) for s in ctx.segments if s.kind == "note" and s.evicted}
        try:
            ctx.fit(step)
        except ContextOverflow:
            assert all(s.evicted for s in ctx.segments if s.kind in ("search", "page", "find", "python", "error"))
            continue
        assert ctx.prompt_tokens() <= budget
        assert not any(s.evicted for s in ctx.segments if s.pinned)
        # compaction is the last resort of the fit that does it: a note is shortened only when every
        # observation is set aside (a segment added by a later step may fit beside the compacted notes)
        if any(s.evicted and id(s) not in notes_before for s in ctx.segments if s.kind == "note"):
            assert all(s.evicted for s in ctx.segments if s.kind in ("search", "page", "find", "python", "error"))
        for s in ctx.segments:
            if s.evicted and s.source_ids:
                assert f"[{s.source_ids[0]}]" in s.content  # evicted sources stay reachable by number


def test_eviction_drops_least_important_first_and_in_batches():
    ctx = make(300)
    ctx.add("user", "search", "unrelated results " * 40, 1, stub="s1")
    ctx.add("user", "page", "Corliss Archer was played by Shirley Temple " * 10, 2, stub="p2")
    ctx.add("user", "search", "more unrelated results " * 30, 3, stub="s3")
    ctx.add("user", "page", "newest page " * 20, 4, stub="p4")
    before = ctx.prompt_tokens()
    assert before > 300
    evicted = ctx.fit(5)
    assert evicted == 2
    assert ctx.segments[2].evicted and ctx.segments[4].evicted    # the search lists go first
    assert not ctx.segments[3].evicted and not ctx.segments[5].evicted
    assert ctx.prompt_tokens() <= 300 * 0.7                      # one batch, down to the low-water mark


def test_importance_signals():
    ctx = make(10_000)
    unrelated = ctx.add("user", "page", "cooking recipes and gardening tips " * 5, 1, source_ids=(1,))
    relevant = ctx.add("user", "page", "Corliss Archer was played by Shirley Temple", 1, source_ids=(2,),
                       score_text="Corliss Archer was played by Shirley Temple")
    reminder = ctx.add("user", "page", "nothing here. Question: who played Corliss Archer", 1, source_ids=(3,),
                       score_text="nothing here.")
    assert ctx.importance(relevant, 2) > ctx.importance(unrelated, 2)
    assert ctx.importance(reminder, 2) == ctx.importance(ctx.add("user", "page", "nothing here.", 1), 2)
    before = ctx.importance(unrelated, 2)
    ctx.add("assistant", "note", "see [1]", 2)
    assert ctx.importance(unrelated, 2) == before + 0.5          # cited by a note
    old = ctx.importance(relevant, 3)
    ctx.add("user", "find", "Corliss Archer was played by Shirley Temple", 3)
    assert ctx.importance(relevant, 3) < old                     # redundant with a newer segment
    assert ctx.importance(relevant, 3) > ctx.importance(relevant, 20) - 1  # recency only decays


def test_a_page_a_note_cites_outlives_an_uncited_one():
    ctx = make(400)
    cited = ctx.add("user", "page", "filler text " * 100, 1, source_ids=(1,), stub="[1] set aside")
    uncited = ctx.add("user", "page", "filler text " * 100, 1, source_ids=(2,), stub="[2] set aside")
    ctx.add("assistant", "note", "the key fact [1]", 2)
    ctx.add("user", "page", "newest " * 20, 3, source_ids=(3,), stub="[3] set aside")
    assert ctx.fit(3) >= 1
    assert uncited.evicted and not cited.evicted


def test_irregular_plurals_stem_as_their_singular():
    from kresearch.agent.context import stems
    assert stems("genera") == stems("genus") and stems("women") == stems("woman")
    assert stems("Phenomena") == stems("phenomenon") and stems("children") == stems("child")
    assert stems("lives") == stems("live")          # a verb too: not taken for "life"
    assert stems("films") == stems("film")


def test_a_final_y_and_its_plural_have_one_stem():
    # "Are A and B both American documentaries?" asks "Is A an American documentary?" of each
    for singular, plural in (("documentary", "documentaries"), ("country", "countries"), ("city", "cities"),
                             ("company", "companies"), ("study", "studied")):
        assert stem(singular) == stem(plural)
    assert stem("day") == "day" and stem("play") == stem("plays")     # a vowel before the -y: kept
    assert stems("Are both American documentaries?") >= stems("Is it an American documentary?")
