"""The benchmark's WSGI application: the site with the floor view (bench/settings.py)."""

import os

from django.core.wsgi import get_wsgi_application

from config.warmup import warm_up

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
application = get_wsgi_application()
# What a first request would load, loaded before gunicorn forks its workers.
warm_up()
