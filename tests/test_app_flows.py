"""The app as a person uses it, on both backends: forms that keep input, honest messages,
repeated submissions that change nothing twice, the chrome around generated pages."""

from __future__ import annotations

import re
import time

import pytest
from conftest import connect, connect_demo, csrf_token, site_sid

NONCE = re.compile(r'name="nonce" value="([^"]+)"')


def form_nonce(client) -> str:
    return NONCE.search(client.get("/").get_data(as_text=True)).group(1)


@pytest.mark.parametrize(
    ("fields", "failed", "kept"),
    [
        ({"source": "url", "url": "ftp://cms.example/x.json", "token": "s3cret"}, "url",
         ['value="ftp://cms.example/x.json"']),
        ({"source": "sleekcms", "pub_token": "pub-nope"}, "sleekcms", ['value="pub-nope"']),
        ({"source": "paste", "json": '{"site": '}, "paste", ['>{&#34;site&#34;: </textarea>']),
        ({"source": "demo", "demo": "nowhere"}, "demo", []),
        ({"source": "upload"}, "upload", ["Choose the file again"]),
    ],
)  # fmt: skip
def test_a_failed_connect_keeps_input_next_to_its_form(client, fields, failed, kept):
    response = connect(client, **fields)
    assert response.status_code in (400, 502)
    text = response.get_data(as_text=True)
    # The error sits in the form that failed, and its field points at it.
    form = next(f for f in text.split("<form") if f'name="source" value="{failed}"' in f)
    assert f'id="{failed}-error" role="alert"' in form
    assert f'aria-describedby="{failed}-error"' in form
    for snippet in kept:
        assert snippet in form
    assert "s3cret" not in text  # a secret is never sent back into a page
    if fields.get("token"):
        assert "The token you gave was not kept" in form


def test_the_same_connect_form_sent_twice_makes_one_site(client, app):
    nonce = form_nonce(client)
    token = csrf_token(client)
    cookie = client.get_cookie("site_pages_session").value
    data = {"csrf_token": token, "nonce": nonce, "source": "demo", "demo": "portfolio"}
    first = client.post("/connect", data=data)
    sid = site_sid(client)
    # The double click's second request left with the cookie the first one had.
    client.set_cookie("site_pages_session", cookie)
    second = client.post("/connect", data=data)
    assert first.status_code == second.status_code == 303
    assert site_sid(client) == sid
    store = app.extensions["site_store"]
    assert store.load(sid) is not None
    home = client.get("/").get_data(as_text=True)
    assert "Connected Morgan Ashby." in home
    # Sent again later, with the session the first answer gave: still that one site.
    assert client.post("/connect", data=data).status_code == 303
    assert site_sid(client) == sid
    # A fresh form (a new nonce) connects anew.
    connect_demo(client, "portfolio")
    assert site_sid(client) != sid
    assert store.load(sid) is None  # the previous site went with the reconnect


def test_generate_twice_is_harmless(client):
    connect_demo(client)
    token = csrf_token(client)
    for _ in range(2):
        response = client.post("/pages/menu/generate", data={"csrf_token": token})
        assert response.status_code == 303
    assert client.get("/pages/menu").status_code == 200


def test_a_form_from_a_tab_whose_site_was_disconnected_says_session_not_found(client):
    connect_demo(client)
    stale = csrf_token(client)  # the form in the other tab
    assert client.post("/disconnect", data={"csrf_token": csrf_token(client)}).status_code == 303
    response = client.post("/pages/menu/generate", data={"csrf_token": stale})
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "Session not found" in text and "disconnected in another tab" in text
    assert "security token" not in text


def test_after_a_storage_loss_the_connect_page_says_so(client, app):
    connect_demo(client)
    store = app.extensions["site_store"]
    if store.backend_name == "redis":
        store.client.flushall()
    else:
        store.cache.clear()
    page = client.get("/").get_data(as_text=True)
    assert "Your previous site session is gone." in page
    assert "Connect a site" in page
    assert "Your previous site session is gone." not in client.get("/").get_data(as_text=True)


def test_an_oversized_upload_answers_next_to_the_upload_form(app, client):
    from conftest import upload

    app.config["DOCUMENT_LIMIT"] = 1000
    app.config["MAX_CONTENT_LENGTH"] = 1000 + 2000
    response = upload(client, b'{"items": ["' + b"x" * 5000 + b'"]}')
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert 'id="upload-error"' in text and "this app&#39;s limit" in text
    assert "MAX_CONTENT_LENGTH" not in text


