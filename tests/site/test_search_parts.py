"""What a search keeps below the page cache (operations/fragments.py): its ranking and its
counts are read once per content version for every page and section of it, and a search
page built afresh reads only its own rows, through the publication gate; a withdrawal or
a publish time never goes unseen through a kept ranking."""

from collections.abc import Iterator
from datetime import timedelta
from itertools import count

import pytest
from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from operations import fragments, pages
from tests.factories import StatementFactory, withdraw_in_database_only
from tests.site.reading import read

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the ranking is PostgreSQL's full-text search"
    ),
]


@pytest.fixture(autouse=True)
def page_cache_never_answers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every request its own page key, as for a page whose entry has expired: the page
    is built by its view each time, and only the parts kept below the cache may answer."""
    page_key = pages.page_key
    requests = count()

    def own_page_key(request: HttpRequest, version: str) -> str:
        return f"{page_key(request, version)}:{next(requests)}"

    monkeypatch.setattr(pages, "page_key", own_page_key)
    fragments.forget()
    yield
    fragments.forget()


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

    # The page's statements by their ids, through the publication gate, with the
    # language each was found in and its headline. The ranking and the counts of each
    # section are kept, and the next publish time is known.
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
