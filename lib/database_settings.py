"""Settings of the PostgreSQL database itself, which every session opened on it takes.

PostgreSQL's JIT compiler is off: it compiles a query to machine code when the planner
estimates it to cost more than `jit_above_cost` (100,000 by default), which at a million
statements many of the site's queries do while reading a handful of rows. Counting the
public organisations a search finds (a text match, then an EXISTS over 3.5 million
signatures for each) ran for 0.1 ms and spent 26 ms compiling, every time. Compiling
pays back only for queries that run for seconds over millions of rows, which Chorus
never makes on a request.

Set on the database rather than per connection, so that it holds behind PgBouncer in
transaction mode too, and costs no round trip. A migration sets it on a new database; a
dump (`make backup`) does not carry a database's settings, so a restore is followed by
`manage.py configuredatabase` (`make restore` runs it). Changing a database's settings
takes its owner: run by another role, it says what to run instead, and goes on.
"""

import sys
from typing import Protocol

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import ProgrammingError

# SQLSTATE of "must be owner of database".
INSUFFICIENT_PRIVILEGE = "42501"


class Report(Protocol):
    """Where to say what the owner must run: a stream, or a command's output."""

    def write(self, text: str, /) -> object: ...


def set_database_jit(
    connection: BaseDatabaseWrapper, value: str | None, report: Report = sys.stderr
) -> None:
    """`ALTER DATABASE <this one> SET jit = value` (RESET with None); PostgreSQL only."""
    if connection.vendor != "postgresql":
        return
    change = f"SET jit = {value}" if value else "RESET jit"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        (database,) = cursor.fetchone()
    name = '"' + database.replace('"', '""') + '"'
    statement = f"ALTER DATABASE {name} {change}"
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(statement)
    except ProgrammingError as error:
        cause = error.__cause__
        if getattr(cause, "pgcode", getattr(cause, "sqlstate", None)) != INSUFFICIENT_PRIVILEGE:
            raise
        report.write(
            f"\nThis role may not change the database's settings: as its owner, run\n"
            f"  {statement};\n"
        )
