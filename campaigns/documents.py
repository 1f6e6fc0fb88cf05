"""A statement's answer in the partner API, in the parts that lists and details are made of.

The complete statement (the detail) is what StatementSerializer gives. A list item is
slim: what a partner needs to list a statement and link to it (its summary, lead
organisation, signatory count, the laws it is about, its links). `expand=` nests the
lists a partner asks for, and `fields=` keeps only the top-level fields it names.

Each part is encoded to JSON once, with orjson, and kept (StatementDocument): built in
the workflow steps and saves that change the statement, and by the task worker when
something it shows changes elsewhere (an organisation renamed, a law's status, a
signature confirmed, a demand's outcome: wherever the statement's search text is
refreshed, the same rows changed). A document is served only if it was built from the
statement's row as it is now (its language, version and last update); otherwise it is
built while answering, and kept. Which statements may be read is decided by the gate
as each request is answered, never by a document's being kept.

An answer is put together from the encoded parts without decoding them: a page of fifty
slim items is fifty byte strings joined. Two things are added as each answer is made,
because they belong to the moment and to the request, not to the statement:

- `embargoed` and `embargo_until`, which change when the publish time passes without
  anything being saved;
- the host in every link, which is the host the request was made to. Links are encoded
  with a stand-in origin, the character NUL, which JSON writes as `\\u0000`. No text of a
  statement can hold a NUL (forms refuse it, PostgreSQL cannot store it), so `"\\u0000` is
  found in the encoded parts only at the start of a link, and is replaced there.
"""

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from typing import Any

import orjson
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router, transaction
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.http import Http404
from django.tasks import task
from django.utils import timezone, translation
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from operations.changes import public_pages_changed

from .models import CLOCK_STAND_IN, Statement, StatementDocument
from .serializers import StatementSerializer

# What a partner names in `expand=`, and the field the detail gives it in.
EXPANSIONS = {
    "signatures": "signatories",
    "demands": "demands",
    "publications": "publications",
    "corrections": "corrections",
}
# A list item's fields, in the order it gives them.
ITEM_FIELDS = (
    "id",
    "url",
    "web_url",
    "kind",
    "title",
    "slug",
    "language",
    "languages",
    "standfirst",
    "issued_on",
    "publish_at",
    "signatures_open",
    "version",
    "campaign",
    "campaign_url",
    "lead_organisation",
    "signatory_count",
    "laws",
    "created_at",
    "updated_at",
    # Last, as each answer adds them.
    "embargoed",
    "embargo_until",
)
# Given as each answer is made: they change with the clock, with nothing saved.
READ_TIME_FIELDS = ("embargoed", "embargo_until")
STAND_IN_ORIGIN = "\x00"
ENCODED_STAND_IN = b'"\\u0000'
DATETIME = serializers.DateTimeField()


def detail_fields() -> list[str]:
    return list(StatementSerializer.Meta.fields)


@dataclass(frozen=True)
class StatementParts:
    """A statement's answer encoded, without its read-time fields and with stand-in links."""

    item: bytes
    detail: bytes
    # Keyed by the detail's field name (`signatories`, not `signatures`).
    expansions: Mapping[str, bytes]


def build_parts(statements: Iterable[Statement]) -> dict[int, StatementParts]:
    """Each statement's parts, from statements loaded as StatementQuerySet.with_everything_shown()
    loads them (so that nothing here runs a query)."""
    serializer = StatementSerializer(context={"origin": STAND_IN_ORIGIN})
    parts = {}
    for statement in statements:
        detail = dict(serializer.to_representation(statement))
        for name in READ_TIME_FIELDS:
            del detail[name]
        item = {name: detail[name] for name in ITEM_FIELDS if name not in READ_TIME_FIELDS}
        parts[statement.pk] = StatementParts(
            item=orjson.dumps(item),
            detail=orjson.dumps(detail),
            expansions={field: orjson.dumps(detail[field]) for field in EXPANSIONS.values()},
        )
    return parts


