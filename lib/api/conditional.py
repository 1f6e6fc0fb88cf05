"""Conditional GET for the API: an ETag and a Last-Modified on every answer, and 304s.

The ETag is a hash of the body. For an anonymous conditional GET, the ETag of the last
answer to the same address is remembered with the public content version it was made
under (operations/pages.py): while that version stands and no statement's publish
time has come, the 304 is given from it with one cache read and one query, without
building the body. Whatever is uncertain (no remembered ETag, a cache outage, a newer
version) builds the answer in full and hashes it.

Each process also keeps the ETags it checked so, and answers the next conditional GET
for them before the view is found (PagesInProcessMemory): such a 304 takes no query.

No 304 is counted against the throttle: one given here takes back the count its request
was given (each throttle's `refund()`), as polling with an ETag that still holds should
not use up a client's requests. Every answer with a body carries an ETag, errors and the
410 of a withdrawn statement among them.
"""

from datetime import datetime
from typing import Any, cast

from django.http import HttpResponseBase
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from rest_framework.request import Request
from rest_framework.response import Response

from operations.pages import ApiValidation, api_validation


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


class NotModified(Exception):
    def __init__(self, response: HttpResponseBase) -> None:
        self.response = response


class ConditionalGetMixin:
    """ETag from the body itself, so that anything that changes the answer changes the tag.

    Last-Modified is the newest `updated_at` shown; a client should prefer the ETag,
    which also sees changes no timestamp records (a signature confirmed, a row removed).
    Answers vary with the key: what a key may see differs from what anyone may see.
    """

    # Set by a view when its answer shows what only a key may see (embargoed statements).
    private_answer = False
    # False for a view whose answer changes with the clock in ways no version or publish
    # time records (the change feed's settling window): its 304s always hash the body.
    remembers_etags = True
    validation: ApiValidation | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # After authentication, permissions and throttles: a 304 given here is counted.
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        self.validation = None
        if (
            self.remembers_etags
            and request.method in {"GET", "HEAD"}
            and "If-None-Match" in request.headers
            # Only what anyone may see: a key's answer may differ and its reads may be logged.
            and request.auth is None
            and not request.user.is_authenticated
        ):
            # The same address answers differently per format (JSON, the browsable API).
            variant = str(request.accepted_media_type)
            self.validation = api_validation(request._request, variant)
            not_modified = self.validation.not_modified(request._request)
            if not_modified is not None:
                raise NotModified(not_modified)

    def get_throttles(self) -> list[Any]:
        # Kept, so that a 304 can take its request's count back (finalize_response).
        self.throttles_counted = super().get_throttles()  # type: ignore[misc]
        return self.throttles_counted

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, NotModified):
            return exc.response
        return super().handle_exception(exc)  # type: ignore[misc]

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
        if request.method not in {"GET", "HEAD"}:
            return response
        validation = self.validation
        if response.status_code == 304 and validation and (remembered := validation.remembered):
            # Given from the remembered ETag, which the database just found current.
            validation.keep_in_process(
                request._request, response, remembered["etag"], remembered["last_modified"]
            )
        if response.status_code == 304:
            self.refund_throttles()
            return response
        response.render()
        if response.status_code != 200:
            # A 410's notice, an error: tagged too, so that every answer has an ETag.
            if response.content:
                set_response_etag(response)
            return response
        set_response_etag(response)
        # A view that answers with JSON encoded beforehand says the time itself.
        updated = getattr(response, "last_modified_at", None) or latest_update(
            getattr(response, "data", None)
        )
        timestamp = int(updated.timestamp()) if updated else None
        if timestamp is not None:
            response.headers["Last-Modified"] = http_date(timestamp)
        if validation is not None:
            etag = response.headers["ETag"]
            validation.remember(etag, timestamp)
            validation.keep_in_process(request._request, response, etag, timestamp)
        answer = get_conditional_response(
            request, etag=response.headers["ETag"], last_modified=timestamp, response=response
        )
        if answer is not None and answer.status_code == 304:
            self.refund_throttles()
        # A 304 is Django's own response, not DRF's; DRF passes it through as it is.
        return cast(Response, answer)

    def refund_throttles(self) -> None:
        for throttle in getattr(self, "throttles_counted", []):
            refund = getattr(throttle, "refund", None)
            if refund is not None:
                refund()
