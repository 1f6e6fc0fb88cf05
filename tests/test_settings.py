"""Start-up reads the environment, and stops with a message naming any variable that is wrong."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

PRINT_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
    "'cache': settings.CACHES['default']['BACKEND'], "
    "'tasks': settings.TASKS['default']['BACKEND'], "
    "'debug': settings.DEBUG}))"
)
CONFIGURATION = {
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "REDIS_CONNECT_TIMEOUT_SECONDS",
    "REDIS_TIMEOUT_SECONDS",
    "REDIS_RETRY_AFTER_SECONDS",
    "TASKS_BACKEND",
    "CONN_MAX_AGE",
}


def start(**variables: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key not in CONFIGURATION}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", **variables)
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "a-long-random-string-for-this-test"}, "REDIS_URL is not set"),
        ({"DEBUG": "maybe"}, "DEBUG must be true or false, not 'maybe'."),
        (
            {"DEBUG": "true", "DATABASE_URL": "mysql://db/chorus"},
            "DATABASE_URL must be a URL starting with",
        ),
        (
            {"DEBUG": "true", "DATABASE_URL": "not a url"},
            "DATABASE_URL must be a URL starting with",
        ),
        (
            {"DEBUG": "true", "REDIS_URL": "http://cache:6379"},
            "REDIS_URL must be a URL starting with",
        ),
        (
            {"DEBUG": "true", "TASKS_BACKEND": "celery"},
            "TASKS_BACKEND must be one of immediate, database",
        ),
        ({"DEBUG": "true", "CONN_MAX_AGE": "forever"}, "CONN_MAX_AGE must be a whole number"),
        (
            {"DEBUG": "true", "REDIS_TIMEOUT_SECONDS": "0"},
            "REDIS_TIMEOUT_SECONDS must be a number of seconds above zero, such as 0.25",
        ),
        (
            {"DEBUG": "true", "REDIS_RETRY_AFTER_SECONDS": "soon"},
            "REDIS_RETRY_AFTER_SECONDS must be a number of seconds above zero",
        ),
    ],
)
def test_a_missing_or_malformed_variable_stops_start_up(
    variables: dict[str, str], message: str
) -> None:
    result = start(**variables)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_the_embedded_default_needs_nothing_but_debug() -> None:
    result = start(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "engine": "django.db.backends.sqlite3",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "tasks": "django.tasks.backends.immediate.ImmediateBackend",
        "debug": True,
    }


def test_real_services_are_chosen_by_the_environment() -> None:
    result = start(
        SECRET_KEY="a-long-random-string-for-this-test",
        DATABASE_URL="postgres://chorus@db:5432/chorus",
        REDIS_URL="redis://cache:6379/0",
        TASKS_BACKEND="database",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "engine": "django.db.backends.postgresql",
        "cache": "operations.cache.DegradingRedisCache",
        "tasks": "django_tasks_db.DatabaseBackend",
        "debug": False,
    }


def test_behind_a_proxy_the_client_address_is_read_past_it() -> None:
    show = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.TRUSTED_PROXY_COUNT)"
    )
    common = {
        "SECRET_KEY": "a-long-random-string-for-this-test",
        "REDIS_URL": "redis://cache:6379/0",
    }
    counts = {}
    for behind_proxy in ("true", "false"):
        environment = {key: value for key, value in os.environ.items() if key not in CONFIGURATION}
        environment.update(
            DJANGO_SETTINGS_MODULE="config.settings", BEHIND_PROXY=behind_proxy, **common
        )
        result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
            [sys.executable, "-c", show],
            cwd=settings.BASE_DIR,
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        counts[behind_proxy] = result.stdout.strip()
    # Otherwise every client would share the proxy's address, and one person's failed
    # sign-ins would lock all staff out.
    assert counts == {"true": "1", "false": "0"}


def test_redis_timeouts_and_the_pause_after_a_failure_are_read_from_the_environment() -> None:
    show = (
        "import json, django; from django.conf import settings; django.setup(); "
        "cache = settings.CACHES['default']; "
        "print(json.dumps([cache['OPTIONS']['socket_connect_timeout'], "
        "cache['OPTIONS']['socket_timeout'], cache['RETRY_AFTER']]))"
    )
    environment = {key: value for key, value in os.environ.items() if key not in CONFIGURATION}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="a-long-random-string-for-this-test",
        REDIS_URL="redis://cache:6379/0",
        REDIS_CONNECT_TIMEOUT_SECONDS="0.1",
        REDIS_TIMEOUT_SECONDS="0.5",
        REDIS_RETRY_AFTER_SECONDS="30",
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", show],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(result.stdout) == [0.1, 0.5, 30.0]
