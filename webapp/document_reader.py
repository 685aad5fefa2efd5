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
import resource
import threading
from typing import TYPE_CHECKING

from .content.parse import ContentError

if TYPE_CHECKING:
    from .content.document import Document

log = logging.getLogger(__name__)
# What the fork server imports once, so that each child starts with it loaded.
PRELOAD = ["webapp.content.document"]


class DocumentUnread(Exception):
    """The child reading a document died, overran its time, or needed more memory than a
    document may take (``too_big``)."""

    def __init__(self, too_big: bool = False) -> None:
        super().__init__("too big" if too_big else "not read")
        self.too_big = too_big


def _read_in_child(raw: bytes | str, answer, memory_factor: int) -> None:
    """A child's whole life: read the document within its memory, send back the Document
    (and the child's peak memory) or what went wrong."""
    from .content.document import read_document  # preloaded by the fork server

    try:
        _cap_memory(memory_factor * len(raw))
        document = read_document(raw)
        answer.send(("read", document, _peak_kb()))
    except ContentError as error:
        answer.send(("unusable", str(error), _peak_kb()))
    except MemoryError:
        _cap_memory(None)  # room again to say so (the cap was only a soft limit)
        answer.send(("too big", "", _peak_kb()))
    finally:
        answer.close()


def _cap_memory(growth: int | None) -> None:
    """Let this child's address space grow by ``growth`` bytes at most (and a margin), as a
    soft limit; None lifts it (to the hard limit, untouched)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    now = _status_kb("VmSize")
    if growth is None or now is None:
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
        return
    limit = now * 1024 + growth + 32 * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _status_kb(field: str) -> int | None:
    """A field of this process's /proc status, in KB (None where there is none)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class DocumentReader:
    """Reads documents: large ones in child processes, small ones here."""

    def __init__(self, *, threshold: int, timeout: float, memory_factor: int) -> None:
        self.threshold = threshold
        self.timeout = timeout
        self.memory_factor = memory_factor
        self._context = None
        self._lock = threading.Lock()

    def read(self, raw: bytes | str) -> Document:
        """Read a document (ContentError says what is wrong with it)."""
        from .content.document import read_document  # loaded by the first connect

        context = self._child_context() if len(raw) >= self.threshold else None
        if context is None:
            return read_document(raw)
        receive, send = context.Pipe(duplex=False)
        child = context.Process(
            target=_read_in_child, args=(raw, send, self.memory_factor), daemon=True
        )
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
        """What the child sent: its Document, or the ContentError it met; else DocumentUnread
        (too big when the child died of a signal: out of memory under its cap, C code may
        crash rather than raise MemoryError)."""
        if not receive.poll(self.timeout):
            log.warning("A document of %d bytes was not read: its child overran its time", size)
            child.kill()
            raise DocumentUnread
        try:
            kind, value, peak_kb = receive.recv()
        except (EOFError, OSError):
            child.join(1)
            log.warning("A document of %d bytes was not read: its child ended (%s)", size,
                        child.exitcode)  # fmt: skip
            raise DocumentUnread(too_big=(child.exitcode or 0) < 0) from None
        log.info("A document of %d bytes read in a child: peak %d MB", size, peak_kb >> 10)
        if kind == "unusable":
            raise ContentError(value)
        if kind == "too big":
            raise DocumentUnread(too_big=True)
        return value

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
