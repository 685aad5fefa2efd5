"""Generate standalone, themed HTML pages from an intent's JSON data.

Pure functions, no Flask: JSON data in, HTML string out. The web layer stores
the result under the page ids of the product contract (``intent_id`` for a
listing, ``{intent_id}-detail-{item_id}`` for a detail page) and serves it.

Everything read from content is untrusted: strings are escaped by Jinja's
autoescape, HTML-looking strings go through nh3 with a short allow-list, URLs
become links or images only for allowed schemes, theme colours are
re-validated, and every walk over the data is bounded in depth, count and
characters so that output size and time stay bounded whatever the input.
Output is deterministic (no clocks, no randomness, no set ordering): the same
input gives the same bytes.
"""

from __future__ import annotations

import bisect
import hashlib
import html
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
import nh3
from markupsafe import Markup, escape

from .colors import DEFAULT_THEME, contrast_ratio, mix, parse_css_color, readable_text_on
from .text import normal_key, slugify, truncate

__all__ = [
    "PAGE_SIZE",
    "AppLinks",
    "detail_page_id",
    "iter_items",
    "listing_page_id",
    "page_count",
    "render_detail_page",
    "render_intent_page",
]

PAGE_SIZE = 48

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"

# Item ids: at most 64 URL-safe characters. Bases are kept shorter so that a
# "-2", "-3"... de-duplication suffix still fits.
ITEM_ID_MAX = 64
_BASE_MAX = 56
_ID_KEYS = ("id", "slug", "name", "title")

# Near-black ink for generated pages (one step softer than colors.DARK_TEXT).
_DARK_INK = "#111827"

# Limits. Listing: 48 cards share a ~240 KB character budget; object views
# and detail pages get their own budgets. Costs are counted on the escaped
# text plus a per-node allowance for markup, so hostile strings full of "<"
# or "&" (which grow when escaped) cannot blow the size bound.
_NODE_OVERHEAD = 60
_CARD_BUDGET = 4_800
_TITLE_MAX = 160
_TITLE_SCAN = 2_000  # characters of a title looked at (tags may hide in them)
_CARD_DESC_MAX = 280
_BADGE_MAX = 4
_BADGE_TEXT_MAX = 40
_URL_MAX = 2_048
_FIELD_SCAN = 200  # fields of one item looked at when building a card


@dataclass(frozen=True)
class _Limits:
    """Bounds for rendering an arbitrary value as nested HTML."""

    depth: int
    string: int
    list_items: int
    fields: int
    chars: int


_LISTING_LIMITS = _Limits(depth=4, string=2_000, list_items=50, fields=100, chars=240_000)
_DETAIL_LIMITS = _Limits(depth=4, string=20_000, list_items=200, fields=500, chars=440_000)


# --------------------------------------------------------------------------
# Routes


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


def detail_page_id(intent_id: str, item_id: str) -> str:
    """Return the stored page id of an item's detail page."""
    return f"{intent_id}-detail-{item_id}"


def listing_page_id(intent_id: str, page: int) -> str:
    """Return the stored page id of an intent's listing page ``page``."""
    return intent_id if page == 1 else f"{intent_id}-page-{page}"


# --------------------------------------------------------------------------
# Small text helpers

_SLUG_SCAN = 400  # characters of a name looked at to make an id
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_HTML_LIKE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[^@\s<>\"']{1,255}\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[\d\s().-]{5,30}$")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_DATE_LIKE = re.compile(r"^\s*\d{1,4}[-/.:]\d{1,2}")


def _slugify(text: str) -> str:
    """Turn the start of ``text`` into ``[a-z0-9-]`` (see ``text.slugify``)."""
    # Only a prefix is slugified (long ids get a hash suffix anyway), which
    # keeps this linear in the number of items rather than in their size.
    return slugify(text[:_SLUG_SCAN])


def _short_hash(text: str) -> str:
    """Return 8 hex characters identifying ``text`` (stable across runs)."""
    return hashlib.blake2s(text.encode("utf-8", "surrogatepass"), digest_size=4).hexdigest()


def _bounded(slug: str, raw: str, limit: int = _BASE_MAX) -> str:
    """Bound a slug to ``limit`` chars, keeping long ones unique with a hash of ``raw``."""
    if len(slug) <= limit and len(raw) <= _SLUG_SCAN:
        return slug
    digest = _short_hash(raw)
    return f"{slug[: limit - len(digest) - 1].rstrip('-')}-{digest}".lstrip("-")


def _words(key: str) -> list[str]:
    """Split a key (camelCase, snake_case, kebab-case) into lower-case words."""
    return [word.lower() for word in _WORDS.findall(key[:100])]


