from django.urls import path

from . import views

app_name = "legislation"

urlpatterns = [
    path("", views.LawListView.as_view(), name="list"),
    path("compare/", views.LawCompareView.as_view(), name="compare"),
    path(
        "<str:country>/<slug:slug>/",
        views.LawDetailView.as_view(),
        name="detail",
    ),
]
