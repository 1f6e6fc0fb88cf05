"""The examples the OpenAPI schema gives: a value for every property, and from them a whole
answer for every operation (lib/api/schema.py puts them together).

They tell one story, the founding one: the joint press release of 19 December 2012 before
the EU–Russia summit, its signatories, its demands and the laws it names. The ids are made
up, and agree across resources: statement 42 is that release, law 12 the 'foreign agents'
law, organisation 7 FIDH.
"""

from typing import Any

from campaigns.documents import ITEM_FIELDS
from lib.api.schema import add_examples

SITE = "https://chorus.example.org"
API = f"{SITE}/api/v1"
CURSOR = "cD0yMDEyLTEyLTE5KzA5JTNBMDAlM0EwMCUyQjAwJTNBMDA%3D"

STATEMENT_SLUG = "eu-russia-summit-civil-society-2012"
LAW_TITLE = "'foreign agents' law"


def values(component: str, **examples: Any) -> dict[str, Any]:
    """One component's examples, keyed as add_examples() reads them."""
    return {f"{component}.{name}": value for name, value in examples.items()}


# Properties that mean the same wherever they appear.
SHARED: dict[str, Any] = {
    "created_at": "2012-12-18T16:05:00Z",
    "updated_at": "2012-12-20T14:30:00Z",
    "issued_on": "2012-12-19",
    "publish_at": "2012-12-19T09:00:00Z",
    "signatory_name": "Marie Durand",
    "signatory_title": "President",
    "signed_at": "2012-12-18T17:40:00Z",
    "order": 1,
    "evidence_url": "",
    "evidence_reference": "",
    "source_url": "http://www.hrw.org/node/115058/section/6",
    "withdrawn_at": "2013-01-10T11:00:00Z",
    "reason": "Published by mistake before every signatory had confirmed.",
}

STATEMENT: dict[str, Any] = {
    "id": 42,
    "url": f"{API}/statements/42/",
    "web_url": f"{SITE}/statements/2012/{STATEMENT_SLUG}/",
    "title": (
        "Before the EU–Russia summit, eight NGOs ask EU leaders to press Moscow on five "
        "restrictive laws"
    ),
    "slug": STATEMENT_SLUG,
    "languages": ["en", "fr"],
    "standfirst": (
        "Eight international human rights organisations want the European Union to use "
        "the summit to press President Putin to stop squeezing Russian civil society."
    ),
    "body_markdown": (
        "Eight international human rights organisations have asked the leaders of the "
        "European Union to raise the treatment of **Russian civil society**."
    ),
    "body_html": (
        "<p>Eight international human rights organisations have asked the leaders of the "
        "European Union to raise the treatment of <strong>Russian civil society</strong>.</p>"
    ),
    "kind": "press_release",
    "embargoed": False,
    "embargo_until": None,
    "signatures_open": False,
    "version": 1,
    "campaign": 3,
    "campaign_url": f"{API}/campaigns/3/",
    "declared_signatory_count": None,
    "unlisted_signatory_count": 0,
    "signatory_count": 8,
    "leverage": ["OECD membership", "Relationship with the European Court of Human Rights"],
    "leverage_note": "",
}
ORGANISATION: dict[str, Any] = {
    "id": 7,
    "url": f"{API}/organisations/7/",
    "name": "International Federation for Human Rights",
    "short_name": "FIDH",
    "slug": "fidh",
}
LAW_SUMMARY: dict[str, Any] = {
    "id": 12,
    "url": f"{API}/laws/12/",
    "title": LAW_TITLE,
    "country": "RU",
    "identifier": "121-FZ",
}
ADDRESSEE: dict[str, Any] = {
    "id": 5,
    "name": "President of Russia",
    "slug": "president-of-russia",
    "country": "RU",
}
DEMAND: dict[str, Any] = {
    "id": 118,
    "url": f"{API}/demands/118/",
    "text": "Repeal the 'foreign agents' law.",
}
RIGHT: dict[str, Any] = {
    "id": 2,
    "url": f"{API}/rights/2/",
    "name": "Freedom of association",
    "slug": "association",
}
LAW: dict[str, Any] = {
    "id": LAW_SUMMARY["id"],
    "url": LAW_SUMMARY["url"],
    "country": "RU",
    "identifier": "121-FZ",
    "kind": "amendment",
    "web_url": f"{SITE}/laws/ru/foreign-agents-law/",
    "official_title": (
        "Federal Law No. 121-FZ of 20 July 2012 on amendments to certain legislative acts "
        "of the Russian Federation regarding the regulation of the activities of "
        "non-commercial organisations performing the functions of a foreign agent"
    ),
    "common_title": LAW_TITLE,
    "slug": "foreign-agents-law",
    "bill_number": "102766-6",
    "eli": "",
    "status": "in_force",
    "status_since": "2012-11-21",
    "summary": (
        "Non-profit organisations that take money from abroad and engage in loosely "
        "defined 'political activity' must register as 'foreign agents'."
    ),
    "replaced_by": None,
    "replaced_by_url": None,
    "modelled_on": [],
}
CAMPAIGN_SLUG = "russia-civil-society"

