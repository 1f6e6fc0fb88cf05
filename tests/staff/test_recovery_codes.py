"""Recovery codes: ten, shown once, each good for one sign-in, and told about by e-mail."""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks, Settings

from staff.models import SignInRecord
from tests.staff.conftest import (
    NEXT,
    RECOVERY,
    RECOVERY_CODES,
    SECURITY,
    VERIFY,
    app_for,
    code,
    codes_shown,
    is_signed_in,
    sign_in,
)

pytestmark = pytest.mark.django_db

FIREFOX_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
)


def make_codes(client: Client) -> list[str]:
    response = client.post(RECOVERY_CODES)
    assert response.status_code == 200
    return codes_shown(response)


@pytest.fixture
def signed_in_with_app(client: Client, staff_member: User) -> Client:
    app = app_for(staff_member)
    sign_in(client)
    assert client.post(VERIFY, {"code": code(app)})["Location"] == NEXT
    return client


def test_ten_codes_are_shown_once_and_kept_for_checking(
    signed_in_with_app: Client, staff_member: User
) -> None:
    client = signed_in_with_app
    page = client.get(f"{RECOVERY_CODES}?next={NEXT}")
    assert "Make my recovery codes" in page.text
    assert codes_shown(page) == []

    made = client.post(f"{RECOVERY_CODES}?next={NEXT}")
    codes = codes_shown(made)

    assert len(set(codes)) == 10
    assert "shown only this once" in made.text
    assert f'href="{NEXT}"' in made.text
    stored = set(
        StaticToken.objects.filter(device__user=staff_member).values_list("token", flat=True)
    )
    assert stored == {code.replace("-", "") for code in codes}
    # Never shown again: the page afterwards only counts them.
    again = client.get(RECOVERY_CODES)
    assert codes_shown(again) == []
    assert "You have 10 unused recovery codes." in again.text
    assert (
        SignInRecord.objects.filter(
            user=staff_member, event=SignInRecord.Event.RECOVERY_CODES_MADE
        ).count()
        == 1
    )


def test_a_recovery_code_signs_in_once_and_is_refused_after(
    signed_in_with_app: Client,
    staff_member: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    recovery_code = make_codes(signed_in_with_app)[0]
    client = Client(HTTP_USER_AGENT=FIREFOX_ON_WINDOWS)
    assert sign_in(client)["Location"] == VERIFY
    page = client.get(VERIFY)
    assert "Use a recovery code" in page.text

    # Typed as read from paper, in capitals and with a space.
    with django_capture_on_commit_callbacks(execute=True):
        used = client.post(RECOVERY, {"recovery_code": recovery_code.upper().replace("-", " ")})

    assert used["Location"] == NEXT
    assert is_signed_in(client)
    record = SignInRecord.objects.filter(user=staff_member).latest("at", "pk")
    assert record.event == SignInRecord.Event.SIGNED_IN
    assert record.method == SignInRecord.Method.RECOVERY_CODE
    assert record.browser == "Firefox 128 on Windows"
    # The staff member is told, with where from and how many codes are left.
    [message] = mail.outbox
    assert message.to == ["editor@example.org"]
    assert "recovery code" in message.subject
    assert "127.0.0.1 (Firefox 128 on Windows)" in message.body
    assert "You have 9 recovery codes left." in message.body

    for _attempt in range(2):
        StaticDevice.objects.filter(user=staff_member).update(throttling_failure_timestamp=None)
        again = Client()
        sign_in(again)
        refused = again.post(RECOVERY, {"recovery_code": recovery_code})
        assert refused.status_code == 200
        assert "not one of your recovery codes, or it was used" in refused.text
        assert not is_signed_in(again)
    refusals = SignInRecord.objects.filter(user=staff_member).refused()
    assert [(r.event, r.method) for r in refusals] == [
        (SignInRecord.Event.REFUSED, SignInRecord.Method.RECOVERY_CODE)
    ] * 2
    assert len(mail.outbox) == 1


def test_new_codes_replace_the_old_ones(signed_in_with_app: Client, staff_member: User) -> None:
    old = make_codes(signed_in_with_app)
    new = make_codes(signed_in_with_app)
    assert not set(old) & set(new)

    client = Client()
    sign_in(client)
    assert "not one of your recovery codes" in client.post(RECOVERY, {"recovery_code": old[0]}).text
    StaticDevice.objects.filter(user=staff_member).update(throttling_failure_timestamp=None)
    assert client.post(RECOVERY, {"recovery_code": new[0]})["Location"] == NEXT


def test_wrong_recovery_codes_count_towards_the_lockout(
    signed_in_with_app: Client, staff_member: User, settings: Settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    codes = make_codes(signed_in_with_app)
    client = Client()
    sign_in(client)
    for guess in ("aaaa-aaaa", "bbbb-bbbb", "cccc-cccc"):
        client.post(RECOVERY, {"recovery_code": guess})

    locked = client.post(RECOVERY, {"recovery_code": codes[0]})

    assert "Too many failed sign-in attempts" in locked.text
    assert not is_signed_in(client)
    assert StaticToken.objects.filter(device__user=staff_member).count() == 10, "not used up"


def test_without_an_e_mail_address_nobody_is_written_to(
    signed_in_with_app: Client,
    staff_member: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    recovery_code = make_codes(signed_in_with_app)[0]
    User.objects.filter(pk=staff_member.pk).update(email="")
    client = Client()
    sign_in(client)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert client.post(RECOVERY, {"recovery_code": recovery_code})["Location"] == NEXT
    assert callbacks == []
    assert mail.outbox == []


def test_codes_are_made_only_for_an_account_with_a_factor(
    client: Client, staff_member: User
) -> None:
    client.force_login(staff_member)
    response = client.post(RECOVERY_CODES)
    assert response["Location"] == SECURITY
    assert not StaticToken.objects.exists()


def test_without_recovery_codes_the_second_step_does_not_offer_them(
    client: Client, staff_member: User
) -> None:
    app_for(staff_member)
    sign_in(client)
    assert "Use a recovery code" not in client.get(VERIFY).text
