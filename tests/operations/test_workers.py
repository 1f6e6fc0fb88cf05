import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from config.workers import AbandonedSkippingSyncWorker, client_gone

linux_only = pytest.mark.skipif(
    not hasattr(socket, "TCP_INFO"), reason="the TCP state is read with Linux's TCP_INFO"
)


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server
    server.close()


def queued(listener: socket.socket, then_close: bool) -> tuple[socket.socket, socket.socket]:
    """A client that sent a request, as a worker accepts it from the listen queue."""
    client = socket.create_connection(listener.getsockname())
    client.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
    if then_close:
        client.close()
    accepted, _address = listener.accept()
    return client, accepted


def until(condition: Any, seconds: float = 2.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@linux_only
def test_a_client_still_waiting_is_not_gone(listener: socket.socket) -> None:
    client, accepted = queued(listener, then_close=False)
    try:
        time.sleep(0.05)
        assert not client_gone(accepted)
    finally:
        client.close()
        accepted.close()


@linux_only
def test_a_client_that_closed_while_queued_is_gone(listener: socket.socket) -> None:
    _client, accepted = queued(listener, then_close=True)
    try:
        assert until(lambda: client_gone(accepted))
    finally:
        accepted.close()


@linux_only
def test_the_worker_closes_a_gone_clients_connection_unanswered(listener: socket.socket) -> None:
    _client, accepted = queued(listener, then_close=True)
    assert until(lambda: client_gone(accepted))
    # Only what the skipping path touches: the page is never built.
    worker = object.__new__(AbandonedSkippingSyncWorker)
    worker.log = _SilentLog()

    worker.handle(listener, accepted, ("127.0.0.1", 1))

    assert accepted.fileno() == -1


def test_gunicorn_runs_the_skipping_worker_forked_from_a_loaded_application() -> None:
    path = Path(settings.BASE_DIR) / "config" / "gunicorn.py"
    spec = importlib.util.spec_from_file_location("gunicorn_settings", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.worker_class == "config.workers.AbandonedSkippingSyncWorker"
    # A replaced worker serves at once, and workers are not all replaced together.
    assert module.preload_app is True
    assert module.max_requests_jitter >= module.max_requests // 2


class _SilentLog:
    def debug(self, *args: Any) -> None:
        pass


LOADED_BEFORE_FORK = """
import sys
import config.wsgi
from django.db import connections
from django.urls import get_resolver
print(sorted(get_resolver()._reverse_dict))
print("campaigns.api" in sys.modules and "drf_spectacular.views" in sys.modules)
print(all(connection.connection is None for connection in connections.all()))
"""


def test_the_wsgi_module_loads_what_a_first_request_would_and_leaves_no_connection_open() -> None:
    # A fresh interpreter, as gunicorn's master: the test process has loaded all of it.
    environment = {**os.environ, "DEBUG": "true"}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", LOADED_BEFORE_FORK],
        capture_output=True,
        text=True,
        env=environment,
        cwd=settings.BASE_DIR,
        check=True,
    )
    languages, views_loaded, no_connection = result.stdout.splitlines()[-3:]
    assert languages == str(sorted(code for code, _name in settings.LANGUAGES))
    assert views_loaded == "True"
    assert no_connection == "True"
