"""schema.org descriptions of public pages, embedded as JSON-LD.

Built only from objects a view already loaded through the publication gate, so they
say nothing the page does not.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from legislation.models import Law
from lib.web_addresses import is_web_address
from organisations.models import Organisation, OrganisationIdentifier

from .models import Campaign, Coalition, Statement

type JSON = dict[str, Any]

CONTEXT = "https://schema.org"
# schema.org's LegalForceStatus has three values; every other status is "not in force".
LEGAL_FORCE: dict[str, str] = {
    Law.Status.IN_FORCE: "https://schema.org/InForce",
    Law.Status.PARTIALLY_IN_FORCE: "https://schema.org/PartiallyInForce",
}


def website(request: HttpRequest) -> JSON:
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": settings.SITE_NAME,
        "url": request.build_absolute_uri("/"),
        "potentialAction": {
            "@type": "SearchAction",
            "target": request.build_absolute_uri("/search/") + "?q={query}",
            "query-input": "required name=query",
        },
    }


def collection(request: HttpRequest, name: str) -> JSON:
    return {
        "@context": CONTEXT,
        "@type": "CollectionPage",
        "name": name,
        "url": request.build_absolute_uri(request.path),
    }


def ngo(request: HttpRequest, organisation: Organisation) -> JSON:
    data: JSON = {
        "@type": "NGO",
        "name": organisation.name,
        "url": request.build_absolute_uri(organisation.get_absolute_url()),
    }
    if organisation.short_name:
        data["alternateName"] = organisation.short_name
    if is_web_address(organisation.website):
        data["sameAs"] = organisation.website
    return data


def statement(request: HttpRequest, statement: Statement) -> JSON:
    signatories = [signature.organisation for signature in statement.confirmed_signatures]  # type: ignore[attr-defined]
    data: JSON = {
        "@context": CONTEXT,
        "@type": "Report" if statement.kind == Statement.Kind.BRIEFING else "NewsArticle",
        "headline": statement.title,
        "description": statement.standfirst,
        "inLanguage": statement.language,
        "url": request.build_absolute_uri(statement.get_absolute_url()),
        "author": [ngo(request, organisation) for organisation in signatories],
        "about": [
            {"@type": "Legislation", "name": demand.law.title}
            for demand in statement.demands.all()
            if demand.law
        ],
    }
    if statement.issued_iso:
        # The date it was issued; its publish time only when that was the same day.
        data["datePublished"] = statement.issued_iso
    if statement.publish_at:
        data["dateModified"] = max(statement.publish_at, statement.updated_at).isoformat()
    if statement.lead_organisation:
        data["publisher"] = ngo(request, statement.lead_organisation)
    return data


def law(request: HttpRequest, law: Law) -> JSON:
    data: JSON = {
        "@context": CONTEXT,
        "@type": "Legislation",
        "name": law.official_title,
        "url": request.build_absolute_uri(law.get_absolute_url()),
        "legislationJurisdiction": str(law.country.name),  # type: ignore[attr-defined]
        "legislationType": law.get_kind_display(),
        "legislationLegalForce": LEGAL_FORCE.get(law.status, "https://schema.org/NotInForce"),
    }
    if law.common_title:
        data["alternateName"] = law.common_title
    if law.identifier:
        data["legislationIdentifier"] = law.identifier
    if law.summary:
        data["abstract"] = law.summary
    return data


def organisation(request: HttpRequest, organisation: Organisation) -> JSON:
    data = {"@context": CONTEXT, **ngo(request, organisation)}
    if organisation.description:
        data["description"] = organisation.description
    identifiers = list(organisation.identifiers.all())
    if identifiers:
        data["identifier"] = [
            {
                "@type": "PropertyValue",
                "propertyID": identifier.scheme_name,
                "value": identifier.value,
                **({"url": identifier.url} if identifier.url else {}),
            }
            for identifier in identifiers
        ]
    # The same organisation described elsewhere: its own site and its Wikidata item.
    same_as = [data["sameAs"]] if "sameAs" in data else []
    same_as += [
        identifier.url
        for identifier in identifiers
        if identifier.scheme == OrganisationIdentifier.Scheme.WIKIDATA
    ]
    if same_as:
        data["sameAs"] = same_as if len(same_as) > 1 else same_as[0]
    parents = [link.parent for link in organisation.parent_links.all()]
    if parents:
        data["parentOrganization"] = [ngo(request, parent) for parent in parents]
    return data


def campaign(request: HttpRequest, campaign: Campaign) -> JSON:
    return {
        "@context": CONTEXT,
        "@type": "CollectionPage",
        "name": campaign.title,
        "description": campaign.summary,
        "url": request.build_absolute_uri(campaign.get_absolute_url()),
    }


def coalition(request: HttpRequest, coalition: Coalition) -> JSON:
    return {
        "@context": CONTEXT,
        "@type": "Organization",
        "name": coalition.name,
        "url": request.build_absolute_uri(coalition.get_absolute_url()),
        "member": [
            ngo(request, membership.organisation)
            for membership in coalition.current_memberships  # type: ignore[attr-defined]
        ],
    }


def country(request: HttpRequest, code: str, name: str) -> JSON:
    return {
        "@context": CONTEXT,
        "@type": "CollectionPage",
        "name": name,
        "url": request.build_absolute_uri(request.path),
        "about": {"@type": "Country", "name": name, "identifier": code},
    }
