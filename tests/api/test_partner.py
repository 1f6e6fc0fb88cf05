import json
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.models import Change, Signature, Statement
from organisations.models import WebhookDelivery, WebhookEndpoint, new_webhook_secret
from organisations.webhooks import deliver_due
from tests.admin_pages import admin_url, form_data
from tests.api.receiver import Receiver, verify
from tests.factories import OrganisationFactory, SignatureFactory, StatementFactory, partner_key

pytestmark = pytest.mark.django_db


def test_sign_on_end_to_end(
    api: APIClient, admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    statement = StatementFactory(published=True, signatures_open=True)
    SignatureFactory(statement=statement)
    key, secret = partner_key(can_sign=True)
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")

    created = api.post(
        "/api/v1/sign-on-requests/",
        {"statement": statement.pk, "signatory_name": "A. Person", "signatory_title": "Director"},
        format="json",
    )
    again = api.post(
        "/api/v1/sign-on-requests/",
        {"statement": statement.pk, "signatory_name": "A. Person"},
        format="json",
    )
    shown_before = api.get(f"/api/v1/statements/{statement.pk}/").json()["signatories"]

    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "pending"
    assert again.status_code == 409
    assert key.organisation_id not in [row["organisation"]["id"] for row in shown_before]

    signature = Signature.objects.get(pk=created.json()["id"])
    # Committed, as in the admin: the statement's kept answer is built anew.
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            admin_url(Signature, "changelist"),
            {"action": "confirm", "index": "0", "_selected_action": [signature.pk]},
        )

    status = api.get(f"/api/v1/sign-on-requests/{signature.pk}/").json()["status"]
    shown_after = api.get(f"/api/v1/statements/{statement.pk}/").json()["signatories"]
    assert status == "confirmed"
    assert key.organisation_id in [row["organisation"]["id"] for row in shown_after]
    assert statement.changes.filter(kind=Change.Kind.UPDATED).exists()


def test_sign_on_needs_the_scope_an_open_statement_and_json(api: APIClient) -> None:
    closed = StatementFactory(published=True)
    _, without_scope = partner_key()
    _, with_scope = partner_key(can_sign=True)

    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {without_scope}")
    refused = api.post(
        "/api/v1/sign-on-requests/", {"statement": closed.pk, "signatory_name": "X"}, format="json"
    )
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {with_scope}")
    not_open = api.post(
        "/api/v1/sign-on-requests/", {"statement": closed.pk, "signatory_name": "X"}, format="json"
    )
    wrong_type = api.post("/api/v1/sign-on-requests/", "statement=1", content_type="text/plain")

    assert refused.status_code == 403
    assert not_open.status_code == 400
    assert "statement" in not_open.json()["errors"]
    assert wrong_type.status_code == 415
    assert not Signature.objects.exists()


def test_a_partner_sees_only_its_own_requests(api: APIClient) -> None:
    statement = StatementFactory(published=True, signatures_open=True)
    other_key, _ = partner_key(can_sign=True)
    Signature.objects.create(
        statement=statement,
        organisation=other_key.organisation,
        status=Signature.Status.PENDING,
        requested_with=other_key,
    )
    _, secret = partner_key(can_sign=True)
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")

    assert api.get("/api/v1/sign-on-requests/").json()["results"] == []


def test_throttled_requests_get_429_with_retry_after(api: APIClient, settings: Any) -> None:
    settings.API_THROTTLE_RATES = {"anonymous": "2/minute", "partner": "3/minute"}
    answers = [api.get("/api/v1/rights/").status_code for _ in range(3)]
    refused = api.get("/api/v1/rights/")
    _, secret = partner_key()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    with_key = [api.get("/api/v1/rights/").status_code for _ in range(4)]

    assert answers == [200, 200, 429]
    assert int(refused["Retry-After"]) > 0
    assert with_key == [200, 200, 200, 429]


