from typing import Any

from django.core.management.base import BaseCommand

from invitations.sending import send_due_reminders


class Command(BaseCommand):
    help = (
        "Send the reminders of invitations to sign that are due. The database task worker "
        "sends each at its time by itself; run this from cron where tasks run inline, or "
        "to catch up after the worker was down. A reminder is never sent twice."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_due_reminders()
        self.stdout.write(f"Sent {sent} reminders.")
