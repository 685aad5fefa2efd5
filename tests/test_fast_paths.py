"""Fast paths: stored gzip bytes with validators, the cached home, bounded reads, lazy TTLs."""

from __future__ import annotations

import gzip
import io
import json
import re
import time
import zipfile

import pytest
from conftest import connect_demo, csrf_token, site_sid, upload

from webapp.content.fragment import to_fragment
from webapp.storage import ReadPlan, StoredPage

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
NONCE = re.compile(r'<script nonce="([^"]+)"')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def generate(client, intent_id: str = "menu", action: str = "generate"):
    token = csrf_token(client)
    return client.post(f"/pages/{intent_id}/{action}", data={"csrf_token": token})


def test_stored_page_is_served_gzipped_to_browsers_that_accept_it(client, app):
    connect_demo(client)
    generate(client)
    plain = client.get("/frame/menu.html?framed=1")
    zipped = client.get("/frame/menu.html?framed=1", headers=GZIP)
    assert plain.status_code == zipped.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert len(zipped.get_data()) < len(plain.get_data()) / 2
    assert plain.get_data(as_text=True).startswith("<!doctype html>")
    # Exactly the stored bytes: nothing is compressed per request.
    stored = app.extensions["site_store"].load(site_sid(client), ReadPlan(page_ids=["menu"]))
    assert zipped.get_data() == stored.pages["menu"].gzip
    for response in (plain, zipped):
        assert response.headers["Cache-Control"] == "private, no-cache"
        assert "Accept-Encoding" in response.headers["Vary"]
        assert "sandbox" in response.headers["Content-Security-Policy"]
    # The two encodings are two representations: two strong validators.
    assert plain.headers["ETag"] != zipped.headers["ETag"]
    assert not plain.headers["ETag"].startswith("W/")


def test_detail_and_later_listing_pages_are_served_the_same_way(client):
    connect_demo(client)
    generate(client)
    for path in ["/frame/menu-detail-grilled-octopus.html?framed=1", "/frame/menu.html?framed=1"]:
        first = client.get(path, headers=GZIP)  # made on its first view, then stored
        again = client.get(path, headers=GZIP)
        assert first.status_code == again.status_code == 200, path
        assert first.headers["Content-Encoding"] == "gzip"
        assert first.get_data() == again.get_data()
        assert first.headers["ETag"] == again.headers["ETag"]
        revalidated = client.get(path, headers={**GZIP, "If-None-Match": first.headers["ETag"]})
        assert revalidated.status_code == 304 and revalidated.get_data() == b""


def test_revalidation_answers_304_without_a_body(client):
    connect_demo(client)
    generate(client)
    for headers in ({}, GZIP):
        first = client.get("/frame/menu.html?framed=1", headers=headers)
        etag = first.headers["ETag"]
        again = client.get("/frame/menu.html?framed=1", headers={**headers, "If-None-Match": etag})
        assert again.status_code == 304
        assert again.get_data() == b""
        assert again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == "private, no-cache"
        assert "Accept-Encoding" in again.headers["Vary"]
        # Only what a cache updates: the browser keeps the rest from the page it holds.
        for name in ("Content-Security-Policy", "X-Content-Type-Options", "Content-Type"):
            assert name not in again.headers and name in first.headers, name
        other = client.get(
            "/frame/menu.html?framed=1", headers={**headers, "If-None-Match": '"nope"'}
        )
        assert other.status_code == 200 and other.get_data() == first.get_data()
    # A validator of one encoding does not answer for the other.
    plain_tag = client.get("/frame/menu.html?framed=1").headers["ETag"]
    crossed = client.get("/frame/menu.html?framed=1", headers={**GZIP, "If-None-Match": plain_tag})
    assert crossed.status_code == 200 and crossed.headers["Content-Encoding"] == "gzip"


def _connect_content(client, content: dict) -> None:
    response = upload(client, json.dumps(content).encode())
    assert response.status_code == 303, response.get_data(as_text=True)[:300]


SHOP = {
    "site": {"name": "Validator Shop", "theme": {"primary": "#225588"}},
    "products": [
        {"id": f"p{n}", "name": f"Product {n}", "price": 10 + n, "description": "Plain."}
        for n in range(6)
    ],
}


