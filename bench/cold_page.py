"""Where a cold statement page's time goes: `python -m bench.cold_page`.

The target for the statement page built afresh (cold cache) is 0.25 times the Django floor
under wrk: a page may cost at most four times what the floor view costs. Here, in one
process, with the benchmark's own application (bench/settings.py: production settings,
the whole middleware stack) and no wrk, gunicorn or network, each is timed alone:

- the floor view;
- the demo-shaped statement page (the second public statement: 7 to 8 signatories and
  7 demands), asked for with a new `?n=` each time, so that the page cache never has it;
  and within it, the time spent waiting for PostgreSQL's answers (every query's
  execution, timed around the database driver), the longest of them, and the time spent
  rendering templates (less any query a template made).

Each part is set beside the whole page's budget, four times the floor. When the
database's answers alone take longer than that budget, no way of building the page from
the database on each request can meet the target on this machine.
"""

import argparse
import io
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bench.stack import DEFAULT_REDIS

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/chorus_bench"
# The target, 0.25 times the floor's rate, as a budget of time per page.
BUDGET_FLOORS = 4.0


def setup(database: str, redis: str) -> None:
    os.environ.update(
        {
            "DATABASE_URL": database,
            # A database of Redis of its own: nothing cached by a running stack is read.
            "REDIS_URL": redis.rsplit("/", 1)[0] + "/7",
            "DEBUG": "false",
            "SECRET_KEY": "bench-cold-page-" + "x" * 40,
            "ALLOWED_HOSTS": "localhost",
            "HTTPS": "false",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "bench.settings",
        }
    )


def caller(application: Any) -> Callable[[str], bytes]:
    def call(address: str) -> bytes:
        path, _, query = address.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "HTTP_HOST": "localhost",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
        }
        status: list[str] = []
        body = b"".join(application(environ, lambda answer, headers, *_: status.append(answer)))
        if not status[0].startswith("200"):
            raise SystemExit(f"{address} answered {status[0]}")
        return body

    return call


class Stopwatch:
    """Adds up the time spent inside whatever it is wrapped around, and the longest turn."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.seconds = self.longest = 0.0
        self.running = False

    @contextmanager
    def timing(self) -> Iterator[None]:
        started = time.perf_counter()
        self.running = True
        try:
            yield
        finally:
            self.running = False
            took = time.perf_counter() - started
            self.seconds += took
            self.longest = max(self.longest, took)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--redis", default=DEFAULT_REDIS)
    parser.add_argument("--repetitions", type=int, default=200)
    arguments = parser.parse_args(argv)
    setup(arguments.database, arguments.redis)

    from django.db import connection
    from django.template.backends.django import Template

    from bench.drills import Check, record
    from bench.wsgi import application

    call = caller(application)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT '/statements/' || extract(year FROM issued_on)::int "
            "|| '/' || slug || '/' FROM campaigns_statement WHERE status = 'published' "
            "AND publish_at <= now() AND withdrawn_at IS NULL ORDER BY id LIMIT 1 OFFSET 1"
        )
        (page,) = cursor.fetchone()

    database, templates, queried_in_templates = Stopwatch(), Stopwatch(), Stopwatch()

    slowest: Counter[str] = Counter()

    def waited(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        longest = database.longest
        try:
            # A query a template makes (a relation nobody prefetched) is the database's.
            if templates.running:
                with database.timing(), queried_in_templates.timing():
                    return execute(sql, *args)
            with database.timing():
                return execute(sql, *args)
        finally:
            if database.longest > longest:
                # The table of its first column: SELECT "campaigns_statement"."id", ...
                table = sql.split('"', 2)[1] if sql.startswith('SELECT "') else sql[:40]
                slowest[table] += 1

    render = Template.render

    def rendered(self: Template, *args: Any, **kwargs: Any) -> Any:
        with templates.timing():
            return render(self, *args, **kwargs)

    Template.render = rendered  # type: ignore[method-assign,assignment]
    started = time.time_ns()
    pages: list[tuple[float, float, float, float]] = []
    floors: list[float] = []

    def cold_page() -> None:
        for stopwatch in (database, templates, queried_in_templates):
            stopwatch.reset()
        begun = time.perf_counter()
        with connection.execute_wrapper(waited):
            call(f"{page}?n={started}-{len(pages)}")
        pages.append(
            (
                time.perf_counter() - begun,
                database.seconds,
                templates.seconds - queried_in_templates.seconds,
                database.longest,
            )
        )

    def floor() -> None:
        begun = time.perf_counter()
        call("/bench-floor/")
        floors.append(time.perf_counter() - begun)

    for _ in range(20):  # imports, connections, Markdown's cache, compiled templates
        cold_page()
        floor()
    pages.clear()
    floors.clear()
    for _ in range(arguments.repetitions):
        cold_page()
        for _ in range(5):
            floor()

    floor_ms = statistics.median(floors) * 1000
    budget_ms = floor_ms * BUDGET_FLOORS
    whole_ms, database_ms, templates_ms, slowest_ms = (
        statistics.median(part[index] for part in pages) * 1000 for index in range(4)
    )
    rest_ms = whole_ms - database_ms - templates_ms

    def part(name: str, ms: float) -> Check:
        return Check(
            f"{name} (floor view {floor_ms:.2f} ms)",
            f"{ms:.2f} ms = {ms / floor_ms:.1f} × the floor",
            f"≤ {BUDGET_FLOORS:g} × the floor ({budget_ms:.2f} ms) for the whole page",
            ms <= budget_ms,
        )

    checks = [
        part(f"cold statement page {page}, whole", whole_ms),
        part("of which PostgreSQL's answers to its queries", database_ms),
        part(
            f"of which the slowest single query (mostly from {slowest.most_common(1)[0][0]})",
            slowest_ms,
        ),
        part("of which rendering its templates", templates_ms),
        part("of which the rest (ORM, view, middleware)", rest_ms),
    ]
    notes = [
        f"Medians of {arguments.repetitions} cold pages and {5 * arguments.repetitions} "
        "floor views, interleaved, in one process: no wrk, gunicorn or network, so every "
        "figure is lower than under load; the ratios are the ones to read.",
        "A part over the whole page's budget is one that, alone, rules the target out for "
        "any page built from the database on each request.",
    ]
    return record("cold-page", checks, notes)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
