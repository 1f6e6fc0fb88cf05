from django.db import migrations, models
from django.db.models import F, Q


def name_each_statement(apps, schema_editor):
    Change = apps.get_model("campaigns", "Change")
    Change.objects.update(object_id=F("statement_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0024_statement_early_readers"),
    ]

    operations = [
        migrations.AddField(
            model_name="change",
            name="resource",
            field=models.CharField(
                choices=[
                    ("statement", "Statement"),
                    ("law", "Law"),
                    ("organisation", "Organisation"),
                ],
                default="statement",
                max_length=16,
                verbose_name="resource",
            ),
        ),
        migrations.AddField(
            model_name="change",
            name="object_id",
            field=models.PositiveBigIntegerField(default=0, verbose_name="id"),
            preserve_default=False,
        ),
        migrations.RunPython(name_each_statement, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="change",
            name="statement",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.CASCADE,
                related_name="changes",
                to="campaigns.statement",
                verbose_name="statement",
            ),
        ),
        migrations.AlterField(
            model_name="change",
            name="kind",
            field=models.CharField(
                choices=[
                    ("published", "Published"),
                    ("updated", "Updated"),
                    ("corrected", "Corrected"),
                    ("withdrawn", "Withdrawn"),
                    ("deleted", "Deleted"),
                ],
                max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="change",
            constraint=models.CheckConstraint(
                condition=Q(resource="statement", statement__isnull=False)
                | (~Q(resource="statement") & Q(statement__isnull=True)),
                name="change_statement_only_for_statements",
            ),
        ),
    ]
