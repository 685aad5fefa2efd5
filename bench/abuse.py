"""Abuse bench (issue 17, "Hardening"): five attacks from a security review, against gunicorn.

Each attack gets a fresh stack: a private redis-server on a free loopback port
(``--maxmemory 200mb --maxmemory-policy noeviction``, no persistence, a temporary
``--dir``) and ``gunicorn wsgi:app`` from the project folder, so with the project's
``gunicorn.conf.py`` (its worker class, ``WEB_CONCURRENCY=2`` workers x ``WEB_THREADS``
threads), ``SECRET_KEY`` and ``REDIS_URL`` set. A fresh stack per attack keeps each
attack's figures its own: a wedged worker or a full Redis does not leak into the next one.
``--commit REV`` serves a commit instead of the checkout (``git archive`` into a temporary
dir: the checkout is not touched), ``--snapshot`` a copy of the checkout taken at the start
(edits made meanwhile change no later attack).

While an attack runs, ANOTHER client (a browser connected to the restaurant demo)
sends ``GET /`` (its connected home) and ``GET /healthz``, each every 50 ms
(``--interval``), one request at a time per URL, with a client timeout (``--observer-
timeout``). Its p50/p99 are corrected for coordinated omission the way HdrHistogram
does it (a request that took L also stands for the requests this client could not
send meanwhile: L - 50 ms, L - 100 ms, ... while above 50 ms); a failed request
(timeout, reset, non-200, or a home that is no longer connected) counts as infinitely
slow. Meanwhile each gunicorn worker's memory is watched: the workers are the children
of the master pid; at the start of each phase of an attack their peak RSS is reset
(``echo 5 > /proc/PID/clear_refs``) and VmHWM (the true peak since) and VmRSS are read
from ``/proc/PID/status`` every 20 ms (VmRSS samples only, where clear_refs is refused).

The attacks (sizes are flags; ``--quick`` shrinks them to run in about 2 minutes):

1. ReDoS: connect (multipart upload to ``POST /connect``, CSRF token from ``GET /``) a
   12 MB document of 3,000 records whose ``description`` is "[" x 4,000, generate the
   listing page (the generate form on the home), then 8 parallel searches
   ``GET /pages/<intent>?q=item``, each followed, as a browser does, by the frame that
   page names (``/frame/pages/<intent>?q=item``, where the results are made).
2. Slow requests: 10 raw sockets that send ``POST /api/connect`` headers
   (``Content-Length: 1000000``) then one body byte every 5 s, held for 40 s; the same
   with a multipart ``POST /connect`` (cookie, CSRF token, the start of a file part);
   and slowloris: the headers themselves, one byte every 2 s.
3. Exports: connect a 50,000-product site, generate its listing page, then 16 parallel
   ``GET /export.zip`` with the same cookie.
4. Uploads in memory: one 12 MB upload of ~400,000 tiny records alone (a connect's own
   peak RSS growth), then 8 in parallel, each from its own fresh browser session.
5. Filling Redis: 940 connects of a ~30 KB pasted document (each from a fresh
   session: ``GET /`` then ``POST /connect``) from 4 threads as fast as they go, then
   two ~16 MB uploads; then whether a NEW visitor's ``GET /`` still answers 200.

Every attack is capped (``--cap`` seconds, 90 by default; attack 2 lasts its windows)
and then its stack is killed: an attack that wedges the app is reported as what it saw.
Attacker-side errors (timeouts, resets) are counted, never fatal; 408/413/429/503
answers to the attacker are reported as they are. Every client here, the other one
included, comes from 127.0.0.1: a per-address limit counts them as one client.

Requirements checked: the other client's p99 (both URLs) <= 1 s during every attack;
a connect's peak RSS growth <= 10 x the document's size for documents of 1 MB and more
(any phase with one connect alone; in attack 4's parallel phase, the workers' summed
growth over the uploads). MB here is 2**20 bytes, as the app's 16 MB limit.

    .venv/bin/python bench/abuse.py [--quick] [--attacks 1,2,3,4,5] [--json PATH]
        [--commit REV | --snapshot] [--cap 90] [sizes: see --help]

About 6 minutes in all on 2 cores (``--quick``: under 2).
"""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import math
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import redis
import requests
from harness import free_port

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
GENERATE = re.compile(r'action="(/pages/([^"/]+)/generate)"')
IFRAME = re.compile(r'<iframe[^>]*\ssrc="([^"]+)"')
MB = 1024 * 1024
P99_LIMIT = 1.0  # seconds: the other client's p99 during an attack
RSS_RATIO_LIMIT = 10.0  # a connect's peak RSS growth / its document's size
RATIO_FROM = MB  # ... for documents of this size and more
SETTLE = 3.0  # seconds between the variants of attack 2

