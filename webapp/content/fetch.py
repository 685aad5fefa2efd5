"""Fetch a site's content JSON from a URL or from SleekCMS, safely.

The URL comes from a user, so this module is the application's SSRF guard:

* only ``http``/``https`` URLs without credentials, at most 2048 characters;
* unless ``allow_private`` is set, every address the host resolves to must be
  globally routable (no private, loopback, link-local, metadata, multicast,
  reserved or unspecified address, including IPv4 hidden in IPv6);
* redirects are followed by hand, each hop checked the same way, and the
  ``Authorization`` header never follows a redirect to another origin;
* bounded time: connect and read timeouts, and one overall deadline that
  covers connecting, waiting for the status line and headers, and the body,
  however the remote trickles its bytes (a watchdog shuts the socket down when
  the deadline passes, which ends any read in progress); bounded size.

DNS rebinding: the address check does not run before the request in a separate
lookup (which ``requests`` would then repeat, giving an attacker's DNS server a
chance to answer differently the second time). It runs inside the connection
itself: :class:`_GuardedHTTPConnection` resolves the host once, checks every
address and connects to exactly those addresses, so the checked address is the
connected address. TLS still verifies the certificate against the host name.

No Flask here: callers turn :class:`FetchError` into a response.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
import sys
import threading
import time
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ReadTimeoutError

USER_AGENT = "site-pages/0.1"
MAX_URL_LENGTH = 2048
MAX_TOKEN_LENGTH = 4096
MAX_PUB_TOKEN_LENGTH = 200
DEFAULT_MAX_BYTES = 16 * 1024 * 1024
SLEEKCMS_API_BASE = "https://pub.sleekcms.com"
PRIVATE_HINT = "set ALLOW_PRIVATE_URLS=1 to allow"

# The per-read timeout alone lets a server drip one byte just before each
# timeout for ever; the whole body must arrive within this many read timeouts.
_BODY_DEADLINE_READ_TIMEOUTS = 3
_CHUNK_SIZE = 64 * 1024
_PUB_TOKEN = re.compile(r"pub-([A-Za-z0-9]+)-([A-Za-z0-9]+)")
# Header values go out as latin-1 and CR/LF would split the header: only
# printable ASCII is accepted in a token.
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]+")
# RFC 6052 NAT64 prefix: the last 32 bits are an IPv4 address reached via NAT64.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


class FetchError(Exception):
    """A fetch that failed, with a user-facing message and an HTTP status.

    ``status`` is 400 when the user's input is wrong (bad URL, private address,
    malformed token) and 502 when the remote side failed.
    """

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return self.message


class _RemoteHTTPError(FetchError):
    """The remote answered with an HTTP error status (kept for callers that map it)."""

    def __init__(self, message: str, http_status: int):
        super().__init__(message, 502)
        self.http_status = http_status


# Raised from inside urllib3's connect step. Deliberately not OSError
# subclasses: urllib3 would wrap those into generic connection errors, these
# pass through untouched and are turned into FetchError with context.
class _AddressRefused(Exception):
    def __init__(self, host: str):
        super().__init__(host)
        self.host = host


class _ResolveFailed(Exception):
    def __init__(self, host: str):
        super().__init__(host)
        self.host = host


# --------------------------------------------------------------------------
# Address policy


def _is_public_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Tell whether an address is globally routable (safe to fetch from)."""
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv4 wrapped in IPv6 reaches the IPv4 address: judge that one.
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return _is_public_address(embedded)
        if ip.teredo is not None:
            return all(_is_public_address(part) for part in ip.teredo)
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _address_allowed(address: str) -> bool:
    """Tell whether a resolved address string may be connected to."""
    try:
        # getaddrinfo may answer "fe80::1%eth0": the zone is not part of the address.
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    return _is_public_address(ip)


