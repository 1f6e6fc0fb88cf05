"""The organisation registry as rows of a spreadsheet, for bulk import and export.

Rows are matched to organisations by slug. Every row is validated as the admin form would
(choices, lengths, URLs); an import with any bad row changes nothing.
"""

from lib.spreadsheet_rows import SpreadsheetResource

from .models import Organisation


class OrganisationResource(SpreadsheetResource):
    class Meta:
        model = Organisation
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name_en",
            "name_ru",
            "name_fr",
            "short_name",
            "kind",
            "country",
            "website",
            "description_en",
            "description_ru",
            "description_fr",
            "other_names",
            "display_as",
            "is_active",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
