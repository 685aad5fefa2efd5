"""Generated pages' views: generate, view, frame, detail pages, search, downloads, export.

Pages are made by ``page_making`` (the one path the JSON API and the export use too) and
the zip by ``export``; these views read the browser's site session, answer HTTP, and put
the app's chrome around a page.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import replace
from functools import lru_cache

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from . import ai
from .content.model.layout import MODEL_VERSION
from .content.page_files import (
    HOME_FILE,
    PageRef,
    detail_page_id,
    has_app_links,
    listing_page_id,
    page_file,
    parse_page_id,
    with_file_links,
)
from .content.query import (
    SORTS,
    Query,
    search_field,
)
from .export import make_export
from .page_making import (
    PageNotFound,
    SiteModel,
    decode_model,
    generate_read_plan,
    item_read_plan,
    keep_plans,
    listing_read_plan,
    make_intent_page,
    now,
    page_fields,
    page_or_make,
    page_read_plan,
    plan_page,
    planning_fields,
    remake_damaged_pages,
    render_intent_page,
    results_page,
    title_of,
)
from .revalidation import FRAME_CSP, PAGE_CSP, page_response, stored_response
from .site_session import reads, require_site
from .storage import (
    ReadPlan,
    SiteSnapshot,
    StoredPage,
    get_store,
)
from .templating import cached_render

log = logging.getLogger(__name__)


bp = Blueprint("pages", __name__)


# The query a frame's URL carries: a stored page's links (file names) resolve next to it
# without it, so a link clicked in the frame reaches the frame route unframed and is sent
# on to the page's place in the app.
FRAMED = "framed"


def _intent_or_404(site: SiteSnapshot, intent_id: str) -> dict:
    intent = site.intent(intent_id)
    if intent is None:
        abort(404, description=f"This site has no intent {intent_id[:80]!r}.")
    return intent


def _frame(html: str) -> Response:
    """Serve a page made for this request (search results) to the app's frame."""
    return page_response(html, FRAME_CSP)


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


GENERATE_READS = reads(lambda args, query: generate_read_plan(args["intent_id"]))


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


def _listing_plan(args, query) -> ReadPlan:
    return _results_plan(args, query) or listing_read_plan(args["intent_id"], _page_number(query))


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
    sid, site = require_site()
    return _frame(results_page(sid, site, intent_id, query, _page_number(request.args)))


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
            return stored_response(site.pages[page_id], FRAME_CSP)
        if page_id in site.damaged_pages:  # stored, but its copy cannot be read
            return stored_response(_page_or_make(named)[2], FRAME_CSP)
        intent = _intent_or_404(site, page_id)
        html = render_template("not_generated.html", site=site, intent=intent, theme=site.theme)
        return html, 404
    _site, _intent, page = _page_or_make(named)
    return stored_response(page, FRAME_CSP)


def _item_plan(args, query) -> ReadPlan:
    return item_read_plan(args["intent_id"], args["item_id"])


@bp.get("/pages/<intent_id>/items/<item_id>")
@reads(lambda args, query: replace(_item_plan(args, query), page_index=True))
def item(intent_id: str, item_id: str):
    """Show an item's detail page in the app, generating it on first view."""
    page_id = detail_page_id(intent_id, item_id)
    site, intent, page = _page_or_make(PageRef(intent_id, item_id))
    return _chrome(
        site,
        intent,
        title=title_of(page.html, intent["title"]),
        page_id=page_id,
        frame=_frame_url(page_id),
        back=(url_for("pages.view", intent_id=intent_id), intent["title"]),
    )


def _page_or_make(named: PageRef) -> tuple[SiteSnapshot, dict | None, StoredPage]:
    """``page_or_make`` for the connected browser's site (read as the view's plan says)."""
    sid, site = require_site()
    try:
        intent, page = page_or_make(sid, site, named)
    except PageNotFound as missing:
        abort(404, description=str(missing))
    return site, intent, page


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
        response = page_response(with_file_links(page.html))
    else:
        response = stored_response(page, PAGE_CSP)
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
        fields = tuple(f for intent in missing for f in page_fields(intent["id"], 1))
        fields += planning_fields(intent["id"] for intent in missing)
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
            planned = plan_page(site, model, intent, deadline, record)
            if planned is not None:
                plans.update(planned.fields)
                record = planned.fields.get(ai.AI_FIELD, record)
                by_rules += "note" in planned.plan
            plan = planned.plan if planned else None
            html = render_intent_page(sid, site, intent, 1, model, plan)
            if html is not None:
                pages[intent["id"]] = StoredPage.make(html, now())
        if not get_store().save_pages(sid, pages):
            require_site()
        keep_plans(sid, plans)
        done = f"Generated {len(pages)} page{'s' * (len(pages) != 1)}."
        if by_rules:
            done += f" {by_rules} of them planned by the rules (see the note on each)."
        flash(done, "success")
    else:
        flash("Every page was already generated.", "success")
    return redirect(url_for("sites.index"), code=303)


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
    return make_export(sid, site)
