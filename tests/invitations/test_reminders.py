"""One reminder before the deadline: scheduled with the worker, recorded so it goes once."""

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from invitations.models import REMIND_BEFORE, Invitation, reminder_time
from invitations.sending import send_reminder
from organisations.models import Organisation
from tests.factories import StatementFactory
from tests.invitations.conftest import Invite, invitation_linked, link_in
from tests.invitations.test_invitations import sign

pytestmark = pytest.mark.django_db


def sweep() -> str:
    out = StringIO()
    call_command("sendinvitationreminders", stdout=out)
    return out.getvalue()


def test_the_reminder_goes_once_when_due(invite: Invite, organisation: Organisation) -> None:
    invite(StatementFactory(title="A call to act"), organisation)
    invitation = Invitation.objects.get()
    assert invitation.remind_at == invitation.deadline - REMIND_BEFORE

    early = sweep()
    # The clock reaches the reminder's time.
    Invitation.objects.update(remind_at=timezone.now() - timedelta(seconds=1))
    first = sweep()
    second = sweep()
    by_task = send_reminder(invitation.pk)

    assert [early, first, second] == [f"Sent {count} reminders.\n" for count in (0, 1, 0)]
    assert by_task is False
    invitation_mail, reminder = mail.outbox
    assert reminder.subject == "Reminder: invitation to sign “A call to act”"
    # A link to the same invitation: the first still answers.
    assert invitation_linked(reminder) == invitation_linked(invitation_mail) == invitation
    invitation.refresh_from_db()
    assert invitation.reminded_at is not None


def test_no_reminder_after_an_answer_or_the_deadline(
    invite: Invite, organisation: Organisation, editor: User
) -> None:
    answered = StatementFactory()
    expired = StatementFactory()
    invite(answered, organisation)
    invite(expired, organisation)
    sign(Client(), link_in(mail.outbox[0]))
    Invitation.objects.filter(statement=expired).update(deadline=timezone.now())
    Invitation.objects.update(remind_at=timezone.now() - timedelta(days=1))

    assert sweep() == "Sent 0 reminders.\n"
    assert len(mail.outbox) == 2


def test_a_near_deadline_is_reminded_halfway() -> None:
    sent = timezone.now()
    assert reminder_time(sent, sent + timedelta(days=2)) == sent + timedelta(days=1)
    assert reminder_time(sent, sent + timedelta(days=30)) == sent + timedelta(days=27)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_worker_sends_the_invitation_and_its_reminder_at_its_time(
    invite: Invite, organisation: Organisation
) -> None:
    invite(StatementFactory(), organisation)
    invitation = Invitation.objects.get()

    # Committed and queued; sending is the worker's job.
    assert mail.outbox == []
    worker: Any = ["db_worker", "--batch", "--no-startup-delay", "--no-reload"]
    call_command(*worker, verbosity=0)

    assert len(mail.outbox) == 1
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path="invitations.sending.remind"
    )
    assert waiting.get().run_after == invitation.remind_at

    # Its time comes; the worker sends it, and the sweep after it sends nothing more.
    waiting.update(run_after=timezone.now())
    Invitation.objects.update(remind_at=timezone.now())
    call_command(*worker, verbosity=0)
    assert sweep() == "Sent 0 reminders.\n"

    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject.startswith("Reminder: ")
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).exists()
