"""Delivering webhook events to partners' endpoints: signed POSTs, retried with back-off.

Each event for each endpoint is a WebhookDelivery; each POST is a WebhookAttempt with the
answer received. Requests follow the Standard Webhooks specification: `webhook-id` (the
event's id, the same on every retry), `webhook-timestamp` and `webhook-signature`, so a
partner verifies them with any of that specification's libraries and the endpoint's
`whsec_` secret.
"""

import http.client
import json
import time
import uuid
from datetime import UTC, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.tasks import default_task_backend, task
from django.utils import timezone
from standardwebhooks import Webhook

from .models import Organisation, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .webhook_destinations import DestinationRefused, post, resolve

# What an endpoint answered is shown to staff in the delivery log: enough of a refusal to
# see why, not a page of whatever is behind the URL. An accepted delivery keeps its status
# only.
RESPONSE_KEPT = 500


def queue_deliveries(
    event: str, data: dict[str, Any], endpoints: QuerySet[WebhookEndpoint] | None = None
) -> list[WebhookDelivery]:
    """Create a delivery of the event for each active endpoint that wants it; send after commit."""
    candidates = (
        endpoints if endpoints is not None else WebhookEndpoint.objects.filter(is_active=True)
    )
    now = timezone.now()
    deliveries = []
    for endpoint in candidates:
        if not endpoint.wants(event):
            continue
        event_id = uuid.uuid4()
        # In UTC with Z, as every time the API gives.
        created_at = now.astimezone(UTC).isoformat().replace("+00:00", "Z")
        payload = {"id": str(event_id), "event": event, "created_at": created_at, "data": data}
        deliveries.append(
            WebhookDelivery.objects.create(
                endpoint=endpoint, event_id=event_id, event=event, payload=payload
            )
        )
    for delivery in deliveries:
        transaction.on_commit(partial(deliver_webhook.enqueue, delivery.pk))
    return deliveries


def send_test_event(endpoint: WebhookEndpoint) -> WebhookDelivery:
    organisation: Organisation = endpoint.organisation
    [delivery] = queue_deliveries(
        WebhookEndpoint.Event.TEST,
        {"message": "A test event from Chorus.", "organisation": organisation.name},
        WebhookEndpoint.objects.filter(pk=endpoint.pk),
    )
    return delivery


def retry_delay(attempt_count: int) -> timedelta:
    """After the nth failed attempt: the base delay, doubled for each attempt before it."""
    return timedelta(seconds=settings.WEBHOOK_RETRY_SECONDS * 2 ** (attempt_count - 1))


def deliver(delivery_id: int) -> bool:
    """Try a due delivery once. True when the receiver accepted it.

    The row is claimed by moving its next attempt past the request's time-out, so that a
    second worker (or the sweep) that picks it up meanwhile leaves it alone. The time-out
    bounds the whole exchange (see webhook_destinations.post), so the lease, three times
    as long, is not outlasted by a slow endpoint.
    """
    now = timezone.now()
    lease = now + timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS * 3)
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=lease)
    if not claimed:
        return False
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    message_id = str(delivery.event_id)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Chorus-Webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(delivery.endpoint.secret).sign(message_id, now, body),
    }
    status_code: int | None = None
    response_body, error = "", ""
    gives_up = False
    started = time.monotonic()
    try:
        destination = resolve(delivery.endpoint.url)
        answer = post(destination, body, headers, settings.WEBHOOK_TIMEOUT_SECONDS, RESPONSE_KEPT)
        status_code = answer.status
        response_body = answer.body.decode("utf-8", "replace")
    except DestinationRefused as refusal:
        error = f"Refused: {refusal}"
        gives_up = True
    # Refused, timed out, unresolvable, a host name IDNA cannot encode.
    except (OSError, http.client.HTTPException, ValueError) as failure:
        error = f"{type(failure).__name__}: {failure}"
    duration = int((time.monotonic() - started) * 1000)
    attempt = WebhookAttempt.objects.create(
        delivery=delivery,
        attempted_at=now,
        status_code=status_code,
        response_body=response_body,
        error=error,
        duration_ms=duration,
    )
    delivery.attempt_count += 1
    if attempt.succeeded:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
    elif gives_up or delivery.attempt_count >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = timezone.now() + retry_delay(delivery.attempt_count)
    delivery.save(update_fields=["attempt_count", "status", "delivered_at", "next_attempt_at"])
    if delivery.status == WebhookDelivery.Status.PENDING and default_task_backend.supports_defer:
        # Without a deferring backend (inline tasks) the sweep, `manage.py sendwebhooks`,
        # sends the retry when it is due.
        deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    return attempt.succeeded


def deliver_due() -> int:
    """Try every pending delivery whose time has come; how many were accepted."""
    due = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    return sum(deliver(pk) for pk in list(due))


@task()
def deliver_webhook(delivery_id: int) -> bool:
    return deliver(delivery_id)