def _resolve(host: str, port: int, allow_private: bool) -> list[tuple]:
    """Resolve a host to connectable addresses, refusing non-public ones.

    ANY non-public answer refuses the host: a name that resolves to one public
    and one private address could otherwise be steered to the private one.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise _ResolveFailed(host) from e
    if not infos:
        raise _ResolveFailed(host)
    if not allow_private and not all(_address_allowed(str(info[4][0])) for info in infos):
        raise _AddressRefused(host)
    return infos


def _connect(infos: list[tuple], timeout: object, source_address, socket_options) -> socket.socket:
    """Open a TCP connection to the first reachable of the given addresses."""
    last_error: OSError | None = None
    for family, socktype, proto, _canonname, sockaddr in infos:
        try:
            sock = socket.socket(family, socktype, proto)
        except OSError as e:  # e.g. IPv6 unsupported on this host: try the next address
            last_error = e
            continue
        try:
            for option in socket_options or ():
                sock.setsockopt(*option)
            # urllib3 uses a sentinel object for "no timeout given".
            if isinstance(timeout, int | float):
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
        except OSError as e:
            sock.close()
            last_error = e
            continue
        except BaseException:
            sock.close()
            raise
        return sock
    raise last_error or OSError("no address to connect to")


class _Watchdog:
    """Shut down every socket a fetch opened once its overall deadline passes.

    A read timeout alone restarts with every byte, so a remote that sends its
    status line one byte every two seconds would hold the request for ever;
    shutting the socket down ends whatever read is in progress, in any phase.
    """

    _current = threading.local()

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        _Watchdog._current.value = self
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()
        _Watchdog._current.value = None

    @classmethod
    def watch(cls, sock: socket.socket) -> None:
        """Put a socket of the current thread's fetch under its deadline."""
        watchdog = getattr(cls._current, "value", None)
        if watchdog is None:
            return
        with watchdog._lock:
            watchdog._sockets.append(sock)
            if watchdog.fired:
                _shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)


def _guarded_new_conn(conn: HTTPConnection, allow_private: bool) -> socket.socket:
    """Resolve, check and connect in one step (the replacement for ``_new_conn``)."""
    infos = _resolve(conn.host, conn.port, allow_private)
    try:
        sock = _connect(infos, conn.timeout, conn.source_address, conn.socket_options)
    except TimeoutError as e:
        raise ConnectTimeoutError(
            conn, f"Connection to {conn.host} timed out. (connect timeout={conn.timeout})"
        ) from e
    except OSError as e:
        raise NewConnectionError(conn, f"Failed to establish a new connection: {e}") from e
    sys.audit("http.client.connect", conn, conn.host, conn.port)
    _Watchdog.watch(sock)
    return sock


class _GuardedHTTPConnection(HTTPConnection):
    """An HTTP connection that only connects to addresses the policy allows."""

    allow_private = False

    def _new_conn(self) -> socket.socket:
        return _guarded_new_conn(self, self.allow_private)


class _GuardedHTTPSConnection(HTTPSConnection):
    """An HTTPS connection that only connects to addresses the policy allows."""

    allow_private = False

    def _new_conn(self) -> socket.socket:
        return _guarded_new_conn(self, self.allow_private)


