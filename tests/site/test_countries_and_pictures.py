"""The world map, the charts and the country pages: their numbers are the data's, their
pictures are safe to inline, and a country page shows only what is public."""

import re
from datetime import date

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from campaigns.models import Demand
from legislation.models import Law
from legislation.pictures import rounded_path
from tests.factories import (
    CampaignFactory,
    DemandFactory,
    LawEventFactory,
    LawFactory,
    OrganisationFactory,
    ProvisionFactory,
    RightFactory,
    SignatureFactory,
    StatementFactory,
    TargetFactory,
)
from tests.site.reading import open_graph, read, structured_data

pytestmark = pytest.mark.django_db

HIDDEN_TRAITS = [{}, {"in_review": True}, {"scheduled": True}, {"withdrawn": True}]


def law_with_status(country: str, status_event: str | None) -> Law:
    law = LawFactory(country=country)
    if status_event:
        LawEventFactory(law=law, kind=status_event, date=date(2020, 1, 1))
    return law


def build_countries() -> dict[str, tuple[int, int]]:
    """Laws in four countries; what each should count: (tracked, in force)."""
    for _ in range(3):
        law_with_status("RU", "in_force")
    law_with_status("RU", "partially_in_force")
    law_with_status("RU", None)  # a bill
    law_with_status("HU", "in_force")
    law_with_status("HU", "repealed")
    law_with_status("KZ", "adopted")
    for _ in range(5):
        law_with_status("BY", "in_force")
    return {"RU": (5, 4), "HU": (2, 1), "KZ": (1, 0), "BY": (5, 5)}


def test_the_maps_numbers_are_the_datas(client: Client) -> None:
    expected = build_countries()
    for address in ("/laws/", "/"):
        page = read(client.get(address))
        figure = page.find("figure", class_="world-map")
        links = {link.attrs["href"]: link for link in figure.find_all("a")}
        assert set(links) == {f"/countries/{code.lower()}/" for code in expected}
        for code, (tracked, in_force) in expected.items():
            link = links[f"/countries/{code.lower()}/"]
            label = link.attrs["aria-label"]
            assert f": {in_force} law" in label and f", {tracked} tracked" in label, label
            assert link.find("title").text == label
            shade = {0: 0, 1: 1, 2: 2, 3: 3, 4: 3}.get(in_force, 4)
            assert f"shade-{shade}" in link.find("g").attrs["class"].split()
        # Every other country is drawn, unshaded and unlinked.
        assert len(figure.find_all("g", class_="country")) > 150
        table = page.find("table", class_="counts-table")
        rows = {
            row.find("a").attrs["href"]: [cell.text for cell in row.find_all("td")]
            for row in table.find("tbody").find_all("tr")
        }
        assert rows == {
            f"/countries/{code.lower()}/": [str(in_force), str(tracked)]
            for code, (tracked, in_force) in expected.items()
        }
    counters = read(client.get("/laws/")).find("p", class_="counters").text
    assert counters.startswith("13 laws tracked in 4 countries, 10 in force")


def test_the_charts_count_laws_by_status_and_by_right(client: Client) -> None:
    build_countries()
    assembly, association = RightFactory(name="Assembly"), RightFactory(name="Association")
    one, two = Law.objects.all()[:2]
    one.rights.add(assembly)
    # By the law's own right and by a provision's, once.
    ProvisionFactory(law=one).rights.add(assembly)
    ProvisionFactory(law=two).rights.add(assembly, association)
    charts = read(client.get("/laws/")).find_all("figure", class_="chart")
    numbers = [
        {row.find("a").text: row.find("td").text for row in chart.find_all("tr")}
        for chart in charts
    ]
    assert numbers[0] == {
        "Bill": "1",
        "Adopted": "1",
        "In force": "9",
        "Partially in force": "1",
        "Repealed": "1",
    }
    assert numbers[1] == {"Assembly": "2", "Association": "1"}
    # The bars say the same, each a link to the tracker filtered by it, where the list
    # counts as many.
    bars = {
        link.attrs["aria-label"]: link.attrs["href"] for link in charts[1].find("svg").find_all("a")
    }
    assert bars == {
        "Assembly: 2": f"/laws/?right={assembly.slug}",
        "Association: 1": f"/laws/?right={association.slug}",
    }
    listed = client.get(f"/laws/?right={assembly.slug}").context["paginator"].count
    assert listed == 2


