"""A changelist paginator that does not count a large table on every page load.

Django's admin counts a changelist's rows for its paginator, and counting a million
statements reads them all, on every visit. On PostgreSQL:

- unfiltered, a table past ESTIMATED_ABOVE rows is not counted: its size is PostgreSQL's
  own estimate (pg_class.reltuples, kept by ANALYZE and autovacuum);
- filtered or searched, the rows are counted no further than one past COUNTED_UP_TO
  (the filter's index answers that quickly); past it, the size is the planner's
  estimate of the filtered query's rows (half a million public statements would
  otherwise be counted one by one).

The page says when its count is an estimate. Elsewhere (SQLite) every count is exact.
"""

import json
from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db import connections

ESTIMATED_ABOVE = 100_000
COUNTED_UP_TO = 10_000


def estimated_rows(model: Any, using: str) -> int:
    """PostgreSQL's estimate of the rows in the model's table; -1 if never analysed."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [connection.ops.quote_name(model._meta.db_table)],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else -1


def planned_rows(rows: Any, using: str) -> int:
    """The planner's estimate of the rows a queryset returns (EXPLAIN, not run)."""
    plan = json.loads(rows.order_by().explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """Set as a ModelAdmin's `paginator`, with `show_full_result_count = False`."""

    estimated = False

    @cached_property
    def count(self) -> int:
        rows: Any = self.object_list
        query = getattr(rows, "query", None)
        using = getattr(rows, "db", "default")
        if query is None or connections[using].vendor != "postgresql":
            return super().count
        if not query.where:
            estimate = estimated_rows(rows.model, using)
            if estimate > ESTIMATED_ABOVE:
                self.estimated = True
                return estimate
            return super().count
        counted = rows.order_by().values("pk")[: COUNTED_UP_TO + 1].count()
        if counted <= COUNTED_UP_TO:
            return counted
        self.estimated = True
        # Never fewer than were counted: the planner can be wrong on either side.
        return max(planned_rows(rows, using), counted)
