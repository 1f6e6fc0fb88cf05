"""Sending alerts: in batches over a few connections, retried with back-off, never twice.

A batch task claims its waiting messages under lock (SKIP LOCKED), so that a second
worker given the same batch, or a sweep, finds nothing left to send. Claimed messages are
marked sent or not once the batch is done: a worker killed mid-batch leaves its messages
"being sent", never sent again, rather than sent twice.

What a message says is read again when it is sent, through the publication gate: a
statement withdrawn or unscheduled since its event was matched is not sent (the message
is recorded as not sent, with why).

A refusal is temporary (4xx, a lost connection, a server that cannot be reached: tried
again later, ALERTS_MAX_ATTEMPTS times in all) or permanent (5xx). A permanent refusal of
the recipient (RCPT) disables the address, with the server's answer kept as the reason;
a message refused after it was accepted (DATA) fails alone.
"""

import contextlib
import logging
import smtplib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from itertools import batched

from django.conf import settings
from django.core.mail import mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import transaction
from django.db.models import F, QuerySet
from django.tasks import default_task_backend, task
from django.utils import timezone

from campaigns.models import Statement
from legislation.models import LawEvent

from .messages import (
    Composed,
    Item,
    compose_alert,
    compose_digest,
    law_event_item,
    statement_item,
    withdrawal_item,
)
from .models import AlertEvent, Delivery, Subscriber

logger = logging.getLogger("chorus.alerts")

ItemIn = Callable[[str], Item]


def public_content(event: AlertEvent) -> ItemIn | None:
    """The event as a message tells it, per language; None if it is not public now."""
    if event.kind in (AlertEvent.Kind.PUBLISHED, AlertEvent.Kind.CORRECTED):
        statement = (
            Statement.objects.published()
            .select_related("lead_organisation")
            .filter(pk=event.statement_id or 0)
            .first()
        )
        if statement is None:
            return None
        return lambda language: statement_item(event, statement, language)
    if event.kind == AlertEvent.Kind.WITHDRAWN:
        withdrawn = Statement.objects.withdrawn().filter(pk=event.statement_id or 0).first()
        if withdrawn is None:
            return None
        return lambda language: withdrawal_item(withdrawn, language)
    law_event = LawEvent.objects.select_related("law").filter(pk=event.law_event_id or 0).first()
    if law_event is None:
        return None
    return lambda language: law_event_item(law_event, language)


def retry_delay(attempt_count: int) -> timedelta:
    """After the nth failed attempt: the base delay, doubled for each attempt before it."""
    return timedelta(seconds=settings.ALERTS_RETRY_SECONDS * 2 ** (attempt_count - 1))


@dataclass
class Outcome:
    delivery: Delivery
    status: str
    error: str = ""
    permanent_refusal: bool = False


