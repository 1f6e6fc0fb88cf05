"""What Django would otherwise load on a process's first request, loaded at start.

gunicorn imports the WSGI module once, in its master, before it forks the workers
(preload_app): what is loaded then, every worker starts with, and so does every worker
that later replaces one. Left to the first request, importing every view behind the URL
configuration and reading each language's URL patterns and translations took a new
worker 170 ms, while the requests queued behind it waited.
"""

from django.conf import settings
from django.db import connections
from django.urls import reverse
from django.utils import translation

from legislation.pictures import world_geometry


def warm_up() -> None:
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            reverse("home")
    # The world map's geometry, made lighter once (a second's work) for every worker.
    world_geometry()
    # Nothing above should have opened one; if something did, no worker inherits it.
    connections.close_all()
