"""Full-text search over published statements, laws and public organisations.

On PostgreSQL each statement is searched with the text-search configuration of the
language it was written in (so Russian words are stemmed as Russian), through partial
GIN indexes built from exactly the expressions below (migration 0007 creates them).
Laws are searched as English text, organisations' names without stemming. Elsewhere
(SQLite on a laptop) every word must appear somewhere, ignoring case, unranked.
"""

import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
)
from django.db import connection
from django.db.models import (
    Case,
    FloatField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from legislation.models import Law
from organisations.models import Organisation

from .models import Statement
from .public import public_organisations

# Statement.language → PostgreSQL text-search configuration; other languages use SIMPLE.
CONFIGURATIONS = {"en": "english", "ru": "russian", "fr": "french"}
SIMPLE = "simple"
LAW_CONFIGURATION = "english"
ORGANISATION_CONFIGURATION = "simple"

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
# ts_headline marks matches with these; they are swapped for <mark> after escaping, so
# nothing from the text itself can become markup.
START, STOP = "\ue000", "\ue001"
UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ue001]")


def clean_query(text: str) -> str:
    """The query as searched: no control characters (PostgreSQL refuses NUL), spaces folded."""
    return " ".join(UNPRINTABLE.sub(" ", text).split())


def statement_vector(configuration: str) -> CombinedExpression:
    return (
        SearchVector("title", weight="A", config=configuration)
        + SearchVector("standfirst", weight="B", config=configuration)
        + SearchVector("body", weight="C", config=configuration)
    )


def law_vector() -> CombinedExpression:
    titles = ("official_title", "common_title", "identifier")
    return SearchVector(*titles, weight="A", config=LAW_CONFIGURATION) + SearchVector(
        "summary", weight="B", config=LAW_CONFIGURATION
    )


def organisation_vector() -> CombinedExpression:
    names = ("name", "short_name", "other_names")
    return SearchVector(*names, weight="A", config=ORGANISATION_CONFIGURATION) + SearchVector(
        "description", weight="C", config=ORGANISATION_CONFIGURATION
    )


def statement_language_condition(configuration: str) -> Q:
    """The statements indexed (and searched) with a configuration: one partial index each."""
    if configuration == SIMPLE:
        return ~Q(language__in=list(CONFIGURATIONS))
    code = next(code for code, name in CONFIGURATIONS.items() if name == configuration)
    return Q(language=code)


def statement_configurations() -> list[str]:
    return [*CONFIGURATIONS.values(), SIMPLE]


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
class Search:
    text: str

    @property
    def full_text(self) -> bool:
        return connection.vendor == "postgresql"

    @property
    def words(self) -> list[str]:
        return [word.strip("\"'") for word in self.text.split()][:MAX_WORDS]

    def _contains_every_word(self, fields: list[str]) -> Q:
        conditions = Q()
        for word in self.words:
            if word:
                conditions &= reduce(or_, (Q(**{f"{field}__icontains": word}) for field in fields))
        return conditions

    def statements(self, published: QuerySet[Statement]) -> QuerySet[Statement]:
        if not self.full_text:
            fields = ["title", "standfirst", "body"]
            return published.filter(self._contains_every_word(fields)).order_by("-publish_at")
        matches, ranks, headlines = [], [], []
        for configuration in statement_configurations():
            query = web_query(self.text, configuration)
            language = statement_language_condition(configuration)
            matches.append(language & Q(SearchVectorExact(statement_vector(configuration), query)))
            ranks.append(When(language, then=SearchRank(statement_vector(configuration), query)))
            headlines.append(
                When(
                    language,
                    then=SearchHeadline(
                        Concat("standfirst", Value("\n"), "body", output_field=TextField()),
                        query,
                        config=configuration,
                        start_sel=START,
                        stop_sel=STOP,
                        max_words=40,
                        min_words=15,
                    ),
                )
            )
        return (
            published.filter(reduce(or_, matches))
            .annotate(
                rank=Case(*ranks, output_field=FloatField()),
                headline=Case(*headlines, output_field=TextField()),
            )
            .order_by("-rank", "-publish_at", "-pk")
        )

    def laws(self) -> QuerySet[Law]:
        laws = Law.objects.all()
        if not self.full_text:
            fields = ["official_title", "common_title", "identifier", "summary"]
            return laws.filter(self._contains_every_word(fields)).order_by("country", "pk")
        query = web_query(self.text, LAW_CONFIGURATION)
        return (
            laws.filter(SearchVectorExact(law_vector(), query))
            .annotate(
                rank=SearchRank(law_vector(), query),
                headline=SearchHeadline(
                    "summary", query, config=LAW_CONFIGURATION, start_sel=START, stop_sel=STOP
                ),
            )
            .order_by("-rank", "pk")
        )

    def organisations(self) -> QuerySet[Organisation]:
        organisations = public_organisations()
        if not self.full_text:
            fields = ["name", "short_name", "other_names", "description"]
            return organisations.filter(self._contains_every_word(fields)).order_by("name")
        query = web_query(self.text, ORGANISATION_CONFIGURATION)
        return (
            organisations.filter(SearchVectorExact(organisation_vector(), query))
            .annotate(rank=SearchRank(organisation_vector(), query))
            .order_by("-rank", "name")
        )

    def headline_of(self, row: Statement | Law | Organisation, text: str) -> SafeString:
        headline = getattr(row, "headline", None)
        if headline:
            return highlighted(headline)
        return excerpt(text, self.words)
