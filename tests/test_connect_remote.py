"""Connecting from a content URL and from SleekCMS, end to end, against a local server."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import backend_config, connect

from webapp import create_app

SITE = {"site": {"name": "Remote Bistro"}, "menu": [{"name": "Soup"}, {"name": "Bread"}]}
PUB_TOKEN = "pub-bistro42-secretKey"


class ContentServer(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        routes = {
            "/site.json": (200, "application/json", json.dumps(SITE).encode()),
            "/garbage": (200, "text/plain", b"this is not json"),
            "/scalar": (200, "application/json", b"42"),
            "/missing": (404, "application/json", b"{}"),
        }
        if self.path == "/bistro42/latest":
            ok = self.headers.get("Authorization") == PUB_TOKEN
            routes[self.path] = (200, "application/json", json.dumps(SITE).encode())
            if not ok:
                routes[self.path] = (401, "application/json", b"{}")
        if self.path == "/private.json":
            ok = self.headers.get("Authorization") == "Bearer let-me-in"
            routes[self.path] = (200 if ok else 403, "application/json", json.dumps(SITE).encode())
        status, content_type, body = routes.get(self.path, (404, "text/plain", b"no"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def content_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), ContentServer)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def remote_client(backend, request, content_server):
    server = request.getfixturevalue("redis_server") if backend == "redis" else None
    if server:
        request.getfixturevalue("redis_client")
    app = create_app(
        {
            **backend_config(backend, server),
            "ALLOW_PRIVATE_URLS": True,  # the test server is on loopback
            "SLEEKCMS_API_BASE": content_server,
        }
    )
    yield app.test_client()
    if server:
        app.extensions["site_store"].close()


def test_content_url_connects(remote_client, content_server):
    response = connect(remote_client, source="url", url=f"{content_server}/site.json")
    assert response.status_code == 303
    home = remote_client.get("/").get_data(as_text=True)
    assert "Remote Bistro" in home
    assert f"url:{content_server}/site.json" in home


def test_bearer_token_is_sent(remote_client, content_server):
    url = f"{content_server}/private.json"
    assert connect(remote_client, source="url", url=url).status_code == 502
    response = connect(remote_client, source="url", url=url, token="let-me-in")
    assert response.status_code == 303


@pytest.mark.parametrize(
    ("path", "status", "reason"),
    [
        ("/garbage", 502, "The URL returned content that is not usable: Invalid JSON at line 1"),
        ("/scalar", 502, "unsupported root"),
        ("/missing", 502, "answered HTTP 404"),
    ],
)
def test_unusable_remote_content_is_502_with_the_reason(
    remote_client, content_server, path, status, reason
):
    response = connect(remote_client, source="url", url=content_server + path)
    assert response.status_code == status
    assert reason in response.get_data(as_text=True)


def test_sleekcms_pub_token_connects(remote_client):
    response = connect(remote_client, source="sleekcms", pub_token=PUB_TOKEN)
    assert response.status_code == 303
    assert "sleekcms:bistro42" in remote_client.get("/").get_data(as_text=True)


def test_sleekcms_refused_token_is_400(remote_client):
    response = connect(remote_client, source="sleekcms", pub_token="pub-bistro42-wrongKey")
    assert response.status_code == 400
    assert "SleekCMS refused the token" in response.get_data(as_text=True)
