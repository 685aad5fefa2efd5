"""The site-session store: one small interface, two thin backends.

A *site session* is one connected site: its content, metadata (site name,
hero, source, created time), intents, theme and generated pages. Every backend
keeps the contract's key schema (``session:{SID}``, ``intents:{SID}``,
``theme:{SID}``, ``page:{SID}``; braces literal, a Redis Cluster hash tag) and
the same sliding TTL: a read refreshes the TTL of all four keys, so they
expire together (lazily: once it has run down by ``refresh_seconds``). Values are
JSON text, pages gzip bytes (``stored_page``). Nothing here knows about HTTP.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec

from ..defaults import TTL_REFRESH_SECONDS
from .stored_page import StoredPage

_decode = msgspec.json.Decoder().decode
log = logging.getLogger(__name__)

# Metadata fields of the session hash; status and page views read only these,
# never the (possibly megabytes of) content.
# "left_out": what the content model does not show, in words (the home says it).
META_FIELDS = (
    "site_name", "hero_title", "hero_subtitle", "hero_image", "source", "created_at", "left_out"
)  # fmt: skip
CONTENT_FIELD = "content"
MAX_KNOWN_ETAGS = 4  # a revalidation names one; more are ignored
MODEL_FIELD = "model"
AI_FIELD = "ai"  # what the optional AI planned for the session, and its token usage
PLAN_FIELD_PREFIX = "p:"  # p:<intent>: an intent page's plan by the optional AI


def is_small_field(name: str) -> bool:
    """Small fields, read with the metadata (the memory backend keeps them apart from
    the content and the chunks, which it only unpickles when they are asked for)."""
    return name in (MODEL_FIELD, AI_FIELD) or name.startswith(PLAN_FIELD_PREFIX)


# What a person is told when storage cannot be reached (other reasons name themselves).
UNREACHABLE = "The app cannot reach its storage right now."


class StorageUnavailable(Exception):
    """Storage cannot serve this request now (unreachable, or refusing writes); retry later.

    ``kind`` is a short name for operators (``/healthz``, logs); ``reason`` is a
    sentence for a person, shown on the 503 page. Backends raise it for their
    own outage and refusal errors, so the web layer never sees a client library's.
    """

    def __init__(self, detail: str = "", *, kind: str = "unreachable", reason: str = UNREACHABLE):
        super().__init__(detail or reason)
        self.kind = kind
        self.reason = reason


# Refusals that mean "storage takes no changes now" (``StorageUnavailable.kind``): /healthz
# reports one seen lately even when its own tiny probe key is let through.
REFUSAL_KINDS = frozenset({"out_of_memory", "read_only", "no_permission"})


def hash_tag(key: str) -> str | None:
    """The ``{SID}`` hash tag of a key (every key of a session carries its id), or None."""
    start = key.find("{")
    end = key.find("}", start + 1)
    return key[start + 1 : end] if start >= 0 and end > start else None


class StoredDataDamaged(Exception):
    """A stored value cannot be decoded (corrupted, or a key of the wrong type).

    The site session it belongs to is lost, as if it had expired: the web layer deletes
    its keys and answers "Session not found" (``site_session.end_damaged``). ``key`` names
    the value (empty when the decoder does not know it: then a field of ``session:{SID}``),
    ``sid`` the session (the key's hash tag unless given).
    """

    def __init__(
        self, key: str = "", detail: str = "", *, field: str | None = None, sid: str | None = None
    ) -> None:
        super().__init__(detail or "cannot be decoded")
        self.key = key
        self.field = field
        self.sid = sid or hash_tag(key)
        # The browser session's value read in the same call, when the damage is the site's.
        self.browser: bytes | None = None

    def where(self) -> str:
        """The damaged key (and field) for a log line; the session id cut to 8 characters."""
        key = self.key or (f"session:{{{self.sid}}}" if self.sid else "a session hash")
        if self.sid:
            key = key.replace(self.sid, self.sid[:8] + "…")
        return f"{key} field {self.field!r}" if self.field else key


@dataclass(frozen=True)
class StorageChoice:
    """Which backend serves site sessions, and what in the environment chose it."""

    backend: str  # a key of webapp.storage.BACKENDS
    reason: str


@dataclass
class StoreHealth:
    """What ``/healthz`` reports about the store: can it be reached, can it be written."""

    mode: str  # "memory", or the Redis deployment: "single", "cluster", "sentinel"
    reachable: bool
    writable: bool
    reason: str | None = None  # StorageUnavailable.kind when not reachable or not writable
    replication: str | None = None  # Sentinel: "ok", "degraded" or "none" (no replica)


@dataclass
class StoreReport:
    """What ``flask doctor`` prints about a store: facts, warnings, and whether it works."""

    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    healthy: bool = True


def new_sid() -> str:
    """Return a fresh site-session id: 256 random bits, URL-safe (43 characters).

    The same form as Flask-Session's ids (``SESSION_ID_LENGTH`` = 32 bytes): a
    connected browser's session id is its site session's id.
    """
    return secrets.token_urlsafe(32)


def dump(value: Any) -> str:
    """Encode a value as compact JSON text (the only format we store)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class SiteKeys:
    """The four keys of one site session."""

    session: str
    intents: str
    theme: str
    pages: str

    @classmethod
    def for_sid(cls, sid: str, prefix: str = "") -> SiteKeys:
        tag = "{" + sid + "}"
        return cls(
            f"{prefix}session:{tag}",
            f"{prefix}intents:{tag}",
            f"{prefix}theme:{tag}",
            f"{prefix}page:{tag}",
        )

    @property
    def all(self) -> tuple[str, str, str, str]:
        return (self.session, self.intents, self.theme, self.pages)


@dataclass(frozen=True)
class ReadPlan:
    """What one read of a site session returns besides its metadata, intents and theme.

    ``content`` (the site's JSON), ``model`` (the content model; for a session
    stored before there was one, the content instead, to build it from),
    ``fields`` (those fields of the session hash: listing chunks, section data),
    ``item`` (an item's pointer, ``i:{intent}:{item}``, and ``item_bucket`` the
    field of its bucket: the listing chunk that holds the item is read with it),
    ``page_ids`` (those pages),
    ``page_index`` (the ids of every stored page; bounded by the page cap),
    ``all_pages`` (every page), ``page_first`` (a page id: when that page is
    stored, the model, fields and item are not read), ``known_etags`` (validators
    the client holds: an asked-for page with one of them comes without its body).
    """

    content: bool = False
    model: bool = False
    fields: tuple[str, ...] = ()
    item: str | None = None
    item_bucket: str = ""
    page_ids: tuple[str, ...] = ()
    page_index: bool = False
    all_pages: bool = False
    page_first: str | None = None
    known_etags: tuple[str, ...] = ()
    # A view that serves a stored page as it is: when every page asked for is stored,
    # nothing else is read (no metadata, intents or theme: a partial snapshot).
    stored_only: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "page_ids", tuple(self.page_ids))
        object.__setattr__(self, "fields", tuple(self.fields))
        object.__setattr__(self, "known_etags", tuple(self.known_etags)[:MAX_KNOWN_ETAGS])


