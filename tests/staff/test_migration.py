"""Authenticator apps set up before django-otp keep working after the migration."""

import time
from base64 import b32encode
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import EditorFactory
from tests.staff.conftest import NEXT, PASSWORD, VERIFY, is_signed_in, sign_in

BEFORE = ("staff", "0002_sign_in_failure_count")
SECRET = bytes(range(1, 21))  # what the old code kept as base32, and the app holds


def old_code(at: float) -> str:
    return f"{hotp(SECRET, int(at // 30)):06d}"


@pytest.fixture
def before_django_otp() -> Iterator[None]:
    call_command("migrate", *BEFORE, verbosity=0)
    yield
    call_command("migrate", "staff", verbosity=0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("staff_groups", "before_django_otp")
def test_an_app_set_up_before_signs_in_afterwards_and_its_last_code_stays_used() -> None:
    staff_member = EditorFactory(username="editor")
    staff_member.set_password(PASSWORD)
    staff_member.save()
    old_apps = MigrationLoader(connection).project_state(BEFORE).apps
    OldDevice = old_apps.get_model("staff", "TOTPDevice")
    now = time.time()
    last_step = int(now // 30)
    OldDevice.objects.create(
        user_id=staff_member.pk,
        secret=b32encode(SECRET).decode(),
        last_used_step=last_step,
    )

    call_command("migrate", "staff", verbosity=0)

    app = TOTPDevice.objects.get(user=staff_member)
    assert app.confirmed
    assert app.bin_key == SECRET
    assert app.last_t == last_step
    assert app.name == "Authenticator app"

    client = Client()
    assert sign_in(client)["Location"] == VERIFY
    # The code of the step used last, before the migration, is not accepted again.
    assert "already used" in client.post(VERIFY, {"code": old_code(now)}).text
    TOTPDevice.objects.filter(pk=app.pk).update(throttling_failure_timestamp=None)
    assert client.post(VERIFY, {"code": old_code(now + 30)})["Location"] == NEXT
    assert is_signed_in(client)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("staff_groups")
def test_going_back_copies_the_app_back() -> None:
    staff_member = EditorFactory(username="editor")
    TOTPDevice.objects.create(user=staff_member, key=SECRET.hex(), last_t=42, confirmed=True)

    call_command("migrate", *BEFORE, verbosity=0)
    try:
        old_apps = MigrationLoader(connection).project_state(BEFORE).apps
        old = old_apps.get_model("staff", "TOTPDevice").objects.get(user_id=staff_member.pk)
        assert old.secret == b32encode(SECRET).decode()
        assert old.last_used_step == 42
        assert not TOTPDevice.objects.exists(), "one copy of a key, not two"
    finally:
        call_command("migrate", "staff", verbosity=0)
    assert TOTPDevice.objects.get(user=staff_member).bin_key == SECRET
