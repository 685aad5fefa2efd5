"""Read a site's hero, theme colours and intents out of content of any JSON shape.

Everything here is a pure function of parsed JSON. The walks are bounded
(depth, items sampled per list, keys per object, nodes visited), so a
50,000-item list or a 300-level nesting costs about as much as a small site,
and the same input always gives the same output, in document order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

from .colors import DEFAULT_THEME, contrast_ratio, mix, parse_css_color, readable_text_on
from .paths import ROOT, is_addressable_key, join, resolve_one
from .text import normal_key, slugify, truncate

MAX_INTENTS = 15
MAX_DEPTH = 8  # deeper content is reachable through its ancestors' pages
SAMPLE_ITEMS = 200  # list items looked at when sampling a collection
SHAPE_SAMPLE = 50  # items compared when deciding whether a list is a collection
MAX_KEYS = 500  # keys of one object walked into
NODE_BUDGET = 5000  # containers visited by one walk, whatever the document
MAX_ID_LENGTH = 60
MAX_TITLE = 200
MAX_SUBTITLE = 500
MAX_INTENT_TITLE = 80
MAX_URL = 2048

UNTITLED = "Untitled site"
THEME_ROLES = ("primary", "secondary", "accent", "background", "text")
MIN_TEXT_CONTRAST = 4.5


# --------------------------------------------------------------------------
# Names


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _words(key: str) -> list[str]:
    """Split a key into words on camelCase humps, underscores, dashes and punctuation."""
    return [word for word in re.split(r"[\W_]+", _CAMEL.sub(" ", key[:200])) if word]


def _tokens(key: str) -> list[str]:
    """Split a key into lowercase words for matching against known names."""
    return [word.lower() for word in _words(key)]


def _humanize(key: str) -> str:
    """Turn a key into a short label (``caseStudies`` -> ``Case Studies``)."""
    words = [word[0].upper() + word[1:] if word.islower() else word for word in _words(key)]
    text = " ".join(words) or _clean(key, 60) or "Section"
    return truncate(text, 60)


# "-detail-" and "-page-" separate an intent id from an item id or a page number
# in page ids; keeping those words out of intent ids means no page id of one
# intent is another's.
_RESERVED_ID_WORDS = {"detail": "details", "page": "pages"}


def _slug(text: str) -> str:
    """Make a kebab-case intent id fragment (``caseStudies`` -> ``case-studies``), maybe empty."""
    words = slugify(_CAMEL.sub("-", text[:200])).split("-")
    # Cut only after renaming reserved words: "details" is longer than "detail".
    return slugify("-".join(_RESERVED_ID_WORDS.get(word, word) for word in words), MAX_ID_LENGTH)


def _plural(word: str) -> str:
    """Pluralise an English noun well enough for field names like city or status."""
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def _join_words(values: list[str]) -> str:
    """Join words as English prose: ``a, b and c``."""
    if len(values) <= 1:
        return "".join(values)
    return ", ".join(values[:-1]) + " and " + values[-1]


# --------------------------------------------------------------------------
# Text and URLs

# Rich-text formatting tags only: CMS fields often arrive as "<p>Fresh pasta</p>".
# Anything else (a "<script>" in a name, "a < b") stays as text, escaped when shown.
_TAG = re.compile(
    r"</?(?:p|br|hr|b|i|u|em|strong|small|span|div|h[1-6]|ul|ol|li|blockquote|a|sup|sub)"
    r"(?:\s[^<>]{0,500})?/?>",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")


def _clean(value: Any, limit: int) -> str:
    """Return a one-line plain-text version of a string value, bounded; else ``""``.

    Formatting tags (``<p>``, ``<strong>``...) are dropped because CMS rich text
    often arrives as HTML; everything else is kept verbatim, so the result must
    be (and is) escaped wherever it is shown.
    """
    if not isinstance(value, str):
        return ""
    text = value[: limit * 4 + 2000]
    text = _SPACE.sub(" ", _TAG.sub(" ", text)).strip()
    text = "".join(ch for ch in text if ch.isprintable())
    return truncate(text, limit)


_URL_FORBIDDEN = re.compile(r"[\s\"'<>\\`{}|^]")
_URL_KEYS = ("url", "src", "href", "original", "large", "full", "raw", "secure_url", "link")


def http_url(value: Any) -> str:
    """Return ``value`` if it is a plain http(s) URL, else ``""``.

    ``javascript:``, ``data:``, relative paths and anything with quotes, spaces
    or angle brackets are refused. A protocol-relative ``//host/x`` becomes https.
    """
    if not isinstance(value, str) or len(value) > MAX_URL:
        return ""
    url = value.strip()
    if url.startswith("//"):
        url = "https:" + url
    if not url or _URL_FORBIDDEN.search(url) or not url.isprintable():
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return url


def _image_url(value: Any) -> str:
    """Find an http(s) image URL in a string, an image object or a list of them."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        for key in _URL_KEYS:
            found = _image_url_flat(value.get(key))
            if found:
                return found
        # SleekCMS and similar nest sizes: {"image": {"sizes": {"large": {...}}}}.
        for key in ("image", "asset", "file", "sizes", "formats", "fields"):
            nested = value.get(key)
            if isinstance(nested, dict):
                for inner_key in (*_URL_KEYS, "large", "medium", "small"):
                    inner = nested.get(inner_key)
                    found = _image_url_flat(inner)
                    if found:
                        return found
                    if isinstance(inner, dict):
                        found = _image_url_flat(inner.get("url"))
                        if found:
                            return found
        return ""
    return http_url(value)


