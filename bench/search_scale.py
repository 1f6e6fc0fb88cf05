"""Uncached searches at scale, and where their time goes: `python -m bench.search_scale`.

    python -m bench.search_scale --database postgres://postgres@127.0.0.1:5432/chorus_bench_large

The two searches of the benchmark (bench/run.py): a common word, held by nearly every
statement ("freedom"), and a selective one, held by one statement in 500 ("quinquereme"),
each asked for with a new `?n=` every time, so that the page cache never has it.

- In one process, with the benchmark's application (bench/settings.py: production
  settings, the whole middleware stack): each page's time, the part of it spent waiting
  for PostgreSQL, and each of its queries run again under EXPLAIN (ANALYZE, BUFFERS), with
  its execution time and the buffers it read, in the notes.
- Under wrk, against the production-like stack (bench/stack.py), as bench/run.py loads
  the uncached searches (16 connections): requests a second, p50 and p95; and with two
  (one for each of wrk's threads), about a request's own latency, little queued before it.

The result goes to bench/results-drill-search.json and bench/RESULTS.md.
"""

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bench.cold_page import caller, setup
from bench.stack import DEFAULT_REDIS

if TYPE_CHECKING:
    from bench.run import Load

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/chorus_bench_large"
# (name, the address up to the word, the word, the target p50 in ms under wrk)
SEARCHES: tuple[tuple[str, str, str, float | None], ...] = (
    ("page, common term", "/search/?q=", "freedom", 100.0),
    ("page, selective term", "/search/?q=", "quinquereme", 30.0),
    # The partner API's `q`, on the same engine, ordered by relevance.
    ("API, common term", "/api/v1/statements/?q=", "freedom", None),
    ("API, selective term", "/api/v1/statements/?q=", "quinquereme", None),
)


def addresses(start: str, word: str, count: int) -> list[str]:
    """`count` addresses searching for the same word, each a search the site has not
    seen: the page is kept under the query as typed (operations/pages.py drops a
    parameter the view does not read, so a `?n=` no longer makes an address new), and
    what a search finds is kept under its text (campaigns/views.py), in which spaces are
    folded; PostgreSQL reads the word whatever its case and the full stops after it."""
    found = []
    for number in range(count):
        cased = "".join(
            letter.upper() if number >> position & 1 else letter
            for position, letter in enumerate(word)
        )
        stops = number >> len(word)
        found.append(f"{start}{cased}{'.' * stops}")
    return found


