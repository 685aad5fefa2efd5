"""Site sessions in a cachelib SimpleCache: local development, one process only."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import defaults
from .base import (
    CONTENT_FIELD,
    META_FIELDS,
    MODEL_FIELD,
    ReadPlan,
    SiteSnapshot,
    SiteStore,
    StorageChoice,
    StoredDataDamaged,
    StoreHealth,
    StoreReport,
    chunk_of,
    dump,
    is_small_field,
    pointer_in_bucket,
)
from .stored_page import StoredPage, read_pages, without_body

if TYPE_CHECKING:
    from cachelib import SimpleCache

# The session hash is split over two cache entries: the small part (metadata and
# the model) that every page reads, and the large part (content, listing chunks,
# item pointers, section data). SimpleCache pickles whole values, so reading
# a session's status never unpickles megabytes of content.
LARGE = "#fields"
# What each entry holds (``_entries``): the small hash, intents, theme, pages, the large hash.
ENTRY_KINDS = (dict, (str, bytes), (str, bytes), dict, dict)

log = logging.getLogger(__name__)
NOTHING_TO_REACH = (
    "Connection: in-process SimpleCache (nothing to reach); fine for `flask run` "
    "with one process only"
)


def make_cache(ttl_seconds: int, threshold: int = defaults.MEMORY_THRESHOLD) -> SimpleCache:
    """Build the process's cache with an explicit TTL and a roomy threshold.

    SimpleCache's own defaults (300 s, 500 items) would drop sessions after
    five minutes or after a few hundred visitors.
    """
    from cachelib import SimpleCache  # loaded only where sessions live in memory

    return SimpleCache(threshold=threshold, default_timeout=ttl_seconds)


def _check(entry: str, value, kind) -> None:
    """Raise StoredDataDamaged when an entry holds another kind of value than ours (what
    Redis reports as WRONGTYPE): something else wrote it."""
    if value is not None and not isinstance(value, kind):
        raise StoredDataDamaged(entry, f"holds a {type(value).__name__}: wrong type")


class MemorySiteStore(SiteStore):
    """Same keys and TTL rules as Redis, kept in this process's memory.

    SimpleCache has no multi-key transaction and no touch, so a lock makes each
    call atomic for the threads of a dev server, and sliding expiry re-sets a
    session's entries with a fresh timeout, at most every ``refresh_seconds``
    (re-setting pickles the whole value). A session's content model lives in
    its own entries, never one cache key per item (the cache's item threshold
    would then prune other sessions).
    """

    backend_name = "memory"

    def __init__(
        self,
        cache: SimpleCache,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.cache = cache
        self._lock = threading.RLock()
        self._touched: dict[str, float] = {}

    def _entries(self, sid: str) -> tuple[str, ...]:
        keys = self.keys(sid)
        return (*keys.all, keys.session + LARGE)

    def _set_all(self, sid: str, values: list) -> None:
        for key, value in zip(self._entries(sid), values, strict=True):
            if value is not None:
                self.cache.set(key, value, timeout=self.ttl_seconds)
        self._touched[sid] = time.monotonic()

    def create(self, sid, *, content_json, meta, intents, theme, model_fields=None) -> None:
        small = {name: meta.get(name, "") for name in META_FIELDS}
        large = {CONTENT_FIELD: content_json}
        for name, value in (model_fields or {}).items():
            (small if is_small_field(name) else large)[name] = value
        with self._lock:
            self.cache.delete_many(*self._entries(sid))
            self._set_all(sid, [small, dump(intents), dump(theme), None, large])

    def _read(self, sid: str, plan: ReadPlan) -> list | None:
        """Return a session's entries, sliding their TTL; None when it is gone."""
        entries = self._entries(sid)
        with self._lock:
            small = self.cache.get(entries[0])
            if small is None:
                # The session is gone: end it cleanly, nothing of it lingers.
                self.cache.delete_many(*entries[1:])
                self._touched.pop(sid, None)
                return None
            _check(entries[0], small, dict)
            want_large = (
                plan.content
                or any(not is_small_field(name) for name in plan.fields)
                or plan.item is not None
                or (plan.model and MODEL_FIELD not in small)
            )
            values = [small, *(self.cache.get(key) for key in entries[1:4])]
            stale = time.monotonic() - self._touched.get(sid, 0) >= self.refresh_seconds
            values.append(self.cache.get(entries[4]) if want_large or stale else None)
            for key, value, kind in zip(entries, values, ENTRY_KINDS, strict=True):
                _check(key, value, kind)
            if stale:
                self._set_all(sid, values)
        return values

    def load(self, sid: str, plan: ReadPlan | None = None) -> SiteSnapshot | None:
        plan = plan or ReadPlan()
        values = self._read(sid, plan)
        if values is None:
            return None
        small, intents_json, theme_json, pages, large = values
        pages = pages or {}
        large = large or {}
        wanted = list(pages) if plan.all_pages else [p for p in plan.page_ids if p in pages]
        first = plan.page_first in pages
        if first:
            wanted.append(plan.page_first)
        asked = [*plan.page_ids, *([plan.page_first] if plan.page_first else [])]
        if (
            plan.stored_only
            and asked
            and not (plan.page_index or plan.all_pages)
            and all(p in pages for p in asked)
        ):  # a stored page, served as it is, needs no more (as the Redis read script)
            damaged: set[str] = set()
            stored = read_pages(self._stored(pages, wanted, plan), damaged)
            return SiteSnapshot.stored_only(stored, damaged)
        content = plan.content and not first
        model = small.get(MODEL_FIELD) if plan.model and not first else None
        if plan.model and not first and model is None:
            content = True
        fields = {}
        item_chunk = None
        if not first:
            fields = {
                name: value
                for name in plan.fields
                if (value := (small if is_small_field(name) else large).get(name))
            }
            pointer = None
            if plan.item:  # its bucket; else its own field (sessions stored before buckets)
                bucket = large.get(plan.item_bucket) if plan.item_bucket else None
                pointer = pointer_in_bucket(bucket, plan.item) or large.get(plan.item)
            if pointer is not None:
                name = chunk_of(plan.item, pointer)
                if name in large:
                    item_chunk = (name, large[name])
        damaged = set()
        stored = read_pages(self._stored(pages, wanted, plan), damaged)
        return self._snapshot(
            sid,
            [small.get(name) for name in META_FIELDS],
            intents_json,
            theme_json,
            content_json=large.get(CONTENT_FIELD) if content else None,
            pages=stored,
            damaged_pages=frozenset(damaged),
            page_ids=set(pages) if plan.page_index else None,
            model=model,
            fields=fields,
            asked=plan.fields,
            item_chunk=item_chunk,
        )

    @staticmethod
    def _stored(pages: dict, wanted: list[str], plan: ReadPlan):
        """(page id, stored value) of the pages wanted, header alone for known validators."""
        for page_id in wanted:
            value = pages[page_id]
            if isinstance(value, bytes):
                value = without_body(value, plan.known_etags)
            yield page_id, value

    def save_model(self, sid: str, model_fields: dict[str, bytes]) -> bool:
        entries = self._entries(sid)
        with self._lock:
            small = self.cache.get(entries[0])
            if small is None:
                return False
            large = self.cache.get(entries[4]) or {}
            _check(entries[0], small, dict)
            _check(entries[4], large, dict)
            for name, value in model_fields.items():
                (small if is_small_field(name) else large)[name] = value
            values = [small, *(self.cache.get(key) for key in entries[1:4]), large]
            self._set_all(sid, values)
        return True

    def save_pages(
        self,
        sid: str,
        pages: dict[str, StoredPage],
        remove: Sequence[str] = (),
        cap: int | None = None,
    ) -> bool:
        entries = self._entries(sid)
        with self._lock:
            small = self.cache.get(entries[0])
            if small is None:
                return False
            stored_pages = self.cache.get(entries[3]) or {}
            _check(entries[3], stored_pages, dict)
            dropped = set(remove)
            stored = {k: v for k, v in stored_pages.items() if k not in dropped}
            for page_id, page in pages.items():
                if not cap or page_id in stored or len(stored) < cap:
                    stored[page_id] = page.to_bytes()
            self.cache.set(entries[3], stored, timeout=self.ttl_seconds)
            if time.monotonic() - self._touched.get(sid, 0) >= self.refresh_seconds:
                values = [small, *(self.cache.get(key) for key in entries[1:3]), stored]
                self._set_all(sid, [*values, self.cache.get(entries[4])])
        return True

    def delete(self, sid: str) -> None:
        with self._lock:
            self.cache.delete_many(*self._entries(sid))
            self._touched.pop(sid, None)

    def repair(self, sid: str, *, intents: list, theme: dict) -> bool:
        entries = self._entries(sid)
        with self._lock:
            if self.cache.get(entries[0]) is None:
                return False
            for key, value in ((entries[1], intents), (entries[2], theme)):
                if self.cache.get(key) is None:
                    self.cache.set(key, dump(value), timeout=self.ttl_seconds)
        return True

    def ping(self) -> None:
        """Nothing to reach: the cache lives in this process."""

    def health(self) -> StoreHealth:
        return StoreHealth(mode="memory", reachable=True, writable=True)

    def report(self) -> StoreReport:
        return StoreReport(lines=[NOTHING_TO_REACH])

    def close(self) -> None:
        """Nothing to release: the cache lives in this process."""

    def claim_nonce(self, tag: str, nonce: str, value: str, ttl_seconds: int) -> str | None:
        key = self.nonce_key(tag, nonce)
        with self._lock:
            if self.cache.add(key, value, timeout=ttl_seconds):
                return None
            return self.cache.get(key)

    def set_nonce(self, tag: str, nonce: str, value: str | None, ttl_seconds: int = 0) -> None:
        key = self.nonce_key(tag, nonce)
        if value is None:
            self.cache.delete(key)
        else:
            self.cache.set(key, value, timeout=ttl_seconds)

    def get_nonce(self, tag: str, nonce: str) -> str | None:
        return self.cache.get(self.nonce_key(tag, nonce))

    def drop_nonce(self, tag: str, nonce: str, value: str) -> None:
        key = self.nonce_key(tag, nonce)
        with self._lock:
            if self.cache.get(key) == value:
                self.cache.delete(key)

    def browser_get(self, key: str) -> bytes | None:
        return self.cache.get(key)

    def browser_set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        self.cache.set(key, value, timeout=ttl_seconds)

    def browser_delete(self, key: str) -> None:
        self.cache.delete(key)

    def browser_expire(self, key: str, ttl_seconds: int) -> None:
        with self._lock:
            value = self.cache.get(key)
            if value is not None:
                self.cache.set(key, value, timeout=ttl_seconds)


