"""Every error the API gives is JSON that says what went wrong."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler


def json_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with one shape for every body: `detail`, and `errors` per field.

    A Django ValidationError (a model's clean(), a constraint) is bad input too, not a 500.
    """
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(detail=as_serializer_error(exc))
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        response.data = {"detail": str(data["detail"])}
    else:
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = {"detail": "The request is not valid: see errors.", "errors": errors}
    return response


def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """An address under the API that names nothing."""
    return JsonResponse({"detail": "There is nothing at this address of the API."}, status=404)
