"""What the app leaves in Redis, how many round trips it costs, and Redis outages."""

from __future__ import annotations

import json
import time

import pytest
from conftest import backend_config, connect_demo, csrf_token, site_sid

from webapp import create_app
from webapp.storage import StoredPage


@pytest.fixture
def backend():
    """Everything here is about Redis itself."""
    return "redis"


def test_keys_in_redis_after_connect(client, redis_client):
    connect_demo(client)
    sid = site_sid(client)
    tag = "{" + sid + "}"
    # The per-client limit counters are the one exception to the hash tag (test_client_limits).
    keys = {key for key in redis_client.keys("*") if not key.startswith("limit:")}
    site_keys = {f"session:{tag}", f"intents:{tag}", f"theme:{tag}"}
    assert site_keys <= keys
    # The browser session as it was before connecting lives on for a minute (a form sent
    # twice must still find it); the one that points at the site is the other.
    browser_keys = {k for k in keys - site_keys if redis_client.ttl(k) > 60}
    assert all(redis_client.ttl(k) <= 60 for k in keys - site_keys - browser_keys)
    assert len(browser_keys) == 1
    (browser_key,) = browser_keys
    assert browser_key.startswith("browser:")
    assert not browser_key.startswith("session:")
    # Flask-Session's value is JSON too (not msgpack, not pickle).
    assert json.loads(redis_client.get(browser_key))["site_sid"] == sid
    meta = redis_client.hgetall(f"session:{tag}")
    assert meta["source"] == "demo:restaurant"
    assert json.loads(meta["content"])  # the content, as JSON
    intents = json.loads(redis_client.get(f"intents:{tag}"))
    assert {"id", "title", "description", "icon", "dataPath"} <= set(intents[0])
    assert set(json.loads(redis_client.get(f"theme:{tag}"))) == {
        "primary", "secondary", "accent", "background", "text",
    }  # fmt: skip
    for key in site_keys:
        assert 86390 <= redis_client.ttl(key) <= 86400
    # The browser session outlives the site session by the refresh slack, never less.
    assert 86400 < redis_client.ttl(browser_key) <= 86400 + 600


def test_home_refreshes_ttl_of_all_keys(client, redis_client):
    connect_demo(client)
    sid = site_sid(client)
    for key in redis_client.keys("*"):
        redis_client.expire(key, 100)
    assert client.get("/").status_code == 200
    for key in redis_client.keys(f"*{{{sid}}}"):
        assert redis_client.ttl(key) > 86000


def test_disconnect_leaves_no_key_and_touches_other_sessions(app, redis_client):
    alice, bob = app.test_client(), app.test_client()
    connect_demo(alice, "restaurant")
    connect_demo(bob, "portfolio")
    alice_sid, bob_sid = site_sid(alice), site_sid(bob)
    before = {k: redis_client.dump(k) for k in redis_client.keys(f"*{{{bob_sid}}}")}
    assert alice.post("/disconnect", data={"csrf_token": csrf_token(alice)}).status_code == 303
    assert redis_client.keys(f"*{alice_sid}*") == []
    remaining = redis_client.keys("*")
    # Bob's site keys plus one browser key each for Bob (Alice's was deleted).
    assert {k: redis_client.dump(k) for k in redis_client.keys(f"*{{{bob_sid}}}")} == before
    live = [k for k in remaining if k.startswith("browser:") and redis_client.ttl(k) > 60]
    assert len(live) == 1
    assert bob.get("/").status_code == 200


def count_round_trips(app, monkeypatch):
    """Count packets sent to Redis (one per command or per pipeline)."""
    sent = []
    connection_class = app.extensions["site_store"].client.connection_pool.connection_class
    original = connection_class.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(command)
        return original(self, command, check_health)

    monkeypatch.setattr(connection_class, "send_packed_command", counting)
    return sent


def test_home_page_round_trips(app, client, monkeypatch):
    connect_demo(client)
    client.get("/")  # settles the CSRF token in the browser session
    sent = count_round_trips(app, monkeypatch)
    assert client.get("/").status_code == 200
    # One script reads the browser session and the site session together (and
    # slides the site keys' TTL); the browser session is not rewritten.
    assert len(sent) == 1, sent


def test_pages_made_on_view_read_once(app, client, monkeypatch):
    connect_demo(client)
    client.get("/")
    # A process's first use of each Lua script loads it (NOSCRIPT, SCRIPT LOAD).
    assert client.get("/frame/menu-detail-grilled-octopus.html?framed=1").status_code == 200
    sent = count_round_trips(app, monkeypatch)
    # One script reads the browser session and the page, or else the content;
    # one script stores the page.
    assert client.get("/frame/menu-detail-charred-flatbread.html?framed=1").status_code == 200
    assert len(sent) == 2, sent
    sent.clear()
    assert client.get("/frame/menu-detail-charred-flatbread.html?framed=1").status_code == 200
    assert len(sent) == 1, sent


