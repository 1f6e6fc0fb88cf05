"""What the law tracker and a law page say: the filters, the counters, and each law's record."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from campaigns.models import Demand
from legislation.models import Law, LawEvent, Penalty
from legislation.views import LawDetailView
from operations.pages import pages_changed
from tests.factories import (
    DemandFactory,
    ImplementationFactory,
    LawEventFactory,
    LawFactory,
    PenaltyFactory,
    ProvisionFactory,
    RightFactory,
    StandardFactory,
    StatementFactory,
)
from tests.site.reading import Element, read, structured_data

pytestmark = pytest.mark.django_db


def tracked(client: Client, query: str = "") -> list[str]:
    """The titles of the laws the tracker lists, in its order."""
    response = client.get(f"/laws/{query}")
    assert response.status_code == 200
    page = read(response)
    if not page.has("table", class_="tracker"):
        return []
    # The tracker's own rows: the map's and the charts' tables of numbers come before it.
    rows = page.find("table", class_="tracker").find("tbody").find_all("tr")
    return [row.find("th").find("a").text for row in rows]


def tracker_rows(client: Client) -> list[Element]:
    """The rows of the tracker's table, not of the map's or the charts' tables before it."""
    return read(client.get("/laws/")).find("table", class_="tracker").find("tbody").find_all("tr")


@pytest.fixture
def laws() -> dict[str, Law]:
    expression = RightFactory(name="Freedom of expression", slug="expression")
    association = RightFactory(name="Freedom of association", slug="association")
    agents = LawFactory(country="RU", official_title="A: foreign agents law")
    agents.rights.add(expression)
    LawEventFactory(law=agents, kind=LawEvent.Kind.ADOPTED, date=date(2012, 7, 13))
    LawEventFactory(law=agents, kind=LawEvent.Kind.IN_FORCE, date=date(2012, 11, 21))
    treason = LawFactory(country="RU", official_title="B: treason amendments")
    ProvisionFactory(law=treason).rights.add(association)
    LawEventFactory(law=treason, kind=LawEvent.Kind.READING, date=date(2012, 9, 1))
    # The right both on the law and on one of its provisions: listed once all the same.
    extremism = LawFactory(country="KZ", official_title="C: extremism law")
    extremism.rights.add(expression)
    ProvisionFactory(law=extremism).rights.add(expression)
    LawEventFactory(law=extremism, kind=LawEvent.Kind.PARTIALLY_IN_FORCE, date=date(2013, 1, 1))
    return {"agents": agents, "treason": treason, "extremism": extremism}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["C: extremism law", "A: foreign agents law", "B: treason amendments"]),
        ("?country=RU", ["A: foreign agents law", "B: treason amendments"]),
        ("?country=KZ", ["C: extremism law"]),
        ("?status=in_force", ["A: foreign agents law"]),
        ("?status=bill", ["B: treason amendments"]),
        ("?status=repealed", []),
        ("?right=expression", ["C: extremism law", "A: foreign agents law"]),
        ("?right=association", ["B: treason amendments"]),
        ("?country=RU&right=expression", ["A: foreign agents law"]),
        ("?country=RU&status=partially_in_force", []),
    ],
)
def test_each_filter_narrows_the_tracker(
    client: Client, laws: dict[str, Law], query: str, expected: list[str]
) -> None:
    assert tracked(client, query) == expected


@pytest.mark.parametrize(
    "query", ["?country=XX", "?status=nonsense", "?right=no-such-right", "?country=%00&status=%FF"]
)
def test_an_unknown_filter_value_gets_a_calm_page_with_the_error(
    client: Client, laws: dict[str, Law], query: str
) -> None:
    response = client.get(f"/laws/{query}")
    assert response.status_code == 200
    assert "Select a valid choice" in read(response).find("form", class_="filters").text
    # The filter that could not be read is left out; the tracker still lists laws.
    assert len(tracked(client, query)) == 3


def test_an_unknown_filter_leaves_the_others_in_force(client: Client, laws: dict[str, Law]) -> None:
    assert tracked(client, "?country=XX&status=in_force") == ["A: foreign agents law"]


