"""The JSON API (/api/*) over HTTP, on both backends: every route and every error."""

from __future__ import annotations

import re

import pytest
from conftest import backend_config
from test_connect_remote import PUB_TOKEN, content_server  # noqa: F401 - a fixture

from webapp import create_app

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def api(backend, request, content_server):  # noqa: F811 - the fixture imported above
    server = request.getfixturevalue("redis_server") if backend == "redis" else None
    if server:
        request.getfixturevalue("redis_client")
    app = create_app(
        {
            **backend_config(backend, server),
            "ALLOW_PRIVATE_URLS": True,  # the test content server is on loopback
            "SLEEKCMS_API_BASE": content_server,
            "API_ALLOWED_ORIGINS": ["https://frontend.example"],
        }
    )
    yield app.test_client()
    app.extensions["site_store"].close()


def connect(api, body=None, headers=SAME_ORIGIN):
    response = api.post("/api/connect", json=body or {"demo": "restaurant"}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_connect_with_a_pub_token_answers_the_site(api):
    answer = connect(api, {"pubToken": PUB_TOKEN})
    assert set(answer) == {
        "sessionId", "siteName", "heroData", "intents", "themeColors", "siteData", "message",
    }  # fmt: skip
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", answer["sessionId"])
    assert answer["siteName"] == "Remote Bistro"
    assert answer["siteData"]["menu"][0]["name"] == "Soup"
    assert answer["message"] == "Connected successfully"
    assert set(answer["heroData"]) == {"title", "subtitle", "image"}
    for intent in answer["intents"]:
        assert set(intent) == {"id", "title", "description", "icon", "dataPath"}
        assert all(isinstance(v, str) and v for v in intent.values())
        assert re.fullmatch(r"[a-z0-9-]+", intent["id"]) and "-detail-" not in intent["id"]
    assert set(answer["themeColors"]) == {"primary", "secondary", "accent", "background", "text"}
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c, re.I) for c in answer["themeColors"].values())


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({}, 400, "Pub token is required"),
        ({"pubToken": "   "}, 400, "Pub token is required"),
        ({"pubToken": "pub-bistro42-wrongKey"}, 400, "SleekCMS refused the token"),
        ({"url": "/garbage"}, 502, "not usable"),
        ({"content": "{broken"}, 400, "line 1"),
        ({"demo": "nowhere"}, 400, "Unknown demo site"),
    ],
)
def test_connect_errors_are_json_with_our_messages(api, content_server, body, status, error):  # noqa: F811
    if "url" in body:
        body = {"url": content_server + body["url"]}
    response = api.post("/api/connect", json=body)
    assert response.status_code == status
    assert error in response.get_json()["error"]


def test_connect_extensions_content_url_demo(api, content_server):  # noqa: F811
    assert (
        connect(api, {"content": {"site": {"name": "Inline"}, "items": [{"name": "A"}]}})[
            "siteName"
        ]
        == "Inline"
    )
    assert connect(api, {"url": content_server + "/site.json"})["siteName"] == "Remote Bistro"
    assert connect(api, {"demo": "portfolio"})["siteName"] == "Morgan Ashby"


def test_site_data_over_a_megabyte_is_summarised(api):
    big = {"site": {"name": "Big"}, "items": [{"name": f"Item {n}", "text": "x" * 1000}
                                             for n in range(1100)]}  # fmt: skip
    answer = connect(api, {"content": big})
    assert answer["siteData"]["truncated"] is True
    assert answer["siteData"]["bytes"] > 1024 * 1024


def test_text_the_frontend_inserts_as_html_is_escaped(api):
    odd = 'Fish & chips <3 "always"'
    answer = connect(api, {"content": {"site": {"name": odd},
                                      "events": [{"name": "E"}]}})  # fmt: skip
    assert answer["siteName"] == "Fish &amp; chips &lt;3 &quot;always&quot;"
    error = api.post("/api/connect", json={"demo": "<b>x</b>"}).get_json()["error"]
    assert "<b>" not in error and "&lt;b&gt;" in error


def test_session_status_and_unknown_sessions(api):
    sid = connect(api)["sessionId"]
    answer = api.get(f"/api/session/{sid}").get_json()
    assert answer["success"] is True and answer["sessionId"] == sid
    assert answer["message"] == "Session is active" and "siteData" not in answer
    missing = api.get("/api/session/" + "A" * 43)
    assert missing.status_code == 404
    assert missing.get_json() == {"error": "Session not found", "sessionId": "A" * 43}
    assert api.get("/api/session/not-an-id").status_code == 404


