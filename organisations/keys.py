"""Partner keys: how the API recognises them, what their scopes allow, how they are limited.

Kept apart from the API's views: DRF imports these classes from its settings while it
loads its own views, so this module must not import views itself.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework_api_key.permissions import KeyParser

from lib.client_address import client_address
from operations.cache import ProcessMemoryFallback

from .models import PartnerKey


class PartnerKeyAuthentication(BaseAuthentication):
    """`Authorization: Api-Key <key>`. No key is fine (public data); a bad key is refused.

    A key that is unknown, revoked or expired gets 401 rather than quietly falling back
    to anonymous access, so that a partner notices at once.
    """

    keyword = "Api-Key"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        raw = KeyParser().get(request)
        if not raw:
            return None
        # Counted per client address and checked before the look-up: each wrong key costs
        # a query and a hash, and a guesser must not get to try keys at the API's rate.
        failures_key = f"api-key-failures:{client_address(request)}"
        if (cache.get(failures_key) or 0) >= settings.API_KEY_FAILURE_LIMIT:
            raise Throttled(
                wait=settings.API_KEY_FAILURE_SECONDS,
                detail="Too many requests with a wrong API key from this address.",
            )
        try:
            key = PartnerKey.objects.get_from_key(raw)
        except PartnerKey.DoesNotExist:
            count_failure(failures_key)
            raise AuthenticationFailed("This API key is not known, or it was revoked.") from None
        if key.has_expired:
            count_failure(failures_key)
            raise AuthenticationFailed("This API key has expired.")
        return AnonymousUser(), key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


def count_failure(failures_key: str) -> None:
    # The window starts at the first failure: a burst past the limit waits it out.
    cache.add(failures_key, 0, timeout=settings.API_KEY_FAILURE_SECONDS)
    try:
        cache.incr(failures_key)
    except ValueError:  # expired between add and incr
        cache.set(failures_key, 1, timeout=settings.API_KEY_FAILURE_SECONDS)


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    target_class = PartnerKeyAuthentication
    name = "partnerKey"
    optional = True

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`. Optional for reading public data.",
        }


def partner_key(request: Request) -> PartnerKey | None:
    return request.auth if isinstance(request.auth, PartnerKey) else None


class HasScope(BasePermission):
    """Only a key with the view's `required_scope`."""

    message = "This needs an API key with the required scope."

    def has_permission(self, request: Request, view: Any) -> bool:
        key = partner_key(request)
        scope = view.required_scope
        self.message = f"This needs an API key with the {scope} scope."
        return key is not None and scope in key.scopes


class PartnerRateThrottle(SimpleRateThrottle):
    """Anonymous clients by address; each key on its own count, at its own rate if it has one.

    Rates are read on each request rather than when the class is loaded, so that the
    settings can change them. Counted in the shared cache; while Redis is away, in each
    process's memory, so that the limits still hold (per process, until it is back).
    """

    cache = ProcessMemoryFallback("api-throttle")

    def __init__(self) -> None:
        pass

    def allow_request(self, request: Request, view: Any) -> bool:
        key = partner_key(request)
        if key is not None:
            self.scope = "partner"
            self.rate = (
                f"{key.requests_per_minute}/minute"
                if key.requests_per_minute
                else settings.API_THROTTLE_RATES["partner"]
            )
            self.identity = f"key-{key.prefix}"
        else:
            self.scope = "anonymous"
            self.rate = settings.API_THROTTLE_RATES["anonymous"]
            # Not DRF's get_ident(): without NUM_PROXIES it takes X-Forwarded-For as
            # sent, so a made-up header would make each request a new client.
            self.identity = client_address(request)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.identity}

    def refund(self) -> None:
        """Take back this request's count: a revalidation answered 304 costs nothing."""
        key, counted = getattr(self, "key", None), getattr(self, "now", None)
        if key is None or counted is None:
            return
        history = list(self.cache.get(key, []))
        if counted in history:
            history.remove(counted)
            self.cache.set(key, history, self.duration)


class DocumentationRateThrottle(SimpleRateThrottle):
    """The schema and the documentation pages, counted by address on their own generous
    rate: a code generator or a docs page reloading does not eat a client's API quota."""

    cache = ProcessMemoryFallback("api-throttle")
    scope = "documentation"

    def __init__(self) -> None:
        pass

    def allow_request(self, request: Request, view: Any) -> bool:
        self.rate = settings.API_THROTTLE_RATES.get("documentation", "300/minute")
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}
