"""The law tracker and law pages. Laws are public records; what statements say about
them is read only through the publication gate."""

from collections import Counter
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView, TemplateView
from django_countries import countries

from addresses.views import AnswersAtFormerAddresses
from campaigns import structured_data
from campaigns.models import Campaign, Demand, Statement
from campaigns.public import public_demands, public_organisations
from operations import fragments
from operations.pages import given_query, page_number, public_page

from .models import Law, LawEvent, Penalty, Provision, Right
from .pictures import Bar, CountryCount, bar_chart, legend, world_map

IN_FORCE = [Law.Status.IN_FORCE, Law.Status.PARTIALLY_IN_FORCE]


class TrackedLaws:
    """How many laws are tracked, by country and by status: the map's, the charts' and the
    counters' numbers, read in one query whatever the number of countries.

    Laws are public records; nothing here reads a statement.
    """

    def __init__(self) -> None:
        rows = Law.objects.order_by().values_list("country", "status").annotate(Count("pk"))
        tracked: Counter[str] = Counter()
        in_force: Counter[str] = Counter()
        self.by_status: Counter[str] = Counter()
        for country, status, count in rows:
            tracked[country] += count
            self.by_status[status] += count
            if status in IN_FORCE:
                in_force[country] += count
        self.countries = sorted(
            (
                CountryCount(
                    code=code,
                    name=str(countries.name(code)),
                    tracked=count,
                    in_force=in_force[code],
                    url=reverse("country", kwargs={"code": code.lower()}),
                )
                for code, count in tracked.items()
            ),
            key=lambda country: country.name,
        )
        self.totals = {
            "laws": sum(tracked.values()),
            "countries": len(tracked),
            "in_force": sum(in_force.values()),
        }

    def map(self) -> dict[str, Any]:
        """What the map's template include shows: the picture, its legend and its table."""
        return {"svg": world_map(self.countries), "legend": legend(), "rows": self.countries}

    def status_chart(self) -> dict[str, Any]:
        tracker = reverse("legislation:list")
        bars = [
            Bar(str(label), self.by_status[status], f"{tracker}?status={status}")
            for status, label in Law.Status.choices
            if self.by_status[status]
        ]
        title = gettext("Laws by status")
        return {"svg": bar_chart(title, bars), "bars": bars, "title": title}


