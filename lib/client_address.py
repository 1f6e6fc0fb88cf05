"""Who the client is: the one answer the API throttle, the sign-in lockout and the logs share.

Each trusted proxy appends the address it received the request from to X-Forwarded-For,
so the client is the entry TRUSTED_PROXY_COUNT places from the right. Whatever a client
wrote into the header itself sits further left and is never read; with no trusted proxy
the header is ignored altogether. django-ipware was considered: by default it also
believes headers such as X-Real-IP and CF-Connecting-IP that a client can send itself,
and configured to read X-Forwarded-For alone it does what these lines do.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP address, past the proxies this deployment says it has."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.headers.get("X-Forwarded-For", "").split(",")
            if part.strip()
        ]
        # Fewer entries than proxies: the request did not come through all of them, so
        # the nearest peer is all that can be known.
        if len(forwarded) >= proxies and is_address(forwarded[-proxies]):
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
