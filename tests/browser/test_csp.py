"""A real browser reads the public pages, the admin pages used to author a statement and
the API documentation, and the Content Security Policy blocks nothing on any of them."""

from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Browser, ConsoleMessage, Page
from pytest_django.live_server_helper import LiveServer

from campaigns.models import Statement

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")

# Enough to reach every kind of public page from the home page, few enough to stay quick.
MAXIMUM_PUBLIC_PAGES = 40
PASSWORD = "a-browser-test-password"
# What each page's console said since it was last read.
CONSOLE_MESSAGES: dict[Page, list[str]] = {}

# Runs before any script of the page; the policy does not apply to it.
LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"}` +
      ` at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def browser_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(LISTEN_FOR_VIOLATIONS)
    console: list[str] = []
    CONSOLE_MESSAGES[page] = console

    def keep(message: ConsoleMessage) -> None:
        console.append(message.text)

    page.on("console", keep)
    yield page
    CONSOLE_MESSAGES.pop(page)
    context.close()


def visit(page: Page, url: str, violations: list[str]) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 400, (
        f"{url} answered {response and response.status}"
    )
    settle(page)
    record(page, url, violations)


# The policy blocks a resource before any request leaves, and a page's load event waits
# for every resource it names; so once the page has loaded, every violation it will
# trip has been queued, and two turns of its event loop deliver them. Waiting for the
# network to go quiet instead adds nothing the policy could block, and once timed out
# after a page had loaded in full.
DELIVER_QUEUED_EVENTS = """
() => new Promise(resolve => setTimeout(() => setTimeout(resolve, 50), 50))
"""


def settle(page: Page) -> None:
    page.wait_for_load_state("load")
    page.evaluate(DELIVER_QUEUED_EVENTS)


# Redoc always shows its vendor's logo from the vendor's server. The policy blocks it on
# purpose: the documentation works offline and tells no third party who reads it. That
# one block is expected; any other is a failure.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def record(page: Page, url: str, violations: list[str]) -> None:
    seen = page.evaluate("window.__cspViolations")
    violations.extend(f"{url}: {violation}" for violation in seen if REDOC_LOGO not in violation)
    console = CONSOLE_MESSAGES[page]
    violations.extend(
        f"{url}: console: {text}"
        for text in console
        if "Content Security Policy" in text and REDOC_LOGO not in text
    )
    console.clear()


def same_origin_links(page: Page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)")
    origin = urlsplit(base).netloc
    links = []
    for href in hrefs:
        parts = urlsplit(urljoin(base, href))
        if parts.netloc == origin and not parts.path.startswith(("/admin/", "/static/")):
            links.append(parts._replace(fragment="").geturl())
    return links


def exists(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("staff_groups")
def test_no_page_trips_the_content_security_policy(
    browser_page: Page, live_server: LiveServer
) -> None:
    call_command("loaddemo", verbosity=0)
    User.objects.create_superuser("csp-admin", "csp-admin@example.org", PASSWORD)
    page = browser_page
    violations: list[str] = []

    # The public site, following links from the home page.
    queue, seen = [live_server.url + "/"], set[str]()
    while queue and len(seen) < MAXIMUM_PUBLIC_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        visit(page, url, violations)
        queue.extend(link for link in same_origin_links(page, url) if link not in seen)
    assert len(seen) > 1, "the home page links to the statements"

    # The admin pages used to author a statement.
    visit(page, live_server.url + "/admin/login/", violations)
    page.fill("#id_username", "csp-admin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    settle(page)
    assert urlsplit(page.url).path == "/admin/", f"signing in led to {page.url}"
    record(page, "after sign-in", violations)
    statement = Statement.objects.get()
    for path in [
        "/admin/",
        "/admin/campaigns/statement/",
        "/admin/campaigns/statement/add/",
        f"/admin/campaigns/statement/{statement.pk}/change/",
        "/admin/two-factor/enrol/",
        "/admin/security/",
    ]:
        visit(page, live_server.url + path, violations)

    # A workflow action that asks a question first: its page between choosing and doing.
    visit(page, live_server.url + "/admin/campaigns/statement/", violations)
    page.check(f"input[name=_selected_action][value='{statement.pk}']")
    page.select_option("select[name=action]", "withdraw")
    page.click("button[name=index]")
    settle(page)
    assert page.locator("#action_form").count() == 1
    record(page, "workflow step", violations)

    # The API documentation, once the API serves it.
    for path in ["/api/v1/docs/", "/api/v1/redoc/"]:
        if exists(path):
            visit(page, live_server.url + path, violations)
            # Rendered, not merely loaded: the schema's title is on screen.
            page.get_by_text("Chorus partner API").first.wait_for(timeout=15_000)

    assert violations == [], "\n".join(violations)
