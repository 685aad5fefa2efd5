"""What the bench scripts share: a free port, a private redis-server, and the settings of an
app that a script drives from one address, connecting many sites."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import redis

# A script connects sites in a loop from one address: the per-client limits, which
# bench/abuse.py measures, would refuse it after ten a minute.
NO_CLIENT_LIMITS = {"CONNECTS_PER_MINUTE": 1_000_000, "CONNECT_BYTES_PER_DAY": 10**15}


# The machine's own Redis service: never a script's port, even when the system offers it.
SYSTEM_REDIS_PORT = 6379


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (never the system Redis's)."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port != SYSTEM_REDIS_PORT:
            return port


def wait_for_redis(port: int, attempts: int = 100) -> None:
    """Wait until the redis-server on ``port`` answers (5 s), or stop the script."""
    client = redis.Redis(port=port, socket_connect_timeout=0.2)
    for _ in range(attempts):
        try:
            client.ping()
            return
        except redis.ConnectionError:
            time.sleep(0.05)
    raise SystemExit(f"redis-server did not start on port {port}")


@contextmanager
def private_redis(*extra_args: str) -> Iterator[int]:
    """A redis-server of the script's own on a free port (its port), stopped afterwards."""
    port = free_port()
    with tempfile.TemporaryDirectory() as workdir:
        server = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", workdir, *extra_args,
            ],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_for_redis(port)
            yield port
        finally:
            server.terminate()
            server.wait()