def _image_url_flat(value: Any) -> str:
    """Return an http(s) URL from a string or a ``{"url": ...}`` object."""
    if isinstance(value, dict):
        value = value.get("url") or value.get("src")
    return http_url(value)


# --------------------------------------------------------------------------
# Shapes


def _scalar(value: Any) -> bool:
    """Tell whether a value is a non-empty scalar worth showing."""
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, int | float)  # bool is an int: true/false are values too


def _homogeneous(items: list[dict]) -> bool:
    """Tell whether objects share a shape (records of one kind, not mixed sections)."""
    if not items:
        return False
    counts: Counter[str] = Counter()
    for item in items:
        counts.update(islice(item, 100))
    common = {key for key, count in counts.items() if count * 2 > len(items)}
    if not common:
        return False
    score = sum(len(common.intersection(islice(item, 100))) / max(1, len(item)) for item in items)
    return score / len(items) >= 0.6


def _dict_sample(items: list) -> list[dict]:
    """Return the objects among the first few items of a list."""
    return [item for item in islice(items, SHAPE_SAMPLE) if isinstance(item, dict)]


def _is_record_list(value: Any) -> bool:
    """Tell whether a list is a collection of similar objects."""
    if not isinstance(value, list) or not value:
        return False
    head = list(islice(value, SHAPE_SAMPLE))
    objects = [item for item in head if isinstance(item, dict) and item]
    return len(objects) * 10 >= len(head) * 6 and _homogeneous(objects)


def _is_mixed_list(value: Any) -> bool:
    """Tell whether a list holds objects of different shapes (page sections, blocks)."""
    if not isinstance(value, list) or not value or _is_record_list(value):
        return False
    head = list(islice(value, SHAPE_SAMPLE))
    return sum(isinstance(item, dict) for item in head) * 2 >= len(head)


def _is_record_dict(value: Any, *, at_root: bool = False) -> bool:
    """Tell whether an object maps slugs to similar objects (a keyed collection)."""
    if not isinstance(value, dict) or len(value) < 2:
        return False
    # A small root object keyed by section names is a site, not a collection.
    if at_root and len(value) <= 8:
        return False
    keys = list(islice(value, SHAPE_SAMPLE))
    objects = [value[key] for key in keys]
    if not all(isinstance(item, dict) and item for item in objects):
        return False
    known = sum(1 for key in keys if _is_known_name(key))
    if known * 2 >= len(keys):
        return False
    return _homogeneous(objects)


def _is_link_list(items: list[dict]) -> bool:
    """Tell whether objects are only navigation links (label + url), not content."""
    url_keys = {"url", "href", "link", "path", "to"}
    link_keys = url_keys | {"label", "title", "name", "text", "target", "children", "id"}
    for item in items:
        keys = {normal_key(key) for key in islice(item, 20)}
        if not (keys & url_keys and keys <= link_keys):
            return False
    return bool(items)


def _count_scalars(node: dict) -> int:
    """Count the non-empty scalar fields among the first keys of an object."""
    return sum(1 for key in islice(node, 50) if _scalar(node[key]))


_LABEL_KEYS = (
    "title",
    "name",
    "label",
    "heading",
    "headline",
    "question",
    "displayName",
    "fullName",
    "full_name",
    "category",
    "slug",
    "id",
)


def _label(item: Any, limit: int = 60) -> str:
    """Return the human label of an object (its title, name, ...), or ``""``."""
    if not isinstance(item, dict):
        return ""
    for key in _LABEL_KEYS:
        value = item.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        text = _clean(value, limit)
        if text:
            return text
    return ""


# --------------------------------------------------------------------------
# Known names


@dataclass(frozen=True)
class Kind:
    """What a known collection name means to a visitor."""

    title: str
    icon: str
    singular: str
    plural: str
    verb: str


