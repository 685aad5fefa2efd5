"""Flask extensions, created here and bound to the app in ``create_app``."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, request
from werkzeug.exceptions import BadRequest

from .browser_session import BrowserSessions


class FormTokenRefused(BadRequest):
    """400: a form came without its CSRF token, or with one that is not its session's."""


class LazyCSRFProtect:
    """Flask-WTF's CSRF protection, loaded by the first request that sends a form.

    The checks are Flask-WTF's own (``CSRFProtect.protect``, its documented hook for
    checking where an app chooses) with its settings' defaults, set here as its
    ``init_app`` sets them. Flask-WTF, and WTForms under it, cost every cold start about
    15 ms; the requests that read (every GET, a stored page's bytes) never need them.
    """

    def __init__(self) -> None:
        self._protect = None
        self._exempt: list[Blueprint] = []

    def init_app(self, app: Flask) -> None:
        """Set Flask-WTF's defaults, offer ``csrf_token()`` to templates, check each form."""
        app.config.setdefault("WTF_CSRF_ENABLED", True)
        app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", True)
        app.config["WTF_CSRF_METHODS"] = set(
            app.config.get("WTF_CSRF_METHODS", ["POST", "PUT", "PATCH", "DELETE"])
        )
        app.config.setdefault("WTF_CSRF_FIELD_NAME", "csrf_token")
        app.config.setdefault("WTF_CSRF_HEADERS", ["X-CSRFToken", "X-CSRF-Token"])
        app.config.setdefault("WTF_CSRF_TIME_LIMIT", 3600)
        app.config.setdefault("WTF_CSRF_SSL_STRICT", True)
        app.jinja_env.globals["csrf_token"] = generate_csrf
        app.before_request(self._check)

    def exempt(self, blueprint: Blueprint) -> Blueprint:
        """Take a blueprint's views out of the check (they guard themselves)."""
        self._exempt.append(blueprint)
        return blueprint

    def _check(self) -> None:
        config = current_app.config
        if not (config["WTF_CSRF_ENABLED"] and config["WTF_CSRF_CHECK_DEFAULT"]):
            return
        if request.method not in config["WTF_CSRF_METHODS"]:
            return  # reads: nothing to load
        from flask_wtf.csrf import CSRFError

        try:
            self.protector().protect(apply_exemptions=True)
        except CSRFError as refused:
            raise FormTokenRefused(refused.description) from None

    def protector(self):
        """Flask-WTF's CSRFProtect, made once, with the exempt blueprints."""
        if self._protect is None:
            from flask_wtf.csrf import CSRFProtect

            protect = CSRFProtect()
            for blueprint in self._exempt:
                protect.exempt(blueprint)
            self._protect = protect
        return self._protect


def generate_csrf() -> str:
    """This browser session's CSRF token (Flask-WTF's ``generate_csrf``, loaded on use)."""
    from flask_wtf.csrf import generate_csrf as flask_wtf_generate

    return flask_wtf_generate()


csrf = LazyCSRFProtect()
browser_sessions = BrowserSessions()
