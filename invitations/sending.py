"""Sending invitations and their one reminder, by the task worker.

Each message is claimed before it is sent, under a row lock, and the time it went out
is recorded in the same transaction: a worker running a task twice, or the sweep and a
scheduled task at once, sends it once. Nothing is sent for an invitation that no longer
takes an answer (answered, revoked, expired, or its statement withdrawn): a reminder queued
for a revoked invitation finds nothing to send when its time comes.
"""

from django.db import transaction
from django.tasks import default_task_backend, task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.templated_email import send_templated_email, site_link

from .models import Invitation


def send_message(invitation: Invitation, template: str, reminder: bool = False) -> None:
    statement = invitation.text_to_sign()
    if invitation.is_reconfirmation:
        subject = _("Please confirm the corrected text of “%(title)s”")
    elif reminder:
        subject = _("Reminder: invitation to sign “%(title)s”")
    else:
        subject = _("Invitation to sign “%(title)s”")
    sender = invitation.created_by
    send_templated_email(
        to=[invitation.email],
        subject=subject,
        subject_values={"title": statement.title},
        template=template,
        context={
            "invitation": invitation,
            "statement": statement,
            "reminder": reminder,
            "link": site_link(invitation.get_absolute_url()),
        },
        language=invitation.language,
        reply_to=[sender.email] if sender is not None and sender.email else [],
    )


def claim(invitation_id: int, **due: object) -> Invitation | None:
    """The open invitation under lock, if the message in question is due."""
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("statement", "organisation", "created_by")
        .filter(
            pk=invitation_id,
            answered_at__isnull=True,
            revoked_at__isnull=True,
            deadline__gt=timezone.now(),
            **due,
        )
        .first()
    )


def send(invitation_id: int) -> bool:
    """Send the invitation, once. True if it was sent now."""
    with transaction.atomic():
        invitation = claim(invitation_id, sent_at__isnull=True)
        if invitation is None or not invitation.is_open:
            return False
        send_message(invitation, "invitations/email/invitation")
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
    if default_task_backend.supports_defer:
        remind.using(run_after=invitation.remind_at).enqueue(invitation.pk)
    # Without a deferring backend (inline tasks), `manage.py sendinvitationreminders`
    # sends it when it is due.
    return True


def send_reminder(invitation_id: int) -> bool:
    """Send the one reminder, if it is due and was not sent. True if it was sent now."""
    with transaction.atomic():
        invitation = claim(
            invitation_id,
            sent_at__isnull=False,
            reminded_at__isnull=True,
            remind_at__lte=timezone.now(),
        )
        if invitation is None or not invitation.is_open:
            return False
        send_message(invitation, "invitations/email/invitation", reminder=True)
        invitation.reminded_at = timezone.now()
        invitation.save(update_fields=["reminded_at"])
    return True


def send_due_reminders() -> int:
    """Send every reminder that is due (the sweep); how many were sent."""
    due = list(Invitation.objects.reminders_due().values_list("pk", flat=True))
    return sum(send_reminder(pk) for pk in due)


def send_after_issue(invitation_id: int) -> None:
    """Queue an invitation just issued (settings.INVITATION_ISSUED): the task worker sends it."""
    send_invitation.enqueue(invitation_id)


@task()
def send_invitation(invitation_id: int) -> bool:
    return send(invitation_id)


@task()
def remind(invitation_id: int) -> bool:
    return send_reminder(invitation_id)
