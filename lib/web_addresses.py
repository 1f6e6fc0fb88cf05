"""Addresses of web pages, the only addresses a public page links to: http:// and https://.

Django's URLField also takes ftp:// and ftps://, and a row written before a rule, or by
hand, may hold anything; a link to javascript: or data: runs in the reader's browser.
Every address field of the public record is a WebAddressField, refused on saving unless it
is a web address (in the admin's forms and in imports alike, which validate each row as
a form would), and a page links only to an address `is_web_address` accepts, so a row
saved before the rule never becomes a link either.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

SCHEMES = ["http", "https"]

validate_web_address = URLValidator(
    schemes=SCHEMES,
    message=_("Enter an http:// or https:// address."),
    # Not "invalid": a form field words that as a plain "Enter a valid URL." instead.
    code="scheme",
)


def is_web_address(address: str | None) -> bool:
    """Whether a page may link to this address: one the validator takes, as typed."""
    if not address:
        return False
    try:
        validate_web_address(address)
    except ValidationError:
        return False
    return True


class WebAddressFormField(forms.URLField):
    default_validators = [validate_web_address]


class WebAddressField(models.URLField):
    """A URLField that takes http:// and https:// addresses only."""

    default_validators = [validate_web_address]

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": WebAddressFormField, **kwargs})
