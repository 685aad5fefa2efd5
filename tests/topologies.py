"""Real Redis topologies for tests: a 3-master Redis Cluster and a Sentinel-watched master.

Only the ``redis-server`` and ``redis-cli`` binaries are needed. Every process
listens on 127.0.0.1 on a port found free at start-up, keeps no data on disk and
writes its log into its own folder (handy when a test fails). ``stop()`` always
ends every process this module started, so use the classes in a fixture with
``try``/``finally`` (or a ``yield`` fixture).
"""

from __future__ import annotations

import random
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import redis
import redis.cluster

__all__ = [
    "RedisClusterNodes",
    "RedisSentinelSet",
    "TopologyError",
    "free_port",
    "free_cluster_port",
]

# Cluster ports come from a range below Linux's ephemeral ports (32768-60999 by
# default), so that neither a port nor its cluster bus port (port + 10000) is
# likely to be taken by an outgoing connection.
CLUSTER_PORT_RANGE = (15000, 22000)
CLUSTER_BUS_OFFSET = 10000


class TopologyError(RuntimeError):
    """A topology did not come up (the message names the log to read)."""


def _binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise TopologyError(f"{name} is not installed")
    return path


def _port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_cluster_port(exclude: set[int] | frozenset[int] = frozenset()) -> int:
    """Return a port P such that P and its cluster bus port P + 10000 are free now."""
    low, high = CLUSTER_PORT_RANGE
    for _ in range(200):
        port = random.randint(low, high)
        bus = port + CLUSTER_BUS_OFFSET
        if port in exclude or bus in exclude or bus >= 65536:
            continue
        if _port_is_free(port) and _port_is_free(bus):
            return port
    raise TopologyError("no free port pair (P, P + 10000) found")


def _wait(what: str, check: Callable[[], object], timeout: float, interval: float = 0.05):
    """Call ``check`` until it returns something truthy; return that or raise TopologyError."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while True:
        try:
            result = check()
        except (redis.RedisError, OSError) as error:
            result, last_error = None, error
        if result:
            return result
        if time.monotonic() > deadline:
            detail = f" (last error: {last_error!r})" if last_error else ""
            raise TopologyError(f"timed out after {timeout:g}s waiting for {what}{detail}")
        time.sleep(interval)


def _client(port: int, password: str | None = None, **kwargs) -> redis.Redis:
    """A short-timeout, no-retry client for the helpers' own polling."""
    return redis.Redis(
        host="127.0.0.1",
        port=port,
        password=password,
        decode_responses=True,
        socket_timeout=1,
        socket_connect_timeout=0.5,
        retry=None,
        **kwargs,
    )


def _call(port: int, *command, password: str | None = None):
    """Send one command to 127.0.0.1:port on a fresh connection, closed afterwards."""
    client = _client(port, password)
    try:
        return client.execute_command(*command)
    finally:
        client.close()


def _info(port: int, section: str, password: str | None = None) -> dict:
    client = _client(port, password)
    try:
        return client.info(section)
    finally:
        client.close()


def _cluster_info(port: int) -> dict[str, str]:
    text = _call(port, "CLUSTER", "INFO")  # a plain redis.Redis leaves the reply unparsed
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)


class _Process:
    """One redis-server (or sentinel) process on 127.0.0.1:port, with its own folder."""

    def __init__(self, workdir: Path, port: int, args: list[str], password: str | None = None):
        self.workdir = workdir
        self.port = port
        self.args = args
        self.password = password
        self.log = workdir / "redis.log"
        self.process: subprocess.Popen | None = None
        self.terminated = False

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [_binary("redis-server"), *self.args, "--logfile", str(self.log)],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_ready(self, timeout: float = 5) -> None:
        def answers() -> bool:
            if self.process is None or self.process.poll() is not None:
                raise TopologyError(f"redis-server on port {self.port} exited; see {self.log}")
            # The process id tells our server from another one on a port taken meanwhile.
            return _info(self.port, "server", self.password)["process_id"] == self.process.pid

        _wait(f"redis-server on port {self.port} ({self.log})", answers, timeout)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: the process dies at once, as in a crash."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None and not self.terminated:
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None
        self.terminated = False


def _stop_all(processes: list[_Process]) -> None:
    """Terminate all processes first, then wait for each (faster than one by one)."""
    for proc in processes:
        if proc.running:
            proc.process.terminate()
            proc.terminated = True
    for proc in processes:
        proc.stop()


