"""Absolute http(s) URLs from content, or nothing: the one check every link and image passes.

Light on purpose: the app's templates use it on every page, without loading the model.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

MAX_URL = 2_048
_URL_FORBIDDEN = re.compile(r"[\s\"'<>\\`{}|^]")


def http_url(value: Any) -> str:
    """Return ``value`` if it is a plain absolute http(s) URL (``//x`` becomes https), else ``""``.

    ``javascript:``, ``data:``, relative paths and anything with quotes, spaces
    or angle brackets are refused.
    """
    if not isinstance(value, str) or len(value) > MAX_URL:
        return ""
    url = value.strip()
    if url.startswith("//"):
        url = "https:" + url
    if not url or _URL_FORBIDDEN.search(url) or not url.isprintable():
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    if not url.lower().startswith(parts.scheme.lower() + "://"):
        return ""
    return url
