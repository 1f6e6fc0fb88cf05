from django.urls import path

from . import previews, views

app_name = "campaigns"

urlpatterns = [
    path(
        "statements/<int:year>/<slug:slug>/", views.StatementDetailView.as_view(), name="statement"
    ),
    path(
        "statements/preview/<str:token>/",
        previews.StatementPreviewView.as_view(),
        name="statement-preview",
    ),
    path("campaigns/<slug:slug>/", views.CampaignDetailView.as_view(), name="campaign"),
    path("coalitions/<slug:slug>/", views.CoalitionDetailView.as_view(), name="coalition"),
]
