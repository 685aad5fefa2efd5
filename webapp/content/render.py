"""Render generated pages from the content model: listing pages, sections and detail pages.

Pure functions, no Flask: a view of the model and its records in, a
standalone HTML document out (HTML5, one inline stylesheet, no scripts, no
external requests but the content's own http(s) images). Every value from
content is escaped by Jinja's autoescape or sanitised by nh3; links only for
http(s)/mailto/tel; colours re-validated. The same input gives the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import icons
from .colors import DEFAULT_THEME, contrast_ratio, mix, parse_css_color, readable_text_on
from .model.layout import PAGE_SIZE
from .model.normalise import Hints, Record, humanise, normalise
from .model.values import (
    has_markup,
    http_url,
    link_href,
    number,
    parse_date,
    plain_text,
    rich_html,
)
from .model.vocab import DATED_KINDS as _DATED_KINDS
from .page_files import (
    FILE_LINK,
    HOME_FILE,
    AppLinks,
    FileLinks,
    PageRef,
    detail_page_id,
    has_app_links,
    linked_pages,
    listing_page_id,
    page_file,
    parse_page_id,
    with_file_links,
)
from .text import truncate

__all__ = [
    "PAGE_SIZE",
    "AppLinks",
    "HOME_FILE",
    "FileLinks",
    "PageRef",
    "detail_page_id",
    "FILE_LINK",
    "has_app_links",
    "linked_pages",
    "listing_page_id",
    "page_file",
    "parse_page_id",
    "with_file_links",
    "render_detail",
    "render_listing",
    "render_section",
]

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
_DARK_INK = "#111827"
_CARD_DESC = 200
_DETAIL_BUDGET = 300_000  # characters of a detail page's remaining fields
_SECTION_BUDGET = 200_000


# --------------------------------------------------------------------------
# Theme


def palette(theme: Any) -> dict[str, str]:
    """Validate a theme and derive the colours the stylesheet needs (all ``#rrggbb``)."""
    theme = theme if isinstance(theme, dict) else {}
    colours = {
        name: parse_css_color(theme.get(name)) or default for name, default in DEFAULT_THEME.items()
    }
    background, text = colours["background"], colours["text"]
    if contrast_ratio(text, background) < 4.5:
        text = readable_text_on(background, dark=_DARK_INK)
    primary = colours["primary"]
    return {
        "primary": primary,
        "secondary": colours["secondary"],
        "accent": colours["accent"],
        "background": background,
        "text": text,
        "muted": mix(text, background, 0.3),
        "border": mix(background, text, 0.15),
        "surface": mix(background, text, 0.035),
        "on_header": readable_text_on(primary, colours["secondary"], dark=_DARK_INK),
        "on_accent": readable_text_on(colours["accent"], dark=_DARK_INK),
        "link": primary if contrast_ratio(primary, background) >= 4.5 else text,
    }


# --------------------------------------------------------------------------
# Values of the detail page's remaining fields, as view nodes


@dataclass
class _Budget:
    left: int

    def take(self, text: str) -> bool:
        cost = len(text) + 60
        if cost > self.left:
            self.left = 0
            return False
        self.left -= cost
        return True


def _node(value: Any, key: str, depth: int, budget: _Budget, hints: Hints) -> dict | None:
    """One value as a view node (``text``, ``link``, ``html``, ``image``, ``fields``, ``list``)."""
    if budget.left <= 0 or isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        text = f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else str(value)
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        return {"kind": "text", "text": text} if budget.take(text) else None
    if isinstance(value, str):
        return _string_node(value, key, budget)
    if depth >= 5:
        return None
    if isinstance(value, dict):
        return _record_node(value, key, depth, budget, hints)
    if isinstance(value, list):
        return _list_node(value, key, depth, budget, hints)
    return None


def _string_node(value: str, key: str, budget: _Budget) -> dict | None:
    """A text: a link, an image, rich text or plain text."""
    text = value.strip()
    if not text:
        return None
    href = link_href(text, key)
    if href and http_url(text) and _imageish(key, text):
        node = {"kind": "image", "src": href, "alt": humanise(key)}
        return node if budget.take(href) else None
    if href:
        node = {"kind": "link", "href": href, "text": truncate(text, 200)}
        return node if budget.take(text) else None
    if has_markup(text) or len(text) > 160 or "\n" in text:
        html = rich_html(text)
        return {"kind": "html", "html": html} if budget.take(html) else None
    return {"kind": "text", "text": text} if budget.take(text) else None


def _record_node(value: dict, key: str, depth: int, budget: _Budget, hints: Hints) -> dict | None:
    """A nested object: an image, a titled piece of text (an article) or labelled fields."""
    record = normalise(value, hints)
    image = record.image
    if image and not record.title:
        return {"kind": "image", "src": image.src, "alt": image.alt or humanise(key)}
    text = record.body if record.body is not None else record.description
    if record.title and text and not (record.rest or record.facts or record.price):
        # A titled piece of text (a page block, a FAQ entry): a heading and its words.
        if budget.take(record.title + str(text)):
            html = text if record.body is not None else Markup("<p>%s</p>") % text
            return {"kind": "article", "title": record.title, "html": html}
        return None
    fields = _record_field_nodes(record, depth, budget, hints)
    if image:
        alt = image.alt or record.title
        fields.insert(
            0, {"label": "Image", "node": {"kind": "image", "src": image.src, "alt": alt}}
        )
    if not fields:
        return {"kind": "text", "text": record.title} if record.title else None
    if all(f["node"]["kind"] == "text" and _numeric(f["node"]["text"]) for f in fields):
        return None  # counters and internal numbers ("Status 2", "Cid 0")
    if len(fields) == 1 and fields[0]["label"] == "Name":
        return fields[0]["node"]
    return {"kind": "fields", "fields": fields}


def _record_field_nodes(record: Record, depth: int, budget: _Budget, hints: Hints) -> list:
    """A nested record's fields as labelled nodes: typed ones, contacts, the rest, its text."""
    fields = []
    for label, text in _record_fields(record):
        if budget.take(text):
            fields.append({"label": label, "node": {"kind": "text", "text": text}})
    for fact in record.contact:
        if fact.href and budget.take(fact.text):
            node = {"kind": "link", "href": fact.href, "text": fact.text}
            fields.append({"label": fact.label, "node": node})
    for label, inner in record.rest:
        node = _node(inner, label, depth + 1, budget, hints)
        if node:
            fields.append({"label": label, "node": node})
    if record.body is not None and budget.take(record.body):
        fields.append({"label": "Text", "node": {"kind": "html", "html": record.body}})
    return fields


def _list_node(value: list, key: str, depth: int, budget: _Budget, hints: Hints) -> dict | None:
    """A list: short texts in one line, sentences as paragraphs, pictures as a gallery."""
    entries = []
    for element in value[:200]:
        node = _node(element, key, depth + 1, budget, hints)
        if node:
            entries.append(node)
    if not entries:
        return None
    texts = [e["text"] for e in entries if e["kind"] == "text"]
    if len(texts) == len(entries) and sum(len(t) for t in texts) <= 300:
        if not any(_SENTENCE_END.search(t) for t in texts):
            return {"kind": "text", "text": ", ".join(texts)}
        # Sentences ("Open late on Fridays.") read as paragraphs, never glued with commas.
        html = Markup("").join(Markup("<p>%s</p>") % t for t in texts)
        return {"kind": "html", "html": html}
    if all(e["kind"] == "image" for e in entries):
        return {"kind": "gallery", "images": entries}
    return {"kind": "list", "items": entries, "more": max(0, len(value) - 200)}


_SENTENCE_END = re.compile(r"[.!?…:]$")


def _numeric(text: str) -> bool:
    return text.replace(",", "").replace(".", "").replace("-", "").strip().isdigit()


def _imageish(key: str, url: str) -> bool:
    from .model.values import looks_like_image_url
    from .model.vocab import IMAGE_WORDS, words

    return bool(IMAGE_WORDS.intersection(words(key))) or looks_like_image_url(url)


def _record_fields(record: Record) -> list[tuple[str, str]]:
    """The short typed fields of a record as label/text pairs (nested objects)."""
    out = []
    if record.title:
        out.append(("Name", record.title))
    if record.subtitle:
        out.append(("Role", record.subtitle))
    if record.price:
        out.append((record.price_label or "Price", record.price))
    if record.date:
        out.append(("Date", record.date))
    if record.address:
        out.append(("Address", record.address))
    for fact in record.facts:
        out.append((fact.label, fact.text))
    if record.rating:
        out.append(("Rating", record.rating))
    if record.badges:
        out.append(("Tags", ", ".join(record.badges)))
    if record.description and record.body is None:
        out.append(("Description", record.description))
    return out


# --------------------------------------------------------------------------
# Cards and detail views


def hints_of(view: dict, refs: dict | None = None) -> Hints:
    """The hints a view's records are read with (``refs``: the model's references)."""
    hints = view.get("hints") or {}
    refs = refs or {}
    return Hints(
        currency=hints.get("currency", "") or "",
        base_url=hints.get("base_url", "") or "",
        kind=hints.get("kind", "") or view.get("kind", "") or "",
        title_key=hints.get("title_key", "") or "",
        image_key=hints.get("image_key", "") or "",
        refs=refs.get("refs") or {},
        ref_groups=refs.get("ref_groups") or {},
    )


_CARD_IMAGE_URL_MAX = 800  # a card's share of the page: longer URLs stay on the detail page


_TIMED_KINDS = frozenset({"events", "schedule", "classes"})
_TIME_OF_DAY = re.compile(r", \d{2}:\d{2}(?:–\d{2}:\d{2})?")


def _card_date(record: Record, kind: str) -> str:
    if not record.date or (kind and kind not in _DATED_KINDS):
        return ""
    if kind in _TIMED_KINDS:
        return record.date
    return _TIME_OF_DAY.sub("", record.date)  # "5 Mar 2026, 08:00" -> "5 Mar 2026"


def _card(record: Record, href: str, layout: str, kind: str = "") -> dict[str, Any]:
    image = next((i for i in record.images if len(i.src) <= _CARD_IMAGE_URL_MAX), None)
    place = record.address
    if place and record.title and place.startswith(record.title):
        place = place[len(record.title) :].lstrip(", ")
    if record.key_facts:  # chosen by a page plan: named, since they are its own fields
        facts = [f"{fact.label}: {fact.text}" for fact in record.key_facts]
    else:
        facts = [fact.text for fact in record.card_facts(4)]
    card = {
        "title": record.title or "Untitled",
        "href": href,
        "image": {"src": image.src, "alt": image.alt or record.title} if image else None,
        "subtitle": record.subtitle,
        "price": record.price,
        "was_price": record.was_price,
        "date": _card_date(record, kind),
        "place": truncate(place, 120, at_word=True) if place else "",
        "facts": facts,
        "rating": record.rating,
        "badges": record.badges[:4],
        "description": truncate(record.description or record.summary, _CARD_DESC, at_word=True)
        if layout != "quotes"
        else truncate(record.description, 600, at_word=True),
    }
    if layout == "contact":  # only here: cards are also kept in search indexes
        card["contact"] = [
            {"label": c.label, "text": c.text, "href": c.href} for c in record.contact[:4]
        ]
        card["address"] = record.address
    return card


def _detail_view(record: Record, hints: Hints, chars: int = _DETAIL_BUDGET) -> dict[str, Any]:
    budget = _Budget(chars)
    facts: list[dict] = [
        {"label": fact.label, "text": fact.text, "href": ""} for fact in record.key_facts
    ]
    if record.date:
        facts.append({"label": "When", "text": record.date, "href": ""})
    if record.address:
        facts.append({"label": "Where", "text": record.address, "href": ""})
    for fact in record.facts:
        facts.append({"label": fact.label, "text": fact.text, "href": fact.href})
    if record.rating:
        facts.append({"label": "Rating", "text": record.rating, "href": ""})
    rest = []
    for label, value in record.rest:
        node = _node(value, label, 0, budget, hints)
        if node:
            rest.append(
                {
                    "label": label,
                    "node": node,
                    "block": node["kind"] in ("html", "fields", "list", "gallery", "image"),
                }
            )
    contact = [{"label": c.label, "text": c.text, "href": c.href} for c in record.contact]
    links = [{"label": link.text, "href": link.href} for link in record.links[:4]]
    images = [{"src": i.src, "alt": i.alt or record.title} for i in record.images]
    return {
        "title": record.title,
        "subtitle": record.subtitle,
        "summary": record.summary,
        "price": record.price,
        "was_price": record.was_price,
        "price_label": record.price_label,
        "facts": facts,
        "badges": record.badges,
        "description": record.description if record.body is None else "",
        "body": record.body,
        "hero": images[0] if images else None,
        "gallery": images[1:],
        "contact": contact,
        "links": links,
        "hours": [{"day": d, "text": t} for d, t in record.hours],
        "rest": rest,
    }


# --------------------------------------------------------------------------
# Rendering

_environment: jinja2.Environment | None = None


def _env() -> jinja2.Environment:
    global _environment
    if _environment is None:
        _environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        icons.register(_environment)
    return _environment


def _header(site: dict, intent: dict) -> dict[str, str]:
    intent_id = intent.get("id")
    if not isinstance(intent_id, str) or not intent_id:
        raise ValueError("intent needs a string id")
    return {
        "site_title": plain_text(site.get("title"), 120) or "Site",
        "site_subtitle": plain_text(site.get("subtitle"), 240),
        "intent_id": intent_id,
        "intent_title": plain_text(intent.get("title"), 160) or humanise(intent_id),
        "intent_description": plain_text(intent.get("description"), 600),
        "intent_icon": plain_text(intent.get("icon"), 16),
        # A page plan (optional AI planning) may give these; the rules' otherwise.
        "headline": plain_text(intent.get("title"), 160) or humanise(intent_id),
        "lead": plain_text(intent.get("description"), 600),
        "cta": None,
        "plan_note": "",
    }


# Layouts a page plan may choose, each with what most of a page's records must have.
PLANNED_LAYOUTS = {
    "cards": lambda record: True,
    "list": lambda record: True,
    "table": lambda record: bool(record.key_facts or record.price or record.date),
    "gallery": lambda record: bool(record.images),
    "timeline": lambda record: bool(record.date),
    "quotes": lambda record: bool(record.description),
    "faq": lambda record: bool(record.description or record.summary),
    "contact": lambda record: bool(record.contact or record.address),
    "pricing": lambda record: bool(record.price),
}


PLANNED_FIELDS = {
    "card_title": "title_key",
    "card_subtitle": "subtitle_key",
    "card_image": "image_key",
    "card_price": "price_key",
}


def _planned_hints(hints: Hints, plan: dict | None, *, detail: bool = False) -> Hints:
    """The hints with a page plan's choice of the fields that name, describe, picture and
    price each record and its key facts (a record without a value there keeps what the
    rules found); for a ``detail`` page, the plan's detail layout too."""
    plan = plan or {}
    chosen: dict[str, Any] = {
        role: plan[name] for name, role in PLANNED_FIELDS.items() if isinstance(plan.get(name), str)
    }
    facts = plan.get("card_facts")
    if detail:
        layout = plan.get("detail") if isinstance(plan.get("detail"), dict) else {}
        facts = layout.get("key_facts") or facts
        if isinstance(layout.get("field_order"), list):
            chosen["field_order"] = tuple(k for k in layout["field_order"] if isinstance(k, str))
        if isinstance(layout.get("summary"), str):
            chosen["summary_key"] = layout["summary"]
    if isinstance(facts, list):
        chosen["fact_keys"] = tuple(k for k in facts if isinstance(k, str))
    return replace(hints, **chosen) if chosen else hints


def _layout(view: dict, plan: dict | None, records: list) -> str:
    """The rules' layout, or the plan's when most of the page's records fit it."""
    rules = view.get("layout", "cards")
    wanted = (plan or {}).get("layout")
    if wanted not in PLANNED_LAYOUTS or wanted == rules or rules == "faq" or not records:
        return rules  # an FAQ stays one: its records are questions
    fits = PLANNED_LAYOUTS[wanted]
    return wanted if sum(1 for r in records if fits(r)) * 2 >= len(records) else rules


# Possessive: giving back digits or commas never lets the rest match ("1,,,…,x1" did, each).
_LEADING_AMOUNT = re.compile(r"^\D{0,4}?(-?\d[\d,]*+(?:\.\d++)?)(\D*+)$")


def _sort_key(value: Any) -> tuple:
    """Where a record goes in a planned sort: numbers (amounts with a currency or a unit
    too: "$9.50", "145 m²"), then dates, then words; records without a value last."""
    if isinstance(value, dict):  # an amount with its currency, a schema.org Offer
        inner = next((value[k] for k in ("amount", "value", "price") if k in value), None)
        return _sort_key(inner) if not isinstance(inner, dict | list) else (3, 0, "")
    if isinstance(value, bool):
        return (0, float(value), "")
    amount = number(value)
    if amount is not None:
        return (0, amount, "")
    date = parse_date(value)
    if date is not None:
        return (1, 0, date[0])
    text = plain_text(value, 200)
    match = _LEADING_AMOUNT.match(text)
    if match:
        amount = number(match.group(1))
        if amount is not None:
            return (0, amount, "")
    return (2, 0, text.casefold()) if text else (3, 0, "")


def _planned_order(read: list[tuple], plan: dict | None) -> list[tuple]:
    """The page's ``(id, record, item)`` in the plan's sort order (records without the
    field last, in their own order)."""
    sort = (plan or {}).get("sort")
    if not isinstance(sort, dict) or not isinstance(sort.get("field"), str):
        return read
    field = sort["field"]
    keyed = [(_sort_key(e[2].get(field) if isinstance(e[2], dict) else None), e) for e in read]
    present = [pair for pair in keyed if pair[0][0] < 3]
    present.sort(key=lambda pair: pair[0], reverse=sort.get("order") == "desc")
    return [entry for _key, entry in present] + [entry for key, entry in keyed if key[0] == 3]


def _planned_groups(cards: list[tuple], plan: dict | None) -> list[dict] | None:
    """The page's cards in sections by the plan's ``group_by`` field (first seen first),
    or None when that field does not make 2 to 12 sections."""
    field = (plan or {}).get("group_by")
    if not isinstance(field, str):
        return None
    groups: dict[str, list] = {}
    for raw, card in cards:
        value = raw.get(field) if isinstance(raw, dict) else None
        if isinstance(value, list):
            value = next((x for x in value if isinstance(x, str | int | float)), None)
        label = plain_text(value, 80) or "Other"
        groups.setdefault(label, []).append(card)
    if not 2 <= len(groups) <= 12:
        return None
    other = groups.pop("Other", None)
    out = [{"label": label, "cards": members} for label, members in groups.items()]
    return out + ([{"label": "Other", "cards": other}] if other else [])


def _planned(header: dict, plan: dict | None, links: AppLinks) -> dict:
    """The header with a checked page plan applied (see webapp.ai.pages.apply)."""
    if not plan:
        return header
    planned = dict(header)
    if plan.get("headline"):
        planned["headline"] = plain_text(plan["headline"], 160)
    if plan.get("intro"):
        planned["lead"] = plain_text(plan["intro"], 600)
    if plan.get("cta_label") and plan.get("cta_intent"):
        planned["cta"] = {
            "label": plain_text(plan["cta_label"], 60),
            "href": links.intent(plan["cta_intent"], 1),
        }
    planned["plan_note"] = plain_text(plan.get("note"), 200)
    return planned


def _groups_for_page(view: dict, first: int, count: int) -> list[tuple[int, str]]:
    """(index in page, label) where a new group starts on this page."""
    starts = view.get("groups") or []
    out = []
    for index in range(count):
        position = first + index
        label = ""
        for group_label, start in starts:
            if start <= position:
                label = group_label
        if not out or out[-1][1] != label:
            out.append((index, label))
    return out


def _table_columns(records: list[Record]) -> list[str]:
    """A table's columns after the name: the price, the date, then the key facts' labels
    in the order the records give them (at most five in all)."""
    columns = []
    if any(record.price for record in records):
        columns.append("Price")
    if any(record.date for record in records):
        columns.append("Date")
    for record in records:
        for fact in record.key_facts:
            if fact.label not in columns:
                columns.append(fact.label)
    return columns[:5]


def _table_cells(record: Record, columns: list[str]) -> list[str]:
    """One table row's cells, in ``columns`` order ("" where the record has no value)."""
    known = {fact.label: fact.text for fact in record.key_facts}
    known.setdefault("Price", record.price)
    known.setdefault("Date", record.date)
    return [known.get(column, "") for column in columns]


def render_listing(
    *,
    site: dict,
    intent: dict,
    view: dict,
    records: list[list],
    theme: dict,
    page: int = 1,
    refs: dict | None = None,
    links: AppLinks | None = None,
    plan: dict | None = None,
) -> str | None:
    """Render listing page ``page`` of a collection from its chunk (``[[id, item(, key)], ...]``).

    Returns None when the page does not exist (page 1 always does). ``plan``: a checked
    page plan (headline, intro, call to action, note), or None for the rules' own.
    """
    links = links or FileLinks()
    header = _planned(_header(site, intent), plan, links)
    pages = max(1, int(view.get("pages", 1)))
    if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= pages:
        return None
    intent_id = header["intent_id"]
    hints = _planned_hints(hints_of(view, refs), plan)
    first = (page - 1) * PAGE_SIZE
    read = [
        (entry[0], normalise(entry[1], hints, entry[2] if len(entry) > 2 else ""), entry[1])
        for entry in records
    ]
    layout = _layout(view, plan, [record for _id, record, _item in read])
    # A plan's order and sections hold only for a list seen whole; a timeline keeps
    # its order by date.
    ordered = _planned_order(read, plan) if pages == 1 and layout != "timeline" else read
    planned_sort, read = ordered is not read, ordered
    cards = [
        (record, _card(record, links.item(intent_id, item_id), layout, hints.kind), item)
        for item_id, record, item in read
    ]
    groups: list[dict] = []
    planned_groups = (
        _planned_groups([(item, card) for _r, card, item in cards], plan)
        if pages == 1 and layout != "timeline"
        else None
    )
    if layout == "timeline":
        for record, card, _item in cards:
            day, _, time = record.date.partition(", ")
            if not groups or groups[-1]["label"] != day:
                groups.append({"label": day, "cards": []})
            card["date"] = time or card["date"]  # the day is the section's heading
            groups[-1]["cards"].append(card)
    elif planned_groups is not None:
        groups = planned_groups
    elif planned_sort:  # the rules' sections were made for the list's own order
        groups = [{"label": "", "cards": [card for _record, card, _item in cards]}]
    else:
        breaks = dict(_groups_for_page(view, first, len(cards)))
        for index, (_record, card, _item) in enumerate(cards):
            if index in breaks or not groups:
                groups.append({"label": breaks.get(index, ""), "cards": []})
            groups[-1]["cards"].append(card)
    columns = _table_columns([record for record, _c, _i in cards]) if layout == "table" else []
    if columns:
        for record, card, _item in cards:
            card["cells"] = _table_cells(record, columns)
    count = int(view.get("count", len(cards)))
    noun = view.get("noun") or ["item", "items"]
    context = {
        **header,
        "colours": palette(theme),
        "home_href": links.home(),
        "intent_href": links.intent(intent_id, 1),
        "page": page,
        "pages": pages,
        "total": count,
        "noun": noun[0] if count == 1 else noun[1],
        "layout": layout,
        "groups": groups,
        "columns": columns,
        "prev_href": links.intent(intent_id, page - 1) if page > 1 else "",
        "next_href": links.intent(intent_id, page + 1) if page < pages else "",
        "page_title": header["intent_title"]
        if pages == 1
        else f"{header['intent_title']} (page {page} of {pages})",
    }
    return _env().get_template("generated/listing.html").render(context)


def render_section(
    *,
    site: dict,
    intent: dict,
    view: dict,
    data: Any,
    theme: dict,
    refs: dict | None = None,
    links: AppLinks | None = None,
    plan: dict | None = None,
) -> str:
    """Render a section intent (about, contact, opening hours, a page) as one article."""
    links = links or FileLinks()
    header = _planned(_header(site, intent), plan, links)
    hints = hints_of(view, refs)
    if isinstance(data, dict):
        record = normalise(data, hints)
    elif isinstance(data, list):
        record = normalise({"entries": data}, hints)
    else:
        record = normalise({"text": data}, hints) if data not in (None, "") else Record()
    detail = _detail_view(record, hints, _SECTION_BUDGET)
    empty = not any(
        (
            record.title,
            record.body,
            record.description,
            record.images,
            record.contact,
            record.hours,
            record.rest,
            record.facts,
            record.address,
            record.price,
        )
    )
    context = {
        **header,
        "colours": palette(theme),
        "home_href": links.home(),
        "intent_href": links.intent(header["intent_id"], 1),
        "page_title": header["intent_title"],
        "role": view.get("role", "section"),
        "detail": detail,
        "heading": record.title if record.title and record.title != header["intent_title"] else "",
        "empty": empty,
    }
    return _env().get_template("generated/section.html").render(context)


def render_detail(
    *,
    site: dict,
    intent: dict,
    view: dict,
    entry: list,
    position: int,
    theme: dict,
    refs: dict | None = None,
    links: AppLinks | None = None,
    plan: dict | None = None,
) -> str:
    """Render the detail page of one item (``entry``: ``[id, item(, key)]``, position from 0).

    ``plan``: the intent page's plan, whose choice of fields (title, picture, price, key
    facts) and detail layout (field order, summary) the item follows.
    """
    links = links or FileLinks()
    header = _header(site, intent)
    hints = _planned_hints(hints_of(view, refs), plan, detail=True)
    item = entry[1]
    fallback = entry[2] if len(entry) > 2 else ""
    record = normalise(
        item, hints, fallback or f"{humanise((view.get('noun') or ['item'])[0])} {position + 1}"
    )
    group = ""
    for label, start in view.get("groups") or []:
        if start <= position:
            group = label
    page_number = position // PAGE_SIZE + 1
    detail = _detail_view(record, hints)
    context = {
        **header,
        "colours": palette(theme),
        "home_href": links.home(),
        "intent_href": links.intent(header["intent_id"], page_number),
        "page_title": record.title or header["intent_title"],
        "group": group,
        "detail": detail,
    }
    return _env().get_template("generated/detail.html").render(context)
