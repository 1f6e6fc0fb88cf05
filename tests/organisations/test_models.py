from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from organisations.models import Organisation
from tests.factories import (
    OrganisationFactory,
    OrganisationParentFactory,
    PublicationFactory,
    SignatureFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db


def test_a_joint_programme_names_the_organisations_that_run_it() -> None:
    observatory = OrganisationFactory(
        name="Observatory for the Protection of Human Rights Defenders",
        short_name="",
        kind=Organisation.Kind.JOINT_PROGRAMME,
    )
    for short_name in ("OMCT", "FIDH"):
        OrganisationParentFactory(
            programme=observatory, parent=OrganisationFactory(short_name=short_name)
        )

    assert observatory.signatory_name == (
        "Observatory for the Protection of Human Rights Defenders"
        " (a joint programme of OMCT and FIDH)"
    )
    assert [programme.name for programme in observatory.parents.first().programmes.all()] == [
        observatory.name
    ]


def test_three_parents_are_listed_in_order() -> None:
    programme = OrganisationFactory(name="Joint Fund", kind=Organisation.Kind.JOINT_PROGRAMME)
    # Staff choose the order; it is neither alphabetical nor the order of entry.
    for order, name in ((2, "Alpha"), (0, "Charlie"), (1, "Bravo")):
        OrganisationParentFactory(
            programme=programme, parent=OrganisationFactory(name=name, short_name=""), order=order
        )
    assert programme.signatory_name == "Joint Fund (a joint programme of Charlie, Bravo and Alpha)"


def test_an_organisation_is_listed_by_its_name_or_its_chosen_display() -> None:
    assert OrganisationFactory(name="Human Rights Watch").signatory_name == "Human Rights Watch"
    chosen = OrganisationFactory(
        name="CIVICUS", display_as="CIVICUS: World Alliance for Citizen Participation"
    )
    assert chosen.signatory_name == "CIVICUS: World Alliance for Citizen Participation"


def test_other_names_are_read_one_per_line() -> None:
    civicus = OrganisationFactory(
        other_names="World Alliance for Citizen Participation\n\n  CIVICUS Alliance \n"
    )
    assert civicus.alias_list == ["World Alliance for Citizen Participation", "CIVICUS Alliance"]


def test_a_rename_outside_the_admin_shows_in_the_api_and_in_search(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    organisation = OrganisationFactory(name="Old Name Group")
    signed = StatementFactory(published=True, title="Signed by it")
    SignatureFactory(statement=signed, organisation=organisation)
    published = StatementFactory(published=True, title="Published by it elsewhere")
    PublicationFactory(statement=published, publisher=organisation)
    api = APIClient()
    # Read once, and kept: the answers as built, the search page in the page cache.
    assert "Old Name Group" in api.get(f"/api/v1/statements/{signed.pk}/").text
    assert "Published by it elsewhere" not in client.get("/search/", {"q": "Renamed Watch"}).text

    # As a script or the shell renames it, through the model; committed, with the rebuild
    # of the answers it queued run by the task worker.
    with django_capture_on_commit_callbacks(execute=True):
        organisation.name = "Renamed Watch"
        organisation.save()

    answer = api.get(f"/api/v1/statements/{signed.pk}/").text
    assert "Renamed Watch" in answer
    assert "Old Name Group" not in answer
    assert "Renamed Watch" in api.get(f"/api/v1/statements/{published.pk}/").text
    found = client.get("/search/", {"q": "Renamed Watch"}).text
    assert "Published by it elsewhere" in found
