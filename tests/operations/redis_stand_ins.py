"""What Redis looks like to the cache when it is hung, and a link to the real one that a
test can cut and mend."""

import contextlib
import os
import socket
import threading
from typing import Any, Self
from urllib.parse import urlsplit

import redis


def degrading_cache(location: str, **entry: Any) -> dict[str, Any]:
    """CACHES with the site's Redis cache at `location`: Django builds a new cache
    handler whenever a test changes the setting."""
    cache = {"BACKEND": "operations.cache.DegradingRedisCache", "LOCATION": location}
    return {"default": cache | entry}


class HungRedis:
    """A server that takes connections and never answers: a Redis stopped mid-work, or
    a network that drops everything after the handshake.

    The kernel completes each connection on the listening socket's queue; taking them
    off the queue counts them, and keeps them open, unanswered. If what is tested waits
    forever, a guard closes everything after GUARD_SECONDS, so the test fails instead
    of hanging.
    """

    GUARD_SECONDS = 20

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.server.setblocking(False)
        self.url = f"redis://127.0.0.1:{self.server.getsockname()[1]}/0"
        self.held: list[socket.socket] = []
        self.guard = threading.Timer(self.GUARD_SECONDS, self.close)
        self.guard.daemon = True
        self.guard.start()

    def connections(self) -> int:
        """How many connections were made to it so far."""
        while True:
            try:
                connection, _address = self.server.accept()
            except BlockingIOError:
                return len(self.held)
            self.held.append(connection)

    def close(self) -> None:
        self.guard.cancel()
        for connection in self.held:
            connection.close()
        self.server.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exception: object) -> None:
        self.close()


def real_redis_url() -> str:
    """The Redis the tests may use: REDIS_URL, or the one on this machine's usual port."""
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def real_redis_answers() -> bool:
    try:
        client = redis.Redis.from_url(real_redis_url(), socket_connect_timeout=1)
        return bool(client.ping())
    except redis.RedisError:
        return False


class LinkToRedis:
    """A TCP relay to the real Redis, given to the cache as its location, so that Redis
    can go away and come back at the same address with everything it held.

    Cut, it closes every connection through it and closes each new one at once (what a
    client sees of a Redis that went down, or a network cut); mended, it relays again.
    """

    def __init__(self, upstream_url: str) -> None:
        parts = urlsplit(upstream_url)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 6379)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self.server.getsockname()[1]}{parts.path or '/0'}"
        self.up = True
        self.lock = threading.Lock()
        self.open: list[socket.socket] = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self) -> None:
        while True:
            try:
                client, _address = self.server.accept()
            except OSError:
                return  # closed
            with self.lock:
                if not self.up:
                    client.close()
                    continue
                upstream = socket.create_connection(self.upstream)
                self.open += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.relay, args=(source, target), daemon=True).start()

    def relay(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for end in (source, target):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        with self.lock:
            self.up = False
            for end in self.open:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()
            self.open.clear()

    def mend(self) -> None:
        with self.lock:
            self.up = True

    def close(self) -> None:
        self.cut()
        with contextlib.suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
        self.server.close()
