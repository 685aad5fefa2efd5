"""The accessibility check itself: the vendored axe-core runs in Debian's chromium, finds
what it should (so the check can fail), finds nothing on a clean page, and works under a
strict Content-Security-Policy and in a sandboxed frame, as the app's pages are served.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from a11y import AXE_DIR, AXE_SCRIPT, AXE_VERSION, assert_accessible, check_accessibility
from conftest import ROOT

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [  # as in tests/test_browser.py
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ORIGIN = "http://a11y.test"  # answered by a route, never fetched
# A CSP like the app's: nothing may run but a script with this nonce.
STRICT_CSP = (
    "default-src 'none'; script-src 'nonce-r4nd0m'; style-src 'unsafe-inline'; "
    "img-src data:; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'"
)
DOT = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


def html(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body>{body}</body></html>"
    )


CLEAN = html("Clean", f'<main><h1>Clean</h1><p>Plain text.</p><img src="{DOT}" alt="A dot"></main>')
# image-alt is critical, color-contrast serious, region (text outside landmarks) moderate.
FAULTY = html(
    "Faulty",
    f'<main><h1>Faulty</h1><img id="no-alt" src="{DOT}">'
    '<p style="color:#bbb;background:#fff">Faint text</p></main><div>Outside</div>',
)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed (`make test` installs the Debian package)")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    yield context.new_page()
    context.close()


def test_the_vendored_axe_is_the_pinned_release_with_its_licences():
    assert AXE_SCRIPT.read_text(encoding="utf-8").startswith(f"/*! axe v{AXE_VERSION}\n")
    assert (AXE_DIR / "LICENSE").read_text().startswith("Mozilla Public License, version 2.0")
    assert "MIT License" in (AXE_DIR / "LICENSE-3RD-PARTY.txt").read_text()
    assert f"**{AXE_VERSION}**" in (AXE_DIR / "README.md").read_text()
    # The bootstrap script pins the same version.
    script = (ROOT / "scripts" / "bootstrap-test-deps").read_text()
    assert re.search(rf"^AXE_VERSION={re.escape(AXE_VERSION)}$", script, re.MULTILINE)


def test_a_clean_page_has_no_violation(page):
    page.set_content(CLEAN)
    assert check_accessibility(page, context="clean page") == []
    assert assert_accessible(page, "clean page") == []


def test_the_check_finds_and_fails_on_serious_and_critical_violations(page):
    page.set_content(FAULTY)
    violations = {v["id"]: v for v in check_accessibility(page, context="faulty page")}
    assert violations["image-alt"]["impact"] == "critical"
    assert violations["image-alt"]["nodes"][0]["target"] == ["#no-alt"]
    assert violations["color-contrast"]["impact"] == "serious"
    assert violations["region"]["impact"] == "moderate"

    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, "faulty page")
    message = str(failure.value)
    assert f"axe-core {AXE_VERSION}: 2 accessibility violation(s) on faulty page" in message
    assert "- image-alt (critical): Images must have alternative text" in message
    assert f'#no-alt  <img id="no-alt" src="{DOT}">' in message
    assert "- color-contrast (serious)" in message
    assert "Faint text" in message
    assert "region" not in message  # moderate: returned, not failed on

    # Only critical ones, on demand.
    with pytest.raises(AssertionError, match="1 accessibility violation"):
        assert_accessible(page, "faulty page", impacts=("critical",))


def test_the_check_runs_under_a_strict_csp_and_inside_a_sandboxed_frame(browser):
    """As the app serves a generated page: strict CSP, framed without allow-scripts."""
    parent = html(
        "Parent",
        '<main><h1>Parent</h1><iframe src="/framed" title="The framed page"'
        ' sandbox="allow-same-origin"></iframe></main>',
    )
    documents = {f"{ORIGIN}/": parent, f"{ORIGIN}/framed": FAULTY}
    context = browser.new_context()  # no bypass_csp: the check does not need it
    context.route(
        f"{ORIGIN}/**",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            body=documents[route.request.url],
            headers={"Content-Security-Policy": STRICT_CSP},
        ),
    )
    page = context.new_page()
    page.goto(ORIGIN + "/")
    # The CSP is in force: a <script> element cannot run here.
    with pytest.raises(playwright_api.Error, match="Content Security Policy"):
        page.add_script_tag(content="window.injected = true")

    violations = check_accessibility(page, context="parent")
    assert {(v["id"], v["url"]) for v in violations if v["impact"] != "moderate"} == {
        ("image-alt", f"{ORIGIN}/framed"),
        ("color-contrast", f"{ORIGIN}/framed"),
    }
    with pytest.raises(AssertionError, match=r"image-alt \(critical\)"):
        assert_accessible(page, "parent")
    assert len(context.pages) == 1  # the page opened for the frame is closed again
    context.close()
