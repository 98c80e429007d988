"""Command line: parse, build Settings and a Session, render events. Nothing else lives here:
the work is in runs.py (one question), batch.py, repl.py, doctor.py.

    kresearch "question"            research one question (or pipe it on stdin)
    kresearch --batch < questions   one question per line, one result per question
    kresearch repl [--resume [ID]]  interactive session (also: bare `kresearch` in a terminal)
    kresearch resume TRACE_OR_ID    re-run an interrupted or limited run from its journal
    kresearch check RUN_OR_JSON     re-verify a saved report's citations against its snapshots
    kresearch docs index|status DIR your own documents: index a folder for --docs, or show it
    kresearch config show           effective settings and where each came from
    kresearch doctor                check model, llama.cpp, search, cache, sandbox
    kresearch tool search|open|python ...    run one tool by itself
    kresearch cache clear

Exit codes: 0 answered, 1 error, 2 bad usage or input, 3 stopped by a limit (partial
report), 4 the model server failed (unreachable, refused the key, kept failing), 5 `check`
found a citation its snapshot no longer supports or a page that changed, 130 interrupted
(partial report and journal kept).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from .errors import KResearchError, UsageError
from .runs import EXIT_CODES, MAX_QUESTION_CHARS, clean_question, sigterm_as_interrupt  # noqa: F401 (re-exported)

SUBCOMMANDS = {"tool", "cache", "repl", "resume", "check", "config", "doctor", "docs"}

EPILOG = ("Exit codes: 0 answered, 1 error, 2 bad usage or input, 3 stopped by a limit with a partial "
          "report, 4 the model server failed, 5 check found a citation or page that no longer holds, "
          "130 interrupted. With --batch: the worst code of the questions.\n\n"
          "Subcommands: kresearch repl [--resume [ID]] (interactive; also bare kresearch in a terminal), "
          "kresearch resume TRACE_OR_ID, kresearch check RUN_OR_JSON [--refetch], kresearch docs index|status DIR, "
          "kresearch config show [--json], kresearch doctor [--online], "
          "kresearch tool search|open|python, kresearch cache clear.")

research_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)
commands_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, no_args_is_help=True, rich_markup_mode=None)
tool_app = typer.Typer(help="Run one tool by itself, with the same safety rules as a research run.",
                       no_args_is_help=True)
cache_app = typer.Typer(help="Manage the search and page cache.", no_args_is_help=True)
config_app = typer.Typer(help="Show the effective configuration.", no_args_is_help=True)
commands_app.add_typer(tool_app, name="tool")
commands_app.add_typer(cache_app, name="cache")
commands_app.add_typer(config_app, name="config")
docs_app = typer.Typer(help="Index folders of your own documents (for --docs) and show what is indexed.",
                       no_args_is_help=True)
commands_app.add_typer(docs_app, name="docs")

# Options shared by every command that researches (and by `config show`).
Format = Annotated[str, typer.Option("--format", "-f", help="Output format: md, json or text (just the answer).")]
Output = Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the result to FILE instead of stdout.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr (errors still shown).")]
Model = Annotated[Optional[str], typer.Option("--model", "-m", help="GGUF path, owner/repo:file.gguf on Hugging Face, registry:NAME, or openai:NAME (a model on the server at --base-url).")]
Agents = Annotated[Optional[int], typer.Option("--agents", help="Report sections written at once by sub-agents (default: 1 in-process, 4 on a model server).")]
BaseUrl = Annotated[Optional[str], typer.Option("--base-url", help="OpenAI-compatible server for -m openai:NAME (llama-server, vLLM, Ollama ...), e.g. http://127.0.0.1:8080/v1.")]
Ctx = Annotated[Optional[int], typer.Option("--ctx", help="Model context window in tokens.")]
Budget = Annotated[Optional[int], typer.Option("--budget", help="Prompt token budget (default: context minus room for output).")]
MaxSteps = Annotated[Optional[int], typer.Option("--max-steps", help="Most research steps before answering (default 0, automatic: 12 for a short answer, two searches per aspect of a report).")]
MaxTime = Annotated[Optional[float], typer.Option("--max-time", help="Seconds of research before answering.")]
Search = Annotated[Optional[str], typer.Option("--search", help="Search backend: ddgs, searxng or none.")]
SearxngUrl = Annotated[Optional[str], typer.Option("--searxng-url", help="Base URL of a SearXNG instance (JSON API).")]
AllowPrivate = Annotated[Optional[bool], typer.Option("--allow-private-urls", help="Let the browser reach loopback and private addresses.")]
NoPython = Annotated[bool, typer.Option("--no-python", help="Disable the Python sandbox tool.")]
NoVerify = Annotated[bool, typer.Option("--no-verify", help="Skip the plan step and the checks of the answer against the sources read.")]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the search/page cache.")]
Seed = Annotated[Optional[int], typer.Option("--seed", help="Sampling seed.")]
Docs = Annotated[Optional[list[Path]], typer.Option("--docs", help="A folder of your own documents (Markdown, text, HTML, PDF) to search and cite beside the web; repeatable. With --search none: the documents alone.")]
Length = Annotated[Optional[str], typer.Option("--length", help="Report length: short, medium (default) or long.")]
Mode = Annotated[Optional[str], typer.Option("--mode", help="answer (a short checked answer), report (a sectioned, cited report) or auto (from the question).")]


def _flags(model=None, ctx=None, budget=None, max_steps=None, max_time=None, search=None, searxng_url=None,
           allow_private_urls=None, no_python=False, no_cache=False, seed=None, no_verify=False, mode=None,
           base_url=None, agents=None, length=None, docs=None) -> dict:
    return dict(model=model, ctx=ctx, budget=budget, max_steps=max_steps, max_time=max_time, search=search,
                searxng_url=searxng_url, allow_private_urls=allow_private_urls,
                python=False if no_python else None, cache=False if no_cache else None, seed=seed,
                verify=False if no_verify else None, mode=mode, base_url=base_url, agents=agents, length=length,
                docs=os.pathsep.join(str(d) for d in docs) if docs else None)


def _no_color() -> bool:
    return bool(os.environ.get("NO_COLOR"))


def _stderr(quiet: bool = False) -> Console:
    """Progress console: silent unless stderr is a terminal (and not -q); honours NO_COLOR."""
    return Console(stderr=True, quiet=quiet or not sys.stderr.isatty(), highlight=False, no_color=_no_color())


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
    return clean_question(argument)


def _check_output_path(path: Optional[Path]) -> None:
    if path is None:
        return
    parent = path.expanduser().resolve().parent
    if not parent.is_dir() or not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"cannot write the output file {path}")


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty() and sys.stdout.isatty()


@research_app.command(epilog=EPILOG)
def research(
    question: Annotated[Optional[str], typer.Argument(help="The question; read from stdin when omitted (in a terminal: an interactive session).", show_default=False)] = None,
    format: Format = "md", output: Output = None, quiet: Quiet = False,
    batch: Annotated[bool, typer.Option("--batch", help="Read questions from stdin, one per line (blank lines and # comments skipped); one result per question.")] = False,
    model: Model = None, base_url: BaseUrl = None, ctx: Ctx = None, budget: Budget = None, max_steps: MaxSteps = None,
    max_time: MaxTime = None, search: Search = None, searxng_url: SearxngUrl = None,
    allow_private_urls: AllowPrivate = None, no_python: NoPython = False, no_cache: NoCache = False,
    seed: Seed = None, no_verify: NoVerify = False, mode: Mode = None, agents: Agents = None,
    length: Length = None, docs: Docs = None,
) -> None:
    """Research QUESTION on the web with a local model and print a report that cites what it read."""
    from .config import FORMATS, load_settings

    console = _stderr(quiet)
    flags = _flags(model, ctx, budget, max_steps, max_time, search, searxng_url, allow_private_urls,
                   no_python, no_cache, seed, no_verify, mode, base_url=base_url, agents=agents, length=length,
                   docs=docs)
    try:
        if format not in FORMATS:
            raise UsageError(f"unknown format {format!r}; choose md, json or text")
        if batch:
            if question is not None:
                raise UsageError("--batch reads the questions from stdin; do not also give one as an argument")
            raise typer.Exit(_batch(flags, format, output, console))
        if question is None and output is None and format == "md" and _interactive():
            from .repl import run_repl

            settings, origin = load_settings(flags)
            raise typer.Exit(run_repl(settings, quiet=quiet, origin=origin))
        text = read_question(question)
        _check_output_path(output)
        settings, _ = load_settings(flags)
        result = _run(text, settings, console)
    except KResearchError as e:
        fail(str(e), e.exit_code)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    _emit(result, format, output)
    raise typer.Exit(EXIT_CODES.get(result.stopped_because, 1))


def _batch(flags: dict, fmt: str, output: Optional[Path], console: Console) -> int:
    from .batch import read_batch, run_batch
    from .config import load_settings

    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError("--batch reads questions from stdin; pipe them in (one per line)")
    lines = read_batch(sys.stdin.buffer)
    _check_output_path(output)
    settings, _ = load_settings(flags)
    with sigterm_as_interrupt():
        if output is None:
            return run_batch(lines, settings, fmt, sys.stdout, console)
        with output.expanduser().open("w", encoding="utf-8") as out:
            return run_batch(lines, settings, fmt, out, console)


def _run(question: str, settings, console: Console, background: str = "", max_steps: int | None = None,
         max_time: float | None = None, replay=None):
    from .runs import index_docs, run_question
    from .session import Session

    session = Session(settings)
    try:
        session.check_search()
        index_docs(session, console)
        console.print(f"[dim]loading model {settings.model} …[/dim]")
        with sigterm_as_interrupt():
            llm = session.llm(progress=not console.quiet)
            console.print(f"[dim]model ready in {session.model_load_seconds:.1f}s[/dim]")
            result, _ = run_question(session, llm, question, console, background=background,
                                     max_steps=max_steps, max_time=max_time, replay=replay)
        # Loading the model is not research time: reported on its own (wall_seconds excludes it).
        result.stats["model_load_seconds"] = round(session.model_load_seconds, 3)
        if result.error:
            sys.stderr.write(f"kresearch: error: {result.error}\n")
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


# -- interactive session, resume, config, doctor ------------------------------------------------

@commands_app.command("repl")
def repl_command(
    session_id: Annotated[Optional[str], typer.Argument(help="With --resume: the session to reopen (default: the latest).", show_default=False)] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Reopen a saved session: its questions, answers and sources.")] = False,
    quiet: Quiet = False, model: Model = None, base_url: BaseUrl = None, ctx: Ctx = None, budget: Budget = None,
    max_steps: MaxSteps = None, max_time: MaxTime = None, search: Search = None,
    searxng_url: SearxngUrl = None, allow_private_urls: AllowPrivate = None, no_python: NoPython = False,
    no_cache: NoCache = False, seed: Seed = None,
) -> None:
    """Interactive research session: follow-up questions build on what the session found.
    Type /help inside. Sessions are saved after every question and reopen with --resume [ID]."""
    from .config import load_settings
    from .repl import run_repl

    try:
        if session_id is not None and not resume:
            raise UsageError(f"to reopen session {session_id!r} use: kresearch repl --resume {session_id}")
        settings, origin = load_settings(_flags(model, ctx, budget, max_steps, max_time, search, searxng_url,
                                                allow_private_urls, no_python, no_cache, seed, base_url=base_url))
        code = run_repl(settings, quiet=quiet, resume=session_id, resume_latest=resume, origin=origin)
    except KResearchError as e:
        fail(str(e), e.exit_code)
    except KeyboardInterrupt:
        raise typer.Exit(130)
    raise typer.Exit(code)


@commands_app.command("check")
def check_command(
    run: Annotated[str, typer.Argument(help="A saved --format json result, or a run journal (.jsonl path or its id under KRESEARCH_HOME/traces).")],
    refetch: Annotated[bool, typer.Option("--refetch", help="Fetch every cited page again and say which changed or vanished since the run.")] = False,
    format: Annotated[str, typer.Option("--format", "-f", help="md (one line per cited sentence) or json.")] = "md",
    allow_private_urls: AllowPrivate = None,
) -> None:
    """Re-verify every cited sentence of a saved report against the text the run read (its
    snapshots), offline; exit 0 when all still hold, 5 when one does not (or, with --refetch,
    a cited page changed or vanished)."""
    import json

    from .check import check_result, load_result, local_text
    from .config import home, load_settings
    from .snapshots import SnapshotStore

    try:
        if format not in ("md", "json"):
            raise UsageError(f"unknown format {format!r}; choose md or json")
        settings, _ = load_settings(_flags(allow_private_urls=allow_private_urls))
        data = load_result(run)
        fetcher = None
        if refetch:
            from .tools.browser import Browser
            from .tools.fetch import Fetcher, FetchPolicy
            fetcher = Fetcher(FetchPolicy(allow_private=settings.allow_private_urls))
            browser = Browser(fetcher)           # no cache: the page as it is now
        try:
            def current(url: str) -> str:        # a local document is read again from its file
                return local_text(url) if url.lower().startswith("file:") else browser.load(url).text

            report = check_result(data, SnapshotStore(home() / "snapshots"), current if refetch else None)
        finally:
            if fetcher is not None:
                fetcher.close()
    except KResearchError as e:
        fail(str(e), e.exit_code)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    if format == "json":
        sys.stdout.write(json.dumps(report.as_json(), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write("\n".join(report.lines()) + "\n")
    raise typer.Exit(0 if report.ok else 5)


def _docs_index(folders: list[Path] | None):
    from .config import home, load_settings
    from .tools.localdocs import DocsIndex

    settings, _ = load_settings({})
    roots = list(folders or []) or settings.docs_folders()
    if not roots:
        raise UsageError("give a folder: kresearch docs index DIR (or set docs in the config or KRESEARCH_DOCS)")
    return DocsIndex(home() / "docs" / "index.sqlite3", roots)


DocsFolders = Annotated[Optional[list[Path]], typer.Argument(help="Folders (default: the configured docs).", show_default=False)]
JsonFlag = Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")]


@docs_app.command("index")
def docs_index(folders: DocsFolders = None, json_out: JsonFlag = False) -> None:
    """Index (or bring up to date) the documents of FOLDERS: only new and changed files are read."""
    import json

    try:
        with _docs_index(folders) as index:
            stats = index.update()
    except KResearchError as e:
        fail(str(e), e.exit_code)
    for path, why in stats.failed:
        sys.stderr.write(f"kresearch: warning: {path}: {why}\n")
    if json_out:
        sys.stdout.write(json.dumps({"added": stats.added, "updated": stats.updated, "removed": stats.removed,
                                     "unchanged": stats.unchanged, "unreadable": dict(stats.failed),
                                     "seconds": round(stats.seconds, 3)}) + "\n")
    else:
        sys.stdout.write(f"{stats.summary()}\n")


@docs_app.command("status")
def docs_status(folders: DocsFolders = None, json_out: JsonFlag = False) -> None:
    """What the index holds for FOLDERS: files, parts (pages or sections), unreadable files."""
    import json

    try:
        with _docs_index(folders) as index:
            status = index.status()
    except KResearchError as e:
        fail(str(e), e.exit_code)
    if json_out:
        sys.stdout.write(json.dumps(status) + "\n")
        return
    sys.stdout.write(f"{status['files']} files, {status['parts']} parts indexed under {', '.join(status['roots'])}\n")
    for path, why in status["unreadable"].items():
        sys.stdout.write(f"unreadable: {path}: {why}\n")


@commands_app.command("resume")
def resume_command(
    trace: Annotated[str, typer.Argument(help="A run journal (.jsonl path) or its id (file stem) under KRESEARCH_HOME/traces.")],
    format: Format = "md", output: Output = None, quiet: Quiet = False, model: Model = None, base_url: BaseUrl = None, ctx: Ctx = None,
    budget: Budget = None, max_steps: MaxSteps = None, max_time: MaxTime = None, search: Search = None,
    searxng_url: SearxngUrl = None, allow_private_urls: AllowPrivate = None, no_python: NoPython = False,
    no_cache: NoCache = False, seed: Seed = None,
) -> None:
    """Continue a run that was interrupted or hit a limit from its journal's last whole step,
    with the same history, sources, notes and plan: the journal's model outputs are replayed
    while the tools run again from the cache; then the model goes on (as many more steps as the
    run had, or --max-steps more)."""
    from .config import FORMATS, load_settings
    from .runs import load_resume

    console = _stderr(quiet)
    try:
        if format not in FORMATS:
            raise UsageError(f"unknown format {format!r}; choose md, json or text")
        _check_output_path(output)
        settings, origin = load_settings(_flags(model, ctx, budget, max_steps, max_time, search, searxng_url,
                                                allow_private_urls, no_python, no_cache, seed, base_url=base_url))
        plan = load_resume(trace, settings, origin)
        how = (f"from step {plan.replay.source['step']} ({plan.replay.source['calls']} model outputs replayed)"
               if plan.replay else "from a summary (a journal of an older version)")
        console.print(f"[dim]resuming {plan.path.name} {how}: {plan.question}[/dim]")
        result = _run(plan.question, settings, console, background=plan.background,
                      max_steps=plan.max_steps, max_time=plan.max_time, replay=plan.replay)
    except KResearchError as e:
        fail(str(e), e.exit_code)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    _emit(result, format, output)
    raise typer.Exit(EXIT_CODES.get(result.stopped_because, 1))


@config_app.command("show")
def config_show(
    json_out: Annotated[bool, typer.Option("--json", help="One JSON object: settings, origin, config_file, home.")] = False,
    model: Model = None, base_url: BaseUrl = None, ctx: Ctx = None, budget: Budget = None, max_steps: MaxSteps = None,
    max_time: MaxTime = None, search: Search = None, searxng_url: SearxngUrl = None,
    allow_private_urls: AllowPrivate = None, no_python: NoPython = False, no_cache: NoCache = False,
    seed: Seed = None,
) -> None:
    """Print the effective settings and where each came from (flag, KRESEARCH_* variable,
    config file or default)."""
    from .config import config_path, home, load_settings
    from .render import settings_table

    try:
        settings, origin = load_settings(_flags(model, ctx, budget, max_steps, max_time, search, searxng_url,
                                                allow_private_urls, no_python, no_cache, seed, base_url=base_url))
    except KResearchError as e:
        fail(str(e), e.exit_code)
    settings_table(settings, origin, config_path(), home(), json_out, sys.stdout, _no_color())


@commands_app.command("doctor")
def doctor_command(
    online: Annotated[bool, typer.Option("--online", help="Also try one web search with ddgs.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="One JSON object per check, one per line.")] = False,
    model: Model = None, base_url: BaseUrl = None, ctx: Ctx = None, search: Search = None, searxng_url: SearxngUrl = None,
) -> None:
    """Check that research can run here: model (never downloaded), llama.cpp and GPU offload,
    search backend, cache directory, Python sandbox. Exit 1 if any check fails."""
    from .doctor import FAIL, run_checks
    from .render import checks_table

    checks = run_checks(_flags(model=model, ctx=ctx, search=search, searxng_url=searxng_url, base_url=base_url), online=online)
    checks_table(checks, json_out, sys.stdout, _no_color())
    raise typer.Exit(1 if any(c.status == FAIL for c in checks) else 0)


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
    """Remove every cached search result and page, and the pages' snapshots (`check` then says
    the snapshot is gone)."""
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
    from .snapshots import SnapshotStore
    snapshots = SnapshotStore(home() / "snapshots").clear()
    sys.stderr.write(f"removed {removed} and {snapshots} page snapshots\n")


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    app = commands_app if args and args[0] in SUBCOMMANDS else research_app
    app(args=args, prog_name="kresearch")


if __name__ == "__main__":
    main()
