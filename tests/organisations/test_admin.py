from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client

from organisations.models import Organisation, OrganisationParent
from tests.admin_pages import add_row, admin_url, form_data, registered_models
from tests.api.test_admin import PARTNER_API_ADMINS
from tests.factories import OrganisationFactory, OrganisationParentFactory, PressContactFactory

pytestmark = pytest.mark.django_db

FACTORIES: dict[type[Model], Callable[[], Any]] = {Organisation: OrganisationFactory}


def test_every_model_admin_is_smoke_tested() -> None:
    # The partner API's admin pages are smoke-tested with the API (tests/api/test_admin.py).
    assert registered_models("organisations") - PARTNER_API_ADMINS == set(FACTORIES)


@pytest.mark.parametrize("model", FACTORIES, ids=lambda model: model._meta.model_name)
def test_admin_pages_render(admin_client: Client, model: type[Model]) -> None:
    obj = FACTORIES[model]()

    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == 200
    assert admin_client.get(admin_url(obj, "change")).status_code == 200


# Every changelist: the session, the user, the count of rows matching the filters, the
# count of all rows, the rows of the page. Then what each list adds:
CHANGELIST_QUERIES = {
    Organisation: 5 + 1,  # the countries in use, for the country filter
}


@pytest.mark.parametrize(
    ("model", "queries"), CHANGELIST_QUERIES.items(), ids=[m.__name__ for m in CHANGELIST_QUERIES]
)
def test_changelist_queries_do_not_grow_with_rows(
    admin_client: Client, django_assert_num_queries: Any, model: type[Model], queries: int
) -> None:
    FACTORIES[model]()
    with django_assert_num_queries(queries):
        assert admin_client.get(admin_url(model, "changelist")).status_code == 200

    for _ in range(49):
        FACTORIES[model]()
    with django_assert_num_queries(queries):
        assert admin_client.get(admin_url(model, "changelist")).status_code == 200


def test_search_finds_other_names(admin_client: Client) -> None:
    OrganisationFactory(name="CIVICUS", other_names="World Alliance for Citizen Participation")
    OrganisationFactory(name="Article 19")

    response = admin_client.get(admin_url(Organisation, "changelist"), {"q": "world alliance"})

    assert [organisation.name for organisation in response.context["cl"].result_list] == ["CIVICUS"]


def test_add_an_organisation(admin_client: Client) -> None:
    data = form_data(admin_client.get(admin_url(Organisation, "add")), "organisation")
    data.update(name_en="Front Line Defenders", slug="front-line-defenders", kind="ngo")

    response = admin_client.post(admin_url(Organisation, "add"), data)

    assert response.status_code == 302
    assert Organisation.objects.get().slug == "front-line-defenders"


def test_parents_are_added_inline(admin_client: Client) -> None:
    omct, fidh = OrganisationFactory(short_name="OMCT"), OrganisationFactory(short_name="FIDH")
    observatory = OrganisationFactory(kind=Organisation.Kind.JOINT_PROGRAMME)
    data = form_data(admin_client.get(admin_url(observatory, "change")), "organisation")
    add_row(data, "parent_links", parent=omct.pk, order=1)
    add_row(data, "parent_links", parent=fidh.pk, order=2)

    response = admin_client.post(admin_url(observatory, "change"), data)

    assert response.status_code == 302
    assert list(observatory.parents.all()) == [omct, fidh]


def test_an_organisation_cannot_run_itself(admin_client: Client) -> None:
    organisation = OrganisationFactory()
    data = form_data(admin_client.get(admin_url(organisation, "change")), "organisation")
    add_row(data, "parent_links", parent=organisation.pk)

    response = admin_client.post(admin_url(organisation, "change"), data)

    assert response.status_code == 200
    assert "An organisation cannot run itself." in response.text
    assert not OrganisationParent.objects.exists()


def test_change_form_lists_the_programmes_an_organisation_runs(admin_client: Client) -> None:
    link = OrganisationParentFactory(programme__name="Observatory for the Protection of HRDs")

    response = admin_client.get(admin_url(link.parent, "change"))

    assert response.status_code == 200
    assert f'<a href="{admin_url(link.programme, "change")}">' in response.text
    assert "Observatory for the Protection of HRDs" in response.text


def test_a_press_contact_needs_an_email_or_a_phone(admin_client: Client) -> None:
    organisation = OrganisationFactory()
    PressContactFactory(organisation=organisation)
    data = form_data(admin_client.get(admin_url(organisation, "change")), "organisation")
    add_row(data, "press_contacts", name="Press office", email="", phone="")

    response = admin_client.post(admin_url(organisation, "change"), data)

    assert response.status_code == 200
    assert "A press contact needs an email address or a phone number." in response.text
    assert organisation.press_contacts.count() == 1
