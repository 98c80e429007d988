"""Your own documents as a source: a folder of Markdown, text, HTML and PDF files, indexed into
SQLite FTS5 (standard library, BM25 ranking) under `$KRESEARCH_HOME/docs/`.

    index = DocsIndex(home / "docs" / "index.sqlite3", [Path("~/notes")])
    index.update()                      # incremental: unchanged files (size, mtime, sha256) are skipped
    index.search("query", 5)            # SearchHits with file:///abs/path?page=N URLs
    index.load("file:///abs/path?page=2")   # the Document of that page or part

Each file is split into parts -- a PDF into its pages, Markdown at its headings, other text
into ~3,000-character pieces -- and each part is a source of its own, cited by its path and
page (or section). Only files under the given roots are indexed or read: symlinks are not
followed out of a root, `..` cannot leave it, and `load` serves only what the index holds for
a root of this run, whatever a page or the model asks for.
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from ..errors import FetchError, UsageError
from .extract import Document, FetchedPage, extract, sanitize
from .search import SearchHit

KINDS = {".md": "text/markdown", ".markdown": "text/markdown", ".txt": "text/plain", ".text": "text/plain",
         ".rst": "text/plain", ".html": "text/html", ".htm": "text/html", ".pdf": "application/pdf"}
PART_CHARS = 3000
MAX_FILE_BYTES = 50 * 1024 * 1024
SCHEMA_VERSION = 1


@dataclass
class Part:
    label: str          # "page 3", a Markdown heading, or "part 2"
    key: str            # the URL query: "page=3" or "part=2"
    text: str


@dataclass
class IndexStats:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)    # (path, why), one line each
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{self.added} added, {self.updated} updated, {self.removed} removed, {self.unchanged} unchanged, "
                f"{len(self.failed)} unreadable in {self.seconds:.1f}s")


def file_url(path: Path, key: str) -> str:
    return f"file://{quote(str(path))}?{key}"


def parse_file_url(url: str) -> tuple[Path, str]:
    """A local document part's file and key ("page=2", "part=1") from its file:// URL."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise FetchError(f"not a local document URL: {url}")
    key = "&".join(f"{k}={v[0]}" for k, v in parse_qs(parts.query).items()) or "part=1"
    return Path(unquote(parts.path)), key


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


class DocsIndex:
    def __init__(self, db_path: Path, roots: list[Path]):
        self.roots: list[Path] = []
        for root in roots:
            resolved = Path(root).expanduser().resolve()
            if not resolved.is_dir():
                raise UsageError(f"--docs {root}: no such folder")
            self.roots.append(resolved)
        db_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._lock = threading.Lock()          # pages are loaded ahead from other threads
        try:
            self.db = sqlite3.connect(str(db_path), check_same_thread=False)
            self.db.executescript("""
                CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime REAL, sha256 TEXT,
                                                  title TEXT, error TEXT);
                CREATE VIRTUAL TABLE IF NOT EXISTS parts USING fts5(path UNINDEXED, key UNINDEXED, title, body,
                                                                     tokenize='porter unicode61');
            """)
        except sqlite3.DatabaseError as e:
            raise UsageError(f"the documents index {db_path} cannot be opened ({e}); delete it to rebuild") from None

    # -- indexing -----------------------------------------------------------------------------

    def files(self) -> list[Path]:
        """Every indexable file under the roots: regular files with a known suffix, not hidden,
        never reached through a symlink (a link could point anywhere on the machine)."""
        found = []
        for root in self.roots:
            for folder, dirs, names in os.walk(root, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    path = Path(folder) / name
                    if name.startswith(".") or path.suffix.lower() not in KINDS or path.is_symlink():
                        continue
                    if _within(path.resolve(), root):
                        found.append(path)
        return found

    def update(self, progress=None) -> IndexStats:
        """Bring the index up to date with the roots: new and changed files (by size and mtime,
        then sha256) are extracted again, deleted ones dropped, the rest left alone."""
        started, stats = time.monotonic(), IndexStats()
        known = {row[0]: row[1:] for row in self.db.execute("SELECT path, size, mtime, sha256 FROM files")}
        seen = set()
        for path in self.files():
            key = str(path)
            seen.add(key)
            info = path.stat()
            old = known.get(key)
            if old and old[0] == info.st_size and old[1] == info.st_mtime:
                stats.unchanged += 1
                continue
            try:
                body = path.read_bytes() if info.st_size <= MAX_FILE_BYTES else None
            except OSError as e:
                stats.failed.append((key, f"cannot read: {e.strerror or e}"))
                continue
            if body is None:
                stats.failed.append((key, f"larger than {MAX_FILE_BYTES // 2**20} MB"))
                continue
            sha = hashlib.sha256(body).hexdigest()
            if old and old[2] == sha:
                self.db.execute("UPDATE files SET size=?, mtime=? WHERE path=?", (info.st_size, info.st_mtime, key))
                stats.unchanged += 1
                continue
            self.db.execute("DELETE FROM parts WHERE path=?", (key,))
            try:
                title, parts = read_parts(path, body)
                error = None
            except FetchError as e:
                title, parts, error = path.name, [], str(e)
                stats.failed.append((key, error))
            self.db.executemany("INSERT INTO parts (path, key, title, body) VALUES (?, ?, ?, ?)",
                                [(key, p.key, f"{title} — {p.label}" if len(parts) > 1 else title, p.text)
                                 for p in parts])
            self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                            (key, info.st_size, info.st_mtime, sha, title, error))
            if error is None:
                if old:
                    stats.updated += 1
                else:
                    stats.added += 1
            if progress is not None:
                progress(key)
        for key in known:
            if key not in seen and any(_within(Path(key), root) for root in self.roots):
                self.db.execute("DELETE FROM parts WHERE path=?", (key,))
                self.db.execute("DELETE FROM files WHERE path=?", (key,))
                stats.removed += 1
        self.db.commit()
        stats.seconds = time.monotonic() - started
        return stats

    def status(self) -> dict:
        rows = [r for r in self.db.execute("SELECT path, error FROM files")
                if any(_within(Path(r[0]), root) for root in self.roots)]
        parts = sum(self.db.execute("SELECT count(*) FROM parts WHERE path=?", (r[0],)).fetchone()[0] for r in rows)
        return {"roots": [str(r) for r in self.roots], "files": len(rows), "parts": parts,
                "unreadable": {path: error for path, error in rows if error}}

    # -- search and read --------------------------------------------------------------------------

    name = "docs"
    cacheable = False          # the index changes as the folder does

    def search(self, query: str, max_results: int) -> list[SearchHit]:
        words = re.findall(r"\w+", query.lower())
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in dict.fromkeys(words))
        with self._lock:
            rows = self.db.execute(
                "SELECT path, key, title, snippet(parts, 3, '', '', ' … ', 24) FROM parts WHERE parts MATCH ? "
                "ORDER BY bm25(parts, 0, 0, 2.0, 1.0) LIMIT ?", (match, max_results * 3)).fetchall()
        hits = []
        for path, key, title, snippet in rows:
            if any(_within(Path(path), root) for root in self.roots):
                hits.append(SearchHit(title=title, url=file_url(Path(path), key), snippet=" ".join(snippet.split())))
            if len(hits) == max_results:
                break
        return hits

    def load(self, url: str) -> Document:
        """The text of one indexed part, by its file:// URL. Only parts of files under this
        run's roots: a file:// URL to anything else is refused."""
        path, key = parse_file_url(url)
        if ".." in path.parts or not path.is_absolute():
            raise FetchError("local documents are addressed by absolute paths without '..'")
        if not any(_within(path, root) for root in self.roots) or not any(
                _within(path.resolve(), root) for root in self.roots):
            raise FetchError("only files under the --docs folders of this run can be read")
        with self._lock:
            row = self.db.execute("SELECT title, body FROM parts WHERE path=? AND key=?", (str(path), key)).fetchone()
        if row is None:
            raise FetchError(f"{path} ({key}) is not in the documents index")
        return Document(url=url, title=row[0], text=row[1], content_type=KINDS.get(path.suffix.lower(), "text/plain"))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "DocsIndex":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# -- reading files into parts -----------------------------------------------------------------

