import pytest
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from campaigns.models import Change, EmbargoedRead
from organisations.models import PartnerKey, WebhookDelivery, WebhookEndpoint
from tests.admin_pages import admin_url
from tests.factories import OrganisationFactory, StatementFactory, partner_key

PARTNER_API_ADMINS: set[type[Model]] = {
    Change,
    EmbargoedRead,
    PartnerKey,
    WebhookEndpoint,
    WebhookDelivery,
}


@pytest.mark.django_db
def test_partner_admin_pages_render(admin_client: Client) -> None:
    key, _ = partner_key()
    endpoint = WebhookEndpoint.objects.create(
        organisation=OrganisationFactory(), url="https://example.org/hook"
    )
    for model in sorted(PARTNER_API_ADMINS, key=str):
        assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(key, "change")).status_code == 200
    assert admin_client.get(admin_url(endpoint, "change")).status_code == 200
    assert admin_client.get(admin_url(PartnerKey, "add")).status_code == 200
    assert StatementFactory(published=True)
    assert reverse("api:docs")


@pytest.mark.django_db
def test_a_new_key_is_shown_once_and_stored_hashed(admin_client: Client) -> None:
    organisation = OrganisationFactory()
    response = admin_client.post(
        admin_url(PartnerKey, "add"),
        {"name": "Mirror", "organisation": organisation.pk, "can_sign": "on"},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    [message] = [text for text in messages if "store it somewhere safe" in text]
    key = PartnerKey.objects.get()
    shown = next(word for word in message.split() if word.startswith(f"{key.prefix}."))
    shown = shown.removesuffix(".")
    assert key.prefix in message
    assert shown not in key.hashed_key
    assert PartnerKey.objects.get_from_key(shown) == key
