"""Deterministic benchmark data: `python -m bench.generate --scale standard --seed 1`.

Rows are written straight to their tables, with their ids chosen here so that every
foreign key is known without reading anything back: on PostgreSQL with COPY (the large
scale, a million statements, loads in minutes), elsewhere with executemany. Nothing goes
through the models' save(), so no history is kept of generated rows and no change is
announced to webhooks; what the models' constraints demand is respected by construction,
and the database checks it on the way in.

Statements come in every state the publication gate knows (published, draft, in review,
approved, scheduled for a time far in the future, withdrawn), in one to three languages;
a statement id given in `Generated` names the ones the benchmark reads.
"""

import argparse
import io
import operator
import os
import random
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

# The clock of the data: everything published happened before it, everything scheduled
# is due long after it, so a run next year still finds the same public set.
PAST = datetime(2025, 1, 1, tzinfo=UTC)
FUTURE = datetime(2099, 1, 1, tzinfo=UTC)
STATEMENTS_WRITTEN_OVER = timedelta(days=365 * 12)

# A word that a handful of statements contain, and one that most do: the two searches.
SELECTIVE_WORD = "quinquereme"
COMMON_WORD = "freedom"


@dataclass(frozen=True)
class Scale:
    organisations: int
    statements: int
    laws: int
    campaigns: int
    coalitions: int
    targets: int
    mean_signatures: float  # signatures per statement: 1 + exponential, at most 300
    max_demands: int
    body_paragraphs: int
    batch: int = 50_000


SCALES = {
    "tiny": Scale(60, 150, 8, 4, 2, 6, 4, 4, 2, batch=500),
    "standard": Scale(2_000, 10_000, 500, 100, 20, 40, 20, 7, 4),
    "large": Scale(100_000, 1_000_000, 5_000, 2_000, 200, 200, 3, 3, 2),
}

# The share of statements in each state, out of 100.
STATES = (
    ("published", 80),
    ("draft", 5),
    ("in_review", 3),
    ("approved", 3),
    ("scheduled", 5),
    ("withdrawn", 4),
)

WORDS = (
    "civil",
    "society",
    "rights",
    "defenders",
    "coalition",
    "government",
    "law",
    "parliament",
    "association",
    "assembly",
    "expression",
    "media",
    "journalists",
    "court",
    "appeal",
    "registration",
    "foreign",
    "agents",
    "funding",
    "sanctions",
    "repression",
    "protest",
    "detention",
    "release",
    "solidarity",
    "accountability",
    "international",
    "standards",
    "treaty",
    "obligations",
    "council",
    "repeal",
    "amend",
    "adopt",
    "halt",
    "protect",
    "ensure",
    "commit",
    "stop",
    "independent",
    "organisations",
    "citizens",
    "participation",
)
COUNTRIES = ("RU", "BY", "AZ", "KZ", "GE", "HU", "TR", "KG", "UZ", "TJ", "AM", "RS")
DEMAND_ACTIONS = ("repeal", "amend", "halt", "release", "protect")
CORRECTION_NOTE = "A date was wrong."
LANGUAGE_TEXT = {
    "ru": "Гражданское общество требует отменить закон и защитить свободу объединений.",
    "fr": "La société civile demande l'abrogation de la loi et la liberté d'association.",
}


@dataclass
class Generated:
    """What was written, and the rows the benchmark reads by name."""

    counts: dict[str, int] = field(default_factory=dict)
    # A published statement with many signatories, and one shaped like the demo's
    # (8 signatories, 7 demands): the cold page's target is stated for that shape.
    widest_statement: int = 0
    demo_shaped_statement: int = 0


