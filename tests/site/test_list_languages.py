"""A list shows each statement in the page's language only if the statement is written in
it; otherwise in its own language, with a link to the page that exists. A translation
begun but not finished (a title, no text) is never shown."""

import re

import pytest
from django.test import Client
from django.utils import translation

from campaigns.models import Statement
from tests.factories import (
    DemandFactory,
    LawFactory,
    OrganisationFactory,
    SignatureFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def statements() -> dict[str, Statement]:
    signer = OrganisationFactory(slug="signer")
    law = LawFactory(slug="foreign-agents", country="RU")
    unfinished = StatementFactory(
        published=True,
        slug="unfinished",
        language="en",
        title_en="English title",
        standfirst_en="English standfirst.",
        body_en="English text.",
        title_ru="НЕГОТОВЫЙ заголовок",
        standfirst_ru="НЕГОТОВЫЙ лид.",
    )
    translated = StatementFactory(
        published=True,
        slug="translated",
        language="en",
        campaign=unfinished.campaign,
        title_en="Translated in English",
        body_en="English text.",
        title_ru="Переведённое заявление",
        standfirst_ru="Готовый лид.",
        body_ru="Готовый текст.",
    )
    for statement in (unfinished, translated):
        SignatureFactory(statement=statement, organisation=signer)
        DemandFactory(statement=statement, law=law)
    return {"unfinished": unfinished, "translated": translated}


def list_pages(statement: Statement) -> list[str]:
    assert statement.campaign is not None
    return [
        "/ru/",
        "/ru/statements/",
        f"/ru/campaigns/{statement.campaign.slug}/",
        "/ru/organisations/signer/",
        "/ru/laws/ru/foreign-agents/",
    ]


def links(page: str, slug: str) -> set[str]:
    return set(re.findall(rf'href="([^"]*/{slug}/)"', page))


def test_an_unfinished_translation_is_listed_in_the_statements_own_language(
    client: Client, statements: dict[str, Statement]
) -> None:
    unfinished = statements["unfinished"]
    with translation.override("en"):
        own_page = unfinished.get_absolute_url()
    assert client.get("/ru" + own_page).status_code == 404  # no Russian page yet

    for url in list_pages(unfinished):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "НЕГОТОВЫЙ" not in page.text, url
        assert "English title" in page.text, url
        assert links(page.text, "unfinished") == {own_page}, url
        assert client.get(own_page).status_code == 200


def test_a_finished_translation_is_listed_in_the_pages_language(
    client: Client, statements: dict[str, Statement]
) -> None:
    translated = statements["translated"]
    with translation.override("ru"):
        russian_page = translated.get_absolute_url()
    assert russian_page.startswith("/ru/")

    for url in list_pages(translated):
        page = client.get(url)
        assert "Переведённое заявление" in page.text, url
        assert "Translated in English" not in page.text, url
        assert links(page.text, "translated") == {russian_page}, url
        assert client.get(russian_page).status_code == 200


def test_the_standfirst_is_shown_in_the_language_of_the_title(
    client: Client, statements: dict[str, Statement]
) -> None:
    page = client.get("/ru/statements/").text

    assert '<p lang="en">English standfirst.</p>' in page
    assert '<p lang="ru">Готовый лид.</p>' in page
