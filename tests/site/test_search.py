import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from pytest_django import DjangoAssertNumQueries

from campaigns.models import Statement
from campaigns.search import Search
from campaigns.views import SearchResultPaginator
from operations.pages import pages_changed
from tests.factories import LawFactory, OrganisationFactory, SignatureFactory, StatementFactory
from tests.site.reading import read

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


@pytest.mark.parametrize("prefix", ["", "/ru"])
@pytest.mark.parametrize("query", HOSTILE)
def test_an_empty_or_hostile_query_gets_a_calm_page(
    client: Client, query: str, prefix: str
) -> None:
    bilingual_statement()
    response = client.get(f"{prefix}/search/", {"q": query})
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


def bilingual_statement(**extra: object) -> Statement:
    """A published statement written in English and Russian, not in French."""
    return StatementFactory(
        published=True,
        title_en="Repeal the restrictive laws",
        standfirst_en="Eight organisations speak before the summit.",
        body_en="The laws on Magnitsky and foreign agents must go.",
        title_ru="Отменить ограничительные законы",
        standfirst_ru="Восемь организаций обращаются перед саммитом.",
        body_ru="Законы о Магнитском и иностранных агентах (Magnitsky) должны быть отменены.",  # noqa: RUF001
        **extra,
    )


def english_only_statement() -> Statement:
    """Written in English; its Russian title alone does not make it written in Russian."""
    return StatementFactory(
        published=True,
        title_en="Protect the defenders",
        body_en="The defenders of rights need protection.",
        title_ru="Защитить правозащитников: законы",
    )


def result_links(text: str) -> list[str]:
    return re.findall(r'<li>\n      <h2><a href="([^"]+)"', text)


@pytest.mark.parametrize(("word", "language"), [("законы", "ru"), ("Magnitsky", "en")])
def test_a_result_links_to_the_language_it_was_found_in(
    client: Client, word: str, language: str
) -> None:
    statement = bilingual_statement()
    english_only_statement()
    with translation.override(language):
        address = statement.get_absolute_url()

    response = client.get("/search/", {"q": word})

    assert "Statements (1)" in response.text
    assert result_links(response.text) == [address]
    title = getattr(statement, f"title_{language}")
    assert f'hreflang="{language}" lang="{language}">{title}</a>' in response.text


def test_a_match_in_the_readers_language_links_to_the_readers_page(client: Client) -> None:
    # "Magnitsky" is in both texts: a Russian reader is sent to the Russian page.
    statement = bilingual_statement()
    with translation.override("ru"):
        russian = statement.get_absolute_url()
    english = statement.get_absolute_url()

    assert result_links(client.get("/search/", {"q": "Magnitsky"}).text) == [english]
    assert result_links(client.get("/ru/search/", {"q": "Magnitsky"}).text) == [russian]
    # There is no French page, and a French reader is not sent to one.
    assert result_links(client.get("/fr/search/", {"q": "Magnitsky"}).text) == [english]


def test_a_statement_is_not_found_through_a_language_it_is_not_written_in(
    client: Client,
) -> None:
    english_only_statement()
    # Its Russian title has the word, but it has no Russian page to find.
    assert "Statements (0)" in client.get("/search/", {"q": "законы"}).text
    assert "Statements (1)" in client.get("/search/", {"q": "defenders"}).text


def test_laws_and_organisations_are_found_in_each_language(client: Client) -> None:
    LawFactory(common_title_en="Treason law", summary_ru="Расширяет понятие госизмены.")
    organisation = OrganisationFactory(name_en="Rights Watch", name_ru="Наблюдатель")
    SignatureFactory(statement=StatementFactory(published=True), organisation=organisation)

    laws = client.get("/search/", {"q": "госизмены", "in": "laws"}).text
    assert "Laws (1)" in laws
    assert '<p class="headline" lang="ru">' in laws
    assert "<mark>госизмены</mark>" in laws
    organisations = client.get("/search/", {"q": "Наблюдатель", "in": "organisations"}).text
    assert "Organisations (1)" in organisations
    assert f'href="{organisation.get_absolute_url()}"' in organisations


