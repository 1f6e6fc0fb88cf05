import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_gunicorn_runs_stock_sync_workers_forked_from_a_loaded_application() -> None:
    path = Path(settings.BASE_DIR) / "config" / "gunicorn.py"
    spec = importlib.util.spec_from_file_location("gunicorn_settings", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # gunicorn's own sync worker (its default): behind Varnish, the one that closed a
    # queued connection whose client had gone did not pay (bench/NOTES.md).
    assert not hasattr(module, "worker_class")
    # A replaced worker serves at once, and workers are not all replaced together.
    assert module.preload_app is True
    assert module.max_requests_jitter >= module.max_requests // 2


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
