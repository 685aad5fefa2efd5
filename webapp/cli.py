"""``flask doctor``: explain the storage choice, test it, name every misconfiguration.

It is installed as a Flask plugin command (see pyproject.toml) so that it runs
even when the configuration is so wrong that the app itself refuses to start.
"""

from __future__ import annotations

import click
from flask import Flask

from . import defaults, storage
from .config import ConfigError, find_problems, settings_from_env
from .storage.redis_connect import redact


def diagnose(settings: dict, echo=click.echo) -> bool:
    """Print the diagnosis of these settings; return True when all is well."""
    problems = find_problems(settings)
    choice, report = storage.diagnose(settings)
    if choice:
        echo(f"Storage backend: {choice.backend} (chosen because {choice.reason})")
    prefix = settings["KEY_PREFIX"]
    echo(f"Site session TTL: {settings['SESSION_TTL_SECONDS']} s (sliding)")
    browser_prefix = prefix + defaults.BROWSER_SESSION_KEY_PREFIX
    echo(f"Key prefix: {prefix!r}; browser sessions under {browser_prefix!r}")
    for line in report.lines:
        echo(line)
    if settings.get("ANTHROPIC_API_KEY"):
        where = settings.get("ANTHROPIC_BASE_URL") or "api.anthropic.com"
        echo(
            f"AI planning: on ({settings['ANTHROPIC_MODEL']}, at most "
            f"{settings['AI_BUDGET_SECONDS']:g} s per step, {where}); "
            "`flask doctor --ai` makes one tiny call to prove the key works"
        )
    else:
        echo("AI planning: off (set ANTHROPIC_API_KEY to turn it on)")
    if report.warnings:
        echo("Warnings:")
        for warning in report.warnings:
            echo(f"  - {warning}")
    if problems:
        echo("Problems:")
        for problem in problems:
            echo(f"  - {problem}")
    else:
        echo("Problems: none")
    return report.healthy and not problems


@click.command("doctor")
@click.option(
    "--workers",
    type=int,
    default=None,
    help="Check as if gunicorn ran this many workers (default: $WEB_CONCURRENCY).",
)
@click.option("--ai", "check_ai", is_flag=True, help="Make one tiny call to the AI service.")
def doctor(workers: int | None, check_ai: bool) -> None:
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
    healthy = diagnose(settings)
    if check_ai:
        healthy = _check_ai(settings) and healthy
    if not healthy:
        raise SystemExit(1)


def _check_ai(settings: dict) -> bool:
    """Make one tiny real call with the configured key; say whether it works."""
    from .ai.provider import key_problem

    if not settings.get("ANTHROPIC_API_KEY"):
        click.echo("AI key: not set (ANTHROPIC_API_KEY)")
        return not settings.get("AI_REQUIRED")
    failure = key_problem(settings)
    click.echo("AI key: works" if failure is None else f"AI key: {failure}")
    return failure is None


def init_app(app: Flask) -> None:
    """Register the CLI commands on the app (also installed as a plugin)."""
    app.cli.add_command(doctor)


__all__ = ["diagnose", "doctor", "init_app", "redact"]
