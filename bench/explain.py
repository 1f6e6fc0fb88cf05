"""The plan of every query behind the public lists, pages and searches, at scale.

    python -m bench.explain --database postgres://postgres@127.0.0.1:5432/chorus_bench_large

Each surface of the public site and the partner API is requested once through Django's
test client against the given database (cache cleared first, so the page is built), every
SELECT it sends is captured with its parameters and run again under `EXPLAIN (FORMAT
JSON)`. A surface fails when one of its plans reads a large table (more rows than
LARGE_TABLE_ROWS, from the planner's own statistics) with a sequential scan: at the
large scale that is a query whose cost grows with the data, not with the page. It fails
too when PostgreSQL would compile one of its queries to machine code (JIT), which costs
tens of milliseconds to save microseconds (campaigns/migrations/0017).
The result goes to bench/results-drill-explain.json and bench/RESULTS.md.
"""

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/chorus_bench_large"
# A table of the large scale's own size: a million statements and their millions of
# signatures, demands and changes, 100,000 organisations. The laws' tables (5,000 laws,
# 12,500 provisions, events and penalties) and 42,000 corrections stay small enough for
# the planner to read whole for a hash join when that is cheaper than one index probe
# per row; their sequential scans are listed in the notes, not counted as failures.
LARGE_TABLE_ROWS = 50_000
NOTED_TABLE_ROWS = 10_000
STATEMENT_TIMEOUT = "60s"


@dataclass
class Captured:
    """The SELECTs one request sent, in order, each with its plan, taken before the
    query runs: a query that then outlasts STATEMENT_TIMEOUT is still reported."""

    queries: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        if not many and sql.lstrip().upper().startswith("SELECT"):
            self.queries.append((sql, explain(context["connection"], sql, params)))
        return execute(sql, params, many, context)


@dataclass
class Scan:
    node: str
    relation: str
    rows: float


def scans(plan: dict[str, Any]) -> Iterator[Scan]:
    """Every node of a plan that reads a table, however deep."""
    if "Relation Name" in plan:
        yield Scan(plan["Node Type"], plan["Relation Name"], plan.get("Plan Rows", 0))
    for child in plan.get("Plans", []):
        yield from scans(child)


def tables_over(rows: int) -> dict[str, float]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class "
            "WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace "
            "AND reltuples > %s",
            [rows],
        )
        return dict(cursor.fetchall())


def explain(connection: Any, sql: str, params: Any) -> dict[str, Any]:
    # The driver's own cursor: Django's would pass through the wrapper again.
    with connection.connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()
    document = plan if isinstance(plan, list) else json.loads(plan)
    found = dict(document[0]["Plan"])
    # Present when PostgreSQL would compile the query to machine code before running it.
    if "JIT" in document[0]:
        found["JIT"] = document[0]["JIT"]
    return found


def one(sql: str) -> Any:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    if row is None:
        raise SystemExit(f"The database has no row for: {sql}")
    return row[0]


