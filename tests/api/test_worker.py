"""Webhooks through the database task queue and the real worker command."""

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from organisations.models import WebhookDelivery, WebhookEndpoint
from tests.api.receiver import Receiver, verify
from tests.api.test_partner import ready_to_publish
from tests.factories import OrganisationFactory


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_worker_delivers_a_publication_queued_in_the_database(
    receiver: str, editor: User
) -> None:
    endpoint = WebhookEndpoint.objects.create(organisation=OrganisationFactory(), url=receiver)
    statement = ready_to_publish()
    # The organisations and the law made above are changes the public may see, each
    # followed by a rebuild of the bulk files: this test follows the publication's own.
    DBTaskResult.objects.all().delete()

    statement.publish(by=editor)

    # Committed and queued, not sent: sending is the worker's job.
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    assert Receiver.received == []

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    # The bulk files are rebuilt a little later, once a burst of changes is over.
    assert list(waiting.values_list("task_path", flat=True)) == [
        "campaigns.datasets.rebuild_datasets"
    ]
    statement.refresh_from_db()
    assert statement.publish_at is not None
    assert waiting.get().run_after > statement.publish_at
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).exists()
    (received,) = Receiver.received
    payload = json.loads(received["body"])
    assert payload["event"] == "statement.published"
    assert payload["data"]["id"] == statement.pk
    assert verify(endpoint.secret, received["headers"], received["body"])
    delivery: Any = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert [attempt.status_code for attempt in delivery.attempts.all()] == [200]
