from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate

from lib.database_settings import set_database_jit


def database_settings(using: str, **kwargs: Any) -> None:
    # On every migrate: a database restored from a dump has lost them (lib/database_settings.py).
    set_database_jit(connections[using], "off")


class CampaignsConfig(AppConfig):
    name = "campaigns"

    def ready(self) -> None:
        post_migrate.connect(database_settings, sender=self)
