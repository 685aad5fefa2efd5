"""Redis over TLS (``rediss://``) with the operator's own CA file, as the README says."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
import redis
from click.testing import CliRunner
from conftest import backend_config, connect_demo, free_port

from webapp import create_app
from webapp.cli import doctor


def _openssl(*args: str, cwd) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def tls_redis(tmp_path_factory):
    """A redis-server that speaks TLS only, its certificate signed by a CA of our own."""
    if shutil.which("openssl") is None:
        pytest.fail("openssl is not installed (.ci/run installs it)")
    folder = tmp_path_factory.mktemp("tls")
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
             "-out", "ca.pem", "-days", "2", "-subj", "/CN=Test CA", cwd=folder)  # fmt: skip
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key",
             "-out", "server.csr", "-subj", "/CN=localhost", cwd=folder)  # fmt: skip
    (folder / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", "server.pem", "-days", "2",
             "-extfile", "ext.cnf", cwd=folder)  # fmt: skip
    port = free_port()
    process = subprocess.Popen(
        [
            shutil.which("redis-server"),
            "--port", "0", "--tls-port", str(port), "--bind", "127.0.0.1",
            "--tls-cert-file", "server.pem", "--tls-key-file", "server.key",
            "--tls-ca-cert-file", "ca.pem", "--tls-auth-clients", "no",
            "--save", "", "--appendonly", "no", "--dir", str(folder),
            "--logfile", str(folder / "redis.log"),
        ],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    ca = folder / "ca.pem"
    url = f"rediss://127.0.0.1:{port}/0"
    try:
        probe = redis.Redis.from_url(f"{url}?ssl_ca_certs={ca}", socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                probe.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        probe.close()
        yield url, ca
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_tls_with_a_ca_file(tls_redis):
    url, ca = tls_redis
    config = backend_config("memory", None)
    config.update(STORAGE_BACKEND="redis", REDIS_URL=f"{url}?ssl_ca_certs={ca}")
    app = create_app(config)
    try:
        client = app.test_client()
        connect_demo(client)
        assert "Disconnect" in client.get("/").get_data(as_text=True)
        assert client.get("/healthz").get_json()["writable"] is True
    finally:
        app.extensions["site_store"].close()


def test_tls_without_the_ca_file_is_refused_clearly(tls_redis):
    url, _ca = tls_redis
    config = backend_config("memory", None)
    config.update(STORAGE_BACKEND="redis", REDIS_URL=url, REDIS_CLUSTER=False)
    app = create_app(config)
    try:
        response = app.test_client().get("/")
        assert response.status_code == 503
        assert "Storage unavailable" in response.get_data(as_text=True)
    finally:
        app.extensions["site_store"].close()
    result = CliRunner().invoke(doctor, [], env={"REDIS_URL": url, "REDIS_CLUSTER": "0"})
    assert "Connection: FAILED" in result.output
    assert "certificate verify failed" in result.output
    assert result.exit_code == 1
