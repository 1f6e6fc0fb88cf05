"""An archivist types in a statement issued years ago, end to end through the admin in Chromium.

A law with the court ruling that struck it down (its ECLI), a statement issued on
8 March 2019 with a person signing for an organisation, two publications elsewhere and a
demand about the law, taken through the workflow and published as archived; the
demand's outcome then changes twice. The record is read back from the statement's
page, the law's page, the Atom feed and the API.

Every field is typed or chosen as a person would: the autocompletes (Select2) are
opened, searched and an option clicked. The statement page is photographed into
test-artifacts/.
"""

from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-browser-test-password"
ECLI = "ECLI:RU:KS:2014:10.P"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def archivist() -> User:
    return User.objects.create_superuser("archivist", "archivist@example.org", PASSWORD)


def sign_in(page: Page, url: str) -> None:
    page.goto(f"{url}/admin/login/")
    page.get_by_label("Username").fill("archivist")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{url}/admin/")


def field(page: Page, name: str) -> Locator:
    return page.locator(f"[name='{name}']")


def choose(page: Page, name: str, search: str, option: str) -> None:
    """Open the autocomplete of field `name`, type `search` and click the option shown."""
    page.locator(f"select[name='{name}'] + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-container--open .select2-results__option", has_text=option).click()
    expect(page.locator(f"select[name='{name}'] + .select2")).to_contain_text(option)


def add_row(page: Page, group: str) -> None:
    """Click the inline group's “Add another …” link."""
    page.locator(f"#{group}-group .add-row a").click()


def save_and_continue(page: Page) -> None:
    page.get_by_role("button", name="Save and continue editing").click()
    expect_saved(page)


def expect_saved(page: Page) -> None:
    page.wait_for_load_state()
    if page.locator(".errornote").count():
        # Each error with the field or inline row it belongs to.
        errors = page.locator(".errorlist").evaluate_all(
            """lists => lists.map(list => {
                const place = list.closest("[class*='field-'], .inline-related, tr, fieldset");
                return `${place ? place.className || place.id : "form"}: ${list.innerText}`;
            })"""
        )
        pytest.fail(f"the admin refused the form at {page.url}: {errors}")
    expect(page.locator(".messagelist .success").first).to_be_visible()


def run_action(page: Page, label: str) -> None:
    """Choose a workflow action on the statement's change form and run it."""
    actions = page.locator("#statement_form .actions")
    actions.locator("select[name='CHANGE_FORM-action']").select_option(label=label)
    actions.get_by_role("button", name="Run").click()


