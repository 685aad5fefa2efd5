"""Slow clients against a real gunicorn (one worker, four threads): none holds a thread.

Stock gthread gives a pool thread to a connection at its first byte, and that thread
reads the head and the body with no deadline: twelve sockets that trickle their bytes
held all four threads, and /healthz timed out for as long as they stayed. Here heads and
small bodies are read by the worker's main loop, larger bodies a few at a time (503 busy
past the cap), and every read has a deadline (408).
"""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
import requests
from conftest import CSRF_FIELD, Gunicorn

from webapp.worker import declared_body, head_length, request_ready

pytestmark = pytest.mark.slow

DEADLINE = 2.0  # BODY_READ_SECONDS for this server
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
MARGIN = 1.6  # the main loop sweeps deadlines about once a second


@pytest.fixture(scope="module")
def server(redis_server, tmp_path_factory):
    """One worker, so that its four threads are all an attacker would need to take."""
    gunicorn = Gunicorn(
        tmp_path_factory.mktemp("slow-clients"),
        workers=1,
        REDIS_URL=redis_server.url,
        BODY_READ_SECONDS=str(DEADLINE),
        # Two slots, one client: the per-client cap is what keeps its second large body out.
        CONNECT_CONCURRENCY="2",
    )
    gunicorn.start()
    yield gunicorn
    gunicorn.stop()


class Trickler(threading.Thread):
    """A client that sends ``head`` whole, then ``trickle`` one byte every 0.25 s, and
    notes what the server answered and when (or that it closed the connection)."""

    def __init__(self, port: int, head: bytes, trickle: bytes) -> None:
        super().__init__(daemon=True)
        self.port, self.head, self.trickle = port, head, trickle
        self.answer = b""
        self.ended_after: float | None = None

    def run(self) -> None:
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", self.port)) as sock:
            sock.settimeout(0.25)
            try:
                sock.sendall(self.head)
                for byte in self.trickle:
                    if time.monotonic() - started > 3 * DEADLINE + 5:
                        return  # still held: ended_after stays None
                    sock.send(bytes([byte]))
                    try:
                        self.answer = sock.recv(4096)
                    except TimeoutError:
                        continue
                    if self.answer.startswith(CONTINUE):  # an interim answer: go on sending
                        self.answer = self.answer[len(CONTINUE) :]
                        if not self.answer:
                            continue
                    self.answer += _rest(sock)  # the body may follow the head separately
                    break  # an answer, or b"" for a closed connection
            except OSError:
                pass  # reset by the server: it ended the connection
        self.ended_after = time.monotonic() - started


def _rest(sock: socket.socket) -> bytes:
    """What else the server sends within a moment (the rest of a short answer)."""
    rest = b""
    try:
        while chunk := sock.recv(4096):
            rest += chunk
    except OSError:
        pass
    return rest


def health_latencies(base: str, seconds: float) -> list[float]:
    """GET /healthz every 0.2 s for ``seconds``: how long each took (10 s if it failed)."""
    latencies = []
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        started = time.monotonic()
        try:
            ok = requests.get(base + "/healthz", timeout=5).status_code == 200
        except requests.RequestException:
            ok = False
        latencies.append(time.monotonic() - started if ok else 10.0)
        time.sleep(0.2)
    return latencies


def attack(server, head: bytes, trickle: bytes, count: int = 12) -> list[Trickler]:
    clients = [Trickler(server.port, head, trickle) for _ in range(count)]
    for client in clients:
        client.start()
    time.sleep(0.3)
    latencies = health_latencies(server.base, DEADLINE)
    for client in clients:
        client.join(timeout=3 * DEADLINE + 10)
    # One slow answer on a loaded machine is noise; waiting behind the clients is not.
    assert sorted(latencies)[-2] < 1.0, f"/healthz waited behind the slow clients: {latencies}"
    return clients


