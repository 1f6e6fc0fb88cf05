"""After a public correction, signatories of the earlier text are asked to confirm the new one."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from campaigns.models import Signature, Statement
from invitations.models import Invitation
from organisations.models import Organisation
from tests.admin_pages import admin_url
from tests.campaigns.test_editorial import edit
from tests.factories import OrganisationFactory, SignatureFactory, StatementFactory, partner_key
from tests.invitations.conftest import Invite, link_in
from tests.invitations.test_invitations import sign

pytestmark = pytest.mark.django_db


def correct(client: Client, statement: Statement, capture: Any, **changes: str) -> None:
    with capture(execute=True):
        edit(
            client,
            statement,
            change_kind="correction",
            correction_note="An earlier version named the wrong law.",
            **changes,
        )


def test_signatories_of_the_earlier_text_confirm_the_corrected_one(
    invite: Invite,
    organisation: Organisation,
    editor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    statement = StatementFactory(published=True, body="Repeal law 121-FZ.")
    SignatureFactory(statement=statement)  # entered by staff: no address to ask
    invite(statement, organisation)
    sign(Client(), link_in(mail.outbox[0]), name="Ana Contact")
    key, _secret = partner_key(contact_email="api@partner.example.org")
    SignatureFactory(statement=statement, organisation=key.organisation, requested_with=key)
    editors = Client()
    editors.force_login(editor)

    correct(editors, statement, django_capture_on_commit_callbacks, body_en="Repeal law 129-FZ.")

    statement.refresh_from_db()
    assert statement.version == 2
    asked = mail.outbox[1:]
    assert sorted(message.to[0] for message in asked) == [
        "ana@rights.example.org",
        "api@partner.example.org",
    ]
    to_ana = next(message for message in asked if message.to == ["ana@rights.example.org"])
    assert to_ana.subject == f"Please confirm the corrected text of “{statement.title}”"
    path = link_in(to_ana)
    page = Client().get(path)
    assert "Repeal law 129-FZ." in page.text
    assert "Version 2 of the text" in page.text

    confirmed = sign(Client(), path, name="Ana Contact")

    assert confirmed.status_code == 200
    signature = Signature.objects.get(statement=statement, organisation=organisation)
    assert signature.status == Signature.Status.CONFIRMED
    assert signature.signed_version == 2
    reconfirmation = Invitation.objects.get(
        organisation=organisation, purpose=Invitation.Purpose.CONFIRM_CORRECTION
    )
    assert reconfirmation.signed_version == 2
    assert "Repeal law 129-FZ." in reconfirmation.signed_text
    # The address was vetted when the first invitation was sent; it carries over.
    assert reconfirmation.email == "ana@rights.example.org"


def test_the_admin_shows_who_has_and_has_not_confirmed(
    invite: Invite,
    organisation: Organisation,
    editor: User,
    admin_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    statement = StatementFactory(published=True)
    other = OrganisationFactory(name="Slow Signers", website="https://slow.example.net")
    invite(statement, organisation)
    invite(statement, other, "bo@slow.example.net")
    for message in mail.outbox[:2]:
        sign(Client(), link_in(message))
    editors = Client()
    editors.force_login(editor)
    correct(editors, statement, django_capture_on_commit_callbacks, body_en="Corrected.")
    to_rights = next(m for m in mail.outbox[2:] if m.to == ["ana@rights.example.org"])
    sign(Client(), link_in(to_rights))

    statement_page = admin_client.get(admin_url(statement, "change"))
    invitations = admin_client.get(
        admin_url(Invitation, "changelist"),
        {"statement__id__exact": statement.pk, "purpose__exact": "confirm_correction"},
    )

    [warning] = [str(m) for m in statement_page.context["messages"] if "earlier" in str(m)]
    assert "Slow Signers" in warning
    assert "Rights Watch" not in warning
    rows = invitations.context["cl"].result_list
    states = {row.organisation.name: row for row in rows}
    assert states["Rights Watch"].answer == Invitation.Answer.SIGNED
    assert states["Slow Signers"].answer == ""
    assert "Sent, not answered yet" in invitations.text
    assert "Signed on" in invitations.text


def test_a_silent_fix_asks_nobody(
    invite: Invite,
    organisation: Organisation,
    editor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    statement = StatementFactory(published=True, body="A typo hre.")
    invite(statement, organisation)
    sign(Client(), link_in(mail.outbox[0]))
    editors = Client()
    editors.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        edit(editors, statement, body_en="A typo here.", change_kind="silent_fix")

    assert len(mail.outbox) == 1
    assert not Invitation.objects.filter(purpose=Invitation.Purpose.CONFIRM_CORRECTION).exists()


def test_a_second_correction_does_not_ask_twice(
    invite: Invite,
    organisation: Organisation,
    editor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    statement = StatementFactory(published=True, body="First.")
    invite(statement, organisation)
    sign(Client(), link_in(mail.outbox[0]))
    editors = Client()
    editors.force_login(editor)

    correct(editors, statement, django_capture_on_commit_callbacks, body_en="Second.")
    correct(editors, statement, django_capture_on_commit_callbacks, body_en="Third.")

    assert len(mail.outbox) == 2
    # The one link open shows the text as it now stands.
    page = Client().get(link_in(mail.outbox[1]))
    assert "Third." in page.text
    assert "Version 3 of the text" in page.text
