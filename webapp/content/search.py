"""Search, sort and filter one collection: a small index of its records, and the results.

The index holds, per record, the card the listing shows and what it is found,
sorted and filtered by (name, amount, date, group, badges, searchable text). It
is made once from the collection's chunks (``index_rows``), kept with the
session (``search_field``), and every search then reads only it: never the
content. Pure functions; the results page is rendered like a listing page.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any
from urllib.parse import quote, urlencode

import msgspec

from .model.layout import MODEL_VERSION, PAGE_SIZE
from .model.normalise import normalise
from .page_files import AppLinks
from .query import SORTS, Query, search_field
from .render import _card, _env, _header, hints_of, palette

# The index holds cards made by this version of the model and of its pages: another
# version of either makes it again.
INDEX_VERSION = f"1/{MODEL_VERSION}"
_AMOUNT = re.compile(r"\d[\d,. ]*")


def _amount(price: str) -> float | None:
    """The number in a displayed price ("$1,250.50" -> 1250.5; "9,50 €" -> 9.5)."""
    match = _AMOUNT.search(price or "")
    if not match:
        return None
    text = match.group().replace(" ", "").rstrip(",.")
    if "," in text and "." in text:
        text = (
            text.replace(",", "")
            if text.rfind(".") > text.rfind(",")
            else text.replace(".", "").replace(",", ".")
        )
    elif "," in text:
        whole, _, tail = text.rpartition(",")
        text = f"{whole.replace(',', '')}.{tail}" if len(tail) == 2 else text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


def _group_at(view: dict, position: int) -> str:
    label = ""
    for group_label, start in view.get("groups") or []:
        if start <= position:
            label = group_label
    return label


def index_rows(view: dict, chunks: list[list[list]], refs: dict | None = None) -> dict:
    """The search index of a collection from its chunks, in order (linear in their size)."""
    hints = hints_of(view, refs)
    layout = view.get("layout", "cards")
    rows = []
    for number, chunk in enumerate(chunks):
        for offset, entry in enumerate(chunk):
            record = normalise(entry[1], hints, entry[2] if len(entry) > 2 else "")
            card = _card(record, "", layout, hints.kind)
            del card["href"]
            words = [record.title, record.subtitle, record.description, card["place"]]
            words += record.badges + card["facts"]
            rows.append(
                {
                    "id": entry[0],
                    "card": card,
                    "group": _group_at(view, number * PAGE_SIZE + offset),
                    "amount": _amount(record.price),
                    "date": record.date_sort,
                    "text": " ".join(w for w in words if w).casefold(),
                }
            )
    return {"v": INDEX_VERSION, "count": int(view.get("count", len(rows))), "rows": rows}


def search(index: dict, query: Query) -> list[dict]:
    """The rows matching a query, in the order it asks for (stable: ties keep the listing's)."""
    rows = index.get("rows") or []
    if query.group:
        rows = [r for r in rows if r["group"] == query.group]
    if query.badge:
        rows = [r for r in rows if query.badge in r["card"]["badges"]]
    terms = query.q.casefold().split()
    if terms:
        rows = [r for r in rows if all(term in r["text"] for term in terms)]
        if not query.sort:  # relevance: the name matching first
            rows.sort(key=lambda r: not all(t in r["card"]["title"].casefold() for t in terms))
    if query.sort == "name":
        rows = sorted(rows, key=lambda r: r["card"]["title"].casefold())
    elif query.sort in ("price", "price-desc"):
        priced = [r for r in rows if r["amount"] is not None]
        priced.sort(key=lambda r: r["amount"], reverse=query.sort == "price-desc")
        rows = priced + [r for r in rows if r["amount"] is None]
    elif query.sort == "newest":
        dated = sorted((r for r in rows if r["date"]), key=lambda r: r["date"], reverse=True)
        rows = dated + [r for r in rows if not r["date"]]
    return rows


def facets(index: dict) -> dict[str, list[str]]:
    """What a listing can be filtered by: its groups and badges, in the order first seen."""
    groups: dict[str, None] = {}
    badges: dict[str, None] = {}
    for row in index.get("rows") or []:
        if row["group"]:
            groups.setdefault(row["group"], None)
        for badge in row["card"]["badges"]:
            badges.setdefault(badge, None)
    # A badge naming a group (a dish's "Desserts" under Desserts) is the same filter.
    return {"groups": list(groups), "badges": [b for b in badges if b not in groups][:40]}


def results_href(intent_id: str, query: Query, page: int = 1) -> str:
    """The app's URL of one page of results (the query kept)."""
    return f"/pages/{quote(intent_id, safe='')}?{urlencode(query.params(page))}"


def render_results(
    *,
    site: dict,
    intent: dict,
    view: dict,
    index: dict,
    query: Query,
    theme: dict,
    page: int = 1,
    links: AppLinks | None = None,
) -> str | None:
    """Render one page of search results like a listing page (None: no such page)."""
    links = links or AppLinks()
    header = _header(site, intent)
    intent_id = header["intent_id"]
    found = search(index, query)
    pages = max(1, -(-len(found) // PAGE_SIZE))
    if not 1 <= page <= pages:
        return None
    shown = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    cards = [{**row["card"], "href": links.item(intent_id, row["id"])} for row in shown]
    noun = view.get("noun") or ["item", "items"]
    total = int(index.get("count", len(index.get("rows") or [])))
    what = [f"matching “{query.q}”"] if query.q else []
    what += [f"in {query.group}"] if query.group else []
    what += [f"marked {query.badge}"] if query.badge else []
    summary = f"{len(found):,} of {total:,} {noun[1] if total != 1 else noun[0]}"
    if what:
        summary += " " + ", ".join(what)
    if query.sort:
        summary += f", sorted by {SORTS[query.sort].lower()}"
    if len(index.get("rows") or []) < total:
        summary += f" (searching the first {len(index['rows']):,})"
    info = facets(index)
    filters = [
        {
            "kind": kind,
            "label": value,
            "current": getattr(query, kind) == value,
            # A chosen filter's link takes it off again.
            "href": results_href(
                intent_id, replace(query, **{kind: "" if getattr(query, kind) == value else value})
            ),
        }
        for kind, values in (("group", info["groups"]), ("badge", info["badges"]))
        for value in values
    ]
    context = {
        **header,
        "colours": palette(theme),
        "filters": filters,
        "home_href": links.home(),
        "intent_href": links.intent(intent_id, 1),
        "page": page,
        "pages": pages,
        "total": len(found),
        "noun": noun[0] if len(found) == 1 else noun[1],
        "layout": view.get("layout", "cards") if view.get("layout") != "timeline" else "cards",
        "groups": [{"label": "", "cards": cards}] if cards else [],
        "summary": summary + ".",
        "prev_href": results_href(intent_id, query, page - 1) if page > 1 else "",
        "next_href": results_href(intent_id, query, page + 1) if page < pages else "",
        "page_title": f"{header['intent_title']}: {summary}",
    }
    return _env().get_template("generated/listing.html").render(context)


def decode_index(raw: Any) -> dict | None:
    """A stored index, or None when missing or made by another version."""
    if raw is None:
        return None
    try:
        index = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        return None
    return index if isinstance(index, dict) and index.get("v") == INDEX_VERSION else None


def encode_index(index: dict) -> bytes:
    """The index as stored (compact JSON)."""
    return msgspec.json.encode(index)


__all__ = [
    "SORTS",
    "Query",
    "decode_index",
    "encode_index",
    "facets",
    "index_rows",
    "render_results",
    "results_href",
    "search",
    "search_field",
]
