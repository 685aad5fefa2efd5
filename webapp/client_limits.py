"""Per-client limits on connecting sites (the ``limits`` library): connects a minute, bytes a day.

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

``limits`` is used directly (fixed windows, as Flask-Limiter would) and loaded by the
first connect a process sees: importing it, or Flask-Limiter around it, cost every cold
start about 40 ms, a fifth of a bare Flask app's whole start (bench/cold_start.py).
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import threading
import time

from flask import Flask, current_app, g, request
from werkzeug.exceptions import TooManyRequests
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger(__name__)
CONNECTED_BYTES = "connected_bytes"  # on flask.g: the size of the document just connected
_LIMITED = "connect_limited"  # on flask.g: this request's connect was counted


class ConnectLimitReached(TooManyRequests):
    """429: a client connected too much; ``reset_at`` (epoch seconds) is when it may again."""

    def __init__(self, description: str, reset_at: float) -> None:
        super().__init__(description)
        self.reset_at = reset_at


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


class ClientLimits:
    """The app's two limits and where they count (``limits`` loads with the first use)."""

    def __init__(self, redis_client=None, key_prefix: str = "limit") -> None:
        self.redis_client = redis_client  # None: count in this process's memory
        self.key_prefix = key_prefix
        self._strategy = None
        self._lock = threading.Lock()

    def strategy(self):
        """The fixed-window limiter on the app's storage (made once per process).

        The lock also guards the first import: ``limits`` imports its modules in a cycle
        that two threads importing it at once can break (ImportError).
        """
        with self._lock:
            if self._strategy is None:
                from limits.storage import MemoryStorage
                from limits.strategies import FixedWindowRateLimiter

                if self.redis_client is None:
                    storage = MemoryStorage()
                else:
                    from .limit_storage import AppRedisStorage

                    storage = AppRedisStorage(self.redis_client, self.key_prefix)
                self._strategy = FixedWindowRateLimiter(storage)
        return self._strategy


def _limits():
    """(connects a minute, bytes a day) as ``limits`` items, from the app's settings."""
    from limits import RateLimitItemPerDay, RateLimitItemPerMinute

    config = current_app.config
    return (
        RateLimitItemPerMinute(config["CONNECTS_PER_MINUTE"]),
        RateLimitItemPerDay(config["CONNECT_BYTES_PER_DAY"]),
    )


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


def _counted(check) -> None:
    """Run ``check`` (a function of the strategy, the two items and the client); a storage
    outage lets the connect through (it then meets the outage itself), logged."""
    try:
        strategy = current_app.extensions["client_limits"].strategy()
        check(strategy, *_limits(), client_address())
    except ConnectLimitReached:
        raise
    except Exception as error:  # noqa: BLE001 - a counter never stops a connect
        log.warning("Per-client limits not counted (%s)", type(error).__name__)


def _reset_at(strategy, item, *identifiers: str) -> float:
    """When a breached limit's window ends; its whole window from now if the storage
    cannot say (the refusal stands)."""
    try:
        return strategy.get_window_stats(item, *identifiers).reset_time
    except Exception:  # noqa: BLE001 - the answer is 429 either way
        return time.time() + item.get_expiry()


def _count_connect(strategy, per_minute, _per_day, client: str) -> None:
    """Count a connect against the client's minute (a failed one too: parsing it cost as
    much). Identifiers as Flask-Limiter laid them out: the client, then the scope."""
    if not strategy.hit(per_minute, client, "connect"):
        raise ConnectLimitReached(
            _connect_message(), _reset_at(strategy, per_minute, client, "connect")
        )


def _check_connect(strategy, per_minute, per_day, client: str) -> None:
    """Count a connect; before it, check only that the day's bytes are not spent (a
    success's bytes count after it)."""
    _count_connect(strategy, per_minute, per_day, client)
    if not strategy.test(per_day, client, "connect-bytes"):
        reset_at = _reset_at(strategy, per_day, client, "connect-bytes")
        raise ConnectLimitReached(_bytes_message(), reset_at)


def limit_connects(view):
    """Decorate a connect view with the per-client connect limits."""

    @functools.wraps(view)
    def limited(*args, **kwargs):
        _counted(_check_connect)
        setattr(g, _LIMITED, True)
        return view(*args, **kwargs)

    limited.limits_connects = True
    return limited


def count_refused(view) -> None:
    """Count a request whose body was refused unread against its client's connects, if its
    view is a connect (it was one: it tried), raising 429 past the limit. The view, which
    counts otherwise, does not run."""
    if getattr(view, "limits_connects", False):
        _counted(_count_connect)  # the minute only: the body never connected anything


def count_connected(size: int) -> None:
    """Count a connected document's bytes against this client's day (after the request)."""
    setattr(g, CONNECTED_BYTES, size)


def _spend_bytes(response):
    """After a connect that succeeded: its document's bytes count against the day."""
    size = g.get(CONNECTED_BYTES)
    if size and g.get(_LIMITED) and response.status_code < 400:
        _counted(
            lambda strategy, _minute, per_day, client: strategy.hit(
                per_day, client, "connect-bytes", cost=size
            )
        )
    return response


def retry_after(error: ConnectLimitReached) -> int:
    """Seconds until the breached limit's window ends (at least 1)."""
    return max(1, int(error.reset_at - time.time()) + 1)


def wait_words(seconds: int) -> str:
    """A wait in words a person reads at a glance: "in 40 seconds", "in about 3 hours"."""
    if seconds >= 2 * 3600:
        return f"in about {round(seconds / 3600)} hours"
    if seconds >= 120:
        return f"in about {round(seconds / 60)} minutes"
    return f"in {seconds} second{'s' * (seconds != 1)}"


def init_app(app: Flask) -> None:
    """Trust the configured proxy hops, and count limits in the app's storage."""
    hops = app.config["PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops)
    store = app.extensions["site_store"]
    if store.backend_name == "redis":
        limits = ClientLimits(store.client, app.config["KEY_PREFIX"] + "limit")
    else:
        limits = ClientLimits()
    app.extensions["client_limits"] = limits
    app.after_request(_spend_bytes)