@pytest.mark.parametrize(
    ("head", "trickle"),
    [
        (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ", b"a" * 200 + b"\r\n\r\n"),
        (
            b"POST /api/connect HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n",
            b"{" * 100,
        ),
    ],
    ids=["slow head", "slow small body"],
)
def test_slow_heads_and_small_bodies_hold_no_thread_and_get_408(server, head, trickle):
    clients = attack(server, head, trickle)
    for client in clients:
        assert client.answer.startswith(b"HTTP/1.1 408"), client.answer[:80]
        assert client.ended_after is not None and client.ended_after < DEADLINE + MARGIN


def test_slow_large_bodies_are_busy_at_once_or_timed_out(server):
    head = (
        b"POST /api/connect HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000000\r\n\r\n"
    )
    clients = attack(server, head, b"{" * 1000, count=10)
    statuses = sorted(client.answer[9:12] for client in clients)
    # One client: one of its large bodies is read (until its deadline), the others refused.
    assert statuses == [b"408"] + [b"503"] * 9, statuses
    for client in clients:
        limit = DEADLINE + MARGIN if client.answer[9:12] == b"408" else 2.0
        assert client.ended_after is not None and client.ended_after < limit
        body = client.answer.partition(b"\r\n\r\n")[2]
        if client.answer[9:12] == b"503":
            assert b"retry-after: 5" in client.answer.lower()
            assert b"busy" in body


@pytest.mark.parametrize(
    ("head", "slots_taken"),
    [
        (b"Content-Length: 65536\r\n\r\n", False),  # read with its head, by the main loop
        (b"Content-Length: 65537\r\n\r\n", True),  # one byte more: a thread's, in a slot
        (b"Content-Length: 100\r\nExpect: 100-continue\r\n\r\n", True),  # a thread answers
        (b"Transfer-Encoding: chunked\r\n\r\n", True),
    ],
    ids=["64 KB", "64 KB and a byte", "100-continue", "chunked"],
)
def test_every_body_a_thread_reads_takes_a_slot(server, head, slots_taken):
    request = b"POST /api/connect HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    clients = attack(server, request + head, b"1" * 100, count=6)
    statuses = sorted(client.answer[9:12] for client in clients)
    assert statuses == ([b"408"] + [b"503"] * 5 if slots_taken else [b"408"] * 6), statuses


def test_a_connection_that_sends_nothing_is_closed_by_its_deadline(server):
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.settimeout(DEADLINE + MARGIN + 1)
        started = time.monotonic()
        answer = sock.recv(4096) + _rest(sock)
        assert time.monotonic() - started < DEADLINE + MARGIN + 1
    assert answer.startswith(b"HTTP/1.1 408")


def test_a_broken_body_gives_back_its_slot(server):
    for _ in range(3):  # more than there are slots
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            sock.settimeout(5)
            sock.sendall(
                b"POST /api/connect HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\nzz\r\n"
            )
            assert sock.recv(4096).startswith(b"HTTP/1.1 400")
    document = json.dumps({"items": [{"name": f"item {i}"} for i in range(5000)]})
    connected = requests.post(
        server.base + "/api/connect",
        json={"content": document},
        timeout=10,
    )
    assert connected.status_code == 200, connected.text[:200]


def test_a_client_still_sending_reads_the_refusal(server):
    """A body refused without being read (busy, too large) is answered, then the rest of
    it is read and dropped before the connection closes: a client that sends it all
    before reading (as requests does) still gets the answer, not a reset."""
    holder = Trickler(
        server.port,
        b"POST /connect HTTP/1.1\r\nHost: x\r\nContent-Length: 500000\r\n\r\n",
        b"x" * 100,
    )
    holder.start()  # holds the one connect slot until its deadline
    time.sleep(0.3)
    document = json.dumps({"items": [{"name": f"item {i}"} for i in range(30_000)]})
    busy = requests.post(
        server.base + "/api/connect",
        data=json.dumps({"content": document}),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "5"
    assert "busy" in busy.json()["error"]

    browser = requests.Session()
    token = CSRF_FIELD.search(browser.get(server.base + "/", timeout=5).text).group(1)
    form = browser.post(
        server.base + "/connect",
        data={"csrf_token": token, "source": "upload"},
        files={"file": ("site.json", document.encode())},
        timeout=10,
    )
    assert form.status_code == 503 and "busy" in form.text
    assert 'name="source" value="upload"' in form.text  # the connect form, to send again
    holder.join(timeout=DEADLINE + 5)
    assert holder.answer.startswith(b"HTTP/1.1 408")

    connected = browser.post(
        server.base + "/connect",
        data={"csrf_token": token, "source": "upload"},
        files={"file": ("site.json", document.encode())},
        timeout=10,
    )
    assert connected.status_code == 200 and "Disconnect" in connected.text

    too_large = requests.post(
        server.base + "/api/connect",
        data=b"x" * (17 * 1024 * 1024 + 1024 * 1024 + 1),
        headers={"Content-Type": "application/json"},
        timeout=20,
    )
    assert too_large.status_code == 413 and "16 MB" in too_large.json()["error"]


@pytest.mark.parametrize(
    ("buffer", "ready"),
    [
        (b"GET / HTTP/1.1\r\nHost: x\r\n", False),  # the head is not whole yet
        (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", True),
        (b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nabc", False),  # its body is not
        (b"POST / HTTP/1.1\r\ncontent-length: 5\r\n\r\nabcde", True),
        (b"POST / HTTP/1.1\r\nContent-Length: 999999\r\n\r\nabc", True),  # large: a thread's
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", True),
        (b"POST / HTTP/1.1\r\nContent-Length: 9\r\nExpect: 100-continue\r\n\r\n", True),
        (b"GET / HTTP/1.1\nHost: x\n\n", True),
        (b"x" * 70_000, None),  # no head at all within the room: not HTTP
    ],
)
def test_when_a_request_is_whole_enough_for_a_thread(buffer, ready):
    assert request_ready(bytearray(buffer), head_length(buffer)) is ready


def test_declared_body_reads_content_length_and_refuses_what_it_cannot_tell():
    assert declared_body(b"GET / HTTP/1.1\r\nHost: x") == (0, False)
    assert declared_body(b"POST / HTTP/1.1\r\nContent-Length:  12 ") == (12, False)
    assert declared_body(b"POST / HTTP/1.1\r\nContent-Length: -1") == (None, False)
    assert declared_body(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked") == (None, False)
    assert declared_body(b"POST / HTTP/1.1\r\nExpect: 100-continue") == (0, True)


def test_a_body_sent_after_its_head_is_read_on_a_kept_alive_connection(server):
    """A second request on a connection, its head and body in two sends (as http.client
    sends a form): the head found in the first read is found again with its body."""
    import http.client

    body = json.dumps({"demo": "restaurant"}).encode()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        first = connection.getresponse()
        first.read()
        assert first.status == 200
        connection.putrequest("POST", "/api/connect")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders()  # the head alone
        time.sleep(0.3)
        connection.send(body)
        second = connection.getresponse()
        assert second.status == 200, second.read()[:200]
    finally:
        connection.close()
