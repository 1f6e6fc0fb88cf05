"""An authenticator app as the second factor, end to end through the pages staff see."""

import time
from base64 import b32decode

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks, Settings

from staff.factors import is_verified
from staff.models import SignInRecord
from tests.staff.conftest import (
    ENROL,
    LOGIN,
    NEXT,
    RECOVERY_CODES,
    VERIFY,
    app_for,
    code,
    is_signed_in,
    key_shown,
    sign_in,
    wrong_code,
)

pytestmark = pytest.mark.django_db


def test_a_staff_member_scans_the_qr_code_and_the_first_code_sets_the_app_up(
    client: Client,
    staff_member: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    assert sign_in(client)["Location"] == NEXT
    page = client.get(ENROL)

    assert page.status_code == 200
    # The QR code is drawn into the page itself, as SVG: no image from elsewhere.
    assert '<svg role="img" class="qr-code"' in page.text
    assert "<title>QR code to scan with your authenticator app</title>" in page.text
    assert "<img" not in page.text.split('id="content-main"')[1]
    # The key is shown too, in groups of four, for those who cannot scan.
    shown = key_shown(page)
    assert len(shown) == 32
    assert "otpauth://totp/Chorus%3Aeditor?secret=" + shown in page.text
    app = TOTPDevice.objects.get(user=staff_member)
    assert not app.confirmed, "not asked for at sign-in until a first code proves it"
    assert b32decode(shown) == app.bin_key

    wrong = client.post(ENROL, {"code": wrong_code(app)})
    assert "That code does not match" in wrong.text
    app.refresh_from_db()
    assert not app.confirmed

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(ENROL, {"code": code(app)})
    # Recovery codes come next, for an account that has none.
    assert done["Location"] == f"{RECOVERY_CODES}?next=/admin/security/"
    app.refresh_from_db()
    assert app.confirmed
    assert SignInRecord.objects.filter(
        user=staff_member, event=SignInRecord.Event.FACTOR_ADDED
    ).exists()
    # Told by e-mail, in case it was someone who knows the password.
    [message] = mail.outbox
    assert "“Authenticator app” was added" in message.body

    # From now on the password alone does not sign in.
    client.logout()
    assert sign_in(client)["Location"] == VERIFY
    assert not is_signed_in(client)
    # The code that set the app up was used: the next one is needed.
    assert "already used" in client.post(VERIFY, {"code": code(app)}).text
    # A moment later (the wrong code made django-otp ask for a short wait):
    TOTPDevice.objects.filter(pk=app.pk).update(throttling_failure_timestamp=None)
    finished = client.post(VERIFY, {"code": code(app, time.time() + 30)})
    assert finished["Location"] == NEXT
    assert is_signed_in(client)


def test_a_code_from_a_phone_whose_clock_is_a_step_slow_is_accepted(
    client: Client, staff_member: User
) -> None:
    app = app_for(staff_member)
    sign_in(client)
    assert client.post(VERIFY, {"code": "12345"}).context["form"].errors["code"] == [
        "Enter the six digits your app shows."
    ]
    assert not is_signed_in(client)

    finished = client.post(VERIFY, {"code": code(app, time.time() - 30)})

    assert finished["Location"] == NEXT
    assert is_signed_in(client)
    record = SignInRecord.objects.get(user=staff_member, event=SignInRecord.Event.SIGNED_IN)
    assert record.method == SignInRecord.Method.AUTHENTICATOR_APP
    assert record.detail == "Phone"
    app.refresh_from_db()
    assert app.last_used_at is not None


def test_a_code_is_accepted_once(client: Client, staff_member: User) -> None:
    app = app_for(staff_member)
    current = code(app)
    sign_in(client)
    assert client.post(VERIFY, {"code": current})["Location"] == NEXT

    replay = Client()
    sign_in(replay)
    response = replay.post(VERIFY, {"code": current})
    assert "That code is not right, or was already used" in response.text
    assert not is_signed_in(replay)


def test_wrong_codes_count_towards_the_lockout(
    client: Client, staff_member: User, settings: Settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    # django-otp's own wait after a wrong code is off here, to reach the lockout.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    app = app_for(staff_member)
    sign_in(client)
    for _ in range(3):
        assert "not right" in client.post(VERIFY, {"code": wrong_code(app)}).text

    response = client.post(VERIFY, {"code": code(app)})

    assert "Too many failed sign-in attempts" in response.text
    assert not is_signed_in(client)
    # And the password step is locked for the account too.
    assert "Too many failed sign-in attempts" in sign_in(Client()).text
    refused = SignInRecord.objects.filter(user=staff_member).refused()
    assert [record.event for record in refused.order_by("at", "pk")] == [
        *[SignInRecord.Event.REFUSED] * 3,
        SignInRecord.Event.LOCKED_OUT,
        SignInRecord.Event.LOCKED_OUT,
    ]


def test_after_a_wrong_code_the_app_makes_the_next_try_wait(
    client: Client, staff_member: User
) -> None:
    app = app_for(staff_member)
    sign_in(client)
    client.post(VERIFY, {"code": wrong_code(app)})

    # django-otp's throttle: a second after the wrong one, even the right code waits.
    response = client.post(VERIFY, {"code": code(app)})
    assert "wait a few seconds" in response.text
    TOTPDevice.objects.filter(pk=app.pk).update(throttling_failure_timestamp=None)
    assert client.post(VERIFY, {"code": code(app)})["Location"] == NEXT


def test_the_second_step_expires(client: Client, staff_member: User) -> None:
    app_for(staff_member)
    sign_in(client)
    session = client.session
    session["staff_password_passed"]["at"] -= 10 * 60
    session.save()
    response = client.post(VERIFY, {"code": "123456"}, follow=True)
    assert response.redirect_chain[0][0] == LOGIN
    assert "Your sign-in took too long" in response.text


def test_when_required_a_staff_member_without_a_factor_sets_one_up_to_sign_in(
    client: Client, staff_member: User, settings: Settings
) -> None:
    settings.STAFF_REQUIRE_2FA = True
    assert sign_in(client)["Location"] == ENROL
    assert not is_signed_in(client)

    page = client.get(ENROL)
    assert "confirm each sign-in with a second factor" in page.text
    # No way around the page: half-way, there is nothing else to reach.
    assert 'href="/admin/security/"' not in page.text
    app = TOTPDevice.objects.get(user=staff_member)
    done = client.post(ENROL, {"code": code(app)})

    assert done["Location"] == f"{RECOVERY_CODES}?next={NEXT}"
    assert is_signed_in(client)
    # A second factor confirmed the session (django-otp says so to every view).
    assert is_verified(client.get("/admin/").wsgi_request.user)


def test_half_way_through_sign_in_an_account_with_a_factor_cannot_add_another(
    client: Client, staff_member: User
) -> None:
    app_for(staff_member)
    sign_in(client)
    assert client.get(ENROL)["Location"] == VERIFY
    assert TOTPDevice.objects.filter(user=staff_member).count() == 1


def test_enrolment_and_the_second_step_are_not_open_to_visitors(client: Client) -> None:
    response = client.get(ENROL)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert client.get(VERIFY)["Location"] == LOGIN


def test_a_session_signed_in_without_the_factor_cannot_add_one(
    client: Client, staff_member: User
) -> None:
    """A session from before the app was set up (or a stolen one) must sign in with the
    app before changing how the account signs in."""
    client.force_login(staff_member)
    app_for(staff_member)
    response = client.get(ENROL, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/security/"
    assert "sign out and sign in again with one of them" in response.text
    assert TOTPDevice.objects.filter(user=staff_member).count() == 1


def test_adding_a_factor_long_after_signing_in_asks_for_the_password_again(
    client: Client, staff_member: User
) -> None:
    sign_in(client)
    session = client.session
    session["staff_confirmed_at"] -= 60 * 60
    session.save()

    asked = client.get(ENROL)
    assert asked["Location"] == f"/admin/security/confirm/?next={ENROL}"
    assert "That is not your password" in client.post(asked["Location"], {"password": "no"}).text
    confirmed = client.post(asked["Location"], {"password": "a-correct-horse-battery-staple"})
    assert confirmed["Location"] == ENROL
    assert client.get(ENROL).status_code == 200
