"""The content model: hero, theme and intents of content of any shape (no Flask involved)."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest

from webapp.content.model.build import MAX_INTENTS, IdMaker, build_site
from webapp.content.model.site import site_theme
from webapp.content.model.unwrap import prepare
from webapp.content.parse import parse_content
from webapp.content.paths import resolve
from webapp.content.render import PageRef, parse_page_id
from webapp.content.text import normal_key, slugify, truncate
from webapp.demos import DEMOS, load_demo

KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def extract_intents(content):
    return build_site(content).intents


def extract_hero(content):
    meta = build_site(content).meta
    return {
        "title": meta["site_name"],
        "subtitle": meta["hero_subtitle"],
        "image": meta["hero_image"],
    }


def extract_theme(content):
    return site_theme(prepare(content))


def summarise(content):
    built = build_site(content)
    hero = {
        "title": built.meta["site_name"],
        "subtitle": built.meta["hero_subtitle"],
        "image": built.meta["hero_image"],
    }
    return {"hero": hero, "theme": built.theme, "intents": built.intents}


HEX6 = re.compile(r"^#[0-9a-f]{6}$")
ROLES = {"primary", "secondary", "accent", "background", "text"}


def is_emoji(icon: str) -> bool:
    """A single emoji: one symbol (ℹ is a letterlike one), at most a variation selector after it."""
    return (
        isinstance(icon, str)
        and 1 <= len(icon) <= 2
        and (unicodedata.category(icon[0]) == "So" or icon[0] == "\u2139")
        and icon[1:] in ("", "\ufe0f")
    )


def has_data(value) -> bool:
    """Whether a resolved dataPath holds something to show."""
    if isinstance(value, dict | list | str):
        return bool(value)
    return value is not None


def check_intents(content, intents):
    """Every structural promise an intent list makes."""
    assert 1 <= len(intents) <= MAX_INTENTS
    ids = [intent["id"] for intent in intents]
    assert len(ids) == len(set(ids))
    for intent in intents:
        assert set(intent) == {"id", "title", "description", "icon", "dataPath"}
        assert KEBAB.match(intent["id"]), intent["id"]
        assert len(intent["id"]) <= 60
        assert "-detail-" not in f"-{intent['id']}-"
        assert intent["title"] and len(intent["title"]) <= 80
        assert intent["description"].endswith((".", "…"))  # a sentence, or one cut short
        assert is_emoji(intent["icon"]), intent["icon"]
        assert has_data(resolve(content, intent["dataPath"])), intent["dataPath"]


# ---------------------------------------------------------------- demos


def test_demos_are_listed_in_order_with_labels():
    assert list(DEMOS) == ["restaurant", "real-estate", "portfolio"]
    assert all(isinstance(label, str) and label for label in DEMOS.values())


def test_unknown_demo_is_a_key_error():
    with pytest.raises(KeyError):
        load_demo("../../etc/passwd")


@pytest.mark.parametrize("name", list(DEMOS))
def test_demo_yields_rich_valid_intents(name):
    content = parse_content(load_demo(name))
    intents = extract_intents(content)
    check_intents(content, intents)
    assert len(intents) >= 8
    titles = {intent["title"] for intent in intents}
    assert "Contact us" in titles
    assert any(title.startswith("About") for title in titles)


@pytest.mark.parametrize("name", list(DEMOS))
def test_demo_has_hero_and_theme(name):
    content = parse_content(load_demo(name))
    summary = summarise(content)
    assert summary["hero"]["title"] != "Untitled site"
    assert summary["hero"]["subtitle"]
    assert summary["hero"]["image"].startswith("https://")
    assert set(summary["theme"]) == ROLES
    assert all(HEX6.match(colour) for colour in summary["theme"].values())


@pytest.mark.parametrize("name", list(DEMOS))
def test_demo_items_have_ids(name):
    content = parse_content(load_demo(name))
    for intent in extract_intents(content):
        value = resolve(content, intent["dataPath"])
        if isinstance(value, list) and all(isinstance(item, dict) for item in value):
            for item in value:
                assert "id" in item or "slug" in item, (intent["dataPath"], item)


# What a person would pick on each demo (intent ids changed with the content model).
DEMO_INTENTS = {
    "restaurant": [
        "Browse the menu", "Meet our chefs", "See upcoming events", "Read reviews",
        "See the drinks list", "See special offers", "Read the FAQ", "See the gallery",
        "About us", "Check opening hours", "Contact us",
    ],
    "real-estate": [
        "Find a home", "Meet our agents", "Explore our services", "Read reviews", "Read the FAQ",
        "Find a location", "Explore neighbourhoods", "About us", "Contact us",
    ],
    "portfolio": [
        "See the portfolio", "See the skills", "View the experience", "Explore education",
        "Watch the talks", "Read the blog", "See the awards", "Read reviews",
        "Explore our services", "About me", "Contact us",
    ],
}  # fmt: skip


@pytest.mark.parametrize("name", list(DEMOS))
def test_demo_offers_the_intents_a_person_would_pick(name):
    titles = [intent["title"] for intent in extract_intents(parse_content(load_demo(name)))]
    for expected in DEMO_INTENTS[name]:
        assert expected in titles, (expected, titles)


def test_restaurant_intents_are_the_expected_ones():
    content = parse_content(load_demo("restaurant"))
    by_title = {intent["title"]: intent for intent in extract_intents(content)}
    menu = by_title["Browse the menu"]
    assert menu["icon"] == "🍽️"
    assert menu["dataPath"] == "entries.menu"
    assert "14 dishes" in menu["description"]
    assert "Meet our chefs" in by_title
    assert "See upcoming events" in by_title
    contact = by_title["Contact us"]
    assert contact["icon"] == "📞"
    assert "site.contact" in contact["dataPath"].split(",")


def test_real_estate_listings_are_find_a_home():
    content = parse_content(load_demo("real-estate"))
    by_title = {intent["title"]: intent for intent in extract_intents(content)}
    assert by_title["Find a home"]["dataPath"] == "listings"
    assert by_title["Find a home"]["icon"] == "🏠"


def test_portfolio_projects_are_found_under_a_generic_key():
    content = parse_content(load_demo("portfolio"))
    by_title = {intent["title"]: intent for intent in extract_intents(content)}
    assert by_title["See the portfolio"]["dataPath"] == "sections.projects.items"
    assert by_title["See the portfolio"]["id"] == "portfolio"


def test_extraction_is_deterministic():
    raw = load_demo("restaurant")
    assert summarise(parse_content(raw)) == summarise(parse_content(raw))


# ---------------------------------------------------------------- shapes


def test_array_root_of_records():
    content = [{"id": i, "name": f"Thing {i}", "type": "ab"[i % 2]} for i in range(10)]
    intents = extract_intents(content)
    check_intents(content, intents)
    assert intents[0]["dataPath"] == "root"


def test_array_root_of_mixed_blocks():
    content = [
        {"type": "hero", "heading": "Hello", "image": "https://img.example/h.jpg"},
        {"type": "menu", "title": "Menu", "items": [{"name": "A", "price": 1}, {"name": "B"}]},
        {"type": "contact", "email": "hi@example.com", "phone": "+1 555 0100"},
    ]
    intents = extract_intents(content)
    check_intents(content, intents)
    paths = {intent["title"]: intent["dataPath"] for intent in intents}
    assert paths["Browse the menu"] == "[1].items"
    assert paths["Contact us"] == "[2]"
    assert extract_hero(content)["image"] == "https://img.example/h.jpg"


def test_dict_of_objects_keyed_by_slug_is_a_collection():
    content = {
        "name": "Shop",
        "products": {
            f"p-{i}": {"title": f"Product {i}", "price": i, "category": "xyz"[i % 3]}
            for i in range(6)
        },
    }
    intents = extract_intents(content)
    check_intents(content, intents)
    shop = next(intent for intent in intents if intent["dataPath"] == "products")
    assert shop["icon"] == "🛍️"
    assert "6 products" in shop["description"]
    assert "3 categories" in shop["description"]


def test_nested_sections_are_one_grouped_intent():
    content = {
        "menu": {
            "sections": [
                {"name": "Starters", "dishes": [{"name": "Soup"}, {"name": "Salad"}]},
                {"name": "Mains", "dishes": [{"name": "Stew"}, {"name": "Pie"}]},
            ]
        }
    }
    intents = extract_intents(content)
    check_intents(content, intents)
    (menu,) = intents
    assert menu["title"] == "Browse the menu"
    assert menu["dataPath"] == "menu.sections[0].dishes,menu.sections[1].dishes"
    assert menu["description"] == "Browse 4 dishes in 2 sections: Starters and Mains."


def test_sibling_lists_of_one_kind_are_one_grouped_intent():
    dish = [{"name": "A", "price": 5, "veg": True}, {"name": "B", "price": 6, "veg": False}]
    drink = [{"name": "C", "price": 3, "veg": True}, {"name": "D", "price": 4, "veg": True}]
    content = {"antipasti": dish, "pasta": dish, "gelato": dish, "lunch_specials": dish,
               "coffee": drink, "wine_red": drink}  # fmt: skip
    titles = {i["title"]: i["dataPath"] for i in extract_intents(content)}
    assert titles == {
        "Browse the menu": "antipasti,pasta,gelato,lunch_specials",
        "See the drinks list": "coffee,wine_red",
    }


def test_past_the_cap_collections_are_listed_not_dropped():
    # Forty collections of different shapes (alike ones would be grouped into one).
    content = {f"collection{i}": [{f"size{i}": 1, f"label{i}": "x"}, {f"size{i}": 2}]
               for i in range(40)}  # fmt: skip
    intents = extract_intents(content)
    assert len(intents) == MAX_INTENTS
    everything = intents[-1]
    assert everything["title"] == "Explore everything else"
    # Every collection past the cap is in the last intent's data.
    shown = ",".join(intent["dataPath"] for intent in intents)
    assert all(f"collection{i}" in shown.split(",") for i in range(40))


def test_an_unknown_collection_is_named_by_its_noun():
    content = {"widgets": [{"id": 1, "label": "A", "size": 3}, {"id": 2, "label": "B"}]}
    intents = extract_intents(content)
    check_intents(content, intents)
    assert intents[0]["title"] == "Browse the widgets"
    assert intents[0]["icon"] == "📂"
    # A singular key names its records too; content that is no noun keeps the plain name.
    assert extract_intents({"album": content["widgets"]})[0]["title"] == "Browse the albums"
    assert extract_intents({"x_1": content["widgets"]})[0]["title"] != "Browse the x 1"


def test_tiny_document_still_has_an_intent():
    for content in ({"x": 1}, ["a", "b"], {"a": {"b": {"c": "d"}}}):
        intents = extract_intents(content)
        check_intents(content, intents)
        assert any(intent["dataPath"] == "root" for intent in intents)


def test_never_more_than_fifteen_intents():
    content = {f"collection{i}": [{f"size{i}": 1, f"label{i}": "x"}, {f"size{i}": 2}]
               for i in range(40)}  # fmt: skip
    content["email"] = "a@example.com"
    content["about"] = "We have been making things since 1999, slowly and carefully."
    intents = extract_intents(content)
    check_intents(content, intents)
    assert len(intents) == MAX_INTENTS
    titles = [intent["title"] for intent in intents]
    assert "Contact us" in titles  # contact and about are never crowded out
    assert any(title.startswith("About") for title in titles)


def test_navigation_links_are_not_intents():
    content = {
        "nav": [{"label": "Home", "url": "/"}],
        "links": [{"label": "Blog", "href": "/blog"}, {"label": "Shop", "href": "/shop"}],
        "team": [{"id": 1, "name": "Ann"}, {"id": 2, "name": "Bo"}],
    }
    paths = [intent["dataPath"] for intent in extract_intents(content)]
    assert "team" in paths
    assert "nav" not in paths
    assert "links" not in paths


def test_agent_emails_inside_records_are_not_site_contact():
    content = {
        "agents": [{"id": 1, "name": "A", "email": "a@example.com"}, {"id": 2, "name": "B"}],
        "contact": {"email": "office@example.com"},
    }
    contact = next(i for i in extract_intents(content) if i["title"] == "Contact us")
    assert contact["dataPath"] == "contact"


# ---------------------------------------------------------------- limits


def test_300_deep_nesting_extracts_without_error():
    content = parse_content("[" * 300 + '{"name": "deep"}' + "]" * 300)
    summary = summarise(content)
    check_intents(content, summary["intents"])
    nested = {"leaf": "value"}
    for _ in range(300):
        nested = {"level": nested, "items": [{"id": 1, "name": "x"}]}
    summary = summarise(nested)
    check_intents(nested, summary["intents"])


def test_fifty_thousand_items_extract():
    items = [
        {"id": i, "name": f"Item {i}", "category": f"c{i % 4}", "tags": ["a", "b"]}
        for i in range(50_000)
    ]
    for content in ({"catalog": items}, items):
        summary = summarise(content)
        check_intents(content, summary["intents"])
        assert "50,000" in summary["intents"][0]["description"]


def test_huge_object_of_objects_extracts():
    content = {f"slug-{i}": {"title": f"T{i}", "body": "text"} for i in range(20_000)}
    intents = extract_intents(content)
    check_intents(content, intents)
    assert intents[0]["dataPath"] == "root"


# ---------------------------------------------------------------- hostile values


HOSTILE_IMAGES = [
    "javascript:alert(1)",
    " javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "vbscript:msgbox(1)",
    "/relative/path.jpg",
    'https://img.example/a.jpg" onerror="alert(1)',
    "https://img.example/<script>.jpg",
    "https://",
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("url", HOSTILE_IMAGES)
def test_hostile_image_urls_never_become_the_hero_image(url):
    content = {
        "site": {"name": "<script>alert(1)</script>", "image": url, "logo": {"url": url}},
        "hero": {"heroImage": url, "banner": [url], "cover": {"src": url}},
        "items": [{"id": 1, "name": "x"}],
    }
    hero = extract_hero(content)
    assert hero["image"] == ""
    # Markup in a name is dropped (a script element with its content), never kept as markup.
    assert hero["title"] == "Untitled site"


def test_rich_text_formatting_tags_are_dropped_from_the_hero():
    hero = extract_hero(
        {"site": {"name": "<strong>Cafe</strong>", "tagline": "<p>Fresh  pasta</p>"}}
    )
    assert hero["title"] == "Cafe"
    assert hero["subtitle"] == "Fresh pasta"


def test_safe_image_url_is_kept_from_an_object():
    hero = extract_hero(
        {"site": {"title": "T", "hero_image": {"url": "https://img.example/x.jpg"}}}
    )
    assert hero == {"title": "T", "subtitle": "", "image": "https://img.example/x.jpg"}


HOSTILE_COLOURS = [
    "red;}</style><script>alert(1)</script>",
    "red;} body{display:none}",
    "url(https://evil.example/x)",
    "expression(alert(1))",
    "#fff;background:url(x)",
    "</style>",
]


@pytest.mark.parametrize("colour", HOSTILE_COLOURS)
def test_hostile_colours_never_reach_the_theme(colour):
    content = {
        "theme": {role: colour for role in ROLES},
        "colors": {"primaryColor": colour, "palette": [colour, colour]},
        "brandColor": colour,
    }
    theme = extract_theme(content)
    assert set(theme) == ROLES
    assert all(HEX6.match(value) for value in theme.values())
    assert colour.lower() not in json.dumps(theme)


def test_theme_reads_various_colour_syntaxes():
    theme = extract_theme(
        {
            "settings": {
                "brand": {
                    "primaryColor": "rgb(20, 61, 89)",
                    "secondary": "teal",
                    "accentColour": "hsl(32, 85%, 55%)",
                    "backgroundColor": "#FFF",
                    "textColor": "#222",
                }
            }
        }
    )
    assert theme == {
        "primary": "#143d59",
        "secondary": "#008080",
        "accent": "#ee932b",
        "background": "#ffffff",
        "text": "#222222",
    }


def test_theme_defaults_and_readable_text():
    assert set(extract_theme({"x": 1})) == ROLES
    theme = extract_theme({"theme": {"background": "#000000", "text": "#111111"}})
    assert theme["text"] == "#ffffff"


def test_named_colours_outside_a_theme_are_not_taken_as_theme():
    # A review whose text happens to be a colour name is not a colour.
    theme = extract_theme({"review": {"text": "Tomato"}, "title": "Gold"})
    assert theme["text"] != "#ff6347"


def test_hero_bounds_long_strings():
    hero = extract_hero({"site": {"name": "N" * 5000, "tagline": "T" * 5000}})
    assert len(hero["title"]) <= 200
    assert len(hero["subtitle"]) <= 500


def test_hero_falls_back_to_untitled():
    assert extract_hero([1, 2, 3]) == {"title": "Untitled site", "subtitle": "", "image": ""}


# ---------------------------------------------------------------- weird keys


def test_weird_keys_give_bounded_unique_kebab_ids():
    record = [{"id": 1, "name": "x"}]
    long_key = "Ω" + "k" * 5000
    content = {
        "Menu": record,
        "menu": record,
        "MENU!": record,
        "me-nu": record,
        "me_nu": record,
        "菜单": record,
        "Ünïcödé Straße": record,
        long_key: record,
        long_key + "x": record,
        "detail": record,
        "a.b": record,  # not addressable: skipped
        "root": record,  # reserved: skipped
    }
    intents = extract_intents(content)
    check_intents(content, intents)
    paths = [intent["dataPath"] for intent in intents]
    assert "a.b" not in paths
    assert "root" not in paths
    every = ",".join(paths).split(",")
    assert len([p for p in every if p.lower().startswith(("menu", "me"))]) == 5
    assert long_key in every and long_key + "x" in every
    assert all(len(intent["title"]) <= 80 for intent in intents)


# ---------------------------------------------------------------------------
# Shared text helpers (webapp.content.text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Café Menu", "cafe-menu"),
        ("  --Hello,   World!--  ", "hello-world"),
        ("ﬁsh ① Ｗ", "fish-1-w"),
        ("caseStudies", "casestudies"),
        ("中文 😀", ""),
        ("", ""),
        ("a" * 5_000, "a" * 5_000),
    ],
)
def test_slugify_folds_to_kebab_ascii(text, expected):
    assert slugify(text) == expected


def test_slugify_limit_never_ends_with_a_dash():
    assert slugify("abc def", 4) == "abc"
    assert slugify("abc def", 5) == "abc-d"
    assert len(slugify("é-" * 5_000, 60)) <= 60
    assert KEBAB.match(slugify("é-" * 5_000, 60))


def test_camel_case_keys_give_dashed_intent_ids():
    content = {"fieldNotes": [{"title": f"Note {n}", "mood": "calm"} for n in range(3)]}
    assert [intent["id"] for intent in extract_intents(content)][0] == "field-notes"


def test_intent_ids_never_contain_the_page_id_separators():
    content = {
        "pageDetail": [{"title": f"Item {n}", "body": "Text"} for n in range(3)],
        "page": {"title": "A page", "body": "Some text", "more": "More"},
    }
    for intent in extract_intents(content):
        assert "detail" not in intent["id"].split("-")
        assert "page" not in intent["id"].split("-")


def test_cutting_an_intent_id_to_length_leaves_no_page_id_separator():
    from webapp.content.model.name import MAX_ID_LENGTH, intent_slug, unique_id

    long_name = "information about the regional wholesale distribution  details"
    assert "detail" not in intent_slug(long_name).split("-")
    content = {long_name: [{"title": f"Item {n}", "body": "Text"} for n in range(3)]}
    for intent in extract_intents(content):
        assert parse_page_id(intent["id"]) == PageRef(intent["id"]), intent["id"]
    base = "c" * (MAX_ID_LENGTH - 6) + "-pages"
    second = unique_id(base, {base})
    assert "page" not in second.split("-") and len(second) <= MAX_ID_LENGTH


def test_an_intent_is_never_called_index():
    """index.html is the site's home in an export and next to the frame's pages."""
    content = {"index": [{"title": f"Entry {n}", "body": "Text"} for n in range(3)]}
    ids = [intent["id"] for intent in extract_intents(content)]
    assert ids and "index" not in ids


def test_item_ids_that_are_slugs_already_are_kept_as_the_slow_path_would():
    maker = IdMaker()
    made = [
        maker.make("grilled-octopus", None, 1),
        maker.make("grilled-octopus", None, 2),  # taken: numbered
        maker.make("Grilled Octopus", None, 3),  # the same slug, made from a name
        maker.make("x" * 57, None, 4),  # a slug too long: bounded, with a hash
        maker.make("sku-000123", None, 5),
    ]
    assert made[:3] == ["grilled-octopus", "grilled-octopus-2", "grilled-octopus-3"]
    assert len(made[3]) <= 56 and made[3].startswith("x" * 40) and made[3] != "x" * 56
    assert made[4] == "sku-000123"
    assert IdMaker().make("x" * 57, None, 1) == made[3]  # the same input, the same id


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("site_name", "sitename"),
        ("Site-Name", "sitename"),
        ("nameé", "nameé"),
        ("a" * 300, "a" * 200),
    ],
)
def test_normal_key(key, expected):
    assert normal_key(key) == expected


def test_truncate_marks_the_cut_and_can_keep_words_whole():
    assert truncate("short", 10) == "short"
    assert truncate("hello wonderful world", 12) == "hello wonde…"
    assert truncate("hello wonderful world", 12, at_word=True) == "hello…"
    assert len(truncate("x" * 500, 60, at_word=True)) == 60


# ---------------------------------------------------------------------------
# Rules of the content model, one by one


def test_pages_under_one_path_prefix_are_one_collection():
    body = "A long enough body of text for a page."
    content = {
        "site": {"name": "Field Notes"},
        "pages": [
            {"title": "Home", "path": "/"},
            {"title": "About", "path": "/about", "body": "We write about birds and their people."},
            *({"title": f"Post {n}", "path": f"/blog/post-{n}", "body": body,
               "date": f"2026-01-0{n}"} for n in range(1, 4)),
            {"title": "Terms", "path": "/terms", "body": body},
        ],
    }  # fmt: skip
    titles = {i["title"]: i for i in extract_intents(content)}
    assert titles["Read the blog"]["description"] == "Read 3 posts."
    assert {"About us", "Terms"} <= set(titles)


def test_theme_comes_from_the_site_never_from_a_record():
    content = {
        "site": {"name": "Blog", "theme": {"primary": "#123456"}},
        "posts": [
            {"title": f"Post {n}", "backgroundColor": "#ff0000", "textColor": "#00ff00"}
            for n in range(3)
        ],
        "pages": [{"title": "Landing", "sections": [{"_block": "hero", "bgColor": "#ff00ff"}]}],
    }
    theme = extract_theme(content)
    assert theme["primary"] == "#123456"
    assert "#ff0000" not in theme.values() and "#ff00ff" not in theme.values()


def test_records_wrapped_one_level_down_are_read_as_records():
    from webapp.content.model.normalise import normalise
    from webapp.content.model.unwrap import Context

    context = Context(active=True)
    airtable = {
        "id": "recA1",
        "createdTime": "2026-01-01T00:00:00.000Z",
        "fields": {"Name": "Morning bun", "Price": 4.5, "Category": "Pastries"},
    }
    notion = {"object": "page", "id": "p1", "properties": {
        "Name": {"id": "title", "type": "title", "title": [{"plain_text": "Jazz night"}]},
        "Date": {"id": "d", "type": "date", "date": {"start": "2026-04-18T20:00", "end": None}},
        "Venue": {"id": "v", "type": "select", "select": {"name": "Main Hall", "color": "red"}},
    }}  # fmt: skip
    bun = normalise(context.unwrap(airtable))
    assert (bun.title, bun.price, bun.badges) == ("Morning bun", "4.50", ["Pastries"])
    jazz = normalise(context.unwrap(notion))
    assert (jazz.title, jazz.date) == ("Jazz night", "18 Apr 2026, 20:00")
    assert [(f.label, f.text) for f in jazz.facts] == [("Venue", "Main Hall")]


def test_rich_text_trees_become_html():
    from webapp.content.model.unwrap import tree_html

    prosemirror = {"type": "doc", "content": [{"type": "paragraph", "content": [
        {"type": "text", "text": "Hi <there>", "marks": [{"type": "bold"}]}]}]}  # fmt: skip
    lexical = {"root": {"type": "root", "children": [{"type": "heading", "tag": "h1",
               "children": [{"type": "text", "text": "Title", "format": 2}]}]}}  # fmt: skip
    assert tree_html(prosemirror) == "<p><strong>Hi &lt;there&gt;</strong></p>"
    assert tree_html(lexical) == "<h2><em>Title</em></h2>"


@pytest.mark.parametrize(
    ("value", "currency", "minor", "shown"),
    [
        (220, "", False, "220"),
        ("220.00", "", False, "220.00"),
        (22000, "USD", True, "$220.00"),
        (13.5, "EUR", False, "€13.50"),
        (425000, "USD", False, "$425,000"),
        ({"price": "28.00", "priceCurrency": "USD"}, "", False, "$28.00"),
        ({"amount": 12, "currency": "CHF"}, "", False, "CHF 12"),
        (0, "GBP", False, "Free"),
    ],
)
def test_prices_read_as_a_person_writes_them(value, currency, minor, shown):
    from webapp.content.model.values import price_text

    assert price_text(value, currency, minor=minor) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2026-03-14", "14 Mar 2026"),
        ("2026-03-14T20:00:00-05:00", "14 Mar 2026, 20:00"),
        (1773500400, "14 Mar 2026, 15:00"),
        (1773500400000, "14 Mar 2026, 15:00"),
        ("Thu, 12 Mar 2026 09:00:00 GMT", "12 Mar 2026, 09:00"),
        ("not a date", None),
        (12, None),
    ],
)
def test_dates_read_as_a_person_writes_them(value, shown):
    from webapp.content.model.values import parse_date

    parsed = parse_date(value)
    assert (parsed[1] if parsed else None) == shown


def test_markdown_is_rendered_and_sanitised():
    from webapp.content.model.values import rich_html

    html = str(rich_html("## Method\n\n**Rest** the dough. <script>x()</script> [a](javascript:x)"))
    assert "<h2>Method</h2>" in html and "<strong>Rest</strong>" in html
    assert "<script" not in html and 'href="javascript' not in html and "**" not in html


def test_sections_past_the_cap_are_listed_too():
    text = "A section with enough words to be a page of its own."
    content = {"items": [{"name": "a", "size": 1}, {"name": "b", "size": 2}]}
    content.update({f"section{n}": {"title": f"Part {n}", "body": text} for n in range(20)})
    intents = extract_intents(content)
    assert len(intents) == MAX_INTENTS
    shown = ",".join(intent["dataPath"] for intent in intents).split(",")
    assert all(f"section{n}" in shown for n in range(20))
