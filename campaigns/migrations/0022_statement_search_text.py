"""A statement is found by what the public reads with it (written partly by hand).

`Statement.search_text` holds, one item a line, who signed for its confirmed signatories,
its demands and the evidence of their outcomes, its publications elsewhere, and the
identifiers and countries (by name, in every language) of the laws it makes demands
about. Every statement's text is written here, as `refresh_search_text()` writes it.

On PostgreSQL each language's stored vector (0013) takes that text in after the
statement's own, weighted D: a search still reads one column through one index per
language, and joins no other table. PostgreSQL 15 cannot change the expression of a
generated column, so each is made again, with its index.

What is read is written out here, as 0013 wrote its own expressions, so that this
migration keeps doing what it did when it was written.
"""

import importlib
from itertools import batched

from django.db import migrations, models
from django.utils import translation
from django_countries import countries

vectors_before = importlib.import_module("campaigns.migrations.0013_statement_stored_search_vectors")

CONFIGURATIONS = {"en": "english", "ru": "russian", "fr": "french"}
WEIGHTS = (("title", "A"), ("standfirst", "B"), ("body", "C"))


def vector(language: str, configuration: str) -> str:
    written = " AND ".join(f"COALESCE({field}_{language}, '') <> ''" for field in ("title", "body"))
    weighted = " || ".join(
        f"setweight(to_tsvector('{configuration}'::regconfig, COALESCE({field}_{language}, '')), '{weight}')"
        for field, weight in WEIGHTS
    )
    also = f"setweight(to_tsvector('{configuration}'::regconfig, COALESCE(search_text, '')), 'D')"
    return f"CASE WHEN {written} THEN {weighted} || {also} END"


def drop_vectors(schema_editor) -> None:
    for language in CONFIGURATIONS:
        schema_editor.execute(f"DROP INDEX statement_search_{language}_idx")
        schema_editor.execute(f"ALTER TABLE campaigns_statement DROP COLUMN search_vector_{language}")


def add_vectors(schema_editor, expression) -> None:
    for language, configuration in CONFIGURATIONS.items():
        schema_editor.execute(
            f"ALTER TABLE campaigns_statement ADD COLUMN search_vector_{language} tsvector "
            f"GENERATED ALWAYS AS ({expression(language, configuration)}) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX statement_search_{language}_idx ON campaigns_statement "
            f"USING gin (search_vector_{language})"
        )


# Going forward, the old vectors are dropped before the texts are written (each row
# written would otherwise compute them once more), and the new ones added after.


def drop_vectors_before(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        drop_vectors(schema_editor)


def add_vectors_before(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        add_vectors(schema_editor, vectors_before.vector)


def add_vectors_with_search_text(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        add_vectors(schema_editor, vector)


def drop_vectors_with_search_text(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        drop_vectors(schema_editor)


def country_names(code: str) -> list[str]:
    names = []
    for language in CONFIGURATIONS:
        with translation.override(language):
            names.append(str(countries.name(code)))
    return names


def search_texts(apps, statement_ids):
    signature = apps.get_model("campaigns", "Signature")
    publication = apps.get_model("campaigns", "Publication")
    demand = apps.get_model("campaigns", "Demand")
    items = {pk: [] for pk in statement_ids}
    rows = [
        *signature.objects.filter(statement__in=statement_ids, status="confirmed")
        .order_by("order", "pk")
        .values_list("statement", "signatory_name"),
        *publication.objects.filter(statement__in=statement_ids)
        .order_by("pk")
        .values_list(
            "statement",
            "title",
            "publisher_name",
            "publisher__short_name",
            *(f"publisher__name_{language}" for language in CONFIGURATIONS),
        ),
    ]
    for statement_id, *values in rows:
        items[statement_id] += values
    demands = (
        demand.objects.filter(statement__in=statement_ids)
        .order_by("order", "pk")
        .values_list("statement", "text", "evidence_reference", "law__identifier", "law__country")
    )
    for statement_id, *values, country in demands:
        items[statement_id] += [*values, *(country_names(country) if country else ())]
    return {
        pk: "\n".join(
            dict.fromkeys(line for value in values if (line := " ".join(str(value or "").split())))
        )
        for pk, values in items.items()
    }


def write_search_texts(apps, schema_editor) -> None:
    statement = apps.get_model("campaigns", "Statement")
    ids = list(statement.objects.order_by("pk").values_list("pk", flat=True))
    for batch in batched(ids, 500):
        texts = search_texts(apps, list(batch))
        statement.objects.bulk_update(
            [statement(pk=pk, search_text=text) for pk, text in texts.items() if text],
            ["search_text"],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0021_outcome_evidence_web_addresses_only"),
        ("legislation", "0003_english_text_from_original_columns"),
        ("organisations", "0003_english_text_from_original_columns"),
    ]

    operations = [
        migrations.AddField(
            model_name="statement",
            name="search_text",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="What search finds the statement by beyond its own text, one item "
                "a line: the people who signed for its confirmed signatories, its demands and "
                "the evidence of their outcomes, its publications elsewhere, and the "
                "identifiers and countries of the laws it makes demands about. Written by "
                "refresh_search_text() whenever those change.",
                verbose_name="also found by",
            ),
        ),
        migrations.RunPython(drop_vectors_before, add_vectors_before),
        migrations.RunPython(write_search_texts, migrations.RunPython.noop),
        migrations.RunPython(add_vectors_with_search_text, drop_vectors_with_search_text),
    ]
