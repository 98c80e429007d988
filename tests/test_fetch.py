"""Fetcher safety and robustness, mostly against a real HTTP server on loopback."""
from __future__ import annotations

import ipaddress
import shutil
import time

import httpx
import pytest
from http_fixture import (gzip_bomb, gzipped, html, huge, pdf, redirect, redirect_loop, redirect_to_metadata,
                          echo_headers, sequence, serve, serve_server, stall, tls_contexts, trickle)

from kresearch.errors import BlockedURLError, FetchError
from kresearch.tools.fetch import Fetcher, FetchPolicy, check_url, is_public_address, refused_as_local

LOCAL = FetchPolicy(allow_private=True, total_timeout=5, backoff=0.01)


def fetcher(**overrides: object) -> Fetcher:
    return Fetcher(FetchPolicy(**{**LOCAL.__dict__, **overrides}))


# ------------------------------------------------------------------ addresses

@pytest.mark.parametrize("ip", [
    "8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e",
    "2002:808:808::",       # 6to4 wrapping public 8.8.8.8
    "64:ff9b::808:808",     # NAT64 of public 8.8.8.8
])
def test_public_addresses(ip: str) -> None:
    assert is_public_address(ipaddress.ip_address(ip))


@pytest.mark.parametrize("ip", [
    "127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "169.254.1.1",
    "100.64.0.1", "0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255", "192.0.2.1", "198.18.0.1",
    "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1", "2001:db8::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",   # IPv4-mapped
    "::7f00:1",                                                         # IPv4-compatible
    "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b:1::1",               # NAT64 (3.11 calls some global)
    "2002:7f00:1::", "2002:a9fe:a9fe::", "2002:c0a8:101::",            # 6to4 (3.11: is_global=True)
    "2001:0:4136:e378:8000:63bf:80ff:fffe",                             # Teredo, client 127.0.0.1
])
def test_non_public_addresses(ip: str) -> None:
    assert not is_public_address(ipaddress.ip_address(ip))


@pytest.mark.parametrize("ip", ["64:ff9b::7f00:1", "2002:7f00:1::", "::7f00:1"])
def test_wrapped_loopback_that_python_calls_global(ip: str) -> None:
    # Why the unwrapping exists: on Python 3.11 ipaddress calls these global.
    assert not is_public_address(ipaddress.ip_address(ip))


def fake_dns(table: dict[str, list[str]]):
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise FetchError(f"could not resolve {host}; check the URL")
        return table[host]
    return resolve


def test_check_url_literals_and_schemes() -> None:
    assert check_url("http://8.8.8.8/x", allow_private=False) == ["8.8.8.8"]
    with pytest.raises(BlockedURLError, match="refused: 127.0.0.1 is a loopback address"):
        check_url("http://127.0.0.1:8080/", allow_private=False)
    with pytest.raises(BlockedURLError, match="private"):
        check_url("http://10.0.0.1/", allow_private=False)
    with pytest.raises(BlockedURLError, match="loopback"):
        check_url("http://[::ffff:127.0.0.1]/", allow_private=False)
    with pytest.raises(BlockedURLError, match="only http and https"):
        check_url("file:///etc/passwd", allow_private=True)
    with pytest.raises(BlockedURLError, match="only http and https"):
        check_url("ftp://example.com/", allow_private=True)
    with pytest.raises(BlockedURLError, match="user name or password"):
        check_url("http://user:pw@8.8.8.8/", allow_private=True)
    assert check_url("http://127.0.0.1/", allow_private=True) == ["127.0.0.1"]
    with pytest.raises(BlockedURLError, match="localhost resolves to .*, which is a loopback address"):
        check_url("http://localhost:8080/", allow_private=False)


def test_refusals_that_allow_private_lifts_are_recognised_from_their_message() -> None:
    def message(url: str) -> str:
        with pytest.raises(BlockedURLError) as refused:
            check_url(url, allow_private=False)
        return str(refused.value)

    assert refused_as_local(message("http://127.0.0.1:8080/")) and refused_as_local(message("http://10.0.0.1/"))
    assert refused_as_local(message("http://localhost:8080/"))
    assert not refused_as_local(message("http://169.254.169.254/latest/"))     # metadata: never lifted
    assert not refused_as_local(message("file:///etc/passwd"))


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/",
                                 "http://[::ffff:169.254.169.254]/"])
