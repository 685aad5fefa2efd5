"""The app as a person uses it, in a real Chromium against gunicorn and redis-server.

Every flow runs twice: with the page's small script, and with JavaScript off
(everything must work without it). Every app screen passes axe-core's WCAG A/AA
rules with no serious or critical violation, the demos' themes included.
"""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from a11y import assert_accessible
from conftest import Gunicorn
from test_browser import CHROMIUM, CHROMIUM_ARGS, placeholder_image
from test_search import catalogue

from webapp.demos import DEMOS

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.slow

ERRORS = ("Storage unavailable", "Something went wrong", "Traceback")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from conftest import RedisServer

    folder = tmp_path_factory.mktemp("browser-app")
    redis = RedisServer(folder)
    redis.start()
    app_server = Gunicorn(folder, workers=2, REDIS_URL=redis.url)
    app_server.start()
    app_server.redis = redis
    yield app_server
    app_server.stop()
    redis.stop()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def scripting(request):
    return request.param


@pytest.fixture
def context(browser, scripting):
    context = browser.new_context(
        java_script_enabled=scripting,
        accept_downloads=True,
        viewport={"width": 1280, "height": 900},
    )
    context.route("https://images.example.com/**", placeholder_image)
    yield context
    context.close()


def ok(page) -> str:
    text = page.inner_text("body")
    for error in ERRORS:
        assert error not in text, f"{error!r} on {page.url}"
    return text


def connect_demo(page, base: str, demo: str = "restaurant") -> None:
    page.goto(base + "/")
    page.select_option("#demo", demo)
    page.get_by_role("button", name="Connect demo").click()
    page.wait_for_load_state()
    assert "Connected " in ok(page)


def framed(page):
    page.wait_for_selector("iframe.page-frame")
    return page.frame_locator("iframe.page-frame").locator("html")


def site_count(server) -> int:
    client = server.redis.client()
    try:
        return len(client.keys("session:*"))
    finally:
        client.close()