@dataclass(frozen=True)
class Selection:
    """What a request asks of each statement: the lists to nest, and the fields to keep."""

    expand: tuple[str, ...] = ()
    # None: every field of the item.
    fields: tuple[str, ...] | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> "Selection":
        errors: dict[str, list[str]] = {}
        expand: list[str] = []
        if "expand" in query:
            names = [name.strip() for name in str(query["expand"]).split(",") if name.strip()]
            unknown = [name for name in names if name not in EXPANSIONS]
            if unknown:
                errors["expand"] = [
                    f"Nothing to expand named {', '.join(map(repr, unknown))}. "
                    f"Choose among: {', '.join(EXPANSIONS)}."
                ]
            expand = [EXPANSIONS[name] for name in EXPANSIONS if name in names]
        fields: tuple[str, ...] | None = None
        if "fields" in query:
            allowed = detail_fields()
            names = [name.strip() for name in str(query["fields"]).split(",") if name.strip()]
            unknown = [name for name in names if name not in allowed]
            if unknown or not names:
                said = f"No field named {', '.join(map(repr, unknown))}. " if unknown else ""
                errors["fields"] = [f"{said}Name one or more of: {', '.join(allowed)}."]
            # In the detail's order, with `id` (always) and the lists `expand` asks for.
            fields = tuple(
                name for name in allowed if name in names or name in expand or name == "id"
            )
        if errors:
            raise ValidationError(errors)
        return cls(expand=tuple(expand), fields=fields)


def json_origin(origin: str) -> bytes:
    """The origin (scheme and host) as it is written inside a JSON string."""
    return orjson.dumps(origin)[1:-1]


def read_time_fields(statement: Statement) -> dict[str, Any]:
    until = statement.publish_at if statement.is_scheduled else None
    return {
        "embargoed": until is not None,
        "embargo_until": DATETIME.to_representation(until) if until is not None else None,
    }


def with_read_time_fields(encoded: bytes, statement: Statement) -> bytes:
    """An encoded object with `embargoed` and `embargo_until` added as its last members."""
    added = orjson.dumps(read_time_fields(statement))
    return encoded[:-1] + b"," + added[1:]


def chosen_fields(parts: StatementParts, statement: Statement, fields: tuple[str, ...]) -> bytes:
    """Only the fields named, read from the item where it has them all, else the detail."""
    nested = set(EXPANSIONS.values())
    if set(fields) <= {*ITEM_FIELDS, *nested}:
        source: dict[str, Any] = orjson.loads(parts.item)
        for field in nested.intersection(fields):
            source[field] = orjson.Fragment(parts.expansions[field])
    else:
        source = orjson.loads(parts.detail)
    source.update(read_time_fields(statement))
    return orjson.dumps({field: source[field] for field in fields})


def item_json(
    parts: StatementParts, statement: Statement, selection: Selection, origin: bytes
) -> bytes:
    """A statement as a list gives it, links on the request's host."""
    if selection.fields is not None:
        encoded = chosen_fields(parts, statement, selection.fields)
    else:
        encoded = with_read_time_fields(parts.item, statement)
        if selection.expand:
            nested = b"".join(
                b',"' + field.encode() + b'":' + parts.expansions[field]
                for field in selection.expand
            )
            encoded = encoded[:-1] + nested + b"}"
    return encoded.replace(ENCODED_STAND_IN, b'"' + origin)


def detail_json(detail: bytes, statement: Statement, origin: bytes) -> bytes:
    """A statement complete (its kept `detail`), as its own address gives it, links on
    the request's host."""
    encoded = with_read_time_fields(detail, statement)
    return encoded.replace(ENCODED_STAND_IN, b'"' + origin)


# --- kept documents ---------------------------------------------------------------------

NESTED_COLUMNS = tuple(EXPANSIONS.values())
# What an answer reads of a statement's row: the gate's and the embargo's fields, the
# orders', and those that say whether its document is current.
DOCUMENT_KEY_COLUMNS = (
    "id",
    "status",
    "publish_at",
    "withdrawn_at",
    "issued_on",
    "language",
    "version",
    "updated_at",
)


def columns_for(selection: Selection) -> tuple[str, ...]:
    """The encoded parts an answer needs: the rest stay in the database."""
    if selection.fields is not None and not set(selection.fields) <= {
        *ITEM_FIELDS,
        *NESTED_COLUMNS,
    }:
        return ("detail",)
    wanted = set(selection.expand) | set(selection.fields or ())
    return ("item", *(column for column in NESTED_COLUMNS if column in wanted))