def as_text(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else answer


class ConnectionLost(Exception):
    """The mail server could not be reached or let go: nothing more goes over this batch."""


def send_one(
    connection: BaseEmailBackend, delivery: Delivery, composed: Composed, subscriber: Subscriber
) -> Outcome:
    try:
        raw = None
        if isinstance(connection, SMTPBackend) and connection.connection is not None:
            raw = composed.raw_for(subscriber)
            if raw is not None:
                # The bytes Django's SMTP backend would send, made once per language:
                # building and serialising each message again is most of the cost of a
                # large send.
                sender = connection.prep_address(settings.DEFAULT_FROM_EMAIL)
                connection.connection.sendmail(sender, [subscriber.email], raw)
        if raw is None:
            connection.send_messages([composed.to(subscriber)])
    except smtplib.SMTPRecipientsRefused as refusal:
        code, answer = next(iter(refusal.recipients.values()))
        reason = f"{code} {as_text(answer)}"
        if 500 <= code < 600:
            return Outcome(delivery, Delivery.Status.FAILED, reason, permanent_refusal=True)
        return Outcome(delivery, Delivery.Status.PENDING, reason)
    except smtplib.SMTPDataError as refusal:
        reason = f"{refusal.smtp_code} {as_text(refusal.smtp_error)}"
        if 500 <= refusal.smtp_code < 600:
            return Outcome(delivery, Delivery.Status.FAILED, reason)
        return Outcome(delivery, Delivery.Status.PENDING, reason)
    except (smtplib.SMTPException, OSError) as failure:
        raise ConnectionLost(f"{type(failure).__name__}: {failure}") from failure
    return Outcome(delivery, Delivery.Status.SENT)


def claim(waiting: QuerySet[Delivery], status: str) -> list[int]:
    """Take the waiting messages for this worker alone; the ids taken."""
    with transaction.atomic():
        ids = list(
            waiting.filter(status=status, next_attempt_at__lte=timezone.now())
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=ids).update(status=Delivery.Status.SENDING)
    return ids


def record(outcomes: list[Outcome], retry_status: str = Delivery.Status.PENDING) -> list[Delivery]:
    """Write down what became of each message; the ones to try again, with their time."""
    now = timezone.now()
    sent = [o.delivery.pk for o in outcomes if o.status == Delivery.Status.SENT]
    for batch in batched(sent, 1000):
        Delivery.objects.filter(pk__in=batch).update(
            status=Delivery.Status.SENT, sent_at=now, error="", attempt_count=F("attempt_count") + 1
        )
    skipped = [o for o in outcomes if o.status == Delivery.Status.SKIPPED]
    for error in {o.error for o in skipped}:
        Delivery.objects.filter(pk__in=[o.delivery.pk for o in skipped if o.error == error]).update(
            status=Delivery.Status.SKIPPED, error=error
        )
    retried: list[Delivery] = []
    changed: list[Delivery] = []
    for outcome in outcomes:
        if outcome.status not in (Delivery.Status.FAILED, Delivery.Status.PENDING):
            continue
        delivery = outcome.delivery
        delivery.error = outcome.error[:1000]
        if outcome.status == Delivery.Status.FAILED:
            delivery.attempt_count += 1
            delivery.status = Delivery.Status.FAILED
            if outcome.permanent_refusal:
                delivery.subscriber.disable(outcome.error)
        else:
            delivery.attempt_count += 1
            if delivery.attempt_count >= settings.ALERTS_MAX_ATTEMPTS:
                delivery.status = Delivery.Status.FAILED
            else:
                delivery.status = retry_status
                delivery.next_attempt_at = now + retry_delay(delivery.attempt_count)
                retried.append(delivery)
        changed.append(delivery)
    Delivery.objects.bulk_update(changed, ["status", "error", "attempt_count", "next_attempt_at"])
    return retried


# A message to send (what it says, and to whom), or None and why it is not sent.
Prepared = tuple[Delivery, tuple[Composed, Subscriber] | None, str]


# Below this many messages for each, a batch is not worth another SMTP connection.
MESSAGES_PER_CONNECTION = 100


def deliver(prepared: Iterable[Prepared]) -> list[Outcome]:
    """Send each prepared message. A message prepared as None is not sent, for the reason
    given with it. A large batch is shared among up to ALERTS_SMTP_CONNECTIONS connections
    open at once, each in a thread of its own: most of a message's time is spent waiting
    for the server's answers, four of them a message."""
    outcomes: list[Outcome] = []
    to_send: list[tuple[Delivery, Composed, Subscriber]] = []
    for delivery, outgoing, reason in prepared:
        if outgoing is None:
            outcomes.append(Outcome(delivery, Delivery.Status.SKIPPED, reason))
        else:
            to_send.append((delivery, *outgoing))
    count = max(1, min(settings.ALERTS_SMTP_CONNECTIONS, len(to_send) // MESSAGES_PER_CONNECTION))
    if count == 1:
        return outcomes + deliver_over_one_connection(to_send)
    # Nothing in a thread touches the database: what each message says was read above,
    # and what became of it is recorded by the caller.
    with ThreadPoolExecutor(max_workers=count, thread_name_prefix="alerts-smtp") as pool:
        shares = pool.map(deliver_over_one_connection, [to_send[i::count] for i in range(count)])
        for share in shares:
            outcomes.extend(share)
    return outcomes


def deliver_over_one_connection(
    to_send: list[tuple[Delivery, Composed, Subscriber]],
) -> list[Outcome]:
    """Send these messages over one connection. Once it is lost, the rest wait."""
    outcomes: list[Outcome] = []
    connection = mailers.default
    lost = ""
    try:
        # Opened here, the connection is kept for the whole share: send_messages() opens
        # and closes one for each call otherwise.
        connection.open()
    except (smtplib.SMTPException, OSError) as failure:
        lost = f"{type(failure).__name__}: {failure}"
        logger.warning("Alerts: mail server unreachable: %s", lost)
    try:
        for delivery, composed, subscriber in to_send:
            if lost:
                outcomes.append(Outcome(delivery, Delivery.Status.PENDING, lost))
                continue
            try:
                outcomes.append(send_one(connection, delivery, composed, subscriber))
            except ConnectionLost as failure:
                lost = str(failure)
                logger.warning("Alerts: mail server failed: %s", lost)
                outcomes.append(Outcome(delivery, Delivery.Status.PENDING, lost))
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()
    return outcomes


def send(delivery_ids: list[int]) -> int:
    """Send the waiting alerts among these messages; how many were accepted."""
    ids = claim(Delivery.objects.filter(pk__in=delivery_ids), Delivery.Status.PENDING)
    if not ids:
        return 0
    deliveries = (
        Delivery.objects.filter(pk__in=ids).select_related("subscriber", "event").order_by("pk")
    )
    contents: dict[int, ItemIn | None] = {}
    composed: dict[tuple[int, str], Composed] = {}

    def prepared() -> Iterable[Prepared]:
        for delivery in deliveries.iterator(chunk_size=1000):
            event = delivery.event
            if event.pk not in contents:
                contents[event.pk] = public_content(event)
            content = contents[event.pk]
            subscriber = delivery.subscriber
            if content is None:
                yield delivery, None, "No longer public"
                continue
            if subscriber.disabled_at is not None:
                yield delivery, None, "Address disabled"
                continue
            key = (event.pk, subscriber.language)
            if key not in composed:
                composed[key] = compose_alert(content(subscriber.language), subscriber.language)
            yield delivery, (composed[key], subscriber), ""

    outcomes = deliver(prepared())
    retried = record(outcomes)
    queue_retries(retried)
    return sum(outcome.status == Delivery.Status.SENT for outcome in outcomes)


def queue_retries(retried: list[Delivery]) -> None:
    if retried and default_task_backend.supports_defer:
        # Without a deferring backend (inline tasks), `manage.py sendalerts` sends them.
        send_batch.using(run_after=min(d.next_attempt_at for d in retried)).enqueue(
            [d.pk for d in retried]
        )


@task()
def send_batch(delivery_ids: list[int]) -> int:
    return send(delivery_ids)


def send_due() -> int:
    """Send every waiting alert whose time has come (the sweep, and retries)."""
    due = Delivery.objects.filter(
        status=Delivery.Status.PENDING, next_attempt_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    return sum(send(list(batch)) for batch in batched(list(due), settings.ALERTS_BATCH_SIZE))


# --- the weekly digest ----------------------------------------------------------------


def digest_items(deliveries: list[Delivery], language: str) -> tuple[list[Item], list[Delivery]]:
    """What of these waiting messages is still public, as digest items; and what is not."""
    items: list[tuple[Delivery, Item]] = []
    gone: list[Delivery] = []
    for delivery in sorted(deliveries, key=lambda d: (d.event.occurred_at, d.event.pk)):
        content = public_content(delivery.event)
        if content is None:
            gone.append(delivery)
        else:
            items.append((delivery, content(language)))
    return [item for _delivery, item in items], gone


def send_digest(subscriber_id: int) -> int:
    """Send one address its digest of everything waiting; how many items it told of."""
    ids = claim(Delivery.objects.filter(subscriber_id=subscriber_id), Delivery.Status.DIGEST)
    if not ids:
        return 0
    deliveries = list(
        Delivery.objects.filter(pk__in=ids).select_related("subscriber", "event").order_by("pk")
    )
    subscriber: Subscriber = deliveries[0].subscriber
    items, gone = digest_items(deliveries, subscriber.language)
    told = [d for d in deliveries if d not in gone]
    outcomes = [Outcome(d, Delivery.Status.SKIPPED, "No longer public") for d in gone]
    if subscriber.disabled_at is not None:
        outcomes += [Outcome(d, Delivery.Status.SKIPPED, "Address disabled") for d in told]
        told = []
    sent = False
    if told:
        digest = compose_digest(items, subscriber.language)
        [first] = deliver([(told[0], (digest, subscriber), "")])
        sent = first.status == Delivery.Status.SENT
        # One message tells of them all: each item shares its fate.
        outcomes += [Outcome(d, first.status, first.error, first.permanent_refusal) for d in told]
    retried = record(outcomes, retry_status=Delivery.Status.DIGEST)
    if retried and default_task_backend.supports_defer:
        send_digests.using(run_after=min(d.next_attempt_at for d in retried)).enqueue()
    return len(items) if sent else 0


def send_all_digests() -> int:
    """Send every address with something waiting its digest; how many digests went out."""
    waiting = (
        Delivery.objects.filter(status=Delivery.Status.DIGEST, next_attempt_at__lte=timezone.now())
        .values_list("subscriber_id", flat=True)
        .distinct()
    )
    return sum(bool(send_digest(subscriber_id)) for subscriber_id in list(waiting))


@task()
def send_digests() -> int:
    return send_all_digests()


def digest_preview(language: str) -> Composed:
    """The next digest as an address subscribed to everything waiting would read it (admin)."""
    events = AlertEvent.objects.filter(deliveries__status=Delivery.Status.DIGEST).distinct()
    items = []
    for event in events.order_by("occurred_at", "pk"):
        content = public_content(event)
        if content is not None:
            items.append(content(language))
    return compose_digest(items, language)
