"""The OpenAPI schema documents the errors every operation can give."""

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "description": "What went wrong; `errors` names each field or parameter at fault.",
    "properties": {
        "detail": {"type": "string"},
        "existing": {
            "type": "string",
            "format": "uri",
            "description": "On a 409: the address of what already exists (also in `Location`).",
        },
        "errors": {
            "type": "object",
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
