from typing import Any

from django.core.management.base import BaseCommand

from campaigns.webhooks import announce_due
from organisations.webhooks import deliver_due


class Command(BaseCommand):
    help = (
        "Announce changes whose time has come and send webhook deliveries that are due. "
        "The database task worker does this by itself; run this from cron where tasks "
        "run inline, or to catch up after the worker was down."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        announced = announce_due()
        delivered = deliver_due()
        self.stdout.write(f"Announced {announced} changes; {delivered} deliveries accepted.")
