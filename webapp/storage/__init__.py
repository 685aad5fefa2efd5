"""Storage of site sessions, chosen once at startup (see ``webapp.config``).

Views reach the store through :func:`get_store`; nothing else builds clients.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app

from .. import config as app_config
from .base import (
    ReadPlan,
    SiteSnapshot,
    SiteStore,
    StorageUnavailable,
    chunk_of,
    dump,
    new_sid,
)
from .memory import MemorySiteStore, make_cache
from .redis import OUTAGE_ERRORS, RedisSiteStore, make_client

__all__ = [
    "OUTAGE_ERRORS",
    "ReadPlan",
    "SiteSnapshot",
    "SiteStore",
    "StorageUnavailable",
    "chunk_of",
    "get_store",
    "init_app",
    "dump",
    "new_sid",
]

log = logging.getLogger(__name__)


def init_app(app: Flask) -> SiteStore:
    """Choose the backend from the app's config, build it and attach it to the app."""
    choice = app_config.choose_storage(app.config)
    ttl = app.config["SESSION_TTL_SECONDS"]
    prefix = app.config["KEY_PREFIX"]
    if choice.backend == "redis":
        store = RedisSiteStore(
            make_client(app.config["REDIS_URL"]), ttl_seconds=ttl, key_prefix=prefix
        )
    else:
        store = MemorySiteStore(
            make_cache(ttl),
            ttl_seconds=ttl,
            key_prefix=prefix,
            refresh_seconds=app.config["TTL_REFRESH_SECONDS"],
        )
        log.warning(
            "Site sessions are kept in this process's memory (%s). Fine for `flask run`; "
            "set REDIS_URL before running several workers or deploying.",
            choice.reason,
        )
    app.config["STORAGE_CHOICE"] = choice
    app.extensions["site_store"] = store
    return store


def get_store() -> SiteStore:
    """Return the current app's site-session store."""
    return current_app.extensions["site_store"]
