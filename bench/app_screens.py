"""Take a screenshot of every app screen, at desktop and phone size, for ``docs/screens/app/``.

Starts the app in-process (memory backend) on a free port, goes through the screens a
person sees (landing, a connect error, a site's home, a generated page in the app's
chrome, a page not generated yet, an item, search results, the disconnect question,
"Session not found", a 404) and, with a second app whose Redis cannot be reached,
"Storage unavailable". Remote images are answered with a placeholder gradient, as in
the browser tests. Each screen is saved as ``<name>-desktop.png`` (1280×800) and
``<name>-phone.png`` (390×844), full page.

Run: ``.venv/bin/python bench/app_screens.py`` (needs Debian's chromium).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from harness import NO_CLIENT_LIMITS  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from screenshots import SIZES, free_port, serve, visitor  # noqa: E402
from test_browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from test_search import catalogue  # noqa: E402

from webapp import create_app  # noqa: E402

OUT = ROOT / "docs" / "screens" / "app"


def screens(page, base: str, down: str, shoot) -> None:
    page.goto(base + "/")
    shoot("landing")
    page.fill("#url", "http://127.0.0.1:9/content.json")
    page.get_by_role("button", name="Fetch").click()
    page.wait_for_load_state()
    shoot("connect-error")
    page.goto(base + "/")
    page.select_option("#demo", "restaurant")
    page.get_by_role("button", name="Connect demo").click()
    page.wait_for_load_state()
    shoot("home")
    page.locator("#intent-menu").get_by_role("button", name="Generate").click()
    page.wait_for_load_state()
    page.wait_for_timeout(300)  # the frame's content, and its height
    shoot("page")
    page.goto(base + "/pages/menu/items/grilled-octopus")
    page.wait_for_timeout(300)
    shoot("item")
    page.goto(base + "/pages/team")
    shoot("not-generated")
    page.goto(base + "/pages/menu?q=&sort=price&group=Mains")
    page.wait_for_timeout(300)
    shoot("search")
    page.goto(base + "/disconnect")
    shoot("disconnect")
    page.get_by_role("button", name="Disconnect").click()
    page.wait_for_load_state()
    page.goto(base + "/pages/menu")
    shoot("session-not-found")
    page.goto(base + "/")
    page.fill("#json", json.dumps(catalogue(120)))
    page.get_by_role("button", name="Connect pasted JSON").click()
    page.wait_for_load_state()
    page.goto(base + "/pages/nothing-here")
    shoot("not-found")
    page.goto(down + "/")
    shoot("storage-unavailable")


def main() -> None:
    logging.disable(logging.WARNING)
    OUT.mkdir(parents=True, exist_ok=True)
    app = create_app({"SECRET_KEY": "screens", "STORAGE_BACKEND": "memory", **NO_CLIENT_LIMITS})
    broken = create_app(
        {
            "SECRET_KEY": "screens",
            "STORAGE_BACKEND": "redis",
            "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
            "REDIS_CLUSTER": False,
        }
    )
    base, server = serve(app)
    down, down_server = serve(broken)
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for size in SIZES:
                context, page, shoot = visitor(chromium, size, OUT)
                screens(page, base, down, shoot)
                context.close()
            chromium.close()
    finally:
        server.shutdown()
        down_server.shutdown()


if __name__ == "__main__":
    main()