def test_change_feed_in_order_with_tombstones_and_scheduled_publication(
    api: APIClient, editor: User
) -> None:
    first = StatementFactory(approved=True)
    SignatureFactory(statement=first)
    later = StatementFactory(approved=True)
    SignatureFactory(statement=later)
    hidden = StatementFactory(approved=True)
    SignatureFactory(statement=hidden)

    first.publish(by=editor)
    later.publish(by=editor, at=timezone.now() + timedelta(hours=1))
    hidden.publish(by=editor, at=timezone.now() + timedelta(hours=2))
    hidden.unschedule(by=editor)
    first.withdraw(by=editor, reason="Published in error.")

    page = api.get("/api/v1/changes/").json()
    assert [(row["kind"], row["statement"]) for row in page["results"]] == [
        ("published", first.pk),
        ("withdrawn", first.pk),
    ]
    assert page["results"][1]["tombstone"]["reason"] == "Published in error."
    assert page["results"][1]["tombstone"]["title"] == first.title

    # The publish time passes: the publication appears after what the client has read.
    Change.objects.filter(statement=later).update(visible_from=timezone.now())
    Statement.objects.filter(pk=later.pk).update(publish_at=timezone.now())
    rest = api.get(page["next"]).json()
    assert [(row["kind"], row["statement"]) for row in rest["results"]] == [("published", later.pk)]
    assert api.get("/api/v1/changes/", {"since": "garbage"}).status_code == 400


# --- webhooks --------------------------------------------------------------------------


def ready_to_publish() -> Statement:
    statement = StatementFactory(approved=True)
    SignatureFactory(statement=statement)
    return statement


def test_publication_webhook_is_signed_retried_and_logged(
    receiver: str, editor: User, django_capture_on_commit_callbacks: Any, admin_client: Client
) -> None:
    endpoint = WebhookEndpoint.objects.create(organisation=OrganisationFactory(), url=receiver)
    Receiver.failures_left = 1
    statement = ready_to_publish()

    with django_capture_on_commit_callbacks(execute=True):
        statement.publish(by=editor)

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.next_attempt_at is not None
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=50)

    # A minute later, the retry is due; the sweep (what the worker would run) sends it.
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_due() == 1

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert [attempt.status_code for attempt in delivery.attempts.all()] == [500, 200]
    assert len(Receiver.received) == 2
    first, second = Receiver.received
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
    payload = json.loads(second["body"])
    assert payload["event"] == "statement.published"
    assert payload["data"]["id"] == statement.pk
    assert verify(endpoint.secret, second["headers"], second["body"])
    assert not verify(new_webhook_secret(), second["headers"], second["body"])
    log = admin_client.get(admin_url(delivery, "change"))
    assert log.status_code == 200
    assert "boom" in log.text
    # An accepted delivery keeps its status only, not what the endpoint said.
    assert "thanks" not in log.text


