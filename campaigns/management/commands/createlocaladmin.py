"""Create, or reuse, the administrator account of a local development site.

The password is generated once and kept in a git-ignored file next to the code, so
`make run` prints the same login every time. It refuses to run without DEBUG: a
production site's administrators are created with `createsuperuser`.
"""

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError, CommandParser

USERNAME = "admin"
PASSWORD_FILE = Path(settings.BASE_DIR) / ".local-admin-password"


class Command(BaseCommand):
    help = "Create or reuse the local administrator account and print its login."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--site", default="http://127.0.0.1:8000", help="Where the site is served."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("createlocaladmin is for local development only (set DEBUG=true).")

        password = PASSWORD_FILE.read_text().strip() if PASSWORD_FILE.is_file() else ""
        if not password:
            password = secrets.token_urlsafe(12)
            PASSWORD_FILE.write_text(password + "\n")
            PASSWORD_FILE.chmod(0o600)

        user, created = User.objects.get_or_create(
            username=USERNAME, defaults={"email": "admin@localhost"}
        )
        user.is_staff = user.is_superuser = True
        if not user.check_password(password):
            user.set_password(password)
        user.save()
        user.groups.add(*Group.objects.filter(name="Editors"))

        self.stdout.write(
            self.style.SUCCESS(
                f"{'Created' if created else 'Reusing'} the local admin account.\n"
                f"  Admin:    {options['site'].rstrip('/')}/admin/\n"
                f"  Username: {USERNAME}\n"
                f"  Password: {password}"
            )
        )
