"""A statement not yet public, shown through a shared preview link.

Whoever holds a valid link sees the statement exactly as the public will, logged in or
not; an expired or revoked link answers 404, as for a link that never existed.
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.generic import DetailView

from .models import PreviewLink, Statement
from .views import as_shown


class StatementPreviewView(DetailView[Statement]):
    template_name = "campaigns/statement_detail.html"
    context_object_name = "statement"

    def get_object(self, queryset: Any = None) -> Statement:
        link = (
            PreviewLink.objects.valid()
            .filter(token_hash=PreviewLink.hash_token(self.kwargs["token"]))
            .values_list("statement_id", flat=True)
            .first()
        )
        # A withdrawn statement is gone for everyone, link or no link.
        previewable = Statement.objects.exclude(status=Statement.Status.WITHDRAWN)
        statement = as_shown(previewable.filter(pk=link)).first() if link else None
        if statement is None:
            raise Http404("No preview at this address.")
        return statement

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        # A preview is never kept anywhere: not by a browser, not by a shared cache.
        add_never_cache_headers(response)
        patch_cache_control(response, private=True, no_store=True)
        response.headers["X-Robots-Tag"] = "noindex"
        return response
