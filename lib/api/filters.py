"""Filters that give the database only values it can compare."""

from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField


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


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField
