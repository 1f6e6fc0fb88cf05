"""PostgreSQL's JIT compiler off for this database (written by hand): see
lib/database_settings.py. After a restore, `manage.py configuredatabase` sets it again."""

from django.db import migrations

from lib.database_settings import set_database_jit


def forward(apps, schema_editor):
    set_database_jit(schema_editor.connection, "off")


def backward(apps, schema_editor):
    # RESET: back to the server's own setting, whatever the database had before.
    set_database_jit(schema_editor.connection, None)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0016_statement_public_order_index"),
    ]

    operations = [migrations.RunPython(forward, backward)]
