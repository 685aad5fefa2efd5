"""Per-client limits on connecting sites (Flask-Limiter): connects a minute, bytes a day.

One client could otherwise fill storage with sessions that live a day, or keep workers
parsing documents. A client is its address as the proxies in front report it, trusting
only ``PROXY_HOPS`` of them (Werkzeug's ``ProxyFix``; 0: the connection's own address).
The HTML form and the JSON API share the counters. Past a limit the answer is 429 with
``Retry-After`` and a page that says when to come back.

Counters live where sessions do: in the app's Redis (any deployment: the app's own
client is handed to the ``limits`` library, no second pool), or in the limiter's
memory locally. Their keys (``<KEY_PREFIX>limit:…``) are the one exception to the
``{SID}`` hash-tag rule: they belong to a client, not a session, and expire by
themselves at the end of their window.
"""

from __future__ import annotations

import ipaddress
import time

from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from limits.storage import RedisStorage
from werkzeug.middleware.proxy_fix import ProxyFix

CONNECTED_BYTES = "connected_bytes"  # on flask.g: the size of the document just connected


class AppRedisStorage(RedisStorage):
    """The ``limits`` Redis storage on the client the app already has (one server,
    Sentinel's master, or a Cluster: each counter is one key, so any node serves it)."""

    STORAGE_SCHEME = ["site-pages-redis"]

    def __init__(self, uri: str, *, client, key_prefix: str = "limit", **options) -> None:
        pool = getattr(client, "connection_pool", None)  # a Cluster's client has none
        super().__init__("redis://", connection_pool=pool, key_prefix=key_prefix)
        self.storage = client
        self.initialize_storage(uri)  # its scripts, registered on the app's client


def client_address() -> str:
    """The client a limit counts: its address as the trusted proxies report it; for IPv6,
    its /64 network (one host is given a whole /64, so its addresses are one client)."""
    address = request.remote_addr or "unknown"
    if ":" in address:
        try:
            return str(ipaddress.ip_network(f"{address}/64", strict=False))
        except ValueError:
            return address
    return address


limiter = Limiter(key_func=client_address)


def _connect_message() -> str:
    per_minute = current_app.config["CONNECTS_PER_MINUTE"]
    sites = f"{per_minute} site{'s' * (per_minute != 1)}"
    return f"Too many sites connected from your address: the app connects {sites} a minute."


def _bytes_message() -> str:
    megabytes = current_app.config["CONNECT_BYTES_PER_DAY"] / (1024 * 1024)
    return (
        "Too much content connected from your address today: the app takes "
        f"{megabytes:g} MB a day from each address."
    )


def _connects_per_minute() -> str:
    return f"{current_app.config['CONNECTS_PER_MINUTE']} per minute"


def _bytes_per_day() -> str:
    return f"{current_app.config['CONNECT_BYTES_PER_DAY']} per day"


# Every connect counts against the first (a failed one too: parsing it cost as much); the
# bytes of a connect that succeeded count against the second, once they are known. Before
# the connect the second only checks that the day's budget is not spent.
_connect_limits = (
    limiter.shared_limit(_connects_per_minute, scope="connect", error_message=_connect_message),
    limiter.shared_limit(
        _bytes_per_day,
        scope="connect-bytes",
        cost=lambda: g.get(CONNECTED_BYTES, 1),
        deduct_when=lambda response: response.status_code < 400 and CONNECTED_BYTES in g,
        error_message=_bytes_message,
    ),
)


def limit_connects(view):
    """Decorate a connect view with the per-client connect limits."""
    for limit in _connect_limits:
        view = limit(view)
    view.limits_connects = True
    return view


def count_refused(view) -> None:
    """Count a request whose body was refused unread against its client's connects, if its
    view is a connect (it was one: it tried), raising 429 past the limit. The view, which
    counts otherwise, does not run."""
    if getattr(view, "limits_connects", False):
        with _connect_limits[0]:  # Flask-Limiter's limits count as context managers too
            pass


def count_connected(size: int) -> None:
    """Count a connected document's bytes against this client's day (after the request)."""
    setattr(g, CONNECTED_BYTES, size)


def retry_after() -> int:
    """Seconds until the breached limit's window ends (at least 1)."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, int(current.reset_at - time.time()) + 1)


def wait_words(seconds: int) -> str:
    """A wait in words a person reads at a glance: "in 40 seconds", "in about 3 hours"."""
    if seconds >= 2 * 3600:
        return f"in about {round(seconds / 3600)} hours"
    if seconds >= 120:
        return f"in about {round(seconds / 60)} minutes"
    return f"in {seconds} second{'s' * (seconds != 1)}"


def init_app(app: Flask) -> None:
    """Trust the configured proxy hops, and bind the limiter to the app's storage."""
    hops = app.config["PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops)
    store = app.extensions["site_store"]
    if store.backend_name == "redis":
        prefix = app.config["KEY_PREFIX"] + "limit"
        app.config.setdefault("RATELIMIT_STORAGE_URI", "site-pages-redis://")
        app.config.setdefault(
            "RATELIMIT_STORAGE_OPTIONS", {"client": store.client, "key_prefix": prefix}
        )
    else:
        app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    # A storage outage lets connects through (they then meet the outage themselves).
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)
