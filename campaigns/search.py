"""Full-text search over published statements, laws and public organisations.

Every text is searched in each language it is written in, with that language's
text-search configuration (Russian words stemmed as Russian, French as French), through
one GIN index per language: over each statement's stored vector in that language
(migrations 0013 and 0018), and over exactly the expressions below for laws and
organisations (migration 0010). A statement is found through a language only if it is
written in it, so a result always links to a page that exists, in the language the match
was found in: the reader's own language when it matches there. Names of organisations are
not stemmed. Elsewhere (SQLite on a laptop) every word must begin a word, ignoring case,
in the text of one language, unranked.

A statement is also found by what the public reads with it (`Statement.search_text`,
written from its rows by `found_by_texts` below): who signed for its signatories, its
demands and the evidence of their outcomes, its publications elsewhere, and the
identifiers and countries of the laws it is about. That text is part of each language's
stored vector, so a search joins no other table.

A result shows a snippet of the text as the reader reads it (Markdown rendered, then
taken as text), cut at word boundaries, with the words found marked.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, reduce
from operator import or_
from typing import Any, cast

from django.contrib.postgres.search import (
    CombinedSearchQuery,
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
    SearchVectorField,
)
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Case,
    CharField,
    Expression,
    F,
    FloatField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import BaseExpression, CombinedExpression
from django.db.models.functions import Cast, Concat
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django_countries import countries

from legislation.models import Law
from lib.markdown import markdown_text
from organisations.models import Organisation

from .models import CLOCK_STAND_IN, Demand, Publication, Signature, Statement
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


# --- snippets ----------------------------------------------------------------------------

SNIPPET_LENGTH = 240
# Between the lines of `search_text` when a snippet is taken from it.
LINE_BREAK = " · "


def marked_words(headline: str) -> set[str]:
    """The words PostgreSQL's headline of a whole text marked as matching the query."""
    return {word.casefold() for word in re.findall(f"{START}(.*?){STOP}", headline, re.DOTALL)}


def whole_words(words: set[str]) -> Callable[[str], list[tuple[int, int]]]:
    """Where these words stand in a text, as words of their own, ignoring case."""
    if not words:
        return lambda text: []
    pattern = re.compile(
        r"(?<!\w)(?:"
        + "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
        + r")(?!\w)",
        re.IGNORECASE,
    )
    return lambda text: [found.span() for found in pattern.finditer(text)]


def words_beginning(parts: list[str]) -> Callable[[str], list[tuple[int, int]]]:
    """Where words beginning with one of these parts stand in a text, ignoring case: the
    fallback finds "summit" in "summits", and marks the word."""
    parts = [part for part in parts if part]
    if not parts:
        return lambda text: []
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(part) for part in parts) + r")\w*", re.IGNORECASE
    )
    return lambda text: [found.span() for found in pattern.finditer(text)]


def snippet(
    texts: list[str],
    matches: Callable[[str], list[tuple[int, int]]],
    length: int = SNIPPET_LENGTH,
) -> SafeString:
    """About `length` characters of the first text with a match, around its first match,
    starting and ending at word boundaries, "…" where cut, the matches marked; with no
    match anywhere, the start of the first text. Every piece of text is escaped."""
    texts = [" ".join(text.split()) for text in texts]
    texts = [text for text in texts if text]
    if not texts:
        return mark_safe("")
    for text in texts:
        spans = matches(text)
        if spans:
            break
    else:
        text, spans = texts[0], []
    first_start, first_end = spans[0] if spans else (0, 0)

    start = 0
    if first_start > length // 3:
        start = first_start - length // 3
        if text[start - 1] != " ":  # inside a word: begin with the next one
            space = text.find(" ", start, first_start)
            start = space + 1 if space != -1 else first_start
    end = len(text)
    if start + length < end:
        end = text.rfind(" ", start, start + length + 1)
        if end < first_end:  # the match itself is long: end after its word
            end = text.find(" ", first_end)
            end = len(text) if end == -1 else end

    pieces = ["… "] if start else []
    position = start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, position), min(span_end, end)
        if span_start >= span_end:
            continue
        pieces += [
            escape(text[position:span_start]),
            f"<mark>{escape(text[span_start:span_end])}</mark>",
        ]
        position = span_end
    pieces.append(escape(text[position:end]))
    if end < len(text):
        pieces.append(" …")
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of text is escaped above


# --- what a statement is also found by ----------------------------------------------------
#
# The columns read into `Statement.search_text`, by the rows they are read from. One more
# column is one more name here (a law's bill number, say, in LAW_COLUMNS); then
# `manage.py refreshsearchtext` writes every statement's text anew.

