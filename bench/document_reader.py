"""What reading a large document in a child process costs, against reading it in the worker.

Best of 3 runs of ``DocumentReader.read`` (a child process from the fork server, started
before timing) and of ``read_document`` in this process, on three documents: 300,000
tiny records (the worst ratio of Python objects to JSON bytes), and shops of 50,000 and
5,000 products. See docs/benchmarks.md.

    .venv/bin/python bench/document_reader.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def shop(count: int) -> bytes:
    products = [
        {
            "id": i,
            "name": f"Product {i}",
            "price": i % 500 + 0.99,
            "description": "A fine thing " * 8,
            "category": f"c{i % 20}",
        }
        for i in range(count)
    ]
    return json.dumps({"products": products}, separators=(",", ":")).encode()


def tiny(count: int) -> bytes:
    records = [{"name": f"p{i}", "price": i % 97, "tag": "x"} for i in range(count)]
    return json.dumps({"products": records}, separators=(",", ":")).encode()


def best_of_3(read, raw) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        read(raw)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    from webapp.content.document import read_document
    from webapp.document_reader import DocumentReader

    reader = DocumentReader(threshold=1, timeout=120, memory_factor=24)
    reader.read(shop(100))  # starts the fork server
    print("| document | in the worker | in a child | ratio |\n|---|---:|---:|---:|")
    for name, raw in (
        ("300,000 tiny records", tiny(300_000)),
        ("50,000-product shop", shop(50_000)),
        ("5,000-product shop", shop(5_000)),
    ):
        here, child = best_of_3(read_document, raw), best_of_3(reader.read, raw)
        print(
            f"| {name}, {len(raw) / 1e6:.1f} MB | {here * 1000:.0f} ms | {child * 1000:.0f} ms "
            f"| {child / here:.2f} |"
        )


if __name__ == "__main__":
    main()
