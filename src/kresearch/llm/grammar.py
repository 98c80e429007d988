"""JSON schema (the small subset the actions use) -> llama.cpp GBNF grammar.

llama-cpp-python's own converter expands `maxLength` into deeply nested optional rules that
the grammar parser rejects for a few hundred characters. GBNF's `{m,n}` repetition keeps
bounded strings cheap, so we write the grammar ourselves. Whitespace is at most one space:
small models otherwise sometimes emit newlines forever, and compact JSON is fewer tokens.

Supported: object (properties in order, all required), string (minLength/maxLength;
format "uri" = an http(s) URL; our own "x-exclude": characters the string may not contain),
integer (minimum >= 0 or not), boolean, array (items, minItems/maxItems), const, enum,
anyOf/oneOf.
"""
from __future__ import annotations

import json

_BASE = r'''ws ::= " "?
char ::= [^"\\\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4})
integer ::= "-"? [0-9]{1,15}
natural ::= [0-9]{1,15}
boolean ::= "true" | "false"
'''


def _literal(value: object) -> str:
    """A GBNF string literal matching the JSON text of `value`."""
    text = json.dumps(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Builder:
    def __init__(self) -> None:
        self.rules: dict[str, str] = {}

    def rule(self, name: str, body: str) -> str:
        base, n = name, 1
        while name in self.rules and self.rules[name] != body:
            n += 1
            name = f"{base}{n}"
        self.rules[name] = body
        return name

    def visit(self, schema: dict, name: str) -> str:
        if "const" in schema:
            return _literal(schema["const"])
        if "enum" in schema:
            return "(" + " | ".join(_literal(v) for v in schema["enum"]) + ")"
        for key in ("anyOf", "oneOf"):
            if key in schema:
                options = [self.rule(f"{name}-{i}", self.visit(s, f"{name}-{i}")) for i, s in enumerate(schema[key])]
                return "(" + " | ".join(options) + ")"
        kind = schema.get("type")
        if kind == "object":
            parts = []
            for prop, sub in schema.get("properties", {}).items():
                value = self.rule(f"{name}-{prop}", self.visit(sub, f"{name}-{prop}"))
                parts.append(f'{_literal(prop)} ws ":" ws {value}')
            inner = ' "," ws '.join(parts)
            return f'"{{" ws {inner} ws "}}"' if parts else '"{" ws "}"'
        if kind == "string" and schema.get("format") == "uri":
            return f'"\\"http" "s"? "://" char{{1,{schema.get("maxLength", 300)}}} "\\""'
        if kind == "string":
            lo, hi = schema.get("minLength", 0), schema.get("maxLength")
            rep = f"{{{lo},{hi}}}" if hi is not None else ("+" if lo else "*")
            char = "char"
            if schema.get("x-exclude"):
                banned = "".join(f"\\x{ord(c):02X}" for c in schema["x-exclude"])
                char = self.rule("char-x" + "".join(f"{ord(c):02x}" for c in schema["x-exclude"]),
                                 f'[^"\\\\\\x7F\\x00-\\x1F{banned}] | "\\\\" (["\\\\/bfnrt] | "u" [0-9a-fA-F]{{4}})')
            return f'"\\"" {char}{rep} "\\""'
        if kind == "integer":
            return "natural" if schema.get("minimum", -1) >= 0 else "integer"
        if kind == "boolean":
            return "boolean"
        if kind == "array":
            item = self.rule(f"{name}-item", self.visit(schema["items"], f"{name}-item"))
            lo, hi = schema.get("minItems", 0), schema.get("maxItems")
            more_hi = "" if hi is None else str(max(0, hi - 1))
            more = f'("," ws {item}){{{max(0, lo - 1)},{more_hi}}}'
            body = f"{item} {more}"
            return f'"[" ws {body} ws "]"' if lo >= 1 else f'"[" ws ({body})? ws "]"'
        raise ValueError(f"unsupported schema for a grammar: {schema}")


def schema_to_gbnf(schema: dict) -> str:
    builder = _Builder()
    root = builder.visit(schema, "value")
    lines = [f"root ::= {root}"] + [f"{name} ::= {body}" for name, body in builder.rules.items()]
    return "\n".join(lines) + "\n" + _BASE