@pytest.mark.parametrize("allow_private", [False, True])
def test_metadata_is_always_refused(url: str, allow_private: bool) -> None:
    with pytest.raises(BlockedURLError, match="metadata"):
        check_url(url, allow_private=allow_private)


def test_check_url_checks_every_resolved_address() -> None:
    dns = fake_dns({"mixed.test": ["93.184.216.34", "10.1.2.3"], "good.test": ["2606:4700::1", "93.184.216.34"]})
    with pytest.raises(BlockedURLError, match=r"mixed.test resolves to 10.1.2.3, which is a private address"):
        check_url("https://mixed.test/", allow_private=False, resolver=dns)
    assert check_url("https://good.test/", allow_private=False, resolver=dns) == ["93.184.216.34", "2606:4700::1"]


def test_numeric_spellings_resolve_to_loopback_and_are_refused() -> None:
    for url in ("http://2130706433/", "http://0x7f000001/", "http://127.1/"):
        with pytest.raises(BlockedURLError, match="loopback"):
            check_url(url, allow_private=False)


# ------------------------------------------------------------------ real server: the happy paths

def test_fetch_html_page() -> None:
    with serve({"/a": html("<title>A</title><p>Hello</p>")}) as base, fetcher() as f:
        page = f.fetch(base + "/a#frag")
    assert page.status == 200
    assert page.url == base + "/a"
    assert page.content_type == "text/html" and page.charset == "utf-8"
    assert b"Hello" in page.body and not page.truncated


def test_loopback_refused_by_default_without_connecting() -> None:
    with serve_server({"/a": html("<p>secret</p>")}) as srv, Fetcher() as f:
        with pytest.raises(BlockedURLError, match="loopback"):
            f.fetch(srv.base_url + "/a")
        assert srv.hits == {}


def test_relative_redirects_are_followed() -> None:
    routes = {"/old": redirect("/mid", 301), "/mid": redirect("new?x=1", 307), "/new": html("<p>moved here</p>")}
    with serve(routes) as base, fetcher() as f:
        page = f.fetch(base + "/old")
    assert page.url == base + "/new?x=1"
    assert b"moved here" in page.body


def test_gzip_body_is_decoded() -> None:
    text = "<p>" + "compressible words " * 2000 + "</p>"
    with serve({"/z": gzipped(text.encode())}) as base, fetcher() as f:
        page = f.fetch(base + "/z")
    assert page.body.decode() == text


def test_sends_host_header_and_user_agent() -> None:
    with serve({"/h": echo_headers()}) as base, fetcher() as f:
        page = f.fetch(base.replace("127.0.0.1", "localhost") + "/h")
    headers = httpx.Response(200, content=page.body).json()
    assert headers["host"] == base.replace("http://127.0.0.1", "localhost")
    assert headers["user-agent"].startswith("kresearch/")


# ------------------------------------------------------------------ real server: hostile servers

def test_redirect_to_metadata_refused_even_with_allow_private() -> None:
    with serve({"/r": redirect_to_metadata()}) as base, fetcher() as f:
        with pytest.raises(BlockedURLError, match="169.254.169.254 is a cloud metadata address"):
            f.fetch(base + "/r")


def test_redirect_loop() -> None:
    with serve({"/loop": redirect_loop()}) as base, fetcher() as f:
        with pytest.raises(FetchError, match="redirect loop"):
            f.fetch(base + "/loop")


def test_too_many_redirects() -> None:
    routes = {f"/r{i}": redirect(f"/r{i + 1}") for i in range(10)}
    with serve(routes) as base, fetcher(max_redirects=3) as f:
        with pytest.raises(FetchError, match=r"too many redirects \(more than 3\)"):
            f.fetch(base + "/r0")


@pytest.mark.parametrize("route", [stall(30), trickle(interval=0.1)], ids=["stall", "trickle"])
def test_slow_server_hits_the_overall_deadline(route) -> None:
    with serve({"/slow": route}) as base, fetcher(total_timeout=1.0, read_timeout=10) as f:
        started = time.monotonic()
        with pytest.raises(FetchError, match="timed out"):
            f.fetch(base + "/slow")
        assert time.monotonic() - started < 2.5


