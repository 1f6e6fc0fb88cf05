"""A statement page leads with who speaks: under its title, how many organisations
signed with their badges, linking to the full list; then its demands with their outcomes
and the status of the law each names. It is shared with plain links, no scripts."""

import pytest
from django.test import Client

from campaigns.models import Demand, Signature
from legislation.models import LawEvent
from tests.factories import (
    DemandFactory,
    LawEventFactory,
    LawFactory,
    OrganisationFactory,
    SignatureFactory,
    StatementFactory,
)
from tests.site.reading import read

pytestmark = pytest.mark.django_db


def test_signed_by_under_the_title_with_a_badge_each(client: Client) -> None:
    statement = StatementFactory(published=True, declared_signatory_count=5)
    SignatureFactory(
        statement=statement,
        organisation=OrganisationFactory(name="Human Rights Watch", short_name="HRW"),
    )
    SignatureFactory(
        statement=statement,
        organisation=OrganisationFactory(
            name="Observatory for the Protection of Human Rights Defenders", short_name=""
        ),
    )
    SignatureFactory(
        statement=statement,
        organisation=OrganisationFactory(name="Pending Org"),
        status=Signature.Status.PENDING,
    )
    page = read(client.get(statement.get_absolute_url()))
    article = page.find("article")
    blocks = [child.tag for child in article.children if not isinstance(child, str)]
    # Right under the title and its standfirst, before the text.
    assert blocks.index("div") == blocks.index("h1") + 2
    signed_by = article.find("div", class_="signed-by")
    link = signed_by.find("p").find("a")
    # Two listed, five declared: all who signed.
    assert (link.text, link.attrs["href"]) == ("Signed by 5 organisations", "#signatories")
    badges = signed_by.find("ul", class_="signatory-badges").find_all("li")
    # The organisation's initials, as everywhere on the site, named for screen readers
    # and, on pointing at them, for the eye.
    logos = [badge.find("span", class_="initials") for badge in badges]
    assert [logo.text for logo in logos] == ["HRW", "OPHR"]
    assert [
        (logo.attrs["role"], logo.attrs["aria-label"], logo.attrs["title"]) for logo in logos
    ] == [
        ("img", "Human Rights Watch", "Human Rights Watch"),
        (
            "img",
            "Observatory for the Protection of Human Rights Defenders",
            "Observatory for the Protection of Human Rights Defenders",
        ),
    ]
    assert "Pending Org" not in signed_by.text


def test_no_signed_by_without_signatories(client: Client) -> None:
    statement = StatementFactory(published=True)
    assert not read(client.get(statement.get_absolute_url())).find_all("div", class_="signed-by")


def test_demands_come_before_the_text_with_outcome_and_law_status_badges(client: Client) -> None:
    statement = StatementFactory(published=True)
    law = LawFactory(common_title="'foreign agents' law")
    LawEventFactory(law=law, kind=LawEvent.Kind.IN_FORCE)
    DemandFactory(statement=statement, law=law, outcome=Demand.Outcome.OPEN)
    page = read(client.get(statement.get_absolute_url()))
    article = page.find("article")
    sections = [child for child in article.children if not isinstance(child, str)]
    demands = next(
        i for i, child in enumerate(sections) if child.attrs.get("aria-labelledby") == "demands"
    )
    body = next(i for i, child in enumerate(sections) if child.attrs.get("class") == "body")
    assert demands < body
    item = sections[demands].find("ol", class_="demands").find("li")
    assert item.find("span", class_="status-in_force").text == "In force"
    assert item.find("span", class_="outcome-open").text == "Open"


def test_plain_share_links_and_a_canonical_address(client: Client) -> None:
    statement = StatementFactory(published=True, title="Repeal the law & free them")
    response = client.get(f"{statement.get_absolute_url()}?utm_source=newsletter")
    page = read(response)
    address = f"http://testserver{statement.get_absolute_url()}"
    canonical = [link for link in page.find_all("link") if link.attrs.get("rel") == "canonical"]
    assert [link.attrs["href"] for link in canonical] == [address]
    share = page.find("section", class_="share")
    links = dict(share.links())
    assert set(links) == {"E-mail", "Bluesky", "X", "Facebook", "LinkedIn", "Telegram", "WhatsApp"}
    assert links["Facebook"] == (
        "https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Ftestserver%2Fstatements%2F"
        f"{statement.issued_on.year}%2F{statement.slug}%2F"
    )
    assert links["E-mail"].startswith(
        "mailto:?subject=Repeal%20the%20law%20%26%20free%20them&body="
    )
    # No script of any network's, nor any other, on the page.
    assert "<script src" not in response.text
    assert (
        '<link rel="icon" href="/static/chorus/favicon.svg" type="image/svg+xml">' in response.text
    )
    assert client.get("/static/chorus/favicon.svg").status_code == 200
    assert client.get("/static/chorus/favicon-32.png").status_code == 200
