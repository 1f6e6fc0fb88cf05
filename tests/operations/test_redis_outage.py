"""While Redis is hung or away, a request waits for it at most once, and then not at all
until it may be back; sign-in lockout and the API throttle go on counting; and a change
saved meanwhile is not hidden by the pages Redis kept when it comes back.

Speed is not timed here: the stand-ins count the connections each request makes, and
the breaker's clock is stopped where a pause must not end during the test. The one
wall-clock reading is a guard against hanging, far above what any of it takes.
"""

import time
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest
import redis
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import Client
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

import operations.cache
from campaigns.models import PublicContentVersion
from operations import pages
from operations.cache import DegradingRedisCache
from organisations.keys import PartnerRateThrottle
from tests.factories import EditorFactory, StatementFactory
from tests.operations.redis_stand_ins import (
    HungRedis,
    LinkToRedis,
    degrading_cache,
    real_redis_answers,
    real_redis_url,
)
from tests.operations.test_degradation import closed_port

pytestmark = pytest.mark.django_db

# No request is anywhere near this; a request that waited for TCP to give up would be.
HANG_GUARD_SECONDS = 10


@pytest.fixture
def hung_redis(settings: Settings) -> Iterator[HungRedis]:
    with HungRedis() as hung:
        settings.CACHES = degrading_cache(hung.url)
        yield hung


@pytest.fixture
def connection_attempts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The port of every connection redis-py tries to open, by the cache or its watch."""
    attempts: list[int] = []
    connect = redis.connection.Connection._connect

    def counted(connection: redis.connection.Connection) -> Any:
        attempts.append(connection.port)
        return connect(connection)

    monkeypatch.setattr(redis.connection.Connection, "_connect", counted)
    return attempts


@pytest.fixture
def redis_gone(settings: Settings) -> int:
    port = closed_port()
    settings.CACHES = degrading_cache(f"redis://127.0.0.1:{port}/0")
    return port


def opened_and_closed(caplog: pytest.LogCaptureFixture) -> tuple[int, int]:
    messages = [record.getMessage() for record in caplog.records if record.name == "chorus.cache"]
    return (
        messages.count("Cache unreachable; serving without it"),
        messages.count("Cache reachable again"),
    )


@pytest.mark.usefixtures("clock")
def test_a_hung_redis_holds_a_request_once_then_is_left_alone(
    client: Client, hung_redis: HungRedis, caplog: pytest.LogCaptureFixture
) -> None:
    statement = StatementFactory(published=True, title="Read while Redis hangs")
    started = time.monotonic()

    first = client.get(statement.get_absolute_url())
    # One connection, which timed out once; the page was built from the database.
    assert first.status_code == 200
    assert "Read while Redis hangs" in first.text
    assert hung_redis.connections() == 1

    # The circuit is open: the next requests do not try Redis at all.
    for url in (statement.get_absolute_url(), "/", "/statements/", "/readyz"):
        assert client.get(url).status_code == 200
    assert hung_redis.connections() == 1
    assert client.get("/readyz").json()["checks"]["cache"] == "unavailable"
    assert time.monotonic() - started < HANG_GUARD_SECONDS
    # Said once, not once per request.
    assert opened_and_closed(caplog) == (1, 0)


@pytest.mark.usefixtures("clock")
def test_an_unreachable_redis_is_tried_once_then_left_alone(
    client: Client, redis_gone: int, connection_attempts: list[int]
) -> None:
    statement = StatementFactory(published=True)

    assert client.get(statement.get_absolute_url()).status_code == 200
    assert connection_attempts == [redis_gone]
    for url in (statement.get_absolute_url(), "/", "/api/v1/statements/"):
        assert client.get(url).status_code == 200
    assert connection_attempts == [redis_gone]


class Clock:
    """The breaker's clock, stopped, and moved on by the test."""

    def __init__(self) -> None:
        self.now = time.monotonic()

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(operations.cache, "time", clock)
    return clock


