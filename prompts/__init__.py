"""Prompt templates, shipped inside the package (kresearch.prompts) and filled with $names."""
from __future__ import annotations

from functools import cache
from importlib import resources
from string import Template


@cache
def _template(name: str) -> Template:
    return Template(resources.files(__name__).joinpath(f"{name}.md").read_text(encoding="utf-8"))


def render(name: str, **values: object) -> str:
    return _template(name).substitute(**{k: str(v) for k, v in values.items()}).strip()


def with_examples(system: str, examples: list[tuple[str, str]], request: str) -> list[dict]:
    """A request after worked examples given as earlier turns of the conversation (each a user
    request and the assistant's reply): a small model copies an example written inside the
    request, and follows one shown as a turn."""
    messages = [{"role": "system", "content": system}]
    for asked, reply in examples:
        messages += [{"role": "user", "content": asked}, {"role": "assistant", "content": reply}]
    return messages + [{"role": "user", "content": request}]
