from datetime import date
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from campaigns.models import Change, PublicContentVersion
from legislation.models import Law, LawEvent
from tests.factories import DemandFactory, LawEventFactory, LawFactory, StatementFactory

pytestmark = pytest.mark.django_db


def test_a_law_without_a_timeline_is_a_bill() -> None:
    law = LawFactory()
    assert (law.status, law.status_since) == (Law.Status.BILL, None)


def test_the_status_follows_the_timeline() -> None:
    law = LawFactory()
    LawEventFactory(law=law, kind=LawEvent.Kind.INTRODUCED, date=date(2012, 7, 6))
    LawEventFactory(law=law, kind=LawEvent.Kind.SIGNED, date=date(2012, 7, 20))
    in_force = LawEventFactory(law=law, kind=LawEvent.Kind.IN_FORCE, date=date(2012, 11, 21))
    # An amendment or a court challenge leaves the status as it was.
    LawEventFactory(law=law, kind=LawEvent.Kind.CHALLENGED, date=date(2013, 3, 1))

    law.refresh_from_db()
    assert (law.status, law.status_since) == (Law.Status.IN_FORCE, date(2012, 11, 21))

    # Events can be entered out of order: the dates decide.
    LawEventFactory(law=law, kind=LawEvent.Kind.REPEALED, date=date(2022, 12, 1))
    LawEventFactory(law=law, kind=LawEvent.Kind.READING, date=date(2012, 7, 13))
    law.refresh_from_db()
    assert law.status == Law.Status.REPEALED

    # Deleting an event is a change of the timeline too.
    law.events.get(kind=LawEvent.Kind.REPEALED).delete()
    law.refresh_from_db()
    assert (law.status, law.status_since) == (Law.Status.IN_FORCE, in_force.date)


@pytest.mark.parametrize(("kind", "status"), list(LawEvent.STATUS_AFTER.items()))
def test_each_kind_of_event_gives_its_status(kind: str, status: str) -> None:
    event = LawEventFactory(kind=kind)
    event.law.refresh_from_db()
    assert event.law.status == status


def test_every_status_can_be_reached() -> None:
    assert set(LawEvent.STATUS_AFTER.values()) == set(Law.Status.values)


@pytest.mark.parametrize(
    "kind",
    [
        LawEvent.Kind.PUBLISHED,
        LawEvent.Kind.COMPLIANCE_DEADLINE,
        LawEvent.Kind.UPHELD,
        LawEvent.Kind.COURT_RULING,
        LawEvent.Kind.CHALLENGED,
        LawEvent.Kind.AMENDED,
    ],
)
def test_events_that_are_no_step_in_legal_force_leave_the_status_alone(kind: str) -> None:
    law = LawFactory()
    LawEventFactory(law=law, kind=LawEvent.Kind.IN_FORCE, date=date(2012, 11, 21))
    # Later, and even on the same day as the last step.
    LawEventFactory(law=law, kind=kind, date=date(2012, 11, 21))
    LawEventFactory(law=law, kind=kind, date=date(2013, 3, 1))

    law.refresh_from_db()
    assert (law.status, law.status_since) == (Law.Status.IN_FORCE, date(2012, 11, 21))
    assert kind not in LawEvent.STATUS_AFTER


def test_a_timeline_event_added_outside_the_admin_shows_on_the_public_page_and_in_the_api(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    law = LawFactory(common_title="Foreign agents law")
    statement = StatementFactory(published=True)
    DemandFactory(statement=statement, law=law)
    api = APIClient()
    # Both read once, and kept: the page in the page cache, the answer as built.
    assert "Bill" in client.get(law.get_absolute_url()).text
    answer = api.get(f"/api/v1/statements/{statement.pk}/").json()
    assert answer["demands"][0]["law"]["status"] == Law.Status.BILL

    # As a script or the shell adds it, through the model; committed, with the rebuild of
    # the answers it queued run by the task worker.
    with django_capture_on_commit_callbacks(execute=True):
        LawEventFactory(law=law, kind=LawEvent.Kind.IN_FORCE, date=date(2012, 11, 21))

    page = client.get(law.get_absolute_url()).text
    assert "In force" in page
    answer = api.get(f"/api/v1/statements/{statement.pk}/").json()
    assert answer["demands"][0]["law"]["status"] == Law.Status.IN_FORCE


def test_an_identifier_changed_outside_the_admin_finds_the_statements_demanding_of_it(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    law = LawFactory(identifier="121-FZ")
    statement = StatementFactory(published=True, title="Repeal the law on agents")
    DemandFactory(statement=statement, law=law)
    assert "Repeal the law on agents" not in client.get("/search/", {"q": "255-FZ"}).text

    with django_capture_on_commit_callbacks(execute=True):
        law.identifier = "255-FZ"
        law.save()

    assert "Repeal the law on agents" in client.get("/search/", {"q": "255-FZ"}).text


def test_a_law_changed_many_times_in_one_transaction_is_followed_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    law = LawFactory()
    version = PublicContentVersion.objects.get_or_create(pk=1)[0].number

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        law.common_title = "Foreign agents law"
        law.save()
        LawEventFactory(law=law, kind=LawEvent.Kind.ADOPTED, date=date(2012, 7, 13))
        LawEventFactory(law=law, kind=LawEvent.Kind.IN_FORCE, date=date(2012, 11, 21))

    # One new version of the public pages, one entry of the change feed.
    assert PublicContentVersion.objects.get(pk=1).number == version + 1
    assert Change.objects.filter(resource=Change.Resource.LAW, object_id=law.pk).count() == 2
