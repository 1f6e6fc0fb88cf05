"""A Redis cache that a Redis outage cannot turn into errors.

The cache only ever saves work: when Redis is unreachable every read is a miss and every
write is dropped, with a warning in the log, and pages are built from the database.
Counters kept in the cache (login failures, API throttles) start again from nothing
while Redis is away.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("chorus.cache")

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def degrading(operation: str, fallback: Callable[..., Any]) -> Callable[..., Any]:
    """RedisCache's `operation`, answering `fallback(*arguments)` when Redis is unreachable."""

    def method(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(RedisCache, operation)(self, *args, **kwargs)
        except UNREACHABLE as error:
            logger.warning(
                "Cache unreachable; serving without it",
                extra={"operation": operation, "error_type": type(error).__name__},
            )
            return fallback(*args, **kwargs)

    method.__name__ = operation
    return method


def nothing(*args: Any, **kwargs: Any) -> None:
    return None


def not_done(*args: Any, **kwargs: Any) -> bool:
    return False


def default_value(key: Any, default: Any = None, version: Any = None) -> Any:
    return default


def no_values(*args: Any, **kwargs: Any) -> dict[Any, Any]:
    return {}


def none_stored(data: Any, *args: Any, **kwargs: Any) -> list[Any]:
    return list(data)


def missing_key(key: Any, *args: Any, **kwargs: Any) -> int:
    # What Django raises for a counter that is not in the cache: its callers handle it.
    raise ValueError(f"Key {key!r} not found (cache unreachable).")


class OneClientPerPool(RedisCacheClient):
    """Django builds a new redis.Redis, with its hundred and seventy response callbacks,
    for every cache operation: a third of a warm page's time. One per connection pool
    is enough; it holds no connection of its own and is safe to share between threads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's own client methods, absent from its type stubs.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            self._clients[id(pool)] = client
        return client


class DegradingRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = params.setdefault("OPTIONS", {})
        # Without a bound, a vanished Redis host holds every request until TCP gives up.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, params)
        self._class = OneClientPerPool

    # Reads miss, writes are dropped, set_many reports every key as not stored.
    add = degrading("add", not_done)
    get = degrading("get", default_value)
    set = degrading("set", nothing)
    touch = degrading("touch", not_done)
    delete = degrading("delete", not_done)
    get_many = degrading("get_many", no_values)
    has_key = degrading("has_key", not_done)
    incr = degrading("incr", missing_key)
    set_many = degrading("set_many", none_stored)
    delete_many = degrading("delete_many", nothing)
    clear = degrading("clear", not_done)

    def is_reachable(self) -> bool:
        """For the readiness check: one round trip, no exception."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except UNREACHABLE:
            return False
