"""Benchmark the content model and page rendering on synthetic collections of growing size.

Times ``build_site`` (what connecting does: classify, name, lay out chunks and
item pointers) and, separately, rendering listing page 1 and one detail page
from the stored chunks (best of 3, ``time.perf_counter``) for 100 to 50,000
realistic items, so that connect cost can be checked to grow linearly with the
size of the data and page cost to stay flat.

Run: ``.venv/bin/python bench/generate_bench.py``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

# Runnable as a plain script from anywhere: put the repository on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from webapp.content.model.build import build_site  # noqa: E402 - after the path set-up above
from webapp.content.model.layout import MODEL_FIELD, chunk_field, decode  # noqa: E402
from webapp.content.render import render_detail, render_listing  # noqa: E402

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


def build(items: list[dict]):
    """Build the model of a shop whose products are ``items`` (what connect does)."""
    return build_site({"site": {"name": SITE["title"]}, "products": items})


def render(built) -> tuple[int, int]:
    """Render listing page 1 and the detail page of its 8th item; return their sizes."""
    model = decode(built.fields[MODEL_FIELD])
    intent = built.intents[0]
    view = model["views"][intent["id"]]
    records = decode(built.fields[chunk_field(intent["id"], 1)])
    common = {"site": SITE, "intent": intent, "view": view, "theme": THEME}
    listing = render_listing(records=records, page=1, **common)
    detail = render_detail(entry=records[7], position=7, **common)
    return len(listing.encode()), len(detail.encode())


def best(function, *args) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = function(*args)
        timings.append(time.perf_counter() - start)
    return min(timings), result


def main() -> None:
    """Print the benchmark table."""
    print(
        f"{'items':>8} {'build ms':>9} {'µs/item':>8} {'render ms':>10}"
        f" {'listing KB':>11} {'detail KB':>10}"
    )
    for size in SIZES:
        items = make_items(size)
        build_time, built = best(build, items)
        render_time, (listing_size, detail_size) = best(render, built)
        print(
            f"{size:>8,} {build_time * 1e3:>9.1f} {build_time * 1e6 / size:>8.2f}"
            f" {render_time * 1e3:>10.1f} {listing_size / 1024:>11.1f} {detail_size / 1024:>10.1f}"
        )
    largest_demo_page()


def largest_demo_page() -> None:
    """Render every page of every bundled demo (listings, sections, details); print the largest."""
    import json

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from test_render import demo_pages  # the same walk over every page the tests make

    from webapp.demos import DEMOS, load_demo

    sizes = []
    for name in DEMOS:
        for intent, kind, html in demo_pages(json.loads(load_demo(name))):
            page_id = intent["id"] if isinstance(kind, str) else f"{intent['id']}-detail-{kind[0]}"
            sizes.append((len(html.encode()), f"{name}/{page_id}"))
    size, page_id = max(sizes)
    print(f"demo pages rendered: {len(sizes)}; largest: {page_id} ({size:,} bytes)")


if __name__ == "__main__":
    main()
