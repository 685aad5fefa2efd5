"""Per-process caps on expensive work: connects that read a large document, exports, and
the making of search indexes.

A connect takes a slot for as long as its request lasts (``take``); an export for as
long as its zip is streamed (``acquire``). When none is free it is answered 503 "busy" at once
rather than queued, so the work one process does at a time, and the memory it takes,
stay bounded whatever clients send. Slots are per process: the workers, and serverless
instances, each have their own.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from flask import Flask, current_app, request
from werkzeug.exceptions import ServiceUnavailable

from . import defaults

HELD = "webapp.held_slots"  # on the WSGI environ: the semaphores this request holds


class Busy(ServiceUnavailable):
    """503: this process already does as much of this work as it may; retry shortly."""

    def __init__(self, description: str) -> None:
        super().__init__(description, retry_after=defaults.RETRY_AFTER_SECONDS)


def make_slots(config: Mapping) -> dict[str, threading.BoundedSemaphore]:
    """The slots of one process, by kind, sized from the settings."""
    return {
        "connect": threading.BoundedSemaphore(config["CONNECT_CONCURRENCY"]),
        "export": threading.BoundedSemaphore(config["EXPORT_CONCURRENCY"]),
        "index": threading.BoundedSemaphore(defaults.SEARCH_INDEX_CONCURRENCY),
    }


def init_app(app: Flask) -> None:
    """Give the app its slots (the request-body middleware takes them too); a request's
    slots go back when it ends: after its view, or after its stream (an export's zip)."""
    app.extensions["slots"] = make_slots(app.config)
    app.teardown_request(lambda _error: release_held(request.environ))


def take(slots: Mapping, kind: str, environ: dict) -> bool:
    """Take a slot of ``kind`` for this request unless it holds one; False when none is free."""
    held = environ.setdefault(HELD, [])
    slot = slots[kind]
    if slot in held:
        return True
    if not slot.acquire(blocking=False):
        return False
    held.append(slot)
    return True


def acquire(kind: str, busy_message: str):
    """Take a slot of ``kind`` until the caller gives it back (work that outlives its
    request's view, such as an export's stream); return what gives it back, once.
    Raise ``Busy`` with the message when none is free."""
    slot = current_app.extensions["slots"][kind]
    if not slot.acquire(blocking=False):
        raise Busy(busy_message)
    given_back = threading.Event()

    def give_back() -> None:
        if not given_back.is_set():
            given_back.set()
            slot.release()

    return give_back


def release_held(environ: dict) -> None:
    """Give back every slot the request took (when its answer has been sent)."""
    for slot in environ.pop(HELD, ()):
        slot.release()
