"""Slow content servers cannot take the app down (real gunicorn, default worker settings).

A remote that sends its headers one byte at a time holds a fetch until the overall
deadline, never longer; while eight such fetches are in flight the rest of the app
answers, because workers are threaded and each process runs a bounded number of
fetches (the rest are told at once that the app is busy).
"""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from conftest import CSRF_FIELD, Gunicorn

pytestmark = pytest.mark.slow

FETCH_DEADLINE = 6.0


class _Trickle(BaseHTTPRequestHandler):
    """Answers one byte of its status line every half second, for up to a minute."""

    def do_GET(self):  # http.server's naming
        self.server.in_flight += 1
        try:
            for byte in b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{}" * 8:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                if self.server.stop.wait(0.5):
                    return
        except OSError:
            pass  # the app hung up at its deadline: that is the point
        finally:
            self.server.in_flight -= 1

    def log_message(self, *args):
        pass


@pytest.fixture
def trickling_remote():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    server.daemon_threads = True
    server.stop = threading.Event()
    server.in_flight = 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.stop.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def app_server(redis_server, redis_client, tmp_path):
    server = Gunicorn(
        tmp_path,
        workers=2,
        REDIS_URL=redis_server.url,
        ALLOW_PRIVATE_URLS="1",
        FETCH_TOTAL_TIMEOUT=str(FETCH_DEADLINE),
    )
    server.start()
    yield server
    server.stop()


def _connect_url(base: str, url: str) -> tuple[int, float, str]:
    browser = requests.Session()
    token = CSRF_FIELD.search(browser.get(base + "/", timeout=5).text).group(1)
    started = time.monotonic()
    response = browser.post(
        base + "/connect", data={"csrf_token": token, "source": "url", "url": url}, timeout=60
    )
    return response.status_code, time.monotonic() - started, response.text


def test_eight_trickling_fetches_leave_the_app_responsive(app_server, trickling_remote):
    url = f"http://127.0.0.1:{trickling_remote.server_address[1]}/content.json"
    with ThreadPoolExecutor(max_workers=8) as pool:
        fetches = [pool.submit(_connect_url, app_server.base, url) for _ in range(8)]
        deadline = time.monotonic() + 5
        while trickling_remote.in_flight < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert trickling_remote.in_flight >= 2  # fetches are holding threads right now
        started = time.monotonic()
        home = requests.get(app_server.base + "/", timeout=10)
        health = requests.get(app_server.base + "/healthz", timeout=10)
        home_seconds = time.monotonic() - started
        assert trickling_remote.in_flight >= 2  # ...and still were while the home answered
        results = [future.result() for future in fetches]
    assert home.status_code == 200 and "Connect a site" in home.text
    assert health.status_code == 200
    assert home_seconds < FETCH_DEADLINE  # answered while the fetches were still trickling
    statuses = sorted(status for status, _, _ in results)
    # Each process runs two fetches; the others are told at once to try again.
    assert set(statuses) <= {502, 503}, statuses
    assert 502 in statuses and 503 in statuses
    for status, seconds, text in results:
        if status == 502:
            message = re.search(r"role=\"alert\">(.*?)</div>", text, re.S)
            assert "timed out" in text and seconds < FETCH_DEADLINE + 4, (message.group(1), seconds)
        else:
            assert "busy" in text and seconds < 3