class TableWriter:
    """Buffers rows of one model and writes them in batches, filling every column.

    Columns not given take the field's default, its time for auto_now fields, NULL where
    allowed, else an empty string (for text, and for a file field without a file); a
    missing required value is an error, not a guess.
    A row is kept as the tuple of its columns' values: a million statements and their
    signatures make millions of rows, and per-row work is what the load time is made of.
    """

    def __init__(self, model: Any, batch: int, now: datetime) -> None:
        from django.db import connection, models

        self.model = model
        self.batch = batch
        self.fields = list(model._meta.concrete_fields)
        self.defaults: dict[str, Any] = {}
        self.required: set[str] = set()
        for model_field in self.fields:
            name = model_field.attname
            if isinstance(model_field, models.DateTimeField) and (
                model_field.auto_now or model_field.auto_now_add
            ):
                self.defaults[name] = now
            elif model_field.has_default():
                self.defaults[name] = model_field.get_default()
            elif model_field.null:
                self.defaults[name] = None
            elif isinstance(model_field, models.CharField | models.TextField | models.FileField):
                # A file field without a file (an organisation with no logo) is "" too.
                self.defaults[name] = ""
            else:
                self.required.add(name)
        self.columns = operator.itemgetter(*(f.attname for f in self.fields))
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        # Rows given no id are numbered in the order they are added.
        self.primary_key = model._meta.pk.attname
        self.required.discard(self.primary_key)
        self.last_id = 0
        self.copy = connection.vendor == "postgresql"

    def add(self, **values: Any) -> None:
        if not self.required <= values.keys():
            missing = sorted(self.required - values.keys())
            raise ValueError(f"{self.model.__name__}: no value for {missing}")
        row = self.defaults.copy()
        row.update(values)
        if self.primary_key not in values:
            self.last_id += 1
            row[self.primary_key] = self.last_id
        self.rows.append(self.columns(row))
        if len(self.rows) >= self.batch:
            self.flush()

    def insert_select(self, expressions: dict[str, str], source: str, params: list[Any]) -> None:
        """INSERT ... SELECT: each column from its SQL expression over `source` (a FROM
        clause with whatever WITH it needs, at its head: `WITH ... SELECT {columns} FROM
        ...`), the others their default, as for add()."""
        from django.db import connection

        missing = self.required - expressions.keys() - {self.primary_key}
        if missing:
            raise ValueError(f"{self.model.__name__}: no value for {sorted(missing)}")
        selected, defaults = [], []
        for model_field in self.fields:
            if model_field.attname in expressions:
                selected.append(expressions[model_field.attname])
            else:
                default = self.defaults[model_field.attname]
                selected.append("%s")
                defaults.append(default.value if isinstance(default, Enum) else default)
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        # The defaults come first in the SELECT list, the source's own parameters after.
        head, _, tail = source.partition("{columns}")
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({columns}) {head}{', '.join(selected)}{tail}",
                [*params[: head.count("%s")], *defaults, *params[head.count("%s") :]],
            )
            self.written += cursor.rowcount

    def flush(self) -> None:
        from django.db import connection

        if not self.rows:
            return
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        with connection.cursor() as cursor:
            if self.copy:
                text = "".join([copy_line(row) for row in self.rows])
                # psycopg2's own cursor: Django's wrapper does not expose COPY.
                cursor.cursor.copy_expert(
                    f"COPY {table} ({columns}) FROM STDIN", io.StringIO(text), size=1 << 20
                )
            else:
                prepared = [
                    [
                        f.get_db_prep_save(value, connection)
                        for f, value in zip(self.fields, row, strict=True)
                    ]
                    for row in self.rows
                ]
                marks = ", ".join(["%s"] * len(self.fields))
                # Names from the models' metadata, values as parameters.
                insert = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
                cursor.executemany(insert, prepared)
        self.written += len(self.rows)
        self.rows = []


# COPY's text format: backslash escapes, \N for NULL. Only the types the generator
# writes; anything else (a JSON default, say) is an error rather than a wrong string.
COPY_FORMATS: dict[type, Any] = {
    str: lambda value: (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    ),
    int: str,
    bool: lambda value: "t" if value else "f",
    type(None): lambda value: r"\N",
    datetime: datetime.isoformat,
    date: date.isoformat,
    Decimal: str,
}


def copy_text(value: Any) -> str:
    if isinstance(value, Enum):  # a TextChoices member is written as its value
        value = value.value
    return str(COPY_FORMATS[type(value)](value))


def copy_line(row: Iterable[Any]) -> str:
    try:
        return "\t".join([COPY_FORMATS[type(value)](value) for value in row]) + "\n"
    except KeyError:
        return "\t".join([copy_text(value) for value in row]) + "\n"


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(WORDS, k=words))


def paragraphs(rng: random.Random, count: int, marker: str = "") -> str:
    texts = [sentence(rng, 40).capitalize() + "." for _ in range(count)]
    if marker:
        texts.append(marker)
    return "\n\n".join(texts)


