"""Authenticator apps set up before django-otp keep working: each one's secret is copied
into a django-otp TOTP device, with the time step of its last accepted code, so that
nobody has to set their app up again and a code used before cannot be used again.

The old secret is base32 (what the app was given); django-otp keeps the same bytes as
hex. Going back copies them the other way (one app per person, as then).
"""

from base64 import b32decode, b32encode

from django.db import migrations

NAME = "Authenticator app"


def base32_to_hex(secret):
    secret = secret.strip().replace(" ", "").upper()
    return b32decode(secret + "=" * (-len(secret) % 8)).hex()


def copy_to_django_otp(apps, schema_editor):
    OldDevice = apps.get_model("staff", "TOTPDevice")
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    for old in OldDevice.objects.all():
        device = TOTPDevice.objects.create(
            user_id=old.user_id,
            name=NAME,
            confirmed=True,
            key=base32_to_hex(old.secret),
            step=30,
            digits=6,
            tolerance=1,
            last_t=old.last_used_step if old.last_used_step is not None else -1,
            last_used_at=old.last_used_at,
        )
        # created_at is filled in on creation: set the day the app was first set up.
        TOTPDevice.objects.filter(pk=device.pk).update(created_at=old.created_at)


def copy_back(apps, schema_editor):
    OldDevice = apps.get_model("staff", "TOTPDevice")
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    # The old model held one app per person: the most recently used one.
    for device in TOTPDevice.objects.filter(confirmed=True).order_by("user_id", "-last_used_at"):
        if OldDevice.objects.filter(user_id=device.user_id).exists():
            continue
        old = OldDevice.objects.create(
            user_id=device.user_id,
            secret=b32encode(bytes.fromhex(device.key)).decode().rstrip("="),
            last_used_at=device.last_used_at,
            last_used_step=device.last_t if device.last_t >= 0 else None,
        )
        if device.created_at:
            OldDevice.objects.filter(pk=old.pk).update(created_at=device.created_at)
    # Going forward again copies them anew: two copies of one key would each accept the
    # same code once.
    TOTPDevice.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("staff", "0003_sign_in_record_and_sessions"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(copy_to_django_otp, copy_back)]
