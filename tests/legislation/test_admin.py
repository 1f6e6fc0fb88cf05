from datetime import date
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from legislation.models import Law, LawEvent, Penalty, Provision, Right, Standard
from tests.admin_pages import ONE_OF, add_row, admin_url, form_data
from tests.factories import (
    CampaignFactory,
    DemandFactory,
    LawEventFactory,
    LawFactory,
    ProvisionFactory,
)

pytestmark = pytest.mark.django_db

# Every changelist: the session, the user, the count of rows matching the filters, the
# count of all rows, the rows of the page (with what list_select_related or annotations
# bring along). Then what each list adds:
CHANGELIST_QUERIES = {
    Right: 5,
    Standard: 5
    + 1  # the rights, for the filter
    + 1,  # the countries in use, for the country filter
    Law: 5
    + 1  # the countries in use, for the country filter
    + 1  # the rights, for the filter
    + 2,  # the first and last status dates, and the years between, for the date links
    Provision: 5
    + 1  # the countries of laws in use, for the country filter
    + 1,  # the rights, for the filter
    Penalty: 5,
}


@pytest.mark.parametrize(
    ("model", "queries"), CHANGELIST_QUERIES.items(), ids=[m.__name__ for m in CHANGELIST_QUERIES]
)
def test_changelist_queries_do_not_grow_with_rows(
    admin_client: Client, django_assert_num_queries: Any, model: type[Model], queries: int
) -> None:
    ONE_OF[model]()
    with django_assert_num_queries(queries):
        assert admin_client.get(admin_url(model, "changelist")).status_code == 200

    for _ in range(49):
        ONE_OF[model]()
    with django_assert_num_queries(queries):
        assert admin_client.get(admin_url(model, "changelist")).status_code == 200


def test_law_changelist_shows_the_last_event(admin_client: Client) -> None:
    law = LawFactory(common_title="Foreign agents law")
    LawEventFactory(law=law, kind=LawEvent.Kind.INTRODUCED, date=date(2012, 6, 29))
    LawEventFactory(law=law, kind=LawEvent.Kind.SIGNED, date=date(2012, 7, 20))

    response = admin_client.get(admin_url(Law, "changelist"))

    assert "Foreign agents law" in response.text
    assert "Signed (2012-07-20)" in response.text


def test_law_status_follows_an_event_added_on_the_timeline(admin_client: Client) -> None:
    law = LawFactory()
    page = admin_client.get(admin_url(law, "change"))
    assert 'name="status"' not in page.text
    data = form_data(page, "law")
    add_row(data, "events", kind=LawEvent.Kind.IN_FORCE, date="2012-11-21")

    response = admin_client.post(admin_url(law, "change"), data)

    assert response.status_code == 302
    law.refresh_from_db()
    assert (law.status, law.status_since) == (Law.Status.IN_FORCE, date(2012, 11, 21))


def test_law_lists_its_provisions_with_a_link_to_their_penalties(admin_client: Client) -> None:
    provision = ProvisionFactory()

    response = admin_client.get(admin_url(provision.law, "change"))

    assert admin_url(provision, "change") in response.text


def test_a_penalty_minimum_above_its_maximum_is_a_form_error(admin_client: Client) -> None:
    provision = ProvisionFactory()
    data = form_data(admin_client.get(admin_url(provision, "change")), "provision")
    add_row(
        data,
        "penalties",
        kind=Penalty.Kind.FINE,
        as_reported="from 300,000 to 100,000 roubles",
        amount_min="300000",
        amount_max="100000",
        unit="RUB",
    )

    response = admin_client.post(admin_url(provision, "change"), data)

    assert response.status_code == 200
    assert "The minimum amount cannot be higher than the maximum." in response.text
    assert not Penalty.objects.exists()


