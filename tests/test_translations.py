"""The interface in Russian and French: every message translated and compiled, and the
admin in the language the staff member's browser asks for."""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.admin_pages import admin_url
from tests.factories import StatementFactory

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["ru", "fr"]
MSGFMT = shutil.which("msgfmt")
needs_msgfmt = pytest.mark.skipif(
    MSGFMT is None, reason="msgfmt (GNU gettext) is not installed: apt-get install gettext"
)


def catalogue(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def statistics(po: Path) -> str:
    """msgfmt's count of translated, fuzzy and untranslated messages; it fails on a
    placeholder a translation drops or changes, or a wrong number of plural forms."""
    assert MSGFMT is not None
    done = subprocess.run(  # noqa: S603 - msgfmt on our own catalogues, fixed arguments
        [MSGFMT, "--statistics", "--check", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C"},
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


@needs_msgfmt
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    counts = statistics(catalogue(language))
    assert re.search(r"\d+ translated messages?", counts), counts
    assert "untranslated" not in counts, counts
    assert "fuzzy" not in counts, counts


def messages(mo: Path) -> dict[object, str]:
    """A compiled catalogue's messages, whatever the order or the date msgfmt wrote."""
    with mo.open("rb") as compiled:
        return dict(gettext.GNUTranslations(compiled)._catalog)  # type: ignore[attr-defined]


@needs_msgfmt
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_mo_files_are_compiled_from_the_po_files(
    language: str, tmp_path: Path
) -> None:
    assert MSGFMT is not None
    po = catalogue(language)
    fresh = tmp_path / "django.mo"
    subprocess.run(  # noqa: S603 - msgfmt on our own catalogues, fixed arguments
        [MSGFMT, "--check-format", "-o", str(fresh), str(po)], check=True
    )
    committed = po.with_suffix(".mo")
    assert messages(committed) == messages(fresh), (
        f"{committed} is older than {po.name}: run manage.py compilemessages"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "lang", "index_title", "app", "recent"),
    [
        (
            "ru-RU,ru;q=0.9,en;q=0.8",
            "ru",
            "Заявления, законы и организации",
            "Мониторинг законов",
            "Последние действия",
        ),
        (
            "fr-FR,fr;q=0.9",
            "fr",
            "Déclarations, lois et organisations",
            "Suivi des lois",
            "Actions récentes",
        ),
    ],
)
def test_the_admin_index_is_in_the_browser_s_language(
    admin_client: Client, accept: str, lang: str, index_title: str, app: str, recent: str
) -> None:
    response = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE=accept)
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in page
    assert response["Content-Language"] == lang
    assert index_title in page
    assert app in page
    assert recent in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "lang", "fieldset", "save", "action"),
    [
        (
            "ru",
            "ru",
            "Автор, подписанты и сроки",
            "Сохранить",
            "Отправить выбранные заявления на проверку",
        ),
        (
            "fr",
            "fr",
            "Émetteur, signataires et calendrier",
            "Enregistrer",
            "Soumettre les déclarations sélectionnées pour relecture",
        ),
    ],
)
def test_a_statement_s_admin_pages_are_in_the_browser_s_language(
    admin_client: Client, accept: str, lang: str, fieldset: str, save: str, action: str
) -> None:
    statement = StatementFactory()
    change = admin_client.get(admin_url(statement, "change"), HTTP_ACCEPT_LANGUAGE=accept)
    assert change.status_code == 200
    assert f'<html lang="{lang}"' in change.content.decode()
    assert fieldset in change.content.decode()
    assert save in change.content.decode()
    changelist = admin_client.get(
        admin_url(type(statement), "changelist"), HTTP_ACCEPT_LANGUAGE=accept
    )
    assert action in changelist.content.decode()


@pytest.mark.django_db
def test_the_admin_is_in_english_without_a_language_chorus_has(admin_client: Client) -> None:
    response = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert '<html lang="en"' in response.content.decode()
    assert "Statements, laws and organisations" in response.content.decode()


@pytest.mark.django_db
def test_a_public_page_keeps_the_language_of_its_address(client: Client) -> None:
    """The browser's language chooses the admin's, not the public site's: an address
    without a prefix is English whatever the browser asks for."""
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ru")
    assert '<html lang="en"' in response.content.decode()
    response = client.get("/fr/", HTTP_ACCEPT_LANGUAGE="ru")
    assert '<html lang="fr"' in response.content.decode()


# French sets a colon, a semicolon, a question mark and an exclamation mark off from the
# word before with a no-break space (or a narrow one), so that it never starts a line.
# Used as punctuation, they are followed by a space, the end of the text or of a tag; a
# colon inside an address or an identifier (https://, ECLI:NL:HR:2015:472) is not.
FRENCH_PUNCTUATION = re.compile(r"(?<![\u00a0\u202f])[;:?!](?=[\s<)\u00bb\"]|$)")


def test_french_interface_strings_keep_a_no_break_space_before_double_punctuation() -> None:
    catalogue = messages(LOCALE / "fr" / "LC_MESSAGES" / "django.mo")
    wrong = sorted(
        text for key, text in catalogue.items() if key != "" and FRENCH_PUNCTUATION.search(text)
    )
    assert wrong == []


def test_the_french_punctuation_check_finds_what_it_is_for() -> None:
    assert FRENCH_PUNCTUATION.search("Campagne : fin")
    assert FRENCH_PUNCTUATION.search("Campagne: fin")
    assert FRENCH_PUNCTUATION.search("Vraiment ?")
    assert FRENCH_PUNCTUATION.search("Campagne\u00a0: fin ; non")
    assert not FRENCH_PUNCTUATION.search("Campagne\u00a0: fin\u202f; oui\u00a0!")
    assert not FRENCH_PUNCTUATION.search("https://example.org ECLI:NL:HR:2015:472 10:30")
