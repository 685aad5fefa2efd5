"""Take the screenshots of AI planning in Chromium for ``docs/screens/ai/``.

Starts the app on a free port (in-process server, memory backend) with AI planning
on, pointed at the tests' stub Messages API (``tests/ai_stub.py``) answering with fixed
plans: the real-estate demo's intents in groups, its homes as a table of key facts
sorted by price, and each home's page led by its description with its key facts first.
Saves the home, the planned homes page and one home's page at 1280×800 and 390×844
(full page).

Run: ``.venv/bin/python bench/ai_screens.py`` (needs Debian's chromium).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from ai_stub import Answer, StubMessagesAPI  # noqa: E402
from harness import NO_CLIENT_LIMITS  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from screenshots import SIZES, generate, serve, visitor  # noqa: E402
from test_browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

from webapp import create_app  # noqa: E402

OUT = ROOT / "docs" / "screens" / "ai"

INTENTS_PLAN = {
    "intents": [
        {"id": "homes", "title": "Find your next home", "group": "Buy or rent"},
        {"id": "events", "title": "Visit an open house", "group": "Buy or rent"},
        {"id": "neighbourhoods", "title": "Explore the neighbourhoods", "group": "Buy or rent"},
        {"id": "agents", "title": "Talk to an agent", "group": "Work with us"},
        {"id": "services", "group": "Work with us"},
        {"id": "contact", "group": "Work with us"},
    ]
}
HOMES_PLAN = {
    "headline": "Homes for sale and to let",
    "intro": "Every home we list, dearest first, with what you compare first.",
    "layout": "table",
    "card_facts": ["bedrooms", "bathrooms", "area_sqm"],
    "sort": {"field": "price", "order": "desc"},
    "call_to_action": {"label": "Visit an open house", "intent": "events"},
    "detail": {
        "key_facts": ["bedrooms", "bathrooms", "area_sqm"],
        "field_order": ["features", "status", "type"],
        "summary": "description",
    },
}


def main() -> None:
    logging.getLogger("webapp.storage").setLevel(logging.ERROR)
    stub = StubMessagesAPI().start()
    app = create_app(
        {
            "SECRET_KEY": "screenshots",
            "STORAGE_BACKEND": "memory",
            "ANTHROPIC_API_KEY": "stub-key",
            "ANTHROPIC_BASE_URL": stub.url,
            **NO_CLIENT_LIMITS,
        }
    )
    base, server = serve(app)
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size_name in SIZES:
            # Each size is a new visitor: it connects, and the stub plans for it again.
            stub.answer(Answer(tool_input=INTENTS_PLAN), Answer(tool_input=HOMES_PLAN))
            context, page, shot = visitor(browser, size_name, OUT)
            page.goto(base + "/")
            page.select_option("select[name=demo]", "real-estate")
            page.get_by_role("button", name="Connect demo").click()
            page.wait_for_load_state()
            page.goto(base + "/")  # past the "Connected" message
            shot("planned-home")
            generate(page, "Find your next home")
            page.wait_for_timeout(300)
            shot("planned-homes-table")
            frame = page.frame_locator("iframe.page-frame")
            frame.locator("table a").first.click()
            page.wait_for_url("**/items/**")
            page.wait_for_timeout(300)
            shot("planned-home-detail")
            context.close()
        browser.close()
    server.shutdown()
    stub.stop()
    print(f"model calls: {len(stub.requests)}")


if __name__ == "__main__":
    main()
