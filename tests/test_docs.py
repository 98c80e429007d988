"""Your own documents as a source (tools/localdocs.py): a real folder of Markdown, text, HTML and
PDF files (the PDFs written here byte by byte, read by pypdf as any PDF), indexed incrementally
into SQLite FTS5, searched beside or instead of the web, opened and cited by path and page, and
confined to the given folders. End to end through the real CLI with the scripted FakeLLM."""
from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path

import pytest
from test_scripting import research_env, run

from kresearch.errors import FetchError, UsageError
from kresearch.tools.localdocs import DocsIndex


def make_pdf(pages: list[str], title: str = "") -> bytes:
    """A minimal real PDF: one line of Helvetica text per page."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""]
    kids = []
    for text in pages:
        stream = f"BT /F1 12 Tf 72 712 Td ({text}) Tj ET".encode("latin-1")
        content = len(objects) + 2
        kids.append(len(objects) + 1)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content} 0 R "
                       f"/Resources << /Font << /F1 {len(objects) + 3} 0 R >> >> >>")
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream.decode('latin-1')}\nendstream")
        objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    info = None
    if title:
        objects.append(f"<< /Title ({title}) >>")
        info = len(objects)
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R" + (f" /Info {info} 0 R" if info else "") + " >>"
    out.write(f"trailer\n{trailer}\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def encrypted(pdf: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        writer.add_page(page)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def folder(tmp_path) -> Path:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "notes.md").write_text("# Quokkas\n\nThe quokka lives on Rottnest Island.\n\n"
                                   "## Diet\n\nQuokkas eat grasses and leaves at night.\n")
    (docs / "sub" / "plain.txt").write_text("The Rottnest ferry leaves Fremantle every hour.\n")
    (docs / "page.html").write_text("<html><head><title>Island history</title></head><body><article>"
                                    "<p>Willem de Vlamingh named Rottnest Island in 1696 after the quokkas, "
                                    "which he took for rats.</p></article></body></html>")
    (docs / "report.pdf").write_bytes(make_pdf(["Survey of the island fauna", "The quokka population was 12000 in 2020"],
                                               title="Fauna survey"))
    (docs / "locked.pdf").write_bytes(encrypted(make_pdf(["secret page"])))
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a PDF")
    (docs / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))     # not a document kind
    (docs / "binary.txt").write_bytes(bytes(range(256)) * 4)                       # a .txt that is not text
    outside = tmp_path / "secret.md"
    outside.write_text("# Private\n\nThe quokka password is hunter2.\n")
    (docs / "link.md").symlink_to(outside)                                          # a way out of the folder
    return docs


def test_a_folder_is_indexed_once_and_then_only_what_changed(folder, tmp_path):
    index = DocsIndex(tmp_path / "index.sqlite3", [folder])
    first = index.update()
    assert (first.added, first.updated, first.removed) == (4, 0, 0)
    failed = dict((Path(p).name, why) for p, why in first.failed)
    assert set(failed) == {"locked.pdf", "broken.pdf", "binary.txt"}
    assert "encrypted" in failed["locked.pdf"] and "unreadable PDF" in failed["broken.pdf"]
    assert "binary" in failed["binary.txt"]
    again = index.update()                                       # nothing changed: nothing read
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4 + 3)
    time.sleep(0.01)
    (folder / "sub" / "plain.txt").write_text("The Rottnest ferry now leaves Fremantle twice an hour.\n")
    (folder / "page.html").unlink()
    third = index.update()
    assert (third.updated, third.removed, third.added) == (1, 1, 0)
    status = index.status()
    assert status["files"] == 6 and status["parts"] == 5 and len(status["unreadable"]) == 3
    index.close()


def test_search_finds_pages_and_sections_and_load_reads_only_the_folder(folder, tmp_path):
    index = DocsIndex(tmp_path / "index.sqlite3", [folder])
    index.update()
    hits = index.search("quokka population 2020", 5)
    assert hits[0].url == (folder / "report.pdf").resolve().as_uri() + "?page=2"
    assert hits[0].title == "Fauna survey — page 2" and "12000" in hits[0].snippet
    diet = next(h for h in index.search("what do quokkas eat", 5) if "Diet" in h.title)
    assert index.load(diet.url).text.startswith("## Diet") and "grasses" in index.load(diet.url).text
    assert "hunter2" not in " ".join(h.snippet for h in index.search("quokka password", 10))   # the symlink
    for url in ((tmp_path / "secret.md").as_uri() + "?part=1",               # outside the folder
                (folder / "link.md").as_uri() + "?part=1",                    # a link out of it
                f"file://{folder}/../secret.md?part=1",                        # .. out of it
                "file:///etc/passwd?part=1"):
        with pytest.raises(FetchError):
            index.load(url)
    with pytest.raises(UsageError, match="no such folder"):
        DocsIndex(tmp_path / "index.sqlite3", [tmp_path / "missing"])
    index.close()


def step(action: str, **args) -> dict:
    return {"thought": f"next: {action}", "action": action, "args": args}


def test_a_run_researches_the_documents_alone_and_cites_path_and_page(folder, tmp_path):
    question = "What was the quokka population in 2020?"
    script = [step("search", queries=["quokka population 2020"]), step("open", source=1, page=1),
              step("answer", answer="12000")]
    env = research_env(tmp_path, "http://127.0.0.1:9", script)
    env.update(KRESEARCH_SEARCH="none", KRESEARCH_VERIFY="0")
    proc = run(["--docs", str(folder), "-f", "json", question], env)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["answer"] == "12000"
    cited = [s for s in data["sources"] if s["cited"]]
    assert [s["url"] for s in cited] == [(folder / "report.pdf").resolve().as_uri() + "?page=2"]
    assert "Fauna survey — page 2" in data["report"] and "report.pdf?page=2" in data["report"]
    assert all(s["url"].startswith("file://") for s in data["sources"])          # no web at all
    # the run indexed the folder, said so, and warned about the unreadable files, one line each
    warnings = [line for line in proc.stderr.decode().splitlines() if line.startswith("kresearch: warning")]
    assert len(warnings) == 3 and any("locked.pdf: an encrypted PDF" in w for w in warnings)
    # the report's citations re-checked later: against the snapshots, then against the files now
    saved = tmp_path / "r.json"
    saved.write_bytes(proc.stdout)
    assert run(["check", str(saved), "--refetch"], env).returncode == 0
    (folder / "report.pdf").write_bytes(make_pdf(["Survey of the island fauna", "The count was revised in 2021"]))
    changed = run(["check", str(saved), "--refetch"], env)
    assert changed.returncode == 5 and "changed     [1] file://" in changed.stdout.decode()


def test_docs_commands_and_bad_folders(folder, tmp_path):
    env = os.environ.copy()
    proc = run(["docs", "index", str(folder), "--json"], env)
    assert proc.returncode == 0 and json.loads(proc.stdout)["unchanged"] + json.loads(proc.stdout)["added"] == 4
    status = run(["docs", "status", str(folder)], env).stdout.decode()
    assert status.startswith("7 files, 6 parts indexed under") and "unreadable: " in status
    for args in (["docs", "index", str(tmp_path / "missing")], ["--docs", str(tmp_path / "missing"), "q"]):
        bad = run(args, env)
        assert bad.returncode == 2 and bad.stdout == b""
        assert bad.stderr.decode().strip().splitlines() == [f"kresearch: error: --docs {tmp_path / 'missing'}: no such folder"]