# (full, --quick) defaults of the size flags; a flag given on the command line wins.
DEFAULTS = {
    "cap": (90.0, 30.0),
    "maxmemory": ("200mb", "48mb"),
    "redos_records": (3000, 150),
    "searches": (8, 8),
    "slow_window": (40.0, 9.0),
    "export_items": (50_000, 5_000),
    "exports": (16, 4),
    "uploads": (8, 4),
    "upload_mb": (12.0, 2.0),
    "fill_connects": (940, 250),
    "fill_upload_mb": (15.9, 4.0),
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Documents.


def redos_document(records: int, brackets: int) -> bytes:
    """``{"items":[{"name":"item 1","description":"[[[…"}, …]}``."""
    description = "[" * brackets
    items = [{"name": f"item {n}", "description": description} for n in range(1, records + 1)]
    return json.dumps({"items": items}, separators=(",", ":")).encode()


def shop_document(items: int, name: str = "Abuse Export Shop") -> bytes:
    """A shop of ``items`` small products (name, price, description)."""
    products = [
        {
            "name": f"Product {n}",
            "price": round(4.99 + n % 400, 2),
            "description": f"A small product, number {n}, with a short description.",
        }
        for n in range(1, items + 1)
    ]
    document = {"site": {"name": name}, "products": products}
    return json.dumps(document, separators=(",", ":")).encode()


def tiny_document(target: int, records: int) -> bytes:
    """At most ``target`` bytes of about ``records`` tiny records ``{"id":n,"name":"r000n"}``
    (fewer records when they cannot be that small)."""
    digits = sum(len(str(n)) for n in range(records))
    fixed = len(b'{"items":[]}') + records * (len(b'{"id":,"name":"r"}') + 1) - 1 + digits
    width = max(1, (target - fixed) // records)  # a name's digits, zero-padded
    while True:
        body = b",".join(b'{"id":%d,"name":"r%0*d"}' % (n, width, n) for n in range(records))
        document = b'{"items":[' + body + b"]}"
        if len(document) <= target:
            return document
        per_record = len(document) / records
        records -= math.ceil((len(document) - target) / per_record)


def fill_document(kb: float, index: int) -> str:
    """A small valid site of about ``kb`` KB (its name numbered: each connect is new)."""
    per_item = len(shop_document(10)) / 10
    return shop_document(max(1, round(kb * 1024 / per_item)), f"Fill {index}").decode()


# ---------------------------------------------------------------------------
# The stack: a private redis-server and gunicorn.


class Stack:
    """redis-server and ``gunicorn wsgi:app`` for one attack; ``stop()`` ends both."""

    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.dir = workdir
        self.dir.mkdir(parents=True)
        self.redis_port = free_port()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.errors = self.dir / "gunicorn.err"
        self.access = self.dir / "access.log"
        self.redis_proc: subprocess.Popen | None = None
        self.process: subprocess.Popen | None = None

    def start(self, attempts: int = 3, wait: float = 20) -> None:
        self.redis_proc = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.dir),
             "--logfile", str(self.dir / "redis.log"),
             "--maxmemory", self.args.maxmemory, "--maxmemory-policy", "noeviction"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        self._wait_redis()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "KV_"))}
        env.update(
            SECRET_KEY="abuse-bench",
            REDIS_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            WEB_CONCURRENCY=str(self.args.workers),
        )
        if self.args.threads:
            env["WEB_THREADS"] = str(self.args.threads)
        # The served tree's package, not the one the virtualenv's editable install names.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.args.tree),
                                                          env.get("PYTHONPATH")]))  # fmt: skip
        for attempt in range(1, attempts + 1):
            with open(self.errors, "a") as stderr:
                self.process = subprocess.Popen(
                    [GUNICORN, "wsgi:app", "--bind", f"127.0.0.1:{self.port}",
                     "--access-logfile", str(self.access),
                     "--access-logformat", "%(s)s %(m)s %(U)s %(L)s"],
                    cwd=self.args.tree, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
                    start_new_session=True,  # Ctrl-C reaches only this script, which stops it
                )  # fmt: skip
            if self._wait_healthy(30) and len(self.workers()) >= self.args.workers:
                return
            self._stop_gunicorn()
            if attempt == attempts:
                raise RuntimeError("gunicorn did not start:\n" + self.errors.read_text()[-3000:])
            log(f"gunicorn did not start (attempt {attempt}; the tree may be mid-edit): "
                f"retrying in {wait:.0f} s")  # fmt: skip
            time.sleep(wait)

    def _wait_redis(self) -> None:
        client = redis.Redis(port=self.redis_port, socket_timeout=1, socket_connect_timeout=1)
        deadline = time.monotonic() + 20
        try:
            while time.monotonic() < deadline:
                with contextlib.suppress(redis.RedisError):
                    if client.ping():
                        return
                time.sleep(0.05)
        finally:
            client.close()
        raise RuntimeError(f"redis-server did not start on port {self.redis_port}")

    def _wait_healthy(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.base + "/healthz", timeout=1).status_code == 200:
                    time.sleep(0.5)  # let every worker finish booting
                    return True
            if self.process is not None and self.process.poll() is not None:
                return False
            time.sleep(0.1)
        return False

    def workers(self) -> list[int]:
        """The gunicorn master's children (its workers)."""
        if self.process is None:
            return []
        return children_of(self.process.pid)

    def redis_info(self) -> dict:
        client = redis.Redis(port=self.redis_port, socket_timeout=2)
        try:
            memory, stats = client.info("memory"), client.info("stats")
            errors = client.info("errorstats")
            return {
                "used_memory": memory.get("used_memory"),
                "maxmemory": memory.get("maxmemory"),
                "keys": client.dbsize(),
                "rejected_oom": errors.get("errorstat_OOM", {}).get("count", 0),
                "commands": stats.get("total_commands_processed"),
            }
        except redis.RedisError as error:
            return {"error": f"{type(error).__name__}: {error}"}
        finally:
            client.close()

    def events(self) -> dict:
        """What gunicorn's log says about its workers during this stack's life."""
        text = self.errors.read_text(errors="replace") if self.errors.exists() else ""
        return {
            "worker_timeouts": text.count("WORKER TIMEOUT"),
            "workers_killed": len(re.findall(r"was sent SIG(?:KILL|ABRT)", text)),
            "workers_booted": text.count("Booting worker"),
            "errors_handling_request": text.count("Error handling request"),
            "tracebacks": text.count("Traceback"),
        }

    def access_statuses(self) -> dict[str, int]:
        if not self.access.exists():
            return {}
        counts: Counter = Counter()
        for line in self.access.read_text(errors="replace").splitlines():
            status = line.split(" ", 1)[0]
            if status.isdigit():
                counts[status] += 1
        return dict(sorted(counts.items()))

    def _stop_gunicorn(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # the attack is over: no grace
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        self._stop_gunicorn()
        if self.redis_proc is not None:
            with contextlib.suppress(ProcessLookupError):
                self.redis_proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.redis_proc.wait(timeout=10)
            self.redis_proc = None


def children_of(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    with contextlib.suppress(OSError):
        return [int(p) for p in path.read_text().split()]
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


# ---------------------------------------------------------------------------
# The workers' memory.


def read_status(pid: int) -> tuple[int, int] | None:
    """(VmRSS, VmHWM) in bytes, or None when the process is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    values = {}
    for line in text.splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            name, value = line.split(":", 1)
            values[name] = int(value.split()[0]) * 1024
    if "VmRSS" not in values:
        return None  # a zombie
    return values["VmRSS"], values.get("VmHWM", values["VmRSS"])


def reset_peak(pid: int) -> bool:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


@dataclass
class WorkerMemory:
    base: int  # RSS when the attack began (or when the worker appeared)
    peak: int
    last: int
    respawned: bool  # appeared during the attack (a worker was killed and replaced)
    gone_at: float | None = None


class Memory:
    """Samples the workers' RSS (and VmHWM) every ``interval`` s; phases reset the peak."""

    def __init__(self, stack: Stack, interval: float = 0.02) -> None:
        self.stack = stack
        self.interval = interval
        self.lock = threading.Lock()
        self.workers: dict[int, WorkerMemory] = {}
        self.phases: dict[str, dict[int, list[int]]] = {}  # phase -> pid -> [base, peak]
        self.phase = ""
        self.hwm = True
        self.t0 = time.monotonic()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self._pids: list[int] = []
        self._listed = 0.0

    @property
    def method(self) -> str:
        if self.hwm:
            return (
                "VmHWM reset by clear_refs at each phase start and read with VmRSS every "
                f"{self.interval * 1000:.0f} ms from /proc/PID/status"
            )
        return f"VmRSS sampled every {self.interval * 1000:.0f} ms (clear_refs was refused)"

    def start(self, phase: str) -> None:
        with self.lock:
            for pid in self.stack.workers():
                self.hwm &= reset_peak(pid)
                status = read_status(pid)
                if status:
                    self.workers[pid] = WorkerMemory(status[0], status[0], status[0], False)
            self._open_phase(phase)
        self.thread.start()

    def _open_phase(self, phase: str) -> None:
        self.phase = phase
        self.phases[phase] = {}
        for pid, worker in self.workers.items():
            if worker.gone_at is None:
                self.hwm &= reset_peak(pid)
                status = read_status(pid)
                if status:
                    self.phases[phase][pid] = [status[0], status[0]]

    def _sample(self) -> None:
        now = time.monotonic()
        if now - self._listed > 0.2:
            self._pids, self._listed = self.stack.workers(), now
        for pid in self._pids:
            if pid not in self.workers:
                reset_peak(pid)
                status = read_status(pid)
                if status:
                    self.workers[pid] = WorkerMemory(status[0], status[0], status[0], True)
                    self.phases[self.phase][pid] = [status[0], status[0]]
        for pid, worker in self.workers.items():
            if worker.gone_at is not None:
                continue
            status = read_status(pid)
            if status is None:
                worker.gone_at = now - self.t0
                continue
            rss, hwm = status
            top = max(rss, hwm) if self.hwm else rss
            worker.peak = max(worker.peak, top)
            worker.last = rss
            entry = self.phases[self.phase].setdefault(pid, [rss, rss])
            entry[1] = max(entry[1], top)

    def _loop(self) -> None:
        while not self.stopping.wait(self.interval):
            with self.lock:
                self._sample()

    def mark(self, phase: str) -> None:
        with self.lock:
            self._sample()  # the peak up to now, before it is reset
            self._open_phase(phase)

    def stop(self) -> None:
        with self.lock:
            self._sample()
        self.stopping.set()
        self.thread.join(timeout=2)

    def phase_growth(self, phase: str) -> dict[int, int]:
        return {pid: peak - base for pid, (base, peak) in self.phases.get(phase, {}).items()}

    def report(self) -> list[dict]:
        return [
            {
                "pid": pid,
                "base_mb": w.base / MB,
                "peak_mb": w.peak / MB,
                "growth_mb": (w.peak - w.base) / MB,
                "last_mb": w.last / MB,
                "respawned": w.respawned,
                "gone_at": w.gone_at,
            }
            for pid, w in self.workers.items()
        ]


# ---------------------------------------------------------------------------
# The other client.


@dataclass
class Sample:
    at: float  # time.monotonic() when sent
    seconds: float
    ok: bool
    what: str  # the status, or the error


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


class Observer:
    """A connected browser's ``GET /`` and ``GET /healthz``, each every ``interval`` s."""

    URLS = ("/", "/healthz")

    def __init__(self, base: str, cookies: dict, interval: float, timeout: float) -> None:
        self.base, self.cookies = base, cookies
        self.interval, self.timeout = interval, timeout
        self.lock = threading.Lock()
        self.samples: dict[str, list[Sample]] = {url: [] for url in self.URLS}
        self.in_flight: dict[str, float | None] = dict.fromkeys(self.URLS)
        self.closed = False
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._loop, args=(url,), daemon=True) for url in self.URLS
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def _loop(self, url: str) -> None:
        session = requests.Session()
        if url == "/":
            session.cookies.update(self.cookies)
        while not self.stopping.is_set():
            sent = time.monotonic()
            with self.lock:
                self.in_flight[url] = sent
            try:
                answer = session.get(self.base + url, timeout=self.timeout)
                ok, what = answer.status_code == 200, str(answer.status_code)
                if url == "/" and ok and "Disconnect" not in answer.text:
                    ok, what = False, "200 but not the connected home"
            except requests.Timeout:
                ok, what = False, "timeout"
            except requests.RequestException as error:
                ok, what = False, type(error).__name__
            seconds = time.monotonic() - sent
            with self.lock:
                self.in_flight[url] = None
                if self.closed:
                    return
                self.samples[url].append(Sample(sent, seconds, ok, what))
            self.stopping.wait(max(0.0, sent + self.interval - time.monotonic()))

    def stop(self) -> None:
        """Stop; a request still unanswered after a second counts as that slow (at least)."""
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=1.0)
        with self.lock:
            self.closed = True
            now = time.monotonic()
            for url, sent in self.in_flight.items():
                if sent is not None:
                    self.samples[url].append(Sample(sent, now - sent, True, "unanswered at end"))

    def stats(self, url: str, start: float, end: float) -> dict:
        with self.lock:
            picked = [s for s in self.samples[url] if start <= s.at < end]
        values = []
        for sample in picked:
            values.append(sample.seconds if sample.ok else math.inf)
            # What a client sending every interval would have seen meanwhile (HdrHistogram's
            # correction for coordinated omission).
            missed = sample.seconds - self.interval
            while missed >= self.interval:
                values.append(missed)
                missed -= self.interval
        failures = Counter(s.what for s in picked if not s.ok)
        return {
            "requests": len(picked),
            "failed": sum(failures.values()),
            "failures": dict(failures),
            "p50": percentile(values, 50),
            "p99": percentile(values, 99),
            "max": max((s.seconds for s in picked), default=None),
        }


