"""Slow remotes benchmark: the home page while 8 trickling fetches are in flight.

Measures how responsive the connected home (GET /) stays on the DEFAULT gunicorn
configuration (gunicorn.conf.py: 2 gthread workers x 4 threads, FETCH_CONCURRENCY=2
per process, FETCH_TOTAL_TIMEOUT=20 s) while 8 connects fetch their content from a
remote that trickles one byte every 0.5 s. Side by side, in the same run, it measures
a bare Flask + Flask-Session app on the same Redis under the same gunicorn settings,
so the numbers to read are ratios: app/bare (idle and during the fetches) and
during/idle. Absolute timings on a shared, noisy machine mean little on their own.

One run: a private redis-server, the app (only SECRET_KEY, REDIS_URL and
ALLOW_PRIVATE_URLS=1 set), the bare app, a local trickling HTTP server; wrk on the
app's and the bare app's home idle, then again while the 8 fetches are in flight
(both wrk runs end well before the 20 s fetch deadline); then the fetches' statuses
and durations (expected: up to 4 answer 502 after about 20 s, the others 503 "busy"
at once). Each app is warmed with a 1 s wrk run first (not recorded). The bare app
reads a session seeded in Redis, so each of its requests does a Redis GET, and, as
Flask-Session does by default (SESSION_REFRESH_EACH_REQUEST), a SET to refresh it;
the cmds/req column shows the Redis commands per request of each.

    .venv/bin/python bench/slow_remotes.py [--seconds 5] [--json]
"""

from __future__ import annotations

import argparse
import html
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import redis
import requests
from harness import free_port, wait_for_redis

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
CONFIG = ROOT / "gunicorn.conf.py"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
SLOW_FETCHES = 8
FETCH_DEADLINE = 20.0  # webapp.defaults.URL_TOTAL_TIMEOUT, the default FETCH_TOTAL_TIMEOUT
SETTLE_SECONDS = 1.0  # let the fetches start before measuring
WARMUP_SECONDS = 1  # a short wrk run on each app before the idle measurements
ACCESS_FORMAT = "%(s)s %(m)s %(U)s"
# Settings the app or gunicorn.conf.py read: none may leak in from the caller's shell.
SCRUBBED_PREFIXES = ("REDIS_", "KV_", "WEB_", "FETCH_", "WEBAPP_")
SCRUBBED = {
    "SECRET_KEY", "STORAGE_BACKEND", "APP_ENV", "KEY_PREFIX", "SESSION_TTL_SECONDS",
    "TTL_REFRESH_SECONDS", "MAX_CONTENT_LENGTH", "ALLOW_PRIVATE_URLS", "SLEEKCMS_API_BASE",
    "PORT", "VERCEL", "AWS_LAMBDA_FUNCTION_NAME", "NETLIFY", "K_SERVICE", "GUNICORN_CMD_ARGS",
}  # fmt: skip

BARE_APP = '''"""Bare Flask + Flask-Session on Redis: the baseline for bench/slow_remotes.py."""

import redis
from flask import Flask, session
from flask_session import Session

app = Flask(__name__)
app.config.update(
    SECRET_KEY="bench",
    SESSION_TYPE="redis",
    SESSION_REDIS=redis.Redis(host="127.0.0.1", port={port}),
    SESSION_KEY_PREFIX="bare:",
)
Session(app)


@app.get("/")
def index():
    n = session.get("n")
    return f"<!doctype html><title>bare</title><h1>Home</h1><p>n={{n}}</p>"
'''


class _Trickle(BaseHTTPRequestHandler):
    """Answers one byte of its response every half second (as tests/test_slow_remotes.py)."""

    def do_GET(self):  # http.server's naming
        with self.server.lock:
            self.server.in_flight += 1
            self.server.served += 1
        try:
            for byte in b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{}" * 8:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                if self.server.stop.wait(0.5):
                    return
        except OSError:
            pass  # the app hung up at its deadline: that is the point
        finally:
            with self.server.lock:
                self.server.in_flight -= 1

    def log_message(self, *args):
        pass


