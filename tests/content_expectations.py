"""Check a fixture's expectations (``tests/fixtures/content/*.expect.json``) through the HTTP flow.

Shared by the fixture tests and by ``bench/content_scorecard.py``: connect the
document (paste), read the home, generate each expected intent, read its
listing pages, open a detail page, and compare what a person would see with
what the expectation file says. Returns a report instead of asserting, so
that the scorecard can count what is right and what is wrong.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "content"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
INTENT_CARD = re.compile(
    r'<article class="card intent" id="intent-([a-z0-9-]+)">.*?<h3>(.*?)</h3>', re.DOTALL
)
TAG = re.compile(r"<[^>]+>")
CARD = re.compile(r'<li class="card">(.*?)</div>\n</li>', re.DOTALL)
GALLERY_ITEM = re.compile(r'<li><a href="([^"]+)"><figure>(.*?)</figure></a></li>', re.DOTALL)
FAQ_ITEM = re.compile(r"<details>(.*?)</details>", re.DOTALL)
STYLE = re.compile(r"<style>.*?</style>", re.DOTALL)


def fixture_names() -> list[str]:
    """Every fixture that has an expectation file."""
    return sorted(p.name[: -len(".expect.json")] for p in FIXTURES.glob("*.expect.json"))


def load(name: str) -> tuple[str, dict]:
    """The fixture's document text and its expectations."""
    document = (FIXTURES / f"{name}.json").read_text(encoding="utf-8")
    expected = json.loads((FIXTURES / f"{name}.expect.json").read_text(encoding="utf-8"))
    return document, expected


def visible(markup: str) -> str:
    """The text a person sees in a piece of HTML (tags dropped, entities decoded)."""
    text = TAG.sub(" ", STYLE.sub(" ", markup))
    return " ".join(html_lib.unescape(text).split())


@dataclass
class Report:
    """What was right and wrong for one fixture."""

    name: str
    intents_expected: int = 0
    intents_found: int = 0
    fields_right: int = 0
    fields_wrong: int = 0
    found_titles: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def check(self, ok: bool, problem: str) -> bool:
        if ok:
            self.fields_right += 1
        else:
            self.fields_wrong += 1
            self.problems.append(problem)
        return ok


def _csrf(client, path: str = "/") -> str:
    match = CSRF_FIELD.search(client.get(path).get_data(as_text=True))
    assert match, "no CSRF token on " + path
    return match.group(1)


def _framed(page_file: str) -> str:
    """The URL the app's frame loads a stored page from, given a stored page's link to it."""
    return f"/frame/{page_file}?framed=1"


def _listing_pages(client, intent_id: str) -> list[str]:
    pages = []
    url = f"{intent_id}.html"  # stored pages link to each other by file name
    for _ in range(50):
        response = client.get(_framed(url))  # the page itself, not the app around it
        if response.status_code != 200:
            break
        page = response.get_data(as_text=True)
        pages.append(page)
        match = re.search(r'<a href="([^"]+)" rel="next">', page)
        if not match:
            break
        url = html_lib.unescape(match.group(1))
    return pages


def _cards(pages: list[str], intent_id: str) -> list[tuple[str, str, str]]:
    """(title, href, card html) of every card, gallery photo or question on the pages."""
    cards = []
    for page in pages:
        for body in CARD.findall(page):
            link = re.search(r'<h3><a href="([^"]+)">(.*?)</a></h3>', body)
            if link:
                cards.append((visible(link.group(2)), html_lib.unescape(link.group(1)), body))
        for href, body in GALLERY_ITEM.findall(page):
            caption = re.search(r"<figcaption>(.*?)</figcaption>", body)
            cards.append(
                (visible(caption.group(1)) if caption else "", html_lib.unescape(href), body)
            )
        for body in FAQ_ITEM.findall(page):
            summary = re.search(r"<summary>(.*?)</summary>", body)
            link = re.search(r'<a href="([^"]+)">', body)
            if summary and link:
                cards.append((visible(summary.group(1)), html_lib.unescape(link.group(1)), body))
    return [c for c in cards if c[1].startswith(f"{intent_id}-detail-")]


def _find_intent(found: dict[str, str], titles: list[str]) -> str | None:
    """The intent with the first acceptable title found (alternatives in order of preference)."""
    for wanted in titles:
        for intent_id, title in found.items():
            if title.casefold() == wanted.casefold():
                return intent_id
    return None