def test_after_the_pause_one_request_tries_redis_again(
    client: Client, settings: Settings, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    statement = StatementFactory(published=True)
    with HungRedis() as hung:
        settings.CACHES = degrading_cache(hung.url, RETRY_AFTER=30)
        client.get(statement.get_absolute_url())
        clock.now += 29
        client.get(statement.get_absolute_url())
        assert hung.connections() == 1

        clock.now += 2
        # The probe: one request tries (and waits) once; the circuit opens again.
        assert client.get(statement.get_absolute_url()).status_code == 200
        assert hung.connections() == 2
        assert client.get(statement.get_absolute_url()).status_code == 200
        assert hung.connections() == 2
    # Still the one outage, in the log as one.
    assert opened_and_closed(caplog) == (1, 0)


STAFF_PASSWORD = "a-correct-horse-battery-staple"


@pytest.fixture
def staff_member() -> User:
    user = EditorFactory(username="editor")
    user.set_password(STAFF_PASSWORD)
    user.save()
    return user


def sign_in(client: Client, username: str, password: str, **headers: Any) -> Any:
    return client.post("/admin/login/", {"username": username, "password": password}, **headers)


@pytest.mark.usefixtures("redis_gone")
def test_sign_in_lockout_holds_while_redis_is_away(
    client: Client, staff_member: User, settings: Settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 5
    for _ in range(3):
        assert "Please enter the correct" in sign_in(client, "editor", "wrong").text

    locked = sign_in(client, "editor", STAFF_PASSWORD)
    assert "Too many failed sign-in attempts" in locked.text
    assert client.get("/admin/").status_code == 302

    # And one address trying many accounts.
    for number in range(5):
        sign_in(client, f"guess-{number}", "wrong", REMOTE_ADDR="198.51.100.9")
    other = EditorFactory(username="other")
    other.set_password(STAFF_PASSWORD)
    other.save()
    from_there = sign_in(client, "other", STAFF_PASSWORD, REMOTE_ADDR="198.51.100.9")
    assert "Too many failed sign-in attempts" in from_there.text
    assert sign_in(Client(), "other", STAFF_PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 302


@pytest.fixture
def throttle_memory() -> Iterator[None]:
    """What the throttle counted in this process's memory outlives a test."""
    PartnerRateThrottle.cache.memory.clear()
    yield
    PartnerRateThrottle.cache.memory.clear()


@pytest.mark.usefixtures("redis_gone", "throttle_memory")
def test_the_api_throttle_holds_while_redis_is_away(settings: Settings) -> None:
    settings.API_THROTTLE_RATES = {"anonymous": "3/minute", "partner": "600/minute"}
    api = APIClient()

    answers = [api.get("/api/v1/rights/").status_code for _ in range(5)]
    elsewhere = api.get("/api/v1/rights/", REMOTE_ADDR="203.0.113.5")

    assert answers == [200, 200, 200, 429, 429]
    assert elsewhere.status_code == 200


@pytest.fixture
def link_to_redis(settings: Settings) -> Iterator[LinkToRedis]:
    """The real Redis, through a link the test can cut, under a key prefix of its own."""
    if not real_redis_answers():
        pytest.skip(f"no Redis answers at {real_redis_url()}")
    prefix = f"test-outage-{uuid4().hex}"
    link = LinkToRedis(real_redis_url())
    settings.CACHES = degrading_cache(link.url, KEY_PREFIX=prefix, RETRY_AFTER=0.1)
    direct = redis.Redis.from_url(real_redis_url())
    try:
        yield link
    finally:
        link.close()
        for key in direct.scan_iter(f"{prefix}:*"):
            direct.delete(key)
        direct.close()


def kept_pages(version: str) -> list[bytes]:
    """The keys, in Redis itself, of the pages kept under `version`."""
    cache = caches["default"]
    assert isinstance(cache, DegradingRedisCache)
    direct = redis.Redis.from_url(real_redis_url())
    try:
        return list(direct.scan_iter(cache.make_key(f"public-pages:{version}:*")))
    finally:
        direct.close()


def test_a_withdrawal_saved_while_redis_was_away_is_not_hidden_when_it_is_back(
    client: Client,
    link_to_redis: LinkToRedis,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    editor = EditorFactory()
    statement = StatementFactory(published=True, title="About to be withdrawn")
    url = statement.get_absolute_url()
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # from the cache
    version = pages.content_version()
    assert kept_pages(version)

    link_to_redis.cut()
    with django_capture_on_commit_callbacks(execute=True):
        statement.withdraw(by=editor, reason="Signed in error.")
    assert client.get(url).status_code == 410  # built from the database

    link_to_redis.mend()
    time.sleep(0.15)  # past RETRY_AFTER: the next request tries Redis again
    # Redis is back with everything it held: the old version, the page made under it.
    assert caches["default"].get(pages.CONTENT_VERSION_KEY) == version
    assert kept_pages(version)

    response = client.get(url)
    assert response.status_code == 410
    assert "About to be withdrawn" not in client.get("/").text
    assert pages.content_version() not in {version, ""}
    assert opened_and_closed(caplog) == (1, 1)


def test_a_process_that_saw_no_outage_still_checks_the_version_against_the_database(
    client: Client, link_to_redis: LinkToRedis, django_capture_on_commit_callbacks: Any
) -> None:
    editor = EditorFactory()
    statement = StatementFactory(published=True)
    url = statement.get_absolute_url()
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    version = pages.content_version()

    link_to_redis.cut()
    with django_capture_on_commit_callbacks(execute=True):
        statement.withdraw(by=editor, reason="Signed in error.")
    link_to_redis.mend()
    time.sleep(0.15)
    # The process that saved the change is gone; this one was idle all along (or has
    # just started), and remembers no outage. Its last check was a second ago or more.
    pages.cache_contact = pages.CacheContact()
    assert caches["default"].get(pages.CONTENT_VERSION_KEY) == version

    assert client.get(url).status_code == 410
    assert pages.version_number(pages.content_version()) == (PublicContentVersion.current_number())


def test_with_nothing_changed_meanwhile_the_pages_kept_are_used_again(
    client: Client, link_to_redis: LinkToRedis, django_assert_num_queries: Any
) -> None:
    statement = StatementFactory(published=True)
    url = statement.get_absolute_url()
    client.get(url)
    version = pages.content_version()

    link_to_redis.cut()
    assert client.get(url).status_code == 200
    link_to_redis.mend()
    time.sleep(0.15)

    # One query, comparing the version with the database's number; the page is the one
    # kept before the outage.
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200
    assert pages.content_version() == version
