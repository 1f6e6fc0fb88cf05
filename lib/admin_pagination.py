"""A changelist paginator that does not count a whole large table on every page load.

Django's admin counts a changelist's rows for its paginator. Filtered or searched, the
count stays exact: the filter's index answers it. Unfiltered, on PostgreSQL, a table
past ESTIMATED_ABOVE rows is not counted: its size is PostgreSQL's own estimate
(pg_class.reltuples, kept by ANALYZE and autovacuum), which the page says is an estimate.
Counting a million statements reads them all, on every visit to the first page.
"""

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db import connections

ESTIMATED_ABOVE = 100_000


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


class EstimatedCountPaginator(Paginator):
    """Set as a ModelAdmin's `paginator`, with `show_full_result_count = False`."""

    estimated = False

    @cached_property
    def count(self) -> int:
        rows: Any = self.object_list
        query = getattr(rows, "query", None)
        using = getattr(rows, "db", "default")
        if query is not None and not query.where and connections[using].vendor == "postgresql":
            estimate = estimated_rows(rows.model, using)
            if estimate > ESTIMATED_ABOVE:
                self.estimated = True
                return estimate
        return super().count
