"""Where a site's content model lives in its session hash: field names, page size, decoding.

What reading a stored model needs, apart from what building one needs (``build.py``):
the views, the API and the export import this at startup; ``build`` only when a site
is connected or repaired.
"""

from __future__ import annotations

import zlib
from typing import Any

from ...storage.base import decoded

MODEL_VERSION = 1
PAGE_SIZE = 48
MODEL_FIELD = "model"


def chunk_field(intent_id: str, number: int) -> str:
    """The hash field of listing chunk ``number`` (from 1) of a collection."""
    return f"c:{intent_id}:{number}"


def item_field(intent_id: str, item_id: str) -> str:
    """The name of one item's pointer (``ReadPlan.item``; its own hash field in sessions
    stored before item buckets)."""
    return f"i:{intent_id}:{item_id}"


ITEM_BUCKETS = 1024


def item_bucket_field(intent_id: str, item_id: str) -> str:
    """The hash field holding the chunk numbers of the items whose ids share a bucket."""
    # A URL may carry any text, lone surrogates included: never an error, just no item.
    return f"x:{intent_id}:{zlib.crc32(item_id.encode(errors='surrogatepass')) % ITEM_BUCKETS}"


def data_field(intent_id: str) -> str:
    """The hash field holding a section's data."""
    return f"d:{intent_id}"


def decode(raw: bytes | str, name: str | None = None) -> Any:
    """Decode a stored model field (JSON), ``name`` if the caller knows it.

    A value that is not JSON raises StoredDataDamaged: the session it was read from
    is lost (see site_session.end_damaged).
    """
    return decoded(raw, field=name)
