"""Request bodies, read whole before Flask sees them: in time, and few large ones at once.

``BodyReader`` is a WSGI middleware in front of the Flask app. A request with a body has
it read into a spooled buffer (memory, then a temporary file past a megabyte) before the
app runs, so that:

* a body larger than ``READ_AHEAD_BYTES`` (uploads, pastes, API content) takes one of
  the process's connect slots (``webapp.slots``) while it is read and its connect is
  made; with none free the answer is 503 "busy" at once, without reading it;
* a body not sent within ``BODY_READ_SECONDS`` (the worker's deadline, see
  ``webapp.worker``) is answered 408; the app never sees half a body;
* a body the app will not read (too large, busy, too slow) is marked, and the worker
  closes the connection once the answer is sent (``unread_body``).

The answers themselves are the app's (pages or JSON, by the error handlers): the
middleware leaves a verdict on the request, which ``answer_verdict`` raises as the
matching HTTP error before any view runs. Without gunicorn (``flask run``, serverless)
there is no socket deadline; the platform or the development server reads bodies.
"""

from __future__ import annotations

import io
import tempfile
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterable

from flask import Flask, current_app, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, RequestTimeout

from . import client_limits, defaults, slots

VERDICT = "webapp.body_verdict"  # on the WSGI environ: why the body was not read
BUFFER = "webapp.body_buffer"  # on the WSGI environ: the body as read, until the view ran
READ_CHUNK = 64 * 1024
SPOOL_BYTES = 1024 * 1024  # bodies past this wait on disk, not in the worker's memory

# Sockets whose request body was left unread: the worker closes them after the answer.
_UNREAD: weakref.WeakSet = weakref.WeakSet()

TIMEOUT_MESSAGE = (
    "The request was not sent in time: its body took longer than {seconds:g} seconds to "
    "arrive. Check your connection and send it again."
)
BUSY_MESSAGE = (
    "The app is busy reading other large documents right now. Please try again in a few seconds."
)


class BodyTimeout(Exception):
    """The client did not send its body within the deadline."""


def unread_body(sock) -> bool:
    """Whether the app left this socket's request body unread (asked once, by the worker)."""
    try:
        _UNREAD.remove(sock)
    except KeyError:
        return False
    return True


def declared_length(environ: dict) -> int | None:
    """The body's declared length: 0 for none, None when chunked (unknown until read)."""
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return None
    raw = environ.get("CONTENT_LENGTH") or "0"
    return int(raw) if raw.isdigit() else 0


def read_by_the_worker(length: int | None, expects_continue: bool) -> bool:
    """Whether a body is read whole with its head, before the request reaches a thread
    (``webapp.worker``): a declared length up to ``READ_AHEAD_BYTES``, from a client that
    does not wait for "100 Continue". Every other body takes a connect slot to be read."""
    return length is not None and not expects_continue and length <= defaults.READ_AHEAD_BYTES


class ClientClaim:
    """One of a client's large bodies being read in this process (released as a slot is)."""

    def __init__(self, counts: Counter, lock: threading.Lock, client: str) -> None:
        self.counts, self.lock, self.client = counts, lock, client

    def release(self) -> None:
        with self.lock:
            self.counts[self.client] -= 1
            if self.counts[self.client] <= 0:
                del self.counts[self.client]


