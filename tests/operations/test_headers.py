"""Every kind of response carries the security headers, static files and errors included."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import Resolver404, resolve
from pytest_django.fixtures import Settings

from tests.factories import StatementFactory

pytestmark = pytest.mark.django_db

EXPECTED = {
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def assert_security_headers(response: HttpResponseBase) -> None:
    headers = response.headers
    for name, value in EXPECTED.items():
        assert headers.get(name) == value, name
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["X-Request-ID"]


def home(client: Client, admin_user: User) -> str:
    return "/"


def statement_page(client: Client, admin_user: User) -> str:
    return StatementFactory(published=True).get_absolute_url()


def admin_changelist(client: Client, admin_user: User) -> str:
    client.force_login(admin_user)
    return "/admin/campaigns/statement/"


def admin_login(client: Client, admin_user: User) -> str:
    return "/admin/login/"


def readiness_json(client: Client, admin_user: User) -> str:
    return "/readyz"


def static_file(client: Client, admin_user: User) -> str:
    return "/static/chorus/site.css"


def admin_static_file(client: Client, admin_user: User) -> str:
    return "/static/admin/js/theme.js"


def not_found(client: Client, admin_user: User) -> str:
    return "/no-such-page/"


def gone(client: Client, admin_user: User) -> str:
    return StatementFactory(withdrawn=True).get_absolute_url()


PAGES: list[tuple[Callable[[Client, User], str], int]] = [
    (home, 200),
    (statement_page, 200),
    (admin_login, 200),
    (admin_changelist, 200),
    (readiness_json, 200),
    (static_file, 200),
    (admin_static_file, 200),
    (not_found, 404),
    (gone, 410),
]


def exists(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def fixed(path: str) -> Callable[[Client, User], str]:
    def page(client: Client, admin_user: User) -> str:
        return path

    page.__name__ = path
    return page


# Surfaces built in their own parts of the project (the API, the feeds): checked here as
# soon as their addresses exist.
PAGES += [(fixed(path), 200) for path in ["/api/v1/statements/", "/feed/"] if exists(path)]


@pytest.mark.parametrize(
    ("page", "status"), PAGES, ids=lambda value: getattr(value, "__name__", str(value))
)
def test_each_kind_of_response_carries_the_security_headers(
    client: Client, admin_user: User, page: Callable[[Client, User], str], status: int
) -> None:
    response = client.get(page(client, admin_user))
    assert response.status_code == status
    assert_security_headers(response)


@pytest.mark.urls("tests.operations.urls_with_a_failing_page")
def test_the_server_error_page_carries_them_too(admin_user: User) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/deliberately-failing/")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert_security_headers(response)


def test_strict_transport_security_is_sent_over_https(client: Client, settings: Settings) -> None:
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = client.get("/healthz", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
