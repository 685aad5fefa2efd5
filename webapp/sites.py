"""Connecting a site, its home page, and disconnecting."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import UTC, datetime

import msgspec
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from . import defaults
from .content.fetch import FetchError, fetch_content, fetch_sleekcms, parse_pub_token
from .content.model.build import build_site
from .content.parse import ContentError, parse_content
from .demos import DEMOS, load_demo
from .site_session import SITE_SID, connected_sid, reads, require_site
from .storage import ReadPlan, get_store, new_sid

bp = Blueprint("sites", __name__)


def init_app(app) -> None:
    """Bound the content fetches one process runs at once (``FETCH_CONCURRENCY``)."""
    app.extensions["fetch_slots"] = threading.BoundedSemaphore(app.config["FETCH_CONCURRENCY"])


SOURCES = ("upload", "paste", "url", "sleekcms", "demo")
REMOTE_SOURCES = ("url", "sleekcms")
# Pasted text is echoed back into the form after an error only when it is small.
ECHO_LIMIT = 100_000


class ConnectError(Exception):
    """A connect attempt failed for a reason the user can act on."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def render_connect(error: str | None = None, status: int = 200, pasted: str = ""):
    """Render the connect form, with an error answer when there is one."""
    return (
        render_template("connect.html", demos=DEMOS, error=error, pasted=pasted),
        status,
    )


@bp.get("/")
@reads(lambda args, query: ReadPlan(page_index=True))
def index():
    """Show the connect form, or the connected site's home."""
    if connected_sid() is None:
        return render_connect()
    _sid, site = require_site()
    return render_template("home.html", site=site, generated=site.page_ids or set())


def _fetch_options() -> dict:
    config = current_app.config
    return {
        "max_bytes": config["DOCUMENT_LIMIT"],
        "connect_timeout": config["FETCH_CONNECT_TIMEOUT"],
        "read_timeout": config["FETCH_READ_TIMEOUT"],
        "total_timeout": config["FETCH_TOTAL_TIMEOUT"],
    }


@contextmanager
def _fetch_slot():
    """Hold one of this process's fetch slots, or answer 503 "busy" at once.

    A slow remote holds a thread for up to the fetch deadline; bounding how many
    fetches run at once keeps the other threads free for everyone else.
    """
    slots = current_app.extensions["fetch_slots"]
    if not slots.acquire(blocking=False):
        raise ConnectError(
            "The app is busy fetching other sites' content right now. "
            "Please try again in a few seconds.",
            503,
        )
    try:
        yield
    finally:
        slots.release()


def _read_source(source: str) -> tuple[bytes | str, str]:
    """Return the raw content of the chosen source and a label describing it."""
    form = request.form
    config = current_app.config
    if source == "upload":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise ConnectError("Choose a JSON file to upload.")
        return upload.read(), f"upload:{upload.filename[:200]}"
    if source == "paste":
        return form.get("json", ""), "paste"
    if source == "url":
        url = form.get("url", "").strip()
        if not url:
            raise ConnectError("Enter the URL of the site's content.")
        with _fetch_slot():
            raw = fetch_content(
                url,
                token=form.get("token", "").strip() or None,
                allow_private=config["ALLOW_PRIVATE_URLS"],
                **_fetch_options(),
            )
        return raw, f"url:{url[:500]}"
    if source == "sleekcms":
        pub_token = form.get("pub_token", "").strip()
        if not pub_token:
            raise ConnectError("Enter the SleekCMS pub token (pub-<siteId>-<key>).")
        # The API base is the operator's setting, so a private address there is
        # intended; where it redirects to is still judged like any user URL.
        with _fetch_slot():
            raw = fetch_sleekcms(
                pub_token,
                api_base=config["SLEEKCMS_API_BASE"],
                allow_private=True,
                **_fetch_options(),
            )
        return raw, f"sleekcms:{parse_pub_token(pub_token)[0]}"
    name = form.get("demo", "")
    if name not in DEMOS:
        raise ConnectError(f"Unknown demo site {name[:50]!r}; pick one of: {', '.join(DEMOS)}.")
    return load_demo(name), f"demo:{name}"


@bp.post("/connect")
def connect():
    """Connect a site from one of the sources, then go to its home."""
    source = request.form.get("source", "")
    pasted = request.form.get("json", "") if source == "paste" else ""
    pasted = pasted if len(pasted) <= ECHO_LIMIT else ""
    if source not in SOURCES:
        return render_connect(f"Choose how to connect: one of {', '.join(SOURCES)}.", 400)
    try:
        raw, label = _read_source(source)
        size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "replace"))
        if size > current_app.config["DOCUMENT_LIMIT"]:
            abort(413)
        content = parse_content(raw)
    except (ConnectError, FetchError) as error:
        body, status = render_connect(error.message, error.status, pasted)
        retry = {"Retry-After": str(defaults.RETRY_AFTER_SECONDS)} if status == 503 else {}
        return body, status, retry
    except ContentError as error:
        if source in REMOTE_SOURCES:
            # The user's request was fine; what the remote sent back is not usable.
            remote = "The URL" if source == "url" else "SleekCMS"
            return render_connect(f"{remote} returned content that is not usable: {error}", 502)
        return render_connect(str(error), 400, pasted)

    built = build_site(content)
    meta = {
        **built.meta,
        "source": label,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    store = get_store()
    previous = connected_sid()
    sid = new_sid()
    store.create(
        sid,
        # msgspec: the same compact UTF-8 JSON as json.dumps, six times faster on big sites.
        content_json=msgspec.json.encode(content),
        meta=meta,
        intents=built.intents,
        theme=built.theme,
        model_fields=built.fields,
    )
    # A new browser-session id on every connect (no session fixation), which is
    # also the site session's id: on Redis both are then read in one call. The
    # previous site goes once the browser session pointing here is saved.
    current_app.session_interface.adopt_id(session, sid, replaces_site=previous)
    session[SITE_SID] = sid
    flash(f"Connected {built.meta['site_name']}.", "success")
    return redirect(url_for("sites.index"), code=303)


@bp.get("/disconnect")
@reads(lambda args, query: ReadPlan())
def confirm_disconnect():
    """Ask before disconnecting (the POST below does it in one step)."""
    if connected_sid() is None:
        return redirect(url_for("sites.index"), code=303)
    _sid, site = require_site()
    return render_template("confirm_disconnect.html", site=site)


@bp.post("/disconnect")
def disconnect():
    """End the site session: delete its keys and clear the browser's session."""
    sid = connected_sid()
    if sid:
        get_store().delete(sid)
    session.clear()
    return redirect(url_for("sites.index"), code=303)
