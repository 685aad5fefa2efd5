"""Flask extensions, created here and bound to the app in ``create_app``."""

from flask_wtf.csrf import CSRFProtect

from .browser_session import BrowserSessions

csrf = CSRFProtect()
browser_sessions = BrowserSessions()
