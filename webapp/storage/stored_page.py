"""A generated page as stored: gzip bytes made once, with a strong validator.

Pages are served far more often than they are made, so the work a response needs is
done when the page is made: the HTML is compressed (what a browser is sent as is, with
``Content-Encoding: gzip``) and given a validator (the ``ETag``; a revalidation is
answered 304 from the header alone, without inflating anything).

Stored value (bytes): ``gz1 <etag> <generatedAt>\\n`` then the gzip stream. A read
that names validators the client already holds gets a stored page whose validator is
one of them without its body (the header alone: ``body_omitted``), so a revalidation
moves no page bytes out of Redis either. A value
starting with ``{`` is a page stored before this format (JSON ``{html, generatedAt}``)
and is still read, so sessions alive across an upgrade keep their pages.

A stored value that is neither, or whose gzip stream does not inflate whole to UTF-8
text with its validator, is *damaged*: read as missing, so the page is made again and
never served broken. Inflating costs ~35 µs for a 15 KB page, so a stream is inflated
once per process: afterwards its checksum (~1 µs) finds it among the sound ones.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import zlib
from dataclasses import dataclass, field

MAGIC = b"gz1 "
# Level 6 (zlib's default): a 15 KB page compresses to ~3.5 KB in ~0.2 ms; 9 saves
# under 2 % more for twice the time.
LEVEL = 6
# Streams known sound in this process, by (validator, CRC-32 and length of the gzip bytes):
# about 150 bytes each, so the bound costs ~1.5 MB per worker; past it the set starts over.
SOUND_LIMIT = 10_000
_sound: set[tuple[str, int, int]] = set()


def validator(html: bytes) -> str:
    """A strong validator of a page's bytes: 128 bits of BLAKE2b, URL-safe base64."""
    digest = hashlib.blake2b(html, digest_size=16).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(eq=True)
class StoredPage:
    """One generated page: its gzip bytes, validator and generation time."""

    gzip: bytes
    etag: str
    generated_at: str
    body_omitted: bool = False  # read as "not modified": the header only (see above)
    _html: str | None = field(default=None, compare=False, repr=False)

    @classmethod
    def make(cls, html: str, generated_at: str) -> StoredPage:
        """Compress ``html`` and compute its validator (once, when the page is made)."""
        raw = html.encode("utf-8")
        page = cls(gzip.compress(raw, LEVEL, mtime=0), validator(raw), generated_at)
        page._html = html
        _known_sound(page.etag, page.gzip)
        return page

    @property
    def html(self) -> str:
        """The page's HTML (inflated on first use)."""
        if self.body_omitted:
            raise ValueError("this page was read without its body (a revalidation)")
        if self._html is None:
            self._html = gzip.decompress(self.gzip).decode("utf-8")
        return self._html

    def to_bytes(self) -> bytes:
        """The value stored in the session's page hash."""
        header = f"{self.etag} {self.generated_at}\n".encode("ascii", "replace")
        return MAGIC + header + self.gzip

    @classmethod
    def from_bytes(cls, value: bytes | str) -> StoredPage | None:
        """Read a stored value (this format, or a page stored as JSON before it).

        None for a damaged value (written by something else, cut, corrupted): the page
        is then missing, and made again on its next view.
        """
        if isinstance(value, str):
            value = value.encode("utf-8")
        try:
            if value.startswith(MAGIC):
                header, _, body = value[len(MAGIC) :].partition(b"\n")
                etag, _, generated_at = header.decode("ascii").partition(" ")
                if not etag or " " in etag:
                    return None
                page = cls(body, etag, generated_at, body_omitted=not body)
                return page if page.body_omitted or page._sound() else None
            legacy = json.loads(value)
            return cls.make(str(legacy["html"]), str(legacy.get("generatedAt", "")))
        except (ValueError, TypeError, KeyError, AttributeError):
            return None

    def _sound(self) -> bool:
        """Whether the gzip bytes inflate whole (CRC checked) to UTF-8 with this validator."""
        known = (self.etag, zlib.crc32(self.gzip), len(self.gzip))
        if known in _sound:
            return True
        inflate = zlib.decompressobj(wbits=31)  # gzip: its trailer's CRC-32 and size checked
        try:
            raw = inflate.decompress(self.gzip)
        except zlib.error:
            return False
        if not inflate.eof or inflate.unused_data or validator(raw) != self.etag:
            return False
        self._html = raw.decode("utf-8")  # ValueError when it is not UTF-8: damaged
        _known_sound(self.etag, self.gzip)
        return True


def _known_sound(etag: str, body: bytes) -> None:
    if len(_sound) >= SOUND_LIMIT:
        _sound.clear()  # rare; each stream is then checked once more
    _sound.add((etag, zlib.crc32(body), len(body)))


def without_body(value: bytes, known: tuple[str, ...]) -> bytes:
    """The stored value, or its header alone when its validator is one of ``known``."""
    if known and value.startswith(MAGIC):
        end = value.find(b" ", len(MAGIC))
        if value[len(MAGIC) : end].decode("ascii", "replace") in known:
            return value[: value.index(b"\n") + 1]
    return value


def read_pages(pairs, damaged: set[str] | None = None) -> dict[str, StoredPage]:
    """Stored pages from (page id, stored value) pairs, skipping absent and damaged ones
    (the ids of damaged ones are added to ``damaged``)."""
    pages = {}
    for page_id, value in pairs:
        if value is None:
            continue
        page_id = page_id.decode("utf-8", "replace") if isinstance(page_id, bytes) else page_id
        page = StoredPage.from_bytes(value)
        if page is not None:
            pages[page_id] = page
        elif damaged is not None:
            damaged.add(page_id)
    return pages
