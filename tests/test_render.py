"""Page rendering from the content model: determinism, completeness, bounds, hostile content.

``listing``, ``detail`` and ``iter_items`` build the model of one intent whose
data is ``data`` (as a session stored before the model would get it) and
render its pages the way the app does.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from webapp.content.colors import DEFAULT_THEME
from webapp.content.model.build import build_site, build_views
from webapp.content.model.layout import (
    MODEL_FIELD,
    chunk_field,
    data_field,
    decode,
    item_bucket_field,
    item_field,
)
from webapp.content.render import (
    HOME_FILE,
    PAGE_SIZE,
    AppLinks,
    FileLinks,
    PageRef,
    detail_page_id,
    listing_page_id,
    parse_page_id,
    render_detail,
    render_listing,
    render_section,
    with_file_links,
)
from webapp.storage.base import pointer_in_bucket

SITE = {"title": "Demo Café", "subtitle": "Fresh every day", "image": ""}
INTENT = {
    "id": "browse-menu",
    "title": "Browse the menu",
    "description": "Everything we cook",
    "icon": "🍕",
    "dataPath": "menu",
}
THEME = {
    "primary": "#c2410c",
    "secondary": "#7c2d12",
    "accent": "#facc15",
    "background": "#fffbeb",
    "text": "#1c1917",
}
URL_SAFE_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
LISTING_MAX = 300_000
DETAIL_MAX = 500_000

XSS = '<script>alert(1)</script><img src=x onerror="alert(2)">'
HOSTILE_ITEM = {
    "id": "evil" + XSS,
    "name": "Evil " + XSS,
    "description": "<p onclick='x()'>Hi <a href='javascript:alert(3)'>click</a></p>" + XSS,
    "price": "<b>9</b>",
    "image": "javascript:alert(4)//x.png",
    "photo": {"url": "javascript:alert(5)", "alt": XSS},
    "website": "javascript:alert(6)",
    "homepage": "JaVaScRiPt:alert(7)",
    "data_url": "data:text/html;base64,PHNjcmlwdD4=",
    "contact": {"email": "a@b.example", "link": " javascript:alert(8)"},
    "style": "red;}</style><script>alert(9)</script>",
    XSS: XSS,
    "tags": [XSS, {"x": XSS}],
}


def model_of(data, intent=INTENT):
    """The stored fields and the decoded model of one intent whose data is ``data``."""
    fields = build_views({"menu": data}, [intent])
    return fields, decode(fields[MODEL_FIELD])


def listing(data, page=1, site=SITE, intent=INTENT, theme=THEME, links=None):
    """Render listing page ``page`` as the app does (None: no such page)."""
    fields, model = model_of(data, intent)
    view = model["views"][intent["id"]]
    common = {"site": site, "intent": intent, "view": view, "theme": theme, "links": links}
    if view["role"] == "collection":
        chunk = fields.get(chunk_field(intent["id"], page))
        if chunk is None:
            return None
        return render_listing(records=decode(chunk), page=page, **common)
    if page != 1:
        return None
    return render_section(data=decode(fields[data_field(intent["id"])]), **common)


def detail(data, item_id, site=SITE, intent=INTENT, theme=THEME, links=None):
    """Render an item's detail page as the app does (None: no such item)."""
    fields, model = model_of(data, intent)
    view = model["views"][intent["id"]]
    bucket = fields.get(item_bucket_field(intent["id"], item_id))
    number = pointer_in_bucket(bucket, item_field(intent["id"], item_id))
    if number is None:
        return None
    records = decode(fields[chunk_field(intent["id"], int(number))])
    index = next(i for i, entry in enumerate(records) if entry[0] == item_id)
    return render_detail(
        site=site, intent=intent, view=view, entry=records[index], theme=theme, links=links,
        position=(int(number) - 1) * PAGE_SIZE + index,
    )  # fmt: skip


