from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from campaigns.models import Signature
from tests.factories import SignatureFactory, StatementFactory
from tests.site.reading import read

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


def test_a_public_statement_at_another_year_leads_to_its_own(client: Client) -> None:
    statement = StatementFactory(published=True, issued_on=date(2016, 3, 8), slug="repeal")

    for year in (2015, timezone.now().year):
        response = client.get(f"/statements/{year}/repeal/")
        assert response.status_code == 301
        assert response["Location"] == "/statements/2016/repeal/"
    # In the reader's language, where it is written in it.
    statement.title_ru, statement.body_ru = "Отменить", "Текст."
    statement.save()
    assert client.get("/ru/statements/2015/repeal/")["Location"] == "/ru/statements/2016/repeal/"
    assert client.get("/statements/2016/repeal/").status_code == 200


@pytest.mark.parametrize(
    "traits", [{}, {"in_review": True}, {"approved": True}, {"scheduled": True}]
)
def test_a_statement_the_public_may_not_see_is_404_at_any_year(
    client: Client, traits: dict[str, bool]
) -> None:
    # Dated years before it is (or would be) public: no year reveals it.
    StatementFactory(**traits, issued_on=date(2016, 3, 8), slug="concealed")
    missing = client.get("/statements/2016/never-existed/")
    for year in (2016, 2015, timezone.now().year):
        hidden = client.get(f"/statements/{year}/concealed/")
        assert hidden.status_code == 404
        assert hidden.text.replace(str(year), "y").replace(
            "concealed", "x"
        ) == missing.text.replace("2016", "y").replace("never-existed", "x")


def test_a_withdrawn_statement_is_gone_at_its_own_year_only(client: Client) -> None:
    StatementFactory(withdrawn=True, issued_on=date(2016, 3, 8), slug="gone", title="Gone title")

    gone = client.get("/statements/2016/gone/")

    assert gone.status_code == 410
    assert "Gone title" in gone.text
    assert read(gone).find("p", class_="meta").find("time").text == "8 March 2016"
    assert client.get(f"/statements/{timezone.now().year}/gone/").status_code == 404


def test_staff_preview_a_draft_and_it_is_never_cached(client: Client, author: User) -> None:
    statement = StatementFactory(title="Draft for preview")
    client.force_login(author)
    response = client.get(statement.get_absolute_url())
    assert response.status_code == 200
    assert "Preview: this statement is Draft and not public." in response.text
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
