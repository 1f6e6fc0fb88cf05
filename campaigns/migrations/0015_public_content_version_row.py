"""The content number's one row, made with the table rather than by the first request
that needs it: otherwise that request, after each new deployment, made two more queries."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def create_row(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    PublicContentVersion = apps.get_model("campaigns", "PublicContentVersion")
    PublicContentVersion.objects.using(schema_editor.connection.alias).get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0014_statement_admin_status_index"),
    ]

    operations = [
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
