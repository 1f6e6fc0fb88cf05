"""Statements' text vectors stored per language, on PostgreSQL only (written by hand).

Until now each language's GIN index was built over an expression, and a search repeated
that expression in its query. The index finds the rows, but whenever the planner reads
statements another way (a common word, matched by most of them, is cheaper to find by
reading statements in order) every row's vector was computed again, in every language:
some 300 µs a text, and ranking computed it once more. Each language's vector is now a
stored, generated column, written when the statement is, and the language's index is
built over that column. The column is NULL where the statement is not written in the
language (its title or body is empty), so a match in a language is a match in a text
the statement has a page for.

The columns are not fields of the model: the ORM never reads them with a statement,
and outside PostgreSQL they do not exist (campaigns.search.StoredVector names them).
The expressions are written out here, as 0010 wrote its own, so that this migration
keeps building what it built when it was written.
"""

import importlib

from django.db import migrations

# The expression indexes of migration 0010, to drop going forward and rebuild going back.
expression_indexes = importlib.import_module(
    "campaigns.migrations.0010_search_indexes_per_language"
).new_indexes

CONFIGURATIONS = {"en": "english", "ru": "russian", "fr": "french"}
WEIGHTS = (("title", "A"), ("standfirst", "B"), ("body", "C"))


def vector(language: str, configuration: str) -> str:
    written = " AND ".join(f"COALESCE({field}_{language}, '') <> ''" for field in ("title", "body"))
    weighted = " || ".join(
        f"setweight(to_tsvector('{configuration}'::regconfig, COALESCE({field}_{language}, '')), '{weight}')"
        for field, weight in WEIGHTS
    )
    return f"CASE WHEN {written} THEN {weighted} END"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    statement = apps.get_model("campaigns", "Statement")
    for model, index in expression_indexes(apps):
        if model is statement:
            schema_editor.remove_index(model, index)
    for language, configuration in CONFIGURATIONS.items():
        schema_editor.execute(
            f"ALTER TABLE campaigns_statement ADD COLUMN search_vector_{language} tsvector "
            f"GENERATED ALWAYS AS ({vector(language, configuration)}) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX statement_search_{language}_idx ON campaigns_statement "
            f"USING gin (search_vector_{language})"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    statement = apps.get_model("campaigns", "Statement")
    for language in CONFIGURATIONS:
        schema_editor.execute(f"DROP INDEX statement_search_{language}_idx")
        schema_editor.execute(f"ALTER TABLE campaigns_statement DROP COLUMN search_vector_{language}")
    for model, index in expression_indexes(apps):
        if model is statement:
            schema_editor.add_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0012_statement_admin_order_index")]

    operations = [migrations.RunPython(forward, backward)]
