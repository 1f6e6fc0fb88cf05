"""Laws, their provisions and the penalties these carry, as spreadsheet rows.

A law is named in a row by its country and slug ("RU/foreign-agents-law"), a provision by
its law and reference ("RU/foreign-agents-law/Article 2"): names a person can type, that
stay the same from one database to another. Every row is validated as the admin form
would; an import with any bad row changes nothing.
"""

from typing import Any

from django.core.exceptions import ValidationError
from import_export import fields, widgets

from lib.spreadsheet_rows import SpreadsheetResource

from .models import Law, Penalty, Provision


class LawWidget(widgets.ForeignKeyWidget):
    """A law as COUNTRY/slug."""

    def __init__(self) -> None:
        super().__init__(Law)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Law | None:
        if not value:
            return None
        country, _, slug = str(value).strip().partition("/")
        law = Law.objects.filter(country=country.upper(), slug=slug).first()
        if law is None:
            raise ValidationError(f"No law {value!r}: write it as country/slug, e.g. RU/treason.")
        return law

    def render(self, value: Law | None, obj: Any = None, **kwargs: Any) -> str:
        return f"{value.country}/{value.slug}" if value else ""


class ProvisionWidget(widgets.ForeignKeyWidget):
    """A provision as COUNTRY/slug/reference."""

    def __init__(self) -> None:
        super().__init__(Provision)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Provision | None:
        if not value:
            return None
        country, _, rest = str(value).strip().partition("/")
        slug, _, reference = rest.partition("/")
        provision = Provision.objects.filter(
            law__country=country.upper(), law__slug=slug, reference=reference
        ).first()
        if provision is None:
            raise ValidationError(
                f"No provision {value!r}: write it as country/law slug/reference."
            )
        return provision

    def render(self, value: Provision | None, obj: Any = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        return f"{value.law.country}/{value.law.slug}/{value.reference}"


class LawResource(SpreadsheetResource):
    # The legal-force status follows from the timeline and is not imported.
    class Meta:
        model = Law
        import_id_fields = ["country", "slug"]
        fields = [
            "country",
            "slug",
            "official_title_en",
            "official_title_ru",
            "official_title_fr",
            "common_title_en",
            "common_title_ru",
            "common_title_fr",
            "identifier",
            "bill_number",
            "eli",
            "kind",
            "summary_en",
            "summary_ru",
            "summary_fr",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True


class ProvisionResource(SpreadsheetResource):
    law = fields.Field(attribute="law", column_name="law", widget=LawWidget())

    class Meta:
        model = Provision
        import_id_fields = ["law", "reference"]
        fields = ["law", "reference", "summary", "order"]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("law")


class PenaltyResource(SpreadsheetResource):
    # Penalties have no name of their own: rows are matched by id, empty for a new one.
    provision = fields.Field(
        attribute="provision", column_name="provision", widget=ProvisionWidget()
    )

    class Meta:
        model = Penalty
        fields = [
            "id",
            "provision",
            "kind",
            "offence",
            "as_reported",
            "amount_min",
            "amount_max",
            "unit",
            "prison_min_months",
            "prison_max_months",
            "source_url",
            "note",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("provision__law")
