"""The app's Redis client for each deployment: one server, a Cluster, or Sentinel.

``connect`` reads the URL and returns a client of the right class plus what is
needed to describe it (``/healthz``, ``flask doctor``):

* ``redis://``, ``rediss://``, ``unix://``: one server, or a Cluster when the
  named node says it is one (``INFO cluster``), or when ``REDIS_CLUSTER=1``;
* ``redis+sentinel://[[user]:password@]host:port[,host:port…]/<master>[/db]``
  (``rediss+sentinel://`` for TLS): the master that the sentinels name, found
  again after a failover (redis-py's ``Sentinel``).

Query parameters of the URL (``?ssl_ca_certs=/path/ca.pem``…) are passed on to
redis-py as connection options, as ``redis.from_url`` does.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

import redis
from redis.backoff import ExponentialBackoff
from redis.cluster import RedisCluster
from redis.connection import PythonRespSerializer
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import DataError, RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry
from redis.sentinel import Sentinel

from .. import defaults

log = logging.getLogger(__name__)

SINGLE_SCHEMES = ("redis", "rediss", "unix")
SENTINEL_SCHEMES = ("redis+sentinel", "rediss+sentinel")
SCHEMES = SINGLE_SCHEMES + SENTINEL_SCHEMES


@dataclass(frozen=True)
class SentinelTarget:
    """A ``redis+sentinel://`` URL, read."""

    sentinels: tuple[tuple[str, int], ...]
    master: str
    db: int = 0
    username: str | None = None
    password: str | None = None
    tls: bool = False
    options: dict = field(default_factory=dict)  # query parameters, as connection options


def parse_sentinel_url(url: str) -> SentinelTarget:
    """Read a Sentinel URL; ValueError says what is wrong with it."""
    scheme, _, rest = url.partition("://")
    if scheme not in SENTINEL_SCHEMES:
        raise ValueError(f"not a Sentinel URL (scheme {scheme!r})")
    rest, _, query = rest.partition("?")
    rest = rest.split("#", 1)[0]
    netloc, _, path = rest.partition("/")
    username = password = None
    if "@" in netloc:
        userinfo, _, netloc = netloc.rpartition("@")
        user, has_password, secret = userinfo.partition(":")
        username = unquote(user) or None
        password = unquote(secret) if has_password else None
    sentinels = []
    for address in netloc.split(","):
        host, _, port = address.strip().rpartition(":")
        host = host.strip("[]")
        if not host or not port.isdigit():
            raise ValueError(f"sentinel address {address.strip()!r} is not host:port")
        sentinels.append((host, int(port)))
    parts = [unquote(p) for p in path.split("/") if p]
    if not parts:
        raise ValueError("the master's name is missing (…/<master-name>[/db])")
    if len(parts) > 2 or (len(parts) == 2 and not parts[1].isdigit()):
        raise ValueError(f"the path must be /<master-name>[/db], got /{path}")
    return SentinelTarget(
        sentinels=tuple(sentinels),
        master=parts[0],
        db=int(parts[1]) if len(parts) == 2 else 0,
        username=username,
        password=password,
        tls=scheme.startswith("rediss"),
        options=dict(parse_qsl(query)),
    )


def url_problem(url: str, variable: str) -> str | None:
    """Return what is wrong with a Redis URL (with its fix), or None."""
    scheme = urlsplit(url).scheme if "://" in url else ""
    if scheme not in SCHEMES:
        return (
            f"{variable} must start with redis://, rediss://, unix://, redis+sentinel:// "
            f"or rediss+sentinel://, got {scheme or 'no'} scheme"
        )
    if scheme in SENTINEL_SCHEMES:
        try:
            parse_sentinel_url(url)
        except ValueError as error:
            return (
                f"{variable} is not a valid Sentinel URL ({error}); the form is "
                "redis+sentinel://[[user]:password@]host:port[,host:port]/<master-name>[/db]"
            )
    return None


@dataclass
class RedisConnection:
    """The client the app uses, and how it was chosen."""

    client: redis.Redis | RedisCluster
    mode: str  # "single", "cluster" or "sentinel"
    how: str  # why this mode, for the doctor ("detected: cluster_enabled:1", ...)
    sentinel: Sentinel | None = None
    master: str | None = None  # Sentinel: the master's name


def _client_options(timeouts: dict) -> dict:
    """Connection options shared by every mode: short timeouts, one quick retry."""
    options = {
        "socket_timeout": timeouts.get("socket_timeout", defaults.REDIS_SOCKET_TIMEOUT),
        "socket_connect_timeout": timeouts.get("connect_timeout", defaults.REDIS_CONNECT_TIMEOUT),
        "health_check_interval": 0,
        # No CLIENT SETINFO handshake: one less round trip on every new connection.
        "lib_name": None,
        "lib_version": None,
    }
    if timeouts.get("zero_copy"):
        # hiredis packs each command into one new buffer: creating a 12 MB site would hold
        # its 30 MB of values twice. redis-py's own packer sends a large value from its
        # own buffer. (A Cluster's client takes no packer: it keeps hiredis's.)
        options["command_packer"] = PythonRespSerializer(ZERO_COPY_FROM, _encode)
    return options


