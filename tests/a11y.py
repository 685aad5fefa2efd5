"""Accessibility checks for the browser tests: axe-core, vendored, run on a Playwright page.

    from a11y import assert_accessible

    page.goto(server.base + "/")
    assert_accessible(page, "home")  # fails listing every serious or critical violation

The rules are axe's WCAG 2.0/2.1 A and AA rules and its best practices (``AXE_TAGS``);
``check_accessibility`` returns every violation found, whatever its impact. The page and
every document it frames are checked.

How axe gets into a document. Its source is evaluated through Playwright
(``Frame.evaluate``), not added as a ``<script>`` element: the app's pages send a strict
Content-Security-Policy (``default-src 'none'``: no script at all), which blocks the inline
script that ``Page.add_script_tag`` adds, while an evaluation through the DevTools protocol
is not subject to the page's CSP. So the browser context needs no ``bypass_csp=True``, and
a test keeps running under the very CSP the app sends (``bypass_csp=True`` works too).

Documents where scripting is disabled. axe needs timers, and a document sandboxed without
``allow-scripts`` runs none: the app serves generated pages with ``sandbox`` in their CSP and
frames them in an ``<iframe sandbox>``. In such a document ``axe.run`` would never finish,
so each document is first asked whether a timer fires (``SCRIPTING_PROBE_SECONDS``). One
that does not is loaded again in a page of its own, in the same browser context (same
cookies; its images and styles still go through the context's routes), at the size it was
shown, with the ``sandbox`` directive left out of its CSP (the rest stays), and checked
there. That costs one more GET of its URL, fetched from its server (``Route.fetch``): it
must be a document that a GET shows again (not the answer to a POST), and that a server
answers (not only a route). Each document is checked with ``iframes: false`` (axe's
messages between frames do not reach a sandboxed one); its ``<iframe>`` elements
themselves are still checked there (e.g. ``frame-title``).
"""

from __future__ import annotations

import functools
import time
from pathlib import Path
from typing import Any

AXE_VERSION = "4.14.1"
AXE_DIR = Path(__file__).resolve().parent / "assets" / "axe-core"
AXE_SCRIPT = AXE_DIR / "axe.min.js"
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")
BLOCKING_IMPACTS = ("serious", "critical")
SHOWN_NODES = 3  # per violation, in a failure message
SCRIPTING_PROBE_SECONDS = 0.3  # a timer not fired by then: the document runs no script

_HAS_AXE = "() => typeof window.axe === 'object' && typeof window.axe.run === 'function'"
_RUN_AXE = "async (options) => (await window.axe.run(document, options)).violations"


@functools.cache
def axe_source() -> str:
    """The vendored ``axe.min.js``, checked to be the pinned version."""
    source = AXE_SCRIPT.read_text(encoding="utf-8")
    if f"axe v{AXE_VERSION}" not in source[:100]:
        raise RuntimeError(f"{AXE_SCRIPT} is not axe-core {AXE_VERSION} (see its README.md)")
    # Evaluated as a script; end on a plain value so that nothing big is sent back.
    return source + "\n;undefined;"


def axe_options() -> dict[str, Any]:
    return {
        "runOnly": {"type": "tag", "values": list(AXE_TAGS)},
        "resultTypes": ["violations"],
        "iframes": False,  # each frame is checked on its own (see the module's doc)
    }


def _runs_timers(frame) -> bool:
    """Whether a timer fires in this document (not when it is sandboxed without scripts)."""
    frame.evaluate(
        "() => { window.__a11yTimer = false; setTimeout(() => { window.__a11yTimer = true; }); }"
    )
    deadline = time.monotonic() + SCRIPTING_PROBE_SECONDS
    while not frame.evaluate("() => window.__a11yTimer"):
        if time.monotonic() > deadline:
            return False
        frame.page.wait_for_timeout(10)
    return True


def _run_axe(frame, context: str) -> list[dict]:
    """Run axe in one document (not in its frames); each violation gets the document's URL."""
    if not frame.evaluate(_HAS_AXE):
        frame.evaluate(axe_source())
        if not frame.evaluate(_HAS_AXE):
            raise RuntimeError(f"axe-core did not load in {frame.url} ({context})")
    violations = frame.evaluate(_RUN_AXE, axe_options())
    for violation in violations:
        violation["url"] = frame.url
    return violations


