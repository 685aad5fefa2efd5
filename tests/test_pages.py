"""Generating, viewing, downloading and exporting pages, on both backends."""

from __future__ import annotations

import html as html_lib
import io
import json
import re
import zipfile

import pytest
from conftest import connect, connect_demo, csrf_token, site_sid, upload

from webapp.content.model.build import build_site
from webapp.content.model.layout import MODEL_FIELD, PAGE_SIZE, chunk_field, decode
from webapp.content.model.vocab import is_hidden_key
from webapp.demos import DEMOS, load_demo
from webapp.storage import ReadPlan

TAG = re.compile(r"<[^>]+>")
DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}|^\d{1,2}:\d{2}$")


def extract_intents(content):
    return build_site(content).intents


def items_of(content, intent_id):
    """Every item of an intent as the model lays it out: ``[(item_id, item), ...]``."""
    built = build_site(content)
    view = decode(built.fields[MODEL_FIELD])["views"][intent_id]
    if view["role"] != "collection":
        return []
    items = []
    for number in range(1, view["pages"] + 1):
        items += [(e[0], e[1]) for e in decode(built.fields[chunk_field(intent_id, number)])]
    return items


def visible_text(page: str) -> str:
    """The text a person sees: tags and the style block removed, entities decoded."""
    page = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    return " ".join(html_lib.unescape(TAG.sub(" ", page)).split())


def generate(client, intent_id, action="generate"):
    return client.post(f"/pages/{intent_id}/{action}", data={"csrf_token": csrf_token(client)})


def scalar_fields(item: dict) -> dict:
    return {k: v for k, v in item.items() if isinstance(v, str | int | float) and v != ""}


def field_values(page: str) -> set[str]:
    """The text of every field value on a detail page: a <dd>, or a <p> for long text."""
    values = re.findall(r"<(dd|p)\b[^>]*>(.*?)</\1>", page, flags=re.S)
    return {visible_text(value) for _tag, value in values}


