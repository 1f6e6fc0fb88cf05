from importlib import import_module
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the JIT compiler is PostgreSQL's")
@pytest.mark.django_db
def test_sessions_of_the_database_start_with_the_jit_compiler_off() -> None:
    # The setting is the database's: a session opened after the migrations has it.
    fresh = connection.get_new_connection(connection.get_connection_params())
    try:
        with fresh.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone() == ("off",)
    finally:
        fresh.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the JIT compiler is PostgreSQL's")
@pytest.mark.django_db
def test_a_role_that_does_not_own_the_database_is_told_what_to_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    forward = import_module("campaigns.migrations.0017_postgresql_jit_off").forward
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE chorus_not_owner")
        cursor.execute("GRANT chorus_not_owner TO CURRENT_USER")
        cursor.execute("SET LOCAL ROLE chorus_not_owner")
    with connection.schema_editor(atomic=False) as editor:
        forward(None, editor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # the transaction goes on
        assert cursor.fetchone() == (1,)
    told = capsys.readouterr().err
    assert f'ALTER DATABASE "{connection.settings_dict["NAME"]}" SET jit = off;' in told
