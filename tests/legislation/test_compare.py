"""Laws side by side at /laws/compare/?laws=<slug>,<slug>: up to four, in every language,
reached from the law tracker and from a law page."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from legislation.models import Law, LawEvent, Penalty
from tests.factories import (
    DemandFactory,
    LawEventFactory,
    LawFactory,
    PenaltyFactory,
    ProvisionFactory,
    RightFactory,
    StandardFactory,
    StatementFactory,
)
from tests.site.reading import read

pytestmark = pytest.mark.django_db


def foreign_agents_laws() -> tuple[Law, Law]:
    russia = LawFactory(
        country="RU",
        slug="foreign-agents",
        common_title="'foreign agents' law",
        identifier="121-FZ",
    )
    kyrgyzstan = LawFactory(
        country="KG",
        slug="foreign-representatives",
        common_title="'foreign representatives' law",
        identifier="",
    )
    kyrgyzstan.modelled_on.add(russia)
    LawEventFactory(law=russia, kind=LawEvent.Kind.ADOPTED, date=date(2012, 7, 13))
    LawEventFactory(law=russia, kind=LawEvent.Kind.IN_FORCE, date=date(2012, 11, 21))
    LawEventFactory(law=kyrgyzstan, kind=LawEvent.Kind.SIGNED, date=date(2024, 4, 2))
    article = ProvisionFactory(law=russia, reference="Article 330.1", summary="Evasion is a crime.")
    article.rights.add(RightFactory(name="Freedom of association"))
    PenaltyFactory(
        provision=article,
        kind=Penalty.Kind.IMPRISONMENT,
        as_reported="up to two years",
        amount_max=None,
        unit="",
        prison_max_months=24,
    )
    PenaltyFactory(
        provision=ProvisionFactory(law=kyrgyzstan, reference="Article 5"),
        as_reported="up to 300,000 som",
        amount_max=Decimal("300000"),
        unit="KGS",
    )
    russia.rights.add(RightFactory(name="Freedom of expression"))
    russia.conflicts_with.add(StandardFactory(name="ICCPR, article 22"))
    return russia, kyrgyzstan


def rows(client: Client, address: str) -> dict[str, list[str]]:
    page = read(client.get(address))
    table = page.find("table", class_="comparison")
    return {
        row.find("th").text: [cell.text for cell in row.find_all("td")]
        for row in table.find("tbody").find_all("tr")
    }


def test_laws_side_by_side(client: Client) -> None:
    foreign_agents_laws()
    response = client.get("/laws/compare/?laws=foreign-agents,foreign-representatives")
    assert response.status_code == 200
    page = read(response)
    headings = [
        cell.text for cell in page.find("table", class_="comparison").find("thead").find_all("th")
    ]
    assert headings == ["'foreign agents' law 121-FZ", "'foreign representatives' law"]
    compared = rows(client, "/laws/compare/?laws=foreign-agents,foreign-representatives")
    assert compared["Country"] == ["Russia", "Kyrgyzstan"]
    assert compared["Status"] == ["In force since 21 November 2012", "Adopted since 2 April 2024"]
    assert compared["Dates"] == [
        "Adopted: 13 July 2012 Entered into force: 21 November 2012",
        "Signed: 2 April 2024",
    ]
    assert compared["Provisions"][0] == "Article 330.1: Evasion is a crime."
    assert compared["Penalties as reported"] == [
        "Imprisonment: up to two years (Article 330.1)",
        "Fine: up to 300,000 som (Article 5)",
    ]
    assert compared["Penalties normalised"] == [
        "Imprisonment: up to 24 months in prison",
        "Fine: 300,000 KGS",
    ]
    # The law's own rights and those its provisions affect, each once.
    assert compared["Rights affected"] == ["Freedom of association Freedom of expression", "—"]
    assert compared["Conflicts with"] == ["ICCPR, article 22", "—"]
    assert compared["Modelled on"] == ["—", "Russia · 121-FZ · 'foreign agents' law"]
    # Its one address, whichever way the laws were named.
    assert (
        '<link rel="canonical" href="http://testserver/laws/compare/?laws=ru:foreign-agents,kg:foreign-representatives">'
        in response.text
    )


def test_the_tracker_s_checkboxes_and_a_country_prefix_name_laws_too(client: Client) -> None:
    foreign_agents_laws()
    tracker = client.get("/laws/").text
    assert 'action="/laws/compare/"' in tracker
    assert 'name="laws" value="ru:foreign-agents"' in tracker
    # What the form sends without any script, one `laws` a checkbox, is sent on to the
    # comparison's one address, the laws in the order chosen, in the reader's language.
    law = {"Russia": "ru:foreign-agents", "Kyrgyzstan": "kg:foreign-representatives"}
    for language, first, second in (("", "Russia", "Kyrgyzstan"), ("/fr", "Kyrgyzstan", "Russia")):
        response = client.get(
            f"{language}/laws/compare/?laws={law[first]}&laws={law[second]}&laws="
        )
        assert response.status_code == 302
        address = f"{language}/laws/compare/?laws={law[first]},{law[second]}"
        assert response["Location"] == address
        # Read in English, where the rows are named as here.
        assert rows(client, address.removeprefix(language))["Country"] == [first, second]


def test_a_law_page_offers_the_comparison_with_its_models_and_copies(client: Client) -> None:
    russia, kyrgyzstan = foreign_agents_laws()
    copy_page = read(client.get(kyrgyzstan.get_absolute_url()))
    link = copy_page.find("ul", class_="compare-links").find("a")
    assert link.text == "Compare with the law it is modelled on"
    assert rows(client, link.attrs["href"])["Country"] == ["Kyrgyzstan", "Russia"]
    model_page = read(client.get(russia.get_absolute_url()))
    assert model_page.find("ul", class_="compare-links").find("a").text == (
        "Compare with the law modelled on it"
    )
    alone = read(client.get(LawFactory().get_absolute_url()))
    assert not alone.find_all("ul", class_="compare-links")


def test_too_many_or_unknown_laws_are_said_so(client: Client) -> None:
    laws = [LawFactory(slug=f"law-{n}") for n in range(5)]
    five = ",".join(law.slug for law in laws)
    response = client.get(f"/laws/compare/?laws={five}")
    assert response.status_code == 400
    assert "Up to 4 laws can be compared at once; 5 were chosen." in response.text
    assert "comparison" not in read(response).find("main").attrs.get("class", "")

    response = client.get("/laws/compare/?laws=law-1,no-such-law")
    assert response.status_code == 404
    assert "No law is tracked under “no-such-law”." in response.text

    # Two countries' laws with one slug: the country must be named.
    LawFactory(country="KZ", slug="law-1")
    assert client.get("/laws/compare/?laws=law-1,law-2").status_code == 404
    assert client.get("/laws/compare/?laws=kz:law-1,law-2").status_code == 200

    empty = client.get("/laws/compare/")
    assert empty.status_code == 200
    assert "Choose two to 4 laws in the law tracker" in empty.text


def test_in_russian_and_french(client: Client) -> None:
    foreign_agents_laws()
    russian = client.get("/ru/laws/compare/?laws=foreign-agents,foreign-representatives")
    assert russian.status_code == 200
    assert '<html lang="ru"' in russian.text
    assert "13 июля 2012" in russian.text
    # Named only in English: marked as English on the Russian page.
    assert '<span lang="en">&#x27;foreign agents&#x27; law</span>' in russian.text
    french = client.get("/fr/laws/compare/?laws=foreign-agents,foreign-representatives")
    assert french.status_code == 200
    assert "13 juillet 2012" in french.text


@pytest.mark.parametrize("count", [2, 4])
def test_a_comparison_costs_the_same_queries_for_two_laws_or_four(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    laws = []
    for n in range(count):
        law = LawFactory(slug=f"law-{n}")
        law.rights.add(RightFactory())
        law.conflicts_with.add(StandardFactory())
        law.modelled_on.add(LawFactory())
        LawEventFactory(law=law)
        for _provision in range(2):
            provision = ProvisionFactory(law=law)
            provision.rights.add(RightFactory())
            PenaltyFactory.create_batch(2, provision=provision)
        laws.append(law)
    address = "/laws/compare/?laws=" + ",".join(law.slug for law in laws)
    with django_assert_num_queries(9):
        # 1. the laws named; 2. their rights; 3. the standards they conflict with;
        # 4. the laws they are modelled on; 5. their dated events; 6. their provisions;
        # 7. the provisions' rights; 8. the provisions' penalties;
        # 9. the next publish time (the page cache, on a miss).
        assert client.get(address).status_code == 200


def test_a_comparison_shows_nothing_of_statements_the_public_may_not_see(client: Client) -> None:
    russia, _kyrgyzstan = foreign_agents_laws()
    for traits in ({}, {"scheduled": True}, {"withdrawn": True}):
        DemandFactory(
            statement=StatementFactory(title="Hiddenmarker statement", **traits),
            law=russia,
            text="Hiddenmarker demand",
        )
    for language in ("", "/ru", "/fr"):
        response = client.get(
            f"{language}/laws/compare/?laws=foreign-agents,foreign-representatives"
        )
        assert response.status_code == 200
        assert "Hiddenmarker" not in response.text