def _pool_classes(allow_private: bool) -> dict[str, type[HTTPConnectionPool]]:
    """Build urllib3 pool classes whose connections apply the address policy."""
    suffix = "Private" if allow_private else "Public"
    http_conn = type(
        f"_HTTPConnection{suffix}", (_GuardedHTTPConnection,), {"allow_private": allow_private}
    )
    https_conn = type(
        f"_HTTPSConnection{suffix}", (_GuardedHTTPSConnection,), {"allow_private": allow_private}
    )
    return {
        "http": type(f"_HTTPPool{suffix}", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
        "https": type(f"_HTTPSPool{suffix}", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
    }


_POOL_CLASSES = {flag: _pool_classes(flag) for flag in (False, True)}


class _GuardedAdapter(HTTPAdapter):
    """A requests adapter whose connections apply the address policy."""

    def __init__(self, allow_private: bool):
        # Set before super().__init__, which calls init_poolmanager.
        self._allow_private = allow_private
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOL_CLASSES[self._allow_private])


# --------------------------------------------------------------------------
# Input validation


def _check_url(url: str) -> str:
    """Validate a content URL and return it normalised (no fragment); FetchError 400 if bad."""
    if not isinstance(url, str) or not url.strip():
        raise FetchError("Enter the content URL.", 400)
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise FetchError(f"The URL is longer than {MAX_URL_LENGTH} characters.", 400)
    # urlsplit silently drops tabs and newlines; anything invisible is refused
    # so what is checked is what the user sees.
    if any(ch <= " " or ch == "\x7f" for ch in url):
        raise FetchError("The URL contains spaces or control characters.", 400)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        raise FetchError(f"The URL is not valid ({e}).", 400) from e
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        if not scheme:
            raise FetchError("The URL must start with http:// or https://.", 400)
        raise FetchError(f"Only http and https URLs are supported (got {scheme}:).", 400)
    if "@" in parts.netloc:
        raise FetchError("The URL must not contain a user name or password.", 400)
    if not parts.hostname:
        raise FetchError("The URL has no host.", 400)
    if port == 0:
        raise FetchError("The URL's port is not valid.", 400)
    return urlunsplit((scheme, parts.netloc, parts.path or "/", parts.query, ""))


def _check_token(token: str | None) -> str | None:
    """Validate a bearer token and return it stripped (None if empty)."""
    if token is None:
        return None
    if not isinstance(token, str):
        raise FetchError("The token must be text.", 400)
    token = token.strip()
    # People paste the whole header value; accept it rather than send "Bearer Bearer x".
    if token[:7].lower() == "bearer ":
        token = token[7:].strip()
    if not token:
        return None
    if len(token) > MAX_TOKEN_LENGTH:
        raise FetchError(f"The token is longer than {MAX_TOKEN_LENGTH} characters.", 400)
    if not _PRINTABLE_ASCII.fullmatch(token):
        raise FetchError("The token contains line breaks or other invalid characters.", 400)
    return token


def parse_pub_token(pub_token: str) -> tuple[str, str]:
    """Split a SleekCMS pub token ``pub-<siteId>-<key>`` into (site id, whole token).

    Raises FetchError 400 when the token is malformed.
    """
    if not isinstance(pub_token, str) or not pub_token.strip():
        raise FetchError("Enter a SleekCMS pub token (pub-<siteId>-<key>).", 400)
    pub_token = pub_token.strip()
    if len(pub_token) > MAX_PUB_TOKEN_LENGTH:
        raise FetchError(
            f"The SleekCMS pub token is longer than {MAX_PUB_TOKEN_LENGTH} characters.", 400
        )
    match = _PUB_TOKEN.fullmatch(pub_token)
    if match is None:
        raise FetchError(
            "That is not a SleekCMS pub token: expected pub-<siteId>-<key> (letters and digits).",
            400,
        )
    return match.group(1), pub_token


# --------------------------------------------------------------------------
# Fetching


def _format_limit(max_bytes: int) -> str:
    """Say a byte limit in MB (the unit the product contract uses)."""
    mb = max_bytes / (1024 * 1024)
    return f"{mb:.0f} MB" if mb >= 10 or mb == int(mb) else f"{mb:.2g} MB"


def _same_origin(a: str, b: str) -> bool:
    """Tell whether two URLs share scheme, host and port (where credentials may go)."""
    pa, pb = urlsplit(a), urlsplit(b)
    default = {"http": 80, "https": 443}
    return (
        pa.scheme == pb.scheme
        and pa.hostname == pb.hostname
        and (pa.port or default.get(pa.scheme)) == (pb.port or default.get(pb.scheme))
    )


def _read_body(response: requests.Response, subject: str, max_bytes: int, deadline: float) -> bytes:
    """Read a response body, enforcing the content type, size cap and time cap."""
    content_type = response.headers.get("Content-Type", "")
    mime = content_type.split(";", 1)[0].strip().lower()
    # Anything JSON-ish (or unlabelled) is let through for the caller's JSON
    # parser to judge; only a clear HTML page is refused here.
    if mime in _HTML_TYPES:
        raise FetchError(f"{subject} did not return JSON (got {mime}).", 502)
    limit = _format_limit(max_bytes)
    length = response.headers.get("Content-Length", "").strip()
    if length.isdigit() and int(length) > max_bytes:
        raise FetchError(f"{subject} sent content larger than {limit}.", 502)
    chunks: list[bytes] = []
    total = 0
    while True:
        # read1 returns after a single socket read, so the deadline is checked
        # between every arrival (iter_content would wait to fill a whole chunk,
        # one slow byte at a time). Counted after decompression, so a small
        # gzip bomb is cut off too.
        try:
            chunk = response.raw.read1(_CHUNK_SIZE, decode_content=True)
        except ReadTimeoutError:
            raise FetchError(f"{subject} timed out.", 502) from None
        except urllib3.exceptions.HTTPError:
            raise FetchError(f"{subject} sent a broken response.", 502) from None
        if not chunk:
            break
        total += len(chunk)
        if total > max_bytes:
            raise FetchError(f"{subject} sent content larger than {limit}.", 502)
        if time.monotonic() > deadline:
            raise FetchError(f"{subject} timed out (the download took too long).", 502)
        chunks.append(chunk)
    return b"".join(chunks)


def _fetch(url: str, *, subject: str | None, total_timeout: float, **options) -> bytes:
    """GET a URL with redirects followed by hand; all errors become FetchError.

    ``subject`` names the remote in messages (default: the URL's host).
    ``total_timeout`` bounds the whole fetch, every hop and the body included,
    and however slowly the remote sends its headers or body: when it passes, the
    watchdog shuts the connection down and the answer is a 502 that says so.
    Other options: see ``_fetch_hops``.
    """
    with _Watchdog(total_timeout) as watchdog:
        try:
            content = _fetch_hops(url, subject=subject, total_timeout=total_timeout, **options)
        except FetchError as error:
            if not watchdog.fired or error.status != 502:
                raise
            content = None
        if watchdog.fired:  # cut off: whatever arrived (even a "complete" answer) is partial
            who = subject or urlsplit(url).hostname or "The remote"
            raise FetchError(
                f"{who} timed out: no complete answer within {total_timeout:g} seconds.", 502
            )
        return content


def _fetch_hops(
    url: str,
    *,
    authorization: str | None,
    subject: str | None,
    allow_private: bool,
    max_bytes: int,
    connect_timeout: float,
    read_timeout: float,
    max_redirects: int,
    total_timeout: float,
    trusted_origin: str | None = None,
) -> bytes:
    """GET a URL with redirects followed by hand (see ``_fetch``).

    ``subject`` names the remote in messages (default: the URL's host).
    ``total_timeout`` bounds the whole fetch, every hop and the body included,
    so that an answer (even a timeout) comes before a server's worker timeout.
    ``trusted_origin`` (scheme://host[:port]) may be private even when
    ``allow_private`` is off: an operator-configured API, whose redirects are
    still judged by the public-address rule.
    """
    overall = time.monotonic() + total_timeout
    current = _check_url(url)
    origin = current
    seen = {current}
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    with _guarded_session(allow_private, trusted_origin) as session:
        for hop in range(max_redirects + 1):
            remaining = overall - time.monotonic()
            if remaining <= 0:
                raise FetchError(f"{subject or urlsplit(current).hostname} timed out.", 502)
            host = urlsplit(current).hostname or ""
            who = subject or host
            hop_headers = dict(headers)
            # Credentials are only for the origin the user gave them for.
            if authorization and _same_origin(current, origin):
                hop_headers["Authorization"] = authorization
            try:
                with session.get(
                    current,
                    headers=hop_headers,
                    timeout=(min(connect_timeout, remaining), min(read_timeout, remaining)),
                    stream=True,
                    allow_redirects=False,
                ) as response:
                    location = session.get_redirect_target(response)
                    if location is None:
                        if not 200 <= response.status_code < 300:
                            raise _RemoteHTTPError(
                                f"{who} answered HTTP {response.status_code}.",
                                response.status_code,
                            )
                        deadline = min(
                            overall,
                            time.monotonic() + read_timeout * _BODY_DEADLINE_READ_TIMEOUTS,
                        )
                        return _read_body(response, who, max_bytes, deadline)
            except _AddressRefused as e:
                raise FetchError(
                    f"The host {e.host} refers to a private or loopback address ({PRIVATE_HINT}).",
                    400,
                ) from None
            except _ResolveFailed as e:
                name = f"{subject} ({e.host})" if subject else e.host
                raise FetchError(f"Could not resolve {name}.", 502) from None
            except requests.Timeout:
                raise FetchError(f"{who} timed out.", 502) from None
            except requests.exceptions.SSLError:
                raise FetchError(f"The secure connection to {who} failed.", 502) from None
            except requests.ConnectionError as e:
                # requests reports some read timeouts as a ConnectionError
                # wrapping urllib3's ReadTimeoutError.
                if e.args and isinstance(e.args[0], ReadTimeoutError):
                    raise FetchError(f"{who} timed out.", 502) from None
                raise FetchError(f"Could not reach {who}.", 502) from None
            except (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema) as e:
                raise FetchError(f"The URL is not valid ({e}).", 400) from None
            except requests.RequestException:
                raise FetchError(f"{who} sent a broken response.", 502) from None

            if hop == max_redirects:
                raise FetchError(f"{who} redirected more than {max_redirects} times.", 502)
            current = _redirect_target(current, location, who, seen)
    raise AssertionError("unreachable")  # pragma: no cover


def _guarded_session(allow_private: bool, trusted_origin: str | None) -> requests.Session:
    """A requests session that connects only to addresses the rules allow."""
    session = requests.Session()
    # No proxies, .netrc credentials or CA bundles from the environment.
    session.trust_env = False
    session.proxies = {}
    adapter = _GuardedAdapter(allow_private)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    if trusted_origin:
        # requests picks the adapter with the longest matching prefix.
        session.mount(trusted_origin.rstrip("/") + "/", _GuardedAdapter(True))
    return session


def _redirect_target(current: str, location: str, who: str, seen: set[str]) -> str:
    """The URL a redirect leads to, checked as the first one was; never one seen before."""
    target = urljoin(current, location)
    try:
        target = _check_url(target)
    except FetchError as e:
        raise FetchError(f"{who} redirected to an unusable URL: {e.message}", 502) from None
    if target in seen:
        raise FetchError(f"{who} redirects in a loop.", 502)
    seen.add(target)
    return target


def fetch_content(
    url: str,
    *,
    token: str | None = None,
    allow_private: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    connect_timeout: float = 3.0,
    read_timeout: float = 5.0,
    max_redirects: int = 3,
    total_timeout: float = 20.0,
) -> bytes:
    """Download the raw bytes of a content URL (the caller parses the JSON).

    ``token`` is sent as ``Authorization: Bearer <token>`` to the URL's origin
    only. Raises FetchError (400 for bad input, 502 for remote failures).
    """
    bearer = _check_token(token)
    return _fetch(
        url,
        authorization=f"Bearer {bearer}" if bearer else None,
        subject=None,
        allow_private=allow_private,
        max_bytes=max_bytes,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        max_redirects=max_redirects,
        total_timeout=total_timeout,
    )


def _origin(url: str) -> str:
    """Return scheme://host[:port] of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"


def fetch_sleekcms(
    pub_token: str,
    *,
    api_base: str = SLEEKCMS_API_BASE,
    allow_private: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    connect_timeout: float = 3.0,
    read_timeout: float = 5.0,
    max_redirects: int = 3,
    total_timeout: float = 20.0,
) -> bytes:
    """Download a SleekCMS site's latest content with its pub token.

    GETs ``<api_base>/<siteId>/latest`` with ``Authorization: <pub token>``.
    ``api_base`` is operator configuration, so whether its host may be private
    is the caller's call (``allow_private``); redirects elsewhere are judged by
    the public-address rule all the same. A malformed or refused token is
    FetchError 400; any other failure is FetchError 502 naming SleekCMS.
    """
    site_id, token = parse_pub_token(pub_token)
    url = f"{api_base.rstrip('/')}/{site_id}/latest"
    try:
        return _fetch(
            url,
            authorization=token,
            subject="SleekCMS",
            allow_private=False,
            max_bytes=max_bytes,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            max_redirects=max_redirects,
            total_timeout=total_timeout,
            trusted_origin=_origin(api_base) if allow_private else None,
        )
    except _RemoteHTTPError as e:
        if e.http_status in (401, 403):
            raise FetchError("SleekCMS refused the token.", 400) from None
        raise
    except FetchError as e:
        # The URL is built from operator config plus a validated site id, so
        # nothing left is the user's fault: it is SleekCMS (or its config) failing.
        message = e.message if "SleekCMS" in e.message else f"SleekCMS: {e.message}"
        raise FetchError(message, 502) from None
