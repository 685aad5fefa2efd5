"""Site sessions in Redis: one MULTI pipeline per read, one transaction per change."""

from __future__ import annotations

import json
from collections.abc import Sequence

import redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import BusyLoadingError, ReadOnlyError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

from .. import defaults
from .base import (
    CONTENT_FIELD,
    META_FIELDS,
    SiteSnapshot,
    SiteStore,
    StorageUnavailable,
    _text,
    dump,
)

# Errors that mean "Redis is not there right now" (answered 503, retried by clients),
# as opposed to bugs such as a wrong command, which stay 500s.
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, BusyLoadingError, ReadOnlyError)

# Store pages only while the session exists, so a page written after a disconnect
# or an expiry cannot leave an orphan key; then slide the TTL of all four keys.
# ARGV: ttl, cap (0 = none), number of removals, removed ids..., then id/page pairs.
SAVE_PAGES_LUA = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local cap = tonumber(ARGV[2])
local removals = tonumber(ARGV[3])
for i = 4, 3 + removals do redis.call('HDEL', KEYS[4], ARGV[i]) end
for i = 4 + removals, #ARGV, 2 do
  if cap == 0 or redis.call('HEXISTS', KEYS[4], ARGV[i]) == 1
      or redis.call('HLEN', KEYS[4]) < cap then
    redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1])
  end
end
for i = 1, 4 do redis.call('EXPIRE', KEYS[i], ARGV[1]) end
return 1
"""

# One page if it is stored, else the content to make it: one round trip either way.
# ARGV: ttl, page id, then the metadata field names.
PAGE_OR_CONTENT_LUA = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local meta = redis.call('HMGET', KEYS[1], unpack(ARGV, 3))
local page = redis.call('HGET', KEYS[4], ARGV[2])
local content = false
if not page then content = redis.call('HGET', KEYS[1], 'content') end
local intents = redis.call('GET', KEYS[2])
local theme = redis.call('GET', KEYS[3])
for i = 1, 4 do redis.call('EXPIRE', KEYS[i], ARGV[1]) end
return {meta, intents, theme, page, content}
"""


def make_client(
    url: str,
    *,
    socket_timeout: float = defaults.REDIS_SOCKET_TIMEOUT,
    connect_timeout: float = defaults.REDIS_CONNECT_TIMEOUT,
    retries: int = defaults.REDIS_RETRIES,
    max_connections: int = defaults.REDIS_MAX_CONNECTIONS,
) -> redis.Redis:
    """Build the app's one Redis client (hiredis parser when installed)."""
    retry = Retry(ExponentialBackoff(cap=defaults.REDIS_RETRY_BACKOFF_CAP, base=0.01), retries)
    return redis.Redis.from_url(
        url,
        socket_timeout=socket_timeout,
        socket_connect_timeout=connect_timeout,
        retry=retry,
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
        health_check_interval=0,
        max_connections=max_connections,
        # No CLIENT SETINFO handshake: one less round trip on every new connection.
        lib_name=None,
        lib_version=None,
    )


class RedisSiteStore(SiteStore):
    """Site sessions in Redis, JSON values, sliding TTL on all four keys."""

    backend_name = "redis"

    def __init__(self, client: redis.Redis, **kwargs) -> None:
        super().__init__(**kwargs)
        self.client = client
        self._save_pages = client.register_script(SAVE_PAGES_LUA)
        self._page_or_content = client.register_script(PAGE_OR_CONTENT_LUA)

    def _run(self, call):
        try:
            return call()
        except OUTAGE_ERRORS as error:
            raise StorageUnavailable(str(error)) from error

    def create(self, sid, *, content_json, meta, intents, theme) -> None:
        keys = self.keys(sid)
        fields = {name: meta.get(name, "") for name in META_FIELDS}
        fields[CONTENT_FIELD] = content_json

        def write():
            pipe = self.client.pipeline(transaction=True)
            pipe.delete(*keys.all)
            pipe.hset(keys.session, mapping=fields)
            pipe.expire(keys.session, self.ttl_seconds)
            pipe.set(keys.intents, dump(intents), ex=self.ttl_seconds)
            pipe.set(keys.theme, dump(theme), ex=self.ttl_seconds)
            pipe.execute()

        self._run(write)

    def load(
        self,
        sid: str,
        *,
        content: bool = False,
        page_ids: Sequence[str] = (),
        page_index: bool = False,
        all_pages: bool = False,
    ) -> SiteSnapshot | None:
        keys = self.keys(sid)
        fields = list(META_FIELDS) + ([CONTENT_FIELD] if content else [])
        page_ids = list(page_ids)

        def read():
            pipe = self.client.pipeline(transaction=True)
            pipe.hmget(keys.session, fields)
            pipe.get(keys.intents)
            pipe.get(keys.theme)
            if page_index:
                pipe.hkeys(keys.pages)
            if page_ids:
                pipe.hmget(keys.pages, page_ids)
            if all_pages:
                pipe.hgetall(keys.pages)
            for key in keys.all:
                pipe.expire(key, self.ttl_seconds)
            return pipe.execute()

        results = self._run(read)
        session_values, intents_json, theme_json = results[0], results[1], results[2]
        rest = results[3:]
        index = None
        if page_index:
            index = {_text(k) for k in rest[0]}
            rest = rest[1:]
        pages = {}
        if page_ids:
            for page_id, raw in zip(page_ids, rest[0], strict=True):
                if raw is not None:
                    pages[page_id] = json.loads(raw)
            rest = rest[1:]
        if all_pages:
            pages = {_text(k): json.loads(v) for k, v in rest[0].items()}
        return self._snapshot(
            session_values[: len(META_FIELDS)],
            intents_json,
            theme_json,
            content_json=session_values[len(META_FIELDS)] if content else None,
            pages=pages,
            page_ids=index,
        )

    def load_page_or_content(self, sid: str, page_id: str) -> SiteSnapshot | None:
        keys = list(self.keys(sid).all)
        args = [self.ttl_seconds, page_id, *META_FIELDS]
        result = self._run(lambda: self._page_or_content(keys=keys, args=args))
        if not result:
            return None
        meta_values, intents_json, theme_json, page, content_json = result
        return self._snapshot(
            meta_values,
            intents_json,
            theme_json,
            content_json=content_json,
            pages={page_id: json.loads(page)} if page else {},
        )

    def save_pages(
        self,
        sid: str,
        pages: dict[str, dict],
        remove: Sequence[str] = (),
        cap: int | None = None,
    ) -> bool:
        args = [self.ttl_seconds, cap or 0, len(remove), *remove]
        for page_id, page in pages.items():
            args += [page_id, dump(page)]
        return bool(self._run(lambda: self._save_pages(keys=list(self.keys(sid).all), args=args)))

    def delete(self, sid: str) -> None:
        keys = self.keys(sid)

        def remove():
            pipe = self.client.pipeline(transaction=True)
            pipe.delete(*keys.all)
            pipe.execute()

        self._run(remove)

    def ping(self) -> None:
        self._run(self.client.ping)

    def ttl_of(self, sid: str) -> dict[str, int]:
        """Return the remaining TTL in seconds of each existing key (operators, tests)."""
        keys = self.keys(sid)
        pipe = self.client.pipeline(transaction=False)
        for key in keys.all:
            pipe.ttl(key)
        ttls = self._run(pipe.execute)
        return {key: ttl for key, ttl in zip(keys.all, ttls, strict=True) if ttl >= 0}
