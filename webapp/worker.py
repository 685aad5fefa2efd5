"""gunicorn's threaded worker, reading each request's head in its main loop, with a deadline.

Stock ``gthread`` hands a connection to a pool thread as soon as its first byte arrives;
the thread then reads the head, and the app the body, with no deadline at all, so a few
clients that trickle their bytes hold every thread and the app answers no one (slowloris,
measured in ``bench/abuse.py``). This worker:

* reads the head, and a small body with it, in the main loop as bytes arrive, without
  blocking: a slow client costs a file descriptor, not a thread. One that has not sent
  them within ``BODY_READ_SECONDS`` of its first byte gets 408 and is closed;
* gives every request handed to a thread a deadline of ``BODY_READ_SECONDS`` on reading
  the rest of its body (``DeadlineSocket``): past it a read raises ``TimeoutError``
  (``webapp.request_body`` answers 408), then reads see the end of the stream;
* closes a connection whose request body the app did not read (``request_body``
  refused it: busy, too large, too slow) once the answer is sent, and keeps reading and
  dropping what the client still sends for a few seconds first (a lingering close), so
  that a client still uploading sees that answer rather than a reset connection.

TLS connections (gunicorn's own ``certfile``) are left to the stock behaviour: terminate
TLS in the proxy in front, which also buffers requests (see the README's "Limits").
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import socket
import time
from dataclasses import dataclass, field

from gunicorn import http
from gunicorn.workers.gthread import ThreadWorker

from . import defaults, request_body
from .config import settings_from_env

HEAD_ENDS = (b"\r\n\r\n", b"\n\n")
READ_CHUNK = 64 * 1024
# A head longer than this is no request of ours (gunicorn's own limits allow 8 KB a line).
MAX_HEAD_BYTES = 64 * 1024
_LATE = b"The request was not sent in time; please send it again.\n"
TIMED_OUT = (
    b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: text/plain\r\n"
    b"Content-Length: %d\r\n\r\n%s" % (len(_LATE), _LATE)
)


@dataclass
class Incoming:
    """What the main loop has read of a connection's next request (or drops while closing)."""

    deadline: float
    buffer: bytearray = field(default_factory=bytearray)
    lingering: bool = False  # the answer is sent: drop what comes, until EOF or the deadline
    head_from: int = 0  # the head's end is not before this (the buffer looked at so far)
    end: int | None = None  # where the head ends, once found

    def head_end(self) -> int | None:
        """Where the head ends in the buffer (None: not yet), looking at each byte once."""
        if self.end is None:
            self.end = head_length(self.buffer, self.head_from)
            if self.end is None:
                self.head_from = max(0, len(self.buffer) - 3)  # a line end may straddle
        return self.end


def head_length(buffer: bytes | bytearray, start: int = 0) -> int | None:
    """Where the head ends in ``buffer`` (the index after its blank line), or None;
    ``start``: where to look from (what was looked at before, less a line end's length)."""
    ends = [at + len(end) for end in HEAD_ENDS if (at := buffer.find(end, start)) >= 0]
    return min(ends) if ends else None


