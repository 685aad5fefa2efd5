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
answering. Smaller documents, and every document where child processes cannot be
made (some serverless sandboxes), are read in the worker itself.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool

from .content.document import Document, read_document

log = logging.getLogger(__name__)
# What the fork server imports once, so that each child starts with it loaded.
PRELOAD = ["webapp.content.document"]


class DocumentUnread(Exception):
    """The child reading a document died or overran its time (a 503 for the user)."""


class DocumentReader:
    """Reads documents: large ones in child processes, small ones here."""

    def __init__(self, *, processes: int, threshold: int, timeout: float) -> None:
        self.processes = processes
        self.threshold = threshold
        self.timeout = timeout
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._in_process_only = False

    def read(self, raw: bytes | str) -> Document:
        """Read a document (ContentError says what is wrong with it)."""
        pool = self._pool_for(len(raw))
        if pool is None:
            return read_document(raw)
        try:
            future = pool.submit(read_document, raw)
        except OSError as error:  # the fork server could not start here
            log.warning("Documents are read in the worker: no child processes (%s)", error)
            self._in_process_only = True
            return read_document(raw)
        try:
            return future.result(timeout=self.timeout)
        except (BrokenProcessPool, FutureTimeout) as error:
            self._discard(pool)
            log.warning("A document of %d bytes could not be read: %r", len(raw), error)
            raise DocumentUnread from error

    def _pool_for(self, size: int) -> ProcessPoolExecutor | None:
        """The pool for a document of ``size`` bytes, or None to read it here."""
        if size < self.threshold or self._in_process_only:
            return None
        with self._lock:
            if self._pool is None:
                try:
                    context = multiprocessing.get_context("forkserver")
                    context.set_forkserver_preload(PRELOAD)
                    self._pool = ProcessPoolExecutor(
                        self.processes, mp_context=context, max_tasks_per_child=1
                    )
                except (OSError, ValueError, ImportError) as error:
                    log.warning("Documents are read in the worker: no child processes (%s)", error)
                    self._in_process_only = True
            return self._pool

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        """Drop a pool whose child died or hangs; the next large document makes a new one."""
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the pool's processes (tests, shutdown)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
