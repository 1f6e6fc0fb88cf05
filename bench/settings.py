"""The production settings, plus what only the benchmark needs: the floor view's address
and a header counting each response's queries. Never used outside `make bench`."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.floor.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405
