"""The sign-in record, and the sessions a staff member can see and end.

The second factors themselves are django-otp's models (authenticator apps, recovery
codes) and django-otp-webauthn's (passkeys); staff/factors.py says what a staff member
has and does with them.
"""

import hashlib
from datetime import timedelta
from importlib import import_module
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.client_address import client_address, is_address

from . import browsers

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

# Longer headers are cut: the browser's name and system are near the start.
USER_AGENT_LENGTH = 300


def request_user_agent(request: HttpRequest) -> str:
    return request.headers.get("User-Agent", "")[:USER_AGENT_LENGTH]


def request_address(request: HttpRequest) -> str | None:
    address = client_address(request)
    return address if is_address(address) else None


class SignInRecordQuerySet(models.QuerySet["SignInRecord"]):
    def refused(self) -> "SignInRecordQuerySet":
        return self.filter(event__in=SignInRecord.REFUSALS)

    def record(
        self,
        request: HttpRequest,
        user: "User",
        event: "SignInRecord.Event",
        method: "SignInRecord.Method | str" = "",
        *,
        detail: str = "",
        by: "User | None" = None,
    ) -> "SignInRecord":
        """Write down what happened to this account in this request, from where."""
        return self.create(
            user=user,
            event=event,
            method=method,
            detail=detail[:100],
            by=by,
            address=request_address(request),
            user_agent=request_user_agent(request),
        )


