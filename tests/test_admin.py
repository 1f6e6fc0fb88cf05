"""Every page of the admin renders: for each model registered, its list, its form for a
new one and its page for an existing one (tests/admin_pages.py makes one of each).

A ModelAdmin with a misspelled option, a field its form cannot render or a list column
that raises is found here, whichever app it belongs to; a model added to the admin
without an object to show fails the first test.
"""

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import Client
from django_tasks_db.models import DBTaskResult

from addresses.models import FormerAddress
from alerts.models import AlertEvent, Delivery, Subscriber, Subscription
from campaigns.models import Change, EmbargoedRead, Transition
from organisations.models import WebhookDelivery
from staff.models import SignInRecord
from tests.admin_pages import ONE_OF, admin_url

pytestmark = pytest.mark.django_db

# Records of what happened, kept by Chorus itself: the admin shows them and adds none.
WRITTEN_ELSEWHERE: set[type[Model]] = {
    FormerAddress,  # by saving a page with a new address
    Transition,  # by the workflow's steps
    Change,  # by the workflow, for the API's change feed
    EmbargoedRead,  # by the API, on each read of an embargoed statement
    WebhookDelivery,  # by publishing, correcting and withdrawing
    SignInRecord,  # by signing in
    DBTaskResult,  # by enqueueing a task
    Subscriber,  # by its holder, subscribing
    Subscription,  # likewise, confirmed through the link sent
    AlertEvent,  # by publishing, correcting and withdrawing, and by a law's new event
    Delivery,  # by matching an event against the subscriptions
}


def test_every_model_in_the_admin_has_an_object_to_show() -> None:
    assert set(admin.site._registry) == set(ONE_OF)


@pytest.mark.parametrize("model", ONE_OF, ids=lambda model: model._meta.label)
def test_the_list_the_form_and_the_page_of_an_object_render(
    admin_client: Client, model: type[Model]
) -> None:
    shown = ONE_OF[model]()

    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(shown, "change")).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == (
        403 if model in WRITTEN_ELSEWHERE else 200
    )
