"""Counting failed staff sign-ins, and refusing sign-in past a limit.

Two counts, kept in the database so that every web process sees them and a Redis
outage cannot switch the lockout off (see SignInFailureCount): one per username (a
guesser working through one account's passwords) and one per client address (a guesser
trying many accounts). Each lasts LOGIN_LOCKOUT_SECONDS from its first failure, and from
every failure that reaches its limit, so a locked-out account stays locked for that long
whatever the guesser does meanwhile. A success clears the username's count.
"""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from .models import SignInFailureCount

logger = logging.getLogger("chorus.staff")


def counter_keys(username: str, address: str) -> list[tuple[str, int]]:
    # Hashed: a username is whatever a guesser typed, perhaps someone's password.
    user_digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
    return [
        (f"user:{user_digest}", settings.LOGIN_FAILURE_LIMIT),
        (f"address:{address}", settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS),
    ]


def is_locked_out(username: str, address: str) -> bool:
    reached = Q()
    for key, limit in counter_keys(username, address):
        reached |= Q(key=key, failures__gte=limit)
    return SignInFailureCount.objects.current().filter(reached).exists()


def record_failure(username: str, address: str) -> None:
    # Counts that ran out are of no use to anyone: each failure clears them away.
    SignInFailureCount.objects.expired().delete()
    lasting = timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    for key, limit in counter_keys(username, address):
        failures = SignInFailureCount.count_failure(key, limit, lasting)
        if failures == limit:
            logger.warning(
                "Staff sign-in locked out after repeated failures",
                extra={"counter": key.split(":")[0], "failures": failures},
            )


def clear_failures(username: str, address: str) -> None:
    user_key, _ = counter_keys(username, address)[0]
    SignInFailureCount.objects.filter(key=user_key).delete()


def lockout_minutes() -> int:
    return max(1, round(settings.LOGIN_LOCKOUT_SECONDS / 60))