@on_postgresql
def test_statements_are_stemmed_in_each_language_they_are_written_in(client: Client) -> None:
    statement = bilingual_statement()
    english_only_statement()
    StatementFactory(
        published=True,
        title_en="",
        body_en="",
        standfirst_en="",
        title_fr="Défendre les libertés",
        body_fr="Le texte.",
    )
    with translation.override("ru"):
        russian = statement.get_absolute_url()

    # "законам" finds "законы" only with Russian stemming, and only in Russian text.
    found = client.get("/search/", {"q": "законам"}).text
    assert result_links(found) == [russian]
    assert "<mark>Законы</mark>" in found
    assert "foreign agents" not in found  # the snippet is the Russian text
    # "law" finds "laws" only with English stemming; the result is the English page.
    found = client.get("/search/", {"q": "law"}).text
    assert result_links(found) == [statement.get_absolute_url()]
    assert "<mark>laws</mark>" in found
    # "liberté" finds "libertés" in French.
    assert "Défendre les libertés" in client.get("/search/", {"q": "liberté"}).text


@on_postgresql
def test_laws_and_organisations_are_stemmed_in_each_language(client: Client) -> None:
    LawFactory(common_title_ru="Закон об иностранных агентах")  # noqa: RUF001
    organisation = OrganisationFactory(
        name_en="Memorial", description_fr="Elle défend les libertés publiques."
    )
    SignatureFactory(statement=StatementFactory(published=True), organisation=organisation)

    assert "Laws (1)" in client.get("/search/", {"q": "агент"}).text
    assert "Organisations (1)" in client.get("/search/", {"q": "liberté"}).text
    # Names are not stemmed, but are found whole.
    assert "Organisations (1)" in client.get("/search/", {"q": "memorial"}).text


@pytest.mark.parametrize("size", [1, 25])
def test_the_search_page_costs_the_same_whatever_it_finds(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, size: int
) -> None:
    for _number in range(size):
        bilingual_statement()
        english_only_statement()
        LawFactory(common_title_en="Laws", summary_ru="Законы")
    # counts of laws and organisations found; the statements found, no further than the
    # list's depth: counted and ranked in one query where the text is searched in full,
    # else counted, then the ids of the page's; those rows; next publish time.
    with django_assert_num_queries(5 if connection.vendor == "postgresql" else 6):
        response = client.get("/ru/search/", {"q": "законы"})
    assert len(result_links(response.text)) == min(size, 20)


def test_when_more_match_than_the_depth_the_newest_are_ranked(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SearchResultPaginator, "depth", 3)
    now = timezone.now()
    # The oldest ranks best (the word in its title), but is not among the newest three.
    StatementFactory(
        published=True, publish_at=now - timedelta(days=10), title="Summit", body="Summit."
    )
    for days in range(1, 5):
        StatementFactory(
            published=True,
            publish_at=now - timedelta(days=days),
            title=f"Statement {days}",
            body="The summit is mentioned.",
        )
    response = client.get("/search/", {"q": "summit"})
    assert "Statements (more than 3)" in response.text
    assert "More than 3 statements hold these words: the newest 3 are ranked." in response.text
    assert result_titles(response.text) == ["Statement 1", "Statement 2", "Statement 3"]
    assert client.get("/search/", {"q": "summit", "page": "2"}).status_code == 200

    # At the depth or below, every match is ranked.
    monkeypatch.setattr(SearchResultPaginator, "depth", 5)
    pages_changed()  # pages kept at the other depth go
    response = client.get("/search/", {"q": "summit"})
    assert "Statements (5)" in response.text
    assert "More than" not in response.text
    assert "Summit" in result_titles(response.text)


@on_postgresql
def test_another_section_counts_the_statements_found_without_ranking_them(
    client: Client,
) -> None:
    StatementFactory(published=True, title="Summit", body="Summit.")
    StatementFactory(published=True, title="Other", body="A summit.")
    LawFactory(common_title_en="Summit law")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": "summit", "in": "laws"})
    assert "Statements (2)" in response.text
    assert "Summit law" in response.text
    assert not [query for query in queries.captured_queries if "row_number()" in query["sql"]]
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": "summit"})
    assert "Statements (2)" in response.text
    assert result_titles(response.text) == ["Summit", "Other"]
    assert [query for query in queries.captured_queries if "row_number()" in query["sql"]]


