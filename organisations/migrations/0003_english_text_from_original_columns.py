# Written by hand: rows made before translations keep their text in the original column
# (title, name, ...); the site now reads the English column, so copy it there once.
from django.db import migrations
from django.db.models import F

FIELDS = {
    "Organisation": ["name", "description"],
}


def copy_to_english(apps, schema_editor):
    for model_name, fields in FIELDS.items():
        model = apps.get_model("organisations", model_name)
        model.objects.update(**{f"{field}_en": F(field) for field in fields})


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_translations_and_history")]

    operations = [migrations.RunPython(copy_to_english, migrations.RunPython.noop)]