def _launch(make: Callable[[int], _Process], pick: Callable[[], int]) -> _Process:
    """Start ``make(port)`` on a port from ``pick``; try other ports if one was taken meanwhile."""
    for _attempt in range(3):
        proc = make(pick())
        proc.start()
        try:
            proc.wait_ready()
        except TopologyError:
            proc.stop()
            continue
        except BaseException:
            proc.stop()
            raise
        return proc
    raise TopologyError(f"redis-server did not start (3 attempts); see {proc.log}")


def _base_args(port: int, workdir: Path) -> list[str]:
    return [
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--save", "",
        "--appendonly", "no",
        "--dir", str(workdir),
    ]  # fmt: skip


class RedisClusterNodes:
    """Three Redis Cluster masters (no replicas) holding all 16384 slots between them."""

    def __init__(self, workdir: Path, node_timeout_ms: int = 2000) -> None:
        self.workdir = Path(workdir)
        self.node_timeout_ms = node_timeout_ms
        self.nodes: list[_Process] = []
        self.ports: list[int] = []

    @property
    def url(self) -> str:
        """A redis:// URL of one node (cluster clients discover the others from it)."""
        return f"redis://127.0.0.1:{self.ports[0]}/0"

    @property
    def startup_nodes(self) -> list[tuple[str, int]]:
        return [("127.0.0.1", port) for port in self.ports]

    def _node(self, port: int) -> _Process:
        folder = self.workdir / f"node-{port}"
        args = [
            *_base_args(port, folder),
            "--cluster-enabled", "yes",
            "--cluster-config-file", str(folder / f"nodes-{port}.conf"),
            "--cluster-node-timeout", str(self.node_timeout_ms),
        ]  # fmt: skip
        return _Process(folder, port, args)

    def start(self, timeout: float = 10) -> None:
        try:
            self._start_nodes()
            self._create(timeout)
        except BaseException:
            self.stop()
            raise

    def _start_nodes(self) -> None:
        taken: set[int] = set()
        for _ in range(3):
            node = _launch(self._node, lambda: free_cluster_port(taken))
            taken.update({node.port, node.port + CLUSTER_BUS_OFFSET})
            self.nodes.append(node)
            self.ports.append(node.port)

    def _create(self, timeout: float) -> None:
        result = subprocess.run(
            [
                _binary("redis-cli"), "--cluster", "create",
                *(f"127.0.0.1:{port}" for port in self.ports),
                "--cluster-replicas", "0", "--cluster-yes",
            ],
            capture_output=True,
            text=True,
            timeout=timeout + 20,
            check=False,
        )  # fmt: skip
        (self.workdir / "cluster-create.log").write_text(result.stdout + result.stderr)
        if result.returncode != 0:
            raise TopologyError(f"redis-cli --cluster create failed:\n{result.stdout}")
        for port in self.ports:
            _wait(
                f"cluster_state:ok on port {port}",
                lambda port=port: _cluster_info(port).get("cluster_state") == "ok",
                timeout,
            )

    def stop(self) -> None:
        _stop_all(self.nodes)
        self.nodes = []

    def flush(self) -> None:
        """FLUSHALL on every master."""
        for port in self.ports:
            _call(port, "FLUSHALL")

    def keys_per_node(self) -> dict[int, int]:
        """DBSIZE of each node, by port."""
        return {port: _call(port, "DBSIZE") for port in self.ports}

    def node_client(self, port: int) -> redis.Redis:
        """A plain (non-cluster) client on one node; close it after use."""
        return redis.Redis(host="127.0.0.1", port=port, decode_responses=True)

    def cluster_client(self, **kwargs) -> redis.cluster.RedisCluster:
        """A RedisCluster client; close it after use."""
        options = {"decode_responses": True, **kwargs}
        return redis.cluster.RedisCluster(host="127.0.0.1", port=self.ports[0], **options)


