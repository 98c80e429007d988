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