def iter_items(data, intent=INTENT):
    """Every item of an intent as ``(item_id, item)``, in order."""
    fields, model = model_of(data, intent)
    view = model["views"][intent["id"]]
    if view["role"] != "collection":
        return []
    items = []
    for number in range(1, view["pages"] + 1):
        items += [
            (entry[0], entry[1]) for entry in decode(fields[chunk_field(intent["id"], number)])
        ]
    return items


def page_count(data):
    """How many listing pages an intent with this data has."""
    _fields, model = model_of(data)
    return model["views"][INTENT["id"]].get("pages", 1)


def products(count):
    """Return ``count`` realistic product items."""
    return [
        {
            "id": f"p{n}",
            "name": f"Product {n}",
            "description": f"A fine product number {n}. " * 3,
            "price": n + 0.5,
            "image": f"https://img.example.com/p/{n}.jpg",
            "category": ["Tools", "Garden", "Kitchen"][n % 3],
            "features": [f"feature {k}" for k in range(4)],
        }
        for n in range(count)
    ]


def assert_standalone(page: str) -> None:
    """Check the invariants every generated page has."""
    assert page.startswith("<!doctype html>")
    assert '<meta charset="utf-8">' in page
    assert 'name="viewport"' in page
    assert "<title>" in page
    assert "<style>" in page
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert "@import" not in page
    assert "url(" not in page


def assert_safe(page: str) -> None:
    """Check that nothing executable or scheme-smuggling made it into the page."""
    assert_standalone(page)
    lowered = page.lower()
    for attribute in re.findall(r'\s(?:href|src)\s*=\s*"([^"]*)"', page, re.I):
        assert not attribute.strip().lower().startswith(("javascript:", "data:", "vbscript:"))
    # No event handler attribute anywhere (text content is escaped, so "<" and
    # quotes from content can never open a tag or an attribute).
    for tag in re.findall(r"<[a-z][^>]*>", page, re.I):
        assert not re.search(r"\son[a-z]+\s*=", tag, re.I), tag
    assert "red;}</style>" not in lowered
    assert "</style><script" not in lowered


def external_urls(page: str) -> set[str]:
    return set(re.findall(r"https?://[^\s\"'<>]+", page))


# ---------------------------------------------------------------------------
# Links and page ids


def test_app_links_and_page_ids():
    links = AppLinks()
    assert links.home() == "/"
    assert links.intent("menu") == "/pages/menu"
    assert links.intent("menu", 1) == "/pages/menu"
    assert links.intent("menu", 3) == "/pages/menu?page=3"
    assert links.item("menu", "pizza-1") == "/pages/menu/items/pizza-1"
    assert detail_page_id("menu", "pizza-1") == "menu-detail-pizza-1"
    assert listing_page_id("menu", 1) == "menu"
    assert listing_page_id("menu", 2) == "menu-page-2"


def test_file_links_name_the_page_ids_files_and_parse_back():
    files = FileLinks()
    assert files.home() == HOME_FILE == "index.html"
    assert files.intent("menu") == "menu.html"
    assert files.intent("menu", 3) == "menu-page-3.html"
    assert files.item("menu", "pizza-1") == "menu-detail-pizza-1.html"
    assert parse_page_id("menu") == PageRef("menu")
    assert parse_page_id("menu-page-3") == PageRef("menu", page=3)
    # The first "-detail-" ends the intent's id: an item id may hold the word.
    assert parse_page_id("menu-detail-detail-page-2") == PageRef("menu", "detail-page-2")
    for not_a_page in ("Menu", "menu.html", "", "a/b", "-x", "x-", "a--b"):
        assert parse_page_id(not_a_page) is None, not_a_page
    # Page 1 is the intent's own id: "menu-page-1" would be an intent's (none has "page").
    assert parse_page_id("menu-page-1") == PageRef("menu-page-1")
    # An intent id cut before "detail" was kept out of them still names its intent.
    assert parse_page_id("wholesale-detail") == PageRef("wholesale-detail")


