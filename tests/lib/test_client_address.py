from typing import Any

import pytest
from django.test import RequestFactory

from lib.client_address import client_address

requests = RequestFactory()


def address_of(remote: str, forwarded: str | None = None) -> str:
    headers = {} if forwarded is None else {"X-Forwarded-For": forwarded}
    return client_address(requests.get("/", REMOTE_ADDR=remote, headers=headers))


def test_with_no_proxy_the_header_is_ignored(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 0

    assert address_of("203.0.113.5") == "203.0.113.5"
    assert address_of("203.0.113.5", "198.51.100.1") == "203.0.113.5"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        # One proxy appended the address it saw; what the client wrote sits to its left.
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        (1, "made-up, 1.2.3.4,203.0.113.9", "203.0.113.9"),
        (2, "1.2.3.4, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "2001:db8::7", "2001:db8::7"),
        # Fewer entries than proxies, or not an address where the proxy writes: the peer.
        (2, "203.0.113.9", "192.0.2.1"),
        (1, "", "192.0.2.1"),
        (1, "1.2.3.4, not-an-address", "192.0.2.1"),
    ],
)
def test_behind_proxies_the_address_they_appended_is_read(
    settings: Any, proxies: int, forwarded: str, expected: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies

    assert address_of("192.0.2.1", forwarded) == expected
