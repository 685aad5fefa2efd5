"""Template filters and response headers shared by the app's own pages."""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Hashable
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app, get_flashed_messages, render_template, request, session

from .content import icons
from .content.urls import http_url
from .extensions import generate_csrf

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")

# The app's own pages: only our own script (named by this response's nonce), styles
# inline, images from content, generated pages framed from this app only; the upload
# progress of that script posts to the app itself.
APP_CSP = (
    "default-src 'none'; script-src 'nonce-{nonce}'; connect-src 'self'; "
    "style-src 'unsafe-inline'; img-src https: http: data:; frame-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
NONCE = "webapp.csp_nonce"


def csp_nonce() -> str:
    """This response's script nonce (one per request)."""
    environ = request.environ  # one context lookup, not three
    nonce = environ.get(NONCE)
    if nonce is None:
        nonce = environ[NONCE] = secrets.token_urlsafe(16)
    return nonce


class RenderCache:
    """Pages of the app rendered once per change of what they show, per process.

    A page such as the connected home changes only when its site session does
    (connect, generate, regenerate, disconnect), yet rendering it is most of a request's
    CPU (41 ``url_for`` calls, 14 forms, ~50 macro calls). The cache is keyed by
    everything the page shows (the caller's ``key``: the site session's stored state,
    never its id), so an entry can never be stale, and every worker stays correct: a
    worker that has not seen a change renders the new key itself. What differs per
    request is rendered as markers and filled in per request: the CSRF token (one per
    page, not one per form) and the CSP nonce. Markers are random per process, so site
    content cannot contain them. Pages with flashed messages are rendered whole.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self.tokens: OrderedDict[tuple, str] = OrderedDict()  # see csrf_token()
        self.lock = threading.Lock()
        self.csrf_marker = "csrf-" + secrets.token_hex(16)
        self.nonce_marker = "nonce-" + secrets.token_hex(16)
        self.csrf_marker_bytes = self.csrf_marker.encode()
        self.nonce_marker_bytes = self.nonce_marker.encode()

    def render(self, key: Hashable, template: str, **context) -> str | bytes:
        """Render ``template`` with ``context``, or reuse its rendering for ``key``.

        A page from the cache is UTF-8 bytes, kept encoded: filling in the markers and
        sending it then never encodes the page again (a str with one emoji in it is
        four bytes a character in memory, and encoding 20 KB of it each time showed).
        """
        if get_flashed_messages() or self.size <= 0:
            return render_template(template, **context)
        key = (template, request.script_root, key)
        with self.lock:
            html = self.entries.get(key)
            if html is not None:
                self.entries.move_to_end(key)
        if html is None:
            html = render_template(
                template,
                csrf_token=lambda: self.csrf_marker,
                csp_nonce=lambda: self.nonce_marker,
                **context,
            ).encode()
            with self.lock:
                self.entries[key] = html
                while len(self.entries) > self.size:
                    self.entries.popitem(last=False)
        return html.replace(self.csrf_marker_bytes, self.csrf_token().encode()).replace(
            self.nonce_marker_bytes, csp_nonce().encode()
        )

    def csrf_token(self) -> str:
        """This browser session's CSRF token, as Flask-WTF's ``generate_csrf`` makes it,
        signed once per session and process rather than once per request.

        Signing (JSON, zlib, base64 and an HMAC) was a fifth of the home's CPU. With
        ``WTF_CSRF_TIME_LIMIT`` unset (ours: a token is good as long as its session) a
        token signed earlier for the same session token and key is exactly as valid as
        a new one; with a time limit, every request signs afresh.
        """
        config = current_app.config
        field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        raw = session.get(field)
        if config.get("WTF_CSRF_TIME_LIMIT") is not None or not isinstance(raw, str):
            return generate_csrf()
        key = (raw, config.get("WTF_CSRF_SECRET_KEY") or config["SECRET_KEY"])
        with self.lock:
            signed = self.tokens.get(key)
        if signed is None:
            signed = generate_csrf()
            with self.lock:
                self.tokens[key] = signed
                while len(self.tokens) > self.size * 64:
                    self.tokens.popitem(last=False)
        return signed


def cached_render(key: Hashable, template: str, **context) -> str | bytes:
    """Render an app page through the app's render cache (see ``RenderCache``)."""
    return current_app.extensions["render_cache"].render(key, template, **context)


def css_color(value, fallback: str) -> str:
    """Return the value if it is a #rrggbb colour, else the fallback (never raw CSS)."""
    return value if isinstance(value, str) and HEX_COLOUR.fullmatch(value) else fallback


def readable_time(value) -> str:
    """An ISO timestamp as a person reads it ("26 Nov 2026, 14:03 UTC"); other text as is."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value or "")
    zone = " UTC" if moment.utcoffset() is not None and not moment.utcoffset() else ""
    return f"{moment.day} {moment:%b %Y, %H:%M}{zone}"


def static_url(app: Flask, filename: str) -> str:
    """The URL of a static file, named by its content: cached for a year, renamed on change."""
    digest = hashlib.sha256((Path(app.static_folder) / filename).read_bytes()).hexdigest()[:12]
    return f"{app.static_url_path}/{filename}?v={digest}"


def init_app(app: Flask) -> None:
    """Register filters and default security headers."""
    app.add_template_filter(css_color, "css_color")
    # The same rule that chose the hero image at extraction, applied again at output.
    app.add_template_filter(http_url, "http_url")
    app.add_template_filter(readable_time, "readable_time")
    app.add_template_global(csp_nonce, "csp_nonce")
    app.extensions["render_cache"] = RenderCache(app.config["RENDER_CACHE_PAGES"])
    app.jinja_env.globals["app_script"] = static_url(app, "app.js")
    # Static files are named by their content (static_url), so they may be kept long.
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 365 * 24 * 3600
    icons.init_app(app)

    @app.after_request
    def security_headers(response):
        if response.status_code == 304:
            return response  # no content: the browser keeps the headers of what it holds
        headers = response.headers
        if "Content-Security-Policy" not in headers:  # stored pages come with their own
            csp = APP_CSP.format(nonce=csp_nonce())
            if request.path.startswith("/frame/"):
                # An error answered to the app's frame: shown there (not refused), its
                # links opening in the whole window (see base.html).
                csp = csp.replace("frame-ancestors 'none'", "frame-ancestors 'self'")
            headers["Content-Security-Policy"] = csp
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        return response
