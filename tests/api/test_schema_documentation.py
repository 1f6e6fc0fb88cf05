"""The schema documents what a generated client and a partner's developer rely on."""

from typing import Any

import pytest
from jsonschema import Draft4Validator
from rest_framework.test import APIClient

from config.api_examples import EXAMPLES
from lib.api.schema import referred_component

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


# --- descriptions and examples --------------------------------------------------------


def component_properties(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (name, field_name, field)
        for name, component in schema["components"]["schemas"].items()
        for field_name, field in component.get("properties", {}).items()
    ]


def test_every_property_has_a_description_and_an_example(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    undocumented = []
    for name, field_name, field in component_properties(schema):
        if not field.get("description", "").strip():
            undocumented.append(f"{name}.{field_name}: description")
        # A property holding one of a component's objects is exemplified by that
        # component's own properties, each checked here.
        referred = components.get(referred_component(field) or "", {})
        if "example" not in field and "properties" not in referred:
            undocumented.append(f"{name}.{field_name}: example")

    assert undocumented == []


def answers(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every JSON answer an operation documents, but the errors (Error has its example)."""
    return [
        (f"{method.upper()} {path} {status}", media)
        for path, method, operation in operations(schema)
        for status, response in operation["responses"].items()
        for media_type, media in response.get("content", {}).items()
        if media_type == "application/json"
        and media["schema"] != {"$ref": "#/components/schemas/Error"}
    ]


def test_every_answer_has_an_example(schema: dict[str, Any]) -> None:
    documented = answers(schema)
    without = [label for label, media in documented if "example" not in media]

    assert without == []
    # Each operation's success, and the withdrawn statement's 410.
    labels = {label for label, _ in documented}
    assert "GET /api/v1/statements/{id}/ 200" in labels
    assert "GET /api/v1/statements/{id}/ 410" in labels
    assert "POST /api/v1/sign-on-requests/ 201" in labels


def json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema: `nullable` becomes an alternative of null."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def invalid_examples(schema: dict[str, Any]) -> list[str]:
    components = json_schema(schema["components"])
    found = []
    examples = [
        (f"{name}.{field_name}", field, field["example"])
        for name, field_name, field in component_properties(schema)
        if "example" in field
    ] + [(label, media["schema"], media["example"]) for label, media in answers(schema)]
    for label, part, example in examples:
        validator = Draft4Validator({**json_schema(part), "components": components})
        found += [f"{label}: {error.message}" for error in validator.iter_errors(example)]
    return found


def test_every_example_keeps_to_its_schema(schema: dict[str, Any]) -> None:
    assert invalid_examples(schema) == []


def test_an_example_that_breaks_its_schema_is_found(schema: dict[str, Any]) -> None:
    statement = schema["components"]["schemas"]["Statement"]["properties"]
    statement["signatory_count"]["example"] = "eight"
    statement["embargo_until"]["example"] = None

    assert invalid_examples(schema) == [
        "Statement.signatory_count: 'eight' is not of type 'integer'"
    ]


def test_every_example_names_a_property_there_is(schema: dict[str, Any]) -> None:
    named = {
        key
        for name, field_name, _field in component_properties(schema)
        for key in (f"{name}.{field_name}", field_name)
    }

    assert sorted(set(EXAMPLES) - named) == []
