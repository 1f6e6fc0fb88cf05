# Written by hand: the staff groups (0002) were given the permissions of the models that
# existed then. Both groups make and revoke preview links; editors also delete them.
from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("campaigns")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    links = Permission.objects.filter(
        content_type__app_label="campaigns", content_type__model="previewlink"
    )
    for group in Group.objects.filter(name="Authors"):
        group.permissions.add(*links.filter(codename__regex=r"^(add|change|view)_"))
    for group in Group.objects.filter(name="Editors"):
        group.permissions.add(*links)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("campaigns", "0005_corrections_signed_version_preview_links"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