def parts_of(document: StatementDocument, columns: Collection[str]) -> StatementParts:
    def read(column: str) -> bytes:
        return bytes(getattr(document, column)) if column in columns else b""

    return StatementParts(
        item=read("item"),
        detail=read("detail"),
        expansions={column: read(column) for column in NESTED_COLUMNS if column in columns},
    )


def is_current(document: StatementDocument, statement: Statement) -> bool:
    """Built from the statement's row as it is now."""
    return (document.language, document.version, document.statement_updated_at) == (
        statement.language,
        statement.version,
        statement.updated_at,
    )


def kept_parts(
    statements: list[Statement], columns: Collection[str] = ("detail",)
) -> dict[int, StatementParts]:
    """The statements' parts as kept, built (and kept) for any whose document is missing
    or older than its row: two queries when all are kept, the same few more otherwise,
    however many statements there are."""
    by_id = {statement.pk: statement for statement in statements}
    documents = StatementDocument.objects.filter(statement_id__in=by_id).only(
        "statement_id", "language", "version", "statement_updated_at", *columns
    )
    parts = {
        document.statement_id: parts_of(document, columns)
        for document in documents
        if is_current(document, by_id[document.statement_id])
    }
    missing = [pk for pk in by_id if pk not in parts]
    if missing:
        parts.update(keep(missing))
    return parts


# The kept document's columns read with its statement's row, for a detail.
KEPT_DETAIL_COLUMNS = (
    "documents__language",
    "documents__version",
    "documents__statement_updated_at",
    "documents__detail",
)


def key_columns() -> list[str]:
    """DOCUMENT_KEY_COLUMNS in the model's order of fields, as Model.from_db() takes them."""
    return [
        field.attname
        for field in Statement._meta.concrete_fields
        if field.attname in DOCUMENT_KEY_COLUMNS
    ]


def kept_detail(statements: QuerySet[Statement], identifier: int) -> tuple[Statement, bytes]:
    """The statement of this id among `statements` (the gate's), with its detail as kept:
    one query, its row and its documents read together. Built (and kept) if its document
    is missing or older than its row. Raises Http404 if the gate does not give it."""
    columns = key_columns()
    rows: list[tuple[Any, ...]] = list(
        statements.filter(pk=identifier)
        # One row, or one per document kept: no order to compute.
        .order_by()
        .values_list(*columns, *KEPT_DETAIL_COLUMNS)
    )
    return detail_of(statements.db, columns, rows)


def detail_of(db: str, columns: list[str], rows: list[tuple[Any, ...]]) -> tuple[Statement, bytes]:
    if not rows:
        raise Http404
    key_count = len(columns)
    statement = Statement.from_db(db, columns, rows[0][:key_count])
    current = (statement.language, statement.version, statement.updated_at)
    for row in rows:
        language, version, updated_at, detail = row[key_count:]
        if (language, version, updated_at) == current:
            return statement, bytes(detail)
    return statement, keep([statement.pk])[statement.pk].detail


# Compiled into the public detail's query in place of the id, as CLOCK_STAND_IN is in
# place of the clock; each request puts its own id and moment in their places.
ID_STAND_IN = -1


@dataclass(frozen=True)
class CompiledQuery:
    sql: str
    params: tuple[Any, ...]
    compiler: SQLCompiler
    # What values_list() applies to each row read (none on PostgreSQL for these columns).
    converters: dict[int, Any]
    # The columns in the order the query selects them, and in the order asked for.
    reorder: Callable[[Sequence[Any]], tuple[Any, ...]]
    columns: list[str]


