from django.db.models import QuerySet
from django.views.generic import DetailView

from .models import Organisation


class OrganisationDetailView(DetailView[Organisation]):
    template_name = "organisations/organisation_detail.html"

    def get_queryset(self) -> QuerySet[Organisation]:
        return Organisation.objects.prefetch_related("parents", "programmes")