# ---------------------------------------------------------------------------
# The attacker's HTTP: never raises, says what happened.


@dataclass
class Answer:
    status: int | None
    seconds: float
    error: str = ""
    text: str = ""
    size: int = 0

    @property
    def what(self) -> str:
        return str(self.status) if self.status is not None else self.error

    def brief(self) -> dict:
        row = {
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "error": self.error,
            "bytes": self.size,
        }
        if self.status is not None and self.status >= 400:
            row["reason"] = reason_of(self.text)
        return row


ALERT = re.compile(r'role="alert">(.*?)</p>', re.S)
TAG = re.compile(r"<[^>]+>")


def reason_of(text: str, limit: int = 110) -> str:
    """What an error answer says (the page's alert, or a JSON error), cut short."""
    found = ALERT.search(text)
    if found:
        said = html.unescape(TAG.sub("", found[1]))
    else:
        try:
            body = json.loads(text)
            said = (
                str(body.get("error") or body.get("message") or "")
                if isinstance(body, dict)
                else ""
            )
        except ValueError:
            said = ""
    said = " ".join(said.replace("Could not connect:", "").split())
    return said if len(said) <= limit else said[: limit - 1] + "…"


def call(session: requests.Session, method: str, url: str, timeout: float, **kwargs) -> Answer:
    started = time.monotonic()
    try:
        response = session.request(method, url, timeout=timeout, allow_redirects=False, **kwargs)
    except requests.Timeout:
        return Answer(None, time.monotonic() - started, f"timeout ({timeout:.0f} s)")
    except requests.RequestException as error:
        return Answer(None, time.monotonic() - started, type(error).__name__)
    return Answer(
        response.status_code, time.monotonic() - started, "", response.text, len(response.content)
    )


def download(session: requests.Session, url: str, timeout: float, deadline: float) -> Answer:
    """GET a streamed body to its end (or to ``deadline``), counting its bytes."""
    started = time.monotonic()
    size, status = 0, None
    try:
        with session.get(url, timeout=timeout, stream=True, allow_redirects=False) as response:
            status = response.status_code
            for chunk in response.iter_content(65536):
                size += len(chunk)
                if time.monotonic() > deadline:
                    return Answer(status, time.monotonic() - started, "cut at the cap", "", size)
    except requests.Timeout:
        return Answer(status, time.monotonic() - started, f"timeout ({timeout:.0f} s)", "", size)
    except requests.RequestException as error:
        return Answer(status, time.monotonic() - started, type(error).__name__, "", size)
    return Answer(status, time.monotonic() - started, "", "", size)


# ---------------------------------------------------------------------------
# One attack's context.


