"""Reading a connected document: parse it once, build its content model, and what to store.

A pure function of the document's bytes (no Flask, no storage), so that a large document
can be read in a child process (``webapp.document_reader``) and only what connecting
stores comes back: the parsed tree of a 12 MB document of tiny records takes about eight
times its size in Python objects, and building the model as much again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from .model.build import Built, build_site
from .parse import parse_content

# The parsed document is kept (the JSON API sends it back as ``siteData``) below this.
KEEP_CONTENT_BYTES = 1024 * 1024


@dataclass
class Document:
    """A document read: its model, and what the session stores as its content."""

    built: Built
    # The content as stored: None when it is the document's own bytes (see stored_json).
    stored_json: bytes | None
    # The parsed document, for a small one only (None past KEEP_CONTENT_BYTES).
    content: Any = None


def read_document(raw: bytes | str) -> Document:
    """Parse ``raw`` (ContentError says what is wrong) and build its content model."""
    content = parse_content(raw)
    built = build_site(content)
    size = len(raw)
    return Document(
        built=built,
        stored_json=None if stored_as_is(raw) else msgspec.json.encode(content),
        content=content if size < KEEP_CONTENT_BYTES else None,
    )


def stored_as_is(raw: bytes | str) -> bool:
    """Whether a document is stored as its own bytes: compact UTF-8 JSON, no BOM.

    They parsed, so they are JSON; encoding the parsed content again would cost a tenth
    of a big connect for the same text. A document laid out over many lines (or with a
    byte-order mark) is stored compacted instead, so Redis holds no indentation.
    """
    compact = isinstance(raw, bytes) and raw.count(b"\n") * 1024 < len(raw)  # < 1 per KB
    return compact and not raw.startswith(b"\xef\xbb\xbf")