def test_generate_regenerate_and_their_errors(api):
    sid = connect(api)["sessionId"]
    body = {"sessionId": sid, "intentId": "menu", "dataPath": "anything/the/client/says"}
    first = api.post("/api/generate-page", json=body).get_json()
    assert first == {"success": True, "intentId": "menu", "hash": "#menu",
                     "message": "Page generated successfully"}  # fmt: skip
    assert api.post("/api/generate-page", json=body).get_json()["message"] == (
        "Page already generated"
    )
    again = api.post("/api/regenerate-page", json=body).get_json()
    assert again["message"] == "Page regenerated successfully"
    for missing in ("sessionId", "intentId", "dataPath"):
        partial = {k: v for k, v in body.items() if k != missing}
        response = api.post("/api/generate-page", json=partial)
        assert response.status_code == 400
        assert response.get_json() == {"error": "Missing required fields"}
    gone = api.post("/api/generate-page", json={**body, "sessionId": "B" * 43})
    assert gone.status_code == 404 and gone.get_json()["error"] == "Session not found"
    unknown = api.post("/api/generate-page", json={**body, "intentId": "nope"})
    assert unknown.status_code == 404


def test_detail_pages_by_id_and_their_errors(api):
    sid = connect(api)["sessionId"]
    body = {"sessionId": sid, "intentId": "menu", "itemId": "grilled-octopus",
            "itemData": {"name": "ignored: items are looked up by id"}}  # fmt: skip
    made = api.post("/api/generate-detail-page", json=body).get_json()
    assert made == {"success": True, "detailPageId": "menu-detail-grilled-octopus",
                    "hash": "#menu-detail-grilled-octopus",
                    "message": "Detail page generated successfully"}  # fmt: skip
    assert api.post("/api/generate-detail-page", json=body).get_json()["message"] == (
        "Detail page already generated"
    )
    missing = api.post("/api/generate-detail-page", json={**body, "itemId": "no-such-dish"})
    assert missing.status_code == 404 and "Item not found" in missing.get_json()["error"]
    for odd in ("soup\t1\nx", "é" * 300):  # line breaks, long
        strange = api.post("/api/generate-detail-page", json={**body, "itemId": odd})
        assert strange.status_code == 404, ascii(odd)
    # A lone surrogate is not text: the body is refused (tests/test_api_hardening.py).
    surrogate = api.post("/api/generate-detail-page", json={**body, "itemId": "\ud800"})
    assert surrogate.status_code == 400 and "surrogate" in surrogate.get_json()["error"]
    assert api.post("/api/generate-detail-page", json={"sessionId": sid}).status_code == 400
    gone = api.post("/api/generate-detail-page", json={**body, "sessionId": "C" * 43})
    assert gone.status_code == 404


def test_pages_are_fragments_for_the_bound_browser_only(api, app_of):
    sid = connect(api)["sessionId"]
    body = {"sessionId": sid, "intentId": "menu", "dataPath": "menu"}
    api.post("/api/generate-page", json=body)
    assert api.get("/api/page-status/menu").get_json() == {"generated": True}
    assert api.get("/api/page-status/team").get_json() == {"generated": False}
    page = api.get("/api/page/menu")
    assert page.status_code == 200
    fragment = page.get_json()["html"]
    assert fragment.startswith('<div class="sp-page"><style>')
    for tag in ("html", "head", "body", "script", "main", "base"):
        assert not re.search(rf"<{tag}[\s>]", fragment), tag
    css = re.search(r"<style>(.*?)</style>", fragment, re.S).group(1)
    for rule in re.findall(r"(?:^|})\s*([^@{}][^{}]*)\{", css):
        assert all(s.strip().startswith(".sp-page") for s in rule.split(",")), rule
    hrefs = re.findall(r'href="([^"]*)"', fragment)
    assert "#menu-detail-grilled-octopus" in hrefs
    assert not [h for h in hrefs if h.startswith("/")]
    # A detail page is made on its first view; an unknown one is a 404.
    detail = api.get("/api/page/menu-detail-grilled-octopus")
    assert detail.status_code == 200 and "#menu" in detail.get_json()["html"]
    assert api.get("/api/page/menu-detail-nothing").status_code == 404
    assert api.get("/api/page/team").status_code == 404  # not generated
    # Another browser, not bound to this session, gets nothing (no global page index).
    stranger = app_of(api).test_client()
    assert stranger.get("/api/page/menu").status_code == 404
    assert stranger.get("/api/page-status/menu").get_json() == {"generated": False}


@pytest.fixture
def app_of():
    return lambda client: client.application


def test_listing_pages_past_the_first(api):
    doc = {"site": {"name": "Many"}, "products": [{"name": f"P{n}"} for n in range(120)]}
    sid = connect(api, {"content": doc})["sessionId"]
    api.post("/api/generate-page", json={"sessionId": sid, "intentId": "products", "dataPath": "x"})
    first = api.get("/api/page/products").get_json()["html"]
    assert 'href="#products-page-2"' in first
    second = api.get("/api/page/products-page-2")
    assert second.status_code == 200
    assert 'href="#products-page-3"' in second.get_json()["html"]
    assert api.get("/api/page/products-page-9").status_code == 404


