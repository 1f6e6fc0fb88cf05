"""The probes answer cheaply, without a login, and say nothing an attacker could use."""

import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from operations.requests import JsonFormatter, RequestIdFilter, current_request_id

pytestmark = pytest.mark.django_db


def test_liveness_touches_nothing_but_the_process(client: Client) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert len(queries) == 0
    assert "no-cache" in response["Cache-Control"]


def test_readiness_reports_database_cache_and_queue(
    client: Client, django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(1):  # type: ignore[operator]
        # The one query counts the waiting tasks and finds the oldest.
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "cache": "ok",
            "database": "ok",
            "tasks": {"waiting": 0, "oldest_waiting_seconds": None},
        },
    }


def waiting_task(enqueued: timedelta, **fields: object) -> DBTaskResult:
    task = DBTaskResult.objects.create(
        task_path="campaigns.tasks.example",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        **fields,
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - enqueued)
    return task


def test_readiness_counts_the_tasks_waiting_and_the_age_of_the_oldest(client: Client) -> None:
    waiting_task(timedelta(minutes=5))
    waiting_task(timedelta(seconds=10))
    # Neither a task already running nor one scheduled for later is waiting.
    waiting_task(timedelta(hours=1), status="RUNNING")
    waiting_task(timedelta(hours=2), run_after=timezone.now() + timedelta(hours=1))

    tasks = client.get("/readyz").json()["checks"]["tasks"]

    assert tasks["waiting"] == 2
    assert 299 <= tasks["oldest_waiting_seconds"] <= 310


def test_the_probes_reveal_nothing_sensitive(client: Client) -> None:
    for path in ("/healthz", "/readyz"):
        body = json.dumps(client.get(path).json())
        for secret in ("postgres", "sqlite", "127.0.0.1", "redis", "Django", "version"):
            assert secret.lower() not in body.lower(), (path, secret)


def test_every_response_has_a_request_id_and_every_log_line_carries_it(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="chorus.requests"):
        sent = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a-42")
        made = client.get("/healthz")
        forged = client.get("/healthz", HTTP_X_REQUEST_ID="evil\nline")

    assert sent["X-Request-ID"] == "lb-7f3a-42"
    assert len(made["X-Request-ID"]) == 32
    assert forged["X-Request-ID"] != "evil\nline"
    request_ids = [getattr(record, "request_id", None) for record in caplog.records]
    assert request_ids == ["lb-7f3a-42", made["X-Request-ID"], forged["X-Request-ID"]]


def test_the_request_log_names_the_client_as_the_throttle_sees_it(
    client: Client, caplog: pytest.LogCaptureFixture, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    with caplog.at_level(logging.INFO, logger="chorus.requests"):
        client.get("/healthz", HTTP_X_FORWARDED_FOR="made-up, 203.0.113.9")

    assert [getattr(record, "client", None) for record in caplog.records] == ["203.0.113.9"]


def test_log_lines_are_json_objects_with_the_request_id() -> None:
    record = logging.LogRecord(
        "chorus.test", logging.WARNING, __file__, 1, "Hello %s", ("you",), None
    )
    record.operation = "get"
    token = current_request_id.set("abc-123")
    try:
        RequestIdFilter().filter(record)
    finally:
        current_request_id.reset(token)

    line = json.loads(JsonFormatter().format(record))

    assert line["message"] == "Hello you"
    assert line["level"] == "WARNING"
    assert line["logger"] == "chorus.test"
    assert line["request_id"] == "abc-123"
    assert line["operation"] == "get"
