"""Per-client limits on connects (Flask-Limiter, on the app's own storage), both backends."""

from __future__ import annotations

import json

from conftest import backend_config, csrf_token

from webapp import create_app

PASTE = json.dumps(
    {"site": {"name": "Bakery"}, "breads": [{"name": f"Loaf {i}"} for i in range(40)]}
)


def connect_form(client, address="10.0.0.1", **fields):
    environ = {"REMOTE_ADDR": address}
    token = csrf_token(client)
    data = {"csrf_token": token, "source": "demo", "demo": "restaurant", **fields}
    return client.post("/connect", data=data, environ_base=environ)


def connect_api(client, address="10.0.0.1", forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post(
        "/api/connect",
        json={"demo": "restaurant"},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def test_connects_per_minute_per_client_shared_by_form_and_api(make_app):
    app = make_app(CONNECTS_PER_MINUTE=3)
    browser = app.test_client()
    assert connect_form(browser).status_code == 303
    assert connect_api(app.test_client()).status_code == 200
    assert connect_form(browser, source="paste", json="{").status_code == 400  # counts too
    refused = connect_form(browser)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    text = refused.get_data(as_text=True)
    assert "3 sites a minute" in text and "Please try again in" in text
    assert 'name="source" value="demo"' in text  # the connect form, to send again later
    api = connect_api(app.test_client())
    assert api.status_code == 429 and "3 sites a minute" in api.get_json()["error"]
    assert "Retry-After" in api.headers
    # Another address has a counter of its own.
    assert connect_form(app.test_client(), address="10.0.0.2").status_code == 303


def test_bytes_connected_per_day_per_client(make_app):
    app = make_app(CONNECT_BYTES_PER_DAY=len(PASTE) + 10)
    client = app.test_client()
    assert connect_form(client, source="paste", json=PASTE).status_code == 303
    # The day's bytes are spent by the connect that crossed the limit: the next is refused.
    assert connect_form(client, source="paste", json=PASTE).status_code == 303
    refused = connect_form(client, source="paste", json=PASTE)
    assert refused.status_code == 429
    assert "MB a day" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 3600  # the day's window
    # A connect that failed costs no bytes of the day: another client is unaffected.
    other = app.test_client()
    assert connect_form(other, address="10.0.0.9", source="paste", json="{").status_code == 400
    assert connect_form(other, address="10.0.0.9", source="paste", json=PASTE).status_code == 303


def test_a_client_is_its_address_as_the_trusted_proxies_report_it(make_app):
    direct = make_app(CONNECTS_PER_MINUTE=1)
    client = direct.test_client()
    assert connect_api(client, forwarded_for="1.1.1.1").status_code == 200
    # Without trusted proxies a forged header changes nothing: still the same client.
    assert connect_api(client, forwarded_for="2.2.2.2").status_code == 429

    proxied = make_app(CONNECTS_PER_MINUTE=1, PROXY_HOPS=1)
    client = proxied.test_client()
    assert connect_api(client, address="10.9.9.9", forwarded_for="1.1.1.1").status_code == 200
    assert connect_api(client, address="10.9.9.9", forwarded_for="2.2.2.2").status_code == 200
    assert connect_api(client, address="10.9.9.9", forwarded_for="1.1.1.1").status_code == 429


def test_limit_counters_belong_to_clients_and_expire_by_themselves(redis_server, redis_client):
    app = create_app(backend_config("redis", redis_server))
    assert connect_form(app.test_client()).status_code == 303
    counters = redis_client.keys("limit*")
    assert counters and all("{" not in key for key in counters)
    assert all(0 < redis_client.ttl(key) <= 86400 for key in counters)
    app.extensions["site_store"].close()


def test_an_ipv6_client_is_its_slash_64(make_app):
    app = make_app(CONNECTS_PER_MINUTE=1)
    assert connect_api(app.test_client(), address="2001:db8:1:2::1").status_code == 200
    # Another address of the same /64 is the same client; another /64 is not.
    assert connect_api(app.test_client(), address="2001:db8:1:2::ffff").status_code == 429
    assert connect_api(app.test_client(), address="2001:db8:1:3::1").status_code == 200


def test_a_body_refused_unread_counts_against_its_client(make_app):
    """Sending large bodies while the app is busy is connecting too: it counts, so a client
    cannot keep trying for the process's slots without meeting its limit."""
    from conftest import upload

    from webapp import slots

    app = make_app(CONNECTS_PER_MINUTE=1, CONNECT_CONCURRENCY=1)
    busy = {}  # another request holding the one connect slot
    assert slots.take(app.extensions["slots"], "connect", busy)
    large = json.dumps({"items": [{"name": f"item {i}"} for i in range(5000)]}).encode()
    assert upload(app.test_client(), large).status_code == 503
    slots.release_held(busy)
    assert connect_form(app.test_client(), address="127.0.0.1").status_code == 429


def test_a_body_refused_unread_counts_as_a_connect_not_as_bytes(make_app):
    """A refused body connected nothing: past the day's bytes it is still answered for what
    it is (busy), not as the day's limit."""
    from conftest import upload

    from webapp import slots

    app = make_app(CONNECT_BYTES_PER_DAY=len(PASTE) + 10, CONNECT_CONCURRENCY=1)
    client = app.test_client()
    for _ in range(2):  # the second crosses the day's bytes
        assert (
            connect_form(client, address="127.0.0.1", source="paste", json=PASTE).status_code == 303
        )
    busy = {}
    assert slots.take(app.extensions["slots"], "connect", busy)
    large = json.dumps({"items": [{"name": f"item {i}"} for i in range(5000)]}).encode()
    refused = upload(app.test_client(), large)
    slots.release_held(busy)
    assert refused.status_code == 503
