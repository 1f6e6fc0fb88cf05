"""/statements/: each filter narrows the list to what it names, and nothing breaks it."""

import copy
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from campaigns.forms import NamedRowField, StatementFilterForm
from campaigns.models import Signature, Statement
from organisations.models import Organisation
from tests.factories import (
    CampaignFactory,
    DemandFactory,
    LawFactory,
    OrganisationFactory,
    OrganisationParentFactory,
    SignatureFactory,
    StatementFactory,
)
from tests.site.reading import Element, read

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

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
    kazakhstan = CampaignFactory(
        slug="kazakhstan", country="KZ", title="Société civile au Kazakhstan"
    )
    signer = OrganisationFactory(
        slug="signer",
        name="Civic Solidarity Platform",
        short_name="CSP",
        other_names="Plateforme civique de solidarité\nGražina Platforma",
    )
    libel_law = LawFactory(
        country="BY",
        slug="libel",
        official_title="Criminal libel act",
        common_title="Libel law",
        identifier="No. 174-Z",
    )

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
        # A campaign by its slug, or its title whole or in part, ignoring case and accents.
        ("?campaign=russia", ["Open letter", "Russian release"]),
        ("?campaign=foreign+agents", ["Open letter", "Russian release"]),
        ("?campaign=FOREIGN+AGENTS+IN+RUSSIA", ["Open letter", "Russian release"]),
        ("?campaign=societe+civile", ["Briefing on libel", "Déclaration"]),
        # A law by its slug, its country and slug (as in its address), its identifier, or
        # its official or common title.
        ("?law=libel", ["Briefing on libel"]),
        ("?law=by/libel", ["Briefing on libel"]),
        ("?law=no.+174-z", ["Briefing on libel"]),
        ("?law=criminal+libel", ["Briefing on libel"]),
        ("?law=Libel+Law", ["Briefing on libel"]),
        # An organisation by its slug, its acronym, its name or another name it is known
        # by, whole or in part, ignoring case and accents.
        ("?organisation=signer", ["Déclaration", "Russian release"]),
        ("?organisation=CSP", ["Déclaration", "Russian release"]),
        ("?organisation=csp", ["Déclaration", "Russian release"]),
        ("?organisation=civic+solidarity+platform", ["Déclaration", "Russian release"]),
        ("?organisation=Solidarity", ["Déclaration", "Russian release"]),
        ("?organisation=plateforme+CIVIQUE+de+solidarite", ["Déclaration", "Russian release"]),
        ("?organisation=Grazina", ["Déclaration", "Russian release"]),
        # A country is that of the campaign, or of a law a demand is about; by its code,
        # or its name in any language, ignoring case and accents.
        ("?country=RU", ["Open letter", "Russian release"]),
        ("?country=ru", ["Open letter", "Russian release"]),
        ("?country=Russia", ["Open letter", "Russian release"]),
        ("?country=Россия", ["Open letter", "Russian release"]),
        ("?country=russie", ["Open letter", "Russian release"]),
        ("?country=BY", ["Briefing on libel"]),
        ("?country=Bielorussie", ["Briefing on libel"]),
        ("?country=KZ", ["Briefing on libel", "Déclaration"]),
        ("?country=Kazakhstan", ["Briefing on libel", "Déclaration"]),
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
        assert listed(client, query) == []


def test_signatories_campaigns_and_laws_are_typed_not_listed(
    client: Client, statements: dict[str, Statement]
) -> None:
    form = read(client.get("/statements/")).find("form", class_="filters")
    for name in ("organisation", "campaign", "law"):
        assert not form.has("select", name=name)
        assert form.find("input", name=name).attrs["type"] == "search"
    for listed_once in ("Civic Solidarity Platform", "Foreign agents", "Criminal libel act"):
        assert listed_once not in form.text


def filter_error(response: "TestResponse") -> Element:
    return read(response).find("form", class_="filters").find("div", class_="error")


def test_a_name_several_organisations_share_offers_them_and_lists_nothing(
    client: Client, statements: dict[str, Statement]
) -> None:
    other = OrganisationFactory(name="Solidarity Network", slug="network", short_name="")
    SignatureFactory(statement=statements["briefing"], organisation=other)

    response = client.get("/statements/?organisation=solidarity&kind=briefing")

    error = filter_error(response)
    assert error.find("p").text == (
        "Several organisations match “solidarity”: Civic Solidarity Platform (CSP); "
        "Solidarity Network. Choose one below, or type more of the name."
    )
    # Each is offered as a link to the list filtered by it, the other filters kept.
    assert error.find("ul", class_="choices").links() == [
        ("Civic Solidarity Platform (CSP)", "?organisation=signer&kind=briefing"),
        ("Solidarity Network", "?organisation=network&kind=briefing"),
    ]
    assert listed(client, "?organisation=solidarity") == []
    assert listed(client, "?organisation=network&kind=briefing") == ["Briefing on libel"]
    assert listed(client, "?organisation=solidarity+network") == ["Briefing on libel"]


