"""A law in the API as lawyers record it: numbers, votes, rulings, offences, and the laws
it is linked to, each named with its addresses."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from legislation.models import Law, LawEvent, Penalty
from tests.factories import (
    DemandFactory,
    ImplementationFactory,
    LawEventFactory,
    LawFactory,
    PenaltyFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

API = "http://testserver/api/v1/laws"
SITE = "http://testserver/laws"


def law_json(api: APIClient, law: Law) -> dict[str, Any]:
    response = api.get(f"/api/v1/laws/{law.pk}/")
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def named(law: Law) -> dict[str, Any]:
    """How the API names another law."""
    return {
        "id": law.pk,
        "url": f"{API}/{law.pk}/",
        "web_url": f"{SITE}/{str(law.country).lower()}/{law.slug}/",
        "title": law.title,
        "country": str(law.country),
        "identifier": law.identifier,
    }


def test_a_law_gives_its_bill_number_beside_its_identifier(api: APIClient) -> None:
    law = LawFactory(identifier="121-FZ", bill_number="102766-6")

    data = law_json(api, law)

    assert (data["identifier"], data["bill_number"]) == ("121-FZ", "102766-6")


def test_events_give_who_acted_the_vote_and_the_court(api: APIClient) -> None:
    law = LawFactory()
    LawEventFactory(
        law=law,
        kind=LawEvent.Kind.ADOPTED,
        date=date(2012, 7, 13),
        actor="the State Duma",
        votes_for=374,
        votes_against=3,
        votes_abstaining=1,
    )
    LawEventFactory(
        law=law,
        kind=LawEvent.Kind.COURT_RULING,
        date=date(2022, 6, 14),
        court="the European Court of Human Rights",
        case_number="9988/13",
        ecli="ECLI:CE:ECHR:2022:0614JUD000998813",
    )
    LawEventFactory(law=law, kind=LawEvent.Kind.COMPLIANCE_DEADLINE, date=date(2023, 1, 1))

    adopted, ruling, deadline = law_json(api, law)["events"]

    assert {key: adopted[key] for key in adopted if key != "id"} == {
        "kind": "adopted",
        "date": "2012-07-13",
        "actor": "the State Duma",
        "votes_for": 374,
        "votes_against": 3,
        "votes_abstaining": 1,
        "court": "",
        "case_number": "",
        "ecli": "",
        "note": "",
        "source_url": "",
    }
    assert (ruling["kind"], ruling["court"], ruling["case_number"], ruling["ecli"]) == (
        "court_ruling",
        "the European Court of Human Rights",
        "9988/13",
        "ECLI:CE:ECHR:2022:0614JUD000998813",
    )
    assert ruling["votes_for"] is None
    # A deadline is on the timeline; the status is what the last step left.
    assert deadline["kind"] == "compliance_deadline"
    assert law_json(api, law)["status"] == "adopted"


def test_penalties_give_the_offence_the_prison_range_and_whether_normalised(
    api: APIClient,
) -> None:
    law = LawFactory()
    prison = {"kind": Penalty.Kind.IMPRISONMENT, "amount_max": None, "unit": ""}
    fine = PenaltyFactory(
        provision__law=law, offence="Libel", amount_max=Decimal(20000), unit="GBP"
    )
    term = PenaltyFactory(
        provision=fine.provision,
        as_reported="from six months to two years",
        prison_min_months=6,
        prison_max_months=24,
        **prison,
    )
    PenaltyFactory(provision=fine.provision, as_reported="a prison sentence", **prison)

    penalties = law_json(api, law)["provisions"][0]["penalties"]

    assert [
        (row["offence"], row["normalised"], row["prison_min_months"], row["prison_max_months"])
        for row in penalties
    ] == [("Libel", True, None, None), ("", True, 6, 24), ("", False, None, None)]
    assert penalties[1]["id"] == term.pk


def test_related_laws_are_named_with_their_addresses_each_way(api: APIClient) -> None:
    law = LawFactory(country="RU", common_title="'foreign agents' law", identifier="121-FZ")
    successor = LawFactory(country="RU", common_title="foreign influence law", identifier="255-FZ")
    law.replaced_by = successor
    law.save()
    predecessor = LawFactory(country="RU", replaced_by=law)
    model = LawFactory(country="US", common_title="FARA", identifier="22 U.S.C. § 611")
    law.modelled_on.add(model)
    copy = LawFactory(country="KG", common_title="'foreign representatives' law")
    copy.modelled_on.add(law)
    register = LawFactory(country="RU", kind=Law.Kind.REGULATION, identifier="Order No. 1")
    ImplementationFactory(instrument=register, law=law)
    decree = LawFactory(country="RU", kind=Law.Kind.DECREE, identifier="Decree No. 2")
    ImplementationFactory(instrument=decree, law=law)
    ImplementationFactory(instrument=decree, law=successor)

    data = law_json(api, law)

    assert data["related_laws"] == {
        "replaced_by": named(successor),
        "replaces": [named(predecessor)],
        "modelled_on": [named(model)],
        "model_for": [named(copy)],
        "implements": [],
        "implemented_by": [named(register), named(decree)],
    }
    # The ids that came first stay, for those who read them.
    assert data["replaced_by"] == successor.pk
    assert data["replaced_by_url"] == f"{API}/{successor.pk}/"
    assert data["modelled_on"] == [model.pk]

    # And from the other side.
    assert law_json(api, successor)["related_laws"]["replaces"] == [named(law)]
    assert law_json(api, model)["related_laws"]["model_for"] == [named(law)]
    assert law_json(api, copy)["related_laws"]["modelled_on"] == [named(law)]
    assert law_json(api, decree)["related_laws"]["implements"] == [
        named(law),
        named(successor),
    ]
    # Every address given answers.
    for link in [*data["related_laws"]["implemented_by"], data["related_laws"]["replaced_by"]]:
        assert api.get(link["url"]).status_code == 200
        assert api.get(link["web_url"]).status_code == 200


def test_a_law_with_no_links_says_so(api: APIClient) -> None:
    assert law_json(api, LawFactory())["related_laws"] == {
        "replaced_by": None,
        "replaces": [],
        "modelled_on": [],
        "model_for": [],
        "implements": [],
        "implemented_by": [],
    }


def test_links_between_laws_bring_no_statement_along(api: APIClient) -> None:
    law = LawFactory()
    decree = LawFactory(kind=Law.Kind.DECREE)
    ImplementationFactory(instrument=decree, law=law)
    for traits in ({}, {"scheduled": True}, {"withdrawn": True}):
        hidden = StatementFactory(title="Hidden statement", **traits)
        DemandFactory(statement=hidden, law=decree, text="Hidden demand.")

    for address in (f"/api/v1/laws/{law.pk}/", f"/api/v1/laws/{decree.pk}/", "/api/v1/laws/"):
        response = api.get(address)
        assert response.status_code == 200
        assert "Hidden" not in response.text


def test_the_schema_documents_the_new_fields_and_the_ids_they_replace(api: APIClient) -> None:
    components = api.get("/api/v1/schema/?format=json").json()["components"]["schemas"]

    law = components["Law"]["properties"]
    assert law["bill_number"]["type"] == "string"
    assert law["replaced_by"]["deprecated"] is True
    assert law["modelled_on"]["deprecated"] is True
    related = components["RelatedLaws"]["properties"]
    assert set(related) == {
        "replaced_by",
        "replaces",
        "modelled_on",
        "model_for",
        "implements",
        "implemented_by",
    }
    assert set(components["RelatedLaw"]["properties"]) == {
        "id", "url", "web_url", "title", "country", "identifier",
    }  # fmt: skip
    event = components["LawEvent"]["properties"]
    assert {"actor", "votes_for", "votes_against", "votes_abstaining"} <= set(event)
    assert {"court", "case_number", "ecli"} <= set(event)
    penalty = components["Penalty"]["properties"]
    assert {"offence", "prison_min_months", "normalised"} <= set(penalty)
    assert "compliance_deadline" in components["LawEventKindEnum"]["enum"]
