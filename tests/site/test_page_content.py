"""What the campaign, coalition, organisation and home pages say."""

from datetime import UTC, date, datetime

import pytest
from django.test import Client

from campaigns.models import Campaign, CoalitionMembership, Signature
from legislation.models import LawEvent
from organisations.models import Organisation
from tests.factories import (
    CampaignFactory,
    CoalitionFactory,
    CoalitionMembershipFactory,
    LawEventFactory,
    LawFactory,
    OrganisationFactory,
    OrganisationParentFactory,
    SignatureFactory,
    StatementFactory,
)
from tests.site.reading import Element, read, structured_data

pytestmark = pytest.mark.django_db

HIDDEN_TRAITS: tuple[dict[str, bool], ...] = (
    {},
    {"in_review": True},
    {"approved": True},
    {"scheduled": True},
)


def item_titles(page: Element) -> list[str]:
    return [item.find("h3").text for item in page.find_all("article", class_="statement-item")]


def facts(page: Element) -> dict[str, str]:
    dl = page.find("dl", class_="facts")
    return {
        term.text: description.text
        for term, description in zip(dl.find_all("dt"), dl.find_all("dd"), strict=True)
    }


def test_a_campaign_page(client: Client) -> None:
    coalition = CoalitionFactory(name="NGOs for civil society in Russia")
    campaign = CampaignFactory(
        coalition=coalition,
        title="Russia's civil society",
        summary="Five laws of 2012.",
        body="The campaign **follows** them.\n\n<script>alert(1)</script>",
        country="RU",
        status=Campaign.Status.ACTIVE,
    )
    law = LawFactory(country="RU", common_title="'foreign agents' law")
    LawEventFactory(law=law, kind=LawEvent.Kind.IN_FORCE, date=date(2012, 11, 21))
    campaign.laws.add(law)
    StatementFactory(
        published=True,
        campaign=campaign,
        title="Older",
        publish_at=datetime(2012, 1, 1, tzinfo=UTC),
    )
    StatementFactory(
        published=True,
        campaign=campaign,
        title="Newer",
        publish_at=datetime(2013, 1, 1, tzinfo=UTC),
    )
    StatementFactory(published=True, title="Another campaign's statement")
    for traits in HIDDEN_TRAITS:
        StatementFactory(campaign=campaign, title="Hidden statement", **traits)

    response = client.get(campaign.get_absolute_url())
    page = read(response)

    assert page.find("h1").text == "Russia's civil society"
    assert page.find("p", class_="meta").text == (
        "Campaign · Active · Russia · NGOs for civil society in Russia"
    )
    assert (coalition.name, coalition.get_absolute_url()) in page.find("p", class_="meta").links()
    assert page.find("p", class_="standfirst").text == "Five laws of 2012."
    assert page.find("div", class_="body").find("strong").text == "follows"
    assert not page.find("div", class_="body").has("script")
    laws = page.section("laws")
    assert laws.links() == [("'foreign agents' law", law.get_absolute_url())]
    assert "Russia · In force" in laws.text
    assert item_titles(page) == ["Newer", "Older"]
    assert "Hidden statement" not in response.text
    assert structured_data(page)["name"] == "Russia's civil society"


def test_a_campaign_with_nothing_published_says_so(client: Client) -> None:
    campaign = CampaignFactory()
    StatementFactory(campaign=campaign, title="A draft")
    response = client.get(campaign.get_absolute_url())
    assert "No statement of this campaign has been published yet." in response.text
    assert "A draft" not in response.text
    assert client.get("/campaigns/no-such-campaign/").status_code == 404


