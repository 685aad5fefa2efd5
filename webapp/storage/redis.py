"""Site sessions in Redis: one call per read, one transaction per change, in every mode.

The same store serves one server, a Cluster (every key of a session carries
the ``{SID}`` hash tag, so each script and transaction stays in one slot) and
Sentinel (with replicas, a change is acknowledged only after ``WAIT 1``). It
turns Redis's outage and refusal errors into ``StorageUnavailable`` naming the
reason, and after a timeout answers at once for a short while (circuit breaker).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from redis import Redis
from redis.client import Pipeline
from redis.exceptions import (
    AskError,
    AuthenticationError,
    BusyLoadingError,
    ClusterCrossSlotError,
    ClusterDownError,
    NoPermissionError,
    NoScriptError,
    OutOfMemoryError,
    ReadOnlyError,
    RedisClusterException,
    RedisError,
    ResponseError,
    SlotNotCoveredError,
    TryAgainError,
)
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.utils import safe_str

from .. import defaults
from .base import (
    CONTENT_FIELD,
    META_FIELDS,
    UNREACHABLE,
    ReadPlan,
    SiteSnapshot,
    SiteStore,
    StorageChoice,
    StorageUnavailable,
    StoredDataDamaged,
    StoreHealth,
    StoreReport,
    _text,
    chunk_of,
    dump,
)
from .redis_connect import RedisConnection, connect, redact, single_client, url_problem
from .stored_page import StoredPage, read_pages

log = logging.getLogger(__name__)

# Redis errors that mean "not now" (503 with Retry-After), by kind, with what a person
# is told; the first matching class wins. Anything else (a wrong command) is a bug: 500.
REFUSALS: tuple[tuple[type | tuple[type, ...], str, str], ...] = (
    (
        OutOfMemoryError,
        "out_of_memory",
        "Storage is full: Redis refuses new data (its memory limit is reached). "
        "What you already have can still be read.",
    ),
    (
        ReadOnlyError,
        "read_only",
        "Storage is read-only right now (a Redis replica, or a failover under way).",
    ),
    (
        NoPermissionError,
        "no_permission",
        "The app's Redis user is not allowed to change data (no permission).",
    ),
    (AuthenticationError, "auth_failed", "Redis refused the app's credentials."),
    (
        AskError,  # MovedError too
        "wrong_node",
        "Redis is a Cluster, but the app talks to it as to one server.",
    ),
    (ClusterCrossSlotError, "cross_slot", "Redis Cluster refused a change spanning slots."),
    (BusyLoadingError, "loading", "Redis is loading its data after a restart."),
    (
        (ClusterDownError, TryAgainError, SlotNotCoveredError),
        "cluster_down",
        "The Redis Cluster is reconfiguring.",
    ),
    ((RedisConnectionError, RedisTimeoutError), "unreachable", UNREACHABLE),
)
# Redis 6 reports an error raised inside a script as a plain ERR naming the original.
ERROR_CODES = {
    "OOM": OutOfMemoryError,
    "READONLY": ReadOnlyError,
    "NOPERM": NoPermissionError,
    "MOVED": AskError,
    "ASK": AskError,
    "CROSSSLOT": ClusterCrossSlotError,
}
# Redis 7 reports a command an ACL forbids inside a script without the NOPERM code.
SCRIPT_NOPERM = "user executing the script can't run this command"
NOT_ANSWERING = "not_answering"


# Redis's answer to a command on a key of another type (a string where a hash belongs).
WRONGTYPE = "WRONGTYPE"
HASH_KEYS = ("session:", "page:")  # of a site session's keys, the hashes; the rest are strings


def holds_other_type(error: Exception) -> bool:
    """Whether Redis refused a command because a key holds another type (damaged data)."""
    return isinstance(error, ResponseError) and WRONGTYPE in str(error).replace("-", " ").split()


def _kind_of(error: Exception) -> str:
    failure = classify(error)
    return failure.kind if failure is not None else "error"


def _causes(error: BaseException):
    """The error and the errors it was raised from or while handling."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def timed_out(error: BaseException) -> bool:
    """Whether Redis stopped answering behind this error (directly or underneath)."""
    return any(isinstance(cause, RedisTimeoutError) for cause in _causes(error))


