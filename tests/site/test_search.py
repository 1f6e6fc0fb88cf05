import pytest
from django.db import connection
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from tests.factories import LawFactory, OrganisationFactory, SignatureFactory, StatementFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="full-text search with text-search configurations needs PostgreSQL",
)

HOSTILE = [
    "",
    "   ",
    "&|!:*()",
    "!!!",
    "foreign & | ! agents:*",
    "'unbalanced \" quotes",
    "<script>alert(1)</script>",
    "a\x00b",
    "\x00",
    "x" * 200,
    "word " * 40,
    "-",
    "or or or",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_an_empty_or_hostile_query_gets_a_calm_page(client: Client, query: str) -> None:
    StatementFactory(published=True, title="Foreign agents law must go")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert" not in response.text


def test_a_query_too_long_is_refused_politely(client: Client) -> None:
    response = client.get("/search/", {"q": "x" * 201})
    assert response.status_code == 200
    assert "Please shorten your search to at most 200 characters." in response.text


def test_search_finds_published_statements_laws_and_public_organisations(client: Client) -> None:
    statement = StatementFactory(published=True, title="Repeal the treason amendments")
    SignatureFactory(statement=statement, organisation__name="Treason Watch")
    StatementFactory(title="Treason draft, not public")
    LawFactory(common_title="Treason law", summary="Widens the definition of treason.")
    OrganisationFactory(name="Treason Hidden Group")

    response = client.get("/search/", {"q": "treason"})
    assert "Statements (1)" in response.text
    assert "Laws (1)" in response.text
    assert "Organisations (1)" in response.text
    assert "Repeal the treason amendments" in response.text
    assert "not public" not in response.text

    laws = client.get("/search/", {"q": "treason", "in": "laws"})
    assert "Treason law" in laws.text
    assert "<mark>" in laws.text
    organisations = client.get("/search/", {"q": "treason", "in": "organisations"})
    assert "Treason Watch" in organisations.text
    assert "Treason Hidden Group" not in organisations.text


def test_search_results_are_paginated(client: Client) -> None:
    StatementFactory.create_batch(21, published=True, title="Summit statement")
    first = client.get("/search/", {"q": "summit"})
    assert first.text.count('<li>\n      <h2><a href="/statements/') == 20
    assert 'rel="next" href="?q=summit&amp;in=statements&amp;page=2"' in first.text
    second = client.get("/search/", {"q": "summit", "in": "statements", "page": "2"})
    assert second.text.count('<li>\n      <h2><a href="/statements/') == 1


def test_highlights_are_escaped_text_with_marks(client: Client) -> None:
    StatementFactory(published=True, body="Leaders <b>must</b> act on the summit.")
    response = client.get("/search/", {"q": "summit"})
    # PostgreSQL's headline drops the tag, the fallback shows it as text; neither runs it.
    assert "<b>must</b>" not in response.text
    assert "must" in response.text
    assert "<mark>summit</mark>" in response.text


@on_postgresql
def test_statements_are_stemmed_in_their_own_language(client: Client) -> None:
    StatementFactory(published=True, language="ru", title="Закон об иностранных агентах")  # noqa: RUF001
    StatementFactory(published=True, language="fr", title="Défendre les libertés")
    StatementFactory(published=True, language="en", title="Organisations are demanding")

    # "агент" matches "агентах" only with Russian stemming.
    assert "Statements (1)" in client.get("/search/", {"q": "агент"}).text
    # Inflected forms are found in each language: "liberté", "demand".
    assert "Défendre les libertés" in client.get("/search/", {"q": "liberté"}).text
    assert "Organisations are demanding" in client.get("/search/", {"q": "demand"}).text


@on_postgresql
def test_results_are_ranked_title_before_text(client: Client) -> None:
    StatementFactory(published=True, title="Other matter", body="The summit is mentioned here.")
    StatementFactory(published=True, title="Summit in Brussels", body="Nothing else.")
    text = client.get("/search/", {"q": "summit"}).text
    assert text.index("Summit in Brussels") < text.index("Other matter")


@on_postgresql
def test_the_search_indexes_serve_the_search(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    from campaigns.models import Statement
    from campaigns.search import Search

    StatementFactory.create_batch(3, published=True)
    # Without the publication filter, whose own index the planner may prefer on a tiny table.
    statements = Search("summit").statements(Statement.objects.all())
    laws = Search("summit").laws()
    with connection.cursor() as cursor:
        # On a tiny table a scan is cheaper; forbid it to see whether an index can serve.
        cursor.execute("SET enable_seqscan = off")
        statement_plan = statements.explain()
        law_plan = laws.explain()
        cursor.execute("SET enable_seqscan = on")
    assert "statement_search_" in statement_plan
    assert "law_search_idx" in law_plan
