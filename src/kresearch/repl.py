"""Interactive session: `kresearch repl` (or bare `kresearch` in a terminal).

One model, one Session and ONE toolbox for the whole session: a follow-up question reuses the
sources found and the pages read so far (they keep their numbers, so the report may cite them),
and starts from a short background of the earlier turns (question, answer, sources read).

    question        research it (progress on stderr, then the report)
    /command        see COMMANDS; any unique prefix works (/so = /sources)

Ctrl-C during research stops it and shows the partial report; a second Ctrl-C within two
seconds, or Ctrl-D at the prompt, leaves. The session is saved after every turn under
home()/sessions/ and reopens with `kresearch repl --resume [ID]`.
"""
from __future__ import annotations

import json
import os
import re
import sys
import time
from dataclasses import asdict, fields
from pathlib import Path
from typing import IO, Callable

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .config import Settings, home
from .errors import KResearchError
from .runs import background_from_turns, clean_question, index_docs, run_question
from .session import Session
from . import session_store as store

DOUBLE_INTERRUPT_SECONDS = 2.0
PROMPT = "kresearch> "

COMMANDS: dict[str, tuple[str, str]] = {     # name -> (usage, help)
    "sources": ("/sources", "the sources of this session: number, read/cited, title, URL"),
    "open": ("/open N", "the text of source N (read from the cache, or fetched if never opened)"),
    "report": ("/report", "the last report again"),
    "save": ("/save FILE", "save the last result: FILE.json = the JSON result, anything else = Markdown"),
    "budget": ("/budget", "token use of the last research context by segment kind, and the budget"),
    "model": ("/model", "model path, context size, GPU offload, threads"),
    "new": ("/new", "start a fresh session (no sources, no history)"),
    "help": ("/help", "this list"),
    "exit": ("/exit", "leave (Ctrl-D does too)"),
}


def match_command(word: str) -> tuple[str | None, list[str]]:
    """(command, []) for an exact or unique-prefix match, else (None, candidates)."""
    word = word.lower()
    if word in COMMANDS:
        return word, []
    candidates = [name for name in COMMANDS if name.startswith(word)] if word else []
    if len(candidates) == 1:
        return candidates[0], []
    return None, candidates


def merge_settings(saved: dict, current: Settings, origin: dict[str, str]) -> Settings:
    """A resumed session runs with its saved settings, except what is set now (flag, env, file)."""
    merged = Settings(**{f.name: getattr(current, f.name) for f in fields(Settings)})
    for f in fields(Settings):
        if origin.get(f.name, "default") == "default" and f.name in saved:
            setattr(merged, f.name, saved[f.name])
    merged.validate()
    return merged


def report_markdown(report: str):
    """The report as rich Markdown, with each reference on its own line."""
    from rich.markdown import Markdown

    text = re.sub(r"(?m)^(\[\d+\] .*)$", r"\1  ", report)   # hard line breaks between references
    return Markdown(text)


