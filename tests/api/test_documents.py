"""Each statement's API answer is built once, kept, and served from what was kept.

The workflow builds it when the statement changes; the task worker builds it anew when
something it shows changes elsewhere (tests/api/test_conditional_get.py makes each such
change through the admin and reads the API). Whatever is kept, the gate decides at
every request what may be served.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import Http404
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.documents import keep, kept_detail, kept_public_detail, rebuild_documents
from campaigns.models import EmbargoedRead, Statement, StatementDocument
from tests.factories import (
    DemandFactory,
    OrganisationFactory,
    SignatureFactory,
    StatementFactory,
    partner_key,
    withdraw_in_database_only,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/statements/"


def published(editor: User, **fields: Any) -> Statement:
    """A statement published through the workflow, as staff publish it."""
    statement = StatementFactory(approved=True, **fields)
    SignatureFactory(statement=statement)
    DemandFactory(statement=statement)
    statement.publish(by=editor)
    return statement


def test_publishing_builds_the_answer_and_the_api_serves_it(
    api: APIClient, editor: User, django_assert_num_queries: Any
) -> None:
    statement = published(editor, title="Free them now")

    document = StatementDocument.objects.get(statement=statement)
    assert (document.language, document.version) == (statement.language, statement.version)
    # Served from what was kept: the statement's row with its document, in one query.
    with django_assert_num_queries(1):
        detail = api.get(f"{LIST}{statement.pk}/")
    # A list also counts what matches.
    with django_assert_num_queries(2 + 1):
        listed = api.get(LIST, {"expand": "signatures"})
    assert detail.json()["title"] == "Free them now"
    assert detail.json()["url"] == f"http://testserver{LIST}{statement.pk}/"
    assert listed.json()["results"][0]["signatories"] == detail.json()["signatories"]


@pytest.mark.parametrize("page_size", [1, 5, 50])
def test_a_kept_page_costs_three_queries_whatever_its_size(
    api: APIClient, editor: User, django_assert_num_queries: Any, page_size: int
) -> None:
    for _ in range(50):
        StatementFactory(published=True)
    api.get(LIST, {"page_size": "50"})  # builds and keeps every answer

    # The count of what matches; the page of statements; their documents.
    for query in [{}, {"expand": "signatures,demands"}, {"fields": "title,body_html"}]:
        with django_assert_num_queries(3):
            response = api.get(LIST, {"page_size": str(page_size), **query})
        assert len(response.json()["results"]) == page_size


def test_a_statement_withdrawn_after_its_answer_was_kept_is_not_served(
    api: APIClient, editor: User
) -> None:
    statement = published(editor, title="MARKER withdrawn later", body="MARKER body")
    assert api.get(f"{LIST}{statement.pk}/").status_code == 200
    assert StatementDocument.objects.filter(statement=statement).exists()

    # Seen from another process: nothing here hears of it, the kept answer stays.
    withdraw_in_database_only(statement)

    assert StatementDocument.objects.filter(statement=statement).exists()
    detail = api.get(f"{LIST}{statement.pk}/")
    assert detail.status_code == 410
    for query in [{}, {"expand": "signatures,demands"}, {"fields": "title,body_html"}]:
        response = api.get(LIST, query)
        assert response.json()["results"] == []
        assert "MARKER" not in response.content.decode()
    assert "MARKER body" not in detail.content.decode()


def test_withdrawing_drops_the_kept_answer(api: APIClient, editor: User) -> None:
    statement = published(editor)

    statement.withdraw(by=editor, reason="Sent in error.")

    assert not StatementDocument.objects.filter(statement=statement).exists()
    assert api.get(f"{LIST}{statement.pk}/").status_code == 410


def test_an_answer_kept_from_an_older_row_is_built_anew(api: APIClient, editor: User) -> None:
    statement = published(editor, title="The first title")
    api.get(f"{LIST}{statement.pk}/")

    # Saved without any step that builds its answer (a data migration, a shell).
    statement.title = "The second title"
    statement.save()

    assert api.get(f"{LIST}{statement.pk}/").json()["title"] == "The second title"
    assert [row["title"] for row in api.get(LIST).json()["results"]] == ["The second title"]


def test_a_correction_keeps_the_new_version(api: APIClient, editor: User) -> None:
    statement = published(editor, body="On Monday.")
    statement.body = "On Tuesday."
    statement.save_correction("It said Monday.", by=editor)

    [document] = StatementDocument.objects.filter(statement=statement)
    assert document.version == 2
    answer = api.get(f"{LIST}{statement.pk}/").json()
    assert answer["version"] == 2
    assert answer["body_markdown"] == "On Tuesday."
    assert [correction["note"] for correction in answer["corrections"]] == ["It said Monday."]


def test_the_worker_rebuilds_what_changed_and_only_that(editor: User) -> None:
    renamed = OrganisationFactory(name="The old name")
    statement = published(editor, lead_organisation=renamed)
    other = published(editor)

    assert rebuild_documents.call([statement.pk, other.pk]) == 0
    renamed.name = "The new name"
    renamed.save()

    assert rebuild_documents.call([statement.pk, other.pk]) == 1
    document = StatementDocument.objects.get(statement=statement)
    assert b"The new name" in bytes(document.detail)
    assert b"The new name" in bytes(document.item)


def test_an_embargoed_read_of_a_kept_answer_is_logged(api: APIClient, editor: User) -> None:
    statement = StatementFactory(
        approved=True, title="Not yet", embargo_audience=Statement.EarlyReaders.PARTNERS
    )
    SignatureFactory(statement=statement)
    statement.publish(by=editor, at=timezone.now() + timedelta(days=1))
    assert StatementDocument.objects.filter(statement=statement).exists()
    key, secret = partner_key(can_read_embargoed=True)

    assert api.get(f"{LIST}{statement.pk}/").status_code == 404
    assert api.get(LIST).json()["results"] == []
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    detail = api.get(f"{LIST}{statement.pk}/").json()
    [item] = api.get(LIST).json()["results"]

    assert detail["embargoed"] is True
    assert item["embargo_until"] == detail["embargo_until"]
    assert EmbargoedRead.objects.filter(key=key, statement=statement).count() == 2


def test_the_public_detail_compiled_once_reads_what_the_gate_gives(editor: User) -> None:
    shown = published(editor, title="Shown")
    hidden = [
        StatementFactory(),
        StatementFactory(approved=True),
        StatementFactory(scheduled=True),
        StatementFactory(withdrawn=True),
    ]
    keep([shown.pk])

    def through_the_orm(identifier: int) -> tuple[int, bytes] | None:
        try:
            statement, detail = kept_detail(Statement.objects.published(), identifier)
        except Http404:
            return None
        return statement.pk, detail

    def compiled_once(identifier: int) -> tuple[int, bytes] | None:
        try:
            statement, detail = kept_public_detail(identifier)
        except Http404:
            return None
        return statement.pk, detail

    for identifier in [shown.pk, *(statement.pk for statement in hidden), 0]:
        assert compiled_once(identifier) == through_the_orm(identifier)
    assert compiled_once(shown.pk) is not None
    # Read from the row as kept_detail() reads it (Model.from_db), whatever the order the
    # SQL selects the columns in.
    statement, _detail = kept_public_detail(shown.pk)
    assert (statement.status, statement.language, statement.version) == ("published", "en", 1)
    assert statement.updated_at == Statement.objects.get(pk=shown.pk).updated_at


def test_the_public_detail_compiled_once_reads_the_clock_of_each_request(
    api: APIClient, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = published(editor)
    scheduled = StatementFactory(scheduled=True, publish_at=timezone.now() + timedelta(hours=1))
    assert api.get(f"{LIST}{shown.pk}/").status_code == 200  # the query compiled by now
    assert api.get(f"{LIST}{scheduled.pk}/").status_code == 404

    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)

    detail = api.get(f"{LIST}{scheduled.pk}/")
    assert detail.status_code == 200
    assert detail.json()["embargoed"] is False
