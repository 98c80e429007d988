"""Fetch one web page safely: the only module in kresearch that opens HTTP connections to
URLs chosen by the model (or by a web page the model read).

Safety rules, all enforced in code:
  * http and https only, no credentials in URLs, no proxies from the environment;
  * every hostname is resolved and every address checked (`check_url`) before connecting, on
    the first request and on every redirect hop (redirects are followed by hand);
  * the connection goes to the checked address, not to a second DNS answer ("pinning", which
    defeats DNS rebinding): the request URL carries the IP, the Host header the name, and for
    https the TLS SNI and certificate check use the name (httpcore's `sni_hostname`
    extension). Keep-alive is off, so a connection is never reused for another name;
  * the body is streamed and capped, before and after decompression (gzip bombs);
  * an overall deadline covers DNS, redirects, retries and a body that trickles in;
  * only text-like content types (and PDF) are accepted.

Pinning applies to the default transport. A caller-supplied transport (tests) gets the same
URL and headers, so it sees the pinned IP too.
"""
from __future__ import annotations

import email.utils
import ipaddress
import random
import re
import socket
import threading
import time
import typing
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from kresearch.errors import BlockedURLError, FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

# Refused even with allow_private: the instance metadata services of cloud providers (AWS, GCP,
# Azure, OpenStack: 169.254.169.254; AWS IPv6; ECS task metadata; Alibaba).
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "fd00:ec2::254", "169.254.170.2", "100.100.100.200"))

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215; on 3.11 it claims is_global

ALLOWED_TYPES = frozenset({
    "text/html", "application/xhtml+xml", "text/plain", "text/markdown", "application/json",
    "application/pdf", "text/xml", "application/xml"})
_GENERIC_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream", "application/unknown",
                            "application/x-unknown", "unknown/unknown", "application/binary"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass
class FetchPolicy:
    allow_private: bool = False          # loopback / LAN (tests, intranet); metadata stays refused
    connect_timeout: float = 5.0
    read_timeout: float = 10.0           # per read; see total_timeout for the whole fetch
    total_timeout: float = 20.0          # overall deadline per fetch (redirects and retries included)
    max_redirects: int = 5
    max_bytes: int = 5_000_000           # raw body cap, streamed; longer bodies are truncated
    max_decoded_bytes: int = 10_000_000  # cap after gzip/deflate decompression (gzip bombs)
    retries: int = 2                     # on 429 / 5xx / timeouts / connection errors
    user_agent: str = "kresearch/0.1 (+https://github.com/kresearch)"
    backoff: float = 0.5                 # first retry delay in seconds (doubles, with jitter)
    max_retry_after: float = 5.0         # cap on a server's Retry-After


@dataclass
class FetchedPage:
    url: str              # final URL after redirects
    status: int
    content_type: str     # media type only, lower-case, e.g. "text/html" (sniffed if generic)
    charset: str | None   # from the Content-Type header, lower-case
    body: bytes           # decompressed, at most max_decoded_bytes
    truncated: bool = False  # the body hit a size cap


# ------------------------------------------------------------------ addresses

