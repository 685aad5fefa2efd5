"""The ``limits`` library's Redis storage on the app's own Redis client (no second pool).

Imported by ``client_limits`` with the first connect a process sees.
"""

from __future__ import annotations

from limits.storage import RedisStorage


class AppRedisStorage(RedisStorage):
    """The ``limits`` Redis storage on the client the app already has (one server,
    Sentinel's master, or a Cluster: each counter is one key, so any node serves it)."""

    def __init__(self, client, key_prefix: str) -> None:
        pool = getattr(client, "connection_pool", None)  # a Cluster's client has none
        super().__init__("redis://", connection_pool=pool, key_prefix=key_prefix)
        self.storage = client
        self.initialize_storage("redis://")  # its scripts, registered on the app's client