# Only confirmed signatures are public (campaigns/public.py).
SIGNATURE_COLUMNS = ("signatory_name",)
PUBLICATION_COLUMNS = (
    "title",
    "publisher_name",
    "publisher__short_name",
    *(f"publisher__name_{language}" for language in Statement.language_codes()),
)
DEMAND_COLUMNS = ("text", "evidence_reference")
# Of the law a demand is about; its country is found by name, in every language. The
# statement list's law filter takes these as the law's short names too (forms.py).
LAW_COLUMNS = ("identifier", "bill_number")


@cache
def country_names(code: str) -> tuple[str, ...]:
    """A country's name in every language of the site: "Russia", "Россия", "Russie"."""
    names = []
    for language in Statement.language_codes():
        with translation.override(language):
            names.append(str(countries.name(code)))
    return tuple(dict.fromkeys(name for name in names if name))


def found_by_texts(statement_ids: list[int]) -> dict[int, str]:
    """Each statement's `search_text` as its rows now make it: one item a line."""
    items: dict[int, list[Any]] = {pk: [] for pk in statement_ids}
    signatures = Signature.objects.filter(
        statement__in=statement_ids, status=Signature.Status.CONFIRMED
    ).order_by("order", "pk")
    publications = Publication.objects.filter(statement__in=statement_ids).order_by("pk")
    for statement_id, *values in [
        *signatures.values_list("statement", *SIGNATURE_COLUMNS),
        *publications.values_list("statement", *PUBLICATION_COLUMNS),
    ]:
        items[statement_id] += values
    demands = Demand.objects.filter(statement__in=statement_ids).order_by("order", "pk")
    for statement_id, *values, country in demands.values_list(
        "statement", *DEMAND_COLUMNS, *(f"law__{column}" for column in LAW_COLUMNS), "law__country"
    ):
        items[statement_id] += [*values, *(country_names(country) if country else ())]
    return {
        pk: "\n".join(
            dict.fromkeys(line for value in values if (line := " ".join(str(value or "").split())))
        )
        for pk, values in items.items()
    }


def statement_text(language: str) -> Concat:
    """A statement's text in `language`, as its headline is taken from: the whole text,
    with every match marked (the snippet is taken from the text as read, see
    Search.result), then what else it is found by."""
    return Concat(
        f"standfirst_{language}",
        Value("\n"),
        f"body_{language}",
        Value("\n"),
        "search_text",
        output_field=TextField(),
    )


@dataclass(frozen=True)
class Result:
    """One row found, as the results list shows it: in the language it was found in."""

    row: Statement | Law | Organisation
    title: str
    url: str
    headline: SafeString
    language: str
    # A statement's kind, named in the page's language.
    kind: str = ""


