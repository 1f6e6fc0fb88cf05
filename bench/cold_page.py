"""What public pages built afresh cost: `python -m bench.cold_page`.

Four public surfaces are built with the page cache cold, each request on its own: the
demo-shaped statement page (the second public statement: 7 to 8 signatories and 7
demands), the page of the law most written about, the statement list's first page, and
a search for a word many statements hold. Each is set against an absolute target of
processor time per request (time.process_time: what the request itself costs this
process, not the time spent waiting for PostgreSQL or Redis, nor what other processes
on the machine take).

Here, in one process, with the benchmark's own application (bench/settings.py:
production settings, the request log at INFO, the whole middleware stack) and no wrk,
gunicorn or network, the requests are interleaved with the floor view (the least a
Django view can do behind the same middleware), so that a machine busy with other work
weighs on both alike.

The page cache keys a page by the query parameters its view reads, and drops every
other (`?n=1` is the bare page): each request here is given a key of its own, so that
the page cache never answers, and the page is made by its view, then kept, as any
miss is. Whatever the pages keep below the page cache (a statement's rendered parts,
keyed by its version and the content version) may answer, as it does for a page
asked for again after its entry expired or under another query. A second set of
figures is taken with those parts forgotten before each request too: a page after a
change, the coldest there is (set against no target, for the record).
"""

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from bench.stack import DEFAULT_REDIS, request_log_unseen

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/chorus_bench"
# The word searched for: one that many statements hold, at every scale.
SEARCH_WORD = "freedom"


@dataclass
class Surface:
    name: str
    address: str
    # Processor time per request, in milliseconds, at most.
    target_ms: float
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    templates: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    coldest: list[float] = field(default_factory=list)

    def clear(self) -> None:
        for samples in (self.cpu, self.wall, self.templates, self.queries, self.coldest):
            samples.clear()


def setup(database: str, redis: str) -> None:
    os.environ.update(
        {
            "DATABASE_URL": database,
            # By default a database of Redis of its own: nothing cached by a running stack
            # is read.
            "REDIS_URL": redis,
            "DEBUG": "false",
            "SECRET_KEY": "bench-cold-page-" + "x" * 40,
            "ALLOWED_HOSTS": "localhost",
            "HTTPS": "false",
            "DJANGO_SETTINGS_MODULE": "bench.settings",
        }
    )


def caller(application: Any) -> Callable[[str], tuple[bytes, dict[str, str]]]:
    def call(address: str) -> tuple[bytes, dict[str, str]]:
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
        headers: dict[str, str] = {}

        def start(answer: str, given: list[tuple[str, str]], *_: Any) -> None:
            status.append(answer)
            headers.update(given)

        body = b"".join(application(environ, start))
        if not status[0].startswith("200"):
            raise SystemExit(f"{address} answered {status[0]}")
        return body, headers

    return call