@cache
def public_detail_query(db: str, language: str) -> CompiledQuery:
    """The query kept_detail() makes of Statement.objects.published() for one id,
    compiled once (per database, and per language, though no column it reads is
    translated): the gate's own conditions, as the ORM writes them."""
    columns = key_columns()
    queryset = (
        Statement.objects.using(db)
        .published(at=CLOCK_STAND_IN)
        .filter(pk=ID_STAND_IN)
        .order_by()
        .values_list(*columns, *KEPT_DETAIL_COLUMNS)
    )
    compiler = queryset.query.get_compiler(db)
    sql, params = compiler.as_sql()
    if CLOCK_STAND_IN not in params or ID_STAND_IN not in params:
        raise ImproperlyConfigured(
            "The public detail's query no longer reads the clock and the id."
        )
    selected = [expression for expression, _sql, _alias in compiler.select[: compiler.col_count]]
    # As values_list() gives them (ValuesListIterable), not as the SQL selects them.
    query = queryset.query
    names = [*query.extra_select, *query.values_select, *query.annotation_select]
    reorder = itemgetter(*(names.index(name) for name in (*columns, *KEPT_DETAIL_COLUMNS)))
    return CompiledQuery(
        sql, tuple(params), compiler, compiler.get_converters(selected), reorder, columns
    )


def kept_public_detail(identifier: int) -> tuple[Statement, bytes]:
    """kept_detail(Statement.objects.published(), identifier), without building and
    compiling the query for every request (most of a detail's time): the gate's query
    compiled once, run with this moment and this id."""
    db = router.db_for_read(Statement)
    query = public_detail_query(db, translation.get_language())
    now = timezone.now()
    params = [
        now if param == CLOCK_STAND_IN else identifier if param == ID_STAND_IN else param
        for param in query.params
    ]
    with connections[db].cursor() as cursor:
        cursor.execute(query.sql, params)
        selected: Iterable[Sequence[Any]] = cursor.fetchall()
    if query.converters:
        selected = query.compiler.apply_converters(selected, query.converters)
    return detail_of(db, query.columns, [query.reorder(row) for row in selected])


def keep(statement_ids: Collection[int]) -> dict[int, StatementParts]:
    """Build these statements' documents and keep them, in place of any older ones.

    The caller decides which statements may be built: the gate for an answer, the
    readable ones for `refresh_documents`.
    """
    statements = list(Statement.objects.filter(pk__in=statement_ids).with_everything_shown())
    parts = build_parts(statements)
    built_at = timezone.now()
    documents = [
        StatementDocument(
            statement=statement,
            language=statement.language,
            version=statement.version,
            statement_updated_at=statement.updated_at,
            built_at=built_at,
            item=parts[statement.pk].item,
            detail=parts[statement.pk].detail,
            **parts[statement.pk].expansions,
        )
        for statement in statements
    ]
    StatementDocument.objects.filter(statement_id__in=statement_ids).delete()
    # Another request may keep the same statement's document at the same moment.
    StatementDocument.objects.bulk_create(
        documents,
        update_conflicts=True,
        unique_fields=["statement", "language", "version"],
        update_fields=["statement_updated_at", "built_at", "item", "detail", *NESTED_COLUMNS],
    )
    return parts


def refresh_documents(statement_ids: Collection[int]) -> int:
    """Build anew the documents of these statements that may be read (public, or
    scheduled for embargo keys), and drop the others'. Says how many changed."""
    readable = Statement.objects.published() | Statement.objects.scheduled()
    readable_ids = set(readable.filter(pk__in=statement_ids).values_list("pk", flat=True))
    dropped, _ = (
        StatementDocument.objects.filter(statement_id__in=statement_ids)
        .exclude(statement_id__in=readable_ids)
        .delete()
    )
    if not readable_ids:
        return dropped
    before = dict(
        StatementDocument.objects.filter(statement_id__in=readable_ids).values_list(
            "statement_id", "detail"
        )
    )
    built = keep(readable_ids)
    return dropped + sum(
        1 for pk, parts in built.items() if pk not in before or bytes(before[pk]) != parts.detail
    )


def queue_rebuild(statement_ids: Iterable[int]) -> None:
    """After something these statements show has changed: rebuild their documents in the
    task worker, once the change is committed."""
    ids = sorted(set(statement_ids))
    if ids:
        transaction.on_commit(lambda: rebuild_documents.enqueue(ids))


@task()
def rebuild_documents(statement_ids: list[int]) -> int:
    changed = refresh_documents(statement_ids)
    if changed:
        # A conditional GET answered from the old documents remembered their ETag under
        # the content number: a new number, or 304s would go on confirming them.
        public_pages_changed()
    return changed
