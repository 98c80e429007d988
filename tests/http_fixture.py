"""A real HTTP server on loopback for tests, standard library only.

    from http_fixture import serve, html, redirect, stall   # tests/ is on sys.path under pytest

    routes = {
        "/page": html("<p>Hello</p>"),                       # 200 text/html; charset=utf-8
        "/raw": (200, {"Content-Type": "text/plain"}, b"hi"),  # (status, headers, body)
        "/moved": redirect("/page"),                           # 302 Location: /page
        "/slow": stall(30),                                    # headers, then silence
    }
    with serve(routes) as base:                              # base = "http://127.0.0.1:PORT"
        fetcher.fetch(base + "/page")

A route is either a `(status, headers, body)` tuple or a callable taking the request handler
(`Handler`: see `send`, `body` for a POST's body, and `stop`, an Event set at shutdown). Unknown paths give 404; the
query string is ignored when matching. `Content-Length` is added unless the headers already set
it; otherwise headers are sent exactly as given (no default Content-Type). The server speaks
HTTP/1.0 and closes the connection after each response.

Helpers below build routes: html, redirect, redirect_loop, redirect_to_metadata, stall,
trickle, gzip_bomb, gzipped, huge, sequence (503 then 200 ...), echo_headers, pdf / minimal_pdf.
`serve_server` yields a `Server` with per-path hit counts; `tls_contexts` + `ssl_context=`
serve https with a self-signed certificate (needs the openssl command).

Reach it with `FetchPolicy(allow_private=True)`: loopback is refused by default.
Stalled handlers wake up and return when the `serve` block exits, so tests end promptly.
"""
from __future__ import annotations

import contextlib
import functools
import itertools
import json
import socket
import ssl
import threading
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Union

Response = tuple[int, dict[str, str], bytes]
Route = Union[Response, Callable[["Handler"], None]]


class Handler(BaseHTTPRequestHandler):
    routes: dict[str, Route] = {}
    stop: threading.Event  # set when the server shuts down
    hits: dict[str, int]

    def log_message(self, fmt: str, *args: object) -> None:  # keep test output quiet
        pass

    def send(self, status: int, headers: dict[str, str], body: bytes, length: bool = True) -> None:
        """Send a whole response; `length=False` omits Content-Length (the body then ends
        when the connection closes, which lets a route keep writing after this call)."""
        self.send_response(status)
        lower = {k.lower() for k in headers}
        for k, v in headers.items():
            self.send_header(k, v)
        if length and "content-length" not in lower and "transfer-encoding" not in lower:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        self.hits[path] = self.hits.get(path, 0) + 1
        route = self.routes.get(path)
        try:
            if route is None:
                self.send(404, {"Content-Type": "text/plain"}, b"not found")
            elif callable(route):
                route(self)
            else:
                self.send(*route)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (caps, deadlines): that is what many tests want

    do_HEAD = do_GET
    do_POST = do_GET     # a callable route reads the request body with `body()`

    def body(self) -> bytes:
        """The request body (POST), read once."""
        if not hasattr(self, "_body"):
            self._body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        return self._body


class Server:
    """What `serve` yields besides the URL: `hits` counts requests per path."""

    def __init__(self, base_url: str, hits: dict[str, int]):
        self.base_url, self.hits = base_url, hits

    def __str__(self) -> str:
        return self.base_url


class _TLSServer(ThreadingHTTPServer):
    ssl_context: ssl.SSLContext

    def get_request(self):  # type: ignore[no-untyped-def]
        sock, addr = super().get_request()
        sock.settimeout(5)
        try:
            tls = self.ssl_context.wrap_socket(sock, server_side=True)
            tls.settimeout(None)
            return tls, addr
        except (ssl.SSLError, OSError):  # a client that rejects our certificate
            sock.close()
            raise