def classify(error: Exception) -> StorageUnavailable | None:
    """Return the StorageUnavailable this Redis error means, or None for a bug."""
    if isinstance(error, RedisClusterException) and not isinstance(error, SlotNotCoveredError):
        # The Cluster client's own errors are mostly misuse (keys in several slots:
        # a bug, a 500) except when it gave up reaching the nodes after an outage.
        if any(isinstance(c, (RedisConnectionError, RedisTimeoutError)) for c in _causes(error)):
            return StorageUnavailable(f"unreachable: {error}", kind="unreachable")
        return None
    kind_of = type(error)
    if kind_of in (ResponseError, RedisError):
        message = str(error)
        words = message.replace("-", " ").split()
        kind_of = next((ERROR_CODES[w] for w in words if w in ERROR_CODES), kind_of)
        if SCRIPT_NOPERM in message:
            kind_of = NoPermissionError
    for classes, kind, reason in REFUSALS:
        if issubclass(kind_of, classes):
            return StorageUnavailable(f"{kind}: {error}", kind=kind, reason=reason)
    return None


# Scripts that change data make a write that Redis may refuse (OOM) their first write:
# Redis refuses such a write only while a script has written nothing, so a refused
# script leaves nothing half-written, and one that started runs to its end.

# Create a session: its keys in one atomic call (the intents first, see above).
# KEYS: session, intents, theme, pages. ARGV: ttl, intents, theme, field/value pairs.
CREATE_LUA = """
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[1])
redis.call('DEL', KEYS[1], KEYS[3], KEYS[4])
local batch = {}
for i = 4, #ARGV, 2 do
  batch[#batch + 1] = ARGV[i]
  batch[#batch + 1] = ARGV[i + 1]
  if #batch >= 1000 then
    redis.call('HSET', KEYS[1], unpack(batch))
    batch = {}
  end
end
if #batch > 0 then redis.call('HSET', KEYS[1], unpack(batch)) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('SET', KEYS[3], ARGV[3], 'EX', ARGV[1])
return 1
"""

# Store pages only while the session exists, so a page written after a disconnect
# or an expiry cannot leave an orphan key; then slide the TTL of all four keys.
# ARGV: ttl, cap (0 = none), number of removals, removed ids..., then id/page pairs.
SAVE_PAGES_LUA = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local cap = tonumber(ARGV[2])
local removals = tonumber(ARGV[3])
for i = 4 + removals, #ARGV, 2 do
  if cap == 0 or redis.call('HEXISTS', KEYS[4], ARGV[i]) == 1
      or redis.call('HLEN', KEYS[4]) < cap then
    redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1])
  end
end
for i = 4, 3 + removals do redis.call('HDEL', KEYS[4], ARGV[i]) end
for i = 1, 4 do redis.call('EXPIRE', KEYS[i], ARGV[1]) end
return 1
"""

# Write a half session's missing intents or theme (never over a present one).
# KEYS: session, intents, theme, pages. ARGV: ttl, intents, theme.
REPAIR_LUA = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'NX', 'EX', ARGV[1])
redis.call('SET', KEYS[3], ARGV[3], 'NX', 'EX', ARGV[1])
for i = 1, 4 do redis.call('EXPIRE', KEYS[i], ARGV[1]) end
return 1
"""

