"""A reader walks the demo: home, campaign, statement, law, organisation, search, Russian.

Each page is checked for what is on screen, scanned with axe-core (no serious or
critical violation), and photographed into test-artifacts/. With
CHORUS_UPDATE_DOCS_SCREENSHOTS=1 the statement page and the law tracker are also saved
into docs/screenshots/ for the documentation.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
axe = Axe()


def check(page: Page, artifacts: Path, name: str) -> None:
    """No serious or critical accessibility violation; a screenshot for the record."""
    results = axe.run(page)
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    page.screenshot(path=artifacts / f"{name}.png", full_page=True)
    assert not serious, f"{name}: {serious}"


@pytest.mark.usefixtures("staff_groups")
def test_a_reader_walks_the_demo(page: Page, live_server: object, artifacts: Path) -> None:
    call_command("loaddemo", verbosity=0)
    page.goto(f"{live_server}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chorus")
    check(page, artifacts, "1-home")

    page.get_by_role("region", name="Active campaigns").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Laws tracked")).to_be_visible()
    check(page, artifacts, "2-campaign")

    page.locator(".statement-list h3 a").first.click()
    expect(page.get_by_role("heading", name="Signatories")).to_be_visible()
    expect(page.get_by_text("a joint programme of", exact=False).first).to_be_visible()
    expect(page.get_by_role("heading", name="Demands")).to_be_visible()
    check(page, artifacts, "3-statement")
    statement_url = page.url

    page.locator(".demands a[href^='/laws/']").first.click()
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    expect(page.get_by_role("heading", name="Statements about this law")).to_be_visible()
    check(page, artifacts, "4-law")

    page.goto(statement_url)
    page.locator(".signatories a").first.click()
    expect(page.get_by_role("heading", name="Statements signed")).to_be_visible()
    check(page, artifacts, "5-organisation")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    page.get_by_label("Search statements, laws and organisations").fill("foreign agents")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".results li").first).to_be_visible()
    check(page, artifacts, "6-search")

    page.get_by_role("navigation", name="Language").get_by_role("link", name="Русский").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Поиск")
    assert "/ru/search/" in page.url
    check(page, artifacts, "7-search-in-russian")

    page.goto(f"{live_server}/laws/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Law tracker")
    expect(page.locator(".counters")).to_contain_text("laws tracked in")
    check(page, artifacts, "8-law-tracker")

    if os.environ.get("CHORUS_UPDATE_DOCS_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=DOCS / "law-tracker.png")
        page.goto(statement_url)
        page.screenshot(path=DOCS / "statement.png")
