from django.contrib import admin
from django.urls import include, path

from campaigns import views as campaign_views
from operations import health
from staff.views import StaffLoginView

admin.site.site_header = "Chorus"
admin.site.site_title = "Chorus staff"
admin.site.index_title = "Statements, laws and organisations"

# --- Operations and staff sign-in ------------------------------------------------------
# Probes for load balancers, and the admin's sign-in replaced by one that throttles
# guessing and asks for the second factor: these come before admin.site.urls to win.
operations_urlpatterns = [
    path("healthz", health.liveness, name="healthz"),
    path("readyz", health.readiness, name="readyz"),
    path("admin/login/", StaffLoginView.as_view(), name="staff-login"),
    path("admin/two-factor/", include("staff.urls")),
]
# ---------------------------------------------------------------------------------------

urlpatterns = [
    *operations_urlpatterns,
    path("", campaign_views.HomeView.as_view(), name="home"),
    path("", include("campaigns.urls")),
    path("laws/", include("legislation.urls")),
    path("organisations/", include("organisations.urls")),
    path("admin/", admin.site.urls),
]