class MemoryBackend:
    """Chooses, checks and opens the in-process store (``STORAGE_BACKEND=memory``)."""

    name = "memory"

    def problems(self, config, chosen: bool) -> list[str]:
        """Where this process's memory cannot hold sessions for everyone (when chosen)."""
        if not chosen:
            return []
        problems = []
        platform = config.get("SERVERLESS_PLATFORM")
        workers = config.get("GUNICORN_WORKERS") or 0
        if platform:
            problems.append(
                f"the in-memory backend cannot work on a serverless platform ({platform} is set): "
                "every invocation may get a fresh process; set REDIS_URL (or KV_URL)"
            )
        if workers > 1:
            problems.append(
                f"the in-memory backend cannot work with {workers} gunicorn workers: "
                "each worker has its own memory and users would get 'Session not found'; "
                "set REDIS_URL (or run one worker with WEB_CONCURRENCY=1)"
            )
        return problems

    def diagnose(self, config) -> StoreReport:
        """What ``flask doctor`` says (without building a cache)."""
        return StoreReport(lines=[NOTHING_TO_REACH])

    def open(self, config, choice: StorageChoice) -> MemorySiteStore:
        """Build the store; logged, because one process's memory is rarely what is wanted."""
        log.warning(
            "Site sessions are kept in this process's memory (%s). Fine for `flask run`; "
            "set REDIS_URL before running several workers or deploying.",
            choice.reason,
        )
        ttl = config["SESSION_TTL_SECONDS"]
        return MemorySiteStore(
            make_cache(ttl),
            ttl_seconds=ttl,
            key_prefix=config["KEY_PREFIX"],
            refresh_seconds=config["TTL_REFRESH_SECONDS"],
        )
