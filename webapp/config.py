"""Read the environment into app settings, and name every misconfiguration.

This is the only module that reads ``os.environ`` (views and storage never do).
Startup errors from the product contract are collected here so that
``create_app`` and ``flask doctor`` report exactly the same problems; which
storage backend the settings select, and what is wrong with its settings, is
decided in ``webapp.storage``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from . import defaults
from .storage import StorageChoice, decide_storage, storage_problems

SERVERLESS_MARKERS = ("VERCEL", "AWS_LAMBDA_FUNCTION_NAME", "NETLIFY", "K_SERVICE")


class ConfigError(RuntimeError):
    """The environment cannot give a working app; the message names the fix."""


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def _yes_no(environ: Mapping[str, str], name: str) -> bool | None:
    """Read an optional 1/0 switch: None when unset."""
    raw = environ.get(name, "").strip().lower()
    if not raw:
        return None
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be 1 or 0, got {raw!r}")


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


def _whole_number(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise ConfigError(f"{name} must be a whole number (0 or more), got {raw!r}")
    return int(raw)


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
        # None: ask the server at startup whether it is a Cluster node.
        "REDIS_CLUSTER": _yes_no(environ, "REDIS_CLUSTER"),
        # After a Redis timeout, answer 503 at once for this long (a circuit breaker).
        "REDIS_BREAKER_SECONDS": _positive_float(
            environ, "REDIS_BREAKER_SECONDS", defaults.REDIS_BREAKER_SECONDS
        ),
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
        "RENDER_CACHE_PAGES": defaults.RENDER_CACHE_PAGES,
        # 0 reads the browser session and the site session in two round trips instead
        # of one (only to measure what the one-call read is worth: bench/delay_bench.py).
        "READ_SITE_WITH_BROWSER_SESSION": _yes_no(environ, "READ_SITE_WITH_BROWSER_SESSION")
        is not False,
        "SEARCH_INDEX_MAX_ITEMS": _positive_int(
            environ, "SEARCH_INDEX_MAX_ITEMS", defaults.SEARCH_INDEX_MAX_ITEMS
        ),
        "EXPORT_MAX_DETAIL_PAGES": _positive_int(
            environ, "EXPORT_MAX_DETAIL_PAGES", defaults.EXPORT_MAX_DETAIL_PAGES
        ),
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
        # Connects that fetch or read a large document at once, per process (FETCH_CONCURRENCY
        # is its older name, still read); exports streamed at once, per process.
        "CONNECT_CONCURRENCY": _positive_int(
            environ,
            "CONNECT_CONCURRENCY",
            _positive_int(environ, "FETCH_CONCURRENCY", defaults.CONNECT_CONCURRENCY),
        ),
        "EXPORT_CONCURRENCY": _positive_int(
            environ, "EXPORT_CONCURRENCY", defaults.EXPORT_CONCURRENCY
        ),
        "EXPORT_CLAIM_SECONDS": defaults.EXPORT_CLAIM_SECONDS,
        "EXPORT_SECONDS": _positive_float(environ, "EXPORT_SECONDS", defaults.EXPORT_SECONDS),
        # Documents this large or larger are read in a child process (webapp/document_reader.py).
        "DOCUMENT_PROCESS_BYTES": _positive_int(
            environ, "DOCUMENT_PROCESS_BYTES", defaults.DOCUMENT_PROCESS_BYTES
        ),
        "DOCUMENT_PROCESS_SECONDS": defaults.DOCUMENT_PROCESS_SECONDS,
        "DOCUMENT_MEMORY_FACTOR": defaults.DOCUMENT_MEMORY_FACTOR,
        # A connect form's claim while its site is stored (AI planning adds its deadline):
        # the longest that storing may take, and a margin.
        "CONNECT_CLAIM_SECONDS": defaults.REDIS_BULK_TIMEOUT + 2,
        # Per-client limits on connects (webapp/client_limits.py).
        "CONNECTS_PER_MINUTE": _positive_int(
            environ, "CONNECTS_PER_MINUTE", defaults.CONNECTS_PER_MINUTE
        ),
        "CONNECT_BYTES_PER_DAY": _positive_int(
            environ, "CONNECT_BYTES_PER_DAY", defaults.CONNECT_BYTES_PER_DAY
        ),
        "PROXY_HOPS": _whole_number(environ, "PROXY_HOPS", defaults.PROXY_HOPS),
        # Seconds a client may take to send a request's head, then its body (408 past it).
        "BODY_READ_SECONDS": _positive_float(
            environ, "BODY_READ_SECONDS", defaults.BODY_READ_SECONDS
        ),
        "ALLOW_PRIVATE_URLS": _flag(environ.get("ALLOW_PRIVATE_URLS")),
        # Other origins whose pages may call the JSON API (CORS), comma-separated.
        "API_ALLOWED_ORIGINS": [
            origin.strip().rstrip("/")
            for origin in environ.get("API_ALLOWED_ORIGINS", "").split(",")
            if origin.strip()
        ],
        "SLEEKCMS_API_BASE": environ.get("SLEEKCMS_API_BASE", "").strip()
        or defaults.SLEEKCMS_API_BASE,
        # Optional AI planning: on when a key is set (see webapp/ai).
        "ANTHROPIC_API_KEY": environ.get("ANTHROPIC_API_KEY", "").strip() or None,
        "ANTHROPIC_MODEL": environ.get("ANTHROPIC_MODEL", "").strip() or defaults.ANTHROPIC_MODEL,
        "ANTHROPIC_BASE_URL": environ.get("ANTHROPIC_BASE_URL", "").strip() or None,
        "AI_BUDGET_SECONDS": _positive_float(
            environ, "AI_BUDGET_SECONDS", defaults.AI_BUDGET_SECONDS
        ),
        "AI_REQUIRED": _flag(environ.get("AI_REQUIRED")),
        "AI_REQUEST_DEADLINE_SECONDS": defaults.AI_REQUEST_DEADLINE_SECONDS,
    }


def choose_storage(config: Mapping) -> StorageChoice:
    """Decide the backend from settings, or raise ConfigError listing every problem."""
    problems = find_problems(config)
    if problems:
        raise ConfigError("Cannot start:\n- " + "\n- ".join(problems))
    return decide_storage(config)


def find_problems(config: Mapping) -> list[str]:
    """List every misconfiguration of the contract, each with its fix."""
    problems = storage_problems(config)
    if config.get("AI_REQUIRED") and not config.get("ANTHROPIC_API_KEY"):
        problems.append(
            "AI_REQUIRED=1 but ANTHROPIC_API_KEY is not set: set the key, or unset AI_REQUIRED "
            "to plan with the rules alone"
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
