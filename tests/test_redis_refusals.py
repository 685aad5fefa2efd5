"""Redis that refuses writes, answers for other slots, or stops answering: clear 503s.

Every case runs against a real redis-server configured the way an operator's
would be (maxmemory with noeviction, an ACL user without write permission, a
read-only replica, a Cluster node used as one server, a frozen server).
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
import redis
from conftest import RedisServer, backend_config, connect_demo, csrf_token, site_sid

from webapp import create_app
from webapp.storage.redis import classify


@pytest.fixture
def backend():
    return "redis"


REDIS_BREAKER = 2.0  # seconds, the default breaker window


def app_on(url: str, **settings):
    config = backend_config("memory", None)
    config.update(STORAGE_BACKEND="redis", REDIS_URL=url, **settings)
    return create_app(config)


def stored(admin, pattern: str = "*{*}") -> dict:
    """Every key matching ``pattern`` with its value (hashes field by field; bytes)."""
    raw = redis.Redis(**{**admin.connection_pool.connection_kwargs, "decode_responses": False})
    values = {}
    for key in raw.keys(pattern):
        values[key] = raw.hgetall(key) if raw.type(key) == b"hash" else raw.get(key)
    raw.close()
    return values


def assert_refused(response, words: str) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    text = response.get_data(as_text=True)
    assert "Storage unavailable" in text and words in text, text[:2000]
    assert "Traceback" not in text


@pytest.fixture
def full_server(tmp_path):
    """A Redis with a small memory limit that refuses writes when full (noeviction)."""
    server = RedisServer(tmp_path, "--maxmemory", "8mb", "--maxmemory-policy", "noeviction")
    server.start()
    yield server
    server.stop()


def fill(admin) -> None:
    """Write filler until Redis refuses (out of memory), then keep it refusing: its limit
    set well below what it holds, so that a client's freed buffers never make room."""
    with pytest.raises(redis.exceptions.OutOfMemoryError):
        for n in range(100_000):
            admin.set(f"filler:{n}", "x" * 10_000)
    admin.config_set("maxmemory", str(int(admin.info("memory")["used_memory"]) // 2))


def test_full_redis_refuses_new_sites_but_serves_stored_ones(full_server):
    admin = full_server.client()
    app = app_on(full_server.url)
    reader = app.test_client()
    connect_demo(reader, "restaurant")
    assert (
        reader.post("/pages/menu/generate", data={"csrf_token": csrf_token(reader)}).status_code
        == 303
    )
    token = csrf_token(reader)
    fill(admin)
    before = stored(admin)

    # Reading a stored site and its generated page still works: reads only slide TTLs.
    assert reader.get("/").status_code == 200
    assert reader.get("/frame/menu.html?framed=1").status_code == 200
    # A new site is refused with the reason, and nothing of it is written.
    response = reader.post(
        "/connect", data={"csrf_token": token, "source": "demo", "demo": "portfolio"}
    )
    assert_refused(response, "Storage is full")
    # So is a page that is not stored yet (its script refuses as a whole).
    response = reader.post("/pages/hours/generate", data={"csrf_token": token})
    assert_refused(response, "Storage is full")
    after = stored(admin)
    assert after == before
    assert reader.get("/").status_code == 200  # still connected to the first site

    health = reader.get("/healthz")
    assert health.status_code == 200  # reachable: reads work, keep the instance
    assert health.get_json() | {"latency_ms": 0} == {
        "status": "degraded",
        "backend": "redis",
        "mode": "single",
        "chosen_by": "STORAGE_BACKEND=redis (URL from REDIS_URL)",
        "reachable": True,
        "writable": False,
        "reason": "out_of_memory",
        "latency_ms": 0,
    }

    # A connected browser whose stored session is due for a refresh keeps browsing, and
    # a page made on its first view is served without being stored.
    app.session_interface.refresh_seconds = 0
    assert reader.get("/").status_code == 200
    assert reader.get("/frame/menu-detail-grilled-octopus.html?framed=1").status_code == 200
    assert stored(admin) == before

    # Room again (an operator raised maxmemory): everything works, nothing was lost.
    admin.config_set("maxmemory", "0")
    # /healthz says "not writable" for HEALTH_REFUSAL_WINDOW_SECONDS after a refusal (its own
    # probe key is tiny: see test_damaged_data), then writable again.
    assert reader.get("/healthz").get_json()["reason"] == "out_of_memory"
    connect_demo(reader, "portfolio")
    assert "Disconnect" in reader.get("/").get_data(as_text=True)
    app.extensions["site_store"].close()
    admin.close()


def test_user_without_write_permission_gets_a_clear_503(own_redis):
    admin = own_redis.client()
    admin.acl_setuser("app", enabled=True, passwords=["+pw"], keys=["*"], commands=["+@all"])
    app = app_on(f"redis://app:pw@127.0.0.1:{own_redis.port}/0")
    client = app.test_client()
    connect_demo(client)
    sid = site_sid(client)
    token = csrf_token(client)
    before = stored(admin, "*")
    admin.execute_command("ACL", "SETUSER", "app", "-@write")
    try:
        response = client.post("/disconnect", data={"csrf_token": token})
        assert_refused(response, "not allowed to change data")
        response = client.post(
            "/connect", data={"csrf_token": token, "source": "demo", "demo": "portfolio"}
        )
        assert_refused(response, "not allowed to change data")
        # Reading writes nothing until the TTL needs sliding: it is served...
        assert client.get("/").status_code == 200
        # ...and once it does (the TTL run down), that write is refused like any other.
        for key in admin.keys(f"*{{{sid}}}"):
            admin.expire(key, 60)
        assert_refused(client.get("/"), "not allowed to change data")
        assert stored(admin, "*") == before
        assert any(sid.encode() in key for key in before)
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.get_json()["reason"] == "no_permission"
        assert health.get_json()["writable"] is False
    finally:
        admin.acl_deluser("app")
        admin.close()
        app.extensions["site_store"].close()


def test_read_only_replica_gets_a_clear_503(own_redis, tmp_path):
    replica = RedisServer(tmp_path / "replica", "--replicaof", "127.0.0.1", str(own_redis.port))
    (tmp_path / "replica").mkdir()
    replica.start()
    app = app_on(replica.url)
    try:
        client = app.test_client()
        assert_refused(client.get("/"), "read-only")
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.get_json()["reason"] == "read_only"
        assert replica.client().dbsize() == 0
    finally:
        app.extensions["site_store"].close()
        replica.stop()


def test_cluster_node_used_as_one_server_says_so(redis_cluster):
    """REDIS_CLUSTER=0 on a Cluster node: MOVED is a 503 naming the cause, never a 500."""
    redis_cluster.flush()
    app = app_on(redis_cluster.url, REDIS_CLUSTER=False)
    try:
        statuses = []
        for _ in range(12):  # fresh browsers: their keys fall in every node's slots
            response = app.test_client().get("/")
            statuses.append(response.status_code)
            if response.status_code == 503:
                assert_refused(response, "Redis is a Cluster")
        assert set(statuses) <= {200, 503} and 503 in statuses
        health = app.test_client().get("/healthz")
        assert health.status_code == 200
        assert health.get_json()["reason"] == "wrong_node"
        assert health.get_json()["mode"] == "single"
    finally:
        app.extensions["site_store"].close()


def test_slot_being_migrated_ask_is_named(redis_cluster):
    """ASK (a slot moving between nodes) reaching a client used as one server: wrong node."""
    from redis.crc import key_slot

    source_port, target_port = redis_cluster.ports[:2]
    source, target = redis_cluster.node_client(source_port), redis_cluster.node_client(target_port)
    try:
        served = [
            range(start, end + 1)
            for start, end, (_host, port, *_rest), *_replicas in source.cluster("SLOTS")
            if port == source_port
        ]
        key = next(
            f"session:{{{n}}}"
            for n in range(100_000)
            if any(key_slot(str(n).encode()) in slots for slots in served)
        )
        slot = key_slot(key.encode())
        source.execute_command("CLUSTER", "SETSLOT", slot, "MIGRATING", target.cluster("MYID"))
        try:
            # The key is not on the source (the cluster was flushed): ask the target.
            with pytest.raises(redis.exceptions.AskError) as redirected:
                source.get(key)
            assert classify(redirected.value).kind == "wrong_node"
        finally:
            source.execute_command("CLUSTER", "SETSLOT", slot, "STABLE")
    finally:
        source.close()
        target.close()


def test_cluster_client_giving_up_after_timeouts_is_an_outage_and_misuse_a_bug():
    """redis-py's Cluster client reports a frozen cluster as its own exception."""
    from redis.exceptions import RedisClusterException

    from webapp.storage.redis import timed_out

    try:
        try:
            raise redis.exceptions.TimeoutError("Timeout reading from 127.0.0.1:7000")
        except redis.exceptions.TimeoutError:
            raise RedisClusterException("Redis Cluster cannot be connected.")  # noqa: B904
    except RedisClusterException as gave_up:
        error = gave_up
    assert classify(error).kind == "unreachable"
    assert timed_out(error)  # so the breaker opens
    misuse = RedisClusterException("EVALSHA - all keys must map to the same key slot")
    assert classify(misuse) is None  # a bug: a 500, never hidden as an outage


def test_cross_slot_refusal_is_named(redis_cluster):
    node = redis_cluster.node_client(redis_cluster.ports[0])
    try:
        with pytest.raises(redis.exceptions.ResponseError) as refused:
            node.delete("session:{a}", "session:{b}")
        assert classify(refused.value).kind == "cross_slot"
    finally:
        node.close()


class FrozenRedis:
    """A server that accepts connections and never answers; counts the connections."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()


def test_frozen_redis_fails_fast_then_tries_again(tmp_path):
    """After a timeout the app answers 503 at once for a short window, then retries."""
    frozen = FrozenRedis()
    app = app_on(
        f"redis://127.0.0.1:{frozen.port}/0", REDIS_CLUSTER=False, REDIS_BREAKER_SECONDS=1.0
    )
    try:
        client = app.test_client()
        assert client.get("/").status_code == 503  # waits for the timeout once
        tried = len(frozen.accepted)
        assert tried >= 1
        started = time.monotonic()
        for path in ["/", "/healthz"] * 10:
            response = client.get(path)
            assert response.status_code == 503
            assert response.headers["Retry-After"] == "5"
        window = time.monotonic() - started
        if window < 1.0:  # all twenty answered inside the breaker window
            assert len(frozen.accepted) == tried  # without a single new attempt
        assert client.get("/healthz").get_json()["reason"] in ("not_answering", "unreachable")
        time.sleep(1.1)
        assert client.get("/").status_code == 503
        assert len(frozen.accepted) > tried  # the window closed: Redis is asked again
    finally:
        app.extensions["site_store"].close()
        frozen.close()


def test_a_frozen_cluster_node_does_not_stop_the_others(redis_cluster, caplog):
    """The breaker is per node: sessions on the other nodes keep working meanwhile."""
    import signal

    redis_cluster.flush()
    app = app_on(redis_cluster.url)
    store = app.extensions["site_store"]
    try:
        browsers, nodes = {}, {}
        while len(nodes) < 2:
            browser = app.test_client()
            connect_demo(browser)
            node = store.client.get_node_from_key(store.keys(site_sid(browser)).session)
            if node.port not in nodes:
                nodes[node.port] = node
                browsers[node.port] = browser
        frozen_port, healthy_port = list(nodes)
        frozen = next(n for n in redis_cluster.nodes if n.port == frozen_port).process
        frozen.send_signal(signal.SIGSTOP)  # well under the 2 s cluster-node-timeout
        try:
            assert browsers[frozen_port].get("/").status_code == 503  # one timeout
            caplog.clear()
            assert browsers[frozen_port].get("/").status_code == 503  # at once: breaker
            assert "(not_answering)" in caplog.text
            assert browsers[healthy_port].get("/").status_code == 200
        finally:
            frozen.send_signal(signal.SIGCONT)
        time.sleep(REDIS_BREAKER)
        assert browsers[frozen_port].get("/").status_code == 200
    finally:
        store.close()
