import pytest
from django.test import Client

from organisations.models import PartnerKey
from tests.admin_pages import admin_url
from tests.factories import OrganisationFactory


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
