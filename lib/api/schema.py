"""The OpenAPI schema documents the errors every operation can give."""

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "description": "What went wrong; `errors` names each field or parameter at fault.",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in a sentence."},
        "existing": {
            "type": "string",
            "format": "uri",
            "description": "On a 409: the address of what already exists (also in `Location`).",
        },
        "errors": {
            "type": "object",
            "description": (
                "On a 400: for each field or parameter at fault, by name, what is wrong "
                "with it (a list of sentences, or an object for a nested field)."
            ),
            "additionalProperties": {
                "oneOf": [
                    {"type": "array", "items": {}},
                    {"type": "object"},
                    {"type": "string"},
                ]
            },
        },
    },
    "required": ["detail"],
    "example": {
        "detail": "The request is not valid: see errors.",
        "errors": {"language": ["Select a valid choice. xx is not one of the available choices."]},
    },
}

COMMON_ERRORS = {
    "400": "The query or the body is not valid.",
    "401": "The API key is not valid: unknown, revoked or expired.",
    "404": "There is nothing here, or nothing you may see.",
    "429": "Too many requests; `Retry-After` says how many seconds to wait.",
}
# Answered by the web server (gunicorn) before the application sees the request.
URI_TOO_LONG = "The address is too long: the request line may be at most 4,094 bytes."
WRITE_ERRORS = {
    "403": "The key lacks the scope, or the action is not allowed.",
    "409": "This would duplicate what already exists.",
    "415": "Send the body as application/json.",
}


