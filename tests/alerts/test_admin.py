"""Alerts in the admin: counts, the log, the digest preview, export and erasure, and who
may see addresses."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from alerts.models import AlertEvent, Delivery, Subscriber, Subscription
from tests.admin_pages import admin_url, registered_models
from tests.factories import (
    AlertEventFactory,
    DeliveryFactory,
    LawFactory,
    StatementFactory,
    SubscriberFactory,
    SubscriptionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FACTORIES: dict[type[Model], Callable[[], Any]] = {
    Subscriber: lambda: SubscriptionFactory().subscriber,
    Subscription: SubscriptionFactory,
    AlertEvent: AlertEventFactory,
    Delivery: DeliveryFactory,
}


def test_every_model_admin_is_smoke_tested() -> None:
    assert registered_models("alerts") == set(FACTORIES)


@pytest.mark.parametrize("model", FACTORIES, ids=lambda model: model._meta.model_name)
def test_admin_pages_render(admin_client: Client, model: type[Model]) -> None:
    obj = FACTORIES[model]()

    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    # Nothing is added by hand: subscriptions come from their holders, the log from sending.
    assert admin_client.get(admin_url(model, "add")).status_code == 403
    assert admin_client.get(admin_url(obj, "change")).status_code == 200


def staff_with(*codenames: str) -> Client:
    user: User = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


VIEW_ALL = ("view_subscription", "view_delivery", "view_alertevent", "view_subscriber")


def test_addresses_are_shown_only_with_their_permission() -> None:
    delivery = DeliveryFactory(subscriber__email="private@example.org", status="sent")
    SubscriptionFactory(subscriber=delivery.subscriber)
    without = staff_with(*VIEW_ALL)
    with_address = staff_with(*VIEW_ALL, "view_address")

    for model in (Subscription, Delivery):
        hidden = without.get(admin_url(model, "changelist"))
        assert hidden.status_code == 200
        assert "private@example.org" not in hidden.text
        shown = with_address.get(admin_url(model, "changelist"))
        assert "private@example.org" in shown.text
    # Searching by address would tell whether it subscribes: without the permission, no search.
    assert without.get(admin_url(Subscription, "changelist"), {"q": "private"}).status_code == 200
    assert without.get(admin_url(Subscriber, "changelist")).status_code == 403
    assert with_address.get(admin_url(Subscriber, "changelist")).status_code == 200


def test_subscriptions_are_counted_per_topic(admin_client: Client) -> None:
    law = LawFactory(common_title="'foreign agents' law")
    for _number in range(3):
        SubscriptionFactory(kind="law", law=law)
    SubscriptionFactory(kind="country", country="BY")
    SubscriptionFactory(kind="law", law=law, unconfirmed=True)

    page = admin_client.get(admin_url(Subscription, "changelist"))

    counts = page.context["topic_counts"]
    assert counts[0] == {"kind": "A law", "topic": "the law 'foreign agents' law", "count": 3}
    assert {"kind": "A country", "topic": "statements and laws about Belarus", "count": 1} in counts


def test_the_digest_preview_shows_what_waits_and_is_public(admin_client: Client) -> None:
    DeliveryFactory(status=Delivery.Status.DIGEST, event__statement__title="Waiting statement")
    DeliveryFactory(status=Delivery.Status.SENT, event__statement__title="Already sent")
    DeliveryFactory(
        status=Delivery.Status.DIGEST,
        event=AlertEventFactory(statement=StatementFactory(scheduled=True, title="Not yet public")),
    )
    url = reverse("admin:alerts_delivery_digest_preview")

    page = admin_client.get(url)
    html = admin_client.get(url, {"format": "html"})

    assert "Waiting statement" in page.text and "Waiting statement" in html.text
    for text in (page.text, html.text):
        assert "Already sent" not in text
        assert "Not yet public" not in text
    assert admin_client.get(admin_url(Delivery, "changelist")).text.count(url) == 1


def test_an_address_is_exported_and_erased_from_the_admin(admin_client: Client) -> None:
    subscriber = SubscriberFactory(email="reader@example.org")
    SubscriptionFactory(subscriber=subscriber)
    DeliveryFactory(subscriber=subscriber, status=Delivery.Status.SENT)
    other = SubscriptionFactory()
    changelist = admin_url(Subscriber, "changelist")

    exported = admin_client.post(
        changelist, {"action": "export_data", "_selected_action": [subscriber.pk]}
    )
    [data] = json.loads(exported.content)
    assert data["email"] == "reader@example.org"
    assert len(data["messages"]) == 1

    admin_client.post(changelist, {"action": "erase", "_selected_action": [subscriber.pk]})

    assert list(Subscriber.objects.all()) == [other.subscriber]
    assert not Delivery.objects.filter(subscriber_id=subscriber.pk).exists()