def test_an_exact_acronym_or_name_is_chosen_over_names_that_hold_it(
    client: Client, statements: dict[str, Statement]
) -> None:
    # "CSP" is in this one's name, "Solidarity" is the whole of this one's.
    for name, short_name in [("CSP Watch", "CW"), ("Solidarity", "")]:
        other = OrganisationFactory(name=name, short_name=short_name)
        SignatureFactory(statement=statements["briefing"], organisation=other)

    assert listed(client, "?organisation=csp") == ["Déclaration", "Russian release"]
    assert listed(client, "?organisation=solidarity") == ["Briefing on libel"]


def test_an_acronym_two_organisations_share_offers_both(
    client: Client, statements: dict[str, Statement]
) -> None:
    other = OrganisationFactory(name="Center for Strategic Programmes", short_name="CSP")
    SignatureFactory(statement=statements["briefing"], organisation=other)

    response = client.get("/statements/?organisation=CSP")

    assert [label for label, _address in filter_error(response).links()] == [
        "Center for Strategic Programmes (CSP)",
        "Civic Solidarity Platform (CSP)",
    ]
    assert listed(client, "?organisation=CSP") == []


def test_a_slug_two_countries_laws_share_offers_both(
    client: Client, statements: dict[str, Statement]
) -> None:
    russian = LawFactory(country="RU", slug="libel", official_title="Libel amendments")
    DemandFactory(statement=statements["letter"], law=russian)

    response = client.get("/statements/?law=libel")

    assert filter_error(response).links() == [
        ("Libel law (Belarus)", "?law=by%2Flibel"),
        ("Libel amendments (Russia)", "?law=ru%2Flibel"),
    ]
    assert listed(client, "?law=libel") == []
    assert listed(client, "?law=ru%2Flibel") == ["Open letter"]


def test_a_country_name_that_several_hold_offers_them(
    client: Client, statements: dict[str, Statement]
) -> None:
    response = client.get("/statements/?country=korea")

    assert filter_error(response).links() == [
        ("North Korea", "?country=KP"),
        ("South Korea", "?country=KR"),
    ]
    assert listed(client, "?country=korea") == []
    # A country named in the address is shown chosen in the list.
    select = read(client.get("/statements/?country=Russie")).find("select", name="country")
    assert select.find("option", selected="").attrs["value"] == "RU"


def test_the_country_filter_offers_the_countries_public_statements_are_about(
    client: Client, statements: dict[str, Statement]
) -> None:
    StatementFactory(scheduled=True, campaign=CampaignFactory(country="UA"))
    select = read(client.get("/statements/")).find("select", name="country")
    # Their campaigns' (Russia, Kazakhstan) and their demands' laws' (Belarus), by name.
    assert [option.attrs["value"] for option in select.find_all("option")] == [
        "",
        "BY",
        "KZ",
        "RU",
    ]
    # Any other may still be asked for, by its code or its name: it is shown chosen,
    # and lists nothing.
    for query, code in [
        ("?country=AF", "AF"),
        ("?country=Afghanistan", "AF"),
        ("?country=UA", "UA"),
    ]:
        select = read(client.get(f"/statements/{query}")).find("select", name="country")
        assert select.find("option", selected="").attrs["value"] == code
        assert listed(client, query) == []


@pytest.mark.parametrize(
    "query",
    [
        "?campaign=no-such-campaign",
        "?country=XX",
        "?country=Atlantis",
        "?law=999999",
        "?law=99999999999999999999999",
        "?law=no-such-law",
        "?law=xx/no-such-law",
        "?organisation=no-such-organisation",
        "?kind=manifesto",
        "?language=de",
        "?year=1066",
        "?year=not-a-year",
        "?year=99999999999999999999",
        "?campaign=%00&kind=%FF",
        # A value that names nothing empties the list, whatever the other filters say.
        "?campaign=russia&kind=manifesto",
    ],
)
def test_an_unknown_filter_value_shows_its_error_and_lists_nothing(
    client: Client, statements: dict[str, Statement], query: str
) -> None:
    response = client.get(f"/statements/{query}")
    assert response.status_code == 200
    assert read(response).find("form", class_="filters").has("div", class_="error")
    assert listed(client, query) == []
    assert "No published statement matches these filters." in response.text


