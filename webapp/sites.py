"""Connecting a site, its home page, and disconnecting."""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
import time

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

from . import ai, defaults, site_actions
from .browser_session import session_was_lost
from .client_limits import limit_connects
from .content.text import sentence
from .demos import DEMOS
from .site_actions import ConnectError, SourceInput, open_site, store_site
from .site_session import SITE_SID, connected_sid, reads, require_site
from .storage import ReadPlan, StorageUnavailable, get_store, new_sid
from .templating import cached_render

bp = Blueprint("sites", __name__)


SOURCES = site_actions.SOURCES
# Pasted text is echoed back into the form after an error only when it is small.
ECHO_LIMIT = 100_000


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


def _home_plan(args, query) -> ReadPlan:
    # With AI on, the home also says how the intents were planned (a small field).
    ai_on = current_app.extensions.get("ai") is not None
    return ReadPlan(page_index=True, fields=(ai.AI_FIELD,) if ai_on else ())


@bp.get("/")
@reads(_home_plan)
def index():
    """Show the connect form, or the connected site's home."""
    if connected_sid() is None:
        return render_connect()
    _sid, site = require_site()
    generated = frozenset(site.page_ids or ())
    raw_record = site.fields.get(ai.AI_FIELD) if ai.get_claude() is not None else None
    record = ai.read_record(raw_record)
    return cached_render(
        (site.state, generated, raw_record),
        "home.html",
        site=site,
        generated=generated,
        ai=record,
        ai_tokens=ai.tokens_used(record),
    )


def _given() -> SourceInput:
    """What the connect form sent."""
    form = request.form
    upload = request.files.get("file")
    return SourceInput(
        source=form.get("source", ""),
        url=form.get("url", ""),
        token=form.get("token", ""),
        pub_token=form.get("pub_token", ""),
        demo=form.get("demo", ""),
        pasted=form.get("json", ""),
        upload=(upload.filename or "", upload.read()) if upload is not None else None,
    )


@bp.post("/connect")
@limit_connects
def connect():
    """Connect a site from one of the sources, then go to its home."""
    source = request.form.get("source", "")
    if source not in SOURCES:
        return render_connect(f"Choose how to connect: one of {', '.join(SOURCES)}.", 400)
    values = _kept_values(source)
    try:
        opened = open_site(_given())
    except ConnectError as error:
        body, status = render_connect(error.message, error.status, source, values)
        retry = {"Retry-After": str(defaults.RETRY_AFTER_SECONDS)} if status == 503 else {}
        return body, status, retry
    built = opened.built
    store = get_store()
    previous = connected_sid()
    sid = new_sid()
    claim = FormClaim(store, _fingerprint(opened.label, opened.raw))
    earlier = claim.earlier(sid)
    if earlier is not None:
        sid = earlier  # the same form sent twice: answer as the first sending did
    else:
        try:
            store_site(store, sid, opened)
        except BaseException:
            claim.release()
            raise
        claim.done(sid)
    # A new browser-session id on every connect (no session fixation), which is
    # also the site session's id: on Redis both are then read in one call. The
    # previous site goes once the browser session pointing here is saved.
    current_app.session_interface.adopt_id(session, sid, replaces_site=previous)
    session[SITE_SID] = sid
    flash(sentence(f"Connected {built.meta['site_name']}"), "success")
    if request.headers.get("X-Upload-Progress") == "1":
        # The page's script sent the upload itself: it goes where a redirect would.
        return jsonify(location=url_for("sites.index"))
    return redirect(url_for("sites.index"), code=303)


# A connect form carries a random nonce: the same form sent twice (a double click, a
# resend after a slow answer) makes one site session, the second sending waiting for the
# first and answering the same. Its state lives briefly under the hash tag of the
# browser session that sent it (``nonce:{SID}:<nonce>``): "pending" while the first
# sending connects, then "done", written under the new site's session id too, where a
# resend carrying the first answer's cookie looks. Only this browser's own keys are ever
# read, and a sending is adopted only when it sent the same content (its fingerprint).
# Value: "<state>:<site id>:<fingerprint>".
NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
NONCE_TTL_SECONDS = 120
PENDING, DONE = "pending", "done"


def pending_seconds() -> float:
    """How long a pending claim lives: the rest of the first sending's connect (storing the
    site, AI planning when on) and a margin. A resend waits exactly that long for it: a
    killed worker's claim ends then, and the resend connects the form itself."""
    seconds = current_app.config["CONNECT_CLAIM_SECONDS"]
    if current_app.extensions.get("ai") is not None:
        seconds += current_app.config["AI_REQUEST_DEADLINE_SECONDS"]
    return seconds


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
        seconds = pending_seconds()
        give_up = time.monotonic() + seconds + 2  # a claim outlives this only if Redis lost time
        while True:
            pending = self._value(PENDING, sid)
            taken = self.store.claim_nonce(session.sid, self.nonce, pending, int(seconds) + 1)
            if taken is None:
                self.claimed = True
                return None  # the first sending (or the first one's claim ran out): connect
            state, other, fingerprint = (taken.split(":") + ["", ""])[:3]
            if fingerprint != self.fingerprint:
                return None  # the nonce sent with other content: connect that, unclaimed
            if state == DONE:
                # Adopted only if it still exists (its browser session may have failed).
                return other if self.store.load(other) is not None else None
            # The earlier sending is connecting: wait for it as long as its claim lives (it
            # lets go on failure; a killed worker's claim runs out, and this one connects).
            if time.monotonic() > give_up:
                abort(409, description="An earlier sending of this form was lost. Send it again.")
            time.sleep(0.1)

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