def _humanise(key: str, limit: int = 80) -> str:
    """Turn a JSON key into a label: ``unitPrice`` -> ``Unit price``."""
    # Multi-path intents key their data by path ("site.email"): the last
    # step is the meaningful part.
    key = key.rsplit(".", 1)[-1] if "." in key else key
    words = _words(key)
    if not words:
        text = key.strip()[:limit]
        return text or "Value"
    label = " ".join(words)
    label = label[0].upper() + label[1:]
    return truncate(label, limit, at_word=True)


def _cost(text: str) -> int:
    """Return how many output characters ``text`` takes once escaped."""
    return len(escape(text))


def _scalar_text(value: Any) -> str:
    """Format a JSON scalar for display."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _plain(text: str) -> str:
    """Strip HTML from text (for cards), keeping the words."""
    if not _HTML_LIKE.search(text):
        return text
    return html.unescape(_TEXT_ONLY.clean(text))


# --------------------------------------------------------------------------
# URLs, links and images

_LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_IMAGE_EXTENSIONS = (
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".webp",
    ".avif",
    ".svg",
    ".bmp",
    ".ico",
)
_IMAGE_WORDS = frozenset(
    {
        "image",
        "images",
        "img",
        "imgs",
        "photo",
        "photos",
        "picture",
        "pictures",
        "pic",
        "thumbnail",
        "thumb",
        "cover",
        "avatar",
        "logo",
        "banner",
        "poster",
        "gallery",
        "hero",
    }
)
_IMAGE_URL_KEYS = ("url", "src", "href", "source")


def _safe_url(value: Any, schemes: frozenset[str] = _LINK_SCHEMES) -> str | None:
    """Return ``value`` if it is an absolute URL with an allowed scheme, else None."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or len(url) > _URL_MAX or _CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        return None
    if scheme in ("http", "https"):
        if not parts.netloc or not url.lower().startswith(f"{scheme}://"):
            return None
    elif len(url) <= len(scheme) + 1:
        return None
    return url


_HTTP = frozenset({"http", "https"})


def _has_image_extension(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return path.endswith(_IMAGE_EXTENSIONS)


def _image_of(key: str, value: Any, depth: int = 0) -> tuple[str, str] | None:
    """Return ``(src, alt)`` when a field holds an image, else None.

    An image is an http(s) URL under an image-like key (``image``, ``photo``,
    ``coverImage``...), any http(s) URL whose path ends in an image extension,
    or an object such as ``{"url": ..., "alt": ...}`` holding one of those;
    an image-like key holding a list uses its first element.
    """
    image_key = not _IMAGE_WORDS.isdisjoint(_words(key))
    if isinstance(value, str):
        url = _safe_url(value, _HTTP)
        if url and (image_key or _has_image_extension(url)):
            return url, ""
        return None
    if isinstance(value, dict):
        for url_key in _IMAGE_URL_KEYS:
            url = _safe_url(value.get(url_key), _HTTP)
            if url is None:
                continue
            mime = value.get("mimeType") or value.get("mime") or value.get("type")
            imagey = isinstance(mime, str) and mime.startswith("image/")
            if image_key or imagey or _has_image_extension(url) or "alt" in value:
                alt = ""
                for alt_key in ("alt", "caption", "title", "name"):
                    if isinstance(value.get(alt_key), str):
                        alt = truncate(value[alt_key], 200, at_word=True)
                        break
                return url, alt
        return None
    if isinstance(value, list) and value and image_key and depth == 0:
        return _image_of(key, value[0], depth + 1)
    return None


def _link_of(key: str, text: str) -> str | None:
    """Return a safe href for a string field, or None to show it as text."""
    url = _safe_url(text)
    if url:
        return url
    words = set(_words(key))
    stripped = text.strip()
    if words & {"email", "mail", "e"} and _EMAIL.match(stripped):
        return "mailto:" + stripped
    if words & {"phone", "tel", "telephone", "mobile", "fax"} and _PHONE.match(stripped):
        digits = re.sub(r"[^\d+]", "", stripped)
        if len(digits) >= 5:
            return "tel:" + digits
    return None


# --------------------------------------------------------------------------
# HTML sanitising

_RICH_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
_RICH = nh3.Cleaner(
    tags=_RICH_TAGS,
    attributes={
        "a": {"href", "title"},
        "abbr": {"title"},
        "img": {"src", "alt", "title", "width", "height"},
        "td": {"colspan", "rowspan"},
        "th": {"colspan", "rowspan"},
    },
    url_schemes={"http", "https", "mailto", "tel"},
    # Relative links would point into this app, not the content's site.
    url_relative="deny",
    link_rel="noopener noreferrer nofollow",
    set_tag_attribute_values={"img": {"loading": "lazy"}},
    strip_comments=True,
)
_TEXT_ONLY = nh3.Cleaner(tags=set(), strip_comments=True)


# --------------------------------------------------------------------------
# Items


@dataclass(slots=True)
class _Record:
    """One linkable item of an intent, with what the listing needs to show it."""

    item_id: str
    value: Any
    group: str  # collection label when data holds several collections, else ""
    fallback_title: str


@dataclass
class _Collection:
    """An intent's data split into linkable items and everything else.

    Items are kept as parallel lists rather than one object each: 50,000 items
    then cost two list slots apiece, not 50,000 more objects for the garbage
    collector to walk.
    """

    ids: list[str] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)
    # Index of the first item and label of each collection, when several are grouped.
    group_starts: list[int] = field(default_factory=list)
    group_labels: list[str] = field(default_factory=list)
    # Titles for items that are values of a dict (its key), by index.
    fallbacks: dict[int, str] = field(default_factory=dict)
    # Fields of a dict of collections that are not items (intro text, a
    # title...); shown on page 1 above the cards.
    extras: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    def record(self, index: int) -> _Record:
        """Return the item at ``index`` with its group and fallback title."""
        group = ""
        if self.group_starts:
            at = bisect.bisect_right(self.group_starts, index) - 1
            group = self.group_labels[at] if at >= 0 else ""
        return _Record(self.ids[index], self.values[index], group, self.fallbacks.get(index, ""))


