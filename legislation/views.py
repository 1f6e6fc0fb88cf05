"""The law tracker and law pages. Laws are public records; what statements say about
them is read only through the publication gate."""

from typing import Any, cast

from django import forms
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView
from django_countries import countries

from addresses.views import AnswersAtFormerAddresses
from campaigns import structured_data
from campaigns.models import Demand, Statement
from campaigns.public import public_demands
from operations.pages import page_number, public_page

from .models import Law, LawEvent, Penalty, Provision, Right

IN_FORCE = [Law.Status.IN_FORCE, Law.Status.PARTIALLY_IN_FORCE]


class LawFilterForm(forms.Form):
    country = forms.ChoiceField(required=False, label=_("Country"))
    status = forms.ChoiceField(
        choices=[("", _("Any status")), *Law.Status.choices], required=False, label=_("Status")
    )
    right = forms.ModelChoiceField(
        Right.objects.all(), to_field_name="slug", required=False,
        label=_("Right affected"), empty_label=_("Any right"),
    )  # fmt: skip

    def __init__(self, *args: Any, country_codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = [("", _("All countries"))] + [
            (code, countries.name(code)) for code in country_codes
        ]

    def filter(self, laws: QuerySet[Law]) -> QuerySet[Law]:
        # A filter that does not validate is shown with its error; the others still apply.
        self.is_valid()
        chosen = {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value}
        if "country" in chosen:
            laws = laws.filter(country=chosen["country"])
        if "status" in chosen:
            laws = laws.filter(status=chosen["status"])
        if "right" in chosen:
            laws = laws.filter(
                Q(rights=chosen["right"]) | Q(provisions__rights=chosen["right"])
            ).distinct()
        return laws


@public_page(query={**dict.fromkeys(LawFilterForm.base_fields, ""), "page": page_number})
class LawListView(ListView[Law]):
    template_name = "legislation/law_list.html"
    context_object_name = "laws"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Law]:
        country_codes = list(
            Law.objects.order_by("country").values_list("country", flat=True).distinct()
        )
        self.form = LawFilterForm(self.request.GET or None, country_codes=country_codes)
        latest = LawEvent.objects.filter(law=OuterRef("pk")).order_by("-date", "-pk")
        return self.form.filter(
            Law.objects.annotate(
                last_event_kind=Subquery(latest.values("kind")[:1]),
                last_event_date=Subquery(latest.values("date")[:1]),
            ).order_by("country", "official_title", "pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        totals = Law.objects.aggregate(
            laws=Count("pk"),
            countries=Count("country", distinct=True),
            in_force=Count("pk", filter=Q(status__in=IN_FORCE)),
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            form=self.form,
            totals=totals,
            event_labels=dict(LawEvent.Kind.choices),
            query_without_page=query.urlencode(),
            structured_data=structured_data.collection(self.request, "Law tracker"),
            **kwargs,
        )


@public_page
class LawDetailView(AnswersAtFormerAddresses, DetailView[Law]):
    template_name = "legislation/law_detail.html"
    statements_listed = 20
    demands_listed = 50

    def public_objects(self) -> QuerySet[Law]:
        # Every law is public; one may have moved country as well as slug.
        return Law.objects.all()

    def get_queryset(self) -> QuerySet[Law]:
        return (
            Law.objects.filter(country=self.kwargs["country"].upper())
            .select_related("replaced_by")
            .prefetch_related(
                "events",
                "sources",
                "rights",
                "conflicts_with",
                "replaces",
                "modelled_on",
                "models_for",
                "implements",
                "implemented_by",
                Prefetch(
                    "provisions",
                    Provision.objects.prefetch_related(
                        "rights", Prefetch("penalties", Penalty.objects.order_by("pk"))
                    ),
                ),
            )
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        demands = (
            public_demands()
            .filter(law=self.object)
            .select_related("statement", "provision", "addressee")
            .with_outcome_history()
            .order_by("-statement__issued_on", "-statement__publish_at", "statement", "order", "pk")
        )
        statements = (
            Statement.objects.published()
            .filter(pk__in=Demand.objects.filter(law=self.object).values("statement"))
            .select_related("lead_organisation")
            .order_by(*Statement.PUBLIC_ORDER)
        )
        # The latest only: a law written about for years has thousands of each; the
        # statement list, filtered by the law, pages through them all.
        listed_demands = list(demands[: self.demands_listed + 1])
        listed_statements = list(statements[: self.statements_listed + 1])
        return super().get_context_data(
            demands=listed_demands[: self.demands_listed],
            more_demands=len(listed_demands) > self.demands_listed,
            statements=listed_statements[: self.statements_listed],
            more_statements=len(listed_statements) > self.statements_listed,
            all_statements_url=f"{reverse('campaigns:statements')}?law={self.object.pk}",
            structured_data=structured_data.law(self.request, self.object),
            **kwargs,
        )