def result_titles(page: str) -> list[str]:
    return re.findall(r'<h2><a href="/statements/[^"]+"[^>]*>([^<]+)</a>', page)


@on_postgresql
def test_a_statement_is_found_by_its_text_as_it_is_now() -> None:
    statement = StatementFactory(published=True, title="Summit", body="The first text.")
    search = Search("amended", language="en")
    assert not search.statements(Statement.objects.published()).exists()
    statement.body_en = "The amended text."
    statement.save()
    assert list(search.statements(Statement.objects.published())) == [statement]
    # Not written in Russian: no Russian vector, so nothing is found through it.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector_en IS NULL, search_vector_ru IS NULL"
            " FROM campaigns_statement WHERE id = %s",
            [statement.pk],
        )
        assert cursor.fetchone() == (False, True)


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
    bilingual_statement()
    search = Search("summit", language="ru")
    # Without the publication filter, whose own index the planner may prefer on a tiny table.
    statements = search.statements(Statement.objects.all())
    laws = search.laws()
    organisations = search.organisations()
    with connection.cursor() as cursor:
        # On a tiny table a scan is cheaper; forbid it to see whether an index can serve.
        cursor.execute("SET enable_seqscan = off")
        statement_plan = statements.explain()
        law_plan = laws.explain()
        organisation_plan = organisations.explain()
        cursor.execute("SET enable_seqscan = on")
    # A match in any language: each language's index serves its part of the query.
    for language in Statement.language_codes():
        assert f"statement_search_{language}_idx" in statement_plan
        assert f"law_search_{language}_idx" in law_plan
        assert f"organisation_search_{language}_idx" in organisation_plan


@on_postgresql
def test_the_searches_compiled_once_find_what_the_orm_finds_at_each_moment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The ranking and the counts are compiled once per process with stand-ins for the
    words and the clock: each search gets its own words' answer, as the gate gives it at
    the moment it runs."""
    shown = StatementFactory(published=True, title="Parliament gags the press")
    SignatureFactory(statement=shown, organisation__name="Press Guild")
    scheduled = StatementFactory(
        scheduled=True,
        publish_at=timezone.now() + timedelta(hours=1),
        title="Parliament gags the unions",
    )
    SignatureFactory(statement=scheduled, organisation__name="Union Guild")
    for hidden in ("approved", "withdrawn", "in_review"):
        SignatureFactory(
            statement=StatementFactory(**{hidden: True}, title=f"Parliament gags {hidden}"),
            organisation__name=f"Guild {hidden}",
        )
    LawFactory(common_title="Law on the press guilds", summary="Parliament licenses the press.")

    def through_the_orm(text: str) -> tuple[list[int], int, int]:
        search = Search(text, language="en")
        # Best first, then newest.
        found = search.statements(Statement.objects.published())
        return (
            list(found.values_list("pk", flat=True)),
            search.laws(ranked=False).count(),
            search.organisations(ranked=False).count(),
        )

    def compiled_once(text: str) -> tuple[list[int], int, int]:
        search = Search(text, language="en")
        return (
            [pk for pk, _language in search.ranking(SearchResultPaginator.depth)],
            search.count("laws"),
            search.count("organisations"),
        )

    texts = ["parliament", "press", "guild", "unions", '"gags the" -unions', "nothing"]
    for text in texts:
        assert compiled_once(text) == through_the_orm(text)
    assert compiled_once("guild") == ([], 1, 1)  # Press Guild; the union's not yet public
    assert compiled_once("parliament")[0] == [shown.pk]

    # Its publish time passes after the queries were compiled: found, and its signatory.
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    for text in texts:
        assert compiled_once(text) == through_the_orm(text)
    assert compiled_once("guild") == ([], 1, 2)
    assert sorted(compiled_once("parliament")[0]) == sorted([shown.pk, scheduled.pk])


@on_postgresql
def test_every_language_has_its_search_indexes() -> None:
    # A language added to LANGUAGES needs a migration creating its indexes (see 0010).
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_search_%%'")
        names = {name for (name,) in cursor.fetchall()}
    for language in Statement.language_codes():
        for model in ("statement", "law", "organisation"):
            assert f"{model}_search_{language}_idx" in names


@on_postgresql
def test_every_languages_vector_is_kept_in_the_row() -> None:
    # Ranking reads each match's vector: from the row, not from TOAST (migration 0027).
    # A vector column added or made again needs its storage set too.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = "
            "'campaigns_statement'::regclass AND attname LIKE 'search_vector_%%'"
        )
        storage = dict(cursor.fetchall())
    assert storage == {f"search_vector_{language}": "m" for language in Statement.language_codes()}


def headline_of(page: str) -> str:
    """The first result's snippet, as HTML."""
    found = re.search(r'<p class="headline" lang="\w+">(.*?)</p>', page, re.DOTALL)
    assert found, page
    return found.group(1)