# Every read of a site session, in one call: the metadata, intents and theme, plus
# what the request asked for, and the TTL of all four keys slid (a session whose
# main key is gone is ended: its other keys are deleted). Optionally the
# browser session's value first, so that a request reads everything in one round
# trip; its key carries the same {SID} hash tag, so all keys share a cluster slot.
# A page asked for "first" that is stored makes the model, fields and item reads
# unnecessary (serving it is all the view does). An item's bucket (or, in sessions
# stored before buckets, its own pointer field) names the listing chunk that holds
# the item, read in the same call.
# KEYS: browser key (or the session key again), session, intents, theme, pages.
# ARGV: ttl, refresh seconds, want browser (0/1), content (0/1), page index (0/1), all pages (0/1),
#       page-first id ('' for none), model (0/1), item pointer ('' for none), its bucket field,
#       number of page ids, page ids..., number of fields, fields...,
#       number of validators the client holds, validators..., stored only (0/1: when
#       every page asked for is stored, return them alone, marked 2)
_META_ARGS = ", ".join(f"'{name}'" for name in META_FIELDS)
READ_LUA = """
local browser = false
if ARGV[3] == '1' then browser = redis.call('GET', KEYS[1]) end
if redis.call('EXISTS', KEYS[2]) == 0 then
  -- Ended or half gone: what is left of it goes too (nothing lingers for a day).
  redis.call('DEL', KEYS[3], KEYS[4], KEYS[5])
  return {browser, 0}
end
-- Slide lazily: only once the TTL has run down by the refresh interval (ARGV[2]),
-- so most reads write nothing (and need no write permission, no AOF, no replication).
local function slide()
  if redis.call('TTL', KEYS[2]) < tonumber(ARGV[1]) - tonumber(ARGV[2]) then
    for i = 2, 5 do redis.call('EXPIRE', KEYS[i], ARGV[1]) end
  end
end
local npages = tonumber(ARGV[11])
local nfields = tonumber(ARGV[12 + npages])
local nknown = tonumber(ARGV[13 + npages + nfields])
-- A page whose validator the client holds: its header alone (a revalidation).
local function trimmed(value)
  if value and nknown > 0 then
    for i = 1, nknown do
      local prefix = 'gz1 ' .. ARGV[13 + npages + nfields + i] .. ' '
      if string.sub(value, 1, #prefix) == prefix then
        return string.sub(value, 1, string.find(value, '\\n', #prefix, true))
      end
    end
  end
  return value
end
local pages = {}
for i = 1, npages do pages[i] = trimmed(redis.call('HGET', KEYS[5], ARGV[11 + i])) end
local first = false
if ARGV[7] ~= '' then first = trimmed(redis.call('HGET', KEYS[5], ARGV[7])) end
if ARGV[#ARGV] == '1' and ARGV[5] == '0' and ARGV[6] == '0' and (npages > 0 or first) then
  local stored = ARGV[7] == '' or first
  for i = 1, npages do stored = stored and pages[i] end
  if stored then
    slide()
    return {browser, 2, first, pages}  -- a stored page, served as it is, needs no more
  end
end
local meta = redis.call('HMGET', KEYS[2], META_FIELD_NAMES)
local content = false
local model = false
local fields = {}
local pointer = false
local chunk = false
if not first then
  if ARGV[4] == '1' then content = redis.call('HGET', KEYS[2], 'content') end
  if ARGV[8] == '1' then
    model = redis.call('HGET', KEYS[2], 'model')
    if not model and not content then content = redis.call('HGET', KEYS[2], 'content') end
  end
  if nfields > 0 then
    local names = {}
    for i = 1, nfields do names[i] = ARGV[12 + npages + i] end
    fields = redis.call('HMGET', KEYS[2], unpack(names))
  end
  if ARGV[9] ~= '' then
    local item = string.match(ARGV[9], '^i:[^:]+:(.*)$')
    local bucket = false
    if ARGV[10] ~= '' then bucket = redis.call('HGET', KEYS[2], ARGV[10]) end
    -- An id with a tab or a line break is never stored (ids are slugs): no lookup, as in
    -- pointer_in_bucket, so that it cannot match across two lines.
    if bucket and not string.find(item, '[\\t\\n]') then
      local needle = '\\n' .. item .. '\\t'
      local at = string.find(bucket, needle, 1, true)
      if at then
        local start = at + #needle
        pointer = string.sub(bucket, start, string.find(bucket, '\\n', start, true) - 1)
      end
    end
    if not pointer then pointer = redis.call('HGET', KEYS[2], ARGV[9]) end
    if pointer then
      local intent = string.match(ARGV[9], '^i:([^:]+):')
      chunk = redis.call('HGET', KEYS[2], 'c:' .. intent .. ':' .. pointer)
    end
  end
end
local index = false
if ARGV[5] == '1' then index = redis.call('HKEYS', KEYS[5]) end
local all = false
if ARGV[6] == '1' then all = redis.call('HGETALL', KEYS[5]) end
local intents = redis.call('GET', KEYS[3])
local theme = redis.call('GET', KEYS[4])
slide()
return {browser, 1, meta, content, intents, theme, index, all, first, pages, model, fields,
        pointer, chunk}
""".replace("META_FIELD_NAMES", _META_ARGS)

