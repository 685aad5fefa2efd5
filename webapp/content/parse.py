"""Turn uploaded or fetched bytes into site content, or explain why they are not.

Every failure is a :class:`ContentError` whose message is written for the
person who supplied the content (it ends up in a 400 page), never a traceback.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

import msgspec

from ..defaults import MAX_JSON_DEPTH

_strict_decode = msgspec.json.Decoder().decode

# How many containers the emptiness check looks at before giving up and
# calling the document non-empty; keeps it linear and cheap on huge documents.
_EMPTINESS_BUDGET = 100_000

_TYPE_NAMES = {
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean (true/false)",
    type(None): "null",
}


class ContentError(ValueError):
    """Site content that cannot be used; the message is shown to the user."""


def _reject_constant(name: str) -> Any:
    """Refuse ``NaN``/``Infinity``: Python accepts them, JSON does not."""
    raise ValueError(f"{name} is not valid JSON")


# A JSON string (skipped over) or a non-JSON constant (the match we want). A string runs to
# its closing quote or, unclosed, to the end (possessive, so nothing is read twice): tried
# again from each quote inside an unclosed one, '"\\"\\"\\"…' made the scan quadratic.
_CONSTANT_SCAN = re.compile(r'"(?:[^"\\]|\\[\s\S])*+(?:"|\\?\Z)|-?Infinity|NaN')


def _constant_position(text: str) -> str:
    """Locate the first NaN/Infinity outside strings as " at line L, column C"."""
    for match in _CONSTANT_SCAN.finditer(text):
        if not match.group().startswith('"'):
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            return f" at line {line}, column {column}"
    return ""


def _decode(raw: bytes | str) -> str:
    """Decode bytes as UTF-8 (with or without a BOM)."""
    if isinstance(raw, str):
        return raw.removeprefix("\ufeff")
    try:
        return bytes(raw).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ContentError(
            f"The content is not UTF-8 text (undecodable byte at position {exc.start}). "
            "Save the file as UTF-8 JSON and try again."
        ) from None


def _has_value(content: Any) -> bool:
    """Tell whether any non-null, non-blank scalar lives anywhere in the document."""
    stack = [content]
    visited = 0
    while stack:
        node = stack.pop()
        visited += 1
        if visited > _EMPTINESS_BUDGET:
            return True
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str):
            if node.strip():
                return True
        elif node is not None:
            return True
    return False


# A \uD800-\uDFFF escape: only then can json.loads produce a lone surrogate.
_LONE_SURROGATE_HINT = re.compile(r"\\u[dD][89a-fA-F]")


def _reject_lone_surrogates(content) -> None:
    """Refuse text that holds half of a UTF-16 pair: it cannot be stored or served as UTF-8."""
    try:
        json.dumps(content, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ContentError(
            "Invalid JSON: a \\u escape encodes half of a surrogate pair (for example "
            "\\ud800 alone), which is not a character; fix or remove it."
        ) from None


# Nesting: only the brackets outside strings count. Escaped backslashes and quotes go
# first (a run of backslashes pairs up from its start), then every byte but quotes and
# brackets; what is left of a string is its quotes around the brackets it held.
_NOT_QUOTE_OR_BRACKET = bytes(b for b in range(256) if b not in b'"[]{}')
_STRING_LEFT = re.compile(rb'"[^"]*"')
_ONE_KIND = bytes.maketrans(b"{}", b"[]")
_STEP = [0] * 256
_STEP[ord("[")], _STEP[ord("]")] = 1, -1
_LEAF_PASSES = 16  # empty containers removed this many times before counting the rest


def json_depth(raw: bytes | str) -> int:
    """How many arrays and objects sit one inside another in this JSON text, at most.

    Exact for valid JSON (``parse_json`` asks only once the text has parsed), in linear
    time: a few passes of C string operations over the text, about 2 ms per MB of content.
    Not a parser: on text that is not JSON the answer means nothing.
    """
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if b"\\" in data:  # one byte: a memchr, where a two-byte search would stop at every quote
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    # Empty quote pairs: strings without brackets (or the text between two strings).
    left = data.translate(None, _NOT_QUOTE_OR_BRACKET).replace(b'""', b"")
    if b'"' in left:
        left = _STRING_LEFT.sub(b"", left)
    left = left.translate(_ONE_KIND)
    # Each pass takes away the innermost (empty) containers: one level of the whole tree.
    passes = 0
    while left and passes < _LEAF_PASSES:
        left = left.replace(b"[]", b"")
        passes += 1
    if not left:
        return passes
    return passes + max(accumulate(map(_STEP.__getitem__, left)))


def check_depth(raw: bytes | str, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Refuse (valid) JSON text nested deeper than ``max_depth``."""
    # Valid JSON nested d deep takes at least 2d bytes: most documents need no count.
    if len(raw) > 2 * max_depth and json_depth(raw) > max_depth:
        raise ContentError(_too_deep(max_depth))


def _too_deep(max_depth: int) -> str:
    return (
        f"The JSON is nested too deeply: arrays and objects may sit at most {max_depth:,} "
        "levels one inside another. Flatten it and try again."
    )


def parse_json(raw: bytes | str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse JSON text into any JSON value, as the connect forms read a document.

    Raises :class:`ContentError` with a user-facing message for undecodable bytes, empty
    input, malformed JSON (with line and column), ``NaN``/``Infinity``, lone surrogates,
    and nesting deeper than ``max_depth`` (however deep: never a ``RecursionError``).
    """
    content = _parse_strict(raw)
    if content is None:
        return _parse_careful(raw, max_depth)
    check_depth(raw, max_depth)
    return content


def parse_content(raw: bytes | str) -> dict | list:
    """Parse site content (JSON text) into a non-empty object or array.

    Raises :class:`ContentError` with a user-facing message for everything
    ``parse_json`` refuses, a scalar root, or a document that holds no value at all.
    """
    content = parse_json(raw)
    if not isinstance(content, dict | list):
        kind = _TYPE_NAMES.get(type(content), "a scalar value")
        raise ContentError(f"unsupported root: a JSON object or array is expected, got {kind}.")
    if not content or not _has_value(content):
        shape = "object" if isinstance(content, dict) else "array"
        raise ContentError(
            f"The content is empty: the JSON {shape} holds no text, number or boolean to show."
        )
    return content


def _parse_strict(raw: bytes | str) -> Any:
    """Parse strict UTF-8 JSON at msgspec's speed (half the time of ``json``), or None.

    It refuses everything the careful parser refuses (NaN, lone surrogates, invalid
    UTF-8) and some things it takes (a BOM, numbers past a double): all of those, and
    every error, go to the careful parser, which says where the problem is.
    """
    try:
        return _strict_decode(raw)
    except (msgspec.DecodeError, ValueError, RecursionError):  # ValueError: bad UTF-8
        return None


def _parse_careful(raw: bytes | str, max_depth: int) -> Any:
    """Parse with ``json``: errors with line and column for what the user sees."""
    # Parse the unstripped text so that line numbers match what the user sees.
    text = _decode(raw)
    if not text.strip():
        raise ContentError("The document is empty: paste or upload some JSON.")
    try:
        content = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ContentError(
            f"Invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except ValueError as exc:
        # Raised by _reject_constant, which json calls without a position.
        raise ContentError(f"Invalid JSON{_constant_position(text)}: {exc}") from None
    except RecursionError:
        raise ContentError(_too_deep(max_depth)) from None
    check_depth(text, max_depth)
    if _LONE_SURROGATE_HINT.search(text):
        _reject_lone_surrogates(content)
    return content
