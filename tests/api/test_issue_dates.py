"""The API gives each statement the date it was issued beside the time it became public,
filters and orders by it, and so do the change feed and webhooks."""

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.models import Statement
from organisations.models import WebhookEndpoint
from tests.api.receiver import Receiver
from tests.factories import (
    OrganisationFactory,
    SignatureFactory,
    StatementFactory,
    partner_key,
)

pytestmark = pytest.mark.django_db

ISSUED = date(2016, 3, 8)


@pytest.fixture
def three() -> dict[str, Statement]:
    """Issued yesterday; issued in 2020, public since; issued in 2016, archived an hour ago."""
    return {
        "recent": StatementFactory(published=True),
        "older": StatementFactory(published=True, publish_at=datetime(2020, 5, 4, tzinfo=UTC)),
        "archived": StatementFactory(
            published=True, publish_at=timezone.now() - timedelta(hours=1), issued_on=ISSUED
        ),
    }


def ids(api: APIClient, **query: str) -> list[int]:
    response = api.get("/api/v1/statements/", query)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_a_statement_says_when_it_was_issued_and_when_it_became_public(
    api: APIClient, three: dict[str, Statement]
) -> None:
    archived = three["archived"]

    detail = api.get(f"/api/v1/statements/{archived.pk}/").json()
    listed = next(
        row for row in api.get("/api/v1/statements/").json()["results"] if row["id"] == archived.pk
    )

    for row in (detail, listed):
        assert row["issued_on"] == "2016-03-08"
        assert datetime.fromisoformat(row["publish_at"]) == archived.publish_at
        assert row["web_url"] == f"http://testserver/statements/2016/{archived.slug}/"
    assert list(detail)[list(detail).index("issued_on") + 1] == "publish_at"


def test_statements_filtered_and_ordered_by_the_date_issued(
    api: APIClient, three: dict[str, Statement]
) -> None:
    recent, older, archived = three["recent"].pk, three["older"].pk, three["archived"].pk

    assert ids(api, issued_before="2020-01-01") == [archived]
    assert ids(api, issued_after="2020-05-04", ordering="-issued_on") == [recent, older]
    assert ids(api, issued_after="2016-03-08", issued_before="2016-03-09") == [archived]
    assert ids(api, ordering="-issued_on") == [recent, older, archived]
    assert ids(api, ordering="issued_on") == [archived, older, recent]
    # Public here in the last day: the archived one too, whenever it was issued.
    since = (timezone.now() - timedelta(days=2)).isoformat()
    assert sorted(ids(api, published_after=since)) == sorted([recent, archived])
    # The default order, and partners' cursors in it, are as they were: by publish time.
    assert ids(api) == [archived, recent, older]
    for bad in ("2016-13-01", "yesterday", "08/03/2016"):
        response = api.get("/api/v1/statements/", {"issued_after": bad})
        assert response.status_code == 400
        assert "issued_after" in response.json()["errors"]


def test_the_cursor_pages_through_the_order_of_issue(api: APIClient) -> None:
    same_day = [
        StatementFactory(
            published=True, publish_at=timezone.now() - timedelta(hours=hours), issued_on=ISSUED
        )
        for hours in range(1, 6)
    ]
    newer = StatementFactory(published=True)
    seen: list[int] = []
    url: str | None = "/api/v1/statements/?ordering=-issued_on&page_size=2"
    while url:
        page = api.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    # Within a day, the latest to become public first.
    assert seen == [newer.pk] + [statement.pk for statement in same_day]


def test_the_schema_documents_the_date_and_its_filters(api: APIClient) -> None:
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()

    statement = schema["components"]["schemas"]["Statement"]["properties"]
    assert statement["issued_on"]["type"] == "string"
    assert statement["issued_on"]["format"] == "date"
    assert statement["issued_on"]["readOnly"] is True
    parameters = {
        parameter["name"]: parameter
        for parameter in schema["paths"]["/api/v1/statements/"]["get"]["parameters"]
    }
    assert parameters["issued_after"]["schema"]["format"] == "date"
    assert parameters["issued_before"]["schema"]["format"] == "date"
    assert {"-issued_on", "issued_on"} <= set(parameters["ordering"]["schema"]["enum"])
    tombstone = schema["components"]["schemas"]["Tombstone"]["properties"]
    assert tombstone["issued_on"]["format"] == "date"


def test_an_embargoed_statement_dated_in_the_past_is_seen_with_a_key_only(
    api: APIClient,
) -> None:
    public = StatementFactory(published=True)
    scheduled = StatementFactory(scheduled=True, issued_on=ISSUED)

    assert ids(api, issued_before="2017-01-01") == []
    assert ids(api, ordering="issued_on") == [public.pk]

    _, secret = partner_key(can_read_embargoed=True)
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    [row] = api.get("/api/v1/statements/", {"issued_before": "2017-01-01"}).json()["results"]
    assert (row["id"], row["issued_on"], row["embargoed"]) == (scheduled.pk, "2016-03-08", True)


def test_the_change_feed_and_its_tombstones_carry_the_date_issued(
    api: APIClient, editor: User
) -> None:
    statement = StatementFactory(approved=True)
    SignatureFactory(statement=statement)

    statement.publish_archived(by=editor, issued_on=ISSUED)
    statement.withdraw(by=editor, reason="Entered twice.")

    feed = api.get("/api/v1/changes/").json()["results"]
    assert [(entry["kind"], entry["issued_on"]) for entry in feed] == [
        ("published", "2016-03-08"),
        ("withdrawn", "2016-03-08"),
    ]
    assert feed[1]["tombstone"]["issued_on"] == "2016-03-08"
    gone = api.get(f"/api/v1/statements/{statement.pk}/")
    assert (gone.status_code, gone.json()["issued_on"]) == (410, "2016-03-08")


def test_webhooks_announce_an_archived_statement_with_its_date(
    receiver: str, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    WebhookEndpoint.objects.create(organisation=OrganisationFactory(), url=receiver)
    statement = StatementFactory(approved=True)
    SignatureFactory(statement=statement)

    with django_capture_on_commit_callbacks(execute=True):
        statement.publish_archived(by=editor, issued_on=ISSUED)
    with django_capture_on_commit_callbacks(execute=True):
        statement.withdraw(by=editor, reason="Entered twice.")

    published, withdrawn = (json.loads(received["body"]) for received in Receiver.received)
    assert published["event"] == "statement.published"
    assert published["data"]["issued_on"] == "2016-03-08"
    assert published["data"]["web_url"].endswith(f"/statements/2016/{statement.slug}/")
    assert withdrawn["event"] == "statement.withdrawn"
    assert withdrawn["data"]["issued_on"] == "2016-03-08"