@dataclass
class Ctx:
    args: argparse.Namespace
    stack: Stack
    memory: Memory
    observer: Observer
    started: float
    deadline: float
    phases: list[list] = field(default_factory=list)  # [name, start, end]
    # phase -> (document bytes, status) of a connect made alone in that phase
    connects: dict[str, tuple[int, int | None]] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return self.stack.base

    def phase(self, name: str) -> None:
        now = time.monotonic()
        if self.phases:
            self.phases[-1][2] = now
        self.phases.append([name, now, None])
        self.memory.mark(name)
        log(f"  phase: {name}")

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def timeout(self, wanted: float) -> float:
        return max(0.5, min(wanted, self.remaining()))

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, min(seconds, self.remaining())))


def open_form(ctx: Ctx) -> tuple[requests.Session, str | None, Answer]:
    """A fresh browser: ``GET /`` for its cookie and the connect form's CSRF token."""
    browser = requests.Session()
    answer = call(browser, "GET", ctx.base + "/", ctx.timeout(ctx.args.request_timeout))
    match = CSRF.search(answer.text) if answer.status == 200 else None
    return browser, (match[1] if match else None), answer


def upload(ctx: Ctx, browser: requests.Session, token: str, document: bytes) -> Answer:
    return call(
        browser,
        "POST",
        ctx.base + "/connect",
        ctx.timeout(ctx.args.request_timeout),
        data={"csrf_token": token, "source": "upload"},
        files={"file": ("content.json", document, "application/json")},
    )


def fresh_upload(ctx: Ctx, document: bytes) -> tuple[requests.Session, Answer]:
    browser, token, form = open_form(ctx)
    if token is None:
        return browser, Answer(form.status, form.seconds, f"GET / {form.what}")
    return browser, upload(ctx, browser, token, document)


def generate_listing(ctx: Ctx, browser: requests.Session, prefer: str) -> tuple[str, Answer]:
    """Press the home's Generate for the listing (the intent named ``prefer`` if offered)."""
    home = call(browser, "GET", ctx.base + "/", ctx.timeout(ctx.args.request_timeout))
    forms = GENERATE.findall(home.text) if home.status == 200 else []
    token = CSRF.search(home.text) if forms else None
    if not forms or token is None:
        return "", Answer(home.status, home.seconds, f"no generate form on the home ({home.what})")
    action, intent = next((f for f in forms if f[1] == prefer), forms[0])
    answer = call(
        browser, "POST", ctx.base + action, ctx.timeout(ctx.args.request_timeout),
        data={"csrf_token": token[1]},
    )  # fmt: skip
    return intent, answer


def in_parallel(ctx: Ctx, job: Callable[[int, dict], None], count: int) -> list[dict]:
    """Run ``job(i, row)`` on ``count`` threads, each filling its row as it goes; a job
    still running at the cap keeps what it filled and says so."""
    rows: list[dict] = [{} for _ in range(count)]
    started = time.monotonic()

    def run(index: int) -> None:
        try:
            job(index, rows[index])
        except Exception as error:  # a bench bug, not the attack's: keep going, say it
            rows[index]["error"] = f"bench error: {type(error).__name__}: {error}"

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, ctx.remaining()))
    waited = time.monotonic() - started
    for thread, row in zip(threads, rows, strict=True):
        if thread.is_alive():
            row["error"] = f"still running at the cap ({waited:.0f} s)"
    return [dict(row) for row in rows]


# ---------------------------------------------------------------------------
# The attacks.


def connect_and_generate(ctx: Ctx, document: bytes, out: dict, prefer: str):
    """Connect ``document`` and generate its listing (phases "connect", "generate"); return
    (browser, intent id), or None when either answered otherwise than 303 (in ``out``)."""
    ctx.phase("connect")
    browser, answer = fresh_upload(ctx, document)
    ctx.connects["connect"] = (len(document), answer.status)
    out["connect"] = answer.brief()
    if answer.status != 303:
        return None
    ctx.phase("generate")
    intent, answer = generate_listing(ctx, browser, prefer)
    out["intent"], out["generate"] = intent, answer.brief()
    return (browser, intent) if answer.status == 303 else None


def browser_like(cookies: dict) -> requests.Session:
    """A session of its own (one connection) carrying a connected browser's cookies."""
    session = requests.Session()
    session.cookies.update(cookies)
    return session


def attack_redos(ctx: Ctx) -> dict:
    args = ctx.args
    document = redos_document(args.redos_records, args.redos_brackets)
    out: dict = {"document_bytes": len(document), "records": args.redos_records}
    ready = connect_and_generate(ctx, document, out, "items")
    if ready is None:
        return out
    browser, intent = ready
    ctx.phase("searches")
    cookies = browser.cookies.get_dict()

    def search(_index: int, row: dict) -> None:
        session = browser_like(cookies)
        started = time.monotonic()
        chrome = call(
            session, "GET", f"{ctx.base}/pages/{intent}?q=item", ctx.timeout(args.search_timeout)
        )
        row["chrome"] = chrome.brief()
        src = IFRAME.search(chrome.text) if chrome.status == 200 else None
        if src:
            url = ctx.base + html.unescape(src[1])
            row["frame"] = call(session, "GET", url, ctx.timeout(args.search_timeout)).brief()
        row["seconds"] = round(time.monotonic() - started, 3)

    out["searches"] = in_parallel(ctx, search, args.searches)
    return out


SLOW_VARIANTS = ("slow body, POST /api/connect", "slow body, multipart POST /connect",
                 "slow headers (slowloris)")  # fmt: skip


def slow_socket(
    host: str, port: int, start: bytes, trickle: bytes, every: float, t0: float, end: float
) -> dict:
    """Send ``start`` at once, then ``trickle`` one byte every ``every`` s until ``end``.

    Return when and how it ended: an answer's status line, closed or reset by the
    server, or still open when the window closed.
    """
    sent = 0
    try:
        sock = socket.create_connection((host, port), timeout=5)
    except OSError as error:
        return {"ended_at": time.monotonic() - t0, "how": f"connect failed: {error}", "sent": 0}
    try:
        sock.sendall(start)
        sent = len(start)
        next_send = time.monotonic() + every
        received = b""
        while True:
            now = time.monotonic()
            if now >= end:
                return {"ended_at": now - t0, "how": "still open at the end", "sent": sent}
            ready, _, _ = select.select([sock], [], [], max(0.0, min(next_send, end) - now))
            if ready:
                data = sock.recv(4096)
                if not data:
                    how = "closed by the server" + (" after: " + _status(received) if received
                                                    else "")  # fmt: skip
                    return {"ended_at": time.monotonic() - t0, "how": how, "sent": sent}
                received += data
                if b"\r\n" in received:
                    return {"ended_at": time.monotonic() - t0, "how": _status(received),
                            "sent": sent}  # fmt: skip
            elif time.monotonic() >= next_send:
                if sent - len(start) < len(trickle):
                    sock.sendall(trickle[sent - len(start) : sent - len(start) + 1])
                    sent += 1
                next_send += every
    except OSError as error:
        return {"ended_at": time.monotonic() - t0, "how": f"{type(error).__name__}", "sent": sent}
    finally:
        sock.close()


