"""An organisation's identifiers: a national register's number, an IATI organisation
identifier, a Wikidata id. Entered in the admin, shown on its page, in the API and in
its JSON-LD."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from organisations.models import Organisation, OrganisationIdentifier
from tests.admin_pages import add_row, admin_url, form_data
from tests.factories import (
    OrganisationFactory,
    OrganisationIdentifierFactory,
    SignatureFactory,
    StatementFactory,
)
from tests.site.reading import read, structured_data

pytestmark = pytest.mark.django_db

Scheme = OrganisationIdentifier.Scheme


def add_identifiers(client: Client, organisation: Organisation, *rows: dict[str, str]) -> object:
    url = admin_url(organisation, "change")
    data = form_data(client.get(url), "organisation")
    for row in rows:
        add_row(data, "identifiers", **row)
    return client.post(url, data)


def recorded(organisation: Organisation) -> list[tuple[str, str, str]]:
    return list(organisation.identifiers.values_list("scheme", "label", "value"))


# --- the admin ------------------------------------------------------------------------------


def test_identifiers_are_added_inline_in_the_shape_each_register_gives(
    admin_client: Client,
) -> None:
    oxfam = OrganisationFactory(name="Oxfam GB")

    response = add_identifiers(
        admin_client,
        oxfam,
        {"scheme": Scheme.GB_CHARITY, "value": "202918"},
        {"scheme": Scheme.IATI, "value": "GB-CHC-202918"},
        # An editor pastes the address of the Wikidata page, or types the id in lower case.
        {"scheme": Scheme.WIKIDATA, "value": "https://www.wikidata.org/wiki/Q267941"},
        {"scheme": Scheme.FR_RNA, "value": "W751012345"},
        {"scheme": Scheme.RU_OGRN, "value": " 1027700132195 "},
        {"scheme": Scheme.OTHER, "label": "Swiss commercial register (UID)", "value": "CHE-1"},
    )

    assert response.status_code == 302  # type: ignore[attr-defined]
    assert recorded(oxfam) == [
        ("gb_charity", "", "202918"),
        ("iati", "", "GB-CHC-202918"),
        ("wikidata", "", "Q267941"),
        ("fr_rna", "", "W751012345"),
        ("ru_ogrn", "", "1027700132195"),
        ("other", "Swiss commercial register (UID)", "CHE-1"),
    ]


@pytest.mark.parametrize(
    ("scheme", "value", "message"),
    [
        (Scheme.WIKIDATA, "42970", "A Wikidata id is Q followed by digits, e.g. Q42970."),
        (Scheme.WIKIDATA, "P31", "A Wikidata id is Q followed by digits, e.g. Q42970."),
        (Scheme.IATI, "1051681", "e.g. GB-CHC-1051681."),
        (Scheme.IATI, "GB-CHC-1051 681", "e.g. GB-CHC-1051681."),
        (Scheme.GB_CHARITY, "GB-CHC-1051681", "six or seven digits"),
        (Scheme.FR_RNA, "751012345", "An RNA number is W followed by nine characters"),
        (Scheme.RU_OGRN, "102770013219", "An OGRN has thirteen digits"),
        (Scheme.RU_OGRN, "1027700132196", "check digit does not match"),
    ],
)
def test_a_value_in_the_wrong_shape_for_its_register_is_refused(
    admin_client: Client, scheme: str, value: str, message: str
) -> None:
    organisation = OrganisationFactory()

    response = add_identifiers(admin_client, organisation, {"scheme": scheme, "value": value})

    assert response.status_code == 200  # type: ignore[attr-defined]
    assert message in response.text  # type: ignore[attr-defined]
    assert not organisation.identifiers.exists()


def test_another_register_is_named_and_only_another(admin_client: Client) -> None:
    organisation = OrganisationFactory()

    unnamed = add_identifiers(admin_client, organisation, {"scheme": "other", "value": "123"})
    named_twice = add_identifiers(
        admin_client, organisation, {"scheme": "wikidata", "label": "Wikidata", "value": "Q1"}
    )

    assert "Name the register this identifier comes from." in unnamed.text  # type: ignore[attr-defined]
    assert "only another register needs its name" in named_twice.text  # type: ignore[attr-defined]
    assert not organisation.identifiers.exists()


def test_an_identifier_is_recorded_once(admin_client: Client) -> None:
    identifier = OrganisationIdentifierFactory(value="Q42970")

    response = add_identifiers(
        admin_client, identifier.organisation, {"scheme": "wikidata", "value": "q42970"}
    )

    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "This identifier is already recorded." in response.text  # type: ignore[attr-defined]
    assert identifier.organisation.identifiers.count() == 1


def test_the_changelist_finds_an_organisation_by_its_identifier(admin_client: Client) -> None:
    OrganisationIdentifierFactory(organisation__name="OMCT", scheme="gb_charity", value="1051681")
    OrganisationFactory(name="FIDH")

    response = admin_client.get(admin_url(Organisation, "changelist"), {"q": "1051681"})

    assert [organisation.name for organisation in response.context["cl"].result_list] == ["OMCT"]


# --- the public page, its JSON-LD and the API ------------------------------------------------


def public_organisation_with_identifiers() -> Organisation:
    organisation = OrganisationFactory(
        name="World Organisation Against Torture",
        short_name="OMCT",
        website="https://www.omct.org/",
    )
    SignatureFactory(statement=StatementFactory(published=True), organisation=organisation)
    OrganisationIdentifierFactory(organisation=organisation, scheme="wikidata", value="Q1419027")
    OrganisationIdentifierFactory(organisation=organisation, scheme="iati", value="CH-FOUND-OMCT-1")
    OrganisationIdentifierFactory(
        organisation=organisation, scheme="other", label="Geneva register", value="CH-660"
    )
    return organisation


def test_the_organisation_page_gives_its_identifiers(client: Client) -> None:
    organisation = public_organisation_with_identifiers()

    page = read(client.get(organisation.get_absolute_url()))

    identifiers = page.find("ul", class_="identifiers")
    assert [item.text for item in identifiers.find_all("li")] == [
        "Wikidata: Q1419027",
        "IATI organisation identifier: CH-FOUND-OMCT-1",
        "Geneva register: CH-660",
    ]
    # Wikidata has a page per item; the others are not linked.
    assert identifiers.links() == [("Q1419027", "https://www.wikidata.org/wiki/Q1419027")]
    data = structured_data(page)
    assert data["identifier"] == [
        {
            "@type": "PropertyValue",
            "propertyID": "Wikidata",
            "value": "Q1419027",
            "url": "https://www.wikidata.org/wiki/Q1419027",
        },
        {
            "@type": "PropertyValue",
            "propertyID": "IATI organisation identifier",
            "value": "CH-FOUND-OMCT-1",
        },
        {"@type": "PropertyValue", "propertyID": "Geneva register", "value": "CH-660"},
    ]
    assert data["sameAs"] == ["https://www.omct.org/", "https://www.wikidata.org/wiki/Q1419027"]


def test_an_organisation_without_identifiers_says_nothing_of_them(client: Client) -> None:
    organisation = OrganisationFactory(website="")
    SignatureFactory(statement=StatementFactory(published=True), organisation=organisation)

    page = read(client.get(organisation.get_absolute_url()))

    assert not page.has("ul", class_="identifiers")
    assert "identifier" not in structured_data(page)
    assert "sameAs" not in structured_data(page)


def test_the_api_gives_an_organisations_identifiers() -> None:
    organisation = public_organisation_with_identifiers()
    api = APIClient()

    detail = api.get(f"/api/v1/organisations/{organisation.pk}/").json()
    listed = api.get("/api/v1/organisations/").json()["results"]

    assert detail["identifiers"] == [
        {
            "scheme": "wikidata",
            "scheme_name": "Wikidata",
            "value": "Q1419027",
            "url": "https://www.wikidata.org/wiki/Q1419027",
        },
        {
            "scheme": "iati",
            "scheme_name": "IATI organisation identifier",
            "value": "CH-FOUND-OMCT-1",
            "url": None,
        },
        {"scheme": "other", "scheme_name": "Geneva register", "value": "CH-660", "url": None},
    ]
    by_id = {row["id"]: row["identifiers"] for row in listed}
    assert by_id[organisation.pk] == detail["identifiers"]
    # The statement's issuer, public too, has none.
    assert list(by_id.values()).count([]) == 1
