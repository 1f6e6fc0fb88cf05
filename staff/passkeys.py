"""Passkeys and security keys (WebAuthn) through django-otp-webauthn's views.

The library's views check the browser's answers (through py_webauthn) and keep the
credentials; these subclasses decide who may use them here:

- As the second factor: the account that passed the password step in this session
  (see staff.views), never a signed-in one.
- Alone, instead of the password, only with STAFF_ALLOW_PASSKEY_ONLY, and then the
  authenticator must have checked its holder itself (a PIN or a fingerprint).
- Registered by a signed-in staff member who proved who they are recently, or while
  signing in by an account that must set up its first second factor.

Every refused passkey counts towards the sign-in lockout, and a locked-out account is
refused a passkey as it is refused a password. The library's own URLs are not mounted:
its passwordless sign-in would skip all of the above.
"""

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp_webauthn import exceptions
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import AbstractWebAuthnCredential, WebAuthnCredential
from django_otp_webauthn.utils import rewrite_exceptions
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)
from webauthn import base64url_to_bytes
from webauthn.helpers.structs import ResidentKeyRequirement

from lib.client_address import client_address

from . import factors, lockout
from .browsers import describe
from .forms import locked_out_error, record_refusal
from .models import SignInRecord, request_user_agent
from .views import (
    MODEL_BACKEND,
    after_adding_factor_signed_in,
    is_recent,
    next_after_adding_factor,
    note_factor_added,
    pending_user,
    safe_next,
    sign_in,
    signed_in_without_factor,
)

logger = logging.getLogger("chorus.staff")

Method = SignInRecord.Method


