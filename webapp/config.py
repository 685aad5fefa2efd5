"""Read the environment into app settings and decide the storage backend.

This is the only module that reads ``os.environ`` (views and storage never do).
Startup errors from the product contract are collected here so that
``create_app`` and ``flask doctor`` report exactly the same problems.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from . import defaults

REDIS_SCHEMES = ("redis", "rediss", "unix")
BACKENDS = (None, "redis", "memory")  # None: chosen from the URLs
SERVERLESS_MARKERS = ("VERCEL", "AWS_LAMBDA_FUNCTION_NAME", "NETLIFY", "K_SERVICE")


class ConfigError(RuntimeError):
    """The environment cannot give a working app; the message names the fix."""


@dataclass(frozen=True)
class StorageChoice:
    """Which backend serves site sessions, and what in the environment chose it."""

    backend: str  # "redis" or "memory"
    reason: str


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def _positive_int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive, got {value}")
    return value


def _positive_float(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not value > 0:
        raise ConfigError(f"{name} must be positive, got {raw}")
    return value


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict:
    """Return the app's settings read from the environment (no backend decision yet)."""
    environ = os.environ if environ is None else environ
    redis_url, redis_url_var = None, None
    for name in ("REDIS_URL", "KV_URL"):
        if environ.get(name, "").strip():
            redis_url, redis_url_var = environ[name].strip(), name
            break
    app_env = environ.get("APP_ENV", "").strip().lower() or "development"
    ttl = _positive_int(environ, "SESSION_TTL_SECONDS", defaults.SESSION_TTL_SECONDS)
    workers = environ.get("WEBAPP_GUNICORN_WORKERS", "").strip()
    return {
        "APP_ENV": app_env,
        "SECRET_KEY": environ.get("SECRET_KEY") or None,
        "STORAGE_BACKEND": environ.get("STORAGE_BACKEND", "").strip().lower() or None,
        "REDIS_URL": redis_url,
        "REDIS_URL_VAR": redis_url_var,
        "KV_REST_API_ONLY": bool(
            (environ.get("KV_REST_API_URL") or environ.get("KV_REST_API_TOKEN")) and not redis_url
        ),
        "SERVERLESS_PLATFORM": next((m for m in SERVERLESS_MARKERS if environ.get(m)), None),
        # Set by gunicorn.conf.py in the master before workers fork.
        "GUNICORN_WORKERS": int(workers) if workers.isdigit() else None,
        "UNDER_GUNICORN": bool(workers) or "gunicorn.arbiter" in sys.modules,
        "KEY_PREFIX": environ.get("KEY_PREFIX", defaults.KEY_PREFIX),
        "SESSION_TTL_SECONDS": ttl,
        "TTL_REFRESH_SECONDS": _positive_int(
            environ, "TTL_REFRESH_SECONDS", defaults.TTL_REFRESH_SECONDS
        ),
        # The largest document (upload, paste or fetched) a user may connect; the
        # request limit Flask enforces is set from it in create_app.
        "DOCUMENT_LIMIT": _positive_int(environ, "MAX_CONTENT_LENGTH", defaults.MAX_CONTENT_LENGTH),
        "MAX_STORED_PAGES": defaults.MAX_STORED_PAGES,
        # Fetching content (tests use short ones): seconds, and fetches per process.
        "FETCH_CONNECT_TIMEOUT": _positive_float(
            environ, "FETCH_CONNECT_TIMEOUT", defaults.URL_CONNECT_TIMEOUT
        ),
        "FETCH_READ_TIMEOUT": _positive_float(
            environ, "FETCH_READ_TIMEOUT", defaults.URL_READ_TIMEOUT
        ),
        "FETCH_TOTAL_TIMEOUT": _positive_float(
            environ, "FETCH_TOTAL_TIMEOUT", defaults.URL_TOTAL_TIMEOUT
        ),
        "FETCH_CONCURRENCY": _positive_int(
            environ, "FETCH_CONCURRENCY", defaults.FETCH_CONCURRENCY
        ),
        "ALLOW_PRIVATE_URLS": _flag(environ.get("ALLOW_PRIVATE_URLS")),
        "SLEEKCMS_API_BASE": environ.get("SLEEKCMS_API_BASE", "").strip()
        or defaults.SLEEKCMS_API_BASE,
    }


def choose_storage(config: Mapping) -> StorageChoice:
    """Decide the backend from settings, or raise ConfigError listing every problem."""
    problems = find_problems(config)
    if problems:
        raise ConfigError("Cannot start:\n- " + "\n- ".join(problems))
    return decide_storage(config)


def decide_storage(config: Mapping) -> StorageChoice:
    """Return the backend these settings select, without judging whether it can work."""
    forced = config.get("STORAGE_BACKEND")
    url_var = config.get("REDIS_URL_VAR") or "REDIS_URL"
    if forced == "redis":
        source = f" (URL from {url_var})" if config.get("REDIS_URL") else ""
        return StorageChoice("redis", "STORAGE_BACKEND=redis" + source)
    if forced == "memory":
        return StorageChoice("memory", "STORAGE_BACKEND=memory")
    if config.get("REDIS_URL"):
        return StorageChoice("redis", f"{url_var} is set")
    return StorageChoice("memory", "neither REDIS_URL nor KV_URL is set")


def find_problems(config: Mapping) -> list[str]:
    """List every misconfiguration of the contract, each with its fix."""
    problems = []
    forced = config.get("STORAGE_BACKEND")
    url = config.get("REDIS_URL")
    if forced not in BACKENDS:
        problems.append(f"STORAGE_BACKEND must be 'redis' or 'memory', got {forced!r}")
    if config.get("KV_REST_API_ONLY") and forced != "memory":
        problems.append(
            "KV_REST_API_URL/KV_REST_API_TOKEN are HTTP credentials, not a Redis URL: "
            "set KV_URL (or REDIS_URL) to the redis:// or rediss:// URL of your KV store"
        )
    if forced == "redis" and not url:
        problems.append("STORAGE_BACKEND=redis needs REDIS_URL (or KV_URL) to be set")
    if url:
        scheme = urlsplit(url).scheme
        if scheme not in REDIS_SCHEMES:
            var = config.get("REDIS_URL_VAR") or "REDIS_URL"
            problems.append(
                f"{var} must start with redis://, rediss:// or unix://, got {scheme or 'no'} scheme"
            )
    backend = decide_storage(config).backend if not problems else None
    if backend == "memory":
        platform = config.get("SERVERLESS_PLATFORM")
        workers = config.get("GUNICORN_WORKERS") or 0
        if platform:
            problems.append(
                f"the in-memory backend cannot work on a serverless platform ({platform} is set): "
                "every invocation may get a fresh process; set REDIS_URL (or KV_URL)"
            )
        if workers > 1:
            problems.append(
                f"the in-memory backend cannot work with {workers} gunicorn workers: "
                "each worker has its own memory and users would get 'Session not found'; "
                "set REDIS_URL (or run one worker with WEB_CONCURRENCY=1)"
            )
    production = config.get("APP_ENV") == "production"
    if not config.get("SECRET_KEY") and (production or config.get("UNDER_GUNICORN")):
        where = "APP_ENV=production" if production else "gunicorn"
        problems.append(
            f"SECRET_KEY is not set (required with {where}): "
            'set it to a long random value, e.g. python -c "import secrets; '
            'print(secrets.token_hex(32))"'
        )
    return problems
