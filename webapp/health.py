"""``GET /healthz``: which backend, is it reachable, how fast (sets no cookie)."""

from __future__ import annotations

import time

from flask import Blueprint, current_app, jsonify

from . import defaults
from .storage import StorageUnavailable, get_store

bp = Blueprint("health", __name__)


@bp.get("/favicon.ico")
def favicon():
    """Answer browsers' favicon probe (generated pages name none) without touching storage."""
    return "", 204, {"Cache-Control": "public, max-age=86400"}


@bp.get("/healthz")
def healthz():
    """Report backend reachability and latency; 200 when usable, 503 when not."""
    store = get_store()
    started = time.perf_counter()
    try:
        store.ping()
        reachable, error = True, None
    except StorageUnavailable as failure:
        # The kind of failure only: the message would show internal hosts and ports.
        reachable, error = False, type(failure.__cause__ or failure).__name__
    latency_ms = round((time.perf_counter() - started) * 1000, 2)
    body = {
        "status": "ok" if reachable else "unavailable",
        "backend": store.backend_name,
        "chosen_by": current_app.config["STORAGE_CHOICE"].reason,
        "reachable": reachable,
        "latency_ms": latency_ms,
    }
    if error:
        body["error"] = error
    response = jsonify(body)
    response.status_code = 200 if reachable else 503
    response.headers["Cache-Control"] = "no-store"
    if not reachable:
        response.headers["Retry-After"] = str(defaults.RETRY_AFTER_SECONDS)
    return response
