"""Browser sessions: Flask-Session's server-side sessions, stored by the app's own store.

Flask-Session keeps the browser's session (which site session it is connected
to, CSRF secret, flashed messages) server-side. Its stock interfaces each build
or demand their own client (the Redis one accepts only ``redis.Redis``, so not
a Cluster's client); ours is a ``ServerSideSessionInterface`` subclass whose
storage hooks call the site-session store, so browser sessions live in the
same Redis (any mode) or SimpleCache, under their own key prefix, with the
store's error handling. Over the stock behaviour:

* a connected browser's session is read together with its site session, in
  one call (see ``read_with_browser``);
* ``/healthz`` and ``/favicon.ico`` neither read nor write a browser session
  (no cookie, and a probe should not cost a Redis read);
* the stored copy is refreshed at most every few minutes instead of on every
  request, which saves a Redis write per request; its lifetime has that much
  slack over the site session's TTL, so it never expires first.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from datetime import timedelta

from flask import Flask, current_app, request
from flask_session.base import ServerSideSessionInterface

from . import defaults
from .site_session import end_damaged, planned_read, prefetched
from .storage import StorageUnavailable, StoredDataDamaged, get_store
from .storage.base import decoded

log = logging.getLogger(__name__)

NO_SESSION_PATHS = frozenset({"/healthz", "/favicon.ico"})
# The JSON API binds browsers with a cookie of its own (webapp.api), never a browser session.
NO_SESSION_PREFIXES = ("/api/", "/static/")


def _sessionless(path: str) -> bool:
    return path in NO_SESSION_PATHS or path.startswith(NO_SESSION_PREFIXES)


# Browser and site session ids: secrets.token_urlsafe(32), see storage.new_sid.
SID_FORMAT = re.compile(r"[A-Za-z0-9_-]{43}")
REFRESHED = "_refreshed"
# Kept on the request (g may outlive it when an outer app context is pushed).
SAVE_FAILED = "webapp.browser_session_save_failed"
CONNECT = "webapp.browser_session_connect"  # a connect's new site id and what it replaces
LOST = "webapp.browser_session_lost"  # the browser's cookie named a session no longer stored


def session_was_lost() -> bool:
    """Whether this request's browser came with a session the store no longer has."""
    return bool(request.environ.get(LOST))


def decode_browser_session(store_id: str, raw) -> dict:
    """Decode a stored browser session: a JSON object, or StoredDataDamaged.

    Not Flask-Session's serializer: on a value it cannot read, that one tries msgpack and
    then pickle (never for stored bytes), and logs a traceback.
    """
    return decoded(raw, store_id, kind=dict)