def weighted_states(rng: random.Random) -> str:
    pick = rng.randrange(100)
    for state, share in STATES:
        if pick < share:
            return state
        pick -= share
    return "published"


def uniform(key: str, seed: int, salt: int) -> str:
    """SQL for a number in [0, 1) fixed by `key` (an integer expression), the seed and the
    salt: PostgreSQL's own 64-bit hash, so the same seed gives the same rows."""
    hashed = f"hashint8extended(({key})::bigint, {seed * 100 + salt})"
    return f"(({hashed} & 4294967295)::float8 / 4294967296.0)"


def coprime_strides(count: int) -> list[int]:
    """Primes that share no factor with `count`: stepping through 1..count by one of them
    meets no number twice before count steps, so a statement's signatories are distinct."""
    primes = [n for n in range(1009, 4000) if all(n % d for d in range(2, int(n**0.5) + 1))]
    return [prime for prime in primes if count % prime][:64]


def derive_parts_in_database(
    scale: Scale,
    seed: int,
    rng: random.Random,
    signatures: TableWriter,
    demands: TableWriter,
    corrections: TableWriter,
    changes: TableWriter,
) -> None:
    """On PostgreSQL, each statement's signatures, demands, correction and changes are
    made from the statement rows already written, by INSERT ... SELECT: millions of rows
    with no Python object each. The rules are those of the row-by-row path in generate():
    signatory counts 1 + exponential (the two fixed shapes first), the lead signs first,
    85 % of the others confirmed; 0 to max_demands demands, every other one naming a
    provision of its law; a change per publication, correction and withdrawal."""
    signatory_count = (
        f"CASE statement.id WHEN 1 THEN {min(300, scale.organisations)} WHEN 2 THEN 8 "
        f"ELSE LEAST(300, {scale.organisations}, 1 + floor(-ln(1 - "
        f"{uniform('statement.id', seed, 1)}) * {scale.mean_signatures})::int) END"
    )
    signature_key = "statement.id * 300 + position"
    signatures.insert_select(
        {
            "id": "row_number() OVER (ORDER BY statement.id, position)",
            "statement_id": "statement.id",
            "organisation_id": (
                f"1 + (statement.lead_organisation_id - 1 + position * stride) "
                f"%% {scale.organisations}"
            ),
            "role": "CASE position WHEN 0 THEN 'lead' ELSE 'co_signatory' END",
            "status": (
                f"CASE WHEN confirmed THEN 'confirmed' ELSE (ARRAY['invited', 'pending', "
                f"'declined'])[1 + floor({uniform(signature_key, seed, 2)} * 3)::int] END"
            ),
            "signed_at": "CASE WHEN confirmed THEN statement.created_at + interval '1 day' END",
            "signed_version": "CASE WHEN confirmed THEN 1 END",
            "order": "position",
        },
        f"""
        WITH shaped AS (
            SELECT statement.*, {signatory_count} AS signatory_count,
                   (%s::int[])[1 + floor({uniform("statement.id", seed, 3)} * %s)::int] AS stride
            FROM campaigns_statement AS statement
        )
        SELECT {{columns}}
        FROM shaped AS statement,
             generate_series(0, statement.signatory_count - 1) AS position,
             LATERAL (
                SELECT position < 2 OR {uniform(signature_key, seed, 4)} < 0.85 AS confirmed
             ) AS decided
        """,
        [strides := coprime_strides(scale.organisations), len(strides)],
    )

    demand_count = (
        f"CASE statement.id WHEN 1 THEN 3 WHEN 2 THEN 7 "
        f"ELSE floor({uniform('statement.id', seed, 5)} * {scale.max_demands + 1})::int END"
    )
    demand_key = "statement.id * 16 + position"
    texts = [sentence(rng, 18).capitalize() + "." for _ in range(1000)]
    demands.insert_select(
        {
            "id": "row_number() OVER (ORDER BY statement.id, position)",
            "statement_id": "statement.id",
            "addressee_id": f"1 + floor({uniform(demand_key, seed, 6)} * {scale.targets})::int",
            "action": (
                f"pool.actions[1 + floor({uniform(demand_key, seed, 7)} * "
                f"{len(DEMAND_ACTIONS)})::int]"
            ),
            "law_id": "law.law_id",
            "provision_id": (
                "CASE WHEN position %% 2 = 1 THEN law.first_provision + "
                f"floor({uniform(demand_key, seed, 8)} * law.provisions)::int END"
            ),
            "text": f"pool.texts[1 + floor({uniform(demand_key, seed, 9)} * {len(texts)})::int]",
            "order": "position",
        },
        f"""
        WITH laws AS (
            -- A law's provisions were numbered one after another.
            SELECT law_id, min(id) AS first_provision, count(*) AS provisions
            FROM legislation_provision GROUP BY law_id
        )
        SELECT {{columns}}
        FROM campaigns_statement AS statement,
             generate_series(0, {demand_count} - 1) AS position,
             LATERAL (
                SELECT 1 + floor({uniform(demand_key, seed, 10)} * {scale.laws})::int AS law_id
             ) AS chosen
             JOIN laws AS law ON law.law_id = chosen.law_id
             CROSS JOIN (SELECT %s::text[] AS actions, %s::text[] AS texts) AS pool
        """,
        [list(DEMAND_ACTIONS), texts],
    )

    corrections.insert_select(
        {
            "id": "row_number() OVER (ORDER BY id)",
            "statement_id": "id",
            "corrected_at": "corrected_at",
            "note": "fixed.note",
        },
        "SELECT {columns} FROM campaigns_statement, (SELECT %s::text AS note) AS fixed "
        "WHERE corrected_at IS NOT NULL",
        [CORRECTION_NOTE],
    )
    changes.insert_select(
        {
            "id": "row_number() OVER (ORDER BY statement_id, step)",
            "statement_id": "statement_id",
            "object_id": "statement_id",
            "kind": "kind",
            "visible_from": "visible_from",
            "created_at": "created_at",
        },
        """
        SELECT {columns} FROM (
            SELECT id AS statement_id, 1 AS step, 'published' AS kind,
                   publish_at AS visible_from, created_at + interval '2 days' AS created_at
            FROM campaigns_statement WHERE publish_at IS NOT NULL
            UNION ALL
            SELECT id, 2, 'corrected', corrected_at, corrected_at
            FROM campaigns_statement WHERE corrected_at IS NOT NULL
            UNION ALL
            SELECT id, 3, 'withdrawn', withdrawn_at, withdrawn_at
            FROM campaigns_statement WHERE withdrawn_at IS NOT NULL
        ) AS change
        """,
        [],
    )


