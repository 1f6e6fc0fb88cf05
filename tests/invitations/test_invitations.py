"""Invitations to sign, through the admin, the e-mail and the link: sign, decline, and
every way a link stops working."""

from datetime import timedelta
from typing import Any, cast

import pytest
from django.contrib.auth.models import User
from django.core import mail, signing
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.utils import timezone

from campaigns.models import Signature, Statement
from invitations.models import TOKEN_SALT, Invitation
from organisations.models import Organisation
from tests.admin_pages import admin_url, read_form
from tests.factories import OrganisationFactory, SignatureFactory, StatementFactory
from tests.invitations.conftest import Invite, link_in

pytestmark = pytest.mark.django_db


def sign(client: Client, path: str, name: str = "Ana Contact", title: str = "Director") -> Any:
    page = client.get(path)
    data = {**read_form(page, "sign_form"), "name": name, "title": title, "sign": "1"}
    return client.post(path, data)


def assert_private(response: Any) -> None:
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


# --- the whole path ------------------------------------------------------------------------


def test_an_invitee_signs_the_text_shown_for_the_organisation(
    invite: Invite, organisation: Organisation, admin_user: User
) -> None:
    statement = StatementFactory(
        title="Repeal the foreign agents law",
        body="The organisations **urge** the Duma to repeal it.",
    )

    added = invite(statement, organisation, message="We would be glad of your support.")

    assert "The invitation is being sent to ana@rights.example.org." in added.text
    [message] = cast(list[EmailMultiAlternatives], mail.outbox)
    assert message.to == ["ana@rights.example.org"]
    assert message.subject == "Invitation to sign “Repeal the foreign agents law”"
    assert message.reply_to == [admin_user.email]
    assert "We would be glad of your support." in message.body
    [(html, kind)] = message.alternatives
    assert kind == "text/html"
    path = link_in(message)
    assert path in str(html)

    client = Client()
    page = client.get(path)
    assert page.status_code == 200
    assert_private(page)
    assert "Repeal the foreign agents law" in page.text
    assert "<strong>urge</strong>" in page.text
    assert "Version 1 of the text" in page.text

    signed = sign(client, path, name="Ana Contact", title="Executive Director")

    assert signed.status_code == 200
    assert_private(signed)
    assert "Ana Contact signed version 1 of the text for Rights Watch." in signed.text
    signature = Signature.objects.get(statement=statement, organisation=organisation)
    assert signature.status == Signature.Status.CONFIRMED
    assert (signature.signatory_name, signature.signatory_title) == (
        "Ana Contact",
        "Executive Director",
    )
    assert signature.signed_version == 1
    assert signature.signed_at is not None
    assert signature.decided_by == admin_user
    invitation = Invitation.objects.get()
    assert invitation.signature == signature
    assert invitation.answer == Invitation.Answer.SIGNED
    assert invitation.signed_version == 1
    assert "The organisations **urge** the Duma to repeal it." in invitation.signed_text


def test_an_invitee_declines_with_a_reason(invite: Invite, organisation: Organisation) -> None:
    statement = StatementFactory()
    invite(statement, organisation)
    path = link_in(mail.outbox[0])
    client = Client()

    page = client.get(path)
    data = {**read_form(page, "decline_form"), "reason": "Our board meets too late."}
    data["decline"] = "1"
    declined = client.post(path, data)

    assert declined.status_code == 200
    assert "You declined for Rights Watch." in declined.text
    signature = Signature.objects.get(statement=statement, organisation=organisation)
    assert signature.status == Signature.Status.DECLINED
    assert signature.decline_reason == "Our board meets too late."
    invitation = Invitation.objects.get()
    assert invitation.answer == Invitation.Answer.DECLINED
    assert invitation.decline_reason == "Our board meets too late."


def test_the_page_shows_the_text_in_the_invitation_language_when_written_in_it(
    invite: Invite, organisation: Organisation
) -> None:
    statement = StatementFactory(
        title="In English", body="English text.", title_fr="En français", body_fr="Texte."
    )

    invite(statement, organisation, language="fr")

    [message] = mail.outbox
    path = link_in(message)
    assert path.startswith("/fr/invitations/")
    assert message.subject == "Invitation à signer « En français »"
    page = Client().get(path)
    assert "En français" in page.text
    assert "In English" not in page.text


# --- a link that does not sign ---------------------------------------------------------------


