"""Addresses that last: every earlier address of a public page answers 301 to where it is
now, in every language and for its feed too; nothing of a page the public may not see
is given away by its earlier addresses."""

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.test import Client
from django.utils import timezone, translation
from rest_framework.test import APIClient

from addresses.models import FormerAddress
from campaigns.models import Campaign, Coalition, Statement
from legislation.models import Law
from organisations.models import Organisation
from tests.factories import (
    CampaignFactory,
    CoalitionFactory,
    DemandFactory,
    LawFactory,
    OrganisationFactory,
    SignatureFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@dataclass
class World:
    statement: Statement
    campaign: Campaign
    coalition: Coalition
    law: Law
    organisation: Organisation


def public_world() -> World:
    """One public page of each kind, the statement written in every language."""
    coalition = CoalitionFactory()
    campaign = CampaignFactory(coalition=coalition)
    law = LawFactory(country="RU")
    statement = StatementFactory(
        published=True,
        campaign=campaign,
        title_ru="Заявление",
        body_ru="Текст.",
        title_fr="Déclaration",
        body_fr="Texte.",
    )
    organisation = OrganisationFactory()
    SignatureFactory(statement=statement, organisation=organisation)
    DemandFactory(statement=statement, law=law)
    return World(statement, campaign, coalition, law, organisation)


KINDS: dict[str, Callable[[World], Any]] = {
    "statement": lambda world: world.statement,
    "law": lambda world: world.law,
    "organisation": lambda world: world.organisation,
    "campaign": lambda world: world.campaign,
    "coalition": lambda world: world.coalition,
}
# The kinds with a feed of their own, at their page's address + "feed/".
WITH_FEEDS = ["law", "organisation", "campaign"]


def address_in(language: str, page: Model) -> str:
    with translation.override(language):
        return str(page.get_absolute_url())  # type: ignore[attr-defined]


def addresses(page: Model) -> dict[str, str]:
    return {language: address_in(language, page) for language in LANGUAGES}


def move(page: Any, slug: str) -> None:
    """Change the slug as code does (the shell, an import): through the model's save()."""
    page.slug = slug
    page.save()


@pytest.mark.parametrize("kind", KINDS)
def test_an_earlier_address_answers_301_to_the_current_one_in_every_language(
    client: Client, kind: str
) -> None:
    page = KINDS[kind](public_world())
    earlier = addresses(page)
    assert earlier["ru"].startswith("/ru/") and earlier["fr"].startswith("/fr/")

    move(page, "moved-on")

    for language, address in earlier.items():
        response = client.get(address, {"page": "1"})
        assert response.status_code == 301, address
        assert response["Location"] == address_in(language, page) + "?page=1"
        # Kept by no cache, browsers' included: the page may take this address back.
        assert "max-age=0" in response["Cache-Control"]
        assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("kind", WITH_FEEDS)
def test_the_feed_at_an_earlier_address_answers_301_to_the_current_feed(
    client: Client, kind: str
) -> None:
    page = KINDS[kind](public_world())
    earlier = addresses(page)

    move(page, "moved-on")

    for language, address in earlier.items():
        response = client.get(address + "feed/")
        assert response.status_code == 301, address
        current = address_in(language, page) + "feed/"
        assert response["Location"] == current
        feed = client.get(current)
        assert feed.status_code == 200
        root = ET.fromstring(feed.content)  # noqa: S314 - our own response
        # The feed names itself by its current address.
        assert root.find(f"{ATOM}link[@rel='self']").get("href").endswith(current)  # type: ignore[union-attr]


@pytest.mark.parametrize("kind", KINDS)
def test_every_address_of_a_chain_leads_straight_to_the_current_one(
    client: Client, kind: str
) -> None:
    page = KINDS[kind](public_world())
    first = address_in("en", page)
    move(page, "second-slug")
    second = address_in("en", page)
    move(page, "third-slug")
    current = address_in("en", page)

    for earlier in (first, second):
        response = client.get(earlier)
        assert (response.status_code, response["Location"]) == (301, current)
    assert client.get(current).status_code == 200


@pytest.mark.parametrize("kind", KINDS)
def test_a_page_may_take_back_an_address_it_had(client: Client, kind: str) -> None:
    page = KINDS[kind](public_world())
    original_slug = page.slug
    original = address_in("en", page)
    move(page, "for-a-while")
    meanwhile = address_in("en", page)

    move(page, original_slug)

    assert client.get(original).status_code == 200
    response = client.get(meanwhile)
    assert (response.status_code, response["Location"]) == (301, original)
    assert list(FormerAddress.objects.values_list("slug", flat=True)) == ["for-a-while"]


NEW_OF_KIND: dict[str, Callable[[str], Any]] = {
    "statement": lambda slug: StatementFactory.build(slug=slug, campaign=None),
    "law": lambda slug: LawFactory.build(slug=slug, country="RU"),
    "organisation": lambda slug: OrganisationFactory.build(slug=slug),
    "campaign": lambda slug: CampaignFactory.build(slug=slug),
    "coalition": lambda slug: CoalitionFactory.build(slug=slug),
}


@pytest.mark.parametrize("kind", KINDS)
def test_another_page_cannot_take_an_earlier_address(kind: str) -> None:
    page = KINDS[kind](public_world())
    earlier_slug = page.slug
    move(page, "moved-on")
    other = NEW_OF_KIND[kind](earlier_slug)

    with pytest.raises(ValidationError) as refused:
        other.full_clean()
    assert refused.value.message_dict["slug"] == [
        f"This slug was an earlier address of the {page._meta.verbose_name} “{page}”, and "
        "links to that address still lead there. Choose another slug."
    ]
    # Nor by a save that skipped validation.
    with pytest.raises(IntegrityError, match="earlier address"), transaction.atomic():
        other.save()
    with translation.override("en"):
        earlier = page.get_absolute_url().replace("moved-on", earlier_slug)
    assert Client().get(earlier)["Location"] == address_in("en", page)


def test_a_law_of_another_country_may_have_the_same_slug() -> None:
    law = LawFactory(country="RU", slug="foreign-agents")
    move(law, "foreign-agents-law")

    LawFactory.build(country="KZ", slug="foreign-agents").full_clean()
    with pytest.raises(ValidationError):
        LawFactory.build(country="RU", slug="foreign-agents").full_clean()


def test_a_law_that_moves_country_is_found_at_its_old_country(client: Client) -> None:
    law = LawFactory(country="RU", slug="treason")
    earlier = address_in("en", law)

    law.country = "BY"
    law.save()

    response = client.get(earlier)
    assert (response.status_code, response["Location"]) == (301, "/laws/by/treason/")
    # An address typed with the country in capitals is the same address.
    assert client.get("/laws/RU/treason/feed/")["Location"] == "/laws/by/treason/feed/"


def test_a_statement_found_at_the_year_its_address_had(client: Client) -> None:
    statement = StatementFactory(published=True)
    earlier = address_in("en", statement)
    assert statement.issued_on is not None
    year = statement.issued_on.year

    # Its issue date set right: the year in its address changes.
    statement.issued_on = statement.issued_on.replace(year=year - 3)
    statement.save()

    response = client.get(earlier)
    assert (response.status_code, response["Location"]) == (301, address_in("en", statement))
    assert f"/{year - 3}/" in response["Location"]
    # A public statement asked for under any other year leads to its page as well.
    other_year = client.get(f"/statements/{year - 1}/{statement.slug}/")
    assert (other_year.status_code, other_year["Location"]) == (301, address_in("en", statement))


def test_a_withdrawn_statement_is_gone_at_its_earlier_addresses_too(
    client: Client, editor: User
) -> None:
    statement = StatementFactory(published=True, title="Signed in error")
    SignatureFactory(statement=statement)
    earlier = address_in("en", statement)
    move(statement, "moved-on")
    statement.withdraw(by=editor, reason="Sent before the signatories agreed.")

    gone = client.get(earlier)
    current = client.get(address_in("en", statement))

    assert gone.status_code == current.status_code == 410
    assert "Sent before the signatories agreed." in gone.text
    assert "moved-on" not in gone.text
    old_slug = earlier.split("/")[-2]
    assert gone.text.replace(old_slug, "x") == current.text.replace("moved-on", "x")


@pytest.mark.parametrize("state", ["scheduled", "draft"])
def test_an_earlier_address_of_a_statement_the_public_may_not_see_is_the_same_404_as_none(
    client: Client, editor: User, state: str
) -> None:
    statement = StatementFactory(scheduled=True, title="Not yet out")
    SignatureFactory(statement=statement)
    earlier = address_in("en", statement)
    # Scheduled, its address may already be with partners reading it under embargo.
    move(statement, "moved-on")
    if state == "draft":
        statement.unschedule(by=editor)
        statement.return_to_draft(by=editor)
    assert FormerAddress.objects.count() == 1

    hidden = client.get(earlier)
    old_slug = earlier.split("/")[-2]
    missing = client.get(earlier.replace(old_slug, "never-existed"))

    assert hidden.status_code == missing.status_code == 404
    assert hidden.text.replace(old_slug, "x") == missing.text.replace("never-existed", "x")
    assert "moved-on" not in hidden.text and "Not yet out" not in hidden.text


def test_a_draft_keeps_no_earlier_address() -> None:
    statement = StatementFactory(slug="working-title")
    move(statement, "final-title")

    assert not FormerAddress.objects.exists()
    StatementFactory.build(slug="working-title", campaign=None).full_clean()


def test_a_statement_is_at_its_earlier_address_only_in_the_languages_it_is_written_in(
    client: Client,
) -> None:
    statement = StatementFactory(published=True)  # in English only
    earlier = address_in("en", statement)
    move(statement, "moved-on")

    assert client.get(earlier).status_code == 301
    for language in ("ru", "fr"):
        # As at its current address in that language: nothing there.
        assert client.get(f"/{language}{earlier}").status_code == 404
        assert client.get(f"/{language}" + address_in("en", statement)).status_code == 404


def test_an_organisation_with_nothing_public_is_the_same_404_at_an_earlier_address(
    client: Client,
) -> None:
    organisation = OrganisationFactory(slug="only-a-draft-signatory")
    SignatureFactory(organisation=organisation, statement=StatementFactory())
    move(organisation, "renamed")
    assert FormerAddress.objects.count() == 1

    for suffix in ("", "feed/"):
        hidden = client.get(f"/organisations/only-a-draft-signatory/{suffix}")
        missing = client.get(f"/organisations/never-existed/{suffix}")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.content.replace(b"only-a-draft-signatory", b"x") == missing.content.replace(
            b"never-existed", b"x"
        )
        assert b"renamed" not in hidden.content


def test_the_sitemap_lists_only_current_addresses(client: Client) -> None:
    world = public_world()
    earlier = {kind: address_in("en", get(world)) for kind, get in KINDS.items()}
    for kind, get in KINDS.items():
        move(get(world), f"current-{kind}")

    sitemap = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own response
    listed = {
        (location.text or "").removeprefix("http://testserver")
        for location in sitemap.iter(f"{SITEMAP}loc")
    }

    for kind, get in KINDS.items():
        assert address_in("en", get(world)) in listed, kind
        assert earlier[kind] not in listed, kind


def test_the_api_links_to_the_current_address() -> None:
    world = public_world()
    move(world.statement, "moved-on")
    move(world.campaign, "campaign-moved-on")

    api = APIClient()
    statement = api.get(f"/api/v1/statements/{world.statement.pk}/").json()
    campaign = api.get(f"/api/v1/campaigns/{world.campaign.pk}/").json()

    assert statement["web_url"] == "http://testserver" + address_in("en", world.statement)
    assert campaign["web_url"] == "http://testserver/campaigns/campaign-moved-on/"


def test_an_earlier_address_costs_two_queries(
    client: Client, django_assert_num_queries: Any
) -> None:
    campaign = CampaignFactory(slug="first")
    move(campaign, "second")
    ContentType.objects.clear_cache()

    # The next publish time (read before the page, once per content version); the
    # campaign at that slug (none); the kind's content type (kept by the process after);
    # the campaign whose earlier address it is, in one query with the address.
    with django_assert_num_queries(4):
        assert client.get("/campaigns/first/").status_code == 301
    with django_assert_num_queries(2):
        assert client.get("/campaigns/first/").status_code == 301


def test_a_statement_scheduled_across_the_new_year_keeps_its_first_year(
    client: Client, editor: User
) -> None:
    statement = StatementFactory(approved=True)
    SignatureFactory(statement=statement)
    next_year = timezone.now().year + 1
    first = timezone.now().replace(year=next_year, month=12, day=31)
    statement.publish(by=editor, at=first)
    statement.publish(by=editor, at=first + timedelta(days=2))

    # Partners reading it under embargo were given the first address.
    assert list(FormerAddress.objects.values_list("scope", "slug")) == [
        (str(next_year), statement.slug)
    ]
