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


def require_site(**load_options) -> tuple[str, SiteSnapshot]:
    """Load the connected site session in one round trip, or raise SessionNotFound."""
    sid = connected_sid()
    if sid is None:
        raise SessionNotFound("This browser is not connected to a site.")
    snapshot = get_store().load(sid, **load_options)
    if snapshot is None:
        raise SessionNotFound("The site session has expired or was disconnected.")
    return sid, snapshot
