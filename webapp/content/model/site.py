"""The site itself: its name, hero and theme colours, from site-level fields only.

The name comes from site-level objects (config, site, settings, navbar logo
text, a JSON-LD organisation, a platform's settings), never from a record;
the theme from site-level colours (a theme/colours/brand object, a platform's
accent colour), never from one blog post's ``backgroundColor``.
"""

from __future__ import annotations

from itertools import islice
from typing import Any
from urllib.parse import urlsplit

from ..colors import DEFAULT_THEME, contrast_ratio, mix, parse_css_color, readable_text_on
from ..paths import resolve_one
from ..text import normal_key
from .classify import Findings, is_record_list, own_fields
from .normalise import _image, is_slug
from .unwrap import Prepared
from .values import plain_text, readable_code
from .vocab import (
    BUSINESS_NAME_KEYS,
    COLOR_CONTAINERS,
    HERO_NAMES,
    HIDDEN_NAMES,
    OWNER_NAME_MEMBERS,
    OWNER_OBJECT_WORDS,
    OWNER_PLAIN_KEYS,
    OWNER_WORDS,
    SITE_NAMES,
    settings_key,
    typed_as_site,
    words,
)

UNTITLED = "Untitled site"
MAX_TITLE = 200
MAX_SUBTITLE = 500
THEME_ROLES = ("primary", "secondary", "accent", "background", "text")
MIN_TEXT_CONTRAST = 4.5

_NAME_KEYS = (
    "sitename",
    "sitetitle",
    *BUSINESS_NAME_KEYS,
    "logotext",
    "brand",
    "name",
    "fullname",
    "displayname",
    "title",
    "organization",
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
    "text",
)
_HERO_TITLE_KEYS = ("heading", "headline", "title", "name")
_IMAGE_KEYS = (
    "heroimage",
    "hero",
    "backgroundimage",
    "coverimage",
    "cover",
    "bannerimage",
    "banner",
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


def _by_norm(container: dict) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key in islice(container, 200):
        if isinstance(key, str):
            found.setdefault(normal_key(key), container[key])
    return found


def _first_text(containers: list[dict], keys: tuple[str, ...], limit: int, avoid: str = "") -> str:
    for container in containers:
        by_norm = _by_norm(container)
        for key in keys:
            value = by_norm.get(key)
            if isinstance(value, dict):
                value = value.get("name") or value.get("text")
            text = plain_text(value, limit)
            if text and text != avoid and not text.startswith(("http://", "https://")):
                if "/" in text and " " not in text:
                    continue  # an API resource path ("places/ChIJ…"), not a name
                return text
    return ""


def _first_image(containers: list[dict], base_url: str) -> str:
    for container in containers:
        by_norm = _by_norm(container)
        for key in _IMAGE_KEYS:
            if key in by_norm:
                value = by_norm[key]
                if isinstance(value, list):
                    value = value[0] if value else None
                image = _image(value, base_url, True)
                if image:
                    return image.src
    return ""


def _root_scalars(doc: Any) -> list[dict]:
    """The root's own values (and text objects such as Google's ``displayName: {text}``)."""
    if isinstance(doc, dict):
        return [
            {
                k: v
                for k, v in islice(doc.items(), 200)
                if not isinstance(v, dict | list) or (isinstance(v, dict) and "text" in v)
            }
        ]
    return []


def _one_object(value: Any) -> bool:
    """Tell whether a value is a list of exactly one object."""
    return isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict)


def _site_containers(prepared: Prepared, findings: Findings) -> list[dict]:
    """Site-like objects near the top of the document, best first."""
    found: list[dict] = []
    doc = prepared.doc
    if isinstance(doc, dict):
        queue: list[tuple[dict, str, int]] = [(doc, "", 0)]
        head = 0
        while head < len(queue) and head < 200:
            node, name, depth = queue[head]
            head += 1
            tokens = set(words(name)) | {normal_key(name)}
            if (
                depth > 0
                and ((tokens & SITE_NAMES and not tokens & HERO_NAMES) or typed_as_site(node))
                and not _names_its_key(node, name)
            ):
                found.append(node)
            if depth < 4:  # Gatsby's result.data.site.siteMetadata
                for key in islice(node, 100):
                    value = node[key]
                    if _one_object(value) and settings_key(key):
                        value = value[0]  # settings kept as a collection of one (ButterCMS)
                    if isinstance(value, dict) and normal_key(key) not in HIDDEN_NAMES - {"meta"}:
                        queue.append((value, key, depth + 1))
    return found