_KIND_TABLE: list[tuple[str, Kind]] = [
    (
        "menu dishes dish food foods meals meal plates mains starters desserts",
        Kind("Browse the menu", "🍽️", "dish", "dishes", "Browse"),
    ),
    (
        "drinks drink wines wine winelist cocktails beverages beers",
        Kind("See the drinks list", "🍷", "drink", "drinks", "Browse"),
    ),
    (
        "properties property listings listing homes houses apartments flats rentals realestate",
        Kind("Find a home", "🏠", "property", "properties", "Search"),
    ),
    (
        "rooms suites accommodation accommodations",
        Kind("Find a room", "🛏️", "room", "rooms", "Browse"),
    ),
    (
        "projects project portfolio works casestudies showcase cases",
        Kind("See the portfolio", "🎨", "project", "projects", "See"),
    ),
    (
        "posts post blog articles article writing writings essays stories",
        Kind("Read the blog", "📰", "post", "posts", "Read"),
    ),
    ("news updates announcements press", Kind("Read the news", "🗞️", "update", "updates", "Read")),
    (
        "team staff people members chefs employees crew founders leadership instructors"
        " teachers doctors authors",
        Kind("Meet the team", "👥", "team member", "team members", "Meet"),
    ),
    (
        "agents agent brokers realtors advisors consultants",
        Kind("Meet our agents", "🔑", "agent", "agents", "Meet"),
    ),
    (
        "events event calendar shows concerts gigs viewings openhouses meetups",
        Kind("See upcoming events", "📅", "event", "events", "See"),
    ),
    (
        "services service offerings treatments solutions",
        Kind("Explore our services", "🛠️", "service", "services", "Explore"),
    ),
    (
        "testimonials testimonial reviews review feedback quotes ratings",
        Kind("Read reviews", "💬", "review", "reviews", "Read"),
    ),
    (
        "faq faqs questions qa questionsandanswers",
        Kind("Read the FAQ", "❓", "question", "questions", "Read answers to"),
    ),
    (
        "products product shop store catalog catalogue merchandise merch goods",
        Kind("Shop the products", "🛍️", "product", "products", "Browse"),
    ),
    (
        "gallery galleries photos photo images pictures media photography",
        Kind("See the gallery", "🖼️", "photo", "photos", "See"),
    ),
    ("jobs careers vacancies openings hiring", Kind("See open jobs", "💼", "job", "jobs", "See")),
    (
        "experience experiences employment workhistory career",
        Kind("View the experience", "📈", "role", "roles", "Review"),
    ),
    (
        "education degrees schooling qualifications",
        Kind("Explore education", "🎓", "entry", "entries", "See"),
    ),
    (
        "courses classes lessons workshops programs programmes trainings",
        Kind("Browse courses", "📚", "course", "courses", "Browse"),
    ),
    (
        "talks talk speaking presentations lectures keynotes webinars",
        Kind("Watch the talks", "🎤", "talk", "talks", "See"),
    ),
    (
        "publications papers books research",
        Kind("Read the publications", "📖", "publication", "publications", "Browse"),
    ),
    (
        "awards certifications certificates achievements honors honours prizes recognition",
        Kind("See the awards", "🏆", "award", "awards", "See"),
    ),
    (
        "clients partners sponsors customers",
        Kind("Meet our partners", "🤝", "partner", "partners", "See"),
    ),
    (
        "locations branches offices venues",
        Kind("Find a location", "📍", "location", "locations", "Find"),
    ),
    (
        "neighbourhoods neighborhoods areas districts regions communities suburbs",
        Kind("Explore neighbourhoods", "🗺️", "neighbourhood", "neighbourhoods", "Explore"),
    ),
    (
        "destinations tours trips excursions",
        Kind("Discover destinations", "✈️", "destination", "destinations", "Discover"),
    ),
    (
        "skills skill expertise stack technologies tools competencies",
        Kind("See the skills", "🧠", "skill", "skills", "See"),
    ),
    (
        "pricing plans prices packages tiers memberships rates",
        Kind("Compare plans", "💳", "plan", "plans", "Compare"),
    ),
    (
        "hours openinghours openhours businesshours timetable schedule",
        Kind("Check opening hours", "🕒", "day", "days", "See hours for"),
    ),
    (
        "features amenities benefits highlights facilities",
        Kind("See the features", "✨", "feature", "features", "See"),
    ),
    (
        "specials offers deals promotions promos coupons",
        Kind("See special offers", "🎁", "offer", "offers", "See"),
    ),
    ("videos films reels", Kind("Watch the videos", "🎬", "video", "videos", "Watch")),
    ("podcasts episodes", Kind("Listen to episodes", "🎧", "episode", "episodes", "Listen to")),
    ("recipes", Kind("Try the recipes", "🥘", "recipe", "recipes", "Browse")),
    ("vehicles cars", Kind("Browse vehicles", "🚗", "vehicle", "vehicles", "Browse")),
    (
        "categories tags topics",
        Kind("Browse categories", "🏷️", "category", "categories", "Browse"),
    ),
    ("pages", Kind("Browse the pages", "📄", "page", "pages", "Browse")),
    ("links resources bookmarks", Kind("See useful links", "🔗", "link", "links", "See")),
    (
        "docs documentation guides tutorials",
        Kind("Read the guides", "📘", "guide", "guides", "Read"),
    ),
]
_KINDS: dict[str, Kind] = {name: kind for names, kind in _KIND_TABLE for name in names.split()}


def _word_set(words: str) -> frozenset[str]:
    """Build a set from space-separated words (long word lists stay readable)."""
    return frozenset(words.split())


# Words that say nothing about what a collection holds ("menu.items" is a menu).
_GENERIC = _word_set(
    "items item list lists entries entry data all featured latest our my the collection "
    "collections records content contents nodes edges results top main recent upcoming "
    "groups group elements values rows blocks section sections array objects children "
    "cards grid selected new current past index"
)

# Site-wide objects: they feed the hero and the theme, never an intent of their own.
_SITE_NAMES = _word_set(
    "site website settings config configuration meta metadata general info business "
    "company agency organization organisation brand restaurant person profile owner "
    "author me identity seo hero header banner home homepage landing footer"
)
# Objects whose content is presentation or plumbing, not something to visit.
_HIDDEN_NAMES = _word_set(
    "theme themes colors colours color colour palette palettes branding style styles design "
    "tokens appearance scheme css seo analytics tracking scripts i18n translations locale "
    "redirects schema layout layouts templates nav navigation navbar menus breadcrumbs "
    "sitemap og opengraph twitter_card favicon icons"
)
_COLOR_CONTAINERS = _word_set(
    "theme themes colors colours color colour palette palettes brand branding style styles "
    "design tokens appearance scheme"
)

_CONTACT_CONTAINERS = _word_set(
    "contact contacts contactinfo contactdetails contactus getintouch reachus"
)
# Normalised contact keys and the word the "Contact us" description uses for them.
_CONTACT_FIELDS: dict[str, str] = {}
for _names, _word in (
    ("email emailaddress mail", "email"),
    ("phone phonenumber telephone tel mobile cell whatsapp fax", "phone"),
    ("address streetaddress postaladdress officeaddress location map mapurl directions", "address"),
    ("hours openinghours openhours businesshours officehours", "opening hours"),
    (
        "social socials sociallinks socialmedia socialprofiles profiles twitter instagram "
        "facebook linkedin github youtube tiktok pinterest mastodon dribbble behance",
        "social links",
    ),
    ("website homepage", "website"),
    ("reservations reservationurl bookingurl booking bookings", "bookings"),
):
    for _name in _names.split():
        _CONTACT_FIELDS[_name] = _word