def _objects_list(value: Any) -> bool:
    """Tell whether a value is a non-empty list made mostly of objects."""
    if isinstance(value, list) and value:
        # A prefix decides: deciding must not cost more than the items do.
        sample = value[:20]
        return sum(isinstance(element, dict) for element in sample) * 2 > len(sample)
    return False


def _alike(objects: list[dict]) -> bool:
    """Tell whether objects share a shape (records of one kind, not unrelated sections).

    ``{"alice": {...}, "bob": {...}}`` is a keyed collection; ``{"contact":
    {...}, "social": {...}}`` gathered by a "Contact us" intent is not, and
    reads better as sections than as two cards.
    """
    sample = objects[:20]
    if len(sample) < 2:
        return False
    counts: dict[str, int] = {}
    for obj in sample:
        for key in list(obj)[:50]:
            counts[key] = counts.get(key, 0) + 1
    common = {key for key, count in counts.items() if count * 2 > len(sample)}
    if not common:
        return False
    overlap = sum(
        len(common.intersection(list(obj)[:50])) / max(1, min(len(obj), 50)) for obj in sample
    )
    return overlap / len(sample) >= 0.5


def _raw_name(value: Any) -> str | None:
    """Return the text an item's id is derived from (id, slug, name, title)."""
    if isinstance(value, dict):
        for key in _ID_KEYS:
            candidate = value.get(key)
            if isinstance(candidate, str) and candidate.strip():
                return candidate
            if isinstance(candidate, int | float) and not isinstance(candidate, bool):
                return _scalar_text(candidate)
        return None
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _scalar_text(value)
    return None


class _IdMaker:
    """Make item ids unique within one intent, in linear time."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        # Where counting stopped for each base: a thousand items with the
        # same name must not cost a million lookups.
        self.next_suffix: dict[str, int] = {}

    def make(self, raw: str | None, key: str | None, position: int, prefix: str) -> str:
        """Return a new unique id from an item's name, else its key, else its position."""
        base = source = ""
        for candidate in (raw, key):
            if candidate:
                base = _slugify(candidate)
                if base:
                    source = candidate
                    break
        if not base:
            base, source = f"item-{position}", ""
        if prefix:
            source = f"{prefix}\x00{source}"
            base = f"{prefix}-{base}"
        base = _bounded(base, source) if source else base[:_BASE_MAX]
        item_id = base
        if item_id in self.used:
            number = self.next_suffix.get(base, 2)
            while True:
                suffix = f"-{number}"
                item_id = base[: ITEM_ID_MAX - len(suffix)] + suffix
                number += 1
                if item_id not in self.used:
                    break
            self.next_suffix[base] = number
        self.used.add(item_id)
        return item_id