def test_a_filter_with_no_match_says_so(client: Client, laws: dict[str, Law]) -> None:
    response = client.get("/laws/?status=repealed")
    assert "No law matches these filters." in response.text


def counters(client: Client) -> str:
    return read(client.get("/laws/")).find("p", class_="counters").text


def test_the_counters_count_laws_countries_and_those_in_force(
    client: Client, laws: dict[str, Law]
) -> None:
    # Partially in force counts as in force: part of it binds.
    assert counters(client) == "3 laws tracked in 2 countries, 2 in force."
    # The counters describe the whole tracker, whatever the filter.
    assert "3 laws tracked in 2 countries" in client.get("/laws/?country=KZ").text


def test_the_counters_speak_in_the_singular(client: Client) -> None:
    LawFactory(country="RU")
    assert counters(client) == "1 law tracked in 1 country, 0 in force."


def test_the_counters_of_an_empty_tracker(client: Client) -> None:
    assert counters(client) == "0 laws tracked in 0 countries, 0 in force."
    assert "No law matches these filters." in client.get("/laws/").text


def test_each_row_shows_status_and_last_event(client: Client, laws: dict[str, Law]) -> None:
    LawFactory(country="RU", official_title="D: a law with no event yet", identifier="1-FZ")
    rows = {
        row.find("th").find("a").text: [cell.text for cell in row.find_all("td")]
        for row in tracker_rows(client)
    }
    assert rows == {
        "C: extremism law": [
            "Kazakhstan", "Partially in force", "Partially entered into force, 1 January 2013",
        ],
        "A: foreign agents law": ["Russia", "In force", "Entered into force, 21 November 2012"],
        "B: treason amendments": ["Russia", "Bill", "Reading, 1 September 2012"],
        "D: a law with no event yet": ["Russia", "Bill", "—"],
    }  # fmt: skip


def test_the_tracker_is_paginated(client: Client) -> None:
    LawFactory.create_batch(51, country="RU")
    assert len(tracked(client)) == 50
    assert len(tracked(client, "?page=2")) == 1
    assert client.get("/laws/?page=3").status_code == 404


# --- a law page ---------------------------------------------------------------------


@pytest.fixture
def law() -> Law:
    law = LawFactory(
        country="GB",
        official_title="Defamation (Criminal Offences) Act 2012",
        common_title="the libel law",
        identifier="2012 c. 41",
        slug="libel-law",
        summary="Makes libel a criminal offence again.",
    )
    law.rights.add(RightFactory(name="Freedom of expression"))
    law.conflicts_with.add(
        StandardFactory(name="ICCPR, article 19", url="https://example.org/iccpr")
    )
    LawEventFactory(law=law, kind=LawEvent.Kind.ADOPTED, date=date(2012, 7, 13))
    LawEventFactory(law=law, kind=LawEvent.Kind.IN_FORCE, date=date(2012, 8, 1), note="In full.")
    return law


def test_a_law_page_gives_titles_identifier_status_and_timeline(client: Client, law: Law) -> None:
    page = read(client.get(law.get_absolute_url()))

    assert page.find("h1").text == "the libel law"
    assert page.find("article", class_="law").find("p", class_="meta").text == (
        "Statute · United Kingdom · 2012 c. 41"
    )
    facts = {
        term.text: description.text
        for term, description in zip(
            page.find("dl", class_="facts").find_all("dt"),
            page.find("dl", class_="facts").find_all("dd"),
            strict=True,
        )
    }
    assert facts["Official title"] == "Defamation (Criminal Offences) Act 2012"
    assert facts["Status"] == "In force since 1 August 2012"
    assert facts["Rights affected"] == "Freedom of expression"
    assert facts["Conflicts with"] == "ICCPR, article 19"
    assert [item.text for item in page.section("timeline").find_all("li")] == [
        "13 July 2012: Adopted",
        "1 August 2012: Entered into force — In full.",
    ]
    data = structured_data(page)
    assert data["@type"] == "Legislation"
    assert data["name"] == "Defamation (Criminal Offences) Act 2012"
    assert data["alternateName"] == "the libel law"
    assert data["legislationIdentifier"] == "2012 c. 41"
    assert data["legislationLegalForce"] == "https://schema.org/InForce"


