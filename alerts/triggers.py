"""What sends an alert, and to whom: events found, matched once against the subscriptions.

A statement's change is announced by the task the change feed queues for its time
(campaigns/webhooks.py: at once, or at the publish time of a scheduled statement, and
not at all if it was unscheduled or moved meanwhile); that task calls
`queue_statement_alerts`, named in settings.STATEMENT_CHANGE_ANNOUNCED. A law's new
timeline event is announced by the admin that saved it, through settings.LAW_EVENT_ADDED.
Each queues the matching as a task of its own, after commit: finding a hundred thousand
subscribers is no work for the transaction that published a statement.
"""

from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import batched

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.tasks import default_task_backend, task
from django.utils import timezone

from campaigns.models import Change, Demand, Signature, Statement
from legislation.models import LawEvent

from .models import AlertEvent, Delivery, Subscription

STATEMENT_EVENTS = {
    Change.Kind.PUBLISHED: AlertEvent.Kind.PUBLISHED,
    Change.Kind.CORRECTED: AlertEvent.Kind.CORRECTED,
    Change.Kind.WITHDRAWN: AlertEvent.Kind.WITHDRAWN,
}


def queue_statement_alerts(change_id: int) -> None:
    """Called when a change is announced (inside its transaction): match it after commit."""
    transaction.on_commit(partial(match_statement_change.enqueue, change_id))


def queue_law_event_alerts(law_event_id: int) -> None:
    transaction.on_commit(partial(match_law_event.enqueue, law_event_id))


@task()
def match_statement_change(change_id: int) -> int:
    change = Change.objects.filter(pk=change_id, kind__in=STATEMENT_EVENTS).first()
    if change is None:  # removed (unscheduled), or a kind nobody is told of
        return 0
    event, _created = AlertEvent.objects.get_or_create(
        change=change,
        defaults={
            "kind": STATEMENT_EVENTS[change.kind],  # type: ignore[index]
            "statement_id": change.statement_id,
            "occurred_at": change.visible_from,
        },
    )
    return match(event.pk)


@task()
def match_law_event(law_event_id: int) -> int:
    law_event = LawEvent.objects.filter(pk=law_event_id).first()
    if law_event is None or not is_latest(law_event):
        return 0
    event, _created = AlertEvent.objects.get_or_create(
        law_event=law_event, defaults={"kind": AlertEvent.Kind.LAW_EVENT}
    )
    return match(event.pk)


def is_latest(law_event: LawEvent) -> bool:
    """News, not history: an event typed in for a date before the law's latest one fills in
    its past, and nobody asked to be told of that."""
    return not LawEvent.objects.filter(law_id=law_event.law_id, date__gt=law_event.date).exists()


def confirmed() -> QuerySet[Subscription]:
    return Subscription.objects.filter(
        confirmed_at__isnull=False, subscriber__disabled_at__isnull=True
    )


def subscriptions_for_statement(statement: Statement) -> QuerySet[Subscription]:
    """The subscriptions whose topic the statement is about, as the feeds define them
    (campaigns/feeds.py): its campaign, its confirmed signatories, the laws its demands
    are about, and the countries of those laws and of its campaign."""
    laws = set(
        Demand.objects.filter(statement=statement, law__isnull=False).values_list(
            "law_id", "law__country"
        )
    )
    countries = {country for _law, country in laws}
    if statement.campaign_id and statement.campaign and statement.campaign.country:
        countries.add(str(statement.campaign.country))
    signatories = Signature.objects.filter(
        statement=statement, status=Signature.Status.CONFIRMED
    ).values("organisation_id")
    topic = (
        Q(kind=Subscription.Kind.ALL)
        | Q(kind=Subscription.Kind.CAMPAIGN, campaign_id=statement.campaign_id)
        | Q(kind=Subscription.Kind.ORGANISATION, organisation_id__in=signatories)
        | Q(kind=Subscription.Kind.LAW, law_id__in=[law for law, _country in laws])
        | Q(kind=Subscription.Kind.COUNTRY, country__in=countries)
    )
    return confirmed().filter(topic)


