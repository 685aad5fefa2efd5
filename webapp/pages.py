"""Generated pages: generate, view, detail pages, downloads and the zip export."""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
import time
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
from html import unescape

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from werkzeug.exceptions import TooManyRequests

from . import ai, defaults, slots
from .content.model.build import (
    MODEL_FIELD,
    MODEL_VERSION,
    build_views,
    chunk_field,
    data_field,
    decode,
    item_bucket_field,
    item_field,
)
from .content.render import (
    HOME_FILE,
    PAGE_SIZE,
    PageRef,
    detail_page_id,
    has_app_links,
    linked_pages,
    listing_page_id,
    page_file,
    parse_page_id,
    render_detail,
    render_listing,
    render_section,
    with_file_links,
)
from .content.search import (
    SORTS,
    Query,
    decode_index,
    encode_index,
    index_rows,
    render_results,
    search_field,
)
from .content.text import slugify
from .revalidation import accepts_gzip, representation_etag
from .site_session import SessionNotFound, content_of, reads, require_site
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
from .templating import cached_render

log = logging.getLogger(__name__)
bp = Blueprint("pages", __name__)

# Generated pages come from hostile content: nothing may run, load or submit.
PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"
)
# The same page framed inside the app's chrome: its frame may be this app, links in it
# navigate the whole window (the page's <base target="_top">) when a person clicks them,
# and the app's own script may read its height (same origin; the page still runs nothing).
FRAME_CSP = PAGE_CSP.replace(
    "frame-ancestors 'none'; sandbox",
    "frame-ancestors 'self'; sandbox allow-same-origin allow-top-navigation-by-user-activation "
    "allow-popups allow-popups-to-escape-sandbox",
)
# From the start only, and the first "<title>" only: linear on any bytes.
PAGE_TITLE = re.compile(r"\A(?>.*?<title>)(.*?) · ", re.S)
# The query a frame's URL carries: a stored page's links (file names) resolve next to it
# without it, so a link clicked in the frame reaches the frame route unframed and is sent
# on to the page's place in the app.
FRAMED = "framed"
ZIP_DATE = (2000, 1, 1, 0, 0, 0)  # fixed, so the same pages make the same zip
EXPORT_CLAIM = "export"  # the nonce that marks a site session's export as running


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _site_header(site: SiteSnapshot) -> dict:
    """What generated pages say about the site: its name (not the hero's headline)."""
    meta = site.meta
    return {
        "title": meta["site_name"] or meta["hero_title"],
        "subtitle": meta["hero_subtitle"],
        "image": meta["hero_image"],
    }


def _intent_or_404(site: SiteSnapshot, intent_id: str) -> dict:
    intent = site.intent(intent_id)
    if intent is None:
        abort(404, description=f"This site has no intent {intent_id[:80]!r}.")
    return intent


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
            abort(404, description=f"This site has no page for {intent_id[:80]!r}.")
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


