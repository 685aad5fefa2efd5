"""/healthz and `flask doctor`, on both backends."""

from __future__ import annotations

import time

import pytest
import redis
from click.testing import CliRunner
from conftest import backend_config, connect_demo, csrf_token

from webapp import create_app
from webapp.cli import doctor, redact


def test_healthz_reports_backend_and_sets_no_cookie(client, backend):
    response = client.get("/healthz")
    body = response.get_json()
    assert response.status_code == 200
    assert body["backend"] == backend
    assert body["mode"] == ("single" if backend == "redis" else "memory")
    assert body["status"] == "ok"
    assert body["reachable"] is True
    assert body["writable"] is True
    assert body["latency_ms"] >= 0
    assert "Set-Cookie" not in response.headers


def test_healthz_sets_no_cookie_for_a_connected_browser(client):
    connect_demo(client)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_doctor_memory(runner):
    result = runner.invoke(doctor, [], env={})
    assert "Storage backend: memory" in result.output
    assert "neither REDIS_URL nor KV_URL is set" in result.output
    assert "Problems: none" in result.output
    assert result.exit_code == 0


def test_doctor_redis_reachable(runner, redis_server):
    result = runner.invoke(doctor, [], env={"REDIS_URL": redis_server.url})
    assert "Storage backend: redis (chosen because REDIS_URL is set)" in result.output
    assert "Connection: ok" in result.output
    assert result.exit_code == 0


def test_doctor_reports_what_decides_whether_sessions_survive(runner, tmp_path):
    from conftest import RedisServer

    server = RedisServer(tmp_path, "--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru")
    server.start()
    try:
        result = runner.invoke(doctor, [], env={"REDIS_URL": server.url})
    finally:
        server.stop()
    output = result.output
    assert "Mode: single (detected: not a cluster node)" in output
    assert "of maxmemory 64.0 MB" in output and "headroom" in output
    assert "Persistence: AOF off, RDB off" in output
    assert "maxmemory-policy is allkeys-lru" in output and "use noeviction" in output
    assert "neither RDB nor AOF" in output
    assert "Problems: none" in output
    assert result.exit_code == 0  # warnings, not misconfigurations


def test_doctor_on_a_cluster(runner, redis_cluster):
    result = runner.invoke(doctor, [], env={"REDIS_URL": redis_cluster.url})
    assert "Mode: cluster (detected: cluster_enabled:1)" in result.output
    assert "Cluster: 3 primaries, 0 replicas" in result.output
    assert result.output.count("Persistence (127.0.0.1:") == 3
    assert result.exit_code == 0


def test_doctor_names_a_bad_sentinel_url(runner):
    result = runner.invoke(doctor, [], env={"REDIS_URL": "redis+sentinel://127.0.0.1:26379"})
    assert "not a valid Sentinel URL (the master's name is missing" in result.output
    assert result.exit_code == 1


def test_doctor_redis_unreachable(runner):
    from conftest import free_port

    url = f"redis://127.0.0.1:{free_port()}/0"
    result = runner.invoke(doctor, [], env={"KV_URL": url})
    assert "chosen because KV_URL is set" in result.output
    assert "Connection: FAILED" in result.output
    assert result.exit_code == 1


def test_doctor_names_every_problem(runner):
    env = {"KV_REST_API_URL": "https://kv", "APP_ENV": "production", "VERCEL": "1"}
    result = runner.invoke(doctor, [], env=env)
    assert "KV_URL" in result.output
    assert "SECRET_KEY is not set" in result.output
    assert result.exit_code == 1
    result = runner.invoke(doctor, ["--workers", "4"], env={"SECRET_KEY": "s"})
    assert "4 gunicorn workers" in result.output and "REDIS_URL" in result.output


@pytest.fixture
def runner():
    return CliRunner()


def test_doctor_forced_redis_without_url(runner):
    result = runner.invoke(doctor, [], env={"STORAGE_BACKEND": "redis"})
    assert "Storage backend: redis (chosen because STORAGE_BACKEND=redis)" in result.output
    assert "needs REDIS_URL" in result.output
    assert "SimpleCache" not in result.output
    assert result.exit_code == 1


def test_redact_hides_password():
    assert redact("rediss://default:s3cret@kv.example.com:6379") == (
        "rediss://default:****@kv.example.com:6379"
    )
    assert redact("redis://localhost:6379/0") == "redis://localhost:6379/0"
    assert redact("rediss+sentinel://u:pw@h1:1,h2:2/main/0?sentinel_password=x") == (
        "rediss+sentinel://u:****@h1:1,h2:2/main/0?sentinel_password=****"
    )


def test_favicon_costs_nothing(client):
    connect_demo(client)
    response = client.get("/favicon.ico")
    assert response.status_code == 204
    assert "Set-Cookie" not in response.headers


def test_healthz_is_degraded_for_a_while_after_a_refused_write(own_redis):
    """Redis refused a connect (out of memory), then has room for /healthz's tiny probe
    key: it still says degraded for the window, then ok."""
    admin = own_redis.client()
    config = backend_config("redis", own_redis)
    config["HEALTH_REFUSAL_WINDOW_SECONDS"] = 1.5
    app = create_app(config)
    client = app.test_client()
    try:
        connect_demo(client)
        assert client.get("/healthz").get_json()["status"] == "ok"
        token = csrf_token(client)
        admin.config_set("maxmemory-policy", "noeviction")
        admin.config_set("maxmemory", str(int(admin.info("memory")["used_memory"]) + 64_000))
        with pytest.raises(redis.exceptions.OutOfMemoryError):  # filled up to the limit
            for n in range(100):
                admin.set(f"filler:{n}", "x" * 20_000)
        # Kept full: freed client buffers must not make room for the connect's write.
        admin.config_set("maxmemory", str(int(admin.info("memory")["used_memory"]) // 2))
        response = client.post(
            "/connect", data={"csrf_token": token, "source": "demo", "demo": "portfolio"}
        )
        assert response.status_code == 503
        assert "Storage is full" in response.get_data(as_text=True)
        # Room again: the probe's key gets in, as it would into a Redis with a few bytes free.
        admin.config_set("maxmemory", "0")
        refused_at = time.monotonic()

        health = client.get("/healthz")
        assert health.status_code == 200
        body = health.get_json()
        assert body["status"] == "degraded", body
        assert body["writable"] is False
        assert body["reason"] == "out_of_memory"
        time.sleep(max(0.0, refused_at + 1.6 - time.monotonic()))
        body = client.get("/healthz").get_json()
        assert body["status"] == "ok", body
        assert body["writable"] is True and "reason" not in body
    finally:
        app.extensions["site_store"].close()
        admin.close()
