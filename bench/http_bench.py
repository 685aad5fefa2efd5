"""HTTP benchmark: this app against a bare Flask + Flask-Session app, side by side.

Starts one private redis-server, this app under gunicorn with the project's own
``gunicorn.conf.py`` (its worker class, worker and thread counts) and the bare app of
``bench/bare_app.py`` under gunicorn with the same worker class and counts. Connects the
restaurant demo, generates the menu page, opens one detail page, then runs wrk on every
endpoint in interleaved rounds (this machine is shared and noisy: a ratio from one run
holds, an absolute figure does not) and prints medians, the ratios the fast-paths issue
asks for, response bytes and Redis commands per request.

wrk sends ``Accept-Encoding: gzip`` as a browser does; ``-H 'If-None-Match: …'`` for the
revalidation row.

    .venv/bin/python bench/http_bench.py [--rounds 5] [--seconds 5] [--connections 16]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
import requests

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SIZES = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}


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


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, headers: dict[str, str], seconds: int, connections: int) -> dict:
    """Run wrk once; return req/s, p50 (ms), requests, bytes read and non-2xx/3xx count."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    total = int(re.search(r"(\d+) requests in", output).group(1))
    read = re.search(r"requests in [\d.]+\w+, ([\d.]+)(\w+) read", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "requests": total,
        "bytes": float(read.group(1)) * SIZES[read.group(2)] / max(total, 1),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


def start_gunicorn(app: str, port: int, env: dict, extra: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [GUNICORN, app, "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", *extra],
        cwd=ROOT, env=env, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def project_gunicorn_settings(env: dict) -> tuple[int, int, str]:
    """The worker count, thread count and worker class gunicorn.conf.py gives in ``env``."""
    code = (
        "import runpy; c = runpy.run_path('gunicorn.conf.py'); "
        "print(c.get('workers', 1), c.get('threads', 1), c.get('worker_class', 'sync'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    return int(out[0]), int(out[1]), out[2]


def cookie_of(browser: requests.Session) -> str:
    return "; ".join(f"{k}={v}" for k, v in browser.cookies.get_dict().items())


def set_up_app(base: str) -> tuple[dict[str, str], str, str]:
    """Connect the restaurant demo, generate the menu, open a detail page.

    Return the browser's headers, the detail page's path and the menu page's ETag.
    """
    browser = requests.Session()
    token = CSRF.search(browser.get(base + "/").text)[1]
    browser.post(base + "/connect", data={"csrf_token": token, "source": "demo",
                                          "demo": "restaurant"})  # fmt: skip
    token = CSRF.search(browser.get(base + "/").text)[1]
    browser.post(base + "/pages/menu/generate", data={"csrf_token": token})
    menu = browser.get(base + "/frame/menu.html?framed=1")
    page_file = re.search(r'href="(menu-detail-[^"]+)"', menu.text)[1]
    detail = f"/frame/{page_file}?framed=1"
    browser.get(base + detail)  # generated on its first view, then served from Redis
    headers = {"Cookie": cookie_of(browser), "Accept-Encoding": "gzip"}
    return headers, detail, menu.headers.get("ETag", "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, help="override WEB_CONCURRENCY for both apps")
    parser.add_argument("--threads", type=int, help="override WEB_THREADS for both apps")
    parser.add_argument("--verbose", action="store_true", help="print every round's req/s")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    redis_port, app_port, bare_port = free_port(), free_port(), free_port()
    redis_proc = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "KV_"))}
    env.update(REDIS_URL=f"redis://127.0.0.1:{redis_port}/0", SECRET_KEY="bench")
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    if args.threads:
        env["WEB_THREADS"] = str(args.threads)
    workers, threads, worker_class = project_gunicorn_settings(env)
    empty_config = workdir / "bare_gunicorn.py"
    empty_config.write_text("")
    processes = [
        start_gunicorn("wsgi:app", app_port, env, []),
        start_gunicorn(
            "bench.bare_app:app", bare_port, env,
            ["--config", str(empty_config), "--worker-class", worker_class,
             "--workers", str(workers), "--threads", str(threads)],
        ),
    ]  # fmt: skip
    app, bare = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}"
    try:
        wait_for(app + "/healthz")
        wait_for(bare + "/sess")
        headers, detail, etag = set_up_app(app)
        bare_browser = requests.Session()
        bare_browser.get(bare + "/login")
        bare_headers = {"Cookie": cookie_of(bare_browser), "Accept-Encoding": "gzip"}
        rows = [
            ("bare /sess", bare + "/sess", bare_headers),
            ("bare /sessget (20 KB GET)", bare + "/sessget", bare_headers),
            ("connected home /", app + "/", headers),
            ("stored page /frame/menu.html", app + "/frame/menu.html?framed=1", headers),
            ("same, If-None-Match (304)", app + "/frame/menu.html?framed=1",
             {**headers, "If-None-Match": etag}),
            ("stored detail page (frame)", app + detail, headers),
            ("page in the app /pages/menu", app + "/pages/menu", headers),
            ("/healthz", app + "/healthz", {}),
        ]  # fmt: skip
        if not etag:
            rows = [row for row in rows if "If-None-Match" not in row[0]]
        client = redis.Redis(port=redis_port)
        results: dict[str, list[dict]] = {name: [] for name, _url, _h in rows}
        for _round in range(args.rounds):
            for name, url, row_headers in rows:
                before = commands_processed(client)
                result = run_wrk(url, row_headers, args.seconds, args.connections)
                result["cmds"] = (commands_processed(client) - before - 1) / result["requests"]
                results[name].append(result)
                if args.verbose:
                    print(f"round {_round + 1}: {name:<32}{result['rps']:>8.0f}", flush=True)
        client.close()
        print(
            f"gunicorn {worker_class}, {workers} workers x {threads} threads, both apps; "
            f"wrk -t2 -c{args.connections} -d{args.seconds}s, {args.rounds} interleaved "
            f"rounds (median), {os.cpu_count()} CPUs, Accept-Encoding: gzip"
        )
        print(f"{'endpoint':<32}{'req/s':>8}{'p50 ms':>9}{'bytes':>8}{'cmds':>6}{'non-2xx':>9}")
        median: dict[str, float] = {}
        for name, runs in results.items():
            median[name] = statistics.median(r["rps"] for r in runs)
            print(
                f"{name:<32}{median[name]:>8.0f}"
                f"{statistics.median(r['p50'] for r in runs):>9.2f}"
                f"{statistics.median(r['bytes'] for r in runs):>8.0f}"
                f"{statistics.median(r['cmds'] for r in runs):>6.1f}"
                f"{sum(r['errors'] for r in runs):>9}"
            )
        print("\nratios (goal in brackets)")
        goals = [
            ("connected home /", "bare /sess", 0.8),
            ("stored page /frame/menu.html", "bare /sessget (20 KB GET)", 1.1),
            ("same, If-None-Match (304)", "bare /sess", 1.0),
        ]
        for ours, theirs, goal in goals:
            if ours in median:
                print(f"{ours} / {theirs}: {median[ours] / median[theirs]:.2f} (>= {goal})")
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)
        redis_proc.terminate()
        redis_proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