def test_a_coalition_page_lists_current_members_with_their_roles(client: Client) -> None:
    coalition = CoalitionFactory(name="The coalition", description="Eight NGOs together.")
    CoalitionMembershipFactory(
        coalition=coalition,
        organisation__name="Zeta Rights",
        role=CoalitionMembership.Role.CONVENOR,
        joined_on=date(2012, 3, 1),
    )
    CoalitionMembershipFactory(coalition=coalition, organisation__name="Alpha Watch")
    CoalitionMembershipFactory(
        coalition=coalition, organisation__name="Beta Observer", role="observer"
    )
    CoalitionMembershipFactory(
        coalition=coalition,
        organisation__name="Former Member",
        joined_on=date(2010, 1, 1),
        left_on=date(2011, 1, 1),
    )
    CoalitionMembershipFactory(organisation__name="Member elsewhere")
    CampaignFactory(coalition=coalition, title="Its campaign", status=Campaign.Status.WON)

    response = client.get(coalition.get_absolute_url())
    page = read(response)

    assert page.find("h1").text == "The coalition"
    assert "Eight NGOs together." in page.find("article").text
    assert [item.text for item in page.section("members").find_all("li")] == [
        "Zeta Rights · Convenor · since March 2012",
        "Alpha Watch · Member",
        "Beta Observer · Observer",
    ]
    assert "Former Member" not in response.text
    assert "Member elsewhere" not in response.text
    assert [item.text for item in page.section("campaigns").find_all("li")] == [
        "Its campaign · Won"
    ]
    assert [member["name"] for member in structured_data(page)["member"]] == [
        "Zeta Rights", "Alpha Watch", "Beta Observer",
    ]  # fmt: skip


def test_a_coalition_with_no_members_says_so(client: Client) -> None:
    coalition = CoalitionFactory()
    assert "No members are listed yet." in client.get(coalition.get_absolute_url()).text


def test_an_organisation_page_gives_its_profile(client: Client) -> None:
    organisation = OrganisationFactory(
        name="CIVICUS",
        short_name="CIVICUS",
        country="ZA",
        website="https://civicus.example",
        description="A global alliance.",
        other_names="World Alliance for Citizen Participation\n\nCIVICUS Alliance",
    )
    SignatureFactory(statement=StatementFactory(published=True), organisation=organisation)

    page = read(client.get(organisation.get_absolute_url()))

    # The short name is not repeated when it is the name.
    assert page.find("h1").text == "CIVICUS"
    assert page.find("article").find("p", class_="meta").text == (
        "Non-governmental organisation · South Africa"
    )
    assert "A global alliance." in page.find("article").text
    assert facts(page) == {
        "Website": "https://civicus.example",
        "Also known as": "World Alliance for Citizen Participation; CIVICUS Alliance",
    }
    data = structured_data(page)
    assert (data["@type"], data["name"], data["sameAs"]) == (
        "NGO", "CIVICUS", "https://civicus.example",
    )  # fmt: skip


def test_a_joint_programme_and_its_parents_link_to_each_other(client: Client) -> None:
    omct = OrganisationFactory(name="World Organisation Against Torture", short_name="OMCT")
    fidh = OrganisationFactory(name="International Federation for Human Rights", short_name="FIDH")
    observatory = OrganisationFactory(
        name="The Observatory", kind=Organisation.Kind.JOINT_PROGRAMME
    )
    OrganisationParentFactory(programme=observatory, parent=omct, order=0)
    OrganisationParentFactory(programme=observatory, parent=fidh, order=1)
    # A programme with nothing public is not shown on its parent's page.
    OrganisationParentFactory(parent=omct, programme__name="A programme with nothing public")
    SignatureFactory(statement=StatementFactory(published=True), organisation=observatory)

    programme_page = read(client.get(observatory.get_absolute_url()))
    parent_page = read(client.get(omct.get_absolute_url()))

    assert programme_page.find("p", class_="meta").text == "Joint programme · United Kingdom"
    assert facts(programme_page)["A joint programme of"] == (
        "World Organisation Against Torture, International Federation for Human Rights"
    )
    assert [name for name, _ in programme_page.find("dl", class_="facts").links()] == [
        omct.name, fidh.name,
    ]  # fmt: skip
    assert [member["name"] for member in structured_data(programme_page)["parentOrganization"]] == [
        omct.name, fidh.name,
    ]  # fmt: skip
    # A parent with nothing of its own public has a page through its public programme.
    assert facts(parent_page)["Runs"] == "The Observatory"
    assert parent_page.find("dl", class_="facts").links() == [
        ("The Observatory", observatory.get_absolute_url())
    ]


