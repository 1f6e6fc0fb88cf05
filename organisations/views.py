from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe
from django.views.generic import DetailView

from addresses.views import AnswersAtFormerAddresses
from campaigns import structured_data
from campaigns.models import CoalitionMembership, Signature, Statement
from campaigns.public import public_organisations, public_signatures
from operations.pages import public_page

from .models import Organisation, OrganisationParent


@dataclass
class SignedStatement:
    """A published statement on an organisation's page: signed by the organisation itself,
    by joint programmes it runs, or both."""

    statement: Statement
    own: Signature | None = None
    programmes: list[Organisation] = field(default_factory=list)


def signed_statements(organisation: Organisation) -> list[SignedStatement]:
    """The published statements the organisation and the joint programmes it runs signed,
    newest first, each once. One query: confirmed signatures of published statements."""
    programmes = OrganisationParent.objects.filter(parent=organisation).values("programme")
    signatures = (
        public_signatures()
        .filter(Q(organisation=organisation) | Q(organisation__in=programmes))
        .select_related("statement__campaign", "organisation")
        .order_by(
            "-statement__issued_on",
            "-statement__publish_at",
            "-statement__pk",
            "organisation__name",
        )
    )
    statements: dict[int, SignedStatement] = {}
    for signature in signatures:
        signed = statements.setdefault(signature.statement_id, SignedStatement(signature.statement))
        if signature.organisation_id == organisation.pk:
            signed.own = signature
        else:
            signed.programmes.append(signature.organisation)
    return list(statements.values())


@public_page
class OrganisationDetailView(AnswersAtFormerAddresses, DetailView[Organisation]):
    """An organisation's profile. One with nothing public yet is the same 404 as none."""

    template_name = "organisations/organisation_detail.html"

    def get_queryset(self) -> QuerySet[Organisation]:
        return public_organisations().prefetch_related(
            "identifiers",
            # A programme's parents and its programmes are named only if public themselves.
            Prefetch(
                "parent_links",
                OrganisationParent.objects.filter(parent__in=public_organisations()).select_related(
                    "parent"
                ),
            ),
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
        signed = signed_statements(self.object)
        own_count = sum(1 for entry in signed if entry.own)
        issued = Statement.objects.published().filter(lead_organisation=self.object)
        return super().get_context_data(
            signed=signed,
            own_count=own_count,
            programmes_only_count=len(signed) - own_count,
            issued_count=issued.count(),
            structured_data=structured_data.organisation(self.request, self.object),
            **kwargs,
        )


@require_safe
def logo(request: HttpRequest, slug: str, version: str) -> FileResponse:
    """An organisation's logo, from the storage, only while the organisation is public.

    The file's name is its version: an address with an earlier version is a 404, so
    the current one may be kept by browsers and caches for a year.
    """
    organisation = get_object_or_404(public_organisations().exclude(logo=""), slug=slug)
    if str(organisation.logo.name).rsplit("/", 1)[-1] != f"{version}.png":
        raise Http404
    response = FileResponse(organisation.logo.open("rb"), content_type="image/png")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
