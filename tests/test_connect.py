"""Connecting a site, its home, disconnecting: the browser flows, on both backends."""

from __future__ import annotations

import json
import re

import pytest
from conftest import connect, connect_demo, csrf_token, upload

from webapp.demos import DEMOS


def test_connect_form_is_served_with_csrf_tokens(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Connect a site" in html
    assert html.count('name="csrf_token"') == 5  # every form carries one
    # Our own script only: named by this response's nonce, nothing inline, nothing else.
    csp = response.headers["Content-Security-Policy"]
    nonce = re.search(r"script-src 'nonce-([A-Za-z0-9_-]{16,})';", csp).group(1)
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == [f'<script nonce="{nonce}" src="{scripts[0].split(chr(34))[3]}" defer>']
    assert "unsafe-inline" not in csp.split("style-src")[0]
    assert client.get("/").headers["Content-Security-Policy"] != csp  # a nonce per response


@pytest.mark.parametrize("demo", list(DEMOS))
def test_each_demo_connects_with_at_least_five_intents(client, app, demo):
    connect_demo(client, demo)
    home = client.get("/")
    html = home.get_data(as_text=True)
    assert home.status_code == 200
    assert html.count('class="card intent"') >= 5
    assert "Not generated yet" in html
    assert "Disconnect" in html


def test_home_shows_hero_and_theme(client):
    connect(client, source="paste", json=json.dumps({
        "site": {"name": "Blue Bakery", "tagline": "Bread daily",
                 "colors": {"primary": "#0044aa"}},
        "products": [{"name": "Rye loaf", "price": 4}, {"name": "Baguette", "price": 2}],
    }))  # fmt: skip
    html = client.get("/").get_data(as_text=True)
    assert "Blue Bakery" in html and "Bread daily" in html
    assert "--primary: #0044aa" in html


def test_upload_connects(client):
    response = upload(client, b'{"team": [{"name": "Ada"}, {"name": "Linus"}]}')
    assert response.status_code == 303
    assert "Connected" in client.get("/").get_data(as_text=True)


def test_connect_regenerates_the_browser_session_id(client, app):
    client.get("/")
    before = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    connect_demo(client)
    after = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    assert before != after


def test_session_cookie_flags(client, app):
    response = connect_demo(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # not production


def test_disconnect_clears_site_and_browser_session(client, app):
    connect_demo(client)
    store = app.extensions["site_store"]
    with client.session_transaction() as browser:
        sid = browser["site_sid"]
    assert store.load(sid) is not None
    home = client.get("/").get_data(as_text=True)
    token = csrf_token(client)
    assert "Disconnect" in home
    response = client.post("/disconnect", data={"csrf_token": token})
    assert response.status_code == 303
    assert store.load(sid) is None
    assert client.get_cookie(app.config["SESSION_COOKIE_NAME"]) is None
    assert "Connect a site" in client.get("/").get_data(as_text=True)


def test_reconnecting_replaces_the_previous_site_session(client, app):
    connect_demo(client, "restaurant")
    with client.session_transaction() as browser:
        first = browser["site_sid"]
    connect_demo(client, "portfolio")
    store = app.extensions["site_store"]
    assert store.load(first) is None


def test_expired_session_answers_404_session_not_found(client, app):
    connect_demo(client)
    with client.session_transaction() as browser:
        sid = browser["site_sid"]
    app.extensions["site_store"].delete(sid)  # as if the TTL ran out
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Session not found" in html
    assert "expired" in html and "Reconnect" in html
    assert "idle for longer than 24 hours" in html
    # The dead pointer is forgotten: the next visit offers the connect form.
    assert "Connect a site" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('{"a": 1,,}', "line 1, column"),
        ('{\n  "a": [1, 2\n}', "line 3, column 1"),
        ("", "empty"),
        ("   ", "empty"),
        ('"just a string"', "unsupported root"),
        ("42", "unsupported root"),
        ("null", "unsupported root"),
        ("{}", "empty"),
        ("[]", "empty"),
        ("[{}, {}]", "empty"),
    ],
)
def test_bad_json_answers_400_with_the_reason(client, body, expected):
    response = connect(client, source="paste", json=body)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Could not connect" in html
    assert expected in html.lower() or expected in html


