from typing import Any

from django.db.models import Prefetch, QuerySet
from django.views.generic import DetailView

from campaigns import structured_data
from campaigns.models import CoalitionMembership, Statement
from campaigns.public import public_organisations, public_signatures

from .models import Organisation, OrganisationParent


class OrganisationDetailView(DetailView[Organisation]):
    """An organisation's profile. One with nothing public yet is the same 404 as none."""

    template_name = "organisations/organisation_detail.html"

    def get_queryset(self) -> QuerySet[Organisation]:
        return public_organisations().prefetch_related(
            Prefetch("parent_links", OrganisationParent.objects.select_related("parent")),
            Prefetch(
                "programme_links",
                OrganisationParent.objects.filter(
                    programme__in=public_organisations()
                ).select_related("programme"),
                to_attr="public_programme_links",
            ),
            Prefetch(
                "memberships",
                CoalitionMembership.objects.select_related("coalition").order_by("coalition__name"),
            ),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        signatures = (
            public_signatures()
            .filter(organisation=self.object)
            .select_related("statement__campaign")
            .order_by("-statement__issued_on", "-statement__publish_at", "-statement__pk")
        )
        issued = Statement.objects.published().filter(lead_organisation=self.object)
        return super().get_context_data(
            signatures=signatures,
            issued_count=issued.count(),
            structured_data=structured_data.organisation(self.request, self.object),
            **kwargs,
        )