_HOURS_FIELDS = {"hours", "openinghours", "openhours", "businesshours", "officehours"}

_ABOUT_KEYS = _word_set(
    "about aboutus aboutme bio biography story ourstory mystory mission missionstatement "
    "vision history philosophy whoweare"
)
_DESCRIPTION_KEYS = ("description", "summary", "overview")

_PAGE_HOME = {"", "/", "home", "index", "homepage"}


def _is_known_name(key: str) -> bool:
    """Tell whether a key names a known kind of content or a site-wide section."""
    norm = normal_key(key)
    return (
        norm in _KINDS
        or norm in _SITE_NAMES
        or norm in _HIDDEN_NAMES
        or norm in _CONTACT_CONTAINERS
        or norm in _CONTACT_FIELDS
        or norm in _ABOUT_KEYS
    )


def _is_generic(name: str) -> bool:
    """Tell whether a name is made only of words like items/list/data."""
    tokens = _tokens(name)
    return not tokens or all(token in _GENERIC for token in tokens)


def _kind_for(name: str, parent: str = "") -> Kind | None:
    """Map a collection name (or, for generic names, its parent's) to a known kind."""
    norm = normal_key(name)
    if norm in _KINDS:
        return _KINDS[norm]
    # English compounds put the head noun last: "blogPosts", "upcoming_events".
    for token in reversed(_tokens(name)):
        if token not in _GENERIC and token in _KINDS:
            return _KINDS[token]
    if parent and _is_generic(name):
        return _kind_for(parent)
    return None


# --------------------------------------------------------------------------
# Hero


_TITLE_KEYS = (
    "sitename",
    "sitetitle",
    "businessname",
    "companyname",
    "brandname",
    "name",
    "fullname",
    "displayname",
    "title",
    "heading",
    "headline",
)
_SUBTITLE_KEYS = (
    "tagline",
    "subtitle",
    "slogan",
    "subheading",
    "subheadline",
    "strapline",
    "motto",
    "headline",
    "lead",
    "description",
    "summary",
    "intro",
)
_IMAGE_KEYS = (
    "heroimage",
    "hero",
    "coverimage",
    "cover",
    "bannerimage",
    "banner",
    "backgroundimage",
    "featuredimage",
    "headerimage",
    "image",
    "photo",
    "picture",
    "img",
    "ogimage",
    "avatar",
    "headshot",
    "portrait",
    "thumbnail",
    "logo",
)
_HERO_NAMES = {"hero", "header", "banner", "home", "homepage", "landing", "masthead", "jumbotron"}
_HERO_LISTS = {"pages", "sections", "blocks", "hero", "slides", "components", "content"}


def _hero_containers(content: Any) -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    """Collect objects near the top that may describe the site, by how site-like they are.

    Returns (site-like, root, hero-like, others), each in breadth-first document order.
    """
    site: list[dict] = []
    root: list[dict] = []
    hero: list[dict] = []
    other: list[dict] = []
    queue: list[tuple[Any, str, int]] = [(content, "", 0)]
    head = 0
    while head < len(queue) and head < 400:
        node, name, depth = queue[head]
        head += 1
        if _is_record_dict(node, at_root=depth == 0):
            continue  # items of a collection describe themselves, not the site
        if isinstance(node, list):
            # Only the first block of a page-like list can be a hero; other lists are records.
            page_like = normal_key(name) in _HERO_LISTS or (
                depth == 0 and not _is_record_list(node)
            )
            if page_like and node and depth < 3:
                queue.append((node[0], name, depth + 1))
            continue
        if not isinstance(node, dict):
            continue
        tokens = set(_tokens(name))
        if depth == 0:
            root.append(node)
        elif tokens & _HERO_NAMES:
            hero.append(node)
        elif tokens & _SITE_NAMES:
            site.append(node)
        elif depth <= 2:
            other.append(node)
        if depth < 3:
            for key in islice(node, 100):
                value = node[key]
                if isinstance(value, dict | list) and normal_key(key) not in _HIDDEN_NAMES:
                    queue.append((value, key, depth + 1))
    return site, root, hero, other


def _first_text(containers: list[dict], keys: tuple[str, ...], limit: int, avoid: str) -> str:
    """Return the first clean string under one of ``keys`` in the ranked containers."""
    for container in containers:
        by_norm: dict[str, Any] = {}
        for key in islice(container, 200):
            by_norm.setdefault(normal_key(key), container[key])
        for key in keys:
            text = _clean(by_norm.get(key), limit)
            if text and text != avoid:
                return text
    return ""


def _first_image(containers: list[dict]) -> str:
    """Return the first safe image URL under an image-ish key in the ranked containers."""
    for container in containers:
        by_norm: dict[str, Any] = {}
        for key in islice(container, 200):
            by_norm.setdefault(normal_key(key), container[key])
        for key in _IMAGE_KEYS:
            if key in by_norm:
                url = _image_url(by_norm[key])
                if url:
                    return url
    return ""


def extract_hero(content: Any) -> dict:
    """Return the site's hero: ``{"title", "subtitle", "image"}`` (strings, image http(s) or "")."""
    site, root, hero, other = _hero_containers(content)
    title = _first_text(site + root + hero + other, _TITLE_KEYS, MAX_TITLE, "") or UNTITLED
    subtitle = _first_text(hero + site + root + other, _SUBTITLE_KEYS, MAX_SUBTITLE, title)
    image = _first_image(hero + site + root + other)
    return {"title": title, "subtitle": subtitle, "image": image}


