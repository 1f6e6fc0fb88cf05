"""What sends an alert, from the editor's step to the message arriving, and what never does."""

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from alerts.models import AlertEvent, Delivery, Subscription
from bench.smtp_sink import Sink
from campaigns.models import Statement
from legislation.models import LawEvent
from tests.admin_pages import add_row, admin_url, form_data
from tests.factories import (
    DemandFactory,
    LawEventFactory,
    LawFactory,
    SignatureFactory,
    StatementFactory,
    SubscriptionFactory,
)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def ready_to_publish(**fields: Any) -> Statement:
    statement = StatementFactory(approved=True, **fields)
    SignatureFactory(statement=statement)
    return statement


def link_in(text: str, name: str) -> str:
    for word in text.split():
        if f"/alerts/{name}/" in word:
            return urlsplit(word).path
    raise AssertionError(f"No {name} link in: {text}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_subscribe_confirm_schedule_and_the_worker_sends_exactly_one_alert(
    smtp: Sink, editor: User, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Subscribe and confirm, through the pages and the message that arrives.
    client.post(
        reverse("alerts:subscribe"),
        {"email": "reader@example.org", "kind": "all", "frequency": "immediate", "language": "en"},
    )
    [confirmation] = smtp.received
    text = confirmation.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    client.post(link_in(text, "confirm"))
    assert Subscription.objects.get().confirmed_at is not None

    # A statement scheduled for an hour from now: nothing yet, whenever the worker runs.
    statement = ready_to_publish(title="Repeal the foreign agents law")
    publish_at = timezone.now() + timedelta(hours=1)
    statement.publish(by=editor, at=publish_at)
    run_worker()
    assert len(smtp.received) == 1

    # Its time comes; the worker runs (twice: the second sends nothing).
    later = publish_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    run_worker()
    run_worker()

    _confirmation, alert = smtp.received
    message = alert.message
    assert alert.recipients == ["reader@example.org"]
    assert message["Subject"] == "New statement: Repeal the foreign agents law"
    assert message["Content-Language"] == "en"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("http")
    assert Delivery.objects.get().status == Delivery.Status.SENT

    # One click, as a mail client makes it: a POST without cookie or CSRF token.
    answer = Client(enforce_csrf_checks=True).post(
        urlsplit(unsubscribe).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 200
    assert not Subscription.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_a_rescheduled_statement_is_told_of_at_its_new_time_only(
    smtp: Sink, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    SubscriptionFactory()
    statement = ready_to_publish()
    now = timezone.now()
    statement.publish(by=editor, at=now + timedelta(hours=1))
    statement.publish(by=editor, at=now + timedelta(hours=3))

    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=2))
    run_worker()
    assert smtp.received == []

    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=4))
    run_worker()
    assert len(smtp.received) == 1


# --- leaks: what never triggers a message ------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_an_unscheduled_statement_never_triggers_a_message(
    smtp: Sink, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    SubscriptionFactory()
    statement = ready_to_publish()
    now = timezone.now()
    statement.publish(by=editor, at=now + timedelta(hours=1))
    statement.unschedule(by=editor)

    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=2))
    run_worker()
    call_command("sendwebhooks", verbosity=0)
    call_command("sendalerts", "--digests", verbosity=0)

    assert smtp.received == []
    assert not Delivery.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_a_scheduled_statement_triggers_nothing_before_its_time(smtp: Sink, editor: User) -> None:
    SubscriptionFactory()
    SubscriptionFactory(frequency=Subscription.Frequency.WEEKLY)
    ready_to_publish().publish(by=editor, at=timezone.now() + timedelta(days=1))

    run_worker()
    call_command("sendwebhooks", verbosity=0)
    call_command("sendalerts", "--digests", verbosity=0)

    assert smtp.received == []
    assert not AlertEvent.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_a_statement_withdrawn_before_the_worker_runs_triggers_nothing(
    smtp: Sink, editor: User
) -> None:
    SubscriptionFactory()
    statement = ready_to_publish()
    statement.publish(by=editor)
    statement.withdraw(by=editor, reason="Published in error")

    run_worker()
    call_command("sendalerts", "--digests", verbosity=0)

    # Neither its publication nor its withdrawal: nobody was told of it.
    assert smtp.received == []
    assert not Delivery.objects.filter(status=Delivery.Status.SENT).exists()


