"""What administrators see and do: the sign-in record, and resetting second factors."""

from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks

from staff.models import Session, SignInRecord
from tests.admin_pages import registered_models
from tests.factories import EditorFactory
from tests.staff.conftest import app_for, is_signed_in, sign_in

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db

RECORDS = "/admin/staff/signinrecord/"
USERS = "/admin/auth/user/"


def test_only_the_record_is_in_the_admin_and_no_one_s_secrets() -> None:
    assert registered_models("staff") == {SignInRecord}
    assert not registered_models("otp_totp")
    assert not registered_models("otp_static")
    assert not registered_models("django_otp_webauthn")


def test_failed_sign_ins_are_listed_per_account(
    admin_client: Client, staff_member: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    colleague = EditorFactory(username="colleague")
    for _ in range(3):
        sign_in(Client(REMOTE_ADDR="203.0.113.66"), password="wrong")
    sign_in(Client())
    SignInRecord.objects.create(user=colleague, event=SignInRecord.Event.REFUSED)

    with django_assert_num_queries(6):
        # 1 session, 2 user (a superuser: no permissions to read), 3 the accounts that
        # have records (the filter's choices), 4 count, 5 count of all, 6 the page with
        # the accounts and who did it
        page = admin_client.get(f"{RECORDS}?user__id__exact={staff_member.pk}&event__exact=refused")

    assert page.status_code == 200
    assert page.text.count("203.0.113.66") == 3
    assert "colleague" in page.text  # as a choice of the filter, not a row
    assert page.context["cl"].result_count == 3


def test_a_record_is_read_not_written(admin_client: Client, staff_member: User) -> None:
    sign_in(Client())
    record = SignInRecord.objects.get()
    assert admin_client.get(f"{RECORDS}{record.pk}/change/").status_code == 200
    assert admin_client.get(f"{RECORDS}add/").status_code == 403
    assert admin_client.post(f"{RECORDS}{record.pk}/delete/").status_code == 403


def test_the_user_page_shows_second_factors_without_their_secrets(
    admin_client: Client, staff_member: User
) -> None:
    app = app_for(staff_member)
    assert admin_client.get(USERS).status_code == 200
    page = admin_client.get(f"{USERS}{staff_member.pk}/change/")
    assert page.status_code == 200
    assert "Phone — never used" in page.text
    assert app.key not in page.text


def reset(client: Client, *users: User, apply: bool) -> "TestResponse":
    data: dict[str, object] = {
        "action": "reset_second_factors",
        "_selected_action": [user.pk for user in users],
    }
    if apply:
        data["apply"] = "yes"
    return client.post(USERS, data)


def test_an_administrator_resets_a_staff_member_s_second_factors(
    admin_client: Client,
    staff_member: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    app_for(staff_member)
    StaticDevice.objects.create(user=staff_member, name="Recovery codes")
    their_session = Client()
    their_session.force_login(staff_member)

    asked = reset(admin_client, staff_member, apply=False)
    assert "Every passkey, authenticator app and recovery code" in asked.text
    assert TOTPDevice.objects.filter(user=staff_member).exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = reset(admin_client, staff_member, apply=True)

    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff_member).exists()
    assert not StaticDevice.objects.filter(user=staff_member).exists()
    assert not Session.objects.filter(user=staff_member).exists()
    assert not is_signed_in(their_session)
    record = SignInRecord.objects.get(user=staff_member)
    assert record.event == SignInRecord.Event.FACTORS_RESET
    assert record.by is not None and record.by.username == "admin"
    [message] = mail.outbox
    assert message.to == ["editor@example.org"]
    assert "An administrator (admin)" in message.body
    # The record shows it in the admin.
    assert "Second factors reset by an administrator" in admin_client.get(RECORDS).text
    # Next time, the password alone signs in (or leads to setting a factor up).
    assert sign_in(Client())["Location"] == "/admin/campaigns/statement/"


def test_resetting_needs_its_own_permission(staff_member: User) -> None:
    colleague = EditorFactory(username="colleague")
    app_for(colleague)
    staff_member.user_permissions.add(
        Permission.objects.get(codename="change_user"),
        Permission.objects.get(codename="view_user"),
    )
    client = Client()
    client.force_login(staff_member)
    assert "reset_second_factors" not in client.get(USERS).text
    reset(client, colleague, apply=True)
    assert TOTPDevice.objects.filter(user=colleague).exists()

    staff_member.user_permissions.add(Permission.objects.get(codename="reset_second_factors"))
    assert "reset_second_factors" in client.get(USERS).text
    reset(client, colleague, apply=True)
    assert not TOTPDevice.objects.filter(user=colleague).exists()


def test_an_administrator_does_not_reset_their_own(admin_client: Client) -> None:
    admin = User.objects.get(username="admin")
    app_for(admin)
    response = reset(admin_client, admin, apply=False)
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=admin).exists()
    told = admin_client.get(USERS)
    assert "Your own second factors are changed on your security page" in told.text
