"""Unwrap what content platforms wrap, and recognise their exports.

``prepare(content)`` looks at the root of a document and, when it recognises a
platform's shape (Contentful delivery API or space export, Sanity, JSON-LD,
Ghost export, Strapi / Directus ``data`` envelopes, WordPress REST), returns a
plain document of named collections plus the context needed to read their
records: the default locale, a table of linked entries and assets, the site's
base URL. ``Context.unwrap(value)`` then turns one record into plain JSON:
``{rendered: …}`` unwrapped, single-locale maps read, links and references
resolved, rich text (Contentful documents, Sanity Portable Text) turned into
HTML, Strapi ``data``/``attributes`` flattened.

Pure functions of parsed JSON; every walk is bounded in depth and size.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..paths import ROOT, join
from ..text import normal_key
from .vocab import SYSTEM_WORDS, plural, words

MAX_UNWRAP_DEPTH = 10
MAX_LIST = 2_000  # elements of one nested list unwrapped (records' own lists are small)
MAX_LINK_DEPTH = 2  # linked entries resolved inside linked entries, no deeper

_LOCALE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$")
_COMMON_LANGUAGES = frozenset(
    [
        "en",
        "de",
        "fr",
        "es",
        "it",
        "nl",
        "pt",
        "ja",
        "zh",
        "ko",
        "sv",
        "da",
        "fi",
        "nb",
        "no",
        "pl",
        "cs",
        "ru",
        "tr",
        "ar",
        "he",
        "el",
        "hu",
        "ro",
        "uk",
    ]
)
_SANITY_IMAGE_REF = re.compile(r"^image-([A-Za-z0-9]+)-(\d+x\d+)-([a-z0-9]+)$")
_GHOST_URL = "__GHOST_URL__"


@dataclass
class Context:
    """What is needed to read one platform's records as plain JSON."""

    platform: str = "json"
    locale: str | None = None
    locales: frozenset[str] = frozenset()
    base_url: str = ""
    links: dict[str, Any] = field(default_factory=dict)  # id -> raw entry/asset/document
    # Linked entries as summaries, made once per id: a record names what it links to
    # (an author, a venue); copying whole entries into every record would store N×M.
    summaries: dict[str, Any] = field(default_factory=dict, repr=False)
    sanity_project: tuple[str, str] | None = None  # (projectId, dataset)
    active: bool = False  # whether records need unwrapping at all

    # ------------------------------------------------------------------ values

    def unwrap(self, value: Any, depth: int = 0, links_left: int = MAX_LINK_DEPTH) -> Any:
        """Return a plain-JSON version of one value (a record, a field)."""
        if depth > MAX_UNWRAP_DEPTH:
            return None
        if isinstance(value, list):
            if value and _is_portable_text(value):
                return _tolerant(portable_text_html, value)
            if value and _is_spans(value):
                return _tolerant(spans_html, value)
            if value and _is_typed_blocks(value):
                return _tolerant(typed_blocks_html, value)
            if value and is_language_list(value):  # PrestaShop's [{id: "1", value: …}]
                return first_translation(value)
            if value and _is_name_value_list(value):  # Collection+JSON's data
                return {x["name"]: self.unwrap(x.get("value"), depth + 1, links_left)
                        for x in value[:500]}  # fmt: skip
            out = []
            for element in islice(value, MAX_LIST):
                inner = self.unwrap(element, depth + 1, links_left)
                if inner is not None:
                    out.append(inner)
            return out
        if not isinstance(value, dict):
            if isinstance(value, str) and value.startswith(_GHOST_URL):
                return self.absolute(value[len(_GHOST_URL) :]) or None
            return value
        try:
            return self._unwrap_object(value, depth, links_left)
        except _SHAPE_ERRORS:
            # A platform shape with a wrong type in one slot (a list where an id goes):
            # read it as a plain object rather than fail the whole document.
            return self._plain_object(value, depth, links_left, embedded=False)

    def _unwrap_object(self, value: dict, depth: int, links_left: int) -> Any:
        keys = value.keys()
        if "rendered" in keys and len(value) <= 3 and isinstance(value["rendered"], str):
            return (
                html.unescape(value["rendered"])
                if "<" not in value["rendered"]
                else value["rendered"]
            )
        sys = value.get("sys")
        if isinstance(sys, dict):
            if sys.get("type") == "Link":
                return self._linked(sys.get("id"), depth, links_left)
            if isinstance(value.get("fields"), dict):
                return self._entry(value, depth, links_left)
        if value.get("nodeType") == "document" and isinstance(value.get("content"), list):
            return rich_text_html(value, self)
        if self._is_locale_map(value):
            chosen = value.get(self.locale) if self.locale in value else next(iter(value.values()))
            return self.unwrap(chosen, depth + 1, links_left)
        if "_ref" in keys and len(value) <= 4:
            return self._linked(value.get("_ref"), depth, links_left)
        if value.get("_type") == "slug" and isinstance(value.get("current"), str):
            return value["current"]
        if value.get("_type") == "image" or (
            isinstance(value.get("asset"), dict) and "_ref" in value["asset"]
        ):
            return self._sanity_image(value)
        if "data" in keys and len(keys - {"data", "meta", "links"}) == 0:
            return self.unwrap(value["data"], depth + 1, links_left)  # Strapi, JSON:API relations
        if "attributes" in keys and isinstance(value["attributes"], dict) and len(value) <= 3:
            flat = {"id": value.get("id")} if "id" in value else {}
            flat.update(value["attributes"])
            return self._plain_object(flat, depth, links_left)
        if "@id" in keys and len(value) == 1 and isinstance(value["@id"], str):
            return self._linked(value["@id"], depth, links_left)
        shape = value_shape(value)
        if shape == "typed":  # Notion: {"type": "number", "number": 28}
            return self._typed(value, depth, links_left)
        if shape == "text":  # {"text": "...", "html": "..."}, {"text": ..., "languageCode": ...}
            return value["text"]
        if shape == "formatted":  # Drupal: {"value", "format", "processed", "summary"}
            text = value.get("processed") or value.get("value")
            return text if isinstance(text, str) else None
        if shape == "tree":  # ProseMirror/TipTap, Lexical, DatoCMS DAST rich text
            return tree_html(value)
        if shape == "resource" and self.links:  # JSON:API {"type", "id"} linkage
            return self._linked(value["id"], depth, links_left)
        wrapper = wrapped_member(value)
        if wrapper is not None:  # Airtable fields, Webflow fieldData, Storyblok content...
            return self._lifted(value, wrapper, depth, links_left)
        answers = answers_member(value)
        if answers is not None:  # a form's submission: its answers are its fields
            flat = answer_fields(value[answers])
            rest = {k: x for k, x in value.items() if k != answers and k not in flat}
            return self._plain_object({**flat, **rest}, depth, links_left)
        return self._plain_object(value, depth, links_left)

    def _typed(self, value: dict, depth: int, links_left: int) -> Any:
        inner = value[value["type"]]
        if (
            isinstance(inner, list)
            and inner
            and all(isinstance(x, dict) and "plain_text" in x for x in inner)
        ):
            return "".join(str(x.get("plain_text", "")) for x in inner)
        if isinstance(inner, dict) and set(inner) >= {"start"} and "end" in inner:
            return inner["start"]  # a Notion date: when it starts
        if isinstance(inner, dict) and isinstance(inner.get("name"), str) and "color" in inner:
            return inner["name"]  # a Notion select or status
        if (
            isinstance(inner, list)
            and inner
            and all(
                isinstance(x, dict) and isinstance(x.get("name"), str) and "color" in x
                for x in inner
            )
        ):
            return [x["name"] for x in inner]  # a Notion multi-select
        return self.unwrap(inner, depth + 1, links_left)

    def _lifted(self, value: dict, wrapper: str, depth: int, links_left: int) -> dict:
        """A record whose content sits in one member: that member's fields, then the rest.

        JSON:API relationships are fields too; Drupal's ``field_`` prefix is dropped.
        """
        inner = _drupal_names(value[wrapper])
        nested = front_matter_member(inner)  # Gatsby's {node: {excerpt, frontmatter}}
        if nested is not None:
            out = self._lifted(inner, nested, depth, links_left)
        else:
            out = self._plain_object(inner, depth, links_left)
        relationships = value.get("relationships")
        if isinstance(relationships, dict):
            for key, inner in _drupal_names(relationships).items():
                if key not in out:
                    unwrapped = self.unwrap(inner, depth + 1, links_left)
                    if unwrapped not in (None, [], {}):
                        out[key] = unwrapped
        for key, inner in value.items():
            if key == "relationships":
                continue
            if key != wrapper and key not in out:
                unwrapped = self.unwrap(inner, depth + 1, links_left)
                if unwrapped is not None:
                    out[key] = unwrapped
        return out

    def _plain_object(
        self, value: dict, depth: int, links_left: int, embedded: bool = True
    ) -> dict:
        out: dict[str, Any] = {}
        embedded = value.get("_embedded") if embedded else None
        wrappers = self._one_key_wrappers(value)
        for key, inner in islice(value.items(), 500):
            if key == "_embedded":
                continue
            unwrapped = self.unwrap(inner, depth + 1, links_left)
            if isinstance(unwrapped, dict) and len(unwrapped) == 1 and set(unwrapped) & wrappers:
                # a wrapper no platform rule reads: Squidex's {"iv": …}, {"translations": …}
                unwrapped = next(iter(unwrapped.values()))
            if unwrapped is not None:
                out[key] = unwrapped
        if isinstance(embedded, dict):
            out.update(_tolerant(_wordpress_embedded, embedded, out) or {})
        return out

    def _one_key_wrappers(self, value: dict) -> set[str]:
        """Keys that wrap several of an object's values alone (Squidex's ``{"iv": …}`` on
        every field, Uber Eats' ``{"translations": {locale map}}``): the one key of at least
        two members, holding a value or a locale map, never an id or a reference."""
        seen: dict[str, int] = {}
        for inner in islice(value.values(), 500):
            if isinstance(inner, dict) and len(inner) == 1:
                key, held = next(iter(inner.items()))
                if isinstance(held, bool) or (
                    isinstance(held, dict) and not self._is_locale_map(held)
                ):
                    continue
                seen[key] = seen.get(key, 0) + 1
        # Only a language's wrapper: an email, a currency or a day under one key is data.
        return {
            key for key, count in seen.items()
            if count >= 2 and isinstance(key, str)
            and (key in _TRANSLATION_KEYS or (key.islower() and _LOCALE.match(key)))
        }  # fmt: skip

    def _entry(self, entry: dict, depth: int, links_left: int) -> dict:
        """A Contentful entry or asset: its fields, plus its id and content type."""
        sys = entry["sys"]
        fields = entry["fields"]
        if sys.get("type") == "Asset":
            return self._asset(fields)
        out: dict[str, Any] = {}
        if isinstance(sys.get("id"), str):
            out["id"] = sys["id"]
        out.update(self._plain_object(fields, depth, links_left))
        return out

    def _asset(self, fields: dict) -> dict | None:
        fields = {k: self.unwrap(v, 1, 0) for k, v in fields.items()}
        file = fields.get("file")
        url = file.get("url") if isinstance(file, dict) else None
        url = self.absolute(url) if isinstance(url, str) else ""
        if not url:
            return None
        image = {"url": url}
        for key in ("title", "description"):
            if isinstance(fields.get(key), str) and fields[key].strip():
                image["alt" if key == "title" else "caption"] = fields[key]
        if isinstance(file, dict) and isinstance(file.get("contentType"), str):
            image["mimeType"] = file["contentType"]
        return image

    def _linked(self, link_id: Any, depth: int, links_left: int) -> Any:
        if not isinstance(link_id, str) or links_left <= 0:
            return None
        if link_id in self.summaries:
            return self.summaries[link_id]
        target = self.links.get(link_id)
        if target is None:
            return None
        if isinstance(target, dict) and target.get("_type") == "sanity.imageAsset":
            found = {"url": target["url"]} if isinstance(target.get("url"), str) else None
        else:
            found = _summary(self.unwrap(target, depth + 1, 0))
        self.summaries[link_id] = found
        return found

    def _sanity_image(self, value: dict) -> dict | None:
        """A Sanity image: its expanded URL, or one built from the asset id when possible."""
        asset = value.get("asset")
        alt = value.get("alt") if isinstance(value.get("alt"), str) else ""
        url = ""
        if isinstance(asset, dict):
            if isinstance(asset.get("url"), str):
                url = asset["url"]
            elif isinstance(asset.get("_ref"), str):
                target = self.links.get(asset["_ref"])
                if isinstance(target, dict) and isinstance(target.get("url"), str):
                    url = target["url"]
                else:
                    url = self._sanity_cdn(asset["_ref"])
        elif isinstance(value.get("url"), str):
            url = value["url"]
        if not url:
            return None
        return {"url": url, "alt": alt} if alt else {"url": url}

    def _sanity_cdn(self, ref: str) -> str:
        match = _SANITY_IMAGE_REF.match(ref)
        if not match or self.sanity_project is None:
            return ""
        project, dataset = self.sanity_project
        image_id, size, ext = match.groups()
        return f"https://cdn.sanity.io/images/{project}/{dataset}/{image_id}-{size}.{ext}"

    def _is_locale_map(self, value: dict) -> bool:
        if not value or len(value) > 40:
            return False
        keys = list(value)
        if self.locales:
            return all(key in self.locales for key in keys)
        if not all(isinstance(key, str) and _LOCALE.match(key) for key in keys):
            return False
        return all("-" in key or "_" in key or key in _COMMON_LANGUAGES for key in keys) and any(
            "-" in key or key != "id" for key in keys
        )

    # ------------------------------------------------------------------ URLs

    def absolute(self, url: Any) -> str:
        """Return an absolute http(s) URL for ``url``, resolving relative ones if possible."""
        if not isinstance(url, str):
            return ""
        text = url.strip()
        if text.startswith(_GHOST_URL):
            text = text[len(_GHOST_URL) :]
        if text.startswith("//"):
            return "https:" + text
        if text.lower().startswith(("http://", "https://")):
            return text
        if text.startswith("/") and self.base_url:
            return urljoin(self.base_url, text)
        return ""


