"""The schema documents what a generated client and a partner's developer rely on."""

from typing import Any

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

REFERENCE_FILTERS = {"campaign", "coalition", "organisation", "law", "right", "addressee"}


@pytest.fixture
def schema(api: APIClient) -> dict[str, Any]:
    response = api.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return dict(response.json())


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]


def test_every_parameter_has_a_description_and_an_example(schema: dict[str, Any]) -> None:
    undocumented = [
        (path, method, parameter["name"], missing)
        for path, method, operation in operations(schema)
        for parameter in operation.get("parameters", [])
        for missing, present in [
            ("description", bool(parameter.get("description"))),
            (
                "example",
                "example" in parameter
                or "examples" in parameter
                or "example" in parameter.get("schema", {}),
            ),
        ]
        if not present
    ]

    assert undocumented == []


def test_filters_of_the_same_kind_have_the_same_type(schema: dict[str, Any]) -> None:
    seen: dict[str, set[str]] = {}
    for _path, _method, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            name = parameter["name"]
            if parameter["in"] != "query":
                continue
            kind = "reference" if name in REFERENCE_FILTERS | {"statement"} else name
            if kind in {"reference", "country", "updated_since", "q"}:
                # The type, whatever each one's example.
                shape = {k: v for k, v in parameter["schema"].items() if k != "example"}
                seen.setdefault(kind, set()).add(repr(sorted(shape.items())))

    assert set(seen) == {"reference", "country", "updated_since", "q"}
    for kind, types in seen.items():
        assert len(types) == 1, (kind, types)
    assert "'type', 'string'" in next(iter(seen["reference"]))


def test_reads_declare_revalidation_and_the_rate_limit(schema: dict[str, Any]) -> None:
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        assert "Retry-After" in responses["429"]["headers"], (path, method)
        if method != "get":
            continue
        names = {parameter["name"] for parameter in operation["parameters"]}
        assert "If-None-Match" in names, path
        assert "ETag" in responses["200"]["headers"], path
        assert "ETag" in responses["304"]["headers"], path
        assert "Last-Modified" in responses["200"]["headers"], path
        assert responses["404"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }


def test_reads_are_declared_anonymous_or_keyed(schema: dict[str, Any]) -> None:
    [(_path, _method, statements)] = [
        entry for entry in operations(schema) if entry[2]["operationId"] == "statements_list"
    ]

    assert {} in statements["security"]
    assert {"partnerKey": []} in statements["security"]


def test_lists_declare_their_count(schema: dict[str, Any]) -> None:
    page = schema["components"]["schemas"]["PaginatedStatementItemList"]

    assert {"count", "count_is_exact", "next", "previous", "results"} <= set(page["required"])
    assert page["properties"]["count"]["maximum"] == 10_000


def test_the_change_feed_and_ordering_by_relevance_are_described(schema: dict[str, Any]) -> None:
    feed = schema["paths"]["/api/v1/changes/"]["get"]
    since = next(p for p in feed["parameters"] if p["name"] == "since")
    assert "head" in since["description"]
    statements = schema["paths"]["/api/v1/statements/"]["get"]
    ordering = next(p for p in statements["parameters"] if p["name"] == "ordering")
    assert "relevance" in ordering["schema"]["enum"]
    laws = schema["paths"]["/api/v1/laws/"]["get"]
    assert "q" in {p["name"] for p in laws["parameters"]}


def test_webhooks_are_described_with_their_body(schema: dict[str, Any]) -> None:
    webhooks = schema["x-webhooks"]

    assert set(webhooks) == {
        "statement.published",
        "statement.corrected",
        "statement.withdrawn",
        "test",
    }
    published = webhooks["statement.published"]["post"]
    assert published["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/WebhookEvent"
    }
    headers = {parameter["name"] for parameter in published["parameters"]}
    assert headers == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    event = schema["components"]["schemas"]["WebhookEvent"]
    assert event["required"] == ["id", "event", "created_at", "data"]


def test_the_docs_have_their_own_rate_limit(api: APIClient, settings: Any) -> None:
    settings.API_THROTTLE_RATES = {
        "anonymous": "1/minute",
        "partner": "1/minute",
        "documentation": "4/minute",
    }
    assert api.get("/api/v1/statements/").status_code == 200
    assert api.get("/api/v1/statements/").status_code == 429

    pages = ["/api/v1/schema/", "/api/v1/docs/", "/api/v1/redoc/", "/api/v1/schema/"]
    assert [api.get(page).status_code for page in pages] == [200, 200, 200, 200]
    assert api.get("/api/v1/schema/").status_code == 429


def test_what_every_answer_carries_is_required_and_blanks_are_any_of(
    schema: dict[str, Any],
) -> None:
    components = schema["components"]["schemas"]
    optional = {
        name: sorted(set(component.get("properties", {})) - set(component.get("required", [])))
        for name, component in components.items()
    }

    # A list's item has what `fields=` chose: only its id for certain.
    assert components["StatementItem"]["required"] == ["id"]
    del optional["StatementItem"]
    assert {name: fields for name, fields in optional.items() if fields} == {
        # `existing` only on a 409, the address of what is already there.
        "Error": ["errors", "existing"],
        "SignOnRequestRequest": ["signatory_title"],
    }
    website = components["Organisation"]["properties"]["website"]
    assert "oneOf" not in website
    assert {"type": "string", "maxLength": 0} in website["anyOf"]
    email = components["PressContact"]["properties"]["email"]
    assert [option.get("format") for option in email["anyOf"]] == ["email", None]
