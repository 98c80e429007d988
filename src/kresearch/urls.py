"""URL normalisation shared by search de-duplication and the source registry."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track the visitor and never change the page.
_TRACKING = {"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "gclid", "fbclid", "ref"}


def normalize_url(url: str) -> str:
    """A canonical form for de-duplication: lower-case scheme and host, no fragment, no default
    port, no tracking parameters, no trailing slash on a non-root path."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in _TRACKING])
    return urlunsplit((scheme, host, path, query, ""))


_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'`]+", re.I)


def urls_in(text: str, limit: int = 3) -> list[str]:
    """The http(s) URLs a question names, in order, without the punctuation that ends a
    sentence or closes a bracket around them; at most `limit`."""
    found = []
    for match in _URL_IN_TEXT.finditer(text):
        url, before = match.group(0), ""
        while url != before:            # "…/a.)" -> "…/a": trailing punctuation, unbalanced brackets
            before = url
            url = url.rstrip(".,;:!?")
            if url.endswith((")", "]")) and url.count(url[-1]) > url.count("(" if url[-1] == ")" else "["):
                url = url[:-1]
        if url not in found:
            found.append(url)
    return found[:limit]
