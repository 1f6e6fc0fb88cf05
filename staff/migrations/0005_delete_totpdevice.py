from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("staff", "0004_authenticator_apps_to_django_otp"),
    ]

    operations = [
        migrations.DeleteModel(
            name="TOTPDevice",
        ),
    ]
