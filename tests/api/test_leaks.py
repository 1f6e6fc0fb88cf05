"""Nothing the public may not see leaks through any endpoint, filter, ordering or page.

A public statement and a hidden one share everything a filter can select on (campaign,
coalition, organisations, law, right, addressee, country, language, languages it is
written in, kind, dates), so that each filter that finds the public one would find the
hidden one too if the publication gate were missing. The hidden one's words, in every
language it is written in, are marked SECRET and must never appear in any answer.

The two statements are built once for each hidden state, for all the tests and clients
that read them, as Django's setUpTestData would: in a transaction rolled back when they
are done. What a test changes is rolled back at its own end.
"""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.models import Change, Demand, Signature, Statement
from tests.factories import (
    CampaignFactory,
    CoalitionFactory,
    CoalitionMembershipFactory,
    CorrectionFactory,
    DemandFactory,
    DemandOutcomeFactory,
    EditorFactory,
    LawFactory,
    OrganisationFactory,
    PublicationFactory,
    RightFactory,
    SignatureFactory,
    StatementFactory,
    TargetFactory,
    partner_key,
)

pytestmark = pytest.mark.django_db

HIDDEN_TRAITS = ["draft", "in_review", "approved", "scheduled", "withdrawn"]
UNCONFIRMED = [
    Signature.Status.INVITED,
    Signature.Status.PENDING,
    Signature.Status.DECLINED,
    Signature.Status.WITHDRAWN,
]


class World:
    """A public statement and a hidden one that look alike to every filter."""

    def __init__(self, trait: str, editor: User) -> None:
        self.coalition = CoalitionFactory()
        self.campaign = CampaignFactory(coalition=self.coalition, country="BY")
        self.right = RightFactory()
        self.law = LawFactory(country="BY")
        self.law.rights.set([self.right])
        self.campaign.laws.set([self.law])
        self.addressee = TargetFactory()
        self.lead = OrganisationFactory()
        self.signer = OrganisationFactory()
        CoalitionMembershipFactory(coalition=self.coalition, organisation=self.signer)
        self.public = self.statement(
            published=True, title_ru="Public title ru", body_ru="Public body ru"
        )
        self.hidden = self.statement(
            title="SECRET title",
            standfirst="SECRET standfirst",
            body="SECRET body",
            title_ru="SECRET title ru",
            standfirst_ru="SECRET standfirst ru",
            body_ru="SECRET body ru",
            **({"published": True} if trait == "withdrawn" else self.traits(trait)),
        )
        DemandFactory(
            statement=self.hidden, law=self.law, addressee=self.addressee, text="SECRET demand"
        )
        CorrectionFactory(statement=self.hidden, note="SECRET correction")
        PublicationFactory(
            statement=self.hidden, title="SECRET publication", published_as="SECRET byline"
        )
        # What came of a hidden demand, with its evidence.
        DemandOutcomeFactory(
            demand=self.hidden.demands.first(),
            outcome=Demand.Outcome.UNMET,
            evidence_reference="SECRET-ECLI",
            note="SECRET outcome note",
        )
        # Whatever the workflow records for partners, as it would record it.
        self.public.record_change(Change.Kind.PUBLISHED)
        self.hidden.record_change(Change.Kind.PUBLISHED)
        self.hidden.record_change(Change.Kind.UPDATED)
        if trait == "withdrawn":
            self.hidden.withdraw(by=editor, reason="Withdrawn: it named the wrong minister.")
        # Organisations that were asked, or asked, to sign and are not confirmed.
        self.unconfirmed = []
        for status in UNCONFIRMED:
            organisation = OrganisationFactory(name=f"Asked to sign, {status}")
            CoalitionMembershipFactory(coalition=self.coalition, organisation=organisation)
            SignatureFactory(
                statement=self.public,
                organisation=organisation,
                status=status,
                signatory_name="SECRET signatory",
            )
            self.unconfirmed.append(organisation)

    @staticmethod
    def traits(trait: str) -> dict[str, bool]:
        return {} if trait == "draft" else {trait: True}

    def statement(self, **fields: object) -> Statement:
        statement = StatementFactory(
            campaign=self.campaign,
            lead_organisation=self.lead,
            language="en",
            declared_signatory_count=40,
            **fields,
        )
        statement.addressees.set([self.addressee])
        SignatureFactory(statement=statement, organisation=self.signer)
        # Met, for both: the outcome filter would find the hidden one's demand too.
        DemandFactory(
            statement=statement,
            law=self.law,
            addressee=self.addressee,
            outcome=Demand.Outcome.MET,
            outcome_on=timezone.localdate() - timedelta(days=1),
        )
        return statement