# Delete a key only if it still holds the value given (a claim given back by its holder).
DROP_IF_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# Add content-model fields to a session that exists (sessions stored before the model).
SAVE_MODEL_LUA = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
"""


class _BulkPipeline(Pipeline):
    """A transaction whose refused commands are named, not quoted.

    redis-py quotes a refused command whole in its error (every argument turned to text,
    then cut to length): a site's create refused for a full Redis held its 30 MB of
    values again as text and took 4.7 s, the worker's other threads waiting meanwhile
    (measured in docs/benchmarks.md). Named, it takes what the refusal itself takes.
    """

    def annotate_exception(self, exception, number, command) -> None:
        name = safe_str(command[0]) if command else "?"
        message = f"Command # {number} ({name}, {len(command)} arguments) of pipeline caused"
        exception.args = (f"{message} error: {exception.args[0]}",) + exception.args[1:]


def _bulk_pipeline(client):
    """A transaction on the bulk client (a Cluster's client keeps its own pipeline)."""
    if isinstance(client, Redis):
        return _BulkPipeline(client.connection_pool, client.response_callbacks, True, None)
    return client.pipeline(transaction=True)


class RedisSiteStore(SiteStore):
    """Site sessions in Redis, JSON values, sliding TTL on all four keys."""

    backend_name = "redis"

    def __init__(
        self,
        client,
        *,
        mode: str = "single",
        how: str = "",
        sentinel=None,
        master: str | None = None,
        breaker_seconds: float = defaults.REDIS_BREAKER_SECONDS,
        wait_timeout_ms: int = defaults.REDIS_WAIT_TIMEOUT_MS,
        bulk_client=None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.client = client
        # Creating a session sends the whole document: a client whose timeout leaves
        # time for megabytes to reach a remote Redis (the main one fails fast).
        self.bulk_client = bulk_client or client
        self.mode = mode
        self.how = how
        self.sentinel = sentinel
        self.master = master
        self.breaker_seconds = breaker_seconds
        self.wait_timeout_ms = wait_timeout_ms
        self.probe_key = f"{self.key_prefix}healthz:{{probe}}"
        self._breakers: dict[str, float] = {}  # Cluster node (or "") -> open until
        self._replicas = 0
        self._replicas_checked = float("-inf")
        self.replication = "none"  # Sentinel: "ok", "degraded" or "none" (no replica)
        self._create = client.register_script(CREATE_LUA)
        self._save_pages = client.register_script(SAVE_PAGES_LUA)
        self._read = client.register_script(READ_LUA)
        self._save_model = client.register_script(SAVE_MODEL_LUA)
        self._repair = client.register_script(REPAIR_LUA)
        self._drop_if = client.register_script(DROP_IF_LUA)

    @classmethod
    def from_connection(
        cls, connection: RedisConnection, bulk: RedisConnection | None = None, **kwargs
    ) -> RedisSiteStore:
        """Build the store on clients made by ``redis_connect.connect``."""
        return cls(
            connection.client,
            bulk_client=bulk.client if bulk else None,
            mode=connection.mode,
            how=connection.how,
            sentinel=connection.sentinel,
            master=connection.master,
            **kwargs,
        )

    def _run(self, call: Callable, key: str | None = None, keys: Sequence[str] = ()):
        """Run one call to Redis about ``key``; its outage or refusal becomes StorageUnavailable,
        a key of the wrong type among ``keys`` (default: ``key``) StoredDataDamaged.

        After a timeout, calls to the same server (a Cluster: the node that holds
        the key) answer at once for ``breaker_seconds`` instead of each waiting
        a full timeout; the first call after that tries again.
        """
        breaker = self._server_of(key)
        if time.monotonic() < self._breakers.get(breaker, 0.0):
            raise StorageUnavailable("Redis timed out moments ago", kind=NOT_ANSWERING)
        try:
            return call()
        except (RedisError, RedisClusterException) as error:
            if holds_other_type(error):
                raise self._damaged(keys or ([key] if key else [])) from error
            failure = classify(error)
            if failure is None:
                raise
            if timed_out(error):
                self._breakers[breaker] = time.monotonic() + self.breaker_seconds
            self.note_refusal(failure)
            raise failure from error

    def _damaged(self, keys: Sequence[str]) -> StoredDataDamaged:
        """Name the key of the wrong type among ``keys`` (a call's WRONGTYPE does not).

        One more round trip, only on this rare path; the first key if the probe fails.
        """
        keys = list(dict.fromkeys(keys))
        found = keys[0] if keys else "", "a key of the wrong type"
        try:
            pipe = self.client.pipeline(transaction=False)
            for key in keys:
                pipe.type(key)
            for key, kind in zip(keys, pipe.execute(), strict=True):
                kind = _text(kind)
                expected = "hash" if key[len(self.key_prefix) :].startswith(HASH_KEYS) else "string"
                if kind not in (expected, "none"):
                    found = key, f"holds a {kind} where a {expected} belongs: wrong type"
                    break
        except (RedisError, RedisClusterException):
            pass  # named as well as can be: the session is ended all the same
        return StoredDataDamaged(*found)

    def _server_of(self, key: str | None) -> str:
        """The breaker a call belongs to: one per Cluster node, else one for all."""
        if self.mode != "cluster" or key is None:
            return ""
        try:
            return self.client.get_node_from_key(key).name
        except (RedisError, RedisClusterException):
            return ""

    def _write(self, change: Callable, key: str):
        """Make one change (``change(client)``), acknowledged by a replica under Sentinel.

        With Sentinel and a replica, ``WAIT 1`` follows the change on the same
        connection, in the same round trip: a failover right after cannot lose
        what the user was told is saved. Without an acknowledgement in time the
        change stands (it is on the master) and replication is "degraded".
        """
        if not self._replica_expected():
            return self._run(lambda: change(self.client), key)

        def change_and_wait():
            pipe = self.client.pipeline(transaction=False)
            change(pipe)
            pipe.wait(1, self.wait_timeout_ms)
            result, acknowledged = pipe.execute()
            self._acknowledged(acknowledged)
            return result

        return self._run(change_and_wait, key)

    def _change(self, script, keys: list, args: list, *, bulk: bool = False):
        """Run one of the change scripts, acknowledged as ``_write`` says.

        Pipelined by SHA (a registered script in a pipeline would cost a SCRIPT
        EXISTS round trip each time); loaded once when Redis does not know it.
        """
        client = self.bulk_client if bulk else self.client
        if not self._replica_expected():
            return self._run(lambda: script(keys=keys, args=args, client=client), keys[0], keys)

        def change_and_wait():
            for attempt in (1, 2):
                pipe = client.pipeline(transaction=False)
                pipe.evalsha(script.sha, len(keys), *keys, *args)
                pipe.wait(1, self.wait_timeout_ms)
                try:
                    result, acknowledged = pipe.execute()
                except NoScriptError:
                    if attempt == 2:
                        raise
                    client.script_load(script.script)
                    continue
                self._acknowledged(acknowledged)
                return result

        return self._run(change_and_wait, keys[0], keys)

    def _replica_expected(self) -> bool:
        if self.mode != "sentinel":
            return False
        now = time.monotonic()
        # Without a replica, ask every second: one may attach (after a failover) and
        # changes must wait for it as soon as it does.
        every = defaults.REDIS_REPLICAS_CHECK_SECONDS if self._replicas else 1.0
        if now - self._replicas_checked >= every:
            self._replicas_checked = now
            try:
                info = self._run(lambda: self.client.info("replication"))
                self._replicas = int(info.get("connected_slaves", 0))
            except StorageUnavailable:
                pass  # the change itself will tell what is wrong
            if not self._replicas:
                self.replication = "none"
        return self._replicas > 0

    def _acknowledged(self, replicas: int) -> None:
        if replicas >= 1:
            self.replication = "ok"
            return
        # Ask again at the next change: the replica may be gone (a failover promoted it).
        self._replicas_checked = float("-inf")
        if self.replication != "degraded":
            log.warning(
                "No replica acknowledged a change within %d ms: it is on the master only "
                "until replication catches up (a failover now would lose it).",
                self.wait_timeout_ms,
            )
        self.replication = "degraded"

    def create(self, sid, *, content_json, meta, intents, theme, model_fields=None) -> None:
        keys = self.keys(sid)
        fields = {name: meta.get(name, "") for name in META_FIELDS}
        fields[CONTENT_FIELD] = content_json
        fields.update(model_fields or {})
        if self._replica_expected():
            # WAIT 1 must follow on the same connection, in the same round trip: the
            # script is one command, so it can be pipelined with WAIT (see _change).
            args: list = [self.ttl_seconds, dump(intents), dump(theme)]
            for name, value in fields.items():
                args += [name, value]
            self._change(self._create, list(keys.all), args, bulk=True)
            return
        # Otherwise a MULTI/EXEC transaction: as atomic as the script (a full Redis
        # refuses its writes while queueing them, and EXEC then runs none), and twice as
        # fast for a big site, whose tens of MB of fields Lua would copy once more.
        ttl = self.ttl_seconds

        def transaction():
            with _bulk_pipeline(self.bulk_client) as pipe:
                pipe.set(keys.intents, dump(intents), ex=ttl)
                pipe.delete(keys.session, keys.theme, keys.pages)
                pipe.hset(keys.session, mapping=fields)
                pipe.expire(keys.session, ttl)
                pipe.set(keys.theme, dump(theme), ex=ttl)
                pipe.execute()

        self._run(transaction, keys.session)

    def load(self, sid: str, plan: ReadPlan | None = None) -> SiteSnapshot | None:
        return self.read_with_browser(None, sid, plan or ReadPlan())[1]

    def read_with_browser(
        self, browser_key: str | None, sid: str, plan: ReadPlan
    ) -> tuple[bytes | None, SiteSnapshot | None]:
        """Read a browser session's value and the site session ``sid`` in one call."""
        keys = self.keys(sid)
        args = [
            self.ttl_seconds,
            self.refresh_seconds,
            int(browser_key is not None),
            int(plan.content),
            int(plan.page_index),
            int(plan.all_pages),
            plan.page_first or "",
            int(plan.model),
            plan.item or "",
            plan.item_bucket if plan.item else "",
            len(plan.page_ids),
            *plan.page_ids,
            len(plan.fields),
            *plan.fields,
            len(plan.known_etags),
            *plan.known_etags,
            int(plan.stored_only),
        ]
        call_keys = [browser_key or keys.session, *keys.all]
        try:
            result = self._run(
                lambda: self._read(keys=call_keys, args=args), keys.session, call_keys
            )
        except StoredDataDamaged as damage:
            if browser_key is not None and damage.key != browser_key:
                damage.browser = self.browser_get(browser_key)  # the call stopped before it
            raise
        try:
            return result[0], self._decoded(sid, plan, result)
        except StoredDataDamaged as damage:
            damage.browser = result[0]
            raise

    def _decoded(self, sid: str, plan: ReadPlan, result: list) -> SiteSnapshot | None:
        """The snapshot in what the read script returned (see READ_LUA)."""
        found, damaged = result[1], set()
        if not found:
            return None
        if found == 2:  # stored_only, and every page asked for is stored
            first, pages = result[2], result[3]
            stored = read_pages(zip(plan.page_ids, pages, strict=True), damaged)
            if first is not None:
                stored.update(read_pages([(plan.page_first, first)], damaged))
            return SiteSnapshot.stored_only(stored, damaged)
        meta, content_json, intents_json, theme_json, index, every, first, pages = result[2:10]
        model, fields, pointer, chunk = result[10:14]
        stored = read_pages(zip(plan.page_ids, pages, strict=True), damaged)
        if plan.all_pages:
            stored = read_pages(zip(every[::2], every[1::2], strict=True), damaged)
        if first is not None:
            stored.update(read_pages([(plan.page_first, first)], damaged))
        found_fields = {
            name: value for name, value in zip(plan.fields, fields or [], strict=False) if value
        }
        return self._snapshot(
            sid,
            meta,
            intents_json,
            theme_json,
            content_json=content_json,
            pages=stored,
            damaged_pages=frozenset(damaged),
            page_ids={key.decode("utf-8", "replace") for key in index} if plan.page_index else None,
            model=model,
            fields=found_fields,
            asked=plan.fields,
            item_chunk=(chunk_of(plan.item, pointer), chunk) if chunk is not None else None,
        )

    def save_model(self, sid: str, model_fields: dict[str, bytes]) -> bool:
        args: list = [self.ttl_seconds]
        for name, value in model_fields.items():
            args += [name, value]
        keys = [self.keys(sid).session]
        return bool(self._change(self._save_model, keys, args, bulk=True))

    def save_pages(
        self,
        sid: str,
        pages: dict[str, StoredPage],
        remove: Sequence[str] = (),
        cap: int | None = None,
    ) -> bool:
        args = [self.ttl_seconds, cap or 0, len(remove), *remove]
        for page_id, page in pages.items():
            args += [page_id, page.to_bytes()]
        keys = list(self.keys(sid).all)
        return bool(self._change(self._save_pages, keys, args))

    def repair(self, sid: str, *, intents: list, theme: dict) -> bool:
        keys = list(self.keys(sid).all)
        args = [self.ttl_seconds, dump(intents), dump(theme)]
        return bool(self._change(self._repair, keys, args))

    def delete(self, sid: str) -> None:
        # One DEL of the four keys: atomic, and the same slot in a Cluster.
        keys = self.keys(sid).all
        self._write(lambda client: client.delete(*keys), keys[0])

    def claim_nonce(self, tag: str, nonce: str, value: str, ttl_seconds: int) -> str | None:
        key = self.nonce_key(tag, nonce)
        while True:
            if self._write(lambda client: client.set(key, value, nx=True, ex=ttl_seconds), key):
                return None
            taken = _text(self._run(lambda: self.client.get(key), key))
            if taken is not None:
                return taken  # else it expired between the two calls: claim again

    def set_nonce(self, tag: str, nonce: str, value: str | None, ttl_seconds: int = 0) -> None:
        key = self.nonce_key(tag, nonce)
        if value is None:
            self._run(lambda: self.client.delete(key), key)
        else:
            self._write(lambda client: client.set(key, value, ex=ttl_seconds), key)

    def drop_nonce(self, tag: str, nonce: str, value: str) -> None:
        key = self.nonce_key(tag, nonce)
        self._run(lambda: self._drop_if(keys=[key], args=[value]), key)

    def get_nonce(self, tag: str, nonce: str) -> str | None:
        key = self.nonce_key(tag, nonce)
        return _text(self._run(lambda: self.client.get(key), key))

    def browser_get(self, key: str) -> bytes | None:
        return self._run(lambda: self.client.get(key), key)

    def browser_set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        self._write(lambda client: client.set(key, value, ex=ttl_seconds), key)

    def browser_delete(self, key: str) -> None:
        self._run(lambda: self.client.delete(key), key)

    def browser_expire(self, key: str, ttl_seconds: int) -> None:
        self._run(lambda: self.client.expire(key, ttl_seconds), key)

    def ping(self) -> None:
        self._run(self.client.ping)

    def health(self) -> StoreHealth:
        health = StoreHealth(mode=self.mode, reachable=False, writable=False)
        if self.mode == "sentinel":
            health.replication = self.replication
        try:
            refusal = self._run(self._probe)
        except StorageUnavailable as failure:
            health.reason = failure.kind
            return health
        health.reachable = True
        health.writable = refusal is None
        health.reason = refusal
        if self.mode == "sentinel":
            health.replication = self.replication
        return health

    def _probe(self) -> str | None:
        """PING, then write a short-lived key of our own; return why writing failed, if it did.

        One round trip (a pipeline) except in a Cluster, where the PING goes to
        every node. A server used as one that is in fact a Cluster node answers
        only for its own slots, so that is a failed write too.
        """
        ttl = defaults.HEALTH_PROBE_TTL_SECONDS
        if self.mode == "cluster":
            self.client.ping()
            try:
                self.client.set(self.probe_key, "1", ex=ttl)
            except (RedisError, RedisClusterException) as error:
                return _kind_of(error)
            return None
        acknowledge = self._replica_expected()
        pipe = self.client.pipeline(transaction=False)
        pipe.ping()
        if self.mode == "single":
            pipe.info("cluster")
        pipe.set(self.probe_key, "1", ex=ttl)
        if acknowledge:
            pipe.wait(1, self.wait_timeout_ms)
        answers = pipe.execute(raise_on_error=False)
        for answer in answers:
            if isinstance(answer, (RedisConnectionError, RedisTimeoutError)):
                raise answer
        cluster_info = answers[1] if self.mode == "single" else None
        if isinstance(cluster_info, dict) and cluster_info.get("cluster_enabled"):
            return "wrong_node"
        if acknowledge and isinstance(answers[-1], int):
            self._acknowledged(answers[-1])
        errors = [answer for answer in answers if isinstance(answer, Exception)]
        return _kind_of(errors[0]) if errors else None

    def report(self) -> StoreReport:
        return redis_report(self)

    def close(self) -> None:
        self.client.close()
        if self.bulk_client is not self.client:
            self.bulk_client.close()
        for sentinel in self.sentinel.sentinels if self.sentinel else ():
            sentinel.close()

    def ttl_of(self, sid: str) -> dict[str, int]:
        """Return the remaining TTL in seconds of each existing key (operators, tests)."""
        keys = self.keys(sid)
        pipe = self.client.pipeline(transaction=False)
        for key in keys.all:
            pipe.ttl(key)
        ttls = self._run(pipe.execute, keys.session)
        return {key: ttl for key, ttl in zip(keys.all, ttls, strict=True) if ttl >= 0}


def _servers(store: RedisSiteStore) -> dict[str, object]:
    """A client per primary: each node of a Cluster, else the server (Sentinel's master)."""
    if store.mode == "cluster":
        return {node.name: node.redis_connection for node in store.client.get_primaries()}
    return {"": store.client}


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def redis_report(store: RedisSiteStore) -> StoreReport:
    """What ``flask doctor`` says about a Redis store: mode, reachability, and the
    settings that decide whether sessions survive (eviction, persistence, headroom)."""
    report = StoreReport(lines=[f"Mode: {store.mode} ({store.how})"])
    started = time.perf_counter()
    try:
        store.ping()
    except StorageUnavailable as failure:
        report.healthy = False
        report.lines.append(
            f"Connection: FAILED ({failure.__cause__ or failure}); "
            "check the URL, TLS (rediss://) and network"
        )
        return report
    latency = (time.perf_counter() - started) * 1000
    report.lines.append(f"Connection: ok, PING answered in {latency:.1f} ms")
    try:
        _describe_topology(store, report)
        for name, server in _servers(store).items():
            where = f" ({name})" if name else ""
            _describe_memory(server.info("memory"), where, report)
            _describe_persistence(server, where, report)
    except (RedisError, RedisClusterException) as error:
        report.warnings.append(f"could not read Redis's settings ({error})")
    return report


def _describe_topology(store: RedisSiteStore, report: StoreReport) -> None:
    if store.mode == "cluster":
        nodes = store.client.get_nodes()
        primaries = store.client.get_primaries()
        report.lines.append(
            f"Cluster: {len(primaries)} primaries, {len(nodes) - len(primaries)} replicas"
        )
    elif store.mode == "sentinel":
        host, port = store.sentinel.discover_master(store.master)
        replicas = store.sentinel.discover_slaves(store.master)
        report.lines.append(
            f"Sentinel: master {store.master!r} at {host}:{port}, {len(replicas)} replica(s)"
        )
        if not replicas:
            report.warnings.append(
                "the Sentinel master has no replica: a failover has nothing to promote "
                "and changes are not acknowledged by a second server"
            )


def _describe_memory(info: dict, where: str, report: StoreReport) -> None:
    policy = info.get("maxmemory_policy", "unknown")
    limit, used = int(info.get("maxmemory", 0)), int(info.get("used_memory", 0))
    if limit:
        free = max(0.0, 1 - used / limit)
        report.lines.append(
            f"Memory{where}: {_megabytes(used)} used of maxmemory {_megabytes(limit)} "
            f"({free:.0%} headroom), policy {policy}"
        )
        if free < 0.2:
            report.warnings.append(
                f"Redis{where} is over 80% of its maxmemory: new sessions will soon be "
                "refused; raise maxmemory or lower SESSION_TTL_SECONDS"
            )
    else:
        report.lines.append(
            f"Memory{where}: {_megabytes(used)} used, no maxmemory limit, policy {policy}"
        )
    if policy not in ("noeviction", "unknown"):
        report.warnings.append(
            f"maxmemory-policy is {policy}{where}: under memory pressure Redis deletes keys, "
            "so parts of site sessions vanish; use noeviction (the app then answers "
            "503 'storage is full' instead of losing data)"
        )


def _describe_persistence(server, where: str, report: StoreReport) -> None:
    aof = bool(int(server.info("persistence").get("aof_enabled", 0)))
    try:
        rdb = bool(server.config_get("save").get("save"))
    except RedisError:
        rdb = None  # CONFIG is often disabled on managed Redis
    rdb_text = {True: "RDB snapshots on", False: "RDB off", None: "RDB unknown"}[rdb]
    report.lines.append(f"Persistence{where}: AOF {'on' if aof else 'off'}, {rdb_text}")
    if not aof and rdb is False:
        report.warnings.append(
            f"Redis{where} keeps nothing on disk (neither RDB nor AOF): a restart "
            "ends every session; set appendonly yes"
        )


class RedisBackend:
    """Chooses, checks and opens the Redis store (``REDIS_URL`` or ``KV_URL``)."""

    name = "redis"

    def problems(self, config, chosen: bool) -> list[str]:
        """What is wrong with the Redis settings (the URL is checked whenever it is set)."""
        problems = []
        url = config.get("REDIS_URL")
        if config.get("KV_REST_API_ONLY") and config.get("STORAGE_BACKEND") != "memory":
            problems.append(
                "KV_REST_API_URL/KV_REST_API_TOKEN are HTTP credentials, not a Redis URL: "
                "set KV_URL (or REDIS_URL) to the redis:// or rediss:// URL of your KV store"
            )
        if chosen and not url:
            problems.append("STORAGE_BACKEND=redis needs REDIS_URL (or KV_URL) to be set")
        prefix = config.get("KEY_PREFIX") or ""
        if chosen and ("{" in prefix or "}" in prefix):
            problems.append(
                f"KEY_PREFIX must not contain braces, got {prefix!r}: they would replace "
                "each session's {SID} hash tag (Redis Cluster slots); use e.g. 'app1:'"
            )
        if url:
            problem = url_problem(url, config.get("REDIS_URL_VAR") or "REDIS_URL")
            if problem:
                problems.append(problem)
        return problems

    def open(self, config, choice: StorageChoice | None = None) -> RedisSiteStore:
        """Build the store on a client for the URL's deployment (see ``redis_connect``)."""
        url = config["REDIS_URL"]
        connection = connect(url, cluster=config.get("REDIS_CLUSTER"))
        bulk = connect(
            url,
            cluster=connection.mode == "cluster",
            socket_timeout=defaults.REDIS_BULK_TIMEOUT,
            retries=0,
            zero_copy=True,
        )
        return RedisSiteStore.from_connection(
            connection,
            bulk,
            ttl_seconds=config["SESSION_TTL_SECONDS"],
            key_prefix=config["KEY_PREFIX"],
            refresh_seconds=config["TTL_REFRESH_SECONDS"],
            breaker_seconds=config.get("REDIS_BREAKER_SECONDS", defaults.REDIS_BREAKER_SECONDS),
        )

    def diagnose(self, config) -> StoreReport:
        """What ``flask doctor`` says: the URL (password hidden), then the store's report."""
        url = config.get("REDIS_URL")
        if not url:
            return StoreReport()
        header = f"Redis URL ({config.get('REDIS_URL_VAR') or 'REDIS_URL'}): {redact(url)}"
        if url_problem(url, "REDIS_URL"):
            return StoreReport(lines=[header], healthy=False)
        store = self.open(config)
        try:
            report = store.report()
        finally:
            store.close()
        report.lines.insert(0, header)
        return report


__all__ = ["RedisBackend", "RedisSiteStore", "classify", "single_client"]