def _names_its_key(node: dict, key: str) -> bool:
    """A heading over lists that repeats its own key (a search facet's {"title":
    "organization", "items": […]}), which names a field, not a site."""
    title = node.get("title") or node.get("name")
    texts = sum(1 for value in islice(node.values(), 40) if isinstance(value, str))
    return isinstance(title, str) and normal_key(title) == normal_key(key) and texts == 1


_TITLE_NAME_KEYS = ("title", "displayname", "sitetitle", "fullname")


def _handle(name: str) -> bool:
    """An account's handle rather than a name a person reads ("inkwellanchor")."""
    return len(name) >= 6 and " " not in name and name == name.lower() and name.isascii()


def _readable_name(text: str) -> str:
    """A title that names a site in words ("Inkwell & Anchor Tattoo"), never a page's ("Home")."""
    return text if " " in text and normal_key(text) not in _PAGE_NAMES else ""


def site_header(prepared: Prepared, findings: Findings) -> dict[str, str]:
    """Return ``{"name", "title", "subtitle", "image", "named"}`` of the site.

    ``named`` is False when the site states no name (untitled, or only its host is known).
    """
    base_url = prepared.context.base_url
    platform = [prepared.site] if prepared.site else []
    platform_node = [prepared.site["node"]] if isinstance(prepared.site.get("node"), dict) else []
    sites = platform + platform_node + _site_containers(prepared, findings)
    roots = _root_scalars(prepared.doc)
    heroes = findings.hero
    name = _first_text(sites + roots, _NAME_KEYS, MAX_TITLE)
    if _handle(name):  # Tumblr's "name": "inkwellanchor" beside its "title"
        name = _readable_name(_first_text(sites + roots, _TITLE_NAME_KEYS, MAX_TITLE)) or name
    from_host = False
    if not name and base_url:
        # Only the site's address is known: its host names it ("longroadpedal.com").
        name = (urlsplit(base_url).hostname or "").removeprefix("www.")
        from_host = bool(name)
    hero_title = _first_text(heroes, _HERO_TITLE_KEYS, MAX_TITLE)
    name = name or hero_title or UNTITLED
    subtitle = _first_text(
        heroes + platform + platform_node + sites + roots,
        _SUBTITLE_KEYS,
        MAX_SUBTITLE,
        avoid=hero_title or name,
    )
    image = _first_image(heroes + platform + platform_node + sites + roots, base_url)
    return {
        "name": name,
        "title": hero_title or name,
        "subtitle": subtitle,
        "image": image,
        "named": name != UNTITLED and not from_host,
    }