@pytest.fixture(scope="module", params=HIDDEN_TRAITS)
def world(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield World(request.param, EditorFactory())
        transaction.set_rollback(True)


@pytest.fixture(params=["anonymous", "anonymous reading Russian", "key without scopes"])
def client(request: pytest.FixtureRequest, api: APIClient) -> APIClient:
    if request.param == "anonymous reading Russian":
        api.defaults["HTTP_ACCEPT_LANGUAGE"] = "ru"
    if request.param == "key without scopes":
        _, secret = partner_key(can_sign=True)
        api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    return api


def get(client: APIClient, url: str, query: dict[str, Any] | None = None) -> dict[str, Any]:
    response = client.get(url, query or {})
    assert response.status_code == 200, (url, query, response.content)
    assert "SECRET" not in response.content.decode(), (url, query)
    return response.json()


def walk(client: APIClient, url: str, query: dict[str, Any]) -> list[int]:
    """Every id of a list, one row per page, following the cursor to the end."""
    seen: list[int] = []
    page = get(client, url, {**query, "page_size": 1})
    while True:
        seen += [row["id"] for row in page["results"]]
        if not page["next"]:
            return seen
        page = get(client, page["next"])


def statement_filters(world: World) -> list[dict[str, Any]]:
    long_ago = (timezone.now() - timedelta(days=3650)).isoformat()
    far_ahead = (timezone.now() + timedelta(days=3650)).isoformat()
    return [
        {},
        {"campaign": world.campaign.pk},
        {"coalition": world.coalition.pk},
        {"organisation": world.lead.pk},
        {"organisation": world.signer.pk},
        {"law": world.law.pk},
        {"right": world.right.pk},
        {"country": "BY"},
        {"addressee": world.addressee.pk},
        {"language": "en"},
        {"available_in": "en"},
        {"available_in": "ru"},
        {"kind": world.public.kind},
        {"published_after": long_ago},
        {"published_before": far_ahead},
        {"updated_since": long_ago},
        # The same rows named by slug, and the country in lower case.
        {"campaign": world.campaign.slug},
        {"coalition": world.coalition.slug},
        {"organisation": world.lead.slug},
        {"law": f"by/{world.law.slug}"},
        {"right": world.right.slug},
        {"addressee": world.addressee.slug},
        {"country": "by"},
        # Words both statements are found by (their demands' text, their law's country),
        # alone and with a filter: the hidden one's words are looked for below.
        {"q": "repeal"},
        {"q": "Belarus"},
        {"q": "repeal", "campaign": world.campaign.slug, "country": "by"},
    ]


def test_hidden_statements_are_on_no_list_filter_ordering_or_page(
    world: World, client: APIClient
) -> None:
    for query in statement_filters(world):
        for ordering in ["-publish_at", "publish_at", "-updated_at", "updated_at"]:
            seen = walk(client, "/api/v1/statements/", {**query, "ordering": ordering})
            assert seen == [world.public.pk], (query, ordering)


@pytest.mark.parametrize(
    "chosen",
    [
        {"expand": "signatures,demands,publications,corrections"},
        {"fields": "id,title,body_html,translations,demands,corrections,publications"},
        {"fields": "id,signatories", "expand": "demands"},
    ],
)
def test_hidden_statements_are_in_no_expanded_list_or_chosen_fields(
    world: World, client: APIClient, chosen: dict[str, str]
) -> None:
    # `get` finds no SECRET marker in any page; the hidden statement is on none.
    for query in statement_filters(world):
        seen = walk(client, "/api/v1/statements/", {**query, **chosen})
        assert seen == [world.public.pk], (query, chosen)


def test_q_finds_no_planted_marker_anywhere(world: World, client: APIClient) -> None:
    for url in ("/api/v1/statements/", "/api/v1/laws/", "/api/v1/organisations/"):
        for words in ("SECRET", "SECRET title", "secret", "SECRET demand", "SECRET-ECLI"):
            body = get(client, url, {"q": words})
            assert body["results"] == [], (url, words)
            assert body["count"] == 0
    found = get(client, "/api/v1/statements/", {"q": "repeal"})
    assert [row["id"] for row in found["results"]] == [world.public.pk]
    assert found["count"] == 1


def test_hidden_statements_have_no_detail_and_their_demands_none(
    world: World, client: APIClient
) -> None:
    hidden_demands = list(world.hidden.demands.values_list("pk", flat=True))
    expected = 410 if world.hidden.status == Statement.Status.WITHDRAWN else 404

    assert client.get(f"/api/v1/statements/{world.hidden.pk}/").status_code == expected
    for pk in hidden_demands:
        assert client.get(f"/api/v1/demands/{pk}/").status_code == 404
    public_demands = list(world.public.demands.values_list("pk", flat=True))
    # A hidden statement named in the filter is refused as one that never existed.
    never = Statement.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
    for named in (world.hidden.pk, world.hidden.slug):
        refused = client.get("/api/v1/demands/", {"statement": named})
        unknown = client.get("/api/v1/demands/", {"statement": never})
        assert refused.status_code == unknown.status_code == 400
        assert refused.json() == unknown.json()
    for query in [
        {},
        {"campaign": world.campaign.pk},
        {"law": world.law.pk},
        {"addressee": world.addressee.pk},
        {"country": "BY"},
        {"action": "repeal"},
        {"outcome": "met"},
        {"outcome": "open"},
    ]:
        for ordering in ["id", "-id"]:
            seen = walk(client, "/api/v1/demands/", {**query, "ordering": ordering})
            assert not set(seen) & set(hidden_demands), query
            assert set(seen) <= set(public_demands), query


def test_nothing_hidden_in_any_other_resource(world: World, client: APIClient) -> None:
    urls = [
        f"/api/v1/statements/{world.public.pk}/",
        f"/api/v1/campaigns/{world.campaign.pk}/",
        "/api/v1/campaigns/",
        f"/api/v1/coalitions/{world.coalition.pk}/",
        "/api/v1/coalitions/",
        f"/api/v1/organisations/{world.lead.pk}/",
        f"/api/v1/organisations/{world.signer.pk}/",
        f"/api/v1/laws/{world.law.pk}/",
        "/api/v1/laws/",
        f"/api/v1/rights/{world.right.pk}/",
        "/api/v1/rights/",
    ]
    for url in urls:
        get(client, url)  # asserts that no SECRET word is in it
    # The campaign links its statements as a filtered list: that list is gated too.
    statements_url = get(client, f"/api/v1/campaigns/{world.campaign.pk}/")["statements_url"]
    assert [row["id"] for row in get(client, statements_url)["results"]] == [world.public.pk]


def test_a_hidden_statement_is_in_the_change_feed_only_as_a_tombstone(
    world: World, client: APIClient
) -> None:
    feed = client.get("/api/v1/changes/").json()["results"]
    about_hidden = [entry for entry in feed if entry["statement"] == world.hidden.pk]

    # Besides the laws and organisations the world's factories saved.
    statements = [entry for entry in feed if entry["resource"] == "statement"]
    assert {entry["statement"] for entry in statements} <= {world.public.pk, world.hidden.pk}
    if world.hidden.status == Statement.Status.WITHDRAWN:
        # While it was public, the mirror was told; what it was told now is a tombstone.
        assert [entry["kind"] for entry in about_hidden] == ["published", "updated", "withdrawn"]
        assert [entry["tombstone"] for entry in about_hidden[:2]] == [None, None]
        tombstone = about_hidden[2]["tombstone"]
        assert tombstone["reason"] == "Withdrawn: it named the wrong minister."
        assert set(tombstone) == {"title", "issued_on", "withdrawn_at", "reason"}
        assert tombstone["issued_on"] == str(world.hidden.issued_on)
        assert "SECRET body" not in str(feed)
        assert "SECRET demand" not in str(feed)
    else:
        assert about_hidden == []
        assert "SECRET" not in str(feed)


def test_a_hidden_statement_cannot_be_asked_to_sign(world: World, api: APIClient) -> None:
    Statement.objects.filter(pk=world.hidden.pk).update(signatures_open=True)
    _, secret = partner_key(can_sign=True)
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")

    response = api.post(
        "/api/v1/sign-on-requests/",
        {"statement": world.hidden.pk, "signatory_name": "A. Person"},
        format="json",
    )

    assert response.status_code == 400
    assert "statement" in response.json()["errors"]


def test_unconfirmed_signatures_appear_nowhere(world: World, client: APIClient) -> None:
    statement = get(client, f"/api/v1/statements/{world.public.pk}/")
    signatories = [row["organisation"]["id"] for row in statement["signatories"]]

    assert signatories == [world.signer.pk]
    assert not {organisation.pk for organisation in world.unconfirmed} & set(signatories)
    for organisation in world.unconfirmed:
        assert (
            get(client, "/api/v1/statements/", {"organisation": organisation.pk})["results"] == []
        )
    # The organisations exist in the registry, as current coalition members; only
    # their signatures are not shown.
    members = get(client, "/api/v1/organisations/", {"coalition": world.coalition.pk})
    assert {world.signer.pk} <= {row["id"] for row in members["results"]}