class Repl:
    def __init__(self, settings: Settings, *, llm=None, out: Console, err: Console,
                 saved: store.SavedSession | None = None):
        self.settings = settings
        self.session = Session(settings, llm=llm)
        self.out, self.err = out, err
        self.agent = None                   # the last question's agent (for /budget)
        self._last_interrupt = float("-inf")
        self._reread_pages = False
        self.start_fresh()
        if saved is not None:
            self._restore(saved)

    # -- state -------------------------------------------------------------------------------

    def start_fresh(self) -> None:
        self.id = store.new_session_id()
        self.created = time.time()
        self.toolbox = self.session.toolbox()
        self.turns: list[dict] = []
        self.agent = None
        self._reread_pages = False

    def _restore(self, saved: store.SavedSession) -> None:
        self.id, self.created = saved.id, saved.created
        self.turns = list(saved.turns)
        self.toolbox.sources = store.restore_registry(saved.sources)
        self.toolbox.pages_seen = {int(k): set(v) for k, v in saved.pages_seen.items()}
        self._reread_pages = any(s.opened for s in self.toolbox.sources.all())

    def save(self) -> Path:
        return store.save(store.SavedSession(
            id=self.id, settings={k: v for k, v in asdict(self.settings).items() if k != "api_key"},  # no secrets on disk
            turns=self.turns, created=self.created,
            sources=[s.as_json() for s in self.toolbox.sources.all()],
            pages_seen={str(k): sorted(v) for k, v in self.toolbox.pages_seen.items()}))

    def _reread_opened_pages(self) -> None:
        """After --resume: the pages read earlier come back from the page cache (a page that is
        no longer cached is fetched again; one that fails stays unread for the model)."""
        self._reread_pages = False
        for source in self.toolbox.sources.opened():
            if source.id in self.toolbox.docs:
                continue
            try:
                self.toolbox.restore_doc(source.id, self.session.browser.load(source.url))
            except KResearchError as e:
                self.err.print(f"[yellow]could not reread [{source.id}] {escape(source.url)}: {escape(str(e))}[/yellow]")

    # -- interrupts --------------------------------------------------------------------------

    def interrupt_leaves(self) -> bool:
        """Record a Ctrl-C; True when it is the second within DOUBLE_INTERRUPT_SECONDS."""
        now = time.monotonic()
        leave = now - self._last_interrupt < DOUBLE_INTERRUPT_SECONDS
        self._last_interrupt = now
        return leave

    # -- input -------------------------------------------------------------------------------

    def handle(self, line: str) -> bool:
        """Run one line (a question or a /command). False means: leave."""
        text = line.strip()
        if not text:
            return True
        if text.startswith("/"):
            word, _, arg = text[1:].partition(" ")
            name, candidates = match_command(word)
            if name is None:
                if candidates:
                    self.out.print(f"/{escape(word)} is ambiguous: " + ", ".join(f"/{c}" for c in candidates))
                else:
                    self.out.print(f"unknown command /{escape(word)}; /help lists the commands")
                return True
            return getattr(self, f"cmd_{name}")(arg.strip()) is not False
        self.ask(text)
        return True

    def ask(self, text: str) -> None:
        try:
            question = clean_question(text)
            llm = self._llm()
            if self._reread_pages:
                self._reread_opened_pages()
            background = background_from_turns(self.turns, [s.as_json() for s in self.toolbox.sources.opened()])
            result, self.agent = run_question(self.session, llm, question, self.err, toolbox=self.toolbox,
                                              background=background)
        except KResearchError as e:
            self.out.print(f"[red]error: {escape(str(e))}[/red]")
            return
        self.turns.append(result.as_json())
        try:
            path = self.save()
        except OSError as e:
            self.out.print(f"[yellow]could not save the session: {escape(str(e))}[/yellow]")
            path = None
        if result.error:
            self.out.print(f"[red]error: {escape(result.error)}[/red]")
        self.out.print(report_markdown(result.report))
        if result.stopped_because == "interrupted":
            self.interrupt_leaves()
            self.out.print("[yellow]interrupted: the partial report is above and everything found is kept. "
                           "Ctrl-C again within 2 s, or Ctrl-D, leaves.[/yellow]")
        elif path is not None:
            self.err.print(f"[dim]session {self.id} saved · {len(self.turns)} turn(s)[/dim]")

    def _llm(self):
        if not self.session.llm_loaded:
            self.err.print(f"[dim]loading model {escape(self.settings.model)} …[/dim]")
            llm = self.session.llm(progress=not self.err.quiet)
            self.err.print(f"[dim]model ready in {self.session.model_load_seconds:.1f}s[/dim]")
            return llm
        return self.session.llm()

    # -- commands ----------------------------------------------------------------------------

    def cmd_help(self, arg: str) -> None:
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column(style="bold")
        table.add_column()
        for usage, text in COMMANDS.values():
            table.add_row(usage, text)
        self.out.print("Type a question to research it; a follow-up builds on what this session found.\n"
                       "A new line: Esc then Enter, or end the line with \\. Commands may be shortened "
                       "(/so = /sources).")
        self.out.print(table)

    def cmd_exit(self, arg: str) -> bool:
        return False

    def cmd_sources(self, arg: str) -> None:
        sources = self.toolbox.sources.all()
        if not sources:
            self.out.print("no sources yet")
            return
        table = Table(show_edge=False, pad_edge=False)
        for name in ("#", "status", "title", "url"):
            table.add_column(name, overflow="fold")
        for s in sources:
            status = "cited" if s.cited else "read" if s.opened else "failed" if s.error else ""
            table.add_row(str(s.id), status, escape(s.title), escape(s.url))
        self.out.print(table)

    def cmd_open(self, arg: str) -> None:
        if not arg.strip().lstrip("[").rstrip("]").isdigit():
            self.out.print("usage: /open N (a source number from /sources)")
            return
        number = int(arg.strip().lstrip("[").rstrip("]"))
        source = self.toolbox.sources.get(number)
        if source is None:
            self.out.print(f"there is no source [{number}]; /sources lists them")
            return
        doc = self.toolbox.docs.get(number)
        if doc is None:
            try:
                doc = self.session.browser.load(source.url)
            except KResearchError as e:
                self.out.print(f"[red]cannot read [{number}] {escape(source.url)}: {escape(str(e))}[/red]")
                return
        self.out.print(f"[bold][{number}] {escape(doc.title or source.title)}[/bold] — {escape(source.url)}\n")
        self.out.print(doc.text, markup=False, highlight=False)

    def _last(self) -> dict | None:
        if not self.turns:
            self.out.print("no report yet: ask a question first")
            return None
        return self.turns[-1]

    def cmd_report(self, arg: str) -> None:
        if (turn := self._last()) is not None:
            self.out.print(report_markdown(turn["report"]))

    def cmd_save(self, arg: str) -> None:
        if not arg:
            self.out.print("usage: /save FILE (.json for the JSON result, else Markdown)")
            return
        if (turn := self._last()) is None:
            return
        path = Path(arg).expanduser()
        text = json.dumps(turn, ensure_ascii=False, indent=2) if path.suffix.lower() == ".json" else turn["report"]
        try:
            path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
        except OSError as e:
            self.out.print(f"[red]cannot write {escape(str(path))}: {escape(e.strerror or str(e))}[/red]")
            return
        self.out.print(f"saved {escape(str(path))}")

    def cmd_budget(self, arg: str) -> None:
        if self.agent is None or getattr(self.agent, "context", None) is None:
            budget = self.settings.budget or f"context − 600 (context {self.settings.ctx})"
            self.out.print(f"no research context yet in this session; budget {budget}")
            return
        ctx, budget = self.agent.context, self.agent.config.budget
        table = Table(show_edge=False, pad_edge=False)
        table.add_column("segment kind")
        table.add_column("tokens", justify="right")
        table.add_column("share", justify="right")
        by_kind = ctx.tokens_by_kind()
        total = sum(by_kind.values())
        for kind, tokens in sorted(by_kind.items(), key=lambda kv: -kv[1]):
            table.add_row(kind, f"{tokens:,}", f"{tokens / max(1, total):.0%}")
        table.add_row("total (segments)", f"{total:,}", "")
        self.out.print(table)
        self.out.print(f"rendered prompt {ctx.prompt_tokens():,} tokens of a {budget:,} budget "
                       f"(peak {self.agent.stats.peak_prompt_tokens:,}; {ctx.evictions} set aside)")

    def cmd_model(self, arg: str) -> None:
        s = self.settings
        if not self.session.llm_loaded:
            self.out.print(f"model {escape(s.model)} (loads with the first question) · context {s.ctx}")
            return
        llm = self.session.llm()
        path = self.session.model_path or getattr(llm, "name", "?")
        gpu = getattr(llm, "gpu", None)
        threads = getattr(llm, "n_threads", None)
        self.out.print(f"model    {escape(str(path))}\ncontext  {llm.n_ctx:,} tokens\n"
                       f"GPU      {'n/a' if gpu is None else 'yes' if gpu else 'no (CPU)'}\n"
                       f"threads  {threads if threads is not None else 'n/a'}")

    def cmd_new(self, arg: str) -> None:
        self.start_fresh()
        self.out.print(f"new session {self.id}: no sources, no history")

    # -- loop --------------------------------------------------------------------------------

    def banner(self, resumed: bool) -> None:
        if resumed:
            self.out.print(f"resumed session {self.id}: {len(self.turns)} earlier question(s), "
                           f"{len(self.toolbox.sources)} source(s)")
            for i, turn in enumerate(self.turns, 1):
                self.out.print(f"  Q{i}: {escape(turn.get('question', ''))}\n  A{i}: "
                               f"{escape(turn.get('answer') or '(no answer)')}")
        else:
            self.out.print(f"kresearch session {self.id} · model {escape(self.settings.model)}")
        self.out.print("[dim]Ask a question; /help for commands; Esc+Enter or a trailing \\ for a new line; "
                       "Ctrl-D to leave.[/dim]")

    def loop(self, read: Callable[[], str]) -> None:
        # A Ctrl-C may land anywhere: at the prompt, during research, between the two, or while
        # the first one is being answered (a loaded machine is slow to show the prompt again);
        # wherever it lands it counts, and none escapes as an exit by interrupt.
        while True:
            reading = True
            try:
                try:
                    line = read()
                except EOFError:
                    break
                reading = False
                if not self.handle(line):
                    break
            except KeyboardInterrupt:
                try:
                    if self.interrupt_leaves():
                        break
                    self.out.print("[dim](Ctrl-C again within 2 s, or Ctrl-D, leaves)[/dim]" if reading
                                   else "[yellow]interrupted[/yellow]")
                except KeyboardInterrupt:
                    break                    # a second one while the first is answered

    def close(self) -> None:
        self.session.close()


