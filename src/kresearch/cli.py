"""Command line: parse, build Settings and a Session, render events. Nothing else lives here.

    kresearch "question"            research one question (or pipe it on stdin)
    kresearch tool search|open|python ...    run one tool by itself
    kresearch cache clear

Exit codes: 0 answered, 1 error, 2 bad usage or input, 3 stopped by a limit (partial
report), 130 interrupted (partial report and journal kept).
"""
from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from .errors import KResearchError, UsageError

EXIT_CODES = {"answered": 0, "error": 1, "max_steps": 3, "max_time": 3, "budget": 3, "interrupted": 130}
MAX_QUESTION_CHARS = 4000
SUBCOMMANDS = {"tool", "cache"}

EPILOG = ("Exit codes: 0 answered, 1 error, 2 bad usage or input, 3 stopped by a limit with a partial "
          "report, 130 interrupted.\n\nSubcommands: kresearch tool search|open|python, kresearch cache clear.")

research_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)
commands_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, no_args_is_help=True, rich_markup_mode=None)
tool_app = typer.Typer(help="Run one tool by itself, with the same safety rules as a research run.",
                       no_args_is_help=True)
cache_app = typer.Typer(help="Manage the search and page cache.", no_args_is_help=True)
commands_app.add_typer(tool_app, name="tool")
commands_app.add_typer(cache_app, name="cache")


def _stderr(quiet: bool = False) -> Console:
    return Console(stderr=True, quiet=quiet, highlight=False)


def fail(message: str, code: int) -> None:
    """One line on stderr, then exit with `code`."""
    sys.stderr.write(f"kresearch: error: {message}\n")
    raise typer.Exit(code)


def read_question(argument: Optional[str]) -> str:
    if argument is None:
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError('no question given; run kresearch "your question" or pipe it on stdin')
        raw = sys.stdin.buffer.read(MAX_QUESTION_CHARS * 4 + 1)
        if b"\x00" in raw:
            raise UsageError("stdin holds binary data, not a question")
        try:
            argument = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise UsageError("stdin is not UTF-8 text") from None
    question = " ".join(argument.split())
    if not question:
        raise UsageError("the question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise UsageError(f"the question is {len(question):,} characters long; the limit is {MAX_QUESTION_CHARS:,}")
    return question


def _check_output_path(path: Optional[Path]) -> None:
    if path is None:
        return
    parent = path.expanduser().resolve().parent
    if not parent.is_dir() or not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"cannot write the output file {path}")


def _raise_interrupt(signum, frame):  # SIGTERM behaves like Ctrl-C: stop and keep what was found
    raise KeyboardInterrupt


@research_app.command(epilog=EPILOG)
def research(
    question: Annotated[Optional[str], typer.Argument(help="The question; read from stdin when omitted.", show_default=False)] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="Output format: md, json or text (just the answer).")] = "md",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the result to FILE instead of stdout.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr (errors still shown).")] = False,
    model: Annotated[Optional[str], typer.Option("--model", "-m", help="GGUF path, owner/repo:file.gguf on Hugging Face, or registry:NAME.")] = None,
    ctx: Annotated[Optional[int], typer.Option("--ctx", help="Model context window in tokens.")] = None,
    budget: Annotated[Optional[int], typer.Option("--budget", help="Prompt token budget (default: context minus room for output).")] = None,
    max_steps: Annotated[Optional[int], typer.Option("--max-steps", help="Most research steps before answering.")] = None,
    max_time: Annotated[Optional[float], typer.Option("--max-time", help="Seconds of research before answering.")] = None,
    search: Annotated[Optional[str], typer.Option("--search", help="Search backend: ddgs, searxng or none.")] = None,
    searxng_url: Annotated[Optional[str], typer.Option("--searxng-url", help="Base URL of a SearXNG instance (JSON API).")] = None,
    allow_private_urls: Annotated[Optional[bool], typer.Option("--allow-private-urls", help="Let the browser reach loopback and private addresses.")] = None,
    no_python: Annotated[bool, typer.Option("--no-python", help="Disable the Python sandbox tool.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the search/page cache.")] = False,
    seed: Annotated[Optional[int], typer.Option("--seed", help="Sampling seed.")] = None,
) -> None:
    """Research QUESTION on the web with a local model and print a report that cites what it read."""
    from .config import FORMATS, load_settings

    console = _stderr(quiet or not sys.stderr.isatty())
    try:
        if format not in FORMATS:
            raise UsageError(f"unknown format {format!r}; choose md, json or text")
        text = read_question(question)
        _check_output_path(output)
        flags = dict(model=model, ctx=ctx, budget=budget, max_steps=max_steps, max_time=max_time, search=search,
                     searxng_url=searxng_url, allow_private_urls=allow_private_urls,
                     python=False if no_python else None, cache=False if no_cache else None, seed=seed)
        settings, _ = load_settings(flags)
        result = _run(text, settings, console)
    except KResearchError as e:
        fail(str(e), e.exit_code)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    _emit(result, format, output)
    raise typer.Exit(EXIT_CODES.get(result.stopped_because, 1))


