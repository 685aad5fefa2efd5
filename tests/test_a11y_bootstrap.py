"""The accessibility check itself: the vendored axe-core runs in Debian's chromium, finds
what it should (so the check can fail), finds nothing on a clean page, and works under a
strict Content-Security-Policy and in a sandboxed frame, as the app's pages are served.
"""

from __future__ import annotations

import hashlib
import http.server
import re
import threading
from pathlib import Path

import a11y
import pytest
from a11y import AXE_DIR, AXE_SCRIPT, AXE_VERSION, assert_accessible, check_accessibility
from conftest import ROOT
from test_browser import CHROMIUM, CHROMIUM_ARGS

playwright_api = pytest.importorskip("playwright.sync_api")

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
    sha256 = re.search(r"^AXE_SHA256=([0-9a-f]{64})$", script, re.MULTILINE).group(1)
    assert hashlib.sha256(AXE_SCRIPT.read_bytes()).hexdigest() == sha256


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


class Documents(http.server.BaseHTTPRequestHandler):
    """Answer ``served[path]`` = (html, csp), as the app serves its pages."""

    served: dict[str, tuple[str, str]] = {}

    def do_GET(self):
        body, csp = self.served[self.path]
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Security-Policy", csp)
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def served(browser):
    """A browser context, and a local server whose documents a test sets."""
    Documents.served = {}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Documents)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    context = browser.new_context()  # no bypass_csp: the check does not need it
    yield context, Documents.served, f"http://127.0.0.1:{server.server_port}"
    context.close()
    server.shutdown()
    server.server_close()
    thread.join()


def test_the_check_runs_under_a_strict_csp(served):
    context, documents, origin = served
    documents["/"] = (FAULTY, STRICT_CSP)
    page = context.new_page()
    page.goto(origin + "/")
    # The CSP is in force: a <script> element cannot run here.
    with pytest.raises(playwright_api.Error, match="Content Security Policy"):
        page.add_script_tag(content="window.injected = true")
    with pytest.raises(AssertionError, match=r"image-alt \(critical\)"):
        assert_accessible(page, "strict page")
    assert len(context.pages) == 1  # checked in place


def test_the_check_runs_on_pages_sandboxed_without_scripts(served):
    """As the app serves a generated page: CSP ``sandbox`` alone, and framed in the chrome."""
    context, documents, origin = served
    parent = html(
        "Parent",
        '<main><h1>Parent</h1><iframe src="/framed" title="The framed page"'
        ' sandbox="allow-same-origin"></iframe></main>',
    )
    documents["/"] = (parent, STRICT_CSP)
    documents["/framed"] = (FAULTY, f"{STRICT_CSP}; sandbox allow-same-origin")
    documents["/alone"] = (FAULTY, f"{STRICT_CSP}; sandbox")
    page = context.new_page()

    page.goto(origin + "/alone")
    assert not a11y._runs_timers(page.main_frame)  # axe.run would never finish here
    found = {(v["id"], v["url"]) for v in check_accessibility(page, context="alone")}
    assert ("image-alt", f"{origin}/alone") in found
    assert ("color-contrast", f"{origin}/alone") in found

    page.goto(origin + "/")
    assert a11y._runs_timers(page.main_frame)
    assert not a11y._runs_timers(page.frames[1])
    violations = check_accessibility(page, context="parent")
    assert {(v["id"], v["url"]) for v in violations if v["impact"] != "moderate"} == {
        ("image-alt", f"{origin}/framed"),
        ("color-contrast", f"{origin}/framed"),
    }
    with pytest.raises(AssertionError, match=r"image-alt \(critical\)"):
        assert_accessible(page, "parent")
    assert len(context.pages) == 1  # the pages opened for the sandboxed documents are closed


def test_a_document_that_can_never_run_scripts_is_an_error_not_a_hang(served):
    """Answered by a route only, its CSP's sandbox cannot be left out: say so."""
    context, _, _ = served
    csp = f"{STRICT_CSP}; sandbox"
    context.route(
        "http://a11y.test/**",
        lambda route: route.fulfill(
            body=FAULTY, content_type="text/html", headers={"Content-Security-Policy": csp}
        ),
    )
    page = context.new_page()
    page.goto("http://a11y.test/")
    with pytest.raises(RuntimeError, match="runs no script, even in a page of its own"):
        check_accessibility(page, context="unreachable")
    assert len(context.pages) == 1


def test_the_sandbox_directive_alone_is_left_out_of_the_csp():
    assert a11y._without_sandbox(f"{STRICT_CSP}; sandbox allow-same-origin") == STRICT_CSP
    assert a11y._without_sandbox("sandbox; default-src 'none', img-src *; sandbox") == (
        "default-src 'none', img-src *"
    )
