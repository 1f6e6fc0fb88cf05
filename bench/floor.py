"""The framework's floor: the least a Django view can do behind the same middleware,
and a count of each response's database queries for the benchmark's report."""

import sys
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase


def floor_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"floor", content_type="text/plain")


class QueryCountMiddleware:
    """Adds X-Bench-Queries: how many queries the response took (the benchmark reads it).

    Each process also checks the public content version against the database once a
    second (operations/pages.py `checked_against_database`), on whichever request comes
    first after it: that query is the process's, not the page's, and is left out, so
    that a page's count does not depend on the moment it was asked for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        count = 0

        def counted(execute: Callable[..., Any], *args: Any) -> Any:
            nonlocal count
            if not the_version_check():
                count += 1
            return execute(*args)

        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count)
        return response


def the_version_check() -> bool:
    """Whether the query being run is the content version's check."""
    from operations.pages import checked_against_database

    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code is checked_against_database.__code__:
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False
