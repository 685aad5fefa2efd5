"""Benchmark the page generator on synthetic collections of growing size.

Times ``iter_items`` + ``render_intent_page`` (page 1) + one ``render_detail_page``
(best of 3, ``time.perf_counter``) for 100 to 50,000 realistic items and prints
a table with milliseconds and microseconds per item, so that the cost can be
checked to grow linearly with the size of the data.

Run: ``.venv/bin/python bench/generate_bench.py``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

# Runnable as a plain script from anywhere: put the repository on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from webapp.content.generate import (  # noqa: E402 - after the path set-up above
    iter_items,
    render_detail_page,
    render_intent_page,
)

SIZES = (100, 1_000, 10_000, 50_000)
REPEATS = 3
SITE = {"title": "Bench Hardware", "subtitle": "Everything for the workshop", "image": ""}
INTENT = {
    "id": "shop",
    "title": "Shop the catalogue",
    "description": "Browse every product",
    "icon": "🛒",
    "dataPath": "products",
}
THEME = {
    "primary": "#0f766e",
    "secondary": "#115e59",
    "accent": "#f59e0b",
    "background": "#ffffff",
    "text": "#111827",
}
CATEGORIES = ("Tools", "Garden", "Kitchen", "Lighting", "Paint")


def make_items(count: int) -> list[dict]:
    """Return ``count`` product-like items (some names repeat, as in real catalogues)."""
    return [
        {
            "id": f"sku-{n:06d}",
            "name": f"Cordless drill model {n % 5_000}",
            "description": (
                f"A dependable drill for every job, revision {n}. "
                "Two speeds, a 13 mm keyless chuck and a spare battery."
            ),
            "price": round(19.99 + n % 400, 2),
            "image": f"https://cdn.example.com/products/{n}.jpg",
            "category": CATEGORIES[n % len(CATEGORIES)],
            "features": [
                {"name": "Battery", "value": f"{12 + n % 8} V"},
                {"name": "Weight", "value": f"{1 + n % 3}.{n % 10} kg"},
                {"name": "Warranty", "value": "2 years"},
            ],
        }
        for n in range(count)
    ]


def generate(items: list[dict]) -> tuple[int, int]:
    """Run the measured work once; return the sizes of the two pages (bytes)."""
    pairs = iter_items(items)
    listing = render_intent_page(site=SITE, intent=INTENT, data=items, theme=THEME, page=1)
    middle_id = pairs[len(pairs) // 2][0]
    detail = render_detail_page(
        site=SITE, intent=INTENT, data=items, item_id=middle_id, theme=THEME
    )
    assert listing is not None and detail is not None
    return len(listing.encode()), len(detail.encode())


def main() -> None:
    """Print the benchmark table."""
    print(f"{'items':>8} {'best ms':>10} {'µs/item':>9} {'listing KB':>11} {'detail KB':>10}")
    largest = 0
    for size in SIZES:
        items = make_items(size)
        timings = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            listing_size, detail_size = generate(items)
            timings.append(time.perf_counter() - start)
        best = min(timings)
        largest = max(largest, listing_size, detail_size)
        print(
            f"{size:>8,} {best * 1e3:>10.1f} {best * 1e6 / size:>9.2f}"
            f" {listing_size / 1024:>11.1f} {detail_size / 1024:>10.1f}"
        )
    print(f"largest output: {largest:,} bytes")
    largest_demo_page()


def largest_demo_page() -> None:
    """Render every page of every bundled demo (listings and details); print the largest."""
    import json

    from webapp.content.extract import extract_hero, extract_intents, extract_theme
    from webapp.content.paths import resolve
    from webapp.demos import DEMOS, load_demo

    sizes = []
    for name in DEMOS:
        content = json.loads(load_demo(name))
        hero, theme = extract_hero(content), extract_theme(content)
        for intent in extract_intents(content):
            data = resolve(content, intent["dataPath"])
            html = render_intent_page(site=hero, intent=intent, data=data, theme=theme)
            sizes.append((len(html.encode()), f"{name}/{intent['id']}"))
            for item_id, _ in iter_items(data):
                html = render_detail_page(
                    site=hero, intent=intent, data=data, item_id=item_id, theme=theme
                )
                sizes.append((len(html.encode()), f"{name}/{intent['id']}-detail-{item_id}"))
    size, page_id = max(sizes)
    print(f"demo pages rendered: {len(sizes)}; largest: {page_id} ({size:,} bytes)")


if __name__ == "__main__":
    main()
