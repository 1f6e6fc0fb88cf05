from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def api_settings(settings: Any) -> Iterator[None]:
    # Throttle counters live in the cache, which outlives a test; limits are lowered by
    # the throttling tests themselves. The feed's settle window would make tests wait.
    cache.clear()
    settings.API_THROTTLE_RATES = {"anonymous": "100000/minute", "partner": "100000/minute"}
    settings.API_CHANGES_SETTLE_SECONDS = 0
    yield
    cache.clear()


@pytest.fixture
def api() -> APIClient:
    return APIClient()
