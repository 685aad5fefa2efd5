"""What a person asks of a listing (words, an order, a group, a badge) and where its index lies.

Light on purpose: the views read a query on every listing request; the search itself
(``search.py``) loads only when one is asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SORTS = {
    "": "Relevance",
    "name": "Name (A–Z)",
    "price": "Price (low to high)",
    "price-desc": "Price (high to low)",
    "newest": "Newest first",
}
QUERY_LIMIT = 200  # characters of a search kept


def search_field(intent_id: str) -> str:
    """The session-hash field holding a collection's search index."""
    return f"s:{intent_id}"


@dataclass(frozen=True)
class Query:
    """What a person asked of a listing: words, an order, a group, a badge."""

    q: str = ""
    sort: str = ""
    group: str = ""
    badge: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Query:
        """Read ``?q=&sort=&group=&badge=`` (anything unknown is ignored)."""
        if not args:
            return EMPTY_QUERY  # most views: no query string at all
        sort = args.get("sort", "")
        return cls(
            q=" ".join(str(args.get("q", "")).split())[:QUERY_LIMIT],
            sort=sort if sort in SORTS else "",
            group=str(args.get("group", ""))[:QUERY_LIMIT],
            badge=str(args.get("badge", ""))[:QUERY_LIMIT],
        )

    def __bool__(self) -> bool:
        return bool(self.q or self.sort or self.group or self.badge)

    def params(self, page: int = 1) -> dict[str, str]:
        """The query as URL parameters (links keep it), with the page past the first."""
        found = {k: v for k, v in vars(self).items() if v}
        if page > 1:
            found["page"] = str(page)
        return found


EMPTY_QUERY = Query()
