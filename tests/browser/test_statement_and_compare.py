"""The statement page and a comparison of laws in a real browser: in English, Russian and
French, on a desktop (1280 px) and a phone (390 px).

Each is scanned with axe-core (no serious or critical violation), checked for sideways
scrolling, and photographed into test-artifacts/. With CHORUS_UPDATE_DOCS_SCREENSHOTS=1
the English statement page and comparison are also saved into docs/screenshots/.
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from campaigns.models import Statement

pytestmark = pytest.mark.django_db(transaction=True)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {"desktop": 1280, "phone": 390}
LANGUAGES = {"en": "", "ru": "/ru", "fr": "/fr"}
COMPARED = "ru:foreign-agents-law,ru:protest-fines-law,ru:libel-law"
axe = Axe()


@pytest.fixture
def demo(staff_groups: None) -> Statement:
    """The demo, its statement written in Russian and French too (the demo has it in
    English only), so that its page exists in every interface language."""
    call_command("loaddemo", verbosity=0)
    statement = Statement.objects.get(slug="eu-russia-summit-civil-society-2012")
    statement.title_ru = (
        "Перед саммитом ЕС–Россия восемь НКО просят лидеров ЕС добиваться отмены пяти законов"  # noqa: RUF001
    )
    statement.body_ru = "Организации призывают лидеров ЕС использовать саммит."  # noqa: RUF001
    statement.title_fr = (
        "Avant le sommet UE–Russie, huit ONG demandent aux dirigeants de l’UE d’agir"
    )
    statement.body_fr = "Les organisations appellent les dirigeants de l’UE à agir."
    statement.save()
    return statement


@pytest.fixture(params=list(WIDTHS))
def screen(request: pytest.FixtureRequest, browser: Browser) -> Iterator[tuple[str, Page]]:
    width = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    yield request.param, context.new_page()
    context.close()


def check(page: Page, artifacts: Path, name: str) -> None:
    """No serious or critical accessibility violation, nothing wider than the screen."""
    results = axe.run(page)
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    page.screenshot(path=artifacts / f"{name}.png", full_page=True)
    assert not serious, f"{name}: {serious}"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: scrolls sideways by {overflow} px"


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_statement_page(
    demo: Statement, screen: tuple[str, Page], live_server: object, artifacts: Path, language: str
) -> None:
    size, page = screen
    page.goto(f"{live_server}{LANGUAGES[language]}{demo.get_absolute_url()}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    signed_by = page.locator(".signed-by")
    expect(signed_by.locator(".logo")).to_have_count(8)
    expect(signed_by.get_by_role("link")).to_have_attribute("href", "#signatories")
    expect(page.locator(".demands .status").first).to_be_visible()
    # The card the page names is a picture of the right size.
    card = page.locator('meta[property="og:image"]').get_attribute("content")
    assert card is not None
    response = page.request.get(card)
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    check(page, artifacts, f"statement-{language}-{size}")
    if (
        language == "en"
        and size == "desktop"
        and os.environ.get("CHORUS_UPDATE_DOCS_SCREENSHOTS") == "1"
    ):
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=DOCS / "statement.png")
    if (
        language == "ru"
        and size == "phone"
        and os.environ.get("CHORUS_UPDATE_DOCS_SCREENSHOTS") == "1"
    ):
        page.screenshot(path=DOCS / "statement-phone-ru.png")


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_comparison_of_laws(
    demo: Statement, screen: tuple[str, Page], live_server: object, artifacts: Path, language: str
) -> None:
    size, page = screen
    # From the law tracker's form, as a reader without JavaScript would.
    page.goto(f"{live_server}{LANGUAGES[language]}/laws/")
    for key in COMPARED.split(","):
        page.locator(f'input[name="laws"][value="{key}"]').check()
    page.locator('form[action$="/laws/compare/"] button[type="submit"]').click()
    # Sent on to the comparison's one address, the laws in one parameter.
    expect(page).to_have_url(re.compile(r"/laws/compare/\?laws=[^&]+,[^&]+,[^&]+$"))
    expect(page.locator("table.comparison thead th")).to_have_count(3)
    expect(page.locator("html")).to_have_attribute("lang", language)
    check(page, artifacts, f"compare-{language}-{size}")
    if (
        language == "en"
        and size == "desktop"
        and os.environ.get("CHORUS_UPDATE_DOCS_SCREENSHOTS") == "1"
    ):
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=DOCS / "compare.png", full_page=True)