def _collect(data: Any) -> _Collection:
    """Split intent data into linkable items (see ``iter_items``) and extras."""
    collection = _Collection()
    ids, values = collection.ids, collection.values
    make = _IdMaker().make
    if isinstance(data, list):
        for position, element in enumerate(data, 1):
            ids.append(make(_raw_name(element), None, position, ""))
        values.extend(data)
    elif isinstance(data, dict) and data:
        objects = [value for value in data.values() if isinstance(value, dict) and value]
        keyed = _alike(objects)  # a dict of similar objects: each one is an item
        lists = sum(_objects_list(value) for value in data.values())
        collections = lists + (len(objects) if keyed else 0)
        if not collections or collections * 2 < len(data):
            return collection
        grouped = lists > 1 or (lists == 1 and keyed)
        for key, value in data.items():
            if keyed and isinstance(value, dict) and value:
                if grouped:
                    collection.group_starts.append(len(ids))
                    collection.group_labels.append("")
                collection.fallbacks[len(ids)] = _humanise(key)
                ids.append(make(_raw_name(value), key, 1, ""))
                values.append(value)
            elif _objects_list(value):
                prefix = ""
                if grouped:
                    # Several collections: the key keeps ids unique and stable.
                    collection.group_starts.append(len(ids))
                    collection.group_labels.append(_humanise(key))
                    prefix = _bounded(_slugify(key), key, 24) or "group"
                for position, element in enumerate(value, 1):
                    ids.append(make(_raw_name(element), None, position, prefix))
                values.extend(value)
            else:
                collection.extras[key] = value
    return collection


def iter_items(data: Any) -> list[tuple[str, Any]]:
    """Enumerate the linkable items of an intent's data as ``(item_id, item)`` pairs.

    A list gives its elements (objects and scalars). A dict gives items when
    at least half of its values are collections: lists of objects give their
    elements, and a dict of similar objects (``{"alice": {...}, "bob":
    {...}}``) gives those objects. Other dicts (a page, a "Contact us"
    gathering) and scalars have no items: they render as sections.

    Ids come from the item's ``id``, ``slug``, ``name`` or ``title`` (else its
    dict key, else ``item-<n>``, n counted from 1), slugified to ``[a-z0-9-]``,
    at most 64 characters (long ones cut and given a hash suffix), made unique
    with ``-2``, ``-3``...; with several collections they are prefixed with the
    collection's key. Same data, same ids. Runs in linear time.
    """
    collection = _collect(data)
    return list(zip(collection.ids, collection.values, strict=True))


def page_count(data: Any) -> int:
    """Return how many listing pages an intent's data has (at least 1)."""
    return max(1, math.ceil(len(_collect(data)) / PAGE_SIZE))


# --------------------------------------------------------------------------
# Fields of an item

_TITLE_KEYS = (
    "name",
    "title",
    "label",
    "heading",
    "headline",
    "question",
    "subject",
    "caption",
    "displayname",
    "fullname",
    # Weaker hints, for items that have none of the above (reviews, opening hours).
    "author",
    "day",
    "category",
)
_DESCRIPTION_KEYS = (
    "description",
    "summary",
    "excerpt",
    "subtitle",
    "tagline",
    "teaser",
    "intro",
    "abstract",
    "blurb",
    "answer",
    "bio",
    "body",
    "content",
    "text",
    "details",
    "about",
)
_PRICE_WORDS = frozenset({"price", "prices", "cost", "costs", "rent", "fee", "fees", "amount"})
_BADGE_SKIP_WORDS = frozenset(
    {
        "id",
        "ids",
        "uuid",
        "slug",
        "key",
        "created",
        "updated",
        "modified",
        "hash",
        "sort",
        "order",
        "position",
        "index",
        "version",
        "url",
        "href",
        "link",
        "currency",
    }
)


def _first_fields(item: dict) -> list[tuple[str, Any]]:
    """Return the first fields of an item, enough to build a card."""
    fields = []
    for key, value in item.items():
        fields.append((key, value))
        if len(fields) >= _FIELD_SCAN:
            break
    return fields


def _pick(fields: list[tuple[str, Any]], names: tuple[str, ...]) -> tuple[str, str] | None:
    """Return the first non-empty string field whose key is one of ``names``, by priority."""
    by_name: dict[str, tuple[str, str]] = {}
    for key, value in fields:
        if isinstance(value, str) and value.strip():
            by_name.setdefault(normal_key(key), (key, value))
    for name in names:
        if name in by_name:
            return by_name[name]
    return None


