"""Half a site session (a key evicted, or deleted by an operator), on both backends.

A missing intents or theme key is derived again from the content, as at
connect; a session whose main key is gone is ended cleanly: its other keys are
deleted and the browser is told "Session not found".
"""

from __future__ import annotations

import json

import pytest
from conftest import connect_demo, csrf_token, site_sid


def drop(app, key: str) -> None:
    """Remove one stored key, as an eviction or an operator would."""
    store = app.extensions["site_store"]
    if store.backend_name == "redis":
        store.client.delete(key)
    else:
        store.cache.delete(key)


def read(app, key: str):
    store = app.extensions["site_store"]
    if store.backend_name == "redis":
        return store.client.get(key)
    return store.cache.get(key)


def exists(app, key: str) -> bool:
    store = app.extensions["site_store"]
    if store.backend_name == "redis":
        return bool(store.client.exists(key))
    return store.cache.has(key)


@pytest.mark.parametrize("lost", ["intents", "theme", "both"])
def test_lost_intents_or_theme_are_derived_again(app, client, lost):
    connect_demo(client)
    sid = site_sid(client)
    keys = app.extensions["site_store"].keys(sid)
    assert (
        client.post("/pages/menu/generate", data={"csrf_token": csrf_token(client)}).status_code
        == 303
    )
    original = {"intents": read(app, keys.intents), "theme": read(app, keys.theme)}
    for name in ("intents", "theme") if lost == "both" else (lost,):
        drop(app, getattr(keys, name))

    home = client.get("/")
    assert home.status_code == 200
    text = home.get_data(as_text=True)
    assert "Browse the menu" in text or "Menu" in text
    assert "0 intents" not in text
    for name, value in original.items():
        assert json.loads(read(app, getattr(keys, name))) == json.loads(value)
    # Its pages are served again, the generated one included.
    assert client.get("/frame/menu.html?framed=1").status_code == 200
    assert client.get("/frame/menu-detail-grilled-octopus.html?framed=1").status_code == 200


def test_lost_intents_are_repaired_on_any_page_not_only_the_home(app, client):
    connect_demo(client)
    keys = app.extensions["site_store"].keys(site_sid(client))
    drop(app, keys.intents)
    assert client.get("/frame/menu-detail-grilled-octopus.html?framed=1").status_code == 200
    assert exists(app, keys.intents)


def test_session_without_its_main_key_is_ended_cleanly(app, client):
    connect_demo(client)
    sid = site_sid(client)
    keys = app.extensions["site_store"].keys(sid)
    assert (
        client.post("/pages/menu/generate", data={"csrf_token": csrf_token(client)}).status_code
        == 303
    )
    drop(app, keys.session)

    response = client.get("/frame/menu.html?framed=1")
    assert response.status_code == 404
    assert "Session not found" in response.get_data(as_text=True)
    for key in keys.all:
        assert not exists(app, key), key
    # The browser forgot it: the next visit shows the connect form.
    assert "Connect a site" in client.get("/").get_data(as_text=True)


def test_session_without_content_cannot_be_repaired_and_is_ended(app, client):
    connect_demo(client)
    sid = site_sid(client)
    store = app.extensions["site_store"]
    keys = store.keys(sid)
    drop(app, keys.intents)
    if store.backend_name == "redis":
        store.client.hdel(keys.session, "content")
    else:
        large = store.cache.get(keys.session + "#fields")
        del large["content"]
        store.cache.set(keys.session + "#fields", large)

    response = client.get("/")
    assert response.status_code == 404
    assert "Session not found" in response.get_data(as_text=True)
    for key in keys.all:
        assert not exists(app, key), key


def test_the_api_repairs_a_half_session_as_the_app_does(app, client):
    """The JSON API reads a site session through the app's one way of loading a site: a
    session that lost its intents gets them back from its content (it reported 0)."""
    connected = client.post("/api/connect", json={"demo": "restaurant"}).get_json()
    sid = connected["sessionId"]
    keys = app.extensions["site_store"].keys(sid)
    drop(app, keys.intents)
    status = client.get(f"/api/session/{sid}").get_json()
    assert len(status["intents"]) == len(connected["intents"]) > 0
    assert json.loads(read(app, keys.intents))  # stored again


def test_a_field_its_read_plan_did_not_name_is_caught(app, client, caplog):
    """Reading a hash field the plan did not ask for would answer None, as if it did not
    exist: it raises in tests (the app's TESTING) and is logged once elsewhere."""
    from webapp.content.model.layout import chunk_field
    from webapp.storage import ReadPlan
    from webapp.storage.base import UnplannedRead

    connect_demo(client)
    store = app.extensions["site_store"]
    planned = chunk_field("menu", 1)
    site = store.load(site_sid(client), ReadPlan(fields=(planned,)))
    assert site.fields.get(planned) is not None
    with pytest.raises(UnplannedRead):
        site.fields.get(chunk_field("menu", 2))
    store.strict_reads = False  # as in production
    site = store.load(site_sid(client), ReadPlan(fields=(planned,)))
    name = f"never-planned-{store.backend_name}"  # logged once per process
    assert site.fields.get(name) is None
    assert site.fields.get(name) is None
    assert caplog.text.count(f"{name!r}, which its read plan did not name") == 1