def test_provision_autocomplete_queries_do_not_grow_with_results(
    admin_client: Client, django_assert_num_queries: Any
) -> None:
    url = reverse("admin:autocomplete")
    params = {"app_label": "campaigns", "model_name": "demand", "field_name": "provision"}
    ProvisionFactory()
    # The session, the user, the count for paging, the provisions with their laws.
    with django_assert_num_queries(4):
        assert len(admin_client.get(url, params).json()["results"]) == 1

    ProvisionFactory.create_batch(19)
    with django_assert_num_queries(4):
        assert len(admin_client.get(url, params).json()["results"]) == 20


# --- laws as lawyers record them ------------------------------------------------------


def test_a_law_is_added_with_its_bill_number_and_found_by_it(admin_client: Client) -> None:
    data = form_data(admin_client.get(admin_url(Law, "add")), "law")
    data.update(
        country="RU",
        common_title_en="'foreign agents' law",
        official_title_en="Federal Law No. 121-FZ of 20 July 2012",
        slug="foreign-agents-law",
        kind=Law.Kind.AMENDMENT,
        identifier="121-FZ",
        bill_number="102766-6",
    )
    add_row(
        data,
        "events",
        kind=LawEvent.Kind.ADOPTED,
        date="2012-07-13",
        actor="the State Duma",
        votes_for="374",
        votes_against="3",
        votes_abstaining="1",
    )

    response = admin_client.post(admin_url(Law, "add"), data)

    assert response.status_code == 302, response.text
    law = Law.objects.get(slug="foreign-agents-law")
    assert law.bill_number == "102766-6"
    event = law.events.get()
    assert (event.actor, event.votes_for, event.votes_against, event.votes_abstaining) == (
        "the State Duma",
        374,
        3,
        1,
    )
    assert law.status == Law.Status.ADOPTED
    other = LawFactory(identifier="190-FZ")
    found = admin_client.get(admin_url(Law, "changelist"), {"q": "102766-6"})
    assert admin_url(law, "change") in found.text
    assert admin_url(other, "change") not in found.text


def test_a_court_ruling_is_recorded_with_its_court_case_and_ecli(admin_client: Client) -> None:
    law = LawFactory()
    data = form_data(admin_client.get(admin_url(law, "change")), "law")
    add_row(
        data,
        "events",
        kind=LawEvent.Kind.STRUCK_DOWN,
        date="2014-04-08",
        court="the Constitutional Court",
        case_number="10-P",
        ecli="ECLI:EU:C:2014:238",
    )

    assert admin_client.post(admin_url(law, "change"), data).status_code == 302

    event = law.events.get()
    assert (event.court, event.case_number, event.ecli) == (
        "the Constitutional Court",
        "10-P",
        "ECLI:EU:C:2014:238",
    )
    law.refresh_from_db()
    assert law.status == Law.Status.STRUCK_DOWN


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"kind": LawEvent.Kind.STRUCK_DOWN, "ecli": "ECLI:RU:KS:2014"},
            "“ECLI:RU:KS:2014” is not an ECLI. Write it as ECLI:country:court:year:number",
        ),
        (
            {"kind": LawEvent.Kind.COURT_RULING, "ecli": "ecli:nl:hr:2015:472"},
            "is not an ECLI",
        ),
        (
            {"kind": LawEvent.Kind.COURT_RULING, "ecli": "ECLI:NL:1HR:2015:472"},
            "is not an ECLI",
        ),
        (
            {"kind": LawEvent.Kind.COURT_RULING, "ecli": "ECLI:NL:HR:15:472"},
            "is not an ECLI",
        ),
        (
            {"kind": LawEvent.Kind.COURT_RULING, "ecli": "ECLI:NL:HR:2015:47-2"},
            "is not an ECLI",
        ),
        (
            {"kind": LawEvent.Kind.COURT_RULING, "ecli": f"ECLI:NL:HR:2015:{'1' * 26}"},
            "is not an ECLI",
        ),
        (
            {"kind": LawEvent.Kind.ADOPTED, "votes_for": "-1"},
            "Ensure this value is greater than or equal to 0.",
        ),
        (
            {"kind": LawEvent.Kind.ADOPTED, "votes_against": "many"},
            "Enter a whole number.",
        ),
        (
            {"kind": LawEvent.Kind.SIGNED, "actor": "the President", "votes_for": "1"},
            "Only a vote has a tally",
        ),
        (
            {"kind": LawEvent.Kind.COMPLIANCE_DEADLINE, "votes_abstaining": "0"},
            "Only a vote has a tally",
        ),
        (
            {"kind": LawEvent.Kind.ADOPTED, "court": "the Constitutional Court"},
            "A court, case number or ECLI belongs to a challenge, a ruling",
        ),
    ],
    ids=[
        "ecli-too-short",
        "ecli-lower-case-prefix",
        "ecli-court-starting-with-a-digit",
        "ecli-two-digit-year",
        "ecli-punctuation-in-number",
        "ecli-number-too-long",
        "negative-vote",
        "vote-not-a-number",
        "tally-on-a-signature",
        "tally-on-a-deadline",
        "court-on-an-adoption",
    ],
)
def test_a_malformed_event_is_a_form_error(
    admin_client: Client, row: dict[str, str], message: str
) -> None:
    law = LawFactory()
    data = form_data(admin_client.get(admin_url(law, "change")), "law")
    add_row(data, "events", date="2014-04-08", **row)

    response = admin_client.post(admin_url(law, "change"), data)

    assert response.status_code == 200
    assert message in response.text
    assert not LawEvent.objects.exists()