def test_from_a_page_to_another_intent_and_back_regenerate_download(server, context):
    page = context.new_page()
    connect_demo(page, server.base)
    page.locator("#intent-menu").get_by_role("button", name="Generate").click()
    page.wait_for_url("**/pages/menu")
    assert "Grilled octopus" in framed(page).inner_text()
    nav = page.get_by_role("navigation", name=re.compile("All pages of"))
    nav.get_by_role("link", name="Meet our chefs").click()
    page.wait_for_url("**/pages/team")
    assert "This page has not been generated yet." in ok(page)
    page.get_by_role("button", name="Generate it now").click()
    page.wait_for_url("**/pages/team")
    assert "Generated Meet our chefs" in ok(page)
    page.go_back()
    page.go_back()
    page.wait_for_url("**/pages/menu")
    page.get_by_role("button", name="Regenerate").click()
    page.wait_for_url("**/pages/menu")
    assert "Regenerated Browse the menu" in ok(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this page").click()
    assert download.value.suggested_filename == "menu.html"


@pytest.mark.parametrize(
    ("form", "fields", "error", "kept"),
    [
        ("Content URL", {"#url": "http://127.0.0.1:9/content.json", "#token": "s3cret"},
         "private", {"#url": "http://127.0.0.1:9/content.json", "#token": ""}),
        ("SleekCMS", {"#pub_token": "pub-wrong"}, "pub token", {"#pub_token": "pub-wrong"}),
        ("Paste JSON", {"#json": '{"site": {"name": "x"}, "items": [1, 2'}, "line 1",
         {"#json": '{"site": {"name": "x"}, "items": [1, 2'}),
    ],
)  # fmt: skip
def test_connect_errors_keep_what_was_typed(server, context, form, fields, error, kept):
    page = context.new_page()
    page.goto(server.base + "/")
    for selector, value in fields.items():
        page.fill(selector, value)
    card = page.locator("form", has=page.get_by_role("heading", name=form))
    card.locator("button[type=submit]").click()
    page.wait_for_load_state()
    card = page.locator("form", has=page.get_by_role("heading", name=form))
    alert = card.get_by_role("alert")
    assert error.casefold() in alert.inner_text().casefold()
    for selector, value in kept.items():
        assert page.input_value(selector) == value
        if value:  # the field points at the error that concerns it
            assert page.get_attribute(selector, "aria-describedby").endswith("-error")


def test_double_submit_makes_one_site_session(server, context, scripting):
    client = server.redis.client()
    client.flushall()
    client.close()
    page = context.new_page()
    page.goto(server.base + "/")
    page.select_option("#demo", "portfolio")
    form = page.locator("form", has=page.get_by_role("heading", name="Try a demo site"))
    fields = {
        name: form.locator(f"input[name={name}]").input_value()
        for name in ("csrf_token", "nonce", "source")
    }
    button = form.get_by_role("button", name="Connect demo")
    if scripting:
        # The page's script: a second click while the first is answered sends nothing.
        button.dblclick()
    else:
        # Without it the browser sends the form again; the form's nonce makes that harmless.
        again = context.request.post(
            server.base + "/connect", form={**fields, "demo": "portfolio"}, max_redirects=0
        )
        assert again.status == 303
        button.click()
    page.get_by_role("heading", name="Morgan Ashby").first.wait_for()
    ok(page)
    assert site_count(server) == 1


def test_a_second_tab_that_disconnected_is_explained(server, context):
    first = context.new_page()
    connect_demo(first, server.base)
    second = context.new_page()
    second.goto(server.base + "/disconnect")
    second.get_by_role("button", name="Disconnect").click()
    second.wait_for_load_state()
    first.locator("#intent-menu").get_by_role("button", name="Generate").click()
    first.wait_for_load_state()
    text = first.inner_text("body")
    assert "Session not found" in text and "disconnected in another tab" in text
    assert "security token" not in text


def test_search_sort_and_filter_a_listing_of_120(server, context):
    page = context.new_page()
    page.goto(server.base + "/")
    page.fill("#json", json.dumps(catalogue()))
    page.get_by_role("button", name="Connect pasted JSON").click()
    page.wait_for_load_state()
    page.locator("#intent-products").get_by_role("button", name="Generate").click()
    page.wait_for_url("**/pages/products")
    page.get_by_label("Search products").fill("oak")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/pages/products?q=oak*")
    results = framed(page)
    assert "12 of 120 products matching “oak”" in results.inner_text()
    page.select_option("#sort", "price")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**sort=price*")
    assert page.input_value("#q") == "oak"  # the state is kept
    # A filter inside the results opens in the whole window, the query kept.
    page.frame_locator("iframe.page-frame").get_by_role("link", name="Sale", exact=True).click()
    page.wait_for_url("**badge=Sale*")
    assert "q=oak" in page.url and "sort=price" in page.url
    assert "marked Sale" in framed(page).inner_text()
    page.get_by_role("link", name="Clear").click()
    page.wait_for_url("**/pages/products")


def test_generate_all_and_an_export_that_works_offline(server, context, tmp_path):
    page = context.new_page()
    connect_demo(page, server.base, "real-estate")
    page.get_by_role("button", name=re.compile(r"Generate all \(\d+\)")).click()
    page.wait_for_load_state()
    assert re.search(r"Generated \d+ pages\.", ok(page))
    assert page.get_by_role("button", name=re.compile("Generate all")).count() == 0
    with page.expect_download() as download:
        page.get_by_role("link", name="Download all pages (.zip)").click()
    archive = tmp_path / "pages.zip"
    download.value.save_as(archive)
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(folder)
        names = zipped.namelist()
    assert "index.html" in names and any("-detail-" in name for name in names)
    offline = context.new_page()
    offline.goto((folder / "index.html").as_uri())
    offline.get_by_role("link", name="Find a home").click()
    offline.wait_for_load_state()
    assert offline.url.startswith("file://") and offline.url.endswith("/homes.html")
    offline.locator("a[href*='-detail-']").first.click()
    offline.wait_for_load_state()
    assert offline.url.startswith("file://") and "-detail-" in offline.url
    assert offline.locator("h1").inner_text()


def test_every_app_screen_is_accessible(server, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("https://images.example.com/**", placeholder_image)
    page = context.new_page()
    page.goto(server.base + "/")
    assert_accessible(page, "landing")
    page.fill("#url", "http://127.0.0.1:9/x.json")
    page.get_by_role("button", name="Fetch").click()
    page.wait_for_load_state()
    assert_accessible(page, "connect error")
    for demo in DEMOS:  # each demo's theme, on its home, a listing and a detail page
        if "Connect a site" not in page.inner_text("body"):
            page.goto(server.base + "/disconnect")
            page.get_by_role("button", name="Disconnect").click()
            page.wait_for_load_state()
        connect_demo(page, server.base, demo)
        assert_accessible(page, f"{demo} home")
        page.get_by_role("button", name=re.compile(r"Generate all")).click()
        page.wait_for_load_state()
        first = page.locator("article.intent a.btn").first.get_attribute("href")
        page.goto(server.base + first)
        assert_accessible(page, f"{demo} page {first}")
        item = page.frame_locator("iframe.page-frame").locator("a[href*='-detail-']").first
        if item.count():
            item.click()  # a stored page's link: sent on to the item's place in the app
            page.wait_for_url("**/items/**")
            assert_accessible(page, f"{demo} item")
        page.goto(server.base + "/")
    page.goto(server.base + "/pages/nothing-here")
    assert_accessible(page, "404")
    page.goto(server.base + "/disconnect")
    assert_accessible(page, "disconnect")
    page.get_by_role("button", name="Disconnect").click()
    page.wait_for_load_state()
    page.goto(server.base + "/pages/menu")
    assert "Session not found" in page.inner_text("body")
    assert_accessible(page, "session not found")
    context.close()


def test_a_large_upload_shows_its_progress_and_connects(server, context, scripting, tmp_path):
    document = catalogue(3000)  # about 350 KB: the script sends it itself, with progress
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(document))
    page = context.new_page()
    page.goto(server.base + "/")
    page.set_input_files("#file", str(path))
    sent = []
    page.on("request", lambda r: sent.append(r) if r.url.endswith("/connect") else None)
    form = page.locator("form", has=page.get_by_role("heading", name="Upload an export"))
    form.get_by_role("button", name="Upload").click()
    page.get_by_role("heading", name="Loft & Co").first.wait_for()
    assert "Connected Loft & Co." in ok(page)  # the flash survived the script's detour
    assert page.url == server.base + "/"
    # With the script the upload went through it (reporting progress); without, as a form.
    assert [r.headers.get("x-upload-progress") for r in sent] == ["1" if scripting else None]


def test_an_upload_refused_by_the_app_is_shown_next_to_its_form(server, context, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"items": [' + '"x", ' * 100_000 + "]")  # a trailing comma: not JSON
    page = context.new_page()
    page.goto(server.base + "/")
    page.set_input_files("#file", str(path))
    form = page.locator("form", has=page.get_by_role("heading", name="Upload an export"))
    form.get_by_role("button", name="Upload").click()
    alert = page.locator("#upload-error")
    alert.wait_for()
    assert "line 1" in alert.inner_text()
    assert "Choose the file again" in page.inner_text("body")


def test_a_long_site_name_never_makes_a_phone_scroll_sideways(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    name = "Supercalifragilisticexpialidocious" * 2
    document = {"site": {"name": name}, "products": [{"name": "Lamp " + "x" * 60}]}
    page.goto(server.base + "/")
    page.fill("#json", json.dumps(document))
    page.get_by_role("button", name="Connect pasted JSON").click()
    page.wait_for_load_state()
    page.locator("#intent-products").get_by_role("button", name="Generate").click()
    page.wait_for_load_state()
    for path in ["/", "/pages/products", "/pages/products?q=lamp", "/disconnect"]:
        page.goto(server.base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    context.close()


def test_a_single_page_client_drives_the_json_api(server, browser):
    """Our minimal client (/api/demo) uses the API as the page generator's frontend does."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("https://images.example.com/**", placeholder_image)
    page = context.new_page()
    page.goto(server.base + "/api/demo")
    page.select_option("#demo", "restaurant")
    page.get_by_role("button", name="Connect", exact=True).click()
    page.locator("#intent-menu").wait_for()
    assert page.inner_text("#site-title") == "Saffron & Sage"  # escaped text, shown as text
    page.locator("#intent-menu").get_by_role("button", name="Generate").click()
    page.wait_for_url("**#menu")
    page.locator("#main-content .sp-page").wait_for()
    assert "Grilled octopus" in page.inner_text("#main-content")
    page.locator("#main-content a[href='#menu-detail-grilled-octopus']").first.click()
    page.wait_for_url("**#menu-detail-grilled-octopus")
    page.locator("#main-content .sp-page h1", has_text="Grilled octopus").wait_for()
    # Reload: the session comes back from localStorage, the page from the API.
    page.reload()
    page.locator("#main-content .sp-page h1", has_text="Grilled octopus").wait_for()
    stored = page.evaluate("localStorage.getItem('sessionId')")
    assert stored and site_count(server) >= 1
    page.get_by_role("button", name="Disconnect").click()
    page.get_by_role("button", name="Connect", exact=True).wait_for()
    assert page.evaluate("localStorage.getItem('sessionId')") is None
    client = server.redis.client()
    try:
        assert not client.exists(f"session:{{{stored}}}")
    finally:
        client.close()
    context.close()


def test_planned_groups_and_layouts_are_usable_and_accessible(server, browser, tmp_path):
    """AI planning on (a stub Messages API of ours): intent groups on the home, then a
    table, contact blocks, a list and a pricing table, as a person sees them."""
    from ai_stub import Answer, StubMessagesAPI

    stub = StubMessagesAPI().start()
    app_server = Gunicorn(
        tmp_path,
        workers=1,
        REDIS_URL=server.redis.url,
        ANTHROPIC_API_KEY="test-key",
        ANTHROPIC_BASE_URL=stub.url,
    )
    app_server.start()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("https://images.example.com/**", placeholder_image)
    page = context.new_page()
    try:
        groups = [("homes", "Buy or rent"), ("events", "Buy or rent"), ("agents", "Meet us")]
        stub.answer(
            Answer(tool_input={"intents": [{"id": i, "group": g} for i, g in groups]}),
            Answer(
                tool_input={
                    "layout": "table",
                    "card_facts": ["bedrooms", "area_sqm"],
                    "sort": {"field": "price", "order": "desc"},
                    "detail": {"summary": "description", "key_facts": ["bedrooms"]},
                }
            ),
        )
        connect_demo(page, app_server.base, "real-estate")
        headings = page.locator("h3.intent-group").all_inner_texts()
        assert headings == ["Buy or rent", "Meet us", "More"]
        assert_accessible(page, "planned home")

        def planned(intent_id: str, title: str, plan: dict, action: str = "Generate") -> None:
            stub.answer(Answer(tool_input=plan))
            page.goto(f"{app_server.base}/#intent-{intent_id}")
            card = page.locator(f"#intent-{intent_id}")
            card.get_by_role("button", name=action).click()
            page.wait_for_url(f"**/pages/{intent_id}")
            assert title in ok(page)

        page.locator("#intent-homes").get_by_role("button", name="Generate").click()
        page.wait_for_url("**/pages/homes")
        frame = page.frame_locator("iframe.page-frame")
        prices = frame.locator("table tbody td:first-of-type").all_inner_texts()
        amounts = [int(re.sub(r"\D", "", p)) for p in prices if p]
        assert len(amounts) >= 5 and amounts == sorted(amounts, reverse=True)
        assert_accessible(page, "planned table")
        frame.locator("table tbody a").first.click()
        page.wait_for_url("**/items/**")
        assert frame.locator("p.summary").count() == 1
        assert frame.locator("dl.keyfacts dt").first.inner_text() == "Bedrooms"

        planned("agents", "Meet", {"layout": "contact"})
        assert frame.locator(".contacts a[href^='mailto:']").count() >= 2
        assert_accessible(page, "planned contact blocks")
        planned("services", "services", {"layout": "list"})
        assert frame.locator("ul.rows li").count() >= 2
        page.goto(f"{app_server.base}/pages/homes")
        stub.answer(Answer(tool_input={"layout": "pricing", "card_facts": ["bedrooms"]}))
        page.get_by_role("button", name="New version (AI)").click()
        page.wait_for_url("**/pages/homes")
        assert frame.locator(".pricing .tier-price").count() >= 5
        assert_accessible(page, "planned pricing table")
    finally:
        context.close()
        app_server.stop()
        stub.stop()
