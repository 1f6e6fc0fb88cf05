"""A staff member's second factors, kept in django-otp's and django-otp-webauthn's models.

- Authenticator apps: django-otp's TOTPDevice. A code is accepted once (the device
  keeps the last time step used) and a wrong one makes the next try wait a little
  longer (django-otp's throttle), besides counting towards the sign-in lockout.
- Passkeys and security keys: django-otp-webauthn's WebAuthnCredential.
- Recovery codes: django-otp's StaticDevice, one per account, with ten single-use
  codes. They stand in for a lost phone or key, so they are not a factor of their
  own: an account whose last app or passkey is removed loses its codes too.

Checking a code goes through django_otp.verify_token, which locks the device's row
for the length of the check: two requests racing with one code cannot both pass.
"""

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import django_otp
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from .models import Session

if TYPE_CHECKING:
    from django_otp.models import Device

logger = logging.getLogger("chorus.staff")

RECOVERY_CODE_COUNT = 10

# The kinds a staff member can name and remove, as they appear in addresses.
KINDS: dict[str, type[models.Model]] = {"app": TOTPDevice, "passkey": WebAuthnCredential}


def authenticator_apps(user: User) -> "models.QuerySet[TOTPDevice]":
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("created_at", "pk")


def passkeys(user: User) -> "models.QuerySet[WebAuthnCredential]":
    return WebAuthnCredential.objects.devices_for_user(user, confirmed=True).order_by(
        "created_at", "pk"
    )


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def is_verified(user: object) -> bool:
    """Whether a second factor confirmed this request's sign-in (django-otp's
    OTPMiddleware gives request.user is_verified())."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def has_second_factor(user: User) -> bool:
    return authenticator_apps(user).exists() or passkeys(user).exists()


@dataclass
class SecondFactors:
    """What one account can confirm a sign-in with."""

    apps: list[TOTPDevice]
    passkeys: list[WebAuthnCredential]
    recovery_codes_left: int

    @classmethod
    def of(cls, user: User) -> "SecondFactors":
        return cls(
            apps=list(authenticator_apps(user)),
            passkeys=list(passkeys(user)),
            recovery_codes_left=recovery_codes_left(user),
        )

    @property
    def any(self) -> bool:
        return bool(self.apps or self.passkeys)

    def listed(self) -> list[tuple[str, "Device"]]:
        """Each app and passkey with its kind, oldest first."""
        return [("app", app) for app in self.apps] + [("passkey", key) for key in self.passkeys]


def check_app_code(user: User, code: str) -> tuple[TOTPDevice | None, bool]:
    """The authenticator app that accepts this code (once), and whether every app of
    the account is waiting out its throttle after earlier wrong codes."""
    code = "".join(code.split())
    waiting = []
    for app in authenticator_apps(user):
        allowed, _details = app.verify_is_allowed()
        waiting.append(not allowed)
        accepted = django_otp.verify_token(user, app.persistent_id, code)
        if accepted is not None:
            return accepted, False
    return None, bool(waiting) and all(waiting)


def normalise_recovery_code(code: str) -> str:
    return "".join(character for character in code.lower() if character.isalnum())


def use_recovery_code(user: User, code: str) -> StaticDevice | None:
    """The account's recovery codes, if this was one of them; it is used up."""
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return None
    return django_otp.verify_token(user, device.persistent_id, normalise_recovery_code(code))


def readable_recovery_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


@transaction.atomic
def make_recovery_codes(user: User) -> list[str]:
    """Ten new codes, shown once; the account's earlier codes stop working."""
    device = StaticDevice.objects.filter(user=user).first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=_("Recovery codes"))
    device.token_set.all().delete()
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return sorted(codes)


def add_authenticator_app(user: User) -> TOTPDevice:
    """An app being set up: not yet confirmed, so not asked for at sign-in, until the
    staff member enters a first code from it. An earlier unfinished one is reused."""
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return pending or TOTPDevice.objects.create(
        user=user, name=_("Authenticator app"), confirmed=False
    )


def confirm_authenticator_app(app: TOTPDevice, code: str) -> bool:
    """The first code from a new app: it proves the app holds the key, and is used up."""
    code = "".join(code.split())
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=app.pk)
        # No wait after a mistyped first code: the key is on the staff member's screen,
        # there is nothing to guess.
        locked.throttle_reset(commit=False)
        if not locked.verify_token(code):
            return False
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
    app.refresh_from_db()
    return True


@transaction.atomic
def remove(user: User, device: "Device") -> None:
    """Remove an app or a passkey; with the last of them go the recovery codes."""
    device.delete()
    if not has_second_factor(user):
        StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def reset(user: User) -> None:
    """Every second factor of the account goes, and every session it has: a thief
    holding the lost phone may be signed in on it."""
    for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
        model.objects.filter(user=user).delete()
    Session.objects.filter(user=user).delete()


def end_other_sessions(user: User, current_session_key: str | None) -> int:
    ended, _by_model = (
        Session.objects.filter(user=user).exclude(session_key=current_session_key or "").delete()
    )
    return ended


def tell_by_email(user: User, subject: str, message: str) -> None:
    """E-mail the staff member once the change is committed, if they have an address.
    A mail server that is down must not undo or break the sign-in: it is logged."""
    if not user.email:
        return

    def send() -> None:
        try:
            send_mail(subject, message, None, [user.email])
        except Exception:
            logger.exception("Could not e-mail a staff member about their account")

    transaction.on_commit(send)


def now_text() -> str:
    return timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
