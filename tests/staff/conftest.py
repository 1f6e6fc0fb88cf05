"""A staff member with a password, the steps of signing in, and codes from their app."""

import re
import time
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import EditorFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

PASSWORD = "a-correct-horse-battery-staple"
LOGIN = "/admin/login/"
VERIFY = "/admin/two-factor/verify/"
RECOVERY = "/admin/two-factor/recovery-code/"
ENROL = "/admin/two-factor/enrol/"
SECURITY = "/admin/security/"
RECOVERY_CODES = "/admin/security/recovery-codes/"
CONFIRM = "/admin/security/confirm/"
NEXT = "/admin/campaigns/statement/"


@pytest.fixture
def staff_member(db: None) -> User:
    user = EditorFactory(username="editor", email="editor@example.org")
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client: Client, username: str = "editor", password: str = PASSWORD) -> "TestResponse":
    return client.post(f"{LOGIN}?next={NEXT}", {"username": username, "password": password})


def is_signed_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def code(app: TOTPDevice, at: float | None = None) -> str:
    """The code the staff member's app shows at a time (now by default)."""
    step = int(((time.time() if at is None else at) - app.t0) // app.step)
    return f"{hotp(app.bin_key, step, digits=app.digits):0{app.digits}d}"


def wrong_code(app: TOTPDevice) -> str:
    """Six digits that no code accepted around now is."""
    near = {code(app, time.time() + offset) for offset in (-60, -30, 0, 30, 60)}
    return next(guess for guess in ("123456", "654321", "111111", "222222") if guess not in near)


def app_for(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def key_shown(response: "TestResponse") -> str:
    match = re.search(r'<code class="totp-key" id="totp-key">([A-Z2-7 ]+)</code>', response.text)
    assert match, "the enrolment page shows the key"
    return match.group(1).replace(" ", "")


def codes_shown(response: "TestResponse") -> list[str]:
    return re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", response.text)
