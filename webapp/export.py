"""The zip export: every generated page of a site session, linked together, streamed.

Generated intent pages, their later listing pages and their items' detail pages (up to
``EXPORT_MAX_DETAIL_PAGES``, made during the export for at most ``EXPORT_SECONDS`` when not
stored) are written as they are stored (``page_making``), with an index and a note for
each linked page that was left out. One export runs at a time per site session (429
otherwise) and ``EXPORT_CONCURRENCY`` per process (503).
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
import zipfile

from flask import Response, current_app, render_template, stream_with_context
from werkzeug.exceptions import TooManyRequests

from . import defaults, slots
from .content.model.layout import PAGE_SIZE, chunk_field, decode
from .content.page_files import (
    HOME_FILE,
    detail_page_id,
    linked_pages,
    listing_page_id,
    page_file,
    parse_page_id,
    with_file_links,
)
from .content.text import slugify
from .page_making import (
    SiteModel,
    kept_plan,
    planning_fields,
    site_header,
    title_of,
)
from .site_session import SessionNotFound
from .storage import ReadPlan, SiteSnapshot, StorageUnavailable, get_store

log = logging.getLogger(__name__)


ZIP_DATE = (2000, 1, 1, 0, 0, 0)  # fixed, so the same pages make the same zip


EXPORT_CLAIM = "export"  # the nonce that marks a site session's export as running


class _ZipStream:
    """A write-only file for zipfile that hands out what was written so far."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def stored_html(site: SiteSnapshot, page_id: str) -> str | None:
    page = site.pages.get(page_id)
    return page.html if page is not None else None


