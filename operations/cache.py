"""A Redis cache that a Redis outage can neither turn into errors nor make slow.

The cache only ever saves work: when Redis is unreachable every read is a miss and every
write is dropped, and pages are built from the database. Unreachable costs a request at
most one short timeout: each command may wait REDIS_TIMEOUT_SECONDS (connecting,
REDIS_CONNECT_TIMEOUT_SECONDS) and is not retried, and the first failure opens a circuit
breaker, so that for the next REDIS_RETRY_AFTER_SECONDS this process does not try Redis
at all. Then one request tries it again; an answer closes the circuit. The log says once
when the circuit opens and once when it closes.

The API throttle counts in this process's memory while the circuit is open
(ProcessMemoryFallback); the staff sign-in lockout does not count in the cache at all.
"""

import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient, RedisSerializer
from redis import ConnectionPool
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger("chorus.cache")

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class CircuitBreaker:
    """Whether this process tries Redis now: closed (yes), open (no, until `retry_at`),
    and, once that time has come, one request's try (the probe) while the others still
    go without. Any answer from Redis closes it; a failure opens it again.

    One per process and Redis location, shared by its threads (each has a cache object
    of its own) and by the watched values.
    """

    def __init__(self, open_seconds: float) -> None:
        self.open_seconds = open_seconds
        self.lock = threading.Lock()
        self.is_open = False
        self.retry_at = 0.0
        self.probing = False

    def allows(self) -> bool:
        if not self.is_open:
            return True
        with self.lock:
            if not self.is_open:
                return True
            if self.probing or time.monotonic() < self.retry_at:
                return False
            self.probing = True
            return True

    def failed(self, operation: str, error: Exception) -> None:
        with self.lock:
            opening = not self.is_open
            self.is_open, self.probing = True, False
            self.retry_at = time.monotonic() + self.open_seconds
        if opening:
            logger.warning(
                "Cache unreachable; serving without it",
                extra={
                    "operation": operation,
                    "error_type": type(error).__name__,
                    "retry_after_seconds": self.open_seconds,
                },
            )

    def answered(self) -> None:
        if not self.is_open:
            return
        with self.lock:
            closing = self.is_open
            self.is_open, self.probing = False, False
        if closing:
            logger.info("Cache reachable again")

    def gave_up(self) -> None:
        """A try that ended in an error which says nothing about Redis: the next request
        may try again."""
        with self.lock:
            self.probing = False

    def call(self, operation: str, run: Callable[[], Any], fallback: Callable[[], Any]) -> Any:
        if not self.allows():
            return fallback()
        try:
            result = run()
        except UNREACHABLE as error:
            self.failed(operation, error)
            return fallback()
        except BaseException:
            self.gave_up()
            raise
        self.answered()
        return result


BREAKERS: dict[tuple[int, str], CircuitBreaker] = {}
BREAKERS_LOCK = threading.Lock()


def breaker_for(location: str, open_seconds: float) -> CircuitBreaker:
    index = (os.getpid(), location)
    breaker = BREAKERS.get(index)
    if breaker is None:
        with BREAKERS_LOCK:
            breaker = BREAKERS.setdefault(index, CircuitBreaker(open_seconds))
    # The latest settings win (tests change them; a deployment has one).
    breaker.open_seconds = open_seconds
    return breaker


def degrading(
    operation: str,
    fallback: Callable[..., Any],
    writes: Callable[..., Iterable[Any]] | None = None,
) -> Callable[..., Any]:
    """RedisCache's `operation`, answering `fallback(*arguments)` when Redis is unreachable
    or the circuit is open. For a write, `writes(*arguments)` names the keys written: a
    value this process watches of them is read again next time (WatchedValue)."""

    def method(self: "DegradingRedisCache", *args: Any, **kwargs: Any) -> Any:
        try:
            return self.breaker.call(
                operation,
                lambda: getattr(RedisCache, operation)(self, *args, **kwargs),
                lambda: fallback(*args, **kwargs),
            )
        finally:
            if writes is not None:
                self.wrote(writes(*args, **kwargs))

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


def the_key(key: Any, *args: Any, **kwargs: Any) -> list[Any]:
    return [key]


def the_keys(keys: Iterable[Any], *args: Any, **kwargs: Any) -> Iterable[Any]:
    return keys


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


