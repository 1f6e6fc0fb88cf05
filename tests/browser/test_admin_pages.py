"""The admin's statement, law, organisation and campaign pages as staff use them, on a
laptop screen 1366 pixels wide: no table of inline rows scrolls sideways, and axe-core
finds no serious or critical violation on the add and change pages, every inline row's
inputs labelled.

The statement and law pages are photographed into docs/screenshots/ (admin-statement.png,
admin-law.png) for the documentation.
"""

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from campaigns.models import Campaign, Demand, Statement
from legislation.models import Law
from organisations.models import Organisation
from tests.factories import (
    AddressingFactory,
    CampaignFactory,
    CorrectionFactory,
    DemandFactory,
    DemandOutcomeFactory,
    ImplementationFactory,
    LawEventFactory,
    LawFactory,
    LawSourceFactory,
    OrganisationFactory,
    OrganisationIdentifierFactory,
    OrganisationParentFactory,
    PressContactFactory,
    ProvisionFactory,
    PublicationFactory,
    SignatureFactory,
    StatementFactory,
    TransitionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# Elements wider than their box, and whether the page itself scrolls sideways.
OVERFLOWING = """() => {
  const wide = [...document.querySelectorAll('.inline-group, .tabular, .inline-group .wrapper')]
    .filter(el => el.scrollWidth > el.clientWidth)
    .map(el => `${el.id || el.closest('[id]')?.id}: ${el.scrollWidth} > ${el.clientWidth}`);
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth)
    wide.push(`page: ${root.scrollWidth} > ${root.clientWidth}`);
  return wide;
}"""


@pytest.fixture
def records() -> dict[str, str]:
    """A statement, a law, an organisation and a campaign with a row in every inline."""
    organisation = OrganisationFactory(description="An association of lawyers.")
    OrganisationIdentifierFactory(organisation=organisation)
    OrganisationParentFactory(programme=organisation)
    PressContactFactory(organisation=organisation)

    law = LawFactory(
        common_title="The foreign agents law",
        summary="Brands organisations receiving foreign funds as foreign agents.",
    )
    LawEventFactory(law=law, note="Adopted by the State Duma.")
    ProvisionFactory(law=law)
    ImplementationFactory(law=law)
    ImplementationFactory(instrument=law)
    LawSourceFactory(law=law)

    campaign = CampaignFactory()
    statement = StatementFactory(campaign=campaign, published=True)
    statement.refresh_from_db()
    SignatureFactory(
        statement=statement,
        organisation=organisation,
        signatory_name="Anna Petrova",
        signatory_title="Director",
    )
    AddressingFactory(statement=statement)
    demand = DemandFactory(
        statement=statement,
        law=law,
        outcome=Demand.Outcome.PARTIALLY_MET,
        outcome_on=date(2014, 1, 1),
        evidence_url="https://example.org/gazette/2014",
    )
    DemandOutcomeFactory(demand=demand, note="Part of the law was repealed.")
    PublicationFactory(statement=statement, publisher=organisation)
    CorrectionFactory(statement=statement)
    TransitionFactory(statement=statement)

    def change(model: type[Model], pk: int) -> str:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])

    return {
        "statement": change(Statement, statement.pk),
        "law": change(Law, law.pk),
        "organisation": change(Organisation, organisation.pk),
        "campaign": change(Campaign, campaign.pk),
        "demand": change(Demand, demand.pk),
    }


@pytest.fixture
def admin_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A superuser's browser at the width of a common laptop screen."""
    user: User = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="en-GB", base_url=live_server.url
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    yield page
    context.close()


PAGES = ["statement", "law", "organisation", "campaign", "demand"]


@pytest.mark.parametrize("name", PAGES)
def test_no_inline_scrolls_sideways(admin_page: Page, records: dict[str, str], name: str) -> None:
    admin_page.goto(records[name])
    assert admin_page.locator("#content-main form").count() == 1
    assert admin_page.evaluate(OVERFLOWING) == []


def test_screenshots_of_the_statement_and_law_pages(
    admin_page: Page, records: dict[str, str]
) -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    for name in ["statement", "law"]:
        admin_page.goto(records[name])
        admin_page.screenshot(path=DOCS / f"admin-{name}.png", full_page=True)
        assert (DOCS / f"admin-{name}.png").stat().st_size > 10_000


axe = Axe()


def serious_violations(page: Page) -> list[str]:
    """Each serious or critical axe-core violation, with the elements it was found on."""
    results = axe.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}: "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("name", ["statement", "law", "organisation", "campaign"])
def test_axe_finds_nothing_serious_on_the_add_and_change_pages(
    admin_page: Page, records: dict[str, str], name: str
) -> None:
    """Also once "Add another" has added a row to every inline: Select2 sets up the new
    row's autocompletes then, and they are named too."""
    change = records[name]
    add = change.removesuffix("/").rsplit("/", 2)[0] + "/add/"
    found = {}
    for url in [add, change]:
        admin_page.goto(url)
        found[url] = serious_violations(admin_page)
        for add_another in admin_page.locator(".inline-group .add-row a").all():
            if add_another.is_visible():
                add_another.click()
        found[f"{url}, a row added"] = serious_violations(admin_page)
    assert found == {page: [] for page in found}


def test_autocompletes_and_inline_inputs_are_named_by_their_labels(
    admin_page: Page, records: dict[str, str]
) -> None:
    admin_page.goto(records["statement"])
    # Select2's combobox: the field's label, then the option chosen (after the button
    # that clears it).
    chosen = re.compile(r"^Campaign: .*Campaign \d+$")
    expect(admin_page.get_by_role("combobox", name=chosen)).to_have_count(1)
    expect(admin_page.get_by_role("combobox", name="Timed for:", exact=True)).to_have_count(1)
    signatures = admin_page.locator("#signatures-group")
    # A table row's autocomplete and inputs: their column's heading.
    expect(signatures.get_by_role("combobox", name="Organisation", exact=True)).to_have_count(1)
    expect(signatures.get_by_role("textbox", name="Signing person")).to_have_value("Anna Petrova")
    expect(signatures.get_by_role("checkbox", name="Delete")).to_have_count(1)
    admin_page.goto(records["law"])
    # A multiple choice's search box, inside its combobox.
    expect(admin_page.get_by_role("searchbox", name="Conflicts with")).to_have_count(1)
