"""Tests for webapp.content.fetch against a real local HTTP server."""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from webapp.content import fetch
from webapp.content.fetch import FetchError, fetch_content, fetch_sleekcms, parse_pub_token

PUB_TOKEN = "pub-site42-abcDEF123"
FAST = {"connect_timeout": 1.0, "read_timeout": 1.0}


class _Handler(BaseHTTPRequestHandler):
    """Serve the endpoints the tests need; records each request's headers."""

    server: _Server

    def log_message(self, format, *args):  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, content_type: str = "application/json", **hdrs):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in hdrs.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):  # http.server's naming
        self.server.seen.append((self.path, dict(self.headers)))
        # The client hangs up on purpose (size cap, timeout): not a failure.
        with contextlib.suppress(OSError):
            self._route()

    def _route(self) -> None:
        path = self.path
        port = self.server.server_address[1]
        if path == "/json":
            self._send(200, b'{"ok": true}', "application/json; charset=utf-8")
        elif path == "/plain":
            self._send(200, b"[1, 2]", "text/plain")
        elif path == "/html":
            self._send(200, b"<!doctype html><p>hi</p>", "text/html; charset=utf-8")
        elif path == "/big":
            # No Content-Length: the cap must trip while streaming.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            chunk = b" " * 65536
            for _ in range(64):  # 4 MiB
                self.wfile.write(chunk)
        elif path == "/big-declared":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(50 * 1024 * 1024))
            self.end_headers()
        elif path == "/slow":
            self.server.release.wait(2.0)
            self._send(200, b"{}")
        elif path == "/stall-body":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"[1,")
            self.wfile.flush()
            self.server.release.wait(2.0)
        elif path == "/drip":
            # Each byte arrives well within the read timeout, the whole never does.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            for _ in range(1000):
                self.wfile.write(b" ")
                self.wfile.flush()
                if self.server.release.wait(0.05):
                    break
        elif path == "/drip-headers":
            # The status line and headers one byte at a time, each within the read timeout.
            for byte in b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{}":
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                if self.server.release.wait(0.1):
                    break
        elif path == "/chunked":
            self.protocol_version = "HTTP/1.1"
            self.send_response(200)
            self.send_header("Content-Type", "application/vnd.api+json")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            for part in (b'{"a": ', b"[1, 2, 3]", b"}"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/gzip-bomb":
            body = gzip.compress(b" " * (4 * 1024 * 1024))
            self._send(200, body, Content_Encoding="gzip")
        elif path == "/missing":
            self._send(404, b'{"error": "nope"}')
        elif path == "/redirect-json":
            self._redirect("/json")
        elif path == "/redirect-loop":
            self._redirect("/redirect-loop2")
        elif path == "/redirect-loop2":
            self._redirect("/redirect-loop")
        elif path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1])
            self._redirect(f"/chain/{n + 1}")
        elif path == "/redirect-private":
            self._redirect("http://10.0.0.1/json")
        elif path == "/redirect-ftp":
            self._redirect("ftp://example.com/file")
        elif path == "/redirect-other-host":
            self._redirect(f"http://localhost:{port}/echo-auth")
        elif path == "/redirect-same-host":
            self._redirect("/echo-auth")
        elif path == "/echo-auth":
            auth = self.headers.get("Authorization")
            self._send(200, json.dumps({"authorization": auth}).encode())
        elif path == "/protected":
            if self.headers.get("Authorization") == "Bearer s3cret":
                self._send(200, b'{"secret": 1}')
            else:
                self._send(401, b'{"error": "unauthorized"}')
        elif path == "/site42/latest":
            if self.headers.get("Authorization") == PUB_TOKEN:
                self._send(200, b'{"site": "42"}')
            else:
                self._send(401, b'{"error": "bad token"}')
        elif path == "/broken/latest":
            self._send(500, b"{}")
        elif path == "/hop/latest":
            self._redirect("http://10.0.0.1/json")
        elif path == "/hoploop/latest":
            self._redirect(f"http://localhost:{port}/json")
        else:
            self._send(404, b"{}")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen: list[tuple[str, dict[str, str]]] = []
        self.release = threading.Event()


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    srv = _Server()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield srv
    finally:
        srv.release.set()
        srv.shutdown()
        srv.server_close()
        thread.join(5)