def read_parts(path: Path, body: bytes) -> tuple[str, list[Part]]:
    """The title and parts of one file. Raises FetchError (one line) when it has no readable
    text: binary, encrypted or broken PDF, empty."""
    kind = KINDS[path.suffix.lower()]
    if kind == "application/pdf":
        return _pdf_parts(path, body)
    doc = extract(FetchedPage(url=path.as_uri(), status=200, content_type=kind, charset=None, body=body))
    title = doc.title if doc.title and doc.title != path.name else path.name
    if kind == "text/markdown":
        parts = _markdown_sections(doc.text)
    else:
        parts = _pieces(doc.text)
    return title, parts


def _markdown_sections(text: str) -> list[Part]:
    sections, label, lines = [], "", []
    for line in text.splitlines():
        heading = re.match(r"#{1,3}\s+(.+)", line)
        if heading and "\n".join(lines).strip():
            sections.append((label, "\n".join(lines).strip()))
            lines = []
        if heading:
            label = heading.group(1).strip()
        lines.append(line)
    if "\n".join(lines).strip():
        sections.append((label, "\n".join(lines).strip()))
    parts = []
    for label, body in sections:
        for piece in _pieces(body):
            n = len(parts) + 1
            parts.append(Part(label or f"part {n}", f"part={n}", piece.text))
    return parts


def _pieces(text: str) -> list[Part]:
    """Text cut into parts of about PART_CHARS at paragraph breaks."""
    out, current = [], ""
    for para in re.split(r"\n\s*\n", text):
        if current and len(current) + len(para) > PART_CHARS:
            out.append(current.strip())
            current = ""
        current += para + "\n\n"
    if current.strip():
        out.append(current.strip())
    return [Part(f"part {i}", f"part={i}", piece) for i, piece in enumerate(out, 1)]


def _pdf_parts(path: Path, body: bytes) -> tuple[str, list[Part]]:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(body))
        if reader.is_encrypted and not reader.decrypt(""):
            raise FetchError("an encrypted PDF (it needs a password)")
        pages = [(i, sanitize(page.extract_text() or "")) for i, page in enumerate(reader.pages, 1)]
        meta = reader.metadata
        title = " ".join(str(meta.title).split())[:300] if meta is not None and meta.title else path.name
    except FetchError:
        raise
    except Exception as e:           # pypdf raises many kinds of errors on broken files
        raise FetchError(f"an unreadable PDF ({' '.join(str(e).split())[:120] or type(e).__name__})") from None
    parts = [Part(f"page {i}", f"page={i}", text) for i, text in pages if text.strip()]
    if not parts:
        raise FetchError("a PDF without text (scanned images only?)")
    return title, parts