def test_pages_stored_with_app_links_get_file_links():
    stored = (
        '<a href="/">Home</a><a href="/pages/menu">Menu</a><a href="/pages/menu?page=2">2</a>'
        '<a href="/pages/menu/items/soup">Soup</a><a href="https://example.com/pages/x">out</a>'
    )
    assert with_file_links(stored) == (
        '<a href="index.html">Home</a><a href="menu.html">Menu</a>'
        '<a href="menu-page-2.html">2</a><a href="menu-detail-soup.html">Soup</a>'
        '<a href="https://example.com/pages/x">out</a>'
    )
    made = listing(products(3))
    assert with_file_links(made) is made  # a page made now is kept as it is


def test_stored_pages_link_by_file_name_and_other_links_are_used_everywhere():
    data = products(PAGE_SIZE + 1)
    page = listing(data)  # what is stored: served as it is in the frame, downloads, exports
    assert 'href="index.html"' in page
    assert 'href="browse-menu-detail-p0.html"' in page
    assert 'href="browse-menu-page-2.html"' in page
    assert "/pages/" not in page
    page = detail(data, "p48")
    assert 'href="browse-menu-page-2.html"' in page
    page = listing(data, links=AppLinks())  # a page made for one request links to the app
    assert 'href="/"' in page and 'href="/pages/browse-menu/items/p0"' in page
    assert ".html" not in page


# ---------------------------------------------------------------------------
# iter_items


def test_iter_items_list_uses_id_then_slug_name_title_then_index():
    data = [
        {"id": "A1", "name": "x"},
        {"slug": "the-slug", "name": "x"},
        {"name": "Crème Brûlée"},
        {"title": "Hello, World!"},
        {"price": 3},
        "Plain scalar",
        42,
        None,
    ]
    assert [item_id for item_id, _ in iter_items(data)] == [
        "a1",
        "the-slug",
        "creme-brulee",
        "hello-world",
        "item-5",
        "plain-scalar",
        "42",
        "item-8",
    ]
    assert [value for _, value in iter_items(data)] == data


def test_item_ids_prefer_slugs_and_readable_ids_over_random_keys():
    data = [
        {"id": "xh95Zdea7Q5Ya0R5QB5UWY", "title": "First post"},
        {"id": "3f9d2c41-7a1e-4b6f-9c0d-2e8a5b7c1f03", "fullName": "Priya Raman"},
        {"id": 719402, "slug": "keynote", "title": "Keynote: slow web"},
        {"id": "719403", "title": "Lunch"},
    ]
    built = build_site({"posts": data})
    ids = [entry[0] for entry in decode(built.fields[chunk_field(built.intents[0]["id"], 1)])]
    assert ids == ["first-post", "priya-raman", "keynote", "lunch"]
    # Sessions stored by the previous version keep the ids it gave (id first).
    assert [item_id for item_id, _ in iter_items(data)][2:] == ["719402", "719403"]


def test_iter_items_unique_url_safe_bounded():
    long_a = "a" * 5_000
    long_b = "a" * 4_999 + "b"
    data = [
        {"name": "Pizza"},
        {"name": "pizza"},
        {"name": "PIZZA!"},
        {"name": "pizza-2"},
        {"id": long_a},
        {"id": long_a},
        {"id": long_b},
        {"name": "日本語"},
        {"name": "<script>alert(1)</script>"},
        {"name": "-" * 300},
    ]
    ids = [item_id for item_id, _ in iter_items(data)]
    assert len(ids) == len(set(ids)) == len(data)
    for item_id in ids:
        assert URL_SAFE_ID.match(item_id), item_id
        assert len(item_id) <= 64
    assert ids[:4] == ["pizza", "pizza-2", "pizza-3", "pizza-2-2"]
    assert ids[4] != ids[6]  # same 4,999-char prefix, still distinct
    assert ids[8] == "script-alert-1-script"


def test_iter_items_many_duplicates_is_fast_and_unique():
    data = [{"name": "Same"} for _ in range(20_000)]
    ids = [item_id for item_id, _ in iter_items(data)]
    assert len(set(ids)) == 20_000
    assert ids[:3] == ["same", "same-2", "same-3"]
    assert ids[-1] == "same-20000"


