"""Full-text search indexes per language, on PostgreSQL only (written by hand).

Texts are now written per language (title_en, title_ru, ...), and search reads each
language's own columns with that language's text-search configuration. This replaces the
indexes of migration 0007 (over the original columns, one per Statement.language) with
one GIN index per language and model, built from the same expressions as
campaigns.search.statement_text_vector, law_text_vector and organisation_text_vector.

The new expressions are written out here, not imported: a migration must keep building
what it built when it was written, whatever the search module later becomes. (Those of
0007 come from where 0007 itself takes them, so both agree on the indexes to drop.) The languages
are those of this migration's time; a language added to LANGUAGES gets its columns from
makemigrations and its search indexes from a migration like this one (a test fails
until it has them).
"""

import importlib

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

# The indexes of migration 0007, to drop going forward and rebuild going back.
first_indexes = importlib.import_module("campaigns.migrations.0007_search_indexes").search_indexes

CONFIGURATIONS = {"en": "english", "ru": "russian", "fr": "french"}


def new_indexes(apps):
    statement = apps.get_model("campaigns", "Statement")
    law = apps.get_model("legislation", "Law")
    organisation = apps.get_model("organisations", "Organisation")
    for language, configuration in CONFIGURATIONS.items():
        yield statement, GinIndex(
            SearchVector(f"title_{language}", weight="A", config=configuration)
            + SearchVector(f"standfirst_{language}", weight="B", config=configuration)
            + SearchVector(f"body_{language}", weight="C", config=configuration),
            name=f"statement_search_{language}_idx",
        )
        law_titles = (f"official_title_{language}", f"common_title_{language}", "identifier")
        yield law, GinIndex(
            SearchVector(*law_titles, weight="A", config=configuration)
            + SearchVector(f"summary_{language}", weight="B", config=configuration),
            name=f"law_search_{language}_idx",
        )
        names = (f"name_{language}", "short_name", "other_names")
        yield organisation, GinIndex(
            SearchVector(*names, weight="A", config="simple")
            + SearchVector(f"description_{language}", weight="C", config=configuration),
            name=f"organisation_search_{language}_idx",
        )


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in first_indexes(apps):
        schema_editor.remove_index(model, index)
    for model, index in new_indexes(apps):
        schema_editor.add_index(model, index)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in new_indexes(apps):
        schema_editor.remove_index(model, index)
    for model, index in first_indexes(apps):
        schema_editor.add_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0009_history_of_partner_fields")]

    operations = [migrations.RunPython(forward, backward)]