@pytest.fixture
def base(server: _Server) -> str:
    server.seen.clear()
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def no_connect(monkeypatch):
    """Fail the test if any outgoing TCP connection is attempted."""

    def refuse(self, address):
        raise AssertionError(f"connection attempted to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


@pytest.fixture
def loopback_is_public(monkeypatch):
    """Treat 127.0.0.1 as public, so a redirect from the test server can be judged."""
    real = fetch._address_allowed
    monkeypatch.setattr(fetch, "_address_allowed", lambda a: a == "127.0.0.1" or real(a))


def _error(call, *args, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as info:
        call(*args, **kwargs)
    return info.value


# --- happy paths -----------------------------------------------------------


def test_fetches_json_bytes_with_allow_private(server, base):
    assert fetch_content(f"{base}/json", allow_private=True, **FAST) == b'{"ok": true}'
    _path, headers = server.seen[-1]
    assert headers["Accept"] == "application/json"
    assert headers["User-Agent"] == "site-pages/0.1"
    assert "Authorization" not in headers


def test_text_plain_is_accepted(base):
    assert fetch_content(f"{base}/plain", allow_private=True, **FAST) == b"[1, 2]"


def test_follows_redirect_to_json(base):
    assert fetch_content(f"{base}/redirect-json", allow_private=True, **FAST) == b'{"ok": true}'


def test_bearer_token_forwarded(base):
    body = fetch_content(f"{base}/protected", token="  s3cret\n", allow_private=True, **FAST)
    assert body == b'{"secret": 1}'


def test_bearer_prefix_in_token_is_not_doubled(base):
    body = fetch_content(f"{base}/protected", token="Bearer s3cret", allow_private=True, **FAST)
    assert body == b'{"secret": 1}'


def test_token_kept_on_same_host_redirect(base):
    body = fetch_content(f"{base}/redirect-same-host", token="tok", allow_private=True, **FAST)
    assert json.loads(body) == {"authorization": "Bearer tok"}


def test_token_not_forwarded_to_other_host(base):
    body = fetch_content(f"{base}/redirect-other-host", token="tok", allow_private=True, **FAST)
    assert json.loads(body) == {"authorization": None}


def test_proxy_environment_is_ignored(base, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    assert fetch_content(f"{base}/json", allow_private=True, **FAST) == b'{"ok": true}'


# --- address policy --------------------------------------------------------


def test_loopback_refused_without_allow_private(base, no_connect):
    err = _error(fetch_content, f"{base}/json", **FAST)
    assert err.status == 400
    assert "ALLOW_PRIVATE_URLS" in err.message
    assert "private or loopback" in err.message


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/data.json",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://0.0.0.0/",
        "http://localhost/",
        "http://2130706433/",
        "https://10.0.0.1/",
        "http://100.64.0.1/",
    ],
)
def test_private_addresses_refused_before_connecting(url, no_connect):
    err = _error(fetch_content, url, **FAST)
    assert err.status == 400
    assert "ALLOW_PRIVATE_URLS" in err.message


def test_hostname_resolving_to_private_address_refused(monkeypatch, no_connect):
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):
        if host == "intranet.example.com":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.168.0.7", 80))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    err = _error(fetch_content, "http://intranet.example.com/content.json", **FAST)
    assert err.status == 400
    assert "intranet.example.com" in err.message


def test_any_private_answer_refuses_the_host(monkeypatch, no_connect):
    def fake(host, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 80)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 80)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    assert _error(fetch_content, "http://mixed.example.com/", **FAST).status == 400


