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
    ReadPlan,
    SiteSnapshot,
    SiteStore,
    StorageUnavailable,
    _text,
    chunk_of,
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

# Every read of a site session, in one call: the metadata, intents and theme, plus
# what the request asked for, and the TTL of all four keys slid. Optionally the
# browser session's value first, so that a request reads everything in one round
# trip; its key carries the same {SID} hash tag, so all keys share a cluster slot.
# A page asked for "first" that is stored makes the model, fields and item reads
# unnecessary (serving it is all the view does). An item pointer names the listing
# chunk that holds the item, read in the same call.
# KEYS: browser key (or the session key again), session, intents, theme, pages.
# ARGV: ttl, want browser (0/1), content (0/1), page index (0/1), all pages (0/1),
#       page-first id ('' for none), model (0/1), item pointer field ('' for none),
#       number of page ids, page ids..., number of fields, fields...
_META_ARGS = ", ".join(f"'{name}'" for name in META_FIELDS)
READ_LUA = """
local browser = false
if ARGV[2] == '1' then browser = redis.call('GET', KEYS[1]) end
if redis.call('EXISTS', KEYS[2]) == 0 then return {browser, 0} end
local meta = redis.call('HMGET', KEYS[2], META_FIELD_NAMES)
local npages = tonumber(ARGV[9])
local pages = {}
for i = 1, npages do pages[i] = redis.call('HGET', KEYS[5], ARGV[9 + i]) end
local first = false
if ARGV[6] ~= '' then first = redis.call('HGET', KEYS[5], ARGV[6]) end
local content = false
local model = false
local fields = {}
local pointer = false
local chunk = false
if not first then
  if ARGV[3] == '1' then content = redis.call('HGET', KEYS[2], 'content') end
  if ARGV[7] == '1' then
    model = redis.call('HGET', KEYS[2], 'model')
    if not model and not content then content = redis.call('HGET', KEYS[2], 'content') end
  end
  local nfields = tonumber(ARGV[10 + npages])
  if nfields > 0 then
    local names = {}
    for i = 1, nfields do names[i] = ARGV[10 + npages + i] end
    fields = redis.call('HMGET', KEYS[2], unpack(names))
  end
  if ARGV[8] ~= '' then
    pointer = redis.call('HGET', KEYS[2], ARGV[8])
    if pointer then
      local intent = string.match(ARGV[8], '^i:([^:]+):')
      chunk = redis.call('HGET', KEYS[2], 'c:' .. intent .. ':' .. pointer)
    end
  end
end
local index = false
if ARGV[4] == '1' then index = redis.call('HKEYS', KEYS[5]) end
local all = false
if ARGV[5] == '1' then all = redis.call('HGETALL', KEYS[5]) end
local intents = redis.call('GET', KEYS[3])
local theme = redis.call('GET', KEYS[4])
for i = 2, 5 do redis.call('EXPIRE', KEYS[i], ARGV[1]) end
return {browser, 1, meta, content, intents, theme, index, all, first, pages, model, fields,
        pointer, chunk}
""".replace("META_FIELD_NAMES", _META_ARGS)

# Add content-model fields to a session that exists (sessions stored before the model).
SAVE_MODEL_LUA = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
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
        self._read = client.register_script(READ_LUA)
        self._save_model = client.register_script(SAVE_MODEL_LUA)

    def _run(self, call):
        try:
            return call()
        except OUTAGE_ERRORS as error:
            raise StorageUnavailable(str(error)) from error

    def create(self, sid, *, content_json, meta, intents, theme, model_fields=None) -> None:
        keys = self.keys(sid)
        fields = {name: meta.get(name, "") for name in META_FIELDS}
        fields[CONTENT_FIELD] = content_json
        fields.update(model_fields or {})

        def write():
            pipe = self.client.pipeline(transaction=True)
            pipe.delete(*keys.all)
            pipe.hset(keys.session, mapping=fields)
            pipe.expire(keys.session, self.ttl_seconds)
            pipe.set(keys.intents, dump(intents), ex=self.ttl_seconds)
            pipe.set(keys.theme, dump(theme), ex=self.ttl_seconds)
            pipe.execute()

        self._run(write)

    def load(self, sid: str, plan: ReadPlan | None = None) -> SiteSnapshot | None:
        return self.read_with_browser(None, sid, plan or ReadPlan())[1]

    def read_with_browser(
        self, browser_key: str | None, sid: str, plan: ReadPlan
    ) -> tuple[bytes | None, SiteSnapshot | None]:
        """Read a browser session's value and the site session ``sid`` in one call."""
        keys = self.keys(sid)
        args = [
            self.ttl_seconds,
            int(browser_key is not None),
            int(plan.content),
            int(plan.page_index),
            int(plan.all_pages),
            plan.page_first or "",
            int(plan.model),
            plan.item or "",
            len(plan.page_ids),
            *plan.page_ids,
            len(plan.fields),
            *plan.fields,
        ]
        call_keys = [browser_key or keys.session, *keys.all]
        result = self._run(lambda: self._read(keys=call_keys, args=args))
        browser, found = result[0], result[1]
        if not found:
            return browser, None
        meta, content_json, intents_json, theme_json, index, every, first, pages = result[2:10]
        model, fields, pointer, chunk = result[10:14]
        stored = {}
        for page_id, raw in zip(plan.page_ids, pages, strict=True):
            if raw is not None:
                stored[page_id] = json.loads(raw)
        if plan.all_pages:
            stored = {
                _text(key): json.loads(value)
                for key, value in zip(every[::2], every[1::2], strict=True)
            }
        if first is not None:
            stored[plan.page_first] = json.loads(first)
        found_fields = {
            name: value for name, value in zip(plan.fields, fields or [], strict=False) if value
        }
        return browser, self._snapshot(
            meta,
            intents_json,
            theme_json,
            content_json=content_json,
            pages=stored,
            page_ids={_text(key) for key in index} if plan.page_index else None,
            model=model,
            fields=found_fields,
            item_chunk=(chunk_of(plan.item, pointer), chunk) if chunk is not None else None,
        )

    def save_model(self, sid: str, model_fields: dict[str, bytes]) -> bool:
        args: list = [self.ttl_seconds]
        for name, value in model_fields.items():
            args += [name, value]
        keys = [self.keys(sid).session]
        return bool(self._run(lambda: self._save_model(keys=keys, args=args)))

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
