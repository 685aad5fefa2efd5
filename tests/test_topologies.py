"""The topology helpers start a real Redis Cluster and a real Sentinel set (raw redis-py)."""

from __future__ import annotations

import time

import pytest
import redis
from redis.cluster import RedisCluster
from redis.exceptions import CrossSlotTransactionError, WatchError
from redis.sentinel import MasterNotFoundError, Sentinel
from topologies import RedisSentinelSet

pytestmark = pytest.mark.slow

SCRIPT = "return redis.call('INCRBY', KEYS[1], ARGV[1])"


@pytest.fixture
def cluster(redis_cluster):
    return redis_cluster


@pytest.fixture
def cluster_client(cluster):
    cluster.flush()
    client = cluster.cluster_client()
    yield client
    client.close()


@pytest.fixture(scope="module")
def sentinel_set(tmp_path_factory):
    topology = RedisSentinelSet(tmp_path_factory.mktemp("sentinel"))
    try:
        topology.start()
        yield topology
    finally:
        topology.stop()


@pytest.fixture
def sentinel_of():
    """Build ``Sentinel`` managers; close their sentinel connections afterwards."""
    managers: list[Sentinel] = []

    def make(topology: RedisSentinelSet, **kwargs) -> Sentinel:
        manager = Sentinel(topology.sentinels, socket_timeout=0.5, **kwargs)
        managers.append(manager)
        return manager

    yield make
    for manager in managers:
        for client in manager.sentinels:
            client.close()


def test_cluster_spreads_keys_over_three_masters(cluster, cluster_client):
    assert len(set(cluster.ports)) == 3
    assert cluster.url == f"redis://127.0.0.1:{cluster.ports[0]}/0"
    for i in range(100):
        cluster_client.set(f"k{i}", i)
    counts = cluster.keys_per_node()
    assert sum(counts.values()) == 100
    assert all(count > 0 for count in counts.values()), counts
    assert cluster_client.get("k42") == "42"
    assert {node.port for node in cluster_client.get_primaries()} == set(cluster.ports)
    cluster.flush()
    assert sum(cluster.keys_per_node().values()) == 0


def test_cluster_transaction_pipeline_on_one_hash_tag(cluster, cluster_client):
    with cluster_client.pipeline(transaction=True) as pipe:
        pipe.set("{user1}:name", "ada")
        pipe.incr("{user1}:visits")
        pipe.get("{user1}:name")
        pipe.expire("{user1}:name", 600)
        # redis-py 6.4's cluster transactions apply only the cluster-specific
        # response callbacks: SET gives "OK" and EXPIRE 1, where a plain client
        # (or a non-transactional cluster pipeline) gives True and True.
        assert pipe.execute() == ["OK", 1, "ada", 1]
    # Keys in different slots cannot share a cluster transaction.
    with cluster_client.pipeline(transaction=True) as pipe:
        pipe.set("{user1}:a", 1)
        pipe.set("{user2}:a", 1)
        with pytest.raises(CrossSlotTransactionError):
            pipe.execute()
    # WATCH works: a write by someone else aborts the transaction.
    other = cluster.cluster_client()
    try:
        with cluster_client.pipeline(transaction=True) as pipe:
            pipe.watch("{user1}:visits")
            other.incr("{user1}:visits")
            pipe.multi()
            pipe.incr("{user1}:visits")
            with pytest.raises(WatchError):
                pipe.execute()
    finally:
        other.close()
    assert cluster_client.get("{user1}:visits") == "2"


def test_cluster_registered_script_runs_on_every_master(cluster, cluster_client):
    script = cluster_client.register_script(SCRIPT)
    # One key per master: the first EVALSHA on each gets NOSCRIPT, then the
    # script is loaded on all primaries and run on the key's node.
    keys = {}
    for i in range(1000):
        port = cluster_client.get_node_from_key(f"s{i}").port
        keys.setdefault(port, f"s{i}")
        if len(keys) == 3:
            break
    for key in keys.values():
        assert script(keys=[key], args=[5]) == 5
        assert script(keys=[key], args=[2]) == 7
    assert cluster_client.script_exists(script.sha) == [True]
    for port in cluster.ports:
        node = cluster.node_client(port)
        try:
            assert node.script_exists(script.sha) == [True]
        finally:
            node.close()
    assert cluster.keys_per_node() == dict.fromkeys(keys, 1)


def test_sentinel_failover_keeps_acknowledged_writes(sentinel_set, sentinel_of):
    topology = sentinel_set
    assert topology.url == f"redis+sentinel://127.0.0.1:{topology.sentinel_port}/mymaster/0"
    assert topology.current_master_port() == topology.master_port
    sentinel = sentinel_of(topology)
    # WAIT's own timeout stays well under the socket timeout: on a loaded machine the
    # replica's ack can take most of it, and a socket timeout racing it fails the test.
    master = sentinel.master_for(topology.name, socket_timeout=3, decode_responses=True)
    fresh = None
    try:
        master.set("survivor", "yes")
        assert master.wait(1, 2000) == 1

        started = time.monotonic()
        old_port = topology.kill_master()
        assert old_port == topology.master_port
        # While the master is dead the old client fails fast (master_for pools
        # have no retries): refused connections, then MasterNotFoundError.
        with pytest.raises(redis.ConnectionError):
            master.get("survivor")
        new_port = topology.wait_for_failover(old_port)
        elapsed = time.monotonic() - started
        assert new_port == topology.replica_port
        assert topology.current_master_port() == new_port
        assert elapsed < 20

        fresh = sentinel.master_for(topology.name, socket_timeout=0.5, decode_responses=True)
        assert fresh.get("survivor") == "yes"
        assert fresh.connection_pool.get_master_address() == ("127.0.0.1", new_port)
        # The old client finds the new master by itself (within a retry or two).
        errors = []
        for _ in range(3):
            try:
                assert master.get("survivor") == "yes"
                break
            except redis.ConnectionError as error:
                errors.append(error)
                time.sleep(0.2)
        else:
            pytest.fail(f"the old client never reached the new master: {errors!r}")
        master.set("after", "failover")
        assert fresh.get("after") == "failover"
    finally:
        master.close()
        if fresh is not None:
            fresh.close()


def test_sentinel_set_with_password(tmp_path, sentinel_of):
    topology = RedisSentinelSet(tmp_path, name="secured", auth="s3cret")
    try:
        topology.start()
        assert topology.url == (
            f"redis+sentinel://:s3cret@127.0.0.1:{topology.sentinel_port}/secured/0"
        )
        sentinel = sentinel_of(topology)
        master = sentinel.master_for(
            "secured", password="s3cret", socket_timeout=3, decode_responses=True
        )
        anonymous = sentinel.master_for("secured")
        try:
            master.set("k", "v")
            assert master.wait(1, 2000) == 1
            with pytest.raises(redis.AuthenticationError):
                anonymous.get("k")
        finally:
            master.close()
            anonymous.close()
    finally:
        topology.stop()


def test_unknown_master_name_is_not_found(sentinel_set, sentinel_of):
    sentinel = sentinel_of(sentinel_set)
    with pytest.raises(MasterNotFoundError):
        sentinel.discover_master("nosuchmaster")


def test_cluster_client_helper_is_a_redis_cluster(cluster):
    client = cluster.cluster_client()
    try:
        assert isinstance(client, RedisCluster)
        assert client.ping() is True
    finally:
        client.close()
