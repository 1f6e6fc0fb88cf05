"""What a search keeps below the page cache (operations/fragments.py): its ranking and its
counts are read once per content version for every page and section of it, and each
statement's rendered result; a search page built afresh asks the publication gate which
of its statements are still public, in which version, and reads only those whose result
is not kept; a withdrawal, a new version or a publish time never goes unseen through
what is kept."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from campaigns.models import Statement
from operations import fragments
from tests.factories import StatementFactory, withdraw_in_database_only
from tests.site.reading import read

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("page_cache_never_answers"),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the ranking is PostgreSQL's full-text search"
    ),
]


def found(client: Client, query: str = "q=summit") -> list[str]:
    response = client.get(f"/search/?{query}")
    assert response.status_code == 200
    results = read(response).find_all("ol", class_="results")
    return [heading.text.strip() for ol in results for heading in ol.find_all("h2")]


def test_a_search_built_afresh_reads_only_its_pages_rows(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for number in range(3):
        StatementFactory(published=True, title=f"Summit {number}", body="The summit.")
    first = client.get("/search/?q=summit")

    # Which of the page's statements are still public, and in which version, through
    # the publication gate: their results are kept, as are the ranking and the counts of
    # each section, and the next publish time is known.
    with django_assert_num_queries(1):
        again = client.get("/search/?q=summit")
    assert again.content == first.content

    # Another section of the same search: its own rows, the counts kept.
    with django_assert_num_queries(1):
        assert client.get("/search/?q=summit&in=laws").status_code == 200


def test_a_statement_withdrawn_leaves_a_search_built_afresh_before_any_change_is_heard_of(
    client: Client,
) -> None:
    StatementFactory(published=True, title="Summit in Brussels", body="The summit.")
    withdrawn = StatementFactory(published=True, title="Summit to withdraw", body="The summit.")
    assert sorted(found(client)) == ["Summit in Brussels", "Summit to withdraw"]

    # Another process withdraws it, and this one has heard of no change: the ranking is
    # still kept under the same content version, but the rows are read through the gate.
    withdraw_in_database_only(withdrawn)

    assert found(client) == ["Summit in Brussels"]


def test_a_kept_ranking_never_outlives_the_next_publish_time(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    StatementFactory(published=True, title="Summit in Brussels", body="The summit.")
    StatementFactory(scheduled=True, title="Summit under embargo", body="The summit.")
    assert found(client) == ["Summit in Brussels"]

    # Its publish time comes: no change is saved, yet the search finds it.
    later = timezone.now() + timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert sorted(found(client)) == ["Summit in Brussels", "Summit under embargo"]


def test_a_new_version_shows_in_a_search_built_afresh_before_any_change_is_heard_of(
    client: Client,
) -> None:
    statement = StatementFactory(published=True, title="Summit", body="The summit is on Monday.")
    assert "on Monday" in client.get("/search/?q=summit").text

    # Another process corrects it, and this one has heard of no change: the result kept
    # is of the version before, which the gate no longer finds public.
    Statement.objects.filter(pk=statement.pk).update(
        body="The summit is on Tuesday.", version=statement.version + 1
    )
    page = client.get("/search/?q=summit").text
    assert "on Tuesday" in page
    assert "on Monday" not in page


def test_a_result_is_kept_for_the_words_it_marks(client: Client) -> None:
    StatementFactory(published=True, title="Summit", body="The summit in Brussels.")
    summit = client.get("/search/?q=summit").text
    brussels = client.get("/search/?q=brussels").text

    assert "The <mark>summit</mark> in Brussels." in summit
    assert "The summit in <mark>Brussels</mark>." in brussels


def test_staff_never_get_results_kept_for_the_public(client: Client, editor: User) -> None:
    StatementFactory(published=True, title="Summit", body="The summit.")

    def kept_results() -> list[str]:
        return [address for address in fragments._kept if ":search-result:" in address]

    client.force_login(editor)
    assert found(client) == ["Summit"]
    assert kept_results() == []

    client.logout()
    assert found(client) == ["Summit"]
    assert len(kept_results()) == 1
