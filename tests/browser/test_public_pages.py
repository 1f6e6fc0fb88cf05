"""Every kind of public page, in English, Russian and French, on a laptop and on a phone.

Each page names its language, must not scroll sideways at 390 pixels, must trip no
Content Security Policy block (the map and charts are inline SVG), and is photographed
into test-artifacts/. Every page is scanned with axe-core: no serious or critical
violation. That includes the API documentation's two pages, Swagger UI's and Redoc's own
markup with this site's colours, settings and names for their unnamed controls; Swagger
UI is scanned again with an operation opened for trying out and with its "Authorize"
dialog open, where it builds more controls. With
CHORUS_UPDATE_DOCS_SCREENSHOTS=1 the law tracker with its map and a country page are
also saved into docs/screenshots/ for the README.
"""

import io
import os
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation
from PIL import Image
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from campaigns.models import Campaign, Coalition, Statement
from legislation.models import Law
from organisations.models import Organisation

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {"laptop": 1280, "phone": 390}
axe = Axe()

LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""
# Redoc shows its vendor's logo from the vendor's server; the policy blocks it on purpose.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def public_pages(language: str) -> dict[str, str]:
    """One address of each kind of public page, in `language`."""
    statement = Statement.objects.published().get()
    organisation = statement.lead_organisation
    assert organisation is not None
    law = Law.objects.filter(demands__statement=statement).order_by("pk").first()
    assert law is not None
    with translation.override(language):
        return {
            "home": "/" if language == "en" else f"/{language}/",
            "statement": statement.get_absolute_url(),
            "statement-list": f"/{language}/statements/".removeprefix("/en"),
            "law-tracker": f"/{language}/laws/".removeprefix("/en"),
            "law": law.get_absolute_url(),
            "country": f"/{language}/countries/ru/".removeprefix("/en"),
            "organisation": organisation.get_absolute_url(),
            "coalition": Coalition.objects.get().get_absolute_url(),
            "campaign": Campaign.objects.get().get_absolute_url(),
            "search": f"/{language}/search/?q=foreign+agents".removeprefix("/en"),
            # The API's documentation is one page for every language.
            "api-docs": "/api/v1/docs/",
            "api-reference": "/api/v1/redoc/",
        }


@pytest.fixture
def demo(settings: object, tmp_path: Path) -> None:
    """The demo, its statement written in all three languages, its issuer with a logo."""
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    call_command("loaddemo", verbosity=0)
    statement = Statement.objects.published().get()
    for language, title in (("ru", "Совместное заявление"), ("fr", "Déclaration commune")):
        for field in Statement.REQUIRED_IN_EACH_LANGUAGE:
            setattr(statement, f"{field}_{language}", f"{title}: {field}")
    statement.save()
    organisation = Organisation.objects.get(pk=statement.lead_organisation_id)
    output = io.BytesIO()
    Image.new("RGB", (600, 300), "#ffcc00").save(output, format="PNG")
    organisation.logo.save("logo.png", SimpleUploadedFile("logo.png", output.getvalue()))


def look(page: Page, url: str, name: str, width: int, artifacts: Path) -> list[str]:
    """What is wrong with the page as a reader sees it: an empty list when nothing is."""
    problems: list[str] = []
    response = page.goto(url)
    assert response is not None
    if response.status != 200:
        return [f"{name}: {url} answered {response.status}"]
    page.wait_for_load_state("load")
    if "/api/" in url:
        page.get_by_text("Chorus partner API").first.wait_for(timeout=15_000)
    if not page.evaluate("document.documentElement.lang"):
        problems.append(f"{name}: <html> has no lang")
    violations = axe.run(page).response["violations"]
    if "/api/v1/docs/" in url:
        violations += try_out_an_operation(page)
    problems += [
        f"{name}: axe {violation['id']} ({violation['impact']}): {violation['help']}: "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in violations
        if violation["impact"] in {"serious", "critical"}
    ]
    if width < 600:
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            problems.append(f"{name}: scrolls sideways by {overflow}px at {width}px")
    blocked = [
        violation
        for violation in page.evaluate("window.__cspViolations")
        if REDOC_LOGO not in violation
    ]
    problems += [f"{name}: CSP {violation}" for violation in blocked]
    page.screenshot(path=artifacts / f"public-{name}.png", full_page=True)
    return problems


def try_out_an_operation(page: Page) -> list[dict[str, Any]]:
    """What axe finds in the controls Swagger UI builds as a reader uses it: an operation
    with a list of choices opened for trying out, then the "Authorize" dialog."""
    page.locator(".opblock-summary-control", has_text="/api/v1/addressees/").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.locator('tr[data-param-name="kind"] select').wait_for()
    violations: list[dict[str, Any]] = axe.run(page).response["violations"]
    page.locator(".btn.authorize").first.click()
    page.locator(".modal-ux").wait_for()
    violations += axe.run(page).response["violations"]
    page.locator(".close-modal").click()
    return violations


@pytest.mark.usefixtures("staff_groups", "demo")
@pytest.mark.parametrize("language", ["en", "ru", "fr"])
def test_every_public_page_reads_well_in_each_language_and_width(
    browser: Browser, live_server: LiveServer, artifacts: Path, language: str
) -> None:
    pages = public_pages(language)
    problems: list[str] = []
    for device, width in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": 900})
        context.add_init_script(LISTEN_FOR_VIOLATIONS)
        page = context.new_page()
        for kind, path in pages.items():
            name = f"{kind}-{language}-{device}"
            problems += look(page, live_server.url + path, name, width, artifacts)
        context.close()
    assert problems == [], "\n".join(problems)

    if language == "en" and os.environ.get("CHORUS_UPDATE_DOCS_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        for kind, filename in (("law-tracker", "law-tracker.png"), ("country", "country.png")):
            page.goto(live_server.url + pages[kind])
            page.screenshot(path=DOCS / filename, full_page=True)
        context.close()