def test_healthz_round_trips(app, client, monkeypatch):
    connect_demo(client)
    sent = count_round_trips(app, monkeypatch)
    client.get("/healthz")
    assert len(sent) == 1  # the PING itself; no browser-session read


def test_redis_outage_is_503_and_recovers(own_redis):
    app = create_app(backend_config("redis", own_redis))
    client = app.test_client()
    connect_demo(client)
    assert client.get("/").status_code == 200
    own_redis.stop()
    try:
        for path in ["/", "/healthz", "/", "/"]:
            started = time.monotonic()
            response = client.get(path)
            elapsed = time.monotonic() - started
            assert response.status_code == 503, path
            assert elapsed < 2.0
            assert response.headers["Retry-After"] == "5"
            if path == "/":
                assert "Storage unavailable" in response.get_data(as_text=True)
                assert '<a class="btn" href="/">Try again</a>' in response.get_data(as_text=True)
                assert "Traceback" not in response.get_data(as_text=True)
            else:
                health = response.get_json()
                assert health == {
                    "status": "unavailable",
                    "backend": "redis",
                    "chosen_by": "STORAGE_BACKEND=redis (URL from REDIS_URL)",
                    "mode": "single",
                    "reachable": False,
                    "writable": False,
                    "reason": "unreachable",
                    "latency_ms": health["latency_ms"],
                }
                assert str(own_redis.port) not in response.get_data(as_text=True)
        # "Try again" on an encoded tab or line break stays on this app (browsers drop
        # them from URLs: "/<TAB>/evil.example/" would lead to http://evil.example/).
        for sneaky in ("/%09/evil.example/", "/%0a/evil.example/"):
            response = client.get(sneaky)
            assert response.status_code == 503
            assert '<a class="btn" href="/">Try again</a>' in response.get_data(as_text=True)
        # Werkzeug reads "//" at the start of a path as one "/": a path of this app.
        response = client.get("/%2f%2fevil.example/")
        assert '<a class="btn" href="/evil.example/">Try again</a>' in response.get_data(
            as_text=True
        )
        # Posting while down is also a clean 503, never a 500.
        response = client.post("/disconnect", data={"csrf_token": "x"})
        assert response.status_code == 503
    finally:
        own_redis.start()  # same port: the app must reconnect by itself
    assert client.get("/healthz").status_code == 200
    # Redis restarted empty (no persistence): the browser session went with it, so
    # the browser is simply not connected any more; no error, no 503.
    home = client.get("/")
    assert home.status_code == 200
    assert "Connect a site" in home.get_data(as_text=True)
    connect_demo(client)
    assert client.get("/").status_code == 200
    app.extensions["site_store"].close()


def test_refused_browser_session_save_is_503_and_forgets_the_new_site(own_redis):
    """A connect whose browser session cannot be saved answers 503 and keeps nothing.

    The app's Redis user may change site keys but not SET browser sessions (an ACL
    a Redis 7 server enforces per key), so the connect's site is stored and then
    its browser session is refused.
    """
    admin = own_redis.client()
    admin.acl_setuser("app", enabled=True, passwords=["+pw"], keys=["*"], commands=["+@all"])
    config = backend_config("redis", own_redis)
    config["REDIS_URL"] = f"redis://app:pw@127.0.0.1:{own_redis.port}/0"
    app = create_app(config)
    client = app.test_client()
    connect_demo(client, "restaurant")
    first = site_sid(client)
    token = csrf_token(client)
    site_keys = ["~session:*", "~intents:*", "~theme:*", "~page:*"]
    # Browser keys: anything but SET (a Redis 7 selector), so deleting one still works.
    admin.execute_command(
        "ACL", "SETUSER", "app", "resetkeys", *site_keys, "(~browser:* +@all -set)"
    )
    try:
        response = client.post(
            "/connect", data={"csrf_token": token, "source": "demo", "demo": "portfolio"}
        )
        assert response.status_code == 503
        text = response.get_data(as_text=True)
        assert "Storage unavailable" in text and "not allowed to change data" in text
        assert response.headers["Retry-After"] == "5"
        # The new site went with the failed connect; the previous one is still there.
        assert admin.keys("session:*") == ["session:{" + first + "}"]
        # The browser kept its session (its site, its form's token): once Redis takes
        # writes again it is still connected, and sending the same form again connects.
        admin.execute_command("ACL", "SETUSER", "app", "resetkeys", "~*")
        assert site_sid(client) == first
        assert "Disconnect" in client.get("/").get_data(as_text=True)
        response = client.post(
            "/connect", data={"csrf_token": token, "source": "demo", "demo": "portfolio"}
        )
        assert response.status_code == 303
        assert "Disconnect" in client.get("/").get_data(as_text=True)
        # The old copy expires within a minute once the new one was saved.
        assert [admin.ttl(k) <= 60 for k in admin.keys("browser:*")].count(False) == 1
        site_of_first = [f"{kind}:{{{first}}}" for kind in ("session", "intents", "theme", "page")]
        assert admin.exists(*site_of_first) == 0  # the previous site went
        assert all(admin.ttl(k) <= 60 for k in admin.keys(f"browser:{{{first}}}"))
    finally:
        admin.acl_deluser("app")
        admin.close()
        app.extensions["site_store"].close()