_SUMMARY_KEYS = 20
_SUMMARY_TEXT = 1_000


def _summary(value: Any) -> Any:
    """A linked entry as a record shows it: its own short fields, small objects (an image, an
    address) and short lists of names; bounded, whatever the entry holds."""
    if not isinstance(value, dict):
        return value[:_SUMMARY_TEXT] if isinstance(value, str) else value
    out: dict[str, Any] = {}
    for key, inner in value.items():
        if len(out) >= _SUMMARY_KEYS:
            break
        if isinstance(inner, str):
            out[key] = inner[:_SUMMARY_TEXT]
        elif isinstance(inner, int | float | bool) or inner is None:
            out[key] = inner
        elif (
            isinstance(inner, dict)
            and len(inner) <= 12
            and all(not isinstance(x, dict | list) for x in inner.values())
        ):
            out[key] = {
                k: (x[:_SUMMARY_TEXT] if isinstance(x, str) else x) for k, x in inner.items()
            }
        elif (
            isinstance(inner, list)
            and len(inner) <= 10
            and all(isinstance(x, str | int | float) for x in inner)
        ):
            out[key] = [x[:200] if isinstance(x, str) else x for x in inner]
    return out


# --------------------------------------------------------------------------
# Shapes of single values

_TEXT_KEYS = frozenset({"text", "html", "languageCode", "language", "lang", "locale"})
# Keys that hold a value's translations ({"translations": {"en_us": …}}).
_TRANSLATION_KEYS = frozenset({"translations", "localized", "localised", "i18n"})
_WRAPPER_KEYS = ("fields", "fieldData", "properties", "attributes", "content", "data", "node")
# Members that always hold a record's own fields: a Markdown page's front matter (Gatsby,
# Astro, Nuxt Content), a shop's fields in the shopper's language (Shopware's "translated").
_FRONT_MATTER_KEYS = ("frontmatter", "frontMatter", "front_matter", "translated")
# Keys a wrapped record keeps beside its content: ids, types, dates, links, flags.
_TREE_TYPES = frozenset({"doc", "root"})


_SHAPE_ERRORS = (TypeError, ValueError, AttributeError, KeyError, IndexError)


def _tolerant(convert, *args):
    """Run a converter of a platform shape; a value of the wrong type in it gives nothing."""
    try:
        return convert(*args)
    except _SHAPE_ERRORS:
        return None


def value_shape(value: dict) -> str:
    """Name a value's platform shape: "typed", "text", "formatted", "tree", "resource", or ""."""
    kind = value.get("type")
    if isinstance(kind, str) and kind in value and kind != "type" and len(value) <= 6:
        return "typed"
    keys = value.keys()
    if isinstance(value.get("text"), str) and keys <= _TEXT_KEYS and len(keys) >= 2:
        return "text"
    if (
        ("processed" in keys or "format" in keys)
        and isinstance(value.get("value"), str)
        and (keys <= {"value", "format", "processed", "summary"})
    ):
        return "formatted"
    if (
        (
            isinstance(kind, str)
            and kind in _TREE_TYPES
            and isinstance(value.get("content") or value.get("children"), list)
        )
        or (isinstance(value.get("root"), dict) and value["root"].get("type") == "root")
        or (value.get("schema") == "dast" and isinstance(value.get("document"), dict))
        or (isinstance(value.get("value"), dict) and value["value"].get("schema") == "dast")
    ):
        return "tree"
    if keys <= {"type", "id", "meta"} and {"type", "id"} <= keys and isinstance(value["id"], str):
        return "resource"
    return ""


