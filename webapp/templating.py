"""Template filters and response headers shared by the app's own pages."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
LINK_SCHEMES = ("http", "https", "mailto", "tel")
IMAGE_SCHEMES = ("http", "https")

# The app's own pages: no scripts at all, styles inline, images from content.
APP_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def css_color(value, fallback: str) -> str:
    """Return the value if it is a #rrggbb colour, else the fallback (never raw CSS)."""
    return value if isinstance(value, str) and HEX_COLOUR.match(value) else fallback


def safe_url(value, images: bool = False) -> str:
    """Return the URL if its scheme is allowed (http(s), and mailto/tel for links), else ''."""
    if not isinstance(value, str):
        return ""
    value = value.strip()
    try:
        scheme = urlsplit(value).scheme.lower()
    except ValueError:
        return ""
    allowed = IMAGE_SCHEMES if images else LINK_SCHEMES
    return value if scheme in allowed else ""


def init_app(app: Flask) -> None:
    """Register filters and default security headers."""
    app.add_template_filter(css_color, "css_color")
    app.add_template_filter(safe_url, "safe_url")

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", APP_CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
