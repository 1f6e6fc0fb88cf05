"""The bare Django floor's settings and addresses: the production settings with no
middleware at all, and the floor view alone. gunicorn serves it beside the stack
(bench/stack.py `bare_django`), so that a figure can be set against what Django itself
costs, the middleware apart. Never used outside `make bench`."""

from django.urls import path

from bench.floor import floor_view
from config.settings import *  # noqa: F403

MIDDLEWARE = []
ROOT_URLCONF = "bench.bare"

urlpatterns = [path("bench-floor/", floor_view)]
