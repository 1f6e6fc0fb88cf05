"""Full-text search over published statements, laws and public organisations.

Every text is searched in each language it is written in, with that language's
text-search configuration (Russian words stemmed as Russian, French as French), through
one GIN index per language: over each statement's stored vector in that language
(migration 0013), and over exactly the expressions below for laws and organisations
(migration 0010). A statement is found through a language only if it is written in it, so a
result always links to a page that exists, in the language the match was found in: the
reader's own language when it matches there. Names of organisations are not stemmed.
Elsewhere (SQLite on a laptop) every word must appear, ignoring case, in the text of one
language, unranked.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.contrib.postgres.search import (
    CombinedSearchQuery,
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
    SearchVectorField,
)
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Case,
    CharField,
    Expression,
    FloatField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import BaseExpression, CombinedExpression
from django.db.models.functions import Concat
from django.db.models.sql.compiler import SQLCompiler
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from legislation.models import Law
from organisations.models import Organisation

from .models import Statement
from .public import public_organisations

# Language code → PostgreSQL text-search configuration; other languages use SIMPLE.
CONFIGURATIONS = {"en": "english", "ru": "russian", "fr": "french"}
SIMPLE = "simple"

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
# ts_headline marks matches with these; they are swapped for <mark> after escaping, so
# nothing from the text itself can become markup.
START, STOP = "\ue000", "\ue001"
UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ue001]")


def clean_query(text: str) -> str:
    """The query as searched: no control characters (PostgreSQL refuses NUL), spaces folded."""
    return " ".join(UNPRINTABLE.sub(" ", text).split())


def configuration_of(language: str) -> str:
    return CONFIGURATIONS.get(language, SIMPLE)


class StoredVector(Expression):
    """A statement's text vector in one language, as stored by PostgreSQL (migration 0013).

    A generated column that is no field of the model, so that no statement read for a
    page carries it: title weighted A, standfirst B, body C, in the language's
    configuration; NULL where the statement is not written in the language.
    """

    output_field = SearchVectorField()

    def __init__(self, language: str) -> None:
        super().__init__()
        self.column = f"search_vector_{language}"
        self.alias: str | None = None

    def resolve_expression(self, query: Any = None, *args: Any, **kwargs: Any) -> "StoredVector":
        clone = self.copy()
        clone.alias = query.get_initial_alias() if query is not None else None
        return clone

    def relabeled_clone(self, change_map: Mapping[str, str]) -> "StoredVector":
        # When the query becomes a subquery, its tables are renamed.
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias) if self.alias else None
        return clone

    def get_group_by_cols(self) -> list[BaseExpression]:
        return [self]

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[str | int, ...]]:
        column = connection.ops.quote_name(self.column)
        if self.alias is None:
            return column, ()
        return f"{compiler.quote_name(self.alias)}.{column}", ()


# The vectors of one language's text of a law or an organisation. Migration 0010 indexes
# each of them per language; an index serves only a query written with the very same
# expression, which the EXPLAIN test checks.


def law_text_vector(language: str) -> CombinedExpression:
    configuration = configuration_of(language)
    titles = (f"official_title_{language}", f"common_title_{language}", "identifier")
    return SearchVector(*titles, weight="A", config=configuration) + SearchVector(
        f"summary_{language}", weight="B", config=configuration
    )


def organisation_text_vector(language: str) -> CombinedExpression:
    # Names are not stemmed: "Memorial" is a name, not a word to reduce to "memori".
    names = (f"name_{language}", "short_name", "other_names")
    return SearchVector(*names, weight="A", config=SIMPLE) + SearchVector(
        f"description_{language}", weight="C", config=configuration_of(language)
    )


def web_query(text: str, configuration: str) -> SearchQuery:
    # websearch syntax never fails to parse: quotes, "or" and "-" work, other symbols
    # (`&|!:*()`) are read as spaces.
    return SearchQuery(text, config=configuration, search_type="websearch")


def highlighted(headline: str) -> SafeString:
    """Escape a ts_headline result, then turn its markers into balanced <mark> elements."""
    parts, open_mark = [], False
    for piece in re.split(f"([{START}{STOP}])", headline):
        if piece == START and not open_mark:
            parts.append("<mark>")
            open_mark = True
        elif piece == STOP and open_mark:
            parts.append("</mark>")
            open_mark = False
        elif piece not in {START, STOP}:
            parts.append(escape(piece))
    if open_mark:
        parts.append("</mark>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


def excerpt(text: str, words: list[str], length: int = 240) -> SafeString:
    """For the fallback: an excerpt around the first word found, with the words marked."""
    lowered = text.lower()
    positions = [lowered.find(word.lower()) for word in words if word.lower() in lowered]
    start = max(0, min(positions, default=0) - length // 3)
    snippet = text[start : start + length]
    if words:
        pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
        snippet = pattern.sub(lambda found: f"{START}{found.group(0)}{STOP}", snippet)
    prefix = "… " if start else ""
    suffix = " …" if start + length < len(text) else ""
    return highlighted(prefix + snippet + suffix)


@dataclass(frozen=True)
class Result:
    """One row found, as the results list shows it: in the language it was found in."""

    row: Statement | Law | Organisation
    title: str
    url: str
    headline: SafeString
    language: str


@dataclass(frozen=True)
class Search:
    text: str
    # The reader's language: a text that matches in it is shown in it.
    language: str

    @property
    def full_text(self) -> bool:
        return connection.vendor == "postgresql"

    @property
    def words(self) -> list[str]:
        return [word.strip("\"'") for word in self.text.split()][:MAX_WORDS]

    @property
    def languages(self) -> list[str]:
        """Every language, the reader's first: the order in which a match is attributed."""
        languages = Statement.language_codes()
        return sorted(languages, key=lambda language: language != self.language)

    def _contains_every_word(self, fields: list[str]) -> Q:
        conditions = Q()
        for word in self.words:
            if word:
                conditions &= reduce(or_, (Q(**{f"{field}__icontains": word}) for field in fields))
        return conditions

    @staticmethod
    def _found_language(found: dict[str, Q]) -> Case:
        """The first language (the reader's first) in which the row matched."""
        return Case(
            *(When(condition, then=Value(language)) for language, condition in found.items()),
            output_field=CharField(),
        )

    def _full_text(
        self,
        rows: QuerySet,
        vector: Callable[[str], CombinedExpression | StoredVector],
        query: Callable[[str], SearchQuery | CombinedSearchQuery],
        condition: Callable[[str], Q] = lambda language: Q(),
        headline: Callable[[str], str | Concat] | None = None,
    ) -> QuerySet:
        """Rows matching in any language, with the language found, its rank and headline."""
        found = {
            language: condition(language) & Q(SearchVectorExact(vector(language), query(language)))
            for language in self.languages
        }
        annotations = {
            "found_language": self._found_language(found),
            "rank": Case(
                *(
                    When(found[language], then=SearchRank(vector(language), query(language)))
                    for language in found
                ),
                output_field=FloatField(),
            ),
        }
        if headline is not None:
            annotations["headline"] = Case(
                *(
                    When(
                        found[language],
                        then=SearchHeadline(
                            headline(language),
                            query(language),
                            config=configuration_of(language),
                            start_sel=START,
                            stop_sel=STOP,
                            max_words=40,
                            min_words=15,
                        ),
                    )
                    for language in found
                ),
                output_field=TextField(),
            )
        return rows.filter(reduce(or_, found.values())).annotate(**annotations)

    def _every_word(
        self,
        rows: QuerySet,
        fields: Callable[[str], list[str]],
        condition: Callable[[str], Q] = lambda language: Q(),
    ) -> QuerySet:
        """The fallback: rows with every word in the fields of one language."""
        if not any(self.words):
            # Nothing left to look for (a lone quote, say): found nowhere, as on PostgreSQL.
            return rows.none()
        found = {
            language: condition(language) & self._contains_every_word(fields(language))
            for language in self.languages
        }
        return rows.filter(reduce(or_, found.values())).annotate(
            found_language=self._found_language(found)
        )

    def _language_query(self, language: str) -> SearchQuery:
        return web_query(self.text, configuration_of(language))

    def statements(self, published: QuerySet[Statement]) -> QuerySet[Statement]:
        # Only through a language it is written in: it has a page in no other.
        if not self.full_text:
            return self._every_word(
                published,
                lambda language: [f"{field}_{language}" for field in Statement.TEXT_FIELDS],
                Statement.written_in,
            ).order_by(*Statement.PUBLIC_ORDER)
        return self._full_text(
            published,
            StoredVector,
            self._language_query,
            Statement.written_in,
            headline=lambda language: Concat(
                f"standfirst_{language}", Value("\n"), f"body_{language}", output_field=TextField()
            ),
        ).order_by("-rank", *Statement.PUBLIC_ORDER)

    def laws(self) -> QuerySet[Law]:
        laws = Law.objects.all()
        if not self.full_text:
            return self._every_word(
                laws,
                lambda language: [
                    f"official_title_{language}",
                    f"common_title_{language}",
                    "identifier",
                    f"summary_{language}",
                ],
            ).order_by("country", "pk")
        return self._full_text(
            laws,
            law_text_vector,
            self._language_query,
            headline=lambda language: f"summary_{language}",
        ).order_by("-rank", "pk")

    def organisations(self) -> QuerySet[Organisation]:
        organisations = public_organisations()
        if not self.full_text:
            return self._every_word(
                organisations,
                lambda language: [
                    f"name_{language}",
                    "short_name",
                    "other_names",
                    f"description_{language}",
                ],
            ).order_by("name")
        return self._full_text(
            organisations, organisation_text_vector, self._name_or_language_query
        ).order_by("-rank", "name")

    def _name_or_language_query(self, language: str) -> SearchQuery | CombinedSearchQuery:
        # The names are in the vector unstemmed, the description stemmed: either reading
        # of the words may match.
        query = web_query(self.text, SIMPLE)
        if configuration_of(language) == SIMPLE:
            return query
        return query | self._language_query(language)

    def result(self, row: Statement | Law | Organisation) -> Result:
        language = getattr(row, "found_language", None) or self.language
        if isinstance(row, Statement):
            with translation.override(language):
                url = row.get_absolute_url()
            title = getattr(row, f"title_{language}") or ""
            text = "\n".join(
                getattr(row, f"{field}_{language}") or "" for field in ("standfirst", "body")
            )
        elif isinstance(row, Law):
            url, title = row.get_absolute_url(), row.title
            text = getattr(row, f"summary_{language}") or ""
        else:
            url, title = row.get_absolute_url(), str(row)
            text = getattr(row, f"description_{language}") or ""
        headline = getattr(row, "headline", None)
        shown = highlighted(headline) if headline else excerpt(text, self.words)
        return Result(row=row, title=title, url=url, headline=shown, language=language)
