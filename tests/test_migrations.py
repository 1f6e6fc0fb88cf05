from io import StringIO

import pytest
from django.core.management import call_command

from campaigns.models import PublicContentVersion


@pytest.mark.django_db
def test_models_and_migrations_agree() -> None:
    out = StringIO()
    # Exits non-zero (SystemExit) when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_the_content_number_has_its_row_from_the_start() -> None:
    # Made by a migration, so that no first request after a deployment has to make it.
    assert list(PublicContentVersion.objects.values_list("pk", "number")) == [(1, 0)]
