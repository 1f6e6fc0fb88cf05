"""The demo, read through the public site: the founding statement as a reader finds it."""

import pytest
from django.core.management import call_command
from django.test import Client

from campaigns.models import Statement
from legislation.models import Law
from tests.site.reading import Element, read, structured_data

pytestmark = pytest.mark.django_db

SIGNATORIES = [
    "Amnesty International (Lead)",
    "CIVICUS: World Alliance for Citizen Participation",
    "Freedom House",
    "Front Line Defenders",
    "Greenpeace",
    "Human Rights Watch",
    "Observatory for the Protection of Human Rights Defenders (a joint programme of OMCT and FIDH)",
    "Transparency International",
]
LAWS = [
    "'foreign agents' law",
    "treason amendments",
    "law raising fines for protests",
    "internet blacklist law",
    "law re-criminalising libel",
]


@pytest.fixture
def statement_page(client: Client) -> Element:
    call_command("loaddemo", stdout=None)
    statement = Statement.objects.get(slug="eu-russia-summit-civil-society-2012")
    response = client.get("/statements/2012/eu-russia-summit-civil-society-2012/")
    assert response.status_code == 200
    assert statement.get_absolute_url() == response.request["PATH_INFO"]
    return read(response)


def test_the_founding_statement_is_dated_the_day_it_was_issued(statement_page: Element) -> None:
    meta = statement_page.find("article", class_="statement").find("p", class_="meta")
    issued = meta.find("time")
    assert (issued.attrs["datetime"], issued.text) == ("2012-12-19", "19 December 2012")
    # Added to the archive when the demo was loaded, and it says so.
    assert "in the archive since" in meta.text
    assert structured_data(statement_page)["datePublished"] == "2012-12-19"


def test_the_founding_statement_shows_its_eight_signatories_in_order(
    statement_page: Element,
) -> None:
    signatories = statement_page.find("ol", class_="signatories").find_all("li")
    assert [item.text for item in signatories] == SIGNATORIES
    authors = structured_data(statement_page)["author"]
    assert len(authors) == 8
    assert authors[6]["name"] == "Observatory for the Protection of Human Rights Defenders"


def test_the_founding_statement_demands_action_on_the_five_laws(
    statement_page: Element,
) -> None:
    linked_laws = [
        (text, address)
        for text, address in statement_page.section("demands").links()
        if address.startswith("/laws/ru/") and "#" not in address
    ]
    expected = [
        (law.common_title, law.get_absolute_url())
        for law in sorted(Law.objects.filter(country="RU"), key=lambda law: LAWS.index(law.title))
    ]
    assert sorted(set(linked_laws)) == sorted(expected)
    assert {text for text, _ in linked_laws} == set(LAWS)
    assert len(Law.objects.all()) == 5


def test_the_libel_penalty_is_shown_as_reported_with_no_amount(
    client: Client, statement_page: Element
) -> None:
    libel_law = Law.objects.get(slug="libel-law")
    link = next(
        address
        for text, address in statement_page.section("demands").links()
        if text == "law re-criminalising libel"
    )

    page = read(client.get(link))

    assert page.find("h1").text == "law re-criminalising libel"
    rows = [
        [cell.text for cell in row.find_all("td")]
        for row in page.section("provisions").find_all("tr")
        if row.has("td")
    ]
    assert len(rows) == 1
    kind, offence, as_reported, normalised = rows[0]
    assert kind == "Fine"
    assert offence == "Libel."
    assert as_reported == "up to £37,0000"
    # No amount: only the words saying so, and the note saying why.
    penalty = libel_law.provisions.get().penalties.get()
    assert normalised == f"not normalised {penalty.note}"
    assert link == libel_law.get_absolute_url()
    # The statement that demands its repeal is listed on the law's own page.
    assert [title for title, _ in page.section("statements").links()] == [
        Statement.objects.get().title
    ]


@pytest.mark.parametrize(
    "query",
    [
        "?organisation=OMCT",
        "?organisation=omct",
        "?organisation=World+Organisation+Against+Torture",
        "?organisation=World+Alliance+for+Citizen+Participation",
        "?organisation=civicus",
        "?organisation=Federation+internationale",
        "?law=foreign-agents-law",
        "?law=121-FZ",
        "?law=%27foreign+agents%27+law",
        "?country=Russie",
    ],
)
def test_the_founding_statement_is_listed_under_what_readers_call_its_parts(
    client: Client, statement_page: Element, query: str
) -> None:
    items = read(client.get(f"/statements/{query}")).find_all("article", class_="statement-item")
    assert [item.find("h3").text for item in items] == [Statement.objects.get().title], query


@pytest.mark.parametrize(
    ("language", "query"),
    [("en", "Russia"), ("ru", "Россия"), ("fr", "Russie"), ("en", "190-FZ")],
)
def test_the_founding_statement_is_found_by_the_laws_it_is_about(
    client: Client, statement_page: Element, language: str, query: str
) -> None:
    prefix = "" if language == "en" else f"/{language}"
    page = client.get(f"{prefix}/search/", {"q": query, "in": "statements"}).text
    assert Statement.objects.get().get_absolute_url() in page
