"""Build a site's content model once, at connect, and lay it out for bounded reads.

``build_site(content)`` returns the site's name and hero, its theme, its
intents and the *fields* to store in the session hash:

* ``model``: the site and one *view* per intent (what it shows, its kind,
  sections, counts, the hints its records are read with) and the titles of
  referenced records; small (at most 60 sections a view, 3,000 references);
* ``c:{intent}:{n}``: listing chunk ``n`` of a collection, ``PAGE_SIZE``
  records with their ids (one listing page = one field);
* ``x:{intent}:{bucket}``: which chunk holds each item, for the items whose
  ids hash to that bucket (``ITEM_BUCKETS`` per collection, one line
  ``{item}\t{chunk}`` per item): an item-exists check reads one bucket (about
  a kilobyte on a 50,000-item site), a detail page one bucket and one chunk.
  One field per item (``i:{intent}:{item}``, what sessions stored before kept)
  cost Redis 50,000 hash fields to write on such a site: 45 of its 250 ms.
* ``d:{intent}``: the data of a section (about, contact, a page).

Records are classified from samples and stored as they are (unwrapped only
where the platform wraps them); they are normalised when a page shows them.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any

import msgspec

from ..colors import parse_css_color
from ..paths import ROOT, resolve_one, split_paths
from ..text import normal_key, sentence, slugify, truncate
from . import vocab
from .classify import Found, Group, find, is_gallery, is_record_list
from .layout import (
    ITEM_BUCKETS,
    MODEL_FIELD,
    MODEL_VERSION,
    PAGE_SIZE,
    chunk_field,
    data_field,
)
from .name import (
    TYPE_KEYS,
    categories,
    collection_description,
    infer_kind,
    intent_slug,
    key_noun,
    key_titles,
    kind_of,
    noun_of,
    page_subject,
    shared_type,
    singular_phrase,
    titles_for,
    type_name,
    unique_id,
    unique_title,
    with_article,
)
from .normalise import Hints, humanise, is_slug, is_unpublished, normalise
from .site import (
    UNTITLED,
    name_of_container,
    name_shared_by_records,
    site_header,
    site_theme,
)
from .unwrap import Context, Prepared, context_for, hashable, prepare
from .values import currency_code, http_url, is_email, parse_date, plain_text

MAX_INTENTS = 15
MAX_REFS = 3_000
MAX_RUNS = 60  # sections a category can split a collection into (the model stays small)
ITEM_ID_MAX = 64
_BASE_MAX = 56
_SLUG_SCAN = 400
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder().decode


@dataclass
class Built:
    """What connecting a site stores."""

    meta: dict[str, str]
    theme: dict[str, str]
    intents: list[dict]
    fields: dict[str, bytes]


# --------------------------------------------------------------------------
# Item ids


def _short_hash(text: str) -> str:
    return hashlib.blake2s(text.encode("utf-8", "surrogatepass"), digest_size=4).hexdigest()


def _bounded(slug: str, raw: str, limit: int = _BASE_MAX) -> str:
    if len(slug) <= limit and len(raw) <= _SLUG_SCAN:
        return slug
    digest = _short_hash(raw)
    return f"{slug[: limit - len(digest) - 1].rstrip('-')}-{digest}".lstrip("-")


_ID_SLUG_KEYS = ("slug", "handle", "_slug")
_ID_NAME_KEYS = ("name", "title", "fullName", "full_name", "displayName", "question", "label")
_ID_KEYS = ("id", "_id", "uuid", "key", "sku")
_RANDOM_ID = re.compile(r"[0-9a-f-]{16,}|\d+|drafts\..*", re.IGNORECASE)


def _readable_id(text: str) -> bool:
    """Tell whether a content id reads well in a URL (``a1``, ``grilled-octopus``), unlike a
    UUID, a number or a random key (``xh95Zdea7Q5Ya0R5QB5UWY``)."""
    if len(text) > 40 or _RANDOM_ID.fullmatch(text):
        return False
    mixed = any(c.isupper() for c in text) and any(c.islower() for c in text)
    separated = any(c in "-_ ." for c in text)
    return separated or not mixed or len(text) <= 12


def _raw_name_and_key(value: Any) -> tuple[str | None, str | None]:
    """The text an item id is derived from (its slug, a readable id, its name or title, its
    id) and the key it came from."""
    if isinstance(value, dict):
        candidates: list[tuple[str, Any]] = [(key, value.get(key)) for key in _ID_SLUG_KEYS]
        id_key = next((k for k in _ID_KEYS if value.get(k) not in (None, "")), None)
        own_id = value.get(id_key) if id_key else None
        if isinstance(own_id, str) and _readable_id(own_id.strip()):
            candidates.append((id_key, own_id))
        candidates += [(key, value.get(key)) for key in _ID_NAME_KEYS]
        candidates.append((id_key, own_id))
        for key, candidate in candidates:
            if isinstance(candidate, dict):
                candidate = candidate.get("current") or candidate.get("rendered")
            if isinstance(candidate, str) and candidate.strip():
                return candidate, key
            if isinstance(candidate, int) and not isinstance(candidate, bool):
                return str(candidate), key
        return None, None
    return _raw_name(value), None


def _raw_name(value: Any) -> str | None:
    """The text an item id is derived from (see ``_raw_name_and_key``)."""
    if isinstance(value, dict):
        return _raw_name_and_key(value)[0]
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _id_namer(sample: list) -> Any:
    """Return ``name(item) -> str | None``: one dict lookup per item when the sampled records
    all take their ids from the same plain string field (the usual case), the full rule else.
    Deciding from samples keeps connecting a 50,000-item collection cheap."""
    keys = {_raw_name_and_key(item)[1] if isinstance(item, dict) else None for item in sample}
    key = keys.pop() if len(keys) == 1 else None
    if (
        key is None
        or not sample
        or not all(isinstance(item, dict) and isinstance(item.get(key), str) for item in sample)
    ):
        return _raw_name

    def name(item: Any) -> str | None:
        value = item.get(key) if isinstance(item, dict) else None
        if isinstance(value, str) and value.strip():
            return value
        return _raw_name(item)

    return name


class IdMaker:
    """Make item ids unique within one intent, in linear time, the same for the same content."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.next_suffix: dict[str, int] = {}

    def make(self, raw: str | None, key: str | None, position: int) -> str:
        """Return a new unique id from an item's name, else its key, else its position."""
        # Already a slug (``sku-000123``, ``grilled-octopus``) and free: it is its own id,
        # and one match costs less than making its slug again (connect time).
        if (
            raw is not None
            and len(raw) <= _BASE_MAX
            and _SLUG.fullmatch(raw)
            and raw not in self.used
        ):
            self.used.add(raw)
            return raw
        base = source = ""
        for candidate in (raw, key):
            if candidate:
                base = slugify(candidate[:_SLUG_SCAN])
                if base:
                    source = candidate
                    break
        if not base:
            base, source = f"item-{position}", ""
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


# --------------------------------------------------------------------------
# References between collections (roomId -> the room's name)

_REF_WORDS = frozenset({"id", "ids", "ref", "refs"})
_REF_KEYS = frozenset({"speakers", "authors", "categoryitems", "tags", "categories", "room"})