def test_binding_is_only_for_this_apps_own_pages(api):
    cross = {"Sec-Fetch-Site": "cross-site", "Origin": "https://frontend.example"}
    answer = api.post("/api/connect", json={"demo": "restaurant"}, headers=cross)
    assert answer.status_code == 200
    assert "site_pages_api" not in answer.headers.get("Set-Cookie", "")
    assert answer.headers["Access-Control-Allow-Origin"] == "https://frontend.example"
    sid = answer.get_json()["sessionId"]
    # A cross-site link to someone else's session binds nobody.
    linked = api.get(f"/api/session/{sid}", headers={"Sec-Fetch-Site": "cross-site"})
    assert linked.status_code == 200 and "Set-Cookie" not in linked.headers
    bound = api.get(f"/api/session/{sid}", headers=SAME_ORIGIN)
    assert "site_pages_api=" in bound.headers["Set-Cookie"]
    assert (
        "HttpOnly" in bound.headers["Set-Cookie"] and "SameSite=Lax" in bound.headers["Set-Cookie"]
    )
    # Without Sec-Fetch-Site (older browsers), an Origin equal to the app's binds.
    origin = api.get(f"/api/session/{sid}", headers={"Origin": "http://localhost"})
    assert "site_pages_api=" in origin.headers["Set-Cookie"]
    # A forged binding cookie is ignored.
    api.set_cookie("site_pages_api", "forged", path="/api")
    assert api.get("/api/page-status/menu").get_json() == {"generated": False}


def test_csrf_json_only_and_origins(api):
    form = api.post("/api/connect", data={"demo": "restaurant"})
    assert form.status_code == 415 and "JSON" in form.get_json()["error"]
    foreign = api.post(
        "/api/connect", json={"demo": "restaurant"}, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    # Another port on our host is another origin.
    other_port = api.post(
        "/api/connect", json={"demo": "restaurant"}, headers={"Origin": "http://localhost:8081"}
    )
    assert other_port.status_code == 403
    # Behind a TLS-terminating proxy the app sees http while the browser says https:
    # our own host is still our own origin, and the answer binds.
    proxied = api.post(
        "/api/connect", json={"demo": "restaurant"}, headers={"Origin": "https://localhost"}
    )
    assert proxied.status_code == 200
    assert "site_pages_api=" in proxied.headers["Set-Cookie"]
    preflight = api.options(
        "/api/connect",
        headers={"Origin": "https://frontend.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Headers"] == "Content-Type"
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    assert "Access-Control-Allow-Origin" not in api.get("/api/page-status/x").headers


def test_malformed_or_oversized_bodies_are_json_errors(api):
    broken = api.post("/api/connect", data="{not json", content_type="application/json")
    assert broken.status_code == 400 and broken.is_json
    array = api.post("/api/connect", json=[1, 2])
    assert array.status_code == 400
    api.application.config["MAX_CONTENT_LENGTH"] = 2000
    huge = api.post("/api/connect", json={"content": "x" * 5000})
    assert huge.status_code == 413 and "limit" in huge.get_json()["error"]
    unknown = api.get("/api/nothing-here")
    assert unknown.status_code == 404 and unknown.is_json


def test_disconnect_ends_the_session_and_the_binding(api):
    sid = connect(api)["sessionId"]
    api.post("/api/generate-page", json={"sessionId": sid, "intentId": "menu", "dataPath": "x"})
    assert api.post("/api/disconnect", json={}).get_json() == {"error": "Session ID is required"}
    done = api.post("/api/disconnect", json={"sessionId": sid})
    assert done.get_json() == {"success": True, "message": "Disconnected successfully"}
    assert (
        'site_pages_api=""' in done.headers["Set-Cookie"]
        or "Max-Age=0" in done.headers["Set-Cookie"]
    )
    assert api.get(f"/api/session/{sid}").status_code == 404
    store = api.application.extensions["site_store"]
    assert store.load(sid) is None


def test_the_api_opens_no_browser_session(api):
    response = api.post("/api/connect", json={"demo": "restaurant"}, headers=SAME_ORIGIN)
    assert "site_pages_session" not in response.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("backend", ["redis"])
def test_storage_down_is_a_json_503(backend, tmp_path):
    from conftest import RedisServer

    server = RedisServer(tmp_path)
    server.start()
    app = create_app(backend_config("redis", server))
    client = app.test_client()
    sid = client.post("/api/connect", json={"demo": "restaurant"}).get_json()["sessionId"]
    server.stop()
    try:
        response = client.get(f"/api/session/{sid}")
        assert response.status_code == 503
        assert response.get_json() == {"error": "Storage unavailable"}
        assert response.headers["Retry-After"] == "5"
    finally:
        app.extensions["site_store"].close()
