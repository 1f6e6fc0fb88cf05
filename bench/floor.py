"""The framework's floor: the least a Django view can do behind the same middleware,
and a count of each response's database queries for the benchmark's report."""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase


def floor_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"floor", content_type="text/plain")


class QueryCountMiddleware:
    """Adds X-Bench-Queries: how many queries the response took (the benchmark reads it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        count = 0

        def counted(execute: Callable[..., Any], *args: Any) -> Any:
            nonlocal count
            count += 1
            return execute(*args)

        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count)
        return response
