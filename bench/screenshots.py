"""Take the content model's screenshots in Chromium (desktop and phone) for ``docs/screens/``.

Starts the app on a free port (in-process server, memory backend), connects
fixtures from ``tests/fixtures/content/`` the way a person would (paste the
JSON), generates pages and saves full-page screenshots at 1280×800 and
390×844: the SleekCMS-blocks restaurant's home, menu page and a dish's detail
page, a WordPress blog listing, a Webflow home that says what it does not show, and
three documents of the first blind batch (``batch-1/``): holiday rentals priced by the
night, flats to rent by the month, a YouTube playlist; and three of the third (``batch-3/``):
Udemy courses, national-park campgrounds priced by the night, a Saleor shop; and three of
the seventh (``batch-7/``): boats and bikes for hire priced by the day, a cinema's films, a
used-guitar shop; and three of the tenth and eleventh (``batch-10/``, ``batch-11/``): a
choir's concerts from Wagtail, a rescue's pets from Petfinder, a garden's events in a Plone
folder; and three of the fifteenth and sixteenth (``batch-15/``, ``batch-16/``): a dental
group's practices from Yext, a theatre's productions in a Gatsby site's page data, a
florist's bilingual PrestaShop catalogue. Remote images
(which this machine cannot reach) are answered with a placeholder gradient, as in the
browser tests.

Run: ``.venv/bin/python bench/screenshots.py`` (needs Debian's chromium).
"""

from __future__ import annotations

import logging
import re
import socket
import sys
import threading
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from harness import NO_CLIENT_LIMITS  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from test_browser import CHROMIUM, CHROMIUM_ARGS, placeholder_image  # noqa: E402

from webapp import create_app  # noqa: E402

OUT = ROOT / "docs" / "screens" / "content"
FIXTURES = ROOT / "tests" / "fixtures" / "content"
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
# Blind documents shown (issue 19): fixture, and its main intent's title.
BLIND = (
    ("batch-1", "hostaway-listings", "Find a place to stay"),
    ("batch-1", "idealista-rentals", "Find a home to rent"),
    ("batch-1", "youtube-playlist-items", "Watch the videos"),
    ("batch-3", "udemy-courses", "Browse the courses"),
    ("batch-3", "nps-campgrounds", "Find a campground"),
    ("batch-3", "saleor-graphql", "Shop the products"),
    ("batch-7", "checkfront-items-rated", "Browse the boats, bikes and tours"),
    ("batch-7", "veezi-films", "Browse the films"),
    ("batch-7", "reverb-shop-listings", "Shop the products"),
    ("batch-10", "wagtail-api-pages", "See upcoming concerts"),
    ("batch-10", "petfinder-animals", "Adopt a pet"),
    ("batch-11", "plone-folder-fullobjects", "See upcoming events"),
    ("batch-15", "yext-dental-group-locations", "Find a location"),
    ("batch-15", "gatsby-community-theatre-page-data", "Browse the productions"),
    ("batch-16", "prestashop-florist-products", "Shop the products"),
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(app) -> tuple[str, object]:
    """Serve ``app`` on a free loopback port in a thread; return its base URL and server."""
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


def visitor(browser, size_name: str, out: Path):
    """A new browser context of one of SIZES (remote images drawn as placeholders):
    (context, page, shot), where ``shot(name)`` saves a full-page screenshot in ``out``."""
    width, height = SIZES[size_name]
    context = browser.new_context(viewport={"width": width, "height": height})
    context.route(re.compile(r"https://(?!127\.0\.0\.1).*"), placeholder_image)
    page = context.new_page()

    def shot(name: str) -> None:
        path = out / f"{name}-{size_name}.png"
        page.screenshot(path=path, full_page=True)
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

    return context, page, shot


def connect(page, base: str, fixture: str) -> None:
    """Paste a fixture (``name`` or ``batch-1/name``) into the connect form, as a person would."""
    page.goto(base + "/")
    document = (FIXTURES / f"{fixture}.json").read_text()
    # Setting the value directly: typing 60 KB of JSON would only slow the script down.
    page.locator("textarea[name=json]").evaluate("(area, text) => { area.value = text }", document)
    page.locator("form:has(textarea[name=json]) button[type=submit]").click()
    page.wait_for_load_state()


def generate(page, intent_title: str) -> None:
    card = page.locator("article.intent", has=page.get_by_role("heading", name=intent_title))
    card.get_by_role("button", name="Generate").click()
    page.wait_for_load_state()


def main() -> None:
    logging.getLogger("webapp.storage").setLevel(logging.ERROR)
    app = create_app({"SECRET_KEY": "screenshots", "STORAGE_BACKEND": "memory", **NO_CLIENT_LIMITS})
    base, server = serve(app)
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size_name in SIZES:
            context, page, shot = visitor(browser, size_name, OUT)
            connect(page, base, "sleekcms-restaurant")
            shot("sleekcms-home")
            generate(page, "Browse the menu")
            page.wait_for_timeout(300)
            shot("sleekcms-menu")
            # The page sits in the app's chrome, framed: its links open in the whole window.
            frame = page.frame_locator("iframe.page-frame")
            frame.get_by_role("link", name="Saffron risotto").click()
            page.wait_for_url("**/items/**")
            page.wait_for_timeout(300)  # the frame's content, and its height
            shot("sleekcms-dish")
            context.clear_cookies()  # a new visitor: the connect form again
            connect(page, base, "wordpress-posts")
            generate(page, "Read the blog")
            page.wait_for_timeout(300)
            shot("wordpress-blog")
            context.clear_cookies()
            connect(page, base, "webflow-v2")
            shot("webflow-home")  # "Not shown: Posts (2 records: drafts…)"
            for batch, fixture, title in BLIND:
                context.clear_cookies()
                connect(page, base, f"{batch}/{fixture}")
                shot(f"blind-{fixture}-home")
                generate(page, title)
                page.wait_for_timeout(300)
                shot(f"blind-{fixture}-listing")
            context.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
