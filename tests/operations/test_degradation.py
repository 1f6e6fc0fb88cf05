"""When Redis goes away the site serves uncached; when PostgreSQL does, visitors get 503
and the site recovers by itself when it is back."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import OperationalError, connection
from django.test import Client
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from campaigns.models import Signature
from operations.cache import DegradingRedisCache
from tests.factories import StatementFactory, partner_key


def closed_port() -> int:
    """A local port nothing listens on: bound, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_gone(settings: Settings) -> Iterator[None]:
    settings.CACHES = {
        "default": {
            "BACKEND": "operations.cache.DegradingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    yield


@pytest.mark.django_db
@pytest.mark.usefixtures("redis_gone")
def test_with_redis_gone_pages_and_sign_in_still_work(
    client: Client, admin_user: object, caplog: pytest.LogCaptureFixture
) -> None:
    statement = StatementFactory(published=True)

    assert client.get("/").status_code == 200
    assert client.get(statement.get_absolute_url()).status_code == 200
    # Sign-in counts failures in the database: it needs no cache.
    response = client.post("/admin/login/", {"username": "admin", "password": "password"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert "Cache unreachable; serving without it" in caplog.text


@pytest.mark.django_db
@pytest.mark.usefixtures("redis_gone")
def test_with_redis_gone_the_site_stays_ready_and_says_the_cache_is_away(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["cache"] == "unavailable"


@pytest.mark.usefixtures("redis_gone")
def test_the_degrading_cache_answers_as_an_empty_one() -> None:
    cache = caches["default"]
    cache.set("key", "value")
    assert cache.get("key") is None
    assert cache.get("key", "fallback") == "fallback"
    assert cache.add("key", "value") is False
    assert cache.get_many(["key", "other"]) == {}
    assert cache.set_many({"key": 1, "other": 2}) == ["key", "other"]
    assert cache.get_or_set("key", "computed") == "computed"
    with pytest.raises(ValueError, match="not found"):
        cache.incr("counter")


REDIS_URL = os.environ.get("REDIS_URL")


@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: no Redis to test against")
def test_with_redis_up_the_degrading_cache_is_a_real_cache(settings: Settings) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "operations.cache.DegradingRedisCache", "LOCATION": REDIS_URL}
    }
    cache = caches["default"]
    assert isinstance(cache, DegradingRedisCache)
    cache.delete_many(["chorus-test-key", "chorus-test-counter"])
    cache.set("chorus-test-key", {"a": 1}, timeout=10)
    assert cache.get("chorus-test-key") == {"a": 1}
    assert cache.add("chorus-test-counter", 0, timeout=10)
    assert cache.incr("chorus-test-counter") == 1
    assert cache.is_reachable()
    # One redis.Redis per connection pool, not one per operation.
    assert cache._cache.get_client() is cache._cache.get_client()
    cache.delete_many(["chorus-test-key", "chorus-test-counter"])


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the database outage is simulated on PostgreSQL connections (set DATABASE_URL)",
)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_requests_during_a_database_outage_get_503_and_the_site_recovers(client: Client) -> None:
    statement = StatementFactory(published=True)
    assert client.get(statement.get_absolute_url()).status_code == 200

    real_port = connection.settings_dict["PORT"]
    connection.close()
    # The database "restarts": nothing answers where it was.
    connection.settings_dict["PORT"] = closed_port()
    try:
        # A page already in the cache is still served; anything needing the database is not.
        cached = client.get(statement.get_absolute_url())
        during = [client.get("/laws/"), client.get("/"), client.get("/readyz")]
    finally:
        connection.settings_dict["PORT"] = real_port

    assert cached.status_code == 200
    for response in during:
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert response["X-Request-ID"]
    assert "Temporarily unavailable" in during[0].text
    assert client.get("/healthz").status_code == 200
    # Back: the next requests open a new connection by themselves.
    assert client.get(statement.get_absolute_url()).status_code == 200
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_a_sign_on_when_the_database_goes_away_gets_503_not_a_validation_error() -> None:
    statement = StatementFactory(published=True, signatures_open=True)
    _key, secret = partner_key(can_sign=True)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")

    def signatures_unreachable(
        execute: Callable[..., object], sql: str, params: object, many: bool, context: object
    ) -> object:
        # The key and the statement were read; then the database goes away.
        if "campaigns_signature" in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(signatures_unreachable):
        response = api.post(
            "/api/v1/sign-on-requests/",
            {"statement": statement.pk, "signatory_name": "A. Person"},
            format="json",
        )

    # Not 400 "A statement has only one lead signatory.": a constraint checked with a
    # query that failed must not be taken as broken. The partner may simply try again.
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert not Signature.objects.exists()


@pytest.fixture
def gunicorn(transactional_db: None) -> Iterator[str]:
    """The site under gunicorn, one worker keeping its connection (CONN_MAX_AGE), on the
    test database: the test client and Django's live server both close connections after
    each request, which is the very thing this needs to leave alone."""
    database = connection.settings_dict
    port = closed_port()
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith("PYTEST")},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # DEBUG only so that pages need no collectstatic; connection handling is the same.
        "DEBUG": "true",
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}"
            f":{database['PORT']}/{database['NAME']}"
        ),
        "CONN_MAX_AGE": "600",
    }
    environment.pop("REDIS_URL", None)
    server = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "config.wsgi",
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            if server.poll() is not None:
                pytest.fail("gunicorn stopped during start-up")
            try:
                if fetch_status(url + "/healthz") == 200:
                    break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@on_postgresql
def test_persistent_connections_killed_by_a_restart_are_replaced_unnoticed(gunicorn: str) -> None:
    statement = StatementFactory(published=True)
    url = gunicorn + statement.get_absolute_url()
    assert fetch_status(url) == 200

    # What a PostgreSQL restart does to every open connection but ours.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        terminated = cursor.fetchall()
    # gunicorn's worker kept its connection open between requests: it was among them.
    assert terminated

    # Health-checked before reuse (CONN_HEALTH_CHECKS): no visitor sees an error.
    assert fetch_status(url) == 200
    assert fetch_status(gunicorn + "/readyz") == 200


def fetch_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own server
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
