"""Deliveries in the Standard Webhooks format, checked with its library as a partner would."""

import base64
import hashlib
import hmac
import importlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from standardwebhooks import Webhook, WebhookVerificationError

from organisations.models import WebhookDelivery, WebhookEndpoint
from tests.admin_pages import admin_url, form_data
from tests.api.receiver import Receiver
from tests.api.test_webhook_destinations import send_test_event
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_delivery_verifies_with_the_standard_webhooks_library(
    receiver: str, admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = WebhookEndpoint.objects.create(organisation=OrganisationFactory(), url=receiver)

    delivery = send_test_event(admin_client, endpoint, django_capture_on_commit_callbacks)

    [received] = Receiver.received
    headers = {name.lower(): value for name, value in received["headers"].items()}
    assert endpoint.secret.startswith("whsec_")
    assert headers["webhook-id"] == str(delivery.event_id)
    assert headers["webhook-signature"].startswith("v1,")
    payload = Webhook(endpoint.secret).verify(received["body"], received["headers"])
    assert payload["event"] == "test"
    assert payload["id"] == str(delivery.event_id)
    assert delivery.status == WebhookDelivery.Status.DELIVERED


def test_the_secret_is_shown_once_when_the_endpoint_is_made(admin_client: Client) -> None:
    organisation = OrganisationFactory()
    page = admin_client.get(admin_url(WebhookEndpoint, "add"))
    data = {
        **form_data(page, "webhookendpoint"),
        "organisation": organisation.pk,
        "url": "https://partner.example.org/hook",
    }

    made = admin_client.post(admin_url(WebhookEndpoint, "add"), data, follow=True)

    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in made.text
    assert "it will not be shown again" in made.text
    assert endpoint.secret not in admin_client.get(admin_url(endpoint, "change")).text
    assert endpoint.secret not in admin_client.get(admin_url(WebhookEndpoint, "changelist")).text


def test_replacing_the_secret_shows_the_new_one_once_and_signs_with_it(
    receiver: str, admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = WebhookEndpoint.objects.create(organisation=OrganisationFactory(), url=receiver)
    old = endpoint.secret

    replaced = admin_client.post(
        admin_url(WebhookEndpoint, "changelist"),
        {"action": "replace_secret", "index": "0", "_selected_action": [endpoint.pk]},
        follow=True,
    )
    endpoint.refresh_from_db()
    send_test_event(admin_client, endpoint, django_capture_on_commit_callbacks)

    assert endpoint.secret != old
    assert endpoint.secret in replaced.text
    [received] = Receiver.received
    Webhook(endpoint.secret).verify(received["body"], received["headers"])
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(received["body"], received["headers"])


def test_existing_secrets_keep_their_key_in_the_standard_form() -> None:
    migration = importlib.import_module(
        "organisations.migrations.0008_webhook_secrets_in_standard_webhooks_form"
    )
    legacy = "Jx3-legacy_token_urlsafe_secret_of_43_chars"
    endpoint = WebhookEndpoint.objects.create(
        organisation=OrganisationFactory(), url="https://partner.example.org/hook"
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=legacy)

    migration.secrets_in_standard_form(apps, None)

    endpoint.refresh_from_db()
    assert endpoint.secret.startswith("whsec_")
    # The key bytes are the old secret's: an HMAC made with either is the same.
    body = json.dumps({"id": "1"}).encode()
    signature = Webhook(endpoint.secret).sign(
        "msg_1", datetime.fromtimestamp(1_700_000_000, UTC), body
    )
    expected = hmac.new(legacy.encode(), b"msg_1.1700000000." + body, hashlib.sha256).digest()
    assert signature == "v1," + base64.b64encode(expected).decode()