# --------------------------------------------------------------------------
# Theme


def _color_role(key: str) -> str | None:
    """Map a colour key (``primaryColor``, ``bg``, ``text-color``) to a theme role."""
    norm = normal_key(key).replace("colour", "").replace("color", "")
    # Material-style "onPrimary" is the text drawn on primary, not primary itself.
    if norm.startswith("on") and len(norm) > 2 and norm[2:] in ("primary", "secondary", "accent"):
        return None
    if "background" in norm or norm.startswith("bg") or norm in ("backdrop", "paper", "canvas"):
        return "background"
    if any(word in norm for word in ("text", "foreground", "font", "ink")) or norm in (
        "fg",
        "body",
        "copy",
    ):
        return "text"
    if "secondary" in norm:
        return "secondary"
    if any(word in norm for word in ("accent", "highlight", "tertiary")):
        return "accent"
    if any(word in norm for word in ("primary", "brand", "main")) or norm in ("", "theme", "base"):
        return "primary"
    return None


def _color_value(value: Any, lenient: bool) -> str | None:
    """Parse a colour value; named colours only where the context is clearly about colour.

    A shade map (``{"500": "#...", "DEFAULT": ...}``) gives its default or middle shade.
    """
    if isinstance(value, dict):
        for key in ("DEFAULT", "default", "base", "main", "value", "hex", "color", "500", "600"):
            found = _color_value(value.get(key), lenient)
            if found:
                return found
        return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not lenient and not (text.startswith("#") or "(" in text):
        return None
    return parse_css_color(text)


def extract_theme(content: Any) -> dict:
    """Return the theme colours ``{primary, secondary, accent, background, text}`` as ``#rrggbb``.

    Colours come from colour-ish keys and containers; missing ones are derived
    or taken from a default palette, and the text colour is forced readable on
    the background (WCAG contrast of at least 4.5).
    """
    found: dict[str, str] = {}
    unnamed: list[str] = []
    queue: list[tuple[Any, bool, int]] = [(content, False, 0)]
    head = 0
    while head < len(queue) and head < NODE_BUDGET:
        node, in_colors, depth = queue[head]
        head += 1
        if isinstance(node, list):
            if not in_colors:
                # Page blocks may hold a theme; records were never queued.
                for item in islice(node, 20):
                    if isinstance(item, dict) and depth < 6:
                        queue.append((item, False, depth + 1))
                continue
            for item in islice(node, 20):
                if isinstance(item, dict):
                    role_name = item.get("role") or item.get("name") or item.get("label")
                    role = _color_role(role_name) if isinstance(role_name, str) else None
                    raw = item.get("value") or item.get("hex") or item.get("color")
                    color = _color_value(raw, lenient=True)
                    if role and color:
                        found.setdefault(role, color)
                    elif color:
                        unnamed.append(color)
                else:
                    color = _color_value(item, lenient=True)
                    if color:
                        unnamed.append(color)
            continue
        if not isinstance(node, dict):
            continue
        for key in islice(node, MAX_KEYS):
            value = node[key]
            norm = normal_key(key)
            has_color_word = "color" in norm or "colour" in norm
            if isinstance(value, dict | list):
                inside = in_colors or norm in _COLOR_CONTAINERS or has_color_word
                # Records (dishes, homes) carry their own colours, not the site's.
                if depth < 6 and (inside or not _is_record_list(value)):
                    queue.append((value, inside, depth + 1))
                    if isinstance(value, dict) and (in_colors or has_color_word):
                        role = _color_role(key)
                        color = _color_value(value, lenient=True)
                        if role and color:
                            found.setdefault(role, color)
                continue
            if not (in_colors or has_color_word):
                # Outside a theme, accept only keys that say "colour" outright.
                continue
            role = _color_role(key)
            color = _color_value(value, lenient=True)
            if role and color:
                found.setdefault(role, color)
            elif color and in_colors:
                unnamed.append(color)
    for role, color in zip(("primary", "secondary", "accent"), unnamed, strict=False):
        found.setdefault(role, color)
    return _complete_theme(found)


def _complete_theme(found: dict[str, str]) -> dict:
    """Fill missing roles harmoniously and make the text readable on the background."""
    theme = dict(found)
    if "primary" in theme and "secondary" not in theme:
        theme["secondary"] = mix(theme["primary"], "#000000", 0.35)
    for role in THEME_ROLES:
        theme.setdefault(role, DEFAULT_THEME[role])
    if contrast_ratio(theme["text"], theme["background"]) < MIN_TEXT_CONTRAST:
        theme["text"] = readable_text_on(theme["background"])
    return {role: theme[role] for role in THEME_ROLES}


# --------------------------------------------------------------------------
# Intents


@dataclass
class _Candidate:
    """A possible intent, before selection, titles de-duplication and ids."""

    order: int
    priority: float
    titles: list[str]
    icon: str
    description: str
    path: str
    id_base: str


@dataclass
class _Walk:
    """What one bounded walk of the content found."""

    candidates: list[_Candidate] = field(default_factory=list)
    contact: list[tuple[str, str]] = field(default_factory=list)  # (path, kind word)
    about: list[str] = field(default_factory=list)
    about_weak: list[str] = field(default_factory=list)
    order: int = 0

    def next_order(self) -> int:
        """Number things in the order the walk meets them (document order)."""
        self.order += 1
        return self.order


_CATEGORY_FIELDS = (
    "category",
    "type",
    "cuisine",
    "style",
    "course",
    "section",
    "kind",
    "genre",
    "city",
    "neighbourhood",
    "neighborhood",
    "area",
    "district",
    "department",
    "status",
    "level",
    "topic",
)


