"""Site pages: turn a website's structured content into focused, themed pages."""

from __future__ import annotations

import secrets
from importlib import import_module
from pathlib import Path

from flask import Flask
from flask.ctx import RequestContext
from werkzeug.exceptions import HTTPException

from . import (
    ai,
    api,
    cli,
    client_limits,
    defaults,
    errors,
    health,
    pages,
    request_body,
    site_actions,
    sites,
    slots,
    storage,
    templating,
)
from .config import choose_storage, settings_from_env
from .extensions import browser_sessions, csrf
from .site_session import MATCHED

ROOT = Path(__file__).resolve().parent.parent
# What requests load on first use, so that a cold start (a serverless invocation, a new
# worker) pays only for what its first request needs; see bench/cold_start.py.
LOADED_ON_USE = (
    "webapp.content.model.build",  # connecting a site, repairing one
    "webapp.content.render",  # making a page
    "webapp.content.search",  # a search
    "webapp.content.fetch",  # connecting a URL (requests)
    "webapp.content.document",
    "webapp.ai.intents",  # AI planning
    "webapp.ai.pages",
    "webapp.limit_storage",  # the first connect's per-client limits (limits)
    "limits.strategies",
    "flask_wtf.csrf",  # the first form sent, or rendered with its token
)
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"


class MatchedOnceContext(RequestContext):
    """A request context that reuses the URL match made while the session opened.

    The browser session interface matches the URL before Flask routes (it must know
    what the view reads to read it with the session, in one round trip; see
    ``site_session.planned_read``); Flask would then match it again. ``match_request``
    is Flask's documented hook for this: the request is matched once.
    """

    def match_request(self) -> None:
        matched = self.request.environ.get(MATCHED)
        if matched is None:
            super().match_request()
        elif isinstance(matched, HTTPException):
            self.request.routing_exception = matched
        else:
            self.request.url_rule, self.request.view_args = matched


class SitePagesApp(Flask):
    """Flask, with storage outages logged as one warning line, not a traceback each,
    and each request's URL matched once."""

    def request_context(self, environ: dict) -> RequestContext:
        return MatchedOnceContext(self, environ)

    def log_exception(self, exc_info) -> None:
        # Errors raised while opening or saving the browser session bypass the
        # error handlers and are logged here; errors.storage_unavailable logs them.
        if isinstance(exc_info[1], storage.StorageUnavailable):
            return
        super().log_exception(exc_info)


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: read the environment, choose storage, bind extensions.

    ``test_config`` overrides settings read from the environment (tests use it
    to point at their own redis-server). Misconfiguration raises ConfigError
    with every problem and its fix.
    """
    app = SitePagesApp(__name__, template_folder=str(TEMPLATES), static_folder=str(STATIC))
    app.config.from_mapping(settings_from_env())
    if test_config:
        app.config.update(test_config)
    # A document of exactly the limit must fit in its request, envelope included;
    # the document itself is then checked against the limit (413 with the limit).
    request_limit = app.config["DOCUMENT_LIMIT"] + defaults.REQUEST_OVERHEAD
    app.config["MAX_CONTENT_LENGTH"] = request_limit
    app.config["MAX_FORM_MEMORY_SIZE"] = request_limit  # pasted JSON is a form field
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid as long as the session

    # Validates the whole configuration first (a missing SECRET_KEY included).
    storage.init_app(app, choose_storage(app.config))
    if not app.config.get("SECRET_KEY"):
        # Fine locally (refused under gunicorn and in production): browser
        # sessions simply do not survive a restart of `flask run`.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    browser_sessions.init_app(app)
    slots.init_app(app)
    # Bodies read whole, in time (a middleware); around it, the client's address as the
    # trusted proxies report it. Then, before any view: the per-client limits count the
    # request, a body refused unread is answered (408/413/503), and forms' CSRF is checked.
    request_body.init_app(app)
    client_limits.init_app(app)
    app.before_request(request_body.answer_verdict)
    csrf.init_app(app)
    site_actions.init_app(app)

    ai.init_app(app)
    app.register_blueprint(sites.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(health.bp)
    api.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
    return app


def load_all() -> None:
    """Import what requests otherwise load on first use (``LOADED_ON_USE``).

    gunicorn calls it in each worker before the worker serves (``post_worker_init``): a
    long-running worker pays for it once at boot rather than in a visitor's first connect.
    """
    for name in LOADED_ON_USE:
        import_module(name)
