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


def test_schema_converts_to_a_grammar_llama_cpp_accepts():
    from llama_cpp import LlamaGrammar

    from kresearch.llm.grammar import schema_to_gbnf

    for schema in (step_schema(list(ACTIONS)), step_schema(["open", "answer"], openable=[2, 5, 11])):
        gbnf = schema_to_gbnf(schema)
        assert gbnf.startswith("root ::= ")
        LlamaGrammar.from_string(gbnf, verbose=False)   # raises on a grammar llama.cpp rejects


def test_open_can_be_narrowed_to_unread_sources():
    schema = step_schema(["open"], openable=[3, 1])
    assert schema["properties"]["args"]["properties"]["source"]["anyOf"][0] == {"enum": [1, 3]}
