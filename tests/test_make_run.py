"""`make run` serves the connect page with no configuration at all."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests
from conftest import ROOT, free_port


def test_make_run_serves_the_connect_page_without_configuration():
    port = free_port()
    venv = Path(sys.prefix)  # the virtualenv `make test` made, so nothing is reinstalled
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL")}
    process = subprocess.Popen(
        ["make", "-s", "run", f"VENV={venv}", f"RUN_PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except requests.ConnectionError:
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, "make run did not start serving"
                time.sleep(0.3)
        assert response.status_code == 200
        assert "Connect a site" in response.text
        health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).json()
        assert health["backend"] == "memory"
    finally:
        os.killpg(process.pid, 15)
        output = process.communicate(timeout=20)[0].decode()
    assert "in this process's memory" in output  # the warning the contract asks for
