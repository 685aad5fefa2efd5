"""A person's flows in a real Chromium (Debian's, driven by Playwright) against gunicorn."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import Gunicorn

from webapp.content.model.build import build_site
from webapp.demos import load_demo

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ERROR_TEXTS = ("Session not found", "Storage unavailable", "Something went wrong", "Traceback")


@pytest.fixture
def server(redis_server, redis_client, tmp_path):
    app_server = Gunicorn(tmp_path, workers=2, REDIS_URL=redis_server.url)
    app_server.start()
    yield app_server
    app_server.stop()


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed (.ci/run installs the Debian package)")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def placeholder_image(route):
    """Serve a soft gradient SVG in place of a remote photo."""
    hue = sum(route.request.url.encode()) % 360
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400">'
        f'<defs><linearGradient id="g"><stop offset="0" stop-color="hsl({hue},45%,70%)"/>'
        f'<stop offset="1" stop-color="hsl({(hue + 40) % 360},45%,45%)"/></linearGradient></defs>'
        '<rect width="640" height="400" fill="url(#g)"/></svg>'
    )
    route.fulfill(status=200, content_type="image/svg+xml", body=svg)


def assert_no_error(page):
    text = page.inner_text("body")
    for error in ERROR_TEXTS:
        assert error not in text, f"{error!r} on {page.url}"


def test_connect_generate_view_detail_download_disconnect(server, browser, tmp_path):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    # The demos' images live on images.example.com, which this sandbox cannot reach:
    # answer them with a placeholder so that screenshots show what a person would see.
    context.route("https://images.example.com/**", placeholder_image)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto(server.base + "/")
    assert page.get_by_role("heading", name="Connect a site").is_visible()
    page.select_option("#demo", "restaurant")
    page.get_by_role("button", name="Connect demo").click()
    page.wait_for_load_state()
    assert_no_error(page)
    assert "Connected Saffron & Sage." in page.inner_text("body")
    assert page.get_by_role("heading", name="Saffron & Sage").first.is_visible()
    page.screenshot(path=tmp_path / "1-home.png", full_page=True)

    content = json.loads(load_demo("restaurant"))
    menu = next(i for i in build_site(content).intents if i["id"] == "menu")
    card = page.locator(f"#intent-{menu['id']}")
    assert "Not generated yet" in card.inner_text()
    card.get_by_role("button", name="Generate").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/pages/{menu['id']}")
    assert_no_error(page)
    # The page itself sits in a frame inside the app's chrome.
    framed = generated_page(page)
    text = framed.inner_text()
    dishes = [dish["name"] for dish in content["entries"]["menu"]] if "entries" in content else []
    for dish in dishes[:5]:
        assert dish in text
    assert menu["title"] in text
    chrome = page.inner_text("body")
    assert f"Generated {menu['title']}" in chrome
    assert page.get_by_role("navigation", name="All pages of Saffron & Sage").is_visible()
    page.screenshot(path=tmp_path / "2-menu.png", full_page=True)

    # A link inside the framed page opens the item in the app, chrome included.
    framed.locator(f"a[href^='{menu['id']}-detail-']").first.click()
    page.wait_for_url(f"**/pages/{menu['id']}/items/**")
    assert_no_error(page)
    if dishes:
        assert dishes[0] in generated_page(page).inner_text()
    page.screenshot(path=tmp_path / "3-detail.png", full_page=True)

    # Another intent from the chrome, and back.
    page.get_by_role("navigation", name="All pages of Saffron & Sage").get_by_role(
        "link", name="Contact us"
    ).click()
    page.wait_for_load_state()
    assert page.url.endswith("/pages/contact")
    assert "This page has not been generated yet." in page.inner_text("body")
    page.go_back()
    page.wait_for_load_state()
    assert f"/pages/{menu['id']}/items/" in page.url

    page.get_by_role("link", name=f"Back to {menu['title']}").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Back to Home").click()
    page.wait_for_load_state()
    card = page.locator(f"#intent-{menu['id']}")
    assert "Page ready" in card.inner_text()
    with page.expect_download() as download_info:
        card.get_by_role("link", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == f"{menu['id']}.html"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_text().lower().startswith("<!doctype html>")

    page.get_by_role("link", name="Disconnect").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Disconnect Saffron & Sage?").is_visible()
    page.get_by_role("button", name="Disconnect").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Connect a site").is_visible()
    page.goto(server.base + f"/pages/{menu['id']}")
    assert "Session not found" in page.inner_text("body")
    assert dialogs == []
    context.close()


def generated_page(page):
    """The generated page framed in the app's chrome (once it has loaded)."""
    page.wait_for_selector("iframe.page-frame")
    frame = page.frame_locator("iframe.page-frame")
    frame.locator("body").wait_for()
    return frame.locator("html")