def test_unknown_source_and_demo_are_400(client):
    assert connect(client, source="ftp").status_code == 400
    response = connect(client, source="demo", demo="<script>x</script>")
    assert response.status_code == 400
    assert "<script>x" not in response.get_data(as_text=True)


def test_upload_without_file_is_400(client):
    response = client.post(
        "/connect",
        data={"csrf_token": csrf_token(client), "source": "upload"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


def test_private_url_is_refused(client):
    response = connect(client, source="url", url="http://127.0.0.1:9/content.json")
    assert response.status_code == 400
    assert "ALLOW_PRIVATE_URLS" in response.get_data(as_text=True)


def test_bad_pub_token_is_400(client):
    response = connect(client, source="sleekcms", pub_token="not-a-token!")
    assert response.status_code == 400


def test_post_without_csrf_is_refused_and_changes_nothing(client, app):
    connect_demo(client)
    with client.session_transaction() as browser:
        sid = browser["site_sid"]
    for path, data in [
        ("/disconnect", {}),
        ("/disconnect", {"csrf_token": "forged"}),
        ("/connect", {"source": "demo", "demo": "portfolio"}),
    ]:
        response = client.post(path, data=data)
        assert response.status_code == 400
        assert "security token" in response.get_data(as_text=True)
    with client.session_transaction() as browser:
        assert browser["site_sid"] == sid
    assert app.extensions["site_store"].load(sid).meta["source"] == "demo:restaurant"


def test_csrf_token_of_another_browser_is_refused(app):
    alice, mallory = app.test_client(), app.test_client()
    connect_demo(alice)
    token = csrf_token(mallory)
    assert alice.post("/disconnect", data={"csrf_token": token}).status_code == 400


def test_hostile_content_is_escaped_on_home(client):
    evil = "<script>alert(1)</script>"
    doc = {
        "site": {"name": evil, "tagline": "Fish & chips <3, always", "image": "javascript:alert(1)",
                 "colors": {"primary": "red;}</style><script>alert(1)</script>"}},
        evil: [{"name": evil, "url": "javascript:alert(1)"}] * 3,
        "events": [{"title": evil, "image": "javascript:alert(1)"}],
    }  # fmt: skip
    assert connect(client, source="paste", json=json.dumps(doc)).status_code == 303
    html = client.get("/").get_data(as_text=True)
    assert html.count("<script") == 1 and "<script nonce=" in html  # only the app's own
    assert "javascript:" not in html
    # Markup in content is dropped; text that merely looks odd is shown, escaped.
    assert "Fish &amp; chips &lt;3, always" in html


def test_deep_nesting_and_large_collections_connect(client):
    deep = {"site": {"name": "Deep"}}
    node = deep
    for _ in range(300):
        node["child"] = {"value": "x"}
        node = node["child"]
    assert connect(client, source="paste", json=json.dumps(deep)).status_code == 303
    big = {"products": [{"id": i, "name": f"Product {i}", "price": i} for i in range(50_000)]}
    assert upload(client, json.dumps(big).encode(), "big.json").status_code == 303
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("source", ["upload", "paste"])
def test_documents_up_to_the_limit_connect_and_larger_ones_are_413(backend, request, source):
    from conftest import backend_config

    from webapp import create_app

    limit = 10_000
    server = request.getfixturevalue("redis_server") if backend == "redis" else None
    app = create_app({**backend_config(backend, server), "DOCUMENT_LIMIT": limit})
    client = app.test_client()

    def document(size: int) -> bytes:
        body = b'{"items": [{"name": "' + b"x" * (size - 25) + b'"}]}'
        assert len(body) == size
        return body

    def send(body: bytes):
        if source == "upload":
            return upload(client, body, "site.json")
        return connect(client, source="paste", json=body.decode())

    assert send(document(limit)).status_code == 303
    response = send(document(limit + 1))
    assert response.status_code == 413
    assert "10,000 bytes" in response.get_data(as_text=True)
    # Far over the limit: refused by the request limit itself, with the same answer.
    response = send(b"[" + b"1," * (limit * 60) + b"1]")
    assert response.status_code == 413
    assert "10,000 bytes" in response.get_data(as_text=True)
    if backend == "redis":
        app.extensions["site_store"].close()