def test_the_pictures_are_safe_to_inline_under_the_content_security_policy(
    client: Client,
) -> None:
    build_countries()
    RightFactory().laws.add(*Law.objects.all())
    text = client.get("/laws/").text
    pictures = re.findall(r"<svg.*?</svg>", text, re.DOTALL)
    assert len(pictures) == 3
    for svg in pictures:
        assert "<script" not in svg and "<style" not in svg
        assert not re.search(r"\sstyle=", svg)
        assert not re.search(r"\son[a-z]+=", svg)
        assert "xlink:" not in svg and "ns0:" not in svg
        assert re.match(r'<svg [^>]*role="group" aria-label="[^"]+"', svg), svg[:200]


def test_a_path_rounded_to_a_grid_stays_within_half_a_step() -> None:
    # A hundred steps of 0.3 to the right: rounding each offset on its own would end at 0.
    path = "m 10.4,20.6 " + "c 0.1,0 0.2,0 0.3,0 " * 100 + "z"
    rounded = rounded_path(path, 2)
    numbers = [int(number) for number in re.findall(r"-?\d+", rounded)]
    start, offsets = numbers[:2], numbers[2:]
    assert start == [5, 10]
    assert sum(offsets[0::2]) * 2 == pytest.approx(10.4 + 30 - 10, abs=1)
    assert rounded.endswith("z")


@pytest.mark.parametrize("countries", [1, 30])
def test_the_law_tracker_costs_the_same_whatever_the_number_of_countries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, countries: int
) -> None:
    codes = ["RU", "HU", "KZ", "BY", "AZ", "TR", "IN", "CN", "EG", "UG"] * 3
    for index in range(countries):
        law = LawFactory(country=codes[index % len(codes)])
        law.rights.add(RightFactory())
    # laws by country and status (the map, the chart, the counters, the filter's
    # countries); rights for the filter; pairs of right and law; the rights' names; the
    # count; the page of laws with their last event; next publish time.
    with django_assert_num_queries(7):
        assert client.get("/laws/").status_code == 200


@pytest.mark.parametrize("size", [1, 30])
def test_a_country_page_costs_the_same_whatever_it_shows(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, size: int
) -> None:
    campaign = CampaignFactory(country="RU")
    for _ in range(size):
        law = LawFactory(country="RU")
        statement = StatementFactory(published=True, campaign=campaign)
        SignatureFactory(statement=statement, organisation=OrganisationFactory(country="RU"))
        DemandFactory(statement=statement, law=law, addressee=TargetFactory(country="RU"))
    # laws; statements; demands with outcome history; organisations; next publish time.
    with django_assert_num_queries(5):
        response = client.get("/countries/ru/")
    assert response.status_code == 200
    assert response.text.count('class="badge status') == size


def test_a_country_page_shows_its_laws_statements_demands_and_organisations(
    client: Client,
) -> None:
    law = law_with_status("HU", "in_force")
    LawFactory(country="RU", official_title="A Russian law")
    statement = StatementFactory(published=True, title="About Hungary", campaign__country="")
    DemandFactory(
        statement=statement,
        law=law,
        text="Repeal it.",
        outcome=Demand.Outcome.UNMET,
        outcome_on=date(2021, 1, 1),
    )
    OrganisationFactory(country="HU", name="Budapest Group")  # nothing public: not listed
    based = OrganisationFactory(country="HU", name="Hungarian Helsinki Committee")
    SignatureFactory(statement=statement, organisation=based)
    for language, status in (("", "In force"), ("/ru", "Действует"), ("/fr", "En vigueur")):
        response = client.get(f"{language}/countries/hu/")
        assert response.status_code == 200
        page = read(response)
        assert page.find("html").attrs["lang"] == (language.strip("/") or "en")
        laws = page.section("laws")
        assert [href for _text, href in laws.links()] == [f"{language}/laws/hu/{law.slug}/"]
        assert status in laws.find("span", class_="badge").text
        assert "A Russian law" not in response.text
        assert "About Hungary" in page.section("statements").text
        assert page.section("demands").has("span", class_="outcome-unmet")
        assert "Hungarian Helsinki Committee" in page.section("organisations").text
        assert "Budapest Group" not in response.text
        assert page.find("link", type="application/atom+xml", href=f"{language}/countries/hu/feed/")
        hreflangs = {
            link.attrs["hreflang"]
            for link in page.find_all("link", rel="alternate")
            if "hreflang" in link.attrs
        }
        assert hreflangs == {"en", "ru", "fr", "x-default"}
        assert structured_data(page)["about"] == {
            "@type": "Country",
            "name": page.find("h1").text,
            "identifier": "HU",
        }
        assert open_graph(page)["og:title"] == page.find("h1").text


