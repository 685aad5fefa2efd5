"""Template filters and response headers shared by the app's own pages."""

from __future__ import annotations

import re
from datetime import datetime

from flask import Flask

from .content import icons
from .content.model.values import http_url

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")

# The app's own pages: no scripts at all, styles inline, images from content, generated
# pages framed from this app only.
APP_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; "
    "frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


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


def init_app(app: Flask) -> None:
    """Register filters and default security headers."""
    app.add_template_filter(css_color, "css_color")
    # The same rule that chose the hero image at extraction, applied again at output.
    app.add_template_filter(http_url, "http_url")
    app.add_template_filter(readable_time, "readable_time")
    icons.init_app(app)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", APP_CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
