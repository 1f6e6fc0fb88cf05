from collections.abc import Iterator
from typing import Any

import pytest

from bench.smtp_sink import Sink, start


@pytest.fixture
def smtp(settings: Any) -> Iterator[Sink]:
    """A real SMTP server on loopback, in this process; mail goes to it through Django's
    SMTP backend, as it would to a relay."""
    sink = Sink()
    controller = start(sink)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    yield sink
    controller.stop()


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> None:
    """The worker these tests run, its clock moved on, also rebuilds the bulk downloads:
    into a folder of the test's own, not the site's."""
    settings.MEDIA_ROOT = tmp_path
