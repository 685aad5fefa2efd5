"""How long the first search of a large collection takes (its index is made then).

A private redis-server; the app (Flask's test client, the app's own HTTP flow) connects
a shop of N products (``tests/test_fast_paths._big_shop``: name, price, a description,
a category), generates its page, then asks for a page of search results: the first
search makes the collection's index (up to ``SEARCH_INDEX_MAX_ITEMS``) and keeps it,
the next ones read it. Best of 3 fresh sessions for each size. See docs/benchmarks.md.

    .venv/bin/python bench/first_search.py [--items 5000 6000]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from harness import NO_CLIENT_LIMITS, private_redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def timed(client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return time.perf_counter() - started


def one_session(app, document: str) -> tuple[float, float]:
    """(first search, a later one) for a fresh session of this document."""
    client = app.test_client()
    token = CSRF.search(client.get("/").get_data(as_text=True)).group(1)
    client.post("/connect", data={"csrf_token": token, "source": "paste", "json": document})
    client.post("/pages/products/generate", data={"csrf_token": token})
    first = timed(client, "/frame/pages/products?q=thing")
    later = timed(client, "/frame/pages/products?q=sturdy")
    return first, later


def main() -> None:
    from test_fast_paths import _big_shop

    from webapp import create_app

    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, nargs="+", default=[5000, 6000])
    args = parser.parse_args()
    with private_redis() as port:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "STORAGE_BACKEND": "redis",
                "REDIS_URL": f"redis://127.0.0.1:{port}/0",
                **NO_CLIENT_LIMITS,
            }
        )
        print("| items | first search | a later search |\n|---:|---:|---:|")
        for items in args.items:
            document = json.dumps(_big_shop(items))
            runs = [one_session(app, document) for _ in range(3)]
            first = min(run[0] for run in runs)
            later = min(run[1] for run in runs)
            print(f"| {items:,} | {first * 1000:.0f} ms | {later * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