def penalty_rows(page: Element) -> list[list[str]]:
    return [
        [cell.text for cell in row.find_all("td")]
        for row in page.section("provisions").find_all("tr")
        if row.has("td")
    ]


def test_penalties_show_the_offence_the_figure_as_reported_and_what_was_normalised(
    client: Client, law: Law
) -> None:
    provision = ProvisionFactory(law=law, reference="Section 3", summary="Criminal libel.")
    provision.rights.add(RightFactory(name="Freedom of the press"))
    PenaltyFactory(
        provision=provision,
        offence="Libel of a public official",
        as_reported="up to £20,000",
        amount_max=Decimal(20000),
        unit="GBP",
    )
    PenaltyFactory(
        provision=provision,
        as_reported="between 5,000 and 300,000 roubles",
        amount_min=Decimal(5000),
        amount_max=Decimal(300000),
        unit="RUB",
    )
    PenaltyFactory(
        provision=provision,
        as_reported="up to £37,0000",
        amount_max=None,
        unit="",
        note="The source's figure is ambiguous.",
    )
    prison = {"kind": Penalty.Kind.IMPRISONMENT, "amount_max": None, "unit": ""}
    # A prison term in months is a normalised figure as much as an amount is.
    PenaltyFactory(
        provision=provision, as_reported="up to two years", prison_max_months=24, **prison
    )
    PenaltyFactory(
        provision=provision,
        as_reported="from six months to two years",
        prison_min_months=6,
        prison_max_months=24,
        **prison,
    )
    PenaltyFactory(
        provision=provision, as_reported="at least a year", prison_min_months=12, **prison
    )
    PenaltyFactory(
        provision=provision,
        as_reported="one month",
        prison_min_months=1,
        prison_max_months=1,
        **prison,
    )
    PenaltyFactory(provision=provision, as_reported="a prison sentence", **prison)

    page = read(client.get(law.get_absolute_url()))

    section = page.section(f"provision-{provision.pk}")
    assert section.find("h3").text == "Section 3"
    assert "Criminal libel." in section.text
    assert "Rights affected: Freedom of the press" in section.text
    assert [cell.text for cell in section.find_all("th")] == [
        "Penalty", "Offence", "As reported", "Normalised",
    ]  # fmt: skip
    assert penalty_rows(page) == [
        ["Fine", "Libel of a public official", "up to £20,000", "20,000 GBP"],
        ["Fine", "—", "between 5,000 and 300,000 roubles", "5,000–300,000 RUB"],
        ["Fine", "—", "up to £37,0000", "not normalised The source's figure is ambiguous."],
        ["Imprisonment", "—", "up to two years", "up to 24 months in prison"],
        ["Imprisonment", "—", "from six months to two years", "6 to 24 months in prison"],
        ["Imprisonment", "—", "at least a year", "at least 12 months in prison"],
        ["Imprisonment", "—", "one month", "1 month in prison"],
        ["Imprisonment", "—", "a prison sentence", "not normalised"],
    ]


def test_a_penalty_with_a_fine_and_a_prison_term_shows_both(client: Client, law: Law) -> None:
    PenaltyFactory(
        provision=ProvisionFactory(law=law),
        kind=Penalty.Kind.OTHER,
        as_reported="a fine of up to 300,000 roubles or up to two years in prison",
        amount_max=Decimal(300000),
        unit="RUB",
        prison_max_months=24,
    )

    (row,) = penalty_rows(read(client.get(law.get_absolute_url())))

    assert row[-1] == "300,000 RUB; up to 24 months in prison"


