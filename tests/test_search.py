"""Search, sort and filter a listing in the app, from a small per-collection index."""

from __future__ import annotations

import json
import re

import pytest
from conftest import connect, csrf_token, site_sid

from webapp.content.search import Query, _amount, index_rows, search

CATEGORIES = ["Lamps", "Chairs", "Tables", "Rugs"]


def catalogue(count: int = 120) -> dict:
    items = []
    for n in range(count):
        category = CATEGORIES[n % 4]
        items.append(
            {
                "id": f"p{n}",
                "name": f"{category[:-1]} {n}" + (" oak" if n % 10 == 0 else ""),
                "price": f"{(n * 37) % 500 + 5}.00",
                "category": category,
                "published": f"2026-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                "tags": ["Sale"] if n % 7 == 0 else [],
            }
        )
    items.sort(key=lambda item: item["category"])
    return {"site": {"name": "Loft & Co"}, "products": items}


@pytest.fixture
def shop(client):
    assert connect(client, source="paste", json=json.dumps(catalogue())).status_code == 303
    client.post("/pages/products/generate", data={"csrf_token": csrf_token(client)})
    return client


def titles(html: str) -> list[str]:
    """Card titles of a listing page, in order."""
    return re.findall(r'href="/pages/[a-z0-9-]+/items/[^"]+"[^>]*>(?:<[^>]+>)*([^<]+)<', html)


def test_search_finds_by_words_and_keeps_the_query(shop):
    chrome = shop.get("/pages/products?q=oak")
    text = chrome.get_data(as_text=True)
    assert chrome.status_code == 200
    assert 'value="oak"' in text and 'role="search"' in text
    assert 'src="/frame/pages/products?q=oak"' in text
    results = shop.get("/frame/pages/products?q=oak").get_data(as_text=True)
    found = titles(results)
    assert len(found) == 12 and all("oak" in title for title in found)
    assert "12 of 120 products matching “oak”." in results


def test_sort_by_price_both_ways_and_by_name(shop):
    cheap = titles(shop.get("/frame/pages/products?sort=price").get_data(as_text=True))
    dear = titles(shop.get("/frame/pages/products?sort=price-desc").get_data(as_text=True))
    prices = {f"{p['name']}": float(p["price"]) for p in catalogue()["products"]}
    assert [prices[t] for t in cheap] == sorted(prices[t] for t in cheap)
    assert prices[dear[0]] == max(prices.values())
    by_name = titles(shop.get("/frame/pages/products?sort=name").get_data(as_text=True))
    assert by_name == sorted(by_name, key=str.casefold)


def test_filter_by_badge_with_links_that_keep_the_state(shop):
    results = shop.get("/frame/pages/products?badge=Rugs&sort=name").get_data(as_text=True)
    found = titles(results)
    assert len(found) == 30 and all(title.startswith("Rug") for title in found)
    assert "30 of 120 products marked Rugs, sorted by name (a–z)." in results
    # Filter links keep the rest of the query; the chosen one takes itself off again.
    assert re.search(r'href="/pages/products\?sort=name"[^>]*aria-current="true"', results)
    assert 'href="/pages/products?sort=name&amp;badge=Sale"' in results
    sale = shop.get("/frame/pages/products?badge=Sale").get_data(as_text=True)
    assert len(titles(sale)) == len([n for n in range(120) if n % 7 == 0])


def test_filter_by_the_groups_of_a_grouped_listing(client):
    from conftest import connect_demo

    connect_demo(client, "restaurant")
    client.post("/pages/menu/generate", data={"csrf_token": csrf_token(client)})
    chrome = client.get("/pages/menu").get_data(as_text=True)
    assert '<option value="Desserts">Desserts</option>' in chrome
    results = client.get("/frame/pages/menu?group=Desserts").get_data(as_text=True)
    found = titles(results)
    assert found == ["Orange and almond cake", "Honey panna cotta", "Dark chocolate tart"]
    assert "in Desserts" in results
    assert "Grilled octopus" not in results