def wrapped_member(value: dict) -> str | None:
    """The member holding a record's content beside system keys (``fields``, ``fieldData``...).

    Airtable ``records[].fields``, Webflow ``items[].fieldData``, Notion
    ``results[].properties``, JSON:API ``data[].attributes``, Prismic
    ``results[].data``, Storyblok ``stories[].content``, GraphQL ``edges[].node``.
    """
    front_matter = front_matter_member(value)
    if front_matter is not None:
        return front_matter
    for key in _WRAPPER_KEYS:
        inner = value.get(key)
        if not isinstance(inner, dict) or len(inner) < 2 or "rendered" in inner:
            continue
        if value_shape(inner) or (key == "data" and len(value) <= 2):
            continue
        others = [k for k in value if k != key]
        system = sum(1 for k in others if normal_key(k) in SYSTEM_WORDS or k.startswith(("_", "@")))
        if system * 2 >= len(others):
            return key
    return fields_member(value) or payload_member(value)


def front_matter_member(value: dict) -> str | None:
    """The member holding a Markdown page's front matter: always the page's own fields."""
    for key in _FRONT_MATTER_KEYS:
        if isinstance(value.get(key), dict) and len(value[key]) >= 2:
            return key
    return None


# Members a CMS keeps a record's own fields in, beside its name and bookkeeping.
_FIELD_MEMBERS = (
    "properties", "metadata", "fields", "attributes", "values", "acf", "customFields",
    "custom_fields",
)  # fmt: skip


def fields_member(value: dict) -> str | None:
    """The member holding a named record's own fields (Umbraco's ``properties``, Cosmic's
    ``metadata``, WordPress's ``acf``): an object of at least three fields, two of them
    plain values, beside the record's name."""
    for key in _FIELD_MEMBERS:  # the members first: most objects have none of them
        inner = value.get(key)
        if not isinstance(inner, dict) or len(inner) < 3 or value_shape(inner):
            continue
        plain = sum(
            1 for x in islice(inner.values(), 60) if isinstance(x, str | int | float)
            and not isinstance(x, bool)
        )  # fmt: skip
        if plain >= 2 and "rendered" not in inner and _named(value):
            return key
    return None


def _named(value: dict) -> bool:
    """Tell whether an object has a name of its own (a text under a title key)."""
    return any(isinstance(value.get(key), str) and value[key].strip() for key in _TITLE_KEYS)


_TITLE_KEYS = ("name", "title", "headline", "label", "heading", "displayName", "display_name")


def _words_in(value: Any) -> bool:
    """A string a person reads as words (not an id, a code, a token or a URL)."""
    return (
        isinstance(value, str)
        and " " in value.strip()
        and any(ch.isalpha() for ch in value[:200])
        and not value.lstrip().lower().startswith(("http://", "https://"))
    )


def _wrapped_words(value: Any) -> bool:
    """Tell whether a wrapped value holds words (only objects are unwrapped: a hot loop)."""
    return isinstance(value, dict) and _words_in(_wrapped(value))


def _wrapped(value: Any) -> Any:
    """A value as a one-key wrapper holds it (``{"iv": "Learn to boulder"}``), in its
    first language when it is a locale map (``{"translations": {"en_us": …}}``)."""
    if isinstance(value, dict) and len(value) == 1:
        value = next(iter(value.values()))
    if isinstance(value, dict) and _LOCALE_PROBE._is_locale_map(value):  # one test of a map
        value = next(iter(value.values()))
    return value


_LOCALE_PROBE = Context()  # a context with no known locales: tells a locale map by its keys


def payload_member(value: dict) -> str | None:
    """The member holding a record's content when nothing else in it is words: Reddit's
    ``{kind, data}``, YouTube's ``{kind, etag, id, snippet, ...}``, GraphQL's ``{cursor,
    node}``, a search hit ``{score, venue}``, whatever the member is called.

    The record's own values are ids, codes and numbers; one member, an object of at least
    three fields, holds words (the most of them, when several do). A record of many
    fields is lifted only into a member named as a wrapper (Squidex's ``data``): among
    many, a member with words is more likely a related thing (its operator, its venue).
    """
    if len(value) > 24 or _named(value):
        return None  # a record with a name of its own ("Gala") is read as itself
    best, most = None, 0
    for key, inner in value.items():
        if _words_in(inner):
            return None  # the record speaks for itself
        if isinstance(inner, dict) and len(inner) >= 3:
            count = sum(1 for x in islice(inner.values(), 60) if _words_in(x) or _wrapped_words(x))
            if count > most:
                best, most = key, count
    return best if len(value) <= 12 or best in _WRAPPER_KEYS else None


# Keys naming the language of one translation of a value, beside the value.
_LANGUAGE_IDS = frozenset({"id", "language", "lang", "locale", "languageid", "langid"})


def is_language_list(value: list) -> bool:
    """A value in several languages as a list of translations, each an id of its language
    and the text (PrestaShop's ``[{"id": "1", "value": "Spring bouquet"}, …]``)."""
    if not 1 <= len(value) <= 40:
        return False
    return all(
        isinstance(x, dict) and len(x) == 2 and isinstance(x.get("value"), str)
        and any(key in _LANGUAGE_IDS for key in x)
        for x in value
    )  # fmt: skip


def first_translation(value: list) -> str:
    """The first non-empty text of a list of translations (see ``is_language_list``)."""
    return next((x["value"] for x in value if x["value"].strip()), "")


def _drupal_names(fields: dict) -> dict:
    """Drop Drupal's ``field_`` prefix from field names (``field_image`` -> ``image``)."""
    if not any(isinstance(k, str) and k.startswith("field_") for k in fields):
        return fields
    renamed: dict[str, Any] = {}
    for key, value in fields.items():
        name = key[6:] if isinstance(key, str) and key.startswith("field_") and key[6:] else key
        renamed.setdefault(name, value)
    return renamed


_TREE_BLOCKS = {
    "paragraph": "p", "heading": "h2", "heading1": "h2", "heading2": "h2", "heading3": "h3",
    "heading4": "h4", "heading5": "h5", "heading6": "h6", "list": "ul", "bulletlist": "ul",
    "bullet_list": "ul", "orderedlist": "ol", "ordered_list": "ol", "listitem": "li",
    "list_item": "li", "list-item": "li", "o-list-item": "li", "blockquote": "blockquote",
    "quote": "blockquote", "code": "pre", "codeblock": "pre", "code_block": "pre",
    "preformatted": "pre", "horizontalrule": "hr", "horizontal_rule": "hr", "thematicbreak": "hr",
}  # fmt: skip
_TREE_MARKS = {"bold": "strong", "strong": "strong", "italic": "em", "emphasis": "em",
               "underline": "u", "code": "code"}  # fmt: skip


def tree_html(value: dict, budget: int = 20_000) -> str:
    """Turn a rich-text tree (ProseMirror/TipTap, Lexical, DatoCMS DAST) into escaped HTML."""
    if isinstance(value.get("value"), dict):
        value = value["value"]
    if isinstance(value.get("document"), dict):
        value = value["document"]
    if isinstance(value.get("root"), dict):
        value = value["root"]
    out: list[str] = []
    seen = 0

    def render(node: Any, depth: int) -> None:
        nonlocal seen
        seen += 1
        if seen > budget or depth > 30 or not isinstance(node, dict):
            return
        text = node.get("text", node.get("value") if node.get("type") == "span" else None)
        if isinstance(text, str):
            piece = html.escape(text)
            marks = node.get("marks") or []
            names = [m.get("type") if isinstance(m, dict) else m for m in marks]
            if isinstance(node.get("format"), int):  # Lexical: a bit field, 1 bold, 2 italic
                names += ["bold"] * bool(node["format"] & 1) + ["italic"] * bool(node["format"] & 2)
            for name in names:
                tag = _TREE_MARKS.get(name) if isinstance(name, str) else None
                if tag:
                    piece = f"<{tag}>{piece}</{tag}>"
            out.append(piece)
            return
        kind = str(node.get("type", "")).replace("-", "_") if node.get("type") else ""
        tag = _TREE_BLOCKS.get(kind) or _TREE_BLOCKS.get(kind.lower())
        if kind == "heading" and isinstance(node.get("attrs"), dict):
            tag = f"h{min(6, max(2, int(node['attrs'].get('level', 2) or 2)))}"
        elif kind == "heading" and isinstance(node.get("tag"), str) and node["tag"][:1] == "h":
            tag = "h2" if node["tag"] == "h1" else node["tag"]
        elif kind == "heading" and isinstance(node.get("level"), int):
            tag = f"h{min(6, max(2, node['level']))}"
        elif kind == "list" and (
            node.get("listType") == "number" or node.get("style") == "numbered"
        ):
            tag = "ol"
        if tag == "hr":
            out.append("<hr>")
            return
        if tag:
            out.append(f"<{tag}>")
        for child in node.get("content") or node.get("children") or []:
            render(child, depth + 1)
        if tag:
            out.append(f"</{tag}>")

    render(value, 0)
    return "".join(out)


