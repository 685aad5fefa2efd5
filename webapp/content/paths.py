"""Resolve an intent's ``dataPath`` against a site's content.

Grammar (from the product contract):

* ``root`` -- the whole document;
* dot paths with list indexes -- ``entries.menu``, ``pages[0].sections``,
  ``[2].name`` for array roots;
* several paths separated by commas -- ``site.email,site.phone``.

Resolution never raises for a path that does not match the content: a missing
step yields ``None``, so a stale intent renders as "nothing here" instead of a
500.
"""

from __future__ import annotations

import re
from typing import Any

ROOT = "root"
MISSING = None

# One step: a key (anything but the separators) or a bracketed index.
_STEP = re.compile(r"\[(\d+)\]|([^.\[\],]+)")
# A key that can be written in a path without escaping.
_SAFE_KEY = re.compile(r"^[^.\[\],\s][^.\[\],]*$")


def is_addressable_key(key: str) -> bool:
    """Tell whether an object key can be written as one step of a dataPath."""
    return bool(_SAFE_KEY.match(key)) and key != ROOT


def join(parent: str, key: str | int) -> str:
    """Append a key or list index to a dataPath (``root`` is the empty parent)."""
    if isinstance(key, int):
        step = f"[{key}]"
        return step if parent in ("", ROOT) else parent + step
    if parent in ("", ROOT):
        return key
    return f"{parent}.{key}"


def split_paths(data_path: str) -> list[str]:
    """Split a comma-separated dataPath into its single paths, stripped."""
    return [part.strip() for part in data_path.split(",") if part.strip()]


def resolve_one(content: Any, path: str) -> Any:
    """Return the value at one dot path, or ``None`` when any step is missing."""
    if path == ROOT:
        return content
    node = content
    position = 0
    for match in _STEP.finditer(path):
        # Anything skipped between steps other than a dot means a malformed path.
        gap = path[position : match.start()]
        if gap not in ("", "."):
            return MISSING
        position = match.end()
        index, key = match.group(1), match.group(2)
        if index is not None:
            if not isinstance(node, list) or int(index) >= len(node):
                return MISSING
            node = node[int(index)]
        else:
            if not isinstance(node, dict) or key not in node:
                return MISSING
            node = node[key]
    if position != len(path):
        return MISSING
    return node


def resolve(content: Any, data_path: str) -> Any:
    """Return the data an intent points at.

    A single path gives its value; several comma-separated paths give a dict
    mapping each path to its value (missing ones left out), so that a
    "Contact us" intent can gather an email, a phone and an address that live
    in different places.
    """
    paths = split_paths(data_path)
    if len(paths) == 1:
        return resolve_one(content, paths[0])
    gathered = {}
    for path in paths:
        value = resolve_one(content, path)
        if value is not None:
            gathered[path] = value
    return gathered
