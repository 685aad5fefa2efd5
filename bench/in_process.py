"""CPU per request, in-process: this app's hot paths against the bare Flask app.

Calls both WSGI apps directly (no HTTP, no wrk: what is left is the Python work and the
Redis round trip) on one private redis-server, with the restaurant demo connected and its
menu page generated, in interleaved rounds of ``--requests`` each, and prints the process
CPU time per request (``time.process_time``, so Redis's own time is not counted) and the
ratios. On a shared, noisy machine, compare figures from one run. ``--profile NAME``
prints a cProfile of one endpoint afterwards.

    .venv/bin/python bench/in_process.py [--rounds 20] [--requests 200] [--profile 304]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from http_bench import free_port  # noqa: E402
from werkzeug.test import EnvironBuilder  # noqa: E402

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def environ(path: str, headers: dict[str, str]) -> dict:
    return EnvironBuilder(path=path, headers=headers).get_environ()


def app_endpoints(redis_url: str) -> tuple:
    """This app with the demo connected and the menu generated, and its requests."""
    from webapp import create_app

    app = create_app({"SECRET_KEY": "bench", "REDIS_URL": redis_url, "STORAGE_BACKEND": "redis"})
    client = app.test_client()
    token = CSRF.search(client.get("/").get_data(as_text=True))[1]
    client.post("/connect", data={"csrf_token": token, "source": "demo", "demo": "restaurant"})
    token = CSRF.search(client.get("/").get_data(as_text=True))[1]
    client.post("/pages/menu/generate", data={"csrf_token": token})
    client.get("/")  # past the flash
    gzip = {"Accept-Encoding": "gzip"}
    etag = client.get("/frame/menu.html?framed=1", headers=gzip).headers["ETag"]
    cookie = {"Cookie": f"site_pages_session={client.get_cookie('site_pages_session').value}"}
    return app.wsgi_app, {
        "connected home /": environ("/", {**cookie, **gzip}),
        "stored page /frame/menu.html": environ("/frame/menu.html?framed=1", {**cookie, **gzip}),
        "same, If-None-Match (304)": environ(
            "/frame/menu.html?framed=1", {**cookie, **gzip, "If-None-Match": etag}
        ),
    }


def bare_endpoints() -> tuple:
    import bare_app

    client = bare_app.app.test_client()
    client.get("/login")
    cookie = {"Cookie": f"session={client.get_cookie('session').value}"}
    return bare_app.app.wsgi_app, {
        "bare /sess": environ("/sess", cookie),
        "bare /sessget (20 KB GET)": environ("/sessget", cookie),
    }


def cpu_seconds(wsgi, base: dict, requests: int) -> float:
    def start_response(status, headers, exc_info=None):
        return None

    started = time.process_time()
    for _ in range(requests):
        b"".join(wsgi(dict(base), start_response))
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", help="an endpoint name's first word or code: 304, home...")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    port = free_port()
    redis_proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        time.sleep(0.3)
        redis_url = f"redis://127.0.0.1:{port}/0"
        os.environ["REDIS_URL"] = redis_url  # bench/bare_app.py reads it at import
        groups = [bare_endpoints(), app_endpoints(redis_url)]
        endpoints = [(name, wsgi, base) for wsgi, named in groups for name, base in named.items()]
        totals = dict.fromkeys((name for name, _w, _b in endpoints), 0.0)
        for _name, wsgi, base in endpoints:  # warm up
            cpu_seconds(wsgi, base, args.requests)
        for _ in range(args.rounds):
            for name, wsgi, base in endpoints:
                totals[name] += cpu_seconds(wsgi, base, args.requests)
        per_request = {name: t / (args.rounds * args.requests) * 1e6 for name, t in totals.items()}
        print(f"in-process, {args.rounds} interleaved rounds of {args.requests} requests; "
              "process CPU per request")  # fmt: skip
        for name, micros in per_request.items():
            print(f"{name:34} {micros:7.0f} µs")
        print("\nthroughput ratios (bare CPU / this CPU; goal in brackets)")
        for name, bare, goal in (
            ("connected home /", "bare /sess", 0.8),
            ("stored page /frame/menu.html", "bare /sessget (20 KB GET)", 1.1),
            ("same, If-None-Match (304)", "bare /sess", 1.0),
        ):
            print(f"{name} / {bare}: {per_request[bare] / per_request[name]:.2f} (>= {goal})")
        if args.profile:
            name, wsgi, base = next(e for e in endpoints if args.profile in e[0])
            profile = cProfile.Profile()
            profile.enable()
            cpu_seconds(wsgi, base, args.requests * 5)
            profile.disable()
            print(f"\nprofile of {name}:")
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    finally:
        redis_proc.terminate()
        redis_proc.wait()


if __name__ == "__main__":
    main()
