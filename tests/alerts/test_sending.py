"""Sending through a real SMTP server: headers, languages, refusals, retries, digests."""

from email import message_from_bytes, policy
from typing import Any

import pytest
from django.utils import timezone

from alerts.messages import compose_alert, statement_item
from alerts.models import AlertEvent, Delivery, Subscriber
from alerts.sending import send, send_all_digests, send_due
from bench.smtp_sink import Sink, free_port
from tests.factories import (
    AlertEventFactory,
    CorrectionFactory,
    DeliveryFactory,
    LawEventFactory,
    StatementFactory,
    SubscriberFactory,
    withdraw_in_database_only,
)

pytestmark = pytest.mark.django_db


def parts(sink: Sink) -> list[tuple[Any, str, str]]:
    """Each message received, with its plain-text and HTML parts."""
    found = []
    for received in sink.received:
        message = received.message
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        assert text is not None
        assert html is not None
        found.append((message, text.get_content(), html.get_content()))
    return found


def test_an_alert_arrives_once_with_its_headers_and_both_parts(smtp: Sink) -> None:
    statement = StatementFactory(published=True, title="Repeal the law")
    delivery = DeliveryFactory(subscriber__email="reader@example.org", event__statement=statement)

    assert send([delivery.pk]) == 1
    # A worker given the same batch again, or the sweep, sends nothing more.
    assert send([delivery.pk]) == 0
    assert send_due() == 0

    [(message, text, html)] = parts(smtp)
    assert smtp.received[0].recipients == ["reader@example.org"]
    assert message["Subject"] == "New statement: Repeal the law"
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith("<http") and "/alerts/unsubscribe/" in unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Content-Language"] == "en"
    assert message["Auto-Submitted"] == "auto-generated"
    assert statement.get_absolute_url() in text
    assert "/alerts/manage/" in text
    assert "Repeal the law" in html
    # No tracking: no images, every link the site's own.
    assert "<img" not in html
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.sent_at is not None


def test_each_address_gets_its_own_links(smtp: Sink) -> None:
    event = AlertEventFactory()
    first, second = DeliveryFactory(event=event), DeliveryFactory(event=event)

    send([first.pk, second.pk])

    links = {received.message["List-Unsubscribe"] for received in smtp.received}
    assert links == {
        f"<{first.subscriber.unsubscribe_url()}>",
        f"<{second.subscriber.unsubscribe_url()}>",
    }


def test_an_alert_is_in_the_subscribers_language_where_the_statement_is(smtp: Sink) -> None:
    both = StatementFactory(
        published=True, title="Repeal it", title_ru="Отменить закон", standfirst_ru="Призыв."
    )
    both.body_ru = "Текст."
    both.save()
    english_only = StatementFactory(published=True, title="Only in English")
    russian = SubscriberFactory(language="ru")
    deliveries = [
        DeliveryFactory(subscriber=russian, event__statement=both),
        DeliveryFactory(subscriber=russian, event__statement=english_only),
    ]

    send([d.pk for d in deliveries])

    translated, fallback = (received.message for received in smtp.received)
    assert translated["Content-Language"] == "ru"
    assert "Отменить закон" in translated["Subject"]
    assert "/ru/" in translated.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    # The text exists in English only: it is sent in English, the rest in Russian.
    assert fallback["Content-Language"] == "en"
    assert "Only in English" in fallback["Subject"]
    # The message around it is in the subscriber's language all the same.
    footer = fallback.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Отписаться:" in footer


def test_a_statement_no_longer_public_at_send_time_is_not_sent(smtp: Sink) -> None:
    delivery = DeliveryFactory()
    withdraw_in_database_only(delivery.event.statement)

    assert send([delivery.pk]) == 0

    assert smtp.received == []
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SKIPPED
    assert delivery.error == "No longer public"


def test_a_permanent_refusal_disables_the_address_and_says_why(smtp: Sink) -> None:
    smtp.refuse["gone@example.org"] = "550 5.1.1 No such user"
    event = AlertEventFactory()
    gone = DeliveryFactory(event=event, subscriber__email="gone@example.org")
    fine = DeliveryFactory(event=event)

    assert send([gone.pk, fine.pk]) == 1

    gone.refresh_from_db()
    assert gone.status == Delivery.Status.FAILED
    assert gone.error.startswith("550")
    subscriber = Subscriber.objects.get(email="gone@example.org")
    assert subscriber.disabled_at is not None
    assert "No such user" in subscriber.disabled_reason
    # Nothing more goes to it.
    later = DeliveryFactory(subscriber=subscriber)
    send([later.pk])
    later.refresh_from_db()
    assert later.status == Delivery.Status.SKIPPED
    assert [r.recipients for r in smtp.received] == [[fine.subscriber.email]]