class CpuStopwatch:
    """Adds up the processor time spent inside whatever it is wrapped around."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.depth = 0

    @contextmanager
    def timing(self) -> Iterator[None]:
        # A template rendered inside another is counted once, in the outer one.
        self.depth += 1
        started = time.process_time() if self.depth == 1 else 0.0
        try:
            yield
        finally:
            if self.depth == 1:
                self.seconds += time.process_time() - started
            self.depth -= 1


def addresses(database_cursor: Any) -> dict[str, str]:
    """The pages measured, found in the benchmark's data."""
    public = "status = 'published' AND publish_at <= now() AND withdrawn_at IS NULL"
    database_cursor.execute(
        "SELECT '/statements/' || extract(year FROM issued_on)::int || '/' || slug || '/' "
        f"FROM campaigns_statement WHERE {public} ORDER BY id LIMIT 1 OFFSET 1"
    )
    (statement,) = database_cursor.fetchone()
    # The law the most public statements make demands about: the longest law page.
    database_cursor.execute(
        "SELECT '/laws/' || lower(law.country) || '/' || law.slug || '/' "
        "FROM legislation_law law JOIN campaigns_demand demand ON demand.law_id = law.id "
        f"JOIN campaigns_statement statement ON statement.id = demand.statement_id "
        f"WHERE statement.{public.replace(' AND ', ' AND statement.')} "
        "GROUP BY law.id ORDER BY count(*) DESC, law.id LIMIT 1"
    )
    (law,) = database_cursor.fetchone()
    return {
        "statement": statement,
        "law": law,
        "list": "/statements/",
        "search": f"/search/?q={SEARCH_WORD}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--redis", default=DEFAULT_REDIS.rsplit("/", 1)[0] + "/7")
    parser.add_argument("--repetitions", type=int, default=150)
    arguments = parser.parse_args(argv)
    setup(arguments.database, arguments.redis)

    import django

    django.setup()
    from django.core.management import call_command

    # The pages name their static files by the manifest, as deployed.
    call_command("collectstatic", interactive=False, verbosity=0)

    from django.db import connection
    from django.template.backends.django import Template
    from django.urls import resolve

    from bench.drills import Check, record
    from bench.wsgi import application
    from operations import fragments, pages

    # After the WSGI application's own django.setup(), which configures logging again.
    request_log_unseen()

    call = caller(application)
    with connection.cursor() as cursor:
        found = addresses(cursor)
    surfaces = [
        Surface("cold statement page", found["statement"], 6.0),
        Surface("cold law page", found["law"], 8.0),
        Surface("cold statement list, page 1", found["list"], 8.0),
        Surface(f"cold search for “{SEARCH_WORD}”", found["search"], 8.0),
    ]
    for surface in surfaces:
        resolve(surface.address.partition("?")[0])  # each address is one of the site's

    # Every request its own page key: the page cache never answers (see the docstring).
    page_key = pages.page_key
    run, requests = time.time_ns(), iter(range(10**9))

    def own_page_key(request: Any, version: str) -> str:
        return f"{page_key(request, version)}:bench-{run}-{next(requests)}"

    pages.page_key = own_page_key

    templates = CpuStopwatch()
    render = Template.render

    def rendered(self: Template, *args: Any, **kwargs: Any) -> Any:
        with templates.timing():
            return render(self, *args, **kwargs)

    Template.render = rendered  # type: ignore[method-assign,assignment]
    floors: list[float] = []

    def cold(surface: Surface, coldest: bool = False) -> None:
        templates.seconds = 0.0
        if coldest:
            fragments.forget()
        cpu, wall = time.process_time(), time.perf_counter()
        _body, headers = call(surface.address)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if coldest:
            surface.coldest.append(cpu)
            return
        surface.cpu.append(cpu)
        surface.wall.append(wall)
        surface.templates.append(templates.seconds)
        surface.queries.append(int(headers["X-Bench-Queries"]))

    def floor() -> None:
        begun = time.process_time()
        call("/bench-floor/")
        floors.append(time.process_time() - begun)

    for _ in range(20):  # imports, connections, Markdown's cache, compiled templates
        for surface in surfaces:
            cold(surface)
            floor()
    for surface in surfaces:
        surface.clear()
    floors.clear()
    for repetition in range(arguments.repetitions):
        for surface in surfaces:
            cold(surface)
            floor()
            if repetition % 5 == 0:
                cold(surface, coldest=True)
                floor()

    def ms(samples: list[float]) -> float:
        return statistics.median(samples) * 1000

    floor_ms = ms(floors)
    checks = []
    for surface in surfaces:
        cpu_ms = ms(surface.cpu)
        queries = sorted(set(surface.queries))
        checks.append(
            Check(
                f"{surface.name} {surface.address}, processor time per request "
                f"(floor view {floor_ms:.2f} ms)",
                f"{cpu_ms:.2f} ms = {cpu_ms / floor_ms:.0f} × the floor "
                f"(templates {ms(surface.templates):.2f} ms, wall {ms(surface.wall):.2f} ms, "
                f"{'/'.join(map(str, queries))} queries; with its parts forgotten too "
                f"{ms(surface.coldest):.2f} ms)",
                f"≤ {surface.target_ms:g} ms",
                cpu_ms <= surface.target_ms,
            )
        )
    notes = [
        f"Medians of {arguments.repetitions} requests to each page and "
        f"{len(floors)} floor views, interleaved, in one process: no wrk, gunicorn or "
        "network. Processor time (time.process_time), not waiting for PostgreSQL or Redis.",
        "Each request has a page cache key of its own, so the page cache never answers; "
        "the parts a page keeps by version below it may. The figure 'with its parts "
        f"forgotten too' ({arguments.repetitions // 5} requests each) is a page right after "
        "a change, when nothing kept is current.",
    ]
    return record("cold-page", checks, notes)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
