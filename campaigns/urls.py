from django.urls import path

from . import feeds, previews, views

app_name = "campaigns"

urlpatterns = [
    path("statements/", views.StatementListView.as_view(), name="statements"),
    path(
        "statements/<int:year>/<slug:slug>/",
        views.StatementDetailView.as_view(),
        name="statement",
    ),
    path(
        "statements/<int:year>/<slug:slug>/card/<int:version>.png",
        views.StatementCardView.as_view(),
        name="statement-card",
    ),
    path(
        "campaigns/<slug:slug>/",
        views.CampaignDetailView.as_view(),
        name="campaign",
    ),
    path(
        "campaigns/<slug:slug>/feed/",
        feeds.CampaignFeed(),
        name="campaign-feed",
    ),
    path(
        "coalitions/<slug:slug>/",
        views.CoalitionDetailView.as_view(),
        name="coalition",
    ),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", feeds.StatementFeed(), name="feed"),
    path(
        "organisations/<slug:slug>/feed/",
        feeds.OrganisationFeed(),
        name="organisation-feed",
    ),
    path(
        "laws/<str:country>/<slug:slug>/feed/",
        feeds.LawFeed(),
        name="law-feed",
    ),
    path(
        "countries/<str:country>/feed/",
        feeds.CountryFeed(),
        name="country-feed",
    ),
    path(
        "statements/preview/<str:token>/",
        previews.StatementPreviewView.as_view(),
        name="statement-preview",
    ),
]
