from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import get_language
from django.views.generic import DetailView, ListView

from .models import Campaign, Coalition, CoalitionMembership, Signature, Statement


def confirmed_signatures() -> Prefetch[Any]:
    """Signatures the public may see, in their display order, with what displaying them reads."""
    return Prefetch(
        "signatures",
        queryset=Signature.objects.filter(status=Signature.Status.CONFIRMED)
        .select_related("organisation")
        .prefetch_related("organisation__parent_links__parent")
        .order_by("order", "pk"),
        to_attr="confirmed_signatures",
    )


def as_shown(statements: QuerySet[Statement]) -> QuerySet[Statement]:
    """Statements with everything their page shows loaded with them."""
    return statements.select_related("campaign", "lead_organisation", "moment").prefetch_related(
        confirmed_signatures(),
        "addressees",
        "leverage",
        "corrections",
        "publications__publisher",
        "demands__law",
        "demands__provision",
        "demands__addressee",
    )


class HomeView(ListView[Statement]):
    template_name = "campaigns/home.html"
    context_object_name = "statements"
    paginate_by = 20

    def get_queryset(self) -> QuerySet[Statement]:
        return (
            Statement.objects.published()
            .select_related("campaign", "lead_organisation")
            .order_by("-publish_at", "-pk")
        )


class StatementDetailView(DetailView[Statement]):
    template_name = "campaigns/statement_detail.html"

    def can_preview(self) -> bool:
        return self.request.user.has_perm("campaigns.change_statement")

    def get_queryset(self) -> QuerySet[Statement]:
        statements = (
            Statement.objects.all()
            if self.can_preview()
            # Public in a language only once it is written in that language.
            else Statement.objects.published().available_in(get_language())
        )
        return as_shown(statements.filter(slug=self.kwargs["slug"]))

    def get_object(self, queryset: QuerySet[Statement] | None = None) -> Statement:
        statement = super().get_object(queryset)
        if (
            statement.is_public
            and statement.publish_at
            and statement.publish_at.year != self.kwargs["year"]
        ):
            raise Http404("No statement at this address.")
        return statement

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        withdrawn = (
            Statement.objects.withdrawn()
            .filter(slug=kwargs["slug"], publish_at__year=kwargs["year"])
            .first()
        )
        if withdrawn is not None and not self.can_preview():
            return render(
                request, "campaigns/statement_withdrawn.html", {"statement": withdrawn}, status=410
            )
        response = super().get(request, *args, **kwargs)
        if self.object.is_public:
            patch_cache_control(response, public=True, max_age=60)
        else:
            # A staff preview of a statement the public cannot see: never kept anywhere.
            add_never_cache_headers(response)
            patch_cache_control(response, private=True, no_store=True)
        return response


class CampaignDetailView(DetailView[Campaign]):
    template_name = "campaigns/campaign_detail.html"
    queryset = Campaign.objects.select_related("coalition").prefetch_related("laws")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["statements"] = (
            Statement.objects.published()
            .filter(campaign=self.object)
            .order_by("-publish_at", "-pk")
        )
        return context


class CoalitionDetailView(DetailView[Coalition]):
    template_name = "campaigns/coalition_detail.html"
    queryset = Coalition.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=CoalitionMembership.objects.select_related("organisation").filter(
                left_on__isnull=True
            ),
        ),
        "campaigns",
    )
