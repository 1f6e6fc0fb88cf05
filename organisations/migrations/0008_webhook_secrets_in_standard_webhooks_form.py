import base64

from django.db import migrations, models

import organisations.models


def secrets_in_standard_form(apps, schema_editor):
    """`whsec_` and the base64 of the same key bytes: what partners verify with is unchanged."""
    WebhookEndpoint = apps.get_model("organisations", "WebhookEndpoint")
    for endpoint in WebhookEndpoint.objects.exclude(secret__startswith="whsec_"):
        endpoint.secret = "whsec_" + base64.b64encode(endpoint.secret.encode()).decode()
        endpoint.save(update_fields=["secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0007_organisation_name_trigram_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="webhookendpoint",
            name="secret",
            field=models.CharField(
                default=organisations.models.new_webhook_secret,
                editable=False,
                help_text="Shown once, when the endpoint is made or its secret is replaced: each request is signed with it as the Standard Webhooks specification says.",
                max_length=100,
                verbose_name="signing secret",
            ),
        ),
        migrations.RunPython(secrets_in_standard_form, migrations.RunPython.noop, elidable=True),
    ]