def wait_for(url: str, process: subprocess.Popen, errors: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer:\n{errors.read_text()[-3000:]}")


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_gunicorn(args: list[str], env: dict, workdir: Path, name: str):
    errors = workdir / f"{name}.err"
    with open(errors, "w") as stderr:
        process = subprocess.Popen(
            [GUNICORN, "-c", str(CONFIG), *args,
             "--access-logfile", str(workdir / f"{name}.access.log"),
             "--access-logformat", ACCESS_FORMAT],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
    return process, errors


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def run_wrk(url: str, cookie: str, seconds: int) -> dict:
    output = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", "-H", f"Cookie: {cookie}", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50_ms": to_ms(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99_ms": to_ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        "max_ms": to_ms(re.search(r"Latency\s+\S+\s+\S+\s+([\d.]+\w+)", output).group(1)),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
    }


def measure(url: str, cookie: str, seconds: int, client: redis.Redis) -> dict:
    """wrk on ``url``, plus the Redis commands per request read from INFO."""
    before = int(client.info("stats")["total_commands_processed"])
    result = run_wrk(url, cookie, seconds)
    after = int(client.info("stats")["total_commands_processed"])
    # less the INFO command itself; during the fetches a few connect commands count too
    result["redis_cmds_per_req"] = round((after - before - 1) / max(result["requests"], 1), 2)
    return result


def connect_demo(base: str) -> str:
    """Connect the restaurant demo in a fresh browser; return its session cookie."""
    browser = requests.Session()
    token = CSRF_FIELD.search(browser.get(base + "/", timeout=10).text).group(1)
    response = browser.post(
        base + "/connect",
        data={"csrf_token": token, "source": "demo", "demo": "restaurant"},
        timeout=30,
    )
    response.raise_for_status()
    value = browser.cookies.get("site_pages_session")
    if not value:
        raise SystemExit("connecting the demo set no site_pages_session cookie")
    home = requests.get(
        base + "/", headers={"Cookie": f"site_pages_session={value}"}, timeout=10
    )  # fmt: skip
    if home.status_code != 200 or "Connect a site" in home.text:
        raise SystemExit(f"the cookie does not give the connected home ({home.status_code})")
    return value


def seed_bare_session(module_path: Path) -> str:
    """Store a bare-app session holding n=1 in Redis; return its session cookie value.

    Done in this process on the same module (with a seeding route added here only),
    so the served bare app does a real Redis read for every request, like the app.
    """
    spec = importlib.util.spec_from_file_location("bench_bare_app", module_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from flask import session

    def seed():
        session["n"] = 1
        return "seeded"

    module.app.add_url_rule("/seed", "seed", seed)
    client = module.app.test_client()
    client.get("/seed")
    cookie = client.get_cookie("session")
    if cookie is None:
        raise SystemExit("seeding the bare app's session set no cookie")
    module.app.config["SESSION_REDIS"].close()
    return cookie.value


def slow_connect(base: str, url: str) -> dict:
    """Post a URL connect from a fresh browser; return its status, seconds and reason."""
    browser = requests.Session()
    try:
        token = CSRF_FIELD.search(browser.get(base + "/", timeout=30).text).group(1)
        started = time.monotonic()
        response = browser.post(
            base + "/connect",
            data={"csrf_token": token, "source": "url", "url": url},
            timeout=60,
        )
    except requests.RequestException as error:
        return {"status": None, "seconds": None, "reason": f"{type(error).__name__}: {error}"}
    seconds = time.monotonic() - started
    alert = re.search(r'role="alert">(.*?)</div>', response.text, re.S)
    reason = re.sub(r"<[^>]+>", "", alert.group(1)) if alert else response.text[:120]
    reason = " ".join(html.unescape(reason).split())
    return {"status": response.status_code, "seconds": round(seconds, 2), "reason": reason[:160]}


def access_statuses(path: Path) -> dict:
    """Count the statuses gunicorn logged, by method and path (5xx called out)."""
    counts: Counter = Counter()
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 3:
            counts[" ".join(parts)] += 1
    return dict(sorted(counts.items()))


def worker_boots(errors: Path) -> dict:
    """How many workers booted (2 means none was restarted) and of which class."""
    text = errors.read_text()
    worker = re.search(r"Using worker: (\w+)", text)
    return {"boots": text.count("Booting worker"), "class": worker.group(1) if worker else None}


def ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="each wrk run (default 5)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    if SETTLE_SECONDS + 2 * args.seconds > FETCH_DEADLINE - 4:
        raise SystemExit(
            f"--seconds {args.seconds}: the two wrk runs during the fetches must end well "
            f"before the {FETCH_DEADLINE:.0f} s fetch deadline (use 7 or less)"
        )

    loadavg_at_start = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix="bench-slow-remotes-"))
    redis_port, app_port, bare_port = free_port(), free_port(), free_port()
    app_base, bare_base = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}"
    bare_dir = workdir / "bare"
    bare_dir.mkdir()
    (bare_dir / "bare.py").write_text(BARE_APP.format(port=redis_port))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in SCRUBBED and not k.startswith(SCRUBBED_PREFIXES)
    }
    env.update(
        SECRET_KEY="bench",
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        ALLOW_PRIVATE_URLS="1",
    )

    trickle = ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    trickle.daemon_threads = True
    trickle.stop = threading.Event()
    trickle.lock = threading.Lock()
    trickle.in_flight = 0
    trickle.served = 0
    threading.Thread(target=trickle.serve_forever, daemon=True).start()
    slow_url = f"http://127.0.0.1:{trickle.server_address[1]}/content.json"

    redis_proc = app = bare = client = None
    pool = ThreadPoolExecutor(max_workers=SLOW_FETCHES)
    try:
        redis_proc = subprocess.Popen(
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(workdir),
             "--logfile", str(workdir / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_redis(redis_port)

        app, app_errors = start_gunicorn(
            ["--bind", f"127.0.0.1:{app_port}", "wsgi:app"], env, workdir, "app"
        )
        bare, bare_errors = start_gunicorn(
            ["--bind", f"127.0.0.1:{bare_port}", "--chdir", str(bare_dir), "bare:app"],
            env, workdir, "bare",
        )  # fmt: skip
        wait_for(app_base + "/healthz", app, app_errors)
        wait_for(bare_base + "/", bare, bare_errors)

        app_cookie = f"site_pages_session={connect_demo(app_base)}"
        bare_cookie = f"session={seed_bare_session(bare_dir / 'bare.py')}"
        bare_home = requests.get(bare_base + "/", headers={"Cookie": bare_cookie}, timeout=10)
        if "n=1" not in bare_home.text:
            raise SystemExit("the bare app did not read the seeded session from Redis")

        # Warm both apps (worker imports, templates, connection pools); not recorded.
        run_wrk(app_base + "/", app_cookie, WARMUP_SECONDS)
        run_wrk(bare_base + "/", bare_cookie, WARMUP_SECONDS)
        results: dict = {"idle": {}, "during": {}}
        results["idle"]["app"] = measure(app_base + "/", app_cookie, args.seconds, client)
        results["idle"]["bare"] = measure(bare_base + "/", bare_cookie, args.seconds, client)

        fetches_started = time.monotonic()
        futures = [pool.submit(slow_connect, app_base, slow_url) for _ in range(SLOW_FETCHES)]
        time.sleep(SETTLE_SECONDS)
        deadline = time.monotonic() + 5
        while trickle.in_flight < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        in_flight = {"before_wrk": trickle.in_flight}
        results["during"]["app"] = measure(app_base + "/", app_cookie, args.seconds, client)
        in_flight["after_app_wrk"] = trickle.in_flight
        results["during"]["bare"] = measure(bare_base + "/", bare_cookie, args.seconds, client)
        in_flight["after_bare_wrk"] = trickle.in_flight
        in_flight["wrk_done_at_s"] = round(time.monotonic() - fetches_started, 2)
        fetches = [future.result() for future in futures]
        fetches_done = round(time.monotonic() - fetches_started, 2)
        in_flight["remote_requests_served"] = trickle.served
    finally:
        trickle.stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        if client is not None:
            client.close()
        stop(app)
        stop(bare)
        stop(redis_proc)
        trickle.shutdown()
        trickle.server_close()

    ratios = {
        "app/bare": {
            cond: {
                key: ratio(results[cond]["app"][key], results[cond]["bare"][key])
                for key in ("rps", "p50_ms", "p99_ms")
            }
            for cond in ("idle", "during")
        },
        "during/idle": {
            who: {
                key: ratio(results["during"][who][key], results["idle"][who][key])
                for key in ("rps", "p50_ms", "p99_ms")
            }
            for who in ("app", "bare")
        },
    }
    statuses = Counter(fetch["status"] for fetch in fetches)
    unexpected = [
        fetch
        for fetch in fetches
        if fetch["seconds"] is None
        or not (
            (fetch["status"] == 502 and fetch["seconds"] < FETCH_DEADLINE + 4)
            or (fetch["status"] == 503 and fetch["seconds"] < 3)
        )
    ]
    app_log = access_statuses(workdir / "app.access.log")
    bare_log = access_statuses(workdir / "bare.access.log")
    report = {
        "machine": {
            "nproc": os.cpu_count(),
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "loadavg_at_start": loadavg_at_start,
            "loadavg_at_end": os.getloadavg(),
            "python": platform.python_version(),
        },
        "config": {
            "gunicorn": "gunicorn.conf.py defaults (2 gthread workers x 4 threads)",
            "fetch": "FETCH_CONCURRENCY=2 per process, FETCH_TOTAL_TIMEOUT=20 s (defaults)",
            "wrk": f"-t2 -c8 -d{args.seconds}s --latency",
            "slow_fetches": SLOW_FETCHES,
        },
        "home": results,
        "ratios": ratios,
        "trickling_remote": in_flight,
        "fetches": fetches,
        "fetch_statuses": {str(k): v for k, v in sorted(statuses.items(), key=str)},
        "fetches_done_at_s": fetches_done,
        "unexpected_fetches": unexpected,
        "access_log": {"app": app_log, "bare": bare_log},
        "server_5xx": {
            "app": {k: v for k, v in app_log.items() if k.startswith("5")},
            "bare": {k: v for k, v in bare_log.items() if k.startswith("5")},
        },
        "worker_boots": {"app": worker_boots(app_errors), "bare": worker_boots(bare_errors)},
    }
    shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print_table(report)


def print_table(report: dict) -> None:
    machine, home = report["machine"], report["home"]
    print(
        f"{machine['date']}  nproc={machine['nproc']}  "
        f"load at start {' '.join(f'{x:.2f}' for x in machine['loadavg_at_start'])}, "
        f"at end {' '.join(f'{x:.2f}' for x in machine['loadavg_at_end'])}"
    )
    print(f"{report['config']['gunicorn']}; {report['config']['fetch']}")
    print(f"GET / (connected home), wrk {report['config']['wrk']}")
    print(
        f"{'':<16}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'non-2xx':>9}{'sock err':>9}"
        f"{'cmds/req':>9}"
    )
    for cond in ("idle", "during"):
        for who in ("app", "bare"):
            r = home[cond][who]
            print(
                f"{who + ' ' + cond:<16}{r['rps']:>9.0f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}"
                f"{r['max_ms']:>9.1f}{r['non_2xx']:>9}{r['socket_errors']:>9}"
                f"{r['redis_cmds_per_req']:>9}"
            )
    print(f"\n{'ratio':<24}{'req/s':>9}{'p50':>9}{'p99':>9}")
    for name, group in report["ratios"].items():
        for key, values in group.items():
            cells = "".join(f"{values[k]:>9}" for k in ("rps", "p50_ms", "p99_ms"))
            print(f"{name + ' ' + key:<24}{cells}")
    remote = report["trickling_remote"]
    print(
        f"\ntrickling fetches in flight: {remote['before_wrk']} before wrk, "
        f"{remote['after_app_wrk']} after app wrk, {remote['after_bare_wrk']} after bare wrk "
        f"(wrk done at {remote['wrk_done_at_s']} s); remote saw "
        f"{remote['remote_requests_served']} requests"
    )
    print(f"{SLOW_FETCHES} slow fetches (all done at {report['fetches_done_at_s']} s):")
    for fetch in sorted(report["fetches"], key=lambda f: (f["status"] or 0, f["seconds"] or 0)):
        seconds = "-" if fetch["seconds"] is None else f"{fetch['seconds']:.2f}"
        print(f"  {fetch['status']}  {seconds:>6} s  {fetch['reason'][:90]}")
    print(f"statuses: {report['fetch_statuses']}")
    if report["unexpected_fetches"]:
        print(f"UNEXPECTED fetches: {report['unexpected_fetches']}")
    print(f"server 5xx (access log): {report['server_5xx']}")
    boots = report["worker_boots"]
    print(
        "workers: "
        + ", ".join(f"{who} {v['boots']} booted ({v['class']})" for who, v in boots.items())
        + " (2 each means no worker was restarted)"
    )


if __name__ == "__main__":
    main()
