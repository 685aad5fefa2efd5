"""Text helpers shared by the content layer: slugs, key matching and truncation.

Pure functions of strings, deterministic, with no knowledge of where the text
came from; callers bound how much of an untrusted string they pass in.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_NOT_KEY_CHAR = re.compile(r"[\W_]+")


def slugify(text: str, limit: int | None = None) -> str:
    """Turn text into a kebab-case slug of ``[a-z0-9-]``, possibly empty.

    Accents and compatibility forms are folded to ASCII (``Café`` -> ``cafe``,
    ``ﬁ`` -> ``fi``), other characters are dropped or become a single dash,
    and no dash starts or ends the result. ``limit`` caps its length.
    """
    if not text.isascii():
        # NFKD splits "é" into "e" plus a combining accent, which the ASCII
        # encoding then drops; characters with no ASCII form vanish.
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", text.lower()).strip("-")
    if limit is not None:
        # Cutting may leave a dash at the end; a slug never ends with one.
        slug = slug[:limit].rstrip("-")
    return slug


def normal_key(key: str) -> str:
    """Reduce a key to lowercase letters and digits (``site_name`` -> ``sitename``).

    Used to match keys against known names whatever their case or separators
    (``siteName``, ``site-name``, ``SITE_NAME``). Non-ASCII letters are kept,
    so that ``nameé`` does not pass for ``name``.
    """
    # A prefix is enough to compare with short known names, and bounds the work.
    key = key[:200]
    return _normal_key(key) if len(key) <= 64 else _NOT_KEY_CHAR.sub("", key.lower())


@lru_cache(maxsize=4096)
def _normal_key(key: str) -> str:
    # Keys repeat in every record of a collection (a search index of 5,000 records asked
    # 225,000 times): kept per process, for short keys only.
    return _NOT_KEY_CHAR.sub("", key.lower())


def truncate(text: str, limit: int, *, at_word: bool = False) -> str:
    """Cut text to at most ``limit`` characters, ending with an ellipsis when cut.

    With ``at_word``, the cut moves back to a space when one is among the
    last 40 characters kept, so that words are not split.
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if at_word:
        space = cut.rfind(" ", max(0, limit - 40))
        if space > 0:
            cut = cut[:space]
    return cut.rstrip() + "…"


def sentence(text: str) -> str:
    """End ``text`` with a full stop, unless it ends with one already ("Supply Co.")."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."