def _prompt_reader(input=None, output=None) -> Callable[[], str]:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.application.current import get_app
    from prompt_toolkit.filters import Condition
    from prompt_toolkit.history import FileHistory
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()

    @bindings.add("escape", "enter")
    def _newline(event) -> None:
        event.current_buffer.insert_text("\n")

    @Condition
    def _continued() -> bool:
        buffer = get_app().current_buffer
        return buffer.document.is_cursor_at_the_end and buffer.text.endswith("\\")

    @bindings.add("enter", filter=_continued)
    def _backslash_newline(event) -> None:
        event.current_buffer.delete_before_cursor(1)
        event.current_buffer.insert_text("\n")

    path = home() / "history"
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))   # questions are private
    prompt = PromptSession(history=FileHistory(str(path)), key_bindings=bindings, input=input, output=output,
                           prompt_continuation="... ")
    return lambda: prompt.prompt(PROMPT)


def _plain_reader(stream: IO[str], out: Console) -> Callable[[], str]:
    """Without a terminal (stdin piped): one line per question or command, no line editing."""
    def read() -> str:
        if out.is_terminal:
            out.print(PROMPT, end="")
        line = stream.readline()
        if not line:
            raise EOFError
        return line
    return read


def run_repl(settings: Settings, *, llm=None, input=None, output=None, stdout: IO[str] | None = None,
             stderr: IO[str] | None = None, quiet: bool = False, resume: str | None = None,
             resume_latest: bool = False, origin: dict[str, str] | None = None) -> int:
    """Run the interactive session until /exit, Ctrl-D or a double Ctrl-C. `llm` replaces the
    model (tests); `input`/`output` are prompt_toolkit Input/Output objects (tests drive the
    prompt with a pipe input); `stdout`/`stderr` receive the rendered text."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    no_color = bool(os.environ.get("NO_COLOR"))
    out = Console(file=stdout, no_color=no_color, highlight=False)
    err_tty = stderr.isatty() if hasattr(stderr, "isatty") else False
    err = Console(file=stderr, no_color=no_color, highlight=False, quiet=quiet or not err_tty)
    saved = None
    if resume is not None or resume_latest:
        saved = store.load(resume)
        settings = merge_settings(saved.settings, settings, origin or {})
    repl = Repl(settings, llm=llm, out=out, err=err, saved=saved)
    try:
        repl.session.check_search()
        index_docs(repl.session, err)
        repl.banner(resumed=saved is not None)
        use_prompt = input is not None or (sys.stdin is not None and sys.stdin.isatty())
        repl.loop(_prompt_reader(input, output) if use_prompt else _plain_reader(sys.stdin, out))
    finally:
        repl.close()
    return 0