def shown_as(value) -> str:
    """How a scalar is written on a page (booleans read Yes/No)."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def label_of(item) -> str | None:
    if not isinstance(item, dict):
        return None
    for key in ("name", "title"):
        if isinstance(item.get(key), str):
            return item[key]
    return None


@pytest.mark.parametrize("demo", list(DEMOS))
def test_every_intent_of_every_demo_generates_with_its_items(client, demo):
    connect_demo(client, demo)
    content = json.loads(load_demo(demo))
    for intent in extract_intents(content):
        response = generate(client, intent["id"])
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/pages/{intent['id']}")
        page = client.get(f"/frame/{intent['id']}.html?framed=1")
        assert page.status_code == 200, intent
        text = visible_text(page.get_data(as_text=True))
        assert intent["title"] in text
        items = items_of(content, intent["id"])
        for _item_id, item in items[:PAGE_SIZE]:
            name = label_of(item)
            if name:
                assert name in text, (intent["id"], name)
    home = client.get("/").get_data(as_text=True)
    assert "Not generated yet" not in home
    assert "Download all pages" in home


@pytest.mark.parametrize("demo", list(DEMOS))
def test_every_detail_page_shows_what_a_person_reads(client, demo):
    """Every short text field of every item is on its detail page, and no internal field is."""
    connect_demo(client, demo)
    content = json.loads(load_demo(demo))
    checked = 0
    for intent in extract_intents(content):
        generate(client, intent["id"])
        listing = client.get(f"/frame/{intent['id']}.html?framed=1").get_data(as_text=True)
        items = items_of(content, intent["id"])
        for position, (item_id, item) in enumerate(items):
            href = f"{intent['id']}-detail-{item_id}.html"
            if position < PAGE_SIZE:  # on the first listing page
                assert f'href="{href}"' in listing
            response = client.get(f"/frame/{href}?framed=1")
            assert response.status_code == 200, href
            text = visible_text(response.get_data(as_text=True))
            if not isinstance(item, dict):
                continue
            for key, value in scalar_fields(item).items():
                if is_hidden_key(key) or not isinstance(value, str) or len(value) > 200:
                    continue
                if key in ("currency", "status"):
                    continue  # part of the price ("$495,000"); a readable badge ("For sale")
                if value.startswith(("http://", "https://")) or DATE_LIKE.match(value):
                    continue  # shown as a link, an image or a readable date
                assert " ".join(value.split()) in text, (href, key, value)
            assert ">Id<" not in response.get_data(as_text=True)
            checked += 1
    assert checked >= 10


def test_items_link_to_their_detail_pages(client):
    connect_demo(client, "restaurant")
    intents = json.loads(json.dumps(extract_intents(json.loads(load_demo("restaurant")))))
    collection = next(i for i in intents if "menu" in i["id"])
    generate(client, collection["id"])
    listing = client.get(f"/frame/{collection['id']}.html?framed=1").get_data(as_text=True)
    links = re.findall(rf'href="({collection["id"]}-detail-([a-z0-9-]+)\.html)"', listing)
    assert len(links) >= 12
    # Clicked in the frame, a link leaves it for the item's place in the app, chrome and all.
    clicked = client.get(f"/frame/{links[0][0]}")
    assert clicked.status_code == 302
    assert clicked.headers["Location"] == f"/pages/{collection['id']}/items/{links[0][1]}"
    assert client.get(clicked.headers["Location"]).status_code == 200
    detail = client.get(f"/frame/{links[0][0]}?framed=1").get_data(as_text=True)
    assert f'href="{collection["id"]}.html"' in detail
    assert 'href="index.html"' in detail  # a way back to the site's home
    assert client.get("/frame/index.html").headers["Location"] == "/"  # the home
    assert client.get("/frame/index.html?framed=1").status_code == 404  # never framed
    old_item = client.get(f"/frame/pages/{collection['id']}/items/{links[0][1]}")
    assert old_item.headers["Location"] == f"/frame/{links[0][0]}?framed=1"
    assert client.get("/frame/Not_a_page.html").status_code == 404
    assert client.get("/frame/no-such-page.html", follow_redirects=True).status_code == 404
    # The frame's URL before file links (a chrome page held from before) leads to the new one.
    moved = client.get(f"/frame/pages/{collection['id']}?page=2")
    assert moved.headers["Location"] == f"/frame/{collection['id']}-page-2.html?framed=1"


def test_generated_pages_are_served_with_a_strict_csp(client):
    connect_demo(client)
    intent_id = extract_intents(json.loads(load_demo("restaurant")))[0]["id"]
    generate(client, intent_id)
    response = client.get(f"/frame/{intent_id}.html?framed=1")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp
    assert "script-src" not in csp  # falls back to default-src 'none'
    assert "<script" not in response.get_data(as_text=True)


def test_regenerate_returns_identical_bytes_and_replaces(client, app):
    connect_demo(client)
    intent_id = extract_intents(json.loads(load_demo("restaurant")))[0]["id"]
    generate(client, intent_id)
    first = client.get(f"/frame/{intent_id}.html?framed=1").get_data()
    response = generate(client, intent_id, "regenerate")
    assert response.status_code == 303
    assert client.get(f"/frame/{intent_id}.html?framed=1").get_data() == first
    store = app.extensions["site_store"]
    before = store.load(site_sid(client), ReadPlan(page_ids=[intent_id])).pages[intent_id]
    generate(client, intent_id, "regenerate")
    after = store.load(site_sid(client), ReadPlan(page_ids=[intent_id])).pages[intent_id]
    assert after.html == before.html and after.etag == before.etag
    assert after.generated_at >= before.generated_at


def test_generate_twice_keeps_the_stored_page(client, app):
    connect_demo(client)
    intent_id = extract_intents(json.loads(load_demo("restaurant")))[0]["id"]
    generate(client, intent_id)
    store = app.extensions["site_store"]
    stamp = store.load(site_sid(client), ReadPlan(page_ids=[intent_id])).pages[intent_id]
    assert generate(client, intent_id).status_code == 303
    again = store.load(site_sid(client), ReadPlan(page_ids=[intent_id])).pages[intent_id]
    assert again.generated_at == stamp.generated_at


def test_not_generated_unknown_intent_and_item(client):
    connect_demo(client)
    intent_id = extract_intents(json.loads(load_demo("restaurant")))[0]["id"]
    missing = client.get(f"/frame/{intent_id}.html?framed=1")
    assert missing.status_code == 404
    assert "Generate it now" in missing.get_data(as_text=True)
    assert client.get("/frame/no-such-intent.html?framed=1").status_code == 404
    assert generate(client, "no-such-intent").status_code == 404
    generate(client, intent_id)
    assert client.get(f"/frame/{intent_id}-detail-no-such-item.html?framed=1").status_code == 404
    assert client.get(f"/frame/{intent_id}-page-999.html?framed=1").status_code == 404
    assert client.get(f"/frame/{intent_id}-page-abc.html?framed=1").status_code == 404
    assert client.get(f"/frame/{intent_id}-page-².html?framed=1").status_code == 404
    assert client.get(f"/frame/{intent_id}-page-0.html?framed=1").status_code == 404
    assert client.get(f"/frame/{intent_id}-page--1.html?framed=1").status_code == 404
    assert client.get("/pages/nothing/download").status_code == 404


def test_pages_without_a_session_are_session_not_found(client):
    response = client.get("/frame/menu.html?framed=1")
    assert response.status_code == 404
    assert "Session not found" in response.get_data(as_text=True)
    assert client.get("/export.zip").status_code == 404


def test_download_is_a_standalone_attachment(client):
    connect_demo(client)
    intent_id = extract_intents(json.loads(load_demo("restaurant")))[0]["id"]
    generate(client, intent_id)
    response = client.get(f"/pages/{intent_id}/download")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{intent_id}.html"'
    body = response.get_data(as_text=True)
    assert body.lower().startswith("<!doctype html>")
    # The page's own bytes: its links name the files of the pages beside it (an export's).
    assert body == client.get(f"/frame/{intent_id}.html?framed=1").get_data(as_text=True)
    assert 'href="/' not in body and 'href="index.html"' in body


def test_export_zip_links_pages_together(client):
    connect_demo(client)
    content = json.loads(load_demo("restaurant"))
    intents = extract_intents(content)
    for intent in intents[:3]:
        generate(client, intent["id"])
    first = intents[0]
    item_id, _ = items_of(content, first["id"])[0]
    assert client.get(f"/frame/{first['id']}-detail-{item_id}.html?framed=1").status_code == 200
    response = client.get("/export.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert 'filename="saffron-sage-pages.zip"' in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    names = set(archive.namelist())
    # The generated pages, and every item of theirs (viewed or not) with its own page.
    expected = {f"{i['id']}.html" for i in intents[:3]} | {"index.html"}
    for intent in intents[:3]:
        expected |= {f"{intent['id']}-detail-{i}.html" for i, _ in items_of(content, intent["id"])}
    assert names == expected
    index = archive.read("index.html").decode()
    for intent in intents[:3]:
        assert f'href="{intent["id"]}.html"' in index
    assert ">Grilled octopus</a>" in index  # titled with the pages' titles
    for name in names:  # every link in the archive leads to a file in it
        for href in re.findall(r'href="([^"#]+)"', archive.read(name).decode()):
            assert href in names or href.startswith(("http", "mailto:", "data:")), (name, href)
    listing = archive.read(f"{first['id']}.html").decode()
    assert f'href="{first["id"]}-detail-{item_id}.html"' in listing
    assert 'href="/' not in listing
    detail = archive.read(f"{first['id']}-detail-{item_id}.html").decode()
    assert f'href="{first["id"]}.html"' in detail
    # Same pages, same zip.
    assert client.get("/export.zip").get_data() == response.get_data()


def test_disconnect_removes_every_page_and_nothing_else(app):
    alice, bob = app.test_client(), app.test_client()
    connect_demo(alice, "restaurant")
    connect_demo(bob, "restaurant")
    intent_id = extract_intents(json.loads(load_demo("restaurant")))[0]["id"]
    for browser in (alice, bob):
        generate(browser, intent_id)
    alice_sid, bob_sid = site_sid(alice), site_sid(bob)
    store = app.extensions["site_store"]
    alice.post("/disconnect", data={"csrf_token": csrf_token(alice)})
    assert store.load(alice_sid, ReadPlan(page_index=True)) is None
    assert store.load(bob_sid, ReadPlan(page_index=True)).page_ids == {intent_id}
    assert bob.get(f"/frame/{intent_id}.html?framed=1").status_code == 200


def test_large_collection_is_paginated_and_bounded(client):
    big = {"site": {"name": "Big shop"}}
    big["products"] = [
        {"id": i, "name": f"Product {i}", "price": i, "description": "x" * 50}
        for i in range(50_000)
    ]
    assert upload(client, json.dumps(big).encode(), "big.json").status_code == 303
    intents = extract_intents(big)
    products = next(i for i in intents if i["dataPath"] == "products")
    assert generate(client, products["id"]).status_code == 303
    first = client.get(f"/frame/{products['id']}.html?framed=1")
    assert first.status_code == 200
    assert len(first.get_data()) < 300_000
    assert "Product 0" in visible_text(first.get_data(as_text=True))
    last_page = -(-50_000 // PAGE_SIZE)
    last = client.get(f"/frame/{products['id']}-page-{last_page}.html?framed=1")
    assert last.status_code == 200
    assert "Product 49999" in visible_text(last.get_data(as_text=True))
    assert (
        client.get(f"/frame/{products['id']}-page-{last_page + 1}.html?framed=1").status_code == 404
    )
    detail = client.get(f"/frame/{products['id']}-detail-product-49999.html?framed=1")
    assert detail.status_code == 200
    assert "Product 49999" in visible_text(detail.get_data(as_text=True))


def test_hostile_content_pages_are_safe(client):
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    doc = {
        "site": {"name": evil, "colors": {"primary": "red;}</style><script>alert(3)</script>"}},
        "events": [
            {"id": "x" * 5000, "name": evil, "url": "javascript:alert(4)", "image": "javascript:x"},
            {"id": evil, "title": evil, "link": "https://example.com/" + evil},
        ],
    }
    assert connect(client, source="paste", json=json.dumps(doc)).status_code == 303
    for intent in extract_intents(doc):
        generate(client, intent["id"])
        page = client.get(f"/frame/{intent['id']}.html?framed=1").get_data(as_text=True)
        for item_id, _ in items_of(doc, intent["id"]):
            detail = client.get(f"/frame/{intent['id']}-detail-{item_id}.html?framed=1")
            assert detail.status_code == 200
            page += detail.get_data(as_text=True)
        assert "<script" not in page.lower()
        # As text, "javascript:x" is harmless; as a link or a source it is not.
        assert not re.search(r"(href|src)\s*=\s*[\"']?\s*javascript:", page, re.I)
        assert not re.search(r"<[^>]*\son\w+\s*=", page)


def test_later_listing_pages_and_items_are_titled_in_the_app(client):
    doc = {"products": [{"id": i, "name": f"Product {i}"} for i in range(60)]}
    connect(client, source="paste", json=json.dumps(doc))
    intent = next(i for i in extract_intents(doc) if i["dataPath"] == "products")
    generate(client, intent["id"])
    for path, title in [
        (f"/pages/{intent['id']}?page=2", f"{intent['title']}, page 2"),
        (f"/pages/{intent['id']}/items/product-3", "Product 3"),
    ]:
        chrome = client.get(path).get_data(as_text=True)
        assert f"<title>{html_lib.escape(title)} · " in chrome, path
        assert "StoredPage" not in chrome


def test_regenerate_drops_later_listing_and_detail_pages(client, app):
    doc = {"products": [{"id": i, "name": f"Product {i}"} for i in range(100)]}
    assert connect(client, source="paste", json=json.dumps(doc)).status_code == 303
    intent_id = next(i["id"] for i in extract_intents(doc) if i["dataPath"] == "products")
    generate(client, intent_id)
    assert client.get(f"/frame/{intent_id}-page-2.html?framed=1").status_code == 200
    assert client.get(f"/frame/{intent_id}-detail-product-7.html?framed=1").status_code == 200
    store = app.extensions["site_store"]
    assert store.load(site_sid(client), ReadPlan(page_index=True)).page_ids == {
        intent_id,
        f"{intent_id}-page-2",
        f"{intent_id}-detail-product-7",
    }
    generate(client, intent_id, "regenerate")
    assert store.load(site_sid(client), ReadPlan(page_index=True)).page_ids == {intent_id}
    page_two = client.get(f"/frame/{intent_id}-page-2.html?framed=1")
    assert page_two.status_code == 200  # made again on its next view
    assert "Product 95" in visible_text(page_two.get_data(as_text=True))  # items 48-95


def test_export_links_listing_pages_and_bounds_detail_pages(app, client):
    app.config["EXPORT_MAX_DETAIL_PAGES"] = 60
    doc = {"products": [{"id": i, "name": f"Product {i}"} for i in range(100)]}
    connect(client, source="paste", json=json.dumps(doc))
    intent_id = next(i["id"] for i in extract_intents(doc) if i["dataPath"] == "products")
    generate(client, intent_id)
    # Pages viewed (so stored) past the bound are exported all the same.
    assert client.get(f"/frame/{intent_id}-detail-product-99.html?framed=1").status_code == 200
    assert client.get(f"/frame/{intent_id}-page-3.html?framed=1").status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(client.get("/export.zip").get_data()))
    assert f"{intent_id}-detail-product-99.html" in archive.namelist()
    assert f"{intent_id}-page-3.html" in archive.namelist()
    first = archive.read(f"{intent_id}.html").decode()
    second = archive.read(f"{intent_id}-page-2.html").decode()
    assert f'href="{intent_id}-page-2.html"' in first
    assert f'href="{intent_id}.html"' in second
    details = [n for n in archive.namelist() if "-detail-" in n]
    made = [n for n in details if "Not in this export" not in archive.read(n).decode()]
    assert len(made) == 61  # the bound, made during the export, and the one viewed
    # Past the bound, a listing's links open a note that the page was left out, which
    # leads to the index, which says how many were left out.
    assert 'href="products-detail-product-70.html"' in second
    note = archive.read("products-detail-product-70.html").decode()
    assert "Not in this export" in note and 'href="index.html"' in note
    assert len(details) == 100  # every item a listing links to has a page or the note
    assert "39 item pages left out" in archive.read("index.html").decode()
    assert 'href="products-detail-product-99.html"' in archive.read("index.html").decode()


def test_detail_pages_past_the_cap_are_served_but_not_stored(backend, request):
    from conftest import backend_config

    from webapp import create_app

    server = request.getfixturevalue("redis_server") if backend == "redis" else None
    if server:
        request.getfixturevalue("redis_client")
    app = create_app({**backend_config(backend, server), "MAX_STORED_PAGES": 3})
    client = app.test_client()
    doc = {"products": [{"id": i, "name": f"Product {i}"} for i in range(10)]}
    connect(client, source="paste", json=json.dumps(doc))
    intent_id = next(i["id"] for i in extract_intents(doc) if i["dataPath"] == "products")
    generate(client, intent_id)
    for n in range(6):
        response = client.get(f"/frame/{intent_id}-detail-product-{n}.html?framed=1")
        assert response.status_code == 200
        assert f"Product {n}" in visible_text(response.get_data(as_text=True))
    stored = app.extensions["site_store"].load(site_sid(client), ReadPlan(page_index=True)).page_ids
    assert stored == {intent_id, f"{intent_id}-detail-product-0", f"{intent_id}-detail-product-1"}
    if server:
        app.extensions["site_store"].close()


def test_page_ids_of_different_intents_never_collide(client):
    doc = {
        "menu": [{"id": i, "name": f"Dish {i}"} for i in range(60)],
        "menu page 2": [{"heading": "Special", "body": "A"}, {"heading": "B", "body": "B"}],
        "menu detail": [{"question": "Note", "answer": "A"}, {"question": "B", "answer": "B"}],
    }
    connect(client, source="paste", json=json.dumps(doc))
    intents = extract_intents(doc)
    ids = [i["id"] for i in intents]
    assert not any("-page-" in i or "-detail-" in i for i in ids), ids
    for intent_id in ids:
        generate(client, intent_id)
    page_two = visible_text(client.get("/frame/menu-page-2.html?framed=1").get_data(as_text=True))
    assert "Dish 59" in page_two and "Special" not in page_two
    generate(client, "menu", "regenerate")
    for intent_id in ids:
        assert client.get(f"/frame/{intent_id}.html?framed=1").status_code == 200


def test_lone_surrogate_is_a_400_not_a_500(client):
    response = connect(client, source="paste", json='{"title": "x\\ud800y", "items": [1]}')
    assert response.status_code == 400
    assert "surrogate" in response.get_data(as_text=True)


def test_menu_page_lists_every_dish_of_the_demo(client):
    """Expected names straight from the demo file, not from the generator's own helpers."""
    connect_demo(client, "restaurant")
    dishes = [dish["name"] for dish in json.loads(load_demo("restaurant"))["entries"]["menu"]]
    assert len(dishes) == 14
    generate(client, "menu")
    text = visible_text(client.get("/frame/menu.html?framed=1").get_data(as_text=True))
    for dish in dishes:
        assert dish in text
    listing = client.get("/frame/menu.html?framed=1").get_data(as_text=True)
    assert len(set(re.findall(r'href="menu-detail-([a-z0-9-]+)\.html"', listing))) == 14


