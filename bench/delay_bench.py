"""One round trip or two: the app against a Redis 1 ms away (through bench/delay_proxy.py).

A request's reads (the browser session, then the site session its view needs) are one
Lua call on Redis. Is that worth its design? This starts one private redis-server, the
delay proxy in front of it (1 ms added per round trip, a managed Redis in the same
region) and this app twice under gunicorn (the project's gunicorn.conf.py): once as
shipped, once with ``READ_SITE_WITH_BROWSER_SESSION=0`` (the browser session read
first, the site session in the view: two round trips). Both connect the restaurant demo
and generate its menu; wrk then runs on the home and the stored page in interleaved
rounds. Prints the median req/s and p50 of each, and the ratios.

    .venv/bin/python bench/delay_bench.py [--rounds 5] [--seconds 5] [--delay-ms 1]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_bench import (  # noqa: E402 - after the path set-up above
    free_port,
    run_wrk,
    set_up_app,
    start_gunicorn,
    wait_for,
)


def ping_ms(port: int, count: int = 200) -> float:
    """Median PING round trip through ``port``, in ms."""
    client = redis.Redis(port=port)
    client.ping()
    times = []
    for _ in range(count):
        started = time.perf_counter()
        client.ping()
        times.append((time.perf_counter() - started) * 1000)
    client.close()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--delay-ms", type=float, default=1.0)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="delay-bench-"))
    redis_port, proxy_port = free_port(), free_port()
    processes = [
        subprocess.Popen(
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(workdir)],
            stdout=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "delay_proxy.py"), "--listen", str(proxy_port),
             "--target", str(redis_port), "--delay-ms", str(args.delay_ms)],
        ),
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "KV_"))}
    env.update(REDIS_URL=f"redis://127.0.0.1:{proxy_port}/0", SECRET_KEY="bench")
    apps = {}
    try:
        time.sleep(0.5)
        direct, proxied = ping_ms(redis_port), ping_ms(proxy_port)
        for name, flag in [("one round trip", "1"), ("two round trips", "0")]:
            port = free_port()
            processes.append(
                start_gunicorn(
                    "wsgi:app", port, {**env, "READ_SITE_WITH_BROWSER_SESSION": flag}, []
                )
            )
            apps[name] = f"http://127.0.0.1:{port}"
        rows = []
        for name, base in apps.items():
            wait_for(base + "/healthz")
            headers, _detail, _etag = set_up_app(base)
            rows += [
                (f"{name}: home /", base + "/", headers),
                (f"{name}: stored page", base + "/frame/menu.html?framed=1", headers),
            ]
        results: dict[str, list[dict]] = {name: [] for name, _url, _h in rows}
        for _round in range(args.rounds):
            for name, url, headers in rows:
                results[name].append(run_wrk(url, headers, args.seconds, args.connections))
        print(
            f"Redis PING p50: {direct:.3f} ms direct, {proxied:.3f} ms through the proxy "
            f"(+{args.delay_ms} ms); gunicorn.conf.py defaults; wrk -t2 -c{args.connections} "
            f"-d{args.seconds}s, {args.rounds} interleaved rounds (median), {os.cpu_count()} CPUs"
        )
        print(f"{'endpoint':<36}{'req/s':>8}{'p50 ms':>9}")
        median = {}
        for name, runs in results.items():
            median[name] = (
                statistics.median(r["rps"] for r in runs),
                statistics.median(r["p50"] for r in runs),
            )
            print(f"{name:<36}{median[name][0]:>8.0f}{median[name][1]:>9.2f}")
        print("\none round trip / two round trips")
        for page in ("home /", "stored page"):
            one, two = median[f"one round trip: {page}"], median[f"two round trips: {page}"]
            print(f"{page:<14} req/s x{one[0] / two[0]:.2f}, p50 x{one[1] / two[1]:.2f}")
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=20)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