def test_hostile_content_runs_no_script(server, browser, tmp_path):
    payload = '<script>alert("script")</script><img src=x onerror="alert(\'img\')">'
    doc = {
        "site": {"name": "Hostile " + payload, "tagline": payload,
                 "colors": {"primary": "red;}</style><script>alert('css')</script>"}},
        "events": [
            {"id": "e" * 5000, "name": "Event " + payload, "url": "javascript:alert('url')",
             "description": "<p>Rich <b>text</b> <a href='javascript:alert(1)'>x</a></p>"},
            {"id": payload, "title": "Second " + payload, "image": "javascript:alert('img2')"},
        ],
        "team": [{"name": "Eve " + payload, "bio": payload}],
    }  # fmt: skip
    context = browser.new_context()
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server.base + "/")
    page.fill("#json", json.dumps(doc))
    page.get_by_role("button", name="Connect pasted JSON").click()
    page.wait_for_load_state()
    assert_no_error(page)
    for intent in build_site(doc).intents:
        page.goto(server.base + "/")
        page.locator(f"#intent-{intent['id']}").get_by_role("button", name="Generate").click()
        page.wait_for_load_state()
        assert_no_error(page)
        framed = generated_page(page)
        assert framed.evaluate("document.querySelectorAll('script').length") == 0
        links = framed.locator("a[href*='/items/']")
        for href in [links.nth(i).get_attribute("href") for i in range(links.count())]:
            page.goto(server.base + href)
            assert_no_error(page)
            framed = generated_page(page)
            assert framed.evaluate("document.querySelectorAll('script').length") == 0
            # The standalone page (download) runs nothing either.
            page.goto(server.base + "/frame" + href)
            assert page.evaluate("document.querySelectorAll('script').length") == 0
    page.screenshot(path=tmp_path / "hostile.png", full_page=True)
    assert dialogs == []
    context.close()


def test_pages_make_no_extra_requests(server, browser):
    """No stray fetch: each app page view is one request (the app's pages name an empty
    favicon inline). Generated pages are standalone and name none, so the browser
    asks for /favicon.ico there, which answers 204 without touching storage.
    """
    context = browser.new_context()
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(server.base + "/")
    page.select_option("#demo", "portfolio")
    page.get_by_role("button", name="Connect demo").click()
    page.wait_for_load_state()
    page.locator("#intent-contact").get_by_role("button", name="Generate").click()
    page.wait_for_load_state()
    context.close()
    assert [url for url in requested if "favicon" in url] == []
    # Only the app itself, and the site's own images named in its content.
    others = [
        u for u in requested if not u.startswith((server.base, "https://images.example.com/"))
    ]
    assert others == []
    # The form, the connect and its home, the generate and its page, the framed page;
    # besides them only the app's own script (named by its content, so cached for long).
    own = [u for u in requested if u.startswith(server.base)]
    static = {u for u in own if u.startswith(server.base + "/static/")}
    assert len(static) == 1 and next(iter(static)).split("?")[0].endswith("/static/app.js")
    assert len([u for u in own if u not in static]) == 6, requested
