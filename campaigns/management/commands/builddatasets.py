from typing import Any

from django.core.management.base import BaseCommand

from campaigns.datasets import build


class Command(BaseCommand):
    help = (
        "Build the public dataset's files (JSON Lines and CSV) if the public content changed "
        "since the last build. The database task worker does this by itself shortly after "
        "each change; run this from cron where tasks run inline."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Build even if nothing changed.")

    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        manifest = build(force=force)
        rows = {entry["dataset"]: entry["rows"] for entry in manifest["files"]}
        self.stdout.write(
            f"Public dataset of {manifest['built_at']}: "
            + ", ".join(f"{count} {name}" for name, count in rows.items())
            + "."
        )
