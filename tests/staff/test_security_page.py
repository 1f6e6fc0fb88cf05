"""The security page: a staff member's own sign-ins, sessions and second factors."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from staff.factors import is_verified
from staff.models import Session, SignInRecord
from tests.factories import EditorFactory
from tests.staff.conftest import (
    NEXT,
    PASSWORD,
    RECOVERY_CODES,
    SECURITY,
    VERIFY,
    app_for,
    code,
    is_signed_in,
    sign_in,
)

pytestmark = pytest.mark.django_db

CHROME_ON_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
SAFARI_ON_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15"
)


def session_handles(page_text: str) -> list[str]:
    return re.findall(r'name="session" value="([0-9a-f]{32})"', page_text)


def test_the_admin_links_to_the_security_page(admin_client: Client) -> None:
    assert f'href="{SECURITY}">Security</a>' in admin_client.get("/admin/").text


def test_sign_ins_and_sessions_are_listed_and_another_session_can_be_ended(
    staff_member: User,
) -> None:
    laptop = Client(HTTP_USER_AGENT=SAFARI_ON_MAC, REMOTE_ADDR="198.51.100.20")
    phone = Client(HTTP_USER_AGENT=CHROME_ON_ANDROID, REMOTE_ADDR="203.0.113.7")
    sign_in(laptop)
    sign_in(phone)
    sign_in(Client(REMOTE_ADDR="192.0.2.99"), password="wrong")

    page = laptop.get(SECURITY)

    assert page.status_code == 200
    sessions = page.text.split('id="sessions-heading"')[1].split('id="sign-ins-heading"')[0]
    assert "Safari 17 on macOS (this session)" in sessions
    assert "Chrome 131 on Android" in sessions
    assert "203.0.113.7" in sessions
    sign_ins = page.text.split('id="sign-ins-heading"')[1]
    assert sign_ins.count("Signed in") == 2
    assert "Refused" in sign_ins
    assert "192.0.2.99" in sign_ins
    # One button ends the phone's session; the laptop's own has none.
    [phone_handle] = session_handles(page.text)

    ended = laptop.post("/admin/security/sessions/end/", {"session": phone_handle}, follow=True)

    assert "1 session ended." in ended.text
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)
    assert Session.objects.filter(user=staff_member).count() == 1
    assert SignInRecord.objects.filter(
        user=staff_member, event=SignInRecord.Event.SESSIONS_ENDED
    ).exists()


def test_all_other_sessions_end_at_once_and_nobody_else_s(staff_member: User) -> None:
    mine = [Client() for _ in range(3)]
    for client in mine:
        sign_in(client)
    colleague = EditorFactory(username="colleague")
    colleague.set_password(PASSWORD)
    colleague.save()
    someone_else = Client()
    sign_in(someone_else, username="colleague")

    mine[0].post("/admin/security/sessions/end/", {"session": "others"})

    assert [is_signed_in(client) for client in mine] == [True, False, False]
    assert is_signed_in(someone_else)


def test_a_session_of_someone_else_cannot_be_ended(staff_member: User) -> None:
    colleague = EditorFactory(username="colleague")
    theirs = Client()
    theirs.force_login(colleague)
    their_handle = Session.objects.get(user=colleague).handle
    mine = Client()
    sign_in(mine)

    mine.post("/admin/security/sessions/end/", {"session": their_handle})

    assert is_signed_in(theirs)


def test_the_page_costs_the_same_few_queries_however_long_the_record(
    client: Client, staff_member: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    app = app_for(staff_member)
    sign_in(client)
    client.post(VERIFY, {"code": code(app)})
    for _ in range(30):
        SignInRecord.objects.create(user=staff_member, event=SignInRecord.Event.SIGNED_IN)
    with django_assert_num_queries(10):
        # 1 the session, 2 the user, 3 the app that confirmed the session, 4 sessions,
        # 5-6 the user's and their groups' permissions (the admin's sidebar), 7 apps,
        # 8 passkeys, 9 recovery codes left, 10 sign-ins (the latest 20)
        page = client.get(SECURITY)
    assert page.text.count("<tr>") + page.text.count('<tr class="this-session">') >= 20


def test_a_factor_is_renamed_and_removed_with_the_password(
    client: Client, staff_member: User
) -> None:
    app = app_for(staff_member)
    spare = TOTPDevice.objects.create(user=staff_member, name="Old phone", confirmed=True)
    sign_in(client)
    client.post(VERIFY, {"code": code(app)})
    page = client.get(SECURITY)
    assert "Old phone" in page.text

    client.post(f"/admin/security/app/{spare.pk}/rename/", {"name": "Tablet"})
    spare.refresh_from_db()
    assert spare.name == "Tablet"
    assert "Tablet" in client.get(SECURITY).text

    remove = f"/admin/security/app/{spare.pk}/remove/"
    assert "Your password" in client.get(remove).text
    refused = client.post(remove, {"password": "not-it"})
    assert "That is not your password" in refused.text
    assert TOTPDevice.objects.filter(pk=spare.pk).exists()

    removed = client.post(remove, {"password": PASSWORD})
    assert removed["Location"] == SECURITY
    assert not TOTPDevice.objects.filter(pk=spare.pk).exists()
    assert SignInRecord.objects.filter(
        user=staff_member, event=SignInRecord.Event.FACTOR_REMOVED, detail="Tablet"
    ).exists()


def test_removing_the_last_factor_takes_the_recovery_codes_with_it(
    client: Client, staff_member: User
) -> None:
    app = app_for(staff_member)
    sign_in(client)
    client.post(VERIFY, {"code": code(app)})
    client.post(RECOVERY_CODES)
    remove = f"/admin/security/app/{app.pk}/remove/"
    assert "your recovery codes go with it" in client.get(remove).text

    client.post(remove, {"password": PASSWORD})

    assert not StaticDevice.objects.filter(user=staff_member).exists()
    client.logout()
    assert sign_in(client)["Location"] == NEXT, "the password alone again"


def test_when_required_the_last_factor_stays(
    client: Client, staff_member: User, settings: Settings
) -> None:
    app = app_for(staff_member)
    sign_in(client)
    client.post(VERIFY, {"code": code(app)})
    settings.STAFF_REQUIRE_2FA = True
    response = client.post(f"/admin/security/app/{app.pk}/remove/", {"password": PASSWORD})
    assert response["Location"] == SECURITY
    assert TOTPDevice.objects.filter(pk=app.pk).exists()


def test_nobody_renames_or_removes_another_person_s_factor(
    client: Client, staff_member: User
) -> None:
    theirs = app_for(EditorFactory(username="colleague"))
    client.force_login(staff_member)
    assert client.post(f"/admin/security/app/{theirs.pk}/rename/", {"name": "x"}).status_code == 404
    assert client.get(f"/admin/security/app/{theirs.pk}/remove/").status_code == 404
    assert client.get(f"/admin/security/printer/{theirs.pk}/remove/").status_code == 404


def test_adding_a_first_factor_ends_the_sessions_signed_in_with_the_password_alone(
    staff_member: User,
) -> None:
    """One of them may be whoever stole the password."""
    mine, theirs = Client(), Client()
    sign_in(mine)
    sign_in(theirs)
    mine.get("/admin/two-factor/enrol/")
    app = TOTPDevice.objects.get(user=staff_member)

    mine.post("/admin/two-factor/enrol/", {"code": code(app)})

    assert not is_signed_in(theirs)
    assert is_signed_in(mine)
    assert is_verified(mine.get(SECURITY).wsgi_request.user)


def test_the_security_page_is_for_signed_in_staff(client: Client) -> None:
    assert client.get(SECURITY)["Location"].startswith("/admin/login/")
