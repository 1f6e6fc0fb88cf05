"""Organisations' names in every language, found in part and ignoring case through an
index, on PostgreSQL only (written by hand).

The statement list's "Signed by" filter takes an organisation's slug or any part of its
name in any language (campaigns/forms.py, NamedRowField): `UPPER(name_xx) = UPPER(...)`,
then `UPPER(name_xx) LIKE UPPER('%...%')`. Neither can use a B-tree index, and at
100,000 organisations each read every row. A trigram GIN index over the same expression,
one per language, answers both (pg_trgm, a trusted extension: the database's owner may
create it). Outside PostgreSQL the names are read as before.
"""

from django.db import migrations

LANGUAGES = ("en", "ru", "fr")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for language in LANGUAGES:
        schema_editor.execute(
            f"CREATE INDEX organisation_name_{language}_trgm_idx ON organisations_organisation "
            f"USING gin ((UPPER(name_{language}::text)) gin_trgm_ops)"
        )
    # The planner knows an expression's values only once the table is analysed: until
    # then it guesses that an exact name matches 1,400 of 100,000 rows, and reads them all.
    schema_editor.execute("ANALYZE organisations_organisation")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for language in LANGUAGES:
        schema_editor.execute(f"DROP INDEX IF EXISTS organisation_name_{language}_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0006_organisation_name_indexes"),
    ]

    operations = [migrations.RunPython(forward, backward)]
