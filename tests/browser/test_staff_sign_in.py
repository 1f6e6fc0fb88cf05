"""Staff sign-in in a real Chromium: a passkey registered and used through Chrome's
virtual authenticator, an authenticator app set up from the QR code, and every page on
the way scanned with axe-core (no serious or critical violation).

With CHORUS_UPDATE_DOCS_SCREENSHOTS=1 the set-up page and the security page are saved
into docs/screenshots/ for docs/staff-accounts.md.
"""

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import Browser, CDPSession, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from staff.models import SignInRecord
from tests.factories import EditorFactory

pytestmark = pytest.mark.django_db(transaction=True)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "a-browser-test-password"
axe = Axe()


def check(page: Page, artifacts: Path, name: str) -> None:
    """No serious or critical accessibility violation; a screenshot for the record."""
    results = axe.run(page)
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} "
        f"{[node['target'] for node in violation['nodes']]}"
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    page.screenshot(path=artifacts / f"staff-{name}.png", full_page=True)
    assert not serious, f"{name}: {serious}"


def save_for_docs(page: Page, name: str) -> None:
    if os.environ.get("CHORUS_UPDATE_DOCS_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=DOCS / name, full_page=True)


@pytest.fixture
def staff_page(browser: Browser) -> Iterator[Page]:
    # The width of a common laptop screen, as the documentation's pictures show it.
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def staff_member(staff_groups: None) -> User:
    user = EditorFactory(username="editor", first_name="Irina", last_name="Petrova")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def passkeys_here(settings: Settings, live_server: LiveServer) -> None:
    """Passkeys belong to the test server's origin (its port changes each run)."""
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]


def virtual_authenticator(page: Page) -> tuple[CDPSession, str]:
    """Chrome's virtual authenticator: a platform passkey that checks its holder."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def sign_in_with_password(page: Page, url: str) -> None:
    page.goto(f"{url}/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_passkey_is_registered_and_then_confirms_sign_in(
    staff_page: Page,
    live_server: LiveServer,
    staff_member: User,
    passkeys_here: None,
    settings: Settings,
    artifacts: Path,
) -> None:
    page = staff_page
    cdp, authenticator = virtual_authenticator(page)
    check_login(page, live_server, artifacts)
    sign_in_with_password(page, live_server.url)
    expect(page.get_by_role("link", name="Security")).to_be_visible()

    page.get_by_role("link", name="Security").click()
    expect(page.get_by_role("heading", name="Second factors")).to_be_visible()
    check(page, artifacts, "security-before")
    page.get_by_role("button", name="Add a passkey or security key").click()

    # Registered, and on to the recovery codes, which the account has none of yet.
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    kept = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(kept["credentials"]) == 1
    # Named after the browser, for the staff member to tell their passkeys apart.
    assert WebAuthnCredential.objects.get(user=staff_member).name.startswith("Passkey (Chrome ")
    page.get_by_role("button", name="Make my recovery codes").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    check(page, artifacts, "recovery-codes")
    page.get_by_role("link", name="I have saved them: continue").click()
    expect(page.get_by_role("heading", name="Where you are signed in")).to_be_visible()
    check(page, artifacts, "security")
    save_for_docs(page, "staff-security.png")

    page.get_by_role("button", name="Log out").click()
    sign_in_with_password(page, live_server.url)
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    check(page, artifacts, "verify")
    page.get_by_role("button", name="Use your passkey or security key").click()

    expect(page.get_by_role("link", name="Security")).to_be_visible()
    assert page.url == f"{live_server.url}/admin/"
    record = SignInRecord.objects.filter(user=staff_member).latest("at", "pk")
    assert (record.event, record.method) == (
        SignInRecord.Event.SIGNED_IN,
        SignInRecord.Method.PASSKEY,
    )

    # Where the site allows it, the passkey alone signs in: no password typed.
    settings.STAFF_ALLOW_PASSKEY_ONLY = True
    page.get_by_role("button", name="Log out").click()
    page.goto(f"{live_server.url}/admin/login/")
    check(page, artifacts, "login-with-passkey")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.get_by_role("link", name="Security")).to_be_visible()
    record = SignInRecord.objects.filter(user=staff_member).latest("at", "pk")
    assert record.method == SignInRecord.Method.PASSKEY_ALONE


def check_login(page: Page, live_server: LiveServer, artifacts: Path) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    check(page, artifacts, "login")


def test_an_authenticator_app_is_set_up_from_the_qr_code_while_signing_in(
    staff_page: Page,
    live_server: LiveServer,
    staff_member: User,
    passkeys_here: None,
    settings: Settings,
    artifacts: Path,
) -> None:
    settings.STAFF_REQUIRE_2FA = True
    page = staff_page
    sign_in_with_password(page, live_server.url)

    expect(page.get_by_role("heading", name="An authenticator app")).to_be_visible()
    qr_code = page.get_by_role("img", name="QR code to scan with your authenticator app")
    expect(qr_code).to_be_visible()
    check(page, artifacts, "enrol")
    save_for_docs(page, "staff-enrolment.png")
    app = TOTPDevice.objects.get(user=staff_member)
    shown = page.locator("#totp-key").inner_text().replace(" ", "")
    assert len(shown) == 32

    code = f"{hotp(app.bin_key, int(time.time() // 30)):06d}"
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    page.get_by_role("button", name="Make my recovery codes").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have saved them: continue").click()
    assert page.url == f"{live_server.url}/admin/"


def test_the_second_step_reads_well_in_russian(
    browser: Browser, live_server: LiveServer, staff_member: User, artifacts: Path
) -> None:
    TOTPDevice.objects.create(user=staff_member, name="Phone", confirmed=True)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="ru-RU")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/admin/login/")
        page.locator("#id_username").fill("editor")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("input[type=submit]").click()
        expect(page.locator("#verify-form")).to_be_visible()
        assert page.locator("html").get_attribute("lang") == "ru"
        check(page, artifacts, "verify-ru")
    finally:
        context.close()
