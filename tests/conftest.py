"""Fixtures: real redis-server processes, apps on both backends, CSRF-aware clients."""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis

from webapp import create_app

# The machine's environment must not choose the backend for the tests.
for _name in (
    "REDIS_URL",
    "KV_URL",
    "KV_REST_API_URL",
    "KV_REST_API_TOKEN",
    "STORAGE_BACKEND",
    "SECRET_KEY",
    "APP_ENV",
    "KEY_PREFIX",
    "SESSION_TTL_SECONDS",
    "MAX_CONTENT_LENGTH",
    "ALLOW_PRIVATE_URLS",
    "SLEEKCMS_API_BASE",
    "WEBAPP_GUNICORN_WORKERS",
    "WEB_CONCURRENCY",
    "PORT",
    "VERCEL",
    "AWS_LAMBDA_FUNCTION_NAME",
    "NETLIFY",
    "K_SERVICE",
    # A developer's own key must never reach the tests (nor the SDK's other settings).
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "ANTHROPIC_BASE_URL",
    "ANTHROPIC_MODEL",
    "AI_BUDGET_SECONDS",
    "AI_REQUIRED",
):
    os.environ.pop(_name, None)

ROOT = Path(__file__).resolve().parent.parent
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A private redis-server process that a test may stop and start again."""

    def __init__(self, workdir: Path, *extra_args: str) -> None:
        """``extra_args`` are more redis-server options (``"--maxmemory", "4mb"``...)."""
        self.extra_args = list(extra_args)
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            pytest.fail("redis-server is not installed (.ci/run installs it)")
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.workdir),
                "--logfile", str(self.workdir / "redis.log"),
                *self.extra_args,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        try:
            for _ in range(100):
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    time.sleep(0.05)
            pytest.fail(f"redis-server did not start on port {self.port}")
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, decode_responses=True)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """One redis-server for the session; tests flush it before use."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of this test's own, which it may stop, restart or reconfigure."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory):
    """One real 3-node Redis Cluster for the session; tests flush it before use."""
    from topologies import RedisClusterNodes

    # A generous node timeout: a test freezes a node (SIGSTOP) for a second or two.
    nodes = RedisClusterNodes(tmp_path_factory.mktemp("cluster"), node_timeout_ms=5000)
    try:
        nodes.start()
        yield nodes
    finally:
        nodes.stop()


@pytest.fixture
def redis_client(redis_server):
    """A raw client on the test redis-server, flushed before the test."""
    client = redis_server.client()
    client.flushall()
    yield client
    client.close()


def backend_config(backend: str, redis_server: RedisServer | None) -> dict:
    """Return test_config for create_app on the given backend."""
    config = {
        "TESTING": True,
        # Errors go through the app's handlers, as in production.
        "PROPAGATE_EXCEPTIONS": False,
        "SECRET_KEY": "test-secret",
        "STORAGE_BACKEND": backend,
        # Tests connect from one address many times a minute (test_client_limits.py
        # tests the per-client limits themselves).
        "CONNECTS_PER_MINUTE": 10_000,
    }
    if backend == "redis":
        config["REDIS_URL"] = redis_server.url
        config["REDIS_URL_VAR"] = "REDIS_URL"
    return config


@pytest.fixture(params=["memory", "redis"])
def backend(request):
    """Run the test once on each storage backend."""
    return request.param


@pytest.fixture
def app(backend, request):
    """An app on the current backend (a flushed private redis-server for Redis)."""
    server = None
    if backend == "redis":
        server = request.getfixturevalue("redis_server")
        request.getfixturevalue("redis_client")  # flushes
    application = create_app(backend_config(backend, server))
    yield application
    store = application.extensions["site_store"]
    if backend == "redis":
        store.close()


@pytest.fixture
def make_app(backend, request):
    """Make an app on the current backend with these settings (a flushed redis-server for
    Redis; its store closed after the test)."""

    def make(**config):
        server = request.getfixturevalue("redis_server") if backend == "redis" else None
        if server is not None:
            request.getfixturevalue("redis_client")  # flushes
        application = create_app({**backend_config(backend, server), **config})
        request.addfinalizer(application.extensions["site_store"].close)
        return application

    return make


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(client, path: str = "/") -> str:
    """Fetch a page and return the CSRF token of its first form."""
    response = client.get(path)
    match = CSRF_FIELD.search(response.get_data(as_text=True))
    assert match, f"no csrf_token field on {path} ({response.status_code})"
    return match.group(1)


def connect(client, **fields):
    """Post the connect form with a valid CSRF token and return the response."""
    data = {"csrf_token": csrf_token(client), **fields}
    return client.post("/connect", data=data)


def site_sid(client) -> str:
    """Return the id of the site session this test browser is connected to."""
    with client.session_transaction() as browser:
        return browser["site_sid"]


def connect_demo(client, name: str = "restaurant"):
    response = connect(client, source="demo", demo=name)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response


GUNICORN = str(Path(__import__("sys").executable).parent / "gunicorn")


class Gunicorn:
    """A real gunicorn serving wsgi:app from the project folder, on a free port."""

    def __init__(self, workdir: Path, workers: int, bind: bool = True, **env) -> None:
        """With ``bind=False`` gunicorn.conf.py chooses the address (from $PORT)."""
        self.bind = bind
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.access_log = workdir / "access.log"
        self.errors = workdir / "gunicorn.err"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "KV_"))}
        self.env.update(
            SECRET_KEY="gunicorn-test-secret",
            WEB_CONCURRENCY=str(workers),
            CONNECTS_PER_MINUTE="10000",  # tests connect from one address many times
        )
        self.env.update(env)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        import requests

        with open(self.errors, "w") as stderr:
            self.process = subprocess.Popen(
                [
                    GUNICORN, "wsgi:app",
                    *(["--bind", f"127.0.0.1:{self.port}"] if self.bind else []),
                    "--access-logfile", str(self.access_log),
                    "--access-logformat", "%(p)s %(s)s %(m)s %(U)s",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):  # booting
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail("gunicorn did not start: " + self.errors.read_text())
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


def upload(client, content: bytes, filename: str = "site.json", token: str | None = None):
    """Post the upload form; close werkzeug's temporary file holding a large request body."""
    from werkzeug.test import EnvironBuilder

    data = {
        "csrf_token": token or csrf_token(client),
        "source": "upload",
        "file": (io.BytesIO(content), filename),
    }
    builder = EnvironBuilder(
        path="/connect", method="POST", data=data, content_type="multipart/form-data"
    )
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()


def pytest_collection_modifyitems(items):
    """Run the files that start servers first: with the suite in two processes (each
    taking whole files), a long file started last would leave the other idle."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)  # stable: order kept within
