"""`manage.py check --deploy` passes with a production environment, nothing silenced."""

import json
import os
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "SECRET_KEY": "k3V9-" + "production-like-secret-for-the-deploy-check-0123456789abcdef",
    "ALLOWED_HOSTS": "chorus.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://chorus.example.org",
    "DATABASE_URL": "postgres://chorus@db:5432/chorus",
    "REDIS_URL": "redis://cache:6379/0",
    "TASKS_BACKEND": "database",
}
PRINT_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({name: getattr(settings, name) for name in ("
    "'DEBUG', 'SECURE_SSL_REDIRECT', 'SECURE_PROXY_SSL_HEADER', 'SESSION_COOKIE_SECURE', "
    "'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SECURE_HSTS_SECONDS', "
    "'SESSION_COOKIE_AGE')} | {'CONN_MAX_AGE': settings.DATABASES['default']['CONN_MAX_AGE'], "
    "'CACHE': settings.CACHES['default']['BACKEND']}))"
)


def run(arguments: list[str], **variables: str) -> subprocess.CompletedProcess[str]:
    # The test process's own environment, less anything that would loosen the settings.
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "HTTPS",
            "BEHIND_PROXY",
            "HSTS_SECONDS",
            # What the test run sets (pyproject.toml); a deployment chooses its own.
            "CONN_MAX_AGE",
            "TASKS_BACKEND",
            "ALLOWED_HOSTS",
            # Browser tests set it in this process; a deployment never has it.
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            *PRODUCTION,
        }
        and not key.startswith("PYTEST")
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", **PRODUCTION, **variables)
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_deploy_check_passes_in_production() -> None:
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_the_deploy_check_fails_when_https_is_turned_off() -> None:
    # The check above is worth something only if it can fail.
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], HTTPS="false")
    assert result.returncode != 0
    assert "security.W008" in result.stderr
    assert "security.W012" in result.stderr


def test_production_is_hardened_by_default() -> None:
    result = run(["-c", PRINT_SETTINGS])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SESSION_COOKIE_AGE": 8 * 60 * 60,
        "CONN_MAX_AGE": 60,
        "CACHE": "operations.cache.DegradingRedisCache",
    }
