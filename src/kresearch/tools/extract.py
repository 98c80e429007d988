"""Turn a fetched page into clean, sanitized Markdown text for the model.

HTML goes through trafilatura (main content, links and tables kept), with a BeautifulSoup
get_text fallback for pages trafilatura rejects; PDF through pypdf (capped); plain text,
Markdown and JSON as they are. Whatever comes out passes `sanitize`, because page text is
untrusted and is about to be shown to a model.
"""
from __future__ import annotations

import codecs
import html as htmllib
import io
import json
import logging
import re
import time
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from kresearch.errors import FetchError
from kresearch.tools.fetch import FetchedPage

MAX_CHARS = 200_000
PDF_MAX_PAGES = 50
PDF_MAX_SECONDS = 5.0
JSON_MAX_CHARS = 100_000
_SHORT = 200  # trafilatura output shorter than this is compared with the plain-text fallback


@dataclass
class Document:
    url: str
    title: str
    text: str          # Markdown for HTML; sanitized
    content_type: str


# ------------------------------------------------------------------ sanitize

# Chat-template markers a page could use to forge roles or turns. Tokenising with
# special=False already keeps them from becoming real special tokens; removing them also keeps
# a small model from being misled by text that looks like a turn boundary.
_SPECIAL_TOKENS = re.compile(
    r"<\|[^|<>\n]{0,64}\|>"                 # <|im_start|>, <|endoftext|>, <|eot_id|> ...
    r"|<｜[^｜<>\n]{0,64}｜>"                # DeepSeek's full-width <｜begin▁of▁sentence｜>
    r"|</?(?:start_of_turn|end_of_turn|s|tool_call|tool_response|think)>"
    r"|\[/?INST\]|<</?SYS>>",
    re.IGNORECASE)

# Invisible characters: zero-width, bidi controls, word joiners, soft hyphen, BOM, Unicode tag
# characters (used to smuggle hidden ASCII), Hangul fillers, interlinear annotations ... —
# every character of general category Cf, plus a few look-alike blanks.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5"
    "\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
    "\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_BLANK_RUNS = re.compile(r"\n(?:[ \t]*\n){2,}")