def _page_fields(intent_id: str, page: int) -> tuple[str, ...]:
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
    model = model or SiteModel(sid, site)
    view = model.view(intent["id"])
    common = {
        "site": _site_header(site),
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


def _serve(html: str, csp: str = PAGE_CSP) -> Response:
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = csp
    return response


def _frame(html: str) -> Response:
    """Serve a page made for this request (search results) to the app's frame."""
    return _serve(html, FRAME_CSP)


def _stored(page: StoredPage, csp: str) -> Response:
    """Serve a stored page's own bytes, as stored (the frame and downloads alike).

    A browser that accepts gzip gets the stored gzip bytes; a revalidation whose
    ``If-None-Match`` names the page's validator is answered 304 from the headers
    alone. The two encodings carry distinct strong validators (``-gz`` for gzip).
    """
    gzipped = accepts_gzip(request)
    etag = representation_etag(page.etag, gzipped)
    headers = {
        "ETag": f'"{etag}"',
        "Cache-Control": "private, no-cache",
        "Vary": "Accept-Encoding",
    }
    given = request.headers.get("If-None-Match")
    # A page read without its body had a validator the request holds (see @reads).
    if page.body_omitted or (
        given and (given == headers["ETag"] or request.if_none_match.contains_weak(etag))
    ):
        # Only the fields a cache updates (RFC 9110, 15.4.5): the browser keeps the rest,
        # the page's CSP included, from the response it holds.
        return Response(status=304, headers=headers)
    headers["Content-Security-Policy"] = csp
    if gzipped:
        headers["Content-Encoding"] = "gzip"
        return Response(page.gzip, mimetype="text/html", headers=headers)
    return Response(page.html, mimetype="text/html", headers=headers)


def _title_of(html: str, fallback: str) -> str:
    """A generated page's own title (its <title> before the site's name), as text."""
    match = PAGE_TITLE.search(html, 0, 4096)
    return unescape(match.group(1)) if match else fallback


def _chrome(
    site: SiteSnapshot,
    intent: dict,
    *,
    title: str,
    page_id: str | None,
    frame: str | None,
    back: tuple[str, str],
    status: int = 200,
    search: dict | None = None,
):
    """The app around one generated page: the site's pages, the page's actions, the page framed.

    ``frame`` is the URL of the page's bytes (None: not generated yet); ``back``
    is (URL, label) of the page one level up.
    """
    generated = frozenset(site.page_ids or ())
    # Everything the chrome shows, so that equal keys render equal pages.
    shown = (
        site.state,
        generated,
        intent["id"],
        title,
        page_id,
        frame,
        back,
        None
        if search is None
        else (search["query"], search["groups"], search["noun"], search["pages"]),
    )
    html = cached_render(
        shown,
        "page.html",
        site=site,
        intent=intent,
        title=title,
        page_id=page_id,
        frame=frame,
        back=back,
        generated=generated,
        theme=site.theme,
        search=search,
        ai_on=ai.get_claude() is not None,
    )
    return html, status


PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")


def _page_number(query) -> int:
    """Return the listing page asked for, or answer 404 for anything but 1 to 999999."""
    if not query:
        return 1
    page = query.get("page", "1")
    if not PAGE_NUMBER.fullmatch(page):
        abort(404, description="No such page number.")
    return int(page)


def store_viewed_page(sid: str, page_id: str, html: str) -> StoredPage:
    """Keep a page made on its first view (within the session's page cap); return it.

    When storage refuses it (full, read-only), the page is served all the same,
    as past the cap: it is made again on its next view.
    """
    cap = current_app.config["MAX_STORED_PAGES"]
    page = StoredPage.make(html, _now())
    try:
        get_store().save_pages(sid, {page_id: page}, cap=cap)
    except StorageUnavailable as refusal:
        log.info("Page %s served without being stored (%s)", page_id, refusal.kind)
    return page


def _planning_fields(intent_ids) -> tuple[str, ...]:
    """With AI on, the fields a page plan needs: the pages' stored plans, the AI record."""
    if ai.get_claude() is None:
        return ()
    return (ai.AI_FIELD, *(ai.page_field(intent_id) for intent_id in intent_ids))


def generate_read_plan(intent_id: str) -> ReadPlan:
    """What generating an intent's page reads (the HTML form and the JSON API alike)."""
    return ReadPlan(
        model=True,
        page_index=True,
        fields=_page_fields(intent_id, 1) + _planning_fields([intent_id]),
    )


GENERATE_READS = reads(lambda args, query: generate_read_plan(args["intent_id"]))


def _page_plan(
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


def _keep_plans(sid: str, fields: dict[str, bytes]) -> None:
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
    planned = _page_plan(site, model, intent, deadline, record, fresh=fresh)
    html = render_intent_page(sid, site, intent, 1, model, planned.plan if planned else None)
    if html is None:  # the model lost this page's data (storage tampered with): never store it
        abort(404, description=f"{intent['title']} has no content to show.")
    later = re.compile(rf"{re.escape(intent_id)}-(page-\d+|detail-.+)")
    stale = [page_id for page_id in site.page_ids or () if later.fullmatch(page_id)]
    page = {intent_id: StoredPage.make(html, _now())}
    if not get_store().save_pages(sid, page, stale):
        return False
    _keep_plans(sid, planned.fields if planned else {})
    return True


def _generate(intent_id: str, *, replace: bool, fresh: bool = False):
    sid, site = require_site()
    intent = _intent_or_404(site, intent_id)
    if intent_id in site.page_ids and not replace:
        return redirect(url_for("pages.view", intent_id=intent_id), code=303)
    if not make_intent_page(sid, site, intent, replace=replace, fresh=fresh):
        require_site()  # gone meanwhile: answer "Session not found"
    done = "Planned a new version of" if fresh else "Regenerated" if replace else "Generated"
    flash(f"{done} {intent['title']} from the site's current content.", "success")
    return redirect(url_for("pages.view", intent_id=intent_id), code=303)


@bp.post("/pages/<intent_id>/generate")
@GENERATE_READS
def generate(intent_id: str):
    """Make the intent's page (unless it exists) and show it."""
    return _generate(intent_id, replace=False)


@bp.post("/pages/<intent_id>/new-version")
@GENERATE_READS
def new_version(intent_id: str):
    """With AI on, plan the intent's page again (a new call) and make it again."""
    if ai.get_claude() is None:
        abort(404, description="A new version needs AI planning, which is off.")
    return _generate(intent_id, replace=True, fresh=True)


@bp.post("/pages/<intent_id>/regenerate")
@GENERATE_READS
def regenerate(intent_id: str):
    """Make the intent's page again, replacing the stored one, and show it."""
    return _generate(intent_id, replace=True)


def _results_plan(args, query) -> ReadPlan | None:
    """What a page of search results reads: the model and the collection's search index."""
    if not Query.from_args(query):
        return None  # not a search: sent on to the page's frame (see frame_results)
    return ReadPlan(model=True, fields=(search_field(args["intent_id"]),))


def listing_read_plan(intent_id: str, page: int) -> ReadPlan:
    """What showing listing page ``page`` reads: page 1 is stored or not generated; a
    later page is stored or made from its chunk (and, with AI on, the kept plan)."""
    if page == 1:
        return ReadPlan(page_ids=(intent_id,))
    return ReadPlan(
        page_first=listing_page_id(intent_id, page),
        model=True,
        fields=_page_fields(intent_id, page) + _kept_plan_field(intent_id),
    )


def _listing_plan(args, query) -> ReadPlan:
    return _results_plan(args, query) or listing_read_plan(args["intent_id"], _page_number(query))


def _kept_plan(site: SiteSnapshot, intent_id: str) -> dict | None:
    """The intent's page plan by Claude, if one is kept: later listing pages follow it."""
    if ai.get_claude() is None:
        return None  # with AI off no plan is read (nor followed)
    kept = ai.read_record(site.fields.get(ai.page_field(intent_id)))
    if kept and kept.get("planned_by") == "claude" and isinstance(kept.get("plan"), dict):
        return kept["plan"]
    return None


def _chrome_plan(args, query) -> ReadPlan:
    if Query.from_args(query) or _page_number(query) == 1:
        # The chrome of page 1 (or of results) only needs to know whether it is stored.
        return ReadPlan(page_index=True, model=True)
    return replace(_listing_plan(args, query), page_index=True, model=True)


@lru_cache(maxsize=256)
def _collection_facts(model: bytes, intent_id: str) -> tuple | None:
    """(groups, plural noun, pages) of a collection in a stored model (None: not one).

    Kept per process by the model's bytes: the chrome of every page view needs them,
    and decoding a big site's model for three facts each time would cost more.
    """
    decoded = decode_model(model)
    if decoded.get("v") != MODEL_VERSION:
        return None
    view = decoded.get("views", {}).get(intent_id) or {}
    if view.get("role") != "collection":
        return None
    groups = tuple(label for label, _start in view.get("groups") or [] if label)
    noun = (view.get("noun") or ["item", "items"])[1]
    pages = max(1, int(view.get("pages", 1)))  # results are never more than the listing
    return groups, noun, pages


def _search_form(site: SiteSnapshot, intent: dict, query: Query) -> dict | None:
    """What the chrome's search form offers for this intent (None: not a collection)."""
    facts = _collection_facts(site.model, intent["id"]) if site.model is not None else None
    if facts is None:
        return None
    groups, noun, pages = facts
    return {"query": query, "sorts": SORTS, "groups": groups, "noun": noun, "pages": pages}


@bp.get("/pages/<intent_id>")
@reads(_chrome_plan)
def view(intent_id: str):
    """Show a generated page in the app (later listing pages are generated on first view)."""
    page = _page_number(request.args)
    home = (url_for("sites.index"), "Home")
    query = Query.from_args(request.args)
    if query:
        _sid, site = require_site()
        intent = _intent_or_404(site, intent_id)
        form = _search_form(site, intent, query)
        if form is None or page > form["pages"]:
            abort(404, description=f"{intent['title']} has no such search results page.")
        return _chrome(
            site,
            intent,
            title=f"Search {intent['title']}",
            page_id=None,
            frame=url_for("pages.frame_results", intent_id=intent_id, **query.params(page)),
            back=(url_for("pages.view", intent_id=intent_id), intent["title"]),
            search=form,
        )
    if page == 1:
        _sid, site = require_site()
        intent = _intent_or_404(site, intent_id)
        if intent_id not in site.page_ids:
            return _chrome(
                site, intent, title=intent["title"], page_id=None, frame=None, back=home, status=404
            )
        return _chrome(
            site,
            intent,
            title=intent["title"],
            page_id=intent_id,
            frame=_frame_url(intent_id),
            back=home,
            search=_search_form(site, intent, query),
        )
    page_id = listing_page_id(intent_id, page)
    site, intent, _stored_page = _page_or_make(PageRef(intent_id, page=page))
    return _chrome(
        site,
        intent,
        title=f"{intent['title']}, page {page}",
        page_id=page_id,
        frame=_frame_url(page_id),
        back=home,
        search=_search_form(site, intent, query),
    )


@bp.get("/frame/pages/<intent_id>")
@reads(_results_plan)
def frame_results(intent_id: str):
    """A page of search results (made for this request, never stored), for the app's frame."""
    query = Query.from_args(request.args)
    if not query:  # a stored page's frame is frame_page (this was its URL before)
        page = _page_number(request.args)
        return redirect(_frame_url(listing_page_id(intent_id, page)))
    return _frame(_results(intent_id, query, _page_number(request.args)))


@bp.get("/frame/pages/<intent_id>/items/<item_id>")
def frame_item(intent_id: str, item_id: str):
    """The URL of an item's frame before file links (a chrome page held from before)."""
    return redirect(_frame_url(detail_page_id(intent_id, item_id)))


def _frame_url(page_id: str) -> str:
    """The URL of a stored page's bytes in the app's frame (its links resolve next to it)."""
    return url_for("pages.frame_page", page_id=page_id, **{FRAMED: 1})


def _frame_plan(args, query) -> ReadPlan | None:
    named = parse_page_id(args["page_id"])
    if FRAMED not in query or named is None:
        return None  # sent on to the app (or a 404): nothing to read
    return page_read_plan(named)


def _app_url(page_id: str) -> str | None:
    """The app's URL of a stored page (the chrome around it), by its page id."""
    if page_file(page_id) == HOME_FILE:
        return url_for("sites.index")
    named = parse_page_id(page_id)
    if named is None:
        return None
    if named.item_id is not None:
        return url_for("pages.item", intent_id=named.intent_id, item_id=named.item_id)
    if named.page > 1:
        return url_for("pages.view", intent_id=named.intent_id, page=named.page)
    return url_for("pages.view", intent_id=named.intent_id)


@bp.get("/frame/<page_id>.html")
@reads(_frame_plan, revalidates=True, serves_stored=True)
def frame_page(page_id: str):
    """A stored page's own bytes, for the app's frame (made on first view if need be).

    The same URL without the frame's query is where a link clicked in a stored page
    lands (``menu-detail-soup.html`` next to this page): it redirects to the page's place
    in the app, so the stored bytes link alike in the frame, a download and an export.
    """
    if FRAMED not in request.args:
        found = _app_url(page_id)
        if found is None:
            abort(404, description="There is no such page.")
        return redirect(found)
    named = parse_page_id(page_id)
    if named is None:
        abort(404, description="There is no such page.")
    if named.item_id is None and named.page == 1:  # generated, never made on view
        _sid, site = require_site()
        if page_id in site.pages:
            return _stored(site.pages[page_id], FRAME_CSP)
        if page_id in site.damaged_pages:  # stored, but its copy cannot be read
            return _stored(_page_or_make(named)[2], FRAME_CSP)
        intent = _intent_or_404(site, page_id)
        html = render_template("not_generated.html", site=site, intent=intent, theme=site.theme)
        return html, 404
    _site, _intent, page = _page_or_make(named)
    return _stored(page, FRAME_CSP)


def item_read_plan(intent_id: str, item_id: str) -> ReadPlan:
    """What making an item's detail page reads (unless it is stored): the model, the
    item's chunk and, with AI on, its intent's kept page plan (its choice of title)."""
    return ReadPlan(
        page_first=detail_page_id(intent_id, item_id),
        model=True,
        item=item_field(intent_id, item_id),
        item_bucket=item_bucket_field(intent_id, item_id),
        fields=_kept_plan_field(intent_id),
    )


def _kept_plan_field(intent_id: str) -> tuple[str, ...]:
    return (ai.page_field(intent_id),) if ai.get_claude() is not None else ()


def _item_plan(args, query) -> ReadPlan:
    return item_read_plan(args["intent_id"], args["item_id"])


def render_item_page(sid: str, site: SiteSnapshot, intent: dict, item_id: str) -> str | None:
    """Make an item's detail page from the listing chunk that holds it (None: no such item)."""
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
                site=_site_header(site),
                intent=intent,
                view=view,
                entry=entry,
                position=(number - 1) * PAGE_SIZE + index,
                theme=site.theme,
                refs=model.refs,
                plan=_kept_plan(site, intent["id"]),
            )
    return None


@bp.get("/pages/<intent_id>/items/<item_id>")
@reads(lambda args, query: replace(_item_plan(args, query), page_index=True))
def item(intent_id: str, item_id: str):
    """Show an item's detail page in the app, generating it on first view."""
    page_id = detail_page_id(intent_id, item_id)
    site, intent, page = _page_or_make(PageRef(intent_id, item_id))
    return _chrome(
        site,
        intent,
        title=_title_of(page.html, intent["title"]),
        page_id=page_id,
        frame=_frame_url(page_id),
        back=(url_for("pages.view", intent_id=intent_id), intent["title"]),
    )


def _results(intent_id: str, query: Query, page: int) -> str:
    """One page of a collection's search results, from its index (made on first search)."""
    sid, site = require_site()
    intent = _intent_or_404(site, intent_id)
    model = SiteModel(sid, site)
    view = model.view(intent_id)
    if view.get("role") != "collection":
        abort(404, description=f"{intent['title']} is not a list that can be searched.")
    index = decode_index(site.fields.get(search_field(intent_id)))
    if index is None:
        index = _make_index(sid, model, view, intent_id)
    html = render_results(
        site=_site_header(site),
        intent=intent,
        view=view,
        index=index,
        query=query,
        theme=site.theme,
        page=page,
    )
    if html is None:
        abort(404, description=f"These results have no page {page}.")
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
    limit = current_app.config["SEARCH_INDEX_MAX_ITEMS"]
    chunks = min(int(view.get("pages", 1)), -(-limit // PAGE_SIZE))
    names = tuple(chunk_field(intent_id, number) for number in range(1, chunks + 1))
    read = get_store().load(sid, ReadPlan(fields=names))
    if read is None:
        require_site()
    index = index_rows(
        view, [decode(read.fields[n]) for n in names if n in read.fields], model.refs
    )
    try:
        get_store().save_model(sid, {search_field(intent_id): encode_index(index)})
    except StorageUnavailable as refusal:  # full or read-only: made again next time
        log.info("Search index of %s not stored (%s)", intent_id, refusal.kind)
    return index


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
        html = render_intent_page(sid, site, intent, number, plan=_kept_plan(site, intent_id))
        missing = f"{intent['title']} has no page {number}."
    if html is None:
        raise PageNotFound(missing)
    return intent, store_viewed_page(sid, page_id, html)


def _page_or_make(named: PageRef) -> tuple[SiteSnapshot, dict | None, StoredPage]:
    """``page_or_make`` for the connected browser's site (read as the view's plan says)."""
    sid, site = require_site()
    try:
        intent, page = page_or_make(sid, site, named)
    except PageNotFound as missing:
        abort(404, description=str(missing))
    return site, intent, page


def _read_to_make(sid: str, named: PageRef) -> SiteSnapshot:
    """Read what making a page needs when its stored copy was found damaged (the read
    that found it, asked for the page first, read nothing else: see ``ReadPlan``)."""
    intent_id = named.intent_id
    if named.item_id is not None:
        plan = replace(item_read_plan(intent_id, named.item_id), page_first=None)
    else:
        fields = _page_fields(intent_id, named.page) + _kept_plan_field(intent_id)
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
    fields = tuple(f for intent in remade for f in _page_fields(intent["id"], 1))
    fields += tuple(f for intent in remade for f in _kept_plan_field(intent["id"]))
    read = get_store().load(sid, ReadPlan(model=True, fields=fields)) if remade else site
    if read is None:
        raise SessionNotFound("The site session has expired or was disconnected.")
    pages = {}
    for intent in remade:
        html = render_intent_page(sid, read, intent, 1, plan=_kept_plan(read, intent["id"]))
        if html is not None:
            pages[intent["id"]] = StoredPage.make(html, _now())
    others = sorted(site.damaged_pages - set(pages))
    try:
        get_store().save_pages(sid, pages, others)
    except StorageUnavailable as refusal:  # full or read-only: made again next time
        log.info("Damaged pages of %s… not replaced (%s)", sid[:8], refusal.kind)
    return replace(site, pages={**site.pages, **pages}, damaged_pages=frozenset())


@bp.get("/pages/<page_id>/download")
@reads(
    lambda args, query: ReadPlan(page_ids=(args["page_id"],)),
    revalidates=True,
    serves_stored=True,
)
def download(page_id: str):
    """Send a generated page as a standalone HTML file: the stored bytes the frame shows.

    Its links name its sibling pages' files, as in the export (a page saved alone
    links to files saved next to it).
    """
    _sid, site = require_site()
    if page_id not in site.pages:
        abort(404, description="That page has not been generated.")
    page = site.pages[page_id]
    if not page.body_omitted and has_app_links(page.html):  # stored before file links
        response = _serve(with_file_links(page.html))
    else:
        response = _stored(page, PAGE_CSP)
    response.headers["Content-Disposition"] = f'attachment; filename="{page_file(page_id)}"'
    return response


@bp.post("/generate-all")
@reads(lambda args, query: ReadPlan(page_index=True))
def generate_all():
    """Make every intent page not made yet, in one change (sending it twice is harmless)."""
    sid, site = require_site()
    missing = [intent for intent in site.intents if intent["id"] not in site.page_ids]
    if missing:
        # What the missing pages are made from: known once the intents are read.
        fields = tuple(f for intent in missing for f in _page_fields(intent["id"], 1))
        fields += _planning_fields(intent["id"] for intent in missing)
        site = get_store().load(sid, ReadPlan(model=True, fields=fields))
        if site is None:
            require_site()
        pages = {}
        model = SiteModel(sid, site)  # once (an outdated one is built again from content)
        # With AI on, the pages are planned within one request's deadline, in order;
        # past it the rest are the rules' own (their note says so).
        deadline = time.monotonic() + current_app.config["AI_REQUEST_DEADLINE_SECONDS"]
        record = site.fields.get(ai.AI_FIELD) if ai.get_claude() is not None else None
        plans, by_rules = {}, 0
        for intent in missing:
            planned = _page_plan(site, model, intent, deadline, record)
            if planned is not None:
                plans.update(planned.fields)
                record = planned.fields.get(ai.AI_FIELD, record)
                by_rules += "note" in planned.plan
            plan = planned.plan if planned else None
            html = render_intent_page(sid, site, intent, 1, model, plan)
            if html is not None:
                pages[intent["id"]] = StoredPage.make(html, _now())
        if not get_store().save_pages(sid, pages):
            require_site()
        _keep_plans(sid, plans)
        done = f"Generated {len(pages)} page{'s' * (len(pages) != 1)}."
        if by_rules:
            done += f" {by_rules} of them planned by the rules (see the note on each)."
        flash(done, "success")
    else:
        flash("Every page was already generated.", "success")
    return redirect(url_for("sites.index"), code=303)


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


def _stored_html(site: SiteSnapshot, page_id: str) -> str | None:
    page = site.pages.get(page_id)
    return page.html if page is not None else None


def _export_plan(sid: str, site: SiteSnapshot, limit: int):
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


@bp.get("/export.zip")
@reads(lambda args, query: ReadPlan(all_pages=True, model=True))
def export():
    """Send the generated pages with all their listing and detail pages, linked, as a zip.

    Detail pages not viewed yet are made during the export (up to
    ``EXPORT_MAX_DETAIL_PAGES``; the index says how many were left out) and the
    archive is streamed as it is made.
    """
    sid, site = require_site()
    site = remake_damaged_pages(sid, site)
    if not site.pages:
        abort(404, description="No page has been generated yet: generate one first.")
    release = _claim_export(sid)
    try:
        response = _export_response(sid, site)
    except BaseException:
        release()
        raise
    # Given back when the zip is made, or when the download stops (the iterable closed).
    response.response = _then(response.response, release)
    response.call_on_close(release)
    return response


def _then(chunks, release):
    """Yield ``chunks``, then call ``release`` (also when the client goes away midway)."""
    try:
        yield from chunks
    finally:
        release()


def _claim_export(sid: str):
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


def _export_response(sid: str, site: SiteSnapshot) -> Response:
    """The export's zip, streamed as its pages are made (see ``export``)."""
    limit = current_app.config["EXPORT_MAX_DETAIL_PAGES"]
    model, intents, chunks, left_out = _export_plan(sid, site, limit)
    fields = tuple(chunk_field(intent["id"], number) for intent, number, _take in chunks)
    if fields:  # with AI on, later listing pages follow their intent's kept plan
        fields += _planning_fields(intent["id"] for intent in intents)
    stored = get_store().load(sid, ReadPlan(fields=fields)) if fields else site
    if stored is None:
        require_site()
    records = {name: decode(raw) for name, raw in stored.fields.items()}
    header = _site_header(site)
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
                html = _stored_html(site, page_id) or render_listing(
                    records=chunk, page=number, plan=_kept_plan(stored, intent["id"]), **common
                )
                yield intent["id"], page_id, f"{intent['title']}, page {number}", html
            for index, entry in enumerate(chunk[:take]):
                page_id = detail_page_id(intent["id"], entry[0])
                html = _stored_html(site, page_id)
                if html is None and time.monotonic() > deadline:
                    made_late.append(page_id)
                    continue
                html = html or render_detail(
                    entry=entry,
                    position=(number - 1) * PAGE_SIZE + index,
                    plan=_kept_plan(stored, intent["id"]),
                    **common,
                )
                yield intent["id"], page_id, _title_of(html, entry[0]), html
        for owner, page_id in stored_past_budget:
            html = site.pages[page_id].html
            yield owner, page_id, _title_of(html, page_id), html

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
