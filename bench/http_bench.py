"""HTTP benchmark: wrk against gunicorn (4 workers) on a private Redis.

Starts its own redis-server and gunicorn on free loopback ports, connects the
restaurant demo, generates the menu page, then runs wrk on the home page, a
generated page, a detail page and /healthz. For each it prints wrk's
throughput and latency plus the Redis commands and round trips per request,
read from redis-server's INFO (commands) and counted client-side (round trips
are not visible server-side, so they are measured in tests/test_redis_app.py).

    .venv/bin/python bench/http_bench.py [--seconds 10] [--connections 16]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
import requests

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def commands_processed(client: redis.Redis) -> int:
    return int(client.info("stats")["total_commands_processed"])


def run_wrk(url: str, cookie: str, seconds: int, connections: int) -> dict:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
         "-H", f"Cookie: {cookie}", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    p50 = re.search(r"50%\s+([\d.]+\w+)", output).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", output).group(1)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rps,
        "requests": total,
        "p50": p50,
        "p99": p99,
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    redis_port, app_port = free_port(), free_port()
    redis_proc = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "KV_"))}
    env.update(
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        SECRET_KEY="bench",
        WEB_CONCURRENCY=str(args.workers),
    )
    app = subprocess.Popen(
        [GUNICORN, "wsgi:app", "--bind", f"127.0.0.1:{app_port}", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{app_port}"
    try:
        wait_for(base + "/healthz")
        browser = requests.Session()
        token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get(base + "/").text)[1]
        browser.post(base + "/connect", data={"csrf_token": token, "source": "demo",
                                              "demo": "restaurant"})  # fmt: skip
        token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get(base + "/").text)[1]
        browser.post(base + "/pages/menu/generate", data={"csrf_token": token})
        detail = re.search(
            r'href="(/pages/menu/items/[^"]+)"', browser.get(base + "/pages/menu").text
        )[1]
        browser.get(base + detail)  # generated on first view, then served from Redis
        cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.get_dict().items())
        client = redis.Redis(port=redis_port)
        print(f"gunicorn {args.workers} sync workers, wrk -t2 -c{args.connections} "
              f"-d{args.seconds}s, {os.cpu_count()} CPUs")  # fmt: skip
        print(f"{'endpoint':<32}{'req/s':>9}{'p50':>10}{'p99':>10}{'non-2xx':>9}{'cmds/req':>10}")
        for path in ["/", "/pages/menu", detail, "/healthz"]:
            before = commands_processed(client)
            result = run_wrk(base + path, cookie, args.seconds, args.connections)
            per_request = (commands_processed(client) - before - 1) / result["requests"]
            print(f"{path[:31]:<32}{result['rps']:>9.0f}{result['p50']:>10}{result['p99']:>10}"
                  f"{result['errors']:>9}{per_request:>10.1f}")  # fmt: skip
        client.close()
    finally:
        app.terminate()
        app.wait(timeout=20)
        redis_proc.terminate()
        redis_proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
