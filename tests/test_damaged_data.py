"""Stored values that cannot be decoded, on both backends: a lost session, never a 500.

A value written by something else (an operator's slip, another program on the same
Redis, a key of the wrong type) ends its site session like an expiry: its keys are
deleted and the browser is told "Session not found", saying the stored data was
damaged, logged once as one warning line. A damaged stored page is only a missing page:
made again on its next view (the bad copy replaced) and in an export. Values are
corrupted by writing into the real stores: a real redis-server and the real SimpleCache.
"""

from __future__ import annotations

import gzip
import io
import logging
import zipfile

import pytest
from conftest import connect_demo, csrf_token, site_sid

from webapp.storage import StoredPage
from webapp.storage.base import META_FIELDS, is_small_field
from webapp.storage.memory import LARGE

DAMAGED = "stored data was damaged"
DETAIL = "menu-detail-grilled-octopus"


def store_of(app):
    return app.extensions["site_store"]


def on_redis(app) -> bool:
    return store_of(app).backend_name == "redis"


def browser_key(app, sid: str) -> str:
    return f"{app.config['SESSION_KEY_PREFIX']}{{{sid}}}"


def set_value(app, key: str, value) -> None:
    """Replace a stored key's value, as another program writing to storage would."""
    if on_redis(app):
        store_of(app).client.delete(key)
        store_of(app).client.set(key, value)
    else:
        store_of(app).cache.set(key, value)


def set_hash(app, key: str, value: dict) -> None:
    """Replace a stored key with a hash (Redis: a key of another type than a string)."""
    store_of(app).client.delete(key)
    store_of(app).client.hset(key, mapping=value)


def set_field(app, sid: str, name: str, value: bytes) -> None:
    """Replace one field of the session hash (in memory: in the entry that holds it)."""
    keys = store_of(app).keys(sid)
    if on_redis(app):
        store_of(app).client.hset(keys.session, name, value)
        return
    entry = keys.session if name in META_FIELDS or is_small_field(name) else keys.session + LARGE
    fields = store_of(app).cache.get(entry)
    fields[name] = value
    store_of(app).cache.set(entry, fields)


def set_page(app, sid: str, page_id: str, value: bytes) -> None:
    """Replace one stored page's value."""
    key = store_of(app).keys(sid).pages
    if on_redis(app):
        store_of(app).client.hset(key, page_id, value)
        return
    pages = store_of(app).cache.get(key)
    pages[page_id] = value
    store_of(app).cache.set(key, pages)


def stored_page(app, sid: str, page_id: str) -> bytes | None:
    key = store_of(app).keys(sid).pages
    if on_redis(app):
        return store_of(app).client.hget(key, page_id)
    return (store_of(app).cache.get(key) or {}).get(page_id)


def left(app, sid: str) -> list[str]:
    """The keys of a site session (and its browser session) still stored."""
    keys = [*store_of(app).keys(sid).all, browser_key(app, sid)]
    if on_redis(app):
        return [key for key in keys if store_of(app).client.exists(key)]
    keys.append(store_of(app).keys(sid).session + LARGE)
    return [key for key in keys if store_of(app).cache.has(key)]


def site_keys_left(app, sid: str) -> list[str]:
    return [key for key in left(app, sid) if key != browser_key(app, sid)]


def warnings_of(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.WARNING]