def _categories(items: list[dict]) -> tuple[str, list[str]] | None:
    """Find a field with 2 to 8 distinct values among sampled items (e.g. a dish category)."""
    if len(items) < 4:
        return None
    for name in _CATEGORY_FIELDS:
        values: list[str] = []
        present = 0
        for item in items:
            value = _clean(item.get(name), 30)
            if value:
                present += 1
                if value not in values:
                    values.append(value)
                    if len(values) > 8:
                        break
        if present * 2 >= len(items) and 2 <= len(values) <= 8:
            return name, values
    return None


_GROUPING_NAMES = {"groups", "group", "sections", "categories", "blocks"}


def _collection_description(
    kind: Kind | None, name: str, count: int, items: list[dict], key: str = ""
) -> str:
    """Describe a collection in one sentence, with its size and its categories if any."""
    extra = ""
    categories = _categories(items)
    if categories:
        field_name, values = categories
        listed = _join_words(values)
        extra = f", across {len(values)} {_plural(field_name)}"
        if len(listed) <= 80:
            extra += f": {listed}"
    if kind is None:
        noun = "item" if count == 1 else "items"
        where = f" in {_humanize(name)}" if name and not _is_generic(name) else ""
        return f"Explore {count} {noun}{where}{extra}."
    if normal_key(key) in _GROUPING_NAMES:
        # "skills.groups" counts groups of skills, not skills.
        groups = "group" if count == 1 else "groups"
        return f"{kind.verb} {kind.plural} in {count} {groups}{extra}."
    noun = kind.singular if count == 1 else kind.plural
    return f"{kind.verb} {count} {noun}{extra}."


def _sample_items(value: list | dict) -> list[dict]:
    """Return up to SAMPLE_ITEMS objects of a collection, never touching the rest."""
    source = value.values() if isinstance(value, dict) else value
    return [item for item in islice(source, SAMPLE_ITEMS) if isinstance(item, dict)]


def _add_collection(
    walk: _Walk, value: list | dict, path: str, name: str, parent: str, depth: int
) -> None:
    """Add intents for one collection: the collection, and its pages or sub-collections."""
    items = _sample_items(value)
    count = len(value)
    kind = _kind_for(name, parent)
    context = parent if _is_generic(name) and parent else name
    order = walk.next_order()
    if path == ROOT:
        description = _collection_description(None, "", count, items).replace(
            "Explore ", "Browse all ", 1
        )
        walk.candidates.append(
            _Candidate(order, 100.0, ["Browse all items"], "📂", description, ROOT, "all-items")
        )
    elif (
        kind is not None
        and kind.title == "Browse the pages"
        and isinstance(value, list)
        and _add_pages(walk, value, path)
    ):
        return
    if path != ROOT:
        size_bonus = min(count, 20) * 0.5
        base = 80.0 if kind else 50.0
        titles = [kind.title] if kind else []
        if kind is None and _is_generic(context):
            titles.append("Browse all items")
        titles += [f"Explore {_humanize(context)}"]
        if parent and context != parent:
            titles.append(f"Explore {_humanize(context)} in {_humanize(parent)}")
        walk.candidates.append(
            _Candidate(
                order,
                base + size_bonus - depth,
                titles,
                kind.icon if kind else "📂",
                _collection_description(kind, context, count, items, name),
                path,
                _slug(context) or _slug(name) or "collection",
            )
        )
    if isinstance(value, list) and 2 <= count <= 8:
        _add_subcollections(walk, value, path, context, kind)


def _add_pages(walk: _Walk, pages: list, path: str) -> bool:
    """Add one intent per page of a small page list (home excluded); tell if any was added."""
    added = False
    if len(pages) > 12:
        return False
    for index, page in enumerate(pages):
        label = _label(page)
        if not isinstance(page, dict) or not label:
            continue
        slug = page.get("slug") or page.get("path") or page.get("_path") or page.get("url")
        slug_text = slug.strip().strip("/").lower() if isinstance(slug, str) else None
        if slug_text in _PAGE_HOME or label.lower() in _PAGE_HOME:
            continue
        if len(page) < 2 or not _has_content(page):
            continue
        walk.candidates.append(
            _Candidate(
                walk.next_order(),
                45.0 - index,
                [label, f"{label} page"],
                "📄",
                f"Read the {label} page.",
                join(path, index),
                _slug(slug_text or "") or _slug(label) or "page",
            )
        )
        added = True
    return added


def _add_subcollections(
    walk: _Walk, items: list, path: str, context: str, kind: Kind | None
) -> None:
    """Add an intent per group of a grouped collection (menu sections with their dishes)."""
    for index, item in enumerate(items):
        if not isinstance(item, dict) or _count_scalars(item) > 4:
            continue
        label = _label(item)
        if not label:
            continue
        for key in islice(item, 50):
            value = item[key]
            if not (is_addressable_key(key) and isinstance(value, list) and len(value) >= 2):
                continue
            if not _is_record_list(value):
                continue
            inner_kind = _kind_for(key) or kind
            noun = (
                (inner_kind.plural if inner_kind else "items")
                if len(value) != 1
                else (inner_kind.singular if inner_kind else "item")
            )
            walk.candidates.append(
                _Candidate(
                    walk.next_order(),
                    40.0 - index * 0.1,
                    [f"Browse {label}", f"Browse {label} ({_humanize(context)})"],
                    inner_kind.icon if inner_kind else "📂",
                    f"Browse {len(value)} {noun} in {label}.",
                    join(join(path, index), key),
                    _slug(f"{context} {label}") or _slug(context) or "group",
                )
            )
            break