def test_a_country_with_nothing_public_answers_404(client: Client) -> None:
    for traits in HIDDEN_TRAITS:
        hidden = StatementFactory(campaign__country="UA", **traits)
        SignatureFactory(statement=hidden, organisation=OrganisationFactory(country="UA"))
        DemandFactory(statement=hidden, addressee=TargetFactory(country="UA"))
    for address in ("/countries/ua/", "/ru/countries/ua/", "/countries/xx/", "/countries/UA/"):
        assert client.get(address).status_code == 404, address
    sitemap = client.get("/sitemap.xml").text
    assert "/countries/ua/" not in sitemap


def test_a_country_page_shows_nothing_of_a_statement_that_is_not_public(client: Client) -> None:
    LawFactory(country="GE")
    campaign = CampaignFactory(country="GE")
    for number, traits in enumerate(HIDDEN_TRAITS):
        hidden = StatementFactory(campaign=campaign, title=f"Hiddenmarker {number}", **traits)
        SignatureFactory(
            statement=hidden,
            organisation=OrganisationFactory(country="GE", name=f"Signatorymarker {number}"),
        )
        DemandFactory(
            statement=hidden, addressee=TargetFactory(country="GE"), text=f"Demandmarker {number}"
        )
    response = client.get("/countries/ge/")
    assert response.status_code == 200
    assert "marker" not in response.text.lower()
    assert "No published statement is about this country yet." in response.text


def test_every_country_in_the_sitemap_answers_in_every_language(client: Client) -> None:
    build_countries()
    OrganisationFactory(country="FR")  # nothing public
    signed = OrganisationFactory(country="DE")
    SignatureFactory(statement=StatementFactory(published=True), organisation=signed)
    sitemap = client.get("/sitemap.xml").text
    countries = set(re.findall(r"<loc>http://testserver(/countries/[a-z]{2}/)</loc>", sitemap))
    # With the laws' countries: the signatory's, and the issuer's (GB, as factories have it).
    expected = ("ru", "hu", "kz", "by", "de", "gb")
    assert countries == {f"/countries/{code}/" for code in expected}
    for address in countries:
        for language in ("", "/ru", "/fr"):
            assert client.get(language + address).status_code == 200
        assert f"http://testserver/ru{address}" in sitemap


@pytest.mark.parametrize("countries", [1, 30])
def test_the_home_page_draws_its_map_in_one_query(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, countries: int
) -> None:
    codes = ["RU", "HU", "KZ", "BY", "AZ", "TR", "IN", "CN", "EG", "UG"] * 3
    for index in range(countries):
        LawFactory(country=codes[index])
        StatementFactory(published=True, campaign=CampaignFactory())
    # active campaigns; latest statements; laws by country and status; next publish time.
    with django_assert_num_queries(4):
        assert client.get("/").status_code == 200


def test_a_law_page_draws_the_family_of_laws_it_belongs_to(client: Client) -> None:
    model = LawFactory(country="RU", common_title="the model")
    law = LawFactory(country="KZ", common_title="the copy")
    copy = LawFactory(country="KG", common_title="the copy of the copy")
    law.modelled_on.add(model)
    copy.modelled_on.add(law)
    family = read(client.get(law.get_absolute_url())).section("family")
    assert [text for text, _href in family.links()] == ["the model", "the copy of the copy"]
    assert family.find("li", aria_current="page").text.startswith("the copy")
    # A law with no family has no such section.
    alone = LawFactory()
    assert 'id="family"' not in client.get(alone.get_absolute_url()).text
