"""The site-session store: one small interface, two thin backends.

A *site session* is one connected site: its content, metadata (site name,
hero, source, created time), intents, theme and generated pages. Every backend
keeps the contract's key schema (``session:{SID}``, ``intents:{SID}``,
``theme:{SID}``, ``page:{SID}``; braces literal, a Redis Cluster hash tag) and
the same sliding TTL: every read refreshes the TTL of all four keys, so they
expire together. Values are JSON text. Nothing here knows about HTTP.
"""

from __future__ import annotations

import json
import secrets
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

# Metadata fields of the session hash; status and page views read only these,
# never the (possibly megabytes of) content.
META_FIELDS = ("site_name", "hero_title", "hero_subtitle", "hero_image", "source", "created_at")
CONTENT_FIELD = "content"


class StorageUnavailable(Exception):
    """The storage backend cannot be reached; the request may be retried later."""


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

    ``content`` (the site's JSON), ``page_ids`` (those pages), ``page_index``
    (the ids of every stored page; bounded by the page cap), ``all_pages``
    (every page), ``page_or_content`` (that page if stored, else the content).
    """

    content: bool = False
    page_ids: tuple[str, ...] = ()
    page_index: bool = False
    all_pages: bool = False
    page_or_content: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "page_ids", tuple(self.page_ids))


@dataclass
class SiteSnapshot:
    """What one read of a site session returned (only the parts asked for)."""

    meta: dict[str, str]
    intents: list[dict]
    theme: dict[str, str]
    content_json: str | None = None
    pages: dict[str, dict] = field(default_factory=dict)  # page id -> page, asked-for ones
    page_ids: set[str] | None = None  # every stored page id, when asked for

    def intent(self, intent_id: str) -> dict | None:
        """Return the intent with this id, or None."""
        return next((i for i in self.intents if i.get("id") == intent_id), None)


class SiteStore(ABC):
    """Stores site sessions with a sliding TTL; one round trip per call."""

    backend_name = "abstract"

    def __init__(self, *, ttl_seconds: int, key_prefix: str = "") -> None:
        self.ttl_seconds = ttl_seconds
        self.key_prefix = key_prefix

    def keys(self, sid: str) -> SiteKeys:
        """Return the keys of one site session."""
        return SiteKeys.for_sid(sid, self.key_prefix)

    @abstractmethod
    def create(
        self, sid: str, *, content_json: str, meta: dict[str, str], intents: list, theme: dict
    ) -> None:
        """Write a new site session's keys in one transaction."""

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
        pages: dict[str, dict],
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
    def ping(self) -> None:
        """Check that the backend answers; raise StorageUnavailable if not."""

    @staticmethod
    def _snapshot(
        meta_values: Iterable,
        intents_json,
        theme_json,
        *,
        content_json=None,
        pages: dict | None = None,
        page_ids=None,
    ) -> SiteSnapshot | None:
        meta_values = [_text(v) for v in meta_values]
        if all(v is None for v in meta_values):
            return None
        return SiteSnapshot(
            meta={k: v or "" for k, v in zip(META_FIELDS, meta_values, strict=True)},
            intents=json.loads(intents_json) if intents_json else [],
            theme=json.loads(theme_json) if theme_json else {},
            content_json=_text(content_json),
            pages=pages or {},
            page_ids=page_ids,
        )


def _text(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.decode("utf-8")
