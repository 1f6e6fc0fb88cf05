from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from legislation.models import Law
from organisations.models import Organisation

from .models import Campaign, Demand, Statement
from .search import MAX_QUERY_LENGTH, clean_query


class StatementFilterForm(forms.Form):
    """The filters of /statements/. A value that matches nothing is reported, not fatal."""

    campaign = forms.ModelChoiceField(
        Campaign.objects.order_by("title"), to_field_name="slug", required=False,
        label=_("Campaign"), empty_label=_("All campaigns"),
    )  # fmt: skip
    organisation = forms.ModelChoiceField(
        Organisation.objects.none(), to_field_name="slug", required=False,
        label=_("Signed by"), empty_label=_("Any organisation"),
    )  # fmt: skip
    country = forms.ChoiceField(required=False, label=_("Country"))
    law = forms.ModelChoiceField(
        Law.objects.order_by("country", "official_title"), required=False,
        label=_("About the law"), empty_label=_("Any law"),
    )  # fmt: skip
    kind = forms.ChoiceField(
        choices=[("", _("Any kind")), *Statement.Kind.choices], required=False, label=_("Kind")
    )
    language = forms.ChoiceField(required=False, label=_("Language"))
    year = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label=_("Year"))

    def __init__(
        self, *args: Any, organisations: QuerySet[Organisation], years: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField[Organisation], self.fields["organisation"]
        ).queryset = organisations
        cast(forms.ChoiceField, self.fields["country"]).choices = [
            ("", _("Any country")),
            *countries,
        ]
        cast(forms.ChoiceField, self.fields["language"]).choices = [
            ("", _("Any language")),
            *settings.LANGUAGES,
        ]
        cast(forms.ChoiceField, self.fields["year"]).choices = [
            ("", _("Any year")),
            *((year, str(year)) for year in years),
        ]

    def filter(self, statements: QuerySet[Statement]) -> QuerySet[Statement]:
        # A filter that does not validate is left out of cleaned_data (and shown on the
        # form with its error); the others still apply.
        self.is_valid()
        chosen = {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value}
        if "campaign" in chosen:
            statements = statements.filter(campaign=chosen["campaign"])
        if "organisation" in chosen:
            statements = statements.filter(
                signatures__organisation=chosen["organisation"],
                signatures__status="confirmed",
            )
        if "country" in chosen:
            statements = statements.filter(
                Q(campaign__country=chosen["country"])
                | Q(
                    pk__in=Demand.objects.filter(law__country=chosen["country"]).values("statement")
                )
            )
        if "law" in chosen:
            statements = statements.filter(
                pk__in=Demand.objects.filter(law=chosen["law"]).values("statement")
            )
        if "kind" in chosen:
            statements = statements.filter(kind=chosen["kind"])
        if "language" in chosen:
            statements = statements.filter(language=chosen["language"])
        if "year" in chosen:
            statements = statements.filter(publish_at__year=chosen["year"])
        return statements


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search statements, laws and organisations"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        strip=True,
        error_messages={
            "max_length": _("Please shorten your search to at most %(limit_value)d characters.")
        },
    )

    def clean_q(self) -> str:
        return clean_query(self.cleaned_data["q"])
