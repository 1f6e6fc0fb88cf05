"""Full-text search indexes, on PostgreSQL only (written by hand).

GIN indexes over text-search vectors exist only in PostgreSQL; elsewhere search falls
back to a plain scan. The indexes are built from the very expressions campaigns.search
queries with, so the planner can match them: one partial index per statement language
(each with its own text-search configuration), one for laws, one for organisations.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from campaigns.search import (
    law_vector,
    organisation_vector,
    statement_configurations,
    statement_language_condition,
    statement_vector,
)


def search_indexes(apps):
    statement = apps.get_model("campaigns", "Statement")
    law = apps.get_model("legislation", "Law")
    organisation = apps.get_model("organisations", "Organisation")
    for configuration in statement_configurations():
        yield statement, GinIndex(
            statement_vector(configuration),
            condition=statement_language_condition(configuration),
            name=f"statement_search_{configuration}_idx",
        )
    yield law, GinIndex(law_vector(), name="law_search_idx")
    yield organisation, GinIndex(organisation_vector(), name="organisation_search_idx")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in search_indexes(apps):
        schema_editor.add_index(model, index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in search_indexes(apps):
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0006_staff_groups_preview_links"),
        ("legislation", "0003_english_text_from_original_columns"),
        ("organisations", "0003_english_text_from_original_columns"),
    ]

    operations = [migrations.RunPython(create, drop)]