def test_iter_items_is_deterministic():
    data = products(500) + [{"name": "Product 1"}] * 3
    assert iter_items(data) == iter_items(json.loads(json.dumps(data)))


def test_grouped_collections_keep_ids_unique_without_prefixes():
    intent = {**INTENT, "dataPath": "menu.pizzas,menu.drinks"}
    content = {
        "menu": {
            "pizzas": [{"name": "Margherita"}, {"name": "Diavola"}],
            "drinks": [{"name": "Margherita"}, {"name": "Cola"}],
        }
    }
    fields = build_views(content, [intent])
    view = decode(fields[MODEL_FIELD])["views"][intent["id"]]
    ids = [entry[0] for entry in decode(fields[chunk_field(intent["id"], 1)])]
    assert ids == ["margherita", "diavola", "margherita-2", "cola"]
    assert [label for label, _start in view["groups"]] == ["Pizzas", "Drinks"]


def test_dict_of_similar_objects_falls_back_to_keys():
    data = {"alice": {"role": "Chef"}, "bob": {"name": "Bob B.", "role": "Waiter"}}
    assert [item_id for item_id, _ in iter_items(data)] == ["alice", "bob-b"]
    page = listing(data)
    assert ">Alice</a>" in page and ">Bob B.</a>" in page


def test_gathered_contact_details_render_as_a_contact_block():
    data = {
        "email": "a@b.example",
        "phone": "+1 555 0100",
        "instagram": "https://instagram.example/x",
        "hours": [{"day": "Monday", "open": "9:00", "close": "17:00"}],
    }
    assert iter_items(data) == []
    page = listing(data)
    assert 'href="mailto:a@b.example"' in page and 'href="tel:+15550100"' in page
    assert 'href="https://instagram.example/x"' in page
    assert '<th scope="row">Monday</th><td>09:00–17:00</td>' in page


@pytest.mark.parametrize("data", [None, "text", 3, True, {}, [], {"email": "a@b.c", "phone": "1"}])
def test_data_without_collections_has_no_items(data):
    assert iter_items(data) == []
    assert page_count(data) == 1


# ---------------------------------------------------------------------------
# Listing pages


def test_listing_is_deterministic():
    data = products(120)
    first = listing(data, page=2)
    assert first == listing(json.loads(json.dumps(data)), page=2)
    assert first.encode() == listing(data, page=2).encode()


def test_listing_shows_every_item_name_with_links_and_cards():
    data = products(30)
    page = listing(data)
    assert_standalone(page)
    for item_id, item in iter_items(data):
        assert item["name"] in page
        assert f'href="browse-menu-detail-{item_id}.html"' in page
    assert 'src="https://img.example.com/p/3.jpg"' in page
    assert 'loading="lazy"' in page
    assert "3.50" in page  # price
    assert '<li class="badge">Garden</li>' in page  # the category, as a badge
    assert "Browse the menu" in page and "Everything we cook" in page
    assert "🍕" not in page and "<svg " in page  # the icon drawn, no emoji font needed
    assert "Demo Café" in page and 'href="index.html"' in page
    assert "grid-template-columns:repeat(auto-fill,minmax(" in page
    assert "--primary:#c2410c" in page


def test_grouped_listing_keeps_section_labels_across_pages():
    intent = {**INTENT, "dataPath": "menu.pizzas,menu.drinks"}
    content = {
        "menu": {
            "pizzas": [{"name": f"Pizza {n}"} for n in range(PAGE_SIZE + 2)],
            "drinks": [{"name": "Cola", "price": 2}],
        }
    }
    fields = build_views(content, [intent])
    view = decode(fields[MODEL_FIELD])["views"][intent["id"]]
    pages = [
        render_listing(site=SITE, intent=intent, view=view, theme=THEME, page=number,
                       records=decode(fields[chunk_field(intent["id"], number)]))
        for number in (1, 2)
    ]  # fmt: skip
    first, second = pages
    assert "<h2>Pizzas</h2>" in first and "<h2>Drinks</h2>" not in first
    assert "<h2>Pizzas</h2>" in second and "<h2>Drinks</h2>" in second
    assert "Pizza 49" in second and "Pizza 47<" not in second and "Cola" in second
    assert "browse-menu-detail-cola.html" in second


