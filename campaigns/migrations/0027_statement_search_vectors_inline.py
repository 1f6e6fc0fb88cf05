"""Statements' stored text vectors kept in the row, compressed, on PostgreSQL (by hand).

A statement's row is larger than PostgreSQL's 2 KB threshold, so it moved its largest
values out of the row, into the table's TOAST table, and the vectors of migration 0022
(766 bytes compressed on average at the benchmark's large scale) were among them. A
search reads a match's vector to rank it, and read it again for each expression that
names it: each time a lookup in the TOAST table's index and its chunks, 4 buffers. With
the vectors' storage MAIN, PostgreSQL compresses them and keeps them in the row, and
moves the texts out first (they are read for the twenty rows a page shows, not for every
match). On 20,000 statements of the large scale, matching and ranking a word every one
of them holds: 527 ms and 184,400 buffers before, 94 ms and 5,000 after; the table's
heap 15 % larger, its TOAST table a third smaller.

Storage applies to rows as they are written. Rows written before keep their vectors in
TOAST until written again; `VACUUM FULL campaigns_statement` (which locks the table
while it runs) writes them all anew.
"""

from django.db import migrations

LANGUAGES = ("en", "ru", "fr")


def set_storage(schema_editor, storage: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    columns = ", ".join(
        f"ALTER COLUMN search_vector_{language} SET STORAGE {storage}" for language in LANGUAGES
    )
    schema_editor.execute(f"ALTER TABLE campaigns_statement {columns}")


def forward(apps, schema_editor):
    set_storage(schema_editor, "MAIN")


def backward(apps, schema_editor):
    set_storage(schema_editor, "EXTENDED")


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0026_merge_early_readers_and_documents")]

    operations = [migrations.RunPython(forward, backward)]