def laws_by_right() -> dict[str, Any]:
    """Laws by right affected, as the tracker's filter counts them: the law's own rights
    and its provisions', each law once per right. Two queries: the pairs, the names."""
    pairs = (
        Law.rights.through.objects.order_by()
        .values_list("right_id", "law_id")
        .union(
            Provision.rights.through.objects.order_by().values_list("right_id", "provision__law_id")
        )
    )
    counts = Counter(right for right, _law in pairs)
    tracker = reverse("legislation:list")
    # Every right, in their order: a short list, and the same query whatever is counted.
    bars = [
        Bar(right.name, counts[right.pk], f"{tracker}?right={right.slug}")
        for right in Right.objects.all()
        if counts[right.pk]
    ]
    title = gettext("Laws by right affected")
    return {"svg": bar_chart(title, bars), "bars": bars, "title": title}


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
        self.tracked = TrackedLaws()
        country_codes = sorted(country.code for country in self.tracked.countries)
        self.form = LawFilterForm(self.request.GET or None, country_codes=country_codes)
        latest = LawEvent.objects.filter(law=OuterRef("pk")).order_by("-date", "-pk")
        return self.form.filter(
            Law.objects.annotate(
                last_event_kind=Subquery(latest.values("kind")[:1]),
                last_event_date=Subquery(latest.values("date")[:1]),
            ).order_by("country", "official_title", "pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            form=self.form,
            totals=self.tracked.totals,
            world=self.tracked.map(),
            status_chart=self.tracked.status_chart(),
            right_chart=laws_by_right(),
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

    # What the law's record shows beside its own row, read only when the record is made,
    # not when it is kept (see get_context_data).
    record_lookups = (
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

    def get_queryset(self) -> QuerySet[Law]:
        return Law.objects.filter(country=self.kwargs["country"].upper()).select_related(
            "replaced_by"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(
            all_statements_url=f"{reverse('campaigns:statements')}?law={self.object.pk}",
            **kwargs,
        )

        def record() -> tuple[dict[str, Any], str]:
            prefetch_related_objects([self.object], *self.record_lookups)
            return structured_data.law(self.request, self.object), render_to_string(
                "legislation/includes/law_record.html",
                {**context, **self.statements_and_demands()},
                self.request,
            )

        # Every law is public. Its record, with the published statements and demands about
        # it, and what it says to machines are kept under the content version (which any
        # change to them replaces) and never past the next publish time
        # (operations.fragments).
        context["structured_data"], context["record"] = fragments.kept(
            self.request, "law", self.object.pk, make=record
        )
        return context

    def statements_and_demands(self) -> dict[str, Any]:
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
        return {
            "demands": listed_demands[: self.demands_listed],
            "more_demands": len(listed_demands) > self.demands_listed,
            "statements": listed_statements[: self.statements_listed],
            "more_statements": len(listed_statements) > self.statements_listed,
        }


class LawComparison:
    """The laws to compare, as `?laws=<slug>,<slug>`: up to four, each named by its slug,
    or by its country and slug (`ru:foreign-agents`) where laws of two countries share
    one. The law tracker's checkboxes send one `laws` each, which the view sends on to
    that address: both forms may be mixed."""

    MOST = 4

    def __init__(self, values: list[str]) -> None:
        self.names = list(
            dict.fromkeys(
                name.strip() for value in values for name in value.split(",") if name.strip()
            )
        )
        self.laws: list[Law] = []
        self.problem = ""
        self.unknown: list[str] = []

    def find(self, laws: QuerySet[Law]) -> None:
        """Read the laws named, in the order named, or say what is wrong with the names."""
        if len(self.names) > self.MOST:
            self.problem = ngettext(
                "Up to %(most)d laws can be compared at once; %(count)d was chosen.",
                "Up to %(most)d laws can be compared at once; %(count)d were chosen.",
                len(self.names),
            ) % {"most": self.MOST, "count": len(self.names)}
            return
        if not self.names:
            return
        wanted = Q()
        for name in self.names:
            country, _sep, slug = name.rpartition(":")
            wanted |= Q(slug=slug, country=country.upper()) if country else Q(slug=slug)
        found = list(laws.filter(wanted))
        for name in self.names:
            country, _sep, slug = name.rpartition(":")
            matches = [
                law
                for law in found
                if law.slug == slug and (not country or law.country == country.upper())
            ]
            if len(matches) == 1:
                self.laws.append(matches[0])
            else:
                self.unknown.append(name)
        if self.unknown:
            self.problem = gettext(
                "No law is tracked under %(names)s. Choose the laws to compare in the law tracker."
            ) % {"names": ", ".join(f"“{name}”" for name in self.unknown)}
            # A slug two countries share needs its country: say so rather than pick one.
            self.laws = []


@public_page(query={"laws": ""})
class LawCompareView(TemplateView):
    """Laws side by side: country, status, dates, provisions, penalties, rights, standards.

    Laws are public records, all of them (see LawDetailView.public_objects), and nothing
    from statements is shown here, so no publication gate is needed on this page.
    """

    template_name = "legislation/law_compare.html"
    # The dates a comparison gives, in a law's life order: the first of each kind.
    dates_compared = (
        LawEvent.Kind.INTRODUCED,
        LawEvent.Kind.ADOPTED,
        LawEvent.Kind.SIGNED,
        LawEvent.Kind.IN_FORCE,
        LawEvent.Kind.STRUCK_DOWN,
        LawEvent.Kind.REPEALED,
    )

    def laws(self) -> QuerySet[Law]:
        return Law.objects.prefetch_related(
            "rights",
            "conflicts_with",
            "modelled_on",
            Prefetch(
                "events",
                LawEvent.objects.filter(kind__in=self.dates_compared).order_by("date", "pk"),
            ),
            Prefetch(
                "provisions",
                Provision.objects.prefetch_related(
                    "rights", Prefetch("penalties", Penalty.objects.order_by("pk"))
                ),
            ),
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The tracker's checkboxes send one `laws` each, in the order the laws are to be
        # compared; the page cache sorts a parameter's values (one key whatever their
        # order). They are sent on to the one address a comparison has, `laws=a,b`, in
        # the order chosen, read from the query as given.
        chosen = QueryDict(given_query(request)).getlist("laws")
        if len(chosen) > 1:
            names = ",".join(LawComparison(chosen).names)
            return HttpResponseRedirect(f"{request.path}?{urlencode({'laws': names}, safe=':,')}")
        comparison = LawComparison(request.GET.getlist("laws"))
        comparison.find(self.laws())
        keys = ",".join(f"{str(law.country).lower()}:{law.slug}" for law in comparison.laws)
        address = reverse("legislation:compare") + (
            f"?{urlencode({'laws': keys}, safe=':,')}" if keys else ""
        )
        context = self.get_context_data(
            comparison=comparison,
            canonical=request.build_absolute_uri(address),
            laws=[self.compared(law) for law in comparison.laws],
            structured_data=structured_data.collection(request, "Compare laws"),
            **kwargs,
        )
        if comparison.unknown:
            status = 404
        elif comparison.problem:
            status = 400
        else:
            status = 200
        return self.render_to_response(context, status=status)

    def compared(self, law: Law) -> dict[str, Any]:
        """What the comparison shows of a law, read from what was prefetched."""
        dates: dict[str, Any] = {}
        for event in law.events.all():
            dates.setdefault(event.kind, event)
        provisions = list(law.provisions.all())
        rights = list(law.rights.all())
        for provision in provisions:
            rights += [right for right in provision.rights.all() if right not in rights]
        return {
            "law": law,
            "key": f"{str(law.country).lower()}:{law.slug}",
            "dates": [dates[kind] for kind in self.dates_compared if kind in dates],
            "provisions": provisions,
            "penalties": [
                (provision, penalty)
                for provision in provisions
                for penalty in provision.penalties.all()
            ],
            "rights": sorted(rights, key=lambda right: (right.order, right.name)),
        }


@public_page
class CountryView(TemplateView):
    """A country: its laws, the statements about it, the demands addressed there and the
    organisations based there. A country with nothing public is the same 404 as none."""

    template_name = "legislation/country_detail.html"
    statements_listed = 20
    demands_listed = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        code = self.kwargs["code"].upper()
        if self.kwargs["code"] != code.lower() or code not in countries:
            raise Http404("No such country.")
        laws = list(Law.objects.filter(country=code).order_by("official_title", "pk"))
        # As the country's feed has them: its campaigns' statements and those about its laws.
        statements = list(
            Statement.objects.published()
            .filter(
                Q(campaign__country=code)
                | Q(pk__in=Demand.objects.filter(law__country=code).values("statement"))
            )
            .select_related("lead_organisation")
            .order_by(*Statement.PUBLIC_ORDER)[: self.statements_listed + 1]
        )
        demands = (
            public_demands()
            .filter(Q(addressee__country=code) | Q(law__country=code))
            .select_related("statement", "law", "addressee")
            .with_outcome_history()
            .order_by("-statement__issued_on", "-statement__publish_at", "statement", "order", "pk")
        )
        listed_demands = list(demands[: self.demands_listed + 1])
        organisations = list(public_organisations().filter(country=code).order_by("name"))
        if not (laws or statements or listed_demands or organisations):
            raise Http404("Nothing public about this country.")
        name = str(countries.name(code))
        in_force = sum(1 for law in laws if law.status in IN_FORCE)
        return super().get_context_data(
            country_code=code,
            name=name,
            laws=laws,
            in_force=in_force,
            statements=statements[: self.statements_listed],
            more_statements=len(statements) > self.statements_listed,
            demands=listed_demands[: self.demands_listed],
            more_demands=len(listed_demands) > self.demands_listed,
            organisations=organisations,
            statements_url=f"{reverse('campaigns:statements')}?country={code}",
            structured_data=structured_data.country(self.request, code, name),
            **{name: value for name, value in kwargs.items() if name != "code"},
        )


def public_country_codes() -> set[str]:
    """Every country whose page answers: with a law tracked, a public organisation based
    there, a campaign with a published statement, or a public demand addressed there."""
    # One query: the four lists' union.
    laws = Law.objects.order_by().values_list("country", flat=True)
    organisations = public_organisations().order_by().values_list("country", flat=True)
    campaigns = (
        Campaign.objects.filter(statements__in=Statement.objects.published())
        .order_by()
        .values_list("country", flat=True)
    )
    addressed = (
        public_demands()
        .filter(addressee__isnull=False)
        .order_by()
        .values_list("addressee__country", flat=True)
    )
    # Ordered by the one column selected: left to itself, the union would take the
    # laws' default order, by columns it does not select.
    codes = set(laws.union(organisations, campaigns, addressed).order_by("country"))
    codes.discard("")
    return codes
