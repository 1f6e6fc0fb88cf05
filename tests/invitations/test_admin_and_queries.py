"""The invitation pages' queries, pinned, and the admin's smoke test."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from invitations.models import Invitation
from organisations.models import Organisation
from tests.admin_pages import admin_url, read_form, registered_models
from tests.factories import AuthorFactory, EditorFactory, StatementFactory
from tests.invitations.conftest import Invite, link_in

pytestmark = pytest.mark.django_db


def test_every_model_admin_is_smoke_tested() -> None:
    # The changelist, add and change pages: tests/invitations/test_invitations.py.
    assert registered_models("invitations") == {Invitation}


def test_the_answer_page_queries(
    invite: Invite, organisation: Organisation, django_assert_num_queries: Any
) -> None:
    invite(StatementFactory(), organisation)
    path = link_in(mail.outbox[0])
    client = Client()

    # The invitation with its statement and organisation, in one query; the first page
    # in a content version also reads the next publish time, for the site's frame it
    # keeps (base.html: operations.fragments).
    with django_assert_num_queries(2):
        page = client.get(path)
    assert page.status_code == 200
    with django_assert_num_queries(1):
        assert client.get(path).status_code == 200


def test_signing_queries(
    invite: Invite, organisation: Organisation, django_assert_num_queries: Any
) -> None:
    invite(StatementFactory(), organisation)
    path = link_in(mail.outbox[0])
    client = Client()
    data = {**read_form(client.get(path), "sign_form"), "name": "Ana", "sign": "1"}

    # 1 the invitation with its statement and organisation; 2 a savepoint; 3 the
    # invitation again under lock, with its signature and sender; 4 a savepoint; 5 the
    # signature under lock; 6 its statement; 7 the signature confirmed; 8 its history;
    # 9-11 what search finds the statement by (signatories, publications, demands);
    # 12 that text stored; 13 the release; 14 the invitation's answer; 15 the release.
    with django_assert_num_queries(15):
        signed = client.post(path, data)
    assert signed.status_code == 200
    assert Invitation.objects.get().answer == Invitation.Answer.SIGNED


def test_a_closed_invitation_costs_one_query(
    invite: Invite, organisation: Organisation, django_assert_num_queries: Any
) -> None:
    invite(StatementFactory(), organisation)
    path = link_in(mail.outbox[0])
    Invitation.objects.update(answer="declined", answered_at="2026-01-01T00:00:00Z")

    # Besides the next publish time, read for the site's frame once per content version.
    with django_assert_num_queries(2):
        closed = Client().get(path)
    assert closed.status_code == 410
    with django_assert_num_queries(1):
        assert Client().get(path).status_code == 410


def test_a_revoked_invitation_costs_one_query(
    invite: Invite,
    organisation: Organisation,
    admin_user: User,
    django_assert_num_queries: Any,
) -> None:
    invite(StatementFactory(), organisation)
    path = link_in(mail.outbox[0])
    Invitation.objects.get().revoke(by=admin_user)

    # Who revoked it is not read: the page says the coalition did. Besides the next
    # publish time, read for the site's frame once per content version.
    with django_assert_num_queries(2):
        closed = Client().get(path)
    assert closed.status_code == 410
    assert "The coalition withdrew this invitation" in closed.text
    with django_assert_num_queries(1):
        assert Client().get(path).status_code == 410


def test_the_changelist_queries_do_not_grow_with_rows(
    admin_client: Client,
    admin_user: User,
    invite: Invite,
    organisation: Organisation,
    django_assert_num_queries: Any,
) -> None:
    invite(StatementFactory(), organisation)
    # The session, the user, the count of rows matching, the count of all rows, the rows
    # with their organisation and statement, the span and the days of the date hierarchy.
    with django_assert_num_queries(7):
        admin_client.get(admin_url(Invitation, "changelist"))
    for _ in range(3):
        invite(StatementFactory(), organisation)
    # Revoked, and sent again: who did it comes with the rows.
    first, second = Invitation.objects.all()[:2]
    first.revoke(by=admin_user)
    second.send_again(by=admin_user, deadline=second.deadline)
    with django_assert_num_queries(7):
        admin_client.get(admin_url(Invitation, "changelist"))


def test_editors_invite_and_authors_see_the_invitations(client: Client) -> None:
    author, editor = AuthorFactory(), EditorFactory()

    client.force_login(editor)
    assert client.get(admin_url(Invitation, "changelist")).status_code == 200
    assert client.get(admin_url(Invitation, "add")).status_code == 200

    client.force_login(author)
    assert client.get(admin_url(Invitation, "changelist")).status_code == 200
    assert client.get(admin_url(Invitation, "add")).status_code == 403
