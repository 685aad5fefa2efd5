"""The app on a real Redis Cluster and a real Sentinel set, under a real gunicorn.

Cluster: 40 browsers connect, generate, view and disconnect at once over 4
workers; every key of a session lands in one slot, sessions spread over the
nodes, and nothing is left behind. Sentinel: 30 acknowledged connects, the
master SIGKILLed right after the last one; the app is healthy again by itself
and no acknowledged session is lost.
"""

from __future__ import annotations

import re
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from conftest import CSRF_FIELD, Gunicorn, backend_config, connect_demo, csrf_token, site_sid
from redis.crc import key_slot
from topologies import RedisSentinelSet

from webapp import create_app

pytestmark = pytest.mark.slow

DEMOS = ["restaurant", "portfolio", "real-estate"]
GENERATE_FORM = re.compile(r'action="/pages/([a-z0-9-]+)/generate"')


def browser_journey(base: str, number: int) -> list[str]:
    """Connect, generate, view, disconnect; return what went wrong (nothing, ideally)."""
    problems = []
    browser = requests.Session()

    def check(response, status, what):
        if response.status_code != status:
            problems.append(f"browser {number}: {what} answered {response.status_code}")
            return False
        return True

    try:
        form = browser.get(base + "/", timeout=10)
        token = CSRF_FIELD.search(form.text).group(1)
        demo = DEMOS[number % len(DEMOS)]
        data = {"csrf_token": token, "source": "demo", "demo": demo}
        if not check(browser.post(base + "/connect", data=data, timeout=20), 200, "connect"):
            return problems
        home = browser.get(base + "/", timeout=10)
        if not check(home, 200, "home") or "Disconnect" not in home.text:
            return [*problems, f"browser {number}: not connected after connect"]
        intent = GENERATE_FORM.search(home.text).group(1)
        generate = browser.post(
            f"{base}/pages/{intent}/generate", data={"csrf_token": token}, timeout=20
        )
        check(generate, 200, f"generate {intent}")
        check(browser.get(f"{base}/pages/{intent}", timeout=10), 200, f"view {intent}")
        done = browser.post(base + "/disconnect", data={"csrf_token": token}, timeout=10)
        check(done, 200, "disconnect")
        if "Connect a site" not in browser.get(base + "/", timeout=10).text:
            problems.append(f"browser {number}: still connected after disconnect")
    except requests.RequestException as error:
        problems.append(f"browser {number}: {error!r}")
    finally:
        browser.close()
    return problems


def test_forty_browsers_on_a_cluster_under_gunicorn(redis_cluster, tmp_path):
    redis_cluster.flush()
    server = Gunicorn(tmp_path, workers=4, REDIS_URL=redis_cluster.url)
    server.start()
    try:
        health = requests.get(server.base + "/healthz", timeout=5).json()
        assert health["mode"] == "cluster" and health["writable"] is True
        with ThreadPoolExecutor(max_workers=40) as pool:
            problems = sum(pool.map(lambda n: browser_journey(server.base, n), range(40)), [])
    finally:
        server.stop()
    assert problems == []
    statuses = [line.split()[1] for line in server.access_log.read_text().splitlines()]
    assert len(statuses) >= 40 * 8
    assert not [s for s in statuses if s.startswith("5")]
    # Disconnected: no site key is left on any node; each browser keeps its own
    # (unconnected) browser session for the connect form it was shown last.
    cluster = redis_cluster.cluster_client()
    try:
        leftovers = [k for k in cluster.scan_iter(target_nodes=cluster.ALL_NODES)]
    finally:
        cluster.close()
    site_keys = ("session:", "intents:", "theme:", "page:")
    assert [k for k in leftovers if k.startswith(site_keys)] == []
    browsers = [k for k in leftovers if k.startswith("browser:")]
    # One each, plus for a minute the copy each connect replaced (see REPLACED_SESSION_SECONDS).
    assert len(browsers) == 80
    assert sum(cluster_ttl(redis_cluster, k) <= 60 for k in browsers) == 40
    # ...spread over the three nodes, as the sessions were.
    assert all(count > 0 for count in redis_cluster.keys_per_node().values())


def cluster_ttl(nodes, key: str) -> int:
    cluster = nodes.cluster_client()
    try:
        return cluster.ttl(key)
    finally:
        cluster.close()


def test_cluster_sessions_spread_over_nodes_one_slot_each(redis_cluster):
    redis_cluster.flush()
    config = backend_config("memory", None)
    config.update(STORAGE_BACKEND="redis", REDIS_URL=redis_cluster.url)
    app = create_app(config)
    store = app.extensions["site_store"]
    try:
        assert store.mode == "cluster"
        browsers = [app.test_client() for _ in range(24)]
        sids = []
        for browser in browsers:
            connect_demo(browser, "restaurant")
            sids.append(site_sid(browser))
            token = csrf_token(browser)
            assert (
                browser.post("/pages/menu/generate", data={"csrf_token": token}).status_code == 303
            )
            assert browser.get("/pages/menu/items/grilled-octopus").status_code == 200
        per_node = redis_cluster.keys_per_node()
        assert all(count > 0 for count in per_node.values()), per_node
        cluster = redis_cluster.cluster_client()
        try:
            for sid in sids:
                keys = [
                    k
                    for k in cluster.scan_iter(match=f"*{{{sid}}}", target_nodes=cluster.ALL_NODES)
                ]
                assert sorted(k.split(":")[0] for k in keys) == [
                    "browser", "intents", "page", "session", "theme",
                ]  # fmt: skip
                assert len({key_slot(k.encode()) for k in keys}) == 1
        finally:
            cluster.close()
    finally:
        store.close()


