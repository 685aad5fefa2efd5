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


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
            client = redis.Redis(port=port)
            for _ in range(100):
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    time.sleep(0.05)
            else:
                raise SystemExit("redis-server did not start")
            yield port
        finally:
            server.terminate()
            server.wait()
