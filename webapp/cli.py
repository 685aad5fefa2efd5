"""``flask doctor``: explain the storage choice, test it, name every misconfiguration.

It is installed as a Flask plugin command (see pyproject.toml) so that it runs
even when the configuration is so wrong that the app itself refuses to start.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit, urlunsplit

import click
from flask import Flask

from . import defaults
from .config import (
    BACKENDS,
    REDIS_SCHEMES,
    ConfigError,
    decide_storage,
    find_problems,
    settings_from_env,
)


def redact(url: str) -> str:
    """Return the URL with its password replaced by ****."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":****@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def diagnose(settings: dict, echo=click.echo) -> bool:
    """Print the diagnosis of these settings; return True when all is well."""
    problems = find_problems(settings)
    healthy = not problems
    forced_validly = settings.get("STORAGE_BACKEND") in BACKENDS
    choice = decide_storage(settings) if forced_validly else None
    if choice:
        echo(f"Storage backend: {choice.backend} (chosen because {choice.reason})")
    prefix = settings["KEY_PREFIX"]
    echo(f"Site session TTL: {settings['SESSION_TTL_SECONDS']} s (sliding)")
    browser_prefix = prefix + defaults.BROWSER_SESSION_KEY_PREFIX
    echo(f"Key prefix: {prefix!r}; browser sessions under {browser_prefix!r}")
    if choice and choice.backend == "redis" and settings.get("REDIS_URL"):
        from .storage.redis import OUTAGE_ERRORS, make_client

        url = settings["REDIS_URL"]
        echo(f"Redis URL ({settings['REDIS_URL_VAR']}): {redact(url)}")
        if urlsplit(url).scheme in REDIS_SCHEMES:
            client = make_client(url)
            try:
                started = time.perf_counter()
                client.ping()
                latency = (time.perf_counter() - started) * 1000
                echo(f"Connection: ok, PING answered in {latency:.1f} ms")
            except OUTAGE_ERRORS as error:
                healthy = False
                echo(f"Connection: FAILED ({error}); check the URL, TLS (rediss://) and network")
            finally:
                client.close()
    elif choice and choice.backend == "memory":
        echo(
            "Connection: in-process SimpleCache (nothing to reach); fine for `flask run` "
            "with one process only"
        )
    if problems:
        echo("Problems:")
        for problem in problems:
            echo(f"  - {problem}")
    else:
        echo("Problems: none")
    return healthy


@click.command("doctor")
@click.option(
    "--workers",
    type=int,
    default=None,
    help="Check as if gunicorn ran this many workers (default: $WEB_CONCURRENCY).",
)
def doctor(workers: int | None) -> None:
    """Explain the storage choice, test the connection and list misconfigurations."""
    import os

    try:
        settings = settings_from_env()
    except ConfigError as error:
        click.echo(f"Problems:\n  - {error}")
        raise SystemExit(1) from None
    if workers is None and os.environ.get("WEB_CONCURRENCY", "").isdigit():
        workers = int(os.environ["WEB_CONCURRENCY"])
    if workers:
        settings["GUNICORN_WORKERS"] = workers
        settings["UNDER_GUNICORN"] = True
        click.echo(f"Checking for gunicorn with {workers} worker(s).")
    if not diagnose(settings):
        raise SystemExit(1)


def init_app(app: Flask) -> None:
    """Register the CLI commands on the app (also installed as a plugin)."""
    app.cli.add_command(doctor)


__all__ = ["diagnose", "doctor", "init_app", "redact"]
