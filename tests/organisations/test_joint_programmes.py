"""Joint programmes and the organisations that run them, on the public page, in JSON-LD
and in the API.

The Observatory for the Protection of Human Rights Defenders is run by OMCT and FIDH:
the page of each lists what the Observatory signed, marked as such. A programme names
the organisations running it only when they are public themselves.
"""

from datetime import UTC, datetime

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from campaigns.models import Signature
from organisations.models import Organisation
from tests.factories import (
    CoalitionMembershipFactory,
    OrganisationFactory,
    OrganisationParentFactory,
    SignatureFactory,
    StatementFactory,
)
from tests.site.reading import Element, read, structured_data

pytestmark = pytest.mark.django_db

HIDDEN_STATEMENTS = ["in_review", "approved", "scheduled", "withdrawn"]
UNCONFIRMED = [status for status in Signature.Status if status != Signature.Status.CONFIRMED]


def joint_programme(*parents: Organisation, name: str = "The Observatory") -> Organisation:
    programme = OrganisationFactory(name=name, kind=Organisation.Kind.JOINT_PROGRAMME)
    for order, parent in enumerate(parents):
        OrganisationParentFactory(programme=programme, parent=parent, order=order)
    return programme


def published(title: str, day: int) -> object:
    return StatementFactory(
        published=True, title=title, publish_at=datetime(2012, 12, day, tzinfo=UTC)
    )


def signed_list(page: Element) -> list[str]:
    return [item.text for item in page.section("signed").find_all("li")]


def signed_summary(page: Element) -> str:
    return page.section("signed").find("p", class_="meta").text


# --- the statements a programme signed, on its parents' pages ---------------------------------


def test_a_parent_lists_what_its_programme_signed_marked_as_such(client: Client) -> None:
    omct = OrganisationFactory(name="World Organisation Against Torture", short_name="OMCT")
    fidh = OrganisationFactory(name="International Federation for Human Rights", short_name="FIDH")
    observatory = joint_programme(omct, fidh)
    both = published("EU leaders must press Russia", 19)
    programme_only = published("Free the defenders", 10)
    own_only = published("End torture", 1)
    SignatureFactory(statement=both, organisation=omct)
    SignatureFactory(statement=both, organisation=observatory)
    SignatureFactory(statement=programme_only, organisation=observatory)
    SignatureFactory(statement=own_only, organisation=omct, role=Signature.Role.LEAD)

    omct_page = read(client.get(omct.get_absolute_url()))
    fidh_response = client.get(fidh.get_absolute_url())

    assert signed_list(omct_page) == [
        "EU leaders must press Russia · 19 December 2012 · Co-signatory"
        " · as a joint programme: The Observatory",
        "Free the defenders · 10 December 2012 · as a joint programme: The Observatory",
        "End torture · 1 December 2012 · Lead",
    ]
    assert signed_summary(omct_page) == (
        "Signed 2 published statements, and 1 more as a joint programme"
    )
    assert ("The Observatory", observatory.get_absolute_url()) in omct_page.section(
        "signed"
    ).links()
    # FIDH has nothing of its own: its page is public through the Observatory.
    assert fidh_response.status_code == 200
    fidh_page = read(fidh_response)
    assert signed_list(fidh_page) == [
        "EU leaders must press Russia · 19 December 2012 · as a joint programme: The Observatory",
        "Free the defenders · 10 December 2012 · as a joint programme: The Observatory",
    ]
    assert signed_summary(fidh_page) == "Signed 2 published statements as a joint programme"
    # The programme's own page lists what it signed, not what its parents signed.
    assert signed_list(read(client.get(observatory.get_absolute_url()))) == [
        "EU leaders must press Russia · 19 December 2012 · Co-signatory",
        "Free the defenders · 10 December 2012 · Co-signatory",
    ]


def test_two_programmes_that_signed_the_same_statement_are_both_named(client: Client) -> None:
    fidh = OrganisationFactory(short_name="FIDH")
    observatory = joint_programme(fidh, name="The Observatory")
    litigation = joint_programme(fidh, name="Litigation Action Group")
    statement = published("Repeal the laws", 19)
    SignatureFactory(statement=statement, organisation=observatory)
    SignatureFactory(statement=statement, organisation=litigation)

    page = read(client.get(fidh.get_absolute_url()))

    assert signed_list(page) == [
        "Repeal the laws · 19 December 2012 · as a joint programme: Litigation Action Group"
        " · as a joint programme: The Observatory"
    ]
    assert signed_summary(page) == "Signed 1 published statement as a joint programme"


def test_a_parent_never_shows_what_its_programme_has_not_published_or_confirmed(
    client: Client,
) -> None:
    omct = OrganisationFactory(short_name="OMCT")
    observatory = joint_programme(omct)
    shown = published("Shown statement", 19)
    SignatureFactory(statement=shown, organisation=observatory)
    SignatureFactory(statement=StatementFactory(title="Draft statement"), organisation=observatory)
    for trait in HIDDEN_STATEMENTS:
        SignatureFactory(
            statement=StatementFactory(title=f"Hidden {trait} statement", **{trait: True}),
            organisation=observatory,
        )
    for status in UNCONFIRMED:
        SignatureFactory(
            statement=StatementFactory(published=True, title=f"Unconfirmed {status} signature"),
            organisation=observatory,
            status=status,
        )
    # Another organisation's programme, which OMCT does not run.
    SignatureFactory(
        statement=StatementFactory(published=True, title="Someone else's programme"),
        organisation=joint_programme(OrganisationFactory(), name="Another programme"),
    )

    response = client.get(omct.get_absolute_url())

    assert signed_list(read(response)) == [
        "Shown statement · 19 December 2012 · as a joint programme: The Observatory"
    ]
    for hidden in ("Draft", "Hidden", "Unconfirmed", "Someone else", "Another programme"):
        assert hidden not in response.text


