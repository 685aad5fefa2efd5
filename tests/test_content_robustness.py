"""The content model never fails on odd input: random documents built from real-world keys.

Hundreds of seeded random documents (the same ones on every run) mix the keys and
wrappers platforms use (``fields``, ``attributes``, ``{"rendered"}``, locale maps,
``{"type": "number", "number": 3}``, rich-text trees, ``_embedded``), values of every
JSON type, hostile strings and deep nesting; each is built into a model and every page
of it rendered. Nothing may raise, and every page stays standalone and script-free.
"""

from __future__ import annotations

import json
import random

import pytest
from test_render import assert_safe, demo_pages

KEYS = [
    "id", "_id", "slug", "name", "title", "description", "body", "content", "price", "currency",
    "image", "images", "photos", "url", "link", "date", "startDate", "published_at", "status",
    "type", "component", "category", "tags", "items", "data", "fields", "attributes",
    "properties", "fieldData", "results", "entries", "menu", "events", "posts", "team",
    "address", "phone", "email", "hours", "openingHours", "rating", "offers", "variants",
    "sys", "@type", "@id", "_ref", "_type", "rendered", "en-US", "de", "location", "speakers",
    "roomId", "beds", "sqft", "colors", "theme", "primaryColor", "pages", "sitesections",
    "_block", "hero", "about", "contact", "footer", "navbar", "config", "site", "root",
    "value", "text", "html", "children", "document", "schema", "nodeType", "marks", "spans",
]  # fmt: skip
STRINGS = [
    "", " ", "Soup", "Grilled octopus", "<script>alert(1)</script>", "javascript:alert(1)",
    "https://img.example.com/a.jpg", "//cdn.example.com/b.png", "/relative/c.jpg",
    "2026-03-14T20:00:00-05:00", "Thu, 12 Mar 2026 09:00:00 GMT", "12.50", "$9", "EUR",
    "draft", "publish", "#ff0000", "red;}</style>", "a@b.example", "+1 555 0100", "**bold**",
    "# Heading\n\n- a\n- b", "<p onclick=x()>hi</p>", "ünïcödé ✓", "x" * 3000, "node--article",
    "65b2a1c3d4e5f60718293a4b", "places/abc/reviews/def", "\u202e", "0", "-1",
]  # fmt: skip


def random_value(rng: random.Random, depth: int):
    roll = rng.random()
    if depth > 6 or roll < 0.35:
        return rng.choice(
            [rng.choice(STRINGS), rng.randint(-5, 10**12), rng.random() * 1000, True, False, None]
        )
    if roll < 0.65:
        return {rng.choice(KEYS): random_value(rng, depth + 1) for _ in range(rng.randint(0, 7))}
    if roll < 0.8:  # a list of similar records
        keys = rng.sample(KEYS, rng.randint(1, 6))
        return [
            {key: random_value(rng, depth + 2) for key in keys} for _ in range(rng.randint(1, 12))
        ]
    return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 5))]


def platform_shaped(rng: random.Random, records: list):
    """Wrap random records the way a platform would, so its reader runs on them too."""
    typed = [
        {"sys": {"id": str(n), "type": "Entry", "contentType": {"sys": {"id": rng.choice(KEYS)}}},
         "fields": r}
        for n, r in enumerate(records)
    ]  # fmt: skip
    return rng.choice(
        [
            {"sys": {"type": "Array"}, "items": typed, "includes": {"Asset": typed[:2]}},
            {"contentTypes": [], "entries": typed, "locales": [{"code": "en-US", "default": True}]},
            {"db": [{"data": {"posts": records, "posts_tags": records, "settings": records}}]},
            {"@context": "https://schema.org", "@graph": records},
            {"result": [{"_id": str(n), "_type": "post", **r} for n, r in enumerate(records)]},
            {"data": records, "meta": {}, "included": typed},
            [{"id": n, "title": {"rendered": "x"}, "_embedded": r} for n, r in enumerate(records)],
        ]
    )


def documents(count: int, seed: int):
    rng = random.Random(seed)
    made = 0
    while made < count:
        document = random_value(rng, 0)
        if made % 3 == 2:
            sample = random_value(rng, 1)
            records = [r for r in sample if isinstance(r, dict)] if isinstance(sample, list) else []
            records = records or [{"title": "x"}]
            document = platform_shaped(rng, records)
        if isinstance(document, dict | list) and document:
            made += 1
            # Through JSON, as the app gets it: no shared references, string keys.
            yield json.loads(json.dumps(document))


@pytest.mark.parametrize("seed", range(3))
def test_random_documents_build_and_render_safely(seed):
    for document in documents(50, seed):
        for _intent, _kind, page in demo_pages(document):
            assert_safe(page)


def test_pathological_strings_stay_linear():
    """Strings that made regular expressions quadratic ("<a" repeated, long runs of spaces)."""
    document = {
        "products": [
            {"name": "<a" * 200_000, "price": " " * 30_000 + "x", "prep_time": "PT" + "9" * 5000},
            {"name": "b", "description": "<a" * 100_000, "price": "1" * 5_000},
        ]
    }
    pages = list(demo_pages(document))
    assert pages
    for _intent, _kind, page in pages:
        assert_safe(page)


def test_linked_entries_are_summarised_not_copied():
    """300 reviews linking to a restaurant with a 400-dish menu store the menu once."""
    from webapp.content.model.build import build_site

    menu = [{"@type": "MenuItem", "name": f"Dish {n}", "description": "x" * 80} for n in range(400)]
    graph = [
        {
            "@type": "Restaurant",
            "@id": "#r",
            "name": "R",
            "hasMenu": {
                "@type": "Menu",
                "hasMenuSection": [{"@type": "MenuSection", "name": "All", "hasMenuItem": menu}],
            },
        }
    ]
    graph += [{"@type": "Review", "itemReviewed": {"@id": "#r"}, "author": f"A{n}",
               "reviewBody": "Lovely."} for n in range(300)]  # fmt: skip
    document = {"@context": "https://schema.org", "@graph": graph}
    stored = sum(len(value) for value in build_site(document).fields.values())
    assert stored < 4 * len(json.dumps(document))


def test_interleaved_categories_keep_the_model_small():
    from webapp.content.model.build import build_site
    from webapp.content.model.layout import MODEL_FIELD

    kinds = ["Starters", "Mains", "Desserts"]
    dishes = [{"name": f"Dish {n}", "category": kinds[n % 3] if n < 50 else kinds[n % 2]}
              for n in range(20_000)]  # fmt: skip
    model = build_site({"menu": dishes}).fields[MODEL_FIELD]
    assert len(model) < 20_000