def declared_body(head: bytes | bytearray) -> tuple[int | None, bool]:
    """The body a head declares: (its Content-Length, 0 without one, None when chunked or
    unreadable; whether the client waits for "100 Continue" before sending it)."""
    length: int | None = 0
    expects = False
    for line in bytes(head).split(b"\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"transfer-encoding":
            length = None
        elif name == b"expect":
            expects = b"100" in value
        elif name == b"content-length" and length is not None:
            value = value.strip()
            length = int(value) if value.isdigit() else None
    return length, expects


def request_ready(buffer: bytearray, end: int | None) -> bool | None:
    """Whether ``buffer``, whose head ends at ``end`` (None: not found yet), holds a whole
    head and the body the worker reads with it (``request_body.read_by_the_worker``): True
    to hand it to a thread, False to wait for more, None when it is no request head."""
    if end is None:
        return None if len(buffer) > MAX_HEAD_BYTES else False
    length, expects = declared_body(buffer[:end])
    if not request_body.read_by_the_worker(length, expects):
        return True  # the app reads it, under a deadline, in one of few connect slots
    return len(buffer) >= end + length


class DeadlineSocket:
    """A request's socket as the request parser reads it: every read ends by a deadline.

    The deadline moves on by a second for each ``MIN_BYTES_PER_SECOND`` received: a client
    that sends at least that fast is never cut short, one that trickles is. The first read
    past it raises ``TimeoutError`` (the app answers 408); reads after that see the end of
    the stream, so the server stops reading this request. Between reads the socket keeps
    ``send_seconds`` as its timeout: an answer the client does not take is given up too.
    """

    def __init__(self, sock: socket.socket, deadline: float, send_seconds: float) -> None:
        self.sock = sock
        self.deadline = deadline
        self.send_seconds = send_seconds
        self.expired = False

    def recv(self, size: int) -> bytes:
        """Read up to ``size`` bytes, waiting no later than the deadline."""
        if self.expired:
            return b""
        left = self.deadline - time.monotonic()
        try:
            if left <= 0:
                raise TimeoutError("the request body was not sent in time")
            self.sock.settimeout(left)
            data = self.sock.recv(size)
        except TimeoutError:
            self.expired = True
            raise
        finally:
            self.sock.settimeout(self.send_seconds)
        self.deadline += len(data) / defaults.MIN_BYTES_PER_SECOND
        return data

    def __getattr__(self, name: str):
        return getattr(self.sock, name)


class ReadAheadWorker(ThreadWorker):
    """``gthread`` with heads read in the main loop and deadlines on bodies (see above)."""

    def init_process(self) -> None:
        """Read the deadline from the app's settings; then start as gthread does."""
        self.read_seconds = settings_from_env()["BODY_READ_SECONDS"]
        self.incoming: dict[object, Incoming] = {}
        give_back_large_buffers()
        super().init_process()

    def on_client_socket_readable(self, conn, client) -> None:
        """Read what arrived; hand the connection to a thread once its request is here."""
        if self.cfg.is_ssl:
            super().on_client_socket_readable(conn, client)
            return
        with self._lock:
            state = self.incoming.setdefault(conn, Incoming(time.monotonic() + self.read_seconds))
        ended = self._read_available(conn, state)
        if state.lingering:
            if ended:
                self._close(conn)
            return
        ready = request_ready(state.buffer, state.head_end())
        if ready is None or (ended and not ready):
            self._close(conn)  # not HTTP, or the client left before its request was whole
        elif ready:
            with self._lock:
                del self.incoming[conn]
            self._hand_over(conn, client, bytes(state.buffer))

    def _read_available(self, conn, state: Incoming) -> bool:
        """Read what the socket holds now, up to what a request may have read ahead (never
        blocking; the rest waits for the next turn of the loop); True when the client is
        gone."""
        taken = 0
        while taken <= MAX_HEAD_BYTES + defaults.READ_AHEAD_BYTES:
            try:
                data = conn.sock.recv(READ_CHUNK)
            except (BlockingIOError, InterruptedError):
                return False
            except OSError:
                return True
            if not data:
                return True
            taken += len(data)
            if not state.lingering:
                state.buffer += data
        return False

    def _hand_over(self, conn, client, ahead: bytes) -> None:
        """Give a whole head (and small body) to a thread, with a deadline on the rest."""
        if conn.parser is None:  # as TConn.init makes it (without TLS: see the docstring)
            conn.parser = http.RequestParser(self.cfg, conn.sock, conn.client)
        conn.parser.unreader.unread(ahead)
        deadline = time.monotonic() + self.read_seconds
        conn.parser.unreader.sock = DeadlineSocket(conn.sock, deadline, self.read_seconds)
        # The stock path from here: leave the poller (and the kept-alive queue), enqueue.
        super().on_client_socket_readable(conn, client)

    def handle_request(self, req, conn) -> bool:
        """Serve one request, giving up on a client that takes none of the answer for
        ``BODY_READ_SECONDS``; keep the connection only if its body was read whole."""
        conn.sock.settimeout(self.read_seconds)
        keepalive = super().handle_request(req, conn)
        if request_body.unread_body(conn.sock):
            # Lingering lasts as long as a kept-alive connection may idle (gunicorn's
            # keepalive setting closes it then, in murder_keepalived).
            with self._lock:
                deadline = time.monotonic() + self.cfg.keepalive
                self.incoming[conn] = Incoming(deadline, lingering=True)
            return True  # back to the main loop, which drops the rest and closes
        return keepalive

    def finish_request(self, fs) -> None:
        """After a refused body's answer: stop sending, then linger in the main loop."""
        state = self.incoming.get(fs.conn)
        if state is not None and state.lingering and not fs.cancelled():
            with contextlib.suppress(OSError):
                fs.conn.sock.shutdown(socket.SHUT_WR)
        super().finish_request(fs)

    def murder_keepalived(self) -> None:
        """Close kept-alive connections past their time, and requests past their deadline
        (a new connection's deadline counts from when this loop first saw it, within a
        second of its accept, whether or not it has sent anything)."""
        super().murder_keepalived()
        now = time.monotonic()
        with self._lock:
            for conn in self._new_connections():
                self.incoming[conn] = Incoming(now + self.read_seconds)
            late = [c for c, s in self.incoming.items() if now > s.deadline or _closed(c)]
        for conn in late:
            state = self.incoming.get(conn)
            if state is not None and not state.lingering and not _closed(conn):
                _try_send(conn.sock, TIMED_OUT)
            self._close(conn)

    def _new_connections(self) -> list:
        """Connections accepted and waiting for their first byte, without a deadline yet."""
        waiting = []
        for key in list(self.poller.get_map().values()):
            callback = key.data
            if getattr(callback, "func", None) == self.on_client_socket_readable:
                conn = callback.args[0]
                if not conn.initialized and conn not in self.incoming:
                    waiting.append(conn)
        return waiting

    def _close(self, conn) -> None:
        """Stop watching a connection and close it (once)."""
        with self._lock:
            self.incoming.pop(conn, None)
            if _closed(conn):
                return
            with contextlib.suppress(KeyError, ValueError, OSError):
                self.poller.unregister(conn.sock)
            with contextlib.suppress(ValueError):
                self._keep.remove(conn)
        self.nr_conns -= 1
        conn.close()


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)


def give_back_large_buffers() -> None:
    """Have glibc map every buffer of 128 KB or more on its own, and unmap it when freed.

    By default glibc raises that threshold each time such a buffer is freed, up to 32 MB,
    so after a large connect the next document's buffers come from the heap and stay in
    the worker when freed: measured, its RSS after three 12 MB connects grew from 54 MB to
    128 MB; with a fixed threshold it goes back to about 66 MB after each (see
    docs/benchmarks.md). Other C libraries (musl) keep their own ways: nothing is done.
    """
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.mallopt(M_MMAP_THRESHOLD, 128 * 1024)
    except (OSError, AttributeError):
        pass


def _closed(conn) -> bool:
    return conn.sock.fileno() < 0


def _try_send(sock: socket.socket, data: bytes) -> None:
    """Send a short answer if the socket takes it now; never wait for it."""
    try:
        sock.send(data)
    except OSError as error:
        if error.errno not in (errno.EAGAIN, errno.EPIPE, errno.ECONNRESET, None):
            raise