def test_a_parent_whose_programme_signed_only_what_is_not_public_is_not_found(
    client: Client,
) -> None:
    omct = OrganisationFactory()
    observatory = joint_programme(omct)
    SignatureFactory(statement=StatementFactory(scheduled=True), organisation=observatory)
    SignatureFactory(
        statement=StatementFactory(published=True),
        organisation=observatory,
        status=Signature.Status.PENDING,
    )

    assert client.get(omct.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("size", [1, 30])
def test_the_page_of_a_parent_costs_the_same_whatever_its_programmes_signed(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, size: int
) -> None:
    fidh = OrganisationFactory(short_name="FIDH")
    for number in range(size):
        programme = joint_programme(fidh, OrganisationFactory(), name=f"Programme {number}")
        SignatureFactory(statement=StatementFactory(published=True), organisation=programme)
        SignatureFactory(statement=StatementFactory(published=True), organisation=fidh)
        SignatureFactory(statement=StatementFactory(published=True), organisation=programme)

    # organisation (if public); its identifiers; its parents that are public; the
    # programmes it runs that are public; its coalitions; the confirmed signatures of
    # published statements by it and by its programmes, with the signing organisation;
    # statements it issued; next publish time.
    with django_assert_num_queries(8):
        response = client.get(fidh.get_absolute_url())

    assert response.status_code == 200
    assert signed_summary(read(response)) == (
        f"Signed {size} published statement{'s' if size > 1 else ''},"
        f" and {2 * size} more as a joint programme"
    )


# --- a programme names only the parents that are public --------------------------------------


def programme_with_a_public_and_a_hidden_parent() -> tuple[Organisation, ...]:
    """A programme public through its coalition alone, run by one organisation with a
    public signature of its own and by one whose only signature is on a draft."""
    public_parent = OrganisationFactory(name="Public Parent", short_name="PUBLIC")
    hidden_parent = OrganisationFactory(name="Hiddenmarker Parent", short_name="HIDDENMARKER")
    SignatureFactory(statement=StatementFactory(published=True), organisation=public_parent)
    SignatureFactory(statement=StatementFactory(), organisation=hidden_parent)
    programme = joint_programme(hidden_parent, public_parent, name="Coalition Programme")
    CoalitionMembershipFactory(organisation=programme)
    return programme, public_parent, hidden_parent


def test_a_programme_page_names_only_its_public_parents(client: Client) -> None:
    programme, public_parent, hidden_parent = programme_with_a_public_and_a_hidden_parent()

    response = client.get(programme.get_absolute_url())
    page = read(response)

    assert response.status_code == 200
    facts = page.find("dl", class_="facts")
    assert ("Public Parent", public_parent.get_absolute_url()) in facts.links()
    assert hidden_parent.get_absolute_url() not in [href for _name, href in page.links()]
    assert [parent["name"] for parent in structured_data(page)["parentOrganization"]] == [
        "Public Parent"
    ]
    assert "Hiddenmarker" not in response.text
    assert client.get(hidden_parent.get_absolute_url()).status_code == 404


def test_the_api_names_only_a_programmes_public_parents() -> None:
    programme, public_parent, hidden_parent = programme_with_a_public_and_a_hidden_parent()
    api = APIClient()

    detail = api.get(f"/api/v1/organisations/{programme.pk}/")
    listed = api.get("/api/v1/organisations/")

    assert detail.status_code == 200
    body = detail.json()
    assert [parent["id"] for parent in body["run_by"]] == [public_parent.pk]
    assert body["display_name"] == "Coalition Programme (a joint programme of PUBLIC)"
    assert "Hiddenmarker" not in detail.text and "HIDDENMARKER" not in detail.text
    assert "Hiddenmarker" not in listed.text and "HIDDENMARKER" not in listed.text
    assert api.get(f"/api/v1/organisations/{hidden_parent.pk}/").status_code == 404


def test_an_inactive_parent_with_a_public_record_is_still_named(client: Client) -> None:
    # "Inactive organisations stay on the statements they signed": being inactive (closed,
    # liquidated) does not take an organisation off the record, nor off its programmes.
    programme, public_parent, _hidden = programme_with_a_public_and_a_hidden_parent()
    Organisation.objects.filter(pk=public_parent.pk).update(is_active=False)

    page = read(client.get(programme.get_absolute_url()))
    body = APIClient().get(f"/api/v1/organisations/{programme.pk}/").json()

    assert ("Public Parent", public_parent.get_absolute_url()) in page.find(
        "dl", class_="facts"
    ).links()
    assert [parent["id"] for parent in body["run_by"]] == [public_parent.pk]
    assert client.get(public_parent.get_absolute_url()).status_code == 200
