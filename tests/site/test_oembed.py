"""A statement's address pasted into an oEmbed consumer embeds it; nothing else is embedded."""

import re
from urllib.parse import urlencode

import pytest
from django.test import Client

from campaigns.models import Signature, Statement
from tests.factories import OrganisationFactory, SignatureFactory, StatementFactory

pytestmark = pytest.mark.django_db

HIDDEN_TRAITS: tuple[dict[str, bool], ...] = (
    {},
    {"in_review": True},
    {"approved": True},
    {"scheduled": True},
    {"withdrawn": True},
)


def ask(client: Client, url: str, **parameters: str) -> object:
    return client.get(f"/oembed?{urlencode({'url': url, 'format': 'json', **parameters})}")


def signed(statement: Statement, count: int) -> Statement:
    for number in range(count):
        SignatureFactory(
            statement=statement, organisation__name=f"Signatory {number}", order=number
        )
    return statement


def test_a_public_statement_is_embedded_as_rich_html(client: Client) -> None:
    statement = signed(
        StatementFactory(
            published=True,
            title="Repeal the foreign agents law",
            lead_organisation=OrganisationFactory(name="Issuing NGO"),
        ),
        7,
    )
    SignatureFactory(
        statement=statement, organisation__name="Pending NGO", status=Signature.Status.PENDING
    )
    page = f"http://testserver{statement.get_absolute_url()}"

    response = ask(client, page)

    assert response.status_code == 200  # type: ignore[attr-defined]
    embed = response.json()  # type: ignore[attr-defined]
    assert embed["version"] == "1.0"
    assert embed["type"] == "rich"
    assert embed["title"] == "Repeal the foreign agents law"
    assert embed["author_name"] == "Issuing NGO"
    assert embed["provider_name"] == "Chorus"
    assert embed["width"] == 600
    assert embed["height"] > 0
    html = embed["html"]
    assert f'href="{page}"' in html
    assert "Signatory 0, Signatory 1, Signatory 2, Signatory 3, Signatory 4" in html
    assert "and 2 other organisations" in html
    assert "Pending NGO" not in html
    assert not re.search(r"<(script|style|iframe|img)|\son\w+=|style=", html)


def test_the_page_says_where_its_embed_is(client: Client) -> None:
    statement = StatementFactory(published=True)
    page = client.get(statement.get_absolute_url()).text

    [link] = re.findall(
        r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', page
    )
    embed = client.get(link.replace("&amp;", "&"))

    assert embed.status_code == 200
    assert embed.json()["title"] == statement.title


def test_an_embed_in_russian_is_in_russian(client: Client) -> None:
    statement = StatementFactory(
        published=True, title_ru="Отменить закон", body_ru="Текст заявления."
    )
    with_russian = f"http://testserver/ru{statement.get_absolute_url()}"

    embed = ask(client, with_russian).json()  # type: ignore[attr-defined]

    assert embed["title"] == "Отменить закон"
    assert 'lang="ru"' in embed["html"]
    assert "/ru/statements/" in embed["html"]


def test_what_a_title_says_is_text_in_the_embed(client: Client) -> None:
    statement = StatementFactory(
        published=True, title='<script>alert(1)</script><img src=x onerror="alert(2)">'
    )

    html = ask(client, f"http://testserver{statement.get_absolute_url()}").json()["html"]  # type: ignore[attr-defined]

    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("traits", HIDDEN_TRAITS, ids=lambda traits: next(iter(traits), "draft"))
def test_a_statement_that_is_not_public_is_not_embedded(client: Client, traits: dict) -> None:
    hidden = StatementFactory(**traits, title="Hiddenmarker")
    unknown = ask(client, "http://testserver/statements/2020/never-existed/")

    response = ask(client, f"http://testserver/statements/2020/{hidden.slug}/")

    assert response.status_code == 404  # type: ignore[attr-defined]
    assert response.content == unknown.content  # type: ignore[attr-defined]
    assert "Hiddenmarker" not in response.content.decode()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "url",
    [
        "http://elsewhere.example.org/statements/2020/a/",
        "javascript:alert(1)",
        "http://testserver/laws/",
        "http://testserver/no/such/page/",
        "",
    ],
)
def test_anything_but_a_statement_of_this_site_is_not_found(client: Client, url: str) -> None:
    assert ask(client, url).status_code == 404  # type: ignore[attr-defined]


def test_only_json_is_offered_and_maxwidth_is_honoured(client: Client) -> None:
    page = f"http://testserver{StatementFactory(published=True).get_absolute_url()}"

    assert ask(client, page, format="xml").status_code == 501  # type: ignore[attr-defined]
    assert ask(client, page, maxwidth="400").json()["width"] == 400  # type: ignore[attr-defined]