def run(client, name: str) -> Report:
    """Connect fixture ``name`` and check it as a person would (see the module docstring)."""
    document, expected = load(name)
    report = Report(name, intents_expected=len(expected["intents"]))
    response = client.post(
        "/connect", data={"csrf_token": _csrf(client), "source": "paste", "json": document}
    )
    if response.status_code != 303:
        report.problems.append(f"connect answered {response.status_code}")
        return report
    home = client.get("/").get_data(as_text=True)
    found = {intent_id: visible(title) for intent_id, title in INTENT_CARD.findall(home)}
    report.found_titles = list(found.values())
    if expected.get("site_name"):
        report.check(
            expected["site_name"] in visible(home),
            f"site name {expected['site_name']!r} not on home",
        )
    for absent in expected.get("absent", []):
        hits = [t for t in found.values() if absent.casefold() in t.casefold()]
        report.check(not hits, f"intent {hits} should not be offered ({absent!r})")
    generated: list[str] = []
    for intent in expected["intents"]:
        intent_id = _find_intent(found, intent["titles"])
        if intent_id is None:
            report.problems.append(
                f"no intent titled {intent['titles']} (found {list(found.values())})"
            )
            continue
        report.intents_found += 1
        token = _csrf(client)
        client.post(f"/pages/{intent_id}/generate", data={"csrf_token": token})
        pages = _listing_pages(client, intent_id)
        if not pages:
            report.problems.append(f"{intent_id}: listing page did not load")
            continue
        generated.extend(pages)
        listing_text = " ".join(visible(p) for p in pages)
        for text in intent.get("text", []):
            report.check(
                text.casefold() in listing_text.casefold(), f"{intent_id}: {text!r} not on its page"
            )
        cards = _cards(pages, intent_id)
        if "count" in intent:
            report.check(
                len({href for _, href, _ in cards}) == intent["count"],
                f"{intent_id}: {len(cards)} items listed, expected {intent['count']}",
            )
        for group in intent.get("groups", []):
            headings = [visible(h) for p in pages for h in re.findall(r"<h2>(.*?)</h2>", p)]
            report.check(
                any(group.casefold() in h.casefold() for h in headings),
                f"{intent_id}: no section {group!r} (sections: {headings[:8]})",
            )
        by_title = {title: (href, body) for title, href, body in cards}
        for card in intent.get("cards", []):
            if not report.check(
                card["title"] in by_title, f"{intent_id}: no card {card['title']!r}"
            ):
                continue
            href, body = by_title[card["title"]]
            text = visible(body)
            if "image" in card:
                srcs = [html_lib.unescape(s) for s in re.findall(r'<img src="([^"]+)"', body)]
                report.check(
                    card["image"] in srcs, f"{card['title']}: image {card['image']} not in {srcs}"
                )
            if "price" in card:
                report.check(
                    card["price"] in text,
                    f"{card['title']}: price {card['price']!r} not in {text!r}",
                )
            for snippet in card.get("text", []):
                report.check(
                    snippet.casefold() in text.casefold(),
                    f"{card['title']}: {snippet!r} not in {text!r}",
                )
            for snippet in card.get("not", []):
                report.check(snippet not in text, f"{card['title']}: {snippet!r} shown on the card")
        detail = intent.get("detail")
        if detail:
            if not report.check(
                detail["item"] in by_title, f"{intent_id}: no card {detail['item']!r} to open"
            ):
                continue
            response = client.get(_framed(by_title[detail["item"]][0]))
            if not report.check(
                response.status_code == 200, f"{detail['item']}: detail {response.status_code}"
            ):
                continue
            page = response.get_data(as_text=True)
            generated.append(page)
            text = visible(page)
            for snippet in detail.get("text", []):
                report.check(
                    snippet.casefold() in text.casefold(),
                    f"{detail['item']} detail: {snippet!r} missing",
                )
            for snippet in detail.get("not", []):
                report.check(snippet not in text, f"{detail['item']} detail: {snippet!r} shown")
    for snippet in expected.get("absent_text", []):
        hits = [p for p in generated if snippet in visible(p)]
        report.check(not hits, f"{snippet!r} appears on {len(hits)} generated page(s)")
    return report
