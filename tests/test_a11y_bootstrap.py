"""The accessibility check itself: the vendored axe-core runs in Debian's chromium, finds
what it should (so the check can fail), finds nothing on a clean page, and works under a
strict Content-Security-Policy and in a sandboxed frame, as the app's pages are served.
``make test`` (scripts/bootstrap-test-deps) takes only that vendored copy, checked by its
hashes, and says how to restore it when it is missing or altered: nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import re
import shutil
import subprocess
import sys
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


# ---------------------------------------------------------------- the bootstrap's copy

BOOTSTRAP = ROOT / "scripts" / "bootstrap-test-deps"
RESTORE = "git checkout -- tests/assets/axe-core"


@pytest.fixture
def layout(tmp_path):
    """A copy of what the bootstrap works on: the script and the vendored axe-core."""
    (tmp_path / "scripts").mkdir()
    shutil.copy2(BOOTSTRAP, tmp_path / "scripts")
    shutil.copytree(AXE_DIR, tmp_path / "tests" / "assets" / "axe-core")
    return tmp_path


def bootstrap_axe(root: Path) -> subprocess.CompletedProcess:
    # A fetch, were one tried, would fail at once here (and not hang on a slow network).
    proxy = "http://127.0.0.1:9"
    env = {**os.environ, "PYTHON": sys.executable, "https_proxy": proxy, "http_proxy": proxy}
    return subprocess.run(
        ["bash", str(root / "scripts" / "bootstrap-test-deps"), "axe-core"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_the_bootstrap_takes_the_intact_vendored_copy(layout):
    done = bootstrap_axe(layout)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


@pytest.mark.parametrize("name", ["axe.min.js", "LICENSE", "LICENSE-3RD-PARTY.txt"])
def test_an_altered_copy_is_refused_with_how_to_restore_it(layout, name):
    path = layout / "tests" / "assets" / "axe-core" / name
    altered = path.read_bytes().replace(b"a", b"b", 1)
    path.write_bytes(altered)
    done = bootstrap_axe(layout)
    assert done.returncode == 1
    pinned = hashlib.sha256((AXE_DIR / name).read_bytes()).hexdigest()
    found = hashlib.sha256(altered).hexdigest()
    assert f"tests/assets/axe-core/{name} has been altered" in done.stderr
    assert f"sha256 {found}, not the pinned {pinned}" in done.stderr
    assert RESTORE in done.stderr and "Nothing is downloaded" in done.stderr
    assert path.read_bytes() == altered  # left as it was: not fetched again


@pytest.mark.parametrize("missing", ["axe.min.js", "LICENSE", "the folder"])
def test_a_missing_copy_is_refused_with_how_to_restore_it(layout, missing):
    folder = layout / "tests" / "assets" / "axe-core"
    if missing == "the folder":
        shutil.rmtree(folder)
    else:
        (folder / missing).unlink()
    done = bootstrap_axe(layout)
    assert done.returncode == 1
    assert "is missing" in done.stderr
    if missing != "the folder":
        assert f"tests/assets/axe-core/{missing} is missing" in done.stderr
    assert RESTORE in done.stderr
    assert not (folder / "axe.min.js").exists() or missing == "LICENSE"


def test_no_package_registry_is_named_or_fetched_from():
    """The bootstrap fetches nothing, and no file of the project names a registry's host."""
    script = BOOTSTRAP.read_text()
    for fetcher in ("://", "urllib", "curl", "wget"):
        assert fetcher not in script
    npm = "npm" + "js"  # spelt in two so that this file names no host either
    hosts = (f"registry.{npm}", f"{npm}.org", f"{npm}.com", "pypi" + ".org")
    skipped = {".git", ".venv", "node_modules", "__pycache__", ".pytest_cache", ".ruff_cache"}
    skipped |= {"webapp.egg-info", "instance", "flask_session"}  # made by tools, not ours
    named = []
    for folder, folders, files in os.walk(ROOT):
        folders[:] = [name for name in folders if name not in skipped]
        for name in files:
            path = Path(folder) / name
            text = path.read_bytes().decode("utf-8", "replace").lower()
            named += [f"{path.relative_to(ROOT)}: {host}" for host in hosts if host in text]
    assert named == []
