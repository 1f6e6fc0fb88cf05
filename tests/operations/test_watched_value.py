"""A value read on every request and seldom written is held by each process until Redis
pushes word that it changed: no round trip while it holds, the new value at once when
another client writes it, and the cache asked whenever the watch cannot vouch for it."""

import os
import pickle
import time
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest
import redis
from django.core.cache import caches
from django.test import Client
from pytest_django.fixtures import Settings

from operations import pages
from operations.cache import DegradingRedisCache, WatchedValue
from tests.factories import StatementFactory, withdraw_in_database_only
from tests.operations.test_degradation import closed_port

REDIS_URL = os.environ.get("REDIS_URL")
pytestmark = pytest.mark.skipif(
    not REDIS_URL, reason="REDIS_URL is not set: no Redis to test against"
)


@pytest.fixture
def redis_cache(settings: Settings) -> Iterator[DegradingRedisCache]:
    """The real Redis cache, under a prefix of this test's own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "operations.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid4().hex}",
        }
    }
    cache = caches["default"]
    assert isinstance(cache, DegradingRedisCache)
    yield cache
    cache.delete("watched")
    cache.delete(pages.CONTENT_VERSION_KEY)


@pytest.fixture
def elsewhere() -> Iterator[redis.Redis]:
    """Another process's client: a connection of its own."""
    client = redis.Redis.from_url(str(REDIS_URL))
    yield client
    client.close()