def name_of_container(prepared: Prepared, findings: Findings) -> str:
    """The name of the record that holds all the collections (a group with its upcoming
    and past events, a playlist with its tracks), or "" when the root holds them."""
    paths = [f.paths[0] for f in findings.found if f.role == "collection" and f.paths]
    if not paths:
        return ""
    steps = [[step for step in path.split(".") if step and "[" not in step] for path in paths]
    common: list[str] = []
    for parts in zip(*steps, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    if len(common) == len(min(steps, key=len)):
        common = common[:-1]  # the collection itself, not what holds it
    # The nearest record up the path (an envelope {count, items} is none), two steps at most.
    for end in range(len(common), max(0, len(common) - 3), -1):
        node = resolve_one(prepared.doc, ".".join(common[:end]))
        if own_fields(node) < _RECORD_FIELDS:
            continue  # a heading over lists ({"title": "Our team", "members"}): no record
        own = normal_key(common[end - 1]) + "name"  # "brewery": {"brewery_name"}
        name = _first_text([node], ("name", "title", "displayname", own), 80)
        if name:
            return "" if normal_key(name) in _PAGE_NAMES else _name_text(name)
    return ""


_RECORD_FIELDS = 4  # fields of its own that make a container a record (a group, a show)


_PAGE_NAMES = frozenset({"home", "homepage", "index", "main", "root", "landing", "untitled"})


def name_shared_by_records(samples: list[list[dict]]) -> str:
    """The site's name as every record of a collection gives it, or "": the owner they
    name ("company_name", "channelTitle", "owner": {"login"}) or the end of their page
    titles ("Sports massage | Harbourside Physiotherapy"). The largest collection first."""
    for sample in sorted(samples, key=len, reverse=True):
        records = [record for record in sample[:50] if isinstance(record, dict)]
        if len(records) >= _MIN_SHARING:
            name = (
                _shared(records, _owner_names)
                or _shared(records, _title_endings)
                or _shared(records, _name_beginnings)
            )
            if name:
                return name
    return ""


_MIN_SHARING = 3  # records that must share a name for it to be the site's
_TITLE_SEPARATORS = (" | ", " – ", " — ", " · ")


def _shared(records: list[dict], candidates) -> str:
    """The candidate name that all but a tenth of the records give (the first such)."""
    counts: dict[str, int] = {}
    for record in records:
        for name in dict.fromkeys(candidates(record)):
            counts[name] = counts.get(name, 0) + 1
    need = max(_MIN_SHARING, len(records) - len(records) // 10)
    return next((name for name, count in counts.items() if count >= need), "")


def _fields_near(record: dict):
    """(key words, value) of a record's fields and of its nested objects' fields."""
    for key, value in islice(record.items(), 80):
        if not isinstance(key, str) or key[:1] in ("_", "$", "@"):
            continue  # bookkeeping ("_owner": the account's id)
        yield set(words(key)), value
        if isinstance(value, dict) and not set(words(key)) & OWNER_WORDS:
            for inner_key, inner in islice(value.items(), 80):
                if isinstance(inner_key, str):
                    yield set(words(key)) | set(words(inner_key)), inner


def _owner_names(record: dict) -> list[str]:
    """Names a record gives its owner: named-owner fields first ("company_name"), then
    plain ones ("subreddit") and owner objects ({"login"})."""
    named, plain = [], []
    for parts, value in _fields_near(record):
        if isinstance(value, dict):
            if parts & OWNER_WORDS or (parts & OWNER_OBJECT_WORDS and _is_business(value)):
                plain.append(_name_text(_owner_object_name(value)))
            elif "user" in parts and _shown_user_name(value):
                # the account's shown name, not its handle ("admin")
                plain.append(_name_text(_shown_user_name(value)))
        elif parts & OWNER_WORDS and parts & {"name", "title"}:
            named.append(_name_text(value))
        elif len(parts) == 1 and parts <= OWNER_PLAIN_KEYS:
            plain.append(_name_text(value))
    return [name for name in named + plain if name and normal_key(name) not in _NOT_OWNERS]


def _owner_object_name(value: dict):
    """The name an owner object gives itself: a name member, else a key ending in "name"
    (Transitland's agency: {"agency_name": "Tamsey Estuary Ferries"})."""
    names = [value[m] for m in OWNER_NAME_MEMBERS if value.get(m)]
    # a slug beside the name in words (CKAN's organization: {name: "upper-kestrel…", title})
    worded = [name for name in names if not (isinstance(name, str) and is_slug(name))]
    if names:
        return (worded or names)[0]
    return next(
        (inner for key, inner in islice(value.items(), 40) if words(str(key))[-1:] == ["name"]),
        None,
    )


def _shown_user_name(value: dict):
    """An account's shown name: its display name, or a username with spaces (SoundCloud's
    "Fenmoor Youth Orchestra"), never a handle."""
    shown = value.get("display_name") or value.get("displayName") or value.get("full_name")
    handle = value.get("username")
    if not shown and isinstance(handle, str) and " " in handle.strip():
        return handle
    return shown


# Values that are no owner's name: a place holder, a platform, a role.
_NOT_OWNERS = frozenset(
    {"online", "zoom", "virtual", "remote", "tbd", "tba", "private", "admin", "administrator",
     "anonymous", "unknown", "none", "main", "home", "default", "staff", "everyone"}
)  # fmt: skip


def _is_business(value: dict) -> bool:
    """An object that is a business, not a place's name: it has an address or a phone."""
    keys = {normal_key(str(k)) for k in islice(value, 60)}
    return bool(keys & {"address", "address1", "phone", "email", "postalcode", "streetaddress"})


def _title_endings(record: dict) -> list[str]:
    """The part after the last separator of a record's title-like texts."""
    endings = []
    for parts, value in _fields_near(record):
        page_title = "title" in parts and parts & {"meta", "seo", "og", "page", "html", "head"}
        if page_title and isinstance(value, str) and len(value) <= 200:
            cut = max(value.rfind(separator) for separator in _TITLE_SEPARATORS)
            if cut > 0:
                ending = value[cut:].lstrip(" |–—·-")
                endings.append(_name_text(ending))
    return [ending for ending in endings if ending]


_BRANCH_KEYS = frozenset({"address", "hours", "openinghours", "mainphone"})


def _name_beginnings(record: dict) -> list[str]:
    """The part before the first separator of a branch's own name ("Brightwater Dental –
    Capitol Square"); a product's or a lesson's ("Classic Tee – Red") names no site."""
    if not {normal_key(str(key)) for key in islice(record, 60)} & _BRANCH_KEYS:
        return []
    for key in ("name", "title"):
        value = record.get(key)
        if isinstance(value, str) and len(value) <= 200:
            cuts = [cut for cut in (value.find(sep) for sep in _TITLE_SEPARATORS) if cut > 0]
            if cuts:
                return [name] if (name := _name_text(value[: min(cuts)])) else []
    return []


def _name_text(value) -> str:
    """A short human name, or "" (URLs, paths, ids, codes)."""
    text = plain_text(value, 80) if isinstance(value, str) else ""
    if not 2 <= len(text) <= 60 or text.startswith(("http://", "https://")):
        return ""
    if not any(c.isalpha() for c in text) or ("/" in text and not text.startswith("r/")):
        return ""
    digits = sum(c.isdigit() for c in text)
    if " " not in text and (digits * 4 >= len(text) or readable_code(text) != text):
        return ""  # an id ("99c44ad9-10cb-…") or a program's code ("groundwire_records")
    return text


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
    """Parse a colour value; a shade map (``{"500": ...}``) gives its default or middle shade."""
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


def site_theme(prepared: Prepared) -> dict[str, str]:
    """Return the theme ``{primary, secondary, accent, background, text}`` as ``#rrggbb``.

    Only site-level colours count: keys that say colour in objects near the
    root, and colour containers (theme, colours, palette, brand...) there;
    records, pages and blocks carry their own colours, not the site's.
    """
    found: dict[str, str] = {}
    unnamed: list[str] = []
    accent = prepared.site.get("accent")
    if isinstance(accent, str) and parse_css_color(accent):
        found["primary"] = parse_css_color(accent)
    queue: list[tuple[Any, bool, int]] = [(prepared.doc, False, 0)]
    head = 0
    while head < len(queue) and head < 2_000:
        node, in_colors, depth = queue[head]
        head += 1
        if isinstance(node, list):
            if in_colors:  # other lists hold records and blocks: their colours are their own
                _palette_colors(node, found, unnamed)
        elif isinstance(node, dict):
            queue.extend(_colors_of_dict(node, in_colors, depth, found, unnamed))
    for role, color in zip(("primary", "secondary", "accent"), unnamed, strict=False):
        found.setdefault(role, color)
    return complete_theme(found)


def _palette_colors(node: list, found: dict[str, str], unnamed: list[str]) -> None:
    """A list inside a colour container: {role, value} entries or bare colours."""
    for item in islice(node, 20):
        if isinstance(item, dict):
            role_name = item.get("role") or item.get("name") or item.get("label")
            role = _color_role(role_name) if isinstance(role_name, str) else None
            color = _color_value(item.get("value") or item.get("hex") or item.get("color"), True)
            if role and color:
                found.setdefault(role, color)
            elif color:
                unnamed.append(color)
        else:
            color = _color_value(item, True)
            if color:
                unnamed.append(color)


def _colors_of_dict(
    node: dict, in_colors: bool, depth: int, found: dict[str, str], unnamed: list[str]
) -> list[tuple[Any, bool, int]]:
    """Read a dict's colour fields; return its containers worth reading next."""
    nested: list[tuple[Any, bool, int]] = []
    for key in islice(node, 500):
        value = node[key]
        if not isinstance(key, str):
            continue
        norm = normal_key(key)
        has_color_word = "color" in norm or "colour" in norm
        if isinstance(value, dict | list):
            inside = in_colors or norm in COLOR_CONTAINERS or has_color_word
            site_level = norm in SITE_NAMES or norm in ("settings", "config") or depth == 0
            if depth < 4 and (inside or (site_level and not is_record_list(value))):
                nested.append((value, inside, depth + 1))
                if isinstance(value, dict) and (in_colors or has_color_word):
                    role = _color_role(key)
                    color = _color_value(value, True)
                    if role and color:
                        found.setdefault(role, color)
            continue
        if not (in_colors or has_color_word):
            continue
        role = _color_role(key)
        color = _color_value(value, True)
        if role and color:
            found.setdefault(role, color)
        elif color and in_colors:
            unnamed.append(color)
    return nested


def complete_theme(found: dict[str, str]) -> dict[str, str]:
    """Fill missing roles harmoniously and make the text readable on the background."""
    theme = dict(found)
    if "primary" in theme and "secondary" not in theme:
        theme["secondary"] = mix(theme["primary"], "#000000", 0.35)
    for role in THEME_ROLES:
        theme.setdefault(role, DEFAULT_THEME[role])
    if contrast_ratio(theme["text"], theme["background"]) < MIN_TEXT_CONTRAST:
        theme["text"] = readable_text_on(theme["background"])
    return {role: theme[role] for role in THEME_ROLES}
