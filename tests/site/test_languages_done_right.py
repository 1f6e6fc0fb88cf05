"""Each language in its own grammar: dates from the locale's formats, text shown in a
fallback language marked with its language, and the same statements in every language."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import CampaignFactory, DemandFactory, LawFactory, StatementFactory
from tests.site.reading import read

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# What a template may ask of `date` besides a named format: dates for machines.
MACHINE_FORMATS = {"Y-m-d", "c"}


def test_no_template_spells_out_a_date_pattern() -> None:
    """Only a named format (DATE_FORMAT, ...) is in each language's grammar: "j F Y" is
    "19 Декабрь 2012" in Russian, where the month must be in the genitive."""
    spelled = [
        f"{template.relative_to(TEMPLATES)}: {pattern}"
        for template in TEMPLATES.rglob("*.html")
        for pattern in re.findall(r"\|date:[\"']([^\"']*)[\"']", template.read_text())
        if pattern not in MACHINE_FORMATS
        and not pattern.endswith("_FORMAT")
        # The staff's own security page, in the admin's English, shows times to the minute.
        and not template.is_relative_to(TEMPLATES / "staff")
    ]
    assert spelled == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "written"),
    [("", "19 December 2012"), ("/ru", "19 декабря 2012"), ("/fr", "19 décembre 2012")],
)
def test_dates_in_each_language_s_grammar(client: Client, prefix: str, written: str) -> None:
    statement = StatementFactory(
        published=True,
        issued_on=date(2012, 12, 19),
        title_ru="Заявление",
        body_ru="Текст.",
        title_fr="Déclaration",
        body_fr="Texte.",
    )
    page = read(client.get(f"{prefix}{statement.get_absolute_url()}"))
    assert page.find("time").text == written
    listed = read(client.get(f"{prefix}/statements/"))
    assert listed.find("ol", class_="statement-list").find("time").text == written


@pytest.mark.django_db
def test_a_law_named_only_in_english_is_marked_english_on_a_russian_page(client: Client) -> None:
    english_only = LawFactory(common_title="'foreign agents' law")
    translated = LawFactory(common_title="libel law", common_title_ru="закон о клевете")  # noqa: RUF001
    english_address, translated_address = (
        english_only.get_absolute_url(),
        translated.get_absolute_url(),
    )
    law_page = read(client.get(f"/ru{english_address}"))
    heading = law_page.find("h1")
    assert heading.find("span").attrs == {"lang": "en"}
    assert heading.text == "'foreign agents' law"

    tracker = client.get("/ru/laws/").text
    assert '<span lang="en">&#x27;foreign agents&#x27; law</span>' in tracker
    # Written in Russian: in the page's language, nothing to mark.
    assert "закон о клевете" in tracker  # noqa: RUF001
    assert '<span lang="en">libel law</span>' not in tracker
    assert not read(client.get(f"/ru{translated_address}")).find("h1").find_all("span")
    # On the English page, English is the page's own language.
    assert not read(client.get(english_address)).find("h1").find_all("span")


def statements_listed(client: Client, address: str) -> list[str]:
    """The statements a page or a feed lists, by their address without a language."""
    text = client.get(address).text
    return [
        re.sub(r"^/(ru|fr)/", "/", path)
        for path in re.findall(
            r"(?:href=\"|<id>http://testserver)(/(?:ru/|fr/)?statements/\d{4}/[\w-]+/)", text
        )
    ]


@pytest.mark.django_db
def test_the_russian_and_french_home_pages_and_feeds_list_the_same_statements(
    client: Client,
) -> None:
    written = {
        "in English only": {},
        "in all three": {
            "title_ru": "Заявление",
            "body_ru": "Текст.",
            "title_fr": "Décl",
            "body_fr": "T.",
        },
        "in English and Russian": {"title_ru": "Заявление два", "body_ru": "Текст."},
        "in English and French": {"title_fr": "Déclaration deux", "body_fr": "Texte."},
    }
    campaign = CampaignFactory()
    statements = [
        StatementFactory(published=True, campaign=campaign, title=f"Written {name}", **fields)
        for name, fields in written.items()
    ]
    everything = sorted(statement.get_absolute_url() for statement in statements)
    feed = f"{campaign.get_absolute_url()}feed/"

    homes = {prefix: statements_listed(client, f"{prefix}/") for prefix in ("", "/ru", "/fr")}
    assert sorted(homes["/ru"]) == everything
    assert homes["/ru"] == homes["/fr"] == homes[""]

    # A campaign's feed is its whole record in every language.
    feeds = {prefix: statements_listed(client, f"{prefix}{feed}") for prefix in ("", "/ru", "/fr")}
    assert sorted(feeds["/ru"]) == everything
    assert feeds["/ru"] == feeds["/fr"] == feeds[""]


@pytest.mark.django_db
def test_a_standfirst_not_yet_written_in_russian_is_marked_english(client: Client) -> None:
    statement = StatementFactory(
        published=True,
        standfirst="Eight organisations write.",
        title_ru="Заявление",
        body_ru="Текст.",
        campaign__title="End the crackdown",
    )
    page = read(client.get(f"/ru{statement.get_absolute_url()}"))
    standfirst = page.find("p", class_="standfirst").find("span")
    assert (standfirst.attrs, standfirst.text) == ({"lang": "en"}, "Eight organisations write.")
    # The issuer and the campaign, named in English only so far.
    named = page.find("p", class_="meta").find_all("span", lang="en")
    assert [span.text for span in named] == [statement.lead_organisation.name, "End the crackdown"]


@pytest.mark.django_db
def test_a_french_page_sets_a_no_break_space_before_the_colons_it_adds(client: Client) -> None:
    statement = StatementFactory(published=True, title_fr="Déclaration", body_fr="Texte.")
    DemandFactory(statement=statement, law=LawFactory(common_title="loi"))
    address = statement.get_absolute_url()
    french = client.get(f"/fr{address}").text
    assert "Loi\u00a0: <a" in french
    assert "Résultat\u00a0: " in french
    assert not re.search(r"\w: <a", french.split("<main", 1)[1])
    english = client.get(address).text
    assert "Law: <a" in english