def commands_sent(watch: WatchedValue, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    sent: list[tuple[Any, ...]] = []
    original = watch.connection.send_command

    def counted(*args: Any, **kwargs: Any) -> None:
        sent.append(args)
        original(*args, **kwargs)

    monkeypatch.setattr(watch.connection, "send_command", counted)
    return sent


def note_arrives(watch: WatchedValue) -> None:
    """Wait for Redis's note of another client's write: it comes within moments of the
    writer's answer, not always before it."""
    assert watch.connection.can_read(timeout=2), "no invalidation came from Redis"


def test_a_held_value_costs_no_round_trip_until_another_client_writes_it(
    redis_cache: DegradingRedisCache, elsewhere: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    redis_cache.set("watched", "first", timeout=None)
    assert redis_cache.get_watched("watched") == "first"
    watch = redis_cache._watch("watched")
    sent = commands_sent(watch, monkeypatch)

    for _ in range(20):
        assert redis_cache.get_watched("watched") == "first"
    assert sent == []

    elsewhere.set(redis_cache.make_key("watched"), pickle.dumps("second"))
    note_arrives(watch)
    assert redis_cache.get_watched("watched") == "second"
    assert [command[0] for command in sent] == ["GET"]


def test_a_deleted_or_flushed_key_reads_as_not_set(
    redis_cache: DegradingRedisCache, elsewhere: redis.Redis
) -> None:
    redis_cache.set("watched", "value", timeout=None)
    assert redis_cache.get_watched("watched") == "value"
    elsewhere.delete(redis_cache.make_key("watched"))
    note_arrives(redis_cache._watch("watched"))
    assert redis_cache.get_watched("watched") is None
    redis_cache.set("watched", 7, timeout=None)
    assert redis_cache.get_watched("watched") == 7


def test_a_write_through_this_process_cache_is_read_at_once_without_waiting_for_redis(
    redis_cache: DegradingRedisCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    redis_cache.set("watched", "before", timeout=None)
    assert redis_cache.get_watched("watched") == "before"
    watch = redis_cache._watch("watched")
    # Play a note that is slow to come: the socket says nothing.
    monkeypatch.setattr(watch.connection, "can_read", lambda timeout=0: False)
    redis_cache.set("watched", "after", timeout=None)
    assert redis_cache.get_watched("watched") == "after"
    redis_cache.delete("watched")
    assert redis_cache.get_watched("watched") is None
    redis_cache.add("watched", 1, timeout=None)
    assert redis_cache.get_watched("watched") == 1
    redis_cache.incr("watched")
    assert redis_cache.get_watched("watched") == 2
    redis_cache.set_many({"watched": 5}, timeout=None)
    assert redis_cache.get_watched("watched") == 5


def test_a_connection_closed_by_the_server_is_noticed_and_replaced(
    redis_cache: DegradingRedisCache, elsewhere: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(WatchedValue, "RETRY_EVERY", 0.0)
    redis_cache.set("watched", "before", timeout=None)
    assert redis_cache.get_watched("watched") == "before"
    watch = redis_cache._watch("watched")
    watch.connection.send_command("CLIENT", "ID")
    client_id = watch.connection.read_response()

    elsewhere.client_kill_filter(_id=client_id)
    # While the connection is gone no invalidation can come: the write below must still
    # be seen, through the cache or through a new connection.
    elsewhere.set(redis_cache.make_key("watched"), pickle.dumps("after"))
    assert redis_cache.get_watched("watched") == "after"
    assert redis_cache.get_watched("watched") == "after"
    assert watch.connection is not None


def test_without_a_word_from_redis_the_value_is_read_again_after_a_second(
    redis_cache: DegradingRedisCache, elsewhere: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    redis_cache.set("watched", "before", timeout=None)
    assert redis_cache.get_watched("watched") == "before"
    watch = redis_cache._watch("watched")
    # A connection that died silently brings no invalidation; stop them to play it.
    watch.connection.send_command("CLIENT", "TRACKING", "OFF")
    watch.connection.read_response()
    elsewhere.set(redis_cache.make_key("watched"), pickle.dumps("after"))
    assert redis_cache.get_watched("watched") == "before"

    later = time.monotonic() + WatchedValue.CONFIRM_EVERY
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert redis_cache.get_watched("watched") == "after"


def test_with_redis_unreachable_the_watch_steps_aside(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "operations.cache.DegradingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    cache = caches["default"]
    assert isinstance(cache, DegradingRedisCache)
    watch = cache._watch("watched")
    attempts: list[object] = []
    make_connection = watch.pool.make_connection

    def attempt() -> Any:
        attempts.append(None)
        return make_connection()

    monkeypatch.setattr(watch.pool, "make_connection", attempt)
    assert watch.read() == (False, None)
    assert cache.get_watched("watched") is None
    # Within the retry interval no new connection is even tried; after it, one is.
    assert watch.read() == (False, None)
    assert (len(attempts), watch.connection) == (1, None)
    monkeypatch.setattr(watch, "retry_at", 0.0)
    assert watch.read() == (False, None)
    assert len(attempts) == 2


def test_each_process_watches_with_a_connection_of_its_own(
    redis_cache: DegradingRedisCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = redis_cache._watch("watched")
    monkeypatch.setattr(os, "getpid", lambda: -1)
    child = redis_cache._watch("watched")
    assert child is not parent
    assert redis_cache._watch("watched") is child


@pytest.mark.django_db
def test_a_page_in_process_memory_is_dropped_the_moment_another_process_changes_content(
    redis_cache: DegradingRedisCache, elsewhere: redis.Redis, client: Client
) -> None:
    statement = StatementFactory(published=True)
    url = statement.get_absolute_url()
    redis_cache.set(pages.CONTENT_VERSION_KEY, uuid4().hex, timeout=None)
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # from this process's memory

    # Another worker withdraws the statement and changes the version through its own
    # connection: this process hears of it from Redis alone.
    withdraw_in_database_only(statement)
    elsewhere.set(redis_cache.make_key(pages.CONTENT_VERSION_KEY), pickle.dumps(uuid4().hex))
    note_arrives(redis_cache._watch(pages.CONTENT_VERSION_KEY))
    assert client.get(url).status_code == 410


@pytest.mark.django_db
def test_a_change_made_in_this_process_shows_at_once(
    redis_cache: DegradingRedisCache, client: Client
) -> None:
    statement = StatementFactory(published=True)
    url = statement.get_absolute_url()
    assert client.get(url).status_code == 200
    withdraw_in_database_only(statement)
    pages.pages_changed()
    assert client.get(url).status_code == 410
