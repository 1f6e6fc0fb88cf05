"""The date a statement was issued, apart from the time it became public here.

Statements published so far were issued, as far as Chorus knows, on the day of their
publish time (in the site's time zone, UTC): that is the date they get, and the date in
each earlier version of their history that had a publish time. Drafts and statements
never published stay undated until they are published.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models.functions import TruncDate
from django.utils import timezone


def date_published_statements(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    database = schema_editor.connection.alias
    day_published = TruncDate("publish_at", tzinfo=timezone.get_default_timezone())
    for name in ("Statement", "HistoricalStatement"):
        model = apps.get_model("campaigns", name)
        model._default_manager.using(database).filter(
            publish_at__isnull=False, issued_on__isnull=True
        ).update(issued_on=day_published)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0017_postgresql_jit_off"),
        ("organisations", "0007_organisation_name_trigram_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="statement",
            name="statement_public_order_idx",
        ),
        migrations.AddField(
            model_name="historicalstatement",
            name="issued_on",
            field=models.DateField(
                blank=True,
                help_text="The date the statement was issued, as its signatories dated it: shown everywhere public, and the year of its address. Left empty, it is the day it is published. To add an older statement to the archive, use “Publish as archived…”.",
                null=True,
                verbose_name="issued on",
            ),
        ),
        migrations.AddField(
            model_name="statement",
            name="issued_on",
            field=models.DateField(
                blank=True,
                help_text="The date the statement was issued, as its signatories dated it: shown everywhere public, and the year of its address. Left empty, it is the day it is published. To add an older statement to the archive, use “Publish as archived…”.",
                null=True,
                verbose_name="issued on",
            ),
        ),
        migrations.RunPython(date_published_statements, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="statement",
            index=models.Index(
                condition=models.Q(("status", "published"), ("withdrawn_at__isnull", True)),
                fields=["-issued_on", "-publish_at", "-id"],
                name="statement_public_order_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="statement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["draft", "in_review", "approved"]),
                    ("issued_on__isnull", False),
                    _connector="OR",
                ),
                name="statement_published_has_issue_date",
                violation_error_message="A published or withdrawn statement needs the date it was issued.",
            ),
        ),
    ]