def _status(received: bytes) -> str:
    return received.split(b"\r\n", 1)[0].decode("latin-1")[:60]


def hold_sockets(
    address: tuple[str, int], start: bytes, trickle: bytes, every: float, count: int, window: float
) -> list[dict]:
    """``count`` slow sockets at once, for ``window`` seconds."""
    t0 = time.monotonic()
    results: list[dict | None] = [None] * count

    def hold(index: int) -> None:
        results[index] = slow_socket(*address, start, trickle, every, t0, t0 + window)

    threads = [threading.Thread(target=hold, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=window + 10)
    return [r or {"ended_at": None, "how": "bench thread did not end", "sent": 0} for r in results]


def attack_slow(ctx: Ctx) -> dict:
    args = ctx.args
    host, port = "127.0.0.1", ctx.stack.port
    length = args.slow_length
    json_head = (
        f"POST /api/connect HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json"
        f"\r\nContent-Length: {length}\r\nConnection: keep-alive\r\n\r\n"
    ).encode()
    filler = b"{" + b" " * (length - 1)
    out: dict = {"sockets": args.slow_sockets, "window": args.slow_window, "variants": {}}
    for variant in SLOW_VARIANTS:
        ctx.phase(variant)
        if variant.startswith("slow body, multipart"):
            browser, token, form = open_form(ctx)
            cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.get_dict().items())
            boundary = "abusebenchboundary"
            prefix = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
                f"{token or ''}\r\n--{boundary}\r\nContent-Disposition: form-data; "
                f'name="source"\r\n\r\nupload\r\n--{boundary}\r\nContent-Disposition: '
                f'form-data; name="file"; filename="content.json"\r\n'
                "Content-Type: application/json\r\n\r\n"
            ).encode()
            head = (
                f"POST /connect HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                f"Content-Length: {length}\r\n\r\n"
            ).encode()
            start, trickle, every = head + prefix, filler, args.body_interval
        elif variant.startswith("slow body"):
            start, trickle, every = json_head, filler, args.body_interval
        else:
            start, trickle, every = json_head[:1], json_head[1:], args.header_interval
        out["variants"][variant] = hold_sockets(
            (host, port), start, trickle, every, args.slow_sockets, args.slow_window
        )
        ctx.phase(f"{SETTLE:.0f} s after variant {SLOW_VARIANTS.index(variant) + 1}")
        time.sleep(SETTLE)
    return out


def attack_exports(ctx: Ctx) -> dict:
    args = ctx.args
    document = shop_document(args.export_items)
    out: dict = {"document_bytes": len(document), "items": args.export_items}
    ready = connect_and_generate(ctx, document, out, "products")
    if ready is None:
        return out
    browser, _intent = ready
    ctx.phase("exports")
    cookies = browser.cookies.get_dict()

    def export(_index: int, row: dict) -> None:
        session = browser_like(cookies)
        timeout = ctx.timeout(args.request_timeout)
        row.update(download(session, ctx.base + "/export.zip", timeout, ctx.deadline).brief())

    out["exports"] = in_parallel(ctx, export, args.exports)
    return out


def attack_uploads(ctx: Ctx) -> dict:
    args = ctx.args
    size = round(args.upload_mb * MB)
    records = args.upload_records or round(400_000 * args.upload_mb / 12)
    document = tiny_document(size, records)
    out: dict = {"document_bytes": len(document), "records": records, "uploads": args.uploads}
    ctx.phase("one connect alone")
    _browser, answer = fresh_upload(ctx, document)
    ctx.connects["one connect alone"] = (len(document), answer.status)
    out["alone"] = answer.brief()
    ctx.phase("settle")
    ctx.sleep(1.5)
    ctx.phase("parallel uploads")
    out["parallel"] = in_parallel(
        ctx, lambda _i, row: row.update(fresh_upload(ctx, document)[1].brief()), args.uploads
    )
    ctx.phase("after")
    ctx.sleep(2.0)
    return out


def attack_fill(ctx: Ctx) -> dict:
    args = ctx.args
    documents = [fill_document(args.fill_doc_kb, i) for i in range(args.fill_threads)]
    out: dict = {
        "connects": args.fill_connects,
        "document_bytes": len(documents[0]),
        "threads": args.fill_threads,
    }
    ctx.phase("small connects")
    lock = threading.Lock()
    outcomes: Counter = Counter()
    examples: dict[str, str] = {}  # outcome -> what the first such answer said
    taken = [0]
    started = time.monotonic()

    def connect_many(thread: int, _row: dict) -> None:
        session = requests.Session()
        while ctx.remaining() > 0:
            with lock:
                if taken[0] >= args.fill_connects:
                    break
                taken[0] += 1
                index = taken[0]
            session.cookies.clear()  # a new visitor each time: a new browser session
            timeout = ctx.timeout(args.request_timeout)
            form = call(session, "GET", ctx.base + "/", timeout)
            match = CSRF.search(form.text) if form.status == 200 else None
            if match is None:
                with lock:
                    outcomes[f"GET / {form.what}"] += 1
                continue
            if args.fill_source == "demo":
                data = {"csrf_token": match[1], "source": "demo", "demo": "restaurant"}
            else:
                pasted = documents[thread].replace('"Fill ', f'"Fill {index} ', 1)
                data = {"csrf_token": match[1], "source": "paste", "json": pasted}
            answer = call(session, "POST", ctx.base + "/connect", timeout, data=data)
            said = answer.brief().get("reason")
            with lock:
                outcomes[f"POST /connect {answer.what}"] += 1
                if said:
                    examples.setdefault(f"POST /connect {answer.what}", said)

    in_parallel(ctx, connect_many, args.fill_threads)
    out["connect_seconds"] = round(time.monotonic() - started, 2)
    out["outcomes"] = dict(outcomes.most_common())
    out["outcome_examples"] = examples
    out["succeeded"] = outcomes.get("POST /connect 303", 0)
    out["attempted"] = taken[0]
    out["redis_after_small"] = ctx.stack.redis_info()
    big = tiny_document(round(args.fill_upload_mb * MB), round(args.fill_upload_mb * MB / 30))
    out["upload_bytes"] = len(big)
    out["uploads"] = []
    for number in range(1, args.fill_uploads + 1):
        phase = f"big upload {number}"
        ctx.phase(phase)
        answer = fresh_upload(ctx, big)[1]
        ctx.connects[phase] = (len(big), answer.status)
        out["uploads"].append(answer.brief())
    out["redis_after"] = ctx.stack.redis_info()
    ctx.phase("new visitor")
    visitor, token, form = open_form(ctx)
    out["new_visitor_home"] = {**form.brief(), "connect_form": token is not None}
    if token is not None:
        answer = call(
            visitor, "POST", ctx.base + "/connect", ctx.timeout(args.request_timeout),
            data={"csrf_token": token, "source": "demo", "demo": "restaurant"},
        )  # fmt: skip
        out["new_visitor_connect"] = answer.brief()
    health = call(requests.Session(), "GET", ctx.base + "/healthz", ctx.timeout(5))
    with contextlib.suppress(ValueError):
        out["healthz"] = {"status": health.status, **json.loads(health.text or "{}")}
    return out


