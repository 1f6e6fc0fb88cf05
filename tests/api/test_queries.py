"""Every list endpoint costs the same number of queries for 1 row as for 50.

Each row is built with everything the endpoint nests (signatories, demands, laws,
provisions, members, contacts...), so that a missing prefetch shows as a growing count.
"""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.models import Addressing, Change, Demand, Signature, Statement
from organisations.models import Organisation, PartnerKey
from tests.factories import (
    AddressingFactory,
    CampaignFactory,
    CoalitionFactory,
    CoalitionMembershipFactory,
    CorrectionFactory,
    DemandFactory,
    DemandOutcomeFactory,
    ImplementationFactory,
    LawEventFactory,
    LawFactory,
    LawSourceFactory,
    LeverageFactory,
    MomentFactory,
    OrganisationFactory,
    OrganisationIdentifierFactory,
    OrganisationParentFactory,
    PenaltyFactory,
    PressContactFactory,
    ProvisionFactory,
    PublicationFactory,
    RightFactory,
    SignatureFactory,
    StandardFactory,
    StatementFactory,
    TargetFactory,
    partner_key,
)

pytestmark = pytest.mark.django_db


def full_statement(**traits: Any) -> Statement:
    """A statement with every nested list filled, two of each where it is a list."""
    statement = StatementFactory(
        **(traits or {"published": True}), moment=MomentFactory(), leverage_note="Votes."
    )
    statement.addressees.set([TargetFactory()])
    AddressingFactory(statement=statement, role=Addressing.Role.ALSO_ADDRESSED)
    statement.leverage.set([LeverageFactory()])
    programme = OrganisationParentFactory().programme
    SignatureFactory(statement=statement, organisation=programme)
    SignatureFactory(statement=statement)
    SignatureFactory(statement=statement, status=Signature.Status.PENDING)
    for _ in range(2):
        provision = ProvisionFactory()
        demand = DemandFactory(
            statement=statement,
            law=provision.law,
            provision=provision,
            addressee=TargetFactory(),
            outcome=Demand.Outcome.SUPERSEDED,
            outcome_on=date(2022, 1, 1),
        )
        DemandOutcomeFactory(demand=demand, outcome_on=date(2019, 5, 3))
    CorrectionFactory(statement=statement)
    PublicationFactory(statement=statement)
    return statement


def full_law() -> None:
    law = LawFactory(replaced_by=LawFactory())
    law.rights.set([RightFactory(), RightFactory()])
    law.conflicts_with.set([StandardFactory()])
    law.modelled_on.set([LawFactory()])
    LawFactory(replaced_by=law).modelled_on.set([law])
    ImplementationFactory(instrument=law)
    ImplementationFactory(law=law)
    LawEventFactory(law=law)
    LawSourceFactory(law=law)
    provision = PenaltyFactory(provision__law=law).provision
    provision.rights.set([RightFactory()])


def full_campaign() -> None:
    campaign = CampaignFactory(coalition=CoalitionFactory())
    campaign.laws.set([LawFactory(), LawFactory()])


def full_coalition() -> None:
    coalition = CoalitionFactory()
    CoalitionMembershipFactory(coalition=coalition)
    CoalitionMembershipFactory(coalition=coalition)
    CoalitionMembershipFactory(coalition=coalition, left_on=timezone.now().date())


def full_organisation() -> None:
    programme = OrganisationFactory(kind=Organisation.Kind.JOINT_PROGRAMME, other_names="One\nTwo")
    OrganisationParentFactory(programme=programme)
    OrganisationParentFactory(programme=programme)
    PressContactFactory(organisation=programme)
    PressContactFactory(organisation=programme, is_active=False)
    OrganisationIdentifierFactory(organisation=programme)
    OrganisationIdentifierFactory(organisation=programme, scheme="iati", value="GB-CHC-1051681")
    # Listed once it signed something public.
    SignatureFactory(statement=StatementFactory(published=True), organisation=programme)


def full_change() -> None:
    statement = StatementFactory(withdrawn=True)
    settled = timezone.now() - timedelta(seconds=1)
    Change.objects.create(statement=statement, kind=Change.Kind.PUBLISHED, visible_from=settled)
    Change.objects.create(statement=statement, kind=Change.Kind.WITHDRAWN, visible_from=settled)


def sign_on_request(key: PartnerKey) -> None:
    Signature.objects.create(
        statement=StatementFactory(published=True, signatures_open=True),
        organisation=key.organisation,
        status=Signature.Status.PENDING,
        requested_with=key,
        signatory_name="A. Person",
    )


# Every list also counts what matches (up to 10,000) in one query of its own: COUNTED.
COUNTED = 1