@pytest.mark.django_db
def test_drafts_and_statements_in_review_trigger_nothing(
    smtp: Sink, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    SubscriptionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        draft = ready_to_publish()
        draft.title = "Changed draft"
        draft.save()
        in_review = StatementFactory(in_review=True)
        in_review.save()
        call_command("sendwebhooks", verbosity=0)
        call_command("sendalerts", "--digests", verbosity=0)

    assert smtp.received == []
    assert not AlertEvent.objects.exists()


@pytest.mark.django_db
def test_only_the_subscriptions_about_the_statement_are_told(
    smtp: Sink, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    statement = ready_to_publish()
    law = LawFactory(country="BY")
    DemandFactory(statement=statement, law=law)
    signatory = statement.signatures.get().organisation
    told = [
        SubscriptionFactory(subscriber__email="all@example.org"),
        SubscriptionFactory(
            subscriber__email="campaign@example.org", kind="campaign", campaign=statement.campaign
        ),
        SubscriptionFactory(
            subscriber__email="org@example.org", kind="organisation", organisation=signatory
        ),
        SubscriptionFactory(subscriber__email="law@example.org", kind="law", law=law),
        SubscriptionFactory(subscriber__email="by@example.org", kind="country", country="BY"),
        SubscriptionFactory(subscriber__email="ru@example.org", kind="country", country="RU"),
    ]
    # The same address through two topics gets one message.
    SubscriptionFactory(subscriber=told[0].subscriber, kind="law", law=law)
    not_told = [
        SubscriptionFactory(
            subscriber__email="other-law@example.org", kind="law", law=LawFactory()
        ),
        SubscriptionFactory(subscriber__email="fr@example.org", kind="country", country="FR"),
        SubscriptionFactory(subscriber__email="pending@example.org", unconfirmed=True),
        SubscriptionFactory(
            subscriber__email="weekly@example.org", frequency=Subscription.Frequency.WEEKLY
        ),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        statement.publish(by=editor)

    recipients = sorted(address for r in smtp.received for address in r.recipients)
    assert recipients == sorted(s.subscriber.email for s in told)
    assert not_told[3].subscriber.deliveries.get().status == Delivery.Status.DIGEST


@pytest.mark.django_db
def test_a_correction_and_a_withdrawal_go_to_those_told_of_the_statement(
    smtp: Sink, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    statement = ready_to_publish()
    SubscriptionFactory(subscriber__email="early@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        statement.publish(by=editor)
    SubscriptionFactory(subscriber__email="late@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        statement.refresh_from_db()
        statement.save_correction("The date was wrong.", by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        statement.refresh_from_db()
        statement.withdraw(by=editor, reason="Superseded by a new statement")

    subjects = [(r.message["Subject"].split(":")[0], r.recipients[0]) for r in smtp.received]
    assert subjects[0] == ("New statement", "early@example.org")
    assert sorted(subjects[1:3]) == [
        ("Corrected", "early@example.org"),
        ("Corrected", "late@example.org"),
    ]
    assert sorted(subjects[3:]) == [
        ("Withdrawn", "early@example.org"),
        ("Withdrawn", "late@example.org"),
    ]
    withdrawal = smtp.received[-1].message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Superseded by a new statement" in withdrawal


@pytest.mark.django_db
def test_a_new_event_in_a_laws_timeline_from_the_admin_is_told(
    smtp: Sink, admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    law = LawFactory(common_title="'foreign agents' law")
    LawEventFactory(
        law=law, kind=LawEvent.Kind.INTRODUCED, date=timezone.localdate() - timedelta(days=30)
    )
    SubscriptionFactory(subscriber__email="law@example.org", kind="law", law=law)
    SubscriptionFactory(subscriber__email="country@example.org", kind="country", country="RU")
    SubscriptionFactory(subscriber__email="statements@example.org")
    url = admin_url(law, "change")

    data = form_data(admin_client.get(url), "law")
    add_row(data, "events", kind="adopted", date=timezone.localdate().isoformat())
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)
    assert response.status_code == 302

    recipients = sorted(r.recipients[0] for r in smtp.received)
    assert recipients == ["country@example.org", "law@example.org"]
    assert smtp.received[0].message["Subject"] == "'foreign agents' law: Adopted"

    # An event typed in for a date before the latest fills in the past: no news.
    data = form_data(admin_client.get(url), "law")
    add_row(
        data, "events", kind="reading", date=(timezone.localdate() - timedelta(days=10)).isoformat()
    )
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, data)
    assert len(smtp.received) == 2


@override_settings(ALERTS_DIGEST_WEEKDAY=0, ALERTS_DIGEST_HOUR=7)
def test_the_digest_goes_out_at_the_next_monday_morning() -> None:
    from datetime import UTC, datetime

    from alerts.triggers import next_digest_time

    sunday = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    monday_early = datetime(2026, 12, 7, 6, 59, tzinfo=UTC)
    monday_late = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
    assert next_digest_time(sunday) == datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
    assert next_digest_time(monday_early) == datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
    assert next_digest_time(monday_late) == datetime(2026, 12, 14, 7, 0, tzinfo=UTC)