def pointer_in_bucket(bucket: bytes | None, item_field: str) -> bytes | None:
    """The chunk number an item bucket gives for the item ``i:{intent}:{item}``, or None
    (the read script does the same in Lua)."""
    item_id = item_field.split(":", 2)[2]
    if not bucket or "\t" in item_id or "\n" in item_id:
        return None
    needle = b"\n" + item_id.encode(errors="surrogatepass") + b"\t"
    at = bucket.find(needle)
    if at < 0:
        return None
    start = at + len(needle)
    return bucket[start : bucket.index(b"\n", start)]


def chunk_of(item_field: str, number: bytes | str) -> str:
    """The listing-chunk field named by an item pointer (``i:menu:x`` + 3 -> ``c:menu:3``)."""
    intent_id = item_field.split(":", 2)[1]
    number = number.decode() if isinstance(number, bytes) else number
    return f"c:{intent_id}:{number}"


class UnplannedRead(RuntimeError):
    """A hash field was asked of a read whose plan did not name it (a bug: see ReadFields)."""


class ReadFields(dict):
    """The hash fields one read returned, knowing which its plan asked for.

    Asking for a field the plan did not name would answer None, as if the field did not
    exist: a silent bug (a view reads what its plan forgot). It raises ``UnplannedRead``
    where ``strict`` (tests), and is logged once per name elsewhere.
    """

    logged: set[str] = set()

    def __init__(self, found: dict, asked: Iterable[str], strict: bool) -> None:
        super().__init__(found)
        self.asked = frozenset(asked)
        self.strict = strict

    def _check(self, name: str) -> None:
        if name in self.asked:
            return
        if self.strict:
            raise UnplannedRead(f"the field {name!r} was not in the read's plan")
        if name not in ReadFields.logged:
            ReadFields.logged.add(name)
            log.warning("A view read the field %r, which its read plan did not name", name)

    def get(self, name, default=None):
        self._check(name)
        return super().get(name, default)

    def __getitem__(self, name):
        self._check(name)
        return super().__getitem__(name)

    def __contains__(self, name) -> bool:
        self._check(name)
        return super().__contains__(name)


