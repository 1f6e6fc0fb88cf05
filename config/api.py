"""The partner API's router, mounted at /api/v1/, with its schema and documentation pages."""

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import include, path, re_path, reverse
from django.views.decorators.csp import csp_override
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    inline_serializer,
)
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from campaigns import datasets
from campaigns.api import (
    AddresseeViewSet,
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
from organisations.keys import DocumentationRateThrottle

router = DefaultRouter()
router.include_root_view = False
router.register("statements", StatementViewSet, basename="statement")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("coalitions", CoalitionViewSet, basename="coalition")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("laws", LawViewSet, basename="law")
router.register("demands", DemandViewSet, basename="demand")
router.register("addressees", AddresseeViewSet, basename="addressee")
router.register("rights", RightViewSet, basename="right")
router.register("sign-on-requests", SignOnRequestViewSet, basename="sign-on-request")


class DatasetIndexView(APIView):
    """The whole public dataset as files, with their licence and checksums."""

    @extend_schema(
        operation_id="datasets_list",
        summary="Bulk downloads of the public dataset",
        description=(
            "Every published statement (with its signatories, demands and laws), every "
            "law (with its timeline, provisions and penalties) and every public "
            "organisation, as JSON Lines and CSV, under CC BY 4.0. The files are rebuilt "
            "by the worker shortly after the public content changes; each entry gives the "
            "file's SHA-256. `files` is empty until the first build."
        ),
        responses=inline_serializer(
            "DatasetIndex",
            {
                "built_at": serializers.DateTimeField(
                    allow_null=True,
                    help_text="When the files were last built (UTC); null before the first build.",
                ),
                "licence": inline_serializer(
                    "DatasetLicence",
                    {
                        "name": serializers.CharField(help_text="The licence's short name."),
                        "url": serializers.URLField(help_text="The licence's text."),
                        "attribution": serializers.CharField(
                            help_text="The credit to give with anything made from the data."
                        ),
                    },
                    help_text="The terms on which the files may be reused.",
                ),
                "files": inline_serializer(
                    "DatasetFile",
                    {
                        "name": serializers.CharField(
                            help_text="The file's name, its address's last part (statements.jsonl)."
                        ),
                        "dataset": serializers.ChoiceField(
                            choices=[dataset.name for dataset in datasets.DATASETS],
                            help_text="What it holds: each public record of this kind, as "
                            "its own address in the API gives it.",
                        ),
                        "format": serializers.ChoiceField(
                            choices=list(datasets.FORMATS),
                            help_text="`jsonl`: one JSON object a line; `csv`: one row a "
                            "record, a list as its items' names joined by `; `, an object "
                            "as JSON.",
                        ),
                        "url": serializers.URLField(help_text="Where to download it."),
                        "bytes": serializers.IntegerField(help_text="Its size in bytes."),
                        "rows": serializers.IntegerField(help_text="How many records it holds."),
                        "sha256": serializers.CharField(
                            help_text="The SHA-256 of its bytes, in hexadecimal, to check a "
                            "download (also at its address followed by `.sha256`)."
                        ),
                    },
                    many=True,
                    help_text="Each dataset in each format; empty until the first build.",
                ),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        manifest = datasets.read_manifest() or {"built_at": None, "files": []}
        return Response(
            {
                "built_at": manifest["built_at"],
                "licence": datasets.LICENCE,
                "files": [
                    {
                        "name": entry["name"],
                        "dataset": entry["dataset"],
                        "format": entry["format"],
                        "url": request.build_absolute_uri(
                            reverse("api:dataset-file", kwargs={"name": entry["name"]})
                        ),
                        "bytes": entry["bytes"],
                        "rows": entry["rows"],
                        "sha256": entry["sha256"],
                    }
                    for entry in manifest["files"]
                ],
            }
        )


class DatasetFileView(APIView):
    """One file of the public dataset, or `<file>.sha256` for `sha256sum --check`."""

    @extend_schema(
        operation_id="datasets_file",
        summary="Download one file of the public dataset",
        parameters=[
            OpenApiParameter(
                "name",
                str,
                OpenApiParameter.PATH,
                description="A file's `name` from the index, or it followed by `.sha256` "
                "for its checksum in `sha256sum --check` form.",
                examples=[OpenApiExample("statements as JSON Lines", value="statements.jsonl")],
            )
        ],
        responses={
            (200, "application/x-ndjson"): OpenApiTypes.BINARY,
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, "text/plain"): OpenApiTypes.STR,
        },
    )
    def get(self, request: Request, name: str) -> HttpResponseBase:
        checksum = name.endswith(".sha256")
        entry = datasets.public_file(name.removesuffix(".sha256"))
        if entry is None:
            raise NotFound("There is no such file in the public dataset.")
        if checksum:
            return HttpResponse(
                f"{entry['sha256']}  {entry['name']}\n", content_type="text/plain; charset=utf-8"
            )
        response = FileResponse(
            default_storage.open(entry["path"], "rb"),
            as_attachment=True,
            filename=entry["name"],
            content_type=datasets.FORMATS[entry["format"]],
        )
        response["ETag"] = f'"{entry["sha256"]}"'
        return response


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
                "datasets": serializers.URLField(
                    help_text="Bulk downloads of the whole public dataset (CC BY 4.0)."
                ),
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
                "datasets": link("datasets"),
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

# The schema and the documentation pages have their own rate, not the anonymous one.
DOCUMENTATION = [DocumentationRateThrottle]

api_patterns = [
    path("", ApiIndexView.as_view(), name="index"),
    *router.urls,
    path("changes/", ChangeFeedView.as_view(), name="changes"),
    path("datasets/", DatasetIndexView.as_view(), name="datasets"),
    path("datasets/<str:name>", DatasetFileView.as_view(), name="dataset-file"),
    path("schema/", SpectacularAPIView.as_view(throttle_classes=DOCUMENTATION), name="schema"),
    # The split views serve the page and its script separately: no inline script, so
    # the Content Security Policy needs no exception for them.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", throttle_classes=DOCUMENTATION),
        name="docs",
    ),
    path(
        "redoc/",
        csp_override(REDOC_POLICY)(
            SpectacularRedocView.as_view(url_name="api:schema", throttle_classes=DOCUMENTATION)
        ),
        name="redoc",
    ),
    re_path(r"^(?P<path>.*)$", not_found),
]

urlpatterns = [path("", include((api_patterns, "api")))]
