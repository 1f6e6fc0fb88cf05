"""gunicorn's settings, for `make serve` and the container: read by `gunicorn -c`.

Workers default to 2 x cores + 1, gunicorn's own advice for sync workers; its log lines
are JSON like the application's.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Connections waiting for a worker (gunicorn's own default). A short queue (64) dropped
# new connection attempts after a flood, and each waited for its TCP retry. gunicorn's
# stock sync workers: behind Varnish, as deployed, a flood of 512 connections is met by
# Varnish, and the site is back to normal within the drill's first 2-s run after it
# (bench/worker_choice.py, bench/NOTES.md "Floors and Varnish").
backlog = int(os.environ.get("GUNICORN_BACKLOG", "2048"))
# A request that takes longer is stuck; its worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Workers are recycled now and then so that a slow leak cannot grow without bound.
# GUNICORN_MAX_REQUESTS=0 turns recycling off: the soak drill does, to see a leak. A
# new worker starts cold (its connections, compiled templates and pages in memory), so
# not too often: the soak measured +4.8 % of worker memory over 26,000 requests each.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "25000"))
# Spread widely: workers started together and serving alike, with a narrow spread, were
# all replaced within the same second or two, and the site stalled meanwhile (the
# benchmark's p99 of 3 s on pages otherwise served in 20 ms).
max_requests_jitter = max_requests // 2
# The application is imported once, in the master, before the workers fork: a worker
# replaced (recycled, or after a timeout) serves at once instead of importing Django for
# a second or more. Nothing opens a connection at import; each worker opens its own.
preload_app = True
# The application logs each request itself, with its request id.
accesslog = None
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "operations.requests.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
