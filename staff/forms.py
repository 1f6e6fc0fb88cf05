from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lib.client_address import client_address

from . import lockout
from .models import SignInRecord


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


def record_refusal(
    request: HttpRequest, username: str, method: SignInRecord.Method, *, locked: bool = False
) -> None:
    """Count a failure towards the lockout, and write it into the account's record if
    there is such an account. A lockout refusal was counted when it was earned."""
    if not locked:
        lockout.record_failure(username, client_address(request))
    user = User.objects.filter(username=username).first()
    if user is not None:
        event = SignInRecord.Event.LOCKED_OUT if locked else SignInRecord.Event.REFUSED
        SignInRecord.objects.record(request, user, event, method)


class StaffAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in form, refusing to check passwords for a locked-out guesser."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request) if self.request else ""
        if lockout.is_locked_out(username, address):
            # The password is not even checked, so a guesser learns nothing while locked.
            if self.request is not None:
                record_refusal(self.request, username, SignInRecord.Method.PASSWORD, locked=True)
            raise locked_out_error()
        try:
            return super().clean()
        except ValidationError:
            if self.request is not None:
                record_refusal(self.request, username, SignInRecord.Method.PASSWORD)
            else:
                lockout.record_failure(username, address)
            raise


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        error_messages={"invalid": _("Enter the six digits your app shows.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "size": 8,
            }
        ),
    )


class RecoveryCodeForm(forms.Form):
    recovery_code = forms.RegexField(
        label=_("Recovery code"),
        regex=r"^[\s\-A-Za-z0-9]{8,20}$",
        error_messages={
            "invalid": _("A recovery code is eight letters and digits, like abcd-2345.")
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
                "size": 12,
            }
        ),
    )


class PasswordForm(forms.Form):
    """The staff member's own password again, before a change to how they sign in."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        username = self.user.get_username()
        if lockout.is_locked_out(username, client_address(self.request)):
            raise locked_out_error()
        if not self.user.check_password(password):
            record_refusal(self.request, username, SignInRecord.Method.PASSWORD)
            raise ValidationError(_("That is not your password."), code="wrong_password")
        return password


class RenameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64)