def _item_title(item: Any, fallback: str, key_label: str = "") -> tuple[str, str | None]:
    """Return an item's display title and the field it came from.

    ``key_label`` is the humanised dict key of an item of a keyed collection:
    better than guessing from the item's other fields, worse than its name.
    """
    if isinstance(item, dict):
        fields = _first_fields(item)
        picked = _pick(fields, _TITLE_KEYS)
        if picked:
            return truncate(
                _plain(picked[1][:_TITLE_SCAN]).strip(), _TITLE_MAX, at_word=True
            ), picked[0]
        # Any key ending in name/title ("productName") will do next.
        for key, value in fields:
            words = _words(key)
            if (
                words
                and words[-1] in ("name", "title")
                and isinstance(value, str)
                and value.strip()
            ):
                return truncate(_plain(value[:_TITLE_SCAN]).strip(), _TITLE_MAX, at_word=True), key
        if key_label:
            return key_label, None
        # Then the first short text that is not an id, a URL or a date ("role", "degree").
        for key, value in fields:
            if (
                isinstance(value, str)
                and 0 < len(value.strip()) <= 80
                and _BADGE_SKIP_WORDS.isdisjoint(_words(key))
                and not key.startswith(("_", "$"))
                and not _DATE_LIKE.match(value)
                and not _safe_url(value)
                and not _HTML_LIKE.search(value)
            ):
                return value.strip(), key
        for key in ("slug", "id"):
            value = item.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
                return truncate(str(value).strip(), _TITLE_MAX, at_word=True), key
        return fallback, None
    if _is_scalar(item) and item is not None and _scalar_text(item).strip():
        return truncate(
            _plain(_scalar_text(item)[:_TITLE_SCAN]).strip(), _TITLE_MAX, at_word=True
        ), None
    return fallback, None


def _price_text(value: Any, currency: str) -> str | None:
    """Format a price-like value (number, short string, or ``{amount, currency}``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if not math.isfinite(value):
            return None
        text = f"{value:,.2f}" if isinstance(value, float) and not value.is_integer() else None
        text = text or f"{int(value):,}"
        return f"{currency} {text}".strip() if currency else text
    if isinstance(value, str):
        stripped = value.strip()
        if stripped and len(stripped) <= _BADGE_TEXT_MAX and any(c.isdigit() for c in stripped):
            return stripped
        return None
    if isinstance(value, dict):
        inner_currency = value.get("currency")
        inner_currency = inner_currency if isinstance(inner_currency, str) else currency
        for key in ("amount", "value", "price"):
            if key in value and not isinstance(value[key], dict):
                return _price_text(value[key], inner_currency[:5])
    return None


def _prices(fields: list[tuple[str, Any]]) -> list[tuple[str, str, str]]:
    """Return up to two ``(key, label, text)`` price-like fields of an item."""
    currency = ""
    for key, value in fields:
        if normal_key(key) == "currency" and isinstance(value, str) and len(value) <= 5:
            currency = value.strip()
    found = []
    for key, value in fields:
        if _PRICE_WORDS.isdisjoint(_words(key)):
            continue
        text = _price_text(value, currency)
        if text:
            found.append((key, _humanise(key, 40), text))
            if len(found) == 2:
                break
    return found


def _find_image(fields: list[tuple[str, Any]]) -> tuple[str, str, str] | None:
    """Return ``(key, src, alt)`` of an item's main image, preferring image-like keys."""
    fallback = None
    for key, value in fields:
        image = _image_of(key, value)
        if image is None:
            continue
        if not _IMAGE_WORDS.isdisjoint(_words(key)):
            return key, image[0], image[1]
        fallback = fallback or (key, image[0], image[1])
    return fallback


# --------------------------------------------------------------------------
# Cards


def _card(record: _Record, index: int, links: AppLinks, intent_id: str) -> dict[str, Any]:
    """Build the view of the ``index``-th item as a card, within the per-card size budget."""
    item = record.value
    title, title_key = _item_title(item, f"Item {index + 1}", record.fallback_title)
    budget = _CARD_BUDGET - 2 * _cost(title)  # the title is also the image's alt
    card: dict[str, Any] = {
        "title": title,
        "href": links.item(intent_id, record.item_id),
        "image": None,
        "description": "",
        "prices": [],
        "badges": [],
    }
    if not isinstance(item, dict):
        if isinstance(item, list):
            card["badges"] = [f"{len(item):,} entr{'y' if len(item) == 1 else 'ies'}"]
        return card
    fields = _first_fields(item)
    used = {title_key}
    for key, label, text in _prices(fields):
        used.add(key)
        budget -= _cost(label) + _cost(text)
        card["prices"].append({"label": label, "text": text})
    image = _find_image(fields)
    if image is not None:
        used.add(image[0])
        cost = _cost(image[1]) + _cost(image[2])
        if cost <= budget // 2:
            budget -= cost
            card["image"] = {"src": image[1], "alt": image[2] or title}
    described = _pick(fields, _DESCRIPTION_KEYS)
    if described:
        used.add(described[0])
        text = truncate(
            " ".join(_plain(described[1][:4_000]).split()), _CARD_DESC_MAX, at_word=True
        )
        if _cost(text) <= budget:
            budget -= _cost(text)
            card["description"] = text
    for key, value in fields:
        if len(card["badges"]) >= _BADGE_MAX:
            break
        if key in used or key.startswith(("_", "$")) or not _is_scalar(value):
            continue
        words = _words(key)
        if not words or not _BADGE_SKIP_WORDS.isdisjoint(words):
            continue
        label = _humanise(key, 30)
        if isinstance(value, bool):
            badge = label if value else ""
        elif isinstance(value, str):
            text = value.strip()
            if (
                not text
                or len(text) > _BADGE_TEXT_MAX
                or "\n" in text
                or _safe_url(text)
                or _HTML_LIKE.search(text)
            ):
                continue
            badge = f"{label}: {text}"
        elif value is None:
            continue
        else:
            badge = f"{label}: {_scalar_text(value)}"
        if badge and _cost(badge) <= budget:
            budget -= _cost(badge)
            card["badges"].append(badge)
    return card


