# Written by hand: the staff groups (campaigns 0002) were given the permissions of the
# apps that existed then. Editors invite organisations to sign, revoke and send again;
# authors see who was invited and what they answered.
from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("invitations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    invitations = Permission.objects.filter(
        content_type__app_label="invitations", content_type__model="invitation"
    )
    for group in Group.objects.filter(name="Authors"):
        group.permissions.add(*invitations.filter(codename="view_invitation"))
    for group in Group.objects.filter(name="Editors"):
        group.permissions.add(*invitations.filter(codename__regex=r"^(add|change|view)_"))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("campaigns", "0002_staff_groups"),
        ("invitations", "0002_invitation_revoked_and_sent_again"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