def free_port() -> int:
    """A loopback port nothing listens on (now): for a server to start there, or a refused connection."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve_server(routes: dict[str, Route], ssl_context: ssl.SSLContext | None = None) -> Iterator[Server]:
    """Like `serve` but yields a `Server` (base_url and per-path hit counts).
    With `ssl_context` (a server-side context with a certificate loaded) it speaks https."""
    stop = threading.Event()
    hits: dict[str, int] = {}
    handler = type("BoundHandler", (Handler,), {"routes": dict(routes), "stop": stop, "hits": hits})
    if ssl_context is None:
        srv: ThreadingHTTPServer = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    else:
        srv = _TLSServer(("127.0.0.1", 0), handler)
        srv.ssl_context = ssl_context
    srv.daemon_threads = True
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    scheme = "https" if ssl_context else "http"
    try:
        yield Server(f"{scheme}://127.0.0.1:{srv.server_address[1]}", hits)
    finally:
        stop.set()
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def serve(routes: dict[str, Route], ssl_context: ssl.SSLContext | None = None) -> Iterator[str]:
    """Serve `routes` on 127.0.0.1 (a free port) for the duration of the block; yields the base URL."""
    with serve_server(routes, ssl_context) as server:
        yield server.base_url


# ------------------------------------------------------------------ route helpers

def html(body: str, status: int = 200, charset: str = "utf-8", headers: dict[str, str] | None = None) -> Response:
    return status, {"Content-Type": f"text/html; charset={charset}", **(headers or {})}, body.encode(charset)


def redirect(location: str, status: int = 302) -> Response:
    return status, {"Location": location}, b""


def redirect_loop(status: int = 302) -> Route:
    """Redirects to the path it was requested at, forever."""
    return lambda h: h.send(status, {"Location": h.path}, b"")


METADATA_URL = "http://169.254.169.254/latest/meta-data/"


def redirect_to_metadata() -> Response:
    """Redirects to the cloud metadata service (the classic SSRF target)."""
    return redirect(METADATA_URL)


def stall(seconds: float = 30.0, content_type: str = "text/html") -> Route:
    """Sends status and headers (no Content-Length), then stays silent for `seconds`."""
    def route(h: Handler) -> None:
        h.send(200, {"Content-Type": content_type}, b"", length=False)
        h.wfile.flush()
        if not h.stop.wait(seconds):
            h.wfile.write(b"<html><body><p>finally</p></body></html>")
    return route


def trickle(chunk: bytes = b"<p>x</p>\n", interval: float = 0.2, count: int = 1000, content_type: str = "text/html") -> Route:
    """Sends headers, then one small chunk every `interval` seconds: never idle long enough
    for a per-read timeout, so only an overall deadline stops it."""
    def route(h: Handler) -> None:
        h.send(200, {"Content-Type": content_type}, b"", length=False)
        for _ in range(count):
            h.wfile.write(chunk)
            h.wfile.flush()
            if h.stop.wait(interval):
                return
    return route


@functools.lru_cache(maxsize=4)
def _bomb(decoded_mib: int) -> bytes:
    comp = zlib.compressobj(1, zlib.DEFLATED, 31)  # wbits 31: gzip container
    chunk = bytes(1 << 20)
    return b"".join(comp.compress(chunk) for _ in range(decoded_mib)) + comp.flush()


def gzip_bomb(decoded_mib: int = 256, content_type: str = "text/html") -> Response:
    """About 1 MB on the wire that inflates to `decoded_mib` MiB of zeros (built once, ~0.3 s)."""
    return 200, {"Content-Type": content_type, "Content-Encoding": "gzip"}, _bomb(decoded_mib)


def gzipped(body: bytes, content_type: str = "text/html; charset=utf-8") -> Response:
    comp = zlib.compressobj(6, zlib.DEFLATED, 31)
    return 200, {"Content-Type": content_type, "Content-Encoding": "gzip"}, comp.compress(body) + comp.flush()


def huge(size: int = 20_000_000, content_type: str = "text/html") -> Route:
    """A `size`-byte HTML page, streamed in 64 KiB pieces."""
    para = b"<p>" + b"filler text about nothing in particular " * 50 + b"</p>\n"

    def route(h: Handler) -> None:
        h.send(200, {"Content-Type": content_type, "Content-Length": str(size)}, b"")
        sent = 0
        piece = b"<html><body>" + para * (65536 // len(para))
        while sent < size and not h.stop.is_set():
            part = piece[: size - sent]
            h.wfile.write(part)
            sent += len(part)
    return route


def sequence(*routes: Route) -> Route:
    """Answers the n-th request with the n-th route; the last one repeats (e.g. 503 then 200)."""
    counter = itertools.count()

    def route(h: Handler) -> None:
        r = routes[min(next(counter), len(routes) - 1)]
        r(h) if callable(r) else h.send(*r)
    return route


def echo_headers() -> Route:
    """Answers with the request headers as a JSON object (lower-case names)."""
    def route(h: Handler) -> None:
        body = json.dumps({k.lower(): v for k, v in h.headers.items()}).encode()
        h.send(200, {"Content-Type": "application/json"}, body)
    return route


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF showing one line of text (enough for a text extractor).
    `text` must not contain parentheses or backslashes."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def pdf(text: str) -> Response:
    return 200, {"Content-Type": "application/pdf"}, minimal_pdf(text)


def tls_contexts(hostname: str, directory: str) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for `hostname` (made with the openssl command line tool, in
    `directory`): returns (server context for `serve`, client context that trusts it).
    Raises FileNotFoundError when openssl is not installed."""
    import os
    import subprocess

    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", f"/CN={hostname}", "-addext", f"subjectAltName=DNS:{hostname}",
                    "-keyout", key, "-out", cert], check=True, capture_output=True, timeout=60)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=cert)
    return server, client