def test_the_valid_ecli_shapes_pass() -> None:
    for ecli in (
        "ECLI:NL:HR:2015:472",
        "ECLI:EU:C:2014:238",
        "ECLI:CE:ECHR:2022:0614JUD000998813",
        "ECLI:DE:BVerfG:2019:rs20191106.1bvr001613",
    ):
        LawEventFactory.build(
            law=LawFactory(), kind=LawEvent.Kind.COURT_RULING, ecli=ecli
        ).full_clean()


def test_laws_implementing_a_law_are_added_on_either_page(admin_client: Client) -> None:
    law = LawFactory(common_title="'foreign agents' law")
    order = LawFactory(kind=Law.Kind.REGULATION, common_title="register order")
    decree = LawFactory(kind=Law.Kind.DECREE, common_title="labelling decree")
    other = LawFactory(common_title="foreign influence law")

    data = form_data(admin_client.get(admin_url(law, "change")), "law")
    add_row(data, "implemented_by_links", instrument=order.pk)
    assert admin_client.post(admin_url(law, "change"), data).status_code == 302

    # A decree can implement several laws: added from the decree's own page.
    data = form_data(admin_client.get(admin_url(decree, "change")), "law")
    add_row(data, "implements_links", law=law.pk)
    add_row(data, "implements_links", law=other.pk)
    assert admin_client.post(admin_url(decree, "change"), data).status_code == 302

    assert list(law.implemented_by.all()) == [order, decree]
    assert list(decree.implements.all()) == [law, other]
    # Each page shows its links, named as in the autocomplete.
    page = admin_client.get(admin_url(law, "change")).text
    assert str(order) in page
    assert str(decree) in page


def test_a_law_cannot_implement_itself_in_the_admin(admin_client: Client) -> None:
    law = LawFactory()
    data = form_data(admin_client.get(admin_url(law, "change")), "law")
    add_row(data, "implements_links", law=law.pk)

    response = admin_client.post(admin_url(law, "change"), data)

    assert response.status_code == 200
    assert "A law cannot implement itself." in response.text
    assert not law.implements.exists()