def test_disconnect_asks_first(client):
    connect_demo(client)
    page = client.get("/disconnect")
    assert page.status_code == 200
    assert "Disconnect Saffron &amp; Sage?" in page.get_data(as_text=True)
    assert client.get("/").status_code == 200  # nothing happened yet
    assert "Connect a site" not in client.get("/").get_data(as_text=True)


def test_chrome_frames_the_stored_page_and_lists_every_intent(client):
    connect_demo(client)
    token = csrf_token(client)
    client.post("/pages/menu/generate", data={"csrf_token": token})
    chrome = client.get("/pages/menu")
    text = chrome.get_data(as_text=True)
    assert 'src="/frame/menu.html?framed=1"' in text and "<iframe" in text
    assert "frame-src 'self'" in chrome.headers["Content-Security-Policy"]
    for intent_id in ("team", "events", "contact"):
        assert f'href="/pages/{intent_id}"' in text
        assert f'action="/pages/{intent_id}/generate"' in text  # not generated yet
    assert 'action="/pages/menu/regenerate"' in text
    assert 'href="/pages/menu/download"' in text
    framed = client.get("/frame/menu.html?framed=1")
    assert "frame-ancestors 'self'" in framed.headers["Content-Security-Policy"]
    assert '<base target="_top">' in framed.get_data(as_text=True)
    download = client.get("/pages/menu/download")
    assert "frame-ancestors 'none'" in download.headers["Content-Security-Policy"]
    # The frame, the download and the export hold the same page (links made absolute or
    # local where the file is elsewhere).
    assert framed.get_data(as_text=True).count("Grilled octopus") == download.get_data(
        as_text=True
    ).count("Grilled octopus")


def test_regenerate_says_so(client):
    connect_demo(client)
    token = csrf_token(client)
    client.post("/pages/menu/generate", data={"csrf_token": token})
    client.get("/pages/menu")
    response = client.post("/pages/menu/regenerate", data={"csrf_token": token})
    assert response.status_code == 303
    assert "Regenerated Browse the menu" in client.get("/pages/menu").get_data(as_text=True)


def test_home_shows_when_the_site_was_connected_as_a_person_reads_it(client):
    connect_demo(client)
    text = client.get("/").get_data(as_text=True)
    match = re.search(r'<time datetime="([^"]+)">([^<]+)</time>', text)
    assert match and "T" in match.group(1)
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC", match.group(2))


def test_generate_all_makes_every_page_once(app, client):
    connect_demo(client)
    token = csrf_token(client)
    client.post("/pages/menu/generate", data={"csrf_token": token})
    response = client.post("/generate-all", data={"csrf_token": token})
    assert response.status_code == 303
    store = app.extensions["site_store"]
    from webapp.storage import ReadPlan

    site = store.load(site_sid(client), ReadPlan(page_index=True, all_pages=True))
    assert {i["id"] for i in site.intents} <= site.page_ids
    home = client.get("/").get_data(as_text=True)
    assert f"Generated {len(site.intents) - 1} pages." in home
    assert "Generate all" not in home
    menu = site.pages["menu"]
    # Sent again: nothing changes.
    assert client.post("/generate-all", data={"csrf_token": token}).status_code == 303
    assert "Every page was already generated." in client.get("/").get_data(as_text=True)
    again = store.load(site_sid(client), ReadPlan(all_pages=True))
    assert again.pages["menu"] == menu


def test_a_nonce_is_no_key_to_someone_elses_site(app):
    victim, other = app.test_client(), app.test_client()
    nonce = form_nonce(victim)
    data = {"nonce": nonce, "source": "demo", "demo": "portfolio"}
    assert (
        victim.post("/connect", data={**data, "csrf_token": csrf_token(victim)}).status_code == 303
    )
    page = victim.get("/").get_data(as_text=True)
    assert victim.get_cookie("site_pages_session").value not in page  # ids stay in cookies
    # Someone who learnt the nonce sends it from their own browser: a site of their own.
    assert other.post("/connect", data={**data, "csrf_token": csrf_token(other)}).status_code == 303
    assert site_sid(other) != site_sid(victim)
    assert (
        other.get_cookie("site_pages_session").value
        != victim.get_cookie("site_pages_session").value
    )


