from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from alerts.sending import send_all_digests, send_due


class Command(BaseCommand):
    help = (
        "Send the e-mail alerts that are due (retries after a temporary failure) and, with "
        "--digests, the weekly digests. The database task worker does this by itself; run "
        "this from cron where tasks run inline, or to catch up after the worker was down. "
        "Statements' changes are found by `manage.py sendwebhooks`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--digests", action="store_true", help="Send the weekly digests now.")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_due()
        digests = send_all_digests() if options["digests"] else 0
        self.stdout.write(f"Sent {sent} alerts and {digests} digests.")
