"""The two staff groups of the editorial workflow.

Authors write statements and keep the registries true; they can submit a statement but
not approve, publish or withdraw it, and they delete nothing. Editors can do everything.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

APPS = ["organisations", "legislation", "campaigns"]
AUTHOR_WORKFLOW = ["submit_statement"]
EDITOR_WORKFLOW = ["submit_statement", "approve_statement", "publish_statement", "withdraw_statement"]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations have run; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    in_apps = Permission.objects.filter(content_type__app_label__in=APPS)

    authors, _ = Group.objects.get_or_create(name="Authors")
    authors.permissions.set(
        in_apps.filter(codename__regex=r"^(add|change|view)_").exclude(content_type__model="transition")
        | in_apps.filter(codename__in=AUTHOR_WORKFLOW)
        | in_apps.filter(codename="view_transition")
    )

    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(
        in_apps.filter(codename__regex=r"^(add|change|delete|view)_").exclude(
            content_type__model="transition", codename__regex=r"^(add|change|delete)_"
        )
        | in_apps.filter(codename__in=EDITOR_WORKFLOW)
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Authors", "Editors"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("organisations", "0001_initial"),
        ("legislation", "0001_initial"),
        ("campaigns", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