def test_laws_it_replaced_or_was_modelled_on_are_named_with_country_and_number(
    client: Client, law: Law
) -> None:
    successor = LawFactory(country="GB", common_title="the new libel law", identifier="2013 c. 26")
    law.replaced_by = successor
    law.save()
    predecessor = LawFactory(
        country="GB", common_title="the old libel law", identifier="1952 c. 66", replaced_by=law
    )
    model = LawFactory(country="RU", common_title="'foreign agents' law", identifier="121-FZ")
    copy = LawFactory(country="KZ", common_title="Kazakhstan's libel law", identifier="")
    law.modelled_on.add(model)
    copy.modelled_on.add(law)

    page = read(client.get(law.get_absolute_url()))

    links = page.find("dl", class_="facts").links()
    assert (
        "United Kingdom · 2013 c. 26 · the new libel law",
        successor.get_absolute_url(),
    ) in links
    assert (
        "United Kingdom · 1952 c. 66 · the old libel law",
        predecessor.get_absolute_url(),
    ) in links
    assert ("Russia · 121-FZ · 'foreign agents' law", model.get_absolute_url()) in links
    # A law without a number is named by its country and title.
    assert ("Kazakhstan · Kazakhstan's libel law", copy.get_absolute_url()) in links
    terms = [term.text for term in page.find("dl", class_="facts").find_all("dt")]
    assert terms[-4:] == ["Replaced by", "Replaces", "Modelled on", "A model for"]

    # And the other way round, from each of them.
    def facts(other: Law) -> dict[str, str]:
        listed = read(client.get(other.get_absolute_url())).find("dl", class_="facts")
        return {
            term.text: description.text
            for term, description in zip(listed.find_all("dt"), listed.find_all("dd"), strict=True)
        }

    libel = "United Kingdom · 2012 c. 41 · the libel law"
    assert facts(successor)["Replaces"] == libel
    assert facts(predecessor)["Replaced by"] == libel
    assert facts(model)["A model for"] == libel
    assert facts(copy)["Modelled on"] == libel


def test_a_law_page_names_the_instruments_implementing_it_and_they_name_it(
    client: Client, law: Law
) -> None:
    order = LawFactory(
        country="GB",
        kind=Law.Kind.REGULATION,
        common_title="the libel procedure rules",
        identifier="SI 2013/1",
    )
    guidance = LawFactory(
        country="GB",
        kind=Law.Kind.DECREE,
        common_title="the libel guidance",
        identifier="SI 2013/2",
    )
    other = LawFactory(country="GB", common_title="the press law", identifier="2012 c. 50")
    ImplementationFactory(instrument=order, law=law)
    ImplementationFactory(instrument=guidance, law=law)
    # A decree can implement several laws.
    ImplementationFactory(instrument=guidance, law=other)

    facts = read(client.get(law.get_absolute_url())).find("dl", class_="facts")
    terms = [term.text for term in facts.find_all("dt")]
    assert terms[-1] == "Implemented by"
    assert facts.find_all("dd")[-1].links() == [
        ("United Kingdom · SI 2013/1 · the libel procedure rules", order.get_absolute_url()),
        ("United Kingdom · SI 2013/2 · the libel guidance", guidance.get_absolute_url()),
    ]

    facts = read(client.get(guidance.get_absolute_url())).find("dl", class_="facts")
    assert [term.text for term in facts.find_all("dt")][-1] == "Implements"
    assert facts.find_all("dd")[-1].links() == [
        ("United Kingdom · 2012 c. 41 · the libel law", law.get_absolute_url()),
        ("United Kingdom · 2012 c. 50 · the press law", other.get_absolute_url()),
    ]


def test_the_timeline_says_who_acted_how_they_voted_and_which_court_ruled(client: Client) -> None:
    law = LawFactory(country="RU", common_title="'foreign agents' law", identifier="121-FZ")
    LawEventFactory(
        law=law,
        kind=LawEvent.Kind.ADOPTED,
        date=date(2012, 7, 13),
        actor="the State Duma",
        votes_for=374,
        votes_against=3,
        votes_abstaining=1,
        note="Third reading.",
    )
    LawEventFactory(
        law=law, kind=LawEvent.Kind.SIGNED, date=date(2012, 7, 20), actor="the President"
    )
    LawEventFactory(
        law=law,
        kind=LawEvent.Kind.CHALLENGED,
        date=date(2013, 6, 1),
        actor="the Ombudsman",
        court="the Constitutional Court",
    )
    LawEventFactory(
        law=law,
        kind=LawEvent.Kind.COURT_RULING,
        date=date(2022, 6, 14),
        court="the European Court of Human Rights",
        case_number="9988/13",
        ecli="ECLI:CE:ECHR:2022:0614JUD000998813",
    )
    LawEventFactory(
        law=law,
        kind=LawEvent.Kind.STRUCK_DOWN,
        date=date(2023, 1, 10),
        court="the Constitutional Court",
        case_number="1-P",
        source_url="https://example.org/ruling",
    )
    # Only the counts recorded are shown.
    LawEventFactory(law=law, kind=LawEvent.Kind.REPEALED, date=date(2023, 2, 1), votes_for=400)

    timeline = read(client.get(law.get_absolute_url())).section("timeline")

    assert [item.text for item in timeline.find_all("li")] == [
        "13 July 2012: Adopted by the State Duma — 374 for, 3 against, 1 abstaining"
        " — Third reading.",
        "20 July 2012: Signed by the President",
        "1 June 2013: Challenged in court by the Ombudsman before the Constitutional Court",
        "14 June 2022: Court ruling by the European Court of Human Rights, case No. 9988/13,"
        " ECLI:CE:ECHR:2022:0614JUD000998813",
        "10 January 2023: Struck down by the Constitutional Court, case No. 1-P (source)",
        "1 February 2023: Repealed — 400 for",
    ]