def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address tunnels or translates to, if any."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]  # the client, de-obfuscated
    if ip in _NAT64 or int(ip) >> 32 == 0:  # NAT64, or deprecated IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _why_not_public(ip: IPAddress) -> str | None:
    """None for a public unicast address, else what it is ("a private address" ...)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id:
        ip = ipaddress.IPv6Address(ip.compressed.split("%")[0])
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            why = _why_not_public(inner)
            return f"{why} in IPv6 form" if why else None
        if ip in _NAT64_LOCAL:
            return "a local NAT64 address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_reserved:
        return "a reserved address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global:
        return "not a public address"
    return None


def is_public_address(ip: IPAddress) -> bool:
    """True for a globally routable unicast address, after unwrapping IPv4 embedded in IPv6
    (mapped, IPv4-compatible, 6to4, Teredo, NAT64) — Python 3.11 calls some of those global."""
    return _why_not_public(ip) is None


def _is_metadata(ip: IPAddress) -> bool:
    return _why_not_public(ip) in ("a cloud metadata address", "a cloud metadata address in IPv6 form")


def _system_resolve(host: str, port: int, timeout: float = 5.0) -> list[str]:
    """getaddrinfo with a timeout (it has none of its own): the lookup runs in a daemon thread."""
    result: list[str] = []
    error: list[BaseException] = []

    def run() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            result.extend(dict.fromkeys(str(info[4][0]) for info in infos))
        except (OSError, UnicodeError) as e:
            error.append(e)

    thread = threading.Thread(target=run, daemon=True, name="kresearch-dns")
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise FetchError(f"could not resolve {host}: DNS lookup timed out")
    if error or not result:
        raise FetchError(f"could not resolve {host}; check the URL")
    return result


def _parse_url(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, ValueError):
        raise FetchError(f"invalid URL: {url[:200]}") from None
    if parsed.scheme not in ("http", "https"):
        raise BlockedURLError(f"refused: only http and https URLs can be fetched, not {parsed.scheme or 'a relative URL'}")
    if not parsed.host:
        raise FetchError(f"invalid URL (no host): {url[:200]}")
    if parsed.userinfo:
        raise BlockedURLError("refused: URLs with a user name or password are not fetched")
    return parsed


# How check_url words the refusals of addresses on this machine or the LAN, which
# allow_private lifts (metadata addresses say "a cloud metadata address" and stay refused).
_LOCAL_REFUSAL = re.compile(r"^refused: .* is an? (loopback|private|link-local) address")


def refused_as_local(message: str) -> bool:
    """The error of a page refused for a loopback, private or link-local address."""
    return bool(_LOCAL_REFUSAL.match(message))


def check_url(url: str, allow_private: bool, resolver: Resolver | None = None) -> list[str]:
    """Resolve the URL's host and check every address. Returns the addresses (IPv4 first);
    raises BlockedURLError if any is not public (metadata addresses even with allow_private),
    FetchError if the URL is malformed or the host does not resolve."""
    parsed = _parse_url(url)
    host = parsed.raw_host.decode("ascii")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    # Odd spellings such as "2130706433" or "0x7f.1" are not literals here; getaddrinfo turns
    # them into 127.0.0.1, which is then checked like any other answer.
    addresses = [str(literal)] if literal else (resolver or _system_resolve)(host, port)
    ips = sorted((ipaddress.ip_address(a) for a in addresses), key=lambda ip: ip.version)
    for ip in ips:
        why = _why_not_public(ip)
        if why is None or (allow_private and not _is_metadata(ip)):
            continue
        target = host if literal else f"{host} resolves to {ip}, which"
        raise BlockedURLError(f"refused: {target} is {why}")
    return [str(ip) for ip in ips]


# ------------------------------------------------------------------ body handling

class _Retryable(Exception):
    """A failure worth another attempt (429, 5xx, timeouts, broken connections)."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class _Decoder:
    """Incremental Content-Encoding decoder that never produces more than `limit` bytes,
    so a gzip bomb costs at most `limit` bytes of memory and a few milliseconds."""

    def __init__(self, encoding: str, limit: int):
        self.limit, self.produced, self.over = limit, 0, False
        self.raw_deflate_fallback = encoding == "deflate"  # servers send zlib or raw deflate
        self._first = True
        self._d = self._new(encoding) if encoding else None

    @staticmethod
    def _new(encoding: str) -> "zlib._Decompress":
        if encoding in ("gzip", "x-gzip", "deflate"):
            return zlib.decompressobj(zlib.MAX_WBITS | 32)  # auto-detects gzip or zlib header
        raise FetchError(f"unsupported content encoding {encoding}")

    def feed(self, data: bytes) -> bytes:
        room = self.limit - self.produced
        if self._d is None:
            out = data[:room]
        else:
            out = self._inflate(data, room + 1)
        self.over = self.over or len(out) > room or (self._d is None and len(data) > room)
        out = out[:room]
        self.produced += len(out)
        return out

    def _inflate(self, data: bytes, max_length: int) -> bytes:
        try:
            out = self._d.decompress(data, max_length)
        except zlib.error:
            if not (self._first and self.raw_deflate_fallback):
                raise FetchError("the page's compressed body is corrupt") from None
            self._d = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._d.decompress(data, max_length)
        self._first = False
        # Concatenated gzip members: start over on what follows the end of the first one.
        while self._d.eof and self._d.unused_data and len(out) < max_length:
            rest = self._d.unused_data
            self._d = zlib.decompressobj(zlib.MAX_WBITS | 32)
            out += self._d.decompress(rest, max_length - len(out))
        return out


def _media_type(header: str) -> tuple[str, str | None]:
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return media.strip().lower(), charset


def _normalise_type(media: str) -> str:
    if media in ALLOWED_TYPES:
        return media
    if media.endswith("+json"):
        return "application/json"
    if media.endswith("+xml"):
        return "application/xml"
    if media in ("text/x-markdown",):
        return "text/markdown"
    return media