# --------------------------------------------------------------------------
# Any value as nested HTML


class _Viewer:
    """Turn any JSON value into a bounded tree of view nodes for the templates.

    Nodes are small dicts with a ``kind``; the templates turn them into
    markup. Walking stops at ``limits.depth`` (deeper content is summarised,
    so 300-deep nesting costs nothing) and when the character budget runs out.
    """

    def __init__(self, limits: _Limits) -> None:
        self.limits = limits
        self.left = limits.chars

    def _take(self, text: str) -> bool:
        cost = _cost(text) + _NODE_OVERHEAD
        if cost > self.left:
            self.left = 0
            return False
        self.left -= cost
        return True

    @property
    def exhausted(self) -> bool:
        return self.left <= _NODE_OVERHEAD

    def node(self, value: Any, key: str = "", depth: int = 0) -> dict[str, Any]:
        """Return the view node of ``value`` found under ``key`` at ``depth``."""
        if self.exhausted:
            return {"kind": "muted", "text": "(not shown: page size limit)"}
        image = _image_of(key, value) if key and isinstance(value, str | dict) else None
        if image is not None and self._take(image[0] + image[1]):
            return {"kind": "image", "src": image[0], "alt": image[1] or _humanise(key)}
        if isinstance(value, str):
            return self._string(value, key)
        if value is None:
            self._take("")
            return {"kind": "muted", "text": "—"}
        if _is_scalar(value):
            text = _scalar_text(value)
            self._take(text)
            return {"kind": "text", "text": text}
        if isinstance(value, dict):
            return self._object(value, depth)
        if isinstance(value, list):
            return self._list(value, key, depth)
        text = truncate(str(value), self.limits.string, at_word=True)
        self._take(text)
        return {"kind": "text", "text": text}

    def _string(self, value: str, key: str) -> dict[str, Any]:
        if not value.strip():
            self._take("")
            return {"kind": "muted", "text": "—"}
        limit = min(self.limits.string, self.left)
        text = truncate(value, max(1, limit), at_word=True)
        href = _link_of(key, text) if len(text) == len(value) else None
        if href is not None and self._take(href + text):
            return {"kind": "link", "href": href, "text": text}
        if _HTML_LIKE.search(text):
            cleaned = _RICH.clean(text)
            if self._take(cleaned):
                return {"kind": "html", "html": Markup(cleaned)}  # noqa: S704 - nh3-sanitised
            return {"kind": "muted", "text": "(not shown: page size limit)"}
        if not self._take(text):
            return {"kind": "muted", "text": "(not shown: page size limit)"}
        if len(text) > 120 or "\n" in text:
            return {"kind": "para", "text": text}
        return {"kind": "text", "text": text}

    def _summary(self, value: dict | list) -> dict[str, Any]:
        if isinstance(value, dict):
            text = f"{len(value):,} more field{'s' if len(value) != 1 else ''} nested deeper"
        else:
            text = f"{len(value):,} more entr{'ies' if len(value) != 1 else 'y'} nested deeper"
        self._take(text)
        return {"kind": "muted", "text": text}

    def _object(self, value: dict, depth: int) -> dict[str, Any]:
        if not value:
            self._take("")
            return {"kind": "muted", "text": "—"}
        if depth >= self.limits.depth:
            return self._summary(value)
        fields = []
        shown = 0
        for key, inner in value.items():
            if shown >= self.limits.fields or self.exhausted:
                break
            label = _humanise(str(key))
            self._take(label)
            child = self.node(inner, str(key), depth + 1)
            fields.append({"label": label, "node": child, "block": _is_block(child)})
            shown += 1
        return {"kind": "object", "fields": fields, "more": len(value) - shown}

    def _list(self, value: list, key: str, depth: int) -> dict[str, Any]:
        if not value:
            self._take("")
            return {"kind": "muted", "text": "(none)"}
        if depth >= self.limits.depth:
            return self._summary(value)
        entries = []
        shown = 0
        for element in value:
            if shown >= self.limits.list_items or self.exhausted:
                break
            title = ""
            if isinstance(element, dict) and element:
                title, _ = _item_title(element, "")
                self._take(title)
            entries.append({"title": title, "node": self.node(element, key, depth + 1)})
            shown += 1
        return {"kind": "list", "items": entries, "more": len(value) - shown}

    def sections(self, value: dict, skip: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
        """Lay out an object's fields: its short fields first, then one titled block per long one.

        Scalars go first so that they get the character budget before any
        big nested collection does: they are what a reader scans for.
        """
        short: list[dict[str, Any]] = []
        blocks: list[dict[str, Any]] = []
        shown = 0
        for scalars in (True, False):
            for key, inner in value.items():
                if _is_scalar(inner) != scalars or key in skip:
                    continue
                if shown >= self.limits.fields or self.exhausted:
                    break
                label = _humanise(str(key))
                self._take(label)
                child = self.node(inner, str(key), 1)
                if _is_block(child):
                    blocks.append({"kind": "block", "label": label, "node": child})
                else:
                    short.append({"label": label, "node": child})
                shown += 1
        groups = [{"kind": "fields", "fields": short}] if short else []
        groups.extend(blocks)
        hidden = len(value) - shown - len(skip & value.keys())
        if hidden > 0:
            groups.append(
                {"kind": "more", "text": f"{hidden:,} more fields not shown on this page"}
            )
        return groups


def _is_block(node: dict[str, Any]) -> bool:
    """Tell whether a node needs its own section rather than a table row."""
    return node["kind"] in ("object", "list", "para", "html", "image")


# --------------------------------------------------------------------------
# Theme


def _valid_colour(value: Any, default: str) -> str:
    """Return ``value`` as ``#rrggbb`` if it is one CSS colour, else ``default``."""
    # parse_css_color only ever returns "#rrggbb", so whatever the theme holds,
    # nothing but a normalised hex colour reaches the stylesheet.
    return parse_css_color(value) or default


def _ink_on(*backgrounds: str) -> str:
    """Pick white or near-black text, whichever reads better on all ``backgrounds``."""
    return readable_text_on(*backgrounds, dark=_DARK_INK)


def _palette(theme: Any) -> dict[str, str]:
    """Validate a theme and derive the colours the stylesheet needs.

    Every value comes out as ``#rrggbb``: nothing from the theme reaches the
    CSS without being parsed and re-serialised by ``parse_css_color``;
    invalid values fall back to ``DEFAULT_THEME``. Unreadable combinations
    (text the colour of the background) are corrected rather than trusted.
    """
    theme = theme if isinstance(theme, dict) else {}
    colours = {
        name: _valid_colour(theme.get(name), default) for name, default in DEFAULT_THEME.items()
    }
    background, text = colours["background"], colours["text"]
    if contrast_ratio(text, background) < 4.5:
        text = _ink_on(background)
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
        "on_header": _ink_on(primary, colours["secondary"]),
        "on_accent": _ink_on(colours["accent"]),
        "link": primary if contrast_ratio(primary, background) >= 4.5 else text,
    }