def export_plan(sid: str, site: SiteSnapshot, limit: int):
    """What the export holds: generated intent pages, their later listing pages and
    their items' detail pages, up to ``limit`` detail pages; and the chunk fields to read."""
    model = SiteModel(sid, site)
    intents = [i for i in site.intents if i["id"] in site.pages]
    chunks, left_out, budget = [], 0, limit
    for intent in intents:
        view = model.model.get("views", {}).get(intent["id"]) or {}
        if view.get("role") != "collection":
            continue
        count = int(view.get("count", 0))
        wanted = min(count, budget)
        budget -= wanted
        left_out += count - wanted
        chunks += [
            (intent, number, min(PAGE_SIZE, wanted - (number - 1) * PAGE_SIZE))
            for number in range(1, -(-wanted // PAGE_SIZE) + 1)
        ]
    return model, intents, chunks, left_out


def _then(chunks, release):
    """Yield ``chunks``, then call ``release`` (also when the client goes away midway)."""
    try:
        yield from chunks
    finally:
        release()


def claim_export(sid: str):
    """Claim the site session's one export, then one of the process's export slots; return
    what gives the claim back (the slot goes back when the zip is sent: ``webapp.slots``).

    Another export of the same site while one runs answers 429; every export slot of
    this process taken, 503. The claim lives at most ``EXPORT_CLAIM_SECONDS`` (a killed
    worker's claim ends by itself).
    """
    store = get_store()
    seconds = current_app.config["EXPORT_CLAIM_SECONDS"]
    token = secrets.token_urlsafe(12)  # this export's: only it gives its claim back
    if store.claim_nonce(sid, EXPORT_CLAIM, token, seconds) is not None:
        raise TooManyRequests(
            "An export of this site is already running: wait for its download to finish "
            "(or a minute or two), then try again.",
            retry_after=defaults.RETRY_AFTER_SECONDS,
        )

    def release_claim() -> None:
        with contextlib.suppress(StorageUnavailable):  # else it ends with its lifetime
            store.drop_nonce(sid, EXPORT_CLAIM, token)

    try:
        give_back_slot = slots.acquire(
            "export",
            "The app is already making as many exports as it can at once. "
            "Please try again in a few seconds.",
        )
    except slots.Busy:
        release_claim()
        raise
    released = False

    def release() -> None:
        """Give back the slot and the claim (once: the zip's end and its close both call)."""
        nonlocal released
        if not released:
            released = True
            give_back_slot()
            release_claim()

    return release


def export_response(sid: str, site: SiteSnapshot) -> Response:
    """The export's zip, streamed as its pages are made (see ``export``)."""
    from .content.render import render_detail, render_listing  # loaded by the first export

    limit = current_app.config["EXPORT_MAX_DETAIL_PAGES"]
    model, intents, chunks, left_out = export_plan(sid, site, limit)
    fields = tuple(chunk_field(intent["id"], number) for intent, number, _take in chunks)
    if fields:  # with AI on, later listing pages follow their intent's kept plan
        fields += planning_fields(intent["id"] for intent in intents)
    stored = get_store().load(sid, ReadPlan(fields=fields)) if fields else site
    if stored is None:
        raise SessionNotFound("The site session has expired or was disconnected.")
    records = {name: decode(raw) for name, raw in stored.fields.items()}
    header = site_header(site)
    name = slugify(site.meta["site_name"], limit=60) or "site"
    # Item pages not stored are made up to this moment; past it they are left out (listed
    # as such): a hostile site's pages can take far longer to make than a normal one's.
    deadline = time.monotonic() + current_app.config["EXPORT_SECONDS"]
    made_late: list[str] = []

    def pages():
        """(intent id, page id, title, HTML) of every exported page, made when needed."""
        for intent in intents:
            html = site.pages[intent["id"]].html
            yield intent["id"], intent["id"], intent["title"], html
        for intent, number, take in chunks:
            chunk = records.get(chunk_field(intent["id"], number))
            if chunk is None:
                continue
            view = model.view(intent["id"])
            common = {
                "site": header,
                "intent": intent,
                "view": view,
                "theme": site.theme,
                "refs": model.refs,
            }
            if number > 1:
                page_id = listing_page_id(intent["id"], number)
                html = stored_html(site, page_id) or render_listing(
                    records=chunk, page=number, plan=kept_plan(stored, intent["id"]), **common
                )
                yield intent["id"], page_id, f"{intent['title']}, page {number}", html
            for index, entry in enumerate(chunk[:take]):
                page_id = detail_page_id(intent["id"], entry[0])
                html = stored_html(site, page_id)
                if html is None and time.monotonic() > deadline:
                    made_late.append(page_id)
                    continue
                html = html or render_detail(
                    entry=entry,
                    position=(number - 1) * PAGE_SIZE + index,
                    plan=kept_plan(stored, intent["id"]),
                    **common,
                )
                yield intent["id"], page_id, title_of(html, entry[0]), html
        for owner, page_id in stored_past_budget:
            html = site.pages[page_id].html
            yield owner, page_id, title_of(html, page_id), html

    # Every page id first (cheap), so that links to pages left out can be told: what the
    # chunks read make, and every other stored page of the exported intents.
    exported = {intent["id"] for intent in intents}
    exported_intents = set(exported)
    for intent, number, take in chunks:
        chunk = records.get(chunk_field(intent["id"], number))
        if chunk is None:  # not made either (see pages())
            continue
        if number > 1:
            exported.add(listing_page_id(intent["id"], number))
        exported.update(detail_page_id(intent["id"], entry[0]) for entry in chunk[:take])
    stored_past_budget = []
    for page_id in sorted(set(site.pages) - exported):
        named = parse_page_id(page_id)
        if named is not None and named.intent_id in exported_intents:
            stored_past_budget.append((named.intent_id, page_id))
    exported.update(page_id for _owner, page_id in stored_past_budget)
    left_out -= sum("-detail-" in page_id for _owner, page_id in stored_past_budget)

    def stream():
        out = _ZipStream()
        listed: dict[str, list[tuple[str, str]]] = {intent["id"]: [] for intent in intents}
        linked: set[str] = set()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for intent_id, page_id, title, html in pages():
                if page_file(page_id) == HOME_FILE:  # an intent called "index", from before
                    continue  # it was made impossible: the home's file is the export's index
                html = with_file_links(html)  # the stored bytes, unless stored before file links
                archive.writestr(zipfile.ZipInfo(page_file(page_id), ZIP_DATE), html)
                listed[intent_id].append((page_id, title))
                linked.update(linked_pages(html))
                yield out.take()
            # A link to a page left out (past the detail page cap or the time, or an intent
            # not generated) opens a note that says so, not a missing file.
            note = render_template("export_left_out.html", site=site, limit=limit)
            for page_id in sorted(linked - (exported - set(made_late))):
                if page_file(page_id) != HOME_FILE:
                    archive.writestr(zipfile.ZipInfo(page_file(page_id), ZIP_DATE), note)
            yield out.take()
            index = render_template(
                "export_index.html",
                site=site,
                listed=listed,
                left_out=left_out + len(made_late),
                late=len(made_late),
                limit=limit,
                intents=intents,
                theme=site.theme,
            )
            archive.writestr(zipfile.ZipInfo("index.html", ZIP_DATE), index)
        yield out.take()

    return Response(
        stream_with_context(stream()),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}-pages.zip"'},
    )


def make_export(sid: str, site: SiteSnapshot) -> Response:
    """The zip of a site session's generated pages (``site`` read with every page and the
    model), its claims given back when the zip is made or the download stops."""
    release = claim_export(sid)
    try:
        response = export_response(sid, site)
    except BaseException:
        release()
        raise
    # Given back when the zip is made, or when the download stops (the iterable closed).
    response.response = _then(response.response, release)
    response.call_on_close(release)
    return response