def test_a_link_answers_once(invite: Invite, organisation: Organisation) -> None:
    statement = StatementFactory(body="A text only the invitee reads.")
    invite(statement, organisation)
    path = link_in(mail.outbox[0])
    client = Client()
    sign(client, path)

    again = client.get(path)
    replayed = client.post(path, {"name": "Someone Else", "title": "", "sign": "1"})

    assert again.status_code == replayed.status_code == 410
    assert_private(again)
    assert "It was answered on" in again.text
    assert "A text only the invitee reads." not in again.text
    signature = Signature.objects.get(statement=statement, organisation=organisation)
    assert signature.signatory_name == "Ana Contact"


def test_an_expired_link_does_not_sign(invite: Invite, organisation: Organisation) -> None:
    statement = StatementFactory(body="A text only the invitee reads.")
    invite(statement, organisation)
    path = link_in(mail.outbox[0])
    client = Client()
    form = read_form(client.get(path), "sign_form")
    Invitation.objects.update(deadline=timezone.now() - timedelta(minutes=1))

    page = client.get(path)
    posted = client.post(path, {**form, "name": "Ana Contact", "sign": "1"})

    assert page.status_code == posted.status_code == 410
    assert "Its deadline passed on" in page.text
    assert "A text only the invitee reads." not in page.text
    assert Signature.objects.get(organisation=organisation).status == Signature.Status.INVITED
    assert Invitation.objects.get().answer == ""


def test_a_wrong_token_is_not_found(invite: Invite, organisation: Organisation) -> None:
    statement = StatementFactory(title="A draft title")
    invite(statement, organisation)
    path = link_in(mail.outbox[0])
    invitation = Invitation.objects.get()
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = [
        f"/invitations/{token[:-2]}xy/",
        # Signed right, with another secret: the one of an invitation made again.
        "/invitations/"
        + signing.dumps({"i": invitation.pk, "n": "guessed"}, salt=TOKEN_SALT, compress=True)
        + "/",
        # Signed by this site for something else.
        "/invitations/" + signing.dumps({"i": invitation.pk, "n": invitation.nonce}) + "/",
        "/invitations/not-a-token/",
    ]

    for address in forged:
        page = Client().get(address)
        posted = Client().post(address, {"name": "X", "sign": "1"})
        assert page.status_code == posted.status_code == 404, address
        assert_private(page)
        assert "A draft title" not in page.text
    assert Signature.objects.get(organisation=organisation).status == Signature.Status.INVITED


def test_a_withdrawn_statements_invitation_no_longer_signs(
    invite: Invite, organisation: Organisation, editor: User
) -> None:
    statement = StatementFactory(published=True, body="The published text.")
    SignatureFactory(statement=statement)
    invite(statement, organisation)
    path = link_in(mail.outbox[0])
    client = Client()
    form = read_form(client.get(path), "sign_form")
    statement.withdraw(by=editor, reason="Issued in error.")

    page = client.get(path)
    posted = client.post(path, {**form, "name": "Ana Contact", "sign": "1"})

    assert page.status_code == posted.status_code == 410
    assert "The text is no longer open for signatures." in page.text
    assert "The published text." not in page.text
    assert Signature.objects.get(organisation=organisation).status == Signature.Status.INVITED


def test_a_text_changed_while_the_page_was_open_is_not_signed(
    invite: Invite, organisation: Organisation
) -> None:
    statement = StatementFactory(body="The first draft.")
    invite(statement, organisation)
    path = link_in(mail.outbox[0])
    client = Client()
    form = read_form(client.get(path), "sign_form")
    Statement.objects.filter(pk=statement.pk).update(body_en="The second draft.")

    posted = client.post(path, {**form, "name": "Ana Contact", "sign": "1"})

    assert posted.status_code == 200
    assert "The text has changed since this page was opened." in posted.text
    assert "The second draft." in posted.text
    assert Invitation.objects.get().answer == ""
    signed = sign(client, path)
    assert signed.status_code == 200
    assert "The second draft." in Invitation.objects.get().signed_text


# --- the domain check ------------------------------------------------------------------------


def test_an_address_outside_the_organisations_domain_is_refused(
    invite: Invite, organisation: Organisation
) -> None:
    statement = StatementFactory()

    refused = invite(statement, organisation, "ana@gmail.example.com")
    lookalike = invite(statement, organisation, "ana@notrights.example.org")

    assert "This address is not at the domain of Rights Watch&#x27;s website" in refused.text
    assert "(rights.example.org)" in refused.text
    assert "This address is not at the domain" in lookalike.text
    assert not Invitation.objects.exists()
    assert not Signature.objects.exists()
    assert mail.outbox == []


