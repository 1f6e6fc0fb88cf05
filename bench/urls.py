from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

from .floor import floor_view

urlpatterns = [path("bench-floor/", floor_view), *site_urlpatterns]