def test_unresolvable_host_is_502(monkeypatch, no_connect):
    def fake(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    err = _error(fetch_content, "http://no-such-host.invalid/", **FAST)
    assert err.status == 502
    assert "could not resolve" in err.message.lower()


def test_redirect_to_private_address_refused(base, loopback_is_public, no_connect_after_first):
    err = _error(fetch_content, f"{base}/redirect-private", **FAST)
    assert err.status == 400
    assert "10.0.0.1" in err.message
    assert "ALLOW_PRIVATE_URLS" in err.message


@pytest.fixture
def no_connect_after_first(monkeypatch):
    """Allow connections to the loopback test server only."""
    real = socket.socket.connect

    def guarded(self, address):
        if address[0] != "127.0.0.1":
            raise AssertionError(f"connection attempted to {address!r}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("169.254.169.254", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("2002:a00:1::", False),  # 6to4 wrapping 10.0.0.1
        ("64:ff9b::a00:1", False),  # NAT64 wrapping 10.0.0.1
        ("not an ip", False),
    ],
)
def test_address_policy(address, public):
    assert fetch._address_allowed(address) is public


# --- URL and token validation ----------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/data.json",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "example.com/data.json",
        "http://user:pass@example.com/",
        "http://user@example.com/",
        "http:///nohost",
        "http://example.com:99999/",
        "http://exa mple.com/",
        "http://example.com/\r\nX: y",
        "",
        "   ",
        "http://example.com/" + "a" * 2048,
    ],
)
def test_bad_urls_are_400(url, no_connect):
    err = _error(fetch_content, url, **FAST)
    assert err.status == 400
    assert err.message


def test_bad_url_messages_are_specific():
    assert "ftp" in _error(fetch_content, "ftp://example.com/").message
    assert "password" in _error(fetch_content, "http://a:b@example.com/").message
    assert "2048" in _error(fetch_content, "http://e.com/" + "a" * 2100).message


@pytest.mark.parametrize("token", ["abc\r\nX-Evil: 1", "abc\ndef", "x" * 4097, "tökén"])
def test_bad_tokens_are_400(token, no_connect):
    err = _error(fetch_content, "https://example.com/", token=token, **FAST)
    assert err.status == 400


# --- remote failures -------------------------------------------------------


def test_size_cap_while_streaming(base):
    err = _error(fetch_content, f"{base}/big", allow_private=True, max_bytes=1024 * 1024, **FAST)
    assert err.status == 502
    assert "larger than 1 MB" in err.message


def test_size_cap_from_content_length(base):
    err = _error(fetch_content, f"{base}/big-declared", allow_private=True, **FAST)
    assert err.status == 502
    assert "larger than 16 MB" in err.message


def test_timeout(base):
    err = _error(
        fetch_content, f"{base}/slow", allow_private=True, connect_timeout=1.0, read_timeout=0.2
    )
    assert err.status == 502
    assert "timed out" in err.message


def test_stalled_body_times_out(base):
    err = _error(
        fetch_content,
        f"{base}/stall-body",
        allow_private=True,
        connect_timeout=1.0,
        read_timeout=0.2,
    )
    assert err.status == 502
    assert "timed out" in err.message


def test_dripping_body_hits_the_overall_deadline(base):
    err = _error(
        fetch_content, f"{base}/drip", allow_private=True, connect_timeout=1.0, read_timeout=0.2
    )
    assert err.status == 502
    assert "timed out" in err.message


def test_chunked_json_variant(base):
    body = fetch_content(f"{base}/chunked", allow_private=True, **FAST)
    assert json.loads(body) == {"a": [1, 2, 3]}


def test_size_cap_counts_decompressed_bytes(base):
    err = _error(
        fetch_content, f"{base}/gzip-bomb", allow_private=True, max_bytes=1024 * 1024, **FAST
    )
    assert err.status == 502
    assert "larger than 1 MB" in err.message


def test_http_error_is_502(base):
    err = _error(fetch_content, f"{base}/missing", allow_private=True, **FAST)
    assert err.status == 502
    assert "answered HTTP 404" in err.message


def test_missing_token_is_502(base):
    err = _error(fetch_content, f"{base}/protected", allow_private=True, **FAST)
    assert err.status == 502
    assert "HTTP 401" in err.message


def test_html_is_502(base):
    err = _error(fetch_content, f"{base}/html", allow_private=True, **FAST)
    assert err.status == 502
    assert "did not return JSON (got text/html)" in err.message


