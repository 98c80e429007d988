"""Renders agent events as live progress on stderr, and results in the output formats."""
from __future__ import annotations

import json

from rich.console import Console
from rich.markup import escape

from .agent.loop import ActionTaken, Agent, Event, Finished, Notice, RunResult, StepStarted, ToolFinished


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
