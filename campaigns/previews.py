"""A statement not yet public, shown through a shared preview link.

Whoever holds a valid link sees the statement exactly as the public will, logged in or
not: through the public page's own view, press contacts and structured data included.
An expired or revoked link answers 404, as for a link that never existed.
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from operations.pages import never_cached

from .models import PreviewLink, Statement
from .views import StatementDetailView


class StatementPreviewView(StatementDetailView):
    # For whoever holds the link: never kept by the public pages' cache, nor below it.
    public_page_reads = None
    keeps_public_page = False

    def get_object(self, queryset: Any = None) -> Statement:
        link = (
            PreviewLink.objects.valid()
            .filter(token_hash=PreviewLink.hash_token(self.kwargs["token"]))
            .values_list("statement_id", flat=True)
            .first()
        )
        # A withdrawn statement is gone for everyone, link or no link.
        previewable = Statement.objects.exclude(status=Statement.Status.WITHDRAWN)
        statement = previewable.filter(pk=link).with_everything_shown().first() if link else None
        if statement is None:
            raise Http404("No preview at this address.")
        return statement

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The page's own rendering, without what its address adds (earlier addresses,
        # the year it was issued, the notice of a withdrawal).
        self.object = self.get_object()
        response = self.render_to_response(self.get_context_data(object=self.object))
        # A preview is never kept anywhere: not by a browser, not by a shared cache.
        never_cached(response)
        response.headers["X-Robots-Tag"] = "noindex"
        return response
