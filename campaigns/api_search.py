"""The API's `q`: the site's own search (campaigns/search.py) as a filter.

The same engine and the same per-language configurations as /search/: on PostgreSQL, full
text in each language a text is written in, ranked; elsewhere, every word must begin a
word, unranked. It narrows the queryset the endpoint already reads (for statements, the
publication gate's), so it combines with every other filter and never widens what a
client may see. What it finds carries a `rank`, which the `relevance` ordering follows.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import FloatField, QuerySet, Value
from django.utils import translation
from django_filters import rest_framework as filters

from lib.api.pagination import EXACT_COUNT_LIMIT

from .models import Statement
from .search import MAX_QUERY_LENGTH, Search, clean_query

Finder = Callable[[Search, QuerySet[Any]], QuerySet[Any]]


class FullTextFilter(filters.CharFilter):
    """`?q=foreign agents`: the rows the site's search finds, among those listed."""

    # After every other filter: the statements' search keeps the newest of what it finds.
    applied_last = True

    def __init__(self, finds: Finder, example: str, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_QUERY_LENGTH)
        super().__init__(**kwargs)
        self.finds = finds
        self._spectacular_annotation = {
            "field": {
                "type": "string",
                "maxLength": MAX_QUERY_LENGTH,
                "description": (
                    f"{kwargs.get('help_text', '')} Words as typed into the site's search: "
                    '"a phrase" in quotes, `or` between alternatives, `-word` to leave out. '
                    "Each text is searched in every language it is written in, with that "
                    "language's stemming. The list is then ordered by `relevance` unless "
                    "`ordering` says otherwise."
                ).strip(),
                "example": example,
            }
        }

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        text = clean_query(value or "")
        if not text:
            return qs
        found = self.finds(Search(text, translation.get_language()), qs)
        if "rank" not in found.query.annotations:
            # The plainer search (SQLite) does not rank: every row found ranks the same.
            found = found.annotate(rank=Value(0.0, output_field=FloatField()))
        return found


def statements_found(search: Search, statements: QuerySet[Any]) -> QuerySet[Any]:
    """The statements found; with full text, among the newest that match only.

    Relevance pages through the matches by their rank: every match would be read and
    ranked for each page, and a common word at a million statements matches most of them
    (about a second of PostgreSQL's time a page). The newest one past the exact count's
    limit are taken along the publication index, as the site's search takes its newest,
    and only they are ranked: the list then says its count is not exact. Words and filters
    narrow the search to older statements.
    """
    found = search.statements(statements)
    if "rank" not in found.query.annotations:
        return found  # the plainer search (SQLite) ranks nothing
    newest = found.order_by(*Statement.PUBLIC_ORDER).values("pk")[: EXACT_COUNT_LIMIT + 1]
    return found.filter(pk__in=newest)


def laws_found(search: Search, laws: QuerySet[Any]) -> QuerySet[Any]:
    return search.laws(laws)


def organisations_found(search: Search, organisations: QuerySet[Any]) -> QuerySet[Any]:
    return search.organisations(organisations)
