from django.db.models import QuerySet
from django.views.generic import DetailView

from .models import Law


class LawDetailView(DetailView[Law]):
    template_name = "legislation/law_detail.html"

    def get_queryset(self) -> QuerySet[Law]:
        return Law.objects.filter(country=self.kwargs["country"].upper()).prefetch_related(
            "events", "provisions__penalties"
        )
