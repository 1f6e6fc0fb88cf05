"""Full-text search indexes, on PostgreSQL only (written by hand).

GIN indexes over text-search vectors exist only in PostgreSQL; elsewhere search falls
back to a plain scan. One partial index per statement language (each with its own
text-search configuration), one for laws, one for organisations.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import Q

# The expressions as they were when this migration was written, over the columns as they
# were before texts were written per language; 0010 drops these indexes. Kept here, not
# imported, so that later changes to search cannot change what this migration builds.
CONFIGURATIONS = {"en": "english", "ru": "russian", "fr": "french"}
SIMPLE = "simple"
LAW_CONFIGURATION = "english"


def statement_vector(configuration):
    return (
        SearchVector("title", weight="A", config=configuration)
        + SearchVector("standfirst", weight="B", config=configuration)
        + SearchVector("body", weight="C", config=configuration)
    )


def law_vector():
    titles = ("official_title", "common_title", "identifier")
    return SearchVector(*titles, weight="A", config=LAW_CONFIGURATION) + SearchVector(
        "summary", weight="B", config=LAW_CONFIGURATION
    )


def organisation_vector():
    names = ("name", "short_name", "other_names")
    return SearchVector(*names, weight="A", config=SIMPLE) + SearchVector(
        "description", weight="C", config=SIMPLE
    )


def statement_language_condition(configuration):
    if configuration == SIMPLE:
        return ~Q(language__in=list(CONFIGURATIONS))
    code = next(code for code, name in CONFIGURATIONS.items() if name == configuration)
    return Q(language=code)


def statement_configurations():
    return [*CONFIGURATIONS.values(), SIMPLE]


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
