"""Names found ignoring accents as well as case, through an index, on PostgreSQL only
(written by hand).

The statement list's filters take a name as a reader types it: "Federation
internationale" names the organisation whose other name is "Fédération
internationale" (campaigns/forms.py, NamedRowField). The comparison is
`UPPER(unaccented(column)) = UPPER(unaccented(...))`, or `LIKE` '%...%'.

`unaccent` is a contrib extension of PostgreSQL, trusted: the database's owner may create
it. Its function depends on a dictionary, so PostgreSQL will not build an index over it;
`unaccented(text)` calls it with the dictionary named, and is declared immutable, the
usual way to index it. Organisations (100,000 at the large scale) are found through
trigram indexes over each compared expression: the names in every language (replacing
those of organisations/migrations/0007, over `UPPER(name)`), the short name and the
other names. Laws and campaigns, a few thousand rows at most, are read whole.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

LANGUAGES = ("en", "ru", "fr")
COLUMNS = [*(f"name_{language}" for language in LANGUAGES), "short_name", "other_names"]


def index_name(column: str) -> str:
    return f"organisation_{column}_trgm_idx"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'"
        )
        (schema,) = cursor.fetchone()
    schema_editor.execute(
        "CREATE FUNCTION unaccented(text) RETURNS text "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
        f"AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$"
    )
    for language in LANGUAGES:
        schema_editor.execute(f"DROP INDEX IF EXISTS organisation_name_{language}_trgm_idx")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX {index_name(column)} ON organisations_organisation "
            f"USING gin ((UPPER(unaccented({column}))) gin_trgm_ops)"
        )
    # The planner knows an expression's values only once the table is analysed.
    schema_editor.execute("ANALYZE organisations_organisation")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index_name(column)}")
    for language in LANGUAGES:
        schema_editor.execute(
            f"CREATE INDEX organisation_name_{language}_trgm_idx ON organisations_organisation "
            f"USING gin ((UPPER(name_{language}::text)) gin_trgm_ops)"
        )
    schema_editor.execute("DROP FUNCTION unaccented(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0022_statement_search_text"),
        ("organisations", "0007_organisation_name_trigram_indexes"),
    ]

    operations = [
        UnaccentExtension(),
        migrations.RunPython(forward, backward),
    ]
