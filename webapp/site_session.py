"""Which site session the browser is connected to, and loading it."""

from __future__ import annotations

from flask import session

from .storage import SiteSnapshot, get_store

SITE_SID = "site_sid"


class SessionNotFound(Exception):
    """The browser points at a site session that does not exist (any more)."""


def connected_sid() -> str | None:
    """Return the id of the site session this browser is connected to."""
    sid = session.get(SITE_SID)
    return sid if isinstance(sid, str) and sid else None


def _connected_or_raise() -> str:
    sid = connected_sid()
    if sid is None:
        raise SessionNotFound("This browser is not connected to a site.")
    return sid


def _found(snapshot: SiteSnapshot | None) -> SiteSnapshot:
    if snapshot is None:
        raise SessionNotFound("The site session has expired or was disconnected.")
    return snapshot


def require_site(**load_options) -> tuple[str, SiteSnapshot]:
    """Load the connected site session in one round trip, or raise SessionNotFound."""
    sid = _connected_or_raise()
    return sid, _found(get_store().load(sid, **load_options))


def require_page_or_content(page_id: str) -> tuple[str, SiteSnapshot]:
    """Load a stored page, or the content to make it, in one round trip."""
    sid = _connected_or_raise()
    return sid, _found(get_store().load_page_or_content(sid, page_id))