def explained(sql: str, params: Any) -> tuple[float, str]:
    """The query's execution time under EXPLAIN ANALYZE, and its plan's outline."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
        (document,) = cursor.fetchone()
    document = document if isinstance(document, list) else json.loads(document)
    plan = document[0]["Plan"]
    outline: list[str] = []

    def walk(node: dict[str, Any], depth: int) -> None:
        reads = node.get("Shared Hit Blocks", 0) + node.get("Shared Read Blocks", 0)
        relation = f" on {node['Relation Name']}" if "Relation Name" in node else ""
        index = f" using {node['Index Name']}" if "Index Name" in node else ""
        outline.append(
            f"{'  ' * depth}{node['Node Type']}{relation}{index}: {node['Actual Rows']:.0f} rows, "
            f"{node['Actual Total Time']:.1f} ms, {reads} buffers"
        )
        for child in node.get("Plans", []):
            walk(child, depth + 1)

    walk(plan, 0)
    return float(document[0]["Execution Time"]), " / ".join(outline)


def in_process(
    call: Callable[[str], Any], paths: list[str], repetitions: int
) -> tuple[float, float, float, list[str]]:
    """The page's median time, and the median part of it spent waiting for PostgreSQL,
    in milliseconds; the median process CPU time; and each query's plan, from one more
    request."""
    from django.db import connection

    from operations.pages import pages_changed

    pages_changed()  # none of these addresses kept by an earlier run
    waited = [0.0]

    def timed(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, *args)
        finally:
            waited[0] += time.perf_counter() - started

    wholes, databases, cpus = [], [], []
    for number in range(repetitions + 3):
        waited[0] = 0.0
        began, began_cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(timed):
            call(paths[number])
        if number >= 3:  # the first ones warm the process: imports, templates, connections
            wholes.append(time.perf_counter() - began)
            cpus.append(time.process_time() - began_cpu)
            databases.append(waited[0])

    captured: list[tuple[str, Any]] = []

    def capture(execute: Callable[..., Any], sql: str, params: Any, *args: Any) -> Any:
        if sql.lstrip().upper().startswith("SELECT"):
            captured.append((sql, params))
        return execute(sql, params, *args)

    with connection.execute_wrapper(capture):
        call(paths[repetitions + 3])
    plans = []
    for sql, params in captured:
        took, outline = explained(sql, params)
        plans.append(f"{took:.1f} ms: {outline} ({sql[:160]}…)")
    return (
        statistics.median(wholes) * 1000,
        statistics.median(databases) * 1000,
        statistics.median(cpus) * 1000,
        plans,
    )


def under_wrk(
    searches: list[tuple[str, str, str, float | None]],
    database: str,
    redis: str,
    duration: int,
    connections: list[int],
) -> dict[tuple[str, int], "Load"]:
    from bench.run import rotation, wrk
    from bench.stack import fetch, running_stack

    figures = {}
    with running_stack(database, redis) as stack:  # its Redis emptied: no page kept
        for name, start, word, _target in searches:
            paths = addresses(start, word, 2 ** len(word) * 40)
            fetch(stack.base + paths.pop())  # each worker's first search is not the one timed
            quarter = len(paths) // (2 * len(connections))
            for count in connections:
                # Addresses of its own for the warm-up and for the run: none asked for before.
                slug = f"{re.sub(r'[^a-z]+', '-', name.lower())}-{count}"
                warm, timed, paths = (
                    paths[:quarter],
                    paths[quarter : 2 * quarter],
                    paths[2 * quarter :],
                )
                wrk(stack.base + "/", 2, count, script=rotation(stack.work, f"{slug}-warm", warm))
                figures[(name, count)] = wrk(
                    stack.base + "/", duration, count, script=rotation(stack.work, slug, timed)
                )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--redis", default=DEFAULT_REDIS)
    parser.add_argument("--repetitions", type=int, default=20)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk; 0: none")
    parser.add_argument("--only", default="", help="only the searches whose name has this")
    arguments = parser.parse_args(argv)
    searches = [search for search in SEARCHES if arguments.only in search[0]]
    setup(arguments.database, arguments.redis)

    import django

    django.setup()
    from django.core.management import call_command

    # The pages name their static files by the manifest, as deployed.
    call_command("collectstatic", interactive=False, verbosity=0)

    from bench.drills import Check, record
    from bench.wsgi import application

    call = caller(application)
    checks: list[Check] = []
    notes: list[str] = []
    for name, start, word, _target in searches:
        path = start + word
        paths = addresses(start, word, arguments.repetitions + 4)
        whole, database, cpu, plans = in_process(call, paths, arguments.repetitions)
        checks.append(
            Check(
                f"{name}, uncached, in one process ({path})",
                f"{whole:.1f} ms a page, {database:.1f} ms of it waiting for PostgreSQL, "
                f"{cpu:.1f} ms of the process's CPU (median of {arguments.repetitions})",
                "(measured)",
                True,
            )
        )
        notes += [f"{name}: {plan}" for plan in plans]

    if arguments.duration:
        connections = [16, 2]
        figures = under_wrk(
            searches, arguments.database, arguments.redis, arguments.duration, connections
        )
        for name, start, word, target in searches:
            path = start + word
            for count in connections:
                rate, p50, _p99, errors, p95, _cpu = figures[(name, count)]
                met = target is None or count != 16 or (p50 <= target and not errors)
                checks.append(
                    Check(
                        f"{name}, uncached, under wrk, {count} connections ({path})",
                        f"{rate:,.0f} req/s, p50 {p50:.1f} ms, p95 {p95:.1f} ms, {errors} errors",
                        f"p50 ≤ {target:g} ms" if target and count == 16 else "(measured)",
                        met,
                    )
                )
    return record("search", checks, notes)


if __name__ == "__main__":
    sys.exit(main())
