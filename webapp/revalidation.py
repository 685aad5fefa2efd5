"""Generated pages as answers: their CSP, and what a request says about the stored page it
may already have (encodings and validators).

A stored page is served as stored (gzip) to clients that accept gzip, and each of its two
encodings has its own strong validator: the stored one, or the stored one + ``-gz``.
"""

from __future__ import annotations

from flask import Request, Response, request

from .storage import StoredPage

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


# Generated pages come from hostile content: nothing may run, load or submit.
PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"
)


# The same page framed inside the app's chrome: its frame may be this app, links in it
# navigate the whole window (the page's <base target="_top">) when a person clicks them,
# and the app's own script may read its height (same origin; the page still runs nothing).
FRAME_CSP = PAGE_CSP.replace(
    "frame-ancestors 'none'; sandbox",
    "frame-ancestors 'self'; sandbox allow-same-origin allow-top-navigation-by-user-activation "
    "allow-popups allow-popups-to-escape-sandbox",
)


def page_response(html: str, csp: str = PAGE_CSP) -> Response:
    """A page made for this request (not stored), with its CSP."""
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = csp
    return response


def stored_response(page: StoredPage, csp: str) -> Response:
    """Serve a stored page's own bytes, as stored (the frame and downloads alike).

    A browser that accepts gzip gets the stored gzip bytes; a revalidation whose
    ``If-None-Match`` names the page's validator is answered 304 from the headers
    alone. The two encodings carry distinct strong validators (``-gz`` for gzip).
    """
    gzipped = accepts_gzip(request)
    etag = representation_etag(page.etag, gzipped)
    headers = {
        "ETag": f'"{etag}"',
        "Cache-Control": "private, no-cache",
        "Vary": "Accept-Encoding",
    }
    given = request.headers.get("If-None-Match")
    # A page read without its body had a validator the request holds (see @reads).
    if page.body_omitted or (
        given and (given == headers["ETag"] or request.if_none_match.contains_weak(etag))
    ):
        # Only the fields a cache updates (RFC 9110, 15.4.5): the browser keeps the rest,
        # the page's CSP included, from the response it holds.
        return Response(status=304, headers=headers)
    headers["Content-Security-Policy"] = csp
    if gzipped:
        headers["Content-Encoding"] = "gzip"
        return Response(page.gzip, mimetype="text/html", headers=headers)
    return Response(page.html, mimetype="text/html", headers=headers)
