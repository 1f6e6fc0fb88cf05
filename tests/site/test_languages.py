import pytest
from django.test import Client

from tests.factories import LawFactory, StatementFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("prefix", "language", "heading"),
    [
        ("", "en", "Law tracker"),
        ("/ru", "ru", "Мониторинг законов"),
        ("/fr", "fr", "Suivi des lois"),
    ],
)
def test_each_language_has_its_own_address_and_interface(
    client: Client, prefix: str, language: str, heading: str
) -> None:
    LawFactory()
    response = client.get(f"{prefix}/laws/")
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.text
    assert f"<h1>{heading}</h1>" in response.text


def test_every_page_links_to_itself_in_the_other_languages(client: Client) -> None:
    law = LawFactory()
    address = law.get_absolute_url()
    text = client.get(address).text
    assert f'<link rel="alternate" hreflang="ru" href="http://testserver/ru{address}">' in text
    assert f'<link rel="alternate" hreflang="x-default" href="http://testserver{address}">' in text
    # The switcher is plain links, so it works without JavaScript.
    assert f'<a href="/fr{address}" hreflang="fr" lang="fr">Français</a>' in text


def test_a_statement_links_only_to_the_languages_it_is_written_in(client: Client) -> None:
    statement = StatementFactory(
        published=True, title_en="Repeal", body_en="Text.", title_ru="Отменить", body_ru="Текст."
    )
    address = statement.get_absolute_url()
    text = client.get(address).text
    assert f'<link rel="alternate" hreflang="ru" href="http://testserver/ru{address}">' in text
    assert f'<a href="/ru{address}" hreflang="ru" lang="ru">Русский</a>' in text
    assert f"/fr{address}" not in text
    assert client.get(f"/fr{address}").status_code == 404


def test_a_statement_names_its_languages_as_the_language_switcher_does(client: Client) -> None:
    statement = StatementFactory(
        published=True, title_en="Repeal", body_en="Text.", title_fr="Abroger", body_fr="Texte."
    )
    address = statement.get_absolute_url()
    text = client.get(f"/fr{address}").text
    # In the header, and in the line of the languages the statement is written in.
    assert '<span aria-current="true" lang="fr">Français</span>' in text
    assert '<span lang="fr" aria-current="page">Français</span>' in text
    assert ">français<" not in text


def test_content_is_shown_only_in_a_language_it_is_written_in(client: Client) -> None:
    statement = StatementFactory(published=True, language="en", title="Repeal the laws")
    address = statement.get_absolute_url()

    assert client.get(f"/ru{address}").status_code == 404
    text = client.get(address).text
    assert '<article class="statement" lang="en">' in text
    assert "<h1>Repeal the laws</h1>" in text

    # Read in Russian, lists still link to the statement, in the language it is written in.
    listed = client.get("/ru/statements/").text
    assert f'href="{address}"' in listed
    assert "Совместное заявление" in listed  # the kind, an interface string


def test_the_admin_stays_unprefixed(admin_client: Client) -> None:
    assert admin_client.get("/admin/").status_code == 200
    assert admin_client.get("/ru/admin/").status_code == 404
