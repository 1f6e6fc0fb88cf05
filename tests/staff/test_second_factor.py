"""The second factor, end to end through the pages a staff member sees."""

import re
import time
from typing import TYPE_CHECKING

import pyotp
import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from staff.models import TOTPDevice
from tests.factories import EditorFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db

PASSWORD = "a-correct-horse-battery-staple"
ENROL = "/admin/two-factor/enrol/"
VERIFY = "/admin/two-factor/verify/"


@pytest.fixture
def staff_member() -> User:
    user = EditorFactory(username="editor")
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client: Client) -> "TestResponse":
    return client.post(
        "/admin/login/?next=/admin/campaigns/statement/",
        {"username": "editor", "password": PASSWORD},
    )


def is_signed_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def secret_shown(response: "TestResponse") -> str:
    match = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', response.text)
    assert match, "the enrolment page shows the secret"
    return match.group(1)


def test_a_signed_in_staff_member_sets_up_an_app_and_is_asked_for_codes_afterwards(
    client: Client, staff_member: User
) -> None:
    assert sign_in(client).status_code == 302
    page = client.get(ENROL)
    assert page.status_code == 200
    secret = secret_shown(page)
    assert f"otpauth://totp/Chorus:editor?secret={secret}" in page.text

    wrong = client.post(
        ENROL, {"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"}
    )
    assert "That code does not match" in wrong.text
    assert not TOTPDevice.objects.filter(user=staff_member).exists()

    done = client.post(ENROL, {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302
    assert TOTPDevice.objects.get(user=staff_member).secret == secret

    client.logout()
    password_step = sign_in(client)
    assert password_step["Location"] == VERIFY
    # The password alone does not sign in.
    assert not is_signed_in(client)

    bad_code = client.post(VERIFY, {"code": "12345"})
    assert "Enter the six digits" in bad_code.text
    assert not is_signed_in(client)

    # A code from the step before (a phone's clock running slow) is accepted.
    late_code = pyotp.TOTP(secret).at(time.time() - 30)
    finished = client.post(VERIFY, {"code": late_code})
    assert finished.status_code == 302
    assert finished["Location"] == "/admin/campaigns/statement/"
    assert is_signed_in(client)


def test_a_code_is_accepted_once(client: Client, staff_member: User) -> None:
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=staff_member, secret=secret)
    code = pyotp.TOTP(secret).now()
    sign_in(client)
    assert client.post(VERIFY, {"code": code}).status_code == 302

    replay = Client()
    sign_in(replay)
    response = replay.post(VERIFY, {"code": code})
    assert "That code is not right, or was already used" in response.text
    assert not is_signed_in(replay)


def test_wrong_codes_count_towards_the_lockout(
    client: Client, staff_member: User, settings: Settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=staff_member, secret=secret)
    sign_in(client)
    current = pyotp.TOTP(secret)
    wrong = next(
        code
        for code in ("123456", "654321", "111111")
        if code not in {current.at(time.time() + offset) for offset in (-30, 0, 30)}
    )
    for _ in range(3):
        client.post(VERIFY, {"code": wrong})

    response = client.post(VERIFY, {"code": current.now()})
    assert "Too many failed sign-in attempts" in response.text
    assert not is_signed_in(client)


def test_the_code_step_expires(client: Client, staff_member: User) -> None:
    TOTPDevice.objects.create(user=staff_member, secret=pyotp.random_base32())
    sign_in(client)
    session = client.session
    session["staff_password_passed"]["at"] -= 10 * 60
    session.save()
    response = client.post(VERIFY, {"code": "123456"}, follow=True)
    assert response.redirect_chain[0][0] == "/admin/login/"
    assert "Your sign-in took too long" in response.text


def test_when_required_a_staff_member_without_an_app_must_set_one_up_to_sign_in(
    client: Client, staff_member: User, settings: Settings
) -> None:
    settings.STAFF_REQUIRE_TOTP = True
    response = sign_in(client)
    assert response["Location"] == ENROL
    assert not is_signed_in(client)

    page = client.get(ENROL)
    assert "must confirm each sign-in" in page.text
    secret = secret_shown(page)
    done = client.post(ENROL, {"code": pyotp.TOTP(secret).now()})

    assert done["Location"] == "/admin/campaigns/statement/"
    assert is_signed_in(client)
    assert TOTPDevice.objects.filter(user=staff_member).exists()


def test_enrolment_is_not_open_to_visitors(client: Client) -> None:
    response = client.get(ENROL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get(VERIFY)["Location"] == "/admin/login/"


def test_the_device_admin_lists_devices_without_their_secret(
    admin_client: Client, staff_member: User
) -> None:
    device = TOTPDevice.objects.create(user=staff_member, secret="SECRETVALUESECRETVALUESECRETVALU")
    changelist = admin_client.get("/admin/staff/totpdevice/")
    change = admin_client.get(f"/admin/staff/totpdevice/{device.pk}/change/")
    assert changelist.status_code == change.status_code == 200
    assert "editor" in changelist.text
    assert "SECRETVALUE" not in changelist.text + change.text
    assert admin_client.get("/admin/staff/totpdevice/add/").status_code == 403