def spans_html(blocks: list) -> str:
    """Turn Prismic rich text (``[{type, text, spans}]``) into escaped HTML."""
    out: list[str] = []
    open_list = ""
    for block in blocks[:2_000]:
        if not isinstance(block, dict) or not isinstance(block.get("text"), str):
            continue
        kind = block.get("type", "paragraph")
        wanted = {"list-item": "ul", "o-list-item": "ol"}.get(kind, "")
        if open_list and wanted != open_list:
            out.append(f"</{open_list}>")
            open_list = ""
        if wanted and not open_list:
            out.append(f"<{wanted}>")
            open_list = wanted
        tag = "li" if wanted else _TREE_BLOCKS.get(kind, "p")
        out.append(f"<{tag}>{html.escape(block['text'])}</{tag}>")
    if open_list:
        out.append(f"</{open_list}>")
    return "".join(out)


def _is_spans(value: list) -> bool:
    head = value[:5]
    return all(
        isinstance(b, dict) and isinstance(b.get("text"), str) and "spans" in b for b in head
    )


# What a form's question holds besides its answer: its name, label, type and order.
_QUESTION_KEYS = frozenset(
    {"name", "order", "text", "type", "answer", "prettyformat", "sublabels", "cfname",
     "label", "qid", "required"}
)  # fmt: skip


def answers_member(value: dict) -> str | None:
    """The member holding a form submission's answers: questions keyed by their ids, each
    a name, a label and the answer given (Jotform's ``answers``), or None."""
    for key, inner in islice(value.items(), 60):
        if isinstance(inner, dict) and 3 <= len(inner) <= 500 and _is_answer_map(inner):
            return key
    return None


def _is_answer_map(value: dict) -> bool:
    questions = [q for q in islice(value.values(), 500)]
    if not all(
        isinstance(q, dict) and isinstance(q.get("name"), str)
        and {normal_key(str(k)) for k in q} <= _QUESTION_KEYS
        for q in questions
    ):  # fmt: skip
        return False
    return sum("answer" in q for q in questions) * 2 >= len(questions)


def answer_fields(questions: dict) -> dict:
    """A form's answers as fields named by their questions (the answer as the form shows
    it, where it gives one: a full name's "Marit Okonkwo" for {first, last})."""
    fields: dict[str, Any] = {}
    for question in islice(questions.values(), 500):
        if "answer" in question:
            shown = question.get("prettyFormat")
            fields.setdefault(
                question["name"], shown if isinstance(shown, str) else question["answer"]
            )
    return fields


def _is_name_value_list(value: list) -> bool:
    """An object written as a list of named values ([{name, value, type}, …]: Collection+JSON's
    ``data``), five or more with different names, nothing else in them but a type or a prompt."""
    head = value[:500]  # every element read is checked
    return (
        len(head) >= 5
        and all(
            isinstance(x, dict)
            and isinstance(x.get("name"), str)
            and "value" in x
            and set(x) <= {"name", "value", "type", "prompt"}
            for x in head
        )
        and len({x["name"] for x in head}) == len(head)
    )


def _is_typed_blocks(value: list) -> bool:
    """A body of typed blocks ({type, value, id}: Wagtail's StreamField), one at least
    a text block ("paragraph", "heading", "quote")."""
    head = value[:200]  # every block typed_blocks_html reads is checked
    return all(
        isinstance(b, dict) and isinstance(b.get("type"), str) and "value" in b and len(b) <= 3
        for b in head
    ) and any(_TREE_BLOCKS.get(b["type"].lower()) and isinstance(b["value"], str) for b in head)


def typed_blocks_html(blocks: list, budget: int = 200) -> str:
    """Typed blocks as HTML: a text block's value (escaped, unless it is HTML, which
    rich_html cleans when shown); an object block's heading and its texts and lists."""
    out: list[str] = []
    for block in islice(blocks, budget):
        tag = _TREE_BLOCKS.get(str(block.get("type", "")).lower())
        value = block.get("value")
        if isinstance(value, str) and value.strip():
            text = value if value.lstrip().startswith("<") else html.escape(value)
            out.append(text if text.startswith("<") else f"<{tag or 'p'}>{text}</{tag or 'p'}>")
        elif isinstance(value, dict):
            out.append(_object_block_html(value))
    return "".join(out)


def _object_block_html(value: dict) -> str:
    """One object block: its heading, then its texts as paragraphs and lists as lists."""
    parts: list[str] = []
    for key, inner in islice(value.items(), 30):
        if isinstance(inner, str) and inner.strip():
            tag = "h3" if normal_key(str(key)) in ("heading", "title") else "p"
            parts.append(f"<{tag}>{html.escape(inner)}</{tag}>")
        elif isinstance(inner, list) and inner and all(isinstance(x, str) for x in inner[:50]):
            items = "".join(f"<li>{html.escape(x)}</li>" for x in inner[:50])
            parts.append(f"<ul>{items}</ul>")
    return "".join(parts)


# --------------------------------------------------------------------------
# Rich text


def _wordpress_embedded(embedded: dict, record: dict) -> dict:
    """Fold WordPress ``_embedded`` (author, featured image, terms) into plain fields."""
    extra: dict[str, Any] = {}
    media = embedded.get("wp:featuredmedia")
    if isinstance(media, list) and media and isinstance(media[0], dict):
        first = media[0]
        url = first.get("source_url")
        if isinstance(url, str):
            image = {"url": url}
            alt = first.get("alt_text")
            if isinstance(alt, str) and alt.strip():
                image["alt"] = alt
            extra["featured_image"] = image
    authors = embedded.get("author")
    if isinstance(authors, list):
        names = [
            a["name"] for a in authors if isinstance(a, dict) and isinstance(a.get("name"), str)
        ]
        if names:
            extra["author"] = ", ".join(names)
    terms = embedded.get("wp:term")
    if isinstance(terms, list):
        by_taxonomy: dict[str, list[str]] = {}
        for group in terms:
            if not isinstance(group, list):
                continue
            for term in group:
                if isinstance(term, dict) and isinstance(term.get("name"), str):
                    taxonomy = term.get("taxonomy")
                    taxonomy = taxonomy if isinstance(taxonomy, str) and taxonomy else "terms"
                    taxonomy = {"category": "categories", "post_tag": "tags"}.get(
                        taxonomy, taxonomy
                    )
                    by_taxonomy.setdefault(taxonomy, []).append(html.unescape(term["name"]))
        extra.update(by_taxonomy)
    return extra


_RT_BLOCKS = {
    "paragraph": "p",
    "heading-1": "h2",
    "heading-2": "h2",
    "heading-3": "h3",
    "heading-4": "h4",
    "heading-5": "h5",
    "heading-6": "h6",
    "unordered-list": "ul",
    "ordered-list": "ol",
    "list-item": "li",
    "blockquote": "blockquote",
    "table": "table",
    "table-row": "tr",
    "table-cell": "td",
    "table-header-cell": "th",
}
_RT_MARKS = {"bold": "strong", "italic": "em", "underline": "u", "code": "code"}


def rich_text_html(document: dict, context: Context | None = None, budget: int = 20_000) -> str:
    """Turn a Contentful Rich Text document into HTML (escaped; sanitised again when shown)."""
    out: list[str] = []
    count = 0

    def render(node: Any, depth: int) -> None:
        nonlocal count
        count += 1
        if count > budget or depth > 30 or not isinstance(node, dict):
            return
        kind = node.get("nodeType")
        if kind == "text":
            text = html.escape(str(node.get("value", "")))
            for mark in node.get("marks") or []:
                tag = _RT_MARKS.get(mark.get("type") if isinstance(mark, dict) else None)
                if tag:
                    text = f"<{tag}>{text}</{tag}>"
            out.append(text)
            return
        if kind == "hr":
            out.append("<hr>")
            return
        if kind == "hyperlink":
            uri = (node.get("data") or {}).get("uri")
            out.append(f'<a href="{html.escape(str(uri))}">')
            for child in node.get("content") or []:
                render(child, depth + 1)
            out.append("</a>")
            return
        if kind == "embedded-asset-block" and context is not None:
            target = (node.get("data") or {}).get("target") or {}
            asset = context.unwrap(target)
            if isinstance(asset, dict) and asset.get("url"):
                alt = html.escape(str(asset.get("alt", "")))
                out.append(f'<p><img src="{html.escape(asset["url"])}" alt="{alt}"></p>')
            return
        tag = _RT_BLOCKS.get(kind)
        if tag:
            out.append(f"<{tag}>")
        for child in node.get("content") or []:
            render(child, depth + 1)
        if tag:
            out.append(f"</{tag}>")

    render(document, 0)
    return "".join(out)


