"""Soak: sessions over 4 gunicorn workers while workers are killed and Redis restarts.

For each scenario the script starts its own redis-server (a free loopback port,
never 6379; a temporary ``--dir``; ``--save ''``; AOF on) and gunicorn with 4
gthread workers against it, then connects ``--sessions`` browsers (the
restaurant demo: ``GET /`` for the CSRF token, ``POST /connect``; a 303 is an
acknowledged session) from ``--threads`` client threads. While they run, one
worker is SIGKILLed at 15 %, 30 % and 80 % of the acknowledged sessions, and at
60 % (connects flowing at full speed, the respawned workers booted) Redis goes
down for ``--down`` seconds and is restarted on the same port with the same dir
and config (it reloads its AOF):

* ``aof-always-sigkill``: ``--appendfsync always``, Redis SIGKILLed;
* ``aof-shutdown``: default ``everysec``, a clean ``redis-cli shutdown`` (fsyncs);
* ``aof-everysec-sigkill``: ``--appendfsync everysec``, Redis SIGKILLed while
  connects flow at full speed.

503 answers (storage down) and dropped connections (a request in flight on a
killed worker) are not acknowledgements: the client retries them after a
short sleep (not the 5 s Retry-After, to keep the run short) and counts them.
Once every session is acknowledged, each one is checked with ``GET /`` and its
cookie (a fresh connection, so any worker answers): a connected home
("Disconnect") is kept; the connect form or "Session not found" is lost. For
each scenario it prints lost/total, 5xx by status, dropped connections, worker
kills, Redis down time, seconds from the Redis kill to /healthz 200 and to the
first acknowledged connect sent after it, and, for lost sessions, how long
before the kill they were acknowledged. Any 500 or unexpected error in
gunicorn's stderr is listed: it would be a bug.

With ``everysec`` Redis still write(2)s the AOF before it replies and fsyncs it
every second, so killing redis-server alone loses only writes it postponed while
a background fsync was running (INFO ``aof_delayed_fsync``, printed before the
kill); the up-to-1-s window is for a crash of the host, which this script does
not simulate.

Run: ``.venv/bin/python bench/soak.py [--scenario all] [--sessions 500] [--threads 12]
[--down 0.5] [--json]`` (about 30 s for all three on 2 cores).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import redis
import requests
from harness import free_port
from redis.backoff import NoBackoff
from redis.retry import Retry

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
COOKIE = "site_pages_session"
WORKERS = 4
# When the chaos happens, as fractions of the sessions acknowledged so far.
WORKER_KILLS_AT = (0.15, 0.3, 0.8)
REDIS_RESTART_AT = 0.6
RETRY_SLEEP = 0.2  # after a 503 or a dropped connection
TIMEOUT = 10

SCENARIOS = {
    "aof-always-sigkill": {
        "redis": ["--appendonly", "yes", "--appendfsync", "always"],
        "stop": "sigkill",
    },
    "aof-shutdown": {"redis": ["--appendonly", "yes"], "stop": "shutdown"},
    "aof-everysec-sigkill": {
        "redis": ["--appendonly", "yes", "--appendfsync", "everysec"],
        "stop": "sigkill",
    },
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class RedisServer:
    """A private redis-server that can be killed and restarted on its port and dir."""

    def __init__(self, workdir: Path, options: list[str]) -> None:
        self.port = free_port()
        self.dir = workdir / "redis"
        self.dir.mkdir()
        self.args = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--dir", str(self.dir), "--save", "", "--logfile", str(self.dir / "redis.log"),
            *options,
        ]  # fmt: skip
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.starts += 1
        # No retries inside redis-py (its default backs off up to a second): poll every 20 ms.
        client = redis.Redis(
            port=self.port, socket_timeout=1, socket_connect_timeout=1, retry=Retry(NoBackoff(), 0)
        )
        deadline = time.monotonic() + 30
        try:
            while True:
                try:
                    if client.ping():
                        return
                except (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError):
                    pass
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"redis-server did not start on port {self.port}: {self.log_tail()}"
                    )
                time.sleep(0.02)
        finally:
            client.close()

    def info(self, section: str) -> dict:
        client = redis.Redis(port=self.port, socket_timeout=1)
        try:
            return client.info(section)
        finally:
            client.close()

    def sigkill(self) -> None:
        self.process.kill()
        self.process.wait()

    def shutdown(self) -> None:
        subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), "shutdown"],
            capture_output=True, timeout=30, check=False,
        )  # fmt: skip
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def log_tail(self, lines: int = 20) -> str:
        path = self.dir / "redis.log"
        return "\n".join(path.read_text().splitlines()[-lines:]) if path.exists() else ""


class App:
    """gunicorn with 4 gthread workers (gunicorn.conf.py) on the private Redis."""

    def __init__(self, workdir: Path, redis_port: int, threads: int | None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.errors = workdir / "gunicorn.err"
        self.access_log = workdir / "access.log"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "KV_"))}
        self.env.update(
            SECRET_KEY="soak",
            WEB_CONCURRENCY=str(WORKERS),
            REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
            # Hundreds of browsers, all from this one address: the per-client limit would
            # refuse them (it is bench/abuse.py's subject, not this one's).
            CONNECTS_PER_MINUTE="100000",
        )
        if threads:
            self.env["WEB_THREADS"] = str(threads)
        self.process: subprocess.Popen | None = None

    def start(self, attempts: int = 3, wait: float = 30) -> None:
        """Start and wait for /healthz 200; retry a start that fails (the tree may be mid-edit)."""
        for attempt in range(1, attempts + 1):
            with open(self.errors, "w") as stderr:
                self.process = subprocess.Popen(
                    [GUNICORN, "wsgi:app", "--bind", f"127.0.0.1:{self.port}",
                     "--access-logfile", str(self.access_log),
                     "--access-logformat", "%(s)s %(m)s %(U)s"],
                    cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=stderr,
                    start_new_session=True,  # Ctrl-C reaches only this script, which stops it
                )  # fmt: skip
            if self.wait_healthy(30):
                return
            self.stop()
            if attempt == attempts:
                raise RuntimeError("gunicorn did not start:\n" + self.errors.read_text()[-3000:])
            log(f"gunicorn did not start (attempt {attempt}); retrying in {wait:.0f} s:")
            log(self.errors.read_text()[-1500:])
            time.sleep(wait)

    def healthy(self) -> bool:
        try:
            return requests.get(self.base + "/healthz", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def wait_healthy(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.healthy():
                return True
            if self.process is not None and self.process.poll() is not None:
                return False
            time.sleep(0.02)
        return False

    def worker_pids(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        ).stdout
        return [int(pid) for pid in out.split()]

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            self.process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=20)
        # Whatever is left of its process group (workers included), by its group id.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.process = None


@dataclass
class Ack:
    index: int
    cookie: str
    at: float  # time.monotonic() of the 303
    sent: float  # when the acknowledged POST was sent


@dataclass
class Run:
    """What the clients saw, shared by the client threads (under ``lock``)."""

    target: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    acks: list[Ack] = field(default_factory=list)
    answers: Counter = field(default_factory=Counter)  # "POST /connect 503" -> count
    dropped: int = 0  # connection reset / refused / timed out: a killed worker
    retries: int = 0
    csrf_restarts: int = 0  # 400 on POST: the browser session behind the form was gone
    # What happened to a session before each 400, e.g. "POST /connect 503 > POST /connect 400".
    csrf_histories: Counter = field(default_factory=Counter)
    csrf_cookies: list[str] = field(default_factory=list)  # the cookies those 400s came with
    bodies_500: list[str] = field(default_factory=list)
    next_index: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def take(self) -> int | None:
        with self.lock:
            if self.next_index >= self.target:
                return None
            self.next_index += 1
            return self.next_index - 1

    def count(self, what: str, response: requests.Response | None = None) -> None:
        with self.lock:
            self.retries += 1
            if response is None:
                self.dropped += 1
                return
            self.answers[what] += 1
            if response.status_code == 500 and len(self.bodies_500) < 5:
                self.bodies_500.append(f"{what}: {response.text[:500]}")


def connect_one(base: str, run: Run, index: int) -> None:
    """Connect one browser, retrying until a 303 (or the run stops)."""
    token = None
    history: list[str] = []
    browser = requests.Session()
    try:
        while not run.stop.is_set():
            try:
                if token is None:
                    form = browser.get(base + "/", timeout=TIMEOUT)
                    match = CSRF.search(form.text) if form.status_code == 200 else None
                    if match is None:
                        history.append(f"GET / {form.status_code}")
                        run.count(history[-1], form)
                        time.sleep(RETRY_SLEEP)
                        continue
                    token = match.group(1)
                sent = time.monotonic()
                answer = browser.post(
                    base + "/connect",
                    data={"csrf_token": token, "source": "demo", "demo": "restaurant"},
                    allow_redirects=False,
                    timeout=TIMEOUT,
                )
            except requests.RequestException:
                history.append("dropped")
                run.count("dropped")
                time.sleep(RETRY_SLEEP)
                continue
            if answer.status_code == 303:
                cookie = answer.cookies.get(COOKIE) or browser.cookies.get(COOKIE)
                with run.lock:
                    run.acks.append(Ack(index, cookie, time.monotonic(), sent))
                return
            history.append(f"POST /connect {answer.status_code}")
            run.count(history[-1], answer)
            if answer.status_code == 400:  # form expired: start again from the form
                token = None
                with run.lock:
                    run.csrf_restarts += 1
                    run.csrf_histories[" > ".join(history)] += 1
                    run.csrf_cookies.append(browser.cookies.get(COOKIE, ""))
                browser.cookies.clear()
            time.sleep(RETRY_SLEEP)
    finally:
        browser.close()


def client_thread(base: str, run: Run) -> None:
    while not run.stop.is_set():
        index = run.take()
        if index is None:
            return
        connect_one(base, run, index)


def check_one(base: str, ack: Ack) -> tuple[str, int]:
    """Is this acknowledged session still there? ("kept" | "lost" | "error", status)."""
    status = 0
    for _ in range(20):
        try:
            answer = requests.get(base + "/", cookies={COOKIE: ack.cookie}, timeout=TIMEOUT)
        except requests.RequestException:
            time.sleep(RETRY_SLEEP)
            continue
        status = answer.status_code
        if status == 200 and "Disconnect" in answer.text:
            return "kept", status
        if (status == 200 and "Connect a site" in answer.text) or (
            status == 404 and "Session not found" in answer.text
        ):
            return "lost", status
        if status != 503:
            return "error", status
        time.sleep(RETRY_SLEEP)
    return "error", status


class Chaos(threading.Thread):
    """Kills workers and stops/restarts Redis as the acknowledged count crosses marks."""

    def __init__(self, run: Run, app: App, store: RedisServer, stop: str, down: float) -> None:
        super().__init__(daemon=True)
        self.run_, self.app, self.store, self.stop_how, self.down = run, app, store, stop, down
        self.random = random.Random(20261126)
        self.worker_kills: list[int] = []
        self.redis: dict = {}
        self.error: BaseException | None = None

    def acked(self) -> int:
        with self.run_.lock:
            return len(self.run_.acks)

    def run(self) -> None:
        try:
            marks = sorted([(f, "worker") for f in WORKER_KILLS_AT] + [(REDIS_RESTART_AT, "redis")])
            for fraction, what in marks:
                while self.acked() < fraction * self.run_.target:
                    if self.run_.stop.is_set():
                        return
                    time.sleep(0.002)
                if what == "worker":
                    self.kill_worker()
                else:
                    self.restart_redis()
        except BaseException as error:  # reported by the main thread
            self.error = error
            self.run_.stop.set()

    def kill_worker(self) -> None:
        pids = self.app.worker_pids()
        if pids:
            pid = self.random.choice(pids)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
                self.worker_kills.append(pid)

    def restart_redis(self) -> None:
        persistence = self.store.info("persistence")
        before = {k: persistence.get(k) for k in ("aof_delayed_fsync", "aof_last_write_status")}
        acked_before = self.acked()
        killed = time.monotonic()
        if self.stop_how == "sigkill":
            self.store.sigkill()
        else:
            self.store.shutdown()
        gone = time.monotonic()
        time.sleep(self.down)
        restarted = time.monotonic()
        self.store.start()
        answering = time.monotonic()
        healthy = None
        polls: list[str] = []  # each /healthz answer after the restart, until a 200
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not self.run_.stop.is_set():
            sent = time.monotonic()
            try:
                status = requests.get(self.app.base + "/healthz", timeout=5).status_code
            except requests.RequestException as error:
                status = type(error).__name__
            polls.append(f"{status} in {time.monotonic() - sent:.3f} s")
            if status == 200:
                healthy = time.monotonic()
                break
            time.sleep(0.02)
        self.redis = {
            "killed": killed,
            "gone": gone,
            "restarted": restarted,
            "answering": answering,
            "healthy": healthy,
            "acked_before": acked_before,
            "info_before": before,
            "healthz_polls": polls,
        }


def scenario(name: str, args: argparse.Namespace) -> dict:
    config = SCENARIOS[name]
    workdir = Path(tempfile.mkdtemp(prefix=f"soak-{name}-"))
    store = RedisServer(workdir, config["redis"])
    app = App(workdir, store.port, args.web_threads)
    run = Run(target=args.sessions)
    threads: list[threading.Thread] = []
    began = time.monotonic()
    try:
        store.start()
        app.start()
        started = time.monotonic()
        log(f"{name}: redis :{store.port}, gunicorn :{app.port} ({started - began:.1f} s to start)")
        chaos = Chaos(run, app, store, config["stop"], args.down)
        chaos.start()
        for _ in range(args.threads):
            thread = threading.Thread(target=client_thread, args=(app.base, run), daemon=True)
            thread.start()
            threads.append(thread)
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)
                if chaos.error is not None:
                    raise RuntimeError(f"chaos failed: {chaos.error!r}") from chaos.error
        driven = time.monotonic()
        run.stop.set()
        chaos.join(timeout=60)
        if chaos.error is not None:
            raise RuntimeError(f"chaos failed: {chaos.error!r}") from chaos.error
        if not chaos.redis:
            raise RuntimeError("Redis was not restarted (too few sessions?)")
        # All workers back before checking, so that every one of them answers checks.
        deadline = time.monotonic() + 30
        while len(app.worker_pids()) < WORKERS and time.monotonic() < deadline:
            time.sleep(0.1)

        # Are the browser sessions the expired forms belonged to still stored?
        client = redis.Redis(port=store.port)
        try:
            stored = sum(client.exists(f"browser:{{{sid}}}") for sid in run.csrf_cookies if sid)
            # Site sessions stored, against those acknowledged: an excess is orphaned (a
            # connect that stored its site but never answered 303); it expires with its TTL.
            sites = sum(1 for _ in client.scan_iter(match="session:{*}", count=1000))
        finally:
            client.close()
        with ThreadPoolExecutor(max_workers=args.threads) as pool:
            checks = list(pool.map(lambda ack: check_one(app.base, ack), run.acks))
        checked = time.monotonic()
        result = report(name, config, args, run, chaos, app, store, checks,
                        began, started, driven, checked)  # fmt: skip
        result["csrf_browser_sessions_still_stored"] = stored
        result["site_sessions_in_redis"] = sites
        return result
    finally:
        run.stop.set()
        app.stop()
        store.stop()
        if args.keep:
            log(f"{name}: kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def report(name, config, args, run, chaos, app, store, checks,
           began, started, driven, checked) -> dict:  # fmt: skip
    """One scenario's figures, as a dict (times in seconds, rounded)."""
    event = chaos.redis
    killed = event["killed"]
    lost = [ack for ack, (state, _) in zip(run.acks, checks, strict=True) if state == "lost"]
    errors = Counter(status for state, status in checks if state == "error")
    after = [ack.at for ack in run.acks if ack.sent >= event["gone"]]
    first_ack = min(after) if after else None
    before_kill = [killed - ack.at for ack in run.acks if ack.at <= killed]
    five_xx = {k: v for k, v in sorted(run.answers.items()) if int(k.split()[-1]) >= 500}
    others = {k: v for k, v in sorted(run.answers.items()) if int(k.split()[-1]) < 500}
    stderr = app.errors.read_text() if app.errors.exists() else ""
    unexpected = [
        line
        for line in stderr.splitlines()
        if re.search(r"Traceback|\bERROR\b|CRITICAL|Exception", line)
        and "was sent SIGKILL" not in line
    ]
    access = Counter()
    if app.access_log.exists():
        for line in app.access_log.read_text().splitlines():
            status = line.split(" ", 1)[0]
            if status.startswith("5"):
                access[status] += 1

    def r(value: float | None) -> float | None:
        return None if value is None else round(value, 3)

    return {
        "scenario": name,
        "redis_options": " ".join(config["redis"]),
        "redis_stop": "SIGKILL" if config["stop"] == "sigkill" else "redis-cli shutdown",
        "sessions": args.sessions,
        "client_threads": args.threads,
        "acknowledged": len(run.acks),
        "lost": len(lost),
        "check_errors": dict(errors),
        "lost_acked_seconds_before_kill": sorted(r(killed - ack.at) for ack in lost),
        "acked_before_kill": event["acked_before"],
        "acked_in_last_second_before_kill": sum(1 for s in before_kill if s <= 1.0),
        "last_ack_before_kill_ms": r(min(before_kill) * 1e3) if before_kill else None,
        "redis_info_before_kill": event["info_before"],
        "healthz_after_restart": event["healthz_polls"],
        "client_5xx": five_xx,
        "client_other_non_303": others,
        "server_5xx": dict(sorted(access.items())),
        "dropped_connections": run.dropped,
        "retries": run.retries,
        "csrf_restarts": run.csrf_restarts,
        "csrf_restart_histories": dict(run.csrf_histories),
        "worker_kills": len(chaos.worker_kills),
        "redis_down_seconds": r(event["restarted"] - event["gone"]),
        "restart_to_healthz_200": r(event["healthy"] - event["restarted"])
        if event["healthy"]
        else None,
        "kill_to_healthz_200": r(event["healthy"] - killed) if event["healthy"] else None,
        "kill_to_first_connect": r(first_ack - killed) if first_ack else None,
        "restart_to_first_connect": r(first_ack - event["restarted"]) if first_ack else None,
        "startup_seconds": r(started - began),
        "drive_seconds": r(driven - started),
        "check_seconds": r(checked - driven),
        "wall_seconds": r(checked - began),
        "connects_per_second": round(len(run.acks) / (driven - started), 1),
        "bodies_500": run.bodies_500,
        "gunicorn_unexpected_stderr": unexpected[:20],
        "redis_starts": store.starts,
    }


