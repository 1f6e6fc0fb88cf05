from datetime import date

import pytest

from legislation.models import Law, LawEvent
from tests.factories import LawEventFactory, LawFactory

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