@dataclass
class SiteSnapshot:
    """What one read of a site session returned (only the parts asked for)."""

    meta: dict[str, str]
    intents: list[dict]
    theme: dict[str, str]
    content_json: str | None = None
    pages: dict[str, StoredPage] = field(default_factory=dict)  # page id -> asked-for pages
    page_ids: set[str] | None = None  # every stored page id, when asked for
    model: bytes | None = None  # the content model (JSON), when asked for and stored
    fields: dict[str, bytes] = field(default_factory=dict)  # asked-for hash fields that exist
    item_chunk: tuple[str, bytes] | None = None  # (chunk field, chunk) holding the asked item
    # Keys that must exist but were missing (an eviction, an operator): "intents", "theme".
    missing: tuple[str, ...] = ()
    # The metadata, intents and theme as stored: equal states show the same site, so it
    # keys the app's render cache without encoding anything again.
    state: tuple = ()
    # Only the pages asked for (a ``stored_only`` read that found them all): metadata,
    # intents and theme were not read, and are empty here.
    partial: bool = False
    # Pages asked for whose stored copy cannot be decoded: missing here, to be made again.
    damaged_pages: frozenset[str] = frozenset()

    @classmethod
    def stored_only(cls, pages: dict, damaged: set[str]) -> SiteSnapshot:
        """The answer of a ``stored_only`` read that found every page: the pages alone."""
        return cls(
            meta={},
            intents=[],
            theme={},
            pages=pages,
            partial=True,
            damaged_pages=frozenset(damaged),
        )

    def intent(self, intent_id: str) -> dict | None:
        """Return the intent with this id, or None."""
        return next((i for i in self.intents if i.get("id") == intent_id), None)