def test_a_large_batch_is_shared_among_connections_each_message_sent_once(
    smtp: Sink, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.ALERTS_SMTP_CONNECTIONS = 3
    monkeypatch.setattr("alerts.sending.MESSAGES_PER_CONNECTION", 10)
    event = AlertEventFactory()
    deliveries = DeliveryFactory.create_batch(40, event=event)
    gone = deliveries[17]
    smtp.refuse[gone.subscriber.email] = "550 5.1.1 No such user"

    assert send([d.pk for d in deliveries]) == 39

    # Three connections at once, each message over one of them, once.
    assert len(smtp.peers) == 3
    received = sorted(r.recipients[0] for r in smtp.received)
    assert received == sorted(d.subscriber.email for d in deliveries if d != gone)
    statuses = dict(Delivery.objects.values_list("pk", "status"))
    assert statuses.pop(gone.pk) == Delivery.Status.FAILED
    assert set(statuses.values()) == {Delivery.Status.SENT}
    assert Subscriber.objects.get(pk=gone.subscriber_id).disabled_at is not None


def test_a_small_batch_goes_over_one_connection(smtp: Sink, settings: Any) -> None:
    settings.ALERTS_SMTP_CONNECTIONS = 4
    event = AlertEventFactory()
    deliveries = DeliveryFactory.create_batch(5, event=event)

    assert send([d.pk for d in deliveries]) == 5
    assert len(smtp.peers) == 1


def test_a_temporary_refusal_is_tried_again_later(smtp: Sink, settings: Any) -> None:
    settings.ALERTS_RETRY_SECONDS = 60
    smtp.refuse["full@example.org"] = "452 4.2.2 Mailbox full"
    delivery = DeliveryFactory(subscriber__email="full@example.org")

    assert send([delivery.pk]) == 0

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.attempt_count == 1
    assert delivery.next_attempt_at > timezone.now()
    assert delivery.error.startswith("452")
    assert Subscriber.objects.get().disabled_at is None

    # Not before its time; then it goes.
    assert send_due() == 0
    del smtp.refuse["full@example.org"]
    Delivery.objects.update(next_attempt_at=timezone.now())
    assert send_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count) == (Delivery.Status.SENT, 2)


def test_after_the_last_attempt_a_temporary_failure_is_final(smtp: Sink, settings: Any) -> None:
    settings.ALERTS_MAX_ATTEMPTS = 2
    smtp.refuse["full@example.org"] = "452 4.2.2 Mailbox full"
    delivery = DeliveryFactory(subscriber__email="full@example.org", attempt_count=1)

    send([delivery.pk])

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert Subscriber.objects.get().disabled_at is None


def test_an_unreachable_server_leaves_every_message_waiting(settings: Any) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    event = AlertEventFactory()
    deliveries = [DeliveryFactory(event=event) for _ in range(3)]

    assert send([d.pk for d in deliveries]) == 0

    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.PENDING}
    assert "ConnectionRefusedError" in Delivery.objects.first().error  # type: ignore[union-attr]


def test_a_correction_says_what_was_corrected(smtp: Sink) -> None:
    statement = StatementFactory(published=True)
    CorrectionFactory(statement=statement, note="The date was wrong.")
    delivery = DeliveryFactory(
        event=AlertEventFactory(kind=AlertEvent.Kind.CORRECTED, statement=statement)
    )

    send([delivery.pk])

    [(message, text, _html)] = parts(smtp)
    assert message["Subject"].startswith("Corrected:")
    assert "The date was wrong." in text


def test_a_law_event_tells_what_happened(smtp: Sink) -> None:
    law_event = LawEventFactory(law__common_title="'foreign agents' law", actor="the State Duma")
    delivery = DeliveryFactory(
        event=AlertEventFactory(kind=AlertEvent.Kind.LAW_EVENT, statement=None, law_event=law_event)
    )

    send([delivery.pk])

    [(message, text, _html)] = parts(smtp)
    assert message["Subject"] == "'foreign agents' law: Adopted by the State Duma"
    assert law_event.law.get_absolute_url() in text


def test_the_weekly_digest_gathers_what_is_still_public(smtp: Sink) -> None:
    subscriber = SubscriberFactory()
    kept = [
        DeliveryFactory(
            subscriber=subscriber,
            status=Delivery.Status.DIGEST,
            event__statement=StatementFactory(published=True, title=title),
        )
        for title in ("First statement", "Second statement")
    ]
    gone = DeliveryFactory(
        subscriber=subscriber,
        status=Delivery.Status.DIGEST,
        event__statement=StatementFactory(published=True, title="Withdrawn meanwhile"),
    )
    withdraw_in_database_only(gone.event.statement)

    assert send_all_digests() == 1
    assert send_all_digests() == 0

    [(message, text, html)] = parts(smtp)
    assert "First statement" in text and "Second statement" in html
    assert "Withdrawn meanwhile" not in text + html
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    for delivery in kept:
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.SENT
    gone.refresh_from_db()
    assert gone.status == Delivery.Status.SKIPPED


def test_the_bytes_sent_are_the_message_django_builds() -> None:
    """Large sends put each address into bytes made once per language (Composed.raw_for):
    they must read exactly as the message Django builds for the address."""
    statement = StatementFactory(
        published=True,
        title_ru="Отменить закон " + "очень длинное название " * 8,
        standfirst_ru="Призыв. " * 40,
        body_ru="Текст.",
    )
    subscriber = SubscriberFactory(language="ru", email="reader@example.org")
    event = AlertEventFactory(statement=statement)
    composed = compose_alert(statement_item(event, statement, "ru"), "ru")

    raw = composed.raw_for(subscriber)
    assert raw is not None
    fast = message_from_bytes(raw, policy=policy.default)
    # What Django's SMTP backend sends: the message under the SMTP policy.
    built = composed.to(subscriber).message(policy=policy.SMTP).as_bytes()
    slow = message_from_bytes(built, policy=policy.default)

    for header in (
        "Subject",
        "From",
        "To",
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
        "List-Id",
        "Content-Language",
        "Auto-Submitted",
    ):
        assert fast[header] == slow[header], header
    assert fast["To"] == "reader@example.org"
    for kind in ("plain", "html"):
        fast_part, slow_part = fast.get_body((kind,)), slow.get_body((kind,))
        assert fast_part is not None
        assert slow_part is not None
        assert fast_part.get_content() == slow_part.get_content()
    other = message_from_bytes(composed.raw_for(subscriber) or b"", policy=policy.default)
    assert other["Message-ID"] != fast["Message-ID"]