def test_an_archived_statement_is_typed_in_and_read_back(
    page: Page, live_server: LiveServer, archivist: User, artifacts: Path
) -> None:
    OrganisationFactory(name="Memorial Human Rights Defence Centre", short_name="Memorial")
    OrganisationFactory(name="Observatory for the Protection of Human Rights Defenders")
    url = live_server.url
    page.set_default_timeout(10_000)
    sign_in(page, url)

    # 1. The law, and the ruling that struck it down.
    page.goto(f"{url}/admin/legislation/law/add/")
    field(page, "country").select_option("RU")
    field(page, "common_title_en").fill("Foreign agents law")
    field(page, "official_title_en").fill(
        "Federal Law No. 121-FZ on non-commercial organisations performing the functions "
        "of a foreign agent"
    )
    field(page, "identifier").fill("121-FZ")
    field(page, "bill_number").fill("102766-6")
    add_row(page, "events")
    field(page, "events-0-date").fill("2014-04-08")
    field(page, "events-0-kind").select_option(label="Struck down")
    field(page, "events-0-court").fill("Constitutional Court of the Russian Federation")
    field(page, "events-0-case_number").fill("10-P")
    field(page, "events-0-ecli").fill(ECLI)
    save_and_continue(page)

    # 2. The statement, as it was issued.
    page.goto(f"{url}/admin/campaigns/statement/add/")
    field(page, "title_en").fill("Repeal the foreign agents law")
    field(page, "language").select_option("en")
    field(page, "body_en").fill(
        "We, the undersigned organisations, call on the State Duma to repeal the law."
    )
    expect(field(page, "slug")).to_have_value("repeal-the-foreign-agents-law")
    choose(page, "lead_organisation", "Memorial", "Memorial Human Rights Defence Centre")

    add_row(page, "signatures")
    choose(page, "signatures-0-organisation", "Memorial", "Memorial Human Rights Defence Centre")
    field(page, "signatures-0-role").select_option(label="Lead")
    field(page, "signatures-0-status").select_option(label="Confirmed")
    field(page, "signatures-0-signatory_name").fill("Natalia Estemirova")
    field(page, "signatures-0-signatory_title").fill("Board member")

    add_row(page, "demands")
    field(page, "demands-0-action").select_option(label="Repeal")
    field(page, "demands-0-text").fill("Repeal Federal Law No. 121-FZ in full.")
    choose(page, "demands-0-law", "foreign", "Foreign agents law")

    add_row(page, "publications")
    choose(page, "publications-0-publisher", "Observatory", "Observatory for the Protection")
    field(page, "publications-0-published_as").fill("the Observatory (OMCT–FIDH)")
    field(page, "publications-0-url").fill("https://www.omct.org/en/resources/statements/repeal")
    field(page, "publications-0-published_on").fill("2019-03-08")
    field(page, "publications-0-title").fill("Russia: repeal the foreign agents law")
    add_row(page, "publications")
    field(page, "publications-1-publisher_name").fill("FIDH")
    field(page, "publications-1-url").fill("https://www.fidh.org/en/region/europe/russia/12345")
    field(page, "publications-1-published_on").fill("2019-03-09")
    save_and_continue(page)
    change_url = page.url
    statement_id = int(change_url.rstrip("/").split("/")[-2])

    # 3. Through the workflow: submitted, approved, published as archived.
    run_action(page, "Submit for review")
    expect(page.locator(".messagelist")).to_contain_text("Submitted 1 statement for review.")
    run_action(page, "Approve")
    expect(page.locator(".messagelist")).to_contain_text("Approved 1 statement.")
    run_action(page, "Publish as archived…")
    expect(page.get_by_role("heading", name="Publish as archived")).to_be_visible()
    page.get_by_label("Issued on").fill("2019-03-08")
    page.get_by_role("button", name="Publish as archived").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Published 1 statement as archived, issued on 8 March 2019."
    )

    # 4. The demand is met, by the court's ruling; later superseded.
    page.goto(change_url)
    field(page, "demands-0-outcome").select_option(label="Met")
    field(page, "demands-0-outcome_on").fill("2020-01-10")
    field(page, "demands-0-evidence_reference").fill(ECLI)
    field(page, "demands-0-outcome_note").fill("The Constitutional Court's ruling.")
    save_and_continue(page)
    expect(page.locator("#demands-0 .field-outcome_history_shown")).to_contain_text(
        "Met (10 January 2020)"
    )

    page.goto(f"{url}/admin/campaigns/demand/?q=121-FZ")
    page.get_by_role("row", name="Repeal Federal Law").get_by_role("checkbox").check()
    page.locator("select[name='action']").select_option(
        label="Record an outcome of selected demands…"
    )
    page.get_by_role("button", name="Run").click()
    field(page, "outcome").select_option(label="Superseded")
    field(page, "outcome_on").fill("2022-06-01")
    page.get_by_role("button", name="Record").click()
    expect(page.locator(".messagelist")).to_contain_text("Recorded the outcome of 1 demand.")

    # 5. Read back: the statement's page, addressed by the year it was issued.
    page.goto(change_url)
    page.get_by_role("link", name="View on site").click()
    page.wait_for_load_state()
    assert "/statements/2019/repeal-the-foreign-agents-law/" in page.url, page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Repeal the foreign agents law")
    expect(page.locator("time[datetime='2019-03-08']").first).to_be_visible()
    expect(page.get_by_text("Natalia Estemirova").first).to_be_visible()
    expect(page.get_by_role("link", name="Russia: repeal the foreign agents law")).to_be_visible()
    expect(page.get_by_role("link", name="fidh.org", exact=True)).to_be_visible()
    demands = page.locator(".demands")
    expect(demands).to_contain_text("Repeal Federal Law No. 121-FZ in full.")
    # The two steps of the outcome history, in order, with their dates and the evidence.
    expect(demands).to_contain_text(f"Met (10 January 2020, {ECLI})")
    expect(demands).to_contain_text("→ Superseded (1 June 2022)")
    expect(demands).to_contain_text("status: Struck down")
    expect(page.get_by_text("Natalia Estemirova, Board member")).to_be_visible()
    expect(page.get_by_text("the Observatory (OMCT–FIDH)")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=artifacts / "archived-statement.png", full_page=True)

    # The law's page: the ruling with its ECLI, the demand and its outcomes.
    demands.get_by_role("link", name="Foreign agents law").first.click()
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    ruling = page.locator(".timeline li.event-struck_down")
    expect(ruling).to_contain_text("8 April 2014")
    expect(ruling).to_contain_text("Constitutional Court of the Russian Federation")
    expect(ruling).to_contain_text("10-P")
    expect(ruling).to_contain_text(ECLI)
    expect(page.locator(".facts")).to_contain_text("Struck down since 8 April 2014")
    statements = page.get_by_role("region", name="Statements about this law")
    expect(statements.get_by_role("link", name="Repeal the foreign agents law")).to_be_visible()
    expect(statements).to_contain_text("8 March 2019")
    law_demands = page.locator("ul.demands")
    expect(law_demands).to_contain_text("Repeal Federal Law No. 121-FZ in full.")
    expect(law_demands).to_contain_text(f"Met (10 January 2020, {ECLI})")
    expect(law_demands).to_contain_text("→ Superseded (1 June 2022)")
    page.screenshot(path=artifacts / "archived-statement-law.png", full_page=True)

    # The site's Atom feed dates the entry by the day it was issued.
    feed = page.request.get(f"{url}/feed/")
    assert feed.ok, feed.status
    entries = ElementTree.fromstring(feed.body())  # noqa: S314 (the feed of the test server).findall(f"{ATOM}entry")
    entry = next(
        e for e in entries if e.findtext(f"{ATOM}title") == "Repeal the foreign agents law"
    )
    published = entry.findtext(f"{ATOM}published") or ""
    assert published.startswith("2019-03-08"), published

    # The API.
    response = page.request.get(f"{url}/api/v1/statements/{statement_id}/")
    assert response.ok, response.status
    data = response.json()
    assert data["issued_on"] == "2019-03-08", data
    demand = data["demands"][0]
    assert [step["outcome"] for step in demand["outcome_history"]] == ["met", "superseded"], demand
    assert demand["outcome_history"][0]["evidence_reference"] == ECLI, demand
    assert {p["url"] for p in data["publications"]} == {
        "https://www.omct.org/en/resources/statements/repeal",
        "https://www.fidh.org/en/region/europe/russia/12345",
    }, data["publications"]
    assert [s["signatory_name"] for s in data["signatories"]] == ["Natalia Estemirova"], data