ZERO_COPY_FROM = 6000  # bytes: smaller values are joined into one buffer, as redis-py does


def _encode(value) -> bytes | memoryview:
    """A command argument as bytes (what redis-py's encoder does, for our arguments)."""
    if isinstance(value, bytes | memoryview):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value).encode("ascii")
    raise DataError(f"cannot send a {type(value).__name__} to Redis")


def _retry(retries: int) -> Retry:
    return Retry(ExponentialBackoff(cap=defaults.REDIS_RETRY_BACKOFF_CAP, base=0.01), retries)


def single_client(url: str, **timeouts) -> redis.Redis:
    """A client for one server (hiredis parser when installed)."""
    return redis.Redis.from_url(
        url,
        retry=_retry(timeouts.get("retries", defaults.REDIS_RETRIES)),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
        max_connections=defaults.REDIS_MAX_CONNECTIONS,
        **_client_options(timeouts),
    )


def is_cluster_node(client: redis.Redis) -> bool:
    """Ask a server whether it is a node of a Redis Cluster (``INFO cluster``)."""
    return bool(client.info("cluster").get("cluster_enabled"))


def connect(url: str, *, cluster: bool | None = None, **timeouts) -> RedisConnection:
    """Build the client for this URL: Sentinel by scheme, else one server or a Cluster.

    ``cluster`` None detects a Cluster by asking the URL's server; when that
    server cannot be reached, the app starts as for one server and says so in
    the log (set ``REDIS_CLUSTER`` to decide without asking).
    """
    if urlsplit(url).scheme in SENTINEL_SCHEMES:
        return _sentinel(parse_sentinel_url(url), timeouts)
    client = single_client(url, **timeouts)
    how = "REDIS_CLUSTER=0" if cluster is False else "REDIS_CLUSTER=1"
    if cluster is None:
        try:
            cluster = is_cluster_node(client)
            how = "detected: " + ("cluster_enabled:1" if cluster else "not a cluster node")
        except RedisError as error:
            cluster = False
            how = "not detected: the server did not answer at startup"
            log.warning(
                "Could not ask Redis whether it is a Cluster (%s); using it as one server. "
                "Set REDIS_CLUSTER=1 if it is a Cluster, or REDIS_CLUSTER=0 to skip the question.",
                type(error).__name__,
            )
    if not cluster:
        return RedisConnection(client, "single", how)
    client.close()
    return RedisConnection(
        RedisCluster.from_url(
            url,
            retry=_retry(defaults.REDIS_CLUSTER_RETRIES),
            max_connections=defaults.REDIS_MAX_CONNECTIONS,
            **_client_options(timeouts),
        ),
        "cluster",
        how,
    )


def _sentinel(target: SentinelTarget, timeouts: dict) -> RedisConnection:
    options = dict(target.options)
    sentinel_password = options.pop("sentinel_password", None)
    common = _client_options(timeouts)
    # A change waits up to REDIS_WAIT_TIMEOUT_MS for a replica (WAIT): the master's
    # socket timeout leaves room for that answer.
    wait = defaults.REDIS_WAIT_TIMEOUT_MS / 1000
    master_timeout = max(common["socket_timeout"], wait + defaults.REDIS_SOCKET_TIMEOUT / 2)
    tls = {"ssl": True} if target.tls else {}
    sentinel_options = {
        key: value for key, value in {**common, **tls}.items() if key.startswith(("socket_", "ssl"))
    }
    if sentinel_password:
        sentinel_options["password"] = sentinel_password
    sentinel_options.update({k: v for k, v in options.items() if k.startswith("ssl_")})
    sentinel = Sentinel(list(target.sentinels), sentinel_kwargs=sentinel_options)
    client = sentinel.master_for(
        target.master,
        db=target.db,
        username=target.username,
        password=target.password,
        retry=_retry(timeouts.get("retries", defaults.REDIS_RETRIES)),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
        max_connections=defaults.REDIS_MAX_CONNECTIONS,
        **{**common, "socket_timeout": master_timeout},
        **tls,
        **options,
    )
    return RedisConnection(client, "sentinel", "redis+sentinel:// URL", sentinel, target.master)


def redact(url: str) -> str:
    """Return the URL with its password replaced by ****."""
    scheme, sep, rest = url.partition("://")
    netloc, slash, path = rest.partition("/")
    path = re.sub(r"(password=)[^&#]*", r"\1****", path)
    if "@" in netloc:
        userinfo, _, hosts = netloc.rpartition("@")
        user, has_password, _secret = userinfo.partition(":")
        if has_password:
            netloc = f"{user}:****@{hosts}"
    return f"{scheme}{sep}{netloc}{slash}{path}"