def test_a_session_stored_before_the_content_model_gets_one_on_first_use(client, app):
    """Sessions created by the previous version (content and intents, no model) keep working."""
    content = {
        "site": {"name": "Old shop"},
        "products": [{"id": f"p{n}", "name": f"Lamp {n}", "price": 10 + n} for n in range(60)],
        "contact": {"email": "hi@old.example"},
    }
    old_intents = [
        {"id": "products", "title": "Shop the products", "description": "d", "icon": "🛍️",
         "dataPath": "products"},
        {"id": "contact", "title": "Contact us", "description": "d", "icon": "📞",
         "dataPath": "contact"},
    ]  # fmt: skip
    connect_demo(client)  # a browser session bound to a site session id...
    sid = site_sid(client)
    store = app.extensions["site_store"]
    store.delete(sid)  # ...whose keys are rewritten the way the old version wrote them
    meta = {
        "site_name": "Old shop",
        "hero_title": "Old shop",
        "hero_subtitle": "",
        "hero_image": "",
        "source": "paste",
        "created_at": "2026-11-01T00:00:00+00:00",
    }
    theme = {"primary": "#123456"}
    store.create(sid, content_json=json.dumps(content), meta=meta, intents=old_intents, theme=theme)
    assert store.load(sid, ReadPlan(model=True)).model is None
    assert generate(client, "products").status_code == 303
    listing = visible_text(client.get("/frame/products.html?framed=1").get_data(as_text=True))
    assert "Lamp 0" in listing and "Lamp 47" in listing
    assert "Lamp 59" in visible_text(
        client.get("/frame/products-page-2.html?framed=1").get_data(as_text=True)
    )
    detail = client.get("/frame/products-detail-p3.html?framed=1")
    assert detail.status_code == 200 and "Lamp 3" in visible_text(detail.get_data(as_text=True))
    assert client.get("/frame/products-detail-nope.html?framed=1").status_code == 404
    generate(client, "contact")
    assert "hi@old.example" in client.get("/frame/contact.html?framed=1").get_data(as_text=True)
    # The model was built once and kept with the session; intents and ids are unchanged.
    site = store.load(sid, ReadPlan(model=True))
    assert site.model is not None and site.content_json is None
    assert [i["id"] for i in site.intents] == ["products", "contact"]


