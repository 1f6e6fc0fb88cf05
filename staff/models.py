import hmac
import time

import pyotp
from django.conf import settings
from django.db import models
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
