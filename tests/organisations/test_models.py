import pytest

from organisations.models import Organisation
from tests.factories import OrganisationFactory, OrganisationParentFactory

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
