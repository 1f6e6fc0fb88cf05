import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from campaigns.models import Statement
from invitations.models import Invitation
from organisations.models import Organisation
from tests.admin_pages import admin_url
from tests.factories import OrganisationFactory

type Invite = Callable[..., Any]

LINK = re.compile(r"https?://\S+/invitations/[^/\s]+/")


def link_in(message: mail.EmailMessage) -> str:
    """The path of the invitation's link, as the invitee would follow it."""
    match = LINK.search(str(message.body))
    assert match, message.body
    return urlsplit(match[0]).path


def invitation_linked(message: mail.EmailMessage) -> Invitation | None:
    """The invitation the message's link opens. Each message signs its link afresh, so
    two links to one invitation differ when a second has passed between them."""
    return Invitation.from_token(link_in(message).rstrip("/").rsplit("/", 1)[-1])


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory(name="Rights Watch", website="https://www.rights.example.org/en/")


@pytest.fixture
def invite(admin_client: Client, django_capture_on_commit_callbacks: Any) -> Invite:
    """Invite a contact from the admin's form, as staff do; the answer page's response."""

    def post(
        statement: Statement,
        organisation: Organisation,
        email: str = "ana@rights.example.org",
        *,
        exception: bool = False,
        deadline: datetime | None = None,
        language: str = "en",
        message: str = "",
    ) -> Any:
        deadline = deadline or timezone.now() + timedelta(days=14)
        data = {
            "statement": statement.pk,
            "organisation": organisation.pk,
            "name": "Ana Contact",
            "email": email,
            "language": language,
            "deadline_0": deadline.strftime("%Y-%m-%d"),
            "deadline_1": deadline.strftime("%H:%M:%S"),
            "message": message,
        }
        if exception:
            data["domain_exception"] = "on"
        with django_capture_on_commit_callbacks(execute=True):
            return admin_client.post(admin_url(Invitation, "add"), data, follow=True)

    return post
