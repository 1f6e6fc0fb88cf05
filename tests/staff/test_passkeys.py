"""Passkeys, as far as the server alone decides: who may begin, and what a refusal
counts. A real passkey registered and used in Chromium is in tests/browser."""

import json
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp_webauthn.models import WebAuthnCredential
from pytest_django.fixtures import Settings

from staff.models import SignInRecord
from tests.staff.conftest import VERIFY, sign_in

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db

BEGIN = "/admin/two-factor/passkey/begin/"
COMPLETE = "/admin/two-factor/passkey/complete/"
REGISTER_BEGIN = "/admin/two-factor/passkey/register/begin/"


def passkey_for(user: User) -> WebAuthnCredential:
    return WebAuthnCredential.objects.create(
        user=user,
        name="Laptop",
        credential_id=b"credential-of-" + user.username.encode(),
        public_key=b"not checked in these tests",
        aaguid="00000000-0000-0000-0000-000000000000",
    )


def post_json(client: Client, url: str, data: object) -> "TestResponse":
    return client.post(url, json.dumps(data), content_type="application/json")


def a_made_up_answer(credential_id: str = "Y3JlZGVudGlhbA") -> dict[str, object]:
    """What a browser sends back, signed by nobody."""
    return {
        "id": credential_id,
        "rawId": credential_id,
        "type": "public-key",
        "response": {
            "clientDataJSON": "e30",
            "authenticatorData": "AAAA",
            "signature": "AAAA",
            "userHandle": None,
        },
        "clientExtensionResults": {},
    }


def test_the_second_step_offers_the_passkey_and_asks_for_it_alone(
    client: Client, staff_member: User
) -> None:
    credential = passkey_for(staff_member)
    assert sign_in(client)["Location"] == VERIFY
    page = client.get(VERIFY)
    assert 'data-passkey="authenticate"' in page.text
    assert "Use your passkey or security key" in page.text

    options = post_json(client, BEGIN, {}).json()

    # Only this account's passkeys are asked for.
    assert [allowed["id"] for allowed in options["allowCredentials"]] == [
        "Y3JlZGVudGlhbC1vZi1lZGl0b3I"
    ]
    assert credential.credential_id == b"credential-of-editor"


def test_refused_passkeys_count_towards_the_lockout(
    client: Client, staff_member: User, settings: Settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    passkey_for(staff_member)
    sign_in(client)
    for _ in range(3):
        post_json(client, BEGIN, {})
        refused = post_json(client, COMPLETE, a_made_up_answer())
        assert refused.status_code in {403, 404, 422}
        assert "The passkey was not accepted" in refused.json()["detail"]

    locked = post_json(client, BEGIN, {})

    assert locked.status_code == 403
    assert "Too many failed sign-in attempts" in locked.json()["detail"]
    assert "Too many failed sign-in attempts" in sign_in(Client()).text
    assert (
        SignInRecord.objects.filter(
            user=staff_member, event=SignInRecord.Event.REFUSED, method=SignInRecord.Method.PASSKEY
        ).count()
        == 3
    )


def test_a_passkey_alone_is_refused_unless_the_site_allows_it(
    client: Client, staff_member: User, settings: Settings
) -> None:
    passkey_for(staff_member)
    assert 'id="passkey-sign-in"' not in client.get("/admin/login/").text
    refused = post_json(client, BEGIN, {})
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_allowed"

    settings.STAFF_ALLOW_PASSKEY_ONLY = True
    assert 'id="passkey-sign-in"' in client.get("/admin/login/").text
    options = post_json(client, BEGIN, {}).json()
    # Nobody is named yet: no passkey is listed, and the key must check its holder.
    assert options["allowCredentials"] == []
    assert options["userVerification"] == "required"


def test_unknown_passkeys_alone_are_counted_per_address(client: Client, settings: Settings) -> None:
    settings.STAFF_ALLOW_PASSKEY_ONLY = True
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 2
    for number in range(2):
        post_json(client, BEGIN, {})
        post_json(client, COMPLETE, a_made_up_answer(f"dW5rbm93bi0{number}"))

    assert post_json(client, BEGIN, {}).status_code == 403
    assert post_json(Client(REMOTE_ADDR="192.0.2.44"), BEGIN, {}).status_code == 200


def test_only_staff_register_passkeys(client: Client, staff_member: User) -> None:
    assert post_json(client, REGISTER_BEGIN, {}).status_code == 403

    sign_in(client)
    options = post_json(client, REGISTER_BEGIN, {}).json()
    assert options["rp"] == {"id": "localhost", "name": "Chorus"}
    assert options["user"]["name"] == "editor"


def test_a_passkey_is_added_only_soon_after_signing_in(client: Client, staff_member: User) -> None:
    sign_in(client)
    session = client.session
    session["staff_confirmed_at"] -= 60 * 60
    session.save()
    refused = post_json(client, REGISTER_BEGIN, {})
    assert refused.status_code == 403
    assert "Confirm your password" in refused.json()["detail"]


def test_a_passkey_begun_as_the_second_factor_does_not_sign_in_alone(
    client: Client, staff_member: User, settings: Settings
) -> None:
    """Without the password step it stands for, it must have checked its holder."""
    settings.STAFF_ALLOW_PASSKEY_ONLY = True
    passkey_for(staff_member)
    sign_in(client)
    assert post_json(client, BEGIN, {}).json()["userVerification"] == "discouraged"
    session = client.session
    session["staff_password_passed"]["at"] -= 10 * 60
    session.save()

    refused = post_json(client, COMPLETE, a_made_up_answer())

    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_state"