@pytest.fixture
def sentinel_set(tmp_path):
    topology = RedisSentinelSet(tmp_path / "sentinel")
    try:
        topology.start()
        yield topology
    finally:
        topology.stop()


def test_sentinel_failover_loses_no_acknowledged_session(sentinel_set, tmp_path):
    server = Gunicorn(tmp_path, workers=4, REDIS_URL=sentinel_set.url)
    server.start()
    acknowledged = []
    try:
        health = requests.get(server.base + "/healthz", timeout=5).json()
        assert health["mode"] == "sentinel"

        def connect_one(number: int):
            browser = requests.Session()
            token = CSRF_FIELD.search(browser.get(server.base + "/", timeout=10).text).group(1)
            data = {"csrf_token": token, "source": "demo", "demo": DEMOS[number % len(DEMOS)]}
            answer = browser.post(
                server.base + "/connect", data=data, timeout=20, allow_redirects=False
            )
            assert answer.status_code == 303, answer.text[:500]
            cookies = browser.cookies.get_dict()
            browser.close()
            return cookies

        with ThreadPoolExecutor(max_workers=6) as pool:
            acknowledged = list(pool.map(connect_one, range(30)))
        old = sentinel_set.kill_master()  # right after the last acknowledged connect
        killed_at = time.monotonic()

        recovered = None
        while time.monotonic() - killed_at < 20:
            try:
                answer = requests.get(server.base + "/healthz", timeout=5)
                if answer.status_code == 200 and answer.json()["writable"]:
                    recovered = time.monotonic() - killed_at
                    break
            except requests.RequestException:
                pass
            time.sleep(0.2)
        assert recovered is not None, "the app did not recover within 20 s"
        assert sentinel_set.current_master_port() != old

        lost = []
        for number, cookies in enumerate(acknowledged):
            home = requests.get(server.base + "/", cookies=cookies, timeout=10)
            if home.status_code != 200 or "Disconnect" not in home.text:
                lost.append((number, home.status_code))
        assert lost == [], f"{len(lost)} of 30 acknowledged sessions lost: {lost}"
        # New work goes to the new master without a restart of the app.
        assert connect_one(99)
    finally:
        server.stop()


def test_sentinel_without_a_replica_answer_still_saves_and_says_degraded(sentinel_set, caplog):
    config = backend_config("memory", None)
    config.update(STORAGE_BACKEND="redis", REDIS_URL=sentinel_set.url)
    app = create_app(config)
    store = app.extensions["site_store"]
    replica = sentinel_set.servers[sentinel_set.replica_port].process
    try:
        client = app.test_client()
        connect_demo(client)
        assert client.get("/healthz").get_json()["replication"] == "ok"
        replica.send_signal(signal.SIGSTOP)  # linked, but it acknowledges nothing
        try:
            with caplog.at_level("WARNING"):
                started = time.monotonic()
                connect_demo(client, "portfolio")  # the write stands on the master
                waited = time.monotonic() - started
            assert "No replica acknowledged a change within 500 ms" in caplog.text
            assert waited >= 0.5
            health = client.get("/healthz").get_json()
            assert health["status"] == "degraded" and health["replication"] == "degraded"
            assert health["writable"] is True
        finally:
            replica.send_signal(signal.SIGCONT)
        assert "Disconnect" in client.get("/").get_data(as_text=True)
    finally:
        store.close()


def test_doctor_on_sentinel(sentinel_set):
    from click.testing import CliRunner

    from webapp.cli import doctor

    result = CliRunner().invoke(doctor, [], env={"REDIS_URL": sentinel_set.url})
    assert "Mode: sentinel" in result.output
    assert f"Sentinel: master 'mymaster' at 127.0.0.1:{sentinel_set.master_port}, 1 replica(s)" in (
        result.output
    )
    assert result.exit_code == 0


def test_sentinel_acknowledged_changes_cost_no_extra_round_trip(sentinel_set, monkeypatch):
    """WAIT rides in the same round trip as the change it acknowledges."""
    import redis.connection

    config = backend_config("memory", None)
    config.update(STORAGE_BACKEND="redis", REDIS_URL=sentinel_set.url)
    app = create_app(config)
    try:
        warm = app.test_client()  # loads the scripts, learns the replica count
        connect_demo(warm)
        client = app.test_client()
        token = csrf_token(client)
        sent = []
        original = redis.connection.Connection.send_packed_command

        def counting(self, command, check_health=True):
            sent.append(command)
            return original(self, command, check_health)

        monkeypatch.setattr(redis.connection.Connection, "send_packed_command", counting)
        data = {"csrf_token": token, "source": "demo", "demo": "portfolio"}
        assert client.post("/connect", data=data).status_code == 303
        # Browser-session read; create + WAIT; old browser key DEL; new browser key SET + WAIT;
        # and the per-client limits: the minute's counter, the day's bytes checked, then
        # counted (a client's counters, not a session's: no WAIT).
        assert len(sent) == 7, sent
        assert sum(b"WAIT" in b"".join(part for part in c) for c in sent) == 2
        assert client.get("/").status_code == 200  # shows the flash: the browser session changes
        sent.clear()
        assert client.get("/").status_code == 200
        assert len(sent) == 1
    finally:
        app.extensions["site_store"].close()
