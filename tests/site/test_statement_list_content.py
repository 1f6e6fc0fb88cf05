"""/statements/: each filter narrows the list to what it names, and nothing breaks it."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client

from campaigns.forms import NamedRowField, StatementFilterForm
from campaigns.models import Signature, Statement
from organisations.models import Organisation
from tests.factories import (
    CampaignFactory,
    DemandFactory,
    LawFactory,
    OrganisationFactory,
    SignatureFactory,
    StatementFactory,
)
from tests.site.reading import read

pytestmark = pytest.mark.django_db


def listed(client: Client, query: str = "") -> list[str]:
    """The titles /statements/ lists, in its order."""
    response = client.get(f"/statements/{query}")
    assert response.status_code == 200, query
    return [
        item.find("h3").text for item in read(response).find_all("article", class_="statement-item")
    ]


@pytest.fixture
def statements() -> dict[str, Statement]:
    """Four published statements that differ in one thing each, and hidden ones that match all."""
    russia = CampaignFactory(slug="russia", country="RU", title="Foreign agents in Russia")
    kazakhstan = CampaignFactory(slug="kazakhstan", country="KZ")
    signer = OrganisationFactory(slug="signer", name="Civic Solidarity Platform")
    libel_law = LawFactory(country="BY", slug="libel", official_title="Criminal libel act")

    def statement(title: str, year: int, **fields: object) -> Statement:
        return StatementFactory(
            published=True, title=title, publish_at=datetime(year, 6, 1, tzinfo=UTC), **fields
        )

    made = {
        "russian": statement("Russian release", 2012, campaign=russia),
        "letter": statement("Open letter", 2013, campaign=russia, kind=Statement.Kind.OPEN_LETTER),
        "french": statement("Déclaration", 2014, campaign=kazakhstan, language="fr"),
        "briefing": statement(
            "Briefing on libel", 2015, campaign=kazakhstan, kind=Statement.Kind.BRIEFING
        ),
    }
    SignatureFactory(statement=made["russian"], organisation=signer)
    SignatureFactory(statement=made["french"], organisation=signer)
    # A signature that is not confirmed does not put a statement under its organisation.
    SignatureFactory(statement=made["letter"], organisation=signer, status=Signature.Status.PENDING)
    DemandFactory(statement=made["briefing"], law=libel_law)
    # Statements the public may not see match every filter, and must never be listed.
    for traits in ({}, {"in_review": True}, {"approved": True}, {"scheduled": True}):
        hidden = StatementFactory(
            title="Hidden", campaign=russia, kind=Statement.Kind.OPEN_LETTER, **traits
        )
        SignatureFactory(statement=hidden, organisation=signer)
        DemandFactory(statement=hidden, law=libel_law)
    return made


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Briefing on libel", "Déclaration", "Open letter", "Russian release"]),
        ("?campaign=russia", ["Open letter", "Russian release"]),
        ("?campaign=foreign+agents", ["Open letter", "Russian release"]),
        ("?law=criminal+libel", ["Briefing on libel"]),
        ("?organisation=signer", ["Déclaration", "Russian release"]),
        # An organisation may also be named by its name, whole or in part, in any case.
        ("?organisation=civic+solidarity+platform", ["Déclaration", "Russian release"]),
        ("?organisation=Solidarity", ["Déclaration", "Russian release"]),
        # A country is that of the campaign, or of a law a demand is about.
        ("?country=RU", ["Open letter", "Russian release"]),
        ("?country=BY", ["Briefing on libel"]),
        ("?country=KZ", ["Briefing on libel", "Déclaration"]),
        ("?kind=open_letter", ["Open letter"]),
        ("?kind=briefing", ["Briefing on libel"]),
        ("?language=fr", ["Déclaration"]),
        ("?language=ru", []),
        ("?year=2013", ["Open letter"]),
        ("?campaign=russia&organisation=signer", ["Russian release"]),
        ("?campaign=kazakhstan&year=2014&language=fr", ["Déclaration"]),
    ],
)
def test_each_filter_narrows_the_list(
    client: Client, statements: dict[str, Statement], query: str, expected: list[str]
) -> None:
    assert listed(client, query) == expected


def test_the_law_filter(client: Client, statements: dict[str, Statement]) -> None:
    law = LawFactory()
    DemandFactory(statement=statements["letter"], law=law)
    assert listed(client, f"?law={law.pk}") == ["Open letter"]


def test_the_count_says_how_many_match(client: Client, statements: dict[str, Statement]) -> None:
    assert read(client.get("/statements/?campaign=russia")).find("p", role="status").text == (
        "2 statements"
    )
    assert read(client.get("/statements/?year=2013")).find("p", role="status").text == (
        "1 statement"
    )
    response = client.get("/statements/?language=ru")
    assert "No published statement matches these filters." in response.text


def test_the_year_filter_offers_the_years_from_the_first_public_statement_to_the_latest(
    client: Client, statements: dict[str, Statement]
) -> None:
    # What the public may not see does not stretch the range.
    StatementFactory(scheduled=True, publish_at=datetime(2099, 1, 1, tzinfo=UTC))
    StatementFactory(publish_at=datetime(1999, 1, 1, tzinfo=UTC))
    select = read(client.get("/statements/")).find("select", name="year")
    assert [option.text for option in select.find_all("option")] == [
        "Any year", "2015", "2014", "2013", "2012",
    ]  # fmt: skip


def test_with_nothing_public_no_year_is_offered(client: Client) -> None:
    StatementFactory(publish_at=datetime(2012, 1, 1, tzinfo=UTC))
    select = read(client.get("/statements/")).find("select", name="year")
    assert [option.text for option in select.find_all("option")] == ["Any year"]


def test_only_organisations_with_something_public_are_offered(
    client: Client, statements: dict[str, Statement]
) -> None:
    only_draft = OrganisationFactory(name="Signed only a draft", slug="draft-only")
    SignatureFactory(statement=StatementFactory(), organisation=only_draft)

    for query in ("?organisation=draft-only", "?organisation=Signed+only"):
        response = client.get(f"/statements/{query}")
        assert "Signed only a draft" not in response.text
        assert "No organisation that has signed a public statement is called" in response.text
        assert len(listed(client, query)) == 4


def test_signatories_campaigns_and_laws_are_typed_not_listed(
    client: Client, statements: dict[str, Statement]
) -> None:
    form = read(client.get("/statements/")).find("form", class_="filters")
    for name in ("organisation", "campaign", "law"):
        assert not form.has("select", name=name)
        assert form.find("input", name=name).attrs["type"] == "search"
    for listed_once in ("Civic Solidarity Platform", "Foreign agents", "Criminal libel act"):
        assert listed_once not in form.text


def test_a_name_several_organisations_share_asks_for_more_and_filters_nothing(
    client: Client, statements: dict[str, Statement]
) -> None:
    other = OrganisationFactory(name="Solidarity Network")
    SignatureFactory(statement=statements["briefing"], organisation=other)

    response = client.get("/statements/?organisation=solidarity")

    error = read(response).find("form", class_="filters").find("span", class_="error").text
    assert "Several organisations match “solidarity”" in error
    assert "Civic Solidarity Platform" in error and "Solidarity Network" in error
    assert len(listed(client, "?organisation=solidarity")) == 4
    assert listed(client, "?organisation=solidarity+network") == ["Briefing on libel"]


@pytest.mark.parametrize(
    "query",
    [
        "?campaign=no-such-campaign",
        "?country=XX",
        "?law=999999",
        "?law=no-such-law",
        "?kind=manifesto",
        "?language=de",
        "?year=1066",
        "?year=not-a-year",
        "?year=99999999999999999999",
        "?campaign=%00&kind=%FF",
    ],
)
def test_an_unknown_filter_value_gets_a_calm_page_with_the_error(
    client: Client, statements: dict[str, Statement], query: str
) -> None:
    response = client.get(f"/statements/{query}")
    assert response.status_code == 200
    assert read(response).find("form", class_="filters").has("span", class_="error")
    # What cannot be read is left out; the list is not emptied by a typo.
    assert len(listed(client, query)) == 4


def test_an_unknown_organisation_gets_a_calm_page_with_the_error(
    client: Client, statements: dict[str, Statement]
) -> None:
    response = client.get("/statements/?organisation=no-such-organisation")
    assert response.status_code == 200
    assert "is called “no-such-organisation”" in read(response).find("form", class_="filters").text
    assert len(listed(client, "?organisation=no-such-organisation")) == 4


def test_an_unknown_value_leaves_the_other_filters_in_force(
    client: Client, statements: dict[str, Statement]
) -> None:
    assert listed(client, "?campaign=russia&kind=manifesto") == ["Open letter", "Russian release"]


def test_the_list_is_paginated_and_pages_keep_the_filters(client: Client) -> None:
    campaign = CampaignFactory(slug="big")
    for day in range(1, 23):
        StatementFactory(
            published=True,
            campaign=campaign,
            title=f"Statement of day {day}",
            publish_at=datetime(2012, 1, day, tzinfo=UTC),
        )
    StatementFactory(published=True, title="Another campaign's")

    first = listed(client, "?campaign=big")
    second = listed(client, "?campaign=big&page=2")

    assert len(first) == 20
    assert first[0] == "Statement of day 22"
    assert second == ["Statement of day 2", "Statement of day 1"]
    pagination = read(client.get("/statements/?campaign=big")).find("nav", class_="pagination")
    assert ("Next page", "?campaign=big&page=2") in pagination.links()
    assert "Page 1 of 2" in pagination.text
    assert listed(client, "?campaign=big&page=last") == second


@pytest.mark.parametrize("page", ["3", "0", "-1", "not-a-page"])
def test_a_page_that_does_not_exist_is_not_found(client: Client, page: str) -> None:
    StatementFactory.create_batch(21, published=True)
    assert client.get(f"/statements/?page={page}").status_code == 404


def test_an_empty_list_has_one_page_and_says_so(client: Client) -> None:
    response = client.get("/statements/")
    assert response.status_code == 200
    assert "No published statement matches these filters." in response.text
    assert not read(response).has("nav", class_="pagination")


def test_a_list_longer_than_its_depth_says_so_and_lists_the_first(
    client: Client, statements: dict[str, Statement], monkeypatch: pytest.MonkeyPatch
) -> None:
    from campaigns.views import ListedStatements

    monkeypatch.setattr(ListedStatements, "depth", 3)
    response = client.get("/statements/")
    assert read(response).find("p", role="status").text == (
        "More than 3 statements: the first 3 are listed; the filters narrow them down."
    )
    assert listed(client) == ["Briefing on libel", "Déclaration", "Open letter"]
    assert client.get("/statements/?page=2").status_code == 404
    # A filter that brings the list within the depth counts it exactly.
    assert read(client.get("/statements/?campaign=russia")).find("p", role="status").text == (
        "2 statements"
    )


def test_pages_keep_the_order_of_the_list(client: Client) -> None:
    for day in range(1, 46):
        StatementFactory(
            published=True,
            title=f"Day {day:02d}",
            publish_at=datetime(2020, 1, day % 28 + 1, day % 24, tzinfo=UTC),
        )
    pages = [listed(client, f"?page={number}") for number in (1, 2, 3)]
    assert [len(page) for page in pages] == [20, 20, 5]
    everything = [title for page in pages for title in page]
    expected = [
        statement.title
        for statement in Statement.objects.published().order_by("-publish_at", "-pk")
    ]
    assert everything == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
@pytest.mark.parametrize("lookup", ["iexact", "icontains"])
def test_a_name_typed_in_the_organisation_filter_is_found_through_an_index(lookup: str) -> None:
    """With sequential and plain index scans priced out, only an index that answers the
    condition itself can serve: the plan shows that one exists for every language. At
    100,000 organisations the planner picks them on its own (bench/explain.py)."""
    signer = OrganisationFactory(name_en="Civic Solidarity Platform")
    field = StatementFilterForm.base_fields["organisation"]
    assert isinstance(field, NamedRowField)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    text = "Solidarity" if lookup == "icontains" else "civic solidarity platform"
    found = Organisation.objects.filter(field.matching(lookup, text))

    plan = found.explain()

    assert list(found) == [signer]
    for language in ("en", "ru", "fr"):
        assert f"organisation_name_{language}_trgm_idx" in plan, plan