def test_a_compliance_deadline_is_on_the_timeline_and_leaves_the_status_alone(
    client: Client, law: Law
) -> None:
    LawEventFactory(
        law=law,
        kind=LawEvent.Kind.COMPLIANCE_DEADLINE,
        date=date(2013, 3, 1),
        note="Publishers must label their material.",
    )

    page = read(client.get(law.get_absolute_url()))

    assert page.section("timeline").find_all("li")[-1].text == (
        "1 March 2013: Compliance deadline — Publishers must label their material."
    )
    facts = page.find("dl", class_="facts")
    # Still as the last step in its life left it: in force since 1 August 2012.
    assert "In force since 1 August 2012" in facts.text


def test_a_bill_number_is_on_the_law_page_and_names_a_bill_in_the_tracker(
    client: Client, law: Law
) -> None:
    law.bill_number = "5-A"
    law.save()
    bill = LawFactory(
        country="KG",
        common_title="'foreign representatives' bill",
        identifier="",
        bill_number="6-11804/23",
    )

    page = read(client.get(law.get_absolute_url()))
    assert "Bill number 5-A" in page.find("dl", class_="facts").text
    # The official identifier stays the law's number where it has one.
    assert page.find("article", class_="law").find("p", class_="meta").text == (
        "Statute · United Kingdom · 2012 c. 41"
    )
    bill_page = read(client.get(bill.get_absolute_url()))
    assert bill_page.find("article", class_="law").find("p", class_="meta").text == (
        "Statute · Kyrgyzstan · bill No. 6-11804/23"
    )

    rows = {row.find("th").find("a").text: row.find("th").text for row in tracker_rows(client)}
    assert rows == {
        "the libel law": "the libel law 2012 c. 41",
        "'foreign representatives' bill": "'foreign representatives' bill bill No. 6-11804/23",
    }


def test_a_law_page_lists_published_statements_and_their_demands_with_outcomes(
    client: Client, law: Law
) -> None:
    provision = ProvisionFactory(law=law, reference="Section 3")
    statement = StatementFactory(published=True, title="Repeal the libel law")
    DemandFactory(
        statement=statement,
        law=law,
        provision=provision,
        action=Demand.Action.REPEAL,
        text="Repeal section 3.",
        outcome=Demand.Outcome.MET,
        outcome_on=date(2013, 4, 25),
    )
    for traits in ({}, {"in_review": True}, {"approved": True}, {"scheduled": True}):
        hidden = StatementFactory(title="Hidden statement", **traits)
        DemandFactory(statement=hidden, law=law, text="Hidden demand.")
    withdrawn = StatementFactory(withdrawn=True, title="Withdrawn statement")
    DemandFactory(statement=withdrawn, law=law, text="Withdrawn demand.")

    response = client.get(law.get_absolute_url())
    page = read(response)

    assert page.section("statements").links() == [
        ("Repeal the libel law", statement.get_absolute_url())
    ]
    (demand,) = page.section("demands").find_all("li")
    assert demand.text.startswith("Repeal (Section 3): Repeal section 3.")
    assert "Outcome: Met (25 April 2013)" in demand.text
    assert ("Repeal the libel law", statement.get_absolute_url()) in demand.links()
    for hidden_text in ("Hidden", "Withdrawn"):
        assert hidden_text not in response.text


