"""Staff decide on a partner's sign-on request: the partner is told by webhook and e-mail.

The admin's actions call Signature.confirm() and Signature.decline(); the partner's
endpoint gets `signature.confirmed` or `signature.declined` in the Standard Webhooks
format, checked with its library as a partner would, and the key's contact an e-mail.
"""

from typing import Any, cast

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from rest_framework.test import APIClient
from standardwebhooks import Webhook

from campaigns.models import Signature, Statement
from organisations.models import WebhookEndpoint
from tests.admin_pages import admin_url
from tests.api.receiver import Receiver
from tests.factories import OrganisationFactory, SignatureFactory, StatementFactory, partner_key

pytestmark = pytest.mark.django_db


def ask_to_sign(api: APIClient, statement: Statement, **key_fields: Any) -> tuple[Signature, Any]:
    key, secret = partner_key(can_sign=True, **key_fields)
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    created = api.post(
        "/api/v1/sign-on-requests/",
        {"statement": statement.pk, "signatory_name": "A. Person", "signatory_title": "Director"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    return Signature.objects.get(pk=created.json()["id"]), key


def run_action(admin_client: Client, capture: Any, action: str, signature: Signature, **data: Any):
    with capture(execute=True):
        return admin_client.post(
            admin_url(Signature, "changelist"),
            {"action": action, "index": "0", "_selected_action": [signature.pk], **data},
            follow=True,
        )


def test_a_confirmed_request_is_told_by_a_verified_webhook_and_an_email(
    api: APIClient,
    admin_client: Client,
    receiver: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    statement = StatementFactory(published=True, signatures_open=True)
    SignatureFactory(statement=statement)
    signature, key = ask_to_sign(api, statement, contact_email="sign@partner.example.org")
    own = WebhookEndpoint.objects.create(organisation=key.organisation, url=receiver)
    # Another partner's endpoint hears nothing of this organisation's request.
    WebhookEndpoint.objects.create(organisation=OrganisationFactory(), url=receiver)

    run_action(admin_client, django_capture_on_commit_callbacks, "confirm", signature)

    [received] = Receiver.received
    payload = Webhook(own.secret).verify(received["body"], received["headers"])
    assert payload["event"] == "signature.confirmed"
    assert payload["data"]["id"] == signature.pk
    assert payload["data"]["status"] == "confirmed"
    assert payload["data"]["statement"] == statement.pk
    assert payload["data"]["url"].endswith(f"/api/v1/sign-on-requests/{signature.pk}/")
    [message] = cast(list[EmailMultiAlternatives], mail.outbox)
    assert message.to == ["sign@partner.example.org"]
    assert "confirmed" in message.subject
    assert statement.title in message.body
    [(html, kind)] = message.alternatives
    assert kind == "text/html"
    assert statement.title in str(html)
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED
    assert signature.decided_by is not None
    assert signature.signed_version == statement.version
    assert api.get(f"/api/v1/sign-on-requests/{signature.pk}/").json()["status"] == "confirmed"


def test_a_declined_request_is_told_with_the_reason(
    api: APIClient,
    admin_client: Client,
    receiver: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    statement = StatementFactory(published=True, signatures_open=True)
    SignatureFactory(statement=statement)
    signature, key = ask_to_sign(api, statement, contact_email="sign@partner.example.org")
    endpoint = WebhookEndpoint.objects.create(organisation=key.organisation, url=receiver)

    asked = run_action(admin_client, django_capture_on_commit_callbacks, "decline", signature)
    assert "Reason for declining" in asked.text
    assert Receiver.received == []
    run_action(
        admin_client,
        django_capture_on_commit_callbacks,
        "decline",
        signature,
        apply="yes",
        reason="Signatories are members of the coalition only.",
    )

    [received] = Receiver.received
    payload = Webhook(endpoint.secret).verify(received["body"], received["headers"])
    assert payload["event"] == "signature.declined"
    assert payload["data"]["decline_reason"] == "Signatories are members of the coalition only."
    [message] = mail.outbox
    assert "declined" in message.subject
    assert "Signatories are members of the coalition only." in message.body
    answer = api.get(f"/api/v1/sign-on-requests/{signature.pk}/").json()
    assert answer["status"] == "declined"
    assert answer["decline_reason"] == "Signatories are members of the coalition only."
    shown = api.get(f"/api/v1/statements/{statement.pk}/").json()["signatories"]
    assert key.organisation_id not in [row["organisation"]["id"] for row in shown]


def test_a_decision_is_made_once_and_told_once(
    api: APIClient,
    admin_client: Client,
    receiver: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    statement = StatementFactory(published=True, signatures_open=True)
    SignatureFactory(statement=statement)
    signature, key = ask_to_sign(api, statement, contact_email="sign@partner.example.org")
    WebhookEndpoint.objects.create(organisation=key.organisation, url=receiver)

    run_action(admin_client, django_capture_on_commit_callbacks, "confirm", signature)
    again = run_action(admin_client, django_capture_on_commit_callbacks, "confirm", signature)
    declined_after = run_action(
        admin_client, django_capture_on_commit_callbacks, "decline", signature, apply="yes"
    )

    assert len(Receiver.received) == 1
    assert len(mail.outbox) == 1
    assert "Confirmed 1 signature" not in again.text
    assert "1 signature was confirmed or withdrawn and was left as it is." in declined_after.text
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED


def test_without_a_contact_or_an_endpoint_nobody_is_told(
    api: APIClient, admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    statement = StatementFactory(published=True, signatures_open=True)
    SignatureFactory(statement=statement)
    signature, _key = ask_to_sign(api, statement)

    run_action(admin_client, django_capture_on_commit_callbacks, "confirm", signature)

    assert mail.outbox == []
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED


def test_a_signature_staff_entered_is_confirmed_without_telling_anyone(
    admin_client: Client, receiver: str, django_capture_on_commit_callbacks: Any
) -> None:
    signature = SignatureFactory(status=Signature.Status.INVITED)
    WebhookEndpoint.objects.create(organisation=signature.organisation, url=receiver)

    run_action(admin_client, django_capture_on_commit_callbacks, "confirm", signature)

    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED
    assert Receiver.received == []
    assert mail.outbox == []


# --- the API's sign-on, made clearer ----------------------------------------------------


def test_statements_filter_by_signatures_open(api: APIClient) -> None:
    open_one = StatementFactory(published=True, signatures_open=True)
    closed = StatementFactory(published=True)
    # A draft open for signatures is no more listed than any draft.
    StatementFactory(signatures_open=True)

    opened = api.get("/api/v1/statements/", {"signatures_open": "true"}).json()["results"]
    not_open = api.get("/api/v1/statements/", {"signatures_open": "false"}).json()["results"]

    assert [row["id"] for row in opened] == [open_one.pk]
    assert [row["id"] for row in not_open] == [closed.pk]


def test_signing_a_statement_not_open_says_so(api: APIClient) -> None:
    closed = StatementFactory(published=True)
    draft = StatementFactory(signatures_open=True)
    _, secret = partner_key(can_sign=True)
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")

    not_open = api.post(
        "/api/v1/sign-on-requests/", {"statement": closed.pk, "signatory_name": "X"}, format="json"
    )
    hidden = api.post(
        "/api/v1/sign-on-requests/", {"statement": draft.pk, "signatory_name": "X"}, format="json"
    )
    missing = api.post(
        "/api/v1/sign-on-requests/", {"statement": 999_999, "signatory_name": "X"}, format="json"
    )

    assert not_open.status_code == 400
    assert "not open for signatures" in not_open.json()["errors"]["statement"][0]
    # A draft is refused as an id that does not exist: its being open is not told.
    assert hidden.status_code == missing.status_code == 400
    refusals = missing.json()["errors"]["statement"]
    unknown = [message.replace("999999", str(draft.pk)) for message in refusals]
    assert hidden.json()["errors"] == {"statement": unknown}
    assert not Signature.objects.exists()


def test_a_duplicate_request_links_the_existing_one(api: APIClient) -> None:
    statement = StatementFactory(published=True, signatures_open=True)
    SignatureFactory(statement=statement)
    signature, _key = ask_to_sign(api, statement)

    again = api.post(
        "/api/v1/sign-on-requests/",
        {"statement": statement.pk, "signatory_name": "B. Person"},
        format="json",
    )

    assert again.status_code == 409
    existing = again.json()["existing"]
    assert existing == f"http://testserver/api/v1/sign-on-requests/{signature.pk}/"
    assert again["Location"] == existing
    assert api.get(existing).json()["signatory_name"] == "A. Person"
    assert Signature.objects.filter(statement=statement).count() == 2
