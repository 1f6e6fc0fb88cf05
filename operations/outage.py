"""Requests that arrive while the database is away get 503, not 500.

A PostgreSQL restart or fail-over drops every open connection; until it is back, any
query raises OperationalError or InterfaceError. Those are not bugs in a view, so the
visitor gets "Service unavailable, try again shortly" with Retry-After, and the load
balancer sees a retryable status. Recovery needs nothing: Django health-checks a
persistent connection before reusing it (CONN_HEALTH_CHECKS) and opens a new one.
"""

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("chorus.outage")

RETRY_AFTER_SECONDS = 30


def service_unavailable(request: HttpRequest) -> HttpResponse:
    # Rendered without a request context: the context processors may themselves query.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "Database unavailable; answered 503",
            extra={"error_type": type(exception).__name__, "path": request.path},
        )
        return service_unavailable(request)