def test_gzip_bomb_is_cut_quickly() -> None:
    with serve({"/bomb": gzip_bomb(256)}) as base, fetcher(max_decoded_bytes=1_000_000) as f:
        started = time.monotonic()
        page = f.fetch(base + "/bomb")
        assert time.monotonic() - started < 2
    assert page.truncated and len(page.body) == 1_000_000


def test_huge_body_is_capped() -> None:
    with serve({"/huge": huge(20_000_000)}) as base, fetcher(max_bytes=300_000) as f:
        started = time.monotonic()
        page = f.fetch(base + "/huge")
        assert time.monotonic() - started < 2
    assert page.truncated and len(page.body) == 300_000


def test_http_errors() -> None:
    routes = {"/gone": (410, {"Content-Type": "text/html"}, b"gone"), "/forbidden": (403, {}, b"")}
    with serve_server(routes) as srv, fetcher() as f:
        with pytest.raises(FetchError, match="HTTP 404"):
            f.fetch(srv.base_url + "/missing")
        with pytest.raises(FetchError, match="HTTP 410"):
            f.fetch(srv.base_url + "/gone")
        with pytest.raises(FetchError, match="HTTP 403"):
            f.fetch(srv.base_url + "/forbidden")
        assert srv.hits == {"/missing": 1, "/gone": 1, "/forbidden": 1}  # 4xx is not retried


def test_empty_body() -> None:
    with serve({"/e": (200, {"Content-Type": "text/html"}, b"")}) as base, fetcher() as f:
        with pytest.raises(FetchError, match="empty"):
            f.fetch(base + "/e")


def test_binary_octet_stream_refused() -> None:
    blob = bytes(range(256)) * 100
    with serve({"/bin": (200, {"Content-Type": "application/octet-stream"}, blob)}) as base, fetcher() as f:
        with pytest.raises(FetchError, match="^unsupported content type application/octet-stream$"):
            f.fetch(base + "/bin")


def test_refused_type_is_refused_before_reading_the_body() -> None:
    with serve({"/img": (200, {"Content-Type": "image/png"}, b"\x89PNG" + bytes(1000))}) as base, fetcher() as f:
        with pytest.raises(FetchError, match="unsupported content type image/png"):
            f.fetch(base + "/img")


def test_generic_types_are_sniffed() -> None:
    routes = {
        "/pdf": (200, {"Content-Type": "application/octet-stream"}, pdf("x")[2]),
        "/html": (200, {"Content-Type": "application/octet-stream"}, b"<!DOCTYPE html><html><p>hi</p></html>"),
        "/none": (200, {}, b"<html><body>no header</body></html>"),
        "/text": (200, {}, "plain words, café".encode()),
        "/declared": pdf("y"),
    }
    with serve(routes) as base, fetcher() as f:
        types = {p: f.fetch(base + p).content_type for p in routes}
    assert types == {"/pdf": "application/pdf", "/html": "text/html", "/none": "text/html",
                     "/text": "text/plain", "/declared": "application/pdf"}


def test_unsupported_content_encoding() -> None:
    route = (200, {"Content-Type": "text/html", "Content-Encoding": "br"}, b"\x1b\x00")
    with serve({"/br": route}) as base, fetcher() as f:
        with pytest.raises(FetchError, match="unsupported content encoding br"):
            f.fetch(base + "/br")


def test_retries_on_5xx_and_429_then_succeeds() -> None:
    routes = {"/flaky": sequence((503, {}, b""), (429, {"Retry-After": "0"}, b""), html("<p>ok now</p>"))}
    with serve_server(routes) as srv, fetcher(retries=2) as f:
        page = f.fetch(srv.base_url + "/flaky")
    assert b"ok now" in page.body and srv.hits["/flaky"] == 3


def test_gives_up_after_retries() -> None:
    with serve_server({"/down": (503, {}, b"")}) as srv, fetcher(retries=2) as f:
        with pytest.raises(FetchError, match=r"HTTP 503 .*gave up after 3 attempts"):
            f.fetch(srv.base_url + "/down")
    assert srv.hits["/down"] == 3


