"""Which site session the browser is connected to, and reading it.

Each view that reads the site session declares *what* it reads with
``@reads(plan)``. The plan is known before the view runs, so that on Redis the
browser session and the site session are read together, in one round trip,
when the browser session is opened (see ``browser_session``); ``require_site``
then hands the view what was read, or reads it now (SimpleCache, or no prefetch).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import replace

from flask import Flask, Request, current_app, request, session
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException

from .content.parse import ContentError, parse_json
from .revalidation import known_validators
from .storage import (
    ReadPlan,
    SiteSnapshot,
    StorageUnavailable,
    StoredDataDamaged,
    get_store,
)

SITE_SID = "site_sid"
PREFETCHED = "webapp.prefetched_site"
MATCHED = "webapp.matched_route"  # (rule, view args) or the routing HTTPException
DAMAGED = "webapp.damaged_session"  # a session of this request was ended: its data was damaged
DAMAGED_REASON = (
    "This site session's stored data was damaged (a value in storage could not be read), "
    "so the session has been ended."
)

log = logging.getLogger(__name__)

PlanOf = Callable[[Mapping, Mapping], ReadPlan]


class SessionNotFound(Exception):
    """The browser points at a site session that does not exist (any more)."""


def end_damaged(damage: StoredDataDamaged) -> SessionNotFound:
    """End the site session a damaged value belongs to, as a lost one: its keys are deleted
    and the damage logged (once: one line, no traceback). Returns what to answer.

    The one place where damaged data becomes "Session not found" (the error handler of
    StoredDataDamaged, and the browser session's own decoding, call it).
    """
    sid = damage.sid or connected_sid()
    damage.sid = sid
    log.warning(
        "Site session %s… ended: its stored data was damaged (%s: %s)",
        (sid or "?")[:8],
        damage.where(),
        damage,
    )
    if sid:
        with contextlib.suppress(StorageUnavailable):  # else its keys expire with their TTL
            get_store().delete(sid)
    request.environ[DAMAGED] = True
    return SessionNotFound(DAMAGED_REASON)


def session_was_damaged() -> bool:
    """Whether a session of this request was ended because its stored data was damaged."""
    return bool(request.environ.get(DAMAGED))


def reads(plan_of: PlanOf, *, revalidates: bool = False, serves_stored: bool = False):
    """Declare what a view reads: ``plan_of(view_args, query_args) -> ReadPlan``.

    A view that ``revalidates`` answers a matching If-None-Match with 304: the pages it
    reads come without their body when the request already holds them. A view that
    ``serves_stored`` pages as they are reads nothing else when they are all stored
    (``ReadPlan.stored_only``).
    """

    def decorate(view):
        view.read_plan = plan_of
        view.revalidates = revalidates
        view.serves_stored = serves_stored
        return view

    return decorate


def planned_read(app: Flask, req: Request, view_args: Mapping | None = None) -> ReadPlan | None:
    """Return the read plan of the view this request goes to, or None if it reads nothing.

    Before routing (while the browser session opens) the URL is matched here;
    a request that matches no route, or whose plan cannot be made from its
    arguments, reads nothing ahead and the view decides.
    """
    if req.method == "OPTIONS":  # answered by Flask itself: no view runs
        return None
    try:
        if view_args is None:
            rule, view_args = match_url(req)
            endpoint = rule.endpoint
        else:
            endpoint = req.endpoint
        view = app.view_functions.get(endpoint)
        plan_of = getattr(view, "read_plan", None)
        if plan_of is None:
            return None
        plan = plan_of(view_args, req.args)
        if plan is None:  # this request reads nothing ahead (a redirect, say)
            return None
        changes = {"stored_only": True} if view.serves_stored else {}
        if view.revalidates and (plan.page_first or plan.page_ids):
            known = known_validators(req)
            if known:
                changes["known_etags"] = known
        return replace(plan, **changes) if changes else plan
    except (HTTPException, ValueError, KeyError):
        return None


def match_url(req: Request) -> tuple:
    """Match the request's URL with the adapter Flask made for it; keep the result.

    Flask's own routing then reuses it (``MatchedOnceContext``): one match per request.
    Raises the routing HTTPException (404, 405, a redirect) as Flask would.
    """
    matched = req.environ.get(MATCHED)
    if matched is None:
        try:
            matched = request_ctx.url_adapter.match(return_rule=True)
        except HTTPException as error:
            matched = error
        req.environ[MATCHED] = matched
    if isinstance(matched, HTTPException):
        raise matched
    return matched


def prefetched(sid: str, plan: ReadPlan, snapshot: SiteSnapshot | StoredDataDamaged | None) -> None:
    """Keep what was read with the browser session for the view of this request (or the
    damage found in it, raised when the view asks for the site: see ``require_site``)."""
    # On the request itself: g may outlive it when an outer app context is pushed.
    request.environ[PREFETCHED] = (sid, plan, snapshot)


def connected_sid() -> str | None:
    """Return the id of the site session this browser is connected to."""
    sid = session.get(SITE_SID)
    return sid if isinstance(sid, str) and sid else None


def require_site() -> tuple[str, SiteSnapshot]:
    """Return the connected site session as the view's plan reads it, or raise SessionNotFound."""
    sid = connected_sid()
    if sid is None:
        raise SessionNotFound("This browser is not connected to a site.")
    ahead = request.environ.pop(PREFETCHED, None)
    if ahead is not None and ahead[0] == sid:
        # Read with the browser session, as this view's plan said (same request, same match).
        _sid, plan, snapshot = ahead
        return sid, load_site(sid, plan, snapshot)
    plan = planned_read(current_app, request, request.view_args or {}) or ReadPlan()
    return sid, load_site(sid, plan)


_UNREAD = object()


def load_site(sid: str, plan: ReadPlan, read=_UNREAD) -> SiteSnapshot:
    """Read a site session as ``plan`` says (or take what was ``read`` ahead), a half
    session repaired: the one way the app, the API and the export load a site.

    Raises SessionNotFound when it is gone, StoredDataDamaged when it cannot be decoded.
    """
    snapshot = get_store().load(sid, plan) if read is _UNREAD else read
    if isinstance(snapshot, StoredDataDamaged):
        raise snapshot
    if snapshot is None:
        raise SessionNotFound("The site session has expired or was disconnected.")
    if snapshot.missing:
        snapshot = _repaired(sid, plan, snapshot)
    return snapshot


def _repaired(sid: str, plan: ReadPlan, half: SiteSnapshot) -> SiteSnapshot:
    """Derive a half session's missing intents or theme again from its content, or end it.

    Keys go missing one by one when Redis evicts them or an operator deletes
    them; the content is what everything else is made from.
    """
    from .content.model.build import build_site  # rare: the model loads only to repair

    store = get_store()
    whole = store.load(sid, ReadPlan(content=True))
    if whole is not None and whole.content_json:
        built = build_site(content_of(sid, whole.content_json))
        if store.repair(sid, intents=built.intents, theme=built.theme):
            log.warning(
                "Site session %s… had lost its %s: derived again from its content",
                sid[:8],
                " and ".join(half.missing),
            )
            repaired = store.load(sid, plan)
            if repaired is not None and not repaired.missing:
                return repaired
    store.delete(sid)
    raise SessionNotFound(
        "The site session was incomplete (part of it was removed from storage) and has been ended."
    )


def content_of(sid: str, content_json: str):
    """The site's content as read, decoded as a connect reads a document (nesting bounded);
    StoredDataDamaged when it does not read."""
    try:
        return parse_json(content_json)
    except ContentError as error:
        raise StoredDataDamaged(
            get_store().keys(sid).session, f"not content ({error})", field="content"
        ) from None
