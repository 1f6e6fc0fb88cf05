"""An invitation shows its own statement's text to the person invited, and nothing else.

A draft invited to, signed through its link, stays out of every public page, feed and API;
the invitation's pages and e-mails never name another statement that is not public.
"""

from typing import Any, cast

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client

from campaigns.models import Statement
from organisations.models import Organisation
from tests.factories import SignatureFactory, StatementFactory
from tests.invitations.conftest import Invite, link_in
from tests.invitations.test_invitations import sign

pytestmark = pytest.mark.django_db


def hidden_statements() -> list[Statement]:
    """A statement in each state the public may not see, each with its own marker."""
    return [
        StatementFactory(title=f"Hidden{state}Title", body=f"Hidden{state}Body", **traits)
        for state, traits in {
            "Draft": {},
            "Review": {"in_review": True},
            "Approved": {"approved": True},
            "Scheduled": {"scheduled": True},
            "Withdrawn": {"withdrawn": True},
        }.items()
    ]


def test_invitation_pages_and_emails_show_no_other_statement(
    invite: Invite, organisation: Organisation
) -> None:
    others = hidden_statements()
    for other in others:
        SignatureFactory(statement=other, organisation=organisation)
    invited = StatementFactory(title="InvitedDraftTitle", body="InvitedDraftBody")

    invite(invited, organisation)
    client = Client()
    path = link_in(mail.outbox[0])
    page = client.get(path)
    answered = sign(client, path)
    closed = client.get(path)
    messages = cast(list[EmailMultiAlternatives], mail.outbox)
    texts = [page.text, answered.text, closed.text]
    texts += [str(message.body) for message in messages]
    texts += [str(message.alternatives[0][0]) for message in messages]
    texts += [message.subject for message in messages]

    assert "InvitedDraftBody" in page.text
    for text in texts:
        for other in others:
            assert other.title not in text
            assert other.body not in text
    # Not even the invited statement's public address, which does not exist yet.
    assert invited.slug not in page.text


def test_a_draft_signed_through_an_invitation_stays_out_of_everything_public(
    invite: Invite, organisation: Organisation
) -> None:
    # Searched for by a word of its title that is not the marker: a search page repeats
    # what was asked.
    invited = StatementFactory(title="InvitedDraftTitle Zanzibar", body="InvitedDraftBody")
    invite(invited, organisation)
    sign(Client(), link_in(mail.outbox[0]))
    anyone = Client()

    surfaces: dict[str, Any] = {
        "list": anyone.get("/statements/"),
        "search": anyone.get("/search/", {"q": "Zanzibar"}),
        "feed": anyone.get("/feed/"),
        "organisation feed": anyone.get(f"/organisations/{organisation.slug}/feed/"),
        "organisation": anyone.get(organisation.get_absolute_url()),
        "sitemap": anyone.get("/sitemap.xml"),
        "api list": anyone.get("/api/v1/statements/"),
        "api search": anyone.get("/api/v1/statements/", {"q": "Zanzibar"}),
        "api organisation": anyone.get(f"/api/v1/organisations/{organisation.pk}/"),
        "api changes": anyone.get("/api/v1/changes/"),
        "page": anyone.get(invited.get_absolute_url()),
    }

    for name, response in surfaces.items():
        body = response.content.decode()
        assert "InvitedDraftTitle" not in body, name
        assert "InvitedDraftBody" not in body, name
    assert surfaces["page"].status_code == 404
    assert surfaces["api changes"].json()["results"] == []