def sniff(body: bytes, header_missing: bool) -> str | None:
    """Guess the type of a body served without a useful Content-Type."""
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf-"):
        return "application/pdf"
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in head[:512]:
        return "text/html"
    if head.startswith(b"<?xml"):
        return "application/xml"
    if header_missing and body and b"\x00" not in body[:4096]:
        try:
            body[:4096].decode("utf-8")
            return "text/plain"
        except UnicodeDecodeError as e:
            if e.start >= 4090:  # cut in the middle of a character at the sample's end
                return "text/plain"
    return None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _one_line(text: object, limit: int = 200) -> str:
    return " ".join(str(text).split())[:limit]


# ------------------------------------------------------------------ the fetcher

class _Deadline:
    def __init__(self, seconds: float):
        self.seconds, self.end = seconds, time.monotonic() + seconds
        self.fired = False

    def left(self) -> float:
        return self.end - time.monotonic()

    def check(self) -> float:
        left = self.left()
        if left <= 0:
            raise self.error()
        return left

    def error(self) -> FetchError:
        return FetchError(f"timed out: the page took longer than {self.seconds:g} s to load")


class Fetcher:
    """Fetches pages under a FetchPolicy. Thread-safe enough for a few concurrent fetches."""

    def __init__(self, policy: FetchPolicy = FetchPolicy(), transport: httpx.BaseTransport | None = None,
                 resolver: Resolver | None = None):
        self.policy = policy
        self.resolver = resolver  # host, port -> addresses; None = system DNS (tests inject one)
        self._client = httpx.Client(
            transport=transport, trust_env=False, follow_redirects=False,
            # No keep-alive: a pooled connection, keyed by IP, could otherwise carry a request
            # for another host name than the one its TLS session was verified for.
            limits=httpx.Limits(max_keepalive_connections=0),
            headers={"User-Agent": policy.user_agent, "Accept-Encoding": "gzip, deflate",
                     "Accept": "text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,*/*;q=0.5"})

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(self, url: str) -> FetchedPage:
        """Fetch `url`, following redirects. Raises BlockedURLError for refused addresses and
        FetchError for everything else that goes wrong (messages are one line, for the model)."""
        deadline = _Deadline(self.policy.total_timeout)
        attempt = 0
        while True:
            try:
                return self._follow(url, deadline)
            except (httpx.HTTPError, httpx.InvalidURL) as e:  # anything not translated below
                raise FetchError(f"could not fetch the page: {_one_line(e) or type(e).__name__}") from None
            except _Retryable as e:
                attempt += 1
                if attempt > self.policy.retries:
                    suffix = f" (gave up after {attempt} attempts)" if attempt > 1 else ""
                    raise FetchError(f"{e}{suffix}") from None
                delay = self.policy.backoff * 2 ** (attempt - 1) * random.uniform(0.5, 1.5)
                if e.retry_after is not None:
                    delay = max(delay, min(e.retry_after, self.policy.max_retry_after))
                if delay >= deadline.left():
                    raise FetchError(f"{e} (no time left to retry)") from None
                time.sleep(delay)

    def _follow(self, url: str, deadline: _Deadline) -> FetchedPage:
        seen: set[str] = set()
        for _hop in range(self.policy.max_redirects + 1):
            current = str(_parse_url(url).copy_with(fragment=None))
            seen.add(current)
            location = self._request(current, deadline)
            if isinstance(location, FetchedPage):
                return location
            url = urljoin(current, location)
            if str(_parse_url(url).copy_with(fragment=None)) in seen:
                raise FetchError(f"redirect loop at {url[:200]}")
        raise FetchError(f"too many redirects (more than {self.policy.max_redirects})")

    def _request(self, url: str, deadline: _Deadline) -> FetchedPage | str:
        """One request; returns the page, or the Location of a redirect."""
        p = self.policy
        parsed = _parse_url(url)
        left = deadline.check()
        resolver = self.resolver or (lambda h, port: _system_resolve(h, port, min(p.connect_timeout, left)))
        ips = check_url(url, p.allow_private, resolver)
        host = parsed.raw_host.decode("ascii")
        headers = {"Host": parsed.netloc.decode("ascii")}
        extensions = {"sni_hostname": host} if parsed.scheme == "https" else {}
        last_error: Exception | None = None
        for ip in ips[:3]:  # a few addresses, in case one (often IPv6) is unreachable
            left = deadline.check()
            timeout = httpx.Timeout(connect=min(p.connect_timeout, left), read=min(p.read_timeout, left),
                                    write=min(p.connect_timeout, left), pool=min(p.connect_timeout, left))
            request = self._client.build_request("GET", parsed.copy_with(host=ip), headers=headers,
                                                 extensions=extensions, timeout=timeout)
            try:
                response = self._client.send(request, stream=True)
            except httpx.ConnectError as e:
                last_error = e
                continue
            except httpx.TimeoutException:
                if deadline.left() <= 0:
                    raise deadline.error() from None
                raise _Retryable(f"timed out waiting for {host}") from None
            except httpx.HTTPError as e:
                raise _Retryable(f"could not fetch {host}: {_one_line(e) or type(e).__name__}") from None
            try:
                return self._handle(url, response, deadline)
            finally:
                response.close()
        message = _one_line(last_error) or "connection failed"
        if "CERTIFICATE_VERIFY_FAILED" in message or "SSL" in message:
            raise FetchError(f"could not connect to {host}: TLS error ({message})")
        raise _Retryable(f"could not connect to {host}: {message}")

    def _handle(self, url: str, response: httpx.Response, deadline: _Deadline) -> FetchedPage | str:
        status = response.status_code
        if status in _REDIRECTS:
            location = response.headers.get("location")
            if not location:
                raise FetchError(f"HTTP {status} redirect without a Location header")
            return location
        if status == 429 or status >= 500:
            raise _Retryable(f"HTTP {status} {response.reason_phrase}".strip(),
                             _retry_after(response.headers.get("retry-after")))
        if status >= 300:
            raise FetchError(f"HTTP {status} {response.reason_phrase}".strip())

        header = response.headers.get("content-type", "")
        media, charset = _media_type(header)
        media = _normalise_type(media)
        generic = media in _GENERIC_TYPES
        if not generic and media not in ALLOWED_TYPES:
            raise FetchError(f"unsupported content type {media}")
        body, truncated = self._read_body(response, deadline)
        if not body:
            raise FetchError("the page is empty")
        if generic:
            sniffed = sniff(body, header_missing=not header.strip())
            if sniffed is None:
                raise FetchError(f"unsupported content type {media or '(none)'}")
            media = sniffed
        return FetchedPage(url=url, status=status, content_type=media, charset=charset, body=body,
                           truncated=truncated)

    def _read_body(self, response: httpx.Response, deadline: _Deadline) -> tuple[bytes, bool]:
        p = self.policy
        encodings = [e.strip().lower() for e in response.headers.get("content-encoding", "").split(",")]
        encodings = [e for e in encodings if e and e != "identity"]
        if len(encodings) > 1:
            raise FetchError(f"unsupported content encoding {', '.join(encodings)}")
        decoder = _Decoder(encodings[0] if encodings else "", p.max_decoded_bytes)
        watchdog = self._watchdog(response, deadline)
        chunks: list[bytes] = []
        raw = 0
        truncated = False
        try:
            # The raw stream itself rather than iter_raw(): undecoded bytes as they arrive, and it
            # also works for in-memory responses (mock transports) that httpx marks consumed.
            for chunk in typing.cast(Iterable[bytes], response.stream):
                raw += len(chunk)
                if raw > p.max_bytes:
                    chunk = chunk[: len(chunk) - (raw - p.max_bytes)]
                    truncated = True
                chunks.append(decoder.feed(chunk))
                if truncated or decoder.over:
                    return b"".join(chunks), True
                deadline.check()
        except httpx.TimeoutException:
            if deadline.left() <= 0.05:
                raise deadline.error() from None
            raise _Retryable(f"timed out reading {response.request.headers.get('host', 'the page')}") from None
        except httpx.HTTPError as e:
            if deadline.fired or deadline.left() <= 0:
                raise deadline.error() from None
            raise _Retryable(f"connection broken while reading the page: {_one_line(e) or type(e).__name__}") from None
        finally:
            if watchdog:
                watchdog.cancel()
        if deadline.fired:  # the watchdog closed the socket: a close-delimited body "ended"
            raise deadline.error()
        return b"".join(chunks), False

    @staticmethod
    def _watchdog(response: httpx.Response, deadline: _Deadline) -> threading.Timer | None:
        """Shut the socket down when the deadline passes, so a body that trickles in (each read
        within read_timeout) cannot outlast it. Only for real sockets (not mock transports)."""
        stream = response.extensions.get("network_stream")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if not isinstance(sock, socket.socket):
            return None

        def fire() -> None:
            deadline.fired = True
            try:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # base method: also for SSLSocket
            except OSError:
                pass

        timer = threading.Timer(max(0.0, deadline.left()), fire)
        timer.daemon = True
        timer.start()
        return timer