def test_an_unknown_organisation_is_named_in_the_error(
    client: Client, statements: dict[str, Statement]
) -> None:
    response = client.get("/statements/?organisation=no-such-organisation")
    assert filter_error(response).text == (
        "No organisation that has signed a public statement is called “no-such-organisation”."
    )


def test_every_error_is_named_by_the_field_it_describes(
    client: Client, statements: dict[str, Statement]
) -> None:
    """Screen readers read a field's error through its aria-describedby: each id it names
    is on the page, and it is the error's."""
    response = client.get(
        "/statements/?organisation=solidarity+nowhere&country=Atlantis&law=nothing-here"
        "&campaign=societe&kind=manifesto&year=1066&language=de"
    )
    page = read(response)
    form = page.find("form", class_="filters")
    described = [
        element
        for tag in ("input", "select")
        for element in form.find_all(tag)
        if "aria-describedby" in element.attrs
    ]
    assert sorted(element.attrs["name"] for element in described) == [
        "country", "kind", "language", "law", "organisation", "year",
    ]  # fmt: skip
    ids = {
        element.attrs["id"]: element for element in page.find_all("div") if "id" in element.attrs
    }
    for field in described:
        assert field.attrs["aria-invalid"] == "true"
        (error_id,) = field.attrs["aria-describedby"].split()
        assert error_id == f"{field.attrs['id']}_error"
        assert "error" in ids[error_id].attrs["class"].split()
        assert ids[error_id].text
    # The campaign named one row: no error, nothing described.
    campaign = form.find("input", name="campaign")
    assert "aria-describedby" not in campaign.attrs and "aria-invalid" not in campaign.attrs


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
    from campaigns.views import StatementListPaginator

    monkeypatch.setattr(StatementListPaginator, "depth", 3)
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
@pytest.mark.parametrize(
    ("text", "queries"),
    [("Fédération internationale pour les droits humains", 1), ("federation INTER", 2)],
)
def test_a_name_typed_in_the_organisation_filter_is_found_through_an_index(
    text: str, queries: int
) -> None:
    """With sequential and plain index scans priced out, only an index that answers the
    condition itself can serve: the plan shows that one exists for each name compared.
    At 100,000 organisations the planner picks them on its own (bench/explain.py)."""
    fidh = OrganisationFactory(
        name_en="International Federation for Human Rights",
        other_names="Fédération internationale pour les droits humains",
    )
    field = copy.deepcopy(StatementFilterForm.base_fields["organisation"])
    assert isinstance(field, NamedRowField)
    field.queryset = Organisation.objects.order_by("name")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    with CaptureQueriesContext(connection) as captured:
        assert field.clean(text) == fidh
    # The slug, then whole names (and, when none is whole, names holding the text).
    by_name = [query["sql"] for query in captured.captured_queries[1:]]
    assert len(by_name) == queries
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {by_name[-1]}")
        plan = "\n".join(row for (row,) in cursor.fetchall())
    columns = ["name_en", "name_ru", "name_fr", "short_name", "other_names"]
    for column in columns:
        assert f"organisation_{column}_trgm_idx" in plan, plan


def test_a_statement_a_joint_programme_signed_is_listed_under_those_that_run_it(
    client: Client, statements: dict[str, Statement]
) -> None:
    programme = OrganisationFactory(name="Observatory", kind="joint_programme")
    for slug in ("omct", "fidh"):
        OrganisationParentFactory(programme=programme, parent__slug=slug)
    SignatureFactory(statement=statements["briefing"], organisation=programme)
    # Pending: not signed yet, by anyone.
    SignatureFactory(
        statement=statements["letter"], organisation=programme, status=Signature.Status.PENDING
    )

    assert listed(client, "?organisation=omct") == ["Briefing on libel"]
    assert listed(client, "?organisation=fidh") == ["Briefing on libel"]
    assert listed(client, "?organisation=observatory") == ["Briefing on libel"]


def test_a_row_made_after_an_earlier_request_is_found_by_name(
    client: Client, statements: dict[str, Statement]
) -> None:
    # Read for one request, the laws, campaigns and organisations are read again for the next.
    assert listed(client, "?law=criminal+libel") == ["Briefing on libel"]
    press_law = LawFactory(country="KZ", official_title="Press act")
    DemandFactory(statement=statements["french"], law=press_law)
    assert listed(client, "?law=press+act") == ["Déclaration"]
