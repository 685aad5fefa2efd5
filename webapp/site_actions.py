"""What connecting a site does, for the HTML forms and the JSON API alike.

A source (an upload, pasted JSON, a content URL, a SleekCMS pub token, a demo)
is read, checked against the document limit, parsed and turned into the site's
content model; storing it is one ``store.create``. Errors are ``ConnectError``
with the status to answer and a message for a person.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from flask import current_app, request

from . import ai, client_limits, slots
from .content.parse import ContentError
from .demos import DEMOS, load_demo
from .document_reader import DocumentReader, DocumentUnread

if TYPE_CHECKING:
    from .content.document import Document
    from .content.model.build import Built

SOURCES = ("upload", "paste", "url", "sleekcms", "demo")
REMOTE_SOURCES = ("url", "sleekcms")


def init_app(app) -> None:
    """Give the app its document reader (large documents are read in child processes)."""
    app.extensions["document_reader"] = DocumentReader(
        threshold=app.config["DOCUMENT_PROCESS_BYTES"],
        timeout=app.config["DOCUMENT_PROCESS_SECONDS"],
        memory_factor=app.config["DOCUMENT_MEMORY_FACTOR"],
    )


class ConnectError(Exception):
    """A connect attempt failed for a reason the user can act on."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class SourceInput:
    """What a person gave to connect a site (only the fields of its ``source`` matter)."""

    source: str
    url: str = ""
    token: str = ""
    pub_token: str = ""
    demo: str = ""
    pasted: str | bytes = ""
    upload: tuple[str, bytes] | None = None  # (file name, bytes)


@dataclass
class OpenedSite:
    """A source read and understood, ready to be stored."""

    document: Document
    meta: dict
    raw: bytes | str
    label: str
    started: float  # when reading it began (time.monotonic()): AI planning's deadline

    @property
    def built(self) -> Built:
        return self.document.built

    @property
    def content(self):
        """The parsed document, for a small one (None past ``KEEP_CONTENT_BYTES``)."""
        return self.document.content


def _fetch_options() -> dict:
    config = current_app.config
    return {
        "max_bytes": config["DOCUMENT_LIMIT"],
        "connect_timeout": config["FETCH_CONNECT_TIMEOUT"],
        "read_timeout": config["FETCH_READ_TIMEOUT"],
        "total_timeout": config["FETCH_TOTAL_TIMEOUT"],
    }


def _take_connect_slot() -> None:
    """Take one of this process's connect slots for this request, or answer 503 "busy".

    A slow remote holds a thread for up to the fetch deadline, and a fetched document
    is held in memory while it is connected; bounding how many connects do either at
    once keeps the other threads, and the worker's memory, free for everyone else. The
    slot is given back when the answer has been sent (``webapp.request_body``).
    """
    if not slots.take(current_app.extensions["slots"], "connect", request.environ):
        raise ConnectError(
            "The app is busy fetching other sites' content right now. "
            "Please try again in a few seconds.",
            503,
        )


def read_source(given: SourceInput) -> tuple[bytes | str, str]:
    """Return the raw content of the chosen source and a label describing it."""
    from .content.fetch import fetch_content, fetch_sleekcms, parse_pub_token

    config = current_app.config
    source = given.source
    if source == "upload":
        if given.upload is None or not given.upload[0]:
            raise ConnectError("Choose a JSON file to upload.")
        filename, data = given.upload
        return data, f"upload:{filename[:200]}"
    if source == "paste":
        return given.pasted, "paste"
    if source == "url":
        url = given.url.strip()
        if not url:
            raise ConnectError("Enter the URL of the site's content.")
        _take_connect_slot()
        raw = fetch_content(
            url,
            token=given.token.strip() or None,
            allow_private=config["ALLOW_PRIVATE_URLS"],
            **_fetch_options(),
        )
        return raw, f"url:{url[:500]}"
    if source == "sleekcms":
        pub_token = given.pub_token.strip()
        if not pub_token:
            raise ConnectError("Enter the SleekCMS pub token (pub-<siteId>-<key>).")
        # The API base is the operator's setting, so a private address there is
        # intended; where it redirects to is still judged like any user URL.
        _take_connect_slot()
        raw = fetch_sleekcms(
            pub_token,
            api_base=config["SLEEKCMS_API_BASE"],
            allow_private=True,
            **_fetch_options(),
        )
        return raw, f"sleekcms:{parse_pub_token(pub_token)[0]}"
    if source == "demo":
        name = given.demo
        if name not in DEMOS:
            raise ConnectError(f"Unknown demo site {name[:50]!r}; pick one of: {', '.join(DEMOS)}.")
        return load_demo(name), f"demo:{name}"
    raise ConnectError(f"Choose how to connect: one of {', '.join(SOURCES)}.")


def too_large_message() -> str:
    limit = current_app.config["DOCUMENT_LIMIT"]
    return (
        f"The document is larger than this app's limit of {limit / (1024 * 1024):.3g} MB "
        f"({limit:,} bytes). Connect a smaller export (only the content, without media), "
        "or ask the app's operator to raise the limit."
    )


def open_site(given: SourceInput) -> OpenedSite:
    """Read a source and build its content model; ConnectError says what went wrong."""
    from .content.fetch import FetchError  # the HTTP client loads with the first connect

    started = time.monotonic()
    try:
        raw, label = read_source(given)
        size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "replace"))
        if size > current_app.config["DOCUMENT_LIMIT"]:
            raise ConnectError(too_large_message(), 413)
        client_limits.count_connected(size)  # against the client's day, if it connects
        document = current_app.extensions["document_reader"].read(raw)
    except DocumentUnread as unread:
        if unread.too_big:
            raise ConnectError(
                "The document needs more memory to read than this app gives one document "
                "(its records are very many and very small). Connect a smaller export.",
                413,
            ) from None
        raise ConnectError(
            "The document could not be read in time. Try again; if it fails again, "
            "connect a smaller export.",
            503,
        ) from None
    except FetchError as error:
        raise ConnectError(error.message, error.status) from error
    except ContentError as error:
        if given.source in REMOTE_SOURCES:
            # The user's request was fine; what the remote sent back is not usable.
            remote = "The URL" if given.source == "url" else "SleekCMS"
            message = f"{remote} returned content that is not usable: {error}"
            raise ConnectError(message, 502) from error
        raise ConnectError(str(error), 400) from error
    meta = {
        **document.built.meta,
        "source": label,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return OpenedSite(document=document, meta=meta, raw=raw, label=label, started=started)


def stored_json(opened: OpenedSite) -> bytes:
    """The content as stored: the document's own bytes, or its compacted JSON
    (``content.document.stored_as_is`` says which)."""
    stored = opened.document.stored_json
    return opened.raw if stored is None else stored


def store_site(store, sid: str, opened: OpenedSite) -> None:
    """Write a new site session: its content, model, intents and theme, in one change.

    With AI on, Claude plans the intents first (never failing the connect: see
    webapp/ai). Here, not when the source is read: a form sent twice is answered with
    the session the first sending made, and must not pay for a second call.
    """
    built = opened.built
    planned = ai.plan_intents(
        built.intents, built.fields, built.meta.get("site_name", ""), opened.started
    )
    if planned is not None:
        fields = {**built.fields, ai.AI_FIELD: ai.encode_record(planned.record)}
        built = replace(built, intents=planned.intents, fields=fields)
    store.create(
        sid,
        content_json=stored_json(opened),
        meta=opened.meta,
        intents=built.intents,
        theme=built.theme,
        model_fields=built.fields,
    )
