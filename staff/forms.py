from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lib.client_address import client_address

from . import lockout


def locked_out_error() -> ValidationError:
    minutes = lockout.lockout_minutes()
    return ValidationError(
        ngettext(
            "Too many failed sign-in attempts. Sign-in is locked for %(minutes)d minute; "
            "try again later or ask an administrator.",
            "Too many failed sign-in attempts. Sign-in is locked for %(minutes)d minutes; "
            "try again later or ask an administrator.",
            minutes,
        ),
        code="locked_out",
        params={"minutes": minutes},
    )


class StaffAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in form, refusing to check passwords for a locked-out guesser."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request) if self.request else ""
        if lockout.is_locked_out(username, address):
            # The password is not even checked, so a guesser learns nothing while locked.
            raise locked_out_error()
        try:
            return super().clean()
        except ValidationError:
            lockout.record_failure(username, address)
            raise


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the six digits your app shows.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
