"""A real gunicorn with 4 workers: sessions are found by every worker (or it refuses to start)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from conftest import ROOT, CSRF_FIELD, free_port

GUNICORN = str(Path(sys.executable).parent / "gunicorn")
REQUESTS = 1000


def gunicorn_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "KV_"))}
    env.update({"SECRET_KEY": "gunicorn-test-secret", "WEB_CONCURRENCY": "4"}, **extra)
    return env


@pytest.fixture
def gunicorn_on_redis(redis_server, redis_client, tmp_path):
    port = free_port()
    access_log = tmp_path / "access.log"
    errors = tmp_path / "gunicorn.err"
    with open(errors, "w") as stderr:
        process = subprocess.Popen(
            [
                GUNICORN, "wsgi:app",
                "--bind", f"127.0.0.1:{port}",
                "--access-logfile", str(access_log),
                "--access-logformat", "%(p)s %(s)s %(m)s %(U)s",
            ],
            cwd=ROOT,
            env=gunicorn_env(REDIS_URL=redis_server.url),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            pytest.fail("gunicorn did not start: " + errors.read_text())
        time.sleep(0.2)
    yield base, access_log
    process.terminate()
    process.wait(timeout=20)


def test_session_is_found_by_every_worker(gunicorn_on_redis):
    base, access_log = gunicorn_on_redis
    browser = requests.Session()
    form = browser.get(base + "/", timeout=5)
    token = CSRF_FIELD.search(form.text).group(1)
    connected = browser.post(
        base + "/connect",
        data={"csrf_token": token, "source": "demo", "demo": "restaurant"},
        timeout=10,
    )
    assert connected.status_code == 200 and "Disconnect" in connected.text
    cookies = browser.cookies.get_dict()
    browser.close()

    def visit(_):
        # A new connection every time, so that gunicorn hands requests to any worker.
        response = requests.get(base + "/", cookies=cookies, timeout=10)
        return response.status_code, "Session not found" in response.text

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(visit, range(REQUESTS)))

    assert [status for status, _ in results].count(200) == REQUESTS
    assert sum(missing for _, missing in results) == 0
    time.sleep(0.5)  # let workers flush the access log
    pids = re.findall(r"^<(\d+)> 200 GET /$", access_log.read_text(), flags=re.M)
    assert len(pids) >= REQUESTS
    assert len(set(pids)) == 4, f"requests reached only workers {set(pids)}"


def test_memory_backend_with_four_workers_refuses_to_start():
    process = subprocess.run(
        [GUNICORN, "wsgi:app", "--bind", f"127.0.0.1:{free_port()}"],
        cwd=ROOT,
        env=gunicorn_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode != 0
    assert "REDIS_URL" in process.stderr
    assert "4 gunicorn workers" in process.stderr
