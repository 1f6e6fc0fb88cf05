"""The admin's statement changelist at scale: how long it takes, and that it never counts
the whole table.

    python -m bench.changelist --database postgres://postgres@127.0.0.1:5432/chorus_bench_large

Loads each page below `--loads` times through Django's test client as a logged-in
superuser (after one untimed load each: imports and template compilation), reports the
median and 95th percentile per page, and checks every SQL statement the pages sent: a
COUNT(*) over the statement table with no WHERE is the full count the changelist must
not make. The result goes to bench/results-drill-changelist.json and bench/RESULTS.md.
"""

import argparse
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/chorus_bench_large"
TARGET_P95_MS = 600.0
CHANGELIST = "/admin/campaigns/statement/"
PAGES = [
    ("first page", ""),
    ("filtered: drafts", "?status=draft"),
    ("filtered: public", "?status=published"),
    ("search", "?q=quinquereme"),
    ("a later page", "?p=50"),
]
FULL_COUNT = re.compile(r"COUNT\(\*\)", re.IGNORECASE)


@dataclass
class Captured:
    statements: list[str] = field(default_factory=list)

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.statements.append(sql)
        return execute(sql, params, many, context)


def full_counts(statements: list[str]) -> list[str]:
    """COUNT(*) statements over the statement table with no WHERE anywhere in them."""
    return [
        sql
        for sql in statements
        if FULL_COUNT.search(sql) and '"campaigns_statement"' in sql and " WHERE " not in sql
    ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--loads", type=int, default=50)
    arguments = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = arguments.database
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    from bench.drills import Check, record
    from campaigns.models import Statement

    user, _created = User.objects.get_or_create(
        username="bench-changelist", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    captured = Captured()
    checks: list[Check] = []
    notes = [
        f"{Statement.objects.count():,} statements; {arguments.loads} timed loads per page "
        "through the test client as a superuser, after one untimed load."
    ]
    with connection.execute_wrapper(captured):
        for name, query in PAGES:
            response = client.get(CHANGELIST + query)
            if response.status_code != 200:
                checks.append(Check(name, f"answered {response.status_code}", "200", False))
                continue
            timings = []
            for _ in range(arguments.loads):
                started = time.perf_counter()
                client.get(CHANGELIST + query)
                timings.append((time.perf_counter() - started) * 1000)
            p50, p95 = statistics.median(timings), percentile(timings, 0.95)
            checks.append(
                Check(
                    f"statement changelist, {name} ({query or 'no query'})",
                    f"p50 {p50:.0f} ms, p95 {p95:.0f} ms",
                    f"p95 ≤ {TARGET_P95_MS:.0f} ms",
                    p95 <= TARGET_P95_MS,
                )
            )
    counted = full_counts(captured.statements)
    checks.append(
        Check(
            "no COUNT(*) over the whole statement table",
            f"{len(counted)} of {len(captured.statements)} statements",
            "0",
            not counted,
        )
    )
    notes += [f"Full count: {sql[:300]}" for sql in sorted(set(counted))]
    return record("changelist", checks, notes)


if __name__ == "__main__":
    sys.exit(main())