class BodyReader:
    """WSGI middleware: read each request's body whole, within bounds (see the module)."""

    def __init__(self, app: Callable, config: dict, process_slots: dict) -> None:
        self.app = app
        self.limit = config["MAX_CONTENT_LENGTH"]  # the request limit Flask enforces
        self.seconds = config["BODY_READ_SECONDS"]
        self.slots = process_slots
        self.clients: Counter = Counter()  # large bodies being read, by client address
        self.clients_lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        length = declared_length(environ)
        if length == 0:
            return self._app(environ, start_response)
        if length is not None and length > self.limit:
            _leave_unread(environ)  # Flask answers 413 from the declared length
            return self._app(environ, start_response)
        expects = "100-continue" in environ.get("HTTP_EXPECT", "").lower()
        if not read_by_the_worker(length, expects) and not self._take_slot(environ):
            return self._refuse(environ, start_response, "busy")
        try:
            body, size = self._read(environ, length)
        except BodyTimeout:
            return self._refuse(environ, start_response, "timeout")
        except Exception:  # noqa: BLE001 - a malformed chunk, a reset: the body is unusable
            return self._refuse(environ, start_response, "broken")
        if size > self.limit:
            return self._refuse(environ, start_response, "too_large")
        environ["wsgi.input"] = environ[BUFFER] = body
        environ["CONTENT_LENGTH"] = str(size)
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ["wsgi.input_terminated"] = False
        return self._app(environ, start_response)

    def _take_slot(self, environ: dict) -> bool:
        """A connect slot for a large body, if one is free and its client has no other
        large body being read in this process (else a few slow clients could hold all)."""
        client = environ.get("REMOTE_ADDR") or ""
        with self.clients_lock:
            if self.clients[client] >= defaults.LARGE_BODIES_PER_CLIENT:
                return False
            self.clients[client] += 1
        claim = ClientClaim(self.clients, self.clients_lock, client)
        if slots.take(self.slots, "connect", environ):
            environ[slots.HELD].append(claim)
            return True
        claim.release()
        return False

    def _app(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """Run the app; drop the body read for it once it returns (the view has run). The
        slots the request took go back when it ends (``webapp.slots``: its teardown, after
        its view or its stream), or here if the app fails before that."""
        try:
            return self.app(environ, start_response)
        except BaseException:
            slots.release_held(environ)
            raise
        finally:
            body = environ.pop(BUFFER, None)
            if body is not None:
                body.close()

    def _read(self, environ: dict, length: int | None):
        """Read the body into a spooled buffer; raise BodyTimeout past the deadline (which
        moves on as the worker's does: a second for each MIN_BYTES_PER_SECOND received)."""
        stream = environ["wsgi.input"]
        budget = self.limit + 1 if length is None else length
        deadline = time.monotonic() + self.seconds  # between reads, where no socket enforces it
        body = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - handed on
        try:
            while budget > 0:
                try:
                    chunk = stream.read(min(READ_CHUNK, budget))
                except TimeoutError:
                    raise BodyTimeout from None
                if not chunk:
                    break  # the client stopped early: the app sees the short body it sent
                body.write(chunk)
                budget -= len(chunk)
                deadline += len(chunk) / defaults.MIN_BYTES_PER_SECOND
                if time.monotonic() > deadline:
                    raise BodyTimeout
        except BaseException:
            body.close()
            raise
        size = body.tell()
        body.seek(0)
        return body, size

    def _refuse(self, environ: dict, start_response: Callable, verdict: str):
        """Let the app answer a body it will not see (400, 408, 413 or 503), then close."""
        slots.release_held(environ)  # nothing of this request needs a slot any more
        environ[VERDICT] = verdict
        environ["wsgi.input"] = io.BytesIO()
        environ["CONTENT_LENGTH"] = "0"
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        _leave_unread(environ)
        return self._app(environ, start_response)


def _leave_unread(environ: dict) -> None:
    sock = environ.get("gunicorn.socket")
    if sock is not None:
        _UNREAD.add(sock)


def answer_verdict() -> None:
    """Before any view: answer a request whose body was refused, as the app's own error."""
    verdict = request.environ.get(VERDICT)
    if verdict is None:
        return
    client_limits.count_refused(current_app.view_functions.get(request.endpoint))
    if verdict == "timeout":
        seconds = current_app.config["BODY_READ_SECONDS"]
        raise RequestTimeout(TIMEOUT_MESSAGE.format(seconds=seconds))
    if verdict == "busy":
        raise slots.Busy(BUSY_MESSAGE)
    if verdict == "too_large":
        raise RequestEntityTooLarge()
    if verdict == "broken":
        raise BadRequest("The request's body could not be read (it was cut off or malformed).")


def init_app(app: Flask) -> None:
    """Put the body reader in front of the app (its verdicts are answered by
    ``answer_verdict``, which ``create_app`` registers after the per-client limits count
    the request, before the form's CSRF check, which would fail on the empty body)."""
    app.wsgi_app = BodyReader(app.wsgi_app, app.config, app.extensions["slots"])
