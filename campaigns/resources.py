"""A statement's signatories as spreadsheet rows, for bulk import and export.

Rows name the statement and the organisation by slug; a row for an organisation that
already signed updates its signature. An import with any bad row changes nothing.
"""

from typing import Any

from import_export import fields, widgets

from lib.spreadsheet_rows import SpreadsheetResource
from organisations.models import Organisation

from .models import Signature, Statement


class SignatureResource(SpreadsheetResource):
    statement = fields.Field(
        attribute="statement",
        column_name="statement",
        widget=widgets.ForeignKeyWidget(Statement, field="slug"),
    )
    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=widgets.ForeignKeyWidget(Organisation, field="slug"),
    )

    class Meta:
        model = Signature
        import_id_fields = ["statement", "organisation"]
        fields = [
            "statement",
            "organisation",
            "role",
            "status",
            "signed_at",
            "signatory_name",
            "signatory_title",
            "order",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("statement", "organisation")
