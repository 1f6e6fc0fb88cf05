from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from legislation.models import Law, LawEvent, Penalty, Provision, Right, Standard
from tests.admin_pages import add_row, admin_url, form_data, registered_models
from tests.factories import (
    LawEventFactory,
    LawFactory,
    PenaltyFactory,
    ProvisionFactory,
    RightFactory,
    StandardFactory,
)

pytestmark = pytest.mark.django_db

FACTORIES: dict[type[Model], Callable[[], Any]] = {
    Right: RightFactory,
    Standard: StandardFactory,
    Law: lambda: LawEventFactory().law,
    Provision: lambda: PenaltyFactory().provision,
    Penalty: PenaltyFactory,
}


def test_every_model_admin_is_smoke_tested() -> None:
    assert registered_models("legislation") == set(FACTORIES)


@pytest.mark.parametrize("model", FACTORIES, ids=lambda model: model._meta.model_name)
def test_admin_pages_render(admin_client: Client, model: type[Model]) -> None:
    obj = FACTORIES[model]()

    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == 200
    assert admin_client.get(admin_url(obj, "change")).status_code == 200


# Every changelist: the session, the user, the count of rows matching the filters, the
# count of all rows, the rows of the page (with what list_select_related or annotations
# bring along). Then what each list adds:
CHANGELIST_QUERIES = {
    Right: 5,
    Standard: 5
    + 1  # the rights, for the filter
    + 1,  # the countries in use, for the country filter
    Law: 5
    + 1  # the countries in use, for the country filter
    + 1  # the rights, for the filter
    + 2,  # the first and last status dates, and the years between, for the date links
    Provision: 5
    + 1  # the countries of laws in use, for the country filter
    + 1,  # the rights, for the filter
    Penalty: 5,
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


def test_law_changelist_shows_the_last_event(admin_client: Client) -> None:
    law = LawFactory(common_title="Foreign agents law")
    LawEventFactory(law=law, kind=LawEvent.Kind.INTRODUCED, date=date(2012, 6, 29))
    LawEventFactory(law=law, kind=LawEvent.Kind.SIGNED, date=date(2012, 7, 20))

    response = admin_client.get(admin_url(Law, "changelist"))

    assert "Foreign agents law" in response.text
    assert "Signed (2012-07-20)" in response.text


def test_law_status_follows_an_event_added_on_the_timeline(admin_client: Client) -> None:
    law = LawFactory()
    page = admin_client.get(admin_url(law, "change"))
    assert 'name="status"' not in page.text
    data = form_data(page, "law")
    add_row(data, "events", kind=LawEvent.Kind.IN_FORCE, date="2012-11-21")

    response = admin_client.post(admin_url(law, "change"), data)

    assert response.status_code == 302
    law.refresh_from_db()
    assert (law.status, law.status_since) == (Law.Status.IN_FORCE, date(2012, 11, 21))


def test_law_lists_its_provisions_with_a_link_to_their_penalties(admin_client: Client) -> None:
    provision = ProvisionFactory()

    response = admin_client.get(admin_url(provision.law, "change"))

    assert admin_url(provision, "change") in response.text


def test_a_penalty_minimum_above_its_maximum_is_a_form_error(admin_client: Client) -> None:
    provision = ProvisionFactory()
    data = form_data(admin_client.get(admin_url(provision, "change")), "provision")
    add_row(
        data,
        "penalties",
        kind=Penalty.Kind.FINE,
        as_reported="from 300,000 to 100,000 roubles",
        amount_min="300000",
        amount_max="100000",
        unit="RUB",
    )

    response = admin_client.post(admin_url(provision, "change"), data)

    assert response.status_code == 200
    assert "The minimum amount cannot be higher than the maximum." in response.text
    assert not Penalty.objects.exists()


def test_provision_autocomplete_queries_do_not_grow_with_results(
    admin_client: Client, django_assert_num_queries: Any
) -> None:
    url = reverse("admin:autocomplete")
    params = {"app_label": "campaigns", "model_name": "demand", "field_name": "provision"}
    ProvisionFactory()
    # The session, the user, the count for paging, the provisions with their laws.
    with django_assert_num_queries(4):
        assert len(admin_client.get(url, params).json()["results"]) == 1

    ProvisionFactory.create_batch(19)
    with django_assert_num_queries(4):
        assert len(admin_client.get(url, params).json()["results"]) == 20