ATTACKS: dict[int, tuple[str, Callable[[Ctx], dict]]] = {
    1: ("ReDoS search", attack_redos),
    2: ("slow requests", attack_slow),
    3: ("exports", attack_exports),
    4: ("uploads in memory", attack_uploads),
    5: ("filling Redis", attack_fill),
}


# ---------------------------------------------------------------------------
# Running one attack.


def observer_browser(base: str, timeout: float) -> dict:
    """Connect the restaurant demo as the other client; return its cookies."""
    browser = requests.Session()
    for _attempt in range(5):
        form = call(browser, "GET", base + "/", timeout)
        match = CSRF.search(form.text) if form.status == 200 else None
        if match:
            data = {"csrf_token": match[1], "source": "demo", "demo": "restaurant"}
            if call(browser, "POST", base + "/connect", timeout, data=data).status == 303:
                break
        time.sleep(0.5)
    else:
        raise RuntimeError("the other client could not connect the restaurant demo")
    for _ in range(10):  # warm both workers' caches
        browser.get(base + "/", timeout=timeout)
        requests.get(base + "/healthz", timeout=timeout)
    return browser.cookies.get_dict()


def run_attack(number: int, args: argparse.Namespace, workdir: Path) -> dict:
    name, attack = ATTACKS[number]
    cap = args.cap
    if number == 2:  # it lasts its windows
        cap = max(cap, len(SLOW_VARIANTS) * (args.slow_window + SETTLE) + 20)
    log(f"attack {number}: {name} (cap {cap:.0f} s)")
    stack = Stack(args, workdir / f"attack{number}")
    result: dict = {"number": number, "name": name, "cap": cap, "load": os.getloadavg()[0]}
    try:
        stack.start()
        cookies = observer_browser(stack.base, args.observer_timeout)
        memory = Memory(stack)
        observer = Observer(stack.base, cookies, args.interval, args.observer_timeout)
        started = time.monotonic()
        ctx = Ctx(args, stack, memory, observer, started, started + cap)
        memory.start("start")
        observer.start()
        try:
            result["attack"] = attack(ctx)
        except Exception as error:  # a bench bug: report it, keep the other attacks
            result["bench_error"] = f"{type(error).__name__}: {error}"
            log(f"  bench error: {result['bench_error']}")
        ended = time.monotonic()
        if ctx.phases:
            ctx.phases[-1][2] = ended
        observer.stop()
        memory.stop()
        result["seconds"] = round(ended - started, 1)
        result["capped"] = ended >= ctx.deadline - 0.5
        result["observer"] = {url: observer.stats(url, started, ended) for url in Observer.URLS}
        result["phases"] = [
            {
                "name": phase,
                "seconds": round(end - start, 2),
                "observer": {url: observer.stats(url, start, end) for url in Observer.URLS},
                "growth_mb": {
                    str(pid): round(grown / MB, 1)
                    for pid, grown in memory.phase_growth(phase).items()
                },
            }
            for phase, start, end in ctx.phases
        ]
        result["memory_method"] = memory.method
        result["workers"] = memory.report()
        result["connect_ratios"] = connect_ratios(ctx, result)
        result["gunicorn"] = stack.events()
        result["server_statuses"] = stack.access_statuses()
    finally:
        stack.stop()
    return result


def connect_ratios(ctx: Ctx, result: dict) -> list[dict]:
    """Peak RSS growth of a connect made alone / its document's size (judged for documents
    of 1 MB and more that connected: a connect refused at once read nothing); and in attack
    4's parallel phase, each worker's and the workers' summed growth (not judged: how many
    uploads each worker held at once is not known)."""
    rows = []
    for phase, (size, status) in ctx.connects.items():
        growth = max(ctx.memory.phase_growth(phase).values(), default=0)
        note = "" if size >= RATIO_FROM else "under 1 MB: not judged"
        if status != 303 and not note:
            note = f"answered {status}: not judged"
        rows.append({"phase": phase, "document_bytes": size, "growth_mb": growth / MB,
                     "ratio": growth / size, "counts": not note, "note": note})  # fmt: skip
    attack = result.get("attack") or {}
    if "parallel" in attack:
        size, uploads = attack["document_bytes"], len(attack["parallel"])
        grown = ctx.memory.phase_growth("parallel uploads")
        for pid, growth in grown.items():
            rows.append({"phase": f"parallel uploads, worker {pid}", "document_bytes": size,
                         "growth_mb": growth / MB, "ratio": growth / size, "counts": False,
                         "note": "one worker's growth / one document"})  # fmt: skip
        total = sum(max(0, g) for g in grown.values())
        rows.append({"phase": f"parallel uploads, workers summed / {uploads} uploads",
                     "document_bytes": size, "growth_mb": total / MB,
                     "ratio": total / (size * max(1, uploads)), "counts": False,
                     "note": "informational"})  # fmt: skip
    return rows


# ---------------------------------------------------------------------------
# Printing.


def fmt_s(value: float | None) -> str:
    if value is None:
        return "-"
    if math.isinf(value):
        return "fail"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s"


def fmt_obs(stats: dict) -> str:
    failed = f", {stats['failed']} failed" if stats["failed"] else ""
    return (
        f"p50 {fmt_s(stats['p50'])}, p99 {fmt_s(stats['p99'])}, max {fmt_s(stats['max'])} "
        f"({stats['requests']} req{failed})"
    )


def fmt_answer(row: dict | None) -> str:
    if not row:
        return "-"
    if "status" not in row:
        return row.get("error", "?")
    what = str(row["status"]) if row["status"] is not None else row["error"]
    if row["status"] is not None and row.get("error"):
        what += f" ({row['error']})"
    said = f': "{row["reason"]}"' if row.get("reason") else ""
    return f"{what} in {row['seconds']:.2f} s{said}"


