"""Dates as each of the site's languages writes them.

Django's formats write the first of a month as they write every other day, "1 novembre
2012", where French writes it as an ordinal: "1er novembre 2012" (and only the first:
"2 novembre"). `date_format()` is Django's with that rule; the `date` template filter,
a builtin of the site's templates (config/settings.py), is Django's through it, so a
template writes `{{ statement.issued_on|date:"DATE_FORMAT" }}` as anywhere else.
"""

from datetime import date as Date
from typing import Any

from django import template
from django.template import defaultfilters
from django.utils import formats, translation

# How a language writes the first day of a month, where it is not a plain number.
FIRST_OF_THE_MONTH = {"fr": "1er"}


def date_format(value: Date, name: str | None = None, use_l10n: bool | None = None) -> str:
    """django.utils.formats.date_format(), the first of a month written as the language
    writes it. `name`: a format's name ("DATETIME_FORMAT") or a format ("j M Y")."""
    return first_of_the_month(value, name, formats.date_format(value, name, use_l10n))


def first_of_the_month(value: Any, name: str | None, formatted: str) -> str:
    first = FIRST_OF_THE_MONTH.get(translation.get_language() or "")
    if first is None or getattr(value, "day", None) != 1:
        return formatted
    # A format's name ("DATE_FORMAT") or the format itself ("j M Y"): the day without a
    # leading zero, first.
    pattern = str(formats.get_format(name or "DATE_FORMAT"))
    if pattern.startswith("j") and formatted.startswith("1") and not formatted[1:2].isdigit():
        return first + formatted[1:]
    return formatted


register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    """Django's `date` filter, the first of a month written as the language writes it."""
    return first_of_the_month(value, arg, defaultfilters.date(value, arg))