@cache
def kind_names(language: str) -> dict[str, str]:
    """Each kind of statement's name in `language` (get_kind_display() builds a table
    of every kind for each row it names)."""
    with translation.override(language):
        return {kind: str(name) for kind, name in Statement.Kind.choices}


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
        """Each word begins a word of one of the fields, ignoring case: "Russie" finds
        "Russie", "summit" finds "summits", neither is found inside "Biélorussie" or
        "consummate". (SQLite reads the expression with Python's `re`.)"""
        conditions = Q()
        for word in self.words:
            if word:
                starts = rf"(?<!\w){re.escape(word)}"
                conditions &= reduce(or_, (Q(**{f"{field}__iregex": starts}) for field in fields))
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
        ranked: bool = True,
    ) -> QuerySet:
        """Rows matching in any language, with the language found, its rank and headline;
        not `ranked`, the rows alone, to be counted."""
        found = {
            language: condition(language) & Q(SearchVectorExact(vector(language), query(language)))
            for language in self.languages
        }
        if not ranked:
            # Building the annotations (three languages, each a vector, a rank and a
            # headline) costs more of a search page's time than counting with them.
            return rows.filter(reduce(or_, found.values()))
        annotations = {
            "found_language": self._found_language(found),
            "rank": Case(
                *(
                    # In double precision: a `real` rank compared with the decimal a
                    # cursor carries would find the last row of a page again.
                    When(
                        found[language],
                        then=Cast(SearchRank(vector(language), query(language)), FloatField()),
                    )
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
                        # The whole text with every match marked: the snippet is taken
                        # from the text as read (see Search.result), with these words.
                        then=SearchHeadline(
                            headline(language),
                            query(language),
                            config=configuration_of(language),
                            start_sel=START,
                            stop_sel=STOP,
                            highlight_all=True,
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
        # Only through a language it is written in: it has a page in no other. What else
        # it is found by (search_text) is read with it for the snippet: the field itself
        # is left out of statements read (StatementManager).
        published = published.annotate(also_found_by=F("search_text"))
        if not self.full_text:
            return self._every_word(
                published,
                lambda language: [
                    *(f"{field}_{language}" for field in Statement.TEXT_FIELDS),
                    "search_text",
                ],
                Statement.written_in,
            ).order_by(*Statement.PUBLIC_ORDER)
        # No condition that it is written in the language: the stored vector is NULL
        # where it is not (migrations 0013 and 0022), so the match alone says so, and a
        # rare word's matches are then exactly what the GIN indexes return, with no vector
        # read to check them again. No headline: a page's rows are read with theirs by
        # their ids (statement_rows), and the API's `q` shows none.
        return self._full_text(published, StoredVector, self._language_query).order_by(
            "-rank", *Statement.PUBLIC_ORDER
        )

    def statement_rows(
        self, published: QuerySet[Statement], found: list[tuple[int, str]]
    ) -> QuerySet[Statement]:
        """The statements a ranking found (`found`: each one's id and the language it was
        found in), as a page of results shows them: with that language and the headline
        of its text in it, read through `published` (the publication gate). Nothing is
        matched again, and only the languages of the page's rows are built."""
        if not found:
            return published.none()
        ids_in = {
            language: [pk for pk, found_in in found if found_in == language]
            for _pk, language in found
        }
        return (
            published.filter(pk__in=[pk for pk, _language in found])
            .annotate(
                also_found_by=F("search_text"),
                found_language=Case(
                    *(When(pk__in=ids, then=Value(language)) for language, ids in ids_in.items()),
                    output_field=CharField(),
                ),
                headline=Case(
                    *(
                        When(
                            pk__in=ids,
                            then=SearchHeadline(
                                statement_text(language),
                                self._language_query(language),
                                config=configuration_of(language),
                                start_sel=START,
                                stop_sel=STOP,
                                highlight_all=True,
                            ),
                        )
                        for language, ids in ids_in.items()
                    ),
                    output_field=TextField(),
                ),
            )
            .order_by()
        )

    def laws(self, laws: QuerySet[Law] | None = None, ranked: bool = True) -> QuerySet[Law]:
        """Laws found, among `laws` (every law by default: laws are public records);
        not `ranked`, only to be counted."""
        laws = Law.objects.all() if laws is None else laws
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
            ranked=ranked,
        ).order_by(*(("-rank", "pk") if ranked else ("pk",)))

    def organisations(
        self, organisations: QuerySet[Organisation] | None = None, ranked: bool = True
    ) -> QuerySet[Organisation]:
        """Organisations found, among `organisations`: public ones only, by default; not
        `ranked`, only to be counted."""
        organisations = public_organisations() if organisations is None else organisations
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
            organisations,
            organisation_text_vector,
            self._name_or_language_query,
            headline=lambda language: f"description_{language}",
            ranked=ranked,
        ).order_by(*(("-rank", "name") if ranked else ("name",)))

    def ranking(self, depth: int) -> list[tuple[int, str]]:
        """The newest `depth` + 1 public statements found, best first, the one past the
        depth last: each one's id and the language it was found in (full text only)."""
        return [
            (pk, language)
            for pk, language in self._run(ranking_query(connection.alias, self.language, depth))
        ]

    def count(self, section: str) -> int:
        """How many laws ("laws") or public organisations ("organisations") it finds."""
        if not self.full_text:
            found = self.laws if section == "laws" else self.organisations
            return found(ranked=False).count()
        ((counted,),) = self._run(found_count_query(connection.alias, section, self.language))
        return cast(int, counted)

    def _run(self, query: tuple[str, tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """A query compiled with stand-ins, run with these words and this moment."""
        sql, params = query
        now = timezone.now()
        given: list[Any] = [
            self.text if param == WORDS_STAND_IN else now if param == CLOCK_STAND_IN else param
            for param in params
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, given)
            return cursor.fetchall()

    def _name_or_language_query(self, language: str) -> SearchQuery | CombinedSearchQuery:
        # The names are in the vector unstemmed, the description stemmed: either reading
        # of the words may match.
        query = web_query(self.text, SIMPLE)
        if configuration_of(language) == SIMPLE:
            return query
        return query | self._language_query(language)

    def result(self, row: Statement | Law | Organisation) -> Result:
        language = getattr(row, "found_language", None) or self.language
        texts: list[str]
        if isinstance(row, Statement):
            with translation.override(language):
                url = row.get_absolute_url()
            title = getattr(row, f"title_{language}") or ""
            # As the page shows them: the standfirst as typed, the body from Markdown;
            # else, the lines of what else it is found by that hold a match.
            text = " ".join(
                [
                    getattr(row, f"standfirst_{language}") or "",
                    markdown_text(getattr(row, f"body_{language}") or ""),
                ]
            )
            also = getattr(row, "also_found_by", "") or ""
            texts = [text, LINE_BREAK.join(also.splitlines())]
        elif isinstance(row, Law):
            url, title = row.get_absolute_url(), row.title
            texts = [getattr(row, f"summary_{language}") or ""]
        else:
            url, title = row.get_absolute_url(), str(row)
            texts = [getattr(row, f"description_{language}") or ""]
        if self.full_text:
            matches = whole_words(marked_words(getattr(row, "headline", None) or ""))
        else:
            matches = words_beginning(self.words)
        if len(texts) > 1:
            # Only the lines with a match, when the match is in none of the text.
            lines = texts[1].split(LINE_BREAK)
            texts[1] = LINE_BREAK.join(line for line in lines if matches(line))
        shown = snippet(texts, matches)
        kind = ""
        if isinstance(row, Statement):
            kind = kind_names(translation.get_language() or "").get(row.kind, row.kind)
        return Result(row=row, title=title, url=url, headline=shown, language=language, kind=kind)


# Compiled into a count's query in place of the words searched for, as CLOCK_STAND_IN is
# in place of the clock: each search puts its own words and moment in their places.
WORDS_STAND_IN = "\x00words"


def compiled(queryset: QuerySet[Any], alias: str, *stand_ins: Any) -> tuple[str, tuple[Any, ...]]:
    """The queryset's SQL and parameters, which must hold each of the stand-ins."""
    sql, params = queryset.query.get_compiler(alias).as_sql()
    if any(stand_in not in params for stand_in in stand_ins):
        raise ImproperlyConfigured(f"A search's query no longer reads its stand-ins: {sql}")
    return sql, tuple(params)


@cache
def ranking_query(alias: str, language: str, depth: int) -> tuple[str, tuple[Any, ...]]:
    """The query ranking the newest `depth` + 1 public statements a search finds, built
    from Search.statements() over the publication gate and compiled once (per database,
    reader's language and depth), with stand-ins for the words and the clock.

    The newest are read along the public order's index (where no order would read the
    table itself: a common word's), or from the GIN indexes (a rare one's), each with its
    rank, and sorted by it; newest is the public order (issued, then published, then
    entered), and breaks ties of rank in the same order. Building and compiling it (three
    languages, each a vector and a rank) took about 3 ms of a search page's processor time.
    """
    columns = ("pk", "issued_on", "publish_at", "rank", "found_language")
    newest = (
        Search(WORDS_STAND_IN, language)
        .statements(Statement.objects.published(at=CLOCK_STAND_IN))
        .order_by(*Statement.PUBLIC_ORDER)
        .values(*columns)[: depth + 1]
    )
    sql, params = compiled(newest, alias, WORDS_STAND_IN, CLOCK_STAND_IN)
    return (
        "SELECT pk, found_language FROM (SELECT pk, issued_on, publish_at, rank, "  # noqa: S608 - Django's own SQL, parameters apart
        "found_language, row_number() OVER "
        "(ORDER BY issued_on DESC, publish_at DESC, pk DESC) AS age "
        f"FROM ({sql}) AS newest) AS numbered "
        "ORDER BY age > %s, rank DESC, issued_on DESC, publish_at DESC, pk DESC",
        (*params, depth),
    )


@cache
def found_count_query(alias: str, section: str, language: str) -> tuple[str, tuple[Any, ...]]:
    """The query counting the laws or the public organisations a search finds, built
    from Search.laws() and Search.organisations() themselves and compiled once (per
    database, section and reader's language), with stand-ins for the words and the clock.

    Building it for each search (three languages, the organisations' four EXISTS of the
    publication gate) and compiling it cost more of a search page than PostgreSQL's
    counting: about 9 of its 24 milliseconds of processor time at a million statements.
    """
    search = Search(WORDS_STAND_IN, language)
    if section == "laws":
        found: QuerySet[Any] = search.laws(ranked=False)
    else:
        found = search.organisations(public_organisations(at=CLOCK_STAND_IN), ranked=False)
    stand_ins = (WORDS_STAND_IN,) if section == "laws" else (WORDS_STAND_IN, CLOCK_STAND_IN)
    inner, params = compiled(found.order_by().values("pk"), alias, *stand_ins)
    return f"SELECT COUNT(*) FROM ({inner}) AS found", tuple(params)  # noqa: S608 - Django's own SQL