def test_a_snippet_is_taken_from_the_text_as_read(client: Client) -> None:
    StatementFactory(
        published=True,
        standfirst="",
        body=(
            "## The summit\n\nLeaders **must** act on [the summit](https://example.org/summit)"
            " and `free` the _defenders_.\n\n- one\n- two"
        ),
    )
    snippet = headline_of(client.get("/search/", {"q": "summit"}).text)
    assert snippet == (
        "The <mark>summit</mark> Leaders must act on the <mark>summit</mark> and free the "
        "defenders. one two"
    )


def test_a_snippet_starts_and_ends_on_word_boundaries(client: Client) -> None:
    words = [f"{'long' * (number % 3 + 1)}{number}" for number in range(120)]
    words[60] = "Magnitsky"
    StatementFactory(published=True, standfirst="", body=" ".join(words))

    snippet = headline_of(client.get("/search/", {"q": "magnitsky"}).text)

    assert snippet.startswith("… ") and snippet.endswith(" …")
    shown = snippet.removeprefix("… ").removesuffix(" …").split(" ")
    assert "<mark>Magnitsky</mark>" in shown
    # Whole words, in the order of the text, none cut.
    first = words.index(shown[0])
    text = [word.replace("<mark>", "").replace("</mark>", "") for word in shown]
    assert text == words[first : first + len(shown)]
    assert 200 <= len(" ".join(text)) <= 240


def test_a_short_text_is_shown_whole_without_ellipsis(client: Client) -> None:
    StatementFactory(published=True, standfirst="Before the summit.", body="Leaders act.")
    snippet = headline_of(client.get("/search/", {"q": "summit"}).text)
    assert snippet == "Before the <mark>summit</mark>. Leaders act."


@pytest.mark.parametrize(
    ("query", "language"),
    [
        ("World Alliance for Citizen Participation", "en"),
        ("citizen participation", "fr"),
        ("CIVICUS", "ru"),
    ],
)
def test_an_organisation_is_found_by_its_other_names(
    client: Client, query: str, language: str
) -> None:
    civicus = OrganisationFactory(
        name="CIVICUS", short_name="", other_names="World Alliance for Citizen Participation"
    )
    SignatureFactory(statement=StatementFactory(published=True), organisation=civicus)
    OrganisationFactory(name="Citizen Participation Watch")  # nothing public

    prefix = "" if language == "en" else f"/{language}"
    page = client.get(f"{prefix}/search/", {"q": query, "in": "organisations"}).text

    assert re.findall(r'<h2><a href="(/[^"]+)"', page) == [civicus.get_absolute_url()]


def test_the_search_fields_error_is_the_one_it_names(client: Client) -> None:
    page = read(client.get("/search/", {"q": "x" * 201}))
    field = page.find("input", name="q")
    assert field.attrs["aria-invalid"] == "true"
    (error,) = [
        element
        for tag in ("p", "div", "span")
        for element in page.find_all(tag)
        if element.attrs.get("id") == field.attrs["aria-describedby"]
    ]
    assert error.text == "Please shorten your search to at most 200 characters."