class SiteStore(ABC):
    """Stores site sessions with a sliding TTL; one round trip per call."""

    backend_name = "abstract"
    # A read's fields raise UnplannedRead for a name its plan did not ask for (tests set it).
    strict_reads = False

    def __init__(
        self, *, ttl_seconds: int, key_prefix: str = "", refresh_seconds: int | None = None
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.key_prefix = key_prefix
        # Reads slide the TTL lazily: only once it has run down by ``refresh_seconds``
        # (a tenth of the TTL at most), so a session never expires much sooner than its
        # TTL after its last use, and most reads write nothing.
        if refresh_seconds is None:
            refresh_seconds = TTL_REFRESH_SECONDS
        self.refresh_seconds = min(refresh_seconds, ttl_seconds // 10)
        self._refused: tuple[float, str] | None = None  # (monotonic time, kind) of the last

    def note_refusal(self, failure: StorageUnavailable) -> None:
        """Remember a change storage refused (full, read-only, no permission) for /healthz."""
        if failure.kind in REFUSAL_KINDS:
            self._refused = (time.monotonic(), failure.kind)

    def recent_refusal(self, window_seconds: float) -> str | None:
        """The kind of the last change refused within ``window_seconds``, if any."""
        refused = self._refused
        if refused is None or time.monotonic() - refused[0] > window_seconds:
            return None
        return refused[1]

    def keys(self, sid: str) -> SiteKeys:
        """Return the keys of one site session."""
        return SiteKeys.for_sid(sid, self.key_prefix)

    @abstractmethod
    def create(
        self,
        sid: str,
        *,
        content_json: str | bytes,
        meta: dict[str, str],
        intents: list,
        theme: dict,
        model_fields: dict[str, bytes] | None = None,
    ) -> None:
        """Write a new site session's keys in one transaction (the model's fields included)."""

    @abstractmethod
    def save_model(self, sid: str, model_fields: dict[str, bytes]) -> bool:
        """Add content-model fields to an existing session (built on first use); False if gone."""

    @abstractmethod
    def load(self, sid: str, plan: ReadPlan | None = None) -> SiteSnapshot | None:
        """Read a site session as ``plan`` says and slide its TTL, in one round trip.

        None when the session is unknown or expired. Without a plan only the
        metadata, intents and theme are read (see ``ReadPlan`` for the rest).
        """

    @abstractmethod
    def save_pages(
        self,
        sid: str,
        pages: dict[str, StoredPage],
        remove: Sequence[str] = (),
        cap: int | None = None,
    ) -> bool:
        """Store pages (dropping ``remove``) if the session exists; False when it is gone.

        With ``cap``, a page that is not stored yet is only added while the
        session holds fewer than ``cap`` pages (it is then served without being
        kept), so that crawling a huge collection cannot fill the store.
        """

    @abstractmethod
    def delete(self, sid: str) -> None:
        """Delete every key of a site session in one transaction."""

    @abstractmethod
    def repair(self, sid: str, *, intents: list, theme: dict) -> bool:
        """Write a session's intents and theme where missing, if the session exists."""

    @abstractmethod
    def ping(self) -> None:
        """Check that the backend answers; raise StorageUnavailable if not."""

    @abstractmethod
    def health(self) -> StoreHealth:
        """Probe the backend (a read and a short-lived write of its own); never raises."""

    @abstractmethod
    def report(self) -> StoreReport:
        """Describe the backend for ``flask doctor``: mode, settings that matter, warnings."""

    @abstractmethod
    def close(self) -> None:
        """Release connections (tests, ``flask doctor``)."""

    # The browser session (Flask-Session's value, see webapp.browser_session): one
    # key per browser, under its own prefix, in the same storage as site sessions.

    @abstractmethod
    def browser_get(self, key: str) -> bytes | None:
        """Return a browser session's stored value, or None."""

    @abstractmethod
    def browser_set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        """Store a browser session's value for ``ttl_seconds``."""

    @abstractmethod
    def browser_delete(self, key: str) -> None:
        """Delete a browser session's value."""

    @abstractmethod
    def browser_expire(self, key: str, ttl_seconds: int) -> None:
        """Let a browser session's value live at most ``ttl_seconds`` more."""

    # Submission nonces: short-lived keys under a browser session's hash tag, so that a
    # form sent twice (a double click) makes one change. Values are short text.

    def nonce_key(self, tag: str, nonce: str) -> str:
        """The key of one nonce: ``nonce:{tag}:<nonce>`` (the browser session's hash tag)."""
        return f"{self.key_prefix}nonce:{{{tag}}}:{nonce}"

    @abstractmethod
    def claim_nonce(self, tag: str, nonce: str, value: str, ttl_seconds: int) -> str | None:
        """Store ``value`` under a nonce unless it is taken; return the taken value, or None."""

    @abstractmethod
    def set_nonce(self, tag: str, nonce: str, value: str | None, ttl_seconds: int = 0) -> None:
        """Replace a nonce's value (None deletes it)."""

    @abstractmethod
    def get_nonce(self, tag: str, nonce: str) -> str | None:
        """Return a nonce's value, or None."""

    @abstractmethod
    def drop_nonce(self, tag: str, nonce: str, value: str) -> None:
        """Delete a nonce only if it still holds ``value`` (a claim given back by its
        holder, never a newer claim made after the holder's had run out)."""

    def read_with_browser(
        self, browser_key: str | None, sid: str, plan: ReadPlan
    ) -> tuple[bytes | None, SiteSnapshot | None]:
        """Read a browser session's value and the site session ``sid`` (one call if possible)."""
        browser = self.browser_get(browser_key) if browser_key is not None else None
        try:
            return browser, self.load(sid, plan)
        except StoredDataDamaged as damage:
            damage.browser = browser  # the browser session is read all the same
            raise

    def _snapshot(
        self,
        sid: str,
        meta_values: Iterable,
        intents_json,
        theme_json,
        *,
        content_json=None,
        pages: dict | None = None,
        damaged_pages: frozenset[str] = frozenset(),
        page_ids=None,
        model=None,
        fields: dict | None = None,
        asked: Iterable[str] = (),
        item_chunk=None,
    ) -> SiteSnapshot | None:
        """Decode what a read returned; raise StoredDataDamaged for a value that cannot be."""
        keys = self.keys(sid)
        meta_values = [
            _field_text(value, keys.session, name)
            for name, value in zip(META_FIELDS, meta_values, strict=True)
        ]
        if all(v is None for v in meta_values):
            return None
        missing = ("intents",) * (intents_json is None) + ("theme",) * (theme_json is None)
        return SiteSnapshot(
            meta={k: v or "" for k, v in zip(META_FIELDS, meta_values, strict=True)},
            intents=_intents(intents_json, keys.intents) if intents_json is not None else [],
            theme=decoded(theme_json, keys.theme, kind=dict) if theme_json is not None else {},
            content_json=_field_text(content_json, keys.session, CONTENT_FIELD),
            pages=pages or {},
            damaged_pages=damaged_pages,
            page_ids=page_ids,
            model=model,
            fields=ReadFields(fields or {}, asked, self.strict_reads),
            item_chunk=item_chunk,
            missing=missing,
            state=(tuple(meta_values), intents_json, theme_json),
        )


def decoded(raw, key: str = "", *, kind: type | None = None, field: str | None = None) -> Any:
    """Decode a stored JSON value (that must be a ``kind``, list or dict, when given), or
    raise StoredDataDamaged naming where it was stored (``key``, or a ``field``)."""
    try:
        value = _decode(raw)
    except (msgspec.DecodeError, TypeError) as error:
        raise StoredDataDamaged(key, f"not JSON ({error})", field=field) from None
    if kind is not None and not isinstance(value, kind):
        detail = f"a JSON {type(value).__name__}, not a {kind.__name__}"
        raise StoredDataDamaged(key, detail, field=field)
    return value


def _intents(raw, key: str) -> list[dict]:
    """Decode the stored intents: a list of objects, each with a text id and title."""
    intents = decoded(raw, key, kind=list)
    for intent in intents:
        if not (
            isinstance(intent, dict)
            and isinstance(intent.get("id"), str)
            and isinstance(intent.get("title"), str)
        ):
            raise StoredDataDamaged(key, "an intent without a text id and title")
    return intents


def _field_text(value, key: str, name: str) -> str | None:
    """A text field of the session hash (UTF-8 bytes from Redis, str in memory)."""
    try:
        return _text(value)
    except (UnicodeDecodeError, AttributeError):
        raise StoredDataDamaged(key, "not UTF-8 text", field=name) from None


def _text(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.decode("utf-8")
