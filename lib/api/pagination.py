"""Cursor pagination on a stable order, which refuses what it cannot honour.

DRF's cursor pagination quietly caps an oversized page and answers a garbled cursor with
404; partners are better served by a 400 that says what to change.
"""

from collections import OrderedDict
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request
from rest_framework.views import APIView

MAX_PAGE_SIZE = 100
# A list counts what matches up to this many, and says "at least" beyond: an exact count
# of a large table costs as much as reading it.
EXACT_COUNT_LIMIT = 10_000
# The order of what `q` found, best first; only there when the queryset carries a `rank`.
RELEVANCE = "relevance"
RELEVANCE_ORDER = ("-rank", "-id")


def whole_number(raw: str) -> int | None:
    """A page size or an id given in a URL, or None. Only ASCII digits, at most 19 (a
    bigint): str.isdigit() also takes "²", which int() refuses, and int() refuses a
    string of more than 4,300 digits."""
    if raw.isascii() and raw.isdigit() and len(raw) <= 19:
        return int(raw)
    return None


class StableCursorPaginator(CursorPagination):
    """Pages through a list by a cursor. A view names its orderings in `cursor_orderings`.

    Each ordering ends in the primary key so that rows with the same value keep one order.
    """

    page_size = 20
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    ordering_query_param = "ordering"
    default_orderings: dict[str, tuple[str, ...]] = {"id": ("id",), "-id": ("-id",)}

    def paginate_queryset(
        self, queryset: Any, request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        self.model = queryset.model
        self.ranked = "rank" in queryset.query.annotations
        # One query, however many match: counting stops one past the limit.
        counted = queryset.order_by().values("pk")[: EXACT_COUNT_LIMIT + 1].count()
        self.count = min(counted, EXACT_COUNT_LIMIT)
        self.count_is_exact = counted <= EXACT_COUNT_LIMIT
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: Any) -> Any:
        response = super().get_paginated_response(data)
        response.data = OrderedDict(
            [
                ("count", self.count),
                ("count_is_exact", self.count_is_exact),
                *response.data.items(),
            ]
        )
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        for name, page in (("next", "following"), ("previous", "preceding")):
            paginated["properties"][name]["description"] = (
                f"The address of the {page} page, as given: null where there is none."
            )
        paginated["properties"]["results"]["description"] = (
            "This page's items, in the order `ordering` asks for (the default order without it)."
        )
        paginated["properties"] = {
            "count": {
                "type": "integer",
                "minimum": 0,
                "maximum": EXACT_COUNT_LIMIT,
                "description": (
                    "How many items match the filters, across every page: exact up to "
                    f"{EXACT_COUNT_LIMIT:,}; beyond, {EXACT_COUNT_LIMIT:,} and "
                    "`count_is_exact` is false (at least that many)."
                ),
                "example": 42,
            },
            "count_is_exact": {
                "type": "boolean",
                "description": f"False when more than {EXACT_COUNT_LIMIT:,} items match.",
                "example": True,
            },
            **paginated["properties"],
        }
        paginated["required"] = ["count", "count_is_exact", "next", "previous", "results"]
        return paginated

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        number = whole_number(raw)
        if number is None or not 1 <= number <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Give a whole number from 1 to {self.max_page_size}."
                    ]
                }
            )
        return number

    def orderings(self, view: Any) -> dict[str, tuple[str, ...]]:
        return getattr(view, "cursor_orderings", self.default_orderings)

    def searchable(self, view: Any) -> bool:
        filterset_class = getattr(view, "filterset_class", None)
        return filterset_class is not None and "q" in filterset_class.base_filters

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> tuple[str, ...]:
        orderings = self.orderings(view)
        ranked = "rank" in queryset.query.annotations
        # What `q` found comes best first, unless the client orders it otherwise.
        default = RELEVANCE if ranked else next(iter(orderings))
        chosen = request.query_params.get(self.ordering_query_param, default)
        if chosen == RELEVANCE and self.searchable(view):
            if not ranked:
                raise ValidationError(
                    {self.ordering_query_param: ["Ordering by relevance needs words in `q`."]}
                )
            return RELEVANCE_ORDER
        if chosen not in orderings:
            choices = [*orderings, *([RELEVANCE] if self.searchable(view) else [])]
            raise ValidationError(
                {self.ordering_query_param: [f"Choose one of: {', '.join(choices)}."]}
            )
        return orderings[chosen]

    def decode_cursor(self, request: Request) -> Cursor | None:
        message = "This cursor is not valid: follow the next or previous link as given."
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: [message]}) from None
        if cursor is not None and cursor.position is not None:
            # The position goes into a WHERE clause: a value of the wrong type would make
            # the database, not the client, the one to complain.
            name = self.ordering[0].lstrip("-")
            try:
                if self.ordering == RELEVANCE_ORDER:
                    float(cursor.position)
                else:
                    field = self.model._meta.get_field(name)
                    field.to_python(cursor.position)
            except (FieldDoesNotExist, DjangoValidationError, ValueError):
                raise ValidationError({self.cursor_query_param: [message]}) from None
        return cursor

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
        parameters.append(
            {
                "name": self.ordering_query_param,
                "required": False,
                "in": "query",
                "description": "The order of the list; the cursor follows it."
                + (
                    f" `{RELEVANCE}` (the default with `q`): what `q` found, best first."
                    if self.searchable(view)
                    else ""
                ),
                "schema": {
                    "type": "string",
                    "enum": [
                        *self.orderings(view),
                        *([RELEVANCE] if self.searchable(view) else []),
                    ],
                },
                "example": next(iter(self.orderings(view))),
            }
        )
        return parameters
