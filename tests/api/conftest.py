import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.api.receiver import Receiver


@pytest.fixture(autouse=True)
def api_settings(settings: Any) -> Iterator[None]:
    # Throttle counters live in the cache, which outlives a test; limits are lowered by
    # the throttling tests themselves. The feed's settle window would make tests wait.
    cache.clear()
    settings.API_THROTTLE_RATES = {
        "anonymous": "100000/minute",
        "partner": "100000/minute",
        "documentation": "100000/minute",
    }
    settings.API_CHANGES_SETTLE_SECONDS = 0
    # The receiver listens on loopback; tests of the refusal turn this back off.
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    yield
    cache.clear()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def receiver() -> Iterator[str]:
    """The URL of a partner's endpoint listening on 127.0.0.1; what it gets is in Receiver."""
    Receiver.received = []
    Receiver.failures_left = 0
    Receiver.failure_body = b"boom"
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()
