"""A partner's developer starts at /api/v1/, and may read it from a browser on any site."""

import pytest
from rest_framework.test import APIClient

from tests.factories import partner_key

pytestmark = pytest.mark.django_db


def test_the_index_links_every_collection_the_feed_and_the_docs(api: APIClient) -> None:
    response = api.get("/api/v1/")

    assert response.status_code == 200
    index = response.json()
    assert index["changes"] == "http://testserver/api/v1/changes/"
    assert index["schema"] == "http://testserver/api/v1/schema/"
    assert index["docs"] == "http://testserver/api/v1/docs/"
    assert index["redoc"] == "http://testserver/api/v1/redoc/"
    assert index["collections"]["statements"] == "http://testserver/api/v1/statements/"
    for name, url in index["collections"].items():
        assert url == f"http://testserver/api/v1/{name}/"
        assert api.get(url).status_code in {200, 401}, name  # sign-on requests need a key
    assert {"statements", "campaigns", "coalitions", "organisations", "laws", "demands"} <= set(
        index["collections"]
    )


def test_reads_are_allowed_from_any_origin_without_credentials(api: APIClient) -> None:
    response = api.get("/api/v1/statements/", HTTP_ORIGIN="https://partner.example.org")

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    exposed = response["Access-Control-Expose-Headers"].lower()
    assert {"etag", "last-modified", "retry-after"} <= set(exposed.replace(" ", "").split(","))


def test_a_preflight_for_a_keyed_request_is_allowed(api: APIClient) -> None:
    response = api.options(
        "/api/v1/statements/",
        HTTP_ORIGIN="https://partner.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "authorization" in response["Access-Control-Allow-Headers"].lower()


def test_a_keyed_read_from_another_origin_is_answered_with_cors(api: APIClient) -> None:
    _, secret = partner_key()

    response = api.get(
        "/api/v1/statements/",
        HTTP_ORIGIN="https://partner.example.org",
        HTTP_AUTHORIZATION=f"Api-Key {secret}",
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_public_site_and_the_admin_get_no_cors_headers(api: APIClient) -> None:
    for path in ("/", "/statements/", "/admin/login/"):
        response = api.get(path, HTTP_ORIGIN="https://partner.example.org")
        assert "Access-Control-Allow-Origin" not in response, path
