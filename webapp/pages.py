"""Generated pages: generate, view, detail pages, downloads and the zip export."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import UTC, datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)

from .content.generate import (
    detail_page_id,
    listing_page_id,
    render_detail_page,
    render_intent_page,
)
from .content.paths import resolve
from .content.text import slugify
from .site_session import reads, require_site
from .storage import ReadPlan, SiteSnapshot, get_store

bp = Blueprint("pages", __name__)

# Generated pages come from hostile content: nothing may run, load or submit.
PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"
)
# Internal links the generator writes (its AppLinks): root-relative, never from content.
INTERNAL_HREF = re.compile(r'href="(/[^"]*)"')
PAGE_LINK = re.compile(r"^/pages/([a-z0-9-]+)(?:/items/([a-z0-9-]+)|\?page=(\d+))?$")
ZIP_DATE = (2000, 1, 1, 0, 0, 0)  # fixed, so the same pages make the same zip


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _site_header(site: SiteSnapshot) -> dict:
    meta = site.meta
    return {
        "title": meta["hero_title"],
        "subtitle": meta["hero_subtitle"],
        "image": meta["hero_image"],
    }


def _intent_or_404(site: SiteSnapshot, intent_id: str) -> dict:
    intent = site.intent(intent_id)
    if intent is None:
        abort(404, description=f"This site has no intent {intent_id[:80]!r}.")
    return intent


def _data(site: SiteSnapshot, intent: dict):
    return resolve(json.loads(site.content_json), intent["dataPath"])


def _serve(html: str) -> Response:
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PAGE_CSP
    return response


PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")


def _page_number(query) -> int:
    """Return the listing page asked for, or answer 404 for anything but 1 to 999999."""
    page = query.get("page", "1")
    if not PAGE_NUMBER.fullmatch(page):
        abort(404, description="No such page number.")
    return int(page)


def _store_viewed_page(sid: str, page_id: str, html: str) -> None:
    """Keep a page made on its first view (within the session's page cap)."""
    cap = current_app.config["MAX_STORED_PAGES"]
    get_store().save_pages(sid, {page_id: {"html": html, "generatedAt": _now()}}, cap=cap)


GENERATE_READS = reads(lambda args, query: ReadPlan(content=True, page_index=True))


def _generate(intent_id: str, *, replace: bool):
    sid, site = require_site()
    intent = _intent_or_404(site, intent_id)
    if intent_id in site.page_ids and not replace:
        return redirect(url_for("pages.view", intent_id=intent_id), code=303)
    html = render_intent_page(
        site=_site_header(site), intent=intent, data=_data(site, intent), theme=site.theme
    )
    # Regenerating also drops the intent's later listing pages and detail pages,
    # which are made again from the current generator on their next view.
    later = re.compile(rf"{re.escape(intent_id)}-(page-\d+|detail-.+)")
    stale = [page_id for page_id in site.page_ids if later.fullmatch(page_id)]
    if not get_store().save_pages(sid, {intent_id: {"html": html, "generatedAt": _now()}}, stale):
        require_site()  # gone meanwhile: answer "Session not found"
    return redirect(url_for("pages.view", intent_id=intent_id), code=303)


@bp.post("/pages/<intent_id>/generate")
@GENERATE_READS
def generate(intent_id: str):
    """Make the intent's page (unless it exists) and show it."""
    return _generate(intent_id, replace=False)


@bp.post("/pages/<intent_id>/regenerate")
@GENERATE_READS
def regenerate(intent_id: str):
    """Make the intent's page again, replacing the stored one, and show it."""
    return _generate(intent_id, replace=True)


def _listing_plan(args, query) -> ReadPlan:
    page = _page_number(query)
    if page == 1:
        return ReadPlan(page_ids=(args["intent_id"],))
    return ReadPlan(page_or_content=listing_page_id(args["intent_id"], page))


@bp.get("/pages/<intent_id>")
@reads(_listing_plan)
def view(intent_id: str):
    """Show a generated page (later listing pages are generated on first view)."""
    page = _page_number(request.args)
    if page == 1:
        _sid, site = require_site()
        intent = _intent_or_404(site, intent_id)
        if intent_id not in site.pages:
            html = render_template("not_generated.html", site=site, intent=intent, theme=site.theme)
            return html, 404
        return _serve(site.pages[intent_id]["html"])
    return _serve_or_make(
        listing_page_id(intent_id, page),
        intent_id,
        lambda site, intent, data: render_intent_page(
            site=_site_header(site), intent=intent, data=data, theme=site.theme, page=page
        ),
        lambda intent: f"{intent['title']} has no page {page}.",
    )


@bp.get("/pages/<intent_id>/items/<item_id>")
@reads(lambda args, query: ReadPlan(page_or_content=detail_page_id(**args)))
def item(intent_id: str, item_id: str):
    """Show an item's detail page, generating it on first view."""
    return _serve_or_make(
        detail_page_id(intent_id, item_id),
        intent_id,
        lambda site, intent, data: render_detail_page(
            site=_site_header(site), intent=intent, data=data, item_id=item_id, theme=site.theme
        ),
        lambda intent: f"{intent['title']} has no item {item_id[:80]!r}.",
    )


def _serve_or_make(page_id: str, intent_id: str, render, missing) -> Response:
    """Serve a stored page, or render it from the content, keep it and serve it.

    ``render(site, intent, data)`` returns the HTML or None when there is no
    such page; ``missing(intent)`` is then the 404's description.
    """
    sid, site = require_site()  # the page, or the content to make it (see @reads)
    intent = _intent_or_404(site, intent_id)
    if page_id in site.pages:
        return _serve(site.pages[page_id]["html"])
    html = render(site, intent, _data(site, intent))
    if html is None:
        abort(404, description=missing(intent))
    _store_viewed_page(sid, page_id, html)
    return _serve(html)


def _absolute_links(html: str, base: str) -> str:
    """Point the generator's root-relative links at this app, for a file saved elsewhere."""
    return INTERNAL_HREF.sub(lambda m: f'href="{base}{m.group(1)}"', html)


@bp.get("/pages/<page_id>/download")
@reads(lambda args, query: ReadPlan(page_ids=(args["page_id"],)))
def download(page_id: str):
    """Send a generated page as a standalone HTML file."""
    _sid, site = require_site()
    if page_id not in site.pages:
        abort(404, description="That page has not been generated.")
    html = _absolute_links(site.pages[page_id]["html"], request.host_url.rstrip("/"))
    response = _serve(html)
    response.headers["Content-Disposition"] = f'attachment; filename="{page_id}.html"'
    return response


def _file_of(href: str, exported: set[str]) -> str:
    """Map an internal link to the file holding that page in the export."""
    match = PAGE_LINK.match(href)
    if not match:
        return "index.html"
    intent_id, item_id, page = match.groups()
    if item_id:
        page_id = detail_page_id(intent_id, item_id)
    else:
        page_id = listing_page_id(intent_id, int(page or 1))
    return f"{page_id}.html" if page_id in exported else "index.html"


@bp.get("/export.zip")
@reads(lambda args, query: ReadPlan(all_pages=True))
def export():
    """Send every generated page of the session, linked to each other, as a zip."""
    _sid, site = require_site()
    exported = set(site.pages)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        index = render_template(
            "export_index.html",
            site=site,
            pages=sorted(exported),
            titles={i["id"]: i["title"] for i in site.intents},
            theme=site.theme,
        )
        archive.writestr(zipfile.ZipInfo("index.html", ZIP_DATE), index)
        for page_id in sorted(exported):
            html = INTERNAL_HREF.sub(
                lambda m: f'href="{_file_of(m.group(1), exported)}"',
                site.pages[page_id]["html"],
            )
            archive.writestr(zipfile.ZipInfo(f"{page_id}.html", ZIP_DATE), html)
    name = slugify(site.meta["site_name"], limit=60) or "site"
    return Response(
        buffer.getvalue(),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}-pages.zip"'},
    )