class WatchedValue:
    """One key's value, held in this process until Redis says that the key has changed.

    The value is read on a connection of its own that asks Redis to track the keys it
    reads (client-side caching, RESP3). When any client writes the key, Redis pushes an
    invalidation on that connection in the same turn of its event loop as it answers the
    writer, so another process hears of a write within moments of the writer (not
    strictly before it: Redis may send the writer's answer first); a write made through
    this process's cache drops the value at once. Every read first looks, without
    waiting, for such a note on the socket; finding one (or the connection closed) drops
    the value, and it is read again. A connection that
    dies without a word would bring no note, so the value is read from Redis anyway at
    least once every CONFIRM_EVERY seconds. One per process and key: a forked worker
    opens its own. Finding Redis unreachable opens the cache's circuit, so that the
    request goes on without trying the cache as well.
    """

    CONFIRM_EVERY = 1.0
    # After a failure, how long the watch stays away from Redis: readers go to the cache.
    RETRY_EVERY = 1.0

    def __init__(
        self, location: str, key: str, options: dict[str, Any], breaker: CircuitBreaker
    ) -> None:
        self.key = key
        self.breaker = breaker
        self.pool = ConnectionPool.from_url(location, protocol=3, **options)
        self.serializer = RedisSerializer()
        self.lock = threading.Lock()
        self.connection: Any = None
        self.held = False
        self.value: Any = None
        self.read_at = 0.0
        self.retry_at = 0.0

    def read(self) -> tuple[bool, Any]:
        """(True, value) — None when the key is not set — or (False, None) when the watch
        cannot vouch for the value (Redis unreachable), for the caller to ask the cache."""
        with self.lock:
            while True:
                connected = self.connection is not None
                try:
                    return self._read()
                except (RedisError, OSError) as error:
                    self.forget(disconnect=True)
                    if connected and isinstance(error, RedisConnectionError):
                        # Closed while it was idle (Redis restarted, or was away since):
                        # that says nothing of Redis now, so a new one is tried at once.
                        continue
                    self.retry_at = time.monotonic() + self.RETRY_EVERY
                    if isinstance(error, UNREACHABLE):
                        self.breaker.failed("get_watched", error)
                    return False, None

    def _read(self) -> tuple[bool, Any]:
        now = time.monotonic()
        if self.connection is None:
            if now < self.retry_at:
                return False, None
            self.connection = self.pool.make_connection()
            self.connection.connect()
            # Refused (an old or restricted Redis): the error closes the connection.
            self.connection.send_command("CLIENT", "TRACKING", "ON")
            self.connection.read_response()
        while self.connection.can_read(timeout=0):
            # Only pushes arrive unasked: an invalidation of the key, or of everything.
            self.connection.read_response(push_request=True)
            self.held = False
        if not self.held or now - self.read_at >= self.CONFIRM_EVERY:
            self.connection.send_command("GET", self.key)
            raw = self.connection.read_response()
            self.value = None if raw is None else self.serializer.loads(raw)
            self.held, self.read_at = True, now
        return True, self.value

    def forget(self, *, disconnect: bool = False) -> None:
        """Drop the value held, so that the next read asks Redis."""
        self.held = False
        if disconnect and self.connection is not None:
            self.connection.disconnect()
            self.connection = None


WATCHES: dict[tuple[int, str, str], WatchedValue] = {}
WATCHES_LOCK = threading.Lock()


