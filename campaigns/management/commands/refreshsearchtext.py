from typing import Any

from django.core.management.base import BaseCommand

from campaigns.models import Statement
from operations.changes import public_pages_changed


class Command(BaseCommand):
    help = (
        "Write anew what search finds every statement by beyond its own text (its "
        "signatories' signing people, demands, publications, laws). The admin does this "
        "for each change it saves; run this after a change made elsewhere (a bulk import "
        "of laws or organisations, a new column read into the text). Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        written = Statement.objects.all().refresh_search_text()
        if written:
            # What search finds changed.
            public_pages_changed()
        self.stdout.write(f"Search text written anew for {written} statements.")