def _run(question: str, settings, console: Console):
    from .render import ProgressPrinter
    from .session import Session

    session = Session(settings)
    try:
        session.check_search()
        console.print(f"[dim]loading model {settings.model} …[/dim]")
        llm = session.llm(progress=not console.quiet)
        agent = session.agent(llm)
        console.print(f"[dim]model ready in {session.model_load_seconds:.1f}s · context {llm.n_ctx} · "
                      f"budget {agent.config.budget} · journal {agent.trace.path}[/dim]")
        show = ProgressPrinter(console, agent)
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
        try:
            result = None
            for event in agent.run(question):
                show(event)
                result = getattr(event, "result", result)
        except KeyboardInterrupt:
            result = agent.interrupted()
        finally:
            signal.signal(signal.SIGTERM, previous)
            agent.trace.close()
        if result.error:
            console.quiet = False
            console.print(f"[red]kresearch: error: {result.error}[/red]")
        return result
    finally:
        session.close()


def _emit(result, fmt: str, output: Optional[Path]) -> None:
    from .render import format_result

    text = format_result(result, fmt) + "\n"
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.expanduser().write_text(text, encoding="utf-8")
    except OSError as e:
        sys.stdout.write(text)  # never lose the result
        fail(f"cannot write {output}: {e.strerror}; the result was printed instead", 1)


# -- tool subcommands -------------------------------------------------------------------------

def _tool_settings(**flags):
    from .config import load_settings

    return load_settings(flags)[0]


@tool_app.command("search")
def tool_search(
    query: Annotated[list[str], typer.Argument(help="One or more queries (run in parallel).")],
    search: Annotated[Optional[str], typer.Option("--search")] = None,
    searxng_url: Annotated[Optional[str], typer.Option("--searxng-url")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="One JSON object per result.")] = False,
) -> None:
    """Search the web and print the de-duplicated results."""
    import json

    from .tools.search import SearchService, make_backend
    from .cache import Cache
    from .config import home

    try:
        s = _tool_settings(search=search, searxng_url=searxng_url, cache=False if no_cache else None)
        with Cache(home() / "cache", enabled=s.cache) as cache:
            batch = SearchService(make_backend(s.search, s.searxng_url or None), cache).search_many(query)
    except KResearchError as e:
        fail(str(e), e.exit_code)
    for q, err in batch.errors.items():
        sys.stderr.write(f"kresearch: search {q!r} failed: {err}\n")
    for i, hit in enumerate(batch.hits, 1):
        if json_out:
            print(json.dumps({"rank": i, "title": hit.title, "url": hit.url, "snippet": hit.snippet}))
        else:
            print(f"[{i}] {hit.title}\n    {hit.url}\n    {hit.snippet}")
    if batch.errors and not batch.hits:
        raise typer.Exit(1)


@tool_app.command("open")
def tool_open(
    url: Annotated[str, typer.Argument(help="http(s) URL to read.")],
    page: Annotated[int, typer.Option("--page", "-p", help="Viewport page (0 = whole text).")] = 0,
    allow_private_urls: Annotated[Optional[bool], typer.Option("--allow-private-urls")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache")] = False,
) -> None:
    """Fetch a page safely and print its extracted text as Markdown."""
    from .cache import Cache
    from .config import home
    from .tools.browser import Browser
    from .tools.fetch import Fetcher, FetchPolicy

    try:
        s = _tool_settings(allow_private_urls=allow_private_urls, cache=False if no_cache else None)
        with Cache(home() / "cache", enabled=s.cache) as cache, \
                Fetcher(FetchPolicy(allow_private=s.allow_private_urls)) as fetcher:
            browser = Browser(fetcher, cache, viewport_chars=s.viewport_chars)
            doc = browser.load(url)
            text = doc.text if page == 0 else browser.page(doc, page)[0]
    except KResearchError as e:
        fail(str(e), e.exit_code)
    print(f"# {doc.title}\n\n{text}")


@tool_app.command("python")
def tool_python(
    code: Annotated[Optional[str], typer.Option("-c", help="Code to run; read from stdin when omitted.")] = None,
) -> None:
    """Run Python code in the sandbox and print its output."""
    from .tools.sandbox import run_python

    if code is None:
        code = sys.stdin.read()
    result = run_python(code)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    if result.timed_out:
        sys.stderr.write("kresearch: the code was stopped by the sandbox time limit\n")
    raise typer.Exit(0 if result.exit_code == 0 else 1)


@cache_app.command("clear")
def cache_clear() -> None:
    """Remove every cached search result and page."""
    from .cache import Cache, remove_cache_directory
    from .config import home

    directory = home() / "cache"
    try:
        with Cache(directory) as cache:
            removed = f"{cache.clear()} cached entries"
    except UsageError:
        try:  # a cache that cannot even be opened (corrupted database) is removed whole
            remove_cache_directory(directory)
        except KResearchError as e:
            fail(str(e), e.exit_code)
        removed = f"the unreadable cache directory {directory}"
    sys.stderr.write(f"removed {removed}\n")


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    app = commands_app if args and args[0] in SUBCOMMANDS else research_app
    app(args=args, prog_name="kresearch")


if __name__ == "__main__":
    main()
