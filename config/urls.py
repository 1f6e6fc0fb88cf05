from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from campaigns import embeds
from campaigns import views as campaign_views
from legislation import views as legislation_views
from operations import health
from staff.views import StaffLoginView

from .sitemaps import SITEMAPS, sitemap

admin.site.site_header = "Chorus"
admin.site.site_title = _("Chorus staff")
admin.site.index_title = _("Statements, laws and organisations")

# --- Operations and staff sign-in ------------------------------------------------------
# Probes for load balancers, and the admin's sign-in replaced by one that throttles
# guessing and asks for the second factor, with the staff member's security page: these
# come before admin.site.urls to win.
operations_urlpatterns = [
    path("healthz", health.liveness, name="healthz"),
    path("readyz", health.readiness, name="readyz"),
    path("admin/login/", StaffLoginView.as_view(), name="staff-login"),
    path("admin/", include("staff.urls")),
]
# ---------------------------------------------------------------------------------------

urlpatterns = [
    *operations_urlpatterns,
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api")),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("oembed", embeds.oembed, name="oembed"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
]

# The public site, one address per interface language: English unprefixed, /ru/ and /fr/.
urlpatterns += i18n_patterns(
    path("", campaign_views.HomeView.as_view(), name="home"),
    path("", include("campaigns.urls")),
    path("laws/", include("legislation.urls")),
    path(
        "countries/<str:code>/",
        legislation_views.CountryView.as_view(),
        name="country",
    ),
    path("organisations/", include("organisations.urls")),
    path("alerts/", include("alerts.urls")),
    path("", include("invitations.urls")),
    prefix_default_language=False,
)
