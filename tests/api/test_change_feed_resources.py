"""The change feed covers laws and organisations too, offers a head, and refuses bad cursors."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.api import EPOCH
from campaigns.models import Change
from tests.admin_pages import admin_url, form_data
from tests.factories import (
    LawFactory,
    OrganisationFactory,
    OrganisationParentFactory,
    SignatureFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

FEED = "/api/v1/changes/"


def entries(api: APIClient, query: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    response = api.get(FEED, query or {})
    assert response.status_code == 200, response.content
    return list(response.json()["results"])


def brief(entry: dict[str, Any]) -> tuple[str, int, str]:
    return entry["resource"], entry["id"], entry["kind"]


def save_in_admin(client: Client, row: Any, model_name: str, **changes: str) -> None:
    data = form_data(client.get(admin_url(row, "change")), model_name)
    data.update(changes)
    response = client.post(admin_url(row, "change"), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_law_saved_and_deleted_in_the_admin_is_in_the_feed(
    api: APIClient, admin_client: Client
) -> None:
    law = LawFactory(country="RU")
    Change.objects.all().delete()  # the factory's save, recorded too: this reads the admin's

    save_in_admin(admin_client, law, "law", common_title_en="The foreign agents law")
    [updated] = entries(api)
    assert brief(updated) == ("law", law.pk, "updated")
    assert updated["url"] == f"http://testserver/api/v1/laws/{law.pk}/"
    assert updated["statement"] is None
    assert updated["statement_url"] is None
    assert updated["tombstone"] is None
    assert api.get(updated["url"]).json()["common_title"] == "The foreign agents law"

    pk = law.pk
    assert admin_client.post(admin_url(law, "delete"), {"post": "yes"}).status_code == 302
    deleted = entries(api, {"since": updated["cursor"]})
    assert [brief(entry) for entry in deleted] == [("law", pk, "deleted")]
    assert deleted[0]["url"] is None


def test_an_organisation_is_in_the_feed_only_while_it_is_public(
    api: APIClient, admin_client: Client
) -> None:
    hidden = OrganisationFactory(name="Signed a draft only")
    SignatureFactory(statement=StatementFactory(), organisation=hidden)
    # Public as one of the organisations running a programme that signed something public.
    public = OrganisationFactory(name="Runs a programme")
    programme = OrganisationParentFactory(parent=public).programme
    SignatureFactory(statement=StatementFactory(published=True), organisation=programme)
    Change.objects.all().delete()  # the factories' saves, recorded too: this reads the admin's

    save_in_admin(admin_client, hidden, "organisation", name_en="SECRET new name")
    save_in_admin(admin_client, public, "organisation", name_en="Runs a programme, renamed")
    [updated] = entries(api)
    assert brief(updated) == ("organisation", public.pk, "updated")
    assert updated["url"] == f"http://testserver/api/v1/organisations/{public.pk}/"
    assert "SECRET" not in api.get(FEED).content.decode()

    hidden_pk, public_pk = hidden.pk, public.pk
    hidden.signatures.all().delete()
    assert admin_client.post(admin_url(hidden, "delete"), {"post": "yes"}).status_code == 302
    assert admin_client.post(admin_url(public, "delete"), {"post": "yes"}).status_code == 302

    # Its update is no longer served (it is gone); its deletion is.
    deleted = entries(api)
    assert [brief(entry) for entry in deleted] == [("organisation", public_pk, "deleted")]
    assert deleted[0]["url"] is None
    assert not Change.objects.filter(object_id=hidden_pk, kind="deleted").exists()


def test_the_feed_can_be_read_for_one_resource(api: APIClient) -> None:
    statement = StatementFactory(published=True)
    statement.record_change(Change.Kind.UPDATED)
    law = LawFactory()  # its save is recorded

    assert [brief(entry) for entry in entries(api, {"resource": "law"})] == [
        ("law", law.pk, "updated")
    ]
    only_statements = entries(api, {"resource": "statement"})
    assert [brief(entry) for entry in only_statements] == [("statement", statement.pk, "updated")]
    assert only_statements[0]["statement"] == statement.pk
    page = api.get(FEED, {"resource": "law", "page_size": "1"}).json()
    assert "resource=law" in page["next"]
    assert api.get(FEED, {"resource": "campaign"}).status_code == 400


def test_head_starts_after_everything_recorded_so_far(api: APIClient) -> None:
    before = StatementFactory(published=True)
    before.record_change(Change.Kind.UPDATED)

    head = api.get(FEED, {"since": "head"})

    assert head.status_code == 200
    assert head.json()["results"] == []
    assert head.json()["has_more"] is False
    after = StatementFactory(published=True)
    after.record_change(Change.Kind.UPDATED)
    following = api.get(head.json()["next"]).json()["results"]
    # With the statement's lead organisation, which its factory saved.
    assert ("statement", after.pk, "updated") in [brief(entry) for entry in following]
    assert before.pk not in [entry["statement"] for entry in following]


@pytest.mark.parametrize(
    "since",
    ["garbage", "12-", "-12", "head-1", "1-2-3", "\uff11\uff12-3", "12-3\n", "9" * 20 + "-1"],
)
def test_a_malformed_cursor_is_a_400(api: APIClient, since: str) -> None:
    response = api.get(FEED, {"since": since})

    assert response.status_code == 400
    assert "since" in response.json()["errors"]


def test_a_cursor_ahead_of_the_clock_is_a_400(api: APIClient) -> None:
    ahead = timezone.now() + timedelta(hours=1)
    microseconds = (ahead - EPOCH) // timedelta(microseconds=1)

    response = api.get(FEED, {"since": f"{microseconds}-1"})

    assert response.status_code == 400
    assert response.json()["errors"]["since"] == [
        "This cursor is ahead of the feed: give one the feed gave."
    ]
    assert api.get(FEED, {"since": "9999999999999999999-1"}).status_code == 400


def test_an_unknown_parameter_of_the_feed_is_a_400(api: APIClient) -> None:
    response = api.get(FEED, {"sinse": "head"})

    assert response.status_code == 400
    assert "no parameter 'sinse'" in response.json()["errors"]["sinse"][0]
