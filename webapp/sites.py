"""Connecting a site, its home page, and disconnecting."""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime

import msgspec
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from . import defaults
from .browser_session import session_was_lost
from .content.fetch import FetchError, fetch_content, fetch_sleekcms, parse_pub_token
from .content.model.build import build_site
from .content.parse import ContentError, parse_content
from .demos import DEMOS, load_demo
from .site_session import SITE_SID, connected_sid, reads, require_site
from .storage import ReadPlan, StorageUnavailable, get_store, new_sid

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


def render_connect(
    error: str | None = None,
    status: int = 200,
    failed: str = "general",
    values: dict | None = None,
):
    """Render the connect form; after an error, next to the form that failed, input kept."""
    return (
        render_template(
            "connect.html",
            demos=DEMOS,
            error=error,
            failed=failed,
            values=values or {},
            nonce=secrets.token_urlsafe(16),
            lost=session_was_lost() and not error,
        ),
        status,
    )


def connect_form_expired():
    """The connect form came with a stale token (its session ended): show it again, input kept."""
    source = request.form.get("source", "")
    return render_connect(
        "This form could not be used: its security token was missing or had expired (the "
        "session it belonged to may have ended). Your input is kept below: send it again.",
        400,
        source if source in SOURCES else "general",
        _kept_values(source),
    )


def _kept_values(source: str) -> dict:
    """What the user typed, to show again after an error (never a secret: see the README)."""
    form = request.form
    pasted = form.get("json", "") if source == "paste" else ""
    return {
        "demo": form.get("demo", ""),
        "url": form.get("url", "").strip()[:2000],
        "had_token": bool(form.get("token", "").strip()),
        "pub_token": form.get("pub_token", "").strip()[:200],
        "pasted": pasted if len(pasted) <= ECHO_LIMIT else "",
    }


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
    if source not in SOURCES:
        return render_connect(f"Choose how to connect: one of {', '.join(SOURCES)}.", 400)
    values = _kept_values(source)
    try:
        raw, label = _read_source(source)
        size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "replace"))
        if size > current_app.config["DOCUMENT_LIMIT"]:
            abort(413)
        content = parse_content(raw)
    except (ConnectError, FetchError) as error:
        body, status = render_connect(error.message, error.status, source, values)
        retry = {"Retry-After": str(defaults.RETRY_AFTER_SECONDS)} if status == 503 else {}
        return body, status, retry
    except ContentError as error:
        if source in REMOTE_SOURCES:
            # The user's request was fine; what the remote sent back is not usable.
            remote = "The URL" if source == "url" else "SleekCMS"
            message = f"{remote} returned content that is not usable: {error}"
            return render_connect(message, 502, source, values)
        return render_connect(str(error), 400, source, values)

    built = build_site(content)
    meta = {
        **built.meta,
        "source": label,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    store = get_store()
    previous = connected_sid()
    sid = new_sid()
    claim = FormClaim(store, _fingerprint(label, raw))
    earlier = claim.earlier(sid)
    if earlier is not None:
        sid = earlier  # the same form sent twice: answer as the first sending did
    else:
        try:
            store.create(
                sid,
                # msgspec: the same compact UTF-8 JSON as json.dumps, six times faster.
                content_json=msgspec.json.encode(content),
                meta=meta,
                intents=built.intents,
                theme=built.theme,
                model_fields=built.fields,
            )
        except BaseException:
            claim.release()
            raise
        claim.done(sid)
    # A new browser-session id on every connect (no session fixation), which is
    # also the site session's id: on Redis both are then read in one call. The
    # previous site goes once the browser session pointing here is saved.
    current_app.session_interface.adopt_id(session, sid, replaces_site=previous)
    session[SITE_SID] = sid
    flash(f"Connected {built.meta['site_name']}.", "success")
    if request.headers.get("X-Upload-Progress") == "1":
        # The page's script sent the upload itself: it goes where a redirect would.
        return jsonify(location=url_for("sites.index"))
    return redirect(url_for("sites.index"), code=303)


# A connect form carries a random nonce: the same form sent twice (a double click, a
# resend after a slow answer) makes one site session, the second sending waiting for the
# first and answering the same. Its state lives briefly under the hash tag of the
# browser session that sent it (``nonce:{SID}:<nonce>``): "pending:<site>" while the
# first sending connects (short-lived, so a killed worker frees it), then
# "done:<site>", written under the new site's session id too, where a resend carrying
# the first answer's cookie looks. Only this browser's own keys are ever read, and a
# sending is adopted only when it sent the same content ("<fingerprint>").
NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
NONCE_TTL_SECONDS = 120
PENDING_TTL_SECONDS = 15  # longer than a connect's storage write (REDIS_BULK_TIMEOUT)
PENDING, DONE = "pending", "done"


class FormClaim:
    """One connect form's claim: which sending makes the site session."""

    def __init__(self, store, fingerprint: str) -> None:
        nonce = request.form.get("nonce", "")
        self.store = store
        self.nonce = nonce if NONCE.fullmatch(nonce) else None
        self.fingerprint = fingerprint
        self.claimed = False

    def _value(self, state: str, sid: str) -> str:
        return f"{state}:{sid}:{self.fingerprint}"

    def earlier(self, sid: str) -> str | None:
        """Claim the form for the new site ``sid``, or return the site an earlier sending
        of this same form (same content) made, waiting for it while it connects."""
        if self.nonce is None:
            return None
        deadline = time.monotonic() + current_app.config["FETCH_TOTAL_TIMEOUT"]
        while True:
            taken = self.store.claim_nonce(
                session.sid, self.nonce, self._value(PENDING, sid), PENDING_TTL_SECONDS
            )
            if taken is None:
                self.claimed = True
                return None  # the first sending: connect now
            state, _, rest = taken.partition(":")
            other, _, fingerprint = rest.partition(":")
            if fingerprint != self.fingerprint:
                return None  # the nonce sent with other content: connect that, unclaimed
            if state == DONE:
                # Adopted only if it still exists (its browser session may have failed).
                return other if self.store.load(other) is not None else None
            if time.monotonic() > deadline:
                abort(409, description="This form is still being connected; reload the page.")
            time.sleep(0.1)  # the earlier sending is connecting (a failed one lets go)

    def done(self, sid: str) -> None:
        """The site is stored: say so here and under the new browser session's id."""
        if self.claimed:
            for tag in (session.sid, sid):
                self.store.set_nonce(tag, self.nonce, self._value(DONE, sid), NONCE_TTL_SECONDS)

    def release(self) -> None:
        """The connect failed: the next sending of the form connects anew."""
        if self.claimed:
            with contextlib.suppress(StorageUnavailable):
                self.store.set_nonce(session.sid, self.nonce, None)


def _fingerprint(label: str, raw: bytes | str) -> str:
    """What was connected: the source and a digest of the document."""
    data = raw if isinstance(raw, bytes) else raw.encode("utf-8", "replace")
    return hashlib.sha256(label.encode() + b"\0" + data).hexdigest()[:24]


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
