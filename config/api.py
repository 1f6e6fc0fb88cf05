"""The partner API's router, mounted at /api/v1/, with its schema and documentation pages."""

from django.urls import include, path, re_path, reverse
from django.views.decorators.csp import csp_override
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from campaigns.api import (
    CampaignViewSet,
    ChangeFeedView,
    CoalitionViewSet,
    DemandViewSet,
    SignOnRequestViewSet,
    StatementViewSet,
)
from legislation.api import LawViewSet, RightViewSet
from lib.api.errors import not_found
from operations.headers import CONTENT_SECURITY_POLICY
from organisations.api import OrganisationViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("statements", StatementViewSet, basename="statement")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("coalitions", CoalitionViewSet, basename="coalition")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("laws", LawViewSet, basename="law")
router.register("demands", DemandViewSet, basename="demand")
router.register("rights", RightViewSet, basename="right")
router.register("sign-on-requests", SignOnRequestViewSet, basename="sign-on-request")


class ApiIndexView(APIView):
    """Where a partner's developer starts: every collection, the change feed, the docs."""

    @extend_schema(
        summary="What this API offers",
        description=(
            "Links to every collection, the change feed, the OpenAPI schema and the "
            "documentation pages. Nothing here changes but the links a new version adds."
        ),
        responses=inline_serializer(
            "ApiIndex",
            {
                "collections": serializers.DictField(
                    child=serializers.URLField(),
                    help_text="Each collection's address, by name.",
                ),
                "changes": serializers.URLField(help_text="The change feed."),
                "schema": serializers.URLField(help_text="The OpenAPI 3 schema."),
                "docs": serializers.URLField(help_text="Interactive documentation."),
                "redoc": serializers.URLField(help_text="Reference documentation."),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        def link(name: str) -> str:
            return request.build_absolute_uri(reverse(f"api:{name}"))

        return Response(
            {
                "collections": {
                    prefix: link(f"{basename}-list") for prefix, _, basename in router.registry
                },
                "changes": link("changes"),
                "schema": link("schema"),
                "docs": link("docs"),
                "redoc": link("redoc"),
            }
        )


# Redoc's bundle adds two <style> elements while it loads, before it can be given the
# page's nonce (static/chorus/redoc-init.js gives it for everything after): an empty one,
# and its scrollbar's fixed CSS. Their hashes let exactly those through on this page; a
# new version of the bundle that changes them shows up in the CSP browser test.
REDOC_POLICY = {
    **CONTENT_SECURITY_POLICY,
    "style-src": [
        *CONTENT_SECURITY_POLICY["style-src"],
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
        "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
    ],
}

api_patterns = [
    path("", ApiIndexView.as_view(), name="index"),
    *router.urls,
    path("changes/", ChangeFeedView.as_view(), name="changes"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split views serve the page and its script separately: no inline script, so
    # the Content Security Policy needs no exception for them.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path(
        "redoc/",
        csp_override(REDOC_POLICY)(SpectacularRedocView.as_view(url_name="api:schema")),
        name="redoc",
    ),
    re_path(r"^(?P<path>.*)$", not_found),
]

urlpatterns = [path("", include((api_patterns, "api")))]
