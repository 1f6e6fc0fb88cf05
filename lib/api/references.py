"""Filters that name a row as a partner knows it: by its id or by its slug.

`campaign=3` and `campaign=russia-civil-society` name the same campaign. Every such filter
has one type in the schema (a string, digits read as an id), whichever table it names, so
that a generated client treats them alike; a country code is read in any case.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import MultipleObjectsReturned, ObjectDoesNotExist, ValidationError
from django.db.models import Model, Q
from django_countries import countries
from django_filters import fields
from django_filters import rest_framework as filters

from .pagination import whole_number

# A slug or an id: what the schema lets through for every reference filter.
REFERENCE_PATTERN = r"^[-a-zA-Z0-9_/]{1,120}$"
COUNTRY_PATTERN = r"^[A-Za-z]{2}$"


def by_slug(slug: str) -> Q:
    return Q(slug=slug)


class IdOrSlugField(fields.ModelChoiceField):
    """A row of the queryset, named by its id (digits only) or else by its slug."""

    def __init__(self, *args: Any, slug_lookup: Callable[[str], Q] = by_slug, **kwargs: Any):
        self.slug_lookup = slug_lookup
        self.noun = kwargs.pop("noun", "row")
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Model | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        number = whole_number(text)
        condition = Q(pk=number) if number is not None else self.slug_lookup(text)
        try:
            return self.queryset.get(condition)
        except MultipleObjectsReturned:
            raise ValidationError(
                f"More than one {self.noun} has this slug: give its id.", code="ambiguous"
            ) from None
        except (ObjectDoesNotExist, ValueError, TypeError):
            raise ValidationError(
                f"No {self.noun} has this id or slug.", code="invalid_choice"
            ) from None


class IdOrSlugFilter(filters.ModelChoiceFilter):
    """`?campaign=3` or `?campaign=russia-civil-society`.

    `queryset` is what may be named (a callable of the request where that depends on the
    clock or the key, as for organisations the public may know of); a name outside it is
    a 400, the same as one that never existed. `slug_lookup` turns the text given into a
    condition where a slug alone does not name a row (a law's is unique in its country).
    """

    field_class = IdOrSlugField

    def __init__(
        self,
        *args: Any,
        noun: str,
        example: str,
        slug_lookup: Callable[[str], Q] = by_slug,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, noun=noun, slug_lookup=slug_lookup, **kwargs)
        description = kwargs.get("help_text", "")
        # Read by drf-spectacular in place of the type it would guess (an integer id).
        self._spectacular_annotation = {
            "field": {
                "type": "string",
                "pattern": REFERENCE_PATTERN,
                "description": (
                    f"{description} Its id or its slug: digits are read as an id.".strip()
                ),
                "example": example,
            }
        }


class CountryCodeField(forms.CharField):
    def to_python(self, value: Any) -> str:
        code = str(super().to_python(value)).strip().upper()
        if code and code not in dict(countries):
            raise ValidationError(
                "Give a country's two-letter ISO 3166 code, e.g. RU.", code="invalid_choice"
            )
        return code


class CountryCodeFilter(filters.CharFilter):
    """An ISO 3166 country code, in any case: `RU`, `ru` and `Ru` are the same country."""

    field_class = CountryCodeField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._spectacular_annotation = {
            "field": {
                "type": "string",
                "pattern": COUNTRY_PATTERN,
                "description": (
                    f"{kwargs.get('help_text', '')} An ISO 3166 code, in any case.".strip()
                ),
                "example": "RU",
            }
        }