# --------------------------------------------------------------------------
# Rendering

_environment: jinja2.Environment | None = None


def _env() -> jinja2.Environment:
    """Return the template environment, built on first use."""
    global _environment
    if _environment is None:
        _environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _environment


def _text(value: Any, limit: int) -> str:
    """Return an untrusted header string as bounded plain text."""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return ""
    return truncate(" ".join(_plain(str(value)[: limit * 4]).split()), limit, at_word=True)


def _header(site: Any, intent: Any) -> dict[str, str]:
    """Return the bounded, plain-text header fields of a page."""
    site = site if isinstance(site, dict) else {}
    intent = intent if isinstance(intent, dict) else {}
    intent_id = intent.get("id")
    if not isinstance(intent_id, str) or not intent_id:
        raise ValueError("intent needs a string id")
    return {
        "site_title": _text(site.get("title"), 120) or "Site",
        "site_subtitle": _text(site.get("subtitle"), 240),
        "intent_id": intent_id,
        "intent_title": _text(intent.get("title"), 160) or _humanise(intent_id),
        "intent_description": _text(intent.get("description"), 600),
        "intent_icon": _text(intent.get("icon"), 16),
    }


def _is_empty(data: Any) -> bool:
    if data is None:
        return True
    if isinstance(data, str):
        return not data.strip()
    return isinstance(data, list | dict) and not data