ENDPOINTS: dict[str, tuple[str, Callable[..., Any], int]] = {
    # Statements made here have no kept answer yet (campaigns/documents.py), so each page
    # builds and keeps theirs: 1. the page; 2. the kept documents (none current);
    # 3. the statements to build, with each one's addressees and leverage as JSON lists
    # (subqueries in the same SELECT); 4. confirmed signatures with their organisations;
    # 5. those organisations' parent links with the parents joined (for a joint
    # programme's display name); 6. corrections; 7. publications with publishers;
    # 8. demands with addressees, laws and provisions, and each one's outcome history as
    # a JSON list (a subquery in the same SELECT); 9. the older documents deleted;
    # 10. the new ones inserted. Kept answers cost the first two only
    # (tests/api/test_documents.py).
    "statements": ("/api/v1/statements/", full_statement, 10 + COUNTED),
    # The same, in the order of issue, filtered by the date issued.
    "statements by issue date": (
        "/api/v1/statements/?ordering=-issued_on&issued_after=2000-01-01",
        full_statement,
        10 + COUNTED,
    ),
    # The page, with addressees, laws and provisions joined and outcome histories as
    # JSON lists.
    "demands": ("/api/v1/demands/", lambda: full_statement(), 1 + COUNTED),
    # The page, with what replaced each law joined; rights; standards; laws replaced;
    # laws modelled on; laws modelled on it; laws implemented; instruments implementing
    # it; events; sources; provisions; their rights; their penalties. (The four links
    # read the other way came with `related_laws`, one query each.)
    "laws": ("/api/v1/laws/", full_law, 13 + COUNTED),
    # The page; the laws tracked.
    "campaigns": ("/api/v1/campaigns/", full_campaign, 2 + COUNTED),
    # The page; current memberships with their organisations.
    "coalitions": ("/api/v1/coalitions/", full_coalition, 2 + COUNTED),
    # The page; identifiers; parent links with parents; active press contacts.
    "organisations": ("/api/v1/organisations/", full_organisation, 4 + COUNTED),
    # The page.
    "rights": ("/api/v1/rights/", RightFactory, 1 + COUNTED),
    # The page of entries with their statements joined (for tombstones).
    "changes": ("/api/v1/changes/", full_change, 1),
}


def assert_same_cost(
    api: APIClient, assert_num_queries: Any, url: str, make: Callable[[], Any], queries: int
) -> None:
    make()
    with assert_num_queries(queries):
        first = api.get(url, {"page_size": 50})
    assert first.status_code == 200
    assert len(first.json()["results"]) >= 1
    rows = len(first.json()["results"])
    for _ in range(49):
        make()
    with assert_num_queries(queries):
        full = api.get(url, {"page_size": 50})
    assert full.status_code == 200
    assert len(full.json()["results"]) == min(rows * 50, 50)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_query_count_does_not_grow_with_rows(
    api: APIClient, django_assert_num_queries: Any, endpoint: str
) -> None:
    url, make, queries = ENDPOINTS[endpoint]
    assert_same_cost(api, django_assert_num_queries, url, make, queries)


def test_embargoed_statements_cost_the_same_for_1_and_50(
    api: APIClient, django_assert_num_queries: Any
) -> None:
    _, secret = partner_key(can_read_embargoed=True)
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    # The key; the same 10 queries as for the public;
    # one insert logging every embargoed statement read.
    assert_same_cost(
        api,
        django_assert_num_queries,
        "/api/v1/statements/",
        lambda: full_statement(scheduled=True),
        1 + 10 + COUNTED + 1,
    )


def test_sign_on_requests_cost_the_same_for_1_and_50(
    api: APIClient, django_assert_num_queries: Any
) -> None:
    key, secret = partner_key(can_sign=True)
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    # The key; the page.
    assert_same_cost(
        api,
        django_assert_num_queries,
        "/api/v1/sign-on-requests/",
        lambda: sign_on_request(key),
        2 + COUNTED,
    )


@pytest.mark.parametrize("page_size", [1, 5, 50])
def test_a_page_of_statements_costs_the_same_whatever_its_size(
    api: APIClient, django_assert_num_queries: Any, page_size: int
) -> None:
    for _ in range(50):
        full_statement()
    # The same 10 queries as above, whether the page nests 1, 5 or 50 statements.
    with django_assert_num_queries(10 + COUNTED):
        response = api.get(
            "/api/v1/statements/",
            {
                "page_size": str(page_size),
                "expand": "signatures,demands,publications,corrections",
                "fields": "addressees,leverage",
            },
        )
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == page_size
    # Every nested list is there, so a missing prefetch would have shown in the count.
    for statement in results:
        assert len(statement["signatories"]) == 2
        assert len(statement["addressees"]) == 2
        assert len(statement["leverage"]) == 1
        assert len(statement["demands"]) == 2
        assert [len(demand["outcome_history"]) for demand in statement["demands"]] == [2, 2]
        assert [addressee["role"] for addressee in statement["addressees"]] == [
            "primary",
            "also_addressed",
        ]
        assert len(statement["corrections"]) == 1
        assert len(statement["publications"]) == 1
        assert "joint programme of" in statement["signatories"][0]["display_name"]
