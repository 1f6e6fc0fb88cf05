from django.urls import path

from campaigns.page_cache import cached_public_page

from . import views

app_name = "legislation"

urlpatterns = [
    path("", cached_public_page(views.LawListView.as_view()), name="list"),
    path("compare/", cached_public_page(views.LawCompareView.as_view()), name="compare"),
    path(
        "<str:country>/<slug:slug>/",
        cached_public_page(views.LawDetailView.as_view()),
        name="detail",
    ),
]