def _is_portable_text(value: list) -> bool:
    head = value[:5]
    return all(
        isinstance(block, dict) and block.get("_type") in ("block", "image") for block in head
    ) and any(block.get("_type") == "block" for block in head)


def portable_text_html(blocks: list, budget: int = 2_000) -> str:
    """Turn Sanity Portable Text blocks into HTML (escaped; sanitised again when shown)."""
    out: list[str] = []
    open_list: str | None = None
    styles = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "blockquote": "blockquote"}
    for block in islice(blocks, budget):
        if not isinstance(block, dict) or block.get("_type") != "block":
            continue
        links = {
            d.get("_key"): d.get("href")
            for d in block.get("markDefs") or []
            if isinstance(d, dict) and d.get("_type") == "link"
        }
        text = []
        for span in block.get("children") or []:
            if not isinstance(span, dict):
                continue
            piece = html.escape(str(span.get("text", "")))
            for mark in span.get("marks") or []:
                if mark in ("strong", "em", "code", "underline"):
                    tag = "u" if mark == "underline" else mark
                    piece = f"<{tag}>{piece}</{tag}>"
                elif mark in links and isinstance(links[mark], str):
                    piece = f'<a href="{html.escape(links[mark])}">{piece}</a>'
            text.append(piece)
        inner = "".join(text)
        list_kind = block.get("listItem")
        wanted = {"bullet": "ul", "number": "ol"}.get(list_kind) if list_kind else None
        if open_list and wanted != open_list:
            out.append(f"</{open_list}>")
            open_list = None
        if wanted:
            if open_list is None:
                out.append(f"<{wanted}>")
                open_list = wanted
            out.append(f"<li>{inner}</li>")
            continue
        tag = styles.get(block.get("style"), "p")
        out.append(f"<{tag}>{inner}</{tag}>")
    if open_list:
        out.append(f"</{open_list}>")
    return "".join(out)


# --------------------------------------------------------------------------
# Recognising a platform's document


@dataclass
class Prepared:
    """A document ready to classify: named collections and what is needed to read them."""

    doc: Any
    context: Context
    # Top-level key of ``doc`` -> dataPath in the original content (for synthetic docs).
    raw_paths: dict[str, str] = field(default_factory=dict)
    # Site-level facts the platform states outright (name, description, url, colour, logo).
    site: dict[str, Any] = field(default_factory=dict)
    # Collection names whose kind the platform states (content type display names).
    labels: dict[str, str] = field(default_factory=dict)


def _origin(url: Any) -> str:
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/" if parts.netloc else ""


def _group(records: list[dict], type_of) -> dict[str, list]:
    groups: dict[str, list] = {}
    for record in records:
        name = type_of(record)
        if name:
            groups.setdefault(name, []).append(record)
    return groups


def _contentful_type(entry: Any) -> str:
    if not isinstance(entry, dict):
        return ""
    sys = entry.get("sys")
    if not isinstance(sys, dict):
        return ""
    link = (
        ((sys.get("contentType") or {}).get("sys") or {})
        if isinstance(sys.get("contentType"), dict)
        else {}
    )
    return link.get("id") if isinstance(link.get("id"), str) else ""


def _prepare_contentful_delivery(content: dict) -> Prepared:
    context = Context(platform="contentful", active=True)
    includes = content.get("includes") if isinstance(content.get("includes"), dict) else {}
    items = [item for item in content.get("items", []) if isinstance(item, dict)]
    for bucket in (includes.get("Entry") or [], includes.get("Asset") or [], items):
        for entry in bucket if isinstance(bucket, list) else []:
            if isinstance(entry, dict) and isinstance((entry.get("sys") or {}).get("id"), str):
                context.links[entry["sys"]["id"]] = entry
    first_locale = next(
        (i["sys"].get("locale") for i in items if isinstance(i.get("sys"), dict)), None
    )
    context.locale = first_locale if isinstance(first_locale, str) else None
    groups = _group(items, _contentful_type)
    doc = {name: [context.unwrap(entry) for entry in records] for name, records in groups.items()}
    return Prepared(doc, context, {name: "items" for name in doc})


def _prepare_contentful_export(content: dict) -> Prepared:
    context = Context(platform="contentful", active=True)
    locales = [loc for loc in content.get("locales") or [] if isinstance(loc, dict)]
    codes = [loc.get("code") for loc in locales if isinstance(loc.get("code"), str)]
    default = next((loc.get("code") for loc in locales if loc.get("default")), None)
    context.locale = default or (codes[0] if codes else "en-US")
    context.locales = frozenset(codes)
    entries = [e for e in content.get("entries") or [] if isinstance(e, dict)]
    assets = [a for a in content.get("assets") or [] if isinstance(a, dict)]
    for entry in (*entries, *assets):
        sys = entry.get("sys")
        if isinstance(sys, dict) and isinstance(sys.get("id"), str):
            context.links[sys["id"]] = entry
    # Drafts and archived entries are never shown; published ones carry a publishedVersion.
    if any("publishedVersion" in (e.get("sys") or {}) for e in entries):
        entries = [
            e
            for e in entries
            if (e.get("sys") or {}).get("publishedVersion")
            and not (e.get("sys") or {}).get("archivedVersion")
        ]
    names = {}
    for content_type in content.get("contentTypes") or []:
        if isinstance(content_type, dict):
            type_id = (content_type.get("sys") or {}).get("id")
            if isinstance(type_id, str) and isinstance(content_type.get("name"), str):
                names[type_id] = content_type["name"]
    groups = _group(entries, _contentful_type)
    doc = {name: [context.unwrap(entry) for entry in records] for name, records in groups.items()}
    labels = {name: names[name] for name in doc if name in names}
    return Prepared(doc, context, {name: "entries" for name in doc}, labels=labels)


_SANITY_SYSTEM = ("sanity.", "system.", "assist.")


def _sanity_project(content: Any) -> tuple[str, str] | None:
    if isinstance(content, dict):
        project = content.get("projectId")
        dataset = content.get("dataset")
        if isinstance(project, str) and isinstance(dataset, str):
            return project, dataset
    return None


def _prepare_sanity(content: Any, documents: list[dict], path: str) -> Prepared:
    context = Context(platform="sanity", active=True, sanity_project=_sanity_project(content))
    published: dict[str, dict] = {}
    for document in documents:
        doc_id = document.get("_id")
        if not isinstance(doc_id, str):
            continue
        context.links[doc_id] = document
        if doc_id.startswith("drafts.") or ".drafts." in doc_id:
            continue  # unpublished edits are never shown
        published[doc_id] = document
    kept = [
        d
        for d in published.values()
        if isinstance(d.get("_type"), str) and not d["_type"].startswith(_SANITY_SYSTEM)
    ]
    groups = _group(kept, lambda d: d.get("_type"))
    doc = {name: [context.unwrap(d) for d in records] for name, records in groups.items()}
    return Prepared(doc, context, {name: path for name in doc})


def _jsonld_type(node: Any) -> str:
    if not isinstance(node, dict):
        return ""
    kind = node.get("@type")
    if isinstance(kind, list):
        kind = next((k for k in kind if isinstance(k, str)), "")
    return kind if isinstance(kind, str) else ""


# schema.org types that describe the site itself rather than something to browse.
_JSONLD_SITE_TYPES = frozenset(
    [
        "organization",
        "localbusiness",
        "restaurant",
        "foodestablishment",
        "cafeorcoffeeshop",
        "bakery",
        "barorpub",
        "store",
        "realestateagent",
        "website",
        "webpage",
        "person",
        "corporation",
        "hotel",
        "lodgingbusiness",
        "professionalservice",
        "medicalbusiness",
        "dentist",
        "breadcrumblist",
        "searchaction",
    ]
)


_JSONLD_PLUMBING = frozenset(
    ["breadcrumblist", "searchaction", "webpage", "imageobject", "sitenavigationelement"]
)


def _jsonld_collection_name(kind: str) -> str:
    """Group node types by what they are: MusicEvent and ComedyEvent are both events."""
    from .vocab import kind_for

    known = kind_for(kind)
    return known.name if known else kind or "items"


def _common_name(nodes: list[dict], keys: tuple[str, ...]) -> str:
    """A name most nodes share under one of ``keys`` (the organiser of every event)."""
    from collections import Counter

    counts: Counter[str] = Counter()
    for node in nodes[:200]:
        if not isinstance(node, dict):
            continue
        for key in keys:
            value = node.get(key)
            value = value[0] if isinstance(value, list) and value else value
            if isinstance(value, dict) and isinstance(value.get("name"), str):
                counts[value["name"].strip()] += 1
                break
    if not counts:
        return ""
    name, count = counts.most_common(1)[0]
    return name if count * 2 > len(nodes) else ""


def _jsonld_list_items(elements: list, context: Context) -> list[dict]:
    """An ItemList's elements (``ListItem.item`` or the thing itself), unwrapped."""
    items = []
    for element in elements:
        if isinstance(element, dict) and isinstance(element.get("item"), dict):
            element = element["item"]
        if isinstance(element, dict):
            items.append(context.unwrap(element))
    return items