def test_results_are_paged_with_the_query_in_the_links(shop):
    products = catalogue()["products"]
    expected = [
        p for p in products if "a" in " ".join([p["name"], p["category"], *p["tags"]]).lower()
    ]
    assert len(expected) > 48
    page_one = shop.get("/frame/pages/products?q=a&sort=price").get_data(as_text=True)
    assert f"{len(expected)} of 120 products matching “a”" in page_one
    assert 'href="/pages/products?q=a&amp;sort=price&amp;page=2" rel="next"' in page_one
    page_two = shop.get("/frame/pages/products?q=a&sort=price&page=2")
    assert page_two.status_code == 200
    assert len(titles(page_two.get_data(as_text=True))) == len(expected) - 48
    assert shop.get("/frame/pages/products?q=a&page=99").status_code == 404


def test_search_reads_only_the_index_once_it_is_made(shop, app):
    shop.get("/frame/pages/products?q=lamp")  # makes the index
    store = app.extensions["site_store"]
    sid = site_sid(shop)
    key = store.keys(sid).session
    # Take the collection's records away: a search still answers, from its index alone.
    if store.backend_name == "redis":
        chunk_fields = [f for f in store.client.hkeys(key) if f.startswith(b"c:products:")]
        assert b"s:products" in store.client.hkeys(key)
        store.client.hdel(key, *chunk_fields)
    else:
        large = store.cache.get(key + "#fields")
        assert "s:products" in large
        for name in [f for f in large if f.startswith("c:products:")]:
            del large[name]
        store.cache.set(key + "#fields", large)
    results = shop.get("/frame/pages/products?q=chair&sort=price").get_data(as_text=True)
    assert len(titles(results)) == 30


def test_standalone_pages_keep_a_plain_listing(shop):
    download = shop.get("/pages/products/download").get_data(as_text=True)
    assert 'role="search"' not in download and "Filter:" not in download
    assert shop.get("/pages/products?q=x").status_code == 200
    assert shop.get("/frame/pages/about?q=x").status_code in (404,)


def test_search_is_not_offered_where_there_is_nothing_to_search(shop):
    shop.post("/pages/about/generate", data={"csrf_token": csrf_token(shop)})
    assert 'role="search"' not in shop.get("/pages/about").get_data(as_text=True)
    assert 'role="search"' in shop.get("/pages/products").get_data(as_text=True)


@pytest.mark.parametrize(
    ("text", "amount"),
    [("$1,250.50", 1250.5), ("9,50 €", 9.5), ("€1.250,00", 1250.0), ("From £12", 12.0),
     ("free", None), ("1 200 kr", 1200.0)],
)  # fmt: skip
def test_amounts_are_read_from_displayed_prices(text, amount):
    assert _amount(text) == amount


def test_search_is_linear_and_stable():
    view = {"layout": "cards", "groups": [["A", 0], ["B", 2]], "count": 4}
    chunk = [["a", {"name": "Alpha", "price": 3}], ["b", {"name": "Beta", "price": 1}],
             ["c", {"name": "Gamma"}], ["d", {"name": "Delta", "price": 2}]]  # fmt: skip
    index = index_rows(view, [chunk])
    assert [r["group"] for r in index["rows"]] == ["A", "A", "B", "B"]
    by_price = [r["id"] for r in search(index, Query(sort="price"))]
    assert by_price == ["b", "d", "a", "c"]  # unpriced last
    assert [r["id"] for r in search(index, Query(q="ta"))] == ["b", "d"]


def test_a_process_makes_one_search_index_at_a_time(shop, app):
    """Making an index is the most work a view can start: while one is being made, a
    search that would make another answers 503 "busy" at once instead of holding a thread."""
    from webapp import slots

    making = {}  # another request's environ, making an index meanwhile
    assert slots.take(app.extensions["slots"], "index", making)
    busy = shop.get("/frame/pages/products?q=oak")
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "5"
    assert "preparing another search" in busy.get_data(as_text=True)
    slots.release_held(making)
    assert shop.get("/frame/pages/products?q=oak").status_code == 200
    # Once made, the index is read, not made: searching needs no slot any more.
    assert slots.take(app.extensions["slots"], "index", making)
    assert shop.get("/frame/pages/products?q=lamp").status_code == 200
    slots.release_held(making)
