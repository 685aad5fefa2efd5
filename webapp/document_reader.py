"""Reading large documents in a child process, so that a worker's memory stays its own.

Parsing a document and building its model takes 10 to 20 times its size in Python
objects at the peak (a 12 MB document of 300,000 tiny records: about 250 MB), and a
worker would keep most of that afterwards: Python rarely gives small objects' memory
back to the system. A document of ``DOCUMENT_PROCESS_BYTES`` or more is therefore read
(``content.document.read_document``) in a fresh child process, one per document, made
by multiprocessing's fork server (started once per worker, from a clean interpreter, so
no thread's lock is ever forked): the worker holds the document's bytes and the model
that comes back, and the child's memory goes back to the system when it ends. The
parsing also runs outside the worker's interpreter lock, so its other threads keep
answering, and a child that overruns ``DOCUMENT_PROCESS_SECONDS`` is killed. Smaller
documents, and every document where child processes cannot be made (some serverless
sandboxes), are read in the worker itself.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading

from .content.document import Document, read_document
from .content.parse import ContentError

log = logging.getLogger(__name__)
# What the fork server imports once, so that each child starts with it loaded.
PRELOAD = ["webapp.content.document"]


class DocumentUnread(Exception):
    """The child reading a document died or overran its time (a 503 for the user)."""


def _read_in_child(raw: bytes | str, answer) -> None:
    """A child's whole life: read the document, send back the Document or the error."""
    try:
        answer.send(("read", read_document(raw)))
    except ContentError as error:
        answer.send(("unusable", str(error)))
    finally:
        answer.close()


class DocumentReader:
    """Reads documents: large ones in child processes, small ones here."""

    def __init__(self, *, threshold: int, timeout: float) -> None:
        self.threshold = threshold
        self.timeout = timeout
        self._context = None
        self._lock = threading.Lock()

    def read(self, raw: bytes | str) -> Document:
        """Read a document (ContentError says what is wrong with it)."""
        context = self._child_context() if len(raw) >= self.threshold else None
        if context is None:
            return read_document(raw)
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_read_in_child, args=(raw, send), daemon=True)
        try:
            child.start()
        except OSError as error:  # the fork server could not start here
            log.warning("Documents are read in the worker: no child processes (%s)", error)
            self._context = False
            return read_document(raw)
        finally:
            send.close()
        try:
            return self._answer(child, receive, len(raw))
        finally:
            receive.close()
            child.join(1)
            if child.is_alive():
                child.kill()
                child.join()

    def _answer(self, child, receive, size: int) -> Document:
        """What the child sent: its Document, or the ContentError it met; else DocumentUnread."""
        try:
            if receive.poll(self.timeout):
                kind, value = receive.recv()
                if kind == "unusable":
                    raise ContentError(value)
                return value
        except (EOFError, OSError):
            pass  # the child died before answering (killed, out of memory)
        log.warning(
            "A document of %d bytes was not read: its child %s",
            size,
            "overran its time" if child.is_alive() else f"ended ({child.exitcode})",
        )
        child.kill()
        raise DocumentUnread

    def _child_context(self):
        """multiprocessing's fork-server context, or None where it cannot be had."""
        with self._lock:
            if self._context is None:
                try:
                    context = multiprocessing.get_context("forkserver")
                    context.set_forkserver_preload(PRELOAD)
                    self._context = context
                except ValueError as error:  # no fork server on this platform
                    log.warning("Documents are read in the worker: %s", error)
                    self._context = False
            return self._context or None
