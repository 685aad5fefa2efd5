"""Page ids and file names: what each stored page is called and how stored pages link.

A page id names an intent's listing page or an item's detail page; its file name is
where it lies next to its siblings (in the frame, a download, an export). Light on
purpose: the views and the API parse page ids on every request, without loading the
renderer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote


class AppLinks:
    """Build the app's stable URLs; pass another object to link elsewhere (e.g. an export)."""

    def home(self) -> str:
        """Return the URL of the connected site's home."""
        return "/"

    def intent(self, intent_id: str, page: int = 1) -> str:
        """Return the URL of an intent's listing page (``?page=n`` past the first)."""
        url = f"/pages/{quote(intent_id, safe='')}"
        return url if page == 1 else f"{url}?page={int(page)}"

    def item(self, intent_id: str, item_id: str) -> str:
        """Return the URL of one item's detail page."""
        return f"/pages/{quote(intent_id, safe='')}/items/{quote(item_id, safe='')}"


class FileLinks(AppLinks):
    """Link stored pages to each other by file name (``menu-detail-soup.html``), relative.

    A stored page's bytes are then served as they are everywhere: in the app's frame
    (served from ``/frame/<page id>.html``, where the names resolve to its siblings), as a
    download and in an export (files side by side, the home being ``index.html``).
    """

    def home(self) -> str:
        """Return the file name of the site's home (the export's index)."""
        return HOME_FILE

    def intent(self, intent_id: str, page: int = 1) -> str:
        """Return the file name of an intent's listing page."""
        return page_file(listing_page_id(intent_id, page))

    def item(self, intent_id: str, item_id: str) -> str:
        """Return the file name of one item's detail page."""
        return page_file(detail_page_id(intent_id, item_id))


HOME_FILE = "index.html"
# Intent and item ids are slugs, and an intent id never holds the words "detail" or
# "page" (model/name.py), so a page id names one page: the first "-detail-" ends the
# intent's id.
# Page ids are matched whole (fullmatch): \A keeps a search from retrying at every character,
# and the lookahead, that every character may be in an id, keeps "a-detail-a-detail-…!" from
# trying the rest after every "-detail-".
_DETAIL_PAGE = re.compile(r"\A(?=[a-z0-9-]*\Z)([a-z0-9-]+?)-detail-([a-z0-9-]+)")
_LISTING_PAGE = re.compile(r"\A([a-z0-9-]+)-page-([1-9][0-9]{0,5})")
_INTENT_PAGE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class PageRef:
    """What a page id names: an intent's listing page ``page``, or an item's detail page."""

    intent_id: str
    item_id: str | None = None
    page: int = 1


def detail_page_id(intent_id: str, item_id: str) -> str:
    """Return the stored page id of an item's detail page."""
    return f"{intent_id}-detail-{item_id}"


def listing_page_id(intent_id: str, page: int) -> str:
    """Return the stored page id of an intent's listing page ``page``."""
    return intent_id if page == 1 else f"{intent_id}-page-{page}"


def parse_page_id(page_id: str) -> PageRef | None:
    """Return what a page id names (None: not a page id), the inverse of the two above."""
    detail = _DETAIL_PAGE.fullmatch(page_id)
    if detail:
        return PageRef(detail.group(1), detail.group(2))
    listing = _LISTING_PAGE.fullmatch(page_id)
    if listing and listing.group(2) != "1":  # page 1's id is the intent's own
        return PageRef(listing.group(1), page=int(listing.group(2)))
    # Any other slug names an intent's page (an id cut before "detail" was kept out of
    # intent ids, "…-detail", still names its intent in sessions connected before).
    return PageRef(page_id) if _INTENT_PAGE.fullmatch(page_id) else None


def page_file(page_id: str) -> str:
    """Return the file name a page has in an export and next to its siblings in the frame."""
    return f"{page_id}.html"


# The generator's links between stored pages, and those of pages stored before FileLinks,
# which linked to the app's URLs (root-relative): the href of an <a> tag, group 2. Content's
# own links are absolute (nh3 and link_href refuse relative ones), and its text, which may
# hold 'href="x.html"' as words (nh3 leaves quotes in text as they are), has no "<".
FILE_LINK = re.compile(r'(<a\s[^<>]*?href=")([a-z0-9-]+)\.html"')
_APP_LINK = re.compile(r'(<a\s[^<>]*?href=")(/[^"]*)"')
_APP_PAGE = re.compile(r"/pages/([a-z0-9-]+)(?:/items/([a-z0-9-]+)|\?page=(\d+))?")


def _file_of_app_url(url: str) -> str:
    match = _APP_PAGE.fullmatch(url)
    if not match:
        return HOME_FILE
    intent_id, item_id, page = match.groups()
    links = FileLinks()
    return links.item(intent_id, item_id) if item_id else links.intent(intent_id, int(page or 1))


def has_app_links(html: str) -> bool:
    """Tell whether a stored page links to the app's URLs (it was stored before FileLinks)."""
    return 'href="/' in html and _APP_LINK.search(html) is not None


def with_file_links(html: str) -> str:
    """Return a stored page with FileLinks: as it is, unless it was stored before them."""
    if not has_app_links(html):
        return html
    return _APP_LINK.sub(lambda m: f'{m[1]}{_file_of_app_url(m[2])}"', html)


def linked_pages(html: str) -> set[str]:
    """Return the ids of the pages a stored page links to (the home's is ``index``)."""
    return {match[2] for match in FILE_LINK.finditer(html)}