def test_section_contact_fields_and_text():
    data = {
        "email": "hello@cafe.example",
        "phone": "+1 (555) 010-2030",
        "address": {"street": "1 Main St", "city": "Springfield"},
        "hours": ["Mon-Fri 9-17", "Sat 10-14"],
        "website": "https://cafe.example/",
        "about": "We cook.\n\nEvery day. " + "Long text. " * 30,
    }
    page = listing(data)
    assert_safe(page)
    assert 'href="mailto:hello@cafe.example"' in page
    assert 'href="tel:+15550102030"' in page
    assert 'href="https://cafe.example/"' in page
    assert "1 Main St, Springfield" in page
    assert "<td>Mon-Fri 9-17</td>" in page
    assert "<p>We cook.</p>" in page


def test_html_content_is_sanitised_not_dropped():
    data = {"body": "<h2>Title</h2><p>Some <strong>bold</strong> <a href='https://x.example'>x</a>"}
    page = listing(data)
    assert "<strong>bold</strong>" in page
    assert 'href="https://x.example"' in page
    data = {"body": "<p><a href='/relative'>rel</a><a href='ftp://x'>ftp</a></p>"}
    page = listing(data)
    assert "/relative" not in page and "ftp://" not in page
    assert "rel</a>" in page


@pytest.mark.parametrize("data", [None, [], {}, "", "   "])
def test_empty_data_renders_nothing_here_yet(data):
    page = listing(data)
    assert_standalone(page)
    assert "Nothing here yet" in page
    assert listing(data, page=2) is None


@pytest.mark.parametrize(
    ("data", "shown"), [("hello@cafe.example", "hello@cafe.example"), (42, "42")]
)
def test_scalar_data_renders_the_value(data, shown):
    page = listing(data)
    assert_standalone(page)
    assert shown in page
    assert listing(data, page=2) is None


