"""Normalise one record (a dish, a home, a post) into typed fields a page can show.

``normalise(item, hints)`` reads any JSON object with the vocabulary of
``vocab``: it picks the title, subtitle, description and body, images, price
with its currency, dates, address, contact details, rating, opening hours,
badges and the few key facts a person compares, and leaves out ids,
references, hashes, bookkeeping timestamps and colours. What is left is kept,
in document order, for the detail page; a value already shown is never shown
twice. Pure and bounded: at most ``MAX_FIELDS`` fields of one record are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from html import unescape as html_unescape
from itertools import islice
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..text import normal_key, truncate
from . import values as v
from .unwrap import first_translation, is_language_list
from .vocab import (
    ADDRESS_KEYS,
    BADGE_KEYS,
    BODY_KEYS,
    CURRENCY_KEYS,
    DATE_KEYS,
    DATED_KINDS,
    DESCRIPTION_KEYS,
    DRAFT_STATUS,
    EDITOR_SEGMENTS,
    EMAIL_KEYS,
    FACT_KEYS,
    FACT_UNITS,
    HIDDEN_FLAGS,
    HIDDEN_KEYS,
    HOURS_KEYS,
    IMAGE_URL_KEYS,
    IMAGE_WORDS,
    OFFER_STATUS_KEYS,
    PERIOD_KEYS,
    PERIODS,
    PHONE_KEYS,
    PRICE_KEYS,
    PRICE_WORDS,
    PUBLISHED_FLAGS,
    RATING_KEYS,
    RENT_WORDS,
    SOCIAL_KEYS,
    STAY_KEYS,
    SUBTITLE_KEYS,
    TITLE_KEYS,
    URL_KEYS,
    WEAK_TITLE_KEYS,
    is_hidden_key,
    word_set,
    words,
)

MAX_FIELDS = 200
TITLE_MAX = 160
SUBTITLE_MAX = 200
CARD_TEXT_MAX = 240
BADGE_MAX = 40
MAX_BADGES = 6
MAX_IMAGES = 24

# Fields folded into their record: a listing's home, an event's place, a product's offer.
_ABSORB = frozenset(
    [
        "about",
        "mainentity",
        "itemoffered",
        "details",
        "specs",
        "specifications",
        "attributes",
        "property",
        "propertydetails",
        "home",
        "listing",
        "facts",
        "info",
        "stats",
        "values",  # Coda's row: {name, values: {column: value}}
    ]
)
# Last words of members that hold more of the record ("volumeInfo", "saleInfo").
_ABSORB_LAST = frozenset({"info"})
# First words of such members that are about someone or something else.
_SOMEONE_ELSES = frozenset(
    {"contact", "author", "seller", "owner", "user", "shipping", "billing", "payment", "host",
     "organizer", "organiser", "artist", "creator", "venue", "location", "store", "shop",
     "company", "business", "legal", "tax", "access", "accessibility", "search", "match"}
)  # fmt: skip
# Boolean flags worth a badge when true, with the words a person uses.
_FLAG_LABELS = {
    "veg": "Vegetarian",
    "vegetarian": "Vegetarian",
    "vegan": "Vegan",
    "glutenfree": "Gluten-free",
    "gf": "Gluten-free",
    "dairyfree": "Dairy-free",
    "nutfree": "Nut-free",
    "spicy": "Spicy",
    "organic": "Organic",
    "halal": "Halal",
    "kosher": "Kosher",
    "new": "New",
    "bestseller": "Bestseller",
    "onsale": "On sale",
    "soldout": "Sold out",
    "petfriendly": "Pet friendly",
    "furnished": "Furnished",
    "parking": "Parking",
    "garden": "Garden",
    "pool": "Pool",
}
_DIET_URLS = {
    "vegetariandiet": "Vegetarian",
    "vegandiet": "Vegan",
    "glutenfreediet": "Gluten-free",
    "halaldiet": "Halal",
    "kosherdiet": "Kosher",
    "lowlactosediet": "Low lactose",
    "diabeticdiet": "Diabetic",
    "lowcaloriediet": "Low calorie",
    "lowfatdiet": "Low fat",
    "lowsaltdiet": "Low salt",
    "hindudiet": "Hindu",
}
_STATUS_HIDDEN = DRAFT_STATUS | frozenset(
    [
        "publish",
        "published",
        "active",
        "live",
        "public",
        "enabled",
        "available",
        "instock",
        "draft",
        "open",
        "accepted",
        "approved",
        "confirmed",
        "eventscheduled",
        "newcondition",
        "onlineonly",
        "instoreonly",
        "limitedavailability",
        "none",
        "null",
        "ok",
    ]
)
_STATUS_KEYS = word_set(
    "status state availability eventstatus stockstatus standardstatus mlsstatus"
)
_PLATFORM_TYPES = word_set(
    "post page entry attachment revision navmenuitem wpblock simple variable grouped external "
    "node story document item record object row"
)
# A value that is a reference (Mongo ObjectId, UUID, long hex), never something to read.
_REFERENCE_ID = re.compile(
    r"[0-9a-f]{24}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)
_CURRENCY_SYMBOL = re.compile(r"[$€£¥₹]")
_NOT_AMOUNT = re.compile(r"[^\d.]+")  # what a shown price drops to become a number
_UNIT_CODES = {"FTK": "sq ft", "MTK": "m²", "SQF": "sq ft", "SQM": "m²", "ACR": "acres"}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Hints:
    """What a collection tells about all its records (currency, minor units, lookups)."""

    currency: str = ""
    base_url: str = ""
    kind: str = ""  # the collection's kind name (``homes``, ``menu``...)
    refs: dict[str, str] = field(default_factory=dict)  # referenced id -> title
    ref_groups: dict[str, str] = field(default_factory=dict)  # referenced id -> its list's label
    title_key: str = ""  # the field that names each record, when a page plan chose one
    subtitle_key: str = ""  # ... the field shown under its name
    image_key: str = ""  # ... the field holding its picture
    price_key: str = ""  # ... the field holding its price
    fact_keys: tuple[str, ...] = ()  # ... the fields shown first, as its key facts
    field_order: tuple[str, ...] = ()  # ... the order of its other fields (detail pages)
    summary_key: str = ""  # ... the field whose text sums it up (detail pages)


@dataclass
class Image:
    src: str
    alt: str = ""


@dataclass
class Fact:
    label: str
    text: str
    href: str = ""


@dataclass
class Record:
    """One record as a person reads it."""

    title: str = ""
    subtitle: str = ""
    description: str = ""  # plain text, short: for cards
    body: v.LazyRichHtml | None = None  # sanitised HTML: for detail pages (made when shown)
    images: list[Image] = field(default_factory=list)
    price: str = ""
    price_label: str = ""
    was_price: str = ""  # the price before a sale
    date: str = ""  # display text ("12 Mar 2026, 19:30")
    date_sort: str = ""  # sortable ISO text
    rating: str = ""
    address: str = ""
    address_is_one_line: bool = False  # written as one string ("1428 Alder Creek Rd, Bend")
    facts: list[Fact] = field(default_factory=list)  # key facts: card shows the first three
    badges: list[str] = field(default_factory=list)
    contact: list[Fact] = field(default_factory=list)  # phone, email, social
    links: list[Fact] = field(default_factory=list)  # the record's own pages (tickets, website)
    hours: list[tuple[str, str]] = field(default_factory=list)
    rest: list[tuple[str, Any]] = field(default_factory=list)  # (label, value) for the detail
    key_facts: list[Fact] = field(default_factory=list)  # chosen by a page plan: labelled
    summary: str = ""  # chosen by a page plan: one paragraph that sums the record up

    @property
    def image(self) -> Image | None:
        return self.images[0] if self.images else None

    def card_facts(self, limit: int = 3) -> list[Fact]:
        """The facts a card shows: the first ``limit`` (facts are kept best first)."""
        return self.facts[:limit]


# --------------------------------------------------------------------------
# Labels


def humanise(key: str, limit: int = 60) -> str:
    """Turn a key into a label: ``unitPrice`` -> ``Unit price``, ``dc:creator`` -> ``Creator``."""
    key = key.rsplit(".", 1)[-1] if "." in key else key
    key = key.rsplit(":", 1)[-1] if ":" in key[1:] else key  # XML namespaces: dc:, media:
    parts = words(key)
    if not parts:
        return truncate(key.strip(), limit) or "Value"
    label = " ".join(parts)
    return truncate(label[0].upper() + label[1:], limit, at_word=True)


def _ref_label(key: str) -> str:
    parts = words(key)
    while parts and parts[-1] in ("id", "ids", "ref", "refs", "uuid"):
        parts = parts[:-1]
    if not parts:
        return "Related"
    label = " ".join(parts)
    return label[0].upper() + label[1:]


# --------------------------------------------------------------------------
# Publication state


_PUBLICATION_KEYS = frozenset(
    {"status", "poststatus", "state", "publicationstatus", "privacystatus", "visibility"}
)


# Flags about publishing only, read also when written as text: "private", "active" or
# "live" written as text describe the thing itself (a private school, a dormant volcano).
_PUBLISHING_FLAGS = frozenset(
    {"published", "ispublished", "draft", "isdraft", "hidden", "ishidden", "deleted",
     "isdeleted", "unpublished", "trashed", "intrash", "archived", "isarchived"}
)  # fmt: skip


def _written_flag(value: Any, norm: str) -> bool | None:
    """Return True or False for a flag written as text, else None: a machine's "1" or "0"
    under any flag (PrestaShop's "active": "0"), words ("false", "no") only under a flag
    about publishing ("private": "Yes" describes a school)."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if text in ("1", "0"):
        return text == "1"
    if norm not in _PUBLISHING_FLAGS or text not in ("true", "yes", "false", "no"):
        return None
    return text in ("true", "yes")


def is_unpublished(item: Any) -> bool:
    """Tell whether a record is a draft, unpublished, archived or deleted."""
    if not isinstance(item, dict):
        return False
    for key, value in islice(item.items(), 60):
        norm = normal_key(key)
        if norm in _PUBLICATION_KEYS:
            if isinstance(value, str) and normal_key(value) in DRAFT_STATUS:
                return True
            if isinstance(value, dict) and any(  # YouTube: status.privacyStatus "private"
                normal_key(inner_key) in _PUBLICATION_KEYS
                and isinstance(inner, str)
                and normal_key(inner) in DRAFT_STATUS
                for inner_key, inner in islice(value.items(), 20)
            ):
                return True
        elif norm in PUBLISHED_FLAGS:
            if value is False or _written_flag(value, norm) is False:
                return True
        elif norm in HIDDEN_FLAGS:
            if value is True or _written_flag(value, norm) is True:
                return True
        elif norm == "publishedat" and value is None and "createdAt" in item:
            return True  # Strapi: a draft has publishedAt null
        elif norm == "id" and isinstance(value, str) and value.startswith("drafts."):
            return True
        elif _removed_title(norm, value) or (
            isinstance(value, dict)  # YouTube: snippet.title "Deleted video"
            and any(_removed_title(normal_key(k), v) for k, v in islice(value.items(), 20))
        ):
            return True  # what a platform leaves of removed content
    return False


def _removed_title(norm: str, value: Any) -> bool:
    return (
        norm in ("title", "name")
        and isinstance(value, str)
        and (value.strip().casefold() in _REMOVED_TITLES)
    )


# Titles platforms give what was removed or made private (YouTube, Reddit).
_REMOVED_TITLES = frozenset({"deleted video", "private video", "[deleted]", "[removed]"})


# --------------------------------------------------------------------------
# Finding values


def _image(value: Any, base_url: str, key_is_image: bool, depth: int = 0) -> Image | None:
    """Return the image a value holds: a URL, ``{url, alt}``, a size map, a media object."""
    if depth > 3:
        return None
    if isinstance(value, str):
        url = _absolute(value, base_url)
        if url and (key_is_image or v.looks_like_image_url(url)) and not v.is_other_media_url(url):
            return Image(url)
        return None
    if not isinstance(value, dict):
        return None
    alt = ""
    for alt_key in ("alt", "alt_text", "altText", "alternativeText", "caption", "title", "name"):
        if isinstance(value.get(alt_key), str) and value[alt_key].strip():
            alt = v.plain_text(value[alt_key], 200)
            break
    mime = (
        value.get("mimeType")
        or value.get("mime")
        or value.get("type")
        or value.get("encodingFormat")
    )
    imagey = key_is_image or (isinstance(mime, str) and mime.startswith("image/")) or "alt" in value
    by_norm = {normal_key(k): k for k in islice(value, 60)}
    if _only_sizes(by_norm, value) or _sized(value, _address_text) >= 2:  # the size a page needs
        sized = _sized_url(value, base_url, imagey or _only_sizes(by_norm, value))
        if sized:
            return Image(sized, alt)
    for url_key in IMAGE_URL_KEYS:
        if url_key in by_norm:
            inner = value[by_norm[url_key]]
            if isinstance(inner, str):
                url = _absolute(inner, base_url)
                if (
                    url
                    and (imagey or v.looks_like_image_url(url))
                    and not v.is_other_media_url(url)
                ):
                    return Image(url, alt)
            elif isinstance(inner, dict):
                found = _image(inner, base_url, imagey, depth + 1)
                if found:
                    return Image(found.src, found.alt or alt)
    if not imagey and keys_of(value) & {"name", "title", "label", "fullname", "displayname"}:
        return None  # a person or a thing with a picture, not a picture
    sized = _sized_url(value, base_url, imagey)
    if sized:
        return Image(sized, alt)
    return _nested_image(value, base_url, imagey, alt, depth)


def _nested_image(value: dict, base_url: str, imagey: bool, alt: str, depth: int) -> Image | None:
    """The picture one member down: size maps ({"formats": {"large": {"url"}}}), renditions
    lists, HAL's {"_links": {large_crop: {href}}}."""
    for nested_key in (
        "formats", "sizes", "image", "asset", "fields", "data", "thumbnail", "uri", "external",
        "file", "_links",
    ):  # fmt: skip
        nested = value.get(nested_key)
        if isinstance(nested, list):  # Vimeo's sizes: [{width, link}, …]
            found = _widest_needed(nested, base_url)
            if found:
                return Image(found, alt)
        if (
            isinstance(nested, dict) and _sized(nested, _address_object) >= 2
        ):  # {large_crop: {href}}
            found = _sized_url(nested, base_url, True)
            if found:
                return Image(found, alt)
        if isinstance(nested, dict):
            for size in ("large", "medium", "full", "original", "small", "url", "src"):
                if size in nested:
                    found = _image(nested[size], base_url, True, depth + 1)
                    if found:
                        return Image(found.src, found.alt or alt)
            found = _image(nested, base_url, imagey, depth + 1)
            if found:
                return Image(found.src, found.alt or alt)
    return None


_SIZE_IN_KEY = re.compile(r"\d{2,4}")
_CARD_WIDTH = 1000  # the largest size a card or detail page needs
_MIN_CARD_WIDTH = 300  # below it a thumbnail: a card would blur it


# Keys of image files that are not the record's picture (a QR code, a map, an icon).
_NOT_PICTURES = frozenset(
    {"qr", "qrcode", "barcode", "code", "icon", "favicon", "map", "signature", "badge"}
)
# Members that hold the picture itself beside its sizes ({thumb, image}: Cloudbeds).
_PICTURE_MEMBERS = frozenset({"image", "photo", "picture", "full", "original"})


def _size_named(name: str) -> int:
    """The width a key names ("url_570xN": 570, "medium_url": 320), or 0."""
    found = _SIZE_IN_KEY.search(name[:40])
    if found:
        return int(found.group())
    norm = normal_key(name)[-12:]
    if norm in _SIZE_WORDS:
        return _SIZE_WORDS[norm]
    return max((_SIZE_WORDS.get(token, 0) for token in words(name[:40])), default=0)


def _address_text(inner: Any) -> bool:
    return isinstance(inner, str) and inner[:4] == "http"


def _address_object(inner: Any) -> bool:
    return isinstance(inner, dict) and any(isinstance(inner.get(k), str) for k in ("url", "href"))


def _sized(value: dict, holds) -> int:
    """How many of an object's members ``holds`` a picture under a key naming a size: as
    texts ("square_url", "medium_url"), or as objects ({large_crop: {href}})."""
    return sum(
        1 for key, inner in islice(value.items(), 30) if holds(inner) and _size_named(str(key))
    )


def _widest_needed(sizes: list, base_url: str) -> str:
    """Of a list of renditions ({width, link|url|src}), the one a page needs."""
    options: list[tuple[tuple[int, int], str]] = []
    for size in islice(sizes, 30):
        if not isinstance(size, dict) or type(size.get("width")) is not int:
            continue
        src = next((size[k] for k in ("link", "url", "src") if isinstance(size.get(k), str)), "")
        url = _absolute(src, base_url)
        if url:
            options.append((_size_rank("", size["width"]), url))
    return max(options)[1] if options else ""


def _size_rank(name: str, width: Any) -> tuple[int, int]:
    """How well a size suits a page: the widest up to _CARD_WIDTH first, then larger ones;
    beside named sizes, a URL under no size is the full picture."""
    if isinstance(width, int) and width > 0:
        size = width
    else:
        size = _size_named(name)
        if not size:
            return (1, -_SIZE_WORDS["original"])
    if _MIN_CARD_WIDTH <= size <= _CARD_WIDTH:
        return (2, size)  # the widest a page needs
    return (1, -size) if size > _CARD_WIDTH else (0, size)  # too large, else a thumbnail


# Widths sizes are named by (YouTube's thumbnails, Etsy's "fullxfull"...).
_SIZE_WORDS = {
    "maxres": 1280, "standard": 640, "high": 480, "medium": 320, "default": 120,
    "mega": 1200, "extralarge": 1000,  # named larger than "large", whatever the vendor
    "highres": 900, "fullxfull": 1200, "large": 800, "small": 200, "thumb": 100,
    "original": 2000, "thumbnail": 150,
    "square": 75, "tiny": 50, "hidpi": 1600, "normal": 400, "teaser": 200, "preview": 400,
    "hd": 1920, "hdurl": 1920, "regular": 1080,
}  # fmt: skip


def _only_sizes(by_norm: dict[str, str], value: dict) -> bool:
    """An object whose URLs are all under size names ({medium: url, original: url})."""
    urls = [norm for norm, key in by_norm.items() if isinstance(value[key], str)]
    return len(urls) >= 2 and all(norm in _SIZE_WORDS for norm in urls)


def _sized_url(value: dict, base_url: str, imagey: bool) -> str:
    """The best-sized image of an object that offers several under URL-like keys
    (``url_570xN``, ``highResUrl``) or as a size map (``{default: {url, width}, high:
    {...}}``): the widest up to a page's need."""
    options: list[tuple[tuple[int, int], str]] = []
    for key, inner in islice(value.items(), 30):
        norm = normal_key(str(key))
        if isinstance(inner, str) and (
            "url" in norm or "src" in norm or norm in _SIZE_WORDS or norm in _PICTURE_MEMBERS
        ):
            url = _absolute(inner, base_url)
            if url and (imagey or v.looks_like_image_url(url)):
                options.append((_size_rank(str(key), None), url))
        elif isinstance(inner, dict) and imagey:
            src = next((inner[k] for k in ("url", "href") if isinstance(inner.get(k), str)), "")
            url = _absolute(src, base_url)  # HAL's {large_crop: {href}}
            if url:
                options.append((_size_rank(str(key), inner.get("width")), url))
    return max(options)[1] if options else ""


def keys_of(value: dict) -> set[str]:
    return {normal_key(k) for k in islice(value, 60) if isinstance(k, str)}


_WIX_IMAGE = "wix:image://v1/"


def _absolute(url: str, base_url: str) -> str:
    text = url.strip()
    if text.startswith(_WIX_IMAGE):  # Wix's media URI: the file id on its media host
        media = text[len(_WIX_IMAGE) :].split("/", 1)[0].split("#", 1)[0]
        return f"https://static.wixstatic.com/media/{media}" if media else ""
    if text.startswith("/") and not text.startswith("//") and base_url:
        text = urljoin(base_url, text)
    elif base_url and _relative_image_path(text):
        # Joomla's "images/news/quiz.jpg#joomlaImage://…": a file under the site's address
        text = urljoin(base_url.rstrip("/") + "/", text.split("#", 1)[0])
    return v.http_url(text)


def _relative_image_path(text: str) -> bool:
    """A site-relative image file's path ("images/news/quiz.jpg"): a folder, then a file;
    never a host without its scheme ("i.imgur.com/a.jpg") nor a bare file name."""
    path = text.split("#", 1)[0]
    folder, slash, _file = path.partition("/")
    return (
        0 < len(path) <= 500
        and bool(slash and folder)
        and "." not in folder
        and " " not in path
        and ":" not in path
        and v.is_image_path(path.lower())
    )


def _images(key: str, value: Any, base_url: str) -> list[Image]:
    key_is_image = bool(IMAGE_WORDS.intersection(words(key)))
    if isinstance(value, list) and value and all(isinstance(x, dict) for x in value[:50]):
        order_key = next((k for k in ("Order", "order", "position", "sort") if k in value[0]), None)
        if order_key and all(isinstance(x.get(order_key), int) for x in value[:50]):
            value = sorted(value[:MAX_IMAGES], key=lambda x: x[order_key])  # RESO Media order
    if isinstance(value, list):
        best = _best_size(value, base_url)
        if best is not None:
            return [best]
        found = []
        for element in islice(value, MAX_IMAGES):
            image = _image(wrapped_text(element), base_url, key_is_image)
            if image:
                found.append(image)
        return found
    image = _image(wrapped_text(value), base_url, key_is_image)
    return [image] if image else []


def _best_size(value: list, base_url: str) -> Image | None:
    """One picture given in several sizes ([{size: "small", "#text": url}, ...]): the size
    that suits a page best; None for a list of other shapes."""
    options = []
    for element in islice(value, 12):
        if not isinstance(element, dict) or not isinstance(element.get("size"), str):
            return None
        url = wrapped_text({k: x for k, x in element.items() if k != "size"})
        url = _absolute(url, base_url) if isinstance(url, str) else ""
        if not url or not v.looks_like_image_url(url):
            return None
        options.append((_size_rank(element["size"], None), url))
    return Image(max(options)[1]) if len(options) >= 2 else None


def _short_texts(value: Any, limit: int = BADGE_MAX) -> list[str]:
    """Short strings of a badge-like value: a string, a list of strings or of named objects."""
    found: list[str] = []
    elements = value if isinstance(value, list) else [value]
    for element in islice(elements, 12):
        if isinstance(element, dict):
            element = element.get("name") or element.get("title") or element.get("label")
        if isinstance(element, str):
            norm = normal_key(element)
            if norm in _DIET_URLS or element.startswith(
                ("https://schema.org/", "http://schema.org/")
            ):
                label = _DIET_URLS.get(normal_key(element.rsplit("/", 1)[-1]))
                if label:
                    found.append(label)
                continue
            text = v.plain_text(element, limit + 1)
            if "_" in text and " " not in text:
                text = text.replace("_", " ")  # an identifier: "all_levels" -> "All levels"
            if 0 < len(text) <= limit and not v.http_url(text):
                found.append(text[0].upper() + text[1:] if text.islower() else text)
    return found


def _rating(value: Any) -> str:
    if isinstance(value, dict):
        score = v.number(value.get("ratingValue", value.get("value", value.get("average"))))
        count = v.number(value.get("reviewCount", value.get("ratingCount", value.get("count"))))
        if not score:  # no rating yet ("average_rating": "0.00")
            return ""
        text = f"★ {v.format_count(score)}"
        if count:
            noun = "review" if count == 1 else "reviews"
            text += f" ({v.format_count(count)} {noun})"
        return text
    score = v.number(value)
    if score is None or not 0 < score <= 10:
        return ""
    return f"★ {v.format_count(score)}"


_SUBSCRIPTION_WORDS = frozenset({"subscription", "recurrence", "recurrences", "interval"})
_PER_PHRASE = re.compile(
    r"\bper\s+(night|month|week|year|day|hour|person|guest|head)\b", re.IGNORECASE
)


def _one_or_two_words(value: Any) -> bool:
    return isinstance(value, str) and len(value.split()) <= 2


def _per_phrase(text: Any) -> str:
    """The period a price's description says it is paid per ("Per site, per night.")."""
    if not isinstance(text, str):
        return ""
    found = _PER_PHRASE.search(text[:200])
    return PERIODS.get(found.group(1).lower(), "") if found else ""


# Fields beside a price that say what it is for ("priceNote", "price_basis").
_PRICE_NOTE_WORDS = frozenset({"note", "notes", "basis", "unit", "info", "label", "terms"})
# Who a price option is for, when it is per head ("Adult", "Child (8-15)", "Student").
_PEOPLE_PRICED = frozenset(
    {"adult", "adults", "child", "children", "kid", "kids", "student", "students", "senior",
     "seniors", "person", "persons", "people", "guest", "guests", "participant",
     "participants", "infant", "infants", "youth", "concession", "pupil", "pupils"}
)  # fmt: skip
# Members of a price object that say its period ("billing_cycle": {"interval": "month"}).
_PERIOD_MEMBERS = ("suffix", "unit", "period", "interval", "cycle")


def _shown_period(text: Any) -> str:
    """The period after a shown price's amount ("£6.00/month", "$15 per week"), or ""."""
    if not isinstance(text, str) or len(text) > 60:
        return ""
    last_digit = max((i for i, c in enumerate(text) if c.isdigit()), default=-1)
    tail = text[last_digit + 1 :].strip().lower() if last_digit >= 0 else ""
    # "/month", "per week": a period; "(valid 12 months)" is how long, not what per
    return _period_in(tail) if tail.startswith(("/", "per ", "a ")) else ""


def _period_in(text: Any) -> str:
    """The period a text names ("per month", "€/mes", "monthly"), or ""."""
    if not isinstance(text, str) or len(text) > 60:
        return ""
    before = ""
    for word in words(text.replace("/", " ")):
        if word in PERIODS:
            # "30 days" is no daily price: a count other than one before it says so.
            return "" if before.isdigit() and before != "1" else PERIODS[word]
        before = word
    return ""


def price_period(fields: list[tuple[str, Any]], price_key: str, price: Any) -> str:
    """What a price is paid per ("month", "night"...), or "" for a one-off price.

    Evidence, strongest first: the price's own key (``price_per_night``, ``monthlyRent``);
    a suffix inside the price (idealista's ``currencySuffix: "€/mes"``); a period field
    beside it (``period: "monthly"``); a status or operation that makes it a rent ("For
    rent": a month); fields of a stay (``minNights``: a night).
    """
    own = _period_in(" ".join(words(price_key)))
    if own:
        return own
    if words(price_key) in (["room", "rate"], ["room", "rates"]):
        return "night"  # a room's rate ("roomRate"): hotels price rooms by the night
    offer = price[0] if isinstance(price, list) and price else price
    if isinstance(offer, dict):
        for key, inner in islice(_flat_strings(offer), 20):
            if any(word in key.lower() for word in _PERIOD_MEMBERS):
                found = _period_in(inner)
                if found:
                    return found
            if "description" in key.lower() or "title" in key.lower():
                found = _per_phrase(inner)  # a fee "Per site, per night."
                if found:
                    return found
            label = words(inner)
            if key.lower() in ("label", "name", "displayname", "display_name") and (
                label[:1] and label[0] in _PEOPLE_PRICED and all(w.isdigit() for w in label[1:])
            ):
                return "person"  # a price option for "Adult", "Child (8-15)"
    keys = [(normal_key(key), key, value) for key, value in fields]
    for norm, key, value in keys:
        parts = set(words(key))
        options = parts & {"price", "prices"} and isinstance(value, list) and value is not price
        if options and price_period([], "", value) == "person":  # Rezdy's options: "Adult"
            return "person"
        # "subscription_duration": "monthly", "defaultPriceType": "hourly" (a period alone,
        # not "1 Monthly Road")
        by_word = (_SUBSCRIPTION_WORDS & parts or {"price", "type"} <= parts) and (
            _one_or_two_words(value)
        )
        if (norm in PERIOD_KEYS or by_word) and _period_in(value):
            return _period_in(value)
        if _shown_price_key(key) and _shown_period(value):
            return _shown_period(value)  # the shop shows "£6.00/month"
        noted = isinstance(value, str) and "not per" not in value.lower()
        if "price" in parts and parts & _PRICE_NOTE_WORDS and noted and _per_phrase(value):
            return _per_phrase(value)  # "priceNote": "per person, shared twin room"
    for norm, _key, value in keys:
        rent = isinstance(value, str) and len(value) <= 40 and RENT_WORDS & set(words(value))
        if norm in OFFER_STATUS_KEYS and rent:
            return "month"
    if any(norm in STAY_KEYS for norm, _key, _value in keys):
        return "night"
    return ""


def _flat_strings(value: dict, depth: int = 0):
    """(key, string) pairs of a small object and the objects in it (two levels)."""
    for key, inner in value.items():
        if isinstance(inner, str):
            yield str(key), inner
        elif isinstance(inner, dict) and depth < 2:
            yield from _flat_strings(inner, depth + 1)


def _hours(value: Any) -> list[tuple[str, str]]:
    """Opening hours as ``(days, hours)`` rows from the shapes sites use."""
    rows: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for key, inner in islice(value.items(), 14):
            if normal_key(key) in _WEEKDAYS or len(value) <= 14:
                text = _hours_text(inner)
                if text:
                    rows.append((humanise(key), text))
        return rows
    if isinstance(value, str):
        text = v.plain_text(value, 200)
        return [("", text)] if text else []
    if not isinstance(value, list):
        return rows
    for element in islice(value, 21):
        if isinstance(element, str):
            text = v.plain_text(element, 120)
            if text:
                rows.append(("", text))
            continue
        if not isinstance(element, dict):
            continue
        days = (
            element.get("day")
            or element.get("dayOfWeek")
            or element.get("days")
            or element.get("label")
            or element.get("name")
        )
        day_names = _short_texts(days if isinstance(days, list) else [days], 40) if days else []
        day_names = [d.rsplit("/", 1)[-1] if "/" in d else d for d in day_names]
        day_text = ", ".join(day_names)
        rows.append((day_text, _hours_text(element) or ""))
    return [row for row in rows if row[0] or row[1]]


def _hours_text(value: Any) -> str:
    if isinstance(value, str):
        return v.plain_text(value, 80)
    if not isinstance(value, dict):
        return ""
    if value.get("closed") is True or value.get("isClosed") is True:
        return "Closed"
    opens = value.get("opens") or value.get("open") or value.get("from") or value.get("start")
    closes = value.get("closes") or value.get("close") or value.get("to") or value.get("end")
    if opens and closes:
        start = v.time_of(opens) or v.plain_text(opens, 10)
        end = v.time_of(closes) or v.plain_text(closes, 10)
        return f"{start}–{end}"
    for key in ("hours", "time", "times", "text", "value"):
        if isinstance(value.get(key), str):
            return v.plain_text(value[key], 80)
    return ""


def _fact_with_unit(key: str, value: Any) -> Fact | None:
    norm = normal_key(key)
    unit_entry = FACT_UNITS.get(norm)
    if unit_entry is None:
        return None
    amount = v.number(value)
    if isinstance(value, dict):
        amount = v.number(value.get("value"))
    if amount is None or amount < 0:
        return None
    unit = unit_entry[1]
    if isinstance(value, dict) and isinstance(value.get("unitCode"), str):
        unit = _UNIT_CODES.get(value["unitCode"].upper(), unit)
    label = _UNIT_LABELS.get(unit, humanise(key))  # "BathroomsTotalInteger" reads "Bathrooms"
    if unit == "serving":
        return Fact(label, f"Serves {v.format_count(amount)}")
    if unit == "min" and amount > 600:  # seconds or milliseconds, not minutes
        return Fact(label, _minutes_text(_as_minutes(amount)))
    if unit in ("bed", "bath", "room", "guest") and amount != 1:
        unit += "s"
    return Fact(label, f"{v.format_count(amount)} {unit}")


def _as_minutes(amount: float) -> int:
    """A bare duration in minutes: up to ten hours it is minutes already; beyond, seconds
    (Vimeo's 1,234) or, from ten hours of seconds up, milliseconds (SoundCloud's 518,246)."""
    if amount <= 600:
        return round(amount)
    return round(amount / 60) if amount < 36_000 else round(amount / 60_000)


def _minutes_text(minutes: int) -> str:
    """Minutes as a person says them ("45 min", "2 h 8 min", "1 h")."""
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    return f"{minutes // 60} h {minutes % 60} min".replace(" 0 min", "")


_UNIT_LABELS = {"bed": "Bedrooms", "bath": "Bathrooms", "room": "Rooms", "sq ft": "Area",
                "m²": "Area", "guest": "Capacity", "serving": "Servings"}  # fmt: skip


_ISO_DURATION = re.compile(r"^P(?:T)?(?:(\d{1,4})H)?(?:(\d{1,4})M)?$")
_DURATION_WORDS = frozenset({"prep", "cook", "total", "duration", "reading", "runtime", "length"})


def _duration_fact(key: str, value: Any) -> Fact | None:
    """``prep_time: 20`` or ``prepTime: "PT20M"`` as "Prep time 20 min"."""
    parts = set(words(key))
    if not parts & _DURATION_WORDS:
        return None
    # "total" says minutes only beside "time" ("total_time"); "TotalBooked": 14 counts people.
    timed = bool(parts & _DURATION_WORDS - {"total"}) or "time" in parts
    minutes = None
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 600 and timed:
        minutes = value
    elif isinstance(value, str) and _ISO_DURATION.match(value.strip().upper()):
        hours, mins = _ISO_DURATION.match(value.strip().upper()).groups()
        minutes = int(hours or 0) * 60 + int(mins or 0)
    if not minutes:
        return None
    text = _minutes_text(minutes)
    label = humanise(key)
    return Fact(label, f"{label.split(' ')[0]} {text}" if "time" in parts else text)


def _measure(value: Any) -> str:
    """A QuantitativeValue ``{value, unitCode}`` or a number as text."""
    if isinstance(value, dict):
        amount = v.number(value.get("value"))
        if amount is None:
            return ""
        unit = value.get("unitText") or _UNIT_CODES.get(str(value.get("unitCode", "")).upper(), "")
        return f"{v.format_count(amount)} {unit}".strip()
    amount = v.number(value)
    if amount is not None and not isinstance(value, str):
        return v.format_count(amount) if not (1800 <= amount <= 2100) else str(int(amount))
    return v.plain_text(value, 120)


# --------------------------------------------------------------------------
# The record


# Where a wrapper object keeps its one text ({"#text": ...} from XML, {"$t": ...} from
# GData, {"rendered": ...}, {"plain_text": ...}, {"label": ...}, {"value": ...}).
_TEXT_MEMBERS = (
    "#text", "$t", "_text", "_content", "rendered", "plain_text", "text", "label", "value"
)  # fmt: skip


def wrapped_text(value: Any) -> Any:
    """A small object that only wraps one text (beside attributes without words: a size, a
    language, a format), as that text; anything else as it is."""
    if not isinstance(value, dict) or not 1 <= len(value) <= 4:
        return value
    member = next((key for key in _TEXT_MEMBERS if isinstance(value.get(key), str)), None)
    if member is None or not value[member].strip():
        return value
    # XML attributes ("@attr", "@size") travel with the text they describe.
    others = [v for k, v in value.items() if k != member and not str(k).startswith("@")]
    if any(isinstance(v, dict | list) or (isinstance(v, str) and " " in v.strip()) for v in others):
        return value  # a second text, or structure: not a wrapper
    if any(normal_key(str(k)) in _QUALIFYING_MEMBERS for k in value if k != member):
        return value  # {"value": "89.00", "currency": "USD"}: money, read as a whole
    return value[member]


# Members that say what a wrapped value counts: its currency or its unit.
_QUALIFYING_MEMBERS = CURRENCY_KEYS | {"unit", "units", "unitcode", "per", "period"}


def _fields_of(item: dict) -> list[tuple[str, Any]]:
    """The record's own fields plus those of absorbed sub-objects, without empties."""
    fields: list[tuple[str, Any]] = []
    own = set()
    absorbed = _absorbed_members(item)
    for key, value in islice(item.items(), MAX_FIELDS):
        if not isinstance(key, str) or _empty(value):
            continue
        if key in absorbed:
            continue  # absorbed below, after the record's own fields
        fields.append((key, _one_text(wrapped_text(value))))
        own.add(normal_key(key))
    for key, value in islice(item.items(), MAX_FIELDS):
        if key in absorbed:
            for inner_key, inner in islice(value.items(), 60):
                if (
                    isinstance(inner_key, str)
                    and not _empty(inner)
                    and normal_key(inner_key) not in own
                ):
                    fields.append((inner_key, inner))
                    own.add(normal_key(inner_key))
    return fields


# The last word of a member that holds a record's own words ("ClassDescription",
# "suggestedTexts"), read as the record's when it has no title of its own.
_WORDS_MEMBERS = frozenset(
    {"description", "texts", "text", "details", "info", "content", "data", "attributes", "fields"}
)


def _absorbed_members(item: dict) -> set[str]:
    """The members whose fields are read as the record's: the usual containers (details,
    specs, a listing's home), and one holding the title of a record without one."""
    absorbed = {
        key
        for key, value in islice(item.items(), MAX_FIELDS)
        if isinstance(key, str)
        and isinstance(value, dict)
        and (normal_key(key) in _ABSORB or _more_of_the_record(key, value))
        and not _image(value, "", False)
    }
    if any(names_the_record(str(key)) for key in islice(item, MAX_FIELDS)):
        return absorbed
    for key, value in islice(item.items(), MAX_FIELDS):
        if (
            isinstance(key, str)
            and isinstance(value, dict)
            and (words(key)[-1:] or [""])[0] in _WORDS_MEMBERS
            and any(normal_key(str(inner)) in TITLE_KEYS for inner in islice(value, 60))
        ):
            return absorbed | {key}
    return absorbed


def _more_of_the_record(key: str, value: dict) -> bool:
    """A member named as more of the record ("saleInfo") that names nothing of its own
    (a "seller_info" with a name is someone else)."""
    inner = list(islice(value.items(), 60))
    return (
        (words(key)[-1:] or [""])[0] in _ABSORB_LAST
        and not set(words(key)) & _SOMEONE_ELSES  # "contact_info", "seller_info"
        and not any(names_the_record(str(k)) for k, _ in inner)
        # words of its own ("FOR_SALE", a price): a search hit's scores are plumbing
        and any(isinstance(x, str) and any(c.isalpha() for c in x) for _, x in inner)
    )


def names_the_record(key: str) -> bool:
    """A key that names its record: a title key, or one ending in name or title
    ("product_title", "event_name")."""
    return normal_key(key) in TITLE_KEYS or (words(key)[-1:] or [""])[0] in ("name", "title")


def _one_text(value: Any) -> Any:
    """A list that holds one text (Crossref's "title": ["…"]) or one text in several
    languages as that text (its first language's); an Editor.js
    document kept as a JSON string as its HTML; a text fenced in backticks (Coda's rich
    text: "```Six Saturday mornings…```") as the text inside."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        return value[0]
    if isinstance(value, list) and value and is_language_list(value):
        return first_translation(value)  # PrestaShop's [{"id": "1", "value": "…"}, …]
    if isinstance(value, str) and len(value) > 6 and value[:3] == "```" == value[-3:]:
        inner = value[3:-3]
        return inner.strip() if "```" not in inner else value
    if isinstance(value, str) and value.startswith("{"):
        html = v.editor_blocks_html(value)
        return value if html is None else html
    return value


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | dict) and not value


def _pick_title(fields: list[tuple[str, Any]], hints: Hints) -> str | None:
    """Return the key of the title field, or None."""
    if hints.title_key and _title_text(_value(fields, hints.title_key)):
        return hints.title_key  # chosen by a page plan, and this record has it
    by_norm: dict[str, str] = {}
    for key, value in fields:
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            by_norm.setdefault(normal_key(key), key)
    coded = None  # a title-named field holding an id ("name": "t3_5j7s2gw"): the last resort
    for name in TITLE_KEYS:
        text = _title_text(_value(fields, by_norm[name])) if name in by_norm else ""
        if text and _id_like(text):
            coded = coded or by_norm[name]
        elif text:
            return by_norm[name]
    if coded is not None:
        return coded
    summary = by_norm.get("summary")  # iCalendar: an event's summary is its title
    if summary and "description" in by_norm and len(_title_text(_value(fields, summary))) <= 120:
        return summary
    if hints.kind == "homes":
        return None  # a home is called by its address (below), not by its agent's name
    for key, value in fields:
        parts = words(key)
        if (
            parts
            and parts[-1] in ("name", "title")
            and not is_hidden_key(key)
            and _title_text(value)
        ):
            return key
    return None


# Fields whose values are a program's choices, shown as words ("event_type": "PHYSICAL");
# others keep theirs as written (a coupon "WELCOME_10", a handle "ana_ruiz").
# A value in capitals joined by underscores ("NOT_MATURE", "FOR_SALE") is a program's code
# under any key.
_SCREAMING_CODE = re.compile(r"[A-Z]{2,20}(?:_[A-Z]{2,20}){1,6}")
_CODE_KEYS = frozenset({"sku", "code", "ref", "barcode", "ean", "upc", "isbn", "mpn", "gtin"})
_ENUM_WORDS = frozenset(
    {"type", "status", "kind", "mode", "format", "level", "condition", "state", "made",
     "visibility", "availability", "category", "class", "tier"}
)  # fmt: skip
_FILE_EXTENSIONS = frozenset(
    ["jpg", "jpeg", "png", "gif", "webp", "avif", "svg", "pdf", "mp4", "mov", "heic"]
)


def _is_file_name(text: str) -> bool:
    """Tell whether a text is a file's name ("morning-bun.jpg"), by string methods (no
    regular expression to backtrack on hostile text)."""
    stem, dot, extension = text.rpartition(".")
    return bool(
        dot
        and 0 < len(stem) <= 120
        and extension.lower() in _FILE_EXTENSIONS
        and all(c.isalnum() or c in "_.-" for c in stem)
    )


def _id_like(text: str) -> bool:
    """Tell whether a one-word text is an identifier ("t3_5j7s2gw", "52977"). (A file's
    name has already become words: see ``_title_text``.)"""
    if any(c.isspace() for c in text):
        return False
    digits = sum(c.isdigit() for c in text)
    if text.isdigit():
        return len(text) >= 5  # "52977"; an album called "25" or a novel "1984" is a title
    return bool(digits) and "_" in text  # "t3_5j7s2gw"; a model "WH-1000XM5" is a name


def _pick_weak_title(fields: list[tuple[str, Any]]) -> str | None:
    """The key of a field that can name a record without a name (a review's author)."""
    by_norm: dict[str, str] = {}
    for key, value in fields:
        if isinstance(value, str | dict):
            by_norm.setdefault(normal_key(key), key)
    for name in WEAK_TITLE_KEYS:
        if name in by_norm and _title_text(_value(fields, by_norm[name])):
            return by_norm[name]
    return None


def _value(fields: list[tuple[str, Any]], key: str) -> Any:
    """A field's value; a dotted key ("AddressInfo.Title", chosen by evidence over the
    collection) reads one member down."""
    for name, value in fields:
        if name == key:
            return value
    member, dot, inner = key.partition(".")
    if dot:
        holder = _value(fields, member)
        return holder.get(inner) if isinstance(holder, dict) else None
    return None


_RESOURCE_PATH = re.compile(r"^[\w.-]+(?:/[\w.-]+){2,}$")


def _title_text(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return v.format_count(value)
    if isinstance(value, dict):  # a person: {"displayName": ..., "uri": ...}
        value = value.get("displayName") or value.get("name") or value.get("text")
    text = v.plain_text(value, TITLE_MAX)
    if v.http_url(text) or _RESOURCE_PATH.match(text):
        return ""  # a URL or an API resource path ("places/ChIJ…/reviews/…") names nothing
    if _is_file_name(text):  # "morning-bun.jpg" reads "Morning bun"
        stem = " ".join(text.rsplit(".", 1)[0].replace("_", " ").replace("-", " ").split())
        return stem[:1].upper() + stem[1:]
    return text


def _is_date_key(key: str) -> bool:
    norm = normal_key(key)
    if norm in DATE_KEYS:
        return True
    if norm.endswith(("airdate", "airstamp", "releasedate", "eventdate")):
        return True  # one-word compounds: TVmaze's "airdate", "airstamp"
    parts = words(key)
    if parts[:1] == ["date"] and len(parts) == 2 and parts[1] in _DAY_OF:
        return True  # pretix's "date_from", "date_to"; ArcGIS's "Date Dedicated"
    return (
        bool(parts)
        and parts[-1]
        in (
            "date",
            "at",
            "on",
            "time",
            "start",
            "end",
            "when",
            "published",
            "starts",
            "begins",
            "dt",
            "datetime",
        )  # Teamup's "start_dt"
        and not _BOOKKEEPING_PARTS & set(parts)
    )


_BOOKKEEPING_PARTS = frozenset({"created", "updated", "modified", "deleted", "synced", "imported"})
# What a "date_…" key's second word says the day is: the record's own, never when it was
# added or joined ("date_added" is a shop's bookkeeping).
_DAY_OF = frozenset(
    {"from", "to", "begin", "end", "start", "dedicated", "opened", "held", "performed",
     "taken", "released", "recorded", "founded", "built", "unveiled", "installed"}
)  # fmt: skip


@dataclass
class _Reading:
    """One record being read: its fields, what the rules chose so far, what is shown."""

    fields: list[tuple[str, Any]]
    hints: Hints
    currency: str
    minor: bool
    record: Record = field(default_factory=Record)
    used: set[str | None] = field(default_factory=set)
    shown: set[str] = field(default_factory=set)
    was_prices: list[Any] = field(default_factory=list)
    description_rank: float = len(DESCRIPTION_KEYS)
    description_key: str | None = None
    body_rank: float = len(BODY_KEYS)
    body_key: str | None = None
    image_rank: tuple[int, int] | None = None  # of the first picture, when its key has a size

    def show(self, text: str) -> str:
        """Note ``text`` as shown (it is never shown twice) and return it."""
        if text:
            self.shown.add(text.casefold())
        return text

    def take(self, key: str | None) -> None:
        """Mark field ``key`` as read."""
        self.used.add(key)


@dataclass(frozen=True)
class _Field:
    """One field of a record with the names the rules match on."""

    key: str
    value: Any
    norm: str  # the normalised name, XML namespace dropped ("media:title" -> "title")
    parts: frozenset[str]  # the words of that name
    key_parts: frozenset[str]  # the words of the whole key ("media:content" is an image)

    @classmethod
    def of(cls, key: str, value: Any) -> _Field:
        local = key.rsplit(":", 1)[-1] if ":" in key[1:] else key  # XML namespaces (RSS)
        return cls(key, value, normal_key(local), frozenset(words(local)), frozenset(words(key)))


def normalise(item: Any, hints: Hints | None = None, fallback_title: str = "") -> Record:
    """Read one record as a person would (see the module docstring)."""
    hints = hints or Hints()
    if not isinstance(item, dict):
        if isinstance(item, list):
            return Record(title=fallback_title, rest=[("Entries", item)])
        return Record(title=_title_text(item) or fallback_title)
    fields = _fields_of(item)
    currency, minor = _money_context(item, fields, hints.currency)
    reading = _Reading(fields, hints, currency, minor)
    _read_title(reading, fallback_title)
    for key, value in fields:
        if key not in reading.used:
            _read_field(reading, _Field.of(key, value))
    _finish(reading, item, fallback_title)
    return reading.record


def _read_field(reading: _Reading, one: _Field) -> str:
    """Apply the field rules in order until one reads the field; the rule's name, or ''."""
    for rule in FIELD_RULES:
        if rule(reading, one):
            return rule.__name__
    return ""


# Platforms whose APIs document prices in minor units (cents), each told by fields only
# its records carry together: one row per platform.
_MINOR_UNIT_PLATFORMS = (
    frozenset({"pricetype", "defaulttaxrates", "isrevenue"}),  # Clover inventory items
    frozenset({"priceinfo", "quantityinfo", "taxinfo"}),  # Uber Eats menu items
    frozenset({"minprice", "canbebought", "pwindows"}),  # itch.io games
    frozenset({"printproviderid", "blueprintid"}),  # Printify products
    frozenset({"imagelookupkeys", "variants"}),  # Zettle products
    frozenset({"pricingmodel", "itemfamilyid"}),  # Chargebee item prices
    frozenset({"lengthinminutes", "minimumbookingnotice"}),  # Cal.com event types
    frozenset({"length", "minimumbookingnotice"}),  # Cal.com event types (API v1)
)


def _money_context(item: dict, fields: list[tuple[str, Any]], currency: str) -> tuple[str, bool]:
    """The record's currency (its own fields, else the collection's) and whether its
    prices count minor units (cents)."""
    minor = False
    for key, value in fields:
        norm = normal_key(key)
        if norm in CURRENCY_KEYS or words(key)[:1] == ["currency"]:  # "currency_id"
            currency = v.currency_code(value) or currency
        elif norm in ("country", "addresscountry", "countrycode") and not currency:
            currency = _COUNTRY_CURRENCY.get(normal_key(str(value))[:20], "")
        elif "price" not in norm:
            continue
        elif not currency and _CURRENCY_SYMBOL.search(key[:60]):
            # a table's column named with its currency (Baserow's "Price (£)")
            currency = v.currency_code(_CURRENCY_SYMBOL.search(key[:60]).group())
        elif _shown_price_key(key) and isinstance(value, str):
            # WooCommerce's price_html "&#36;18.00", Ecwid's "…PriceFormatted": "€45.00"
            shown = html_unescape(value[:400])[:200]
            symbol = _CURRENCY_SYMBOL.search(shown)
            currency = currency or (v.currency_code(symbol.group()) if symbol else "")
            minor = minor or _shown_in_major(item.get("price"), shown)
        elif norm in ("pricemin", "pricevaries") and isinstance(item.get("price"), int):
            minor = True  # Shopify's AJAX product: prices in minor units
    if any("cents" in words(key) or "minor" in words(key) for key, _ in fields):
        minor = True
    norms = {normal_key(key) for key, _ in fields}
    if any(signature <= norms for signature in _MINOR_UNIT_PLATFORMS):
        minor = True
    if type(item.get("unit_amount")) is int and item.get("object") in ("price", "plan"):
        minor = True  # Stripe documents a price's unit_amount in the currency's minor unit
    return currency, minor


_SHOWN_WORDS = frozenset({"formatted", "display", "html", "text", "label"})
_SHOWN_AMOUNT = re.compile(r"[$€£¥₹]\s?(\d[\d,]{0,15}(?:\.\d{1,4})?)")


def _shown_in_major(raw: Any, shown: str) -> bool:
    """Tell whether a price shown as text ("£95.00") is the raw price (9500) in major units:
    the record's own evidence that its numbers count cents."""
    found = _SHOWN_AMOUNT.search(shown)  # the amount beside the symbol, not "12-month"
    if type(raw) is not int or raw < 100 or not found:
        return False
    amount = v.number(found.group(1).replace(",", ""))
    return amount is not None and amount != raw and round(amount * 100) == raw


def _shown_price_key(key: str) -> bool:
    """A key holding a price as the shop shows it ("price_html", "priceFormatted")."""
    parts = set(words(key))
    return "price" in parts and bool(parts & _SHOWN_WORDS)


def _read_title(reading: _Reading, fallback_title: str) -> None:
    """The record's title: a title-like field, a weak one (an author), else the fallback."""
    fields, hints = reading.fields, reading.hints
    title_key = _pick_title(fields, hints)
    if title_key is None and not fallback_title:
        title_key = _pick_weak_title(fields)
    if title_key is None and fallback_title:
        reading.record.title = reading.show(fallback_title)
    if title_key is not None:
        reading.record.title = reading.show(_title_text(_value(fields, title_key)))
    reading.take(title_key)


# The field rules. Each reads one field into the record and says whether it did (True:
# no later rule sees that field). ``FIELD_RULES`` states their precedence.


def _reference_rule(r: _Reading, f: _Field) -> bool:
    """References to other records (roomId, speakers: [ids]) read as their titles."""
    refs = r.hints.refs
    if not refs or f.norm in ("id", "uuid", "key") or f.norm in HIDDEN_KEYS:
        return False
    titles = _referenced(f.value, refs) if _ref_shaped(f.value) else []
    if not titles:
        return False
    for label, text in _ref_facts(f.key, f.value, titles, r.hints):
        r.record.facts.append(Fact(label, r.show(text)))
    r.take(f.key)
    return True


def _machine_value_rule(r: _Reading, f: _Field) -> bool:
    """A value no person reads is never shown: an unresolved reference id
    ("65b2a1c3d4e5f60718293a4b") or a schema's type tag ("youtube#playlistItem")."""
    if _is_reference(f.value) or v.is_type_tag(f.value):
        r.take(f.key)
        return True
    return False


def _hidden_rule(r: _Reading, f: _Field) -> bool:
    """Ids, hashes, bookkeeping and colours are not shown."""
    if (
        (
            is_hidden_key(f.key)
            and f.norm not in _STATUS_KEYS
            and f.key.lower() != "type"
            and f.norm != "options"
        )
        or _editor_link(f.value)
        or _api_link(f.value)
    ):
        r.take(f.key)
        return True
    return False


def _api_link(value: Any) -> bool:
    """A link into the platform's API ("https://api.…", "…/api/2/constituency/…"): data for
    programs, never a page for a visitor."""
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return False
    host, _, path = value[:300].partition("://")[2].partition("/")
    return host.lower().startswith("api.") or path.lower().startswith(("api/", "wp-json/"))


def _editor_link(value: Any) -> bool:
    """A link into the platform's editor ("https://…/admin/events/…", "/wp-admin/…", "…/1/edit"):
    the owner's only. A picture's address is never one (an upload folder may be "admin")."""
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return False
    lower = value[:300].lower()
    if "admin" not in lower and "/edit" not in lower:
        return False  # most links: no need to read the path
    if v.looks_like_image_url(value):
        return False
    path = [part.lower() for part in value.split("?", 1)[0].split("#", 1)[0].split("/")[3:12]]
    return bool(path) and (path[0] in EDITOR_SEGMENTS or path[-1] == "edit")


def _status_rule(r: _Reading, f: _Field) -> bool:
    """A status reads as a badge when it tells a visitor something ("Sold", "Cancelled")."""
    if f.norm not in _STATUS_KEYS or not isinstance(f.value, str):
        return False
    r.take(f.key)
    badge = _status_badge(f.value, listing=r.hints.kind == "homes")
    if badge and len(f.value.strip()) > 1:  # "status": "A" is a code, no word for a visitor
        r.record.badges.append(r.show(badge))
    return True


def _type_rule(r: _Reading, f: _Field) -> bool:
    """A short ``type`` ("Loft") is a badge; a platform's type ("post", "wp_block") is not."""
    if f.key.lower() != "type":
        return False
    r.take(f.key)
    value = f.value
    if (
        isinstance(value, str)
        and normal_key(value) not in _PLATFORM_TYPES
        and 1 < len(value.strip()) <= 40  # "type": "I" is a code
        and not any(mark in value for mark in ".-/_")
        and not _CLASS_NAME.fullmatch(value.strip())  # "StandardEventType": a platform's class
    ):
        text = value.strip()
        if _SCREAMING_CODE.fullmatch(text):
            text = v.readable_code(text)
        r.record.badges.append(r.show(_spoken(text)))
    return True


_CLASS_NAME = re.compile(r"(?:[A-Z][a-z0-9]+){2,6}")


def _options_rule(r: _Reading, f: _Field) -> bool:
    """A product's options ({name, values}) read as facts ("Size: S, M, L")."""
    if f.norm != "options" or not isinstance(f.value, list):
        return False
    r.take(f.key)
    for option in f.value[:6]:
        if isinstance(option, dict) and isinstance(option.get("values"), list):
            names = [str(x) for x in option["values"][:20] if isinstance(x, str | int)]
            if names and names != ["Default Title"]:
                label = plain_text_label(option.get("name")) or "Options"
                r.record.facts.append(Fact(label, r.show(", ".join(names))))
    return True


def _variants_rule(r: _Reading, f: _Field) -> bool:
    """Variants are read as a whole after the fields (see ``_variant_prices``)."""
    if f.norm in ("variants", "variations") and isinstance(f.value, list):
        r.take(f.key)
        return True
    return False


def _flag_rule(r: _Reading, f: _Field) -> bool:
    """A true flag a visitor cares about is a badge ("Vegan"); platform flags say nothing."""
    if not isinstance(f.value, bool):
        return False
    r.take(f.key)
    label = _FLAG_LABELS.get(f.norm) or _FLAG_LABELS.get(f.norm.removeprefix("is"))
    if f.value and label:
        r.record.badges.append(r.show(label))
    elif f.value and f.norm in ("isfree", "free") and not r.record.price:
        r.record.price, r.record.price_label = r.show("Free"), "Price"
    return True


def _currency_rule(r: _Reading, f: _Field) -> bool:
    """A currency field is read with the price (``_money_context``)."""
    if f.norm in CURRENCY_KEYS:
        r.take(f.key)
        return True
    return False


def _schedule_rule(r: _Reading, f: _Field) -> bool:
    """When a class meets ("Mon & Wed 7:00 am"): worth a place on its card."""
    if f.norm in ("schedule", "times", "when") and isinstance(f.value, str):
        r.record.facts.append(Fact(humanise(f.key), r.show(v.plain_text(f.value, 80))))
        r.take(f.key)
        return True
    return False


def _hours_rule(r: _Reading, f: _Field) -> bool:
    """Opening hours in any of their shapes."""
    if f.norm not in HOURS_KEYS or isinstance(f.value, int | float):
        return False
    rows = _hours(f.value)
    if rows:
        r.record.hours = rows
        r.take(f.key)
    return bool(rows)


def _offer_details_rule(r: _Reading, f: _Field) -> bool:
    """Ticket or offer details once the price is known."""
    if r.record.price and f.norm in PRICE_KEYS and isinstance(f.value, dict | list):
        r.take(f.key)
        return True
    return False


def _was_price_rule(r: _Reading, f: _Field) -> bool:
    """A former price, shown beside the price when it is higher (``_was_price``)."""
    if f.norm in _WAS_PRICE_KEYS:
        r.take(f.key)
        r.was_prices.append(f.value)
        return True
    return False


def _price_rule(r: _Reading, f: _Field) -> bool:
    """The first price-like field, with its currency, period and availability; a cost
    beside a price is what the shop paid, never shown (Lightspeed's defaultCost)."""
    if r.record.price or not (
        f.norm in PRICE_KEYS or (f.parts & PRICE_WORDS and "range" not in f.parts)
    ):
        return False
    if f.parts & {"cost", "costs"} and not f.parts & {"price", "prices"} and _priced(r):
        r.take(f.key)
        return True
    # A "money" object ({amount, currency}: Square's price_money) counts minor units.
    in_minor = r.minor or ("money" in f.parts and isinstance(f.value, dict))
    text = v.price_text(f.value, r.currency, minor=in_minor)
    if not text:
        return False
    for offer in f.value if isinstance(f.value, list) else [f.value]:
        if isinstance(offer, dict) and isinstance(offer.get("availability"), str):
            badge = _status_badge(offer["availability"])
            if badge:
                r.record.badges.append(r.show(badge))
            break
    if f.parts & {"from", "starting"} and not text.startswith("From"):
        text = f"From {text}"  # priceFrom: 89 -> "From 89"
    per = price_period(r.fields, f.key, f.value)
    r.record.price = r.show(f"{text}/{per}" if per and "/" not in text else text)
    r.record.price_label = (
        humanise(f.key) if f.norm not in ("price", "offers", "offer") else "Price"
    )
    r.take(f.key)
    return True


def _priced(r: _Reading) -> bool:
    """Tell whether another field of the record, named as its price, gives one."""
    return any(
        {"price", "prices"} & set(words(key)) and v.price_text(value, r.currency, minor=r.minor)
        for key, value in r.fields
    )


def _images_rule(r: _Reading, f: _Field) -> bool:
    """Pictures: image-named fields, and objects or lists of objects that hold images."""
    value = f.value
    # An image file's address names itself, whatever its key ("beer_label": "….jpeg").
    image_file = (
        isinstance(value, str)
        and value[:4] == "http"
        and not f.key_parts & _NOT_PICTURES
        and v.looks_like_image_url(v.http_url(value.strip()))
    )
    if not (
        f.key_parts & IMAGE_WORDS
        or image_file
        or (isinstance(value, dict | list) and f.norm not in BODY_KEYS)
    ):
        return False
    found = _images(f.key, value, r.hints.base_url)
    elements = value if isinstance(value, list) else [value]
    if found and (
        f.key_parts & IMAGE_WORDS or image_file or all(isinstance(x, dict) for x in elements)
    ):
        known = r.record.images
        for image in found:
            if all(image.src != k.src for k in known) and len(known) < MAX_IMAGES:
                known.append(image)
        _best_sized_first(r, f.key, found[0], isinstance(value, str))
        r.take(f.key)
        return True
    if f.parts & IMAGE_WORDS and not isinstance(value, str) or _is_file_object(value):
        r.take(f.key)  # an image we cannot show (a relative path, a file id): never its metadata
        return True
    return False


def _best_sized_first(r: _Reading, key: str, image: Image, single: bool) -> None:
    """Of pictures under keys named by size ("image_125_H", "image_480x270"), the one that
    suits a page best comes first; a picture under a key without a size ("image") stays
    first, as the record's own, and one picture (not a gallery) goes before a thumbnail or
    an oversized one read before it (Reddit's "thumbnail", APOD's "hdurl", then "url")."""
    if _SIZE_IN_KEY.search(key[:40]) or _SIZE_WORDS.keys() & set(words(key)):
        rank = _size_rank(key, None)
    else:
        rank = (9, 0)  # the main picture: no size-named key goes before it
    if r.image_rank is None:
        r.image_rank = rank
        return
    if rank > r.image_rank and (rank[0] < 9 or (r.image_rank[0] < 2 and single)):
        r.image_rank = rank
        images = r.record.images
        if image in images:
            images.remove(image)
            images.insert(0, image)


def _publication_date_rule(r: _Reading, f: _Field) -> bool:
    """A team member's or a product's publication date is bookkeeping."""
    if _is_date_key(f.key) and f.parts & _PUBLICATION and r.hints.kind not in DATED_KINDS | {""}:
        r.take(f.key)
        return True
    return False


def _date_rule(r: _Reading, f: _Field) -> bool:
    """The record's date (a start and an end make a range); later dates are facts."""
    if not _is_date_key(f.key) or isinstance(f.value, list):
        return False
    when = f.value
    if isinstance(when, dict):  # Eventbrite {local, utc}, Google {dateTime}, CSL date-parts
        when = next((when[k] for k in _DATE_MEMBERS if when.get(k)), None) or _date_parts(when)
    parsed = v.parse_date(_in_local_time(when, r.fields))
    if not parsed:
        return _time_of_day(r, f, when)
    r.take(f.key)
    record, parts = r.record, f.parts
    if parts & _WINDOW_WORDS and parts & _EDGE_WORDS:  # when tickets go on sale: no event date
        record.facts.append(Fact(humanise(f.key), r.show(parsed[1])))
    elif (
        parts & (_PUBLICATION | {"post"})
        and r.hints.kind in _HAPPENINGS
        and _starts_later_in(r.fields, f.key)
    ):
        pass  # Craft's postDate before an event's eventStart: when it was announced
    elif not record.date:
        record.date_sort, record.date = parsed[0], r.show(parsed[1])
    elif parts & {"end", "endsat", "enddate", "endtime", "ends", "to"}:
        if parsed[2] and parsed[1].split(", ")[0] == record.date.split(", ")[0]:
            record.date = r.show(f"{record.date}–{parsed[1].rsplit(', ', 1)[-1]}")
        else:
            record.date = r.show(f"{record.date} – {parsed[1]}")
    elif not parts & {"published", "publish", "posted", "pub"}:
        record.facts.append(Fact(humanise(f.key), r.show(parsed[1])))
    return True


def _starts_later_in(fields: list[tuple[str, Any]], before: str) -> bool:
    """Tell whether a record has a start date besides ``before`` (an event's start beside
    the date its page was posted)."""
    return any(
        key != before
        and _is_date_key(key)
        and (set(words(key)) & _START_WORDS or normal_key(key) == "eventdate")
        and not set(words(key)) & _WINDOW_WORDS  # a ticket sale's start is no event's
        for key, _ in islice(fields, 60)
    )


_START_WORDS = frozenset({"start", "starts", "begin", "begins"})
_HAPPENINGS = frozenset({"events", "schedule", "classes", "talks"})


# A date that opens or closes a window around the record (its sale, its sign-up): a window
# word with an edge word ("presale_start"); an auction's "sale_date" is its date.
_WINDOW_WORDS = frozenset(
    {"presale", "sale", "sales", "onsale", "registration", "signup", "enrollment",
     "enrolment", "application", "applications", "booking", "bookings"}
)  # fmt: skip
_EDGE_WORDS = frozenset(
    {"start", "starts", "end", "ends", "open", "opens", "close", "closes", "from", "until"}
)


def _time_of_day(r: _Reading, f: _Field, when: Any) -> bool:
    """A time of day beside a date without one ("date": "2025-03-22", "start_time":
    "19:30:00"): the date's time, or the end of its span."""
    timed = (
        f.parts & {"start", "starts", "end", "ends", "begins"}
        or f.norm == "time"
        or (len(f.parts) == 2 and "time" in f.parts and "event" in f.parts)  # Legistar's
    )
    clock = v.time_of(when) if timed and isinstance(when, str) and len(when) <= 8 else ""
    date = r.record.date
    if not clock or not date or (", " in date and "–" in date):
        return False
    if ", " not in date:
        r.record.date = r.show(f"{date}, {clock}")
    elif f.parts & {"end", "endtime", "ends", "endsat"}:
        r.record.date = r.show(f"{date}–{clock}")
    else:
        return False
    r.take(f.key)
    return True


_ZONE_KEYS = frozenset({"timezone", "timezoneid", "timezonename", "tz", "eventtimezone"})


def _in_local_time(when: Any, fields: list[tuple[str, Any]]) -> Any:
    """A UTC time of a record that names its time zone (Humanitix: "2026-05-22T07:00:00Z"
    beside "timezone": "Pacific/Auckland") as the time there; anything else unchanged."""
    if not isinstance(when, str) or not when.endswith(("Z", "+00:00")) or len(when) > 40:
        return when
    zone = next(
        (
            value
            for key, value in fields
            if normal_key(key) in _ZONE_KEYS and isinstance(value, str)
        ),
        "",
    )
    if "/" not in zone or len(zone) > 40:
        return when
    try:
        moment = datetime.fromisoformat(when.replace("Z", "+00:00"))
        return moment.astimezone(ZoneInfo(zone)).isoformat()
    except (ValueError, ZoneInfoNotFoundError):
        return when  # a zone this machine does not know: the time as given


_NOT_PLACE_ADDRESSES = frozenset({"email", "mail", "ip", "mac", "wallet", "web", "bitcoin"})


def _address_rule(r: _Reading, f: _Field) -> bool:
    """The first address, in one line or in its parts."""
    if not (
        f.norm in ADDRESS_KEYS
        or (f.norm == "location" and isinstance(f.value, dict))
        or (words(f.key)[-1:] == ["address"] and not f.parts & _NOT_PLACE_ADDRESSES)
    ):  # "venue_address", "office_address"; never an email or an IP address
        return False
    text = v.address_text(f.value)
    if not text or r.record.address:
        return False
    r.record.address = r.show(text)
    r.record.address_is_one_line = isinstance(f.value, str)
    r.take(f.key)
    return True


def _contact_rule(r: _Reading, f: _Field) -> bool:
    """Phones, emails and social accounts, as links."""
    if not (f.norm in PHONE_KEYS | EMAIL_KEYS | SOCIAL_KEYS or f.parts & {"phone", "email"}):
        return False
    for label, text in _contact_entries(f.key, f.value):
        href = v.link_href(text, f.key)
        if href or text:
            r.record.contact.append(Fact(label, r.show(text), href))
    r.take(f.key)
    return True


def _link_rule(r: _Reading, f: _Field) -> bool:
    """A URL: a photo's own address is its image; a website reads as its host."""
    named_url = {"url", "uri"} & set(words(f.key))  # "url_l": Flickr's large size
    if not (f.norm in URL_KEYS or (named_url and isinstance(f.value, str))):
        return False
    href = v.http_url(f.value) if isinstance(f.value, str) else ""
    if href and v.looks_like_image_url(href):
        r.record.images.append(Image(href, r.record.title))
    elif href and not _platform_link(href):
        label = _link_label(f.norm, r.hints)
        text = _host(href) if label == "Website" else label
        r.record.links.append(Fact(label, text, href))
    r.take(f.key)
    return True


def _rating_rule(r: _Reading, f: _Field) -> bool:
    """A rating ("4.6 ★"); its count is added after the fields (``_rating_count``)."""
    text = _rating(f.value) if f.norm in RATING_KEYS else ""
    if text:
        r.record.rating = r.show(text)
        r.take(f.key)
    return bool(text)


def _unit_fact_rule(r: _Reading, f: _Field) -> bool:
    """A number with its unit ("3 beds", "145 m²"), once per unit, first among facts."""
    unit_fact = _fact_with_unit(f.key, f.value)
    if unit_fact is None:
        return False
    r.take(f.key)
    facts = r.record.facts
    unit = unit_fact.text.split(" ", 1)[-1].rstrip("s")
    if not any(fact.text.split(" ", 1)[-1].rstrip("s") == unit for fact in facts):
        facts.insert(sum(1 for fact in facts if _is_unit(fact)), unit_fact)
        r.show(unit_fact.text)
    return True


def _badges_rule(r: _Reading, f: _Field) -> bool:
    """Tags and labels as badges (short texts not already shown)."""
    if f.norm not in BADGE_KEYS or isinstance(f.value, int | float):
        return False
    if isinstance(f.value, str) and f.value.strip().isdigit() and f.parts & _GROUPING_WORDS:
        r.take(f.key)  # Planyo's "category": "31452": a reference by number, no label
        return True
    texts = [v.readable_code(_tag_value(text)) for text in _short_texts(f.value)]
    for text in texts:
        if text.casefold() not in r.shown:
            r.record.badges.append(r.show(text))
    if texts:
        r.take(f.key)
    return bool(texts)


_GROUPING_WORDS = frozenset({"category", "categories", "collection", "department", "group"})


def _tag_value(text: str) -> str:
    """A machine tag's value ("CATEGORY:Kids" -> "Kids", "TYPE:LESSON" -> "Lesson"); any
    other tag as it is ("charityAndCauses" reads as words later)."""
    prefix, colon, value = text.partition(":")
    if not colon or not prefix.isupper() or not prefix.isalpha() or not value.strip():
        return text
    return _spoken(value.strip())


def _spoken(text: str) -> str:
    """A word written in capitals as a person writes it ("TIER": "Tier"); an acronym of
    three letters or fewer ("VIP") stays."""
    return text.capitalize() if text.isalpha() and text.isupper() and len(text) > 3 else text


def _measure_rule(r: _Reading, f: _Field) -> bool:
    """A size or an area with its unit."""
    if f.norm not in ("floorsize", "lotsize", "size", "area") or not isinstance(
        f.value, dict | int | float
    ):
        return False
    return _labelled_fact(r, f, _measure(f.value))


def _subtitle_rule(r: _Reading, f: _Field) -> bool:
    """The first short subtitle-named text."""
    if f.norm not in SUBTITLE_KEYS or r.record.subtitle or not isinstance(f.value, str):
        return False
    text = v.plain_text(f.value, SUBTITLE_MAX)
    if text and len(text) <= SUBTITLE_MAX - 1:
        r.record.subtitle = r.show(text)
        r.take(f.key)
        return True
    return False


def _text_candidate_rule(r: _Reading, f: _Field) -> bool:
    """Rank a text as the description or the body (chosen after the fields); a text that
    only repeats the title ("SignageText": "THE SALT ROAD") is dropped."""
    if isinstance(f.value, str) and _echoes_title(f.value, r.record.title):
        r.take(f.key)
        return True
    if isinstance(f.value, str):
        rank = _text_rank(f.key, f.norm, DESCRIPTION_KEYS)
        if rank is not None and rank < r.description_rank:
            r.description_rank, r.description_key = rank, f.key
        rank = _text_rank(f.key, f.norm, BODY_KEYS)
        if rank is not None and rank < r.body_rank:
            r.body_rank, r.body_key = rank, f.key
    return False


def _echoes_title(text: str, title: str) -> bool:
    """Tell whether a short text is the title again: the same words, or in capitals and cut
    short as on a sign ("THE SALT ROAD", "SALT ROAD"); a client named at the start of the
    title ("Fennel & Fig" of "Fennel & Fig Restaurant Menus") is a fact of its own."""
    if len(text) > 120 or not _may_echo(text, title):
        return False
    said, named = words(text.casefold()), words(title.casefold())
    if not said or not named or len(said) > len(named):
        return False
    plain = [word for word in named if word != "the"]
    if said in (named, plain):
        return True
    signage = text.isupper()
    return signage and (said == named[: len(said)] or said == plain[: len(said)])


def _may_echo(text: str, title: str) -> bool:
    """A quick test before reading words: the text starts as the title does (or as it
    does without "The")."""
    start = text.lstrip()[:3].casefold()
    named = title.lstrip()[:24].casefold()
    return bool(start) and (named.startswith(start) or named.removeprefix("the ").startswith(start))


def _duration_rule(r: _Reading, f: _Field) -> bool:
    """A duration ("1 h 30 min")."""
    duration = _duration_fact(f.key, f.value)
    if duration is None:
        return False
    r.record.facts.append(Fact(duration.label, r.show(duration.text)))
    r.take(f.key)
    return True


def _fact_rule(r: _Reading, f: _Field) -> bool:
    """A fact a person compares (vocab ``FACT_KEYS``); a slug there ("event":
    "language-cafe") refers to a record by its address and is not shown."""
    if f.norm not in FACT_KEYS or not isinstance(f.value, str | int | float | dict | list):
        return False
    if isinstance(f.value, str) and is_slug(f.value):
        r.take(f.key)
        return True
    return _labelled_fact(r, f, _fact_text(f.value))


def is_slug(text: str) -> bool:
    """An address's last part ("language-cafe"): lower-case letters and digits joined by
    hyphens or underscores (checked without a pattern: a regular expression here would
    backtrack on long runs of letters)."""
    return (
        len(text) <= 200
        and ("-" in text or "_" in text)
        and text[:1].isalnum()
        and text[-1:].isalnum()
        and all(c.isdigit() or c in "-_" or (c.isalpha() and c.islower()) for c in text)
    )


def _labelled_fact(r: _Reading, f: _Field, text: str) -> bool:
    """Read a field as a fact labelled by its name, when it gave a text."""
    if text:
        r.record.facts.append(Fact(humanise(f.key), r.show(text)))
        r.take(f.key)
    return bool(text)


# Precedence: the first rule that reads a field wins; a field no rule reads is kept, in
# document order, for the detail page (``_rest``).
FIELD_RULES = (
    _reference_rule,
    _machine_value_rule,
    _hidden_rule,
    _status_rule,
    _type_rule,
    _options_rule,
    _variants_rule,
    _flag_rule,
    _currency_rule,
    _schedule_rule,
    _hours_rule,
    _offer_details_rule,
    _was_price_rule,
    _price_rule,
    _images_rule,
    _publication_date_rule,
    _date_rule,
    _address_rule,
    _contact_rule,
    _link_rule,
    _rating_rule,
    _unit_fact_rule,
    _badges_rule,
    _measure_rule,
    _subtitle_rule,
    _text_candidate_rule,
    _duration_rule,
    _fact_rule,
)


def _finish(r: _Reading, item: dict, fallback_title: str) -> None:
    """What is read from the record as a whole, once its fields are read."""
    _was_price(r)
    _variant_prices(r, item)
    r.record.facts.sort(key=_fact_rank)
    _rating_count(r)
    _description_and_body(r)
    _creation_date(r)
    if not r.record.title:
        r.record.title = r.show(
            _fallback_title(r.fields, r.used, r.record, r.hints) or fallback_title
        )
    _rest(r)
    r.record.badges = list(dict.fromkeys(r.record.badges))[:MAX_BADGES]
    _planned_roles(r.record, r.fields, r.hints, r.currency, r.minor)


# Kinds whose records are dated by when they were written or put out (a review, a post, a
# question, a show, a job opening, an uploaded track): there their creation time,
# bookkeeping elsewhere, is their date.
_WRITTEN_KINDS = frozenset(
    {"blog", "news", "reviews", "discussions", "questions", "podcast", "videos", "jobs", "tracks"}
)
_CREATED_KEYS = frozenset(
    {"createdat", "created", "datecreated", "createdtime", "createdon", "createdutc",
     "creationdate", "timecreated", "createdate", "createtime"}
)  # fmt: skip


def _creation_date(r: _Reading) -> None:
    """A written record with no date of its own is dated by when it was published (Joomla's
    publish_up), else by its creation."""
    if r.record.date or r.hints.kind not in _WRITTEN_KINDS:
        return
    for keys in (_PUBLISHED_KEYS, _CREATED_KEYS):
        for key, value in r.fields:
            parsed = v.parse_date(value) if normal_key(key) in keys else None
            if parsed:
                r.record.date_sort, r.record.date = parsed[0], r.show(parsed[1])
                return


_PUBLISHED_KEYS = frozenset({"publishup"})


def _was_price(r: _Reading) -> None:
    """A sale: "$15.30, was $18.00"."""
    price = r.record.price
    current = v.number(_NOT_AMOUNT.sub("", price)) if price else None
    for value in r.was_prices:
        amount = v.number(value)
        if current is not None and amount is not None and amount > current:
            r.record.was_price = r.show(v.price_text(value, r.currency, minor=r.minor))
            break


def _variant_prices(r: _Reading, item: dict) -> None:
    """A product's price from its variants ("From $12") and "Sold out" when none is; an
    event's from its ticket types."""
    variants = next(
        (item[k] for k in ("variants", "variations", "ticket_types", "ticketTypes") if k in item),
        None,
    )
    if not (
        isinstance(variants, list) and variants and all(isinstance(x, dict) for x in variants[:50])
    ):
        return
    record = r.record
    if not record.price:
        prices = [x.get("price") for x in variants[:100] if x.get("price") not in (None, "")]
        amounts = sorted((p for p in prices if _amount(p) is not None), key=_amount)
        if amounts:
            currency, minor = _variant_money(variants, r.currency, r.minor)
            text = v.price_text(amounts[0], currency, minor=minor)
            same = _amount(amounts[0]) == _amount(amounts[-1])
            record.price = r.show(text if same else f"From {text}")
            record.price_label = "Price"
        elif not prices:
            _priced_variants(r, variants)
    if all(x.get("available") is False for x in variants[:100]):
        record.badges.insert(0, r.show("Sold out"))


def _amount(price: Any) -> float | None:
    """A price's number: plain, or a money object's amount (Zettle's {amount, currencyId})."""
    if isinstance(price, dict):
        price = price.get("amount", price.get("value"))
    return v.number(price)


def _variant_money(variants: list[dict], currency: str, minor: bool) -> tuple[str, bool]:
    """The currency the variants give when the product gives none, and whether they count
    minor units: Vendure documents its variants' ``price``/``priceWithTax`` in them."""
    for variant in variants[:20]:
        for key, value in islice(variant.items(), 30):
            if normal_key(str(key)) in CURRENCY_KEYS:
                currency = currency or v.currency_code(value)
    vendure = any(
        type(x.get("priceWithTax")) is int and x.get("currencyCode") for x in variants[:20]
    )
    # Ticket Tailor documents a ticket type's price in the currency's smallest unit.
    ticket_tailor = any(x.get("object") == "ticket_type" for x in variants[:20])
    return currency, minor or vendure or ticket_tailor


def _priced_variants(r: _Reading, variants: list[dict]) -> None:
    """The lowest price of variants whose price sits deeper (Square's variations:
    ``item_variation_data.price_money``), each read as a record of its own."""
    hints = Hints(currency=r.currency)
    texts = [normalise(x, hints).price for x in variants[:20] if not x.get("variants")]
    found = [(v.number(_NOT_AMOUNT.sub("", t)), t) for t in texts if t]
    found = sorted((pair for pair in found if pair[0] is not None), key=lambda pair: pair[0])
    if found:
        same = found[0][0] == found[-1][0]
        r.record.price = r.show(found[0][1] if same else f"From {found[0][1]}")
        r.record.price_label = "Price"


def _rating_count(r: _Reading) -> None:
    """A rating with its count: "4.6 ★ (212 reviews)"."""
    if not r.record.rating or "(" in r.record.rating:
        return
    count = next(
        (v.number(value) for key, value in r.fields
         if normal_key(key) in ("ratingcount", "reviewcount", "userratingcount")),
        None,
    )  # fmt: skip
    if count:
        noun = "review" if count == 1 else "reviews"
        r.record.rating = r.show(f"{r.record.rating} ({v.format_count(count)} {noun})")


def _description_and_body(r: _Reading) -> None:
    """The short text (cards) and the long one (detail pages) among the ranked texts."""
    record, fields = r.record, r.fields
    if r.body_key is not None and r.body_key == r.description_key:
        text = _value(fields, r.body_key)
        if isinstance(text, str) and (
            len(text) > 400 or v.has_markup(text) or v.looks_like_markdown(text)
        ):
            r.description_key = None  # long: the card shows its start, the detail all of it
        else:
            r.body_key = None
    if r.description_key is not None:
        record.description = r.show(v.plain_text(_value(fields, r.description_key), CARD_TEXT_MAX))
        r.take(r.description_key)
    if r.body_key is not None:
        raw = _value(fields, r.body_key)
        record.body = v.LazyRichHtml(raw)
        if r.description_key is not None:  # two texts: the detail page shows both, whole
            record.summary = _second_text(_value(fields, r.description_key), raw)
        if not record.description:
            record.description = v.plain_text(raw, CARD_TEXT_MAX)
        r.shown.add(v.plain_text(raw, 400).casefold())
        r.take(r.body_key)


def _second_text(short: Any, long: Any) -> str:
    """The short text to show above the long one on a detail page, or "" when the long
    one starts with its words (an excerpt made from the post)."""
    text = v.plain_text(short, SUMMARY_MAX)
    start = text.rstrip("…[] .").casefold()[:60]
    return "" if start and start in v.plain_text(long, 400).casefold() else text


def _rest(r: _Reading) -> None:
    """Fields no rule read, in document order, for the detail page (never the same
    words twice; a long text becomes the body when there is none)."""
    record = r.record
    for key, value in r.fields:
        if key in r.used:
            continue
        if isinstance(value, str | int | float):
            text = v.plain_text(value, 400)
            folded = text.casefold()
            if (
                not text
                or folded in r.shown
                or _RESOURCE_PATH.match(text)
                or (len(folded) >= 20 and any(folded in known for known in r.shown))
            ):
                continue  # never the same words twice (a short description inside the long one)
            if isinstance(value, str) and len(value) > 200 and record.body is None:
                record.body = v.LazyRichHtml(value)
                r.shown.add(text.casefold())
                if r.description_key is not None:  # the detail page shows both texts
                    record.summary = _second_text(_value(r.fields, r.description_key), value)
                continue
            if isinstance(value, str) and (
                _ENUM_WORDS & set(words(key))
                or (_SCREAMING_CODE.fullmatch(value.strip()) and not _CODE_KEYS & set(words(key)))
            ):
                value = v.readable_code(value.strip())  # "when_made": "made_to_order"
        record.rest.append((humanise(key), value))


def _planned_roles(
    record: Record, fields: list[tuple[str, Any]], hints: Hints, currency: str, minor: bool
) -> None:
    """A page plan's choice of subtitle, picture, price, key facts, field order and
    summary, where a record has them (the fields it names are not shown twice)."""
    if hints.price_key:
        text = v.price_text(_value(fields, hints.price_key), currency, minor=minor)
        if text:
            record.price, record.price_label = text, humanise(hints.price_key)
    if hints.subtitle_key:
        text = v.plain_text(_value(fields, hints.subtitle_key), SUBTITLE_MAX)
        if text and text.casefold() != record.title.casefold():
            record.subtitle = text
    if hints.image_key:
        found = _images(hints.image_key, _value(fields, hints.image_key), hints.base_url)
        if found:
            rest = [image for image in record.images if image.src != found[0].src]
            record.images = [found[0], *rest][:MAX_IMAGES]
    moved: set[str] = set()
    for key in hints.fact_keys:
        value = _value(fields, key)
        text = _planned_fact_text(value)
        if record.price and humanise(key) == (record.price_label or "Price"):
            continue  # the price is shown as one, formatted
        if _shown_otherwise(record, value, text):
            continue  # the record's date, address, name or subtitle: shown as such
        if text:
            label = humanise(key)
            same = next((f for f in record.facts if _same_fact(f, label, text)), None)
            if same is not None:  # the rules read it already, with its unit: "145 m²"
                record.facts.remove(same)
                text = same.text if same.text.split(" ")[0] == text else text
            record.key_facts.append(Fact(label, text))
            moved.add(label)
    if hints.summary_key:
        text = v.plain_text(_value(fields, hints.summary_key), SUMMARY_MAX)
        if text and len(text) >= 2:
            record.summary = text
            moved.add(humanise(hints.summary_key))
            if record.description and record.description.casefold() in text.casefold():
                record.description = ""
            body = v.plain_text(str(record.body), SUMMARY_MAX * 2) if record.body else ""
            if body.casefold().startswith(text.rstrip("…").casefold()):
                # The same words as the page's text: shown once, as the summary when it
                # holds them all, else as the text (which starts with them anyway).
                if len(body) <= len(text):
                    record.body = None
                else:
                    record.summary = ""
    if moved:
        record.facts = [fact for fact in record.facts if fact.label not in moved]
        record.rest = [(label, value) for label, value in record.rest if label not in moved]
    if hints.field_order:
        rank = {humanise(key): index for index, key in enumerate(hints.field_order)}
        record.rest.sort(key=lambda entry: rank.get(entry[0], len(rank)))


SUMMARY_MAX = 700


def _same_fact(fact: Fact, label: str, text: str) -> bool:
    """Tell whether a fact the rules found is the planned one of ``label``: the same
    label, or the same first word and the same number ("Area" 145 m², "Area sqm" 145)."""
    if fact.label == label:
        return True
    return (
        fact.label.split(" ")[0].casefold() == label.split(" ")[0].casefold()
        and fact.text.split(" ")[0] == text
        and v.number(text) is not None
    )


def _shown_otherwise(record: Record, value: Any, text: str) -> bool:
    """Whether a planned key fact is a value the record already shows in a role of its own."""
    if record.date_sort and (parsed := v.parse_date(value)) and parsed[0] == record.date_sort:
        return True
    folded = text.casefold()
    return bool(folded) and folded in (
        record.address.casefold(),
        record.title.casefold(),
        record.subtitle.casefold(),
    )


def _planned_fact_text(value: Any) -> str:
    """A planned key fact's value as short text: a flag as yes or no, else as the rules
    write a fact (a number no float holds: nothing)."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float) and not v.finite(value):
        return ""
    return truncate(_fact_text(value), 80, at_word=True)


_FACT_ORDER = ("bed", "beds", "bath", "baths", "sq ft", "m²", "acres")


def _fact_rank(fact: Fact) -> int:
    """Beds, baths and area first (what a person compares), then the rest as found."""
    unit = fact.text.split(" ", 1)[1] if " " in fact.text and fact.text[:1].isdigit() else ""
    if unit in _FACT_ORDER:
        return _FACT_ORDER.index(unit) // 2
    label = set(words(fact.label))
    if label & {"room", "venue", "location", "stage", "where", "place", "hall", "schedule"}:
        return 3
    if label & {"speakers", "speaker", "author", "authors", "by", "performer", "host", "chef",
                "teacher", "instructor", "creator", "coach"}:  # fmt: skip
        return 4
    return 5


_STATUS_WORDS = {"outofstock": "Out of stock", "onbackorder": "On backorder",
                  "soldout": "Sold out", "preorder": "Pre-order"}  # fmt: skip


def _status_badge(value: str, listing: bool = False) -> str:
    """A status worth showing ("Sold out", "Cancelled", "Pending"), or "" for routine ones.

    For a home, "Active" (for sale) is news too; only drafts stay hidden.
    """
    word = value.rsplit("/", 1)[-1].strip()
    hidden = DRAFT_STATUS if listing else _STATUS_HIDDEN
    if normal_key(word) in hidden or not word or len(word) > 40:
        return ""
    if normal_key(word) in _STATUS_WORDS:
        return _STATUS_WORDS[normal_key(word)]
    if word.startswith("Event") and len(word) > 5 and word[5].isupper():
        word = word[5:]  # schema.org EventCancelled -> Cancelled
    return humanise(word)


def plain_text_label(value: Any) -> str:
    return v.plain_text(value, 40) if isinstance(value, str) else ""


def _date_parts(value: dict) -> str | None:
    """A CSL-JSON date (Crossref, Zotero: {"date-parts": [[2025, 9, 18]]}) as ISO text."""
    parts = value.get("date-parts")
    first = parts[0] if isinstance(parts, list) and parts and isinstance(parts[0], list) else []
    if len(first) != 3 or not all(type(n) is int for n in first):
        return None  # a year or a month alone is no day to show
    year, month, day = first
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


_DATE_MEMBERS = ("local", "dateTime", "date", "start", "utc")
# A listing priced without a currency is priced in its country's (RESO's "Country": "US").
_COUNTRY_CURRENCY = {
    "us": "USD", "usa": "USD", "unitedstates": "USD", "ca": "CAD", "canada": "CAD", "gb": "GBP",
    "uk": "GBP", "unitedkingdom": "GBP", "au": "AUD", "australia": "AUD", "nz": "NZD",
    "ie": "EUR", "de": "EUR", "fr": "EUR", "es": "EUR", "it": "EUR", "nl": "EUR", "pt": "EUR",
    "be": "EUR", "at": "EUR", "fi": "EUR", "ch": "CHF", "jp": "JPY", "in": "INR",
}  # fmt: skip
_WAS_PRICE_KEYS = frozenset({"regularprice", "compareatprice", "originalprice", "wasprice"})
_PUBLICATION = frozenset({"published", "publish", "pub", "posted", "publication"})


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or url).removeprefix("www.")


_EDITOR_HOSTS = ("notion.so", "airtable.com")


def _platform_link(url: str) -> bool:
    """A link into an editing tool (a Notion page, an Airtable record), not the site."""
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    return any(host == name or host.endswith("." + name) for name in _EDITOR_HOSTS)


def _link_label(norm: str, hints: Hints) -> str:
    if "ticket" in norm or hints.kind == "events":
        return "Tickets and details"
    if "booking" in norm or "reservation" in norm:
        return "Book"
    if "website" in norm or norm in ("homepage", "web"):
        return "Website"
    if "map" in norm:
        return "Map"
    return "Read on the site"


def _text_rank(key: str, norm: str, names: tuple[str, ...]) -> float | None:
    """How good a text field is for a role (lower is better): by name, else by its last word
    ("post-summary", "body_html"), else None."""
    if norm in names:
        return names.index(norm)
    last = words(key)[-1:] or [""]
    return len(names) - 0.5 if last[0] in names else None


def _is_file_object(value: Any) -> bool:
    """A media library entry (file name, MIME type, sizes) rather than content."""
    if not isinstance(value, dict):
        return False
    keys = {normal_key(k) for k in islice(value, 40)}
    return bool(
        keys & {"filenamedisk", "filenamedownload", "mime", "mimetype", "filesize", "sizeinbytes"}
    ) and bool(
        keys & {"type", "mime", "mimetype", "width", "ext", "storage", "filesize", "url", "hash"}
    )


def _is_unit(fact: Fact) -> bool:
    return any(
        fact.text.endswith(unit)
        for unit in ("bed", "beds", "bath", "baths", "sq ft", "m²", "room", "rooms")
    )


def _fact_text(value: Any) -> str:
    if isinstance(value, dict):
        return (
            v.address_text(value, 120)
            or v.plain_text(value.get("name") or value.get("title") or value.get("label"), 120)
            or v.plain_text(value.get("primary"), 120)  # Petfinder's breeds: {primary, …}
            or _measure(value)
        )
    if isinstance(value, list):
        names = _short_texts(value, 80)
        return ", ".join(names[:6])
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _measure(value)
    text = v.plain_text(value, 120)
    return "" if v.http_url(text) else text


def _ref_facts(key: str, value: Any, titles: list[str], hints: Hints) -> list[tuple[str, str]]:
    """Referenced records as facts, labelled by their lists ("Track: Cloud", "Level: Advanced")."""
    elements = value if isinstance(value, list) else [value]
    grouped: dict[str, list[str]] = {}
    for element in elements[:20]:
        if isinstance(element, dict):
            element = element.get("id", element.get("_ref"))
        title = hints.refs.get(str(element))
        if title:
            label = hints.ref_groups.get(str(element)) or _ref_label(key)
            grouped.setdefault(label, []).append(title)
    return [(label, ", ".join(names)) for label, names in grouped.items()]


def _is_reference(value: Any) -> bool:
    elements = value if isinstance(value, list) and value else [value]
    return all(isinstance(e, str) and _REFERENCE_ID.fullmatch(e.strip().lower()) for e in elements)


def _ref_shaped(value: Any) -> bool:
    """An id, or a list of ids (``roomId: 61204``, ``speakers: ["3f9d…"]``)."""
    elements = value if isinstance(value, list) else [value]
    return bool(elements) and all(
        (isinstance(e, str | int) and not isinstance(e, bool))
        or (isinstance(e, dict) and set(e) <= {"id", "_ref", "_type", "name", "title"})
        for e in elements[:20]
    )


def _referenced(value: Any, refs: dict[str, str]) -> list[str]:
    elements = value if isinstance(value, list) else [value]
    titles = []
    for element in islice(elements, 20):
        if isinstance(element, dict):
            element = element.get("id") or element.get("_ref")
        if isinstance(element, str | int) and not isinstance(element, bool):
            title = refs.get(str(element))
            if title:
                titles.append(title)
    return titles


def _contact_entries(key: str, value: Any) -> list[tuple[str, str]]:
    label = humanise(key)
    if isinstance(value, str):
        text = value.strip()[:300]
        return [(label, text)] if text else []
    if isinstance(value, list):
        out = []
        for element in islice(value, 10):
            out.extend(_contact_entries(key, element))
        return out
    if isinstance(value, dict):
        urls = [x for x in islice(value.values(), 20) if isinstance(x, str) and v.http_url(x)]
        service = next(
            (value[k] for k in ("serviceName", "service", "platform", "network", "name", "label",
                                "title", "type") if isinstance(value.get(k), str)),
            "",
        )  # fmt: skip
        if urls and service:  # a social account: its profile, named by its service
            name = service.split("-")[0].replace("_", " ").strip()
            return [(name[:1].upper() + name[1:40], urls[0])]
        out = []
        for inner_key, inner in islice(value.items(), 20):
            if isinstance(inner, str) and inner.strip() and not is_hidden_key(inner_key):
                out.append((humanise(inner_key), inner.strip()[:300]))
        return out
    return []


def _fallback_title(fields, used, record: Record, hints: Hints) -> str:
    """A title for a record without a name: its address, its own short description (a
    photo's caption before its alt text), then its first short text."""
    if record.address and hints.kind in ("homes", "locations", "rooms", ""):
        if hints.kind == "homes" and not record.address_is_one_line:
            return record.address.split(", ")[0]  # the street, from the address's parts
        return record.address
    caption = record.description
    if caption and len(caption) <= 80 and "\n" not in caption and not caption.endswith("."):
        record.description = ""
        return caption
    for key, value in fields:
        if key in used or is_hidden_key(key) or not isinstance(value, str):
            continue
        text = v.plain_text(value, TITLE_MAX)
        if 0 < len(text) <= 80 and not v.http_url(text) and not v.parse_date(value):
            used.add(key)
            return text
    if record.address:
        return record.address
    return ""