def table(headers: list[str], rows: list[list], out: list[str]) -> None:
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]  # fmt: skip
    out.append("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    out.append("  ".join("-" * w for w in widths))
    for row in cells:
        out.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


def print_attack(result: dict) -> str:
    out = [f"\n=== Attack {result['number']}: {result['name']} ==="]
    if "observer" not in result:
        out.append(f"did not run: {result.get('bench_error') or 'the stack did not start'}")
        return "\n".join(out)
    capped = " (stopped at the cap)" if result["capped"] else ""
    out.append(f"{result['seconds']:.1f} s{capped}; load average at its start {result['load']:.1f}")
    attack = result.get("attack") or {}
    if result.get("bench_error"):
        out.append(f"BENCH ERROR: {result['bench_error']}")
    number = result["number"]
    if number in (1, 3):
        out.append(
            f"document {attack.get('document_bytes', 0) / MB:.1f} MB; connect: "
            f"{fmt_answer(attack.get('connect'))}; generate {attack.get('intent', '')}: "
            f"{fmt_answer(attack.get('generate'))}"
        )
    if number == 1 and "searches" in attack:
        rows = [
            [i + 1, fmt_answer(r.get("chrome")), fmt_answer(r.get("frame")),
             r.get("seconds", r.get("error", ""))]
            for i, r in enumerate(attack["searches"])
        ]  # fmt: skip
        table(["search", "GET /pages/<id>?q=item", "its frame (the results)", "total s / what"],
              rows, out)  # fmt: skip
    if number == 2:
        out.append(f"{attack.get('sockets')} sockets per variant, held {attack.get('window')} s")
        for variant, sockets in attack.get("variants", {}).items():
            out.append(f"-- {variant}")
            rows = [[i + 1, f"{s['ended_at']:.1f}" if s["ended_at"] is not None else "-",
                     s["how"], s["sent"]] for i, s in enumerate(sockets)]  # fmt: skip
            table(["socket", "ended at s", "how", "bytes sent"], rows, out)
    if number == 3 and "exports" in attack:
        rows = [[i + 1, fmt_answer(r), f"{r.get('bytes', 0) / MB:.1f}"]
                for i, r in enumerate(attack["exports"])]  # fmt: skip
        table(["export", "status / duration", "MB received"], rows, out)
    if number == 4:
        out.append(
            f"document {attack.get('document_bytes', 0) / MB:.1f} MB, "
            f"{attack.get('records', 0):,} records; alone: {fmt_answer(attack.get('alone'))}"
        )
        rows = [[i + 1, fmt_answer(r)] for i, r in enumerate(attack.get("parallel", []))]
        table(["upload", "status / duration"], rows, out)
    if number == 5 and "outcomes" in attack:
        out.append(
            f"{attack['attempted']} of {attack['connects']} small connects attempted "
            f"({attack['document_bytes'] / 1024:.0f} KB each, {attack['threads']} threads) in "
            f"{attack['connect_seconds']} s: {attack['succeeded']} succeeded"
        )
        examples = attack.get("outcome_examples", {})
        rows = [[k, v, examples.get(k, "")] for k, v in attack["outcomes"].items()]
        table(["outcome", "count", "what the first one said"], rows, out)
        small = attack.get("redis_after_small", {})
        out.append(f"Redis after them: {fmt_redis(small)}")
        for i, row in enumerate(attack.get("uploads", [])):
            out.append(f"big upload {i + 1} ({attack['upload_bytes'] / MB:.1f} MB): "
                       f"{fmt_answer(row)}")  # fmt: skip
        out.append(f"Redis after: {fmt_redis(attack.get('redis_after', {}))}")
        home = attack.get("new_visitor_home", {})
        out.append(
            f"a NEW visitor's GET /: {fmt_answer(home)}"
            f"{', with the connect form' if home.get('connect_form') else ', NO connect form'}"
            f"; its demo connect: {fmt_answer(attack.get('new_visitor_connect'))}"
            f"; /healthz: {attack.get('healthz', {}).get('status')} "
            f"{attack.get('healthz', {}).get('reason', attack.get('healthz', {}).get('status'))}"
        )
    out.append("phases (the other client's figures; peak RSS growth per worker, MB):")
    rows = []
    for phase in result["phases"]:
        growth = ", ".join(f"{g:.0f}" for g in phase["growth_mb"].values())
        rows.append([phase["name"], f"{phase['seconds']:.1f}", fmt_obs(phase["observer"]["/"]),
                     fmt_obs(phase["observer"]["/healthz"]), growth])  # fmt: skip
    table(["phase", "s", "GET / (connected home)", "GET /healthz", "growth MB"], rows, out)
    out.append(f"workers ({result['memory_method']}):")
    rows = [
        [w["pid"], f"{w['base_mb']:.0f}", f"{w['peak_mb']:.0f}", f"{w['growth_mb']:.0f}",
         f"{w['last_mb']:.0f}",
         ("respawned " if w["respawned"] else "")
         + (f"gone at {w['gone_at']:.1f} s" if w["gone_at"] is not None else "")]
        for w in result["workers"]
    ]  # fmt: skip
    table(["pid", "start MB", "peak MB", "growth MB", "after MB", "note"], rows, out)
    for row in result["connect_ratios"]:
        out.append(
            f"connect RSS: {row['phase']}: peak growth {row['growth_mb']:.0f} MB, documents of "
            f"{row['document_bytes'] / MB:.1f} MB: {row['ratio']:.1f}x"
            + (f" ({row['note']})" if row["note"] else "")
        )
    events = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in result["gunicorn"].items())
    out.append(f"gunicorn log: {events}")
    statuses = ", ".join(f"{k}: {v}" for k, v in result["server_statuses"].items())
    out.append(f"server answers (access log, all clients): {statuses}")
    verdict = verdicts(result)
    out.append(
        f"requirement p99 <= {P99_LIMIT:.0f} s (GET / and /healthz): "
        f"{'held' if verdict['p99'] else 'NOT held'}"
    )
    if verdict["rss"] is not None:
        out.append(
            f"requirement connect RSS growth <= {RSS_RATIO_LIMIT:.0f}x document: "
            f"{'held' if verdict['rss'] else 'NOT held'} (worst {verdict['ratio']:.1f}x)"
        )
    return "\n".join(out)


def fmt_redis(info: dict) -> str:
    if "used_memory" not in info:
        return info.get("error", "?")
    return (
        f"used {info['used_memory'] / MB:.0f} MB of {info['maxmemory'] / MB:.0f} MB, "
        f"{info['keys']} keys, {info['rejected_oom']} commands refused (OOM)"
    )


def verdicts(result: dict) -> dict:
    obs = result["observer"]
    p99s = [obs[url]["p99"] for url in Observer.URLS]
    p99_ok = all(p is not None and p <= P99_LIMIT for p in p99s)
    judged = [r for r in result["connect_ratios"] if r["counts"]]
    ratio = max((r["ratio"] for r in judged), default=None)
    rss = None if ratio is None else ratio <= RSS_RATIO_LIMIT
    return {"p99": p99_ok, "rss": rss, "ratio": ratio}


def summary(results: list[dict]) -> str:
    out = ["\n=== Summary ==="]
    rows = []
    for result in results:
        if "observer" not in result:
            rows.append([f"{result['number']}. {result['name']}", "did not run", *[""] * 7])
            continue
        home, health = result["observer"]["/"], result["observer"]["/healthz"]
        verdict = verdicts(result)
        growth = ", ".join(f"{w['growth_mb']:.0f}{'*' if w['respawned'] else ''}"
                           for w in result["workers"])  # fmt: skip
        ratio = f"{verdict['ratio']:.1f}x" if verdict["ratio"] is not None else "-"
        rss = "-" if verdict["rss"] is None else ("yes" if verdict["rss"] else "NO")
        rows.append([
            f"{result['number']}. {result['name']}",
            f"{fmt_s(home['p50'])} / {fmt_s(home['p99'])}",
            f"{fmt_s(health['p50'])} / {fmt_s(health['p99'])}",
            f"{home['failed'] + health['failed']}",
            growth, ratio,
            "yes" if verdict["p99"] else "NO", rss,
            f"{result['seconds']:.0f}{' (cap)' if result['capped'] else ''}",
        ])  # fmt: skip
    table(["attack", "/ p50 / p99", "/healthz p50 / p99", "failed", "peak RSS growth MB/worker",
           "connect ratio", "p99 <= 1 s", "RSS <= 10x", "s"], rows, out)  # fmt: skip
    out.append(
        "p50/p99: the other client's, corrected for coordinated omission; fail: a failed "
        "request (timeout, reset, non-200) at that rank. * a worker respawned during the "
        "attack. connect ratio: the worst peak RSS growth of a connect / its document size."
    )
    return "\n".join(out)