def generate(client, intent_id: str = "menu") -> None:
    response = client.post(f"/pages/{intent_id}/generate", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 303


def connected(client) -> str:
    """Connect the restaurant demo, generate its menu page and view one item's page."""
    connect_demo(client)
    generate(client)
    assert client.get(f"/frame/{DETAIL}.html?framed=1").status_code == 200
    return site_sid(client)


def assert_lost(app, client, caplog, response, sid: str, key: str) -> None:
    """The answer is "Session not found" (damaged data), the keys went, one warning line."""
    text = response.get_data(as_text=True)
    assert response.status_code == 404, text[:2000]
    assert "Session not found" in text and DAMAGED in text, text[:2000]
    assert "Traceback" not in text
    assert site_keys_left(app, sid) == []
    found = warnings_of(caplog)
    assert len(found) == 1, [record.getMessage() for record in found]
    assert key.replace(sid, sid[:8] + "…") in found[0].getMessage()  # the id is a secret
    assert found[0].exc_info is None and "Traceback" not in caplog.text
    assert "Connect a site" in client.get("/").get_data(as_text=True)


# What each route reads: a value is found damaged by a route that decodes it.
MODEL_ROUTES = [
    "/pages/menu",
    "/pages/menu?q=octopus",
    "/frame/pages/menu?q=octopus",
    "/export.zip",
    "/pages/menu/items/sea-bass",
    "/frame/menu-detail-sea-bass.html?framed=1",
]
SITE_ROUTES = ["/", "/pages/menu", "/export.zip", "/disconnect", "/pages/menu/items/sea-bass"]


def test_the_routes_answer_before_anything_is_damaged(app, client):
    """The control of the tests below: every route they damage answers 200 when intact."""
    connected(client)
    for path in {*MODEL_ROUTES, *SITE_ROUTES}:
        response = client.get(path)
        response.close()  # the export streams
        assert response.status_code == 200, path


@pytest.mark.parametrize("path", MODEL_ROUTES)
@pytest.mark.parametrize("value", [b"\x01garbage", b"[1, 2]"])
def test_garbage_model_ends_the_session(app, client, caplog, path, value):
    sid = connected(client)
    set_field(app, sid, "model", value)
    caplog.clear()
    response = client.get(path)
    assert_lost(app, client, caplog, response, sid, store_of(app).keys(sid).session)
    assert "model" in warnings_of(caplog)[0].getMessage()


@pytest.mark.parametrize("path", SITE_ROUTES)
@pytest.mark.parametrize(
    "damage",
    ["intents not JSON", "intents not a list", "theme not JSON", "theme a list", "site name"],
)
def test_undecodable_site_value_ends_the_session(app, client, caplog, damage, path):
    sid = connected(client)
    keys = store_of(app).keys(sid)
    key = {"intents": keys.intents, "theme": keys.theme, "site": keys.session}[damage.split()[0]]
    value = {
        "intents not JSON": "not json",
        "intents not a list": '{"id": "menu"}',
        "theme not JSON": "{garbage",
        "theme a list": "[1, 2]",
    }.get(damage)
    if value is None:
        set_field(app, sid, "site_name", b"\xff\xfe not UTF-8")
    else:
        set_value(app, key, value)
    caplog.clear()
    response = client.get(path)
    assert_lost(app, client, caplog, response, sid, key)


def test_content_not_json_ends_a_session_that_needs_repair(app, client, caplog):
    """A half session (its theme evicted) is repaired from its content, unless that is
    damaged too."""
    sid = connected(client)
    keys = store_of(app).keys(sid)
    if on_redis(app):
        store_of(app).client.delete(keys.theme)
    else:
        store_of(app).cache.delete(keys.theme)
    set_field(app, sid, "content", b"{not json")
    caplog.clear()
    assert_lost(app, client, caplog, client.get("/"), sid, keys.session)
    assert "content" in warnings_of(caplog)[0].getMessage()


def test_json_api_answers_404_session_not_found(app, client, caplog):
    sid = connected(client)
    set_value(app, store_of(app).keys(sid).intents, "not json")
    caplog.clear()
    response = client.get(f"/api/session/{sid}")
    assert response.status_code == 404
    assert response.get_json()["error"] == "Session not found"
    assert site_keys_left(app, sid) == []
    assert len(warnings_of(caplog)) == 1
    # The page generator's routes too, whatever they decode (here the model).
    client = app.test_client()
    sid = connected(client)
    set_field(app, sid, "model", b"\x01garbage")
    body = {"sessionId": sid, "intentId": "hours", "dataPath": "hours"}
    response = client.post("/api/generate-page", json=body)
    assert response.status_code == 404
    assert response.get_json()["error"] == "Session not found"
    assert site_keys_left(app, sid) == []


@pytest.mark.parametrize("backend", ["redis"])
@pytest.mark.parametrize("which", ["session", "intents", "theme", "pages"])
def test_key_of_the_wrong_type_ends_the_session(app, client, caplog, which):
    sid = connected(client)
    key = getattr(store_of(app).keys(sid), which)
    if which in ("session", "pages"):
        set_value(app, key, "a string where a hash belongs")
    else:
        set_hash(app, key, {"a": "hash where a string belongs"})
    caplog.clear()
    response = client.get("/")
    assert_lost(app, client, caplog, response, sid, key)
    assert "wrong" in warnings_of(caplog)[0].getMessage()


@pytest.mark.parametrize("value", [b"\x01garbage", b"{garbage", b"[1, 2]", "hash"])
@pytest.mark.parametrize("path", ["/", "/pages/menu"])
def test_undecodable_browser_session_is_a_fresh_one(app, client, caplog, value, path):
    sid = connected(client)
    key = browser_key(app, sid)
    if value == "hash":
        if not on_redis(app):
            pytest.skip("a key's type is Redis's")
        set_hash(app, key, {"site_sid": sid})
    else:
        set_value(app, key, value)
    caplog.clear()
    response = client.get(path)
    text = response.get_data(as_text=True)
    if path == "/":
        assert response.status_code == 200
        assert "Connect a site" in text
    else:
        assert response.status_code == 404
        assert "Session not found" in text and DAMAGED in text
    found = warnings_of(caplog)
    assert len(found) == 1, [record.getMessage() for record in found]
    assert key.replace(sid, sid[:8] + "…") in found[0].getMessage()
    assert found[0].exc_info is None and "Traceback" not in caplog.text
    # Nothing of it is left: the site it named is unreachable, and went with it.
    assert left(app, sid) == []
    assert "Connect a site" in client.get("/").get_data(as_text=True)


def garbage_everywhere(app, sid: str, *, browser: bool) -> None:
    keys = store_of(app).keys(sid)
    if on_redis(app):
        set_value(app, keys.session, "x")
        set_value(app, keys.pages, "x")
        set_hash(app, keys.intents, {"a": "b"})
        set_hash(app, keys.theme, {"a": "b"})
    else:
        for key in (*keys.all, keys.session + LARGE):
            set_value(app, key, b"\x01garbage")
    if browser:
        set_value(app, browser_key(app, sid), b"\x01garbage")


def test_disconnect_works_when_every_site_key_is_garbage(app, client):
    sid = connected(client)
    token = csrf_token(client)
    garbage_everywhere(app, sid, browser=False)
    response = client.post("/disconnect", data={"csrf_token": token})
    assert response.status_code == 303
    assert left(app, sid) == []
    assert "Connect a site" in client.get("/").get_data(as_text=True)


def test_disconnect_works_when_the_browser_session_is_garbage_too(app, client, caplog):
    sid = connected(client)
    token = csrf_token(client)
    garbage_everywhere(app, sid, browser=True)
    caplog.clear()
    response = client.post("/disconnect", data={"csrf_token": token})
    # The browser's session could not be read, so neither could its form's token: the
    # session is ended all the same, and the answer says so.
    assert response.status_code in (303, 404)
    if response.status_code == 404:
        assert DAMAGED in response.get_data(as_text=True)
    assert left(app, sid) == []
    assert len(warnings_of(caplog)) == 1
    assert "Connect a site" in client.get("/").get_data(as_text=True)


def test_disconnect_page_with_garbage_answers_session_not_found(app, client, caplog):
    sid = connected(client)
    garbage_everywhere(app, sid, browser=False)
    caplog.clear()
    response = client.get("/disconnect")
    key = store_of(app).keys(sid).session if on_redis(app) else None
    assert response.status_code == 404
    assert DAMAGED in response.get_data(as_text=True)
    assert left(app, sid) == [browser_key(app, sid)]  # kept: it no longer names the site
    assert len(warnings_of(caplog)) == 1
    if key:
        assert "session:{" + sid[:8] in warnings_of(caplog)[0].getMessage()


def good_value(app, sid: str, page_id: str) -> bytes:
    value = stored_page(app, sid, page_id)
    return value if isinstance(value, bytes) else value.encode()


def corrupt(value: bytes, how: str) -> bytes:
    header, _, body = value.partition(b"\n")
    return {
        "garbage body": header + b"\n\x01garbage",
        "cut stream": value[:-20],
        "flipped byte": header + b"\n" + body[:40] + bytes([body[40] ^ 0xFF]) + body[41:],
        "trailing bytes": value + b"\x00\x01",
        "no etag": b"gz1  2026-01-01T00:00:00+00:00\n" + body,
        "no header": b"\x01garbage",
    }[how]


HOW = ["garbage body", "cut stream", "flipped byte", "trailing bytes", "no etag", "no header"]


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("page_id", ["menu", DETAIL])
def test_damaged_stored_page_is_made_again(app, client, caplog, page_id, how):
    sid = connected(client)
    path = f"/frame/{page_id}.html?framed=1"
    original = client.get(path).get_data()
    good = good_value(app, sid, page_id)
    set_page(app, sid, page_id, corrupt(good, how))
    caplog.clear()

    plain = client.get(path)
    assert plain.status_code == 200
    assert plain.get_data() == original
    zipped = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == original
    # The bad copy was replaced by a sound one, and the session lives on.
    again = StoredPage.from_bytes(stored_page(app, sid, page_id))
    assert again is not None and again.html.encode() == original
    assert site_keys_left(app, sid) != [] and client.get("/").status_code == 200
    assert len(warnings_of(caplog)) <= 1
    assert "Traceback" not in caplog.text
    # The chrome around it shows it as generated.
    chrome = "/pages/menu" if page_id == "menu" else "/pages/menu/items/grilled-octopus"
    assert client.get(chrome).status_code == 200


@pytest.mark.parametrize("how", ["garbage body", "cut stream", "flipped byte", "no header"])
@pytest.mark.parametrize("page_id", ["menu", DETAIL])
def test_damaged_stored_page_is_exported_whole(app, client, page_id, how):
    sid = connected(client)
    generate(client, "hours")
    before = client.get("/export.zip")
    assert before.status_code == 200
    before = before.get_data()  # read whole: the export runs until then
    set_page(app, sid, page_id, corrupt(good_value(app, sid, page_id), how))

    after = client.get("/export.zip")
    assert after.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(after.get_data()))
    assert archive.testzip() is None
    assert f"{page_id}.html" in archive.namelist()
    assert after.get_data() == before  # same pages, same zip
    # The bad copy does not stay behind.
    stored = stored_page(app, sid, page_id)
    assert stored is None or StoredPage.from_bytes(stored) is not None
    assert client.get(f"/frame/{page_id}.html?framed=1").status_code == 200


def test_damaged_page_download_is_never_sent_broken(app, client):
    sid = connected(client)
    set_page(app, sid, "menu", corrupt(good_value(app, sid, "menu"), "garbage body"))
    response = client.get("/pages/menu/download", headers={"Accept-Encoding": "gzip"})
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert gzip.decompress(response.get_data()).startswith(b"<!DOCTYPE html>")
