import pytest
from django.contrib.auth.models import User
from django.test import Client

from campaigns.models import Signature
from tests.factories import SignatureFactory, StatementFactory

pytestmark = pytest.mark.django_db


def test_a_published_statement_shows_its_confirmed_signatories_only(client: Client) -> None:
    statement = StatementFactory(published=True)
    SignatureFactory(statement=statement, organisation__name="Confirmed Org")
    SignatureFactory(
        statement=statement, organisation__name="Pending Org", status=Signature.Status.PENDING
    )

    response = client.get(statement.get_absolute_url())

    assert response.status_code == 200
    assert "Confirmed Org" in response.text
    assert "Pending Org" not in response.text
    assert "public" in response["Cache-Control"]


@pytest.mark.parametrize(
    "traits", [{}, {"in_review": True}, {"approved": True}, {"scheduled": True}]
)
def test_a_statement_the_public_may_not_see_is_the_same_404_as_none(
    client: Client, traits: dict[str, bool]
) -> None:
    statement = StatementFactory(**traits)
    hidden = client.get(statement.get_absolute_url())
    year = statement.get_absolute_url().split("/")[2]
    missing = client.get(f"/statements/{year}/never-existed/")
    assert hidden.status_code == missing.status_code == 404
    # The pages differ only by the address they name (in their links to other languages).
    assert hidden.text.replace(statement.slug, "x") == missing.text.replace("never-existed", "x")
    assert statement.title not in hidden.text


def test_a_withdrawn_statement_is_gone_with_a_notice(client: Client) -> None:
    statement = StatementFactory(
        withdrawn=True, title="Withdrawn title", withdrawal_reason="Signed in error."
    )
    response = client.get(statement.get_absolute_url())
    assert response.status_code == 410
    assert "Withdrawn title" in response.text
    assert "Signed in error." in response.text


def test_a_public_statement_is_only_at_its_own_year(client: Client) -> None:
    statement = StatementFactory(published=True)
    assert (
        client.get(f"/statements/{statement.publish_at.year - 1}/{statement.slug}/").status_code
        == 404
    )


def test_staff_preview_a_draft_and_it_is_never_cached(client: Client, author: User) -> None:
    statement = StatementFactory(title="Draft for preview")
    client.force_login(author)
    response = client.get(statement.get_absolute_url())
    assert response.status_code == 200
    assert "Preview: this statement is Draft and not public." in response.text
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