class StoreSessionInterface(ServerSideSessionInterface):
    """Flask-Session on the app's site-session store (see module docstring)."""

    refresh_seconds = defaults.BROWSER_SESSION_REFRESH_SECONDS

    # Flask-Session's storage hooks.

    def _get_store_id(self, sid: str) -> str:
        # browser:{SID}: the same hash tag as the site keys of a connected browser.
        return f"{self.key_prefix}{{{sid}}}"

    def _retrieve_session_data(self, store_id: str):
        try:
            raw = self._read(store_id)
            if not raw:
                # The browser names a session the store no longer has (expired, or lost).
                request.environ[LOST] = True
                return None
            return decode_browser_session(store_id, raw)
        except StoredDataDamaged as damage:
            # Read as no session (a fresh one); what it named is unreachable, and goes too.
            end_damaged(damage)
            with contextlib.suppress(StorageUnavailable):  # else it expires with its TTL
                get_store().browser_delete(store_id)
            request.environ[LOST] = True
            return None

    def _read(self, store_id: str):
        """The browser session's stored value, read with its site session when the view
        reads one (on Redis in one call); damage of the site's is kept for ``require_site``."""
        plan = planned_read(current_app, request)
        if plan is None or not current_app.config["READ_SITE_WITH_BROWSER_SESSION"]:
            return get_store().browser_get(store_id)
        # A connected browser's session id *is* its site session's id (set on
        # connect): read both now, as the request's view declared, in one call.
        sid = store_id[len(self.key_prefix) + 1 : -1]
        try:
            raw, snapshot = get_store().read_with_browser(store_id, sid, plan)
        except StoredDataDamaged as damage:
            if damage.key == store_id:
                raise
            raw, snapshot = damage.browser, damage
        prefetched(sid, plan, snapshot)
        return raw

    def _upsert_session(self, session_lifetime: timedelta, session, store_id: str) -> None:
        ttl = int(session_lifetime.total_seconds())
        get_store().browser_set(store_id, self.serializer.encode(session), ttl)

    def _delete_session(self, store_id: str) -> None:
        get_store().browser_delete(store_id)

    # Flask's session interface.

    def open_session(self, app, request_):
        cookie = request_.cookies.get(app.config["SESSION_COOKIE_NAME"])
        # A cookie that is not one of our ids is never used to build key names.
        if _sessionless(request_.path) or (cookie and not SID_FORMAT.fullmatch(cookie)):
            return self.session_class(sid=self._generate_sid(self.sid_length), permanent=True)
        return super().open_session(app, request_)

    def adopt_id(self, session, sid: str, replaces_site: str | None = None) -> None:
        """Give the browser session a new id (no fixation): that of the site just connected.

        What it replaces (the old stored copy, the previously connected site) is
        deleted once the new copy is saved, not before: a connect cut short (a
        worker killed, Redis gone or full) leaves the browser with its old session
        and its old site, so that sending the form again just works.
        """
        connect = request.environ.setdefault(CONNECT, {})
        if session:
            connect.setdefault("browser", session.sid)
        if replaces_site:
            connect["site"] = replaces_site
        connect["adopted"] = sid
        session.sid = sid
        session.modified = True

    def save_session(self, app, session, response):
        # session is None when opening it failed (storage down): nothing to save.
        # After a failed save Flask saves once more for the error page; with storage
        # down that would double the time the user waits for the 503.
        if session is None or _sessionless(request.path) or request.environ.get(SAVE_FAILED):
            return
        refresh_only = not session.modified
        try:
            super().save_session(app, session, response)
        except StorageUnavailable as failure:
            if refresh_only:
                # Only the stored copy's expiry was due; it has slack for this
                # (a full or read-only Redis must not stop connected browsers).
                log.info("Browser session not refreshed (%s); it is kept as it is", failure.kind)
                return
            request.environ[SAVE_FAILED] = True
            self._forget_new_site()
            raise
        self._drop_replaced(session.sid)

    def _drop_replaced(self, sid: str) -> None:
        """After a connect saved its browser session: delete what it replaced."""
        connect = request.environ.pop(CONNECT, {})
        with contextlib.suppress(StorageUnavailable):  # else they expire with their TTL
            if connect.get("browser") not in (None, sid):
                # Not deleted at once: the same form sent twice (a double click) may still
                # arrive with the old cookie, and must find its session to be answered.
                get_store().browser_expire(
                    self._get_store_id(connect["browser"]), defaults.REPLACED_SESSION_SECONDS
                )
            if connect.get("site") not in (None, sid):
                get_store().delete(connect["site"])

    @staticmethod
    def _forget_new_site() -> None:
        """A site connected in this request whose browser session could not be saved
        is unreachable: delete it now rather than leave it stored for a day."""
        sid = request.environ.pop(CONNECT, {}).get("adopted")
        if sid:
            with contextlib.suppress(StorageUnavailable):  # else it expires with its TTL
                get_store().delete(sid)

    def should_set_storage(self, app, session) -> bool:
        now = int(time.time())
        if session.modified or now - int(session.get(REFRESHED, 0)) >= self.refresh_seconds:
            session[REFRESHED] = now
            return True
        return False


class BrowserSessions:
    """Binds browser sessions to an app (``init_app``), on the app's own store.

    Not Flask-Session's ``Session`` extension: its ``init_app`` can only pick one
    of the stock interfaces, which build their own clients.
    """

    def init_app(self, app: Flask) -> None:
        """Fill the session settings and install the interface on the app."""
        ttl = app.config["SESSION_TTL_SECONDS"]
        app.config.update(
            SESSION_KEY_PREFIX=app.config["KEY_PREFIX"] + defaults.BROWSER_SESSION_KEY_PREFIX,
            SESSION_PERMANENT=True,
            SESSION_ID_LENGTH=32,
            # JSON, never pickle (Flask-Session's default is msgpack).
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
        app.session_interface = StoreSessionInterface(
            app,
            key_prefix=app.config["SESSION_KEY_PREFIX"],
            use_signer=False,
            permanent=True,
            sid_length=app.config["SESSION_ID_LENGTH"],
            serialization_format=app.config["SESSION_SERIALIZATION_FORMAT"],
        )