def test_a_new_etag_once_the_page_content_or_theme_changed(client):
    _connect_content(client, SHOP)
    generate(client, "products")
    first = client.get("/frame/products.html?framed=1")
    assert first.status_code == 200
    etag = first.headers["ETag"]
    # The same content connected again: the same bytes, the same validator.
    _connect_content(client, SHOP)
    generate(client, "products")
    same = client.get("/frame/products.html?framed=1", headers={"If-None-Match": etag})
    assert same.status_code == 304
    # Content changed: 200 with a new validator.
    renamed = json.loads(json.dumps(SHOP))
    renamed["products"][0]["name"] = "Product zero"
    _connect_content(client, renamed)
    generate(client, "products")
    changed = client.get("/frame/products.html?framed=1", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Product zero" in changed.get_data(as_text=True)
    # Theme changed: the same.
    themed = json.loads(json.dumps(SHOP))
    themed["site"]["theme"]["primary"] = "#aa3311"
    _connect_content(client, themed)
    generate(client, "products")
    recoloured = client.get("/frame/products.html?framed=1", headers={"If-None-Match": etag})
    assert recoloured.status_code == 200 and recoloured.headers["ETag"] not in (
        etag,
        changed.headers["ETag"],
    )


def test_page_view_download_and_export_send_identical_bytes(client, app):
    doc = {"products": [{"id": i, "name": f"Product {i}", "price": i} for i in range(60)]}
    upload(client, json.dumps(doc).encode())
    generate(client, "products")
    pages = ("products", "products-page-2", "products-detail-product-3")
    framed = {p: client.get(f"/frame/{p}.html?framed=1") for p in pages}  # made on view
    archive = zipfile.ZipFile(io.BytesIO(client.get("/export.zip").get_data()))
    stored = app.extensions["site_store"].load(site_sid(client), ReadPlan(page_ids=pages))
    for page_id in pages:
        view = framed[page_id]
        download = client.get(f"/pages/{page_id}/download")
        assert view.status_code == download.status_code == 200, page_id
        assert view.get_data() == download.get_data() == archive.read(f"{page_id}.html")
        assert view.get_data(as_text=True) == stored.pages[page_id].html
        # Gzipped, the same stored gzip bytes and validator.
        zipped = client.get(f"/frame/{page_id}.html?framed=1", headers=GZIP)
        zipped_download = client.get(f"/pages/{page_id}/download", headers=GZIP)
        assert zipped.get_data() == zipped_download.get_data() == stored.pages[page_id].gzip
        assert zipped.headers["ETag"] == zipped_download.headers["ETag"]
        assert zipped_download.headers["Content-Encoding"] == "gzip"
        assert "attachment" in zipped_download.headers["Content-Disposition"]
        # A download is a standalone page: nothing in it runs, even opened from this app.
        assert "frame-ancestors 'none'" in download.headers["Content-Security-Policy"]


def test_link_like_words_in_content_are_neither_links_nor_files(client, app):
    """Text may read 'href="x.html"' (nh3 leaves quotes in text): it stays words."""
    words = 'Try href="secret.html" or href="/pages/products/items/p1" at home.'
    doc = {"products": [{"id": f"p{i}", "name": f"Lamp {i}", "body": f"<p>{words}</p>"}
                        for i in range(3)]}  # fmt: skip
    upload(client, json.dumps(doc).encode())
    generate(client, "products")
    framed = client.get("/frame/products-detail-p0.html?framed=1")
    assert 'href="secret.html"' in framed.get_data(as_text=True)  # as words, escaped or not
    download = client.get("/pages/products-detail-p0/download", headers=GZIP)
    assert download.headers["Content-Encoding"] == "gzip"  # the stored bytes, not rewritten
    assert gzip.decompress(download.get_data()) == framed.get_data()
    archive = zipfile.ZipFile(io.BytesIO(client.get("/export.zip").get_data()))
    assert "secret.html" not in archive.namelist()
    assert archive.read("products-detail-p0.html") == framed.get_data()
    fragment = to_fragment(framed.get_data(as_text=True))
    assert 'href="secret.html"' in fragment and 'href="/pages/products/items/p1"' in fragment


def test_a_page_stored_with_app_links_gets_file_links_where_it_is_saved(client, app):
    """Pages stored before file links linked to the app's URLs: they still work."""
    connect_demo(client)
    generate(client)
    store = app.extensions["site_store"]
    old = (
        "<!doctype html><html><head><title>Old · Saffron</title><style>a{}</style></head>"
        '<body><main><a href="/">Home</a> <a href="/pages/menu/items/grilled-octopus">Octopus</a>'
        ' <a href="/pages/menu?page=2">Next</a></main></body></html>'
    )
    assert store.save_pages(site_sid(client), {"menu": StoredPage.make(old, "2026-01-01")})
    # In the frame its app links still reach the app directly.
    assert client.get("/frame/menu.html?framed=1").get_data(as_text=True) == old
    saved = (
        '<a href="index.html">Home</a> <a href="menu-detail-grilled-octopus.html">Octopus</a>'
        ' <a href="menu-page-2.html">Next</a>'
    )
    download = client.get("/pages/menu/download", headers=GZIP)
    assert "Content-Encoding" not in download.headers and saved in download.get_data(as_text=True)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/export.zip").get_data()))
    assert saved in archive.read("menu.html").decode()
    assert "menu-detail-grilled-octopus.html" in archive.namelist()
    fragment = to_fragment(old)  # what the JSON API sends a frontend
    assert 'href="#"' in fragment and 'href="#menu-detail-grilled-octopus"' in fragment
    assert 'href="#menu-page-2"' in fragment


def test_the_cached_home_fills_in_each_requests_token_and_nonce(app):
    first, second = app.test_client(), app.test_client()
    for browser in (first, second):
        connect_demo(browser)
        browser.get("/")  # the "Connected" flash: rendered whole
    pages = [first.get("/"), first.get("/"), second.get("/")]
    tokens = [CSRF.findall(page.get_data(as_text=True)) for page in pages]
    nonces = [NONCE.findall(page.get_data(as_text=True)) for page in pages]
    for page, page_tokens, page_nonces in zip(pages, tokens, nonces, strict=True):
        assert page.status_code == 200
        assert len(set(page_tokens)) == 1 and len(page_tokens) > 5  # one token per page
        assert len(page_nonces) == 1
        assert f"'nonce-{page_nonces[0]}'" in page.headers["Content-Security-Policy"]
        assert "csrf-" not in page_tokens[0] and not page_nonces[0].startswith("nonce-")
    assert nonces[0] != nonces[1]  # a nonce per response, even from the cache
    # Tokens from the cached page work: generating through it succeeds.
    response = first.post("/pages/menu/generate", data={"csrf_token": tokens[1][0]})
    assert response.status_code == 303
    home = first.get("/").get_data(as_text=True)
    assert "Generated Menu." in home or "Generated" in home  # the flash: rendered whole
    home = first.get("/").get_data(as_text=True)
    assert home.count("Page ready") == 1  # the change shows: a new cache key
    assert "Page ready" not in second.get("/").get_data(as_text=True)


def test_a_browser_sessions_csrf_token_is_signed_once(app):
    first, second = app.test_client(), app.test_client()
    for browser in (first, second):
        connect_demo(browser)
        browser.get("/")
    tokens = [CSRF.findall(browser.get("/").get_data(as_text=True))[0]
              for browser in (first, first, second)]  # fmt: skip
    assert tokens[0] == tokens[1] != tokens[2]  # one per browser session, not per request
    assert first.post("/pages/menu/generate", data={"csrf_token": tokens[0]}).status_code == 303
    assert second.post("/pages/menu/generate", data={"csrf_token": tokens[0]}).status_code == 400
    # With a time limit, a token is signed for each request (its timestamp must be new).
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    first.get("/")  # the flash
    time.sleep(1.1)  # signed tokens carry whole seconds
    assert CSRF.findall(first.get("/").get_data(as_text=True))[0] != tokens[0]


def test_the_cached_home_is_per_site(app):
    browsers = {}
    for demo in ("restaurant", "real-estate"):
        browser = app.test_client()
        connect_demo(browser, demo)
        browser.get("/")
        browsers[demo] = browser.get("/").get_data(as_text=True)
    assert "Saffron" in browsers["restaurant"] and "Saffron" not in browsers["real-estate"]


def _bytes_read_by_app(redis_client, request) -> tuple[object, int]:
    """Bytes Redis sent to clients while ``request()`` ran (less the INFO replies)."""

    def sent() -> int:
        return int(redis_client.info("stats")["total_net_output_bytes"])

    baseline = sent()
    info_reply = sent() - baseline
    before = sent()
    response = request()
    return response, sent() - before - info_reply


def _big_shop(items: int) -> dict:
    return {
        "site": {"name": "Big Shop"},
        "products": [
            {
                "id": f"item-{n}",
                "name": f"Thing number {n}",
                "price": n % 500 + 0.99,
                "description": "A sturdy thing for every day. " * 6,
                "category": f"cat-{n % 12}",
            }
            for n in range(items)
        ],
    }


@pytest.mark.parametrize("backend", ["redis"], indirect=True)
def test_pages_made_on_view_read_a_bounded_number_of_bytes(app, client, redis_client):
    shop = _big_shop(8000)
    document = json.dumps(shop).encode()
    _connect_content(client, shop)
    generate(client, "products")
    assert client.get("/").status_code == 200
    response, read = _bytes_read_by_app(
        redis_client, lambda: client.get("/frame/products-detail-item-7777.html?framed=1")
    )
    assert response.status_code == 200 and "Thing number 7777" in response.get_data(as_text=True)
    # One 48-record chunk and the model, not the ~2 MB content.
    assert len(document) > 2_000_000
    assert read < 60_000, read
    response, read = _bytes_read_by_app(
        redis_client, lambda: client.get("/frame/products-page-150.html?framed=1")
    )
    assert response.status_code == 200 and read < 60_000, read
    # An unknown item: a 404 after reading its missing pointer, not the content.
    response, read = _bytes_read_by_app(
        redis_client, lambda: client.get("/frame/products-detail-no-such-item.html?framed=1")
    )
    assert response.status_code == 404 and read < 30_000, read


def test_reads_slide_the_ttl_lazily(app, client, backend, request):
    connect_demo(client)
    generate(client)
    store = app.extensions["site_store"]
    sid = site_sid(client)
    assert store.refresh_seconds == min(300, store.ttl_seconds // 10)
    if backend == "redis":
        redis_client = request.getfixturevalue("redis_client")
        keys = [k for k in redis_client.keys(f"*{{{sid}}}") if not k.startswith("browser:")]
        assert len(keys) == 4
        # Within the refresh interval: a read writes nothing, the TTL runs on.
        for key in keys:
            redis_client.expire(key, store.ttl_seconds - 5)
        store.load(sid)
        assert all(redis_client.ttl(key) <= store.ttl_seconds - 5 for key in keys)
        # Past it: the read slides all four keys.
        for key in keys:
            redis_client.expire(key, store.ttl_seconds - store.refresh_seconds - 5)
        store.load(sid)
        assert all(redis_client.ttl(key) >= store.ttl_seconds - 2 for key in keys)
    else:
        touched = store._touched[sid]
        store.load(sid)
        assert store._touched[sid] == touched  # not refreshed within the interval
        store._touched[sid] = time.monotonic() - store.refresh_seconds - 1
        store.load(sid)
        assert store._touched[sid] > touched


def test_each_request_matches_its_url_once(client, monkeypatch):
    from werkzeug.routing import MapAdapter

    connect_demo(client)
    generate(client)
    client.get("/")
    calls = []
    original = MapAdapter.match

    def counting(self, *args, **kwargs):
        calls.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MapAdapter, "match", counting)
    for path, status in [
        ("/", 200),
        ("/frame/menu.html?framed=1", 200),
        ("/pages/menu/items/grilled-octopus", 200),
        ("/pages/no-such-intent", 404),
        ("/no/such/route", 404),
        ("/healthz", 200),
    ]:
        calls.clear()
        assert client.get(path).status_code == status, path
        assert len(calls) == 1, (path, calls)
    # A routing answer (405 for a GET on a POST-only route) is still Flask's own.
    calls.clear()
    assert client.get("/generate-all").status_code == 405
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("accept", "gzipped"),
    [
        ("gzip", True),
        ("br;q=1.0, gzip;q=0.8, *;q=0.1", True),
        ("*", True),
        ("gzip;q=0, identity", False),
        ("identity", False),
        ("", False),
    ],
)
def test_accept_encoding_weights_are_honoured(client, accept, gzipped):
    connect_demo(client)
    generate(client)
    response = client.get("/frame/menu.html?framed=1", headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert (response.headers.get("Content-Encoding") == "gzip") is gzipped
    body = gzip.decompress(response.get_data()) if gzipped else response.get_data()
    assert body.startswith(b"<!doctype html>")


def test_a_compact_document_is_stored_as_sent_and_a_pretty_one_compacted(client, app):
    store = app.extensions["site_store"]
    compact = json.dumps(SHOP, separators=(",", ":")).encode()
    response = upload(client, compact)
    assert response.status_code == 303
    stored = store.load(site_sid(client), ReadPlan(content=True)).content_json
    assert stored.encode() == compact
    pretty = json.dumps(SHOP, indent=2).encode()
    assert upload(client, pretty).status_code == 303
    stored = store.load(site_sid(client), ReadPlan(content=True)).content_json
    assert "\n" not in stored and json.loads(stored) == SHOP
    with_bom = b"\xef\xbb\xbf" + compact
    assert upload(client, with_bom).status_code == 303
    stored = store.load(site_sid(client), ReadPlan(content=True)).content_json
    assert not stored.startswith("\ufeff") and json.loads(stored) == SHOP


def test_the_fast_parser_reads_every_fixture_as_the_careful_one_does():
    from pathlib import Path

    from webapp.content.parse import MAX_JSON_DEPTH, _parse_careful, _parse_strict

    fixtures = sorted(Path(__file__).parent.joinpath("fixtures").rglob("*.json"))
    assert len(fixtures) > 10
    for path in fixtures:
        raw = path.read_bytes()
        fast = _parse_strict(raw)
        if fast is not None:
            assert fast == _parse_careful(raw, MAX_JSON_DEPTH), path.name
    for odd in [b"[NaN]", b'["\\ud800"]', b"\xef\xbb\xbf[1]", b"[1e400]", b'{"a": "\xff"}']:
        assert _parse_strict(odd) is None, odd


@pytest.mark.parametrize("backend", ["redis"], indirect=True)
def test_reading_the_site_apart_from_the_browser_session_costs_a_round_trip(
    app, client, monkeypatch
):
    connect_demo(client)
    generate(client)
    client.get("/")
    client.get("/frame/menu.html?framed=1")
    connection_class = app.extensions["site_store"].client.connection_pool.connection_class
    original = connection_class.send_packed_command
    sent = []

    def counting(self, command, check_health=True):
        sent.append(command)
        return original(self, command, check_health)

    monkeypatch.setattr(connection_class, "send_packed_command", counting)
    expected = {}
    for flag, round_trips in ((True, 1), (False, 2)):
        app.config["READ_SITE_WITH_BROWSER_SESSION"] = flag
        for path in ("/", "/frame/menu.html?framed=1"):
            sent.clear()
            response = client.get(path)
            assert response.status_code == 200
            assert len(sent) == round_trips, (flag, path, sent)
            # The same answer either way (but for the per-response nonce and token).
            body = NONCE.sub("", CSRF.sub("", response.get_data(as_text=True)))
            assert expected.setdefault(path, body) == body


def test_the_home_is_rendered_once_per_change(app, client):
    from flask import template_rendered

    rendered = []

    def record(sender, template, context, **extra):
        rendered.append(template.name)

    connect_demo(client)
    client.get("/")  # with the "Connected" flash: rendered whole
    with template_rendered.connected_to(record, app):
        for _ in range(3):
            assert client.get("/").status_code == 200
        assert rendered.count("home.html") <= 1  # once, unless an earlier request did
        generate(client)  # a change: the home shows the page as ready
        client.get("/")  # the "Generated" flash
        rendered.clear()
        for _ in range(3):
            assert "Page ready" in client.get("/").get_data(as_text=True)
        assert rendered.count("home.html") == 1


@pytest.mark.parametrize("backend", ["redis"], indirect=True)
def test_a_revalidation_reads_no_page_bytes_from_redis(app, client, redis_client):
    connect_demo(client)
    generate(client)
    path = "/frame/menu-detail-grilled-octopus.html?framed=1"
    first = client.get(path, headers=GZIP)  # made and stored
    stored = client.get(path, headers=GZIP)
    page_bytes = len(stored.get_data())
    assert page_bytes > 2000
    full, full_read = _bytes_read_by_app(redis_client, lambda: client.get(path, headers=GZIP))
    tag = first.headers["ETag"]
    revalidated, read = _bytes_read_by_app(
        redis_client, lambda: client.get(path, headers={**GZIP, "If-None-Match": tag})
    )
    assert full.status_code == 200 and revalidated.status_code == 304
    assert full_read - read >= page_bytes  # the page itself stayed in Redis
    # A validator of the other encoding: the body is read and sent.
    plain_tag = client.get(path).headers["ETag"]
    crossed = client.get(path, headers={**GZIP, "If-None-Match": plain_tag})
    assert crossed.status_code == 200 and crossed.get_data() == stored.get_data()
    # A stored page in the frame is all that is read: not the site's intents or theme.
    intents = len(redis_client.get(next(redis_client.scan_iter("*intents*"))))
    assert intents > 1000
    assert full_read < page_bytes + 1000 < page_bytes + intents
    # The chrome around it never takes a validator: it needs the page's title.
    chrome = client.get("/pages/menu/items/grilled-octopus", headers={"If-None-Match": tag})
    assert chrome.status_code == 200
