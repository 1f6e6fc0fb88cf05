"""Telling the API's change feed that a law or an organisation was saved or deleted.

The feed's entries are campaigns' rows, which the apps of laws and organisations do not
know; settings.RECORD_CHANGED names who records them. Called from the models' own
`save()` and `delete()`, so that a change made anywhere (the admin, an import, a
management command, the shell) reaches mirrors alike. (`QuerySet.update()` and
`QuerySet.delete()` skip them, as they skip `save()` and `delete()`: a caller of those
records the change itself.)
"""

from django.conf import settings
from django.utils.module_loading import import_string

UPDATED = "updated"
DELETED = "deleted"


def tell_change_feed(resource: str, object_id: int, kind: str) -> None:
    """In the transaction of the change; for a deletion, before the row is deleted, so
    that who records it can still read what it was (whether it was public)."""
    for record in settings.RECORD_CHANGED:
        import_string(record)(resource, object_id, kind)
