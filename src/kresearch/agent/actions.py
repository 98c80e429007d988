"""The actions the model may take, their JSON schemas, and the step grammar built from them.

Every step the model writes one JSON object: a short thought, then one action with its
arguments. The backend turns `step_schema()` into a grammar, so even a 0.5B model always
produces something that parses; `parse_step` still validates, because a FakeLLM or a remote
server may not honour grammars.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

MAX_QUERIES = 3

# name -> (one-line description for the prompt, JSON schema of the arguments)
ACTIONS: dict[str, tuple[str, dict]] = {
    "plan": (
        "first step only: split the question into 1 to 3 short sub-questions to research in order.",
        {"type": "object", "properties": {
            "subquestions": {"type": "array", "items": {"type": "string", "minLength": 3, "maxLength": 150,
                                                        "x-exclude": "<>"},
                             "minItems": 1, "maxItems": 3}},
         "required": ["subquestions"]},
    ),
    "search": (
        f"web search; up to {MAX_QUERIES} different queries at once, run in parallel. "
        "Results are numbered sources [n]; the top ones show a passage read from the page, the "
        "rest a snippet.",
        {"type": "object", "properties": {
            # No angle brackets: small models otherwise copy the prompt's "<composer>" placeholders.
            "queries": {"type": "array", "items": {"type": "string", "minLength": 2, "maxLength": 120,
                                                   "x-exclude": "<>"},
                        "minItems": 1, "maxItems": MAX_QUERIES}},
         "required": ["queries"]},
    ),
    "open": (
        "read a source: its number (or a URL) and the page of its text (1 first). "
        "You can cite a source once you have read it here or in a search result's passage.",
        {"type": "object", "properties": {
            "source": {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string", "format": "uri", "maxLength": 300}]},
            "page": {"type": "integer", "minimum": 1}},
         "required": ["source", "page"]},
    ),
    "find": (
        "find a word or phrase inside a source you opened; shows matching passages and their pages.",
        {"type": "object", "properties": {
            "source": {"type": "integer", "minimum": 1},
            "text": {"type": "string", "minLength": 1, "maxLength": 80}},
         "required": ["source", "text"]},
    ),
    "python": (
        "run Python 3 code in a sandbox (no network, no files outside a temp dir) and see what it "
        "prints; use it for arithmetic, dates and comparisons.",
        {"type": "object", "properties": {"code": {"type": "string", "minLength": 1, "maxLength": 1500}},
         "required": ["code"]},
    ),
    "note": (
        "write down a key fact you found, with its source number, e.g. \"Tosca was composed by "
        "Puccini [1]\". Notes stay in view for the whole run, even when old pages are set aside.",
        {"type": "object", "properties": {"text": {"type": "string", "minLength": 3, "maxLength": 300}},
         "required": ["text"]},
    ),
    "answer": (
        "give the final short answer (a name, number, date, yes/no or short phrase) once the sources "
        "you read support it.",
        {"type": "object", "properties": {"answer": {"type": "string", "minLength": 1, "maxLength": 300}},
         "required": ["answer"]},
    ),
}

THOUGHT_SCHEMA = {"type": "string", "maxLength": 300}


def step_schema(allowed: list[str], openable: list[int] | None = None,
                answer_options: list[str] | None = None) -> dict:
    """JSON schema of one step: {"thought": ..., "action": name, "args": {...}} for the allowed
    actions. `openable` narrows `open` to those source numbers (or a URL), so the model cannot
    reopen what it has already read in full; `answer_options` narrows `answer` to those exact
    strings (the two options of an "A or B?" question, or yes/no)."""
    def args(name: str) -> dict:
        schema = ACTIONS[name][1]
        if name == "answer" and answer_options:
            return {**schema, "properties": {"answer": {"enum": list(answer_options)}}}
        if name == "open" and openable:
            source = {"anyOf": [{"enum": sorted(openable)}, schema["properties"]["source"]["anyOf"][1]]}
            schema = {**schema, "properties": {**schema["properties"], "source": source}}
        return schema

    variants = [{
        "type": "object",
        "properties": {"thought": THOUGHT_SCHEMA, "action": {"const": name}, "args": args(name)},
        "required": ["thought", "action", "args"],
    } for name in allowed]
    return variants[0] if len(variants) == 1 else {"oneOf": variants}


def describe(allowed: list[str]) -> str:
    """The tool list for the system prompt (stable text: it sits at the front of the KV cache)."""
    lines = []
    for name in allowed:
        description, schema = ACTIONS[name]
        args = ", ".join(f'"{k}"' for k in schema["properties"])
        lines.append(f"- {name} {{{args}}}: {description}")
    return "\n".join(lines)


@dataclass
class Step:
    thought: str
    action: str
    args: dict

    def key(self) -> str:
        """Identity of the action, to notice when the model repeats itself."""
        return self.action + json.dumps(self.args, sort_keys=True)


class ActionError(ValueError):
    """The model's output is not a valid step; the message is shown to the model."""


def parse_step(text: str, allowed: list[str]) -> Step:
    text = text.strip()
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise ActionError("write one JSON object with thought, action and args")
    try:
        data = json.loads(text[start:end + 1])
    except json.JSONDecodeError as e:
        raise ActionError(f"the JSON did not parse ({e.msg}); write one JSON object") from e
    if not isinstance(data, dict):
        raise ActionError("write one JSON object with thought, action and args")
    action = data.get("action")
    if action not in allowed:
        raise ActionError(f"unknown action {action!r}; choose one of: {', '.join(allowed)}")
    args = data.get("args")
    if not isinstance(args, dict):
        raise ActionError("args must be an object")
    for name in ACTIONS[action][1].get("required", []):
        if name not in args:
            raise ActionError(f"{action} needs the argument {name!r}")
    return Step(thought=str(data.get("thought", ""))[:1000], action=action, args=args)
