"""Renders agent events as live progress on stderr, and results in the output formats."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import IO

from rich.console import Console
from rich.markup import escape

from .agent.events import ActionTaken, Event, Finished, Notice, RunResult, StepStarted, ToolFinished
from .agent.loop import Agent


def _args_preview(action: str, args: dict) -> str:
    if action == "search":
        return " | ".join(repr(q) for q in args.get("queries", []))
    if action == "open":
        return f"{args.get('source')} p{args.get('page', 1)}"
    if action == "find":
        return f"{args.get('text')!r} in [{args.get('source')}]"
    if action == "python":
        return (str(args.get("code", "")).splitlines() or [""])[0][:60]
    return str(args.get("answer", ""))[:80]


class ProgressPrinter:
    """One line per step on stderr: step, action, sources found and opened, tokens, time."""

    def __init__(self, console: Console, agent: Agent):
        self.console = console
        self.agent = agent

    def __call__(self, event: Event) -> None:
        st = self.agent.stats
        if isinstance(event, StepStarted):
            return
        if isinstance(event, ActionTaken):
            self.console.print(f"[bold]{event.step:>2}[/bold] [cyan]{event.action:<6}[/cyan] "
                               f"{escape(_args_preview(event.action, event.args))}", highlight=False)
        elif isinstance(event, ToolFinished):
            sources = len(self.agent.sources)
            opened = len(self.agent.sources.opened())
            self.console.print(
                f"   [dim]→ {escape(event.summary)} · {sources} sources, {opened} read · "
                f"prompt {st.peak_prompt_tokens:,} peak, {st.prompt_tokens_evaluated:,}/{st.prompt_tokens:,} "
                f"computed · {st.llm_seconds + st.tool_seconds:.0f}s[/dim]", highlight=False)
        elif isinstance(event, Notice):
            self.console.print(f"   [yellow]{escape(event.message)}[/yellow]", highlight=False)
        elif isinstance(event, Finished):
            r = event.result
            self.console.print(f"[bold]done[/bold]: {r.stopped_because} in {r.stats['wall_seconds']:.0f}s, "
                               f"{r.stats['steps']} steps, {r.stats['llm_calls']} model calls", highlight=False)


def format_result(result: RunResult, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(result.as_json(), ensure_ascii=False)
    if fmt == "text":
        return result.answer
    return result.report.rstrip("\n")


# -- tables for `config show` and `doctor`: rich in a terminal, plain aligned text otherwise ----

def plain_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows)]
    lines = ["  ".join(str(x).ljust(w) for x, w in zip(row, widths)).rstrip() for row in [headers, *rows]]
    return "\n".join(lines) + "\n"


def print_table(headers: list[str], rows: list[list[str]], out: IO[str], no_color: bool,
                styles: dict[str, str] | None = None) -> None:
    if not (hasattr(out, "isatty") and out.isatty()):
        out.write(plain_table(headers, rows))
        return
    from rich.table import Table

    table = Table(show_edge=False, pad_edge=False)
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*[f"[{styles[x]}]{escape(x)}[/]" if styles and x in styles else escape(str(x)) for x in row])
    Console(file=out, no_color=no_color, highlight=False).print(table)


def settings_table(settings, origin: dict[str, str], config_file: Path, home_dir: Path, as_json: bool,
                   out: IO[str], no_color: bool) -> None:
    values = asdict(settings)
    if values.get("api_key"):
        values["api_key"] = "(set, not shown)"    # a secret: never printed
    if as_json:
        out.write(json.dumps({"settings": values, "origin": origin, "config_file": str(config_file),
                              "config_file_exists": config_file.exists(), "home": str(home_dir)}) + "\n")
        return
    rows = [[name, _setting_text(name, value), origin.get(name, "default")] for name, value in values.items()]
    print_table(["setting", "value", "from"], rows, out, no_color)
    out.write(f"\nconfig file: {config_file}{'' if config_file.exists() else ' (not present)'}\n"
              f"home (cache, traces, sessions, models): {home_dir}\n")


# settings whose 0 means "chosen at run time": the step limit, sub-agents, the token budget
_AUTOMATIC_AT_ZERO = ("max_steps", "agents", "budget")


def _setting_text(name: str, value) -> str:
    if isinstance(value, (bool, str)):
        return json.dumps(value)
    return "0 (automatic)" if value == 0 and name in _AUTOMATIC_AT_ZERO else str(value)


def checks_table(checks, as_json: bool, out: IO[str], no_color: bool) -> None:
    if as_json:
        for check in checks:
            out.write(json.dumps(check.as_json()) + "\n")
        return
    rows = [[c.name, c.status, c.detail, c.fix] for c in checks]
    print_table(["check", "status", "detail", "fix"], rows, out, no_color,
                styles={"ok": "green", "warn": "yellow", "fail": "bold red"})
