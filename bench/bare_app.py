"""The ceiling the HTTP benchmark compares against: bare Flask + Flask-Session on Redis.

The same Flask, Flask-Session and redis-py versions as the app (requirements.txt), the
browser session in Redis the way Flask-Session's own documentation sets it up, nothing
else: no CSRF, no templates, no site session.

- ``/login`` stores something in the session (the benchmark's browser calls it once);
- ``/sess`` reads the browser session and answers a few bytes;
- ``/sessget`` reads the browser session and one 20 KB value (``GET``), and answers it.

    REDIS_URL=redis://127.0.0.1:6379/0 gunicorn bench.bare_app:app
"""

from __future__ import annotations

import os

import redis
from flask import Flask, Response, session
from flask_session import Session

PAGE_KEY = "bare:page"

app = Flask(__name__)
app.config.update(
    SECRET_KEY="bare",
    SESSION_TYPE="redis",
    SESSION_REDIS=redis.Redis.from_url(os.environ["REDIS_URL"]),
    SESSION_KEY_PREFIX="bare-session:",
)
Session(app)
store = app.config["SESSION_REDIS"]
store.set(PAGE_KEY, ("<p>" + "x" * 96 + "</p>\n") * 195)  # 20 KB of HTML


@app.get("/login")
def login():
    session["user"] = "bench"
    return "ok"


@app.get("/sess")
def sess():
    return f"hello {session.get('user', 'nobody')}"


@app.get("/sessget")
def sessget():
    user = session.get("user", "nobody")
    return Response(store.get(PAGE_KEY), mimetype="text/html", headers={"X-User": user})