def test_an_address_under_the_domain_is_taken(invite: Invite, organisation: Organisation) -> None:
    invite(StatementFactory(), organisation, "ana@geneva.rights.example.org")

    invitation = Invitation.objects.get()
    assert invitation.domain_exception_at is None
    assert len(mail.outbox) == 1


def test_staff_confirm_an_exception_and_it_is_recorded(
    invite: Invite, admin_client: Client, admin_user: User
) -> None:
    # No website at all: every address is an exception staff vouch for.
    organisation = OrganisationFactory(name="Small Group", website="")
    statement = StatementFactory()

    refused = invite(statement, organisation, "chair@mail.example.net")
    added = invite(statement, organisation, "chair@mail.example.net", exception=True)

    assert "it has no website" in refused.text
    assert added.status_code == 200
    invitation = Invitation.objects.get()
    assert invitation.domain_exception_by == admin_user
    assert invitation.domain_exception_at is not None
    shown = admin_client.get(admin_url(invitation, "change"))
    assert f"confirmed by {admin_user}" in shown.text
    path = link_in(mail.outbox[0])
    sign(Client(), path)
    signature = Signature.objects.get(organisation=organisation)
    assert signature.status == Signature.Status.CONFIRMED
    assert signature.invitations.get() == invitation


def test_an_organisation_that_signed_is_not_invited_again(
    invite: Invite, organisation: Organisation
) -> None:
    signature = SignatureFactory(organisation=organisation)

    refused = invite(signature.statement, organisation)

    assert "This organisation has already signed this statement." in refused.text
    assert not Invitation.objects.exists()


def test_a_second_open_invitation_is_refused(invite: Invite, organisation: Organisation) -> None:
    statement = StatementFactory()
    invite(statement, organisation)

    again = invite(statement, organisation, "bob@rights.example.org")

    assert "already has an unanswered invitation" in again.text
    assert Invitation.objects.count() == 1


def test_a_partners_pending_request_is_signed_through_an_invitation(
    invite: Invite, organisation: Organisation
) -> None:
    statement = StatementFactory(published=True, signatures_open=True)
    pending = SignatureFactory(
        statement=statement, organisation=organisation, status=Signature.Status.PENDING
    )

    invite(statement, organisation)
    sign(Client(), link_in(mail.outbox[0]))

    pending.refresh_from_db()
    assert pending.status == Signature.Status.CONFIRMED
    assert Invitation.objects.get().signature == pending


# --- the admin ---------------------------------------------------------------------------------


def test_the_invitation_admin_pages_render(
    admin_client: Client, admin_user: User, invite: Invite, organisation: Organisation
) -> None:
    statement = StatementFactory()
    invite(statement, organisation)
    invitation = Invitation.objects.get()

    changelist = admin_client.get(admin_url(Invitation, "changelist"))
    prefilled = admin_client.get(admin_url(Invitation, "add") + f"?statement={statement.pk}")
    change = admin_client.get(admin_url(invitation, "change"))
    statement_page = admin_client.get(admin_url(statement, "change"))

    assert changelist.status_code == prefilled.status_code == change.status_code == 200
    assert "Sent, not answered yet" in changelist.text
    assert f'value="{statement.pk}" selected' in prefilled.text
    assert "At the domain of the organisation&#x27;s website" in change.text
    assert admin_url(Invitation, "add") + f"?statement={statement.pk}" in statement_page.text
    # An issued invitation is a record: it is not changed or deleted.
    assert 'name="_save"' not in change.text
    assert 'name="_continue"' not in change.text
    assert 'name="_save"' in prefilled.text
    assert admin_client.get(admin_url(invitation, "delete")).status_code == 403
    # Revoked, and the one sent in its place: both pages say so.
    replaced = Invitation.objects.get()
    fresh = replaced.send_again(by=admin_user, deadline=replaced.deadline)
    replaced_page = admin_client.get(admin_url(replaced, "change"))
    assert replaced_page.status_code == admin_client.get(admin_url(fresh, "change")).status_code
    assert f"Sent again by {admin_user} on " in replaced_page.text
    assert admin_url(fresh, "change") in replaced_page.text
