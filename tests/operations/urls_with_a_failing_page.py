"""The site's addresses plus one that fails, to see the 500 page as visitors would."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("A deliberate failure, to render the error page.")


urlpatterns = [path("deliberately-failing/", fail), *site_urlpatterns]
