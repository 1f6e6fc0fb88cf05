"""Nothing of a statement the public may not see appears anywhere public.

Each hidden statement carries a unique marker in its title, its text and the name of its
only signatory (an organisation with nothing else public), and it makes a demand about a
law the public can see. Then every public surface is read.
"""

import re

import pytest
from django.test import Client

from campaigns.models import Signature
from tests.factories import (
    DemandFactory,
    DemandOutcomeFactory,
    LawFactory,
    OrganisationFactory,
    SignatureFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

HIDDEN = {
    "draftmarker": {},
    "inreviewmarker": {"in_review": True},
    "approvedmarker": {"approved": True},
    "scheduledmarker": {"scheduled": True},
    "withdrawnmarker": {"withdrawn": True},
}
SECTIONS = ("statements", "laws", "organisations")


def public_addresses(law_url: str, campaign_url: str, organisation_url: str) -> list[str]:
    pages = ["/", "/statements/", "/laws/", law_url, campaign_url, organisation_url]
    # The country of the law and the campaign, and the signatories' (GB, as factories have it).
    pages += ["/countries/ru/", "/countries/gb/"]
    pages += [f"/{language}{page}" for language in ("ru", "fr") for page in pages]
    feeds = ["/feed/", "/countries/ru/feed/", law_url + "feed/", campaign_url + "feed/"]
    # Each language's feeds list every public statement, whatever it is written in.
    feeds += [f"/{language}{feed}" for language in ("ru", "fr") for feed in feeds]
    searches = ["/search/?q=marker"]
    for marker in HIDDEN:
        searches += [f"/search/?q={marker}"]
        searches += [f"/search/?q={marker}&in={section}" for section in SECTIONS]
    return pages + feeds + searches + ["/sitemap.xml", "/robots.txt"]


def test_no_public_surface_shows_a_statement_that_is_not_public(client: Client) -> None:
    law = LawFactory(country="RU")
    public = StatementFactory(published=True, title="The public statement")
    visible_signatory = OrganisationFactory(name="Visible signatory")
    SignatureFactory(statement=public, organisation=visible_signatory)
    SignatureFactory(
        statement=public,
        organisation__name="Pendingmarker Org",
        status=Signature.Status.PENDING,
    )
    DemandFactory(statement=public, law=law)
    hidden_addresses = []
    for marker, traits in HIDDEN.items():
        statement = StatementFactory(
            campaign=public.campaign,
            title=f"Title {marker}",
            body=f"The text says {marker}.",
            lead_organisation=OrganisationFactory(name=f"Issuer {marker}"),
            **traits,
        )
        SignatureFactory(
            statement=statement,
            organisation__name=f"Signatory {marker}",
            organisation__slug=f"signatory-{marker}",
        )
        DemandOutcomeFactory(
            demand=DemandFactory(statement=statement, law=law, text=f"Demand {marker}"),
            evidence_reference=f"Ruling {marker}",
            note=f"Outcome {marker}",
        )
        hidden_addresses.append(statement.get_absolute_url())

    addresses = public_addresses(
        law.get_absolute_url(),
        public.campaign.get_absolute_url(),
        visible_signatory.get_absolute_url(),
    )
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        text = response.content.decode()
        if address.startswith("/search/"):
            # The search page repeats the query; what it must not show is a result.
            assert "Nothing was found" in text, address
            assert not re.search(
                r"(Title|Signatory|Issuer|Demand|Ruling|Outcome) \w*marker", text
            ), address
            assert "The text says" not in text, address
        else:
            assert not re.search("marker", text, re.IGNORECASE), address
    # Counts: the organisation signed one published statement, the law has one statement.
    assert "Signed 1 published statement" in client.get(visible_signatory.get_absolute_url()).text
    assert client.get(law.get_absolute_url()).text.count("The public statement") == 2
    assert "1 statement" in client.get("/statements/").text
    for feed in ("/ru/feed/", "/fr/feed/"):
        assert "The public statement" in client.get(feed).text

    # The hidden statements' own addresses: 404 like any unknown address, and the
    # withdrawn one's notice says only its title, dates and reason.
    for address in hidden_addresses:
        response = client.get(address)
        text = response.content.decode()
        assert "The text says" not in text and "Signatory" not in text and "Issuer" not in text
        if "withdrawnmarker" in text:
            assert response.status_code == 410
        else:
            assert response.status_code == 404
            assert "marker" not in text
    # Signatories and issuers of hidden statements have no public page or feed.
    for marker in HIDDEN:
        assert client.get(f"/organisations/signatory-{marker}/").status_code == 404
        assert client.get(f"/organisations/signatory-{marker}/feed/").status_code == 404
