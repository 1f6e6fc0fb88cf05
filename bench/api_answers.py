"""The partner API's statements answered uncached, in one process: `python -m bench.api_answers`.

Against the benchmark database, through Django's test client and the whole middleware
stack, with the settings a deployment runs (bench.settings: DEBUG off, the Redis cache,
persistent database connections), anonymous, without any conditional header: each answer is made
afresh from the database, from the statements' kept documents (campaigns/documents.py),
which are built first for the statements read, as the task worker keeps them. Measured:
the CPU time of this process (time.process_time: the view, the middleware, the database
driver; not the database server's own) for

- a page of 50 slim statements,
- a statement's detail,
- a page of 50 with `expand=signatures`,

each set against the floor beside it: the minimal Django view behind the same middleware
(bench/floor.py), measured in turn with each request, so that both see the same machine.
Also the bytes of the slim page, and each answer's queries for a page of 5 and of 50.
Targets (issue 19): ≤ 10 ms, ≤ 3 ms and ≤ 25 ms of CPU; ≤ 100 KB; queries independent of
the page size.
"""

import argparse
import os
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.stack import DEFAULT_REDIS, request_log_unseen

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/chorus_bench"
PAGE = 50
TARGETS_MS = {"slim page": 10.0, "detail": 3.0, "expanded page": 25.0}
TARGET_BYTES = 100 * 1024


def setup(database: str, redis: str) -> None:
    # As deployed (bench/stack.py). Not with DEBUG, which records every query's SQL and
    # time, and keeps the cache (the throttle's counters) in this process's memory.
    os.environ.update(
        {
            "DATABASE_URL": database,
            "REDIS_URL": redis,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "localhost",
            "HTTPS": "false",
            "DJANGO_SETTINGS_MODULE": "bench.settings",
        }
    )
    import django

    django.setup()
    request_log_unseen()


def cpu_ms(get: Callable[[str], Any], path: str) -> float:
    started = time.process_time()
    get(path)
    return (time.process_time() - started) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--redis", default=DEFAULT_REDIS)
    parser.add_argument("--repetitions", type=int, default=200)
    arguments = parser.parse_args(argv)
    setup(arguments.database, arguments.redis)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from bench.drills import Check, record
    from campaigns.documents import refresh_documents
    from campaigns.models import Statement

    page_ids = list(
        Statement.objects.published()
        .order_by("-publish_at", "-id")
        .values_list("pk", flat=True)[:PAGE]
    )
    started = time.perf_counter()
    refresh_documents(page_ids)
    build_ms = (time.perf_counter() - started) * 1000

    client = Client(HTTP_HOST="localhost")
    surfaces = {
        "slim page": f"/api/v1/statements/?page_size={PAGE}",
        "detail": f"/api/v1/statements/{page_ids[0]}/",
        "expanded page": f"/api/v1/statements/?page_size={PAGE}&expand=signatures",
    }
    floor = "/bench-floor/"
    # The anonymous limit would answer 429 long before the measurement ends.
    unlimited = {"anonymous": "100000000/minute", "partner": "100000000/minute"}
    with override_settings(API_THROTTLE_RATES=unlimited):

        def get(path: str) -> Any:
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}: nothing to measure.")
            return response

        for path in [*surfaces.values(), floor]:  # warm: imports, reversed routes
            for _ in range(5):
                get(path)
        measured: dict[str, list[float]] = {name: [] for name in surfaces}
        floors: dict[str, list[float]] = {name: [] for name in surfaces}
        for _ in range(arguments.repetitions):
            for name, path in surfaces.items():
                floors[name].append(cpu_ms(get, floor))
                measured[name].append(cpu_ms(get, path))
        slim_bytes = len(get(surfaces["slim page"]).content)
        queries = {}
        for name, path in surfaces.items():
            counts = []
            for size in (5, PAGE):
                with CaptureQueriesContext(connection) as captured:
                    get(path.replace(f"page_size={PAGE}", f"page_size={size}"))
                counts.append(len(captured.captured_queries))
            queries[name] = counts

    checks = []
    for name, target in TARGETS_MS.items():
        cpu = statistics.median(measured[name])
        beside = statistics.median(floors[name])
        checks.append(
            Check(
                f"API {name}, uncached: CPU ms (floor beside, × floor)",
                f"{cpu:.2f} ms (floor {beside:.2f} ms, {cpu / beside:.1f} ×)",
                f"≤ {target:g} ms",
                cpu <= target,
            )
        )
    checks.append(
        Check(
            f"API slim page of {PAGE}: bytes",
            f"{slim_bytes / 1024:.1f} KB",
            f"≤ {TARGET_BYTES // 1024} KB",
            slim_bytes <= TARGET_BYTES,
        )
    )
    for name, (small, full) in queries.items():
        same = small == full if name != "detail" else True
        checks.append(
            Check(
                f"API {name}: queries for a page of 5 / of {PAGE}",
                f"{small} / {full}",
                "the same",
                same,
            )
        )
    notes = [
        f"CPU time of this process (time.process_time), median of {arguments.repetitions} "
        "requests each, through Django's test client with every middleware; the floor "
        "beside each is the minimal Django view (bench/floor.py), requested just before "
        "it every time. The database server's own CPU is not counted.",
        f"Building and keeping the {PAGE} statements' documents, which the task worker "
        f"does when they change (not per request): {build_ms:.0f} ms in all.",
    ]
    return record("api-answers", checks, notes)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