def test_a_penalty_with_its_offence_and_prison_range(admin_client: Client) -> None:
    provision = ProvisionFactory()
    data = form_data(admin_client.get(admin_url(provision, "change")), "provision")
    add_row(
        data,
        "penalties",
        kind=Penalty.Kind.IMPRISONMENT,
        offence="Malicious evasion of the duties of a 'foreign agent'",
        as_reported="up to two years",
        prison_min_months="",
        prison_max_months="24",
    )

    assert admin_client.post(admin_url(provision, "change"), data).status_code == 302

    penalty = Penalty.objects.get()
    assert penalty.offence == "Malicious evasion of the duties of a 'foreign agent'"
    assert (penalty.prison_min_months, penalty.prison_max_months) == (None, 24)
    assert penalty.is_normalised


def test_a_prison_minimum_above_its_maximum_is_a_form_error(admin_client: Client) -> None:
    provision = ProvisionFactory()
    data = form_data(admin_client.get(admin_url(provision, "change")), "provision")
    add_row(
        data,
        "penalties",
        kind=Penalty.Kind.IMPRISONMENT,
        as_reported="from three to two years",
        prison_min_months="36",
        prison_max_months="24",
    )

    response = admin_client.post(admin_url(provision, "change"), data)

    assert response.status_code == 200
    assert "The minimum prison term cannot be longer than the maximum." in response.text
    assert not Penalty.objects.exists()


# Every autocomplete that offers laws, by the model and field that hold the choice.
LAW_AUTOCOMPLETES = [
    ("campaigns", "demand", "law"),
    ("campaigns", "campaign", "laws"),
    ("legislation", "law", "replaced_by"),
    ("legislation", "law", "modelled_on"),
    ("legislation", "provision", "law"),
    ("legislation", "implementation", "law"),
    ("legislation", "implementation", "instrument"),
]


@pytest.mark.parametrize(
    ("app_label", "model_name", "field_name"),
    LAW_AUTOCOMPLETES,
    ids=[f"{model}.{field}" for _, model, field in LAW_AUTOCOMPLETES],
)
def test_law_autocompletes_name_country_identifier_and_title(
    admin_client: Client, app_label: str, model_name: str, field_name: str
) -> None:
    law = LawFactory(country="RU", identifier="121-FZ", common_title="'foreign agents' law")
    LawFactory(country="KZ", identifier="", common_title="", official_title="Law on NGOs")
    LawFactory(country="KG", identifier="", bill_number="6-11804/23", common_title="NGO bill")
    params = {"app_label": app_label, "model_name": model_name, "field_name": field_name}

    found = admin_client.get(reverse("admin:autocomplete"), {**params, "term": "agents"})
    every = admin_client.get(reverse("admin:autocomplete"), params)

    assert found.json()["results"] == [
        {"id": str(law.pk), "text": "Russia · 121-FZ · 'foreign agents' law"}
    ]
    assert sorted(result["text"] for result in every.json()["results"]) == [
        "Kazakhstan · Law on NGOs",
        "Kyrgyzstan · bill No. 6-11804/23 · NGO bill",
        "Russia · 121-FZ · 'foreign agents' law",
    ]


def test_a_chosen_law_is_shown_with_the_same_label(admin_client: Client) -> None:
    law = LawFactory(country="RU", identifier="121-FZ", common_title="'foreign agents' law")
    campaign = CampaignFactory()
    campaign.laws.add(law)
    demand = DemandFactory(law=law)

    for page in (admin_url(campaign, "change"), admin_url(demand.statement, "change")):
        assert "Russia · 121-FZ · &#x27;foreign agents&#x27; law" in admin_client.get(page).text


def test_law_autocomplete_queries_do_not_grow_with_results(
    admin_client: Client, django_assert_num_queries: Any
) -> None:
    url = reverse("admin:autocomplete")
    params = {"app_label": "campaigns", "model_name": "demand", "field_name": "law"}
    LawFactory()
    # The session, the user, the count for paging, the laws.
    with django_assert_num_queries(4):
        assert len(admin_client.get(url, params).json()["results"]) == 1

    LawFactory.create_batch(19)
    with django_assert_num_queries(4):
        assert len(admin_client.get(url, params).json()["results"]) == 20
