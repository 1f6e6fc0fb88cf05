"""Everything public shows, orders and addresses a statement by the date it was issued,
not by the moment it became public here: an older statement added to the archive today
reads as issued when it was, wherever it appears."""

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.feedgenerator import rfc3339_date
from rest_framework.test import APIClient

from campaigns.models import PreviewLink, Statement
from tests.factories import (
    CampaignFactory,
    DemandFactory,
    LawFactory,
    OrganisationFactory,
    PreviewLinkFactory,
    SignatureFactory,
    StatementFactory,
)
from tests.site.reading import open_graph, read, structured_data
from tests.site.test_feeds_and_sitemap import ATOM, SITEMAP, atom_entries

pytestmark = pytest.mark.django_db

ISSUED = date(2016, 3, 8)


def archived(**fields: object) -> Statement:
    """An older statement added to the archive an hour ago: issued on 8 March 2016."""
    return StatementFactory(
        published=True,
        publish_at=timezone.now() - timedelta(hours=1),
        issued_on=ISSUED,
        **fields,
    )


@pytest.fixture
def three() -> dict[str, Statement]:
    """Issued yesterday; issued in 2020, public since; issued in 2016, archived an hour ago.
    All signed by one organisation, about one law, in one campaign."""
    campaign = CampaignFactory(country="RU")
    signer = OrganisationFactory(slug="signer")
    law = LawFactory(country="RU", slug="libel")
    made: dict[str, Statement] = {
        "recent": StatementFactory(
            published=True, campaign=campaign, title="Recent statement", body="Summit."
        ),
        "older": StatementFactory(
            published=True,
            campaign=campaign,
            title="Older statement",
            body="Summit.",
            publish_at=datetime(2020, 5, 4, 10, tzinfo=UTC),
        ),
        "archived": archived(campaign=campaign, title="Archived statement", body="Summit."),
    }
    for statement in made.values():
        SignatureFactory(statement=statement, organisation=signer)
        DemandFactory(statement=statement, law=law)
    return made


def titles(client: Client, address: str, section: str | None = None) -> list[str]:
    """The statements a page lists, in its order: in its list of statements, or in the
    section with this heading."""
    page = read(client.get(address))
    if section is not None:
        return [text for text, _ in page.section(section).links() if text.endswith(" statement")]
    return [item.find("h3").text for item in page.find_all("article", class_="statement-item")]


# --- the statement's own page ---------------------------------------------------------------


def test_the_page_shows_the_date_it_was_issued_and_when_it_was_added(client: Client) -> None:
    statement = archived(slug="repeal")
    added = statement.publish_at
    assert added is not None

    response = client.get("/statements/2016/repeal/")

    assert response.status_code == 200
    page = read(response)
    dates = page.find("article", class_="statement").find("p", class_="meta").find_all("time")
    assert [(time.attrs["datetime"], time.text) for time in dates] == [
        ("2016-03-08", "8 March 2016"),
        (added.isoformat(), f"{added:%-d %B %Y}"),
    ]
    assert "in the archive since" in page.find("p", class_="meta").text
    # For machines: the date alone, whose hour nobody recorded.
    data = structured_data(page)
    assert data["datePublished"] == "2016-03-08"
    assert data["dateModified"] >= added.isoformat()
    assert data["url"] == "http://testserver/statements/2016/repeal/"
    assert open_graph(page)["og:url"] == "http://testserver/statements/2016/repeal/"
    published_time = [
        meta.attrs["content"]
        for meta in page.find_all("meta")
        if meta.attrs.get("property") == "article:published_time"
    ]
    assert published_time == ["2016-03-08"]


def test_a_statement_issued_the_day_it_was_published_keeps_its_publish_time(
    client: Client,
) -> None:
    moment = datetime(2020, 5, 4, 10, 30, tzinfo=UTC)
    statement = StatementFactory(published=True, publish_at=moment)
    assert statement.issued_on == date(2020, 5, 4)

    page = read(client.get("/statements/2020/" + statement.slug + "/"))

    assert structured_data(page)["datePublished"] == "2020-05-04T10:30:00+00:00"
    assert "in the archive since" not in page.find("p", class_="meta").text


def test_a_preview_shows_the_date_staff_gave(client: Client) -> None:
    link = PreviewLinkFactory(statement__issued_on=ISSUED, statement__title="A draft to date")

    page = read(client.get(PreviewLink.url_for(link.token)))

    meta = page.find("article", class_="statement").find("p", class_="meta")
    assert meta.find("time").attrs["datetime"] == "2016-03-08"


# --- lists --------------------------------------------------------------------------------------


def test_every_list_orders_by_the_date_issued(client: Client, three: dict[str, Statement]) -> None:
    expected = ["Recent statement", "Older statement", "Archived statement"]
    campaign = three["recent"].campaign
    assert campaign is not None
    for address in ("/", "/statements/", campaign.get_absolute_url()):
        assert titles(client, address) == expected, address
    assert titles(client, "/organisations/signer/", "signed") == expected
    assert titles(client, "/laws/ru/libel/", "statements") == expected
    # The law's demands too, statement by statement.
    assert titles(client, "/laws/ru/libel/", "demands") == expected


def test_a_list_shows_the_date_issued(client: Client, three: dict[str, Statement]) -> None:
    page = read(client.get("/statements/"))
    items = page.find_all("article", class_="statement-item")
    assert [item.find("time").attrs["datetime"] for item in items] == [
        str(three["recent"].issued_on),
        "2020-05-04",
        "2016-03-08",
    ]
    assert items[2].find("time").text == "8 March 2016"
    for address in ("/organisations/signer/", "/laws/ru/libel/"):
        text = client.get(address).text
        assert '<time datetime="2016-03-08">8 March 2016</time>' in text, address