def test_an_organisation_page_lists_only_published_statements_it_confirmed(client: Client) -> None:
    organisation = OrganisationFactory()
    lead = StatementFactory(
        published=True, title="It led this", publish_at=datetime(2013, 5, 1, tzinfo=UTC)
    )
    SignatureFactory(statement=lead, organisation=organisation, role=Signature.Role.LEAD)
    cosigned = StatementFactory(
        published=True, title="It co-signed this", publish_at=datetime(2012, 5, 1, tzinfo=UTC)
    )
    SignatureFactory(statement=cosigned, organisation=organisation)
    SignatureFactory(
        statement=StatementFactory(published=True, title="It has not confirmed this"),
        organisation=organisation,
        status=Signature.Status.PENDING,
    )
    for traits in (*HIDDEN_TRAITS, {"withdrawn": True}):
        SignatureFactory(
            statement=StatementFactory(title="Hidden statement", **traits),
            organisation=organisation,
        )
    StatementFactory(published=True, lead_organisation=organisation, title="It issued this")
    StatementFactory(lead_organisation=organisation, title="It issued this draft")

    response = client.get(organisation.get_absolute_url())
    signed = read(response).section("signed")

    assert [item.text for item in signed.find_all("li")] == [
        "It led this · 1 May 2013 · Lead",
        "It co-signed this · 1 May 2012 · Co-signatory",
    ]
    assert signed.find("p", class_="meta").text == "Signed 2 published statements · issued 1"
    for hidden in ("Hidden statement", "It has not confirmed this", "It issued this draft"):
        assert hidden not in response.text


def test_an_organisation_page_lists_its_coalitions_current_and_former(client: Client) -> None:
    organisation = OrganisationFactory()
    CoalitionMembershipFactory(
        organisation=organisation, coalition__name="Alpha coalition", role="convenor"
    )
    CoalitionMembershipFactory(
        organisation=organisation,
        coalition__name="Beta coalition",
        joined_on=date(2010, 1, 1),
        left_on=date(2011, 1, 1),
    )

    page = read(client.get(organisation.get_absolute_url()))

    assert facts(page)["Coalitions"] == (
        "Alpha coalition (Convenor), Beta coalition (Member, former)"
    )


def test_an_organisation_with_nothing_public_is_not_found(client: Client) -> None:
    organisation = OrganisationFactory()
    SignatureFactory(statement=StatementFactory(), organisation=organisation)
    assert client.get(organisation.get_absolute_url()).status_code == 404
    assert client.get("/organisations/no-such-organisation/").status_code == 404


def test_the_home_page_shows_active_campaigns_and_the_latest_statements_newest_first(
    client: Client,
) -> None:
    CampaignFactory(
        title="Older campaign",
        started_on=date(2011, 1, 1),
        summary="",
        coalition=CoalitionFactory(name="Coal"),
    )
    CampaignFactory(title="Newer campaign", started_on=date(2012, 1, 1), summary="Why it runs.")
    CampaignFactory(title="Paused campaign", status=Campaign.Status.PAUSED)
    CampaignFactory(title="Won campaign", status=Campaign.Status.WON)
    for year in (2012, 2014, 2013):
        StatementFactory(
            published=True,
            campaign=None,
            title=f"Of {year}",
            publish_at=datetime(year, 1, 1, tzinfo=UTC),
        )
    StatementFactory(scheduled=True, campaign=None, title="Embargoed")

    response = client.get("/")
    page = read(response)

    campaigns = [item.text for item in page.section("active-campaigns").find_all("li")]
    assert campaigns == ["Newer campaign Why it runs.", "Older campaign · Coal"]
    assert item_titles(page) == ["Of 2014", "Of 2013", "Of 2012"]
    assert "Paused campaign" not in response.text
    assert "Embargoed" not in response.text
    assert structured_data(page)["@type"] == "WebSite"