def _jsonld_site_node(orgs: list[dict], websites: list[dict]) -> dict[str, Any]:
    """The site as one node: its organisations' fields, then a WebSite's name and address."""
    site_node: dict[str, Any] = {}
    for node in orgs:
        for key, value in node.items():
            site_node.setdefault(key, value)
    for node in websites:  # a WebSite node adds its name and address, not its publisher again
        for key in ("name", "url", "description", "alternateName"):
            if key in node:
                site_node.setdefault(key, node[key])
    return site_node


def _jsonld_site_facts(site_node: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    """The site's name, description, address and pictures; the name shared by its
    records' organiser or publisher when no node names the site."""
    facts = {
        k: site_node.get(k)
        for k in ("name", "description", "url", "image", "logo")
        if site_node.get(k)
    }
    if not facts.get("name"):
        records = [r for values in doc.values() if isinstance(values, list) for r in values]
        name = _common_name(records, ("organizer", "publisher", "provider", "seller", "location"))
        if name:
            facts["name"] = name
    if site_node:
        facts["node"] = site_node
    return facts


def _prepare_jsonld(content: Any) -> Prepared:
    context = Context(platform="jsonld", active=True)
    if isinstance(content, list):
        nodes, path = content, ROOT
    elif isinstance(content.get("@graph"), list):
        nodes, path = content["@graph"], "@graph"
    else:
        nodes, path = [content], ROOT
    nodes = [node for node in nodes if isinstance(node, dict)]
    for node in nodes:
        if isinstance(node.get("@id"), str):
            context.links[node["@id"]] = node
    single = len(nodes) == 1
    orgs: list[dict] = []
    websites: list[dict] = []
    doc: dict[str, Any] = {}
    raw_paths: dict[str, str] = {}
    site_path = path
    for index, node in enumerate(nodes):
        kind = _jsonld_type(node)
        norm = normal_key(kind)
        node_path = path if single else join(path, index)
        if norm in _JSONLD_PLUMBING:
            continue
        if norm == "itemlist" and isinstance(node.get("itemListElement"), list):
            elements = _jsonld_list_items(node["itemListElement"], context)
            name = _jsonld_collection_name(_jsonld_type(elements[0]) if elements else "")
            doc.setdefault(name, []).extend(elements)
            raw_paths.setdefault(name, join(node_path, "itemListElement"))
            continue
        unwrapped = context.unwrap(node)
        if norm in _JSONLD_SITE_TYPES:
            (websites if norm == "website" else orgs).append(unwrapped)
            if norm != "website" or not orgs:
                site_path = node_path
            continue
        name = _jsonld_collection_name(kind)
        doc.setdefault(name, []).append(unwrapped)
        raw_paths.setdefault(name, path)
    site_node = _jsonld_site_node(orgs, websites)
    if site_node:
        doc = {"site": site_node, **doc}
        raw_paths["site"] = site_path
    facts = _jsonld_site_facts(site_node, doc)
    context.base_url = _origin(facts.get("url"))
    return Prepared(doc, context, raw_paths, site=facts)


def hashable(value: Any) -> Any:
    """A value usable as a dict key (ids from content may be lists or objects), else None."""
    return value if isinstance(value, str | int | float | bool) else None


def _prepare_ghost_export(content: dict) -> Prepared:
    data = content["db"][0]["data"]
    context = Context(platform="ghost", active=True)
    settings = {}
    for row in data.get("settings") or []:
        if isinstance(row, dict) and isinstance(row.get("key"), str):
            settings[row["key"]] = row.get("value")
    context.base_url = _origin(settings.get("url"))
    tags = {hashable(t.get("id")): t for t in data.get("tags") or [] if isinstance(t, dict)}
    users = {hashable(u.get("id")): u for u in data.get("users") or [] if isinstance(u, dict)}
    post_tags: dict[Any, list[str]] = {}
    for row in data.get("posts_tags") or []:
        if isinstance(row, dict) and hashable(row.get("tag_id")) in tags:
            name = tags[hashable(row["tag_id"])].get("name")
            if isinstance(name, str) and not name.startswith("#"):  # "#internal" tags
                post_tags.setdefault(hashable(row.get("post_id")), []).append(name)
    post_authors: dict[Any, list[str]] = {}
    for row in data.get("posts_authors") or []:
        if isinstance(row, dict) and hashable(row.get("author_id")) in users:
            name = users[hashable(row["author_id"])].get("name")
            if isinstance(name, str):
                post_authors.setdefault(hashable(row.get("post_id")), []).append(name)
    posts, pages = [], []
    for post in data.get("posts") or []:
        if not isinstance(post, dict) or post.get("status") not in (None, "published"):
            continue
        record = context.unwrap(post)
        if hashable(post.get("id")) in post_tags:
            record["tags"] = post_tags[hashable(post["id"])]
        if hashable(post.get("id")) in post_authors:
            record["author"] = ", ".join(post_authors[hashable(post["id"])])
        (pages if post.get("type") == "page" else posts).append(record)
    doc: dict[str, Any] = {}
    if posts:
        doc["posts"] = posts
    if pages:
        doc["pages"] = pages
    site = {
        "name": settings.get("title"),
        "description": settings.get("description"),
        "accent": settings.get("accent_color"),
        "image": context.absolute(settings.get("cover_image")) or None,
        "logo": context.absolute(settings.get("logo")) or None,
        "url": settings.get("url"),
    }
    site = {k: v for k, v in site.items() if isinstance(v, str) and v.strip()}
    for key in ("email", "twitter", "facebook"):
        if isinstance(settings.get(key), str) and settings[key].strip():
            site.setdefault("contact", {})[key] = settings[key]
    return Prepared(doc, context, {"posts": "db[0].data.posts", "pages": "db[0].data.posts"}, site)


def _is_ghost_export(content: Any) -> bool:
    try:
        data = content["db"][0]["data"]
    except (KeyError, IndexError, TypeError):
        return False
    return isinstance(data, dict) and isinstance(data.get("posts"), list)


def _sample_dicts(value: Any, limit: int = 20) -> list[dict]:
    if isinstance(value, list):
        return [v for v in islice(value, limit) if isinstance(v, dict)]
    return []


_RESOURCE_MEMBERS = frozenset({"id", "type", "attributes", "relationships", "links", "meta"})


def _is_json_api_resource(node: dict) -> bool:
    """A JSON:API resource object: an id, a type and its attributes (Patreon's tiers)."""
    return (
        isinstance(node.get("attributes"), dict)
        and "id" in node
        and isinstance(node.get("type"), str)
        and node.keys() <= _RESOURCE_MEMBERS
    )


def _is_compound_document(content: dict) -> bool:
    """A JSON:API document about one resource with the resources it relates to (Patreon's
    campaign with its tiers, benefits and goals under ``included``)."""
    included = content.get("included")
    return (
        isinstance(content.get("data"), dict)
        and _is_json_api_resource(content["data"])
        and isinstance(included, list)
        and bool(included)
        and all(isinstance(entry, dict) and _is_json_api_resource(entry) for entry in included[:50])
    )


def _prepare_compound_document(content: dict) -> Prepared:
    """The resources a JSON:API document includes, a collection per type ("tier": tiers),
    and the resource it is about as the site's own details."""
    context = Context(platform="api", active=True)
    main = content["data"]
    included = [entry for entry in content["included"][:100_000] if _is_json_api_resource(entry)]
    for entry in (main, *included):
        if isinstance(entry.get("id"), str):
            context.links[entry["id"]] = entry
    collections: dict[str, list] = {}
    for entry in included:
        record = context.unwrap(entry)
        if isinstance(record, dict):
            record.pop("type", None)  # the collection's name says it ("tier": tiers)
        collections.setdefault(plural(entry["type"].lower()), []).append(record)
    site = {
        key: value for key, value in islice(main["attributes"].items(), 200)
        if isinstance(value, str | int | float) and not isinstance(value, bool)
    }  # fmt: skip
    return Prepared(collections, context, dict.fromkeys(collections, "included"), site=site)


def _needs_unwrap(records: list[dict]) -> bool:
    """Tell whether sampled records hold platform wrappers (so every record is unwrapped)."""
    probe = Context(active=True)
    stack: list[tuple[Any, int]] = [(record, 0) for record in records[:20]]
    seen = 0
    while stack and seen < 3_000:
        node, depth = stack.pop()
        seen += 1
        if isinstance(node, dict):
            keys = node.keys()
            if (
                ("rendered" in keys and len(node) <= 3)
                or "_embedded" in keys
                or ("attributes" in keys and "id" in keys and len(node) <= 3)
                or _is_json_api_resource(node)
                or ("data" in keys and len(keys - {"data", "meta"}) == 0)
                or ("_ref" in keys)
                or (isinstance(node.get("sys"), dict) and "fields" in keys)
                or node.get("nodeType") == "document"
                or probe._is_locale_map(node)
                or value_shape(node) not in ("", "resource")
                or wrapped_member(node) is not None
                or answers_member(node) is not None
            ):
                return True
            if depth < 4:
                stack.extend((v, depth + 1) for v in islice(node.values(), 60))
        elif isinstance(node, list) and depth < 4:
            if node and (
                _is_portable_text(node)
                or _is_spans(node)
                or _is_typed_blocks(node)
                or _is_name_value_list(node)
            ):
                return True
            stack.extend((v, depth + 1) for v in islice(node, 10))
        elif isinstance(node, str) and node.startswith(_GHOST_URL):
            return True
    return False


def prepare(content: Any) -> Prepared:
    """Recognise a platform's document and return it as plain, named collections.

    A document that looks like a platform's but breaks its shape (a number where
    a list of locales goes) is read as plain JSON instead.
    """
    try:
        return _prepare(content)
    except _SHAPE_ERRORS:
        return Prepared(content, Context())


def _is_sparql_results(content: dict) -> bool:
    """The W3C SPARQL 1.1 Query Results JSON format: {head: {vars}, results: {bindings}}."""
    head, results = content.get("head"), content.get("results")
    return (
        isinstance(head, dict)
        and isinstance(head.get("vars"), list)
        and isinstance(results, dict)
        and isinstance(results.get("bindings"), list)
    )


def _prepare_sparql(content: dict) -> Prepared:
    """SPARQL results as records named by their first variable ("lighthouse":
    lighthouses): each value read from its {type, value}; a variable's ``…Label`` (as
    Wikidata's label service gives it) names what the variable points at."""
    names = [v for v in content["head"]["vars"][:60] if isinstance(v, str)]
    # The subject: a variable with a label ("lighthouse" beside "lighthouseLabel"), else
    # the first with a name longer than a letter or two ("s", "p", "o" name nothing).
    labelled = [v for v in names if f"{v}Label" in names]
    worded = [v for v in names if len(v) >= 3 and not v.endswith("Label")]
    main = (labelled or worded or [""])[0]
    records = []
    for binding in content["results"]["bindings"][:100_000]:
        if not isinstance(binding, dict):
            continue
        values = {
            name: cell["value"]
            for name, cell in binding.items()
            if isinstance(cell, dict) and isinstance(cell.get("value"), str)
        }
        record: dict[str, Any] = {}
        for name in names:
            if name.endswith("Label") or name not in values:
                continue
            label = values.get(f"{name}Label")
            if name == main:
                record["name"] = label or values[name]
                record["url"] = values[name]
            else:
                record[name] = label or values[name]
        records.append(record)
    key = plural(main) if main else "results"
    return Prepared({key: records}, Context(), {key: "results.bindings"})


def _map_features(content: dict) -> bool:
    """A map's features: a GeoJSON FeatureCollection (RFC 7946), or features that each
    hold their fields beside a geometry (an ArcGIS FeatureServer's query answer)."""
    features = content.get("features")
    if not isinstance(features, list) or not features:
        return False
    if content.get("type") == "FeatureCollection":
        return True
    return all(
        isinstance(feature, dict) and "geometry" in feature and _feature_fields(feature)
        for feature in features[:20]
    )


def _feature_fields(feature: Any) -> dict | None:
    """A map feature's fields: GeoJSON's ``properties``, else ArcGIS's ``attributes``."""
    if not isinstance(feature, dict):
        return None
    for key in ("properties", "attributes"):
        if isinstance(feature.get(key), dict):
            return feature[key]
    return None


def _prepare_geojson(content: dict) -> Prepared:
    """A map's features (see ``_map_features``): each feature's fields are the record,
    with its point's coordinates; what the records are comes from their fields (a
    collection called "features" would read as a product's features). Where the answer
    describes its fields (ArcGIS's ``fields``), dates and coded values are read by it."""
    schema = _FeatureSchema(content)
    records = []
    for feature in content["features"][:100_000]:
        fields = _feature_fields(feature)
        if fields is None:
            continue
        record = schema.read(fields)
        for key, value in _point(feature.get("geometry"), schema.in_degrees).items():
            record.setdefault(key, value)
        records.append(record)
    site = {"name": content["name"]} if isinstance(content.get("name"), str) else {}
    return Prepared({"items": records}, Context(), {"items": "features"}, site=site)


def _point(geometry: Any, in_degrees: bool) -> dict:
    """A point geometry's latitude and longitude: GeoJSON's coordinates, or ArcGIS's x and
    y when its spatial reference is in degrees."""
    if not isinstance(geometry, dict):
        return {}
    coordinates = geometry.get("coordinates")
    if geometry.get("type") == "Point" and isinstance(coordinates, list) and len(coordinates) >= 2:
        return {"longitude": coordinates[0], "latitude": coordinates[1]}
    x, y = geometry.get("x"), geometry.get("y")
    if in_degrees and isinstance(x, int | float) and isinstance(y, int | float):
        return {"longitude": x, "latitude": y}
    return {}


# Spatial references in degrees of latitude and longitude (WGS 84, NAD 83).
_DEGREE_WKIDS = frozenset({4326, 4269})


class _FeatureSchema:
    """What an ArcGIS answer says of its fields: which hold dates (epoch milliseconds),
    which hold codes of a coded-value domain ("IND" for "Industry & Mills"), and which
    are its editor tracking (who created and edited a feature, and when)."""

    def __init__(self, content: dict) -> None:
        reference = content.get("spatialReference")
        wkids = [reference.get("wkid"), reference.get("latestWkid")] if isinstance(
            reference, dict) else []  # fmt: skip
        self.in_degrees = any(type(wkid) is int and wkid in _DEGREE_WKIDS for wkid in wkids)
        fields = content.get("fields")
        described = [
            entry for entry in (fields[:500] if isinstance(fields, list) else [])
            if isinstance(entry, dict) and isinstance(entry.get("name"), str)
        ]  # fmt: skip
        self.dates = {entry["name"] for entry in described if entry.get("type") == _ESRI_DATE}
        self.codes = {entry["name"]: _coded_values(entry) for entry in described}
        self.tracking = _editor_tracking(content) if described else set()
        names = {entry["name"] for entry in described}
        # the label a person gave each field ("Date Dedicated" for DEDICATED)
        self.labels = {
            entry["name"]: entry["alias"].strip() for entry in described
            if isinstance(entry.get("alias"), str) and entry["alias"].strip()
            and entry["alias"].strip() not in names and entry.get("type") not in _ESRI_IDS
        }  # fmt: skip

    def read(self, fields: dict) -> dict:
        """A feature's fields with its dates as ISO dates and its codes as their names."""
        record = {key: value for key, value in fields.items() if key not in self.tracking}
        for name in self.dates & record.keys():
            moment = record[name]
            if isinstance(moment, int | float) and not isinstance(moment, bool):
                try:
                    record[name] = datetime.fromtimestamp(moment / 1000, UTC).date().isoformat()
                except (OverflowError, OSError, ValueError):
                    record[name] = None
        for name, code_names in self.codes.items():
            code = record.get(name)
            if isinstance(code, str | int) and code in code_names:
                record[name] = code_names[code]
        return {self.labels.get(key, key): value for key, value in record.items()}


_ESRI_DATE = "esriFieldTypeDate"
_ESRI_IDS = frozenset({"esriFieldTypeOID", "esriFieldTypeGlobalID", "esriFieldTypeGUID"})
# ArcGIS's editor tracking fields, as its answer names them or by their default names.
_EDIT_FIELDS = ("creationDateField", "creatorField", "editDateField", "editorField")
_DEFAULT_EDIT_FIELDS = frozenset({"CreationDate", "Creator", "EditDate", "Editor"})


def _editor_tracking(content: dict) -> set[str]:
    """The fields that say who created and edited a feature and when: bookkeeping."""
    info = content.get("editFieldsInfo")
    if isinstance(info, dict):
        return {info[key] for key in _EDIT_FIELDS if isinstance(info.get(key), str)}
    return set(_DEFAULT_EDIT_FIELDS)


def _coded_values(entry: dict) -> dict:
    """A field's coded-value domain as {code: name}, or {}."""
    domain = entry.get("domain")
    if not isinstance(domain, dict) or not isinstance(domain.get("codedValues"), list):
        return {}
    return {
        coded.get("code"): coded.get("name")
        for coded in domain["codedValues"][:500]
        if isinstance(coded, dict) and isinstance(coded.get("name"), str)
        and isinstance(coded.get("code"), str | int)
    }  # fmt: skip


_FIRESTORE_SCALARS = (
    "stringValue", "integerValue", "doubleValue", "booleanValue", "timestampValue",
    "referenceValue", "bytesValue",
)  # fmt: skip


def _firestore_documents(content: dict) -> list[dict]:
    """Cloud Firestore's REST documents ({name: ".../documents/rooms/x", fields: {title:
    {stringValue}}}), or []."""
    documents = content.get("documents")
    if not isinstance(documents, list) or not documents:
        return []
    head = [d for d in documents[:20] if isinstance(d, dict)]
    typed = all(
        isinstance(d.get("fields"), dict) and "/documents/" in str(d.get("name", "")) for d in head
    )
    return [d for d in documents if isinstance(d, dict)] if head and typed else []


def _firestore_value(value: Any, depth: int = 0) -> Any:
    """A Firestore typed value as plain JSON ({"integerValue": "28"} -> 28)."""
    if not isinstance(value, dict) or depth > 20:
        return None
    for kind in _FIRESTORE_SCALARS:
        if kind in value:
            inner = value[kind]
            if kind == "integerValue":
                return int(inner) if str(inner).lstrip("-").isdigit() else inner
            return inner
    if isinstance(value.get("mapValue"), dict):
        fields = value["mapValue"].get("fields") or {}
        return {k: _firestore_value(v, depth + 1) for k, v in islice(fields.items(), 200)}
    if isinstance(value.get("arrayValue"), dict):
        values = value["arrayValue"].get("values") or []
        return [_firestore_value(v, depth + 1) for v in values[:500]]
    if isinstance(value.get("geoPointValue"), dict):
        return value["geoPointValue"]
    return None


def _prepare_firestore(content: dict) -> Prepared:
    """Firestore documents as records named by their collection ("…/documents/rooms/x":
    rooms), their id the last step of their name."""
    doc: dict[str, list] = {}
    for document in _firestore_documents(content)[:100_000]:
        steps = str(document["name"]).split("/documents/", 1)[-1].split("/")
        collection = steps[-2] if len(steps) >= 2 else "documents"
        record = {"id": steps[-1]}
        record.update({k: _firestore_value(v) for k, v in islice(document["fields"].items(), 200)})
        doc.setdefault(collection[:60], []).append(record)
    return Prepared(doc, Context(), {name: "documents" for name in doc})


def _value_ranges(content: dict) -> list[dict]:
    """Spreadsheet ranges ({range, values: [[header…], [row…]]}, as Google Sheets'
    values API answers), one or several (``valueRanges``)."""
    ranges = content.get("valueRanges")
    if not isinstance(ranges, list):
        ranges = [content] if "range" in content else []
    return [r for r in ranges[:50] if isinstance(r, dict) and _table(r.get("values"))]


def _table(rows: Any) -> bool:
    """A list of rows whose first row names the columns (short distinct texts)."""
    if not isinstance(rows, list) or len(rows) < 2 or not isinstance(rows[0], list):
        return False
    header = rows[0]
    return (
        0 < len(header) <= 60
        and all(isinstance(h, str) and 0 < len(h) <= 60 for h in header)
        and len(set(header)) == len(header)
        and all(isinstance(row, list) for row in rows[1:50])
    )


def _prepare_sheets(content: dict) -> Prepared:
    """Each range's rows as records keyed by its header, named by its sheet ("'Farm
    shop'!A1:F18": farm shop); a two-column range of labels and values ("Farm name",
    "Phone") is the site's details."""
    doc: dict[str, Any] = {}
    raw_paths: dict[str, str] = {}
    site: dict[str, Any] = {}
    several = isinstance(content.get("valueRanges"), list)
    for index, value_range in enumerate(content.get("valueRanges") or [content]):
        if not isinstance(value_range, dict) or not _table(value_range.get("values")):
            continue
        rows = value_range["values"][:100_000]
        name = _sheet_name(value_range.get("range"), index)
        path = join(join("valueRanges", index), "values") if several else "values"
        records = [
            {h: cell for h, cell in zip(rows[0], row, strict=False) if cell not in ("", None)}
            for row in rows[1:]
            if isinstance(row, list) and any(cell not in ("", None) for cell in row)
        ]
        if len(rows[0]) == 2 and len(records) <= 30 and not site:
            details = {str(r.get(rows[0][0])): r.get(rows[0][1]) for r in records}
            site = {"name": _named_in(details), "node": details}
            doc[name] = details
        else:
            doc[name] = records
        raw_paths[name] = path
    return Prepared(doc, Context(), raw_paths, site={k: v for k, v in site.items() if v})


def _sheet_name(address: Any, index: int) -> str:
    """A range's sheet name ("'Farm shop'!A1:F18" -> "farm shop")."""
    sheet = address.rsplit("!", 1)[0].strip("'") if isinstance(address, str) else ""
    return sheet.lower()[:60] or f"sheet {index + 1}"


def _named_in(details: dict) -> str:
    """The name among labelled values ("Farm name": "Hollins Green Farm")."""
    for label, value in details.items():
        if words(label)[-1:] == ["name"] and isinstance(value, str):
            return value
    return ""


def _result_sets(content: dict) -> list[dict]:
    """Several search result sets in one answer (Typesense's multi_search, Algolia's
    multiple queries): ``results`` whose entries each hold their own hits."""
    results = content.get("results")
    if not isinstance(results, list) or not results:
        return []
    sets = [r for r in results[:20] if isinstance(r, dict) and isinstance(r.get("hits"), list)]
    return sets if len(sets) == len(results[:20]) else []


def _prepare_result_sets(content: dict) -> Prepared:
    """Each result set's hits as a collection, named by the collection or index it
    searched; a hit's record one level down (``document``, ``_source``) is the record."""
    doc: dict[str, Any] = {}
    raw_paths: dict[str, str] = {}
    for index, result in enumerate(_result_sets(content)):
        params = result.get("request_params")
        searched = params.get("collection_name") if isinstance(params, dict) else None
        name = str(searched or result.get("index") or f"results {index + 1}")[:60]
        hits = [hit.get("document", hit.get("_source", hit)) for hit in result["hits"]]
        doc[name] = [hit for hit in hits if isinstance(hit, dict)]
        raw_paths[name] = join(join("results", index), "hits")
    return Prepared(doc, Context(), raw_paths)


def _prepare(content: Any) -> Prepared:
    if isinstance(content, dict):
        sys = content.get("sys")
        if (
            isinstance(sys, dict)
            and sys.get("type") == "Array"
            and isinstance(content.get("items"), list)
        ):
            return _prepare_contentful_delivery(content)
        if isinstance(content.get("contentTypes"), list) and isinstance(
            content.get("entries"), list
        ):
            return _prepare_contentful_export(content)
        if _is_ghost_export(content):
            return _prepare_ghost_export(content)
        if _is_sparql_results(content):
            return _prepare_sparql(content)
        if _map_features(content):
            return _prepare_geojson(content)
        if _firestore_documents(content):
            return _prepare_firestore(content)
        if _value_ranges(content):
            return _prepare_sheets(content)
        if _result_sets(content):
            return _prepare_result_sets(content)
        result = content.get("result")
        if isinstance(result, list) and any(
            isinstance(d, dict) and "_type" in d and "_id" in d for d in result[:20]
        ):
            return _prepare_sanity(content, [d for d in result if isinstance(d, dict)], "result")
        if (
            "@context" in content
            or "@graph" in content
            or (
                "@type" in content
                and isinstance(content.get("@type"), str | list)
                and not _sample_dicts(content.get("items"))  # Plone's folder of items
            )
        ):
            return _prepare_jsonld(content)
        if _is_compound_document(content):
            return _prepare_compound_document(content)
        data = content.get("data")
        if isinstance(data, list) and set(content) <= {
            "data",
            "meta",
            "links",
            "included",
            "jsonapi",
        }:
            # Strapi / Directus / JSON:API envelopes: the records are the document.
            context = Context(platform="api", active=_needs_unwrap(_sample_dicts(data)))
            for entry in (*data, *(content.get("included") or [])):
                if isinstance(entry, dict) and isinstance(entry.get("id"), str) and "type" in entry:
                    context.links[entry["id"]] = entry  # JSON:API resources, by id
            links = content.get("links")
            self_link = links.get("self") if isinstance(links, dict) else None
            if isinstance(self_link, dict):
                self_link = self_link.get("href")
            context.base_url = _origin(self_link)
            records = [context.unwrap(r) if context.active else r for r in data]
            return Prepared({"data": records}, context, {"data": "data"})
    if isinstance(content, list):
        head = _sample_dicts(content)
        if head and all("@type" in d for d in head):
            return _prepare_jsonld(content)
        if head and all("_type" in d and "_id" in d for d in head):
            return _prepare_sanity(content, [d for d in content if isinstance(d, dict)], ROOT)
    context = Context()
    return Prepared(content, context)


def context_for(records: list[dict], base: Context) -> Context:
    """Return the context to read one collection's records with (active if they need it)."""
    if base.active or not _needs_unwrap(records):
        return base
    return Context(
        platform=base.platform,
        locale=base.locale,
        locales=base.locales,
        base_url=base.base_url,
        links=base.links,
        sanity_project=base.sanity_project,
        active=True,
    )
