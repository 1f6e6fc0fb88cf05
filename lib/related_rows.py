"""A short list of related rows read with the row it belongs to, as JSON: no query of its own.

A page that shows one statement with its addressees and leverage would otherwise make one
query per list (prefetch_related). Each list here is a correlated subquery in the
statement's own SELECT, aggregated to a JSON array of objects, on SQLite and PostgreSQL.

The aggregate's order is not guaranteed (SQLite before 3.44 cannot order inside it), so
whoever reads the rows sorts them.
"""

from typing import Any

from django.db.models import Aggregate, JSONField, OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject


class JSONList(Aggregate):
    """The group's values as one JSON array."""

    function = "JSON_GROUP_ARRAY"  # SQLite
    output_field = JSONField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra)


def related_rows(rows: QuerySet[Any], link: str, **columns: str) -> Subquery:
    """`rows` whose `link` is the outer row, as a JSON array of {column: value} objects.

    `link` is the lookup from `rows` back to the outer row ("statements" for the targets
    of a statement's many-to-many `addressees`). No matching row gives NULL (None).
    """
    return Subquery(
        rows.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(json_rows=JSONList(JSONObject(**columns)))
        .values("json_rows"),
        output_field=JSONField(),
    )
