"""Conditional GET for the API: an ETag and a Last-Modified on every answer, and 304s."""

from datetime import datetime
from typing import Any, cast

from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from rest_framework.request import Request
from rest_framework.response import Response


def latest_update(data: Any) -> datetime | None:
    """The newest `updated_at` in an answer: of the object, or of the page's objects."""
    items = data.get("results", [data]) if isinstance(data, dict) else []
    times = [
        parsed
        for item in items
        if isinstance(item, dict)
        and isinstance(item.get("updated_at"), str)
        and (parsed := parse_datetime(item["updated_at"]))
    ]
    return max(times, default=None)


class ConditionalGetMixin:
    """ETag from the body itself, so that anything that changes the answer changes the tag.

    Last-Modified is the newest `updated_at` shown; a client should prefer the ETag,
    which also sees changes no timestamp records (a signature confirmed, a row removed).
    Answers vary with the key: what a key may see differs from what anyone may see.
    """

    # Set by a view when its answer shows what only a key may see (embargoed statements).
    private_answer = False

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        patch_vary_headers(response, ["Authorization"])
        if request.auth is not None:
            response.headers["Cache-Control"] = (
                "private, no-store" if self.private_answer else "private, no-cache"
            )
        else:
            response.headers["Cache-Control"] = "no-cache"
        if request.method not in {"GET", "HEAD"} or response.status_code != 200:
            return response
        response.render()
        set_response_etag(response)
        updated = latest_update(getattr(response, "data", None))
        timestamp = int(updated.timestamp()) if updated else None
        if timestamp is not None:
            response.headers["Last-Modified"] = http_date(timestamp)
        answer = get_conditional_response(
            request, etag=response.headers["ETag"], last_modified=timestamp, response=response
        )
        # A 304 is Django's own response, not DRF's; DRF passes it through as it is.
        return cast(Response, answer)
