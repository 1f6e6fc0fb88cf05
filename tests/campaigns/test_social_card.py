"""A statement's social card: the picture a shared link shows, and the page's tags for it.

The card is a PNG of 1200 by 630 pixels drawn on the server, at an address naming the
statement's version; only a statement the public may read has one.
"""

import io
from datetime import date
from typing import Any

import pytest
from django.test import Client
from PIL import Image
from pytest_django import DjangoAssertNumQueries

from campaigns.models import Signature, Statement
from tests.factories import EditorFactory, OrganisationFactory, SignatureFactory, StatementFactory
from tests.site.reading import open_graph, read

pytestmark = pytest.mark.django_db


def published(**fields: object) -> Statement:
    statement: Statement = StatementFactory(
        published=True,
        title="Repeal the foreign agents law",
        title_ru="Отмените закон об иностранных агентах",  # noqa: RUF001
        body_ru="Организации призывают.",
        issued_on=date(2012, 12, 19),
        lead_organisation=OrganisationFactory(name="Human Rights Watch"),
        **fields,
    )
    return statement


def card_address(client: Client, page: str) -> str:
    image = open_graph(read(client.get(page)))["og:image"]
    assert image.startswith("http://testserver/")
    return image.removeprefix("http://testserver")


def picture(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def test_the_card_is_a_png_of_1200_by_630_named_in_the_page_s_tags(client: Client) -> None:
    statement = published()
    SignatureFactory.create_batch(3, statement=statement)
    page = read(client.get(statement.get_absolute_url()))
    tags = open_graph(page)
    assert tags["og:image"] == f"http://testserver{statement.get_absolute_url()}card/1.png"
    assert tags["og:image:width"] == "1200" and tags["og:image:height"] == "630"
    assert tags["og:locale"] == "en_GB"
    assert (
        'name="twitter:card" content="summary_large_image"'
        in client.get(statement.get_absolute_url()).text
    )

    response = client.get(tags["og:image"].removeprefix("http://testserver"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    # The address names the version: whatever keeps the picture may keep it long.
    assert "max-age=604800" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    image = picture(response.content)
    assert image.format == "PNG"
    assert image.size == (1200, 630)


def test_the_card_changes_when_the_statement_is_corrected(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    statement = published()
    first_address = card_address(client, statement.get_absolute_url())
    first = client.get(first_address).content

    statement.title = "Repeal the foreign agents law now"
    # Committed, as in the admin: the correction changes the public pages after commit.
    with django_capture_on_commit_callbacks(execute=True):
        statement.save_correction("The title named the wrong law.", by=EditorFactory())

    second_address = card_address(client, statement.get_absolute_url())
    assert second_address != first_address
    assert second_address.endswith("/card/2.png")
    second = client.get(second_address)
    assert second.status_code == 200
    assert picture(second.content).size == (1200, 630)
    assert second.content != first
    # The earlier version's address leads to the current card, and is not kept.
    moved = client.get(first_address)
    assert moved.status_code == 302
    assert moved["Location"] == second_address
    assert "max-age=0" in moved["Cache-Control"]


def test_the_card_counts_the_signatories_it_shows(client: Client) -> None:
    """A new signatory leaves the version as it is: the card is drawn again all the same."""
    statement = published()
    address = card_address(client, statement.get_absolute_url())
    before = client.get(address).content
    SignatureFactory(statement=statement)
    assert client.get(address).content != before


def test_the_card_is_in_the_language_of_the_page(client: Client) -> None:
    statement = published()
    english = client.get(card_address(client, statement.get_absolute_url())).content
    russian_page = f"/ru{statement.get_absolute_url()}"
    tags = open_graph(read(client.get(russian_page)))
    assert tags["og:locale"] == "ru_RU"
    assert tags["og:image"].startswith("http://testserver/ru/statements/")
    russian = client.get(card_address(client, russian_page))
    assert russian.status_code == 200
    assert picture(russian.content).size == (1200, 630)
    assert russian.content != english


def test_a_card_costs_one_query(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    statement = published()
    SignatureFactory.create_batch(5, statement=statement)
    address = f"{statement.get_absolute_url()}card/1.png"
    # The statement with its issuer and its confirmed signatures counted, in one query;
    # the picture itself comes from the cache or is drawn, neither a query.
    with django_assert_num_queries(1):
        assert client.get(address).status_code == 200


@pytest.mark.parametrize(
    "traits",
    [{}, {"in_review": True}, {"approved": True}, {"scheduled": True}, {"withdrawn": True}],
    ids=["draft", "in_review", "approved", "scheduled", "withdrawn"],
)
def test_no_card_for_a_statement_the_public_may_not_see(client: Client, traits: dict) -> None:
    statement = StatementFactory(title="Hiddenmarker title", issued_on=date(2012, 12, 19), **traits)
    SignatureFactory(statement=statement, status=Signature.Status.CONFIRMED)
    for version in (1, 2):
        response = client.get(f"/statements/2012/{statement.slug}/card/{version}.png")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")
        assert "Hiddenmarker" not in response.text


def test_no_card_in_a_language_the_statement_is_not_written_in(client: Client) -> None:
    statement = published()
    assert client.get(f"/fr{statement.get_absolute_url()}card/1.png").status_code == 404
    assert client.get(f"/statements/2011/{statement.slug}/card/1.png").status_code == 404


def test_a_staff_preview_names_no_card(admin_client: Client) -> None:
    statement = StatementFactory(title="A draft")
    page = admin_client.get(statement.get_absolute_url())
    assert page.status_code == 200
    assert "og:image" not in page.text
    assert 'name="twitter:card" content="summary"' in page.text
