"""`q` searches as the site does; filters take a slug or an id; lists say how many match."""

from datetime import date
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from lib.api import pagination
from tests.factories import (
    AddressingFactory,
    CampaignFactory,
    CoalitionFactory,
    CoalitionMembershipFactory,
    DemandFactory,
    LawFactory,
    OrganisationFactory,
    RightFactory,
    SignatureFactory,
    StatementFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_q_finds_statements_by_their_words_and_combines_with_filters(api: APIClient) -> None:
    belarus = CampaignFactory(country="BY")
    found = StatementFactory(
        published=True, title="Release the prisoners of conscience", campaign=belarus
    )
    elsewhere = StatementFactory(published=True, title="Release the prisoners of Minsk")
    StatementFactory(published=True, title="Repeal the law on foreign agents")

    assert sorted(ids(api.get("/api/v1/statements/", {"q": "prisoners"}))) == sorted(
        [found.pk, elsewhere.pk]
    )
    assert ids(api.get("/api/v1/statements/", {"q": "prisoners", "country": "by"})) == [found.pk]
    assert ids(api.get("/api/v1/statements/", {"q": "prisoners", "campaign": belarus.slug})) == [
        found.pk
    ]
    assert ids(api.get("/api/v1/statements/", {"q": "nothing-like-this"})) == []


def test_q_finds_statements_in_each_language_they_are_written_in(api: APIClient) -> None:
    statement = StatementFactory(
        published=True,
        title="Repeal the law",
        title_fr="Abrogez la loi sur les associations",
        body_fr="Les organisations exhortent les députés.",
    )

    assert ids(api.get("/api/v1/statements/", {"q": "associations"})) == [statement.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranking is PostgreSQL's")
def test_q_ranks_what_it_finds_and_pages_through_it_by_relevance(api: APIClient) -> None:
    # The word in the title (weight A) ranks above the word in the body only (weight C).
    in_body = StatementFactory(
        published=True, title="A statement", body="It speaks of the summit in passing."
    )
    in_title = StatementFactory(published=True, title="Before the summit", body="Act now.")
    also_in_body = StatementFactory(
        published=True, title="Another statement", body="The summit again, in passing."
    )

    first = api.get("/api/v1/statements/", {"q": "summit", "page_size": "1"})
    assert ids(first) == [in_title.pk]
    seen = ids(first)
    page = first.json()
    while page["next"]:
        response = api.get(page["next"])
        seen += ids(response)
        page = response.json()
    assert seen[0] == in_title.pk
    assert sorted(seen[1:]) == sorted([in_body.pk, also_in_body.pk])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranking is PostgreSQL's")
def test_when_too_many_match_only_the_newest_are_ranked_and_the_count_says_so(
    api: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "EXACT_COUNT_LIMIT", 3)
    monkeypatch.setattr("campaigns.api_search.EXACT_COUNT_LIMIT", 3)
    # Oldest first; the oldest has the word in its title, where it would rank first.
    statements = [
        StatementFactory(
            published=True,
            issued_on=date(2010 + year, 1, 1),
            title="The summit" if year == 0 else f"Statement {year}",
            body="It speaks of the summit in passing.",
        )
        for year in range(6)
    ]

    page = api.get("/api/v1/statements/", {"q": "summit", "page_size": "10"})
    assert sorted(ids(page)) == sorted(s.pk for s in statements[2:])
    assert page.json()["count"] == 3
    assert page.json()["count_is_exact"] is False
    # Narrowed by a filter, the older ones are found, best first.
    older = api.get("/api/v1/statements/", {"q": "summit", "issued_before": "2012-01-01"})
    assert ids(older) == [statements[0].pk, statements[1].pk]
    assert older.json()["count_is_exact"] is True


def test_relevance_is_an_ordering_of_what_q_found_only(api: APIClient) -> None:
    StatementFactory(published=True, title="Before the summit")

    ranked = api.get("/api/v1/statements/", {"q": "summit", "ordering": "relevance"})
    assert ranked.status_code == 200
    refused = api.get("/api/v1/statements/", {"ordering": "relevance"})
    assert refused.status_code == 400
    assert "q" in refused.json()["errors"]["ordering"][0]
    # Another order can be asked for what q found.
    assert (
        api.get("/api/v1/statements/", {"q": "summit", "ordering": "-issued_on"}).status_code == 200
    )


def test_q_finds_laws_and_organisations(api: APIClient) -> None:
    law = LawFactory(common_title="The foreign agents law", country="RU")
    LawFactory(common_title="The libel law", country="RU")
    memorial = OrganisationFactory(name="Memorial Human Rights Centre")
    StatementFactory(published=True, lead_organisation=memorial)
    hidden = OrganisationFactory(name="Memorial of a draft only")
    StatementFactory(lead_organisation=hidden)

    assert ids(api.get("/api/v1/laws/", {"q": "agents"})) == [law.pk]
    assert ids(api.get("/api/v1/laws/", {"q": "agents", "country": "by"})) == []
    assert ids(api.get("/api/v1/organisations/", {"q": "Memorial"})) == [memorial.pk]


def test_a_long_q_is_refused(api: APIClient) -> None:
    response = api.get("/api/v1/statements/", {"q": "word " * 60})

    assert response.status_code == 400
    assert "q" in response.json()["errors"]


def test_filters_take_a_slug_or_an_id(api: APIClient) -> None:
    coalition = CoalitionFactory()
    campaign = CampaignFactory(coalition=coalition)
    right = RightFactory()
    law = LawFactory(country="RU", slug="foreign-agents-law")
    law.rights.set([right])
    organisation = OrganisationFactory()
    addressee = TargetFactory()
    statement = StatementFactory(published=True, campaign=campaign, lead_organisation=organisation)
    AddressingFactory(statement=statement, target=addressee)
    DemandFactory(statement=statement, law=law, addressee=addressee)
    StatementFactory(published=True)

    rows: list[tuple[str, Any]] = [
        ("campaign", campaign),
        ("coalition", coalition),
        ("organisation", organisation),
        ("right", right),
        ("addressee", addressee),
    ]
    for name, row in rows:
        assert ids(api.get("/api/v1/statements/", {name: row.pk})) == [statement.pk], name
        assert ids(api.get("/api/v1/statements/", {name: row.slug})) == [statement.pk], name
    for named in (law.pk, "foreign-agents-law", "ru/foreign-agents-law", "RU/foreign-agents-law"):
        assert ids(api.get("/api/v1/statements/", {"law": named})) == [statement.pk], named
    assert ids(api.get("/api/v1/demands/", {"statement": statement.slug})) == [
        statement.demands.get().pk
    ]
    assert ids(api.get("/api/v1/campaigns/", {"coalition": coalition.slug})) == [campaign.pk]
    assert ids(api.get("/api/v1/laws/", {"right": right.slug})) == [law.pk]


def test_an_unknown_or_ambiguous_slug_is_a_400(api: APIClient) -> None:
    LawFactory(country="RU", slug="libel-law")
    LawFactory(country="BY", slug="libel-law")

    unknown = api.get("/api/v1/statements/", {"campaign": "no-such-campaign"})
    assert unknown.status_code == 400
    assert unknown.json()["errors"]["campaign"] == ["No campaign has this id or slug."]
    ambiguous = api.get("/api/v1/statements/", {"law": "libel-law"})
    assert ambiguous.status_code == 400
    assert "give its id" in ambiguous.json()["errors"]["law"][0]
    assert api.get("/api/v1/statements/", {"law": "by/libel-law"}).status_code == 200


def test_an_organisation_only_a_draft_names_is_unknown_by_slug_too(api: APIClient) -> None:
    hidden = OrganisationFactory()
    StatementFactory(lead_organisation=hidden)

    for named in (hidden.pk, hidden.slug):
        response = api.get("/api/v1/statements/", {"organisation": named})
        assert response.status_code == 400
        assert response.json()["errors"]["organisation"] == ["No organisation has this id or slug."]


def test_country_codes_are_read_in_any_case(api: APIClient) -> None:
    statement = StatementFactory(published=True, campaign=CampaignFactory(country="RU"))
    law = LawFactory(country="RU")
    organisation = OrganisationFactory(country="RU")
    CoalitionMembershipFactory(organisation=organisation)

    for code in ("RU", "ru", "Ru"):
        assert ids(api.get("/api/v1/statements/", {"country": code})) == [statement.pk]
        assert ids(api.get("/api/v1/laws/", {"country": code})) == [law.pk]
        assert ids(api.get("/api/v1/organisations/", {"country": code})) == [organisation.pk]
    refused = api.get("/api/v1/statements/", {"country": "XX"})
    assert refused.status_code == 400


def test_lists_say_how_many_match(api: APIClient) -> None:
    campaign = CampaignFactory()
    for _ in range(3):
        StatementFactory(published=True, campaign=campaign)
    StatementFactory(published=True)
    StatementFactory(campaign=campaign)  # a draft: not counted

    body = api.get("/api/v1/statements/", {"campaign": campaign.pk, "page_size": 1}).json()

    assert body["count"] == 3
    assert body["count_is_exact"] is True
    assert len(body["results"]) == 1
    following = api.get(body["next"]).json()
    assert following["count"] == 3


def test_a_count_beyond_the_limit_is_a_lower_bound(
    api: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "EXACT_COUNT_LIMIT", 2)
    for _ in range(3):
        StatementFactory(published=True)

    body = api.get("/api/v1/statements/").json()

    assert body["count"] == 2
    assert body["count_is_exact"] is False
    assert len(body["results"]) == 3


def test_addressees_are_listed_once_a_published_statement_names_them(api: APIClient) -> None:
    addressed = TargetFactory(name="European Union leaders", country="")
    demanded = TargetFactory(name="President of Russia", country="RU")
    draft_only = TargetFactory(name="Named by a draft only")
    statement = StatementFactory(published=True)
    AddressingFactory(statement=statement, target=addressed)
    DemandFactory(statement=statement, addressee=demanded)
    draft = StatementFactory()
    AddressingFactory(statement=draft, target=draft_only)
    DemandFactory(statement=StatementFactory(scheduled=True), addressee=draft_only)

    listed = api.get("/api/v1/addressees/")

    assert sorted(ids(listed)) == sorted([addressed.pk, demanded.pk])
    assert ids(api.get("/api/v1/addressees/", {"country": "ru"})) == [demanded.pk]
    detail = api.get(f"/api/v1/addressees/{addressed.slug}/")
    assert detail.status_code == 404  # ids only in addresses, as every other resource
    detail = api.get(f"/api/v1/addressees/{addressed.pk}/")
    assert detail.status_code == 200
    assert detail.json()["name"] == "European Union leaders"
    assert ids(api.get(detail.json()["statements_url"])) == [statement.pk]
    assert api.get(f"/api/v1/addressees/{draft_only.pk}/").status_code == 404


def test_a_coalition_member_filter_takes_a_slug(api: APIClient) -> None:
    membership = CoalitionMembershipFactory()
    statement = StatementFactory(published=True)
    SignatureFactory(statement=statement, organisation=membership.organisation)

    assert ids(api.get("/api/v1/coalitions/", {"organisation": membership.organisation.slug})) == [
        membership.coalition.pk
    ]
    assert ids(api.get("/api/v1/organisations/", {"coalition": membership.coalition.slug})) == [
        membership.organisation.pk
    ]