def test_a_law_page_shows_each_demands_outcome_history_through_the_gate(
    client: Client, law: Law, editor: User
) -> None:
    statement = StatementFactory(published=True, title="Repeal the libel law")
    demand = DemandFactory(statement=statement, law=law, text="Repeal section 3.")
    demand.record_outcome(
        Demand.Outcome.MET,
        date(2013, 4, 25),
        evidence_reference="Case 12/2013",
        note="Struck down by the court.",
        by=editor,
    )
    demand.record_outcome(Demand.Outcome.SUPERSEDED, date(2016, 2, 1), by=editor)
    draft = StatementFactory(title="Draft statement")
    hidden = DemandFactory(statement=draft, law=law, text="Draft demand.")
    hidden.record_outcome(
        Demand.Outcome.MET, date(2013, 4, 26), note="Draft outcome note.", by=editor
    )

    response = client.get(law.get_absolute_url())
    (shown,) = read(response).section("demands").find_all("li")

    assert (
        "Outcome: Met (25 April 2013, Case 12/2013): Struck down by the court. → "
        "Superseded (1 February 2016)" in shown.text
    )
    assert "Draft" not in response.text


def test_a_law_nobody_has_written_about_says_so(client: Client, law: Law) -> None:
    page = read(client.get(law.get_absolute_url()))
    assert "No published statement is about this law yet." in page.section("statements").text
    assert not page.has("section", aria_labelledby="demands")


def test_a_law_is_found_only_under_its_own_country(client: Client, law: Law) -> None:
    assert client.get(law.get_absolute_url()).status_code == 200
    assert client.get("/laws/gb/libel-law/").status_code == 200
    assert client.get("/laws/ru/libel-law/").status_code == 404
    assert client.get("/laws/gb/no-such-law/").status_code == 404


def test_a_law_page_lists_the_latest_statements_and_demands_and_links_to_all(
    client: Client, law: Law, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(LawDetailView, "statements_listed", 2)
    monkeypatch.setattr(LawDetailView, "demands_listed", 3)
    statements = []
    for day in (1, 2, 3):
        statement = StatementFactory(
            published=True,
            title=f"Statement of day {day}",
            publish_at=datetime(2013, 4, day, tzinfo=UTC),
        )
        DemandFactory(statement=statement, law=law, text=f"First demand of day {day}.")
        DemandFactory(statement=statement, law=law, text=f"Second demand of day {day}.")
        statements.append(statement)

    page = read(client.get(law.get_absolute_url()))

    everything = f"/statements/?law={law.pk}"
    assert page.section("statements").links() == [
        ("Statement of day 3", statements[2].get_absolute_url()),
        ("Statement of day 2", statements[1].get_absolute_url()),
        ("All statements about this law", everything),
    ]
    demands = page.section("demands")
    assert len(demands.find_all("li")) == 3
    assert "The 3 latest demands; each statement gives all of its own." in demands.text
    assert ("All statements about this law", everything) in demands.links()
    listed = client.get(everything).text
    assert all(statement.title in listed for statement in statements)

    # No more than it shows: no link.
    monkeypatch.setattr(LawDetailView, "statements_listed", 3)
    monkeypatch.setattr(LawDetailView, "demands_listed", 6)
    pages_changed()  # pages kept while the view listed fewer go
    page = read(client.get(law.get_absolute_url()))
    assert len(page.section("statements").links()) == 3
    assert "latest demands" not in page.section("demands").text


def test_links_between_laws_bring_no_statement_along(client: Client, law: Law) -> None:
    decree = LawFactory(country="GB", kind=Law.Kind.DECREE, common_title="the libel decree")
    ImplementationFactory(instrument=decree, law=law)
    law.modelled_on.add(decree)
    for traits in ({}, {"in_review": True}, {"scheduled": True}, {"withdrawn": True}):
        hidden = StatementFactory(title="Hidden statement", **traits)
        DemandFactory(statement=hidden, law=decree, text="Hidden demand.")

    for address in (law.get_absolute_url(), decree.get_absolute_url(), "/laws/"):
        response = client.get(address)
        assert response.status_code == 200
        assert "Hidden" not in response.text