def surfaces() -> list[tuple[str, str]]:
    """(name, path) of each list, detail and search, with rows the data is sure to have."""
    from campaigns.models import Campaign, Coalition, Statement
    from campaigns.public import public_organisations
    from campaigns.views import StatementListPaginator, StatementListView
    from legislation.models import Law

    statements = Statement.objects.published()
    widest = statements.order_by("pk").first()
    if widest is None:
        raise SystemExit("No published statement: generate the data first (bench/generate.py).")
    statement_path = widest.get_absolute_url()
    campaign = Campaign.objects.filter(statements__in=statements).order_by("pk").first()
    coalition = Coalition.objects.order_by("pk").first()
    law = Law.objects.order_by("pk").first()
    organisation = public_organisations().order_by("pk").first()
    # The last page the list offers: it lists no further than its depth.
    listed = min(statements.count(), StatementListPaginator.depth)
    deep_page = max(1, -(-listed // StatementListView.paginate_by))
    if not (campaign and coalition and law and organisation):
        raise SystemExit("The data lacks a campaign, coalition, law or public organisation.")
    return [
        ("home page", "/"),
        ("statement list", "/statements/"),
        (f"statement list, page {deep_page}", f"/statements/?page={deep_page}"),
        ("statement list, by campaign", f"/statements/?campaign={campaign.slug}"),
        ("statement list, by organisation", f"/statements/?organisation={organisation.slug}"),
        # Part of a name, in another case: no slug and no whole name matches it.
        (
            "statement list, by part of an organisation's name",
            f"/statements/?organisation={quote_plus(organisation.name[1:].lower())}",
        ),
        ("statement page", statement_path),
        ("campaign page", campaign.get_absolute_url()),
        ("coalition page", coalition.get_absolute_url()),
        ("law tracker", "/laws/"),
        ("law page", law.get_absolute_url()),
        ("organisation page", organisation.get_absolute_url()),
        ("search, selective term", "/search/?q=quinquereme"),
        ("search, common term", "/search/?q=freedom"),
        ("Atom feed", "/feed/"),
        ("API statements", "/api/v1/statements/?page_size=50"),
        ("API statement", f"/api/v1/statements/{widest.pk}/"),
        ("API statements, by organisation", f"/api/v1/statements/?organisation={organisation.pk}"),
        ("API change feed", "/api/v1/changes/"),
        ("API organisations", "/api/v1/organisations/"),
        ("API organisation", f"/api/v1/organisations/{organisation.pk}/"),
        ("API laws", "/api/v1/laws/"),
        ("API law", f"/api/v1/laws/{law.pk}/"),
        ("API demands", "/api/v1/demands/"),
        ("API campaigns", "/api/v1/campaigns/"),
        ("API coalitions", "/api/v1/coalitions/"),
    ]


def limit_statement_time(sender: Any, connection: Any, **kwargs: Any) -> None:
    with connection.connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = '{STATEMENT_TIMEOUT}'")


@contextmanager
def capturing() -> Iterator[Captured]:
    from django.db import connection

    captured = Captured()
    with connection.execute_wrapper(captured):
        yield captured


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    arguments = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = arguments.database
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import OperationalError
    from django.db.backends.signals import connection_created
    from django.test import Client

    from bench.drills import Check, record

    large = tables_over(LARGE_TABLE_ROWS)
    noted = tables_over(NOTED_TABLE_ROWS)
    client = Client(HTTP_HOST="localhost")
    checks: list[Check] = []
    notes = [
        f"Large tables (over {LARGE_TABLE_ROWS:,} rows by pg_class.reltuples): "
        + ", ".join(f"{name} ({rows:,.0f})" for name, rows in sorted(large.items())),
        f"Sequential scans of tables between {NOTED_TABLE_ROWS:,} and {LARGE_TABLE_ROWS:,} "
        "rows are listed below too, as notes.",
    ]
    connection_created.connect(limit_statement_time)
    for name, path in surfaces():
        cache.clear()
        answered = "answered 200"
        with capturing() as captured:
            try:
                status = client.get(path).status_code
            except OperationalError as error:  # the statement timeout, above all
                status, answered = 0, f"failed: {str(error).strip()[:80]}"
        if status not in {0, 200}:
            checks.append(Check(name, f"answered {status}", "200", False))
            continue
        kinds: set[str] = set()
        sequential: list[str] = []
        for sql, plan in captured.queries:
            for scan in scans(plan):
                kinds.add(f"{scan.node} on {scan.relation}")
                if scan.node == "Seq Scan" and scan.relation in large:
                    sequential.append(scan.relation)
                    notes.append(f"{name}: Seq Scan on {scan.relation} in: {sql[:600]}")
                elif scan.node == "Seq Scan" and scan.relation in noted:
                    notes.append(
                        f"{name}: Seq Scan on {scan.relation} "
                        f"({noted[scan.relation]:,.0f} rows, under the large-table bound)"
                    )
        compiled = [sql for sql, plan in captured.queries if "JIT" in plan]
        notes += [f"{name}: compiled by JIT: {sql[:600]}" for sql in compiled]
        measured = (
            f"{answered}, {len(captured.queries)} queries"
            + (f", {len(compiled)} compiled by JIT" if compiled else "")
            + "; "
            + "; ".join(sorted(kinds))
        )
        target = (
            f"no Seq Scan on a large table, no query compiled by JIT, each query within "
            f"{STATEMENT_TIMEOUT}"
        )
        met = not sequential and not compiled and status == 200
        checks.append(Check(f"{name} ({path})", measured, target, met))
    return record("explain", checks, notes)


if __name__ == "__main__":
    sys.exit(main())