def document_errors(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """Add the Error component and the error responses to every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            errors = dict(COMMON_ERRORS)
            if method in {"post", "put", "patch", "delete"}:
                errors.update(WRITE_ERRORS)
            responses = operation.setdefault("responses", {})
            for status, description in errors.items():
                responses.setdefault(status, {"description": description, "content": reference})
            if method == "get":
                responses.setdefault("304", {"description": "Not modified since the ETag given."})
            responses.setdefault("414", {"description": URI_TOO_LONG})
    return result


# --- headers: revalidation and the rate limit -------------------------------------------

ETAG_HEADER = {
    "description": "A tag of this answer's body: send it back in `If-None-Match`.",
    "schema": {"type": "string"},
    "example": '"5d41402abc4b2a76b9719d911017c592"',
}
LAST_MODIFIED_HEADER = {
    "description": "The newest `updated_at` shown, where the answer has one (HTTP date).",
    "schema": {"type": "string"},
    "example": "Wed, 19 Dec 2012 09:00:00 GMT",
}
RETRY_AFTER_HEADER = {
    "description": "Seconds to wait before the next request.",
    "schema": {"type": "integer", "minimum": 0},
    "example": 30,
}
# Visible ASCII, spaces and tabs, as HTTP allows in a header value (RFC 9110, 5.5): the
# web server refuses anything else before the application sees it.
HEADER_VALUE_PATTERN = "^[\\t\\x20-\\x7e]*$"
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": (
        "The ETag of the answer you hold: answered 304 without a body while it is "
        "current, and not counted against your rate limit."
    ),
    "schema": {"type": "string", "pattern": HEADER_VALUE_PATTERN},
    "example": '"5d41402abc4b2a76b9719d911017c592"',
}


def document_headers(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """Declare the headers every answer carries, and the one a revalidation sends."""
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            reading = method in {"get", "head"}
            if reading:
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == "If-None-Match" for p in parameters):
                    parameters.append(dict(IF_NONE_MATCH))
            for status, response in operation.get("responses", {}).items():
                headers = response.setdefault("headers", {})
                if status == "429":
                    headers.setdefault("Retry-After", RETRY_AFTER_HEADER)
                if reading and status not in {"414"}:
                    headers.setdefault("ETag", ETAG_HEADER)
                if reading and status == "200":
                    headers.setdefault("Last-Modified", LAST_MODIFIED_HEADER)
                if not headers:
                    del response["headers"]
    return result


# --- webhooks ------------------------------------------------------------------------

WEBHOOK_EVENTS = {
    "statement.published": "A statement became public (or was published as archived).",
    "statement.corrected": "A public statement was corrected: read it anew.",
    "statement.withdrawn": "A statement was withdrawn: remove it. `data` is its tombstone.",
    "test": "Sent by staff's test button, to check an endpoint.",
}
WEBHOOK_EVENT_SCHEMA = {
    "type": "object",
    "description": (
        "The body of every delivery, POSTed as JSON in the Standard Webhooks format: "
        "verify the `webhook-id`, `webhook-timestamp` and `webhook-signature` headers "
        "with your endpoint's `whsec_` secret before trusting it. The same `id` on every "
        "retry of one event: use it to skip an event already handled."
    ),
    "required": ["id", "event", "created_at", "data"],
    "properties": {
        "id": {
            "type": "string",
            "format": "uuid",
            "description": "The event's id, the same on every retry (also `webhook-id`).",
            "example": "2f1c5b0e-8f0a-4a9b-9b8e-0c6f5d7a1e42",
        },
        "event": {
            "type": "string",
            "enum": list(WEBHOOK_EVENTS),
            "description": "What happened.",
            "example": "statement.published",
        },
        "created_at": {
            "type": "string",
            "format": "date-time",
            "description": "When the event was made, in UTC.",
            "example": "2012-12-19T09:00:00Z",
        },
        "data": {
            "type": "object",
            "description": (
                "For `statement.published` and `statement.corrected`: the statement as "
                "GET /api/v1/statements/{id}/ gives it. For `statement.withdrawn`: `id`, "
                "`title`, `issued_on`, `withdrawn_at` and `reason`. For `test`: a message."
            ),
            "example": {"id": 42, "title": "Repeal the law on foreign agents"},
        },
    },
}


def document_webhooks(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """The deliveries a partner's endpoint receives, as OpenAPI 3.1 describes webhooks
    (`x-webhooks` in this 3.0 schema, which Redoc shows), with their body's schema."""
    result.setdefault("components", {}).setdefault("schemas", {})["WebhookEvent"] = (
        WEBHOOK_EVENT_SCHEMA
    )
    reference = {"$ref": "#/components/schemas/WebhookEvent"}
    result["x-webhooks"] = {
        event: {
            "post": {
                "summary": event,
                "description": description,
                "operationId": f"webhook_{event.replace('.', '_')}",
                "parameters": [
                    {
                        "name": name,
                        "in": "header",
                        "required": True,
                        "description": header_description,
                        "schema": {"type": "string"},
                        "example": example,
                    }
                    for name, header_description, example in WEBHOOK_HEADERS
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": reference}},
                },
                "responses": {
                    "2XX": {"description": "Received: the delivery is done."},
                    "default": {
                        "description": "Anything else (or no answer within the timeout): "
                        "retried later, with the delay doubling each time."
                    },
                },
            }
        }
        for event, description in WEBHOOK_EVENTS.items()
    }
    return result


WEBHOOK_HEADERS = [
    ("webhook-id", "The event's id.", "2f1c5b0e-8f0a-4a9b-9b8e-0c6f5d7a1e42"),
    ("webhook-timestamp", "Seconds since the epoch when it was sent.", "1355907600"),
    (
        "webhook-signature",
        "`v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` with the secret.",
        "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
    ),
]


# --- parameters: an example for each ------------------------------------------------

# Parameters that mean the same on every endpoint, with the same example everywhere.
PARAMETER_EXAMPLES: dict[str, Any] = {
    "id": 42,
    "cursor": "cD0yMDEyLTEyLTE5KzA5JTNBMDAlM0EwMCUyQjAwJTNBMDA%3D",
    "page_size": 20,
    "issued_after": "2012-01-01",
    "issued_before": "2013-01-01",
    "signatures_open": True,
}


def document_parameters(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """Give each parameter without an example the one it has everywhere, or else the first
    of its choices: a generated client's docs and a tester's first try both need one."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if "example" in parameter or "examples" in parameter or "example" in schema:
                    continue
                name = parameter["name"]
                if name in PARAMETER_EXAMPLES:
                    parameter["example"] = PARAMETER_EXAMPLES[name]
                elif schema.get("enum"):
                    parameter["example"] = schema["enum"][0]
    return result


# --- responses a client generator can trust -----------------------------------------


def _references(node: Any) -> set[str]:
    """The component names a part of the schema refers to, however deep."""
    if isinstance(node, dict):
        found = set()
        if isinstance(node.get("$ref"), str):
            found.add(node["$ref"].rsplit("/", 1)[-1])
        for value in node.values():
            found |= _references(value)
        return found
    if isinstance(node, list):
        return set().union(*(_references(value) for value in node)) if node else set()
    return set()


def _blank_allowed(alternative: dict[str, Any]) -> bool:
    return alternative.get("maxLength") == 0 or alternative.get("$ref", "").endswith("/BlankEnum")


# Components whose optional fields are really optional.
KEEP_OWN_REQUIRED = {"Error", "WebhookEvent", "StatementItem"}


def require_what_is_always_there(
    result: dict[str, Any], generator: Any, **kwargs: Any
) -> dict[str, Any]:
    """Every field of an answer is always in it (null where empty), so each is required;
    and a value that may be blank (a URL, an e-mail, a country) is `anyOf` the value or
    the blank, not a `oneOf` that a validator must prove exclusive.

    Request bodies keep their own optional fields, the Error shape its optional
    `errors`, and a list's statement item its own: `fields=` may leave out all but `id`.
    """
    schemas = result.get("components", {}).get("schemas", {})
    in_requests: set[str] = set()
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            in_requests |= _references(operation.get("requestBody", {}))
    for name, component in schemas.items():
        properties = component.get("properties")
        for field in (properties or {}).values():
            alternatives = field.get("oneOf")
            if alternatives and any(_blank_allowed(option) for option in alternatives):
                field["anyOf"] = field.pop("oneOf")
        if properties and name not in in_requests and name not in KEEP_OWN_REQUIRED:
            component["required"] = list(properties)
    return result


# --- examples: one for every property, and a whole answer for every operation -------


def component_name(reference: str) -> str:
    return reference.rsplit("/", 1)[-1]


def referred_component(field: dict[str, Any]) -> str | None:
    """The component a property stands for, directly, through `allOf`, or as an array's
    items: such a property is exemplified by that component's own properties."""
    if field.get("type") == "array":
        return referred_component(field.get("items", {}))
    if "$ref" in field:
        return component_name(field["$ref"])
    for alternative in field.get("allOf", []):
        if "$ref" in alternative:
            return component_name(alternative["$ref"])
    return None


def _with_example(field: dict[str, Any], value: Any) -> dict[str, Any]:
    # In OpenAPI 3.0 anything beside a `$ref` is ignored: the reference goes into allOf.
    if "$ref" in field:
        field = {"allOf": [{"$ref": field.pop("$ref")}], **field}
    field["example"] = value
    return field


def example_of(schema: dict[str, Any], schemas: dict[str, Any], depth: int = 0) -> Any:
    """An example of a value of this schema, put together from its properties' examples."""
    if depth > 12:
        raise ValueError("The schema nests too deep to build an example of it.")
    if "example" in schema:
        return schema["example"]
    if "$ref" in schema:
        return example_of(schemas[component_name(schema["$ref"])], schemas, depth + 1)
    for combined in ("allOf", "anyOf", "oneOf"):
        if schema.get(combined):
            return example_of(schema[combined][0], schemas, depth + 1)
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("type") == "array":
        return [example_of(schema.get("items", {}), schemas, depth + 1)]
    if "properties" in schema:
        return {
            name: example_of(field, schemas, depth + 1)
            for name, field in schema["properties"].items()
        }
    if schema.get("type") == "object":
        return {}
    raise ValueError(f"No example for {schema!r}.")


def add_examples(result: dict[str, Any], examples: dict[str, Any]) -> dict[str, Any]:
    """Give each property its example, and each answer a whole one built from them.

    `examples` holds a value per property, keyed `Component.property`, or by the property
    alone where it means the same in every component that has it. A property that holds
    one of a component's values (an enum's, or an object's) needs no entry: an enum's
    example is its first value; an object is exemplified by its own properties.
    """
    schemas = result.get("components", {}).get("schemas", {})
    for name, component in schemas.items():
        properties = component.get("properties", {})
        for field_name, field in properties.items():
            if "example" in field:
                continue
            for key in (f"{name}.{field_name}", field_name):
                if key in examples:
                    properties[field_name] = _with_example(field, examples[key])
                    break
            else:
                referred = schemas.get(referred_component(field) or "", {})
                if "enum" in referred and field.get("type") != "array":
                    properties[field_name] = _with_example(field, referred["enum"][0])
    error = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for response in operation.get("responses", {}).values():
                for media_type, media in response.get("content", {}).items():
                    schema = media.get("schema")
                    if (
                        media_type != "application/json"
                        or schema in (None, error)
                        or "example" in media
                        or "examples" in media
                    ):
                        continue
                    media["example"] = example_of(schema, schemas)
    return result
