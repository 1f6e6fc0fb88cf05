import xml.etree.ElementTree as ET

import pytest
from django.test import Client

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
        "/ru/feed/": 3,
    }
    for address, count in feeds.items():
        entries = atom_entries(client, address)
        assert len(entries) == count, address
        titles = [entry.findtext(f"{ATOM}title") for entry in entries]
        assert "Draft in the campaign" not in titles
    link = atom_entries(client, "/feed/")[0].find(f"{ATOM}link[@rel='alternate']")
    assert link is not None and link.get("href", "").startswith("http://testserver/statements/")


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
