"""Storage of site sessions: the one home of the backend choice.

Each backend is one module with a store (``SiteStore``: site sessions and the
browser sessions' values, its own errors turned into ``StorageUnavailable``)
and a backend object that checks its settings, opens the store and tells
``flask doctor`` about it. Adding one is a module plus an entry in BACKENDS.
Views reach the store through :func:`get_store`; nothing else builds clients.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, current_app

from .base import (
    ReadPlan,
    SiteSnapshot,
    SiteStore,
    StorageChoice,
    StorageUnavailable,
    StoredDataDamaged,
    StoreHealth,
    StoreReport,
    chunk_of,
    dump,
    new_sid,
    pointer_in_bucket,
)
from .memory import MemoryBackend
from .redis import RedisBackend
from .stored_page import StoredPage

__all__ = [
    "BACKENDS",
    "ReadPlan",
    "SiteSnapshot",
    "SiteStore",
    "StorageChoice",
    "StorageUnavailable",
    "StoredDataDamaged",
    "StoreHealth",
    "StoreReport",
    "pointer_in_bucket",
    "StoredPage",
    "chunk_of",
    "decide_storage",
    "diagnose",
    "dump",
    "get_store",
    "init_app",
    "new_sid",
    "storage_problems",
]

BACKENDS = {backend.name: backend for backend in (RedisBackend(), MemoryBackend())}


def decide_storage(config: Mapping) -> StorageChoice | None:
    """Return the backend these settings select (None for an unknown STORAGE_BACKEND)."""
    forced = config.get("STORAGE_BACKEND")
    url_var = config.get("REDIS_URL_VAR") or "REDIS_URL"
    if forced is not None:
        if forced not in BACKENDS:
            return None
        source = f" (URL from {url_var})" if forced == "redis" and config.get("REDIS_URL") else ""
        return StorageChoice(forced, f"STORAGE_BACKEND={forced}{source}")
    if config.get("REDIS_URL"):
        return StorageChoice("redis", f"{url_var} is set")
    return StorageChoice("memory", "neither REDIS_URL nor KV_URL is set")


def storage_problems(config: Mapping) -> list[str]:
    """List every storage misconfiguration, each with its fix."""
    choice = decide_storage(config)
    if choice is None:
        names = " or ".join(f"'{name}'" for name in BACKENDS)
        forced = config.get("STORAGE_BACKEND")
        return [f"STORAGE_BACKEND must be {names}, got {forced!r}"]
    problems = []
    for name, backend in BACKENDS.items():
        problems += backend.problems(config, chosen=name == choice.backend)
    return problems


def diagnose(config: Mapping) -> tuple[StorageChoice | None, StoreReport]:
    """Return the choice and what its backend reports (``flask doctor``)."""
    choice = decide_storage(config)
    if choice is None:
        return None, StoreReport(healthy=False)
    return choice, BACKENDS[choice.backend].diagnose(config)


def init_app(app: Flask, choice: StorageChoice) -> SiteStore:
    """Open the chosen backend's store and attach it to the app."""
    store = BACKENDS[choice.backend].open(app.config, choice)
    store.strict_reads = bool(app.config.get("TESTING"))
    app.config["STORAGE_CHOICE"] = choice
    app.extensions["site_store"] = store
    return store


def get_store() -> SiteStore:
    """Return the current app's site-session store."""
    return current_app.extensions["site_store"]
