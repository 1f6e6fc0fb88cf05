"""The backup drill: `make backup` of a database with the demo data, `make restore` of
that file into a fresh database, and every table the same, row for row."""

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from psycopg2 import sql

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="backups are PostgreSQL dumps: the drill needs DATABASE_URL set to PostgreSQL",
    ),
    pytest.mark.skipif(
        not shutil.which("pg_dump") or not shutil.which("pg_restore"),
        reason="the drill needs PostgreSQL's pg_dump and pg_restore",
    ),
]


MAKE = shutil.which("make") or "make"


MAKE = shutil.which("make") or "make"


def database_url(name: str) -> str:
    database = connection.settings_dict
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return f"postgres://{credentials}@{database['HOST']}:{database['PORT']}/{name}"


def table_fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Each table's row count and a checksum of its rows in a fixed order."""
    with psycopg2.connect(url) as database, database.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        fingerprints = {}
        for table in tables:
            cursor.execute(
                sql.SQL(
                    "SELECT count(*),"
                    " md5(coalesce(string_agg(row_text, '|' ORDER BY row_text), ''))"
                    " FROM (SELECT t::text AS row_text FROM {} t) AS rows"
                ).format(sql.Identifier(table))
            )
            count, checksum = cursor.fetchone()
            fingerprints[table] = (count, checksum)
    database.close()
    return fingerprints


@pytest.fixture
def fresh_database() -> Iterator[str]:
    name = f"{connection.settings_dict['NAME']}_restore_drill"
    maintenance = psycopg2.connect(database_url("postgres"))
    maintenance.autocommit = True
    with maintenance.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with maintenance.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        maintenance.close()


@pytest.mark.django_db
def test_the_client_tools_match_the_server_version() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        server_major = int(cursor.fetchone()[0]) // 10000
    for tool in ("pg_dump", "pg_restore"):
        output = subprocess.run(  # noqa: S603 - fixed arguments
            [tool, "--version"], capture_output=True, text=True, check=True
        ).stdout
        match = re.search(r"\(PostgreSQL\) (\d+)", output)
        assert match, output
        assert int(match.group(1)) == server_major, (
            f"{tool} {output.strip()} against server {server_major}"
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("staff_groups")
def test_a_backup_restores_into_a_fresh_database_identical_table_by_table(
    tmp_path: Path, fresh_database: str
) -> None:
    call_command("loaddemo", verbosity=0)
    source = database_url(connection.settings_dict["NAME"])
    connection.close()

    subprocess.run(  # noqa: S603 - fixed arguments
        [
            MAKE,
            "--no-print-directory",
            "backup",
            f"DATABASE_URL={source}",
            f"BACKUP_DIR={tmp_path}",
        ],
        cwd=settings.BASE_DIR,
        check=True,
        capture_output=True,
    )
    (dump,) = tmp_path.glob("chorus-*.dump")
    assert dump.read_bytes().startswith(b"PGDMP"), "a custom-format dump"

    subprocess.run(  # noqa: S603 - fixed arguments
        [
            MAKE,
            "--no-print-directory",
            "restore",
            f"FILE={dump}",
            f"DATABASE_URL={database_url(fresh_database)}",
        ],
        cwd=settings.BASE_DIR,
        check=True,
        capture_output=True,
    )

    original = table_fingerprints(source)
    restored = table_fingerprints(database_url(fresh_database))
    assert original == restored
    # The drill is worth something only with the demo data in it.
    assert original["campaigns_statement"][0] >= 1
    assert original["organisations_organisation"][0] >= 8