def test_the_year_filter_is_the_year_issued(client: Client, three: dict[str, Statement]) -> None:
    page = read(client.get("/statements/"))
    years = [option.text for option in page.find("select", name="year").find_all("option")]
    assert years[1:] == [str(year) for year in range(timezone.now().year, 2015, -1)]

    assert titles(client, "/statements/?year=2016") == ["Archived statement"]
    assert titles(client, "/statements/?year=2020") == ["Older statement"]
    assert titles(client, f"/statements/?year={timezone.now().year}") == ["Recent statement"]


def test_search_results_show_the_date_issued(client: Client, three: dict[str, Statement]) -> None:
    page = read(client.get("/search/?q=summit"))

    results = page.find("ol", class_="results").find_all("li")
    dates = {item.find("h2").text: item.find("time").attrs["datetime"] for item in results}
    assert dates["Archived statement"] == "2016-03-08"
    assert dates["Older statement"] == "2020-05-04"


# --- feeds and the sitemap ----------------------------------------------------------------------


def test_a_feed_entry_was_published_when_issued_and_updated_when_public(
    client: Client, three: dict[str, Statement]
) -> None:
    campaign = three["recent"].campaign
    assert campaign is not None
    for address in ("/feed/", campaign.get_absolute_url() + "feed/", "/countries/ru/feed/"):
        entries = atom_entries(client, address)
        assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
            "Recent statement",
            "Older statement",
            "Archived statement",
        ], address
        dates = [
            (entry.findtext(f"{ATOM}published"), entry.findtext(f"{ATOM}updated"))
            for entry in entries
        ]
        recent, older, archive = three["recent"], three["older"], three["archived"]
        assert dates == [
            (rfc3339_date(recent.publish_at), rfc3339_date(recent.publish_at)),  # type: ignore[arg-type]
            (rfc3339_date(older.publish_at), rfc3339_date(older.publish_at)),  # type: ignore[arg-type]
            # Issued that day (the hour is not known); public here an hour ago.
            (
                rfc3339_date(datetime(2016, 3, 8, tzinfo=UTC)),
                rfc3339_date(archive.publish_at),  # type: ignore[arg-type]
            ),
        ], address


def test_the_sitemap_has_the_address_of_the_year_issued_and_the_time_its_page_came(
    client: Client,
) -> None:
    statement = archived(slug="repeal")

    response = client.get("/sitemap.xml")

    urls = {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in ET.fromstring(response.content).iter(f"{SITEMAP}url")  # noqa: S314
    }
    # Its page is new, whenever the statement was issued: crawlers are to fetch it.
    assert urls["http://testserver/statements/2016/repeal/"] == str(
        timezone.localdate(max(statement.publish_at, statement.updated_at))  # type: ignore[type-var]
    )


# --- what is not public yet --------------------------------------------------------------------


def test_a_scheduled_statement_dated_in_the_past_is_nowhere_before_its_time(
    client: Client,
) -> None:
    public = StatementFactory(published=True, title="The public statement", body="Summit.")
    signer = OrganisationFactory(slug="signer")
    law = LawFactory(country="RU", slug="libel")
    SignatureFactory(statement=public, organisation=signer)
    DemandFactory(statement=public, law=law)
    hidden = StatementFactory(
        scheduled=True,
        campaign=public.campaign,
        issued_on=ISSUED,
        slug="embargoed",
        title="Embargoed marker",
        body="Summit embargoedmarker.",
    )
    SignatureFactory(statement=hidden, organisation=signer)
    DemandFactory(statement=hidden, law=law)
    assert hidden.issued_on == ISSUED and hidden.is_scheduled
    campaign_url = public.campaign.get_absolute_url()

    pages = [
        "/",
        "/statements/",
        "/statements/?year=2016",
        campaign_url,
        "/organisations/signer/",
        "/laws/ru/libel/",
        "/search/?q=summit",
        "/search/?q=embargoedmarker",
        "/feed/",
        campaign_url + "feed/",
        "/organisations/signer/feed/",
        "/laws/ru/libel/feed/",
        "/countries/ru/feed/",
        "/sitemap.xml",
    ]
    for address in pages:
        response = client.get(address)
        assert response.status_code == 200, address
        # What the pages repeat of their address (a search, a year asked for) aside,
        # nothing of it: not even its year among the years to choose.
        text = (
            response.content.decode()
            .replace("q=embargoedmarker", "")
            .replace('value="embargoedmarker"', "")
            .replace("Nothing was found for “embargoedmarker”", "")
            .replace("=2016", "")
            .replace("2016 is not one of the available choices", "")
        )
        assert "marker" not in text.lower(), address
        assert "2016" not in text, address
    # Its address, at the year issued and at the year it will be public: not found.
    for year in (2016, timezone.localdate(hidden.publish_at).year):
        assert client.get(f"/statements/{year}/embargoed/").status_code == 404

    api = APIClient()
    for query in (
        {},
        {"issued_before": "2017-01-01"},
        {"issued_after": "2016-01-01", "ordering": "issued_on"},
        {"ordering": "-issued_on"},
    ):
        answer = api.get("/api/v1/statements/", query)
        assert answer.status_code == 200, query
        assert [row["id"] for row in answer.json()["results"]] == (
            [] if "issued_before" in query else [public.pk]
        ), query
    assert api.get(f"/api/v1/statements/{hidden.pk}/").status_code == 404
