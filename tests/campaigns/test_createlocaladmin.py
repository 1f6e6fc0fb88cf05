from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import override_settings

from campaigns.management.commands import createlocaladmin

pytestmark = pytest.mark.django_db


def run(**options: str) -> str:
    out = StringIO()
    call_command("createlocaladmin", stdout=out, **options)
    return out.getvalue()


@override_settings(DEBUG=True)
def test_the_local_admin_is_created_once_and_its_login_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(createlocaladmin, "PASSWORD_FILE", tmp_path / "password")

    first = run(site="http://127.0.0.1:8011")
    second = run()

    password = (tmp_path / "password").read_text().strip()
    assert "Created the local admin account." in first
    assert "http://127.0.0.1:8011/admin/" in first
    assert "Reusing the local admin account." in second
    assert f"Password: {password}" in first
    assert f"Password: {password}" in second
    user = authenticate(username="admin", password=password)
    assert user is not None and user.is_superuser and user.is_staff
    assert user.groups.filter(name="Editors").exists()


def test_it_refuses_to_run_outside_local_development() -> None:
    with pytest.raises(CommandError, match="local development only"):
        run()
