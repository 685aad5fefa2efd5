"""Flask-Session configured from the storage choice, with the app's own client.

Flask-Session keeps the browser's session (which site session it is connected
to, CSRF secret, flashed messages) server-side, in the same Redis or
SimpleCache as the site sessions, under its own key prefix. Two small
adjustments over the stock interfaces:

* ``/healthz`` and ``/favicon.ico`` neither read nor write a browser session
  (no cookie, and a probe should not cost a Redis read);
* the stored copy is refreshed at most every few minutes instead of on every
  request, which saves a Redis write per request; its lifetime has that much
  slack over the site session's TTL, so it never expires first.
"""

from __future__ import annotations

import re
import time

from flask import Flask, current_app, g, request
from flask_session import Session
from flask_session.cachelib import CacheLibSessionInterface
from flask_session.redis import RedisSessionInterface

from . import defaults
from .site_session import planned_read, prefetched
from .storage import OUTAGE_ERRORS, SiteStore, get_store

NO_SESSION_PATHS = frozenset({"/healthz", "/favicon.ico"})
# Browser and site session ids: secrets.token_urlsafe(32), see storage.new_sid.
SID_FORMAT = re.compile(r"[A-Za-z0-9_-]{43}")
REFRESHED = "_refreshed"
SAVE_FAILED = "browser_session_save_failed"


class _AppSessionMixin:
    """Skip the probe path and throttle refresh writes (see module docstring)."""

    refresh_seconds = defaults.BROWSER_SESSION_REFRESH_SECONDS

    def _get_store_id(self, sid: str) -> str:
        # browser:{SID}: the same hash tag as the site keys of a connected browser.
        return f"{self.key_prefix}{{{sid}}}"

    def open_session(self, app, request_):
        cookie = request_.cookies.get(app.config["SESSION_COOKIE_NAME"])
        # A cookie that is not one of our ids is never used to build key names.
        if request_.path in NO_SESSION_PATHS or (cookie and not SID_FORMAT.fullmatch(cookie)):
            return self.session_class(sid=self._generate_sid(self.sid_length), permanent=True)
        return super().open_session(app, request_)

    def adopt_id(self, session, sid: str) -> None:
        """Give the browser session a new id (dropping the old stored copy): no fixation."""
        if session:
            self._delete_session(self._get_store_id(session.sid))
        session.sid = sid
        session.modified = True

    def save_session(self, app, session, response):
        # session is None when opening it failed (storage down): nothing to save.
        # After a failed save Flask saves once more for the error page; with storage
        # down that would double the time the user waits for the 503.
        if session is None or request.path in NO_SESSION_PATHS or g.get(SAVE_FAILED):
            return
        try:
            super().save_session(app, session, response)
        except OUTAGE_ERRORS:
            g.setdefault(SAVE_FAILED, True)
            raise

    def should_set_storage(self, app, session) -> bool:
        now = int(time.time())
        if session.modified or now - int(session.get(REFRESHED, 0)) >= self.refresh_seconds:
            session[REFRESHED] = now
            return True
        return False


class AppRedisSessionInterface(_AppSessionMixin, RedisSessionInterface):
    """Flask-Session on the app's Redis client, read together with the site session.

    A connected browser's session id *is* its site session's id (set on
    connect), and its key carries the same ``{SID}`` hash tag as the site keys.
    So opening the browser session can also read the site session, as the
    request's view declared (``site_session.reads``): one round trip, and one
    Redis Cluster slot.
    """

    def _retrieve_session_data(self, store_id: str):
        plan = planned_read(current_app, request)
        if plan is None:
            return super()._retrieve_session_data(store_id)
        sid = store_id[len(self.key_prefix) + 1 : -1]
        raw, snapshot = get_store().read_with_browser(store_id, sid, plan)
        prefetched(sid, plan, snapshot)
        return self.serializer.decode(raw) if raw else None


class AppCacheLibSessionInterface(_AppSessionMixin, CacheLibSessionInterface):
    """Flask-Session on the app's SimpleCache."""


class BrowserSessions(Session):
    """Flask-Session extension that uses the app's store instead of its own clients."""

    def _get_interface(self, app: Flask):
        config = app.config
        options = dict(
            key_prefix=config["SESSION_KEY_PREFIX"],
            use_signer=False,
            permanent=True,
            sid_length=config["SESSION_ID_LENGTH"],
            serialization_format=config["SESSION_SERIALIZATION_FORMAT"],
        )
        if config["SESSION_TYPE"] == "redis":
            return AppRedisSessionInterface(app, client=config["SESSION_REDIS"], **options)
        return AppCacheLibSessionInterface(app, client=config["SESSION_CACHELIB"], **options)


def configure(app: Flask, store: SiteStore) -> None:
    """Fill Flask-Session's settings from the storage choice."""
    from datetime import timedelta

    ttl = app.config["SESSION_TTL_SECONDS"]
    redis_backed = store.backend_name == "redis"
    app.config.update(
        SESSION_TYPE="redis" if redis_backed else "cachelib",
        SESSION_REDIS=getattr(store, "client", None),
        SESSION_CACHELIB=getattr(store, "cache", None),
        SESSION_KEY_PREFIX=app.config["KEY_PREFIX"] + defaults.BROWSER_SESSION_KEY_PREFIX,
        SESSION_PERMANENT=True,
        SESSION_ID_LENGTH=32,
        # JSON, never pickle, in Redis (Flask-Session's default is msgpack).
        SESSION_SERIALIZATION_FORMAT="json",
        PERMANENT_SESSION_LIFETIME=timedelta(
            seconds=ttl + 2 * defaults.BROWSER_SESSION_REFRESH_SECONDS
        ),
        SESSION_REFRESH_EACH_REQUEST=True,
        SESSION_COOKIE_NAME="site_pages_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=app.config["APP_ENV"] == "production",
    )
