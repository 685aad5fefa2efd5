"""What a request says about the stored page it may already have: encodings and validators.

A stored page is served as stored (gzip) to clients that accept gzip, and each of its two
encodings has its own strong validator: the stored one, or the stored one + ``-gz``.
"""

from __future__ import annotations

from flask import Request

GZIP_SUFFIX = "-gz"


def accepts_gzip(req: Request) -> bool:
    """Whether the request's Accept-Encoding accepts gzip (browsers: "gzip, deflate, br")."""
    accept_encoding = req.headers.get("Accept-Encoding", "")
    if "gzip" not in accept_encoding and "*" not in accept_encoding:
        return False
    if "q=" not in accept_encoding:
        return True
    return req.accept_encodings["gzip"] > 0  # weights given: parse them properly


def representation_etag(stored_etag: str, gzipped: bool) -> str:
    """The ETag (unquoted) of a stored page in the encoding it is sent in."""
    return stored_etag + GZIP_SUFFIX if gzipped else stored_etag


def known_validators(req: Request) -> tuple[str, ...]:
    """The stored validators this request's If-None-Match names for the encoding it gets.

    A read given them returns a page that has one without its body: the answer is 304.
    """
    header = req.headers.get("If-None-Match")
    if not header:
        return ()
    if header.count('"') == 2 and header.startswith('"') and header.endswith('"'):
        given = [header[1:-1]]  # what browsers send back: the one strong tag they were given
    else:
        tags = req.if_none_match
        if tags.star_tag:
            return ()
        given = sorted(tags.as_set(include_weak=True))
    gzipped = accepts_gzip(req)
    known = []
    for tag in given:
        if tag.endswith(GZIP_SUFFIX) == gzipped:
            known.append(tag.removesuffix(GZIP_SUFFIX) if gzipped else tag)
    return tuple(known)
