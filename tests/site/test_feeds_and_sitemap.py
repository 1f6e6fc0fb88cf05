import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation
from django.utils.feedgenerator import rfc3339_date

from campaigns.models import Statement
from tests.factories import DemandFactory, LawFactory, SignatureFactory, StatementFactory
from tests.site.builders import build_world

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def atom_entries(client: Client, address: str) -> list[ET.Element]:
    """Parse a feed and check what RFC 4287 requires of it and of each entry."""
    response = client.get(address)
    assert response.status_code == 200, address
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 - our own response
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert (feed.findtext(f"{ATOM}{required}") or "").strip(), (address, required)
    assert feed.find(f"{ATOM}link[@rel='alternate']") is not None
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    entries = feed.findall(f"{ATOM}entry")
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{required}") or "").strip(), (address, required)
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
    return entries


def test_every_feed_is_atom_and_lists_only_published_statements(client: Client) -> None:
    world = build_world(2)
    StatementFactory(campaign=world.campaign, title="Draft in the campaign")
    law_url = world.law.get_absolute_url()
    feeds = {
        "/feed/": 3,
        world.campaign.get_absolute_url() + "feed/": 3,
        world.organisation.get_absolute_url() + "feed/": 3,
        law_url + "feed/": 3,
        "/countries/ru/feed/": 3,
        "/countries/fr/feed/": 0,
        # Written in English only, and listed in every language all the same.
        "/ru/feed/": 3,
        "/fr/feed/": 3,
        "/ru" + world.campaign.get_absolute_url() + "feed/": 3,
    }
    for address, count in feeds.items():
        entries = atom_entries(client, address)
        assert len(entries) == count, address
        titles = [entry.findtext(f"{ATOM}title") for entry in entries]
        assert "Draft in the campaign" not in titles
    link = atom_entries(client, "/feed/")[0].find(f"{ATOM}link[@rel='alternate']")
    assert link is not None and link.get("href", "").startswith("http://testserver/statements/")


def bilingual_and_english_statements() -> tuple[Statement, Statement]:
    bilingual = StatementFactory(
        published=True,
        title_en="Repeal the laws",
        standfirst_en="In English.",
        body_en="Text.",
        title_ru="Отменить законы",
        standfirst_ru="По-русски.",
        body_ru="Текст.",
    )
    english = StatementFactory(
        published=True,
        campaign=bilingual.campaign,
        publish_at=timezone.now() - timedelta(days=2),
        title_en="Protect the defenders",
        body_en="Text.",
    )
    return bilingual, english


def entry_texts(entry: ET.Element) -> tuple[str | None, str | None, str | None]:
    link = entry.find(f"{ATOM}link[@rel='alternate']")
    return (
        entry.findtext(f"{ATOM}title"),
        link.get("href") if link is not None else None,
        entry.get("{http://www.w3.org/XML/1998/namespace}lang"),
    )


def test_the_site_feed_lists_the_same_statements_in_every_language(client: Client) -> None:
    bilingual, english = bilingual_and_english_statements()
    with translation.override("ru"):
        russian_page = bilingual.get_absolute_url()
    english_page = f"http://testserver{english.get_absolute_url()}"

    russian = atom_entries(client, "/ru/feed/")
    assert [entry_texts(entry) for entry in russian] == [
        ("Отменить законы", f"http://testserver{russian_page}", None),
        # No Russian text: its English one, saying so, linking to the English page.
        ("Protect the defenders", english_page, "en"),
    ]
    assert "По-русски." in (russian[0].findtext(f"{ATOM}summary") or "")
    assert [entry_texts(entry) for entry in atom_entries(client, "/feed/")] == [
        ("Repeal the laws", f"http://testserver{bilingual.get_absolute_url()}", None),
        ("Protect the defenders", english_page, None),
    ]
    assert [entry_texts(entry) for entry in atom_entries(client, "/fr/feed/")] == [
        ("Repeal the laws", f"http://testserver{bilingual.get_absolute_url()}", "en"),
        ("Protect the defenders", english_page, "en"),
    ]


