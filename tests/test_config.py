"""Backend choice at startup and the contract's startup errors."""

from __future__ import annotations

import json

import pytest

from webapp import create_app
from webapp.config import ConfigError, choose_storage, settings_from_env


def choice(env):
    return choose_storage(settings_from_env(env))


def test_no_url_means_memory():
    assert choice({}).backend == "memory"


def test_redis_url_wins_over_kv_url():
    settings = settings_from_env({"REDIS_URL": "redis://a:1/0", "KV_URL": "rediss://b:2"})
    assert settings["REDIS_URL"] == "redis://a:1/0"
    assert choose_storage(settings).reason == "REDIS_URL is set"


def test_kv_url_selects_redis():
    result = choice({"KV_URL": "rediss://default:pw@kv.example.com:6379"})
    assert result.backend == "redis"
    assert "KV_URL" in result.reason


def test_forced_backends():
    assert choice({"STORAGE_BACKEND": "memory", "REDIS_URL": "redis://x"}).backend == "memory"
    assert choice({"STORAGE_BACKEND": "Redis", "REDIS_URL": "redis://x"}).backend == "redis"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STORAGE_BACKEND": "redis"}, "STORAGE_BACKEND=redis needs REDIS_URL"),
        ({"STORAGE_BACKEND": "disk"}, "must be 'redis' or 'memory'"),
        ({"KV_REST_API_URL": "https://kv", "KV_REST_API_TOKEN": "t"}, "set KV_URL"),
        ({"REDIS_URL": "http://example.com"}, "must start with redis://"),
        ({"VERCEL": "1"}, "serverless platform (VERCEL"),
        ({"WEBAPP_GUNICORN_WORKERS": "4", "SECRET_KEY": "s"}, "set REDIS_URL"),
        ({"APP_ENV": "production"}, "SECRET_KEY is not set"),
        ({"WEBAPP_GUNICORN_WORKERS": "1"}, "SECRET_KEY is not set (required with gunicorn)"),
        ({"SESSION_TTL_SECONDS": "soon"}, "SESSION_TTL_SECONDS must be a whole number"),
        ({"SESSION_TTL_SECONDS": "0"}, "must be positive"),
        ({"REDIS_URL": "redis://x", "REDIS_CLUSTER": "maybe"}, "REDIS_CLUSTER must be 1 or 0"),
        ({"REDIS_URL": "redis+sentinel://h:26379"}, "the master's name is missing"),
        ({"REDIS_URL": "redis+sentinel://h/main"}, "sentinel address 'h' is not host:port"),
        ({"REDIS_URL": "redis+sentinel://h:1/main/x"}, "must be /<master-name>[/db]"),
        ({"REDIS_BREAKER_SECONDS": "-1"}, "REDIS_BREAKER_SECONDS must be positive"),
        ({"REDIS_URL": "redis://x", "KEY_PREFIX": "app{1}:"}, "KEY_PREFIX must not contain braces"),
    ],
)
def test_startup_errors_name_the_fix(env, message):
    with pytest.raises(ConfigError, match=None) as raised:
        choice(env)
    assert message in str(raised.value)


def test_kv_rest_credentials_with_kv_url_are_fine():
    env = {"KV_REST_API_URL": "https://kv", "KV_REST_API_TOKEN": "t", "KV_URL": "rediss://kv:1"}
    assert choice(env).backend == "redis"


def test_one_gunicorn_worker_with_memory_is_allowed():
    assert choice({"WEBAPP_GUNICORN_WORKERS": "1", "SECRET_KEY": "s"}).backend == "memory"


def test_create_app_refuses_bad_config(monkeypatch):
    monkeypatch.setenv("STORAGE_BACKEND", "redis")
    with pytest.raises(ConfigError, match="needs REDIS_URL"):
        create_app()


def test_memory_backend_logs_a_warning(caplog):
    with caplog.at_level("WARNING"):
        app = create_app({"TESTING": True})
    assert app.extensions["site_store"].backend_name == "memory"
    assert "set REDIS_URL" in caplog.text


def test_production_cookies_are_secure():
    app = create_app({"TESTING": True, "APP_ENV": "production", "SECRET_KEY": "s"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_local_secret_key_is_generated():
    assert len(create_app({"TESTING": True}).config["SECRET_KEY"]) >= 32


def test_simplecache_has_explicit_timeout_and_threshold():
    app = create_app({"TESTING": True})
    cache = app.extensions["site_store"].cache
    assert cache.default_timeout == 86400
    assert cache._threshold >= 10_000


def test_flask_session_uses_the_apps_own_store(backend, request):
    """Browser sessions are stored by the site-session store itself, as JSON."""
    from conftest import backend_config, connect_demo

    server = request.getfixturevalue("redis_server") if backend == "redis" else None
    app = create_app(backend_config(backend, server))
    store = app.extensions["site_store"]
    client = app.test_client()
    connect_demo(client)
    sid = client.get_cookie("site_pages_session").value
    stored = store.browser_get("browser:{" + sid + "}")
    assert json.loads(stored)["site_sid"] == sid
    assert app.session_interface.key_prefix == "browser:"
    store.close()


def test_sentinel_urls_are_read_as_documented():
    from webapp.storage.redis_connect import parse_sentinel_url

    target = parse_sentinel_url(
        "rediss+sentinel://app:p%40ss@10.0.0.1:26379,[::1]:26380/main/2?ssl_ca_certs=/ca.pem"
    )
    assert target.sentinels == (("10.0.0.1", 26379), ("::1", 26380))
    assert (target.master, target.db, target.username, target.password) == (
        "main",
        2,
        "app",
        "p@ss",
    )
    assert target.tls and target.options == {"ssl_ca_certs": "/ca.pem"}
    plain = parse_sentinel_url("redis+sentinel://:secret@h:1/main")
    assert (plain.username, plain.password, plain.db, plain.tls) == (None, "secret", 0, False)


def test_redis_cluster_switch():
    assert settings_from_env({"REDIS_CLUSTER": "1"})["REDIS_CLUSTER"] is True
    assert settings_from_env({"REDIS_CLUSTER": "0"})["REDIS_CLUSTER"] is False
    assert settings_from_env({})["REDIS_CLUSTER"] is None
