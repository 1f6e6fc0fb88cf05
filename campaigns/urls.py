from django.urls import path

from . import feeds, previews, views
from .page_cache import cached_public_page

app_name = "campaigns"

urlpatterns = [
    path("statements/", cached_public_page(views.StatementListView.as_view()), name="statements"),
    path(
        "statements/<int:year>/<slug:slug>/",
        cached_public_page(views.StatementDetailView.as_view()),
        name="statement",
    ),
    path(
        "statements/<int:year>/<slug:slug>/card/<int:version>.png",
        views.StatementCardView.as_view(),
        name="statement-card",
    ),
    path(
        "campaigns/<slug:slug>/",
        cached_public_page(views.CampaignDetailView.as_view()),
        name="campaign",
    ),
    path(
        "campaigns/<slug:slug>/feed/",
        cached_public_page(feeds.CampaignFeed()),
        name="campaign-feed",
    ),
    path(
        "coalitions/<slug:slug>/",
        cached_public_page(views.CoalitionDetailView.as_view()),
        name="coalition",
    ),
    path("search/", cached_public_page(views.SearchView.as_view()), name="search"),
    path("feed/", cached_public_page(feeds.StatementFeed()), name="feed"),
    path(
        "organisations/<slug:slug>/feed/",
        cached_public_page(feeds.OrganisationFeed()),
        name="organisation-feed",
    ),
    path(
        "laws/<str:country>/<slug:slug>/feed/",
        cached_public_page(feeds.LawFeed()),
        name="law-feed",
    ),
    path(
        "countries/<str:country>/feed/",
        cached_public_page(feeds.CountryFeed()),
        name="country-feed",
    ),
    path(
        "statements/preview/<str:token>/",
        previews.StatementPreviewView.as_view(),
        name="statement-preview",
    ),
]
