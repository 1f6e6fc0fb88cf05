"""Editors are told before a public page moves, and where its old address leads after."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.test import Client
from django.utils import translation

from addresses.models import FormerAddress
from campaigns.models import Campaign, Statement
from legislation.models import Law
from organisations.models import Organisation
from tests.admin_pages import admin_url, form_data
from tests.factories import (
    CampaignFactory,
    CoalitionFactory,
    FormerAddressFactory,
    LawFactory,
    OrganisationFactory,
    SignatureFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db


def public_statement() -> Statement:
    statement = StatementFactory(published=True)
    SignatureFactory(statement=statement)
    return statement


def public_organisation() -> Organisation:
    return SignatureFactory(statement=StatementFactory(published=True)).organisation


PUBLIC_PAGES: dict[str, Callable[[], Any]] = {
    "statement": public_statement,
    "law": LawFactory,
    "organisation": public_organisation,
    "campaign": CampaignFactory,
    "coalition": CoalitionFactory,
}


def address(page: Model) -> str:
    with translation.override("en"):
        return str(page.get_absolute_url())  # type: ignore[attr-defined]


def change_slug(admin_client: Client, page: Model, slug: str) -> Any:
    url = admin_url(page, "change")
    data = form_data(admin_client.get(url), page._meta.model_name or "")
    data["slug"] = slug
    return admin_client.post(url, data)


@pytest.mark.parametrize("kind", PUBLIC_PAGES)
def test_moving_a_public_page_is_confirmed_then_said_done(admin_client: Client, kind: str) -> None:
    page = PUBLIC_PAGES[kind]()
    before = address(page)
    model_name = page._meta.model_name or ""

    warned = change_slug(admin_client, page, "a-new-slug")

    assert warned.status_code == 200
    page.refresh_from_db()
    assert address(page) == before  # nothing saved yet
    after = before.replace(f"/{page.slug}/", "/a-new-slug/")
    errors = warned.context["adminform"].form.errors["slug"]
    assert errors == [
        f"This page is public at {before}. Saved, it moves to {after}, and the old address "
        "will lead there for good: links to it keep working, and nothing else can take it. "
        "Save again to move the page, or put the slug back."
    ]

    saved = admin_client.post(admin_url(page, "change"), form_data(warned, model_name), follow=True)

    assert saved.status_code == 200
    page.refresh_from_db()
    assert address(page) == after
    assert f"The old address {before} now redirects to {after}." in [
        str(message) for message in saved.context["messages"]
    ]
    assert Client().get(before)["Location"] == after


def test_a_slug_changed_again_after_the_warning_is_asked_about_again(
    admin_client: Client,
) -> None:
    campaign = CampaignFactory(slug="first")
    warned = change_slug(admin_client, campaign, "second")
    data = form_data(warned, "campaign")
    data["slug"] = "third"

    again = admin_client.post(admin_url(campaign, "change"), data)

    assert again.status_code == 200
    assert "Saved, it moves to /campaigns/third/" in again.text
    campaign.refresh_from_db()
    assert campaign.slug == "first"


@pytest.mark.parametrize(
    "page",
    [
        lambda: StatementFactory(),
        lambda: StatementFactory(scheduled=True),
        lambda: OrganisationFactory(),  # nothing public yet
    ],
    ids=["draft-statement", "scheduled-statement", "organisation-with-nothing-public"],
)
def test_a_page_the_public_cannot_read_moves_without_a_warning(
    admin_client: Client, page: Callable[[], Any]
) -> None:
    obj = page()
    if isinstance(obj, Statement):
        SignatureFactory(statement=obj)

    saved = change_slug(admin_client, obj, "a-new-slug")

    assert saved.status_code == 302
    obj.refresh_from_db()
    assert obj.slug == "a-new-slug"


def test_saving_a_public_page_with_its_slug_unchanged_asks_nothing(admin_client: Client) -> None:
    law = LawFactory()
    url = admin_url(law, "change")
    data = form_data(admin_client.get(url), "law")
    data["identifier"] = "121-FZ"

    assert admin_client.post(url, data).status_code == 302


def test_moving_a_law_to_another_country_is_confirmed_too(admin_client: Client) -> None:
    law = LawFactory(country="RU", slug="treason")
    url = admin_url(law, "change")
    data = form_data(admin_client.get(url), "law")
    data["country"] = "BY"

    warned = admin_client.post(url, data)

    assert "Saved, it moves to /laws/by/treason/" in warned.text
    assert admin_client.post(url, form_data(warned, "law")).status_code == 302
    assert Law.objects.get().country == "BY"


@pytest.mark.parametrize(
    ("model_name", "fields"),
    [
        ("organisation", {"name_en": "Another group", "kind": "ngo"}),
        ("statement", {"title_en": "Another statement", "body_en": "Text."}),
        ("campaign", {"title_en": "Another campaign", "status": "active"}),
        ("coalition", {"name": "Another coalition"}),
        ("law", {"country": "RU", "official_title_en": "Another law", "kind": "statute"}),
    ],
)
def test_another_page_cannot_take_an_earlier_address_in_the_admin(
    admin_client: Client, model_name: str, fields: dict[str, str]
) -> None:
    factory: Callable[[], Any] = {
        "organisation": public_organisation,
        "statement": public_statement,
        "campaign": CampaignFactory,
        "coalition": CoalitionFactory,
        "law": lambda: LawFactory(country="RU"),
    }[model_name]
    page = factory()
    earlier_slug = page.slug
    page.slug = "moved-on"
    page.save()
    model: Any = type(page)
    count = model.objects.count()
    data = form_data(admin_client.get(admin_url(model, "add")), model_name)
    data.update(fields, slug=earlier_slug)

    response = admin_client.post(admin_url(model, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        f"This slug was an earlier address of the {model._meta.verbose_name} “{page}”, and "
        "links to that address still lead there. Choose another slug."
    ]
    assert model.objects.count() == count


def test_a_page_cached_at_its_old_address_is_not_served_once_it_moved_in_the_admin(
    client: Client, admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    campaign = CampaignFactory(slug="first", title="A campaign")
    assert client.get("/campaigns/first/").status_code == 200  # now cached

    url = admin_url(campaign, "change")
    data = form_data(admin_client.get(url), "campaign")
    data["slug"] = "second"
    warned = admin_client.post(url, data)
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, form_data(warned, "campaign")).status_code == 302

    assert client.get("/campaigns/first/")["Location"] == "/campaigns/second/"
    assert client.get("/campaigns/second/").status_code == 200  # now cached

    # And back: neither the cached page nor a redirect sends a reader round in a circle.
    data = form_data(admin_client.get(url), "campaign")
    data["slug"] = "first"
    warned = admin_client.post(url, data)
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, form_data(warned, "campaign")).status_code == 302
    assert client.get("/campaigns/first/").status_code == 200
    assert client.get("/campaigns/second/")["Location"] == "/campaigns/first/"


def test_restoring_a_version_with_another_slug_is_confirmed_too(admin_client: Client) -> None:
    campaign = CampaignFactory(slug="first")
    first_version = campaign.history.get()
    campaign.slug = "second"
    campaign.save()
    url = admin_url(campaign, "simple_history", first_version.history_id)

    # The history's pages name the form after the historical model.
    warned = admin_client.post(url, form_data(admin_client.get(url), "historicalcampaign"))

    assert "This page is public at /campaigns/second/. Saved, it moves to /campaigns/first/" in (
        warned.text
    )
    assert admin_client.post(url, form_data(warned, "historicalcampaign")).status_code == 302
    assert Client().get("/campaigns/second/")["Location"] == "/campaigns/first/"


# --- the list of earlier addresses ---------------------------------------------------------


def test_an_earlier_address_is_seen_not_changed(admin_client: Client) -> None:
    # Earlier addresses are kept by saving their pages (tests/test_admin.py: none is added
    # from the admin).
    page = admin_client.get(admin_url(FormerAddressFactory(), "change"))

    assert page.context["title"] == "View former address"


def test_an_earlier_address_can_be_freed(admin_client: Client) -> None:
    campaign = CampaignFactory(slug="first")
    campaign.slug = "second"
    campaign.save()
    former = FormerAddress.objects.get()

    response = admin_client.post(admin_url(former, "delete"), {"post": "yes"})

    assert response.status_code == 302
    assert Client().get("/campaigns/first/").status_code == 404
    CampaignFactory(slug="first")


def test_changelist_queries_do_not_grow_with_rows(
    admin_client: Client, django_assert_num_queries: Any
) -> None:
    FormerAddressFactory()
    # The process keeps the kinds it has read (as it does the campaign's, once saved):
    # start from the same point whichever tests ran before.
    ContentType.objects.clear_cache()
    ContentType.objects.get_for_model(Campaign)
    # The session, the user, the count of rows matching the filters, the count of all
    # rows, the rows of the page with their kinds; all kinds, for the filter; the pages
    # they lead to, one query per kind.
    with django_assert_num_queries(7):
        assert admin_client.get(admin_url(FormerAddress, "changelist")).status_code == 200

    FormerAddressFactory.create_batch(49)
    with django_assert_num_queries(7):
        assert admin_client.get(admin_url(FormerAddress, "changelist")).status_code == 200