def subscriptions_for(event: AlertEvent) -> QuerySet[Subscription]:
    """Who is told of the event. Public content only: a statement no longer public when
    the event is matched (withdrawn meanwhile, unscheduled) concerns nobody."""
    if event.kind == AlertEvent.Kind.LAW_EVENT:
        law = event.law_event.law  # type: ignore[union-attr]
        return confirmed().filter(
            Q(kind=Subscription.Kind.LAW, law=law)
            | Q(kind=Subscription.Kind.COUNTRY, country=law.country)
        )
    if event.kind == AlertEvent.Kind.WITHDRAWN:
        # Those who were told of the statement, and only they: a statement withdrawn
        # before anyone was told of it is news to nobody.
        told = Delivery.objects.filter(
            event__statement_id=event.statement_id or 0,
            event__kind__in=[AlertEvent.Kind.PUBLISHED, AlertEvent.Kind.CORRECTED],
            status=Delivery.Status.SENT,
        ).values("subscription_id")
        return confirmed().filter(pk__in=told)
    statement = (
        Statement.objects.published()
        .select_related("campaign")
        .filter(pk=event.statement_id)
        .first()
    )
    if statement is None:
        return Subscription.objects.none()
    return subscriptions_for_statement(statement)


def match(event_id: int) -> int:
    """Record one delivery per address the event concerns, then queue the sending.

    Runs once per event (`matched_at`, under lock); the unique constraint on address and
    event holds even if it did not. An address with several subscriptions that match gets
    one message, at once if any of them asks for that, else in the digest.
    """
    with transaction.atomic():
        event = (
            # Of the event's own row: PostgreSQL locks no row of an outer join's nullable side.
            AlertEvent.objects.select_for_update(of=("self",))
            .select_related("law_event__law")
            .get(pk=event_id)
        )
        if event.matched_at is not None:
            return 0
        chosen: dict[int, tuple[int, str]] = {}
        rows = subscriptions_for(event).values_list("subscriber_id", "pk", "frequency")
        for subscriber_id, subscription_id, frequency in rows.iterator(chunk_size=5000):
            known = chosen.get(subscriber_id)
            if known is None or (
                frequency == Subscription.Frequency.IMMEDIATE
                and known[1] != Subscription.Frequency.IMMEDIATE
            ):
                chosen[subscriber_id] = (subscription_id, frequency)
        deliveries = (
            Delivery(
                subscriber_id=subscriber_id,
                subscription_id=subscription_id,
                event=event,
                status=Delivery.Status.PENDING
                if frequency == Subscription.Frequency.IMMEDIATE
                else Delivery.Status.DIGEST,
            )
            for subscriber_id, (subscription_id, frequency) in chosen.items()
        )
        for batch in batched(deliveries, 2000):
            Delivery.objects.bulk_create(batch, ignore_conflicts=True)
        event.matched_at = timezone.now()
        event.save(update_fields=["matched_at"])
        transaction.on_commit(partial(queue_sending, event.pk))
    return len(chosen)


def queue_sending(event_id: int) -> None:
    """Queue the event's waiting messages in batches, each sent over one connection."""
    from .sending import send_batch, send_digests  # sending imports this module's tasks' kin

    waiting = Delivery.objects.filter(event_id=event_id, status=Delivery.Status.PENDING)
    ids = list(waiting.order_by("pk").values_list("pk", flat=True))
    for batch in batched(ids, settings.ALERTS_BATCH_SIZE):
        send_batch.enqueue(list(batch))
    digest = Delivery.objects.filter(event_id=event_id, status=Delivery.Status.DIGEST)
    if digest.exists() and default_task_backend.supports_defer:
        # Several events in a week queue several of these for the same time: the first
        # sends the digests, the others find nothing waiting. Without a deferring backend
        # (inline tasks) `manage.py sendalerts --digests` sends them.
        send_digests.using(run_after=next_digest_time(timezone.now())).enqueue()


def next_digest_time(now: datetime) -> datetime:
    """The next weekly digest time after `now` (settings.ALERTS_DIGEST_WEEKDAY and _HOUR, UTC)."""
    start = now.astimezone(UTC).replace(
        hour=settings.ALERTS_DIGEST_HOUR, minute=0, second=0, microsecond=0
    )
    days = (settings.ALERTS_DIGEST_WEEKDAY - start.weekday()) % 7
    candidate = start + timedelta(days=days)
    return candidate if candidate > now else candidate + timedelta(days=7)
