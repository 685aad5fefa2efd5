"""How long a site's create takes, and what it allocates, when a full Redis refuses it.

Starts a private redis-server with ``--maxmemory 20mb --maxmemory-policy noeviction``,
reads a 12 MB document of 300,000 tiny records, and times one ``store.create`` (refused:
out of memory) with tracemalloc counting what the worker allocates meanwhile. See
docs/benchmarks.md ("A create refused by a full Redis").

    .venv/bin/python bench/full_redis.py
"""

from __future__ import annotations

import json
import sys
import time
import tracemalloc
from pathlib import Path

from harness import private_redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    from webapp.content.document import read_document
    from webapp.storage import StorageUnavailable
    from webapp.storage.redis import RedisBackend

    records = [{"name": f"p{i}", "price": i % 97, "tag": "x"} for i in range(300_000)]
    raw = json.dumps({"products": records}, separators=(",", ":")).encode()
    document = read_document(raw)
    with private_redis("--maxmemory", "20mb", "--maxmemory-policy", "noeviction") as port:
        store = RedisBackend().open(
            {
                "REDIS_URL": f"redis://127.0.0.1:{port}/0",
                "REDIS_CLUSTER": False,
                "SESSION_TTL_SECONDS": 86400,
                "KEY_PREFIX": "",
                "TTL_REFRESH_SECONDS": 300,
            }
        )
        tracemalloc.start()
        started = time.perf_counter()
        try:
            store.create(
                "x" * 43,
                content_json=raw,
                meta={},
                intents=document.built.intents,
                theme=document.built.theme,
                model_fields=document.built.fields,
            )
            outcome = "stored (Redis was not full?)"
        except StorageUnavailable as refusal:
            outcome = f"refused: {refusal.kind}"
        took = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        store.close()
    size = len(raw) / 2**20
    print(f"{size:.1f} MB document: {outcome} in {took:.2f} s, {peak / 1e6:.0f} MB allocated")


if __name__ == "__main__":
    main()