class SignInRecord(models.Model):
    """One sign-in, refused sign-in or change to how an account signs in.

    Refusals are recorded for accounts that exist; a username nobody has is only
    counted by the lockout, so that a password typed into the wrong box is never kept.
    """

    class Event(models.TextChoices):
        SIGNED_IN = "signed-in", _("Signed in")
        REFUSED = "refused", _("Refused")
        LOCKED_OUT = "locked-out", _("Refused: locked out")
        FACTOR_ADDED = "factor-added", _("Second factor added")
        FACTOR_REMOVED = "factor-removed", _("Second factor removed")
        RECOVERY_CODES_MADE = "recovery-codes-made", _("New recovery codes made")
        FACTORS_RESET = "factors-reset", _("Second factors reset by an administrator")
        SESSIONS_ENDED = "sessions-ended", _("Other sessions ended")

    class Method(models.TextChoices):
        PASSWORD = "password", _("Password")
        AUTHENTICATOR_APP = "authenticator-app", _("Authenticator app")
        RECOVERY_CODE = "recovery-code", _("Recovery code")
        PASSKEY = "passkey", _("Passkey")
        PASSKEY_ALONE = "passkey-alone", _("Passkey, without password")

    REFUSALS = (Event.REFUSED, Event.LOCKED_OUT)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sign_in_records",
        verbose_name=_("account"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    event = models.CharField(_("what happened"), max_length=24, choices=Event)
    method = models.CharField(
        _("with"),
        max_length=24,
        choices=Method,
        blank=True,
        help_text=_("The factor that signed in, or the one that was refused."),
    )
    detail = models.CharField(
        _("detail"), max_length=100, blank=True, help_text=_("The second factor concerned.")
    )
    address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    user_agent = models.CharField(
        _("browser (User-Agent)"), max_length=USER_AGENT_LENGTH, blank=True
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("The administrator who did it, when it was not the account's owner."),
    )

    objects = SignInRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-in record")
        verbose_name_plural = _("sign-in records")
        permissions = [
            ("reset_second_factors", _("Can reset a staff member's second factors")),
        ]
        indexes = [
            # A staff member's own recent sign-ins (the security page) and the admin's
            # list filtered by account, newest first.
            models.Index(fields=["user", "-at"], name="signinrecord_user_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} · {self.user} · {self.at:%Y-%m-%d %H:%M}"

    @property
    def browser(self) -> str:
        return browsers.describe(self.user_agent) if self.user_agent else ""


class SignInFailureCountQuerySet(models.QuerySet["SignInFailureCount"]):
    def current(self) -> "SignInFailureCountQuerySet":
        return self.filter(expires_at__gt=timezone.now())

    def expired(self) -> "SignInFailureCountQuerySet":
        return self.filter(expires_at__lte=timezone.now())


class SignInFailureCount(models.Model):
    """Failed staff sign-ins counted under one key: a username's, or a client address's.

    Kept in the database rather than in the cache, so that a lockout holds whatever
    happens to Redis: an outage (when a cache would count nothing, and the guesser could
    go on as fast as passwords are checked), a restart, or keys evicted under memory
    pressure. Sign-in is rare enough for a row and a lock per failure to cost nothing
    beside the password hash each attempt already computes.
    """

    # "user:" and a digest of the username typed (whatever a guesser typed, perhaps a
    # password), or "address:" and the client's address.
    key = models.CharField(max_length=100)
    failures = models.PositiveIntegerField(default=0)
    # The count starts again from nothing after this.
    expires_at = models.DateTimeField()

    objects = SignInFailureCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("failed sign-in count")
        constraints = [
            # One count per key. Its index is the one every sign-in attempt reads (the
            # lockout check) and every failure writes (count_failure).
            models.UniqueConstraint(fields=["key"], name="staff_failure_count_one_per_key"),
        ]
        indexes = [
            # Finding the counts that have run out, to delete them (lockout.record_failure).
            models.Index(fields=["expires_at"], name="staff_failure_count_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.key.split(':')[0]}: {self.failures}"

    @classmethod
    def count_failure(cls, key: str, limit: int, lasting: timedelta) -> int:
        """Count one more failure under `key`, and say how many there are now.

        A count lasts `lasting` from its first failure; each failure that reaches
        `limit` or more makes it last `lasting` from then, so that a locked-out guesser
        stays locked whatever it tries meanwhile. The row is locked from the moment it
        is read until it is written (select_for_update): a guesser sending attempts in
        parallel gets each one counted, not several read as the same number. Two first
        failures at once make one row: the second insert breaks the unique constraint,
        and get_or_create then reads, and waits for, the row the first one made.
        """
        now = timezone.now()
        with transaction.atomic():
            count, created = cls.objects.select_for_update().get_or_create(
                key=key, defaults={"failures": 1, "expires_at": now + lasting}
            )
            if created:
                return count.failures
            if count.expires_at <= now:
                count.failures, count.expires_at = 1, now + lasting
            else:
                count.failures += 1
                if count.failures >= limit:
                    count.expires_at = now + lasting
            count.save(update_fields=["failures", "expires_at"])
        return count.failures


class Session(AbstractBaseSession):
    """Django's database session, with the account it signed in and where from.

    The session engine (staff/sessions.py) fills these columns each time the session
    is saved, from what the session holds, so that a staff member's sessions are found
    by an index rather than by reading every session there is.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("account"),
    )
    signed_in_at = models.DateTimeField(_("signed in at"), null=True, blank=True)
    address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    user_agent = models.CharField(
        _("browser (User-Agent)"), max_length=USER_AGENT_LENGTH, blank=True
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [
            # A staff member's sessions on the security page, and ending them all.
            models.Index(fields=["user", "expire_date"], name="session_user_expiry_idx"),
        ]

    @classmethod
    def get_session_store_class(cls) -> "type[SessionStore]":
        # The engine in use (staff.sessions), which reads this model: named in settings.
        return cast("type[SessionStore]", import_module(settings.SESSION_ENGINE).SessionStore)

    @property
    def browser(self) -> str:
        return browsers.describe(self.user_agent) if self.user_agent else ""

    @property
    def handle(self) -> str:
        """Names this session in a page's form without giving away its key."""
        return session_handle(self.session_key)


def session_handle(session_key: str | None) -> str:
    return hashlib.sha256((session_key or "").encode()).hexdigest()[:32]


def signed_in_details(request: HttpRequest) -> dict[str, Any]:
    """What the session keeps of where it was signed in from, for its row's columns."""
    return {
        "at": timezone.now().isoformat(),
        "address": request_address(request),
        "user_agent": request_user_agent(request),
    }
