"""The JSON API of the page generator's single-page frontend (``/api/*``), on our sessions.

Same storage, content model and code paths as the HTML app (``site_actions``,
``pages``). The frontend asks for pages without naming its session, so a
browser is bound to the site session it connected (or proved it holds: a
256-bit id) by a signed cookie of the API's own, set only for requests from
this app's own origin. See docs/api.md.
"""

from __future__ import annotations

import html
import json

from flask import Blueprint, current_app, jsonify, render_template, request
from itsdangerous import BadSignature, URLSafeSerializer

from .browser_session import SID_FORMAT
from .client_limits import limit_connects
from .content.fragment import to_fragment
from .content.page_files import PageRef, detail_page_id, listing_page_id, parse_page_id
from .content.parse import ContentError, parse_json
from .content.urls import http_url
from .page_making import (
    PageNotFound,
    generate_read_plan,
    make_intent_page,
    page_or_make,
    page_read_plan,
)
from .site_actions import ConnectError, SourceInput, open_site, store_site
from .site_session import SessionNotFound, load_site
from .storage import ReadPlan, SiteSnapshot, StoredPage, get_store, new_sid
from .templating import css_color

bp = Blueprint("api", __name__, url_prefix="/api")

BINDING_COOKIE = "site_pages_api"
SITE_DATA_LIMIT = 1024 * 1024  # siteData is the content itself below this size
DEFAULT_THEME = {
    "primary": "#3b82f6",
    "secondary": "#8b5cf6",
    "accent": "#f59e0b",
    "background": "#ffffff",
    "text": "#1f2937",
}


class ApiError(Exception):
    """An answer ``{"error": message}`` with this status."""

    def __init__(self, message: str, status: int, **extra) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.extra = extra


def init_app(app) -> None:
    """Register the API; it takes no form tokens (see ``_guard``)."""
    from .extensions import csrf

    csrf.exempt(bp)
    app.register_blueprint(bp)


# ---------------------------------------------------------------------------
# Guards: CSRF by content type and origin, CORS for listed origins only.


def _is_own_origin(origin: str) -> bool:
    """Whether ``origin`` names this app: same host and port, http or https.

    The scheme is not compared: behind a TLS-terminating proxy (Vercel, Heroku, a load
    balancer) the app sees http while the browser sends ``Origin: https://…``. A page on
    another site cannot send our host as its Origin, so the host is what matters.
    """
    scheme, _, host = origin.partition("://")
    return scheme in ("http", "https") and host == request.host


def _allowed_origins() -> set[str]:
    return set(current_app.config["API_ALLOWED_ORIGINS"])


@bp.before_request
def _guard():
    """POSTs must be JSON (a form cannot send that cross-site) from an allowed origin."""
    origin = request.headers.get("Origin")
    if origin and not _is_own_origin(origin) and origin not in _allowed_origins():
        raise ApiError("This origin may not use the API.", 403)
    if request.method == "OPTIONS":
        return current_app.response_class(status=204)
    if request.method == "POST" and not request.is_json:
        raise ApiError("Send the request body as JSON (Content-Type: application/json).", 415)
    return None


@bp.after_request
def _cors(response):
    origin = request.headers.get("Origin")
    if origin and origin in _allowed_origins():
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = "GET, POST"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
        response.vary.add("Origin")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    return jsonify(error=html.escape(error.message), **error.extra), error.status


def error_answer(message: str, status: int, **headers):
    """A JSON error answer (used by the app's error handlers for /api/ paths)."""
    return jsonify(error=html.escape(message)), status, headers


# ---------------------------------------------------------------------------
# The binding of a browser to its site session.


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="site-pages-api-binding")


def _same_origin() -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    return origin is not None and _is_own_origin(origin)


def _bind(response, sid: str):
    """Bind this browser to ``sid`` for the id-less routes (same-origin requests only)."""
    if _same_origin():
        response.set_cookie(
            BINDING_COOKIE,
            _serializer().dumps(sid),
            max_age=current_app.config["SESSION_TTL_SECONDS"],
            path="/api",
            httponly=True,
            samesite="Lax",
            secure=current_app.config["APP_ENV"] == "production",
        )
    return response


def _bound_sid() -> str | None:
    raw = request.cookies.get(BINDING_COOKIE)
    if not raw:
        return None
    try:
        sid = _serializer().loads(raw)
    except BadSignature:
        return None
    return sid if isinstance(sid, str) and SID_FORMAT.fullmatch(sid) else None


