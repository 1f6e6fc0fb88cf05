from django.contrib import admin
from django.urls import include, path

from campaigns import views as campaign_views

admin.site.site_header = "Chorus"
admin.site.site_title = "Chorus staff"
admin.site.index_title = "Statements, laws and organisations"

urlpatterns = [
    path("", campaign_views.HomeView.as_view(), name="home"),
    path("", include("campaigns.urls")),
    path("laws/", include("legislation.urls")),
    path("organisations/", include("organisations.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api")),
]