def test_retry_after_is_honoured_but_capped_and_the_deadline_wins() -> None:
    times: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        times.append(time.monotonic())
        return httpx.Response(503 if len(times) == 1 else 200, headers={"Retry-After": "100", "Content-Type": "text/plain"},
                              content=b"ok")

    dns = fake_dns({"busy.test": ["93.184.216.34"]})
    policy = FetchPolicy(backoff=0.01, max_retry_after=0.3)
    with Fetcher(policy, transport=httpx.MockTransport(handler), resolver=dns) as f:
        assert f.fetch("http://busy.test/").body == b"ok"
    assert 0.3 <= times[1] - times[0] < 1.0

    always_busy = httpx.MockTransport(lambda r: httpx.Response(429, headers={"Retry-After": "3"}))
    with Fetcher(FetchPolicy(total_timeout=1.0), transport=always_busy, resolver=dns) as f:
        started = time.monotonic()
        with pytest.raises(FetchError, match="HTTP 429 .*no time left to retry"):
            f.fetch("http://busy.test/")
        assert time.monotonic() - started < 0.5


def test_connection_refused_is_a_fetch_error() -> None:
    with serve({}) as base:
        pass  # the port is free again now
    with fetcher(retries=1) as f:
        with pytest.raises(FetchError, match="could not connect"):
            f.fetch(base + "/")


# ------------------------------------------------------------------ mock transport: pinning

def test_requests_are_pinned_to_the_checked_address() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"Content-Type": "text/plain"}, content=b"pinned")

    dns = fake_dns({"example.test": ["93.184.216.34"]})
    with Fetcher(FetchPolicy(), transport=httpx.MockTransport(handler), resolver=dns) as f:
        page = f.fetch("https://example.test/path?q=1")
    assert page.url == "https://example.test/path?q=1"
    (request,) = seen
    assert request.url.host == "93.184.216.34" and request.url.path == "/path"
    assert request.headers["host"] == "example.test"
    assert request.extensions["sni_hostname"] == "example.test"


def test_every_redirect_hop_is_checked() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://intranet.test/admin"})

    dns = fake_dns({"public.test": ["93.184.216.34"], "intranet.test": ["192.168.0.10"]})
    with Fetcher(FetchPolicy(), transport=httpx.MockTransport(handler), resolver=dns) as f:
        with pytest.raises(BlockedURLError, match="intranet.test resolves to 192.168.0.10"):
            f.fetch("http://public.test/")


def test_blocked_urls_are_not_retried() -> None:
    calls = []
    transport = httpx.MockTransport(lambda r: calls.append(r) or httpx.Response(200))
    with Fetcher(FetchPolicy(retries=3), transport=transport) as f:
        with pytest.raises(BlockedURLError):
            f.fetch("http://10.0.0.1/")
    assert calls == []


def test_unresolvable_host() -> None:
    with Fetcher(FetchPolicy(), transport=httpx.MockTransport(lambda r: httpx.Response(200)),
                 resolver=fake_dns({})) as f:
        with pytest.raises(FetchError, match="could not resolve nowhere.test"):
            f.fetch("http://nowhere.test/")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a certificate")
def test_https_pinning_verifies_the_certificate_against_the_name(tmp_path) -> None:
    server_ctx, client_ctx = tls_contexts("pinned.test", str(tmp_path))
    sni: list[str | None] = []
    server_ctx.sni_callback = lambda sock, name, ctx: sni.append(name)
    dns = fake_dns({"pinned.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})
    policy = FetchPolicy(allow_private=True, retries=0, total_timeout=5)
    with serve({"/h": echo_headers()}, ssl_context=server_ctx) as base:
        port = base.rsplit(":", 1)[1]
        with Fetcher(policy, transport=httpx.HTTPTransport(verify=client_ctx), resolver=dns) as f:
            page = f.fetch(f"https://pinned.test:{port}/h")
            assert httpx.Response(200, content=page.body).json()["host"] == f"pinned.test:{port}"
            assert sni == ["pinned.test"]
            with pytest.raises(FetchError, match="TLS|certificate|hostname"):
                f.fetch(f"https://other.test:{port}/h")  # same IP, but the certificate is not for it
