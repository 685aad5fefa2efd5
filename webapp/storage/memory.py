"""Site sessions in a cachelib SimpleCache: local development, one process only."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence

from cachelib import SimpleCache

from .. import defaults
from .base import CONTENT_FIELD, META_FIELDS, ReadPlan, SiteSnapshot, SiteStore, dump


def make_cache(ttl_seconds: int, threshold: int = defaults.MEMORY_THRESHOLD) -> SimpleCache:
    """Build the process's cache with an explicit TTL and a roomy threshold.

    SimpleCache's own defaults (300 s, 500 items) would drop sessions after
    five minutes or after a few hundred visitors.
    """
    return SimpleCache(threshold=threshold, default_timeout=ttl_seconds)


class MemorySiteStore(SiteStore):
    """Same keys and TTL rules as Redis, kept in this process's memory.

    SimpleCache has no multi-key transaction and no touch, so a lock makes each
    call atomic for the threads of a dev server, and sliding expiry re-sets a
    key with a fresh timeout.
    """

    backend_name = "memory"

    def __init__(self, cache: SimpleCache, **kwargs) -> None:
        super().__init__(**kwargs)
        self.cache = cache
        self._lock = threading.RLock()

    def _touch(self, key: str, value) -> None:
        if value is not None:
            self.cache.set(key, value, timeout=self.ttl_seconds)

    def create(self, sid, *, content_json, meta, intents, theme) -> None:
        keys = self.keys(sid)
        record = {name: meta.get(name, "") for name in META_FIELDS}
        record[CONTENT_FIELD] = content_json
        with self._lock:
            self.cache.delete_many(*keys.all)
            self.cache.set(keys.session, record, timeout=self.ttl_seconds)
            self.cache.set(keys.intents, dump(intents), timeout=self.ttl_seconds)
            self.cache.set(keys.theme, dump(theme), timeout=self.ttl_seconds)

    def _read_all(self, sid: str) -> list | None:
        """Return the four values of a session, sliding their TTL; None when it is gone."""
        keys = self.keys(sid)
        with self._lock:
            values = [self.cache.get(key) for key in keys.all]
            if values[0] is None:
                return None
            for key, value in zip(keys.all, values, strict=True):
                self._touch(key, value)
        return values

    def load(self, sid: str, plan: ReadPlan | None = None) -> SiteSnapshot | None:
        plan = plan or ReadPlan()
        values = self._read_all(sid)
        if values is None:
            return None
        record, intents_json, theme_json, pages = values
        pages = pages or {}
        wanted = list(pages) if plan.all_pages else [p for p in plan.page_ids if p in pages]
        content = plan.content
        if plan.page_or_content in pages:
            wanted.append(plan.page_or_content)
        elif plan.page_or_content is not None:
            content = True
        return self._snapshot(
            [record.get(name) for name in META_FIELDS],
            intents_json,
            theme_json,
            content_json=record.get(CONTENT_FIELD) if content else None,
            pages={p: json.loads(pages[p]) for p in wanted},
            page_ids=set(pages) if plan.page_index else None,
        )

    def save_pages(
        self,
        sid: str,
        pages: dict[str, dict],
        remove: Sequence[str] = (),
        cap: int | None = None,
    ) -> bool:
        keys = self.keys(sid)
        with self._lock:
            values = [self.cache.get(key) for key in keys.all]
            if values[0] is None:
                return False
            dropped = set(remove)
            stored = {k: v for k, v in (values[3] or {}).items() if k not in dropped}
            for page_id, page in pages.items():
                if not cap or page_id in stored or len(stored) < cap:
                    stored[page_id] = dump(page)
            values[3] = stored
            for key, value in zip(keys.all, values, strict=True):
                self._touch(key, value)
        return True

    def delete(self, sid: str) -> None:
        with self._lock:
            self.cache.delete_many(*self.keys(sid).all)

    def ping(self) -> None:
        """Nothing to reach: the cache lives in this process."""