def _add_scalar_list(walk: _Walk, value: list, path: str, name: str, parent: str) -> None:
    """Add an intent for a list of plain values (skills, tags) that deserves a page."""
    head = list(islice(value, SHAPE_SAMPLE))
    if len(value) < 3 or sum(_scalar(item) for item in head) * 10 < len(head) * 8:
        return
    if set(_tokens(parent)) & (_SITE_NAMES | _HERO_NAMES):
        return  # keywords or languages of the site itself are not a destination
    kind = _kind_for(name, parent)
    context = parent if _is_generic(name) and parent else name
    count = len(value)
    if kind:
        description = f"{kind.verb} {count} {kind.plural}."
    else:
        description = f"See {count} entries in {_humanize(context)}."
    walk.candidates.append(
        _Candidate(
            walk.next_order(),
            35.0 if kind else 15.0,
            ([kind.title] if kind else []) + [f"Explore {_humanize(context)}"],
            kind.icon if kind else "📋",
            description,
            path,
            _slug(context) or "list",
        )
    )


def _add_section(walk: _Walk, node: dict, path: str, name: str, depth: int) -> None:
    """Add a low-priority intent for a content object that is not a collection."""
    if len(node) > 30 or _count_scalars(node) < 2:
        return
    keys = {normal_key(key) for key in islice(node, 30)}
    # Image and link objects ({"url", "alt"}) are parts of something else.
    if keys & {"url", "src", "href"} and len(keys) <= 6:
        return
    for key in islice(node, 30):
        if _is_record_list(node[key]) or _is_record_dict(node[key]):
            return
    label = _label(node)
    kind = _kind_for(name)
    human = _humanize(name)
    titles = [kind.title] if kind else []
    titles += [label] if label and label not in ("", name) and not label.isdigit() else []
    titles += [f"Explore {human}"]
    walk.candidates.append(
        _Candidate(
            walk.next_order(),
            20.0 - depth,
            titles,
            kind.icon if kind else "📄",
            f"Read more about {(label or human)}.",
            path,
            _slug(name) or _slug(label) or "section",
        )
    )


def _note_contact_and_about(walk: _Walk, key: str, value: Any, path: str, depth: int) -> bool:
    """Record contact and about fields; tell whether the key was consumed by them."""
    norm = normal_key(key)
    if norm in _CONTACT_CONTAINERS:
        if _has_content(value) and len(walk.contact) < 10:
            walk.contact.append((path, ""))
        return True
    if norm in _CONTACT_FIELDS and depth <= 4:
        if isinstance(value, list) and norm == "location":
            return False  # "location": [...] is a list of places, not an address
        if _has_content(value) and len(walk.contact) < 10:
            walk.contact.append((path, _CONTACT_FIELDS[norm]))
        # Opening hours are also worth their own page.
        return norm not in _HOURS_FIELDS
    if norm == "links" and isinstance(value, dict) and depth <= 4:
        if any(http_url(item) for item in islice(value.values(), 20)) and len(walk.contact) < 10:
            walk.contact.append((path, "social links"))
        return True
    if norm in _ABOUT_KEYS and depth <= 4:
        text_ok = isinstance(value, str) and len(value.strip()) >= 20
        if (text_ok or (isinstance(value, dict | list) and _has_content(value))) and len(
            walk.about
        ) < 3:
            walk.about.append(path)
        return True
    if (
        norm in _DESCRIPTION_KEYS
        and depth <= 2
        and isinstance(value, str)
        and len(value.strip()) >= 60
        and len(walk.about_weak) < 2
    ):
        walk.about_weak.append(path)
    return False


def _has_content(value: Any, budget: int = 200) -> bool:
    """Tell whether a value holds a non-empty scalar (bounded look)."""
    stack = [value]
    while stack and budget > 0:
        budget -= 1
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(islice(node.values(), 50))
        elif isinstance(node, list):
            stack.extend(islice(node, 50))
        elif _scalar(node):
            return True
    return False


def _children(node: dict) -> Iterator[tuple[str, Any]]:
    """Yield the addressable keys of an object (bounded), in document order."""
    for key in islice(node, MAX_KEYS):
        if isinstance(key, str) and is_addressable_key(key) and key[:1] not in ("_", "$", "@"):
            yield key, node[key]