def test_the_same_nonce_with_other_content_connects_that_content(client):
    nonce = form_nonce(client)
    token = csrf_token(client)
    first = {"csrf_token": token, "nonce": nonce, "source": "demo", "demo": "portfolio"}
    assert client.post("/connect", data=first).status_code == 303
    sid = site_sid(client)
    pasted = {"csrf_token": token, "nonce": nonce, "source": "paste",
              "json": '{"site": {"name": "My Bakery"}, "breads": [{"name": "Rye"}]}'}  # fmt: skip
    assert client.post("/connect", data=pasted).status_code == 303
    assert site_sid(client) != sid
    assert "Connected My Bakery." in client.get("/").get_data(as_text=True)


def test_try_again_never_leads_elsewhere(app):
    from webapp.errors import _retry_url

    # PATH_INFO is what the server decoded: "%09" arrives as a tab, "%2f" as "/".
    for path, query, expected in [
        ("/pages/menu", "page=2", "/pages/menu?page=2"),
        ("/\\evil.example/", "", "/"),
        ("//evil.example/x", "", "/evil.example/x"),  # one slash: a path of this app
        ("/\t/evil.example/", "", "/"),  # browsers drop the tab: //evil.example/
        ("/\r/evil.example/", "", "/"),
        ("/\n/evil.example/", "", "/"),
        ("/\x00/evil.example/", "", "/"),
        ("/ /evil.example/", "", "/"),
        ("/\x0b/evil.example/", "", "/"),
        ("/pages/menu", "q=\t", "/"),  # a raw control character in the query too
    ]:
        overrides = {"PATH_INFO": path, "QUERY_STRING": query}
        with app.test_request_context(environ_overrides=overrides):
            assert _retry_url() == expected, repr(path)
    # A form's "Try again" goes back to the page that sent it, on this host only.
    for referrer, expected in [
        ("http://localhost/pages/menu", "/pages/menu"),
        ("http://localhost/\t/evil.example/", "/"),
        ("http://localhost//evil.example/", "/"),
        ("http://evil.example/", "/"),
    ]:
        headers = {"Referer": referrer}
        with app.test_request_context("/connect", method="POST", headers=headers):
            assert _retry_url() == expected, repr(referrer)


def test_errors_inside_the_frame_are_shown_there(client):
    connect_demo(client)
    response = client.get("/frame/menu-detail-no-such-dish.html?framed=1")
    assert response.status_code == 404
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    assert '<base target="_top">' in response.get_data(as_text=True)
    assert (
        "frame-ancestors 'none'" in client.get("/pages/nothing").headers["Content-Security-Policy"]
    )


def test_search_where_there_is_nothing_to_search_is_a_404(client):
    connect_demo(client)
    assert client.get("/pages/about?q=x").status_code == 404
    assert client.get("/pages/menu?q=x&page=9").status_code == 404
    assert client.get("/pages/menu?q=x").status_code == 200


def test_a_resend_after_a_killed_worker_connects_once_its_claim_runs_out(app):
    """A worker killed while connecting leaves its form's claim "pending"; the same form
    sent again waits for that claim as long as it lives, then connects itself (it used
    to wait 20 s, the fetch deadline, for a claim of 30 s, then answer 409)."""
    from webapp.demos import load_demo
    from webapp.sites import PENDING, _fingerprint

    app.config.update(CONNECT_CLAIM_SECONDS=2, FETCH_TOTAL_TIMEOUT=1)
    client = app.test_client()
    nonce = form_nonce(client)
    token = csrf_token(client)
    with client.session_transaction() as browser:
        browser_sid = browser.sid
    fingerprint = _fingerprint("demo:restaurant", load_demo("restaurant"))
    store = client.application.extensions["site_store"]
    lost = f"{PENDING}:{'x' * 43}:{fingerprint}"
    assert store.claim_nonce(browser_sid, nonce, lost, 2) is None  # what the dead one left
    started = time.monotonic()
    data = {"csrf_token": token, "nonce": nonce, "source": "demo", "demo": "restaurant"}
    response = client.post("/connect", data=data)
    waited = time.monotonic() - started
    assert response.status_code == 303
    assert 1.0 < waited < 10.0  # the rest of the dead claim's life (and a loaded machine's)
    assert "Connected" in client.get("/").get_data(as_text=True)
    assert site_sid(client) != "x" * 43
