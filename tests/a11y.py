"""Accessibility checks for the browser tests: axe-core, vendored, run on a Playwright page.

    from a11y import assert_accessible

    page.goto(server.base + "/")
    assert_accessible(page, "home")  # fails listing every serious or critical violation

The rules are axe's WCAG 2.0/2.1 A and AA rules and its best practices (``AXE_TAGS``);
``check_accessibility`` returns every violation found, whatever its impact.

How axe gets into the page. Its source is evaluated in each document through Playwright
(``Frame.evaluate``), not added as a ``<script>`` element: the app's pages send a strict
Content-Security-Policy (``default-src 'none'``: no script at all), which blocks the inline
script that ``Page.add_script_tag`` adds, while an evaluation through the DevTools protocol
is not subject to the page's CSP. So the browser context needs no ``bypass_csp=True``, and
a test keeps checking the very CSP the app sends (a context with ``bypass_csp=True`` works
too, it is just not needed).

Frames. The app shows a generated page in an ``<iframe sandbox>`` without
``allow-scripts``: in such a document timers never fire, so ``axe.run`` would never finish
there, and axe's messages between frames do not reach it either. The parent document is
therefore checked with ``iframes: false`` (its ``<iframe>`` elements themselves are still
checked, e.g. ``frame-title``) and each framed document is loaded in a page of its own, in
the same browser context (same cookies, same routes), at the frame's size, and checked with
the same rules. That costs one more GET of the frame's URL.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

AXE_VERSION = "4.14.1"
AXE_DIR = Path(__file__).resolve().parent / "assets" / "axe-core"
AXE_SCRIPT = AXE_DIR / "axe.min.js"
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")
BLOCKING_IMPACTS = ("serious", "critical")
SHOWN_NODES = 3  # per violation, in a failure message

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
        "iframes": False,  # frames are checked in pages of their own (see the module's doc)
    }


def _check_frame(frame, context: str) -> list[dict]:
    """Run axe in one document (not its frames); each violation gets the document's URL."""
    if not frame.evaluate(_HAS_AXE):
        frame.evaluate(axe_source())
        if not frame.evaluate(_HAS_AXE):
            raise RuntimeError(f"axe-core did not load in {frame.url} ({context})")
    violations = frame.evaluate(_RUN_AXE, axe_options())
    for violation in violations:
        violation["url"] = frame.url
    return violations


def check_accessibility(page, *, context: str) -> list[dict]:
    """Every axe violation on the page and in the documents it frames, whatever its impact.

    Each violation is axe's result (``id``, ``impact``, ``help``, ``helpUrl``, ``tags``,
    ``nodes`` with their ``target`` selectors and ``html``) plus the ``url`` of the
    document it was found in. ``context`` names the screen in errors ("home", "menu page").
    """
    violations = _check_frame(page.main_frame, context)
    for frame in page.main_frame.child_frames:
        if not frame.url.startswith(("http://", "https://", "file://")):
            raise RuntimeError(
                f"cannot check the frame {frame.name or frame.url!r} on {page.url} ({context}):"
                " only frames loaded from a URL are checked (in a page of their own)"
            )
        box = frame.frame_element().bounding_box()
        framed = page.context.new_page()
        try:
            if box and box["width"] >= 1 and box["height"] >= 1:
                framed.set_viewport_size({"width": int(box["width"]), "height": int(box["height"])})
            framed.goto(frame.url)
            violations += check_accessibility(framed, context=f"{context}, frame {frame.url}")
        finally:
            framed.close()
    return violations


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
