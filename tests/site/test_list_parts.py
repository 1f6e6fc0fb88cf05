"""What the statement list keeps below the page cache (operations/fragments.py): its
years, its count under each filter and each statement's row are made once per content
version, and a list built afresh reads only the ids of its page through the publication
gate; a withdrawal, a correction or a draft never shows through a kept row."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from tests.factories import StatementFactory, withdraw_in_database_only
from tests.site.reading import read

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_never_answers")]


def listed(client: Client, query: str = "") -> list[str]:
    response = client.get(f"/statements/{query}")
    assert response.status_code == 200
    return [item.find("h3").text for item in read(response).find_all("article")]


def test_a_list_built_afresh_reads_only_the_ids_of_its_page(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for number in range(3):
        StatementFactory(published=True, title=f"Statement {number}")
    first = client.get("/statements/")

    # The ids and versions of the page's statements, through the publication gate: the
    # years, the count and the rows are kept, and the next publish time is known.
    with django_assert_num_queries(1):
        again = client.get("/statements/")

    assert again.content == first.content
    assert again.text.count('class="statement-item"') == 3


def test_a_row_kept_for_one_list_is_shown_by_another(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    statement = StatementFactory(published=True, title="Shown twice")
    assert listed(client) == ["Shown twice"]

    # Another filter: counted anew, its statement's row kept.
    with django_assert_num_queries(2):
        assert listed(client, f"?year={statement.issued_on.year}") == ["Shown twice"]


def test_a_statement_withdrawn_leaves_a_list_built_afresh_before_any_change_is_heard_of(
    client: Client,
) -> None:
    kept = StatementFactory(published=True, title="Still public")
    withdrawn = StatementFactory(published=True, title="To be withdrawn")
    assert sorted(listed(client)) == ["Still public", "To be withdrawn"]

    # Another process withdraws it, and this one has heard of no change: its row is
    # still kept under the same content version, but the list asks the gate first.
    withdraw_in_database_only(withdrawn)

    assert listed(client) == [kept.title]


def test_a_list_built_afresh_never_keeps_its_count_or_years_past_the_next_publish_time(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    StatementFactory(published=True, title="Public", issued_on=date(2025, 3, 1))
    StatementFactory(scheduled=True, title="Under embargo", issued_on=date(2026, 3, 1))
    page = client.get("/statements/").text
    assert "1 statement" in page
    assert "Under embargo" not in page
    assert '<option value="2026">' not in page

    # Its publish time comes: no change is saved, yet the list counts and shows it.
    later = timezone.now() + timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    page = client.get("/statements/").text
    assert "2 statements" in page
    assert "Under embargo" in page
    assert '<option value="2026">' in page


def test_staff_never_get_a_row_kept_for_the_public(client: Client, editor: User) -> None:
    StatementFactory(published=True)
    assert "Edit in the admin" not in client.get("/statements/").text

    client.force_login(editor)
    assert "Edit in the admin" in client.get("/statements/").text
