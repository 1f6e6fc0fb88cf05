"""Pages and feeds that answer at their objects' earlier addresses.

An address not found among the current ones is looked up among the earlier ones
(FormerAddress), within what the public may see of that kind, and answered with a
permanent redirect to where the page is now: in the language asked, with the query
string. An earlier address of an object the public may not see is the same 404 as an
address that never existed: nothing tells that the object is there, nor its new slug.

The redirect is never cached (a public page keeps only 200s and tells browsers
`max-age=0`): an object may take an earlier address back, and a redirect kept anywhere
would then send readers round in a circle.
"""

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from operations.pages import given_query

from .models import FormerAddress


def moved_permanently(request: HttpRequest, address: str) -> HttpResponsePermanentRedirect:
    query = given_query(request)
    return HttpResponsePermanentRedirect(f"{address}?{query}" if query else address)


class AnswersAtFormerAddresses:
    """For a DetailView: an earlier address of a public object redirects to its page.

    `public_objects()` is what the public may see of the kind at any address; by default
    the view's own queryset, without what it loads to show a page.
    """

    kwargs: dict[str, Any]

    if TYPE_CHECKING:

        def get_queryset(self) -> QuerySet[Any]: ...  # the DetailView's

    def public_objects(self) -> QuerySet[Any]:
        return self.get_queryset().select_related(None).prefetch_related(None)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().get(request, *args, **kwargs)  # type: ignore[misc]
        except Http404:
            moved = FormerAddress.objects.object_at(self.public_objects(), self.kwargs)
            if moved is None:
                raise
            address = moved.get_absolute_url()
            if address == request.path:
                raise  # never a redirect to itself
            return moved_permanently(request, address)


class FeedAnswersAtFormerAddresses:
    """For the feed of one object: its earlier addresses' feed redirects to the current one.

    `feed_url(obj)` is the feed's own address (Django's Feed also gives it as the feed's
    link to itself); `public_objects` what the public may see of the kind.
    """

    def public_objects(self) -> QuerySet[Any]:
        raise NotImplementedError

    def feed_url(self, obj: Any) -> str:
        raise NotImplementedError

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().__call__(request, *args, **kwargs)  # type: ignore[misc]
        except Http404:
            moved = FormerAddress.objects.object_at(self.public_objects(), kwargs)
            if moved is None:
                raise
            return moved_permanently(request, self.feed_url(moved))