_LINK_ID = re.compile(r"[0-9a-f]{24}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _referenced_ids(samples: list[list[dict]]) -> set[str]:
    ids: set[str] = set()
    for sample in samples:
        for record in sample[:50]:
            for key, value in islice(record.items(), 80):
                if normal_key(key) in ("id", "_id", "uuid", "sort", "position", "order"):
                    continue
                parts = vocab.words(key)
                named = bool(parts) and (parts[-1] in _REF_WORDS or normal_key(key) in _REF_KEYS)
                if isinstance(value, str) and _LINK_ID.fullmatch(value.strip().lower()):
                    named = True  # a UUID or an object id in any field ("teacher": "0bb7…")
                if not named and not isinstance(value, list):
                    continue
                for element in value if isinstance(value, list) else [value]:
                    if isinstance(element, dict):
                        element = element.get("id", element.get("_ref"))
                    if isinstance(element, str | int) and not isinstance(element, bool):
                        ids.add(str(element))
    return ids


def _record_sources(doc: Any, budget: int = 2_000) -> list[tuple[list, str]]:
    """Lists of records with ids anywhere near the top (lookup tables included), with the
    label of the object holding them (Sessionize: categories[{title: "Track", items}])."""
    sources: list[tuple[list, str]] = []
    stack: list[tuple[Any, int, str]] = [(doc, 0, "")]
    seen = 0
    while stack and seen < budget:
        node, depth, label = stack.pop()
        seen += 1
        if isinstance(node, list):
            head = [x for x in islice(node, 20) if isinstance(x, dict)]
            if head and all("id" in x or "_id" in x for x in head):
                sources.append((node, label))
            if depth < 5:
                stack.extend(
                    (x, depth + 1, "") for x in islice(node, 50) if isinstance(x, dict | list)
                )
        elif isinstance(node, dict) and depth < 5:
            title = node.get("title") or node.get("name")
            inner = plain_text(title, 40) if "id" in node else ""
            stack.extend(
                (x, depth + 1, inner)
                for x in islice(node.values(), 200)
                if isinstance(x, dict | list)
            )
    return sources


def _refs(prepared: Prepared, samples: list[list[dict]]) -> tuple[dict, dict, set[int]]:
    """Titles of referenced records (and the labels of their lists), and the ids (``id()``)
    of lists that are only lookup tables. ``samples``: the collections' records, read."""
    wanted = _referenced_ids(samples)
    refs: dict[str, str] = {}
    groups: dict[str, str] = {}
    lookups: set[int] = set()
    if not wanted:
        return refs, groups, lookups
    for source, label in _record_sources(prepared.doc):
        head = [x for x in islice(source, 50) if isinstance(x, dict)]
        ids = {str(x.get(k)) for x in head for k in ("id", "_id", "uuid") if x.get(k) is not None}
        if not ids & wanted:
            continue
        visible = max(
            (
                sum(1 for k in x if not vocab.is_hidden_key(k) and x[k] not in (None, "", []))
                for x in head
            ),
            default=0,
        )
        if visible <= 2:
            lookups.add(id(source))
        for record in islice(source, MAX_REFS):
            if len(refs) >= MAX_REFS:
                break
            if not isinstance(record, dict):
                continue
            keys = [record.get(k) for k in ("id", "_id", "uuid") if record.get(k) is not None]
            title = ""
            for name in ("fullName", "name", "title", "label", "displayName"):
                title = plain_text(record.get(name), 80)
                if title:
                    break
            for key in keys if title else []:
                refs[str(key)] = title
                if label:
                    groups[str(key)] = label
    return refs, groups, lookups


# --------------------------------------------------------------------------
# Choosing intents


@dataclass
class _Candidate:
    found: Found
    kind: vocab.Kind | None
    priority: float
    titles: list[str]
    description: str
    id_base: str
    icon: str


def _shows_images(sample: list[dict]) -> bool:
    return any(normalise(record).images for record in sample[:10])


_ABOUT_TITLE = re.compile(r"^About (?!us\b)(.{2,50})$", re.IGNORECASE)


def _about_page_name(findings) -> str:
    """A site that states no name but has an "About Olive & Ember" page is Olive & Ember."""
    for _path, value in findings.about:
        title = plain_text(value.get("title"), 80) if isinstance(value, dict) else ""
        match = _ABOUT_TITLE.match(title)
        if match:
            return match.group(1)
    return ""


def _contact_name(findings) -> str:
    """A site that states no name but whose contact page names its business
    ("companyName": "Sea Wren Yacht Charters") is that business."""
    for _path, value in findings.contact:
        if not isinstance(value, dict):
            continue
        for key, inner in islice(value.items(), 60):
            name = plain_text(inner, 80) if normal_key(str(key)) in vocab.BUSINESS_NAME_KEYS else ""
            if name:
                return name
    return ""


def _named_by(header: dict, name: str) -> dict:
    """The header's update for a site named only by its about or contact page, its
    records' container or what they share (their company, channel, owner)."""
    if not name:
        return {}
    title = header["title"]
    return {"name": name, "named": True, "title": name if title == header["name"] else title}


def _recount(description: str, before: int, after: int) -> str:
    """Correct the count in a description once unpublished records are left out."""
    return description.replace(f" {before:,} ", f" {after:,} ", 1)


def _section_description(data: Any) -> str:
    """A section's own words for its intent card: its intro, summary or first sentence."""
    if not isinstance(data, dict):
        return ""
    for key in ("description", "intro", "summary", "subtitle", "subheading", "lead", "excerpt",
                "text", "body", "content"):  # fmt: skip
        text = plain_text(data.get(key), 400)
        if len(text) >= 20:
            first = text.split(". ")[0].rstrip(".")
            return truncate(first, 140, at_word=True).rstrip("…") + "."
    return ""


def _priority(found: Found, kind: vocab.Kind | None) -> float:
    if found.role == "section":
        return 20.0 - found.depth
    size = min(found.count, 20) * 0.5
    base = 80.0 if kind else 50.0
    if kind and kind.name in ("pages", "links"):
        base = 30.0
    return base + size - found.depth


_LOCALES = re.compile(r"^[a-z]{2}(?:-[a-z]{2})?$")


def _path_prefix(record: dict) -> str:
    """The first folder of a page's path ("/blog/first-post" -> "blog"), or ""."""
    from urllib.parse import urlsplit

    for key in ("_path", "path", "full_slug", "fullSlug", "uri", "url", "link", "slug"):
        value = record.get(key)
        if isinstance(value, dict):
            value = value.get("alias")  # Drupal: {"alias": "/news/…"}
        if not isinstance(value, str) or "/" not in value.strip("/"):
            continue
        path = urlsplit(value).path if "://" in value else value
        segments = [s for s in path.strip("/").split("/") if s]
        if segments and _LOCALES.match(segments[0]) and len(segments) > 2:
            segments = segments[1:]  # /en/blog/post
        if len(segments) >= 2 and not segments[0].isdigit():
            return segments[0]
    return ""


def _page_kind(record: dict) -> str:
    """What a site page is for: "about", "contact", "home" or "" (anything else)."""
    from ..text import normal_key as norm

    slug = record.get("slug") or record.get("_slug") or record.get("path") or ""
    title = record.get("title") or record.get("name") or ""
    text = f"{slug if isinstance(slug, str) else ''} {title if isinstance(title, str) else ''}"
    tokens = set(vocab.words(text)) | {norm(text)}
    if tokens & vocab.PAGE_HOME - {""}:
        return "home"
    if tokens & (vocab.ABOUT_KEYS | {"about", "story", "team"}):
        return "about"
    if tokens & {"contact", "contactus", "visit", "findus", "location", "directions"}:
        return "contact"
    return ""


# What a site's page carries to be reached (a wiki's articles, called pages too, do not).
_PAGE_ADDRESS = frozenset(
    {"slug", "fullslug", "path", "uri", "uid", "handle", "route", "template", "permalink", "link"}
)


def _declared_page(name: str) -> bool:
    """Records whose declared type is a page ("page", "about_page"): a type is singular,
    where a key that lists pages ("pages") is plural."""
    return (vocab.words(name)[-1:] or [""])[0] == "page"


def _addressed_pages(sample: list[dict], keys: list[str] | None = None) -> bool:
    """Tell whether records are a site's pages: most carry a slug, path, template or a
    site-relative URL ("/about"), or the map holding them is keyed by slugs ("about")."""
    if keys and not any(str(key).isdigit() for key in keys[:50]):
        return True  # {"about": {...}, "services": {...}}: the key is the address
    addressed = sum(1 for record in sample if _page_address(record))
    return addressed * 2 >= len(sample)


def _page_address(record: dict) -> bool:
    """Whether a record says where it lives on the site."""
    for key in islice(record, 60):
        norm = normal_key(str(key))
        if norm in _PAGE_ADDRESS:
            return True
        value = record[key]
        if norm in ("url", "href") and isinstance(value, str) and value.startswith("/"):
            return True
    return False


def _split_pages(
    found: Found, findings, context: Context, pre_unwrapped: bool, left_out: list[dict]
) -> list[Found]:
    """A site's few pages: one intent each (About, Contact...), children under their parent."""
    records = [x for g in found.groups for x in g.items if isinstance(x, dict)]
    plain = pre_unwrapped or found.plain
    read_ctx = context if plain else context_for(records[:20], context)
    if read_ctx.active and not plain:
        records = [read_ctx.unwrap(x) for x in records]
    records = [x for x in records if not is_unpublished(x)]
    path = found.paths[0] if found.paths else ROOT
    records = [x for x in records if isinstance(x, dict)]
    ids = {hashable(x.get("id")) for x in records if hashable(x.get("id")) not in (None, 0, "")}
    children: dict[Any, list[dict]] = {}
    for record in records:
        parent = hashable(record.get("parent") or record.get("parent_id") or record.get("parentId"))
        if parent in ids:
            children.setdefault(parent, []).append(record)
    out: list[Found] = []
    # Pages under one path prefix (/blog/…, /news/…) are one collection, named by it.
    prefixes: dict[str, list[dict]] = {}
    for record in records:
        parent = hashable(record.get("parent") or record.get("parent_id") or record.get("parentId"))
        segment = _path_prefix(record) if parent not in ids else ""  # children: by parent
        if segment:
            prefixes.setdefault(segment, []).append(record)
    grouped = {segment: pages for segment, pages in prefixes.items() if len(pages) >= 2}
    in_groups = {id(page) for pages in grouped.values() for page in pages}
    for segment, pages in grouped.items():
        out.append(
            Found("collection", segment, groups=[Group("", path, pages)], paths=[path],
                  depth=found.depth, order=found.order, plain=True)
        )  # fmt: skip
    for record in records:
        parent = hashable(record.get("parent") or record.get("parent_id") or record.get("parentId"))
        if parent in ids or id(record) in in_groups:
            continue
        title = plain_text(record.get("title") or record.get("name"), 80)
        kind = _page_kind(record)
        if hashable(record.get("id")) in children:
            reason = "a parent page: its pages are listed under its title"
            left_out.append({"name": title or "A page", "path": path, "count": 1, "reason": reason})
            out.append(
                Found(
                    "collection",
                    title or "pages",
                    label=title,
                    groups=[Group("", path, children[hashable(record["id"])])],
                    paths=[path],
                    depth=found.depth,
                    order=found.order,
                    plain=True,
                )
            )
        elif kind == "about":
            findings.about.insert(0, (path, record))
        elif kind == "contact":
            findings.contact.insert(0, (path, record))
        elif kind == "home":
            # A home page built of blocks (Storyblok): its hero and contact block are the site's.
            home = find(Prepared(record, read_ctx))
            findings.hero.extend(home.hero)
            findings.contact.extend((path, value) for _, value in home.contact)
            findings.about.extend((path, value) for _, value in home.about)
        elif kind != "home" and title:
            out.append(
                Found(
                    "section",
                    title,
                    label=title,
                    data=record,
                    paths=[path],
                    depth=found.depth + 1,
                    order=found.order,
                )
            )
    return out


def _reading(found: Found, context: Context, pre_unwrapped: bool) -> list[dict]:
    """A collection's sampled records as plain JSON (unwrapped where the platform wraps them)."""
    sample = found.sample(50)
    if pre_unwrapped or found.plain:
        return sample
    read_ctx = context_for(sample[:20], context)
    if not read_ctx.active:
        return sample
    return [x for x in (read_ctx.unwrap(r) for r in sample) if isinstance(x, dict)]


MAX_SPLIT = 5_000  # records read in full to split a collection by the type they declare


def _split_by_type(found: Found, context: Context, pre_unwrapped: bool) -> list[Found] | None:
    """Records of several declared types in one list (Prismic results, Storyblok stories,
    Sanity-like documents): one collection per type, when a type names a known kind."""
    if found.count > MAX_SPLIT or len(found.groups) != 1:
        return None
    records = raw = [x for x in found.groups[0].items if isinstance(x, dict)]
    if not (pre_unwrapped or found.plain):
        read_ctx = context_for(records[:20], context)
        if read_ctx.active:
            records = [x for x in (read_ctx.unwrap(r) for r in records) if isinstance(x, dict)]
    for key in TYPE_KEYS:
        types = [type_name(r.get(key)) for r in records]
        distinct = list(dict.fromkeys(types))
        if len(distinct) < 2 or "" in distinct or len(distinct) > 8:
            continue
        # Types of one kind stay together (MusicEvent and ComedyEvent are both events).
        family = {t: _type_family(t) for t in distinct}
        if len(set(family.values())) < 2 or not any(vocab.kind_for(t) for t in distinct):
            continue
        path = found.paths[0] if found.paths else ROOT
        own = _own_payloads(raw, types) if len(raw) == len(records) else set()
        family = _variants_joined(family, types, own)
        if len(set(family.values())) < 2:
            continue
        parts = []
        for name in dict.fromkeys(family.values()):
            members = {t for t, f in family.items() if f == name}
            chosen = [r for r, t in zip(records, types, strict=True) if t in members]
            first = next(t for t in distinct if t in members)  # in document order: no set's
            parts.append(
                Found("collection", first, parent=found.parent, paths=[path],
                      depth=found.depth, order=found.order, currency=found.currency,
                      plain=True, groups=[Group("", path, chosen)])
            )  # fmt: skip
        return parts
    return None


_SECTION_PATH = " › "


def _split_by_menu(found: Found) -> list[Found] | None:
    """Sections under several named menus where one is drinks (Toast's "Wine List" and
    "Food"): one collection per menu, each with its own sections, so the wine list is
    offered as such beside the menu."""
    tops = [group.label.split(_SECTION_PATH, 1)[0] for group in found.groups]
    names = list(dict.fromkeys(tops))
    kinds = {name: vocab.kind_for(name) for name in names}
    drinks = [name for name in names if kinds[name] and kinds[name].name == "drinks"]
    if len(names) < 2 or len(names) > 6 or not drinks or len(drinks) == len(names):
        return None
    if not all(_SECTION_PATH in group.label for group in found.groups):
        return None
    parts = []
    for name in names:
        groups = [
            Group(group.label.split(_SECTION_PATH, 1)[1], group.path, group.items)
            for group, top in zip(found.groups, tops, strict=True)
            if top == name
        ]
        key = name if kinds[name] else found.name  # "Kitchen": still the menu it was part of
        parts.append(
            Found("collection", key, label=name, parent=found.parent, groups=groups,
                  paths=[group.path for group in groups], depth=found.depth,
                  order=found.order, currency=found.currency)
        )  # fmt: skip
    return parts


def _variants_joined(
    family: dict[str, str], types: list[str], own_payload: set[str] = frozenset()
) -> dict[str, str]:
    """A type declared by one record that names no kind of its own (a listing's "Studio"
    beside 6 "House" and 4 "Apartment") is a variant of the largest family, not a
    collection of one; unless its content sits in a member of its own name (Square's
    TAX in ``tax_data``, beside each ITEM's ``item_data``): another kind of record."""
    sizes: dict[str, int] = {}
    for declared in types:
        sizes[family[declared]] = sizes.get(family[declared], 0) + 1
    largest = max(sizes, key=sizes.get)
    return {
        declared: largest
        if sizes[name] == 1
        and name == declared
        and not vocab.kind_for(declared)
        and declared not in own_payload
        else name
        for declared, name in family.items()
    }


def _own_payloads(records: list[dict], types: list[str]) -> set[str]:
    """The declared types whose records keep their content in a member named after the
    type ("ITEM" in ``item_data``, "TAX" in ``tax_data``)."""
    own = set()
    for record, declared in zip(records, types, strict=True):
        prefix = normal_key(declared)
        if prefix and any(
            normal_key(str(key)).startswith(prefix) and isinstance(value, dict)
            for key, value in islice(record.items(), 40)
        ):
            own.add(declared)
    return own


def _type_family(type_value: str) -> str:
    kind = vocab.kind_for(type_value)
    return kind.name if kind else _page_kind({"slug": type_value}) or type_value


def left_out_entry(found: Found, reason: str, count: int | None = None) -> dict:
    """What the model records of a collection (or some of its records) not shown, and why."""
    return {
        "name": found.label or humanise(found.name),
        "path": found.paths[0] if found.paths else ROOT,
        "count": found.count if count is None else count,
        "reason": reason,
    }


def title_by_evidence(sample: list[dict], kind: vocab.Kind | None) -> str:
    """The field that names the records when the one the rules pick repeats from record
    to record (a spreadsheet's "Category" before its "Item", a "Date" before its "Event"):
    the first field of short human text, unique across the records, neither a date, a
    price nor an address; "" when the rules' choice is already mostly unique."""
    records = [r for r in sample[:20] if isinstance(r, dict)]
    if len(records) < 4:
        return ""
    hints = Hints(kind=kind.name if kind else "")
    titles = [normalise(record, hints).title for record in records]
    if (
        len(set(titles)) * 10 >= len(records) * 9
        and not any(map(_date_like, titles))
        and sum(map(is_slug, titles)) * 2 <= len(titles)
    ):
        return ""  # mostly unique, not dates ("Sat 13 Jun 2026" names no event), not slugs
    for key in _title_candidates(records[0]):
        texts = [_member(r, key) for r in records]
        texts = [t.strip() for t in texts if isinstance(t, str) and 2 <= len(t.strip()) <= 120]
        if len(texts) * 10 >= len(records) * 9 and _names_each(texts):
            return key
    return ""


def image_by_evidence(sample: list[dict], hints: Hints, title_key: str = "") -> str:
    """The field holding the records' pictures when the rules find none or the same one on
    every record (a seller's avatar on each listing): a picture field of their own or one
    member down (a release's thumbnail, an album's images) whose picture differs from
    record to record, the member that names them first; "" when the rules' choice holds."""
    records = [r for r in sample[:20] if isinstance(r, dict)]
    if len(records) < 2:
        return ""
    if len({_picture(record, hints) for record in records} - {""}) > 1:
        return ""  # the rules find the records' own pictures
    records = records[:10]
    for key in _picture_candidates(records[0], title_key.partition(".")[0])[:_MAX_PICTURE_KEYS]:
        pictures = [_picture(record, replace(hints, image_key=key)) for record in records]
        if sum(map(bool, pictures)) * 2 >= len(records) and len(set(pictures)) > 1:
            return key
    return ""


def _picture(record: dict, hints: Hints) -> str:
    images = normalise(record, hints).images
    return images[0].src if images else ""


# Members that are a person, an account, an organisation or a place: their picture (an
# avatar, a brand's logo) is theirs, not the record's ("_links" and other members led by
# "_" are an API's plumbing).
_PEOPLE_MEMBERS = vocab.word_set(
    "author authors owner user seller vendor creator host organizer organiser uploader "
    "account profile publisher member agent added by brand manufacturer maker team venue "
    "category categories source organization organisation company location place store shop"
)
_MAX_PICTURE_KEYS = 8  # each tried on ten records: a record of many picture fields stays cheap


def _picture_candidates(record: dict, naming: str) -> list[str]:
    """Keys that could hold a record's picture: its own picture fields, then its members'
    (the member that names the record first), never a person's."""
    own = [str(k) for k in islice(record, 60) if vocab.IMAGE_WORDS & set(vocab.words(str(k)))]
    members = sorted(
        (key for key, value in islice(record.items(), 60)
         if isinstance(value, dict) and isinstance(key, str) and "." not in key
         and not _PEOPLE_MEMBERS & set(vocab.words(key)) and not key.startswith("_")),
        key=lambda key: key != naming,
    )  # fmt: skip
    nested = [
        f"{key}.{inner}"
        for key in members
        for inner in islice(record[key], 30)
        if isinstance(inner, str) and vocab.IMAGE_WORDS & set(vocab.words(inner))
    ]
    return own + nested


def _title_candidates(record: dict) -> list[str]:
    """Keys that could name records, in document order: the record's own text fields,
    then its members' title-like ones ("AddressInfo.Title")."""
    own = [str(k) for k in islice(record, 60) if not vocab.is_hidden_key(str(k))]
    nested = [
        f"{key}.{inner}"
        for key, value in islice(record.items(), 60)
        if isinstance(value, dict) and isinstance(key, str) and "." not in key
        for inner in islice(value, 30)
        if isinstance(inner, str) and normal_key(inner) in ("title", "name") and "." not in inner
    ]
    return own + nested


def _member(record: dict, key: str):
    """A record's field, or a member's field by a dotted key."""
    if key in record:
        return record[key]
    outer, _, inner = key.partition(".")
    holder = record.get(outer)
    return holder.get(inner) if isinstance(holder, dict) else None


def _names_each(texts: list[str]) -> bool:
    """Texts that can name records: all different, words rather than numbers, no dates,
    addresses or slugs, a single word only of letters and digits (never a hash or a colour),
    and not sentences (a listing's "comments" describe it)."""
    if len(set(texts)) != len(texts) or sum(map(_sentence_like, texts)) * 2 > len(texts):
        return False
    if any(is_slug(text) or (" " not in text and not text.isalnum()) for text in texts):
        return False
    for text in texts:
        digits = sum(c.isdigit() for c in text)
        # "ab_12", "x-9", Instagram's shortcode "DF3kLmPqR2a": a machine's code, no name
        mixed_case = not text.isupper() and not text.islower() and not text.istitle()
        coded = " " not in text and digits and ("_" in text or "-" in text or mixed_case)
        if digits * 3 > len(text) or coded or http_url(text) or _date_like(text):
            return False
    return True


def _sentence_like(text: str) -> bool:
    """A sentence rather than a name: six words or more, closed by a full stop."""
    return text.endswith((".", "!", "?")) and len(text.split()) >= 6


_MONTHS = vocab.word_set(
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june "
    "july august september october november december"
)


def _date_like(text: str) -> bool:
    """A date in any common form ("2026-06-13", "Sat 13 Jun 2026", "June 13")."""
    if parse_date(text):
        return True
    return any(c.isdigit() for c in text) and bool(_MONTHS.intersection(vocab.words(text)))


def _booking_titles(kind: vocab.Kind | None, sample: list[dict]) -> list[str]:
    """Services or classes a visitor books: each carries a booking link, window or flag
    ("Book a service", "Book a class")."""
    if kind is None or kind.name not in ("services", "classes") or not sample:
        return []
    booked = sum(
        1
        for record in sample[:20]
        if any(set(vocab.words(str(k))) & _BOOKING_WORDS for k in islice(record, 60))
    )
    return [f"Book a {kind.singular}"] if booked * 2 > len(sample[:20]) else []


_BOOKING_WORDS = frozenset({"booking", "bookable", "book", "reserve", "reservation"})


def _rent_titles(kind: vocab.Kind | None, sample: list[dict]) -> list[str]:
    """Homes that are all rents are offered as such ("Find a home to rent")."""
    if kind is None or kind.name != "homes" or not sample:
        return []
    prices = [normalise(record).price for record in sample[:20]]
    return ["Find a home to rent"] if all(p.endswith("/month") for p in prices) else []


def _past_titles(kind: vocab.Kind | None, found: Found, sample: list[dict]) -> list[str]:
    """Return "See past …" for events that had all ended when the document was written:
    each one's end (or start) before the latest time any record was changed (a band's
    setlists); a key that says when they are ("upcoming") is the owner's word."""
    if kind is None or kind.name != "events" or not sample:
        return []
    key = _key_of(found)
    if set(vocab.words(key)) & vocab.QUALIFIERS:
        return []
    ends, changes = [], []
    for record in sample[:50]:
        ends.append(_last_day(record))
        changes += [day for day in map(_day_of, _bookkeeping_values(record)) if day]
    dated = [day for day in ends if day]
    if len(dated) * 3 < len(ends) * 2 or not changes or max(dated) >= max(changes):
        return []  # most records dated, the last of them before the last change
    noun = key_noun(key, kind)
    return [f"See past {noun[1] if noun else kind.plural}"]


def _last_day(record: dict) -> str:
    """The last day a record's dates reach (its end, else its start), as ISO text, or ""."""
    days = [
        _day_of(value) for key, value in islice(record.items(), 60)
        if normal_key(str(key)) not in vocab.BOOKKEEPING_DATE_WORDS
        and vocab.words(str(key))[-1:] in (["date"], ["end"], ["ends"], ["dt"], ["to"], ["at"])
    ]  # fmt: skip
    found = [day for day in days if day]
    return max(found) if found else normalise(record).date_sort[:10]


def _bookkeeping_values(record: dict) -> list[Any]:
    """The values of a record's bookkeeping dates (when it was created, changed)."""
    return [
        value for key, value in islice(record.items(), 60)
        if normal_key(str(key)) in vocab.BOOKKEEPING_DATE_WORDS
    ]  # fmt: skip


def _day_of(value: Any) -> str:
    """A date value's day as ISO text ("2026-02-14"), or ""."""
    parsed = parse_date(value)
    return parsed[0][:10] if parsed else ""


_COUNT_WORDS = frozenset({"count", "total", "hits", "frequency", "matches"})


def _is_facet(record: Any) -> bool:
    """A search facet or filter: one short value and how many records have it ({condition,
    conditionId, matchCount, refinementHref}); anything more (a price, an image, a name and
    a price) makes a record."""
    if not isinstance(record, dict) or not 2 <= len(record) <= 5:
        return False
    counts, values, machine = 0, [], 0
    for key, value in record.items():
        tokens = set(vocab.words(str(key)))
        if type(value) is int and _COUNT_WORDS & tokens:
            counts += 1
        elif normal_key(str(key)) in _FACET_MACHINE and isinstance(value, str | int | float):
            machine += 1  # {title: "4.5 & up", key: "ratings", value: "4.5", count}
        elif not tokens & _FACET_PLUMBING and not str(key).lower().endswith("id"):
            values.append(value)
    if counts >= 1 and not values:
        return machine >= 1  # {key: "Rioja", doc_count: 4}: the key is the label
    if counts == 1 and len(values) == 2 and _keys_of(record) <= _FACET_LABEL_KEYS:
        return _label_and_machine_form(values)  # CKAN's {display_name, name, count}
    return (
        counts >= 1
        and len(values) == 1
        and isinstance(values[0], str)
        and len(values[0].split()) <= 5
    )


_FACET_PLUMBING = frozenset({"href", "url", "link", "selected", "active", "checked"})
# A facet that gives its label twice, as words and as a machine's form, beside its count
# (a shop's collection {title, handle, products_count} is a record).
_FACET_LABEL_KEYS = frozenset({"count", "name", "displayname", "label", "title"})


def _label_and_machine_form(values: list[Any]) -> bool:
    """Two texts that are one label, as words and as a machine writes it ("Creative
    Commons Attribution" and "cc-by"; "trout" twice)."""
    if not all(isinstance(x, str) and 0 < len(x) <= 120 for x in values):
        return False
    first, second = values
    if slugify(first) == slugify(second):
        return True
    return sum(slugify(x) == x and " " not in x for x in values) == 1


# The machine forms of a facet's label, beside it (a value to filter by, its key).
_FACET_MACHINE = frozenset({"key", "value", "code", "slug", "term", "filter", "param"})


def _mailing_list(sample: list[dict]) -> bool:
    """Records that are people's email addresses and little else (a newsletter's
    subscribers, a form's sign-ups): private, and nothing a visitor came for."""
    if not sample:
        return False
    for record in sample[:20]:
        texts = [v for v in islice(record.values(), 20) if isinstance(v, str)]
        if not any(is_email(text) for text in texts):
            return False
        named = any(set(vocab.words(str(k))) & _NAMED_PEOPLE for k in islice(record, 20))
        if named or any(len(text.split()) >= 3 for text in texts) or len(record) > 6:
            return False  # a person with a name, a role or a bio is a team member
    return True


_NAMED_PEOPLE = vocab.word_set("name fullname firstname lastname role position job title bio")


def _not_for_visitors(found: Found, reading: list[dict]) -> str:
    """Why a collection's records are not for a visitor (search filters, a mailing list),
    or ""."""
    if found.role != "collection" or not reading:
        return ""
    if all(_is_facet(record) for record in reading[:20]):
        return "search filters: a value and a count each"
    if _mailing_list(reading):
        return "people's email addresses, kept private"
    if (vocab.words(found.name)[-1:] or [""])[0] in _LOOKUP_WORDS:
        return "definitions the records refer to"  # Toast's modifierGroupReferences
    named = vocab.words(found.name)
    if "modifier" in named and _OPTION_WORDS.intersection(named):
        return "options offered within the records"  # Uber Eats' modifier_groups
    head = reading[:20]
    if sum(map(_is_field_definition, head)) * 5 >= len(head) * 4:  # a few types only it has
        return "definitions of the records' fields"  # BambooHR's fields beside its employees
    if all(_is_legend_entry(record) for record in reading[:20]):
        return "a legend: labels and their colours"  # a CMS's statuses
    return ""


# The types a schema gives a field: a definition's "type", never a record's kind.
_FIELD_TYPES = vocab.word_set(
    "text string email date datetime int integer number bool boolean list phone url photo "
    "image currency float decimal textarea select checkbox timestamp"
)
# What a schema says of a field besides its name and type (ArcGIS's sqlType, length, domain).
_FIELD_SCHEMA_KEYS = frozenset(
    {"id", "type", "name", "alias", "label", "sqltype", "length", "domain", "defaultvalue",
     "nullable", "editable", "required", "precision", "scale", "modelname"}
)  # fmt: skip


def _is_field_definition(record: Any) -> bool:
    """A schema's field: an id or a name and a data type, and what a schema says of a field
    ({"id": "workEmail", "type": "email", "name": "Work email"}; ArcGIS's {"name", "type":
    "esriFieldTypeString", "alias", "sqlType", "length", "domain"})."""
    if not isinstance(record, dict) or not 2 <= len(record) <= 10:
        return False
    data_type = record.get("type")
    if not isinstance(data_type, str) or not _keys_of(record) <= _FIELD_SCHEMA_KEYS:
        return False
    return data_type.lower() in _FIELD_TYPES or data_type.startswith("esriFieldType")


def _is_legend_entry(record: Any) -> bool:
    """A label and the colour it is drawn in ({"status": "Draft", "color": "#8091a5"})."""
    if not isinstance(record, dict) or len(record) != 2:  # a paint's name, hex and price: a record
        return False
    coded = [
        value for value in record.values()
        if isinstance(value, str) and value.strip()[:1] == "#" and parse_css_color(value)
    ]  # fmt: skip
    return len(coded) == 1


_LOOKUP_WORDS = vocab.word_set("references refs lookup lookups definitions")
# A menu's choices of sauce or size, offered within its dishes, never dishes of their own.
_OPTION_WORDS = vocab.word_set("groups group lists list sets")


def _noun_from_fields(sample: list[dict]) -> str:
    """What records are by a field that types them ("brewery_type": breweries), or by the
    one value a format's type field gives them all ("asset_type": "photo": photos), or ""."""
    for record in sample[:1]:
        for key in islice(record, 60):
            tokens = vocab.words(str(key))
            # "brewery_type": breweries; a short word ("sub_type") says no noun
            named = len(tokens) == 2 and tokens[1] == "type" and len(tokens[0]) >= 4
            if not named or not isinstance(record[key], str):
                continue  # an object ("UsageType": {…}) is a lookup's row
            if tokens[0] not in _UNTYPED | _FORMATS:
                return vocab.plural(tokens[0])  # its value a code ("micro")
            if tokens[0] not in _FORMATS:
                continue  # "item_type": "default" names nothing
            values = {r.get(key) for r in sample[:20] if isinstance(r, dict)}
            shared = values.pop() if len(values) == 1 else None
            if isinstance(shared, str) and shared.isalpha() and 3 <= len(shared) <= 20:
                return vocab.plural(shared.lower())
    return ""


def _noun_from_title_key(sample: list[dict]) -> str:
    """What records are by the key that names each of them ("market_name": markets), or ""
    (a "display_name" names no kind; an "artist_name" is someone the records are by)."""
    record = sample[0] if sample and isinstance(sample[0], dict) else None
    if record is None:
        return ""
    title = normalise(record).title
    for key in islice(record, 60):
        tokens = vocab.words(str(key))
        if len(tokens) != 2 or tokens[1] not in ("name", "title") or len(tokens[0]) < 4:
            continue
        noun = tokens[0]
        if noun in _NOT_RECORD_NOUNS or noun in _UNTYPED or vocab.is_generic(noun):
            continue
        if isinstance(record[key], str) and record[key].strip() == title:
            return vocab.plural(noun)
    return ""


# Words before "name" that say which of a thing's names it is, not what the thing is.
_NOT_RECORD_NOUNS = vocab.word_set(
    "display full first last middle given family short long internal official common public "
    "legal nick screen real proper alternate alias local native english original working "
    "owner author artist user contact customer client guest patient student driver host "
    "speaker member employee seller buyer vendor organizer organiser submitter"
)


# Words before "type" that name a file's or a map's format ("asset_type", "feature_type").
_FORMATS = vocab.word_set("asset feature")


def _noun_from_addresses(sample: list[dict]) -> str:
    """What records are by their own API address, when every record gives one with the
    same collection before its id (".../2.3.0/launches/9f8e…/": launches), or ""."""
    nouns: dict[str, int] = {}
    for record in sample[:20]:
        noun = next(
            (_collection_in(value) for key, value in islice(record.items(), 60)
             if normal_key(str(key)) in _SELF_KEYS and isinstance(value, str)),
            "",
        )  # fmt: skip
        if noun:
            nouns[noun] = nouns.get(noun, 0) + 1
    best = max(nouns, key=nouns.get, default="")
    return best if best and nouns[best] * 10 >= len(sample[:20]) * 9 else ""


# A record's own address, on the API or on the web ("html_url": ".../shots/27103-moth").
_SELF_KEYS = frozenset(
    {"url", "self", "href", "resourceurl", "apiurl", "uri", "htmlurl", "permalink", "weburl"}
)


def _collection_in(address: str) -> str:
    """The plural noun before the last segment of an address (".../launches/<id>/")."""
    path = address.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    segments = [part for part in path.split("/")[3 if "://" in path else 0 :] if part]
    if len(segments) < 2:
        return ""
    noun = segments[-2].lower()
    plain = noun.replace("-", "").replace("_", "")
    if not plain.isalpha() or not 3 <= len(noun) <= 30 or vocab.singular(noun) == noun:
        return ""  # "v2", "api", "en-us": no plural noun
    return "" if vocab.is_generic(noun) else noun.replace("-", " ").replace("_", " ")


# Words before "type" that name a format, not what the records are (content_type, mime_type).
_UNTYPED = vocab.word_set(
    "content media mime file record item object entity document resource post page "
    "property field block node data event price product account fuel cuisine payment body "
    "skin license licence sale transmission drive room bed bath property listing user creative"
)


# Keys whose value names the collection a record belongs to (Wix "dataCollectionId": "Pets").
_COLLECTION_KEYS = frozenset(
    {"datacollectionid", "collectionid", "collectionname", "collection", "contenttypeid",
     "modelname", "tablename", "objecttype", "entitytype", "resourcetype"}
)  # fmt: skip
# OpenStreetMap's feature keys: a map element's "tourism": "alpine_hut" says what it is.
_FEATURE_KEYS = ("tourism", "amenity", "shop", "leisure", "historic", "craft", "office")


def _phrase(value: Any) -> list[str]:
    """A value's words when it is a short phrase of letters ("alpine_hut"), else []."""
    if not isinstance(value, str) or not 3 <= len(value) <= 30:
        return []
    tokens = vocab.words(value)
    plain = value.replace("_", "").replace("-", "").replace(" ", "")
    if not plain.isalpha() or not 1 <= len(tokens) <= 3 or vocab.is_generic(value):
        return []
    return tokens


def _shared_word(values: list[Any]) -> str:
    """What all records are by one value of theirs: the phrase they all share ("pets"),
    else the head noun their phrases share ("alpine_hut", "wilderness_hut": "huts"), or ""."""
    phrases = [_phrase(value) for value in values]
    if not phrases or not all(phrases):
        return ""
    heads = {phrase[-1] for phrase in phrases}
    if len(heads) != 1:
        return ""
    first = phrases[0]
    shared = first if all(phrase == first for phrase in phrases) else first[-1:]
    return " ".join(shared[:-1] + [vocab.plural(vocab.singular(shared[-1]))])


def _noun_from_declared(sample: list[dict]) -> str:
    """What records are by the collection they declare ("dataCollectionId": "Pets") or by
    an OpenStreetMap feature tag ("tourism": "alpine_hut"), shared by every record, or ""."""
    records = [record for record in sample[:20] if isinstance(record, dict)]
    if not records:
        return ""
    for key in islice(records[0], 60):
        values = [record.get(key) for record in records]
        # the collection's name, a plural ("Pets"); "National Gallery", "Summer" name a
        # collection of something else
        plural = all(isinstance(x, str) and vocab.singular(x.lower()) != x.lower() for x in values)
        if normal_key(str(key)) in _COLLECTION_KEYS and plural:
            noun = _shared_word(values)
            if noun and noun.split()[-1] not in _UNTYPED:
                return noun
    tags = [record.get("tags") if isinstance(record.get("tags"), dict) else record
            for record in records]  # fmt: skip
    for key in _FEATURE_KEYS:
        values = [tag.get(key) for tag in tags]
        # OpenStreetMap's values are lower-case words ("alpine_hut"), never "yes" or a place
        if all(isinstance(x, str) and x.islower() and x not in _FLAG_VALUES for x in values):
            noun = _shared_word(values)
            if noun:
                return noun
    return ""


_AUDIENCES = frozenset(
    {"mens", "womens", "kids", "boys", "girls", "adults", "ladies", "juniors", "seniors",
     "teens", "babies", "toddlers"}
)  # fmt: skip
_FLAG_VALUES = frozenset({"yes", "no", "true", "false", "designated", "unknown"})


def _noun_from_categories(sample: list[dict]) -> str:
    """What records are by the two or three plural nouns their category takes ("Boats",
    "Bikes": "boats and bikes"), or ""."""
    found = categories(sample)
    if not found or len(found[1]) > 3:
        return ""
    nouns = [value.lower() for value in found[1]]
    if not all(n.isalpha() and vocab.singular(n) != n and 3 <= len(n) <= 20 for n in nouns):
        return ""  # "Drama", "Comedy": kinds of one thing, not what the records are
    if set(nouns) & _AUDIENCES:
        return ""  # "Mens", "Womens", "Kids": who a shop's things are for
    return " and ".join([", ".join(nouns[:-1]), nouns[-1]])


def _record_noun_titles(kind: vocab.Kind | None, found: Found, sample: list[dict]) -> list[str]:
    """A collection no name or kind tells, named by what its records say they are; one of
    an umbrella kind under a generic key, by the type its records declare ("See upcoming
    concerts" for Wagtail's ConcertPage model)."""
    if found.name and not vocab.is_generic(found.name):
        return []
    if kind is not None:
        noun = page_subject(shared_type(sample))  # a type's own word may be a format ("simple")
        return key_titles(vocab.plural(noun), kind) if noun.isalpha() else []
    noun = (
        _noun_from_fields(sample)
        or _noun_from_title_key(sample)
        or _noun_from_addresses(sample)
        or _noun_from_declared(sample)
        or _noun_from_categories(sample)
    )
    if not noun:
        return []
    places = _are_places(sample)
    if " and " not in noun and places and _share(sample, _open_to_visit) >= 0.9:
        # a visitor looks for one near them: a brewery, a market, a mountain hut
        return [f"Find {with_article(singular_phrase(noun))}", f"Browse the {noun}"]
    return [f"Browse the {noun}"]


def _branches(found: Found, sample: list[dict]) -> vocab.Kind | None:
    """A business's branches ("Find a location"): places under a key that says nothing of
    them (Yext's entities), each with its opening hours, that nothing else names."""
    if found.role != "collection" or (found.name and not vocab.is_generic(found.name)):
        return None
    if not _are_places(sample) or _share(sample, _gives_hours) < 0.9:
        return None
    named = _noun_from_fields(sample) or _noun_from_title_key(sample)
    return None if named else vocab.KIND_BY_NAME["locations"]


def _share(sample: list[dict], test) -> float:
    """The share of a collection's first records (up to 20) that pass a test."""
    records = [record for record in sample[:20] if isinstance(record, dict)]
    return sum(1 for record in records if test(record)) / len(records) if records else 0.0


# Where a record says where it is: coordinates, a map geometry or a street address.
_PLACE_KEYS = frozenset(
    {"lat", "latitude", "lng", "lon", "longitude", "geo", "geolocation", "coordinates",
     "geometry", "geopoint", "georeference", "streetaddress", "address1", "addressline1",
     "street"}
)  # fmt: skip


def _are_places(sample: list[dict]) -> bool:
    """Tell whether records are places: each says where it is, none is a person, and no
    kind of their own names them (an event, a home, a charging point)."""
    if not sample or infer_kind(sample[:20], weakest=False) is not None:
        return False
    return _share(sample, _says_where) >= 0.9 and _share(sample, _is_person) < 0.5


# What a place one may walk into gives: its opening hours, a phone to call, a website.
_HOURS_KEYS = frozenset({"hours", "openinghours", "openhours", "businesshours", "regularhours"})
_VISIT_KEYS = _HOURS_KEYS | frozenset(
    {"phone", "mainphone", "telephone", "phonenumber", "website", "websiteurl"}
)
# A person's or an account's fields: a customer, a user, a driver is no place to find.
_PERSON_KEYS = frozenset(
    {"email", "firstname", "lastname", "username", "fullname", "customername", "drivername",
     "guestname", "dateofbirth", "birthday"}
)  # fmt: skip


def _keys_of(record: dict) -> set[str]:
    return {normal_key(str(key)) for key in islice(record, 60)}


def _gives_hours(record: dict) -> bool:
    """A record that says when it opens (a branch of a practice, a market)."""
    return bool(_keys_of(record) & _HOURS_KEYS)


def _open_to_visit(record: dict) -> bool:
    """A record that says when it opens, how to call it, or its website, or an
    OpenStreetMap element (a mapped hut is there to be found)."""
    tags = record["tags"] if isinstance(record.get("tags"), dict) else record
    return bool(_keys_of(record) & _VISIT_KEYS) or any(key in tags for key in _FEATURE_KEYS)


def _is_person(record: dict) -> bool:
    """A record with a person's or an account's fields (an email, a first name)."""
    return bool(_keys_of(record) & _PERSON_KEYS)


def _says_where(record: dict) -> bool:
    """A record with a place key, or a point holding coordinates ("center": {lat, lon}; a
    launch's "pad" is where it starts from, not where it is)."""
    for key, value in islice(record.items(), 60):
        norm = normal_key(str(key))
        if norm in _PLACE_KEYS:
            return True
        if (
            norm in _POINT_KEYS
            and isinstance(value, dict)
            and ("lat" in value or "latitude" in value)
        ):
            return True
        if norm == "address" and isinstance(value, dict):
            inner = {normal_key(str(k)) for k in islice(value, 20)}
            if inner & (_PLACE_KEYS | {"line1", "city"}):
                return True  # Yext's address: {line1, city, region, postalCode}
    return False


_POINT_KEYS = frozenset({"center", "centroid", "position", "location", "point", "latlng"})


def _has_text(sample: list[dict]) -> bool:
    """Records that carry words of their own besides an image (a title and a summary)."""
    records = [normalise(record) for record in sample[:10]]
    return any(record.title and record.description for record in records)


def _candidates(
    findings, prepared: Prepared, lookups: set[int], pre_unwrapped: bool, left_out: list[dict]
) -> list[_Candidate]:
    """The intents a document could offer, best first; what is not offered goes to
    ``left_out`` with its reason (nothing is dropped silently)."""
    out: list[_Candidate] = []
    expanded: list[Found] = []
    queue = list(findings.found)
    while queue:
        found = queue.pop(0)
        if found.role == "collection" and not found.plain:
            parts = _split_by_type(found, prepared.context, pre_unwrapped) or _split_by_menu(found)
            if parts:
                queue[:0] = parts
                continue
        reading = _reading(found, prepared.context, pre_unwrapped)
        if (
            found.role == "collection"
            and found.count <= 200
            and (kind_of(found, prepared.labels, reading) or vocab.GENERIC).name == "pages"
            and (_declared_page(found.name) or _addressed_pages(reading, found.groups[0].keys))
        ):
            expanded.extend(
                _split_pages(found, findings, prepared.context, pre_unwrapped, left_out)
            )
        else:
            expanded.append(found)
    several = sum(1 for f in expanded if f.role == "collection" and f.count >= 2)
    for found in expanded:
        if found.role == "collection":
            if any(id(group.items) in lookups for group in found.groups):
                left_out.append(left_out_entry(found, "shown within the records that refer to it"))
                continue
            if found.count == 0:
                continue
            if found.count == 1 and several and found.depth > 0:
                # One record beside real collections: a feed's author, one account.
                left_out.append(left_out_entry(found, "a single record beside the collections"))
                continue
        reading = _reading(found, prepared.context, pre_unwrapped)
        reason = _not_for_visitors(found, reading)
        if reason:
            left_out.append(left_out_entry(found, reason))
            continue
        kind = kind_of(found, prepared.labels, reading) or _branches(found, reading)
        if found.role == "collection" and kind is None and found.count >= 1 and is_gallery(found):
            kind = vocab.KIND_BY_NAME["gallery"]
        if kind is not None and kind.name == "gallery" and not _shows_images(reading):
            if not _has_text(reading):  # photos that cannot be shown (API references)
                left_out.append(left_out_entry(found, "images given as references, not URLs"))
                continue
            kind = None  # links with titles and summaries (reports, documents): a list
        label = found.label or prepared.labels.get(found.name, "")
        if found.role == "section":
            # Its own words, else its heading ("Why guests come back."), never a template.
            description = _section_description(found.data) or sentence(
                label or humanise(found.name)
            )
            icon = kind.emoji if kind else vocab.SECTION.emoji
        else:
            human = label or ("" if vocab.is_generic(found.name) else humanise(found.name))
            description = collection_description(
                kind, found, human, reading, key_noun(_key_of(found), kind)
            )
            icon = kind.emoji if kind else vocab.GENERIC.emoji
        id_base = (
            (kind.id_base if kind and found.role == "collection" else "")
            or intent_slug(found.label or found.name)
            or ("items" if found.role == "collection" else "section")
        )
        out.append(
            _Candidate(
                found,
                kind,
                _priority(found, kind),
                _rent_titles(kind, reading)
                + _past_titles(kind, found, reading)
                + _booking_titles(kind, reading)
                + _record_noun_titles(kind, found, reading)
                + titles_for(found, kind, prepared.labels),
                description,
                id_base,
                icon,
            )
        )
    return out


def _key_of(found: Found) -> str:
    """The key that names a collection: its own, or its parent's when its own is generic."""
    return found.parent if vocab.is_generic(found.name) and found.parent else found.name


def _merge_sources(sources: list[tuple[str, Any]]) -> tuple[dict, list[str]]:
    """Gather values found in several places into one object (contact, about)."""
    data: dict[str, Any] = {}
    paths: list[str] = []
    for path, value in sources:
        paths.append(path)
        if isinstance(value, dict):
            for key, inner in value.items():
                if key in data and data[key] != inner:
                    key = f"{key} ({len(data)})"
                data.setdefault(key, inner)
        else:
            data.setdefault(path.rsplit(".", 1)[-1], value)
    return data, paths


# --------------------------------------------------------------------------
# Views and their fields


def _hints(
    found: Found | None, kind: vocab.Kind | None, context: Context, site_currency: str
) -> dict:
    return {
        "currency": (found.currency if found else "") or site_currency,
        "base_url": context.base_url,
        "kind": kind.name if kind else "",
    }


_LINK_KEYS = ("link", "url", "permalink", "canonical_url", "fullUrl")


# Where a site's details state its own address (Gatsby's siteMetadata.siteUrl).
_SITE_URL_KEYS = frozenset({"siteurl", "baseurl", "homepage", "homepageurl", "website"})


def _stated_site_url(findings) -> str:
    """The site's own address as its details state it, for relative image paths
    ("/static/…/poster.jpg"), or ""."""
    for node in findings.site[:5]:
        for key, value in islice(node.items(), 60) if isinstance(node, dict) else ():
            stated = normal_key(str(key)) in _SITE_URL_KEYS and isinstance(value, str)
            if stated and http_url(value) and not vocab.is_platform_link(value):
                return value.rstrip("/") + "/"
    return ""


def _common_origin(findings) -> str:
    """The site's own address when its records' links all point there (a WordPress export)."""
    from urllib.parse import urlsplit

    origins: list[str] = []
    for found in findings.found:
        for record in found.sample(20):
            for key in _LINK_KEYS:
                value = record.get(key)
                if isinstance(value, str) and value.lower().startswith(("http://", "https://")):
                    parts = urlsplit(value)
                    origins.append(f"{parts.scheme}://{parts.netloc}/")
                    break
    if len(origins) < 2:
        return ""
    top = max(set(origins), key=origins.count)
    if vocab.is_platform_link(top):
        return ""  # the records live on a platform (Eventbrite, Notion), not on the site
    return top if origins.count(top) * 5 >= len(origins) * 4 else ""


def _site_currency(prepared: Prepared) -> str:
    doc = prepared.doc
    stack: list[tuple[Any, int]] = [(doc, 0)]
    seen = 0
    while stack and seen < 200:
        node, depth = stack.pop()
        seen += 1
        if isinstance(node, dict):
            for key in islice(node, 100):
                value = node[key]
                if normal_key(key) in (
                    "currency",
                    "currencycode",
                    "pricecurrency",
                    "defaultcurrency",
                ):
                    code = currency_code(value)
                    if code:
                        return code
                if isinstance(value, dict) and depth < 3:
                    stack.append((value, depth + 1))
    return ""


def _layout(kind: vocab.Kind | None) -> str:
    if kind is not None and kind.name == "gallery":
        return "gallery"
    if kind is not None and kind.name == "faq":
        return "faq"
    if kind is not None and kind.name in ("reviews",):
        return "quotes"
    if kind is not None and kind.name in ("schedule", "events", "experience", "education"):
        return "timeline" if kind.name in ("schedule",) else "cards"
    return "cards"


def _runs_field(groups: list[Group], sample: list[dict]) -> str | None:
    """A category field whose values come in runs (Starters, then Mains...): its sections."""
    if len(groups) != 1 or groups[0].label:
        return None
    found = categories(sample[:50])
    if found is None or found[0] not in ("category", "course", "section", "type", "cuisine"):
        return None
    values = [x.get(found[0]) for x in sample if isinstance(x, dict)]
    values = [value if isinstance(value, str) else None for value in values]
    changes = sum(1 for a, b in zip(values, values[1:], strict=False) if a != b)
    return found[0] if changes < len(set(values)) else None


def _lay_out_collection(
    intent_id: str,
    groups: list[Group],
    context: Context,
    pre_unwrapped: bool,
    namer: Any = None,
) -> tuple[list[list], dict[str, bytes], int]:
    """Enumerate a collection's records into chunks and item pointers; linear in its size.

    A collection without sections of its own whose records come in runs of one
    category (a menu listed starters first, then mains) gets those runs as sections.
    """
    sample = [x for g in groups for x in islice(g.items, 20) if isinstance(x, dict)]
    read_ctx = context if pre_unwrapped else context_for(sample, context)
    unwrap = read_ctx.active and not pre_unwrapped
    # Publication state is checked only when the sampled records carry it.
    check = any(is_unpublished(x) or _has_publication_key(x) for x in sample)
    make = IdMaker().make
    raw_name = namer or (_id_namer(sample) if not unwrap else _raw_name)
    runs = _runs_field(groups, sample)
    run_label = None
    fields: dict[str, bytes] = {}
    starts: list[list] = []
    chunk: list[list] = []
    number = 1
    number_text = "1"  # the chunk number as stored in each item's pointer
    buckets: dict[int, list[str]] = {}
    position = 0
    for group in groups:
        starts.append([group.label, position])
        keys = group.keys
        for index, item in enumerate(group.items):
            if check and is_unpublished(item):
                continue
            if unwrap:
                item = read_ctx.unwrap(item)
            key = keys[index] if keys is not None else None
            if runs is not None and isinstance(item, dict) and item.get(runs) != run_label:
                run_label = item.get(runs)
                label = plain_text(run_label, 60) if isinstance(run_label, str) else ""
                starts.append([label, position])
                if len(starts) > MAX_RUNS:  # categories interleaved after all: no sections
                    runs, starts = None, [["", 0]]
            item_id = make(raw_name(item), key, position + 1)
            chunk.append([item_id, item, humanise(key)] if key is not None else [item_id, item])
            bucket = zlib.crc32(item_id.encode()) % ITEM_BUCKETS
            buckets.setdefault(bucket, []).append(f"{item_id}\t{number_text}\n")
            position += 1
            if len(chunk) == PAGE_SIZE:
                fields[chunk_field(intent_id, number)] = _encode(chunk)
                chunk = []
                number += 1
                number_text = str(number)
    if chunk or number == 1:
        fields[chunk_field(intent_id, number)] = _encode(chunk)
    for bucket, lines in buckets.items():
        fields[f"x:{intent_id}:{bucket}"] = ("\n" + "".join(lines)).encode()
    if runs is not None:
        starts = [s for s in starts if s[0]] or starts[:1]
    elif len(starts) > 1 and all(not label for label, _ in starts):
        starts = starts[:1]
    return [s for s in starts if s[0] or len(starts) == 1], fields, position


_PUBLICATION_KEYS = frozenset(
    [
        "status",
        "poststatus",
        "state",
        "published",
        "ispublished",
        "draft",
        "isdraft",
        "publishedat",
        "hidden",
        "deleted",
    ]
)


def _has_publication_key(item: dict) -> bool:
    return any(normal_key(k) in _PUBLICATION_KEYS for k in islice(item, 60))


def _view(
    intent: dict, role: str, kind: vocab.Kind | None, hints: dict, layout: str, **extra
) -> dict:
    view = {
        "id": intent["id"],
        "role": role,
        "title": intent["title"],
        "kind": kind.name if kind else "",
        "noun": list(extra.pop("noun", ("item", "items"))),
        "hints": hints,
        "layout": layout,
    }
    view.update(extra)
    return view


def _collection_view(intent, kind, groups, context, pre_unwrapped, hints, noun, fields, namer=None):
    starts, item_fields, count = _lay_out_collection(
        intent["id"], groups, context, pre_unwrapped, namer
    )
    fields.update(item_fields)
    return _view(
        intent,
        "collection",
        kind,
        hints,
        _layout(kind),
        noun=noun,
        count=count,
        groups=starts,
        pages=max(1, -(-count // PAGE_SIZE)),
    )


def _section_view(intent, kind, data, context, hints, fields, role="section"):
    if not isinstance(data, str):
        read_ctx = context_for([data] if isinstance(data, dict) else [], context)
        if read_ctx.active:
            data = read_ctx.unwrap(data)
    fields[data_field(intent["id"])] = _encode(data)
    return _view(intent, role, kind, hints, role if role in ("contact", "about") else "article")


@dataclass
class _Assembly:
    """The intents, views and stored fields of a model being built, and what they share."""

    context: Context
    pre_unwrapped: bool
    site_currency: str
    left_out: list[dict]
    used_ids: set[str]
    used_titles: set[str] = field(default_factory=set)
    nouns: list[tuple[int, str]] = field(default_factory=list)  # (records, plural noun)
    intents: list[dict] = field(default_factory=list)
    views: dict[str, dict] = field(default_factory=dict)
    fields: dict[str, bytes] = field(default_factory=dict)

    def hints(self, found: Found | None, kind: vocab.Kind | None) -> dict:
        """The reading hints of one intent's records."""
        return _hints(found, kind, self.context, self.site_currency)


def build_site(content: Any) -> Built:
    """Build the content model of a parsed document (see the module docstring)."""
    prepared = prepare(content)
    findings = find(prepared)
    if not prepared.context.base_url:
        prepared.context.base_url = _stated_site_url(findings) or _common_origin(findings)
    theme = site_theme(prepared)
    pre_unwrapped = prepared.doc is not content
    collections = [f for f in findings.found if f.role == "collection"]
    samples = [_reading(found, prepared.context, pre_unwrapped) for found in collections]
    refs, ref_groups, lookups = _refs(prepared, samples)
    left_out: list[dict] = list(findings.plumbing)
    candidates = _candidates(findings, prepared, lookups, pre_unwrapped, left_out)
    header = site_header(prepared, findings)  # after: a home page's hero may name the site
    if not header["named"]:
        header.update(
            _named_by(
                header,
                _about_page_name(findings)
                or _contact_name(findings)
                or name_of_container(prepared, findings)
                or name_shared_by_records(samples),
            )
        )
    specials = _special_intents(findings, header)
    built = _Assembly(
        prepared.context,
        pre_unwrapped,
        _site_currency(prepared),
        left_out,
        used_ids={intent["id"] for intent, _, _ in specials},
    )
    chosen, leftover = _chosen(candidates, MAX_INTENTS - len(specials))
    for candidate in chosen:
        _add_candidate(built, candidate, prepared)
    if leftover:
        _add_more(built, leftover)
    for intent, data, kind in specials:
        built.used_titles.add(intent["title"].lower())
        view = _section_view(
            intent, kind, data, built.context, built.hints(None, kind), built.fields, intent["id"]
        )
        built.views[intent["id"]] = view
        built.intents.append(intent)
    if not built.intents:
        _add_everything(built, content)
    _name_by_largest(header, built.nouns)
    return _stored(built, header, theme, refs, ref_groups)


# Fields only a person's own details have (a portfolio's "About me"), not a business's.
_PERSON_FIELDS = frozenset(
    {"fullname", "firstname", "lastname", "givenname", "familyname", "jobtitle", "pronouns"}
)


def _about_title(sites: list) -> str:
    """The about page's title in the web's own words: "About me" when the site is one
    person (its details give a person's name or job), else "About us" (a band, a bakery;
    the site's name is in every page's header)."""
    for site in sites[:5]:
        keys = {normal_key(str(k)) for k in islice(site, 60)} if isinstance(site, dict) else set()
        if keys & _PERSON_FIELDS:
            return "About me"
    return "About us"


def _special_intents(findings, header: dict) -> list[tuple[dict, dict, vocab.Kind]]:
    """(intent, data, kind) of the about, opening hours and contact pages, which close
    the list of intents."""
    specials: list[tuple[dict, dict, vocab.Kind]] = []
    site_name = header["name"]
    named = header["named"] and len(site_name) <= 50
    about_sources = findings.about or findings.about_weak
    if about_sources:
        data, paths = _merge_sources(about_sources)
        for key, value in findings.about_facts.items():
            data.setdefault(key, value)  # "4.6 ★ from 312 reviews" belongs to the story
        intent = {
            "id": "about",
            "title": _about_title(findings.site),
            "description": sentence(f"Learn the story behind {site_name}")
            if named
            else "Learn who we are.",
            "icon": vocab.ABOUT.emoji,
            "dataPath": ",".join(paths),
        }
        specials.append((intent, data, vocab.ABOUT))
    if findings.hours:
        data, paths = _merge_sources(findings.hours)
        hours = vocab.KIND_BY_NAME["hours"]
        intent = {
            "id": "hours",
            "title": hours.title,
            "description": "See when we are open.",
            "icon": hours.emoji,
            "dataPath": ",".join(paths),
        }
        specials.append((intent, data, hours))
    data, paths = _merge_sources(findings.contact) if findings.contact else ({}, [])
    words = _contact_words(data)
    if data and not _only_web_addresses(data):  # a website alone makes no contact page
        description = f"Get in touch: {words or 'find every way to reach us'}."
        intent = {
            "id": "contact",
            "title": "Contact us",
            "description": description,
            "icon": vocab.CONTACT.emoji,
            "dataPath": ",".join(paths),
        }
        specials.append((intent, data, vocab.CONTACT))
    return specials


def _chosen(candidates: list, room: int) -> tuple[list, list]:
    """The candidates shown as intents (in document order) and those gathered into one
    "Explore everything else" page when there is no room: nothing is dropped silently."""
    ranked = sorted(candidates, key=lambda c: (-c.priority, c.found.order))
    chosen, leftover = ranked[:room], ranked[room:]
    if leftover:
        chosen, leftover = ranked[: room - 1], ranked[room - 1 :]
    chosen.sort(key=lambda c: c.found.order)
    return chosen, leftover


def _add_candidate(built: _Assembly, candidate, prepared: Prepared) -> None:
    """One chosen collection or section as an intent with its view (a collection whose
    records are all drafts is left out, and says so)."""
    found = candidate.found
    intent = {
        "id": unique_id(candidate.id_base, built.used_ids),
        "title": unique_title(candidate.titles, built.used_titles),
        "description": truncate(candidate.description, 300, at_word=True),
        "icon": candidate.icon,
        "dataPath": ",".join(dict.fromkeys(found.paths)) or ROOT,
    }
    hints = built.hints(found, candidate.kind)
    if found.role == "collection":
        sample = _reading(found, built.context, built.pre_unwrapped)
        title_key = title_by_evidence(sample, candidate.kind)
        if title_key:
            hints["title_key"] = title_key
        image_key = image_by_evidence(sample, Hints(**hints), title_key)
        if image_key:
            hints["image_key"] = image_key
    if found.role != "collection":
        built.views[intent["id"]] = _section_view(
            intent, candidate.kind, found.data, built.context, hints, built.fields
        )
        built.intents.append(intent)
        return
    noun = noun_of(candidate.kind, found, prepared.labels)
    built.nouns.append((found.count, noun[1]))
    view = _collection_view(
        intent,
        candidate.kind,
        found.groups,
        built.context,
        built.pre_unwrapped or found.plain,
        hints,
        noun,
        built.fields,
    )
    count = view["count"]
    if count != found.count:  # drafts left out: say how many are shown
        entry = left_out_entry(found, "drafts, archived or unpublished", found.count - count)
        built.left_out.append({**entry, "name": noun[1].capitalize()})
    if count == 0:
        return
    if count != found.count:
        intent["description"] = _recount(intent["description"], found.count, count)
    built.views[intent["id"]] = view
    built.intents.append(intent)


def _add_more(built: _Assembly, leftover: list) -> None:
    """The candidates there was no room for, as the groups of one listing."""
    groups = []
    for candidate in leftover:
        found = candidate.found
        label = found.label or humanise(found.name)
        if found.role != "collection":
            groups.append(Group(label, found.paths[0], [found.data]))
            continue
        for group in found.groups:
            group_label = f"{label} › {group.label}" if group.label else label
            groups.append(Group(group_label, group.path, group.items, group.keys))
    names = ", ".join(g.label for g in groups[:6]) + ("…" if len(groups) > 6 else "")
    intent = {
        "id": unique_id("more", built.used_ids),
        "title": unique_title(["Explore everything else", "Explore more"], built.used_titles),
        "description": truncate(f"Browse {len(groups)} more sections: {names}.", 300, at_word=True),
        "icon": "🧭",
        "dataPath": ",".join(dict.fromkeys(g.path for g in groups)),
    }
    built.views[intent["id"]] = _collection_view(
        intent,
        None,
        groups,
        built.context,
        built.pre_unwrapped,
        built.hints(None, None),
        ("item", "items"),
        built.fields,
    )
    built.intents.append(intent)


def _add_everything(built: _Assembly, content: Any) -> None:
    """A document with nothing to offer as intents: one page with all of it."""
    intent = {
        "id": "everything",
        "title": "Explore everything",
        "icon": "🧭",
        "description": "See all of the site's content in one place.",
        "dataPath": ROOT,
    }
    built.views["everything"] = _section_view(
        intent, None, content, built.context, built.hints(None, None), built.fields
    )
    built.intents.append(intent)


def _name_by_largest(header: dict, nouns: list[tuple[int, str]]) -> None:
    """A site that names itself nowhere is called by what it has ("Places to stay")."""
    main = max(nouns, default=(0, ""), key=lambda pair: pair[0])[1]  # the largest
    if header["name"] == UNTITLED and main and not vocab.is_generic(main):
        name = main.capitalize()
        header.update(name=name, title=header["title"].replace(UNTITLED, name))


def _stored(built: _Assembly, header: dict, theme, refs: dict, ref_groups: dict) -> Built:
    """The stored model's field and the site's meta."""
    context = built.context
    model = {
        "v": MODEL_VERSION,
        "site": {
            "name": header["name"],
            "base_url": context.base_url,
            "currency": built.site_currency,
        },
        "refs": refs,
        "ref_groups": ref_groups,
        "views": built.views,
        "left_out": built.left_out,
    }
    built.fields[MODEL_FIELD] = _encode(model)
    meta = {
        "site_name": header["name"],
        "hero_title": header["title"],
        "hero_subtitle": header["subtitle"],
        "hero_image": header["image"],
        "left_out": left_out_words(built.left_out),
    }
    return Built(meta, theme, built.intents, built.fields)


def left_out_words(left_out: list[dict], limit: int = 400) -> str:
    """What the model does not show, as the home says it: "Categories (4 records: shown
    within the records that refer to them); Articles (2 records: drafts...)"."""
    parts = []
    for entry in left_out:
        count = entry["count"]
        noun = "record" if count == 1 else "records"
        parts.append(f"{entry['name']} ({count} {noun}: {entry['reason']})")
    return truncate("; ".join(parts), limit, at_word=True)


def _only_web_addresses(data: dict) -> bool:
    """Contact details that are web addresses only (Instagram's profile "website")."""
    values = [value for value in islice(data.values(), 60) if value not in (None, "")]
    return all(isinstance(value, str) and http_url(value) for value in values)


def _contact_words(data: dict) -> str:
    found: list[str] = []
    table = (
        (vocab.ADDRESS_KEYS | {"location", "map", "mapurl"}, "address"),
        (vocab.PHONE_KEYS, "phone"),
        (vocab.EMAIL_KEYS, "email"),
        (vocab.HOURS_KEYS, "opening hours"),
        (vocab.SOCIAL_KEYS, "social links"),
    )
    stack = [data]
    seen = 0
    while stack and seen < 200:
        node = stack.pop()
        seen += 1
        if isinstance(node, dict):
            for key, value in islice(node.items(), 60):
                norm = normal_key(key)
                parts = set(vocab.words(key))
                for names, word in table:
                    if (norm in names or parts & names) and word not in found:
                        found.append(word)
                if isinstance(value, dict):
                    stack.append(value)
    order = ["address", "phone", "email", "opening hours", "social links"]
    found.sort(key=order.index)
    if len(found) <= 1:
        return "".join(found)
    return ", ".join(found[:-1]) + " and " + found[-1]


# --------------------------------------------------------------------------
# Sessions stored before the content model: views for the intents they have


def _legacy_raw_name(value: Any) -> str | None:
    """The text the previous version named items by: id, slug, name, title, in that order."""
    if isinstance(value, dict):
        for key in ("id", "slug", "name", "title"):
            candidate = value.get(key)
            if isinstance(candidate, str) and candidate.strip():
                return candidate
            if isinstance(candidate, int | float) and not isinstance(candidate, bool):
                return str(int(candidate)) if float(candidate).is_integer() else str(candidate)
        return None
    return _raw_name(value)


def build_views(content: Any, intents: list[dict]) -> dict[str, bytes]:
    """Build model fields for existing intents from their dataPaths (older sessions)."""
    context = Context()
    fields: dict[str, bytes] = {}
    views: dict[str, dict] = {}
    for intent in intents:
        paths = split_paths(intent.get("dataPath", "")) or [ROOT]
        values = [(path, resolve_one(content, path)) for path in paths]
        groups: list[Group] = []
        for path, value in values:
            label = humanise(path) if len(values) > 1 else ""
            if is_record_list(value) or (isinstance(value, list) and value and len(values) == 1):
                groups.append(Group(label, path, value))
            elif (
                isinstance(value, dict)
                and len(value) >= 2
                and all(isinstance(x, dict) for x in islice(value.values(), 50))
            ):
                keys = [k for k in value if isinstance(value[k], dict)]
                groups.append(Group(label, path, [value[k] for k in keys], keys))
        if groups and len(groups) == len(values):
            sample = [x for g in groups for x in islice(g.items, 20) if isinstance(x, dict)]
            kind = vocab.kind_for(paths[0].rsplit(".", 1)[-1]) or infer_kind(sample)
            hints = {"currency": "", "base_url": "", "kind": kind.name if kind else ""}
            noun = (kind.singular, kind.plural) if kind else ("item", "items")
            # The ids the previous version gave, so that pages and bookmarks keep working.
            views[intent["id"]] = _collection_view(
                intent, kind, groups, context, False, hints, noun, fields, _legacy_raw_name
            )
        else:
            data = (
                values[0][1]
                if len(values) == 1
                else {p: val for p, val in values if val is not None}
            )
            role = intent["id"] if intent["id"] in ("about", "contact") else "section"
            hints = {"currency": "", "base_url": "", "kind": ""}
            views[intent["id"]] = _section_view(intent, None, data, context, hints, fields, role)
    model = {
        "v": MODEL_VERSION,
        "site": {"name": "", "base_url": "", "currency": ""},
        "refs": {},
        "views": views,
    }
    fields[MODEL_FIELD] = _encode(model)
    return fields
