import hmac
import time
from datetime import timedelta

import pyotp
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Codes from the step before and after the current one are accepted too: phones' clocks drift.
ACCEPTED_CLOCK_DRIFT_STEPS = 1


def matching_time_step(secret: str, code: str, at: float | None = None) -> int | None:
    """The 30-second step whose code is `code`, within the accepted drift, or None."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(time.time() if at is None else at)
    for step in range(
        current - ACCEPTED_CLOCK_DRIFT_STEPS, current + ACCEPTED_CLOCK_DRIFT_STEPS + 1
    ):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


class TOTPDevice(models.Model):
    """A staff member's authenticator app, asked for a code after their password."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The time step of the last code accepted: a code is good once, so one overheard or
    # phished code cannot be replayed within its 90 seconds.
    last_used_step = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    def __str__(self) -> str:
        return str(_("Authenticator app of %(user)s") % {"user": self.user})

    def verify(self, code: str) -> bool:
        """Accept a code at most once. Two requests racing with the same code: the
        conditional update lets exactly one of them through."""
        step = matching_time_step(self.secret, code.strip())
        if step is None:
            return False
        accepted = (
            TOTPDevice.objects.filter(pk=self.pk)
            .filter(Q(last_used_step__isnull=True) | Q(last_used_step__lt=step))
            .update(last_used_step=step, last_used_at=timezone.now())
        )
        return accepted == 1


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
