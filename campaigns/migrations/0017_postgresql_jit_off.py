"""PostgreSQL's JIT compiler off for this database, on PostgreSQL only (written by hand).

PostgreSQL compiles a query to machine code when the planner estimates it to cost more
than `jit_above_cost` (100,000 by default), which at a million statements many of the
site's queries do while reading a handful of rows: counting the public organisations a
search finds (a text match, then an EXISTS over 3.5 million signatures for each) ran for
0.1 ms and spent 26 ms compiling, every time. Compiling pays back only for queries that
run for seconds over millions of rows, which Chorus never makes on a request.

Set on the database rather than per connection, so that it holds behind PgBouncer in
transaction mode too (README, "From one machine to several"); it reaches sessions opened
after the migration. Changing a database's settings takes its owner: a migration run by
another role says what to run instead, and goes on.
"""

import sys

from django.db import migrations
from django.db.utils import ProgrammingError

SETTING = "jit"


def set_jit(schema_editor, value: str | None) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    change = f"SET {SETTING} = {value}" if value else f"RESET {SETTING}"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        (database,) = cursor.fetchone()
    statement = f"ALTER DATABASE {schema_editor.quote_name(database)} {change}"
    try:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SAVEPOINT chorus_jit")
            cursor.execute(statement)
            cursor.execute("RELEASE SAVEPOINT chorus_jit")
    except ProgrammingError:  # not the database's owner
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("ROLLBACK TO SAVEPOINT chorus_jit")
        sys.stderr.write(
            f"\nThis role may not change the database's settings: as its owner, run\n"
            f"  {statement};\n"
        )


def forward(apps, schema_editor):
    set_jit(schema_editor, "off")


def backward(apps, schema_editor):
    set_jit(schema_editor, None)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0016_statement_public_order_index"),
    ]

    operations = [migrations.RunPython(forward, backward)]