class DegradingRedisCache(RedisCache):
    """Django's RedisCache, failing fast and degrading to no cache (see the module's
    docstring). Besides Django's settings, the cache's entry may name RETRY_AFTER: the
    seconds the circuit stays open after a failure."""

    # What a deployment's settings replace (config/settings.py); tests name none.
    TIMEOUT_SECONDS = 0.25
    RETRY_AFTER_SECONDS = 5.0

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = params.setdefault("OPTIONS", {})
        # Without a bound, a vanished or hung Redis holds every request until TCP gives up.
        options.setdefault("socket_connect_timeout", self.TIMEOUT_SECONDS)
        options.setdefault("socket_timeout", self.TIMEOUT_SECONDS)
        # redis-py may try a failed command again; here the circuit breaker decides when
        # Redis is tried again, so a command is tried once.
        options.setdefault("retry", Retry(NoBackoff(), 0))
        super().__init__(server, params)
        self._class = OneClientPerPool
        servers = re.split("[;,]", server) if isinstance(server, str) else list(server)
        self.breaker = breaker_for(
            ",".join(servers), float(params.get("RETRY_AFTER", self.RETRY_AFTER_SECONDS))
        )
        # Writes go to the first server: the one to watch.
        self._watch_location = servers[0]
        self._watch_options = {
            name: options[name] for name in ("socket_connect_timeout", "socket_timeout", "retry")
        }
        # This cache's watches by process and key as given (see _watch).
        self._watches: dict[tuple[int, str], WatchedValue] = {}

    def _watch(self, key: str) -> WatchedValue:
        # Asked for on every request: found by the key as given, the full key made and
        # validated only the first time in each process.
        pid = os.getpid()
        watch = self._watches.get((pid, key))
        if watch is not None:
            return watch
        full_key = self.make_and_validate_key(key)
        index = (pid, self._watch_location, full_key)
        watch = WATCHES.get(index)
        if watch is None:
            with WATCHES_LOCK:
                watch = WATCHES.setdefault(
                    index,
                    WatchedValue(self._watch_location, full_key, self._watch_options, self.breaker),
                )
        self._watches[(pid, key)] = watch
        return watch

    def get_watched(self, key: str) -> Any:
        """`get` for a small key read on every request and seldom written: answered from
        this process's memory until Redis says the key changed (see WatchedValue), and
        from the cache when the watch cannot say (or, the circuit open, from nowhere)."""
        if not self.breaker.is_open:
            known, value = self._watch(key).read()
            if known:
                return value
        return self.get(key)

    def wrote(self, keys: Iterable[Any]) -> None:
        """This process wrote `keys` (under the cache's own version): what it watches of
        them is read again next time, whether or not Redis's note has come yet."""
        pid = os.getpid()
        for key in keys:
            watch = WATCHES.get((pid, self._watch_location, self.make_key(key)))
            if watch is not None:
                watch.forget()

    # Reads miss, writes are dropped, set_many reports every key as not stored.
    add = degrading("add", not_done, writes=the_key)
    get = degrading("get", default_value)
    set = degrading("set", nothing, writes=the_key)
    touch = degrading("touch", not_done)
    delete = degrading("delete", not_done, writes=the_key)
    get_many = degrading("get_many", no_values)
    has_key = degrading("has_key", not_done)
    incr = degrading("incr", missing_key, writes=the_key)
    # Keys of a mapping (set_many) or an iterable read once by Django (delete_many).
    set_many = degrading("set_many", none_stored, writes=the_keys)
    delete_many = degrading("delete_many", nothing)
    clear = degrading("clear", not_done)

    def is_reachable(self) -> bool:
        """For the readiness check: one round trip (none while the circuit is open), no
        exception."""
        return bool(
            self.breaker.call(
                "ping", lambda: self._cache.get_client(write=True).ping(), lambda: False
            )
        )

    def is_answering(self) -> bool:
        """Whether this process is using Redis now (its circuit closed). No round trip."""
        return not self.breaker.is_open


class ProcessMemoryFallback(BaseCache):
    """The default cache while it answers; this process's own memory while it does not.

    For counters that must go on counting through a Redis outage (the API throttle):
    with the circuit open, each process counts on its own, so a limit is then per
    process. Only get and set, which are all DRF's throttles use.
    """

    def __init__(self, name: str) -> None:
        super().__init__({})
        # Room for many clients' counters; the least recently used third go when it is full.
        self.memory = LocMemCache(name, {"OPTIONS": {"MAX_ENTRIES": 10_000}})

    def current(self) -> BaseCache:
        shared = caches["default"]
        if isinstance(shared, DegradingRedisCache) and not shared.is_answering():
            return self.memory
        return shared

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        cache = self.current()
        value = cache.get(key, default, version)
        # The shared cache may have just failed (the circuit opened): ask memory instead.
        return value if cache is self.current() else self.memory.get(key, default, version)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        cache = self.current()
        cache.set(key, value, timeout, version)
        if cache is not self.current():
            self.memory.set(key, value, timeout, version)
