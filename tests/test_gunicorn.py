"""A real gunicorn with 4 workers: sessions are found by every worker (or it refuses to start)."""

from __future__ import annotations

import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from conftest import CSRF_FIELD, GUNICORN, ROOT, Gunicorn, free_port

pytestmark = pytest.mark.slow

REQUESTS = 1000


@pytest.fixture
def gunicorn_on_redis(redis_server, redis_client, tmp_path):
    server = Gunicorn(tmp_path, workers=4, REDIS_URL=redis_server.url)
    server.start()
    yield server.base, server.access_log
    server.stop()


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


def test_memory_backend_with_four_workers_refuses_to_start(tmp_path):
    env = Gunicorn(tmp_path, workers=4).env
    process = subprocess.run(
        [GUNICORN, "wsgi:app", "--bind", f"127.0.0.1:{free_port()}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode != 0
    assert "REDIS_URL" in process.stderr
    assert "4 gunicorn workers" in process.stderr


def test_gunicorn_conf_binds_port_on_all_interfaces_with_web_concurrency_workers(
    redis_server, redis_client, tmp_path
):
    port = free_port()
    server = Gunicorn(tmp_path, workers=3, bind=False, PORT=str(port), REDIS_URL=redis_server.url)
    server.port, server.base = port, f"http://127.0.0.1:{port}"
    server.start()
    try:
        connections = subprocess.run(
            ["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True
        ).stdout
        assert f"0.0.0.0:{port}" in connections
        # The first worker may answer before the others have forked: give them time.
        deadline = time.monotonic() + 15
        while True:
            workers = subprocess.run(
                ["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True
            ).stdout.split()
            if len(workers) >= 3 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert len(workers) == 3
    finally:
        server.stop()