# ---------------------------------------------------------------------------
# Reading requests and writing answers.


def _body() -> dict:
    """The POST body: a JSON object, read as the connect forms read a document.

    Not ``request.get_json``: the standard library's decoder recurses once per level of
    nesting (a body of 100,000 ``[`` was a ``RecursionError``) and takes lone surrogates
    (``"\\ud800"``), which no later step can encode. ``parse_json`` refuses both, and
    anything else that is not JSON, with a message saying what is wrong (400).
    """
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise ApiError("The request body must be a JSON object.", 400)
    try:
        data = parse_json(raw)
    except ContentError as error:
        raise ApiError(f"The request body is not usable. {error}", 400) from None
    if not isinstance(data, dict):
        raise ApiError("The request body must be a JSON object.", 400)
    return data


def _text(data: dict, name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""  # text: _body refused surrogates


def _required(data: dict, *names: str) -> list[str]:
    values = [_text(data, name) for name in names]
    if not all(values):
        raise ApiError("Missing required fields", 400)
    return values


def _site(sid: str, plan: ReadPlan | None = None) -> SiteSnapshot:
    """The site session ``sid`` as ``plan`` reads it (repaired if half), or a 404."""
    try:
        if SID_FORMAT.fullmatch(sid):
            return load_site(sid, plan or ReadPlan())
    except SessionNotFound:
        pass
    raise ApiError("Session not found", 404, sessionId=sid[:64])


def _escaped(value) -> str:
    return html.escape(value if isinstance(value, str) else "")


def _intents(site: SiteSnapshot) -> list[dict]:
    """The intents as the frontend inserts them: non-empty, HTML-escaped strings."""
    out = []
    for intent in site.intents:
        out.append(
            {
                "id": intent["id"],
                "title": _escaped(intent.get("title")) or intent["id"],
                "description": _escaped(intent.get("description")) or _escaped(intent["title"]),
                "icon": _escaped(intent.get("icon")) or "📄",
                "dataPath": _escaped(intent.get("dataPath")) or intent["id"],
            }
        )
    return out


def _site_answer(sid: str, site: SiteSnapshot) -> dict:
    meta = site.meta
    theme = {
        name: css_color(site.theme.get(name), default) for name, default in DEFAULT_THEME.items()
    }
    return {
        "sessionId": sid,
        "siteName": _escaped(meta["site_name"]) or "Site",
        "heroData": {
            "title": _escaped(meta["hero_title"] or meta["site_name"]),
            "subtitle": _escaped(meta["hero_subtitle"]),
            "image": _escaped(http_url(meta["hero_image"]) or ""),
        },
        "intents": _intents(site),
        "themeColors": theme,
    }


def _source(data: dict) -> SourceInput:
    """The source a connect names: a SleekCMS pub token, or (extensions) content, a URL,
    a demo."""
    if _text(data, "pubToken"):
        return SourceInput(source="sleekcms", pub_token=_text(data, "pubToken"))
    if "content" in data:
        content = data["content"]
        pasted = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
        return SourceInput(source="paste", pasted=pasted)
    if _text(data, "url"):
        return SourceInput(source="url", url=_text(data, "url"), token=_text(data, "token"))
    if _text(data, "demo"):
        return SourceInput(source="demo", demo=_text(data, "demo"))
    raise ApiError("Pub token is required", 400)


# ---------------------------------------------------------------------------
# Routes.


@bp.post("/connect")
@limit_connects
def connect():
    """Connect a site (the same path as the connect form) and bind this browser to it."""
    given = _source(_body())
    try:
        opened = open_site(given)
    except ConnectError as error:
        headers = {"Retry-After": "5"} if error.status == 503 else {}
        return error_answer(error.message, error.status, **headers)
    sid = new_sid()
    store_site(get_store(), sid, opened)
    site = _site(sid)
    size = len(opened.raw) if isinstance(opened.raw, bytes) else len(opened.raw.encode())
    site_data = opened.content if size < SITE_DATA_LIMIT else {"truncated": True, "bytes": size}
    answer = {**_site_answer(sid, site), "siteData": site_data, "message": "Connected successfully"}
    return _bind(jsonify(answer), sid)


@bp.get("/session/<sid>")
def session_status(sid: str):
    """A site session's state (holding its id is proof enough to be bound to it)."""
    site = _site(sid)
    answer = {"success": True, **_site_answer(sid, site), "message": "Session is active"}
    return _bind(jsonify(answer), sid)


def _generate(replace: bool):
    sid, intent_id, _data_path = _required(_body(), "sessionId", "intentId", "dataPath")
    # The stored intent's dataPath is used, never the body's: a client cannot redirect reads.
    site = _site(sid, generate_read_plan(intent_id))
    intent = site.intent(intent_id)
    if intent is None:
        raise ApiError("Intent not found", 404)
    already = intent_id in (site.page_ids or ())
    if not make_intent_page(sid, site, intent, replace=replace):
        raise ApiError("Session not found", 404, sessionId=sid)
    if replace:
        message = "Page regenerated successfully"
    else:
        message = "Page already generated" if already else "Page generated successfully"
    answer = {"success": True, "intentId": intent_id, "hash": f"#{intent_id}", "message": message}
    return _bind(jsonify(answer), sid)


@bp.post("/generate-page")
def generate_page():
    return _generate(replace=False)


@bp.post("/regenerate-page")
def regenerate_page():
    return _generate(replace=True)


def _made_page(sid: str, named: PageRef) -> tuple[StoredPage, bool]:
    """A page made on view, on the app's one path (``pages.page_or_make``), and whether it
    was stored before; ApiError 404 when there is no such intent or item."""
    site = _site(sid, page_read_plan(named))
    page_id = (
        detail_page_id(named.intent_id, named.item_id)
        if named.item_id is not None
        else listing_page_id(named.intent_id, named.page)
    )
    try:
        _intent, page = page_or_make(sid, site, named)
    except PageNotFound as missing:
        if missing.intent_missing:
            raise ApiError("Intent not found", 404) from None
        raise ApiError(f"Item not found: {(named.item_id or '')[:80]}", 404) from None
    return page, page_id in site.pages


@bp.post("/generate-detail-page")
def generate_detail_page():
    """Make an item's detail page (``itemData`` is ignored: items are found by id)."""
    sid, intent_id, item_id = _required(_body(), "sessionId", "intentId", "itemId")
    _page, stored = _made_page(sid, PageRef(intent_id, item_id))
    page_id = detail_page_id(intent_id, item_id)
    message = "Detail page already generated" if stored else "Detail page generated successfully"
    answer = {"success": True, "detailPageId": page_id, "hash": f"#{page_id}", "message": message}
    return _bind(jsonify(answer), sid)


def _page_html(sid: str, page_id: str) -> str | None:
    """The stored (or, for listing and detail pages, made) page with this id, or None."""
    named = parse_page_id(page_id)
    if named is None:
        return None
    if named.item_id is None and named.page == 1:  # an intent's page: generated, or not
        page = _site(sid, ReadPlan(page_ids=(page_id,))).pages.get(page_id)
        return page.html if page else None
    try:
        return _made_page(sid, named)[0].html
    except ApiError as error:
        if error.status == 404 and "Session" not in error.message:
            return None
        raise


@bp.get("/page/<page_id>")
def page(page_id: str):
    """A generated page as a fragment, for the browser's bound site session."""
    sid = _bound_sid()
    found = _page_html(sid, page_id) if sid else None
    if found is None:
        raise ApiError("Page not found", 404)
    return jsonify(html=to_fragment(found))


@bp.get("/page-status/<page_id>")
def page_status(page_id: str):
    """Whether the bound site session has this page (false without a binding)."""
    sid = _bound_sid()
    if sid is None:
        return jsonify(generated=False)
    site = get_store().load(sid, ReadPlan(page_index=True))
    return jsonify(generated=site is not None and page_id in (site.page_ids or ()))


@bp.post("/disconnect")
def disconnect():
    """End a site session: every key of it goes (and this browser's binding to it)."""
    data = _body()
    sid = _text(data, "sessionId")
    if not sid:
        raise ApiError("Session ID is required", 400)
    if SID_FORMAT.fullmatch(sid):
        get_store().delete(sid)
    response = jsonify(success=True, message="Disconnected successfully")
    if _bound_sid() == sid:
        response.delete_cookie(BINDING_COOKIE, path="/api")
    return response


@bp.get("/demo")
def demo():
    """A minimal client of this API (how a single-page frontend drives it)."""
    return render_template("api_demo.html")
