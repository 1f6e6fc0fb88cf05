"""A statement's signatories as spreadsheet rows, for bulk import and export.

Rows name the statement and the organisation by slug (with the date the statement was
issued beside it, for the reader: an import leaves it alone); a row for an organisation
that already signed updates its signature. An import with any bad row changes nothing.
Only an editor imports the signatures of a published, scheduled or withdrawn statement,
as only an editor changes them in the admin.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
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
    statement_issued_on = fields.Field(
        attribute="statement__issued_on",
        column_name="statement_issued_on",
        widget=widgets.DateWidget(format="%Y-%m-%d"),
        readonly=True,
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
            "statement_issued_on",
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

    def import_instance(self, instance: Signature, row: Any, **kwargs: Any) -> None:
        super().import_instance(instance, row, **kwargs)
        # The statement names the row (an import id field): a row cannot move a signature
        # off a statement, so the statement it names is the one to ask about.
        user = kwargs.get("user")
        statement = instance.statement if instance.statement_id else None
        if (
            statement is not None
            and statement.status in {Statement.Status.PUBLISHED, Statement.Status.WITHDRAWN}
            and not (user is not None and user.has_perm("campaigns.publish_statement"))
        ):
            raise ValidationError(
                {
                    "statement": _(
                        "Only an editor imports the signatures of a published, scheduled "
                        "or withdrawn statement."
                    )
                }
            )

    def after_import(self, dataset: Any, result: Any, **kwargs: Any) -> None:
        super().after_import(dataset, result, **kwargs)
        if not self._is_dry_run(kwargs):
            # Search finds a statement by who signed it for its signatories.
            slugs = dataset["statement"] if "statement" in (dataset.headers or ()) else []
            Statement.objects.filter(slug__in=slugs).refresh_search_text()

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("statement", "organisation")