def _walk(content: Any) -> _Walk:
    """Walk the content once, depth-first in document order, collecting candidates."""
    walk = _Walk()
    if isinstance(content, list) and _is_record_list(content):
        _add_collection(walk, content, ROOT, "", "", 0)
        return walk
    if isinstance(content, dict) and _is_record_dict(content, at_root=True):
        _add_collection(walk, content, ROOT, "", "", 0)
        return walk
    # (value, path, name, parent name, depth, may become an intent)
    stack: list[tuple[Any, str, str, str, int, bool]] = [(content, ROOT, "", "", 0, True)]
    visited = 0
    while stack and visited < NODE_BUDGET:
        node, path, name, parent, depth, visible = stack.pop()
        visited += 1
        if isinstance(node, list):
            if depth > 0 and visible and _is_record_list(node):
                items = _dict_sample(node)
                if not _is_link_list(items):
                    _add_collection(walk, node, path, name, parent, depth)
                continue
            if _is_mixed_list(node):
                children = []
                for index, item in enumerate(islice(node, SHAPE_SAMPLE)):
                    if isinstance(item, dict | list) and depth < MAX_DEPTH:
                        item_name = name
                        item_path = join(path, index)
                        if isinstance(item, dict):
                            item_type = item.get("type") or item.get("_type") or item.get("kind")
                            item_name = _clean(item_type, 60) or _label(item) or name
                            # A {"type": "contact", ...} block is contact details, not a section.
                            if _note_contact_and_about(walk, item_name, item, item_path, depth):
                                continue
                        children.append((item, item_path, item_name, name))
                for item, item_path, item_name, item_parent in reversed(children):
                    stack.append((item, item_path, item_name, item_parent, depth + 1, visible))
                continue
            if depth > 0 and visible:
                _add_scalar_list(walk, node, path, name, parent)
            continue
        if not isinstance(node, dict):
            continue
        if depth > 0 and visible and _is_record_dict(node):
            _add_collection(walk, node, path, name, parent, depth)
            continue
        norm = normal_key(name)
        if (
            depth > 0
            and visible
            and norm not in _SITE_NAMES
            and not set(_tokens(name)) & (_SITE_NAMES | _HERO_NAMES)
        ):
            _add_section(walk, node, path, name, depth)
        children = []
        for key, value in _children(node):
            child_path = join(path, key)
            if _note_contact_and_about(walk, key, value, child_path, depth + 1):
                continue
            if not isinstance(value, dict | list) or depth >= MAX_DEPTH:
                continue
            child_norm = normal_key(key)
            if child_norm in _HIDDEN_NAMES or child_norm in _COLOR_CONTAINERS:
                continue
            child_visible = visible and child_norm not in ("footer", "header", "nav")
            children.append((value, child_path, key, name, child_visible))
        for value, child_path, key, parent_name, child_visible in reversed(children):
            stack.append((value, child_path, key, parent_name, depth + 1, child_visible))
    return walk


def _contact_description(kinds: list[str]) -> str:
    """Describe the contact intent from the kinds of details found."""
    words = [kind for kind in dict.fromkeys(kinds) if kind]
    if not words:
        return "Get in touch: find every way to reach us."
    return f"Get in touch: {_join_words(words)}."


def _contact_kinds(content: Any, entries: list[tuple[str, str]]) -> list[str]:
    """List the kinds of contact details, looking inside contact objects too."""
    kinds: list[str] = []
    for path, kind in entries:
        if kind:
            kinds.append(kind)
            continue
        value = resolve_one(content, path)
        if isinstance(value, dict):
            for key in islice(value, 50):
                word = _CONTACT_FIELDS.get(normal_key(key))
                if word and _has_content(value[key]):
                    kinds.append(word)
    return kinds


def _unique_id(base: str, used: set[str]) -> str:
    """Make ``base`` unique among ``used`` by adding -2, -3 ... within the length limit."""
    base = base[:MAX_ID_LENGTH].strip("-") or "intent"
    candidate = base
    number = 2
    while candidate in used:
        suffix = f"-{number}"
        candidate = base[: MAX_ID_LENGTH - len(suffix)].rstrip("-") + suffix
        number += 1
    used.add(candidate)
    return candidate


def _unique_title(titles: list[str], used: set[str]) -> str:
    """Pick the first unused title among the alternatives, numbering as a last resort."""
    options = [truncate(title, MAX_INTENT_TITLE) for title in titles if title]
    for title in options:
        if title.lower() not in used:
            used.add(title.lower())
            return title
    base = options[0] if options else "Explore"
    number = 2
    while f"{base} ({number})".lower() in used:
        number += 1
    used.add(f"{base} ({number})".lower())
    return f"{base} ({number})"


def extract_intents(content: Any) -> list[dict]:
    """Return what a visitor may want from the site, as intents for its home page.

    Each intent is ``{"id", "title", "description", "icon", "dataPath"}`` with a
    unique kebab-case id and a dataPath that resolves against ``content``. At
    most 15; at least one for any non-empty document.
    """
    walk = _walk(content)
    specials: list[_Candidate] = []
    about_paths = walk.about or walk.about_weak
    if about_paths:
        site = extract_hero(content)["title"]
        about_title = f"About {site}" if site != UNTITLED and len(site) <= 50 else "About us"
        specials.append(
            _Candidate(
                0,
                1000.0,
                [about_title, "About us", "About"],
                "ℹ️",
                f"Learn the story behind {site}." if site != UNTITLED else "Learn who we are.",
                ",".join(about_paths),
                "about",
            )
        )
    if walk.contact:
        specials.append(
            _Candidate(
                0,
                1000.0,
                ["Contact us", "Get in touch"],
                "📞",
                _contact_description(_contact_kinds(content, walk.contact)),
                ",".join(path for path, _ in walk.contact),
                "contact",
            )
        )
    room = MAX_INTENTS - len(specials)
    ranked = sorted(walk.candidates, key=lambda c: (-c.priority, c.order))[:room]
    chosen = sorted(ranked, key=lambda c: c.order) + specials
    if len(chosen) < 3 and not any(c.path == ROOT for c in chosen):
        chosen.append(
            _Candidate(
                0,
                0.0,
                ["Explore everything", "Browse everything"],
                "🧭",
                "See all of the site's content in one place.",
                ROOT,
                "everything",
            )
        )
    used_ids: set[str] = set()
    used_titles: set[str] = set()
    intents = []
    for candidate in chosen[:MAX_INTENTS]:
        intents.append(
            {
                "id": _unique_id(candidate.id_base, used_ids),
                "title": _unique_title(candidate.titles, used_titles),
                "description": truncate(candidate.description, 300),
                "icon": candidate.icon,
                "dataPath": candidate.path,
            }
        )
    return intents


def summarise(content: Any) -> dict:
    """Return the hero, theme and intents of the content in one dict."""
    return {
        "hero": extract_hero(content),
        "theme": extract_theme(content),
        "intents": extract_intents(content),
    }
