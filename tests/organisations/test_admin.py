from typing import Any

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from organisations.models import Organisation, OrganisationParent
from tests.admin_pages import ONE_OF, add_row, admin_url, form_data
from tests.factories import (
    OrganisationFactory,
    OrganisationIdentifierFactory,
    OrganisationParentFactory,
    PressContactFactory,
    SignatureFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

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
    ONE_OF[model]()
    with django_assert_num_queries(queries):
        assert admin_client.get(admin_url(model, "changelist")).status_code == 200

    for _ in range(49):
        ONE_OF[model]()
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


# --- choosing an organisation elsewhere in the admin ---------------------------------------


def autocompletes_of_organisations() -> list[tuple[str, str, str]]:
    """Every autocomplete, on a model's page or in an inline, that picks an organisation:
    (app label, model name, field name), as the widget asks the admin for choices."""
    found = set()
    for model_admin in admin.site._registry.values():
        for options in (model_admin, *model_admin.inlines):
            model = options.model
            for name in options.autocomplete_fields:
                if model._meta.get_field(name).related_model is Organisation:
                    found.add((model._meta.app_label, model._meta.model_name, name))
    return sorted(found)


def test_every_autocomplete_of_organisations_is_tested() -> None:
    assert {(model, field) for _app, model, field in autocompletes_of_organisations()} >= {
        ("signature", "organisation"),
        ("statement", "lead_organisation"),
        ("publication", "publisher"),
        ("coalitionmembership", "organisation"),
        ("organisationparent", "parent"),
    }


@pytest.mark.parametrize(
    ("app_label", "model_name", "field_name"),
    autocompletes_of_organisations(),
    ids=lambda value: value,
)
def test_autocompletes_name_an_organisation_by_acronym_name_and_country(
    admin_client: Client, app_label: str, model_name: str, field_name: str
) -> None:
    omct = OrganisationFactory(
        name="World Organisation Against Torture", short_name="OMCT", country="CH"
    )
    OrganisationFactory(name="Human Rights Watch", short_name="", country="US")
    OrganisationFactory(name="Article 19", short_name="Article 19", country="")
    url = reverse("admin:autocomplete")
    params = {"app_label": app_label, "model_name": model_name, "field_name": field_name}

    everyone = admin_client.get(url, params).json()["results"]
    found = admin_client.get(url, {**params, "term": "omct"}).json()["results"]

    assert [result["text"] for result in everyone] == [
        "Article 19",
        "Human Rights Watch · United States of America",
        "OMCT · World Organisation Against Torture · Switzerland",
    ]
    assert found == [
        {"id": str(omct.pk), "text": "OMCT · World Organisation Against Torture · Switzerland"}
    ]


def test_the_chosen_organisation_shows_with_the_same_label(admin_client: Client) -> None:
    omct = OrganisationFactory(
        name="World Organisation Against Torture", short_name="OMCT", country="CH"
    )
    statement = StatementFactory(lead_organisation=omct)
    SignatureFactory(statement=statement, organisation=omct)

    response = admin_client.get(admin_url(statement, "change"))

    label = "OMCT · World Organisation Against Torture · Switzerland"
    chosen = f'<option value="{omct.pk}" selected>{label}</option>'
    # The statement's issuer and the signatory's row.
    assert response.text.count(chosen) == 2


def test_an_autocomplete_finds_an_organisation_by_its_identifier(
    admin_client: Client, django_assert_num_queries: Any
) -> None:
    OrganisationIdentifierFactory(
        organisation__name="Amnesty International", scheme="wikidata", value="Q42970"
    )
    OrganisationIdentifierFactory(organisation__name="Amnesty International", value="Q1")
    OrganisationFactory.create_batch(3)
    params = {
        "app_label": "campaigns",
        "model_name": "signature",
        "field_name": "organisation",
        "term": "Q42970",
    }

    # The session, the user, the count for paging, the page of organisations.
    with django_assert_num_queries(4):
        results = admin_client.get(reverse("admin:autocomplete"), params).json()["results"]

    assert [result["text"].split(" · ")[1] for result in results] == ["Amnesty International"]
