from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from campaigns.models import EmbargoedRead, Signature, Statement
from lib.markdown import render_markdown
from tests.admin_pages import admin_url, form_data
from tests.factories import (
    DemandFactory,
    LawFactory,
    SignatureFactory,
    StatementFactory,
    partner_key,
)

pytestmark = pytest.mark.django_db

HIDDEN_TRAITS = ["draft", "in_review", "approved", "scheduled", "withdrawn"]


def hidden(trait: str) -> Statement:
    traits = {} if trait == "draft" else {trait: True}
    statement = StatementFactory(**traits)
    SignatureFactory(statement=statement)
    DemandFactory(statement=statement, law=LawFactory())
    return statement


def ids(response: object) -> list[int]:
    return [row["id"] for row in response.json()["results"]]  # type: ignore[attr-defined]


@pytest.mark.parametrize("trait", HIDDEN_TRAITS)
def test_statements_not_public_are_invisible(api: APIClient, trait: str) -> None:
    public = hidden("published")
    secret = hidden(trait)
    law = LawFactory()
    DemandFactory(statement=secret, law=law)

    assert ids(api.get("/api/v1/statements/")) == [public.pk]
    for ordering in ["publish_at", "-updated_at", "updated_at"]:
        listed = ids(api.get("/api/v1/statements/", {"ordering": ordering}))
        assert secret.pk not in listed
    assert ids(api.get("/api/v1/statements/", {"law": law.pk})) == []
    # A withdrawn statement answers 410 with its notice (tested below), nothing more.
    assert api.get(f"/api/v1/statements/{secret.pk}/").status_code == (
        410 if trait == "withdrawn" else 404
    )
    assert ids(api.get("/api/v1/demands/")) == [public.demands.get().pk]


def test_only_confirmed_signatures_are_shown(api: APIClient) -> None:
    statement = StatementFactory(published=True)
    confirmed = SignatureFactory(statement=statement)
    SignatureFactory(statement=statement, status=Signature.Status.PENDING)
    SignatureFactory(statement=statement, status=Signature.Status.DECLINED)

    body = api.get(f"/api/v1/statements/{statement.pk}/").json()

    assert [row["organisation"]["id"] for row in body["signatories"]] == [confirmed.organisation_id]
    assert body["body_markdown"] == statement.body
    assert body["body_html"] == render_markdown(statement.body)
    assert body["embargoed"] is False


def test_embargo_scope_sees_scheduled_statements_and_each_read_is_logged(
    api: APIClient,
) -> None:
    scheduled = hidden("scheduled")
    key, secret = partner_key(can_read_embargoed=True)
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")

    listed = api.get("/api/v1/statements/")
    detail = api.get(f"/api/v1/statements/{scheduled.pk}/")

    assert ids(listed) == [scheduled.pk]
    assert detail.json()["embargoed"] is True
    assert detail.json()["embargo_until"] is not None
    assert detail["Cache-Control"] == "private, no-store"
    assert EmbargoedRead.objects.filter(statement=scheduled, key=key).count() == 2


def test_a_key_without_the_embargo_scope_sees_no_scheduled_statement(api: APIClient) -> None:
    scheduled = hidden("scheduled")
    _, secret = partner_key()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")

    assert ids(api.get("/api/v1/statements/")) == []
    assert api.get(f"/api/v1/statements/{scheduled.pk}/").status_code == 404


@pytest.mark.parametrize("problem", ["unknown", "revoked", "expired"])
def test_a_bad_key_is_refused_not_ignored(api: APIClient, problem: str) -> None:
    if problem == "unknown":
        secret = "nothing.atall"
    else:
        fields = (
            {"revoked": True}
            if problem == "revoked"
            else {"expiry_date": timezone.now() - timedelta(days=1)}
        )
        _, secret = partner_key(**fields)
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")

    response = api.get("/api/v1/statements/")

    assert response.status_code == 401
    assert "detail" in response.json()


def test_the_cursor_walks_every_statement_once(api: APIClient) -> None:
    statements = [StatementFactory(published=True) for _ in range(5)]
    seen: list[int] = []
    url: str | None = "/api/v1/statements/?page_size=2"
    while url:
        page = api.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]

    assert sorted(seen) == sorted(statement.pk for statement in statements)
    assert len(seen) == 5