def test_hung_redis_is_503_within_two_seconds():
    """A Redis that accepts connections but never answers (overloaded, half-dead network)."""
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)  # the kernel completes handshakes; nobody ever reads or replies
    try:
        config = backend_config("memory", None)
        config.update(
            STORAGE_BACKEND="redis", REDIS_URL=f"redis://127.0.0.1:{silent.getsockname()[1]}"
        )
        app = create_app(config)
        client = app.test_client()
        for path in ["/", "/healthz"]:
            started = time.monotonic()
            response = client.get(path)
            assert response.status_code == 503
            assert time.monotonic() - started < 2.0
        app.extensions["site_store"].close()
    finally:
        silent.close()


def test_outage_is_logged_as_one_warning_without_traceback(own_redis, caplog):
    app = create_app(backend_config("redis", own_redis))
    client = app.test_client()
    connect_demo(client)
    own_redis.stop()
    try:
        with caplog.at_level("WARNING"):
            assert client.get("/").status_code == 503
    finally:
        own_redis.start()
    assert "Storage unavailable" in caplog.text
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    app.extensions["site_store"].close()


def test_browser_and_site_keys_share_one_cluster_slot(client, redis_client):
    """A connected browser's session id is its site session's id, under the same hash tag."""
    from redis.crc import key_slot

    connect_demo(client)
    sid = site_sid(client)
    keys = redis_client.keys(f"*{{{sid}}}")
    assert sorted(k.split(":", 1)[0] for k in keys) == ["browser", "intents", "session", "theme"]
    assert len({key_slot(key.encode()) for key in keys}) == 1
    assert client.get_cookie("site_pages_session").value == sid


def test_every_read_is_one_round_trip(app, client, monkeypatch):
    connect_demo(client)
    client.get("/")  # shows the flash (a browser-session write) and loads the script
    intent_id = "menu"
    client.post(f"/pages/{intent_id}/generate", data={"csrf_token": csrf_token(client)})
    client.get(f"/frame/{intent_id}-detail-grilled-octopus.html?framed=1")  # loads the save script
    client.get("/")  # shows the "Generated" flash
    sent = count_round_trips(app, monkeypatch)
    for path in [
        "/",
        f"/pages/{intent_id}",
        f"/frame/{intent_id}.html?framed=1",
        f"/pages/{intent_id}/items/grilled-octopus",
        f"/frame/{intent_id}-detail-grilled-octopus.html?framed=1",
        "/disconnect",
        f"/pages/{intent_id}/download",
        "/pages/no-such-intent",
    ]:
        sent.clear()
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert len(sent) == 1, (path, sent)
    # The export reads the stored pages and the model, then the chunks its pages need; it
    # claims the site's one export first and gives the claim back when the zip is made.
    sent.clear()
    assert client.get("/export.zip").status_code == 200
    assert len(sent) == 4


@pytest.mark.parametrize("cookie", ["}x{", "a}b", "{", "a b", "x" * 3000, "A" * 42 + "}"])
def test_odd_session_cookies_never_name_keys(app, client, monkeypatch, cookie):
    client.set_cookie("site_pages_session", cookie)
    sent = count_round_trips(app, monkeypatch)
    response = client.get("/")
    assert response.status_code == 200
    assert "Connect a site" in response.get_data(as_text=True)
    packed = b"".join(b"".join(command) for command in sent)
    assert b"{" + cookie.encode() + b"}" not in packed


def test_options_reads_nothing(app, client, monkeypatch):
    connect_demo(client)
    client.get("/")
    sent = count_round_trips(app, monkeypatch)
    client.options("/pages/menu/generate")
    assert not any(b"EVALSHA" in command[0] for command in sent if command)


def test_unused_prefetch_is_not_reused_by_the_next_request(app, client):
    """Requests inside one outer app context (scripts, some test harnesses) share g."""
    connect_demo(client)
    sid = site_sid(client)
    with app.app_context():
        # Read ahead for a view that never runs: the CSRF check refuses the POST.
        assert client.post("/pages/menu/generate", data={}).status_code == 400
        app.extensions["site_store"].save_pages(sid, {"menu": StoredPage.make("<p>kept</p>", "t")})
        response = client.post("/pages/menu/generate", data={"csrf_token": csrf_token(client)})
        assert response.status_code == 303
    # The page stored meanwhile was seen, and kept (generate does not replace).
    assert client.get("/frame/menu.html?framed=1").get_data(as_text=True) == "<p>kept</p>"