def _without_sandbox(csp: str) -> str:
    """The CSP without its ``sandbox`` directive (in each policy, if several)."""
    policies = []
    for policy in csp.split(","):
        directives = [d.strip() for d in policy.split(";") if d.strip()]
        policies.append("; ".join(d for d in directives if d.split()[0].lower() != "sandbox"))
    return ", ".join(policies)


def _serve_without_sandbox(route) -> None:
    from playwright.sync_api import Error

    try:
        response = route.fetch()  # from the server itself: not through the context's routes
    except Error:  # e.g. a test's made-up host, answered by a route: load it as it is
        route.fallback()
        return
    headers = dict(response.headers)
    if "content-security-policy" in headers:
        headers["content-security-policy"] = _without_sandbox(headers["content-security-policy"])
    route.fulfill(response=response, headers=headers)


def _check_on_its_own(frame, context: str, viewport: dict | None) -> list[dict]:
    """Check a document that runs no script in a page of its own, where it may."""
    url = frame.url
    if not url.startswith(("http://", "https://")):
        raise RuntimeError(f"cannot check {url!r} ({context}): it runs no script, no URL to reload")
    page = frame.page.context.new_page()
    try:
        if viewport:
            page.set_viewport_size(viewport)
        page.route(lambda candidate: candidate == url, _serve_without_sandbox)
        page.goto(url)
        if not _runs_timers(page.main_frame):
            raise RuntimeError(
                f"cannot check {url} ({context}): it runs no script, even in a page of its own"
                " (the sandbox directive is left out of the CSP of a document that comes from"
                " a server, not of one that a route answers)"
            )
        return _check_document(page.main_frame, context, viewport)
    finally:
        page.close()


def _check_document(frame, context: str, viewport: dict | None) -> list[dict]:
    """Check a document, then the documents it frames, each at the size it is shown."""
    if not _runs_timers(frame):
        return _check_on_its_own(frame, context, viewport)
    violations = _run_axe(frame, context)
    for child in frame.child_frames:
        box = child.frame_element().bounding_box()
        size = viewport
        if box and box["width"] >= 1 and box["height"] >= 1:
            size = {"width": round(box["width"]), "height": round(box["height"])}
        violations += _check_document(child, f"{context}, frame {child.url}", size)
    return violations


def check_accessibility(page, *, context: str) -> list[dict]:
    """Every axe violation on the page and in the documents it frames, whatever its impact.

    Each violation is axe's result (``id``, ``impact``, ``help``, ``helpUrl``, ``tags``,
    ``nodes`` with their ``target`` selectors and ``html``) plus the ``url`` of the
    document it was found in. ``context`` names the screen in errors ("home", "menu page").
    """
    return _check_document(page.main_frame, context, page.viewport_size)


def describe_violations(violations: list[dict], *, context: str) -> str:
    """A readable list: each rule with its impact, help, and its first few elements."""
    lines = [f"axe-core {AXE_VERSION}: {len(violations)} accessibility violation(s) on {context}:"]
    for violation in violations:
        nodes = violation.get("nodes", [])
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation.get('help')}"
            f" [{len(nodes)} element(s) in {violation.get('url')}]"
        )
        lines.append(f"    {violation.get('helpUrl')}")
        for node in nodes[:SHOWN_NODES]:
            target = " >> ".join(str(part) for part in node.get("target", []))
            html = " ".join(str(node.get("html", "")).split())
            if len(html) > 160:
                html = html[:157] + "..."
            lines.append(f"    {target}  {html}")
        if len(nodes) > SHOWN_NODES:
            lines.append(f"    ... and {len(nodes) - SHOWN_NODES} more")
    return "\n".join(lines)


def assert_accessible(page, context: str, *, impacts=BLOCKING_IMPACTS) -> list[dict]:
    """Fail on any violation of these impacts (serious, critical); return all violations."""
    violations = check_accessibility(page, context=context)
    blocking = [violation for violation in violations if violation.get("impact") in impacts]
    if blocking:
        raise AssertionError(describe_violations(blocking, context=f"{context} ({page.url})"))
    return violations
