"""A cold start loads only what reading a stored page needs (bench/cold_start.py times it).

A fresh interpreter imports the app as it ships (``wsgi``) and answers a read; the
content model, the renderer, Markdown, the HTTP client, the AI SDK, the per-client
limits and the form library must still be unloaded: each is loaded by the first request
that uses it. On both backends.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import webapp
from webapp import create_app

ROOT = Path(__file__).resolve().parent.parent
# What a process that only reads must not have loaded (each loads on first use): the
# app's list, and what those modules bring.
LOADED_ON_USE = (
    *webapp.LOADED_ON_USE,
    "webapp.content.model.vocab",
    "markdown_it",
    "requests",
    "anthropic",
    "limits",
    "wtforms",
)
LOAD_ALL = """
import json, sys
from wsgi import app
from webapp import load_all
load_all()
print(json.dumps({"answers": [], "loaded": sorted(sys.modules)}))
"""
CHILD = """
import json, os, sys
from wsgi import app
client = app.test_client()
if os.environ.get("COLD_COOKIE"):
    client.set_cookie(*os.environ["COLD_COOKIE"].split("=", 1))
paths = ("/healthz", os.environ.get("COLD_PAGE", "/frame/menu.html?framed=1"))
answers = [client.get(path).status_code for path in paths]
print(json.dumps({"answers": answers, "loaded": sorted(sys.modules)}))
"""
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def stored_page(redis_url: str) -> dict:
    """Connect the restaurant demo and generate its first page (the app as the child configures
    it): the child's settings to read that stored page with the browser's cookie."""
    app = create_app(
        {"SECRET_KEY": "cold", "STORAGE_BACKEND": "redis", "REDIS_URL": redis_url,
         "CONNECTS_PER_MINUTE": 10_000}
    )  # fmt: skip
    client = app.test_client()
    token = CSRF.search(client.get("/").get_data(as_text=True)).group(1)
    connect = {"csrf_token": token, "source": "demo", "demo": "restaurant"}
    assert client.post("/connect", data=connect).status_code == 303
    home = client.get("/").get_data(as_text=True)
    intent = home.split('action="/pages/', 1)[1].split("/", 1)[0]
    assert client.post(f"/pages/{intent}/generate", data={"csrf_token": token}).status_code == 303
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = f"{name}={client.get_cookie(name).value}"
    app.extensions["site_store"].close()
    page = f"/frame/{intent}.html?framed=1"
    return {"REDIS_URL": redis_url, "COLD_COOKIE": cookie, "COLD_PAGE": page}


def fresh_process(env: dict, code: str = CHILD) -> dict:
    """What a fresh process that imported the app and answered two reads holds."""
    settings = ("REDIS_URL", "KV_URL", "STORAGE_BACKEND", "ANTHROPIC_API_KEY")
    inherited = {name: value for name, value in os.environ.items() if name not in settings}
    child = subprocess.run(
        [sys.executable, "-c", code],
        env={**inherited, "SECRET_KEY": "cold", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(child.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("backend", ["memory", "redis"])
def test_a_cold_start_loads_only_what_a_read_needs(backend, request):
    if backend == "redis":  # a real stored page, read with its browser's cookie
        env = stored_page(request.getfixturevalue("redis_server").url)
    else:  # a fresh process holds no session: the page is not found
        env = {"STORAGE_BACKEND": "memory"}
    found = fresh_process(env)
    assert found["answers"][0] == 200
    assert found["answers"][1] == (200 if backend == "redis" else 404)
    loaded = set(found["loaded"])
    assert "webapp.pages" in loaded and "webapp.api" in loaded  # the app was imported
    assert not loaded & set(LOADED_ON_USE), sorted(loaded & set(LOADED_ON_USE))
    assert ("cachelib" in loaded) == (backend == "memory")


def test_a_gunicorn_worker_loads_everything_before_it_serves():
    """gunicorn.conf.py's post_worker_init loads the same list: the first connect, page or
    form of a long-running worker waits on no import."""
    loaded = set(fresh_process({"STORAGE_BACKEND": "memory"}, LOAD_ALL)["loaded"])
    assert set(webapp.LOADED_ON_USE) <= loaded, sorted(set(webapp.LOADED_ON_USE) - loaded)
    conf = (ROOT / "gunicorn.conf.py").read_text()
    assert "def post_worker_init(worker):" in conf and "load_all()" in conf