def print_table(results: list[dict]) -> None:
    def fmt(counts: dict) -> str:
        return ", ".join(f"{k}: {v}" for k, v in counts.items()) or "0"

    print("| scenario | Redis stop | lost / acknowledged | 5xx seen by clients | dropped "
          "connections | worker kills | Redis down s | kill → /healthz 200 s | kill → first "
          "connect s | connects/s | wall s |")  # fmt: skip
    print("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for x in results:
        print(
            f"| {x['scenario']} | {x['redis_stop']} | {x['lost']} / {x['acknowledged']} "
            f"| {fmt(x['client_5xx'])} | {x['dropped_connections']} | {x['worker_kills']} "
            f"| {x['redis_down_seconds']:.2f} | {x['kill_to_healthz_200']:.2f} "
            f"| {x['kill_to_first_connect']:.2f} | {x['connects_per_second']:.0f} "
            f"| {x['wall_seconds']:.1f} |"
        )
    print()
    for x in results:
        notes = [
            f"{x['acked_in_last_second_before_kill']} sessions acknowledged in the last second "
            f"before the kill (the last {x['last_ack_before_kill_ms']:.0f} ms before it)",
            f"server-side 5xx (access log): {fmt(x['server_5xx'])}",
            f"retries {x['retries']}, form restarts after a 400 {x['csrf_restarts']}",
            f"site sessions in Redis after the run: {x['site_sessions_in_redis']} "
            f"for {x['acknowledged']} acknowledged",
        ]
        if x["client_other_non_303"]:
            notes.append(f"other answers: {fmt(x['client_other_non_303'])}")
        if x["csrf_restart_histories"]:
            notes.append(f"before each 400: {fmt(x['csrf_restart_histories'])}")
            notes.append(
                f"browser sessions behind those 400s still in Redis: "
                f"{x['csrf_browser_sessions_still_stored']} of {x['csrf_restarts']}"
            )
        if x["redis_stop"] == "SIGKILL":
            notes.append(f"Redis INFO just before the kill: {fmt(x['redis_info_before_kill'])}")
        if x["lost"]:
            seconds = ", ".join(f"{s:.3f}" for s in x["lost_acked_seconds_before_kill"])
            notes.append(f"lost sessions were acknowledged this long before the kill (s): "
                         f"{seconds}")  # fmt: skip
        if x["check_errors"]:
            notes.append(f"checks that were neither kept nor lost: {fmt(x['check_errors'])}")
        if x["bodies_500"]:
            notes.append("500 answers: " + " | ".join(x["bodies_500"]))
        if x["gunicorn_unexpected_stderr"]:
            notes.append("gunicorn stderr: " + " | ".join(x["gunicorn_unexpected_stderr"]))
        print(f"- {x['scenario']} ({x['redis_options']}): " + "; ".join(notes) + ".")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="all")
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--threads", type=int, default=12, help="client threads")
    parser.add_argument("--web-threads", type=int, help="gunicorn threads per worker")
    parser.add_argument("--down", type=float, default=0.5, help="seconds Redis stays down")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--keep", action="store_true", help="keep the temporary dirs")
    args = parser.parse_args()
    if args.sessions < 10:
        parser.error("--sessions must be at least 10")
    if not shutil.which("redis-server"):
        raise SystemExit("redis-server is not installed")

    def terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    names = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    results = []
    try:
        for name in names:
            results.append(scenario(name, args))
            x = results[-1]
            log(f"{name}: lost {x['lost']}/{x['acknowledged']}, wall {x['wall_seconds']:.1f} s")
    except KeyboardInterrupt:
        log("interrupted: stopped every process this run started")
        raise SystemExit(130) from None
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"{args.sessions} sessions, {args.threads} client threads, {WORKERS} gunicorn "
              f"workers, {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d')}\n")  # fmt: skip
        print_table(results)
    if any(x["lost"] for x in results if x["scenario"] != "aof-everysec-sigkill"):
        raise SystemExit("acknowledged sessions were lost where none may be")


if __name__ == "__main__":
    main()