def _old_session(client, app, content, intents):
    """A browser connected to a session written the way the previous version wrote it."""
    connect_demo(client)
    sid = site_sid(client)
    store = app.extensions["site_store"]
    store.delete(sid)
    meta = {"site_name": "Old", "hero_title": "Old", "hero_subtitle": "", "hero_image": "",
            "source": "paste", "created_at": "2026-11-01T00:00:00+00:00"}  # fmt: skip
    store.create(sid, content_json=json.dumps(content), meta=meta, intents=intents, theme={})
    return sid, store


def test_an_old_session_keeps_the_item_ids_its_pages_link_to(client, app):
    """The previous version named items by their id first: old links and bookmarks still work."""
    content = {"menu": [{"id": 101, "name": "Soup"}, {"id": 102, "name": "Stew"}]}
    intents = [{"id": "menu", "title": "Menu", "description": "d", "icon": "🍽️",
                "dataPath": "menu"}]  # fmt: skip
    _old_session(client, app, content, intents)
    response = client.get("/frame/menu-detail-101.html?framed=1")
    assert response.status_code == 200 and "Soup" in response.get_data(as_text=True)


def test_a_model_of_another_version_is_rebuilt(client, app):
    connect(client, source="paste", json=json.dumps({"menu": [{"name": "Soup"}, {"name": "Pie"}]}))
    sid = site_sid(client)
    store = app.extensions["site_store"]
    store.save_model(sid, {"model": b'{"v": 0, "views": {}}'})
    assert generate(client, "menu").status_code == 303
    assert "Soup" in visible_text(client.get("/frame/menu.html?framed=1").get_data(as_text=True))
    assert b'"v":0' not in store.load(sid, ReadPlan(model=True)).model


def test_a_lost_listing_chunk_is_a_404_never_a_blank_page(client, app):
    connect(client, source="paste", json=json.dumps({"menu": [{"name": "Soup"}, {"name": "Pie"}]}))
    sid = site_sid(client)
    store = app.extensions["site_store"]
    if store.backend_name == "redis":
        store.client.hdel(store.keys(sid).session, "c:menu:1")
    else:
        large = store.cache.get(store.keys(sid).session + "#fields")
        del large["c:menu:1"]
        store.cache.set(store.keys(sid).session + "#fields", large)
    assert generate(client, "menu").status_code == 404
    assert store.load(sid, ReadPlan(page_index=True)).page_ids == set()