def test_pagination_50k_items():
    data = products(50_000)
    assert page_count(data) == -(-50_000 // PAGE_SIZE) == 1042
    first = listing(data, page=1)
    last = listing(data, page=1042)
    assert first is not None and last is not None
    assert "Page 1 of 1,042" in first or "page 1 of 1042" in first.lower()
    assert 'href="browse-menu-page-2.html"' in first
    assert 'href="browse-menu-page-1041.html"' in last
    assert "Product 49999" in last and "Product 0<" not in last
    assert first.count('class="card"') == PAGE_SIZE
    assert last.count('class="card"') == 50_000 - PAGE_SIZE * 1041
    for page in (first, last):
        assert len(page.encode()) < LISTING_MAX
    for out_of_range in (0, -1, 1043, 10**9):
        assert listing(data, page=out_of_range) is None


def test_page_two_links_back_to_page_one_without_query():
    page = listing(products(PAGE_SIZE + 1), page=2)
    assert 'href="browse-menu.html" rel="prev"' in page
    assert "Product 48" in page


# ---------------------------------------------------------------------------
# Detail pages


def test_detail_shows_every_field_a_person_reads():
    item = {
        "id": "x1",
        "name": "Deluxe",
        "sku": "SKU-123",
        "stock": 7,
        "ratio": 0.25,
        "vegetarian": True,
        "discontinued": False,
        "note": None,
        "long": "word " * 3_000,
        "nested": {"a": {"b": {"c": "deep value"}}},
        "features": ["one", "two"],
        "created_at": "2026-01-02T03:04:05Z",
    }
    data = [{"name": "Other"}, item]
    page = detail(data, "x1")
    assert_standalone(page)
    for label, value in [
        ("Sku", "SKU-123"),
        ("Stock", "7"),
        ("Ratio", "0.25"),
        ("Nested", "deep value"),
        ("Features", "one, two"),
    ]:
        assert f">{label}<" in page
        assert value in page
    assert '<li class="badge">Vegetarian</li>' in page  # a true flag is a badge
    # Ids, empty values, false flags and bookkeeping timestamps are not shown.
    for hidden in (">Id<", ">Note<", "Discontinued", ">No<", "Created", "2026-01-02"):
        assert hidden not in page
    assert ("word " * 2_000).strip() in page  # long strings are shown in full up to 20,000
    assert 'href="browse-menu.html"' in page and 'href="index.html"' in page


def test_detail_links_back_to_the_listing_page_holding_the_item():
    data = products(PAGE_SIZE * 2 + 5)
    page = detail(data, f"p{PAGE_SIZE * 2 + 1}")
    assert 'href="browse-menu-page-3.html"' in page


def test_detail_unknown_item_is_none():
    assert detail(products(3), "nope") is None
    assert detail(None, "item-1") is None


def test_detail_is_deterministic_and_scalar_items_work():
    data = ["Just a string", 5]
    assert detail(data, "just-a-string") == detail(data, "just-a-string")
    assert "Just a string" in detail(data, "just-a-string")
    assert ">5<" in detail(data, "5").replace("\n", "")


# ---------------------------------------------------------------------------
# Hostile content and bounds


def test_hostile_content_is_neutralised():
    data = [HOSTILE_ITEM, {"name": XSS, "url": "javascript:alert(1)"}]
    hostile_site = {"title": XSS, "subtitle": "</title><script>x</script>", "image": XSS}
    hostile_intent = {**INTENT, "title": XSS, "description": XSS, "icon": XSS}
    hostile_theme = {
        "primary": "red;}</style><script>alert(1)</script>",
        "secondary": "#12345g",
        "accent": "#abcdef; background:url(https://evil.example)",
        "background": None,
        "text": {"x": 1},
    }
    pages = [listing(data, site=hostile_site, intent=hostile_intent, theme=hostile_theme)]
    for item_id, _ in iter_items(data):
        pages.append(
            detail(data, item_id, site=hostile_site, intent=hostile_intent, theme=hostile_theme)
        )
    for page in pages:
        assert_safe(page)
        assert "evil.example" not in page
        assert "--primary:#2563eb" in page  # invalid colours fall back to defaults
        # A javascript: URL may show as text, never as a link.
        assert not re.search(r'(?:href|src)="\s*javascript', page, re.I)
    # Hostile names are shown as text; the sanitised description keeps its words.
    assert "Evil" in pages[0] and "Evil" in pages[1]
    assert "click" in pages[1]


def test_colour_values_are_validated():
    page = listing([], theme={"primary": "#ABCDEF", "text": "#ffffff", "background": "#ffffff"})
    assert "--primary:#abcdef" in page
    # Unreadable text colour (white on white) is replaced by a readable one.
    assert "--text:#ffffff" not in page
    styles = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    for value in re.findall(r"--[a-z-]+:([^;}]*)", styles):
        assert re.fullmatch(r"#[0-9a-f]{6}", value), value


def test_theme_colours_in_any_css_syntax_are_normalised_to_hex():
    theme = {"primary": "rgb(255, 0, 0)", "secondary": "Teal", "accent": "#FC0"}
    page = listing([], theme=theme)
    assert "--primary:#ff0000" in page
    assert "--secondary:#008080" in page
    assert "--accent:#ffcc00" in page


def test_missing_theme_colours_use_the_shared_default_theme():
    styles = re.search(r"<style>(.*?)</style>", listing([], theme={}), re.S).group(1)
    variables = {"primary": "primary", "secondary": "secondary", "accent": "accent"}
    variables |= {"background": "bg", "text": "text"}
    for role, colour in DEFAULT_THEME.items():
        assert f"--{variables[role]}:{colour}" in styles


def test_deep_nesting_renders():
    deep_dict: object = "bottom"
    deep_list: object = "bottom"
    for _ in range(300):
        deep_dict = {"level": deep_dict}
        deep_list = [deep_list]
    for data in (deep_dict, deep_list, [{"name": "Deep", "tree": deep_dict}]):
        page = listing(data)
        assert_standalone(page)
        for item_id, _ in iter_items(data):
            assert_standalone(detail(data, item_id))
    page = detail([{"name": "Deep", "tree": deep_dict}], "deep")
    assert "<h1>Deep</h1>" in page


def test_output_is_bounded_whatever_the_input():
    # Each document stays within the 16 MB upload limit once serialised.
    big = "&<\"'" * 12_500
    items = [
        {
            "id": f"i{n}",
            "name": big,
            "description": big,
            "image": "https://img.example.com/" + "&" * 2_000 + ".png",
            **{f"field{k}{big[:100]}": big[:5_000] for k in range(12)},
            "list": [big[:2_000]] * 15,
            "nested": [{"k": [big[:500]] * 10}] * 10,
        }
        for n in range(PAGE_SIZE)
    ]
    assert len(json.dumps(items)) < 16_000_000
    assert len(listing(items).encode()) < LISTING_MAX
    assert len(detail(items, "i0").encode()) < DETAIL_MAX
    huge_object = {f"key{n}": {"text": big[:5_000], "list": [big[:3_000]] * 50} for n in range(60)}
    huge_object.update({f"s{n}": "x" for n in range(60)})  # mostly objects -> items
    assert len(listing(huge_object).encode()) < LISTING_MAX
    plain_object = {f"s{n}": big for n in range(300)}
    assert len(listing(plain_object).encode()) < LISTING_MAX


def test_only_content_urls_appear():
    data = products(5) + [{"name": "Linked", "site": "https://shop.example/x"}]
    page = listing(data)
    allowed = {f"https://img.example.com/p/{n}.jpg" for n in range(5)}
    assert external_urls(page) <= allowed
    page = detail(data, "linked")
    assert external_urls(page) == {"https://shop.example/x"}


def test_detail_page_of_hostile_ids_is_reachable():
    data = [{"id": "x" * 5_000, "name": "Long"}]
    ((item_id, _),) = iter_items(data)
    assert len(item_id) <= 64
    assert "Long" in detail(data, item_id)


# ---------------------------------------------------------------------------
# Bundled demos


DEMOS = sorted((Path(__file__).resolve().parents[1] / "webapp" / "demos").glob("*.json"))


def demo_pages(content):
    """Every listing and detail page of a site, rendered from its model: (intent, page, html)."""
    built = build_site(content)
    model = decode(built.fields[MODEL_FIELD])
    site = {"title": built.meta["site_name"], "subtitle": built.meta["hero_subtitle"]}
    for intent in built.intents:
        view = model["views"][intent["id"]]
        common = {"site": site, "intent": intent, "view": view, "theme": built.theme}
        if view["role"] != "collection":
            data = decode(built.fields[data_field(intent["id"])])
            yield intent, "section", render_section(data=data, **common)
            continue
        for number in range(1, view["pages"] + 1):
            records = decode(built.fields[chunk_field(intent["id"], number)])
            yield intent, "listing", render_listing(records=records, page=number, **common)
            for index, entry in enumerate(records):
                position = (number - 1) * PAGE_SIZE + index
                yield intent, entry, render_detail(entry=entry, position=position, **common)


@pytest.mark.parametrize("demo", DEMOS, ids=[path.stem for path in DEMOS])
def test_every_demo_intent_renders_its_items(demo):
    content = json.loads(demo.read_text(encoding="utf-8"))
    listings = {}
    for intent, kind, page in demo_pages(content):
        assert_safe(page)
        assert len(page.encode()) < LISTING_MAX
        if kind == "listing":
            listings[intent["id"]] = page
        elif isinstance(kind, list):
            item_id, item = kind[0], kind[1]
            assert f"{intent['id']}-detail-{item_id}.html" in listings[intent["id"]]
            if isinstance(item, dict):
                for key in ("name", "title"):
                    if isinstance(item.get(key), str) and len(item[key]) < 100:
                        assert escape_text(item[key].strip()) in listings[intent["id"]]
                        assert escape_text(item[key].strip()) in page
                        break
    assert listings


def test_demos_are_present():
    assert DEMOS
    assert all(path.stat().st_size > 0 for path in DEMOS)


REPO_ROOT = Path(__file__).resolve().parents[1]

# Renders every page of every demo intent (listings and details) and prints
# one digest per page, in a fresh interpreter.
_DIGEST_SCRIPT = """
import hashlib, json, sys
from pathlib import Path
sys.path.insert(0, "tests")
from test_render import demo_pages

for demo in sorted(Path("webapp/demos").glob("*.json")):
    content = json.loads(demo.read_text(encoding="utf-8"))
    for intent, _kind, page in demo_pages(content):
        digest = hashlib.sha256(page.encode()).hexdigest()
        print(demo.stem, intent["id"], digest)
"""


def _demo_digests(hash_seed: str) -> list[str]:
    """Render every demo page in a subprocess with ``PYTHONHASHSEED`` set; return its digests."""
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    result = subprocess.run(
        [sys.executable, "-c", _DIGEST_SCRIPT],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.splitlines()


def test_demo_pages_are_identical_across_hash_seeds():
    # Set or dict-of-str ordering leaking into output would show up as a
    # difference between two hash seeds.
    first, second = _demo_digests("1"), _demo_digests("2")
    assert len(first) > 100  # every listing and detail page of the three demos
    assert first == second


def escape_text(text: str) -> str:
    from markupsafe import escape

    return str(escape(" ".join(text.split())))


def test_keys_with_other_letters_do_not_pass_for_known_names():
    # "name_é" is not "name": dropping the "é" would make it the title.
    page = listing([{"name_é": "Not the title", "title": "The title"}])
    assert ">The title</a></h3>" in page


def test_a_list_of_sentences_reads_as_paragraphs_and_short_words_as_one_line():
    """Text sections as prose (issue 19): sentences are never glued with commas."""
    dishes = [
        {
            "name": f"Dish {n}",
            "price": 9,
            "notes": ["Made fresh each evening.", "Ask us about allergens!"],
            "pairs_with": ["Cider", "Pale ale"],
        }
        for n in range(1, 4)
    ]
    (item_id, _item), *_ = iter_items(dishes)
    html = detail(dishes, item_id)
    assert "<p>Made fresh each evening.</p><p>Ask us about allergens!</p>" in html
    assert "evening.," not in html
    assert "Cider, Pale ale" in html


def test_a_class_card_shows_its_day_and_time():
    classes = [
        {"name": f"Yin {n}", "StartDateTime": f"2026-04-1{n}T06:30:00",
         "EndDateTime": f"2026-04-1{n}T07:30:00", "TotalBooked": 14}
        for n in range(3)
    ]  # fmt: skip
    intent = {**INTENT, "id": "book-class", "title": "Book a class", "dataPath": "classes"}
    fields = build_views({"classes": classes}, [intent])
    view = decode(fields[MODEL_FIELD])["views"]["book-class"]
    records = decode(fields[chunk_field("book-class", 1)])
    page = render_listing(site=SITE, intent=intent, view=view, records=records, theme=THEME)
    assert "<time>10 Apr 2026, 06:30–07:30</time>" in page
    assert "14 min" not in page  # a count of people, not a duration


def test_a_route_s_map_encoding_is_not_on_its_detail_page():
    routes = [{"id": f"r{n}", "name": f"Loop {n}", "distance": 62418.7,
               "map": {"id": f"r{n}", "summary_polyline": "mt~~Hbvu@e_polyline"}}
              for n in range(3)]  # fmt: skip
    page = detail(routes, "r1")
    assert "Loop 1" in page and "mt~~Hbvu@e_polyline" not in page
