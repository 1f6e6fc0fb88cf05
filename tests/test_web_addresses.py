"""Every address the public record links to is a web address: http:// or https://.

Other schemes (javascript:, data:, ftp:, mailto: ...) are refused when saved, in the
admin's forms and in imports alike; a row saved before the rule never becomes a link.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client

from campaigns.models import Coalition, Demand, DemandOutcome, Publication
from legislation.models import LawEvent, LawSource, Penalty, Standard
from lib.web_addresses import WebAddressField
from organisations.models import Organisation
from tests.admin_pages import FormData, add_row, admin_url, form_data
from tests.factories import (
    CoalitionFactory,
    DemandFactory,
    LawEventFactory,
    LawFactory,
    LawSourceFactory,
    OrganisationFactory,
    PenaltyFactory,
    ProvisionFactory,
    PublicationFactory,
    SignatureFactory,
    StandardFactory,
    StatementFactory,
)
from tests.site.reading import read, structured_data
from tests.test_import_export import bad_rows, upload

pytestmark = pytest.mark.django_db

NOT_WEB_ADDRESSES = [
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://files.example.org/report.pdf",
    "mailto:press@example.org",
    "JaVaScRiPt:alert(document.cookie)",
]
REFUSED = "Enter an http:// or https:// address."


def address_fields() -> list[models.Field[Any, Any]]:
    return [
        field
        for label in ("organisations", "legislation", "campaigns")
        for model in apps.get_app_config(label).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.URLField)
    ]


def test_every_address_field_of_the_record_takes_web_addresses_only() -> None:
    fields = address_fields()
    assert {f"{field.model.__name__}.{field.name}" for field in fields} >= {
        "Organisation.website",
        "WebhookEndpoint.url",
        "Standard.url",
        "LawSource.url",
        "LawEvent.source_url",
        "Penalty.source_url",
        "Coalition.website",
        "Demand.evidence_url",
        "Publication.url",
    }
    for field in fields:
        assert isinstance(field, WebAddressField), field
        field.clean("https://www.example.org/a-page?x=1", None)
        field.clean("http://example.org", None)
        for address in NOT_WEB_ADDRESSES:
            with pytest.raises(ValidationError):
                field.clean(address, None)


# --- the admin's forms ---------------------------------------------------------------------


def organisation_website(client: Client, address: str) -> tuple[str, FormData]:
    organisation = OrganisationFactory(website="https://before.example.org")
    url = admin_url(organisation, "change")
    data = form_data(client.get(url), "organisation")
    data["website"] = address
    return url, data


def coalition_website(client: Client, address: str) -> tuple[str, FormData]:
    coalition = CoalitionFactory(website="https://before.example.org")
    url = admin_url(coalition, "change")
    data = form_data(client.get(url), "coalition")
    data["website"] = address
    return url, data


def standard_link(client: Client, address: str) -> tuple[str, FormData]:
    url = admin_url(Standard, "add")
    data = form_data(client.get(url), "standard")
    data.update(name="ICCPR, article 22", slug="iccpr-22", kind="treaty", url=address)
    return url, data


def law_event_source(client: Client, address: str) -> tuple[str, FormData]:
    law = LawFactory()
    url = admin_url(law, "change")
    data = form_data(client.get(url), "law")
    add_row(data, "events", kind=LawEvent.Kind.ADOPTED, date="2012-07-13", source_url=address)
    return url, data


def law_source(client: Client, address: str) -> tuple[str, FormData]:
    law = LawFactory()
    url = admin_url(law, "change")
    data = form_data(client.get(url), "law")
    add_row(data, "sources", title="Official gazette", url=address)
    return url, data


def penalty_source(client: Client, address: str) -> tuple[str, FormData]:
    provision = ProvisionFactory()
    url = admin_url(provision, "change")
    data = form_data(client.get(url), "provision")
    add_row(
        data, "penalties", kind=Penalty.Kind.FINE, as_reported="up to £20,000", source_url=address
    )
    return url, data


def publication_address(client: Client, address: str) -> tuple[str, FormData]:
    statement = StatementFactory()
    url = admin_url(statement, "change")
    data = form_data(client.get(url), "statement")
    add_row(data, "publications", publisher_name="A newspaper", url=address)
    return url, data


def demand_evidence(client: Client, address: str) -> tuple[str, FormData]:
    # Evidence is given with each outcome, in the demand's outcome history.
    demand = DemandFactory()
    url = admin_url(demand, "change")
    data = form_data(client.get(url), "demand")
    add_row(data, "outcomes", outcome="met", outcome_on="2020-01-10", evidence_url=address)
    return url, data


def stored_addresses() -> set[str]:
    """Every address held, whichever table holds it."""
    return (
        {organisation.website for organisation in Organisation.objects.all()}
        | set(Coalition.objects.values_list("website", flat=True))
        | set(Standard.objects.values_list("url", flat=True))
        | set(LawEvent.objects.values_list("source_url", flat=True))
        | set(LawSource.objects.values_list("url", flat=True))
        | set(Penalty.objects.values_list("source_url", flat=True))
        | set(Publication.objects.values_list("url", flat=True))
        | set(Demand.objects.values_list("evidence_url", flat=True))
        | set(DemandOutcome.objects.values_list("evidence_url", flat=True))
    )


FORMS: dict[str, Callable[[Client, str], tuple[str, FormData]]] = {
    "organisation website": organisation_website,
    "coalition website": coalition_website,
    "standard": standard_link,
    "law event source": law_event_source,
    "law source": law_source,
    "penalty source": penalty_source,
    "publication": publication_address,
    "demand evidence": demand_evidence,
}


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
@pytest.mark.parametrize("address", NOT_WEB_ADDRESSES)
def test_the_admin_refuses_an_address_that_is_not_a_web_address(
    admin_client: Client, form: Callable[[Client, str], tuple[str, FormData]], address: str
) -> None:
    url, data = form(admin_client, address)

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert REFUSED in response.text
    assert address not in stored_addresses()


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_the_admin_saves_a_web_address(
    admin_client: Client, form: Callable[[Client, str], tuple[str, FormData]]
) -> None:
    url, data = form(admin_client, "https://www.example.org/2012/12/statement")

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.text[:3000]
    assert "https://www.example.org/2012/12/statement" in stored_addresses()


# --- imports ---------------------------------------------------------------------------------


@pytest.mark.parametrize("address", NOT_WEB_ADDRESSES)
def test_an_organisation_import_with_a_bad_website_is_refused(
    admin_client: Client, address: str
) -> None:
    content = (
        "slug,name_en,kind,country,website\n"
        "front-line-defenders,Front Line Defenders,ngo,IE,https://www.frontlinedefenders.org\n"
        f'civicus,CIVICUS,ngo,ZA,"{address}"\n'
    )

    response = upload(admin_client, Organisation, content.encode(), "organisations.csv")

    assert bad_rows(response) == ["2"]
    assert REFUSED in response.text
    assert "Confirm import" not in response.text
    assert not Organisation.objects.exists()


def test_a_penalty_import_with_a_bad_source_is_refused(admin_client: Client) -> None:
    ProvisionFactory(law__country="RU", law__slug="treason", reference="Article 275")
    content = (
        "id,provision,kind,as_reported,amount_min,amount_max,unit,prison_max_months,source_url,note\n"
        ",RU/treason/Article 275,fine,up to 1,,,,,https://example.org/source,\n"
        ",RU/treason/Article 275,fine,up to 2,,,,,javascript:alert(1),\n"
    )

    response = upload(admin_client, Penalty, content.encode(), "penalties.csv")

    assert bad_rows(response) == ["2"]
    assert REFUSED in response.text
    assert not Penalty.objects.exists()


# --- rows saved before the rule ----------------------------------------------------------------


def hrefs(response: Any) -> list[str]:
    return [href for _text, href in read(response).links()]


@pytest.mark.parametrize("address", NOT_WEB_ADDRESSES)
def test_a_page_never_links_to_an_address_that_is_not_a_web_address(
    client: Client, address: str
) -> None:
    # Factories save without validating, as rows written before the rule were.
    organisation = OrganisationFactory(website=address)
    coalition = CoalitionFactory(website=address)
    statement = StatementFactory(published=True)
    SignatureFactory(statement=statement, organisation=organisation)
    PublicationFactory(statement=statement, url=address, title="Reprinted elsewhere")
    law = LawFactory()
    DemandFactory(
        statement=statement, law=law, outcome="met", outcome_on="2013-01-01", evidence_url=address
    )
    law.conflicts_with.add(StandardFactory(name="ICCPR, article 19", url=address))
    LawEventFactory(law=law, source_url=address, note="Signed by the President.")
    LawSourceFactory(law=law, title="Official gazette", url=address)
    PenaltyFactory(provision=ProvisionFactory(law=law), source_url=address)

    pages = {
        "organisation": client.get(organisation.get_absolute_url()),
        "coalition": client.get(coalition.get_absolute_url()),
        "statement": client.get(statement.get_absolute_url()),
        "law": client.get(law.get_absolute_url()),
    }

    for name, response in pages.items():
        assert response.status_code == 200, name
        links = hrefs(response)
        assert address not in links, name
        assert not [href for href in links if href.lower().startswith(("javascript:", "data:"))]
    # What has a name of its own is still named, without a link.
    assert "Reprinted elsewhere" in read(pages["statement"]).section("publications").text
    law_page = read(pages["law"])
    assert "ICCPR, article 19" in law_page.find("dl", class_="facts").text
    assert "Official gazette" in law_page.section("sources").text
    assert "sameAs" not in structured_data(read(pages["organisation"]))


def test_a_page_links_to_web_addresses(client: Client) -> None:
    organisation = OrganisationFactory(website="https://www.omct.org/")
    statement = StatementFactory(published=True)
    SignatureFactory(statement=statement, organisation=organisation)
    PublicationFactory(statement=statement, url="https://www.fidh.org/en/statement")
    law = LawFactory()
    LawSourceFactory(law=law, title="Official gazette", url="http://pravo.gov.ru/")

    assert "https://www.omct.org/" in hrefs(client.get(organisation.get_absolute_url()))
    assert "https://www.fidh.org/en/statement" in hrefs(client.get(statement.get_absolute_url()))
    assert "http://pravo.gov.ru/" in hrefs(client.get(law.get_absolute_url()))