def sanitize(text: str, max_chars: int = MAX_CHARS) -> str:
    """Make untrusted page text safe to show a model: drop chat special tokens, invisible,
    bidi and control characters (newline and tab stay), collapse runs of blank lines to one
    and cap the length (cut at a line break where possible)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _CONTROL.sub("", _INVISIBLE.sub("", text))
    # Repeat: removing one marker can join the halves of another ("<|im_<|x|>start|>").
    for _ in range(10):
        cleaned = _SPECIAL_TOKENS.sub("", text)
        if cleaned == text:
            break
        text = cleaned
    else:
        text = _SPECIAL_TOKENS.sub("", text).replace("<|", "< |").replace("<｜", "< ｜")
    text = _BLANK_RUNS.sub("\n\n", text).strip()
    if len(text) > max_chars:
        cut = text.rfind("\n", max_chars // 2, max_chars)
        text = text[: cut if cut > 0 else max_chars].rstrip() + "\n\n[... text truncated]"
    return text


# ------------------------------------------------------------------ decoding

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    # Per the WHATWG encoding standard, pages labelled Latin-1 or ASCII are really windows-1252.
    if name in ("iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii"):
        name = "cp1252"
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    # "base64", "rot13", "zlib" ... are codecs too, but not text encodings.
    return info.name if getattr(info, "_is_text_encoding", True) else None


def decode(body: bytes, declared: str | None, html: bool = False) -> str:
    """Bytes to text: BOM, then the declared charset, then <meta charset> (HTML), then
    detection, then UTF-8 with replacement characters."""
    for bom, enc in _BOMS:
        if body.startswith(bom):
            return body.decode(enc, errors="replace")
    labels = [declared]
    if html:
        m = _META_CHARSET.search(body[:4096])
        labels.append(m.group(1).decode("ascii") if m else None)
    labels.append("utf-8")
    for label in labels:
        enc = _codec(label)
        if not enc:
            continue
        try:
            return body.decode(enc)
        except (UnicodeDecodeError, LookupError):
            if enc == "cp1252":  # labelled Latin-1 but uses bytes cp1252 leaves undefined
                return body.decode("latin-1")
            if enc == "utf-8":  # UTF-8 with a few stray bytes is still UTF-8
                lenient = body.decode("utf-8", errors="replace")
                if lenient.count("\ufffd") <= max(3, len(lenient) // 2000):
                    return lenient
    try:
        from charset_normalizer import from_bytes
        matches = from_bytes(body[:200_000])
        best = matches.best()
        if best is not None and best.encoding:
            encoding = best.encoding
            # Single-byte code pages often tie; windows-1252 is by far the most common on the web.
            ties = [m.encoding for m in matches if (m.percent_chaos, m.percent_coherence)
                    == (best.percent_chaos, best.percent_coherence)]
            if "cp1252" in ties:
                encoding = "cp1252"
            return body.decode(encoding, errors="replace")
    except ImportError:
        pass
    return body.decode("utf-8", errors="replace")


def _looks_binary(body: bytes) -> bool:
    sample = body[:8192]
    return b"\x00" in sample or sum(b < 9 or 13 < b < 32 for b in sample) > len(sample) // 20


# ------------------------------------------------------------------ HTML

_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_OG_TITLE = re.compile(r"""<meta\s[^>]*(?:property|name)\s*=\s*["']og:title["'][^>]*>""", re.IGNORECASE)
_CONTENT_ATTR = re.compile(r"""content\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")
_DROP_TAGS = ["script", "style", "noscript", "template", "nav", "footer", "header", "aside", "form",
              "svg", "iframe", "button", "select", "head"]
_BLOCK_TAGS = ["p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table",
               "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figure", "figcaption", "hr", "br",
               "td", "th"]  # text on either side of these does not run together

logging.getLogger("trafilatura").setLevel(logging.ERROR)  # it logs every page it rejects


def _clean_inline(fragment: str) -> str:
    return " ".join(htmllib.unescape(_TAGS.sub(" ", fragment)).split())


def html_title(markup: str) -> str:
    """<title>, else og:title, else the first <h1>."""
    head = markup[:200_000]
    m = _TITLE.search(head)
    if m and _clean_inline(m.group(1)):
        return _clean_inline(m.group(1))[:300]
    for tag in _OG_TITLE.findall(head):
        c = _CONTENT_ATTR.search(tag)
        if c and _clean_inline(c.group(2)):
            return _clean_inline(c.group(2))[:300]
    m = _H1.search(markup)
    return _clean_inline(m.group(1))[:300] if m else ""


# A cookie or consent notice: "We use cookies to improve your experience. Privacy policy" was
# quoted in reports as the text of short pages (issue 20).
_CONSENT = re.compile(r"cookie|consent|gdpr", re.I)


def _is_consent_banner(tag) -> bool:
    """An element named for a consent notice; never the page or its content ("<body
    class="cookie-banner-shown">" marks a page that shows one)."""
    if tag.name in ("html", "body", "main", "article"):
        return False
    names = " ".join([tag.get("id") or "", *(tag.get("class") or [])])
    return bool(names.strip()) and bool(_CONSENT.search(names))


def _soup_text(markup: str) -> str:
    """Visible text without scripts, styles and page furniture, one block per paragraph."""
    from bs4 import BeautifulSoup

    try:
        soup = BeautifulSoup(markup, "lxml")
    except Exception:  # lxml missing or choking: the pure-Python parser always works
        soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(_is_consent_banner):
        tag.decompose()
    # a page that marks its content keeps only that: the rest is the site's, not the page's
    content = soup.find("main") or soup.find("article") or soup
    for tag in content.find_all(_BLOCK_TAGS):
        gap = " " if tag.name in ("td", "th") else "\n\n"
        tag.insert_before(gap)
        tag.insert_after(gap)
    lines = (" ".join(line.split()) for line in content.get_text().split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _trafilatura_text(markup: str, url: str) -> str | None:
    try:
        import trafilatura

        return trafilatura.extract(markup, url=url or None, output_format="markdown", include_links=True,
                                   include_tables=True, favor_precision=True)
    except Exception:  # trafilatura/lxml can fail on hostile markup; the fallback takes over
        return None


# A line that opens a block of its own: a list item, a quote, a table row, a heading, a fence
_BLOCK_START = re.compile(r"(?:[-*+]\s|\d+[.)]\s|>|\||#|```)")


def soft_wraps_joined(text: str) -> str:
    """The text with the line breaks the page's source had inside a paragraph joined: in HTML
    they are spaces, but trafilatura keeps them in the text after a link when links are kept
    ("... version of [Unix](…), released unsupported by\\n    Bell Labs in 1978."), and the
    plain-text fallback keeps every one, so a sentence was split into lines that read as
    fragments ("Bell Labs in 1978." quoted alone). Paragraphs stay apart (a blank line), and so
    do list items, table rows, headings and code fences, and the lines of a fenced block."""
    lines: list[str] = []
    fenced = False
    for line in text.split("\n"):
        stripped = line.strip()
        previous = lines[-1].strip() if lines else ""
        if (not fenced and stripped and previous and not _BLOCK_START.match(stripped)
                and not previous.startswith(("#", "|", "```"))):
            lines[-1] = f"{lines[-1].rstrip()} {stripped}"
            continue
        if stripped.startswith("```"):
            fenced = not fenced
        lines.append(line)
    return "\n".join(lines)


def _html(page: FetchedPage) -> tuple[str, str]:
    markup = decode(page.body, page.charset, html=True)
    title = html_title(markup)
    text = (_trafilatura_text(markup, page.url) or "").strip()
    if len(text) < _SHORT:  # trafilatura found (almost) nothing: plain visible text instead
        fallback = _soup_text(markup)
        if len(fallback) > len(text):
            text = fallback
    return title, soft_wraps_joined(text)


def _xml(page: FetchedPage) -> tuple[str, str]:
    markup = decode(page.body, page.charset, html=True)
    if re.search(r"<html[\s>]", markup[:2000], re.IGNORECASE):  # XHTML served as XML
        return _html(page)
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")  # tolerant; fine for feeds and simple XML
    lines = (" ".join(line.split()) for line in soup.get_text("\n").split("\n"))
    return html_title(markup), "\n".join(line for line in lines if line)


# ------------------------------------------------------------------ PDF, JSON, text

def _pdf(page: FetchedPage) -> tuple[str, str]:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed PDFs are common and noisy
    started = time.monotonic()
    try:
        reader = PdfReader(io.BytesIO(page.body))
        if reader.is_encrypted:
            reader.decrypt("")
        parts, total = [], len(reader.pages)
        for i, pdf_page in enumerate(reader.pages):
            if i >= PDF_MAX_PAGES or time.monotonic() - started > PDF_MAX_SECONDS:
                parts.append(f"[... PDF cut after {i} of {total} pages]")
                break
            parts.append((pdf_page.extract_text() or "").strip())
        title = ""
        meta = reader.metadata
        if meta is not None and meta.title:
            title = " ".join(str(meta.title).split())[:300]
    except Exception as e:  # pypdf raises many kinds of errors on broken or truncated files
        raise FetchError(f"could not read the PDF: {' '.join(str(e).split())[:150] or type(e).__name__}") from None
    return title, "\n\n".join(p for p in parts if p)


def _json(page: FetchedPage) -> str:
    raw = decode(page.body, page.charset)
    try:
        text = json.dumps(json.loads(raw), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        text = raw
    if len(text) > JSON_MAX_CHARS:
        text = text[:JSON_MAX_CHARS] + "\n[... JSON truncated]"
    return text


_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")


def without_link_targets(text: str) -> str:
    """The page text with its links' addresses left out, their words kept: "[LISP](http://…/LISP)"
    is "[LISP]" -- an address's words and numbers are not what the page says."""
    return _LINK_TARGET.sub("]", text)


def _markdown_title(text: str) -> str:
    for line in text.splitlines()[:20]:
        if line.startswith("# "):
            return line[2:].strip()[:300]
    return ""


def _url_title(url: str) -> str:
    parts = urlsplit(url)
    last = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
    return last or parts.hostname or url


# ------------------------------------------------------------------ entry point

def extract(page: FetchedPage) -> Document:
    """Readable, sanitized text of a fetched page. Raises FetchError("no readable text") when
    there is none (empty, binary, script-only ...)."""
    ctype = page.content_type
    if not page.body.strip():
        raise FetchError("no readable text: the page is empty")
    if ctype == "application/pdf":
        try:
            title, text = _pdf(page)
        except FetchError as e:
            raise FetchError(f"{e} (the file was cut at the size limit)" if page.truncated else str(e)) from None
    else:
        if _looks_binary(page.body) and not page.body.startswith(tuple(b for b, _ in _BOMS)):
            raise FetchError("no readable text: the page looks like binary data")
        if ctype in ("text/html", "application/xhtml+xml"):
            title, text = _html(page)
        elif ctype in ("text/xml", "application/xml"):
            title, text = _xml(page)
        elif ctype == "application/json":
            title, text = "", _json(page)
        else:  # text/plain, text/markdown
            text = decode(page.body, page.charset)
            title = _markdown_title(text) if ctype == "text/markdown" else ""
    text = sanitize(text)
    if text and page.truncated:
        text += "\n\n[... the page was cut at the download size limit]"
    if not text:
        hint = " (the PDF may contain only scanned images)" if ctype == "application/pdf" else ""
        raise FetchError(f"no readable text{hint}")
    title = sanitize(title, max_chars=300).replace("\n", " ") or _url_title(page.url)
    return Document(url=page.url, title=title, text=text, content_type=ctype)
