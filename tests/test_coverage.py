"""Nothing dropped silently: every record of every collection the model keeps reaches a
listing page, and every collection (or record) it does not show is recorded with why.

Over every content fixture (the regression set and the blind batches) and the demos,
through the model's own functions (no Flask): the collections the classifier found are
each offered by an intent or listed in the model's ``left_out`` with a reason, and a kept
collection's records are all in its listing chunks (its pages, in order), less those
recorded as left out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from webapp.content.model.build import build_site
from webapp.content.model.classify import find
from webapp.content.model.layout import MODEL_FIELD, chunk_field, decode
from webapp.content.model.unwrap import prepare
from webapp.demos import DEMOS, load_demo

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "content"


def documents():
    for path in sorted(FIXTURES.glob("**/*.json")):
        if not path.name.endswith(".expect.json"):
            yield pytest.param(path.read_bytes(), id=str(path.relative_to(FIXTURES)))
    for name in DEMOS:
        yield pytest.param(load_demo(name), id=f"demo:{name}")


def listed(fields: dict, intent_id: str, pages: int) -> int:
    """The records a collection's listing pages hold, through its last page."""
    return sum(len(decode(fields[chunk_field(intent_id, n)])) for n in range(1, pages + 1))


@pytest.mark.parametrize("raw", documents())
def test_every_collection_is_shown_or_left_out_with_a_reason(raw):
    content = json.loads(raw)
    built = build_site(content)
    model = decode(built.fields[MODEL_FIELD])
    left_out = model.get("left_out", [])  # older models recorded nothing
    assert all(entry["reason"] for entry in left_out)
    for intent_id, view in model["views"].items():
        if view["role"] == "collection":
            assert listed(built.fields, intent_id, view["pages"]) == view["count"], intent_id
    paths_shown: dict[str, int] = {}
    for intent in built.intents:
        view = model["views"][intent["id"]]
        for path in intent["dataPath"].split(","):
            paths_shown[path] = paths_shown.get(path, 0) + view.get("count", 1)
    for found in find(prepare(content)).found:
        if found.role != "collection" or not found.count or not found.paths:
            continue
        path = found.paths[0]
        recorded = sum(e["count"] for e in left_out if e["path"] == path)
        assert path in paths_shown or recorded, f"{found.name} ({path}) neither shown nor left out"
        if path in paths_shown and len(found.paths) == 1:  # its records: shown or recorded
            shown = paths_shown[path] + recorded
            assert shown >= found.count, f"{found.name}: {shown} of {found.count} accounted for"


def test_the_real_estate_demo_shows_every_home_and_the_market_reports():
    built = build_site(json.loads(load_demo("real-estate")))
    model = decode(built.fields[MODEL_FIELD])
    homes = next(i for i in built.intents if i["dataPath"] == "listings")
    assert model["views"][homes["id"]]["count"] == 13
    assert any(i["dataPath"] == "market_reports" for i in built.intents)


def test_a_rent_keeps_its_period_and_a_sale_has_none():
    from webapp.content.model.normalise import normalise

    rent = {"title": "Flat", "price": 2100, "currency": "USD", "status": "For rent"}
    sale = {"title": "House", "price": 685000, "currency": "USD", "status": "For sale"}
    stay = {"name": "Casa", "price": 185, "currencyCode": "EUR", "minNights": 3}
    suffix = {"amount": 1450, "currencySuffix": "€/mes"}
    suffixed = {"title": "Piso", "priceInfo": {"price": suffix}}
    assert normalise(rent).price == "$2,100/month"
    assert normalise(sale).price == "$685,000"
    assert normalise(stay).price == "€185/night"
    assert normalise({"title": "Loft", "price_per_week": 900}).price.endswith("/week")
    assert normalise(suffixed).price.endswith("/month")


def test_the_home_says_what_is_not_shown(client):
    """Both backends: the site's home names what the model left out, and why."""
    from conftest import csrf_token

    document = (FIXTURES / "webflow-v2.json").read_text()
    data = {"csrf_token": csrf_token(client), "source": "paste", "json": document}
    assert client.post("/connect", data=data).status_code == 303
    home = client.get("/").get_data(as_text=True)
    assert "Not shown: Posts (2 records: drafts, archived or unpublished)." in home