@pytest.mark.parametrize(
    "query",
    [
        {"language": "xx"},
        {"kind": "poem"},
        {"law": "999999"},
        {"law": "abc"},
        {"country": "ZZ"},
        {"updated_since": "yesterday"},
        {"updated_since": "9999-12-31T23:59:59-17:00"},  # past the calendar's end in UTC
        {"cursor": "not-a-cursor"},
        {"cursor": "cD1ub3QtYS1kYXRl"},  # a position that is not a date
        {"page_size": "1000"},
        {"page_size": "0"},
        {"ordering": "title"},
    ],
)
def test_bad_input_gets_a_400_that_says_what_is_wrong(
    api: APIClient, query: dict[str, str]
) -> None:
    StatementFactory(published=True)

    response = api.get("/api/v1/statements/", query)

    assert response.status_code == 400
    assert response.json()["errors"]


def test_filters(api: APIClient) -> None:
    law = LawFactory(country="BY")
    about_law = StatementFactory(published=True, language="fr")
    DemandFactory(statement=about_law, law=law)
    other = StatementFactory(published=True)
    signer = SignatureFactory(statement=other).organisation

    assert ids(api.get("/api/v1/statements/", {"law": law.pk})) == [about_law.pk]
    assert ids(api.get("/api/v1/statements/", {"country": "BY"})) == [about_law.pk]
    assert ids(api.get("/api/v1/statements/", {"language": "fr"})) == [about_law.pk]
    assert ids(api.get("/api/v1/statements/", {"organisation": signer.pk})) == [other.pk]
    assert ids(api.get("/api/v1/statements/", {"campaign": other.campaign_id})) == [other.pk]
    assert ids(api.get("/api/v1/laws/", {"country": "BY"})) == [law.pk]
    future = (timezone.now() + timedelta(days=1)).isoformat()
    assert ids(api.get("/api/v1/statements/", {"updated_since": future})) == []


def test_conditional_get_answers_304(
    api: APIClient, admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    statement = StatementFactory(published=True)
    first = api.get(f"/api/v1/statements/{statement.pk}/")

    again = api.get(f"/api/v1/statements/{statement.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
    since = api.get(
        f"/api/v1/statements/{statement.pk}/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    # Changed as staff change it: through the admin (tests/api/test_conditional_get.py).
    data = form_data(admin_client.get(admin_url(statement, "change")), "statement")
    data["title_en"] = "Changed"
    data["change_kind"] = "silent_fix"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(admin_url(statement, "change"), data).status_code == 302
    changed = api.get(f"/api/v1/statements/{statement.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert since.status_code == 304
    assert changed.status_code == 200


def test_schema_is_valid_without_warnings() -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_a_withdrawn_statement_answers_410_with_the_notice(api: APIClient) -> None:
    statement = hidden("withdrawn")

    response = api.get(f"/api/v1/statements/{statement.pk}/")

    notice = response.json()
    assert response.status_code == 410
    assert set(notice) == {"detail", "title", "issued_on", "withdrawn_at", "reason"}
    assert notice["title"] == statement.title
    assert notice["issued_on"] == str(statement.issued_on)
    assert notice["reason"] == statement.withdrawal_reason != ""
    assert parse_datetime(notice["withdrawn_at"]) == statement.withdrawn_at
    assert statement.body not in response.text


@pytest.mark.parametrize("trait", ["draft", "in_review", "approved", "scheduled"])
def test_a_statement_not_yet_public_answers_as_one_that_never_existed(
    api: APIClient, trait: str
) -> None:
    statement = hidden(trait)
    never = api.get("/api/v1/statements/999999999/")

    response = api.get(f"/api/v1/statements/{statement.pk}/")

    assert response.status_code == never.status_code == 404
    assert response.json() == never.json()
    assert statement.title not in response.text


def test_any_offset_python_reads_is_compared_in_utc(api: APIClient) -> None:
    # PostgreSQL itself refuses offsets beyond 15:59; the filter hands it UTC.
    statement = StatementFactory(published=True)

    listed = api.get("/api/v1/statements/", {"updated_since": "2000-01-01T00:00:00-17:09"})
    later = api.get("/api/v1/statements/", {"updated_since": "9000-01-01T00:00:00+23:59"})

    assert ids(listed) == [statement.pk]
    assert ids(later) == []