def generated_tables() -> list[Any]:
    """Every model the generator fills, children first: the order to empty them in."""
    from campaigns.models import (
        Campaign,
        Change,
        Coalition,
        CoalitionMembership,
        Correction,
        Demand,
        Signature,
        Statement,
        Target,
    )
    from legislation.models import Law, LawEvent, Penalty, Provision
    from organisations.models import Organisation

    return [
        Change,
        Correction,
        Demand,
        Signature,
        Statement,
        Target,
        Campaign,
        CoalitionMembership,
        Coalition,
        Penalty,
        Provision,
        LawEvent,
        Law,
        Organisation,
    ]


def empty_tables() -> None:
    """Remove what an earlier generation (or the demo) left in the generated tables."""
    from django.db import connection

    models = generated_tables()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
            # Foreign keys are checked at commit; checks still pending (rows written earlier
            # in this transaction) would refuse the TRUNCATE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            # Then checked at commit again: rows go in parents and children by batches.
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for model in models:
                model._base_manager.all().delete()


def drop_secondary_indexes() -> list[str]:
    """On PostgreSQL, drop the generated tables' foreign keys and the indexes that back no
    constraint, and return the statements that make them again. One index build per index
    after the load is far faster than keeping them (the full-text GIN indexes above all)
    row by row, and one check per foreign key (a join) far faster than millions of
    deferred row-by-row checks queued until commit."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    tables = [model._meta.db_table for model in generated_tables()]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT index.indexname, index.indexdef FROM pg_indexes AS index
            WHERE index.schemaname = current_schema() AND index.tablename = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = index.indexname)
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """
            SELECT constraint_.conrelid::regclass::text, constraint_.conname,
                   pg_get_constraintdef(constraint_.oid)
            FROM pg_constraint AS constraint_
            WHERE constraint_.contype = 'f' AND constraint_.conrelid::regclass::text = ANY(%s)
            """,
            [tables],
        )
        foreign_keys = cursor.fetchall()
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [definition for _name, definition in indexes] + [
        f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
        for table, name, definition in foreign_keys
    ]


def generate(scale_name: str, seed: int, out: Any = sys.stdout) -> Generated:
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from campaigns.models import (
        Campaign,
        Change,
        Coalition,
        CoalitionMembership,
        Correction,
        Demand,
        Signature,
        Statement,
        Target,
    )
    from legislation.models import Law, LawEvent, Penalty, Provision
    from organisations.models import Organisation

    scale = SCALES[scale_name]
    rng = random.Random(seed)  # noqa: S311 -- repeatable data, not secrets
    result = Generated()
    writers: dict[str, TableWriter] = {}

    def writer(model: Any) -> TableWriter:
        key = model._meta.label
        if key not in writers:
            writers[key] = TableWriter(model, scale.batch, PAST)
        return writers[key]

    started = time.monotonic()

    def say(text: str) -> None:
        print(f"[{time.monotonic() - started:6.0f} s] {text}", file=out, flush=True)

    with transaction.atomic():
        empty_tables()
        index_definitions = drop_secondary_indexes()

        say(f"organisations: {scale.organisations}")
        organisations = writer(Organisation)
        for pk in range(1, scale.organisations + 1):
            name = f"{sentence(rng, 2).title()} Organisation {pk}"
            organisations.add(
                id=pk,
                name=name,
                name_en=name,
                short_name=f"ORG{pk}",
                slug=f"organisation-{pk}",
                kind=rng.choice(("ngo", "ngo", "ngo", "network", "foundation", "media")),
                country=rng.choice(COUNTRIES),
                website=f"https://org{pk}.example.org",
                description=sentence(rng, 20),
                description_en=sentence(rng, 20),
                is_active=rng.random() > 0.05,
            )
        organisations.flush()

        coalitions, memberships = writer(Coalition), writer(CoalitionMembership)
        for pk in range(1, scale.coalitions + 1):
            coalitions.add(id=pk, name=f"Coalition {pk}", slug=f"coalition-{pk}")
            for organisation in rng.sample(range(1, scale.organisations + 1), 5):
                memberships.add(coalition_id=pk, organisation_id=organisation, role="member")
        coalitions.flush()
        memberships.flush()

        campaigns = writer(Campaign)
        for pk in range(1, scale.campaigns + 1):
            title = f"Campaign {pk}: {sentence(rng, 4)}"
            campaigns.add(
                id=pk,
                coalition_id=rng.randint(1, scale.coalitions),
                title=title,
                title_en=title,
                slug=f"campaign-{pk}",
                summary=sentence(rng, 25),
                summary_en=sentence(rng, 25),
                body=paragraphs(rng, 2),
                country=rng.choice(COUNTRIES),
                started_on=date(2010, 1, 1) + timedelta(days=rng.randrange(5000)),
            )
        campaigns.flush()

        targets = writer(Target)
        for pk in range(1, scale.targets + 1):
            targets.add(id=pk, name=f"Addressee {pk}", slug=f"addressee-{pk}", kind="government")
        targets.flush()

        say(f"laws: {scale.laws}")
        laws, events, provisions, penalties = (
            writer(Law),
            writer(LawEvent),
            writer(Provision),
            writer(Penalty),
        )
        law_provisions: dict[int, list[int]] = {}
        provision_pk = penalty_pk = event_pk = 0
        for pk in range(1, scale.laws + 1):
            timeline = [("introduced", 0), ("reading", 60), ("adopted", 120), ("in_force", 200)]
            timeline = timeline[: rng.randint(1, 4)]
            start = date(2008, 1, 1) + timedelta(days=rng.randrange(5000))
            last_kind, last_day = timeline[-1]
            status = LawEvent.STATUS_AFTER[last_kind]
            title = f"Law {pk} on {sentence(rng, 3)}"
            laws.add(
                id=pk,
                country=rng.choice(COUNTRIES),
                official_title=title,
                official_title_en=title,
                common_title=f"the {sentence(rng, 2)} law",
                common_title_en=f"the {sentence(rng, 2)} law",
                slug=f"law-{pk}",
                identifier=f"{pk}-FZ",
                kind="statute",
                status=status,
                status_since=start + timedelta(days=last_day),
                summary=sentence(rng, 30),
                summary_en=sentence(rng, 30),
            )
            for kind, day in timeline:
                event_pk += 1
                events.add(id=event_pk, law_id=pk, kind=kind, date=start + timedelta(days=day))
            law_provisions[pk] = []
            for order in range(rng.randint(1, 4)):
                provision_pk += 1
                law_provisions[pk].append(provision_pk)
                provisions.add(
                    id=provision_pk,
                    law_id=pk,
                    reference=f"Article {order + 1}",
                    summary=sentence(rng, 15),
                    order=order,
                )
                for _ in range(rng.randint(0, 2)):
                    penalty_pk += 1
                    amount = Decimal(rng.randrange(1_000, 500_000))
                    penalties.add(
                        id=penalty_pk,
                        provision_id=provision_pk,
                        kind="fine",
                        as_reported=f"up to {amount} RUB",
                        amount_max=amount,
                        unit="RUB",
                    )
        for table in (laws, events, provisions, penalties):
            table.flush()

        say(f"statements: {scale.statements}")
        statements, signatures, demands = writer(Statement), writer(Signature), writer(Demand)
        corrections, changes = writer(Correction), writer(Change)
        # On PostgreSQL the statements' parts are derived from the statements in the
        # database (derive_parts_in_database); elsewhere they are built here, row by row.
        in_database = connection.vendor == "postgresql"
        signature_pk = demand_pk = change_pk = 0
        all_organisations = range(1, scale.organisations + 1)
        for pk in range(1, scale.statements + 1):
            # The first statements are fixed shapes the benchmark reads; the rest random.
            if pk == 1:
                state, signatory_count, demand_count = "published", min(300, scale.organisations), 3
                result.widest_statement = pk
            elif pk == 2:
                state, signatory_count, demand_count = "published", 8, 7
                result.demo_shaped_statement = pk
            else:
                state = weighted_states(rng)
                signatory_count = min(
                    300, scale.organisations, 1 + int(rng.expovariate(1 / scale.mean_signatures))
                )
                demand_count = rng.randint(0, scale.max_demands)
            # Written over twelve years in the order they are made, as a coalition's are,
            # with up to a week's jitter: the table's order follows the publish time's
            # roughly, as in a real database (it matters to index-only scans at a million
            # rows, which check each row's page in the visibility map).
            published_at = (
                PAST
                - STATEMENTS_WRITTEN_OVER * ((scale.statements - pk) / scale.statements)
                - timedelta(minutes=rng.randrange(60 * 24 * 7))
            )
            publish_at: datetime | None = None
            withdrawn_at = None
            status = state
            if state == "published":
                publish_at = published_at
            elif state == "scheduled":
                status, publish_at = "published", FUTURE + timedelta(minutes=pk)
            elif state == "withdrawn":
                publish_at = published_at
                withdrawn_at = published_at + timedelta(days=rng.randint(1, 300))
            # Issued the day it became public (in UTC, the site's time zone), but for one
            # in fifty: an older statement added to the archive, issued one to seven years
            # before. Chosen by its id, not the seed's random numbers, which then make the
            # same data as before.
            issued_on: date | None = publish_at.date() if publish_at is not None else None
            if issued_on is not None and state != "scheduled" and pk % 50 == 7:
                issued_on -= timedelta(days=365 * (1 + pk % 7))
            corrected = state in {"published", "withdrawn"} and rng.random() < 0.05
            corrected_at = (publish_at + timedelta(days=1)) if corrected and publish_at else None
            marker = SELECTIVE_WORD if rng.random() < 0.002 else ""
            title = f"{sentence(rng, 6).capitalize()} {COMMON_WORD} {pk}"
            standfirst = sentence(rng, 25)
            body = paragraphs(rng, scale.body_paragraphs, marker)
            translations: dict[str, Any] = {
                "title": title,
                "title_en": title,
                "standfirst": standfirst,
                "standfirst_en": standfirst,
                "body": body,
                "body_en": body,
            }
            for language, share in (("ru", 0.2), ("fr", 0.1)):
                if rng.random() < share:
                    translations[f"title_{language}"] = f"{LANGUAGE_TEXT[language][:40]} {pk}"
                    translations[f"body_{language}"] = LANGUAGE_TEXT[language]
            if in_database:
                chosen = [rng.randint(1, scale.organisations)]
            else:
                chosen = rng.sample(all_organisations, signatory_count)
            statements.add(
                id=pk,
                campaign_id=rng.randint(1, scale.campaigns) if rng.random() < 0.7 else None,
                kind=rng.choice(("joint_statement", "joint_statement", "open_letter")),
                slug=f"statement-{pk}",
                language="en",
                lead_organisation_id=chosen[0],
                status=status,
                issued_on=issued_on,
                publish_at=publish_at,
                withdrawn_at=withdrawn_at,
                withdrawal_reason="Withdrawn at the signatories' request." if withdrawn_at else "",
                version=2 if corrected else 1,
                corrected_at=corrected_at,
                signatures_open=rng.random() < 0.1,
                created_at=published_at - timedelta(days=2),
                updated_at=corrected_at or published_at,
                **translations,
            )
            if pk % 100_000 == 0:
                say(f"  {pk} statements")
            if in_database:
                continue
            for order, organisation in enumerate(chosen):
                signature_pk += 1
                confirmed = order < 2 or rng.random() < 0.85
                signature_status = (
                    "confirmed" if confirmed else rng.choice(("invited", "pending", "declined"))
                )
                signatures.add(
                    id=signature_pk,
                    statement_id=pk,
                    organisation_id=organisation,
                    role="lead" if order == 0 else "co_signatory",
                    status=signature_status,
                    signed_at=published_at - timedelta(days=1) if confirmed else None,
                    signed_version=1 if confirmed else None,
                    order=order,
                )
            for order in range(demand_count):
                demand_pk += 1
                law = rng.randint(1, scale.laws)
                demands.add(
                    id=demand_pk,
                    statement_id=pk,
                    addressee_id=rng.randint(1, scale.targets),
                    action=rng.choice(DEMAND_ACTIONS),
                    law_id=law,
                    provision_id=rng.choice(law_provisions[law]) if order % 2 else None,
                    text=sentence(rng, 18).capitalize() + ".",
                    order=order,
                )
            if publish_at is not None:
                change_pk += 1
                changes.add(
                    id=change_pk,
                    resource="statement",
                    object_id=pk,
                    statement_id=pk,
                    kind="published",
                    visible_from=publish_at,
                    created_at=published_at,
                )
            if corrected_at is not None:
                corrections.add(statement_id=pk, corrected_at=corrected_at, note=CORRECTION_NOTE)
                change_pk += 1
                changes.add(
                    id=change_pk,
                    resource="statement",
                    object_id=pk,
                    statement_id=pk,
                    kind="corrected",
                    visible_from=corrected_at,
                    created_at=corrected_at,
                )
            if withdrawn_at is not None:
                change_pk += 1
                changes.add(
                    id=change_pk,
                    resource="statement",
                    object_id=pk,
                    statement_id=pk,
                    kind="withdrawn",
                    visible_from=withdrawn_at,
                    created_at=withdrawn_at,
                )
        for table in writers.values():
            table.flush()
        if in_database:
            say("signatures, demands, corrections and changes")
            derive_parts_in_database(scale, seed, rng, signatures, demands, corrections, changes)

        say(f"indexes and foreign keys: {len(index_definitions)} rebuilt")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Check what foreign keys remain now: an index cannot be built over
                # pending checks. Then give the index builds memory to sort in.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for definition in index_definitions:
                cursor.execute(definition)

        # Ids were chosen here: the sequences must continue after them.
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), generated_tables()):
                cursor.execute(statement)

    if connection.vendor == "postgresql":
        # Statistics for the planner, and the visibility map that lets counts and lists
        # be answered from an index alone (outside the transaction: VACUUM needs that).
        say("vacuum and analyze")
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in generated_tables())
        # Inside a caller's transaction (a test) statistics alone.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(f"{command} {tables}")
    result.counts = {label: table.written for label, table in writers.items()}
    for label, count in result.counts.items():
        say(f"{label}: {count}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="standard")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    generate(arguments.scale, arguments.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
