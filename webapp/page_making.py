"""Making a generated page: the one path of the app's views, the JSON API and the export.

A page is made from the site's content model (``SiteModel``: the model as one request read
it, built from the content for a session stored before it), with the intent's kept AI
plan when AI is on, and stored as gzip bytes with their validator. What each kind of page
reads is declared by its read plan (``generate_read_plan``, ``listing_read_plan``,
``item_read_plan``, ``page_read_plan``), so that a view reads it in one round trip. Nothing
here answers HTTP: a page that does not exist raises ``PageNotFound`` (a 404 for the views,
a JSON 404 for the API).
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import replace
from datetime import UTC, datetime
from html import unescape

from flask import current_app, request

from . import ai, slots
from .content.model.layout import (
    MODEL_FIELD,
    MODEL_VERSION,
    PAGE_SIZE,
    chunk_field,
    data_field,
    decode,
    item_bucket_field,
    item_field,
)
from .content.page_files import PageRef, detail_page_id, listing_page_id
from .content.query import search_field
from .site_session import SessionNotFound, content_of
from .storage import (
    ReadPlan,
    SiteSnapshot,
    StorageUnavailable,
    StoredDataDamaged,
    StoredPage,
    chunk_of,
    get_store,
    pointer_in_bucket,
)
from .storage.base import decoded

log = logging.getLogger(__name__)


# From the start only, and the first "<title>" only: linear on any bytes.
PAGE_TITLE = re.compile(r"\A(?>.*?<title>)(.*?) · ", re.S)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def site_header(site: SiteSnapshot) -> dict:
    """What generated pages say about the site: its name (not the hero's headline)."""
    meta = site.meta
    return {
        "title": meta["site_name"] or meta["hero_title"],
        "subtitle": meta["hero_subtitle"],
        "image": meta["hero_image"],
    }


def decode_model(raw: bytes, name: str = MODEL_FIELD) -> dict:
    """Decode a stored content model: a JSON object, else StoredDataDamaged."""
    return decoded(raw, field=name, kind=dict)


class SiteModel:
    """The content model of a site session as one request read it.

    A session stored before the content model existed has none, and one stored by
    another version of it has a model of another format: it is built from the
    session's content for the intents it has (their item ids unchanged), stored,
    and used at once.
    """

    def __init__(self, sid: str, site: SiteSnapshot) -> None:
        self.sid = sid
        self.site = site
        self.built: dict[str, bytes] | None = None
        model = None
        if site.model is not None:
            model = self._decode(site.model, MODEL_FIELD, decode_model)
        if model is not None and model.get("v") == MODEL_VERSION:
            self.model = model
            return
        content_json = site.content_json
        if content_json is None:  # the model is outdated: its content was not read with it
            again = get_store().load(sid, ReadPlan(content=True))
            content_json = again.content_json if again is not None else None
        if content_json is None:
            raise SessionNotFound("The site session is incomplete.")
        from .content.model.build import build_views  # rare: a model stored by another version

        self.built = build_views(content_of(sid, content_json), site.intents)
        try:
            get_store().save_model(sid, self.built)
        except StorageUnavailable as refusal:  # full or read-only: built again next time
            log.info("Content model of %s… not stored (%s)", sid[:8], refusal.kind)
        self.model = decode(self.built[MODEL_FIELD])

    def _decode(self, raw, name: str, decoder=decode):
        """Decode a stored field of the model; damage names this session (the JSON API's
        requests name theirs only in their body)."""
        try:
            return decoder(raw, name)
        except StoredDataDamaged as damage:
            damage.sid = damage.sid or self.sid
            raise

    def view(self, intent_id: str) -> dict:
        view = self.model.get("views", {}).get(intent_id)
        if view is None:
            raise PageNotFound(f"This site has no page for {intent_id[:80]!r}.")
        return view

    @property
    def refs(self) -> dict:
        """The references between records: ``{"refs": {id: title}, "ref_groups": {id: label}}``."""
        return {key: self.model.get(key) or {} for key in ("refs", "ref_groups")}

    def field(self, name: str):
        """A stored field that this request read (or that was just built)."""
        raw = self.built.get(name) if self.built is not None else self.site.fields.get(name)
        return self._decode(raw, name) if raw is not None else None

    def item(self, intent_id: str, item_id: str) -> tuple[str, list] | None:
        """The listing chunk holding an item (its field name and records), or None."""
        if self.built is not None:
            pointer_field = item_field(intent_id, item_id)
            bucket = self.built.get(item_bucket_field(intent_id, item_id))
            number = pointer_in_bucket(bucket, pointer_field)
            if number is None:
                return None
            name = chunk_of(pointer_field, number)
            return name, decode(self.built[name])
        if self.site.item_chunk is None:
            return None
        name, raw = self.site.item_chunk
        return name, self._decode(raw, name)


def page_fields(intent_id: str, page: int) -> tuple[str, ...]:
    """The hash fields that make listing page ``page`` (a collection's chunk or a section)."""
    return (
        (chunk_field(intent_id, page),)
        if page > 1
        else (
            chunk_field(intent_id, 1),
            data_field(intent_id),
        )
    )


def render_intent_page(
    sid: str,
    site: SiteSnapshot,
    intent: dict,
    page: int,
    model: SiteModel | None = None,
    plan: dict | None = None,
) -> str | None:
    """Make listing page ``page`` of an intent from the model (None: no such page).

    ``plan``: the page's copy planned by the optional AI (None: the rules' own).
    """
    from .content.render import render_listing, render_section  # what stored pages never need

    model = model or SiteModel(sid, site)
    view = model.view(intent["id"])
    common = {
        "site": site_header(site),
        "intent": intent,
        "view": view,
        "theme": site.theme,
        "refs": model.refs,
        "plan": plan,
    }
    if view["role"] == "collection":
        records = model.field(chunk_field(intent["id"], page))
        if records is None:
            return None
        return render_listing(records=records, page=page, **common)
    if page != 1:
        return None
    return render_section(data=model.field(data_field(intent["id"])), **common)


def title_of(html: str, fallback: str) -> str:
    """A generated page's own title (its <title> before the site's name), as text."""
    match = PAGE_TITLE.search(html, 0, 4096)
    return unescape(match.group(1)) if match else fallback


def store_viewed_page(sid: str, page_id: str, html: str) -> StoredPage:
    """Keep a page made on its first view (within the session's page cap); return it.

    When storage refuses it (full, read-only), the page is served all the same,
    as past the cap: it is made again on its next view.
    """
    cap = current_app.config["MAX_STORED_PAGES"]
    page = StoredPage.make(html, now())
    try:
        get_store().save_pages(sid, {page_id: page}, cap=cap)
    except StorageUnavailable as refusal:
        log.info("Page %s served without being stored (%s)", page_id, refusal.kind)
    return page


def planning_fields(intent_ids) -> tuple[str, ...]:
    """With AI on, the fields a page plan needs: the pages' stored plans, the AI record."""
    if ai.get_claude() is None:
        return ()
    return (ai.AI_FIELD, *(ai.page_field(intent_id) for intent_id in intent_ids))


def generate_read_plan(intent_id: str) -> ReadPlan:
    """What generating an intent's page reads (the HTML form and the JSON API alike)."""
    return ReadPlan(
        model=True,
        page_index=True,
        fields=page_fields(intent_id, 1) + planning_fields([intent_id]),
    )


def plan_page(
    site: SiteSnapshot,
    model: SiteModel,
    intent: dict,
    deadline: float,
    record,
    fresh: bool = False,
) -> ai.PagePlan | None:
    """Plan an intent page's copy with the optional AI (None when it is off)."""
    if ai.get_claude() is None:
        return None  # nothing planned, and the plan's fields were not read
    view = model.view(intent["id"])
    records = model.field(chunk_field(intent["id"], 1)) if view["role"] == "collection" else None
    data = model.field(data_field(intent["id"])) if view["role"] != "collection" else None
    return ai.plan_page(
        site_name=site.meta.get("site_name", ""),
        intent=intent,
        view=view,
        records=records,
        data=data,
        intents=site.intents,
        stored=None if fresh else site.fields.get(ai.page_field(intent["id"])),
        record=record,
        deadline=deadline,
    )


def keep_plans(sid: str, fields: dict[str, bytes]) -> None:
    """Keep page plans and the AI record with the session (made again if refused)."""
    if fields:
        try:
            get_store().save_model(sid, fields)
        except StorageUnavailable as refusal:
            log.info("Page plans not stored (%s)", refusal.kind)


def make_intent_page(
    sid: str, site: SiteSnapshot, intent: dict, *, replace: bool, fresh: bool = False
) -> bool:
    """Generate an intent's page (again, with ``replace``) and store it; False when the
    session is gone. Generating is idempotent: a page already there stays as it is.

    Regenerating also drops the intent's later listing pages and detail pages, which
    are made again from the current generator on their next view. With AI on, a kept
    page plan is reused unless ``fresh`` (a new version is asked for).
    """
    intent_id = intent["id"]
    if intent_id in (site.page_ids or ()) and not replace:
        return True  # a repeated submission (a double click, a second tab): it is there
    model = SiteModel(sid, site)
    deadline = time.monotonic() + current_app.config["AI_REQUEST_DEADLINE_SECONDS"]
    record = site.fields.get(ai.AI_FIELD) if ai.get_claude() is not None else None
    planned = plan_page(site, model, intent, deadline, record, fresh=fresh)
    html = render_intent_page(sid, site, intent, 1, model, planned.plan if planned else None)
    if html is None:  # the model lost this page's data (storage tampered with): never store it
        raise PageNotFound(f"{intent['title']} has no content to show.")
    later = re.compile(rf"{re.escape(intent_id)}-(page-\d+|detail-.+)")
    stale = [page_id for page_id in site.page_ids or () if later.fullmatch(page_id)]
    page = {intent_id: StoredPage.make(html, now())}
    if not get_store().save_pages(sid, page, stale):
        return False
    keep_plans(sid, planned.fields if planned else {})
    return True


def listing_read_plan(intent_id: str, page: int) -> ReadPlan:
    """What showing listing page ``page`` reads: page 1 is stored or not generated; a
    later page is stored or made from its chunk (and, with AI on, the kept plan)."""
    if page == 1:
        return ReadPlan(page_ids=(intent_id,))
    return ReadPlan(
        page_first=listing_page_id(intent_id, page),
        model=True,
        fields=page_fields(intent_id, page) + kept_plan_field(intent_id),
    )


def kept_plan(site: SiteSnapshot, intent_id: str) -> dict | None:
    """The intent's page plan by Claude, if one is kept: later listing pages follow it."""
    if ai.get_claude() is None:
        return None  # with AI off no plan is read (nor followed)
    kept = ai.read_record(site.fields.get(ai.page_field(intent_id)))
    if kept and kept.get("planned_by") == "claude" and isinstance(kept.get("plan"), dict):
        return kept["plan"]
    return None


def item_read_plan(intent_id: str, item_id: str) -> ReadPlan:
    """What making an item's detail page reads (unless it is stored): the model, the
    item's chunk and, with AI on, its intent's kept page plan (its choice of title)."""
    return ReadPlan(
        page_first=detail_page_id(intent_id, item_id),
        model=True,
        item=item_field(intent_id, item_id),
        item_bucket=item_bucket_field(intent_id, item_id),
        fields=kept_plan_field(intent_id),
    )


def kept_plan_field(intent_id: str) -> tuple[str, ...]:
    return (ai.page_field(intent_id),) if ai.get_claude() is not None else ()


def render_item_page(sid: str, site: SiteSnapshot, intent: dict, item_id: str) -> str | None:
    """Make an item's detail page from the listing chunk that holds it (None: no such item)."""
    from .content.render import render_detail

    model = SiteModel(sid, site)
    view = model.view(intent["id"])
    found = model.item(intent["id"], item_id)
    if found is None:
        return None
    name, records = found
    number = int(name.rsplit(":", 1)[1])
    for index, entry in enumerate(records):
        if entry[0] == item_id:
            return render_detail(
                site=site_header(site),
                intent=intent,
                view=view,
                entry=entry,
                position=(number - 1) * PAGE_SIZE + index,
                theme=site.theme,
                refs=model.refs,
                plan=kept_plan(site, intent["id"]),
            )
    return None


class PageNotFound(Exception):
    """The page named does not exist: no such intent (``intent_missing``), item or page."""

    def __init__(self, message: str, intent_missing: bool = False) -> None:
        super().__init__(message)
        self.intent_missing = intent_missing


def page_read_plan(named: PageRef) -> ReadPlan:
    """What ``page_or_make`` needs read for a page made on view: the page, or what makes it."""
    if named.item_id is not None:
        return item_read_plan(named.intent_id, named.item_id)
    return listing_read_plan(named.intent_id, named.page)


def page_or_make(sid: str, site: SiteSnapshot, named: PageRef) -> tuple[dict | None, StoredPage]:
    """A page made on view (an item's, or a later listing page) as stored, or made from the
    content model (with the intent's kept AI plan) and kept: the one path of the app's
    frame, its chrome, the JSON API. ``site`` was read with ``page_read_plan``. The intent
    is None when a frame's ``stored_only`` read found the page (only the page was read).
    Raises PageNotFound."""
    intent_id, item_id, number = named.intent_id, named.item_id, named.page
    page_id = detail_page_id(intent_id, item_id) if item_id else listing_page_id(intent_id, number)
    if page_id in site.damaged_pages:  # its stored copy cannot be read: made again, replaced
        log.warning("Stored page %s of %s… was damaged: made again", page_id, sid[:8])
        site = _read_to_make(sid, named)
    if site.partial:  # a frame's read found the page stored: nothing else was read
        return None, site.pages[page_id]
    intent = site.intent(intent_id)
    if intent is None:
        raise PageNotFound(f"This site has no intent {intent_id[:80]!r}.", intent_missing=True)
    if page_id in site.pages:
        return intent, site.pages[page_id]
    if item_id is not None:
        html = render_item_page(sid, site, intent, item_id)
        missing = f"{intent['title']} has no item {item_id[:80]!r}."
    else:
        html = render_intent_page(sid, site, intent, number, plan=kept_plan(site, intent_id))
        missing = f"{intent['title']} has no page {number}."
    if html is None:
        raise PageNotFound(missing)
    return intent, store_viewed_page(sid, page_id, html)


def _read_to_make(sid: str, named: PageRef) -> SiteSnapshot:
    """Read what making a page needs when its stored copy was found damaged (the read
    that found it, asked for the page first, read nothing else: see ``ReadPlan``)."""
    intent_id = named.intent_id
    if named.item_id is not None:
        plan = replace(item_read_plan(intent_id, named.item_id), page_first=None)
    else:
        fields = page_fields(intent_id, named.page) + kept_plan_field(intent_id)
        plan = ReadPlan(model=True, fields=fields)
    site = get_store().load(sid, replace(plan, page_index=True))
    if site is None:
        raise SessionNotFound("The site session has expired or was disconnected.")
    return site


def remake_damaged_pages(sid: str, site: SiteSnapshot) -> SiteSnapshot:
    """Make again the intent pages whose stored copy was found damaged, replacing them, and
    drop the other damaged copies (made again on view): an export never misses them."""
    if not site.damaged_pages:
        return site
    remade = [intent for intent in site.intents if intent["id"] in site.damaged_pages]
    log.warning(
        "Stored pages %s of %s… were damaged: made again",
        ", ".join(sorted(site.damaged_pages)),
        sid[:8],
    )
    fields = tuple(f for intent in remade for f in page_fields(intent["id"], 1))
    fields += tuple(f for intent in remade for f in kept_plan_field(intent["id"]))
    read = get_store().load(sid, ReadPlan(model=True, fields=fields)) if remade else site
    if read is None:
        raise SessionNotFound("The site session has expired or was disconnected.")
    pages = {}
    for intent in remade:
        html = render_intent_page(sid, read, intent, 1, plan=kept_plan(read, intent["id"]))
        if html is not None:
            pages[intent["id"]] = StoredPage.make(html, now())
    others = sorted(site.damaged_pages - set(pages))
    try:
        get_store().save_pages(sid, pages, others)
    except StorageUnavailable as refusal:  # full or read-only: made again next time
        log.info("Damaged pages of %s… not replaced (%s)", sid[:8], refusal.kind)
    return replace(site, pages={**site.pages, **pages}, damaged_pages=frozenset())


def results_page(sid: str, site: SiteSnapshot, intent_id: str, query, page: int) -> str:
    """One page of a collection's search results, from its index (made on first search);
    ``site`` read with the model and the index field. Raises PageNotFound."""
    from .content.search import decode_index, render_results

    intent = site.intent(intent_id)
    if intent is None:
        raise PageNotFound(f"This site has no intent {intent_id[:80]!r}.", intent_missing=True)
    model = SiteModel(sid, site)
    view = model.view(intent_id)
    if view.get("role") != "collection":
        raise PageNotFound(f"{intent['title']} is not a list that can be searched.")
    index = decode_index(site.fields.get(search_field(intent_id)))
    if index is None:
        index = _make_index(sid, model, view, intent_id)
    html = render_results(
        site=site_header(site),
        intent=intent,
        view=view,
        index=index,
        query=query,
        theme=site.theme,
        page=page,
    )
    if html is None:
        raise PageNotFound(f"These results have no page {page}.")
    return html


def _make_index(sid: str, model: SiteModel, view: dict, intent_id: str) -> dict:
    """Make a collection's search index from its chunks (bounded) and keep it.

    Making one is the most work a page view can start (every card of up to 5,000
    items), so a process makes one at a time: a search that would start another while
    one is being made answers 503 "busy" at once, rather than each holding a thread.
    """
    if not slots.take(current_app.extensions["slots"], "index", request.environ):
        raise slots.Busy(
            "The app is preparing another search right now. Please try again in a few seconds."
        )
    from .content.search import encode_index, index_rows

    limit = current_app.config["SEARCH_INDEX_MAX_ITEMS"]
    chunks = min(int(view.get("pages", 1)), -(-limit // PAGE_SIZE))
    names = tuple(chunk_field(intent_id, number) for number in range(1, chunks + 1))
    read = get_store().load(sid, ReadPlan(fields=names))
    if read is None:
        raise SessionNotFound("The site session has expired or was disconnected.")
    index = index_rows(
        view, [decode(read.fields[n]) for n in names if n in read.fields], model.refs
    )
    try:
        get_store().save_model(sid, {search_field(intent_id): encode_index(index)})
    except StorageUnavailable as refusal:  # full or read-only: made again next time
        log.info("Search index of %s not stored (%s)", intent_id, refusal.kind)
    return index
