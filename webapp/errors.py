"""Every error answer of the app, in one place: clear page, right status, no traceback."""

from __future__ import annotations

import html
import logging

from flask import Flask, jsonify, render_template, request, session
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from . import client_limits, defaults
from .extensions import FormTokenRefused
from .page_making import PageNotFound
from .site_actions import too_large_message
from .site_session import (
    DAMAGED_REASON,
    SITE_SID,
    SessionNotFound,
    connected_sid,
    end_damaged,
    session_was_damaged,
)
from .storage import StorageUnavailable, StoredDataDamaged

log = logging.getLogger(__name__)


def _api() -> bool:
    """Whether this request is the JSON API's: its errors are JSON too."""
    return request.path.startswith("/api/")


def _json(status: int, message: str, **headers):
    return jsonify(error=html.escape(message)), status, headers


def _page(status: int, title: str, message: str, **extra):
    if _api():
        return _json(status, title if status == 500 else message)[:2]
    return render_template(
        "error.html", status=status, title=title, message=message, **extra
    ), status


def _retry_url() -> str:
    """Where "Try again" goes: this page again, or for a form the page it was sent from."""
    if request.method == "GET":
        query = request.query_string.decode("utf-8", "replace")
        return same_origin_path(f"{request.path}?{query}" if query else request.path)
    referrer = request.referrer or ""
    if not referrer.startswith(request.host_url):
        return "/"
    return same_origin_path("/" + referrer[len(request.host_url) :])


def same_origin_path(target: str) -> str:
    """``target`` if it is a path of this app that a browser cannot read as another
    origin, else "/".

    Browsers drop tabs and line breaks from URLs and read "\\" as "/", so
    "/<TAB>/evil.example/" or "/\\evil.example" would lead to another host; any control
    character or whitespace, a leading "//", and a backslash are refused (the path is
    the decoded one, so "%2f%2f" and "%09" are judged as what they decode to).
    """
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return "/"
    return target


def storage_unavailable(error: StorageUnavailable):
    """Answer 503 naming the reason, with Retry-After; the next request after recovery works."""
    log.warning("Storage unavailable (%s): %s", error.kind, error)
    if _api():
        return _json(
            503, "Storage unavailable", **{"Retry-After": str(defaults.RETRY_AFTER_SECONDS)}
        )
    body, status = _page(
        503,
        "Storage unavailable",
        f"{error.reason} Nothing you saved is lost; please try again in a few seconds.",
        without_session=True,
        retry_url=_retry_url(),
    )
    return body, status, {"Retry-After": str(defaults.RETRY_AFTER_SECONDS)}


def session_not_found(error: SessionNotFound):
    """Answer 404 'Session not found' with the reasons and a way to reconnect (the JSON
    API: ``{"error": "Session not found"}``)."""
    if _api():
        return _json(404, "Session not found")
    # Forget the dead pointer so that the next visit shows the connect form.
    session.pop(SITE_SID, None)
    # Damaged data ended the session in this request (perhaps the browser's own session,
    # so that its form's token could not be checked): say that, not what the caller guessed.
    reason = DAMAGED_REASON if session_was_damaged() else str(error)
    return render_template("session_not_found.html", reason=reason), 404


def stored_data_damaged(error: StoredDataDamaged):
    """A stored value that cannot be decoded: its session is ended as lost (404)."""
    return session_not_found(end_damaged(error))


def csrf_error(error: FormTokenRefused):
    """A form whose token does not match: say why in the words of what happened.

    Without a connected site the form was sent from a page whose site session
    ended (disconnected in another tab, expired, lost): that is "Session not
    found". The connect form itself is shown again with its input.
    """
    if request.endpoint == "sites.connect":
        from .sites import connect_form_expired

        return connect_form_expired()
    if connected_sid() is None:
        return session_not_found(
            SessionNotFound(
                "This page's site session has ended (disconnected in another tab, or "
                "expired), so its form could not be used."
            )
        )
    return _page(
        400,
        "Form expired",
        "The form was missing its security token or the token had expired "
        f"({error.description}). Reload the page and submit it again.",
    )


def too_large(error: RequestEntityTooLarge):
    message = too_large_message()
    if _api():
        return _json(413, message)
    if request.endpoint == "sites.connect":
        from .sites import render_connect

        return render_connect(message, 413, "upload")
    return _page(413, "Content too large", message)


# Answers that ask a person to wait and send again: a title in their words, and Try again.
WAIT_TITLES = {408: "Sent too slowly", 429: "Please wait a moment", 503: "Busy right now"}


def http_error(error: HTTPException):
    """Any other HTTP error as a page (or JSON), with its Retry-After when it has one
    (503 busy, 429 too many); the connect form says it next to its fields."""
    status = error.code or 500
    retry = getattr(error, "retry_after", None)
    headers = {"Retry-After": str(retry)} if retry else {}
    if request.endpoint == "sites.connect" and status in (408, 429, 503):
        from .sites import render_connect

        source = request.form.get("source", "")
        return (*render_connect(error.description, status, source or "general"), headers)
    title = WAIT_TITLES.get(status, error.name)
    extra = {"retry_url": _retry_url()} if status in WAIT_TITLES else {}
    body, status = _page(status, title, error.description or "", **extra)
    return body, status, headers


def page_not_found(error: PageNotFound):
    """404: the page named does not exist (no such intent, item or page)."""
    return _page(404, "Not Found", str(error))


def too_many(error: client_limits.ConnectLimitReached):
    """429: the client connected too much; say when it may connect again."""
    retry = client_limits.retry_after(error)
    error.description = f"{error.description} Please try again {client_limits.wait_words(retry)}."
    error.retry_after = retry
    return http_error(error)


def internal_error(error: InternalServerError):
    # Errors while opening or saving the browser session reach Flask as a 500
    # wrapping the original exception: a Redis outage there is still a 503.
    original = getattr(error, "original_exception", None)
    if isinstance(original, StorageUnavailable):
        return storage_unavailable(original)
    return _page(
        500,
        "Something went wrong",
        "The app hit an unexpected error. It has been logged; please try again.",
        without_session=True,
    )


def init_app(app: Flask) -> None:
    """Register every error handler on the app."""
    app.register_error_handler(StorageUnavailable, storage_unavailable)
    app.register_error_handler(SessionNotFound, session_not_found)
    app.register_error_handler(StoredDataDamaged, stored_data_damaged)
    app.register_error_handler(FormTokenRefused, csrf_error)
    app.register_error_handler(RequestEntityTooLarge, too_large)
    app.register_error_handler(client_limits.ConnectLimitReached, too_many)
    app.register_error_handler(PageNotFound, page_not_found)
    app.register_error_handler(InternalServerError, internal_error)
    app.register_error_handler(HTTPException, http_error)
