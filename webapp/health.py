"""``GET /healthz``: which backend, is it reachable, how fast (sets no cookie)."""

from __future__ import annotations

import time

from flask import Blueprint, current_app, jsonify

from . import defaults
from .storage import get_store

bp = Blueprint("health", __name__)


@bp.get("/favicon.ico")
def favicon():
    """Answer browsers' favicon probe (generated pages name none) without touching storage."""
    return "", 204, {"Cache-Control": "public, max-age=86400"}


@bp.get("/healthz")
def healthz():
    """Report the store's mode, reachability, writability and latency.

    200 whenever storage answers, even when it refuses writes ("degraded"): reads
    still work, and a platform should not pull every instance for it. 503 only
    when it cannot be reached at all.
    """
    store = get_store()
    started = time.perf_counter()
    health = store.health()
    latency_ms = round((time.perf_counter() - started) * 1000, 2)
    _count_recent_refusal(store, health)
    if not health.reachable:
        status = "unavailable"
    elif not health.writable or health.replication == "degraded":
        status = "degraded"
    else:
        status = "ok"
    body = {
        "status": status,
        "backend": store.backend_name,
        "mode": health.mode,
        "chosen_by": current_app.config["STORAGE_CHOICE"].reason,
        "reachable": health.reachable,
        "writable": health.writable,
        "latency_ms": latency_ms,
    }
    if health.reason:
        body["reason"] = health.reason
    if health.replication:
        body["replication"] = health.replication
    response = jsonify(body)
    response.status_code = 200 if health.reachable else 503
    response.headers["Cache-Control"] = "no-store"
    if not health.reachable:
        response.headers["Retry-After"] = str(defaults.RETRY_AFTER_SECONDS)
    return response


def _count_recent_refusal(store, health) -> None:
    """Not writable when storage refused a change lately, even if the probe's key got in.

    The probe writes a few bytes; a Redis at its memory limit may take those and still
    refuse every new site, so a refusal seen by this process counts for a while.
    """
    window = current_app.config.get(
        "HEALTH_REFUSAL_WINDOW_SECONDS", defaults.HEALTH_REFUSAL_WINDOW_SECONDS
    )
    refused = store.recent_refusal(window)
    if health.reachable and health.writable and refused:
        health.writable = False
        health.reason = refused
