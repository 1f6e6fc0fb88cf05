from django.urls import path

from campaigns.page_cache import cached_public_page

from . import views

app_name = "organisations"

urlpatterns = [
    path(
        "<slug:slug>/",
        cached_public_page(views.OrganisationDetailView.as_view()),
        name="detail",
    ),
    path("<slug:slug>/logo/<str:version>.png", views.logo, name="logo"),
]
