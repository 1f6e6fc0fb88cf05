"""A parameter an endpoint does not know is refused, never quietly ignored."""

import pytest
from rest_framework.test import APIClient

from tests.factories import StatementFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/statements/",
        "/api/v1/campaigns/",
        "/api/v1/coalitions/",
        "/api/v1/organisations/",
        "/api/v1/laws/",
        "/api/v1/demands/",
        "/api/v1/rights/",
    ],
)
def test_an_unknown_parameter_is_a_400_naming_the_known_ones(api: APIClient, path: str) -> None:
    response = api.get(path, {"contry": "RU"})

    assert response.status_code == 400
    body = response.json()
    [message] = body["errors"]["contry"]
    assert "no parameter 'contry'" in message
    for known in ("page_size", "cursor", "format"):
        assert known in message


def test_known_parameters_are_answered(api: APIClient) -> None:
    StatementFactory(published=True)

    response = api.get(
        "/api/v1/statements/",
        {"country": "RU", "page_size": "10", "ordering": "-publish_at", "format": "json"},
    )

    assert response.status_code == 200


def test_a_detail_refuses_an_unknown_parameter_too(api: APIClient) -> None:
    statement = StatementFactory(published=True)

    assert api.get(f"/api/v1/statements/{statement.pk}/").status_code == 200
    assert api.get(f"/api/v1/statements/{statement.pk}/", {"x": "1"}).status_code == 400