def test_scheduled_publication_is_announced_when_its_time_comes(
    receiver: str, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    WebhookEndpoint.objects.create(organisation=OrganisationFactory(), url=receiver)
    statement = ready_to_publish()

    with django_capture_on_commit_callbacks(execute=True):
        statement.publish(by=editor, at=timezone.now() + timedelta(hours=1))
    assert not WebhookDelivery.objects.exists()

    Change.objects.filter(statement=statement).update(visible_from=timezone.now())
    Statement.objects.filter(pk=statement.pk).update(publish_at=timezone.now())
    from campaigns.webhooks import announce_due

    with django_capture_on_commit_callbacks(execute=True):
        assert announce_due() == 1
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED
    assert json.loads(Receiver.received[0]["body"])["data"]["id"] == statement.pk


def test_send_test_event_from_the_admin(
    receiver: str, admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = WebhookEndpoint.objects.create(organisation=OrganisationFactory(), url=receiver)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            admin_url(WebhookEndpoint, "changelist"),
            {"action": "send_test_event", "index": "0", "_selected_action": [endpoint.pk]},
        )

    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED
    assert json.loads(Receiver.received[0]["body"])["event"] == "test"


def test_a_correction_in_the_admin_is_in_the_feed_and_sent_to_webhooks(
    receiver: str, api: APIClient, admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = WebhookEndpoint.objects.create(organisation=OrganisationFactory(), url=receiver)
    statement = StatementFactory(published=True, body="The summit is on Monday.")
    SignatureFactory(statement=statement)
    data = form_data(admin_client.get(admin_url(statement, "change")), "statement")
    data["body_en"] = "The summit is on Tuesday."
    # Changing a published text asks whether it is a public correction.
    data["change_kind"] = "correction"
    data["correction_note"] = "An earlier version gave Monday."

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(admin_url(statement, "change"), data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    feed = api.get("/api/v1/changes/", {"resource": "statement"}).json()["results"]
    assert [(entry["kind"], entry["statement"]) for entry in feed] == [("corrected", statement.pk)]
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    (received,) = Receiver.received
    payload = json.loads(received["body"])
    assert payload["event"] == "statement.corrected"
    assert payload["data"]["id"] == statement.pk
    assert payload["data"]["body_markdown"] == "The summit is on Tuesday."
    assert [row["note"] for row in payload["data"]["corrections"]] == [
        "An earlier version gave Monday."
    ]
    assert received["headers"]["webhook-id"] == payload["id"]
    assert verify(endpoint.secret, received["headers"], received["body"])


def test_sendwebhooks_catches_up_where_no_worker_ran(receiver: str, editor: User) -> None:
    """Where tasks run inline there is no deferred task: the command announces what came due."""
    WebhookEndpoint.objects.create(organisation=OrganisationFactory(), url=receiver)
    statement = ready_to_publish()
    statement.publish(by=editor, at=timezone.now() + timedelta(hours=1))
    # The hour passes.
    Change.objects.filter(statement=statement).update(visible_from=timezone.now())
    Statement.objects.filter(pk=statement.pk).update(publish_at=timezone.now())

    out = StringIO()
    call_command("sendwebhooks", stdout=out)

    assert out.getvalue().strip() == "Announced 1 changes; 1 deliveries accepted."
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED
    assert json.loads(Receiver.received[0]["body"])["event"] == "statement.published"
    # Nothing is announced twice.
    call_command("sendwebhooks", stdout=out)
    assert len(Receiver.received) == 1


@pytest.mark.parametrize("proxies", [0, 1])
def test_a_made_up_forwarded_for_header_does_not_escape_the_throttle(
    api: APIClient, settings: Any, proxies: int
) -> None:
    settings.API_THROTTLE_RATES = {"anonymous": "2/minute", "partner": "3/minute"}
    settings.TRUSTED_PROXY_COUNT = proxies
    # Behind one proxy, the proxy appends the address it saw: always the same client here.
    seen_by_proxy = ", 203.0.113.9" if proxies else ""

    answers = [
        api.get(
            "/api/v1/rights/", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}{seen_by_proxy}"
        ).status_code
        for number in range(4)
    ]

    assert answers == [200, 200, 429, 429]


def test_behind_a_proxy_each_client_address_has_its_own_count(
    api: APIClient, settings: Any
) -> None:
    settings.API_THROTTLE_RATES = {"anonymous": "1/minute", "partner": "3/minute"}
    settings.TRUSTED_PROXY_COUNT = 1

    first = api.get("/api/v1/rights/", HTTP_X_FORWARDED_FOR="203.0.113.9")
    first_again = api.get("/api/v1/rights/", HTTP_X_FORWARDED_FOR="203.0.113.9")
    second = api.get("/api/v1/rights/", HTTP_X_FORWARDED_FOR="203.0.113.10")

    assert [first.status_code, first_again.status_code, second.status_code] == [200, 429, 200]


def test_a_burst_of_wrong_keys_from_one_address_is_refused_before_any_look_up(
    api: APIClient, settings: Any
) -> None:
    settings.API_KEY_FAILURE_LIMIT = 3
    _, secret = partner_key()
    wrong = [
        api.get(
            "/api/v1/rights/", HTTP_AUTHORIZATION=f"Api-Key guess.{number}", REMOTE_ADDR="192.0.2.8"
        ).status_code
        for number in range(3)
    ]

    with CaptureQueriesContext(connection) as queries:
        refused = api.get(
            "/api/v1/rights/", HTTP_AUTHORIZATION=f"Api-Key {secret}", REMOTE_ADDR="192.0.2.8"
        )
    elsewhere = api.get(
        "/api/v1/rights/", HTTP_AUTHORIZATION=f"Api-Key {secret}", REMOTE_ADDR="192.0.2.9"
    )
    without_a_key = api.get("/api/v1/rights/", REMOTE_ADDR="192.0.2.8")

    assert wrong == [401, 401, 401]
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert not [query for query in queries.captured_queries if "partnerkey" in query["sql"]]
    assert elsewhere.status_code == 200
    assert without_a_key.status_code == 200
