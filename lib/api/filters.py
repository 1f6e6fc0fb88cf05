"""Filters that give the database only values it can compare."""

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 date and time, turned to UTC.

    Python accepts offsets up to a day; PostgreSQL refuses those beyond 15:59 with an
    error of its own. In UTC any offset compares the same, and a time that falls off
    the calendar in UTC is the client's mistake, said as such.
    """

    def to_python(self, value: Any) -> datetime | None:
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise ValidationError("This date and time is out of range.", code="invalid") from None


UPDATED_SINCE = (
    "Changed at this time or later: pass the time of your last sync, then follow the "
    "change feed for what was removed."
)


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 time with its offset; documented with an example in UTC."""

    field_class = UtcDateTimeField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._spectacular_annotation = {
            "field": {
                "type": "string",
                "format": "date-time",
                "description": (
                    f"{kwargs.get('help_text', '')} ISO 8601 with an offset, e.g. "
                    "2012-12-19T09:00:00Z."
                ).strip(),
                "example": "2012-12-19T09:00:00Z",
            }
        }


class KnownParametersOnly(BaseFilterBackend):
    """A query parameter the endpoint does not know is refused, naming those it knows.

    Otherwise a typo (`?contry=RU`) quietly answers with everything, and a partner's
    mirror fills with what it never asked for. Known: the endpoint's filters, its
    pagination, `format`, and what a view lists in `extra_query_parameters`.
    """

    def filter_queryset(
        self, request: Request, queryset: QuerySet[Any], view: Any
    ) -> QuerySet[Any]:
        if not request.query_params:
            return queryset
        known = {"format", *getattr(view, "extra_query_parameters", ())}
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
        paginator = getattr(view, "paginator", None)
        for attribute in ("cursor_query_param", "page_size_query_param", "ordering_query_param"):
            if name := getattr(paginator, attribute, None):
                known.add(name)
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            listing = ", ".join(sorted(known))
            raise exceptions.ValidationError(
                {
                    name: [f"This endpoint has no parameter {name!r}. It knows: {listing}."]
                    for name in unknown
                }
            )
        return queryset


class GivenFiltersOnly(DjangoFilterBackend):
    """django-filter's backend, with a form of only the filters the request names.

    The whole form was built for every answer, whichever filters were given: each
    country list of 250 choices copied, each filter's queryset made. That was most of
    the time an unfiltered page or a detail took. The filters given are validated and
    applied exactly as before; the schema still lists them all.
    """

    def filter_queryset(
        self, request: Request, queryset: QuerySet[Any], view: Any
    ) -> QuerySet[Any]:
        if not request.query_params:
            # Nothing to validate or apply: the form of no filters would give the queryset.
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return None
        given = tuple(name for name in filterset_class.base_filters if name in request.query_params)
        narrowed = with_filters_only(filterset_class, given)
        return narrowed(**self.get_filterset_kwargs(request, queryset, view))


@lru_cache(maxsize=512)
def with_filters_only(filterset_class: type[Any], names: tuple[str, ...]) -> type[Any]:
    """The filter set with these of its filters only (made once per set of names). A
    filter marked `applied_last` (a search that keeps only the newest of what it finds)
    narrows what every other filter has left, not the other way round."""
    narrowed: Any = type(filterset_class.__name__, (filterset_class,), {})
    # After the class is made: its metaclass sets base_filters from the declarations.
    narrowed.base_filters = dict(
        sorted(
            (
                (name, filter)
                for name, filter in filterset_class.base_filters.items()
                if name in names
            ),
            key=lambda item: getattr(item[1], "applied_last", False),
        )
    )
    return narrowed
