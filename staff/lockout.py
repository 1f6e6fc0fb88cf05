"""Counting failed staff sign-ins, and refusing sign-in past a limit.

Two counters, kept in the cache so every web process sees them: one per username (a
guesser working through one account's passwords) and one per client address (a guesser
trying many accounts). Each lives for LOGIN_LOCKOUT_SECONDS from the last failure that
reached its limit, so a locked-out account stays locked for that long whatever the
guesser does meanwhile. A success clears the username's counter.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger("chorus.staff")


def counter_keys(username: str, address: str) -> list[tuple[str, int]]:
    # Hashed: a username is whatever a guesser typed, and cache keys must be plain.
    user_digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
    return [
        (f"staff-login-failures:user:{user_digest}", settings.LOGIN_FAILURE_LIMIT),
        (f"staff-login-failures:address:{address}", settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS),
    ]


def is_locked_out(username: str, address: str) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in counter_keys(username, address))


def record_failure(username: str, address: str) -> None:
    for key, limit in counter_keys(username, address):
        cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        try:
            failures = cache.incr(key)
        except ValueError:
            # Expired between add and incr, or the cache is unreachable: start again.
            failures = 1
            cache.set(key, failures, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        if failures >= limit:
            # Restart the clock: the lockout lasts its full length from the latest failure.
            cache.set(key, failures, timeout=settings.LOGIN_LOCKOUT_SECONDS)
            if failures == limit:
                logger.warning(
                    "Staff sign-in locked out after repeated failures",
                    extra={"counter": key.split(":")[1], "failures": failures},
                )


def clear_failures(username: str, address: str) -> None:
    user_key, _ = counter_keys(username, address)[0]
    cache.delete(user_key)


def lockout_minutes() -> int:
    return max(1, round(settings.LOGIN_LOCKOUT_SECONDS / 60))