def render_intent_page(
    *,
    site: dict,
    intent: dict,
    data: Any,
    theme: dict,
    page: int = 1,
    links: AppLinks | None = None,
) -> str | None:
    """Render one listing page of an intent as a standalone HTML document.

    Collections become card grids (``PAGE_SIZE`` cards per page, each linking
    to its item's detail page); other objects become sections; empty data
    gives a "Nothing here yet" page. Returns None when ``page`` does not exist
    (page 1 always does).
    """
    links = links or AppLinks()
    header = _header(site, intent)
    collection = _collect(data)
    pages = max(1, math.ceil(len(collection) / PAGE_SIZE))
    if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= pages:
        return None
    intent_id = header["intent_id"]
    context: dict[str, Any] = {
        **header,
        "colours": _palette(theme),
        "home_href": links.home(),
        "intent_href": links.intent(intent_id, 1),
        "page": page,
        "pages": pages,
        "total": len(collection),
        "groups": [],
        "sections": [],
        "scalar": None,
        "empty": False,
        "prev_href": links.intent(intent_id, page - 1) if page > 1 else "",
        "next_href": links.intent(intent_id, page + 1) if page < pages else "",
        "page_title": header["intent_title"],
    }
    if pages > 1:
        context["page_title"] = f"{header['intent_title']} (page {page} of {pages})"
    if len(collection):
        start = (page - 1) * PAGE_SIZE
        groups: list[dict[str, Any]] = []
        for index in range(start, min(start + PAGE_SIZE, len(collection))):
            record = collection.record(index)
            if not groups or groups[-1]["label"] != record.group:
                groups.append({"label": record.group, "cards": []})
            groups[-1]["cards"].append(_card(record, index, links, intent_id))
        context["groups"] = groups
        if page == 1 and collection.extras:
            # The extras get the budget left once the cards are accounted for.
            limits = _Limits(depth=3, string=1_000, list_items=20, fields=30, chars=40_000)
            context["sections"] = _Viewer(limits).sections(collection.extras)
    elif isinstance(data, dict) and not _is_empty(data):
        context["sections"] = _Viewer(_LISTING_LIMITS).sections(data)
    elif not _is_empty(data) and _is_scalar(data):
        context["scalar"] = _Viewer(_LISTING_LIMITS).node(data, intent_id)
    else:
        context["empty"] = True
    return _env().get_template("generated/listing.html").render(context)


def render_detail_page(
    *,
    site: dict,
    intent: dict,
    data: Any,
    item_id: str,
    theme: dict,
    links: AppLinks | None = None,
) -> str | None:
    """Render the detail page of one item as a standalone HTML document.

    Shows every field of the item (long strings and deep nesting bounded),
    with links back to the listing page that holds the item and to the
    site's home. Returns None when no item has ``item_id``.
    """
    links = links or AppLinks()
    header = _header(site, intent)
    collection = _collect(data)
    try:
        index = collection.ids.index(item_id)
    except ValueError:
        return None
    record = collection.record(index)
    intent_id = header["intent_id"]
    item = record.value
    title, _ = _item_title(item, f"Item {index + 1}", record.fallback_title)
    viewer = _Viewer(_DETAIL_LIMITS)
    hero = None
    prices: list[dict[str, str]] = []
    skip: frozenset[str] = frozenset()
    if isinstance(item, dict):
        fields = _first_fields(item)
        image = _find_image(fields)
        if image is not None and viewer._take(image[1] + image[2]):
            hero = {"src": image[1], "alt": image[2] or title}
            # The hero already shows a single-image field; a gallery still gets its section.
            if not isinstance(item[image[0]], list):
                skip = frozenset({image[0]})
        prices = [{"label": label, "text": text} for _, label, text in _prices(fields)]
    viewer._take(title)
    if isinstance(item, dict):
        sections = viewer.sections(item, skip) if item else []
        scalar = None
    else:
        sections = []
        scalar = viewer.node(item, "value")
    page_number = index // PAGE_SIZE + 1
    context = {
        **header,
        "colours": _palette(theme),
        "home_href": links.home(),
        "intent_href": links.intent(intent_id, page_number),
        "page_title": title,
        "item_title": title,
        "group": record.group,
        "hero": hero,
        "prices": prices,
        "sections": sections,
        "scalar": scalar,
        "empty": _is_empty(item),
    }
    return _env().get_template("generated/detail.html").render(context)
