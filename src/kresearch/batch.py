"""`kresearch --batch`: questions on stdin, one per line, answered in order with one model.

Blank lines and lines starting with # are skipped. Every question gets its own toolbox (the
questions are independent) but they share the loaded model, the cache and the browser.
Output, per question, as soon as it is done:

    md     the report; reports are separated by a line `---`
    json   one JSON object per line (the --format json object; a question that could not run
           has "stopped_because": "error" and "error": "...")
    text   one answer per line (an empty line for a question that failed)

A failing question does not stop the batch. The exit code is the worst (highest) of the
per-question codes; an interrupt (130) stops the batch after printing the partial result.
"""
from __future__ import annotations

import json
import sys
from typing import IO

from rich.console import Console
from rich.markup import escape

from .config import Settings
from .errors import KResearchError, UsageError
from .runs import clean_question, error_result, exit_code, index_docs, run_question

MAX_BATCH_BYTES = 16 << 20


def read_batch(stream: IO[bytes]) -> list[str]:
    """The question lines of `stream` (bytes), without blank lines and # comments."""
    raw = stream.read(MAX_BATCH_BYTES + 1)
    if len(raw) > MAX_BATCH_BYTES:
        raise UsageError(f"the batch on stdin is larger than {MAX_BATCH_BYTES >> 20} MB")
    if b"\x00" in raw:
        raise UsageError("stdin holds binary data, not questions")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError("stdin is not UTF-8 text") from None
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise UsageError("no questions on stdin (one per line; blank lines and # comments are skipped)")
    return lines


class BatchWriter:
    """Writes each result as it comes, in the chosen format."""

    def __init__(self, out: IO[str], fmt: str):
        self.out, self.fmt, self.count = out, fmt, 0

    def write(self, data: dict) -> None:
        if self.fmt == "json":
            text = json.dumps(data, ensure_ascii=False) + "\n"
        elif self.fmt == "text":
            text = " ".join(str(data.get("answer", "")).split()) + "\n"
        else:
            body = data.get("report") or f"# {data['question']}\n\n**Error:** {data.get('error') or 'no report'}\n"
            text = ("\n---\n\n" if self.count else "") + body.rstrip("\n") + "\n"
        self.out.write(text)
        self.out.flush()
        self.count += 1


def run_batch(lines: list[str], settings: Settings, fmt: str, out: IO[str], console: Console) -> int:
    """Answer every line; returns the batch's exit code. Model loading errors are raised (they
    would fail every question the same way)."""
    from .session import Session

    writer = BatchWriter(out, fmt)
    session = Session(settings)
    worst = 0
    try:
        session.check_search()
        index_docs(session, console)
        console.print(f"[dim]loading model {escape(settings.model)} …[/dim]")
        llm = session.llm(progress=not console.quiet)
        for i, line in enumerate(lines, 1):
            console.print(f"[bold]question {i}/{len(lines)}[/bold] {escape(' '.join(line.split())[:120])}")
            try:
                question = clean_question(line)
                result, _ = run_question(session, llm, question, console)
                data, code = result.as_json(), exit_code(result.stopped_because)
                if result.error:
                    sys.stderr.write(f"kresearch: error: question {i}: {result.error}\n")
            except KeyboardInterrupt:
                data, code = error_result(" ".join(line.split()), "interrupted"), 130
                data["stopped_because"] = "interrupted"
            except KResearchError as e:
                data, code = error_result(" ".join(line.split())[:1000], str(e)), e.exit_code
                sys.stderr.write(f"kresearch: error: question {i}: {e}\n")
            except Exception as e:  # one broken question must not sink the others
                data, code = error_result(" ".join(line.split())[:1000], f"{type(e).__name__}: {e}"), 1
                sys.stderr.write(f"kresearch: error: question {i}: {type(e).__name__}: {e}\n")
            writer.write(data)
            worst = max(worst, code)
            if code == 130:
                sys.stderr.write(f"kresearch: interrupted at question {i} of {len(lines)}; the rest were not run\n")
                break
    finally:
        session.close()
    return worst