EXAMPLES: dict[str, Any] = {
    **SHARED,
    **values("Statement", **STATEMENT),
    # A list's item is the same statement, slim.
    **values(
        "StatementItem", **{name: STATEMENT[name] for name in ITEM_FIELDS if name in STATEMENT}
    ),
    **values("OrganisationSummary", **ORGANISATION),
    **values(
        "Organisation",
        **ORGANISATION,
        display_name="International Federation for Human Rights (FIDH)",
        country="FR",
        website="https://www.fidh.org/",
        description="A federation of human rights organisations from every continent.",
        other_names=["Fédération internationale pour les droits humains"],
        is_active=True,
    ),
    **values(
        "RunBy",
        id=7,
        url=f"{API}/organisations/7/",
        name="International Federation for Human Rights",
        short_name="FIDH",
    ),
    **values(
        "PressContact",
        name="Claire Martin",
        role="Press officer",
        email="press@fidh.example.org",
        phone="+33 1 43 55 00 00",
        languages="English, French",
    ),
    **values(
        "Identifier",
        scheme_name="Wikidata",
        value="Q1535427",
        url="https://www.wikidata.org/wiki/Q1535427",
    ),
    **values(
        "Signatory",
        display_name="International Federation for Human Rights (FIDH)",
        role="lead",
    ),
    **values("Target", **ADDRESSEE, kind="head_of_state"),
    **values("Addressee", **ADDRESSEE, kind="head_of_state", role="primary"),
    **values(
        "AddresseeList",
        **ADDRESSEE,
        url=f"{API}/addressees/5/",
        kind="head_of_state",
        description="",
        statements_url=f"{API}/statements/?addressee=5",
        demands_url=f"{API}/demands/?addressee=5",
    ),
    **values(
        "Moment",
        id=4,
        name="EU–Russia summit",
        slug="eu-russia-summit-2012-12",
        starts_on="2012-12-20",
        ends_on="2012-12-21",
        place="Brussels",
        country="BE",
    ),
    **values("Demand", **DEMAND, action="repeal", outcome="unmet", outcome_on="2013-06-30"),
    **values(
        "DemandWithStatement",
        **DEMAND,
        action="repeal",
        outcome="unmet",
        outcome_on="2013-06-30",
        statement=42,
        statement_url=f"{API}/statements/42/",
    ),
    **values(
        "DemandOutcome",
        outcome="unmet",
        outcome_on="2013-06-30",
        note="Still in force a year later.",
    ),
    **values("ProvisionSummary", id=31, reference="Article 330.1 of the Criminal Code"),
    **values(
        "Correction",
        corrected_at="2012-12-20T14:30:00Z",
        note="The fine for protests is up to 300,000 roubles, not 30,000.",
    ),
    **values(
        "Publication",
        publisher_name="",
        published_as="",
        display_name="International Federation for Human Rights",
        url="https://www.fidh.org/en/region/europe-central-asia/russia/eu-russia-summit",
        link_text="EU–Russia summit: the EU must press Russia",
        published_on="2012-12-19",
        title="EU–Russia summit: the EU must press Russia",
    ),
    **values("Tombstone", title="A statement withdrawn"),
    **values(
        "WithdrawnNotice", title="A statement withdrawn", detail="This statement was withdrawn."
    ),
    **values(
        "Campaign",
        id=3,
        url=f"{API}/campaigns/3/",
        web_url=f"{SITE}/campaigns/{CAMPAIGN_SLUG}/",
        title="End the crackdown on civil society in Russia",
        slug=CAMPAIGN_SLUG,
        summary="International NGOs press for the repeal of Russia's restrictive laws.",
        body="Since 2012 Russia has adopted **five laws** that restrict civil society.",
        body_html="<p>Since 2012 Russia has adopted <strong>five laws</strong> that "
        "restrict civil society.</p>",
        country="RU",
        status="active",
        started_on="2012-07-01",
        ended_on=None,
        coalition=2,
        coalition_url=f"{API}/coalitions/2/",
        statements_url=f"{API}/statements/?campaign=3",
    ),
    **values(
        "Coalition",
        id=2,
        url=f"{API}/coalitions/2/",
        web_url=f"{SITE}/coalitions/ngos-for-civil-society-in-russia/",
        name="International NGOs for civil society in Russia",
        slug="ngos-for-civil-society-in-russia",
        description="International organisations that speak together on Russia.",
        website="",
    ),
    **values("Membership", role="convenor", joined_on="2012-07-01"),
    **values("LawSummary", **LAW_SUMMARY, status="in_force"),
    **values("RelatedLaw", **LAW_SUMMARY, web_url=f"{SITE}/laws/ru/foreign-agents-law/"),
    **values("Law", **LAW),
    **values("RightSummary", **RIGHT),
    **values(
        "Right",
        **RIGHT,
        description="To form and join associations, and to act through them.",
    ),
    **values(
        "Standard",
        id=3,
        name="ICCPR, article 22",
        slug="iccpr-22",
        country="",
        url="https://www.ohchr.org/en/instruments-mechanisms/instruments/"
        "international-covenant-civil-and-political-rights",
    ),
    **values(
        "Provision",
        id=31,
        reference="Article 330.1 of the Criminal Code",
        summary="Malicious evasion of a 'foreign agent' organisation's duties is a crime.",
    ),
    **values(
        "Penalty",
        id=57,
        offence="Malicious evasion of the duties of a 'foreign agent' organisation",
        as_reported="a fine of up to 300,000 roubles",
        normalised=True,
        amount_min=None,
        amount_max="300000.00",
        unit="RUB",
        prison_min_months=None,
        prison_max_months=24,
        note="",
    ),
    **values(
        "LawEvent",
        id=77,
        kind="adopted",
        date="2012-07-13",
        actor="the State Duma",
        votes_for=374,
        votes_against=3,
        votes_abstaining=1,
        court="",
        case_number="",
        ecli="",
        note="Adopted in third reading.",
    ),
    **values(
        "LawSource",
        title="Human Rights Watch, Laws of Attrition (2013)",
        url="http://www.hrw.org/node/115058/section/6",
        accessed_on="2013-05-01",
    ),
    **values("RelatedLaws", replaced_by=None),
    **values(
        "SignOnRequest",
        id=311,
        url=f"{API}/sign-on-requests/311/",
        statement=42,
        statement_url=f"{API}/statements/42/",
        organisation=7,
        status="pending",
        role="co_signatory",
        signed_at=None,
        declined_at=None,
        decline_reason="",
    ),
    **values("SignOnRequestRequest", statement=42),
    **values(
        "Change",
        cursor="1355907600000000-981",
        kind="published",
        at="2012-12-19T09:00:05Z",
        resource="statement",
        id=42,
        url=f"{API}/statements/42/",
        statement=42,
        statement_url=f"{API}/statements/42/",
        tombstone=None,
    ),
    **values(
        "ChangeFeedPage",
        next=f"{API}/changes/?since=1355907600000000-981",
        has_more=False,
    ),
    **{
        f"{component}.{name}": link
        for component, collection in {
            "PaginatedStatementItemList": "statements",
            "PaginatedCampaignList": "campaigns",
            "PaginatedCoalitionList": "coalitions",
            "PaginatedOrganisationList": "organisations",
            "PaginatedLawList": "laws",
            "PaginatedDemandWithStatementList": "demands",
            "PaginatedAddresseeListList": "addressees",
            "PaginatedRightList": "rights",
            "PaginatedSignOnRequestList": "sign-on-requests",
        }.items()
        # A first page: one after it, none before.
        for name, link in (("next", f"{API}/{collection}/?cursor={CURSOR}"), ("previous", None))
    },
    **values(
        "ReliefWebReport",
        title="Before the EU–Russia summit, eight NGOs ask EU leaders to press Moscow",
        body_html="<p><strong>Eight organisations want the EU to act.</strong></p>",
        date_original="2012-12-19",
        language={"code": "en", "name": "English"},
        format={"name": "News and Press Release"},
        origin=f"{SITE}/statements/2012/{STATEMENT_SLUG}/",
        embargo=None,
    ),
    **values(
        "ReliefWebSource",
        name="International Federation for Human Rights",
        shortname="FIDH",
        homepage="https://www.fidh.org/",
    ),
    **values("ReliefWebCountry", iso3="RUS", name="Russia"),
    **values(
        "ApiIndex",
        collections={
            "statements": f"{API}/statements/",
            "laws": f"{API}/laws/",
            "organisations": f"{API}/organisations/",
        },
        changes=f"{API}/changes/",
        datasets=f"{API}/datasets/",
        schema=f"{API}/schema/",
        docs=f"{API}/docs/",
        redoc=f"{API}/redoc/",
    ),
    **values("DatasetIndex", built_at="2012-12-19T09:05:00Z"),
    **values(
        "DatasetLicence",
        name="CC BY 4.0",
        url="https://creativecommons.org/licenses/by/4.0/",
        attribution="Chorus: joint statements of civil society coalitions",
    ),
    **values(
        "DatasetFile",
        name="statements.jsonl",
        dataset="statements",
        format="jsonl",
        url=f"{API}/datasets/statements.jsonl",
        bytes=1_482_113,
        rows=1_204,
        sha256="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    ),
    **values(
        "Error",
        detail="The request is not valid: see errors.",
        errors={"language": ["Select a valid choice. xx is not one of the available choices."]},
        existing=f"{API}/sign-on-requests/311/",
    ),
}


def document_examples(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """Every property's example, and every answer's (see lib/api/schema.add_examples)."""
    return add_examples(result, EXAMPLES)
