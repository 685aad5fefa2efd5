"""Find what a document holds: collections of records, sections, contact details, the site itself.

``find(prepared)`` walks a document once (depth-first, in document order,
bounded in depth, keys and nodes visited) and returns ``Found`` entries:

* collections: lists of similar records, dicts of similar records keyed by slug,
  page-builder blocks that hold a list (SleekCMS ``pages[].sitesections[]``),
  nested sections (``hasMenuSection`` → ``hasMenuItem``, ``team[].members[]``)
  flattened into one grouped collection, and sibling lists of the same kind
  (a menu kept as one list per category) grouped into one;
* sections: objects with content of their own (an "about" block, a page);
* the contact details and about text of the site, gathered from wherever they are;
* platform bookkeeping (content types, locales, join tables, settings, select
  options, navigation) is left out.

Deciding looks at samples (at most ``SAMPLE`` records per list), so a
50,000-item list costs about as much as a small one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from ..paths import ROOT, is_addressable_key, join
from ..text import normal_key
from .normalise import _image, humanise, is_unpublished, names_the_record
from .unwrap import Prepared, value_shape
from .values import http_url, looks_like_image_url, plain_text
from .vocab import (
    ABOUT_KEYS,
    BLOCK_LISTS,
    BLOCK_TYPE_KEYS,
    COLOR_CONTAINERS,
    CONTACT_CONTAINERS,
    EMAIL_KEYS,
    HERO_NAMES,
    HIDDEN_NAMES,
    HOURS_KEYS,
    IMAGE_WORDS,
    PAGE_HOME,
    PAGE_LISTS,
    PHONE_KEYS,
    PLATFORM_COLLECTIONS,
    SITE_NAMES,
    SOCIAL_KEYS,
    is_generic,
    is_hidden_key,
    kind_for,
    settings_key,
    typed_as_site,
    word_set,
    words,
)

MAX_DEPTH = 8
MAX_KEYS = 5_000
NODE_BUDGET = 5_000
SAMPLE = 50  # records compared when deciding whether a list is a collection
MAX_GROUP_DEPTH = 3

_ADDRESS_FIELDS = frozenset(
    ["address", "streetaddress", "postaladdress", "location", "map", "mapurl"]
)
_CONTACT_FIELD_WORDS = PHONE_KEYS | EMAIL_KEYS | _ADDRESS_FIELDS | HOURS_KEYS | SOCIAL_KEYS


_ABOUT_FACTS = word_set(
    "rating aggregaterating userratingcount ratingcount reviewcount founded foundingdate "
    "established pricerange servescuisine cuisine"
)


def _is_hours_field(key: str) -> bool:
    """``openingHours``, ``regularOpeningHours``, ``business_hours``..."""
    parts = words(key)
    return normal_key(key) in HOURS_KEYS or (bool(parts) and parts[-1] == "hours")


_OPENING_WORDS = frozenset({"opens", "closes", "open", "close", "closed", "from", "to"})


def _states_opening(value: Any, depth: int = 0) -> bool:
    """Whether hours say when a place opens: a time range ("10am to 10pm", "09:00–17:00"),
    opens/closes members, "Closed" or "24 hours"; not a single time ("21:00")."""
    if isinstance(value, str):
        text = value[:200].lower()
        ranged = any(mark in text for mark in ("–", "-", "—", " to ", "24 hours", "closed"))
        return ranged and (sum(c.isdigit() for c in text) >= 2 or "closed" in text)
    if depth > 3:
        return False
    if isinstance(value, dict):
        if {normal_key(str(k)) for k in islice(value, 20)} & _OPENING_WORDS:
            return True
        return any(_states_opening(x, depth + 1) for x in islice(value.values(), 20))
    if isinstance(value, list):
        return any(_states_opening(x, depth + 1) for x in islice(value, 20))
    return False


def _is_contact_field(key: str, value: Any = None) -> bool:
    """A site's contact detail: ``phone``, ``nationalPhoneNumber``, ``formattedAddress``,
    ``websiteUri``... (a ``website`` *object* is the site itself, not its address)."""
    parts = words(key)
    if not parts or {"components", "component", "settings"} & set(parts):
        return False  # Google's addressComponents, Squarespace's websiteSettings
    last = parts[-1]
    if last == "number" and "phone" in parts:
        last = "phone"
    if last in ("uri", "url") and "website" in parts:
        last = "website"
    return (
        normal_key(key) in _CONTACT_FIELD_WORDS
        or last in ("phone", "telephone", "email", "address")
        or (last == "website" and isinstance(value, str))
        or _is_hours_field(key)
    )


def _all_contact_fields(value: dict) -> bool:
    """An object of contact details only, a phone or an email among them ({phone, email,
    hours}), under whatever key (a "social" object of profile links is the site's own)."""
    keys = [key for key in islice(value, 20) if isinstance(key, str)]
    reachable = any(words(key)[-1:] in (["phone"], ["email"], ["telephone"]) for key in keys)
    return reachable and len(keys) >= 2 and all(_is_contact_field(k, value[k]) for k in keys)


@dataclass
class Group:
    """One list of records inside a collection (the only one, or one section of a grouped one)."""

    label: str
    path: str
    items: list  # records (a keyed collection's values)
    keys: list[str] | None = None  # a keyed collection's keys (fallback titles)


@dataclass
class Found:
    """Something worth a page: a collection, a section, the contact details or the about text."""

    role: str  # "collection" | "section" | "contact" | "about"
    name: str  # the key, block type or content type that names it
    label: str = ""  # what the content calls it ("Our menu", "Recipe")
    parent: str = ""
    groups: list[Group] = field(default_factory=list)
    data: Any = None  # sections: the object(s)
    paths: list[str] = field(default_factory=list)
    depth: int = 0
    order: int = 0
    currency: str = ""
    plain: bool = False  # records already read as plain JSON (split by type, pages)

    @property
    def count(self) -> int:
        return sum(len(group.items) for group in self.groups)

    def sample(self, limit: int = 20) -> list[dict]:
        out: list[dict] = []
        for group in self.groups:
            for item in islice(group.items, limit):
                if isinstance(item, dict):
                    out.append(item)
            if len(out) >= limit:
                break
        return out[:limit]


@dataclass
class Findings:
    """Everything one walk found."""

    found: list[Found] = field(default_factory=list)
    contact: list[tuple[str, Any]] = field(default_factory=list)  # (path, value)
    about: list[tuple[str, Any]] = field(default_factory=list)
    about_weak: list[tuple[str, Any]] = field(default_factory=list)
    hours: list[tuple[str, Any]] = field(default_factory=list)  # opening hours worth a page
    about_facts: dict[str, Any] = field(default_factory=dict)  # the site's rating, founded...
    site: list[dict] = field(default_factory=list)  # site-like objects, best first
    hero: list[dict] = field(default_factory=list)  # hero blocks
    # Lists of records that are plumbing: {"name", "path", "count", "reason"} (left out).
    plumbing: list[dict] = field(default_factory=list)
    order: int = 0

    def next_order(self) -> int:
        self.order += 1
        return self.order


# --------------------------------------------------------------------------
# Shapes


def _dicts(items: list) -> list[dict]:
    return [item for item in islice(items, SAMPLE) if isinstance(item, dict) and item]


def homogeneous(items: list[dict], threshold: float = 0.55) -> bool:
    """Tell whether objects share a shape (records of one kind, not unrelated sections)."""
    if not items:
        return False
    if len(items) == 1:
        return True
    counts: Counter[str] = Counter()
    for item in items:
        counts.update(islice(item, 100))
    common = {key for key, count in counts.items() if count * 2 > len(items)}
    if not common:
        return False
    score = sum(len(common.intersection(islice(item, 100))) / max(1, len(item)) for item in items)
    return score / len(items) >= threshold


def block_type(item: Any) -> str:
    """The page-builder type of a block (``_block``, ``__component``, ``_type``...), or ``""``."""
    if not isinstance(item, dict):
        return ""
    for key in BLOCK_TYPE_KEYS:
        value = item.get(key)
        if isinstance(value, str) and value.strip() and len(value) <= 80:
            return value
    return ""


def is_record_list(value: Any) -> bool:
    """Tell whether a list is a collection of similar objects."""
    if not isinstance(value, list) or not value:
        return False
    head = list(islice(value, SAMPLE))
    objects = [item for item in head if isinstance(item, dict) and item]
    if len(objects) * 10 < len(head) * 6:
        return False
    types = {block_type(item) for item in objects}
    if len(objects) >= 2 and len(types) > 1 and "" not in types and len(types) * 2 > len(objects):
        return False  # page blocks of different types
    return homogeneous(objects)


def _is_block_list(name: str, value: list) -> bool:
    objects = _dicts(value)
    if not objects:
        return False
    typed = sum(1 for item in objects if block_type(item))
    if normal_key(name) in BLOCK_LISTS and typed * 2 >= len(objects):
        return True
    types = {block_type(item) for item in objects}
    return typed == len(objects) and len(types) > 1 and len(types) * 2 > len(objects)


def _block_list_of(page: dict) -> tuple[str, list] | None:
    for key in islice(page, 60):
        value = page[key]
        if (
            isinstance(value, list)
            and normal_key(key) in BLOCK_LISTS
            and _is_block_list(key, value)
        ):
            return key, value
    return None


def _is_link_list(items: list[dict]) -> bool:
    url_keys = {"url", "href", "link", "path", "to"}
    link_keys = url_keys | {
        "label",
        "title",
        "name",
        "text",
        "target",
        "children",
        "id",
        "icon",
        "order",
        "external",
    }
    for item in items:
        keys = {normal_key(key) for key in islice(item, 20)}
        if not (keys & url_keys and (keys <= link_keys or "rel" in keys and keys <= _API_LINK)):
            return False
    return bool(items)


# An API's links between its own answers ({rel: "next", href, method, type}).
_API_LINK = frozenset({"rel", "href", "url", "link", "method", "type", "templated", "hreflang",
                       "title", "media", "name"})  # fmt: skip
_COORDINATE_KEYS = frozenset(
    {"lat", "lng", "lon", "long", "latitude", "longitude", "zoom", "alt", "altitude", "x", "y"}
)


def plumbing_reason(items: list[dict]) -> str:
    """Why records are plumbing, not content ("" when they are content): links between an
    API's pages or a menu's links, form options, map coordinates, records with no words."""
    if _is_link_list(items):
        return "links, not content"
    if _is_option_list(items):
        return "form options"
    if items and all(_only_coordinates(item) for item in items):
        return "map coordinates only"
    if items and not any(_has_words(item) or _named(item) for item in items):
        return "no words to read (numbers, codes and links only)"
    return ""


def _named(item: dict) -> bool:
    """Whether a record has a name or a title, whatever it says ("P12", "X100V")."""
    return any(
        normal_key(str(key)) in ("name", "title", "label", "heading") and item[key]
        for key in islice(item, 40)
    )


def _only_coordinates(item: dict) -> bool:
    """A point or a corner of a map ({lat, lng}, {northeast: {lat, lng}})."""
    for key, value in islice(item.items(), 12):
        if isinstance(value, dict):
            if not _only_coordinates(value):
                return False
        elif normal_key(str(key)) not in _COORDINATE_KEYS or isinstance(value, str | list):
            return False
    return bool(item)


def _has_words(item: Any, depth: int = 0) -> bool:
    """Whether a record holds anything a person reads: a text with a letter that is not
    a URL, or a picture."""
    if isinstance(item, str):
        text = item.strip()
        if http_url(text):
            return looks_like_image_url(text)
        return any(c.isalpha() for c in text[:200]) and (
            " " in text or not any(c.isdigit() for c in text)
        )
    if depth > 3:
        return False
    if isinstance(item, dict):
        values = list(islice(item.values(), 40))
    elif isinstance(item, list):
        values = list(islice(item, 20))
    else:
        return False
    return any(_has_words(value, depth + 1) for value in values)


def _is_option_list(items: list[dict]) -> bool:
    """Select options ({label, value}): form plumbing, not content."""
    for item in items:
        keys = {normal_key(k) for k in islice(item, 5)}
        if not (keys <= {"label", "value", "key", "id", "name", "text"} and "value" in keys):
            return False
    return bool(items)


def _is_image_list(items: list[dict]) -> bool:
    """A gallery: objects that are mostly an image URL and its caption."""
    return bool(items) and all(
        _pictured(item) and len(item) <= 8 and _others(item) <= 1 for item in items
    )


def _pictured(item: dict) -> bool:
    """Whether an object holds a picture: an image-named key, or a URL that looks like
    one (a record's own address, ".../launches/9f8e/", is no picture)."""
    if any(IMAGE_WORDS.intersection(words(str(key))) for key in islice(item, 20)):
        return _image(item, "", True) is not None
    return _image(item, "", False) is not None


# What a gallery's photo carries besides its picture: a caption, a size, an id.
_PHOTO_KEYS = word_set(
    "id alt alttext caption title name description credit width height size type mimetype "
    "filename url src order position sort"
)


def _others(item: dict) -> int:
    """How many fields of an object are neither its picture nor a photo's attributes
    (an album's artist, play count and address make it no photo)."""
    return sum(
        1
        for key in islice(item, 20)
        if normal_key(str(key)) not in _PHOTO_KEYS
        and not IMAGE_WORDS.intersection(words(str(key)))
        and not str(key).startswith(("@", "_"))
    )


def _is_envelope(item: Any) -> bool:
    """An object that is a page of records and its counts ({items, totalItems}), with
    no more than three fields of its own."""
    return isinstance(item, dict) and own_fields(item) <= 3 and _holds_records(item)


def _holds_records(item: Any, lists: int = 1) -> bool:
    """Whether an object holds at least ``lists`` lists of records, directly or in an
    envelope ({items: [...], totalItems}, {edges: [...]})."""
    if not isinstance(item, dict):
        return False
    found = 0
    for value in islice(item.values(), 60):
        if isinstance(value, dict):
            value = next((v for v in islice(value.values(), 12) if isinstance(v, list)), None)
        if isinstance(value, list) and len(value) >= 2 and is_record_list(value):
            found += 1
    return found >= lists


# Where a search answer keeps what its results can be filtered by (Elasticsearch's and
# Shopware's "aggregations", Meilisearch's "facetDistribution").
_FACET_CONTAINERS = frozenset({"aggregations", "facets", "facetdistribution", "searchfacets"})


def _search_facets(path: str) -> str:
    """The reason a list inside a search's facets is left out, or ""."""
    steps = {normal_key(step.split("[", 1)[0]) for step in path.split(".")}
    return (
        "search filters: what the results can be narrowed by" if steps & _FACET_CONTAINERS else ""
    )


def _holds_records_within(value: Any) -> bool:
    """An object holding lists of records, or a list of objects that each hold one (a
    menu's categories of dishes: GloriaFood's categories[].items[])."""
    if isinstance(value, dict):
        return _holds_records(value)
    objects = [item for item in islice(value, 20) if isinstance(item, dict)] if isinstance(
        value, list) else []  # fmt: skip
    return bool(objects) and sum(map(_holds_any_records, objects)) * 2 > len(objects)


def _holds_any_records(item: dict) -> bool:
    """An object holding a list of records of their own (a name and three fields more; a
    list of references {id, type} is none), of one record or more."""
    return any(
        isinstance(inner, list) and inner and is_record_list(inner)
        and isinstance(inner[0], dict) and len(inner[0]) >= 4
        and bool(inner[0].keys() & {"name", "title"})
        for inner in islice(item.values(), 60)
    )  # fmt: skip


def _food_menus(norm: str, value: Any, depth: int = 0) -> bool:
    """Menus that hold priced dishes (Toast's menus → menuGroups → menuItems), not a site's
    navigation menus of links."""
    if norm not in ("menu", "menus") or depth > 4:
        return False
    items = (
        value
        if isinstance(value, list)
        else list(value.values())
        if isinstance(value, dict)
        else []
    )
    for item in islice(items, 10):
        if isinstance(item, dict):
            if "price" in item and not isinstance(item["price"], bool):
                return True
            if any(
                isinstance(inner, list) and _food_menus("menu", inner, depth + 1)
                for inner in islice(item.values(), 40)
            ):
                return True
    return False


def _holds_the_records(item: Any) -> bool:
    """One object that is where the records are, not a record: it holds two lists of
    records (RIDB's recreation area with its facilities and activities), or one and names
    nothing itself (Cloudbeds' property: {propertyID, propertyCurrency, propertyRooms})."""
    if _holds_records(item, lists=2):
        return True
    named = any(_names_itself(str(key)) for key in islice(item, 60))
    return _holds_records(item) and not named


def _names_itself(key: str) -> bool:
    """A key that names or describes its object ("name", "roomTypeName", an event's
    "summary")."""
    return names_the_record(key) or (words(key)[-1:] or [""])[0] in _DESCRIBING_WORDS


_DESCRIBING_WORDS = frozenset({"label", "headline", "summary", "description"})


def _is_picture_sizes(items: list[dict]) -> bool:
    """One picture in several sizes ([{size: "small", "#text": url}, {width, url}]): each
    object only an image URL and its size, no name, price or caption."""
    return bool(items) and all(
        {normal_key(str(k)) for k in islice(item, 10)} <= _SIZE_MEMBERS
        and any(isinstance(x, str) and looks_like_image_url(x) for x in item.values())
        for item in items
    )


_SIZE_MEMBERS = frozenset({"size", "width", "height", "text", "url", "src", "type", "scale"})


def _are_records(items: list) -> bool:
    """Whether labelled objects are records (three or more facts of their own beside a
    list), not sections (a heading over a list: "Coffee": [Espresso])."""
    return all(own_fields(item) >= 3 for item in items if isinstance(item, dict))


def _label_of(item: dict) -> str:
    for key in ("title", "name", "heading", "label", "headline", "displayName"):
        value = item.get(key)
        if isinstance(value, dict) and isinstance(value.get("text"), str):
            value = value["text"]  # {"text": ..., "languageCode": ...}
        text = plain_text(value, 80)
        if text and not http_url(text) and not ("/" in text and " " not in text):
            return text
    return ""


def own_fields(node: Any) -> int:
    """How many texts and numbers of its own an object has (flags, empty texts and
    bookkeeping keys aside): a record has several, an envelope {items, count} few."""
    if not isinstance(node, dict):
        return 0
    return sum(
        1
        for key in islice(node, 50)
        if isinstance(node[key], str | int | float)
        and not isinstance(node[key], bool)
        and str(node[key]).strip()
        and not key.startswith(("_", "@", "$"))
    )


# Envelopes named like bookkeeping that hold the records (HAL's "_embedded").
_ENVELOPE_KEYS = frozenset({"_embedded", "_items"})
_METADATA_WORDS = word_set(
    "timestamp copyright license licence generator version attribution api source took osm base"
)
_MEDIA_KEYS = frozenset({"width", "height", "mimetype", "mime", "filename", "filesize"})


def _is_section(node: dict) -> bool:
    """An object with text of its own worth a page (not an image, a point, a rating)."""
    if len(node) > 40 or own_fields(node) < 2:
        return False
    keys = {normal_key(k) for k in islice(node, 40)}
    if keys & {"url", "src", "href", "raw"} and len(keys) <= 6:
        return False  # an image or a link: part of something else
    if keys & {"url", "src"} and keys & _MEDIA_KEYS:
        return False  # a media file (a logo with its width and MIME type), not a page
    if all(set(words(str(k))) & _METADATA_WORDS for k in islice(node, 40)):
        return False  # an answer's metadata ({timestamp_osm_base, copyright}), not a page
    texts = [
        node[k]
        for k in islice(node, 40)
        if isinstance(node[k], str) and not k.startswith(("_", "@")) and not http_url(node[k])
    ]
    # Prose has words: tokens, cursors and codes ("page|474c…|40012376") are plumbing.
    return len(texts) >= 2 and any(_prose(t) for t in texts)


def _prose(text: str) -> bool:
    """Text a person reads: spaces between words (any space, "&nbsp;" too), or a script
    written without them (Chinese, Japanese, Thai)."""
    text = text.strip()
    if len(text) < 20:
        return False
    return any(c.isspace() for c in text) or sum(ord(c) >= 0x0E00 for c in text[:200]) >= 10


def _has_content(value: Any, budget: int = 200) -> bool:
    stack = [value]
    while stack and budget > 0:
        budget -= 1
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(islice(node.values(), 50))
        elif isinstance(node, list):
            stack.extend(islice(node, 50))
        elif isinstance(node, str):
            if node.strip():
                return True
        elif node is not None and not isinstance(node, bool):
            return True
    return False


def _strip_block_words(name: str) -> str:
    parts = [
        p for p in words(name) if p not in ("section", "sections", "block", "blocks", "component")
    ]
    return "_".join(parts) or name


def _currency_of(node: Any) -> str:
    from .values import currency_code

    if isinstance(node, dict):
        for key in islice(node, 60):
            value = node[key]
            if normal_key(key) in ("currency", "currencycode", "pricecurrency"):
                code = currency_code(value)
            elif (words(str(key))[-1:] or [""])[0] == "currency" and isinstance(value, dict):
                # Cloudbeds' "propertyCurrency": {"currencyCode": "EUR", "currencySymbol": "€"}
                code = currency_code(value.get("currencyCode") or value.get("code"))
            else:
                continue
            if code:
                return code
    return ""


# --------------------------------------------------------------------------
# Nested sections: hasMenuSection -> hasMenuSection -> hasMenuItem, team[].members[]


def _record_lists(node: dict) -> list[tuple[str, list]]:
    return [
        (key, node[key])
        for key in islice(node, 60)
        if isinstance(node[key], list) and is_record_list(node[key]) and is_addressable_key(key)
    ]


def _section_words(section: dict) -> int:
    """How many fields of its own a section shows: ids, colours and bookkeeping aside (a
    POS menu group's guid, masterId and button colours)."""
    return sum(
        1
        for key in islice(section, 50)
        if isinstance(section[key], str | int | float)
        and not isinstance(section[key], bool)
        and str(section[key]).strip()
        and not is_hidden_key(str(key))
        and not str(section[key]).startswith("#")
        and "color" not in str(key).lower()
    )


# Lists that are parts of one record (its variants, options, sizes), never a section's items.
_RECORD_PARTS = frozenset(
    {"variants", "variations", "skus"}  # a salon's "prices" under a heading are its items
)


# Where a record says when it happens: a section of records has no date of its own.
_DATED_KEYS = frozenset({"start", "startdate", "startsat", "date", "datetime", "eventdate"})
# Lists of choices offered within a section's records (sizes, extras), never its records.
_CHOICE_LISTS = frozenset(
    {"groups", "optiongroups", "options", "modifiers", "modifiergroups", "sizes", "extras",
     "addons", "choices"}
)  # fmt: skip


def _group_list_groups(items: list, path: str, prefix: str, depth: int) -> list[Group] | None:
    """Flatten a list of labelled sections, each holding records or more sections, or None."""
    if depth > MAX_GROUP_DEPTH or not items:
        return None
    groups: list[Group] = []
    for index, section in enumerate(items):
        if not isinstance(section, dict):
            return None
        label = _label_of(section)
        lists = _record_lists(section)
        if len(lists) > 1:  # a menu category's dishes beside its option groups
            lists = [(k, v) for k, v in lists if normal_key(k) not in _CHOICE_LISTS] or lists
        if not label or len(lists) != 1 or _section_words(section) > 5:
            return None
        key, inner = lists[0]
        if len(section) >= 4 and _is_picture_sizes(_dicts(inner)):
            return None  # a record with its pictures (an album's cover sizes), not a section
        if normal_key(key) in _RECORD_PARTS:
            return None  # a product with its variants (Zettle's wines), not a section
        if any(normal_key(str(k)) in _DATED_KEYS and section[k] for k in islice(section, 60)):
            return None  # an event with its performers (Songkick's), not a section of them
        inner_path = join(join(path, index), key)
        full = f"{prefix} › {label}" if prefix else label
        nested = _group_list_groups(inner, inner_path, full, depth + 1)
        if nested is not None and all(_record_lists(s) for s in _dicts(inner)):
            groups.extend(nested)
        else:
            groups.append(Group(full, inner_path, inner))
    if len(groups) >= 2 and all(len(g.items) <= 1 for g in groups) and _are_records(items):
        return None  # records with one person or picture each, not sections of records
    return groups


# --------------------------------------------------------------------------
# The walk


def _signature(items: list[dict]) -> frozenset[str]:
    counts: Counter[str] = Counter()
    sample = items[:20]
    for item in sample:
        counts.update(normal_key(k) for k in islice(item, 40))
    return frozenset(k for k, c in counts.items() if c * 2 >= len(sample))


def _alike(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a and b) and len(a & b) * 2 >= len(a | b)


def _enveloped_records(value: Any) -> bool:
    """A page of records in its envelope ({items: [...], total, next}): a playlist's tracks,
    a group's events. The object holding it is no single record but the site around them."""
    if not isinstance(value, dict) or len(value) > 12:
        return False
    lists = [v for v in value.values() if isinstance(v, list) and len(v) >= 2]
    return len(lists) == 1 and is_record_list(lists[0])


class _Walker:
    def __init__(self, prepared: Prepared) -> None:
        self.prepared = prepared
        self.findings = Findings()
        self.visited = 0

    def path_of(self, parent: str, key: str | int, depth: int) -> str:
        if depth == 0 and isinstance(key, str) and key in self.prepared.raw_paths:
            return self.prepared.raw_paths[key]
        return join(parent, key)

    # ---------------------------------------------------------------- entry

    def run(self) -> Findings:
        doc = self.prepared.doc
        if self.prepared.site:
            self.findings.site.append(self.prepared.site)
        if isinstance(doc, list):
            if is_record_list(doc):
                self.collection(doc, ROOT, "", "", 0)
            else:
                self.walk_list(doc, ROOT, "", "", 0)
        elif isinstance(doc, dict):
            if self._is_record_dict(doc, at_root=True):
                self.collection(doc, ROOT, "", "", 0)
            elif self._is_single_record(doc):
                self.collection([doc], ROOT, "", "", 0)
            else:
                self.walk_dict(doc, ROOT, "", "", 0)
        return self.findings

    def _is_single_record(self, doc: dict) -> bool:
        """A root that is one record (a product's .js): a title, and prices or images."""
        keys = {normal_key(k) for k in islice(doc, 80)}
        return (
            bool(keys & {"title", "name"})
            and bool(keys & {"price", "variants", "offers", "images", "sku"})
            and not any(
                is_record_list(doc[k])
                and normal_key(k) not in ("variants", "images", "media", "options")
                for k in islice(doc, 80)
                if isinstance(doc[k], list)
            )
            and not any(_enveloped_records(doc[k]) for k in islice(doc, 80))
        )

    def _is_record_dict(self, value: Any, *, at_root: bool = False) -> bool:
        if not isinstance(value, dict) or len(value) < 2:
            return False
        if at_root and len(value) <= 8:
            return False
        keys = list(islice(value, SAMPLE))
        objects = [value[key] for key in keys]
        if not all(isinstance(item, dict) and item for item in objects):
            return False
        known = sum(
            1 for key in keys if kind_for(key) or normal_key(key) in SITE_NAMES | HIDDEN_NAMES
        )
        if known * 2 >= len(keys):
            return False
        if sum(1 for item in objects if _is_envelope(item)) * 2 >= len(objects):
            return False  # GraphQL's {products: {items}, collections: {items}}: collections
        return homogeneous(objects)

    # ---------------------------------------------------------------- lists

    def walk_list(self, node: list, path: str, name: str, parent: str, depth: int) -> None:
        self.visited += 1
        if self.visited > NODE_BUDGET or depth > MAX_DEPTH:
            return
        objects = _dicts(node)
        # A site's pages: entries that hold page-builder blocks (SleekCMS sitesections).
        if objects and any(_block_list_of(o) for o in objects[:10]):
            self.pages(node, path, name, depth)
            return
        if objects and _is_block_list(name, node):
            self.blocks(node, path, name, depth)
            return
        if len(objects) == 1 and len(node) == 1 and depth > 0 and settings_key(name):
            # A collection of one holding the site's settings (ButterCMS "site_settings":
            # [{site_name, about, email}]): that object.
            self.walk_dict(objects[0], join(path, 0), name, parent, depth)
            return
        if len(objects) == 1 and len(node) == 1 and _holds_the_records(objects[0]):
            # One record holding lists of records (RIDB's RECDATA: [a recreation area with
            # its FACILITY and ACTIVITY]): the site around them, walked as an object.
            self.walk_dict(objects[0], join(path, 0), name, parent, depth + 1)
            return
        if is_record_list(node):
            if depth > 0 and self.plumbing(node, objects, path, name):
                return
            self.collection(node, path, name, parent, depth)
            return
        if objects and len(objects) * 2 >= len(list(islice(node, SAMPLE))):
            for index, item in enumerate(islice(node, SAMPLE)):
                if isinstance(item, dict):
                    item_name = _strip_block_words(block_type(item)) or _label_of(item) or name
                    self.walk_dict(item, join(path, index), item_name, name, depth + 1)
            return
        if depth > 0:
            self.scalar_list(node, path, name, parent, depth)

    def scalar_list(self, node: list, path: str, name: str, parent: str, depth: int) -> None:
        head = list(islice(node, SAMPLE))
        scalars = [
            item
            for item in head
            if isinstance(item, str | int | float) and not isinstance(item, bool)
        ]
        if len(node) < 3 or len(scalars) * 10 < len(head) * 8:
            return
        if set(words(parent)) & (SITE_NAMES | HERO_NAMES) or normal_key(name) in HIDDEN_NAMES:
            return
        if any(http_url(item) for item in scalars[:5]):
            return  # a list of URLs (photos, links) belongs to its record
        if kind_for(name, parent) is None:
            return  # plain values deserve a page only when they are a known thing (skills)
        self.findings.found.append(
            Found(
                "collection",
                name,
                parent=parent,
                groups=[Group("", path, node)],
                paths=[path],
                depth=depth + 2,
                order=self.findings.next_order(),
            )
        )

    def pages(self, pages: list, path: str, name: str, depth: int) -> None:
        """A site's pages: walk each page's blocks; pages with content of their own are sections."""
        for index, page in enumerate(islice(pages, 100)):
            if not isinstance(page, dict) or is_unpublished(page):
                continue
            page_path = join(path, index)
            blocks = _block_list_of(page)
            slug = (
                page.get("_path") or page.get("path") or page.get("slug") or page.get("_slug") or ""
            )
            slug = slug.strip().strip("/").lower() if isinstance(slug, str) else ""
            title = _label_of(page)
            home = slug in PAGE_HOME or title.lower() in PAGE_HOME
            if blocks is not None:
                key, value = blocks
                self.blocks(value, join(page_path, key), title, depth + 1, home=home)
            own = {k: v for k, v in page.items() if not (blocks and k == blocks[0])}
            if not home and own_fields(own) >= 2 and _has_content(own):
                self.findings.found.append(
                    Found(
                        "section",
                        slug.rsplit("/", 1)[-1] or title or "page",
                        label=title,
                        data=own if blocks is None else {**own, "sections": page[blocks[0]]},
                        paths=[page_path],
                        depth=depth + 1,
                        order=self.findings.next_order(),
                    )
                )

    def blocks(self, blocks: list, path: str, page: str, depth: int, home: bool = True) -> None:
        for index, block in enumerate(islice(blocks, 100)):
            if not isinstance(block, dict):
                continue
            kind = _strip_block_words(block_type(block))
            norm = normal_key(kind)
            block_path = join(path, index)
            if norm in HERO_NAMES or set(words(kind)) & HERO_NAMES:
                self.findings.hero.append(block)
                continue
            if norm in CONTACT_CONTAINERS or set(words(kind)) & {
                "contact",
                "footer",
                "location",
                "map",
            }:
                self.findings.contact.append((block_path, block))
                continue
            if norm in ABOUT_KEYS or set(words(kind)) & {"about", "story", "mission"}:
                self.findings.about.append((block_path, block))
                continue
            lists = _record_lists(block)
            if lists and home:
                for key, value in lists:
                    name = kind if not is_generic(kind) else key
                    self.collection(
                        value,
                        join(block_path, key),
                        name,
                        page,
                        depth + 1,
                        label=_label_of(block),
                        context=block,
                    )
                continue
            if lists:
                for key, value in lists:
                    self.collection(
                        value,
                        join(block_path, key),
                        kind or key,
                        page,
                        depth + 1,
                        label=_label_of(block),
                        context=block,
                    )
                continue
            if home and _is_section(block):
                self.findings.found.append(
                    Found(
                        "section",
                        kind or "section",
                        label=_label_of(block),
                        data=block,
                        paths=[block_path],
                        depth=depth + 3,
                        order=self.findings.next_order(),
                    )
                )

    # ---------------------------------------------------------------- dicts

    def walk_dict(self, node: dict, path: str, name: str, parent: str, depth: int) -> None:
        self.visited += 1
        if self.visited > NODE_BUDGET or depth > MAX_DEPTH:
            return
        norm = normal_key(name)
        tokens = set(words(name))
        if depth > 0 and self._is_record_dict(node):
            records = [v for v in islice(node.values(), SAMPLE) if isinstance(v, dict)]
            if not self.plumbing(records, records, path, name):
                self.collection(node, path, name, parent, depth)
            return
        site_like = (
            norm in SITE_NAMES
            or bool(tokens & (SITE_NAMES | HERO_NAMES))
            or depth == 0
            or typed_as_site(node)
        )
        if depth > 0 and (norm in SITE_NAMES or tokens & SITE_NAMES or typed_as_site(node)):
            self.findings.site.append(node)
        if depth > 0 and (norm in HERO_NAMES):
            self.findings.hero.append(node)
        if depth > 0 and norm in CONTACT_CONTAINERS:
            if _has_content(node):
                self.findings.contact.append((path, node))
            return
        if depth > 0 and norm in ABOUT_KEYS:
            if _has_content(node):
                self.findings.about.append((path, node))
            return
        if (
            depth > 0
            and not site_like
            and _is_section(node)
            and not _record_lists(node)
            and not self._has_keyed(node)
        ):
            label = _label_of(node)
            self.findings.found.append(
                Found(
                    "section",
                    name,
                    label=label,
                    parent=parent,
                    data=node,
                    paths=[path],
                    depth=depth + 3,
                    order=self.findings.next_order(),
                )
            )
        # a site's own details kept deep in an answer (Gatsby's result.data.site.siteMetadata)
        # count as near the top; any other object's deep down are a record's
        near = depth if depth <= 3 or "site" not in tokens else 3
        lists, children = self._sorted_children(node, path, depth, site_like, near)
        for group in self.sibling_groups(lists):
            if len(group) == 1:
                key, value = group[0]
                self.collection(
                    value, self.path_of(path, key, depth), key, name, depth + 1, context=node
                )
            else:
                self.grouped(group, path, name, depth, node)
        for key, value in children:
            child_path = self.path_of(path, key, depth)
            if isinstance(value, list):
                self.walk_list(value, child_path, key, name, depth + 1)
            else:
                self.walk_dict(value, child_path, key, name, depth + 1)

    def _sorted_children(
        self, node: dict, path: str, depth: int, site_like: bool, near: int
    ) -> tuple[list[tuple[str, list]], list[tuple[str, Any]]]:
        """A dict's children to read: (record lists, other containers to walk). Plumbing,
        hidden and colour containers, link and option lists are skipped; contact and about
        details are taken here."""
        lists: list[tuple[str, list]] = []
        children: list[tuple[str, Any]] = []
        for key in islice(node, MAX_KEYS):
            if (
                not isinstance(key, str)
                or not is_addressable_key(key)
                or (key[:1] in ("_", "$", "@") and key not in _ENVELOPE_KEYS)
            ):
                continue
            value = node[key]
            child_norm = normal_key(key)
            child_path = self.path_of(path, key, depth)
            if self._contact_or_about(key, value, child_path, near, site_like):
                continue
            if not isinstance(value, dict | list):
                continue
            listed = child_norm == "collection" and (  # Calendly's records, Collection+JSON's
                isinstance(value, list) or (isinstance(value, dict) and _holds_records(value))
            )
            if (
                child_norm in HIDDEN_NAMES and not _food_menus(child_norm, value) and not listed
            ) or (child_norm in COLOR_CONTAINERS):
                continue
            platform_table = child_norm in PLATFORM_COLLECTIONS and not kind_for(key)
            if platform_table and not _holds_records_within(value):
                continue  # a platform's table ("users", "roles"), not a record of the site
            if (
                isinstance(value, list)
                and len(value) == 1
                and isinstance(value[0], dict)
                and (_holds_the_records(value[0]) or settings_key(key))
            ):
                # one record holding lists, or the site's settings as a collection of one
                # (ButterCMS "site_settings": [{…}]): walked as an object (walk_list)
                children.append((key, value))
                continue
            if isinstance(value, list) and is_record_list(value) and not _is_block_list(key, value):
                objects = _dicts(value)
                if self.plumbing(value, objects, self.path_of(path, key, depth), key):
                    continue
                if child_norm not in PAGE_LISTS:
                    lists.append((key, value))
                    continue
            children.append((key, value))
        return lists, children

    def plumbing(self, node: list, objects: list[dict], path: str, name: str) -> bool:
        """Record a list of plumbing as left out, with its reason; False for content."""
        reason = plumbing_reason(objects) or _search_facets(path)
        if reason:
            label = " ".join(words(name)).capitalize() or "List"
            entry = {"name": label, "path": path, "count": len(node), "reason": reason}
            self.findings.plumbing.append(entry)
        return bool(reason)

    def _has_keyed(self, node: dict) -> bool:
        return any(self._is_record_dict(node[key]) for key in islice(node, 30))

    def _contact_or_about(
        self, key: str, value: Any, path: str, depth: int, site_like: bool
    ) -> bool:
        norm = normal_key(key)
        if isinstance(value, dict) and value_shape(value) == "text":
            value = value["text"]  # Google's {"text": ..., "languageCode": ...}
        if norm in CONTACT_CONTAINERS:
            if _has_content(value):
                self.findings.contact.append((path, value))
            return True
        near_site = depth <= 3 and (site_like or depth <= 1)
        if near_site and site_like and isinstance(value, dict) and _all_contact_fields(value):
            self.findings.contact.append((path, value))  # Gatsby's siteMetadata.boxOffice
            return True
        if near_site and _is_contact_field(key, value):
            if isinstance(value, list) and norm == "location" and is_record_list(value):
                return False  # "location": [...] is a list of places
            if _is_hours_field(key) and not _states_opening(value):
                return False  # a show's airing "schedule": {time, days}: no opening hours
            if _has_content(value):
                self.findings.contact.append((path, {key: value}))
                if _is_hours_field(key) and isinstance(value, list | dict) and len(value) >= 2:
                    self.findings.hours.append((path, {key: value}))
            return True
        if site_like and depth <= 1 and norm in _ABOUT_FACTS and not isinstance(value, list):
            self.findings.about_facts.setdefault(key, value)
            return True
        if norm in ABOUT_KEYS and depth <= 3:
            if (isinstance(value, str) and len(value.strip()) >= 20) or (
                isinstance(value, dict | list) and _has_content(value)
            ):
                self.findings.about.append(
                    (path, {key: value} if isinstance(value, str) else value)
                )
            return True
        if (
            norm in ("description", "summary", "overview", "intro")
            and depth <= 2
            and site_like
            and isinstance(value, str)
            and len(value.strip()) >= 60
        ):
            self.findings.about_weak.append((path, {key: value}))
        return False

    def sibling_groups(self, lists: list[tuple[str, list]]) -> list[list[tuple[str, list]]]:
        """Group sibling record lists of the same shape and kind (a menu, one list per category)."""
        signatures = [(key, value, _signature(_dicts(value))) for key, value in lists]
        groups: list[list[tuple[str, list, frozenset]]] = []
        for entry in signatures:
            for group in groups:
                if _alike(group[0][2], entry[2]) and self._same_family(group, entry):
                    group.append(entry)
                    break
            else:
                groups.append([entry])
        out: list[list[tuple[str, list]]] = []
        for group in groups:
            if len(group) == 1:
                out.append([(group[0][0], group[0][1])])
                continue
            # Split by kind where a kind has two or more lists (food and drinks);
            # a lone list of another kind (lunch specials) stays with the majority.
            kinds = Counter(kind_for(key).name if kind_for(key) else "" for key, _, _ in group)
            strong = [k for k, c in kinds.most_common() if k and c >= 2]
            if len(strong) <= 1:
                out.append([(key, value) for key, value, _ in group])
                continue
            buckets: dict[str, list[tuple[str, list]]] = {k: [] for k in strong}
            for key, value, _ in group:
                kind = kind_for(key)
                bucket = kind.name if kind and kind.name in buckets else strong[0]
                buckets[bucket].append((key, value))
            out.extend(bucket for bucket in buckets.values() if bucket)
        return out

    @staticmethod
    def _same_family(group, entry) -> bool:
        """Lists named after different known kinds with their own shapes stay apart."""
        first = kind_for(group[0][0])
        other = kind_for(entry[0])
        if first and other and first.name != other.name:
            # team and menu in one site: same {name, description} shape, different things
            related = {"menu", "drinks", "offers"}
            return first.name in related and other.name in related
        return True

    def grouped(
        self, group: list[tuple[str, list]], path: str, parent: str, depth: int, context: dict
    ) -> None:
        kinds = Counter(kind_for(key).name for key, _ in group if kind_for(key))
        name = kinds.most_common(1)[0][0] if kinds else parent
        groups = [
            Group(humanise(key), self.path_of(path, key, depth), value) for key, value in group
        ]
        self.findings.found.append(
            Found(
                "collection",
                name,
                parent=parent,
                groups=groups,
                paths=[g.path for g in groups],
                depth=depth + 1,
                order=self.findings.next_order(),
                currency=_currency_of(context),
            )
        )

    # ---------------------------------------------------------------- collections

    def collection(
        self,
        value: list | dict,
        path: str,
        name: str,
        parent: str,
        depth: int,
        label: str = "",
        context: dict | None = None,
    ) -> None:
        if isinstance(value, dict):
            keys = [k for k in islice(value, 100_000) if isinstance(value[k], dict)]
            groups = [Group("", path, [value[k] for k in keys], keys)]
        else:
            nested = _group_list_groups(value, path, "", 0) if len(value) <= 60 else None
            if nested and len(nested) >= 2 or (nested and nested[0].label and len(value) == 1):
                groups = nested
            else:
                groups = [Group("", path, value)]
        self.findings.found.append(
            Found(
                "collection",
                name,
                label=label,
                parent=parent,
                groups=groups,
                paths=[group.path for group in groups],
                depth=depth,
                order=self.findings.next_order(),
                currency=_currency_of(context),
            )
        )


def find(prepared: Prepared) -> Findings:
    """Walk a prepared document once and return what it holds (see the module docstring)."""
    return _Walker(prepared).run()


def is_gallery(found: Found) -> bool:
    """Tell whether a collection is only images with captions."""
    return _is_image_list(found.sample(10))
