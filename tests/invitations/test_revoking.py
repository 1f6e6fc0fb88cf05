"""Revoking an invitation, and sending it again with a new link and deadline, from the
admin; what the links, the reminders and the record say afterwards."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from io import StringIO
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from campaigns.models import Signature
from invitations.models import REMIND_BEFORE, Invitation
from invitations.sending import send_reminder
from organisations.models import Organisation
from tests.admin_pages import admin_url, read_form
from tests.factories import OrganisationFactory, StatementFactory, UserFactory
from tests.invitations.conftest import Invite, invitation_linked, link_in
from tests.invitations.test_invitations import sign

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db


def messages_shown(response: "TestResponse") -> list[tuple[str, str]]:
    return [(message.level_tag, message.message) for message in response.context["messages"]]


def run_action(
    client: Client,
    action: str,
    invitations: Iterable[Invitation],
    capture: Any,
    **data: str,
) -> "TestResponse":
    """Choose invitations on the list, run the action, and confirm on the page it asks on."""
    chosen = {"action": action, "index": "0", "_selected_action": [i.pk for i in invitations]}
    asked = client.post(admin_url(Invitation, "changelist"), chosen)
    assert asked.status_code == 200
    with capture(execute=True):
        return client.post(
            admin_url(Invitation, "changelist"),
            {**read_form(asked, "action_form"), **data},
            follow=True,
        )


def split(moment: datetime) -> dict[str, str]:
    local = timezone.localtime(moment)
    return {"deadline_0": local.strftime("%Y-%m-%d"), "deadline_1": local.strftime("%H:%M:%S")}


def sweep() -> None:
    call_command("sendinvitationreminders", stdout=StringIO())


# --- revoking ----------------------------------------------------------------------------


def test_a_revoked_link_is_gone_and_takes_no_answer(
    admin_client: Client,
    admin_user: User,
    invite: Invite,
    organisation: Organisation,
    django_capture_on_commit_callbacks: Any,
) -> None:
    statement = StatementFactory(body="A text only the invitee reads.")
    invite(statement, organisation)
    path = link_in(mail.outbox[0])
    invitee = Client()
    form = read_form(invitee.get(path), "sign_form")
    invitation = Invitation.objects.get()

    asked = admin_client.post(
        admin_url(Invitation, "changelist"),
        {"action": "revoke", "index": "0", "_selected_action": [invitation.pk]},
    )
    assert "Their links stop working at once" in asked.text
    assert Invitation.objects.get().revoked_at is None  # not before staff confirm
    revoked = run_action(admin_client, "revoke", [invitation], django_capture_on_commit_callbacks)

    assert messages_shown(revoked) == [("success", "Revoked 1 invitation.")]
    page = invitee.get(path)
    posted = invitee.post(path, {**form, "name": "Ana Contact", "sign": "1"})
    assert page.status_code == posted.status_code == 410
    assert "The coalition withdrew this invitation on" in page.text
    assert "A text only the invitee reads." not in page.text
    assert "<form" not in page.text.split('<article class="invitation">')[1]
    invitation.refresh_from_db()
    assert invitation.answer == ""
    assert invitation.revoked_by == admin_user
    assert invitation.revoked_at is not None
    assert Signature.objects.get(organisation=organisation).status == Signature.Status.INVITED
    changelist = admin_client.get(admin_url(Invitation, "changelist"))
    assert f"Revoked by {admin_user} on " in changelist.text


def test_revoking_from_the_invitations_page(
    admin_client: Client,
    admin_user: User,
    invite: Invite,
    organisation: Organisation,
    django_capture_on_commit_callbacks: Any,
) -> None:
    invite(StatementFactory(), organisation)
    invitation = Invitation.objects.get()
    url = admin_url(invitation, "change")

    page = admin_client.get(url)
    asked = admin_client.post(
        url, {"CHANGE_FORM-action": "revoke", "_selected_action": invitation.pk}
    )
    revoked = admin_client.post(url, read_form(asked, "action_form"), follow=True)

    assert 'value="revoke"' in page.text
    assert 'value="send_again"' in page.text
    assert revoked.redirect_chain == [(url, 302)]
    assert messages_shown(revoked) == [("success", "Revoked 1 invitation.")]
    assert f"Revoked by {admin_user} on " in revoked.text
    assert Invitation.objects.get().revoked_at is not None


def test_an_answered_invitation_is_not_revoked(
    admin_client: Client,
    invite: Invite,
    organisation: Organisation,
    django_capture_on_commit_callbacks: Any,
) -> None:
    answered_statement, open_statement = StatementFactory(), StatementFactory()
    invite(answered_statement, organisation)
    invite(open_statement, organisation)
    sign(Client(), link_in(mail.outbox[0]))
    answered = Invitation.objects.get(statement=answered_statement)
    still_open = Invitation.objects.get(statement=open_statement)

    response = run_action(
        admin_client, "revoke", [answered, still_open], django_capture_on_commit_callbacks
    )

    assert messages_shown(response) == [
        ("warning", f"“{answered}” was not revoked: This invitation has been answered already."),
        ("success", "Revoked 1 invitation."),
    ]
    answered.refresh_from_db()
    assert (answered.answer, answered.revoked_at) == (Invitation.Answer.SIGNED, None)
    assert Invitation.objects.get(pk=still_open.pk).revoked_at is not None
    # Nor revoked twice: the first time and who did it stay as they were.
    with pytest.raises(ValidationError, match="revoked already"):
        still_open.revoke(by=UserFactory())
    with pytest.raises(ValidationError, match="answered already"):
        answered.revoke(by=UserFactory())


def test_a_revoked_invitation_gets_no_reminder(
    admin_client: Client,
    invite: Invite,
    organisation: Organisation,
    django_capture_on_commit_callbacks: Any,
) -> None:
    revoked_statement, kept_statement = StatementFactory(), StatementFactory()
    invite(revoked_statement, organisation)
    invite(kept_statement, organisation, "bob@rights.example.org")
    revoked = Invitation.objects.get(statement=revoked_statement)
    run_action(admin_client, "revoke", [revoked], django_capture_on_commit_callbacks)
    # The clock reaches both reminders' time.
    Invitation.objects.update(remind_at=timezone.now() - timedelta(minutes=1))

    assert list(Invitation.objects.reminders_due()) == [
        Invitation.objects.get(statement=kept_statement)
    ]
    # The task queued for its time, when the worker runs it, finds nothing to send.
    assert send_reminder(revoked.pk) is False
    sweep()

    reminders = [message for message in mail.outbox if message.subject.startswith("Reminder")]
    assert [message.to for message in reminders] == [["bob@rights.example.org"]]


# --- sending again -----------------------------------------------------------------------


def test_sending_again_gives_a_new_link_and_deadline_and_closes_the_old_one(
    admin_client: Client,
    admin_user: User,
    invite: Invite,
    organisation: Organisation,
    django_capture_on_commit_callbacks: Any,
) -> None:
    statement = StatementFactory(title="A call to act", body="The text to sign.")
    invite(statement, organisation, message="We would be glad of your support.")
    old_path = link_in(mail.outbox[0])
    old = Invitation.objects.get()
    # Its deadline passed unanswered: the e-mail was lost.
    Invitation.objects.update(deadline=timezone.now() - timedelta(days=1))
    new_deadline = (timezone.now() + timedelta(days=10)).replace(microsecond=0)

    response = run_action(
        admin_client,
        "send_again",
        [old],
        django_capture_on_commit_callbacks,
        **split(new_deadline),
    )

    assert messages_shown(response) == [("success", "Sent 1 invitation again.")]
    assert len(mail.outbox) == 2
    again = mail.outbox[1]
    assert again.to == ["ana@rights.example.org"]
    assert again.subject == "Invitation to sign “A call to act”"
    assert "We would be glad of your support." in str(again.body)
    new_path = link_in(again)
    assert new_path != old_path

    old.refresh_from_db()
    new = Invitation.objects.exclude(pk=old.pk).get()
    assert old.replaced_by == new
    assert old.revoked_by == admin_user
    assert new.deadline == new_deadline
    assert new.remind_at == new_deadline - REMIND_BEFORE
    assert new.sent_at is not None and new.reminded_at is None
    assert new.signature_id == old.signature_id

    gone = Client().get(old_path)
    assert gone.status_code == 410
    assert "The coalition sent you a new link on" in gone.text
    assert "The text to sign." not in gone.text
    signed = sign(Client(), new_path)
    assert signed.status_code == 200
    assert Signature.objects.get(organisation=organisation).status == Signature.Status.CONFIRMED
    assert Client().post(old_path, {"name": "X", "sign": "1"}).status_code == 410
    changelist = admin_client.get(admin_url(Invitation, "changelist"))
    assert f"Sent again by {admin_user} on " in changelist.text
    assert "Signed on " in changelist.text


def test_an_invitation_sent_again_is_reminded_by_its_new_deadline(
    admin_client: Client,
    invite: Invite,
    organisation: Organisation,
    django_capture_on_commit_callbacks: Any,
) -> None:
    invite(StatementFactory(), organisation)
    old = Invitation.objects.get()
    Invitation.objects.update(remind_at=timezone.now() - timedelta(minutes=1))
    sweep()  # the first link's reminder went
    assert len(mail.outbox) == 2

    run_action(
        admin_client,
        "send_again",
        [old],
        django_capture_on_commit_callbacks,
        **split(timezone.now() + timedelta(days=20)),
    )
    new = Invitation.objects.exclude(pk=old.pk).get()
    sweep()
    assert len(mail.outbox) == 3  # the new invitation, no reminder yet
    Invitation.objects.filter(pk=new.pk).update(remind_at=timezone.now())
    sweep()

    assert len(mail.outbox) == 4
    assert mail.outbox[3].subject.startswith("Reminder: ")
    assert invitation_linked(mail.outbox[3]) == invitation_linked(mail.outbox[2]) == new
    old.refresh_from_db()
    assert old.reminded_at is not None  # what was sent for the first link stays on record


def test_what_cannot_be_sent_again(
    admin_client: Client,
    invite: Invite,
    organisation: Organisation,
    django_capture_on_commit_callbacks: Any,
) -> None:
    answered_statement, revoked_statement, open_statement = StatementFactory.create_batch(3)
    for statement in (answered_statement, revoked_statement, open_statement):
        invite(statement, organisation)
    sign(Client(), link_in(mail.outbox[0]))
    answered = Invitation.objects.get(statement=answered_statement)
    revoked = Invitation.objects.get(statement=revoked_statement)
    still_open = Invitation.objects.get(statement=open_statement)
    revoked.revoke(by=UserFactory())

    refused = run_action(
        admin_client,
        "send_again",
        [answered, revoked],
        django_capture_on_commit_callbacks,
        **split(timezone.now() + timedelta(days=7)),
    )
    too_late = run_action(
        admin_client,
        "send_again",
        [still_open],
        django_capture_on_commit_callbacks,
        **split(timezone.now() - timedelta(days=1)),
    )

    assert set(messages_shown(refused)) == {
        ("warning", f"“{answered}” was not sent again: This invitation has been answered already."),
        ("warning", f"“{revoked}” was not sent again: This invitation was revoked already."),
    }
    # The new one refused, the old one is not revoked either: both are one step.
    assert messages_shown(too_late) == [
        ("warning", f"“{still_open}” was not sent again: The deadline must be in the future."),
    ]
    assert Invitation.objects.count() == 3
    assert Invitation.objects.get(pk=still_open.pk).revoked_at is None
    assert Invitation.objects.get(pk=revoked.pk).replaced_by is None
    assert len(mail.outbox) == 3


def test_sending_again_keeps_the_exception_staff_confirmed(
    admin_user: User,
    admin_client: Client,
    invite: Invite,
    django_capture_on_commit_callbacks: Any,
) -> None:
    organisation = OrganisationFactory(name="Small Group", website="")
    invite(StatementFactory(), organisation, "chair@mail.example.net", exception=True)
    old = Invitation.objects.get()
    other = UserFactory(is_superuser=True)
    admin_client.force_login(other)

    run_action(
        admin_client,
        "send_again",
        [old],
        django_capture_on_commit_callbacks,
        **split(timezone.now() + timedelta(days=7)),
    )

    new = Invitation.objects.exclude(pk=old.pk).get()
    assert new.email == "chair@mail.example.net"
    assert (new.domain_exception_by, new.domain_exception_at) == (
        admin_user,
        old.domain_exception_at,
    )
    assert new.created_by == other
    assert mail.outbox[-1].reply_to == [other.email]


# --- who may -----------------------------------------------------------------------------


def test_revoking_and_sending_again_need_the_change_permission(
    client: Client, invite: Invite, organisation: Organisation
) -> None:
    invite(StatementFactory(), organisation)
    invitation = Invitation.objects.get()
    reader = UserFactory()
    reader.user_permissions.add(Permission.objects.get(codename="view_invitation"))
    client.force_login(reader)

    changelist = client.get(admin_url(Invitation, "changelist"))
    change = client.get(admin_url(invitation, "change"))
    listed = client.post(
        admin_url(Invitation, "changelist"),
        {"action": "revoke", "index": "0", "_selected_action": [invitation.pk], "apply": "yes"},
    )
    from_its_page = client.post(
        admin_url(invitation, "change"),
        {"CHANGE_FORM-action": "revoke", "_selected_action": invitation.pk, "apply": "yes"},
    )

    assert changelist.status_code == change.status_code == 200
    assert 'value="revoke"' not in changelist.text + change.text
    assert 'value="send_again"' not in changelist.text + change.text
    assert listed.status_code in {200, 302}
    assert from_its_page.status_code == 403
    assert Invitation.objects.get().revoked_at is None

    reader.user_permissions.add(Permission.objects.get(codename="change_invitation"))
    client.force_login(reader)
    revoked = client.post(
        admin_url(Invitation, "changelist"),
        {"action": "revoke", "index": "0", "_selected_action": [invitation.pk], "apply": "yes"},
        follow=True,
    )
    assert messages_shown(revoked) == [("success", "Revoked 1 invitation.")]
    assert Invitation.objects.get().revoked_by == reader
