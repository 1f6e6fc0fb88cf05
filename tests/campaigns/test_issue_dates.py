"""The date a statement was issued: set by publishing, given when archiving an older
statement, corrected by an editor; never in the future, always in the record."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from campaigns.models import Change, Statement, Transition
from tests.admin_pages import admin_url, form_data, read_form
from tests.campaigns.test_admin import action_names, messages_shown, run_action
from tests.factories import SignatureFactory, StatementFactory

pytestmark = pytest.mark.django_db

ISSUED = date(2016, 3, 8)


def ready(**fields: object) -> Statement:
    """A statement with everything publishing needs: a title, a body, a confirmed signature."""
    statement = StatementFactory(**fields)
    SignatureFactory(statement=statement)
    return statement


# --- publishing dates a statement ---------------------------------------------------------


def test_published_now_it_is_issued_today(editor: User) -> None:
    statement = ready(approved=True)

    statement.publish(by=editor)

    statement.refresh_from_db()
    assert statement.issued_on == timezone.localdate()
    assert not statement.is_archived


def test_scheduled_it_is_issued_on_the_day_of_its_publish_time_which_it_follows(
    editor: User,
) -> None:
    statement = ready(approved=True)
    first = timezone.now() + timedelta(days=3)
    later = timezone.now() + timedelta(days=10)

    statement.publish(by=editor, at=first)
    statement.refresh_from_db()
    assert statement.issued_on == timezone.localdate(first)

    # Moved, the date it was left to follows; unscheduled, it goes with the schedule.
    statement.publish(by=editor, at=later)
    statement.refresh_from_db()
    assert statement.issued_on == timezone.localdate(later)
    statement.unschedule(by=editor)
    statement.refresh_from_db()
    assert (statement.publish_at, statement.issued_on) == (None, None)


def test_a_date_staff_gave_is_kept_through_publishing_and_scheduling(editor: User) -> None:
    published = ready(approved=True, issued_on=ISSUED)
    scheduled = ready(approved=True, issued_on=ISSUED)

    published.publish(by=editor)
    scheduled.publish(by=editor, at=timezone.now() + timedelta(days=3))
    scheduled.publish(by=editor, at=timezone.now() + timedelta(days=5))

    published.refresh_from_db()
    scheduled.refresh_from_db()
    assert published.issued_on == scheduled.issued_on == ISSUED
    assert published.is_archived


def test_a_date_after_the_day_it_becomes_public_is_refused(editor: User) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    statement = ready(approved=True, issued_on=tomorrow + timedelta(days=1))

    with pytest.raises(ValidationError, match="is after the day it becomes public"):
        statement.publish(by=editor)
    with pytest.raises(ValidationError, match="is after the day it becomes public"):
        statement.publish(by=editor, at=timezone.now() + timedelta(days=1))
    statement.publish(by=editor, at=timezone.now() + timedelta(days=3))

    statement.refresh_from_db()
    assert statement.is_scheduled
    assert statement.issued_on == tomorrow + timedelta(days=1)
    assert statement.transitions.count() == 1


def test_a_publish_time_in_the_past_is_refused_in_favour_of_archiving(editor: User) -> None:
    statement = ready(approved=True)

    with pytest.raises(ValidationError, match="publish it as archived"):
        statement.publish(by=editor, at=timezone.now() - timedelta(days=365))

    statement.refresh_from_db()
    assert (statement.status, statement.publish_at, statement.issued_on) == (
        Statement.Status.APPROVED,
        None,
        None,
    )


# --- publishing as archived -----------------------------------------------------------------


def test_an_archived_statement_is_public_now_and_dated_when_it_was_issued(editor: User) -> None:
    statement = ready(approved=True)
    before = timezone.now()

    statement.publish_archived(by=editor, issued_on=ISSUED)

    statement.refresh_from_db()
    assert Statement.objects.published().filter(pk=statement.pk).exists()
    assert statement.issued_on == ISSUED
    assert statement.publish_at is not None and before <= statement.publish_at <= timezone.now()
    assert statement.is_archived
    assert statement.get_absolute_url() == f"/statements/2016/{statement.slug}/"
    # The step is recorded: who, when, and the date it was given.
    step = Transition.objects.get(statement=statement)
    assert (step.from_status, step.to_status, step.by) == ("approved", "published", editor)
    assert step.note == "Published as archived, issued on 2016-03-08"
    # Partners' mirrors and webhooks are told of a publication, now.
    [change] = Change.objects.filter(statement=statement)
    assert change.kind == Change.Kind.PUBLISHED
    assert statement.publish_at <= change.visible_from <= timezone.now()
    # And the step is a version in the statement's history, with its reason.
    latest = statement.history.order_by("-history_id").first()  # type: ignore[attr-defined]
    assert (latest.issued_on, latest.history_user) == (ISSUED, editor)
    assert latest.history_change_reason == (
        "Approved → Published: Published as archived, issued on 2016-03-08"
    )


def test_a_scheduled_statement_may_be_published_as_archived_instead(editor: User) -> None:
    statement = ready(approved=True)
    statement.publish(by=editor, at=timezone.now() + timedelta(days=3))

    statement.publish_archived(by=editor, issued_on=ISSUED)

    statement.refresh_from_db()
    assert statement.is_public
    assert statement.issued_on == ISSUED
    # The announcement for the scheduled time is replaced by one for now.
    assert list(Change.objects.filter(statement=statement).values_list("kind", flat=True)) == [
        "published"
    ]
    assert Change.objects.get(statement=statement).visible_from <= timezone.now()


def test_archiving_refuses_a_date_in_the_future(editor: User) -> None:
    statement = ready(approved=True)
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(ValidationError, match=f"{tomorrow.isoformat()}, is in the future"):
        statement.publish_archived(by=editor, issued_on=tomorrow)
    # A day, not a moment: a time of day would say more than is known.
    with pytest.raises(ValidationError, match="without a time"):
        statement.publish_archived(by=editor, issued_on=datetime(2016, 3, 8, tzinfo=UTC))

    statement.refresh_from_db()
    assert statement.status == Statement.Status.APPROVED
    assert not Transition.objects.exists()
    # Today is a date it may have been issued.
    statement.publish_archived(by=editor, issued_on=timezone.localdate())
    assert Statement.objects.published().filter(pk=statement.pk).exists()


def test_archiving_is_an_editors_step_and_needs_an_approved_statement(
    editor: User, author: User
) -> None:
    approved = ready(approved=True)
    draft = ready()
    public = ready(published=True)

    with pytest.raises(PermissionDenied, match="You may not publish or unschedule statements"):
        approved.publish_archived(by=author, issued_on=ISSUED)
    with pytest.raises(ValidationError, match="it must be approved or published first"):
        draft.publish_archived(by=editor, issued_on=ISSUED)
    with pytest.raises(ValidationError, match="already public"):
        public.publish_archived(by=editor, issued_on=ISSUED)
    with pytest.raises(ValidationError, match="No organisation has confirmed its signature"):
        StatementFactory(approved=True).publish_archived(by=editor, issued_on=ISSUED)
    assert not Transition.objects.exists()


# --- in the admin -----------------------------------------------------------------------------


def test_editor_publishes_as_archived_from_the_changelist(client: Client, editor: User) -> None:
    statement = ready(approved=True)
    client.force_login(editor)

    asked = run_action(client, "publish_archived", [statement])
    future = run_action(
        client,
        "publish_archived",
        [statement],
        apply="yes",
        issued_on=(timezone.localdate() + timedelta(days=1)).isoformat(),
    )
    done = run_action(client, "publish_archived", [statement], apply="yes", issued_on="2016-03-08")

    assert asked.templates[0].name == "admin/action_form.html"
    assert 'name="issued_on"' in asked.text and 'type="date"' in asked.text
    assert "is in the future: give the day it was issued." in future.text
    assert messages_shown(done) == [
        ("success", "Published 1 statement as archived, issued on 8 March 2016.")
    ]
    statement.refresh_from_db()
    assert (statement.is_public, statement.issued_on) == (True, ISSUED)
    assert statement.transitions.get().by == editor


def test_the_archive_step_offers_the_date_staff_gave_and_runs_from_the_change_form(
    client: Client, editor: User
) -> None:
    statement = ready(approved=True, issued_on=ISSUED)
    client.force_login(editor)
    url = admin_url(statement, "change")

    asked = client.post(
        url, {"CHANGE_FORM-action": "publish_archived", "_selected_action": statement.pk}
    )
    data = read_form(asked, "action_form")
    assert data["issued_on"] == "2016-03-08"
    response = client.post(url, data, follow=True)

    assert messages_shown(response) == [
        ("success", "Published 1 statement as archived, issued on 8 March 2016.")
    ]
    assert Statement.objects.published().get() == statement


def test_authors_are_not_offered_the_archive_step(client: Client, author: User) -> None:
    statement = ready(approved=True)
    client.force_login(author)

    assert "publish_archived" not in action_names(client, admin_url(Statement, "changelist"))
    response = run_action(
        client, "publish_archived", [statement], apply="yes", issued_on="2016-03-08"
    )

    assert messages_shown(response) == [("warning", "No action selected.")]
    statement.refresh_from_db()
    assert (statement.status, statement.issued_on) == (Statement.Status.APPROVED, None)


def test_an_editor_corrects_the_date_of_a_published_statement_in_the_record(
    client: Client, editor: User
) -> None:
    statement = ready(published=True, issued_on=date(2016, 3, 9), slug="repeal")
    client.force_login(editor)
    url = admin_url(statement, "change")
    data = form_data(client.get(url), "statement")
    assert data["issued_on"] == "2016-03-09"
    data["issued_on"] = "2016-03-08"

    response = client.post(url, data)

    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.issued_on == ISSUED
    latest = statement.history.order_by("-history_id").first()  # type: ignore[attr-defined]
    assert (latest.issued_on, latest.history_user) == (ISSUED, editor)
    assert latest.history_change_reason == "Date issued corrected: 2016-03-09 → 2016-03-08"
    history = client.get(admin_url(statement, "history"))
    assert "Date issued corrected: 2016-03-09 → 2016-03-08" in history.text
    # Partners' mirrors are told the statement changed.
    assert Change.objects.get(statement=statement).kind == Change.Kind.UPDATED


@pytest.mark.parametrize(
    ("fields", "issued_on", "error"),
    [
        ({}, "tomorrow", "The date it was issued, {date}, is in the future"),
        ({"published": True}, "", "A published or withdrawn statement needs the date it was"),
        ({"published": True}, "tomorrow", "is after the day it becomes public"),
    ],
)
def test_the_change_form_refuses_a_date_it_cannot_have_been_issued(
    client: Client, editor: User, fields: dict[str, bool], issued_on: str, error: str
) -> None:
    statement = ready(**fields)
    before = statement.issued_on
    client.force_login(editor)
    url = admin_url(statement, "change")
    data = form_data(client.get(url), "statement")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    data["issued_on"] = tomorrow if issued_on == "tomorrow" else issued_on
    data["change_kind"] = "silent_fix"

    response = client.post(url, data)

    assert response.status_code == 200
    assert error.format(date=tomorrow) in response.text
    statement.refresh_from_db()
    assert statement.issued_on == before