def test_a_feed_about_a_subject_lists_every_statement_in_a_language_it_has(
    client: Client,
) -> None:
    bilingual, english = bilingual_and_english_statements()
    with translation.override("ru"):
        russian_page = bilingual.get_absolute_url()
    assert bilingual.campaign is not None

    entries = atom_entries(client, "/ru" + bilingual.campaign.get_absolute_url() + "feed/")

    assert [entry_texts(entry) for entry in entries] == [
        ("Отменить законы", f"http://testserver{russian_page}", None),
        # No Russian text: its English one, saying so, linking to the English page.
        ("Protect the defenders", f"http://testserver{english.get_absolute_url()}", "en"),
    ]


def test_an_entry_shows_its_corrections_and_when_it_was_last_corrected(
    client: Client, editor: User
) -> None:
    statement = StatementFactory(published=True, title="Repeal the laws")
    published = statement.publish_at
    assert published is not None
    [entry] = atom_entries(client, "/feed/")
    assert entry.findtext(f"{ATOM}updated") == rfc3339_date(published)

    statement.body = "The corrected text."
    statement.save_correction("The summit was on 21 December, not 20.", by=editor)
    statement.save_silent_fix(by=editor)  # later, and not the public's business
    # Changes made in the admin refresh the cached pages; these were made through the model.
    cache.clear()

    [entry] = atom_entries(client, "/feed/")
    assert statement.corrected_at is not None
    assert entry.findtext(f"{ATOM}published") == rfc3339_date(published)
    assert entry.findtext(f"{ATOM}updated") == rfc3339_date(statement.corrected_at)
    summary = entry.findtext(f"{ATOM}summary") or ""
    assert "<h2>Corrections</h2>" in summary
    assert "The summit was on 21 December, not 20.</li>" in summary


def test_a_feed_entry_escapes_the_text(client: Client) -> None:
    StatementFactory(published=True, standfirst="Leaders <script>must</script> act & speak.")
    [entry] = atom_entries(client, "/feed/")
    summary = entry.findtext(f"{ATOM}summary") or ""
    assert summary == "<p>Leaders &lt;script&gt;must&lt;/script&gt; act &amp; speak.</p>"


def test_a_feed_of_something_that_does_not_exist_is_404(client: Client) -> None:
    assert client.get("/campaigns/nothing/feed/").status_code == 404
    assert client.get("/laws/ru/nothing/feed/").status_code == 404
    assert client.get("/countries/xx/feed/").status_code == 404


def test_the_sitemap_lists_exactly_the_public_addresses(client: Client) -> None:
    law = LawFactory()
    public = StatementFactory(published=True)
    SignatureFactory(statement=public)
    DemandFactory(statement=public, law=law)
    hidden = StatementFactory(scheduled=True)
    hidden_signatory = SignatureFactory(statement=hidden).organisation

    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urls = {
        element.text.removeprefix("http://testserver")
        for element in ET.fromstring(response.content).iter(f"{SITEMAP}loc")  # noqa: S314
        if element.text
    }
    signatory = public.signatures.get().organisation
    english = {
        "/", "/statements/", "/laws/", "/search/",
        public.get_absolute_url(), public.campaign.get_absolute_url(),
        hidden.campaign.get_absolute_url(), law.get_absolute_url(),
        signatory.get_absolute_url(), public.lead_organisation.get_absolute_url(),
        # The law's and the campaign's country; the organisations' (GB, as factories have it).
        "/countries/ru/", "/countries/gb/",
    }  # fmt: skip
    # The statement is written in English only: it has no Russian or French page.
    expected = english | {
        f"/{code}{url}" for code in ("ru", "fr") for url in english - {public.get_absolute_url()}
    }
    assert urls == expected
    assert hidden_signatory.get_absolute_url() not in urls
    assert 'hreflang="ru"' in response.text


def test_robots_point_to_the_sitemap_and_keep_out_of_the_admin(client: Client) -> None:
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in response.text
    assert "Sitemap: http://testserver/sitemap.xml" in response.text
