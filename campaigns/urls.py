from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path(
        "statements/<int:year>/<slug:slug>/", views.StatementDetailView.as_view(), name="statement"
    ),
    path("campaigns/<slug:slug>/", views.CampaignDetailView.as_view(), name="campaign"),
    path("coalitions/<slug:slug>/", views.CoalitionDetailView.as_view(), name="coalition"),
]
