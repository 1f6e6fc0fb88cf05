from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from campaigns import views as campaign_views
from campaigns.page_cache import cached_public_page

from .sitemaps import SITEMAPS

admin.site.site_header = "Chorus"
admin.site.site_title = "Chorus staff"
admin.site.index_title = "Statements, laws and organisations"

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        cached_public_page(sitemap),
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
]

# The public site, one address per interface language: English unprefixed, /ru/ and /fr/.
urlpatterns += i18n_patterns(
    path("", cached_public_page(campaign_views.HomeView.as_view()), name="home"),
    path("", include("campaigns.urls")),
    path("laws/", include("legislation.urls")),
    path("organisations/", include("organisations.urls")),
    prefix_default_language=False,
)
