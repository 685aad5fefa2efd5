"""Template filters and response headers shared by the app's own pages."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime
from pathlib import Path

from flask import Flask, request

from .content import icons
from .content.model.values import http_url

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
    nonce = request.environ.get(NONCE)
    if nonce is None:
        nonce = request.environ[NONCE] = secrets.token_urlsafe(16)
    return nonce


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
    app.jinja_env.globals["app_script"] = static_url(app, "app.js")
    # Static files are named by their content (static_url), so they may be kept long.
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 365 * 24 * 3600
    icons.init_app(app)

    @app.after_request
    def security_headers(response):
        csp = APP_CSP.format(nonce=csp_nonce())
        if request.path.startswith("/frame/"):
            # An error answered to the app's frame: shown there (not refused), its links
            # opening in the whole window (see base.html).
            csp = csp.replace("frame-ancestors 'none'", "frame-ancestors 'self'")
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
