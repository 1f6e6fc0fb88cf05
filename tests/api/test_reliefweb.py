"""A statement in ReliefWeb's report layout, for partners who post it there unchanged."""

import pytest
from rest_framework.test import APIClient

from campaigns.models import EmbargoedRead, Signature
from tests.factories import (
    CampaignFactory,
    DemandFactory,
    LawFactory,
    OrganisationFactory,
    SignatureFactory,
    StatementFactory,
    partner_key,
)

pytestmark = pytest.mark.django_db


def test_a_public_statement_in_reliefweb_fields(api: APIClient) -> None:
    issuer = OrganisationFactory(
        name="Amnesty International", short_name="AI", website="https://www.amnesty.org/"
    )
    statement = StatementFactory(
        published=True,
        kind="joint_statement",
        title="End the crackdown",
        standfirst="Eight NGOs <urge> EU leaders.",
        body="The **laws** must go.",
        lead_organisation=issuer,
        campaign=CampaignFactory(country="RU"),
    )
    SignatureFactory(statement=statement, organisation=issuer)
    SignatureFactory(
        statement=statement, organisation__name="Human Rights Watch", organisation__short_name="HRW"
    )
    SignatureFactory(
        statement=statement, organisation__name="Pending NGO", status=Signature.Status.PENDING
    )
    DemandFactory(statement=statement, law=LawFactory(country="BY"))

    report = api.get(f"/api/v1/statements/{statement.pk}/reliefweb/").json()

    assert report["title"] == "End the crackdown"
    assert report["body_html"] == (
        "<p><strong>Eight NGOs &lt;urge&gt; EU leaders.</strong></p>\n"
        "<p>The <strong>laws</strong> must go.</p>\n"
    )
    assert report["source"] == [
        {
            "name": "Amnesty International",
            "shortname": "AI",
            "homepage": "https://www.amnesty.org/",
        },
        {"name": "Human Rights Watch", "shortname": "HRW", "homepage": ""},
    ]
    assert report["date_original"] == statement.issued_on.isoformat()
    assert report["language"] == {"code": "en", "name": "English"}
    assert report["primary_country"] == {"iso3": "RUS", "name": "Russia"}
    assert report["country"] == [
        {"iso3": "RUS", "name": "Russia"},
        {"iso3": "BLR", "name": "Belarus"},
    ]
    assert report["format"] == {"name": "News and Press Release"}
    assert report["origin"] == f"http://testserver{statement.get_absolute_url()}"
    assert report["embargo"] is None


@pytest.mark.parametrize("trait", ["draft", "in_review", "approved", "scheduled", "withdrawn"])
def test_a_statement_that_is_not_public_has_no_report(api: APIClient, trait: str) -> None:
    statement = StatementFactory(**({} if trait == "draft" else {trait: True}))

    response = api.get(f"/api/v1/statements/{statement.pk}/reliefweb/")

    assert response.status_code == 404
    assert response.json() == api.get("/api/v1/statements/999999/reliefweb/").json()


def test_an_embargoed_report_says_until_when_and_the_read_is_logged(api: APIClient) -> None:
    statement = StatementFactory(scheduled=True)
    key, secret = partner_key(can_read_embargoed=True)
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")

    report = api.get(f"/api/v1/statements/{statement.pk}/reliefweb/").json()

    assert report["embargo"] == statement.publish_at.isoformat().replace("+00:00", "Z")
    assert EmbargoedRead.objects.filter(key=key, statement=statement).count() == 1
