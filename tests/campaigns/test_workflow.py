"""The editorial workflow: who may move a statement where, and what must be true first."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from campaigns.models import Signature, Statement, Transition
from tests.factories import SignatureFactory, StatementFactory, UserFactory

pytestmark = pytest.mark.django_db


def ready(**traits: bool) -> Statement:
    """A statement with everything publishing needs: a title, a body, a confirmed signature."""
    statement = StatementFactory(**traits)
    SignatureFactory(statement=statement)
    return statement


def test_author_submits_a_draft_and_it_is_recorded(author: User) -> None:
    statement = ready()

    statement.submit(by=author)

    statement.refresh_from_db()
    assert statement.status == Statement.Status.IN_REVIEW
    assert statement.updated_by == author
    step = Transition.objects.get(statement=statement)
    assert (step.from_status, step.to_status, step.by) == ("draft", "in_review", author)
    assert abs(step.at - timezone.now()) < timedelta(seconds=5)


def test_author_may_not_approve_publish_or_withdraw(author: User) -> None:
    in_review = ready(in_review=True)
    approved = ready(approved=True)
    published = ready(published=True)

    with pytest.raises(PermissionDenied, match="You may not approve or return statements"):
        in_review.approve(by=author)
    with pytest.raises(PermissionDenied, match="You may not publish or unschedule statements"):
        approved.publish(by=author)
    with pytest.raises(PermissionDenied, match="You may not withdraw statements"):
        published.withdraw(by=author, reason="Wrong text.")
    assert not Transition.objects.exists()


def test_anonymous_and_plain_staff_may_do_nothing() -> None:
    statement = ready()
    for nobody in (AnonymousUser(), UserFactory()):
        with pytest.raises(PermissionDenied):
            statement.submit(by=nobody)
    statement.refresh_from_db()
    assert statement.status == Statement.Status.DRAFT


def test_editor_takes_a_statement_from_draft_to_withdrawn(editor: User) -> None:
    statement = ready()

    statement.submit(by=editor)
    statement.approve(by=editor)
    statement.publish(by=editor)
    assert Statement.objects.published().filter(pk=statement.pk).exists()
    statement.withdraw(by=editor, reason="  A signatory's name was wrong.  ")

    statement.refresh_from_db()
    assert statement.status == Statement.Status.WITHDRAWN
    assert statement.withdrawal_reason == "A signatory's name was wrong."
    assert statement.withdrawn_at is not None
    assert list(statement.transitions.values_list("to_status", flat=True)) == [
        "in_review",
        "approved",
        "published",
        "withdrawn",
    ]
    assert not Statement.objects.published().filter(pk=statement.pk).exists()


def test_editor_returns_a_statement_to_its_authors(editor: User) -> None:
    statement = ready(in_review=True)
    statement.return_to_draft(by=editor, note="The second demand needs a law.")
    statement.refresh_from_db()
    assert statement.status == Statement.Status.DRAFT
    assert statement.transitions.get().note == "The second demand needs a law."


@pytest.mark.parametrize(
    ("traits", "action", "message"),
    [
        ({}, "approve", "This statement is draft; it must be in review first."),
        ({}, "publish", "This statement is draft; it must be approved or published first."),
        ({"in_review": True}, "submit", "This statement is in review; it must be draft first."),
        ({"published": True}, "publish", "This statement is already public."),
        ({"approved": True}, "withdraw", "This statement is approved; it must be published first."),
        (
            {"withdrawn": True},
            "publish",
            "This statement is withdrawn; it must be approved or published first.",
        ),
    ],
)
def test_a_transition_from_the_wrong_status_is_refused(
    editor: User, traits: dict[str, bool], action: str, message: str
) -> None:
    statement = ready(**traits)
    kwargs = {"reason": "Because."} if action == "withdraw" else {}

    with pytest.raises(ValidationError) as refused:
        getattr(statement, action)(by=editor, **kwargs)

    assert refused.value.messages == [message]
    assert not Transition.objects.exists()


def test_publishing_needs_a_confirmed_signature_a_title_and_a_body(editor: User) -> None:
    statement = StatementFactory(approved=True, title=" ", body="")
    SignatureFactory(statement=statement, status=Signature.Status.PENDING)

    with pytest.raises(ValidationError) as refused:
        statement.publish(by=editor)

    assert refused.value.messages == [
        "It has no title.",
        "It has no text.",
        "No organisation has confirmed its signature.",
    ]
    statement.refresh_from_db()
    assert statement.status == Statement.Status.APPROVED


def test_approval_needs_the_same(editor: User) -> None:
    statement = StatementFactory(in_review=True)
    with pytest.raises(ValidationError, match="No organisation has confirmed its signature"):
        statement.approve(by=editor)


def test_withdrawal_needs_a_reason(editor: User) -> None:
    statement = ready(published=True)
    with pytest.raises(ValidationError, match="Say why the statement is withdrawn"):
        statement.withdraw(by=editor, reason="   ")


def test_publish_time_must_be_aware(editor: User) -> None:
    statement = ready(approved=True)
    with pytest.raises(ValidationError, match="needs a time zone"):
        statement.publish(by=editor, at=datetime(2030, 1, 1))


def test_scheduling_needs_no_job_and_can_be_moved(editor: User) -> None:
    statement = ready(approved=True)
    later = timezone.now() + timedelta(hours=2)

    statement.publish(by=editor, at=later)
    assert statement.is_scheduled
    assert not Statement.objects.published().filter(pk=statement.pk).exists()
    assert Statement.objects.scheduled().filter(pk=statement.pk).exists()
    assert "Scheduled for" in statement.transitions.get().note

    sooner = timezone.now() + timedelta(minutes=5)
    statement.publish(by=editor, at=sooner)
    statement.refresh_from_db()
    assert statement.publish_at == sooner


def test_a_stale_copy_cannot_publish_twice(editor: User) -> None:
    statement = ready(approved=True)
    stale = Statement.objects.get(pk=statement.pk)

    statement.publish(by=editor)

    # The transition re-reads the row, so the stale copy sees it is public already.
    with pytest.raises(ValidationError, match="already public"):
        stale.publish(by=editor, at=datetime(2031, 1, 1, tzinfo=UTC))
    assert Transition.objects.filter(statement=statement).count() == 1


def test_a_scheduled_statement_is_unscheduled_not_withdrawn(editor: User) -> None:
    statement = ready(scheduled=True)

    with pytest.raises(ValidationError, match="not public yet: unschedule it instead"):
        statement.withdraw(by=editor, reason="Changed our minds.")
    statement.unschedule(by=editor)

    statement.refresh_from_db()
    assert (statement.status, statement.publish_at) == (Statement.Status.APPROVED, None)
    assert statement.transitions.get().to_status == Statement.Status.APPROVED


def test_a_public_statement_cannot_be_unscheduled(editor: User, author: User) -> None:
    statement = ready(published=True)
    with pytest.raises(ValidationError, match="already public: withdraw it instead"):
        statement.unschedule(by=editor)
    with pytest.raises(PermissionDenied):
        ready(scheduled=True).unschedule(by=author)