class RedisSentinelSet:
    """A master, one replica and one sentinel (quorum 1) watching them.

    ``master_port`` and ``replica_port`` describe the layout at start-up; after a
    failover ask ``current_master_port()``. With ``auth`` set, the master and the
    replica require that password (and the replica and the sentinel use it); the
    sentinel itself stays unauthenticated.
    """

    def __init__(self, workdir: Path, name: str = "mymaster", auth: str | None = None) -> None:
        self.workdir = Path(workdir)
        self.name = name
        self.auth = auth
        self.master_port = 0
        self.replica_port = 0
        self.sentinel_port = 0
        self.servers: dict[int, _Process] = {}  # the master and the replica, by port
        self.sentinel: _Process | None = None

    @property
    def url(self) -> str:
        userinfo = f":{self.auth}@" if self.auth else ""
        return f"redis+sentinel://{userinfo}127.0.0.1:{self.sentinel_port}/{self.name}/0"

    @property
    def sentinels(self) -> list[tuple[str, int]]:
        """The ``sentinels`` argument of ``redis.sentinel.Sentinel``."""
        return [("127.0.0.1", self.sentinel_port)]

    def _server(self, role: str, port: int, replica_of: int | None = None) -> _Process:
        folder = self.workdir / f"{role}-{port}"
        args = [
            *_base_args(port, folder),
            # Redis 7 syncs replicas disklessly after a 5 s delay by default.
            "--repl-diskless-sync-delay", "0",
        ]  # fmt: skip
        if self.auth:
            args += ["--requirepass", self.auth, "--masterauth", self.auth]
        if replica_of is not None:
            args += ["--replicaof", "127.0.0.1", str(replica_of)]
        return _Process(folder, port, args, password=self.auth)

    def _sentinel(self, port: int) -> _Process:
        folder = self.workdir / f"sentinel-{port}"
        folder.mkdir(parents=True, exist_ok=True)
        name = self.name
        lines = [
            f"port {port}",
            "bind 127.0.0.1",
            f"dir {folder}",
            f"sentinel monitor {name} 127.0.0.1 {self.master_port} 1",
            f"sentinel down-after-milliseconds {name} 1000",
            f"sentinel failover-timeout {name} 5000",
            f"sentinel parallel-syncs {name} 1",
        ]
        if self.auth:
            lines.append(f"sentinel auth-pass {name} {self.auth}")
        conf = folder / "sentinel.conf"  # the sentinel rewrites it, so it lives in its folder
        conf.write_text("\n".join(lines) + "\n")
        return _Process(folder, port, [str(conf), "--sentinel"])

    def start(self, timeout: float = 15) -> None:
        try:
            self._start(timeout)
        except BaseException:
            self.stop()
            raise

    def _start(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        master = _launch(lambda port: self._server("master", port), free_port)
        self.master_port = master.port
        self.servers[master.port] = master
        replica = _launch(
            lambda port: self._server("replica", port, replica_of=master.port), free_port
        )
        self.replica_port = replica.port
        self.servers[replica.port] = replica
        # The sentinel starts once the replica is linked: it reads the master's
        # INFO as soon as it connects, and then only every 10 s.
        _wait(
            f"replica {self.replica_port} linked to master {self.master_port}",
            lambda: (
                _info(self.replica_port, "replication", self.auth).get("master_link_status") == "up"
            ),
            deadline - time.monotonic(),
        )
        self.sentinel = _launch(self._sentinel, free_port)
        self.sentinel_port = self.sentinel.port
        _wait(
            f"sentinel {self.sentinel_port} to know master {self.name}",
            lambda: self.current_master_port() == self.master_port,
            deadline - time.monotonic(),
        )
        _wait(
            f"sentinel {self.sentinel_port} to know the replica",
            lambda: self._sentinel_call("SENTINEL", "REPLICAS", self.name),
            deadline - time.monotonic(),
        )

    def _sentinel_call(self, *command):
        return _call(self.sentinel_port, *command)

    def stop(self) -> None:
        _stop_all([*self.servers.values(), *([self.sentinel] if self.sentinel else [])])
        self.servers = {}
        self.sentinel = None

    def current_master_port(self) -> int | None:
        """The master's port as the sentinel reports it (None if it knows none)."""
        address = self._sentinel_call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", self.name)
        return int(address[1]) if address else None

    def kill_master(self) -> int:
        """SIGKILL the process of the current master (as the sentinel sees it); return its port."""
        port = self.current_master_port()
        server = self.servers.get(port)
        if server is None or not server.running:
            raise TopologyError(f"the sentinel's master (port {port}) is not a running process")
        server.kill()
        return port

    def server_client(self, port: int) -> redis.Redis:
        """A plain client on the master or the replica; close it after use."""
        return redis.Redis(host="127.0.0.1", port=port, password=self.auth, decode_responses=True)

    def wait_for_failover(self, old_port: int, timeout: float = 20) -> int:
        """Wait until a different node is master, for the sentinel and by its own ROLE.

        Also waits until SENTINEL MASTER lists the new address with no down flags,
        which is what redis-py's ``Sentinel.discover_master`` checks.
        """

        def promoted() -> int | None:
            port = self.current_master_port()
            if port is None or port == old_port:
                return None
            state = self._sentinel_call("SENTINEL", "MASTER", self.name)
            state = dict(zip(state[::2], state[1::2], strict=True))
            flags = state["flags"].split(",")
            if int(state["port"]) != port or "master" not in flags:
                return None
            if {"s_down", "o_down", "failover_in_progress"} & set(flags):
                return None
            role = _call(port, "ROLE", password=self.auth)
            return port if role[0] == "master" else None

        return _wait(f"failover away from port {old_port}", promoted, timeout, 0.1)
