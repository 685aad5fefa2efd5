"""A cold start loads only what reading a stored page needs (bench/cold_start.py times it).

A fresh interpreter imports the app as it ships (``wsgi``) and answers a read; the
content model, the renderer, Markdown, the HTTP client, the AI SDK, the per-client
limits and the form library must still be unloaded: each is loaded by the first request
that uses it. On both backends.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import webapp

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
import json, sys
from wsgi import app
client = app.test_client()
answers = [client.get(path).status_code for path in ("/healthz", "/frame/menu.html?framed=1")]
print(json.dumps({"answers": answers, "loaded": sorted(sys.modules)}))
"""


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
    if backend == "redis":
        server = request.getfixturevalue("redis_server")
        env = {"REDIS_URL": server.url}
    else:
        env = {"STORAGE_BACKEND": "memory"}
    found = fresh_process(env)
    assert found["answers"][0] == 200
    assert found["answers"][1] in (302, 404)  # no site session: not found, or the home
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
