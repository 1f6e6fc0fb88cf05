"""Subscribing without an account: the form, double opt-in, manage and one-click unsubscribe."""

import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.core.mail import EmailMultiAlternatives
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from alerts.models import Delivery, Subscriber, Subscription
from tests.factories import (
    CampaignFactory,
    DeliveryFactory,
    LawFactory,
    SignatureFactory,
    StatementFactory,
    SubscriberFactory,
    SubscriptionFactory,
)

pytestmark = pytest.mark.django_db


def subscribe(client: Client, email: str = "reader@example.org", **fields: Any) -> Any:
    data = {"email": email, "kind": "all", "frequency": "immediate", "language": "en", **fields}
    return client.post(reverse("alerts:subscribe"), data)


def link_in(message: Any, name: str) -> str:
    """The path of the site's link named `name` (/alerts/<name>/...) in a message's text."""
    for word in message.body.split():
        if f"/alerts/{name}/" in word:
            return urlsplit(word).path
    raise AssertionError(f"No {name} link in: {message.body}")


def test_subscribing_sends_only_a_confirmation_with_an_unsubscribe_header(client: Client) -> None:
    response = subscribe(client, "Reader@Example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("alerts:requested")
    [message] = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    assert message.to == ["reader@example.org"]
    assert "/alerts/confirm/" in message.body
    assert "about every statement to this address (at once)" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["Content-Language"] == "en"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "/alerts/confirm/" in str(html)
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None
    assert subscription.subscriber.email == "reader@example.org"


def test_confirming_takes_a_post_after_following_the_link(client: Client) -> None:
    subscribe(client)
    confirm = link_in(mail.outbox[0], "confirm")

    # A mail scanner following the link confirms nothing.
    page = client.get(confirm)
    assert page.status_code == 200
    assert Subscription.objects.get().confirmed_at is None

    done = client.post(confirm)

    assert done.status_code == 200
    assert Subscription.objects.get().confirmed_at is not None
    assert b"/alerts/manage/" in done.content


def test_an_expired_or_forged_confirmation_link_does_not_work(client: Client) -> None:
    subscribe(client)
    confirm = link_in(mail.outbox[0], "confirm")

    with override_settings(ALERTS_CONFIRM_LINK_DAYS=-1):
        assert client.post(confirm).status_code == 404
    assert client.post(confirm[:-3] + "xx/").status_code == 404
    # A token for another purpose (the unsubscribe link) is not a confirmation.
    unsubscribe = link_in(mail.outbox[0], "unsubscribe")
    token = unsubscribe.rstrip("/").rsplit("/", 1)[1]
    assert client.post(reverse("alerts:confirm", kwargs={"token": token})).status_code == 404
    assert Subscription.objects.get().confirmed_at is None


def test_the_answer_is_the_same_whether_or_not_the_address_is_subscribed(client: Client) -> None:
    SubscriptionFactory(subscriber__email="known@example.org")

    known = subscribe(client, "known@example.org")
    unknown = subscribe(client, "unknown@example.org")

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    # The holder of the subscribed address is reminded where to manage it; nobody learns
    # anything from the page.
    reminder, confirmation = mail.outbox
    assert reminder.to == ["known@example.org"]
    assert "/alerts/manage/" in reminder.body
    assert "/alerts/confirm/" not in reminder.body
    assert confirmation.to == ["unknown@example.org"]
    assert Subscription.objects.filter(subscriber__email="known@example.org").count() == 1


def test_the_honeypot_sends_nothing_and_says_the_same(client: Client) -> None:
    response = subscribe(client, website="http://spam.example")

    assert response["Location"] == reverse("alerts:requested")
    assert mail.outbox == []
    assert not Subscriber.objects.exists()


@override_settings(ALERTS_SUBSCRIBE_LIMIT_PER_EMAIL=2)
def test_an_address_gets_only_so_many_confirmations_an_hour(client: Client) -> None:
    for _attempt in range(4):
        response = subscribe(client, "target@example.org")
        assert response["Location"] == reverse("alerts:requested")

    assert len(mail.outbox) == 2


@override_settings(ALERTS_SUBSCRIBE_LIMIT_PER_CLIENT=3, ALERTS_SUBSCRIBE_LIMIT_PER_EMAIL=10)
def test_a_client_address_is_refused_past_its_limit(client: Client) -> None:
    for number in range(3):
        assert subscribe(client, f"reader{number}@example.org").status_code == 302

    refused = subscribe(client, "another@example.org")

    assert refused.status_code == 429
    assert len(mail.outbox) == 3
    # Another client is not held back.
    other = Client(REMOTE_ADDR="192.0.2.9")
    assert subscribe(other, "x@example.org").status_code == 302


def test_each_page_offers_its_topic(client: Client) -> None:
    law = LawFactory()
    campaign = CampaignFactory()
    organisation = SignatureFactory(statement=StatementFactory(published=True)).organisation

    for page, topic, value, words in [
        (law.get_absolute_url(), "law", law.pk, law.title),
        (campaign.get_absolute_url(), "campaign", campaign.pk, campaign.title),
        (organisation.get_absolute_url(), "organisation", organisation.pk, organisation.name),
    ]:
        html = client.get(page).content.decode()
        assert f'action="{reverse("alerts:subscribe")}"' in html
        assert f'name="{topic}" value="{value}"' in html
        form = client.get(reverse("alerts:subscribe"), {topic: value}).content.decode()
        assert words in form

    subscribe(client, kind="law", law=law.pk)
    assert Subscription.objects.get().law == law


def test_the_alerts_page_speaks_each_language(client: Client) -> None:
    assert client.get("/alerts/").status_code == 200
    russian = client.get("/ru/alerts/")
    assert russian.status_code == 200
    assert 'lang="ru"' in russian.content.decode()


def test_an_organisation_with_nothing_public_is_not_a_topic(client: Client) -> None:
    """Its name would be in the confirmation: a draft's signatory is nobody's business."""
    hidden = SignatureFactory(statement=StatementFactory()).organisation

    page = client.get(reverse("alerts:subscribe"), {"organisation": hidden.pk})
    response = subscribe(client, kind="organisation", organisation=hidden.pk)

    assert hidden.name not in page.content.decode()
    assert response.status_code == 400
    assert mail.outbox == []


def test_a_subscriber_manages_their_alerts_by_the_signed_link(client: Client) -> None:
    subscriber = SubscriberFactory(email="reader@example.org")
    law_alerts = SubscriptionFactory(subscriber=subscriber, kind="law", law=LawFactory())
    everything = SubscriptionFactory(subscriber=subscriber)
    DeliveryFactory(subscriber=subscriber, subscription=everything, status=Delivery.Status.SENT)
    manage = reverse("alerts:manage", kwargs={"token": subscriber.manage_token()})

    page = client.get(manage)
    assert page.status_code == 200
    assert "reader@example.org" in page.content.decode()

    client.post(
        manage, {"action": "frequency", "subscription": everything.pk, "frequency": "weekly"}
    )
    everything.refresh_from_db()
    assert everything.frequency == Subscription.Frequency.WEEKLY

    client.post(manage, {"action": "remove", "subscription": law_alerts.pk})
    assert list(subscriber.subscriptions.all()) == [everything]

    exported = client.post(manage, {"action": "export"})
    assert exported["Content-Type"].startswith("application/json")
    data = json.loads(exported.content)
    assert data["email"] == "reader@example.org"
    assert [s["kind"] for s in data["subscriptions"]] == ["all"]
    assert [m["status"] for m in data["messages"]] == ["sent"]

    erased = client.post(manage, {"action": "erase"})
    assert erased.status_code == 200
    assert not Subscriber.objects.exists()
    assert not Delivery.objects.exists()
    assert client.get(manage).status_code == 404


def test_another_subscribers_subscription_cannot_be_changed(client: Client) -> None:
    mine = SubscriberFactory()
    theirs = SubscriptionFactory()
    manage = reverse("alerts:manage", kwargs={"token": mine.manage_token()})

    client.post(manage, {"action": "remove", "subscription": theirs.pk})

    assert Subscription.objects.filter(pk=theirs.pk).exists()


def test_an_old_manage_link_expires(client: Client) -> None:
    subscriber = SubscriberFactory()
    token = subscriber.manage_token()
    with override_settings(ALERTS_MANAGE_LINK_DAYS=-1):
        assert client.get(reverse("alerts:manage", kwargs={"token": token})).status_code == 404
    forged = signing.TimestampSigner(salt="another").sign(subscriber.key.hex)
    assert client.get(reverse("alerts:manage", kwargs={"token": forged})).status_code == 404


def test_one_click_unsubscribe_needs_no_csrf_token(client: Client) -> None:
    subscription = SubscriptionFactory()
    waiting = DeliveryFactory(subscriber=subscription.subscriber, status=Delivery.Status.DIGEST)
    strict = Client(enforce_csrf_checks=True)
    url = reverse(
        "alerts:unsubscribe", kwargs={"token": subscription.subscriber.unsubscribe_token()}
    )

    # Following the link shows a button; it changes nothing.
    assert strict.get(url).status_code == 200
    assert Subscription.objects.exists()

    response = strict.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert not Subscription.objects.exists()
    waiting.refresh_from_db()
    assert waiting.status == Delivery.Status.SKIPPED


def test_every_other_form_keeps_its_csrf_check(client: Client) -> None:
    subscriber = SubscriberFactory()
    subscription = SubscriptionFactory(subscriber=subscriber, unconfirmed=True)
    strict = Client(enforce_csrf_checks=True)

    assert strict.post(reverse("alerts:subscribe"), {"email": "a@example.org"}).status_code == 403
    manage = reverse("alerts:manage", kwargs={"token": subscriber.manage_token()})
    assert strict.post(manage, {"action": "erase"}).status_code == 403
    confirm = reverse("alerts:confirm", kwargs={"token": subscription.confirm_token()})
    assert strict.post(confirm).status_code == 403
    assert Subscriber.objects.exists()


def test_asking_for_the_manage_link_answers_the_same_for_anyone(client: Client) -> None:
    SubscriptionFactory(subscriber__email="known@example.org")
    SubscriptionFactory(subscriber__email="pending@example.org", unconfirmed=True)
    url = reverse("alerts:request-manage-link")

    answers = {
        client.post(url, {"email": email})["Location"]
        for email in ("known@example.org", "pending@example.org", "nobody@example.org")
    }

    assert answers == {reverse("alerts:requested")}
    # Only an address that confirmed alerts is sent anything but a confirmation.
    [message] = mail.outbox
    assert message.to == ["known@example.org"]


def test_confirmation_is_in_the_chosen_language_with_its_links(client: Client) -> None:
    subscribe(client, language="fr")

    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == "fr"
    assert "/fr/alerts/confirm/" in message.body
    assert Subscriber.objects.get().language == "fr"


def test_a_confirmed_link_enables_an_address_disabled_after_a_refusal(client: Client) -> None:
    subscription = SubscriptionFactory(
        unconfirmed=True,
        subscriber__disabled_at=timezone.now(),
        subscriber__disabled_reason="550 No such user",
    )

    client.post(reverse("alerts:confirm", kwargs={"token": subscription.confirm_token()}))

    subscriber = Subscriber.objects.get()
    assert subscriber.disabled_at is None
    assert subscriber.disabled_reason == ""