class LockedOut(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "locked_out"


class NotAllowed(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "not_allowed"
    default_detail = gettext_lazy("Sign in again to continue.")


class PasskeyHelper(WebAuthnHelper):
    """Names a new passkey after the browser it was registered in, so that a staff
    member with several can tell them apart (and rename them); asks for a passkey that
    can sign in alone (a discoverable one) where the site allows that."""

    def get_discoverable_credentials_preference(self) -> ResidentKeyRequirement:
        if settings.STAFF_ALLOW_PASSKEY_ONLY:
            return ResidentKeyRequirement.REQUIRED
        return ResidentKeyRequirement.PREFERRED

    def create_credential(self, user: Any, *args: Any, **kwargs: Any) -> Any:
        credential = super().create_credential(user, *args, **kwargs)
        credential.name = (
            _("Passkey (%(browser)s)") % {"browser": describe(request_user_agent(self.request))}
        )[:64]
        return credential


def posted(request: HttpRequest) -> Any:
    """The JSON the browser sent, as the library's views read it."""
    return getattr(request, "data", {})


def refused_detail(error: exceptions.OTPWebAuthnApiError) -> str:
    """What the page says: ours are translated; the library's are technical, in English."""
    if isinstance(error, LockedOut | NotAllowed):
        return str(error.detail)
    return _("The passkey was not accepted. Try again, or use another way to sign in.")


class PasskeySignInMixin:
    request: HttpRequest

    def get_user(self) -> User | None:
        found = pending_user(self.request)
        return found[0] if found else None

    def check_can_authenticate(self) -> None:
        user = self.get_user()
        address = client_address(self.request)
        if user is None and not settings.STAFF_ALLOW_PASSKEY_ONLY:
            raise NotAllowed()
        if lockout.is_locked_out(user.get_username() if user else "", address):
            raise LockedOut(detail=" ".join(locked_out_error().messages))

    def handle_exception(self, exc: Exception) -> JsonResponse:
        if isinstance(exc, exceptions.OTPWebAuthnApiError):
            return JsonResponse(
                {"detail": refused_detail(exc), "code": exc.code}, status=exc.status_code
            )
        raise exc


class PasskeySignInBegin(PasskeySignInMixin, BeginCredentialAuthenticationView):
    pass


class PasskeySignInComplete(PasskeySignInMixin, CompleteCredentialAuthenticationView):
    def post(self, *args: Any, **kwargs: Any) -> JsonResponse:
        user = self.get_user()
        try:
            state = self.get_state()
            if user is None and not state.get("require_user_verification"):
                # Begun as a second factor, whose sign-in has since expired: alone, a
                # passkey must have checked its holder.
                raise exceptions.InvalidState()
            with rewrite_exceptions(logger=logger):
                device = self.get_helper().authenticate_complete(
                    user=user, state=state, data=posted(self.request)
                )
            self.check_device_usable(device)
        except exceptions.OTPWebAuthnApiError:
            self.count_refusal(user)
            raise
        account = device.user
        if lockout.is_locked_out(account.get_username(), client_address(self.request)):
            record_refusal(self.request, account.get_username(), Method.PASSKEY, locked=True)
            raise LockedOut(detail=" ".join(locked_out_error().messages))
        found = pending_user(self.request) if user is not None else None
        if user is not None and found is not None:
            _user, pending = found
            next_url = sign_in(
                self.request,
                user,
                backend=pending["backend"],
                device=device,
                method=Method.PASSKEY,
                next_url=pending["next"],
            )
        else:
            next_url = sign_in(
                self.request,
                account,
                backend=MODEL_BACKEND,
                device=device,
                method=Method.PASSKEY_ALONE,
                next_url=self.request.GET.get("next"),
            )
        return JsonResponse({"id": device.pk, "redirect_url": next_url})

    def check_device_usable(self, device: AbstractWebAuthnCredential) -> None:
        super().check_device_usable(device)
        if not device.user.is_staff:
            raise exceptions.UserDisabled()

    def count_refusal(self, user: User | None) -> None:
        """Whose failure it was: the account signing in, else the account whose passkey
        was presented, else only the client's address counts it (under the credential
        id it sent, a name no account has)."""
        if user is not None:
            record_refusal(self.request, user.get_username(), Method.PASSKEY)
            return
        credential_id = str(posted(self.request).get("rawId") or "")[:100]
        owner = None
        if credential_id:
            owner = (
                WebAuthnCredential.objects.filter(
                    credential_id_sha256=WebAuthnCredential.get_credential_id_sha256(
                        _decode(credential_id)
                    )
                )
                .select_related("user")
                .first()
            )
        if owner is not None:
            record_refusal(self.request, owner.user.get_username(), Method.PASSKEY_ALONE)
        else:
            lockout.record_failure(f"passkey {credential_id}", client_address(self.request))


def _decode(credential_id: str) -> bytes:
    try:
        return base64url_to_bytes(credential_id)
    except ValueError:
        return b""


class PasskeyRegistrationMixin:
    request: HttpRequest

    def get_user(self) -> User | None:
        if self.request.user.is_authenticated:
            return self.request.user if self.request.user.is_staff else None
        found = pending_user(self.request)
        if found is None or factors.has_second_factor(found[0]):
            return None
        user = found[0]
        # Half-way through sign-in nothing is verified yet; the library asks.
        user.is_verified = lambda: False  # type: ignore[attr-defined]
        return user

    def check_can_register(self) -> None:
        if self.request.user.is_authenticated and (
            signed_in_without_factor(self.request) or not is_recent(self.request)
        ):
            raise NotAllowed(
                detail=_("Confirm your password on the security page, then add the passkey.")
            )

    def handle_exception(self, exc: Exception) -> JsonResponse:
        if isinstance(exc, exceptions.OTPWebAuthnApiError):
            if isinstance(exc, NotAllowed):
                detail = str(exc.detail)
            elif isinstance(exc, exceptions.NotAuthenticated):
                detail = str(NotAllowed.default_detail)
            else:
                detail = _("The passkey could not be registered. Try again, or try another key.")
            return JsonResponse({"detail": detail, "code": exc.code}, status=exc.status_code)
        raise exc


class PasskeyRegistrationBegin(PasskeyRegistrationMixin, BeginCredentialRegistrationView):
    pass


class PasskeyRegistrationComplete(PasskeyRegistrationMixin, CompleteCredentialRegistrationView):
    def post(self, *args: Any, **kwargs: Any) -> JsonResponse:
        user = self.get_user()
        if user is None:
            raise exceptions.NotAuthenticated()
        state = self.get_state()
        with rewrite_exceptions(logger=logger):
            device = self.get_helper().register_complete(
                user=user, state=state, data=posted(self.request)
            )
        found = None if self.request.user.is_authenticated else pending_user(self.request)
        if found is not None:
            _user, pending = found
            next_url = sign_in(
                self.request,
                user,
                backend=pending["backend"],
                device=device,
                method=Method.PASSKEY,
                next_url=pending["next"],
            )
            note_factor_added(self.request, user, device)
        else:
            note_factor_added(self.request, user, device)
            after_adding_factor_signed_in(self.request, user, device)
            messages.success(self.request, _("Your passkey is set up."))
            next_url = safe_next(
                self.request, self.request.GET.get("next") or reverse("staff:security")
            )
        return JsonResponse(
            {"id": device.pk, "redirect_url": next_after_adding_factor(user, next_url)}
        )
