"""Staff sign-in through the admin's login page: throttled guessing, lockout, the record."""

import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from staff.lockout import counter_keys
from staff.models import Session, SignInFailureCount, SignInRecord
from tests.operations.test_degradation import on_postgresql
from tests.staff.conftest import LOGIN, NEXT, PASSWORD, is_signed_in

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str, **headers: Any) -> "TestResponse":
    return client.post(
        f"{LOGIN}?next={NEXT}", {"username": username, "password": password}, **headers
    )


def test_a_staff_member_without_a_second_factor_signs_in_with_a_password(
    client: Client, staff_member: User
) -> None:
    response = sign_in(client, "editor", PASSWORD, REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 302
    assert response["Location"] == NEXT
    assert is_signed_in(client)
    record = SignInRecord.objects.get(user=staff_member)
    assert (record.event, record.method, record.address) == (
        SignInRecord.Event.SIGNED_IN,
        SignInRecord.Method.PASSWORD,
        "198.51.100.4",
    )
    # The session's row knows whose it is and where it was signed in from.
    session = Session.objects.get(user=staff_member)
    assert session.address == "198.51.100.4"
    assert session.signed_in_at is not None


def test_wrong_passwords_are_recorded_for_the_account_but_unknown_names_are_not(
    client: Client, staff_member: User
) -> None:
    sign_in(client, "editor", "wrong")
    sign_in(client, "nobody", "editor's password typed in the wrong box")

    [record] = SignInRecord.objects.all()
    assert record.user == staff_member
    assert (record.event, record.method) == (
        SignInRecord.Event.REFUSED,
        SignInRecord.Method.PASSWORD,
    )


def test_repeated_failures_lock_the_account_out_even_with_the_right_password(
    client: Client, staff_member: User, settings: Settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_LOCKOUT_SECONDS = 600
    for _ in range(3):
        response = sign_in(client, "editor", "wrong")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.text

    response = sign_in(client, "editor", PASSWORD)

    assert response.status_code == 200
    assert "Too many failed sign-in attempts. Sign-in is locked for 10 minutes" in response.text
    assert not is_signed_in(client)
    # The lock is on the account, whatever address the guesser moves to.
    other_address = sign_in(Client(), "EDITOR", PASSWORD, REMOTE_ADDR="192.0.2.7")
    assert "Too many failed sign-in attempts" in other_address.text


def test_the_lockout_ends_when_its_time_is_up(
    client: Client, staff_member: User, settings: Settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.LOGIN_LOCKOUT_SECONDS = 1
    sign_in(client, "editor", "wrong")
    sign_in(client, "editor", "wrong")
    assert "Too many failed" in sign_in(client, "editor", PASSWORD).text
    time.sleep(1.1)
    assert sign_in(client, "editor", PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_locked_out(
    client: Client, staff_member: User, settings: Settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 4
    for number in range(4):
        sign_in(client, f"guess-{number}", "wrong", REMOTE_ADDR="198.51.100.9")

    locked = sign_in(client, "editor", PASSWORD, REMOTE_ADDR="198.51.100.9")
    assert "Too many failed sign-in attempts" in locked.text
    # Someone else, elsewhere, is not affected.
    assert sign_in(Client(), "editor", PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 302


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(
    client: Client, staff_member: User, settings: Settings
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 2
    # The guesser writes a fresh address of its own each time; the proxy appends the real one.
    for forged in ("10.0.0.1", "10.0.0.2"):
        sign_in(client, f"guess-{forged}", "wrong", HTTP_X_FORWARDED_FOR=f"{forged}, 198.51.100.9")
    locked = sign_in(client, "editor", PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.3, 198.51.100.9")
    assert "Too many failed sign-in attempts" in locked.text


def test_a_success_forgets_earlier_failures(
    client: Client, staff_member: User, settings: Settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    sign_in(client, "editor", "wrong")
    sign_in(client, "editor", "wrong")
    assert sign_in(client, "editor", PASSWORD).status_code == 302
    client.logout()
    sign_in(client, "editor", "wrong")
    sign_in(client, "editor", "wrong")
    assert sign_in(client, "editor", PASSWORD).status_code == 302


def test_sessions_end_at_the_configured_age(client: Client, staff_member: User) -> None:
    sign_in(client, "editor", PASSWORD)
    assert 0 < client.session.get_expiry_age() <= 8 * 60 * 60
    assert client.session.get_expire_at_browser_close()


def test_counts_that_ran_out_are_cleared_away(
    client: Client, staff_member: User, settings: Settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 2
    sign_in(client, "editor", "wrong")
    sign_in(client, "editor", "wrong")
    assert "Too many failed" in sign_in(client, "editor", PASSWORD).text

    # The lockout's time passes.
    SignInFailureCount.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    sign_in(Client(), "someone", "wrong", REMOTE_ADDR="203.0.113.5")

    (user_key, _), (address_key, _) = counter_keys("someone", "203.0.113.5")
    assert sorted(SignInFailureCount.objects.values_list("key", "failures")) == [
        (address_key, 1),
        (user_key, 1),
    ]
    assert sign_in(client, "editor", PASSWORD).status_code == 302


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_failures_sent_at_the_same_moment_are_each_counted() -> None:
    guesses = 8
    start = threading.Barrier(guesses)
    counted: list[int] = []

    def guess() -> None:
        try:
            start.wait()
            counted.append(
                SignInFailureCount.count_failure("user:guessed", 100, timedelta(minutes=15))
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(counted) == list(range(1, guesses + 1))
    assert SignInFailureCount.objects.get(key="user:guessed").failures == guesses


def test_when_second_factors_become_required_sessions_without_one_end(
    client: Client, staff_member: User, settings: Settings
) -> None:
    sign_in(client, "editor", PASSWORD)
    assert is_signed_in(client)
    settings.STAFF_REQUIRE_2FA = True

    response = client.get(NEXT, follow=True)

    assert response.redirect_chain[0][0] == f"{LOGIN}?next={NEXT}"
    assert "Your session has ended" in response.text
    assert not is_signed_in(client)
    assert not Session.objects.filter(user=staff_member).exists()
    # Signing in again now leads to setting a second factor up.
    assert sign_in(client, "editor", PASSWORD)["Location"] == "/admin/two-factor/enrol/"


def test_when_second_factors_are_optional_a_password_session_goes_on(
    admin_client: Client,
) -> None:
    assert admin_client.get("/admin/").status_code == 200


def require_2fa_with(**variables: str) -> str:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"STAFF_REQUIRE_2FA", "STAFF_REQUIRE_TOTP"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="true", **variables)
    show = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.STAFF_REQUIRE_2FA)"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", show],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()


def test_the_earlier_name_of_the_setting_still_works() -> None:
    assert require_2fa_with(STAFF_REQUIRE_TOTP="true") == "True"
    # The new name wins where both are given.
    assert require_2fa_with(STAFF_REQUIRE_TOTP="true", STAFF_REQUIRE_2FA="false") == "False"