def prepare_tree(args: argparse.Namespace, workdir: Path) -> str:
    """Set ``args.tree`` (the folder gunicorn serves) and say what it holds."""
    if args.commit:
        tree = workdir / "tree"
        tree.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", "--format=tar", args.commit],
            capture_output=True, check=False,
        )  # fmt: skip
        if archive.returncode != 0:
            raise SystemExit(f"git archive {args.commit}: {archive.stderr.decode()[:300]}")
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
        args.tree = tree
        return f"commit {git(ROOT, 'rev-parse', '--short', args.commit)} (git archive)"
    source = Path(args.tree or ROOT).resolve()
    head = git(source, "rev-parse", "--short", "HEAD") or "not a git checkout"
    changed = git(source, "status", "--porcelain", "--untracked-files=no").splitlines()
    described = f"{source} at {head}" + (
        f", with uncommitted changes to {', '.join(line[3:] for line in changed)}"
        if changed
        else ""
    )
    if args.snapshot:  # later edits of the tree do not change what later attacks serve
        tree = workdir / "tree"
        skip = shutil.ignore_patterns(".git", ".venv", "node_modules", "__pycache__", "tests",
                                      "docs", "*.egg-info")  # fmt: skip
        shutil.copytree(source, tree, ignore=skip)
        args.tree = tree
        return described + " (copied at the start)"
    args.tree = source
    return described


def git(tree: Path, *command: str) -> str:
    done = subprocess.run(["git", "-C", str(tree), *command], capture_output=True, text=True,
                          check=False)  # fmt: skip
    return done.stdout.strip() if done.returncode == 0 else ""


def clean(value):
    """JSON-safe: infinities become null."""
    if isinstance(value, float):
        return None if math.isinf(value) or math.isnan(value) else round(value, 4)
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Sizes default to the review's figures; --quick shrinks those not given.",
    )
    add = parser.add_argument
    add("--quick", action="store_true", help="small sizes, 30 s caps: about 2 minutes in all")
    add("--attacks", default="1,2,3,4,5", help="which attacks, e.g. 1,4")
    add("--json", metavar="PATH", help="also write the figures as JSON")
    add("--keep", action="store_true", help="keep the logs' temporary dir (printed)")
    add("--tree", help="the project folder gunicorn serves (default: this checkout)")
    add("--commit", help="serve this commit instead (git archive to a temporary dir)")
    add("--snapshot", action="store_true",
        help="copy the tree first: edits made during the run change no later attack")  # fmt: skip
    add("--cap", type=float, help="seconds an attack may last (90; quick 30)")
    add("--workers", type=int, default=2, help="WEB_CONCURRENCY")
    add("--threads", type=int, help="WEB_THREADS (default: the app's)")
    add("--maxmemory", help="redis-server --maxmemory (200mb; quick 48mb)")
    add("--interval", type=float, default=0.05, help="the other client's period, s")
    add("--observer-timeout", type=float, default=10.0, help="the other client's timeout, s")
    add("--request-timeout", type=float, default=60.0, help="the attacker's timeout, s")
    add("--redos-records", type=int, help="attack 1: records (3000; quick 150)")
    add("--redos-brackets", type=int, default=4000, help="attack 1: '[' per description")
    add("--searches", type=int, help="attack 1: parallel searches (8)")
    add("--search-timeout", type=float, default=60.0, help="attack 1: a search's timeout, s")
    add("--slow-sockets", type=int, default=10, help="attack 2: sockets per variant")
    add("--slow-window", type=float, help="attack 2: seconds each variant holds (40; quick 9)")
    add("--slow-length", type=int, default=1_000_000, help="attack 2: Content-Length")
    add("--body-interval", type=float, default=5.0, help="attack 2: s between body bytes")
    add("--header-interval", type=float, default=2.0, help="attack 2: s between header bytes")
    add("--export-items", type=int, help="attack 3: products (50000; quick 5000)")
    add("--exports", type=int, help="attack 3: parallel exports (16; quick 4)")
    add("--uploads", type=int, help="attack 4: parallel uploads (8; quick 4)")
    add("--upload-mb", type=float, help="attack 4: document MB (12; quick 2)")
    add("--upload-records", type=int, help="attack 4: records (400,000 per 12 MB)")
    add("--fill-connects", type=int, help="attack 5: small connects (940; quick 250)")
    add("--fill-threads", type=int, default=4, help="attack 5: client threads")
    add("--fill-source", choices=("paste", "demo"), default="paste",
        help="attack 5: a pasted document or the restaurant demo")  # fmt: skip
    add("--fill-doc-kb", type=float, default=30.0, help="attack 5: pasted document KB")
    add("--fill-uploads", type=int, default=2, help="attack 5: big uploads")
    add("--fill-upload-mb", type=float, help="attack 5: big upload MB (15.9; quick 4)")
    args = parser.parse_args()
    for name, (full, quick) in DEFAULTS.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    try:
        numbers = [int(n) for n in args.attacks.split(",") if n.strip()]
    except ValueError:
        parser.error("--attacks takes numbers, e.g. 1,4")
    if not numbers or any(n not in ATTACKS for n in numbers):
        parser.error(f"--attacks: choose from {sorted(ATTACKS)}")
    if not shutil.which("redis-server"):
        raise SystemExit("redis-server is not installed")

    def terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    workdir = Path(tempfile.mkdtemp(prefix="abuse-"))
    began = time.monotonic()
    results = []
    try:
        served = prepare_tree(args, workdir)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    print(
        f"abuse bench: {'quick' if args.quick else 'full'} run, {time.strftime('%Y-%m-%d %H:%M')}"
        f", {os.cpu_count()} CPUs\nserving {served}\ngunicorn wsgi:app ({args.workers} workers, "
        f"WEB_THREADS={args.threads or 'default'}), redis-server --maxmemory {args.maxmemory} "
        f"noeviction; the other client every {args.interval * 1000:.0f} ms, timeout "
        f"{args.observer_timeout:.0f} s; attack cap {args.cap:.0f} s",
        flush=True,
    )
    try:
        for number in numbers:
            try:
                result = run_attack(number, args, workdir)
            except (RuntimeError, OSError, requests.RequestException) as error:
                log(f"attack {number} could not run: {error}")
                result = {"number": number, "name": ATTACKS[number][0], "bench_error": str(error)}
            results.append(result)
            print(print_attack(result), flush=True)
    except KeyboardInterrupt:
        log("interrupted: stopped every process this run started")
        raise SystemExit(130) from None
    finally:
        if args.keep:
            log(f"logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(summary(results))
    print(f"\nwall time {time.monotonic() - began:.0f} s")
    if args.json:
        payload = {"args": {**vars(args), "tree": str(args.tree)}, "served": served,
                   "results": results}  # fmt: skip
        Path(args.json).write_text(json.dumps(clean(payload), indent=2) + "\n")
        log(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