def test_redirect_loop_is_502(base):
    err = _error(fetch_content, f"{base}/redirect-loop", allow_private=True, **FAST)
    assert err.status == 502
    assert "loop" in err.message


def test_too_many_redirects_is_502(base):
    err = _error(fetch_content, f"{base}/chain/0", allow_private=True, max_redirects=3, **FAST)
    assert err.status == 502
    assert "more than 3" in err.message


def test_redirect_to_other_scheme_is_502(base):
    err = _error(fetch_content, f"{base}/redirect-ftp", allow_private=True, **FAST)
    assert err.status == 502
    assert "ftp" in err.message


def test_connection_refused_is_502():
    # Bind then close to get a local port nobody listens on.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    err = _error(fetch_content, f"http://127.0.0.1:{port}/", allow_private=True, **FAST)
    assert err.status == 502
    assert "Could not reach 127.0.0.1" in err.message


# --- SleekCMS --------------------------------------------------------------


def test_parse_pub_token():
    assert parse_pub_token("  pub-site42-abcDEF123 \n") == ("site42", PUB_TOKEN)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "   ",
        "site42-abc",
        "pub-site42",
        "pub--abc",
        "pub-site42-",
        "pub-si-te-abc",
        "pub-site42-ab c",
        "pub-site42-abc/../x",
        "pub-" + "a" * 100 + "-" + "b" * 100,
        "PUB-site42-abc",
    ],
)
def test_bad_pub_tokens_are_400(token):
    err = _error(parse_pub_token, token)
    assert err.status == 400
    assert err.message


def test_sleekcms_happy_path(server, base):
    assert fetch_sleekcms(PUB_TOKEN, api_base=base + "/", allow_private=True, **FAST) == (
        b'{"site": "42"}'
    )
    path, headers = server.seen[-1]
    assert path == "/site42/latest"
    assert headers["Authorization"] == PUB_TOKEN


def test_sleekcms_refused_token_is_400(base):
    err = _error(fetch_sleekcms, "pub-site42-wrongKey", api_base=base, allow_private=True, **FAST)
    assert err.status == 400
    assert err.message == "SleekCMS refused the token."


def test_sleekcms_server_error_names_sleekcms(base):
    err = _error(fetch_sleekcms, "pub-broken-key", api_base=base, allow_private=True, **FAST)
    assert err.status == 502
    assert "SleekCMS" in err.message
    assert "HTTP 500" in err.message


def test_sleekcms_private_api_base_needs_caller_permission(base, no_connect):
    err = _error(fetch_sleekcms, PUB_TOKEN, api_base=base, **FAST)
    assert err.status == 502
    assert "SleekCMS" in err.message


def test_sleekcms_bad_token_checked_before_any_request(no_connect):
    assert _error(fetch_sleekcms, "nope", api_base="http://10.0.0.1").status == 400


def test_total_timeout_bounds_the_whole_fetch(base):
    started = time.monotonic()
    err = _error(
        fetch_content,
        f"{base}/drip",
        allow_private=True,
        connect_timeout=1.0,
        read_timeout=5.0,
        total_timeout=0.5,
    )
    assert err.status == 502
    assert "timed out" in err.message
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("path", ["/drip-headers", "/drip"])
def test_a_trickling_remote_is_cut_off_at_the_overall_deadline(base, path):
    """However slowly the status line, headers or body arrive, the fetch ends on time."""
    started = time.monotonic()
    err = _error(
        fetch_content,
        base + path,
        allow_private=True,
        connect_timeout=1.0,
        read_timeout=0.5,
        total_timeout=0.8,
    )
    assert err.status == 502
    assert "timed out" in err.message and "0.8 seconds" in err.message
    assert time.monotonic() - started < 3.0  # a hang guard: the drip would last far longer


def test_sleekcms_trusted_base_does_not_trust_its_redirects(base, no_connect_after_first):
    """A private API base is the operator's choice; where it redirects to is not."""
    for site in ("pub-hop-key", "pub-hoploop-key"):
        err = _error(fetch_sleekcms, site, api_base=base, allow_private=True, **FAST)
        assert err.status == 502
        assert "private or loopback" in err.message
