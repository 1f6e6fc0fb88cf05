"""`manage.py configuredatabase`: the PostgreSQL database's own settings Chorus relies on.

A deploy step, run after `migrate`: a database made by the migrations has them already,
but a dump (`make backup`) does not carry them, so a restored database needs this once.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

from lib.database_settings import set_database_jit


class Command(BaseCommand):
    help = "Set the database's own settings (PostgreSQL's JIT compiler off). Safe to repeat."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, database: str, **options: Any) -> None:
        connection = connections[database]
        if connection.vendor != "postgresql":
            self.stdout.write("Nothing to set: the database is not PostgreSQL.")
            return
        set_database_jit(connection, "off", report=self.stderr)
        self.stdout.write("PostgreSQL's JIT compiler is off for this database.")
