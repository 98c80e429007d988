import json

import pytest

from kresearch.agent.actions import ACTIONS, ActionError, describe, parse_step, step_schema


def test_step_schema_has_one_variant_per_action():
    schema = step_schema(["search", "open", "answer"])
    assert [v["properties"]["action"]["const"] for v in schema["oneOf"]] == ["search", "open", "answer"]
    assert step_schema(["answer"])["properties"]["action"] == {"const": "answer"}


def test_parse_step_accepts_valid_and_surrounding_text():
    s = parse_step('ok {"thought": "t", "action": "search", "args": {"queries": ["a b"]}} done', ["search"])
    assert s.action == "search" and s.args == {"queries": ["a b"]}


@pytest.mark.parametrize("text,message", [
    ("nothing", "one JSON object"),
    ('{"action": "search", "args": {"queries": [}', "did not parse"),
    ('{"action": "fly", "args": {}}', "unknown action"),
    ('{"action": "search", "args": {}}', "needs the argument"),
    ('{"action": "search", "args": []}', "args must be an object"),
])
def test_parse_step_rejects_with_a_message_for_the_model(text, message):
    with pytest.raises(ActionError, match=message):
        parse_step(text, ["search"])


def test_describe_is_stable_and_lists_arguments():
    text = describe(list(ACTIONS))
    assert text == describe(list(ACTIONS))
    assert '- search {"queries"}' in text


def test_schema_converts_to_a_llama_grammar():
    llama_grammar = pytest.importorskip("llama_cpp.llama_grammar")
    gbnf = llama_grammar.json_schema_to_gbnf(json.dumps(step_schema(list(ACTIONS))))
    assert "root" in gbnf
