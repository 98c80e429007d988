"""The llama.cpp backend with the real 0.5B model: grammar, token counts, KV-cache reuse."""
from __future__ import annotations

import pytest

from kresearch.agent.actions import ACTIONS, parse_step, step_schema
from kresearch.agent.loop import system_prompt
from kresearch.prompts import render

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def messages():
    return [{"role": "system", "content": system_prompt(list(ACTIONS), verify=True)},
            {"role": "user", "content": render("task", question="Who played Corliss Archer in Kiss and Tell?")}]


def make(path, **kw):
    from kresearch.llm.llamacpp import LlamaCppLLM

    return LlamaCppLLM(path, n_ctx=2048, seed=1, **kw)


def test_grammar_makes_every_step_parse_and_the_prefix_is_reused(test_model_path, messages):
    llm = make(test_model_path)
    assert llm.count_prompt(messages) > llm.count_tokens(messages[0]["content"])
    first = llm.complete(messages, schema=step_schema(["search", "answer"]), max_tokens=120)
    step = parse_step(first.text, ["search", "answer"])
    assert first.prompt_tokens_evaluated == first.prompt_tokens
    follow = messages + [{"role": "assistant", "content": first.text},
                         {"role": "user", "content": "Observation:\n[1] Kiss and Tell (1945 film): starring Shirley Temple."}]
    second = llm.complete(follow, schema=step_schema(["open", "answer"], openable=[1]), max_tokens=120)
    parse_step(second.text, ["open", "answer"])
    # only the new messages were computed; the rest came from the KV cache
    assert second.prompt_tokens_evaluated < 80 < second.prompt_tokens
    assert step.action in ("search", "answer")


def test_system_prompt_state_is_saved_and_restored_across_runs(test_model_path, messages, tmp_path):
    cold = make(test_model_path, state_dir=tmp_path)
    a = cold.complete(messages, schema=step_schema(["search"]), max_tokens=60, temperature=0.0)
    cold.llama.close()
    warm = make(test_model_path, state_dir=tmp_path)
    b = warm.complete(messages, schema=step_schema(["search"]), max_tokens=60, temperature=0.0)
    assert list(tmp_path.glob("*.kv"))
    assert a.prompt_tokens_evaluated == a.prompt_tokens
    assert b.prompt_tokens_evaluated < 60             # the system prompt came from disk
    assert a.text == b.text                           # and it is the same state
    # a corrupted state file is ignored and rebuilt, never trusted
    for f in tmp_path.glob("*.kv"):
        f.write_bytes(b"garbage")
    warm.llama.close()
    again = make(test_model_path, state_dir=tmp_path)
    c = again.complete(messages, schema=step_schema(["search"]), max_tokens=60, temperature=0.0)
    assert c.text == a.text and c.prompt_tokens_evaluated == c.prompt_tokens


def test_grammar_checked_sampling_still_forces_the_grammar(test_model_path):
    """The fast sampler checks only the sampled token; when the model wants to write something
    the grammar forbids (a ```json fence, prose), the full grammar pass must step in."""
    import json

    from kresearch.llm.sampling import GrammarCheckedSampler

    llm = make(test_model_path)
    schema = {"type": "object", "properties": {"city": {"type": "string", "maxLength": 40}},
              "required": ["city"], "additionalProperties": False}
    chat = [{"role": "user", "content": "In a markdown ```json code block, after one sentence of "
                                        "introduction, give the capital of France."}]
    for temperature in (0.0, 0.7):
        out = llm.complete(chat, schema=schema, max_tokens=40, temperature=temperature)
        assert set(json.loads(out.text)) == {"city"}
        sampler = llm.llama._sampler
        assert isinstance(sampler, GrammarCheckedSampler)
        assert sampler.rejections >= 1            # the model was steered, not lucky
    free = llm.complete(chat, max_tokens=12, temperature=0.0)  # no grammar: the library's sampler
    assert not isinstance(llm.llama._sampler, GrammarCheckedSampler)
    assert not free.text.lstrip().startswith("{")


def test_an_answer_can_be_narrowed_to_the_questions_options(test_model_path):
    llm = make(test_model_path)
    chat = [{"role": "user", "content": "Which band has more members, Band of Skulls or Live? Answer in JSON."}]
    schema = step_schema(["answer"], answer_options=["Band of Skulls", "Live"])
    out = llm.complete(chat, schema=schema, max_tokens=80, temperature=0.7)
    assert parse_step(out.text, ["answer"]).args["answer"] in ("Band of Skulls", "Live")


def test_search_queries_cannot_carry_the_prompts_placeholders(test_model_path):
    """Small models copy the example's "<composer> birthplace" as a query: the grammar leaves
    angle brackets out of queries."""
    import json

    llm = make(test_model_path)
    chat = [{"role": "user", "content": 'Write {"thought": "...", "action": "search", "args": {"queries": '
                                        '["<composer> <birthplace>"]}} exactly, with the angle brackets.'}]
    out = llm.complete(chat, schema=step_schema(["search"]), max_tokens=60, temperature=0.0)
    queries = json.loads(out.text)["args"]["queries"]
    assert queries and not any("<" in q or ">" in q for q in queries)
    assert llm.llama._sampler.rejections >= 1      # the model did try to write one
