"""The partner API's statements, campaigns, coalitions and demands; sign-on; the change feed.

What the public may see comes from Statement.objects.published() and nothing else. A key
with the embargo scope also sees the scheduled statements its organisation may read early,
marked embargoed, and each such read is logged.
"""

import re
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from urllib.parse import urlencode

import orjson
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django_countries.serializers import CountryFieldMixin
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from legislation.api import LawSummarySerializer, law_by_slug
from legislation.models import Law, Right
from lib.api.conditional import ConditionalGetMixin
from lib.api.fields import RECORD_HELP_TEXTS, ApiLinkField, PageLinkField, absolute, help_texts
from lib.api.filters import UPDATED_SINCE, UtcDateTimeFilter
from lib.api.pagination import MAX_PAGE_SIZE, whole_number
from lib.api.references import CountryCodeFilter, IdOrSlugFilter
from lib.api.rendering import FastJSONRenderer, PreparedResponse
from lib.api.translations import translations_schema, written_translations
from lib.markdown import render_markdown
from organisations.api import OrganisationSummarySerializer
from organisations.keys import HasScope, partner_key
from organisations.models import Organisation

from .api_search import FullTextFilter, statements_found
from .documents import (
    DOCUMENT_KEY_COLUMNS,
    EXPANSIONS,
    ITEM_FIELDS,
    Selection,
    columns_for,
    detail_json,
    item_json,
    json_origin,
    kept_detail,
    kept_parts,
    kept_public_detail,
)
from .models import (
    Campaign,
    Change,
    Coalition,
    CoalitionMembership,
    Demand,
    EmbargoedRead,
    Signature,
    Statement,
    StatementQuerySet,
    Target,
)
from .public import public_addressees, public_organisations
from .reliefweb import ReliefWebReportSerializer
from .serializers import (
    ADDRESSEE_HELP_TEXTS,
    CorrectionSerializer,
    DemandSerializer,
    PublicationSerializer,
    SignatorySerializer,
    StatementSerializer,
)


def statements_shown(request: Request) -> StatementQuerySet:
    """The statements a request is shown: the published ones; for a key with the embargo
    scope, the scheduled ones its organisation may read early as well (each statement's
    editor chose who may)."""
    key = partner_key(request)
    if key is not None and key.can_read_embargoed:
        return Statement.objects.published() | Statement.objects.embargoed_for(key.organisation_id)
    return Statement.objects.published()


def shown_only_published(request: Request) -> bool:
    """Whether statements_shown(request) is the published statements alone."""
    key = partner_key(request)
    return key is None or not key.can_read_embargoed


# --- serializers -----------------------------------------------------------------------


class DemandWithStatementSerializer(DemandSerializer):
    statement = serializers.IntegerField(
        source="statement_id", read_only=True, help_text="The id of the statement that makes it."
    )
    statement_url = ApiLinkField(
        "statement-detail",
        id_attribute="statement_id",
        help_text="The address of the statement that makes it.",
    )

    class Meta(DemandSerializer.Meta):
        fields = [*DemandSerializer.Meta.fields, "statement", "statement_url"]


class StatementItemSerializer(StatementSerializer):
    """A statement in a list: slim, with the lists `expand` asks for, or the `fields` named.

    Documents the list's items; the answers themselves are put together from each
    statement's encoded parts (campaigns/documents.py).
    """

    signatories = SignatorySerializer(
        source="confirmed_signatures",
        many=True,
        read_only=True,
        required=False,
        help_text="With `expand=signatures`: the confirmed signatories.",
    )
    demands = DemandSerializer(
        many=True, read_only=True, required=False, help_text="With `expand=demands`."
    )
    publications = PublicationSerializer(
        many=True, read_only=True, required=False, help_text="With `expand=publications`."
    )
    corrections = CorrectionSerializer(
        many=True, read_only=True, required=False, help_text="With `expand=corrections`."
    )

    class Meta(StatementSerializer.Meta):
        fields = [*ITEM_FIELDS, *EXPANSIONS.values()]

    def get_fields(self) -> dict[str, serializers.Field]:
        # Only `id` is given whatever `fields` names: the schema requires no other (a
        # read-only field would be declared required, so these are declared optional).
        fields = super().get_fields()
        for name, field in fields.items():
            if name != "id":
                field.read_only = False
                field.required = False
        return fields


class TombstoneSerializer(serializers.Serializer[Any]):
    """What the public is told of a withdrawn statement."""

    title = serializers.CharField(read_only=True, help_text="In the statement's own language.")
    issued_on = serializers.DateField(read_only=True, help_text="The date it was issued.")
    withdrawn_at = serializers.DateTimeField(
        read_only=True, help_text="When it was withdrawn (UTC)."
    )
    reason = serializers.CharField(
        source="withdrawal_reason",
        read_only=True,
        help_text="Why it was withdrawn, as the public is told; may be empty.",
    )

    def to_representation(self, instance: Statement) -> dict[str, Any]:
        # The same title whoever asks: the one its own answer gave while it was public.
        with translation.override(instance.language):
            return super().to_representation(instance)


class WithdrawnNoticeSerializer(TombstoneSerializer):
    detail = serializers.SerializerMethodField(
        help_text="That the statement was withdrawn, in a sentence."
    )

    def get_detail(self, statement: Statement) -> str:
        return "This statement was withdrawn."


class MembershipSerializer(serializers.ModelSerializer[CoalitionMembership]):
    """A current member of a coalition."""

    organisation = OrganisationSummarySerializer(read_only=True, help_text="The member.")

    class Meta:
        model = CoalitionMembership
        fields = ["organisation", "role", "joined_on"]
        extra_kwargs = help_texts(
            role="`convenor`: it runs the coalition; `member`; `observer`: it follows "
            "without signing as a member.",
            joined_on="When it joined; null when not known.",
        )


class CoalitionSerializer(serializers.ModelSerializer[Coalition]):
    url = ApiLinkField("coalition-detail")
    web_url = PageLinkField()
    members = MembershipSerializer(
        source="current_memberships",
        many=True,
        read_only=True,
        help_text="Its current members: convenors first, then by name. Those who left are "
        "not listed.",
    )

    class Meta:
        model = Coalition
        fields = [
            "id",
            "url",
            "web_url",
            "name",
            "slug",
            "description",
            "website",
            "members",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            **RECORD_HELP_TEXTS,
            **help_texts(
                name="The coalition's name.",
                description="What it is and does, in plain text; may be empty.",
                website="Its own website; empty when it has none.",
            ),
        }


# The texts campaigns/translation.py writes per language.
CAMPAIGN_TEXTS = {"title": "The title.", "summary": "The summary."}
CAMPAIGN_TRANSLATIONS_SCHEMA = translations_schema(
    CAMPAIGN_TEXTS,
    example={
        "en": {"title": "Against the foreign agents laws", "summary": "Repeal them all."},
        "fr": {"title": "Contre les lois sur les agents de l’étranger", "summary": ""},
    },
)


class CampaignSerializer(CountryFieldMixin, serializers.ModelSerializer[Campaign]):
    url = ApiLinkField("campaign-detail")
    web_url = PageLinkField()
    body_html = serializers.SerializerMethodField(
        help_text="`body` rendered as HTML and sanitised: safe to show as it is."
    )
    coalition = serializers.IntegerField(
        source="coalition_id",
        read_only=True,
        allow_null=True,
        help_text="The id of the coalition that runs it; null when no coalition does.",
    )
    coalition_url = ApiLinkField(
        "coalition-detail",
        id_attribute="coalition_id",
        allow_null=True,
        help_text="The address of the coalition that runs it; null when no coalition does.",
    )
    laws = LawSummarySerializer(many=True, read_only=True, help_text="The laws it tracks.")
    statements_url = serializers.SerializerMethodField(
        help_text="The campaign's published statements."
    )
    translations = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "url",
            "web_url",
            "title",
            "slug",
            "summary",
            "body",
            "body_html",
            "translations",
            "country",
            "status",
            "started_on",
            "ended_on",
            "coalition",
            "coalition_url",
            "laws",
            "statements_url",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            **RECORD_HELP_TEXTS,
            **help_texts(
                title="The campaign's title, in the request's language where translated.",
                summary="One or two sentences of plain text, as lists show it; may be empty.",
                body="What it is about, in Markdown (no HTML); may be empty.",
                country="The country it is about (ISO 3166-1 alpha-2); empty for more than one.",
                status="Where it stands: `won` and `concluded` campaigns are over.",
                started_on="When it started; null when not known.",
                ended_on="When it ended; null while it goes on.",
            ),
        }

    def get_body_html(self, campaign: Campaign) -> str:
        return render_markdown(campaign.body)

    @extend_schema_field(CAMPAIGN_TRANSLATIONS_SCHEMA)
    def get_translations(self, campaign: Campaign) -> dict[str, dict[str, str]]:
        return written_translations(campaign, list(CAMPAIGN_TEXTS))

    @extend_schema_field(OpenApiTypes.URI)
    def get_statements_url(self, campaign: Campaign) -> str:
        return absolute(f"{reverse('api:statement-list')}?campaign={campaign.pk}", self.context)


# --- filters ---------------------------------------------------------------------------


class StatementFilter(filters.FilterSet):
    q = FullTextFilter(
        statements_found,
        example="foreign agents",
        help_text="Statements whose title, standfirst or text has these words, or the names "
        "of their signatories, demands, publications and laws. When more than 10,000 match, "
        "only the newest of them are listed (`count_is_exact` is false): narrow older ones "
        "down with more words or `issued_before`.",
    )
    campaign = IdOrSlugFilter(
        queryset=Campaign.objects.all(), noun="campaign", example="russia-civil-society"
    )
    coalition = IdOrSlugFilter(
        field_name="campaign__coalition",
        queryset=Coalition.objects.all(),
        noun="coalition",
        example="ngos-for-civil-society-in-russia",
    )
    organisation = IdOrSlugFilter(
        # Only organisations the public may know of: an id that only a draft names is
        # answered like an id that never existed.
        queryset=lambda request: public_organisations(),
        method="filter_organisation",
        noun="organisation",
        example="human-rights-watch",
        help_text="Issued or signed (confirmed) by this organisation.",
    )
    law = IdOrSlugFilter(
        queryset=Law.objects.all(),
        method="filter_law",
        noun="law",
        slug_lookup=law_by_slug,
        example="ru/foreign-agents-law",
        help_text="Makes a demand about this law. A law's slug is unique in its country: "
        "`ru/foreign-agents-law`, or the slug alone where no other country has it.",
    )
    right = IdOrSlugFilter(
        queryset=Right.objects.all(),
        method="filter_right",
        noun="right",
        example="association",
        help_text="Makes a demand about a law restricting this right.",
    )
    country = CountryCodeFilter(
        method="filter_country",
        help_text="The campaign's country, or the country of a law demanded about.",
    )
    addressee = IdOrSlugFilter(
        field_name="addressees",
        queryset=lambda request: public_addressees(),
        noun="addressee",
        example="eu-leaders",
        help_text="Addressed to it (see /api/v1/addressees/).",
    )
    language = filters.ChoiceFilter(
        choices=settings.LANGUAGES,
        help_text="Written in this language (its `language`); see `available_in` for any language.",
    )
    available_in = filters.ChoiceFilter(
        choices=settings.LANGUAGES,
        method="filter_available_in",
        help_text="Can be read in this language: it is among the statement's `languages`.",
    )
    kind = filters.ChoiceFilter(choices=Statement.Kind.choices, help_text="Of this kind.")
    # ISO 8601 dates only: the form's other formats read 08/03/2016 as the 3rd of August.
    issued_after = filters.DateFilter(
        field_name="issued_on",
        lookup_expr="gte",
        input_formats=["%Y-%m-%d"],
        help_text="Issued on this date (YYYY-MM-DD) or later.",
    )
    issued_before = filters.DateFilter(
        field_name="issued_on",
        lookup_expr="lt",
        input_formats=["%Y-%m-%d"],
        help_text="Issued before this date (YYYY-MM-DD).",
    )
    published_after = UtcDateTimeFilter(
        field_name="publish_at",
        lookup_expr="gte",
        help_text="Public here from this time or later (an archived statement from when it "
        "was added, whenever it was issued).",
    )
    published_before = UtcDateTimeFilter(
        field_name="publish_at", lookup_expr="lt", help_text="Public here before this time."
    )
    updated_since = UtcDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text=UPDATED_SINCE
    )
    signatures_open = filters.BooleanFilter(
        help_text="`true`: open for signatures, so a key with the sign scope may ask to sign "
        "it (POST /api/v1/sign-on-requests/); `false`: not open."
    )

    class Meta:
        model = Statement
        fields = [
            "q",
            "campaign",
            "coalition",
            "organisation",
            "law",
            "right",
            "country",
            "addressee",
            "language",
            "available_in",
            "kind",
            "issued_after",
            "issued_before",
            "published_after",
            "published_before",
            "updated_since",
            "signatures_open",
        ]

    # Each filter across a many-valued relation is a subquery, so no statement is listed twice.

    def filter_organisation(
        self, queryset: QuerySet[Statement], name: str, value: Organisation
    ) -> QuerySet[Statement]:
        signed = Signature.objects.filter(
            organisation=value, status=Signature.Status.CONFIRMED
        ).values("statement")
        return queryset.filter(Q(lead_organisation=value) | Q(pk__in=signed))

    def filter_law(
        self, queryset: QuerySet[Statement], name: str, value: Law
    ) -> QuerySet[Statement]:
        return queryset.filter(pk__in=Demand.objects.filter(law=value).values("statement"))

    def filter_right(
        self, queryset: QuerySet[Statement], name: str, value: Right
    ) -> QuerySet[Statement]:
        return queryset.filter(pk__in=Demand.objects.filter(law__rights=value).values("statement"))

    def filter_available_in(
        self, queryset: QuerySet[Statement], name: str, value: str
    ) -> QuerySet[Statement]:
        return cast(StatementQuerySet, queryset).available_in(value)

    def filter_country(
        self, queryset: QuerySet[Statement], name: str, value: str
    ) -> QuerySet[Statement]:
        about = Demand.objects.filter(law__country=value).values("statement")
        return queryset.filter(Q(campaign__country=value) | Q(pk__in=about))


class DemandFilter(filters.FilterSet):
    statement = IdOrSlugFilter(
        queryset=lambda request: Statement.objects.published(),
        noun="published statement",
        example="eu-russia-summit-civil-society-2012",
        help_text="Made in this statement.",
    )
    campaign = IdOrSlugFilter(
        field_name="statement__campaign",
        queryset=Campaign.objects.all(),
        noun="campaign",
        example="russia-civil-society",
        help_text="Made in a statement of this campaign.",
    )
    law = IdOrSlugFilter(
        queryset=Law.objects.all(),
        noun="law",
        slug_lookup=law_by_slug,
        example="ru/foreign-agents-law",
        help_text="About this law (`ru/foreign-agents-law`, or its slug alone where unique).",
    )
    addressee = IdOrSlugFilter(
        queryset=lambda request: public_addressees(),
        noun="addressee",
        example="eu-leaders",
        help_text="Addressed to it.",
    )
    country = CountryCodeFilter(field_name="law__country", help_text="The law's country.")
    action = filters.ChoiceFilter(choices=Demand.Action.choices, help_text="What is demanded.")
    outcome = filters.ChoiceFilter(
        choices=Demand.Outcome.choices, help_text="What came of it, as last recorded."
    )

    class Meta:
        model = Demand
        fields = ["statement", "campaign", "law", "addressee", "country", "action", "outcome"]


class CampaignFilter(filters.FilterSet):
    coalition = IdOrSlugFilter(
        queryset=Coalition.objects.all(),
        noun="coalition",
        example="ngos-for-civil-society-in-russia",
        help_text="Run by this coalition.",
    )
    country = CountryCodeFilter(help_text="The country it is about.")
    status = filters.ChoiceFilter(choices=Campaign.Status.choices, help_text="Where it stands.")
    law = IdOrSlugFilter(
        field_name="laws",
        queryset=Law.objects.all(),
        noun="law",
        slug_lookup=law_by_slug,
        example="ru/foreign-agents-law",
        help_text="Tracks this law.",
    )
    updated_since = UtcDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text=UPDATED_SINCE
    )

    class Meta:
        model = Campaign
        fields = ["coalition", "country", "status", "law", "updated_since"]


class CoalitionFilter(filters.FilterSet):
    organisation = IdOrSlugFilter(
        queryset=lambda request: public_organisations(),
        method="filter_organisation",
        noun="organisation",
        example="human-rights-watch",
        help_text="Has this organisation as a current member.",
    )
    updated_since = UtcDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text=UPDATED_SINCE
    )

    class Meta:
        model = Coalition
        fields = ["organisation", "updated_since"]

    def filter_organisation(
        self, queryset: QuerySet[Coalition], name: str, value: Organisation
    ) -> QuerySet[Coalition]:
        current = CoalitionMembership.objects.filter(organisation=value, left_on__isnull=True)
        return queryset.filter(pk__in=current.values("coalition"))


# --- read-only resources ---------------------------------------------------------------


class StatementAnswers(viewsets.ReadOnlyModelViewSet[Statement]):
    """Lists and details of statements, put together from their encoded parts.

    Apart from the view, whose other methods name the built-in `list` in their types.
    """

    @property
    def extra_query_parameters(self) -> tuple[str, ...]:
        """Known besides the filters (see KnownParametersOnly)."""
        return ("expand", "fields") if self.action == "list" else ()

    def origin(self) -> bytes:
        return json_origin(self.request.build_absolute_uri("/").removesuffix("/"))

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "expand",
                str,
                description=(
                    "Nest these lists in each statement, comma-separated: `signatures` (as "
                    "`signatories`), `demands`, `publications`, `corrections`. Each is given "
                    "as the statement's own address gives it."
                ),
                examples=[
                    OpenApiExample("Signatories", value="signatures"),
                    OpenApiExample("Signatories and demands", value="signatures,demands"),
                ],
            ),
            OpenApiParameter(
                "fields",
                str,
                description=(
                    "Give only these top-level fields of each statement, comma-separated, in "
                    "the order of the statement's own address, and `id` always. Any field "
                    "of a statement may be named, those of the complete statement too; a "
                    "list named in `expand` is given as well. An unknown name is a 400 "
                    "naming them all."
                ),
                examples=[
                    OpenApiExample("Titles and links", value="id,title,url,web_url"),
                    OpenApiExample("Texts for a mirror", value="id,title,body_html,updated_at"),
                ],
            ),
        ],
        responses=StatementItemSerializer(many=True),
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        selection = Selection.from_query(request.query_params)
        queryset = self.filter_queryset(self.get_queryset())
        page: list[Statement] = self.paginate_queryset(queryset) or []
        parts = kept_parts(page, columns_for(selection))
        origin = self.origin()
        envelope = self.get_paginated_response(
            [
                orjson.Fragment(item_json(parts[statement.pk], statement, selection, origin))
                for statement in page
            ]
        )
        return PreparedResponse(
            envelope.data, max((statement.updated_at for statement in page), default=None)
        )


class StatementViewSet(ConditionalGetMixin, StatementAnswers):
    """Published statements with everything they say and who stands behind them.

    A list gives each statement slim, with what `expand` and `fields` ask for; a detail
    gives it complete. Both are put together from the statement's parts encoded once and
    kept (campaigns/documents.py); the gate picks the statements at every request.
    """

    serializer_class = StatementSerializer
    filterset_class = StatementFilter
    renderer_classes = [FastJSONRenderer]
    # The first is the default: partners keep their cursors. The issue date's orders are
    # the site's own (Statement.PUBLIC_ORDER), and read along its index.
    cursor_orderings = {
        "-publish_at": ("-publish_at", "-id"),
        "publish_at": ("publish_at", "id"),
        "-issued_on": Statement.PUBLIC_ORDER,
        "issued_on": ("issued_on", "publish_at", "id"),
        "-updated_at": ("-updated_at", "-id"),
        "updated_at": ("updated_at", "id"),
    }

    def get_queryset(self) -> QuerySet[Statement]:
        statements = statements_shown(self.request)
        if self.action == "list":
            # Answered from the kept documents: only what the order, the embargo and the
            # check that a document is current read.
            return statements.only(*DOCUMENT_KEY_COLUMNS)
        if self.action == "retrieve":
            return statements  # kept_detail() reads the same columns, and the document
        return statements.with_everything_shown()

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        self.log_embargoed_reads(page or [])
        return page

    @extend_schema(
        responses={
            200: StatementSerializer,
            410: OpenApiResponse(
                WithdrawnNoticeSerializer,
                description="The statement was withdrawn: remove it from any copy you keep.",
            ),
        },
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        identifier = whole_number(str(kwargs.get(self.lookup_url_kwarg or self.lookup_field, "")))
        try:
            if identifier is None:
                raise Http404
            return self.detail_response(identifier)
        except Http404:
            # As the public page tells a reader, a mirror holding a withdrawn statement
            # learns to remove it: 410 with the notice. Any other statement the public
            # cannot see answers exactly as an id that never existed.
            withdrawn = (
                Statement.objects.withdrawn().filter(pk=identifier).first()
                if identifier is not None
                else None
            )
            if withdrawn is None:
                raise
            notice = WithdrawnNoticeSerializer(withdrawn)
            return Response(notice.data, status=status.HTTP_410_GONE)

    def get_object(self) -> Statement:
        statement = super().get_object()
        self.log_embargoed_reads([statement])
        return statement

    def detail_response(self, identifier: int) -> Response:
        # Not get_object(): the statement's row and its kept document are read in one
        # query, and only the gate's fields of the row.
        if shown_only_published(self.request) and not self.request.query_params:
            # The gate alone, and no filter to apply: its query compiled once.
            statement, detail = kept_public_detail(identifier)
        else:
            statements = self.filter_queryset(self.get_queryset())
            statement, detail = kept_detail(statements, identifier)
        self.check_object_permissions(self.request, statement)
        self.log_embargoed_reads([statement])
        return PreparedResponse(
            orjson.Fragment(detail_json(detail, statement, self.origin())), statement.updated_at
        )

    def log_embargoed_reads(self, statements: list[Statement]) -> None:
        embargoed = [statement for statement in statements if statement.is_scheduled]
        key = partner_key(self.request)
        if not embargoed or key is None:
            return
        self.private_answer = True
        EmbargoedRead.objects.bulk_create(
            EmbargoedRead(
                key=key,
                key_prefix=key.prefix,
                organisation_id=key.organisation_id,
                statement=statement,
                path=self.request.get_full_path()[:500],
            )
            for statement in embargoed
        )

    @extend_schema(
        summary="A statement in ReliefWeb's report layout",
        description=(
            "The statement's fields as a ReliefWeb report has them (title, body HTML, "
            "sources, original date, language, countries, format, origin, embargo), for a "
            "partner who posts it to ReliefWeb. The same statements as the detail: a key "
            "with the embargo scope also reads scheduled ones, and the read is logged."
        ),
        responses={200: ReliefWebReportSerializer},
    )
    @action(detail=True, url_path="reliefweb")
    def reliefweb(self, request: Request, pk: str | None = None) -> Response:
        statement = self.get_object()
        return Response(
            ReliefWebReportSerializer(statement, context=self.get_serializer_context()).data
        )


class DemandViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet[Demand]):
    """What published statements demand, of whom, about which law, and what came of it."""

    serializer_class = DemandWithStatementSerializer
    filterset_class = DemandFilter
    cursor_orderings = {"id": ("id",), "-id": ("-id",)}

    def get_queryset(self) -> QuerySet[Demand]:
        return (
            Demand.objects.filter(statement__in=Statement.objects.published())
            .select_related("addressee", "law", "provision")
            .with_outcome_history()
        )


class CampaignViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet[Campaign]):
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter
    cursor_orderings = {"id": ("id",), "updated_at": ("updated_at", "id")}

    def get_queryset(self) -> QuerySet[Campaign]:
        return Campaign.objects.prefetch_related("laws")


class CoalitionViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet[Coalition]):
    serializer_class = CoalitionSerializer
    filterset_class = CoalitionFilter
    cursor_orderings = {"id": ("id",), "updated_at": ("updated_at", "id")}

    def get_queryset(self) -> QuerySet[Coalition]:
        return Coalition.objects.prefetch_related(
            Prefetch(
                "memberships",
                queryset=CoalitionMembership.objects.filter(left_on__isnull=True)
                .select_related("organisation")
                .order_by("role", "organisation__name", "pk"),
                to_attr="current_memberships",
            )
        )


class AddresseeListSerializer(CountryFieldMixin, serializers.ModelSerializer[Target]):
    """Someone a published statement addresses, or whose conduct it demands of."""

    url = ApiLinkField("addressee-detail")
    statements_url = serializers.SerializerMethodField(
        help_text="The published statements addressed to it."
    )
    demands_url = serializers.SerializerMethodField(
        help_text="The demands of published statements made of it."
    )

    class Meta:
        model = Target
        fields = [
            "id",
            "url",
            "name",
            "slug",
            "kind",
            "country",
            "description",
            "statements_url",
            "demands_url",
        ]
        extra_kwargs = {
            **ADDRESSEE_HELP_TEXTS,
            "description": {"help_text": "Who or what it is, in plain text; may be empty."},
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_statements_url(self, target: Target) -> str:
        return absolute(f"{reverse('api:statement-list')}?addressee={target.pk}", self.context)

    @extend_schema_field(OpenApiTypes.URI)
    def get_demands_url(self, target: Target) -> str:
        return absolute(f"{reverse('api:demand-list')}?addressee={target.pk}", self.context)


class AddresseeFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Target.Kind.choices, help_text="What sort of body it is.")
    country = CountryCodeFilter(help_text="Its country; none for an intergovernmental body.")

    class Meta:
        model = Target
        fields = ["kind", "country"]


class AddresseeViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet[Target]):
    """Who published statements address: their ids and slugs name them in the filters."""

    serializer_class = AddresseeListSerializer
    filterset_class = AddresseeFilter
    cursor_orderings = {"name": ("name", "id"), "id": ("id",)}

    def get_queryset(self) -> QuerySet[Target]:
        return public_addressees()


# --- sign-on ---------------------------------------------------------------------------


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This organisation has already signed or asked to sign this statement."
    default_code = "conflict"


def duplicate_request(request: Request, existing: Signature) -> Response:
    """409, with the address of the organisation's signature or request already there.

    Its own requests are readable at that address; a signature staff entered for it is
    named by its statement, whose answer lists it once confirmed.
    """
    if existing.requested_with_id is not None:
        path = reverse("api:sign-on-request-detail", kwargs={"pk": existing.pk})
    else:
        path = reverse("api:statement-detail", kwargs={"pk": existing.statement_id})
    address = request.build_absolute_uri(path)
    return Response(
        {"detail": Conflict.default_detail, "existing": address},
        status=status.HTTP_409_CONFLICT,
        headers={"Location": address},
    )


class OpenStatementField(serializers.PrimaryKeyRelatedField[Statement]):
    """A statement this key may sign: shown to it and open for signatures.

    A statement the key may read but not sign is refused in words that say so; one it
    may not read is refused as an id that does not exist.
    """

    default_error_messages = {
        "not_open": "This statement is not open for signatures: its `signatures_open` is "
        "false. Ask the coalition that issued it.",
    }

    def get_queryset(self) -> QuerySet[Statement]:
        return statements_shown(self.context["request"])

    def to_internal_value(self, data: Any) -> Statement:
        statement = super().to_internal_value(data)
        if not statement.signatures_open:
            self.fail("not_open")
        return statement


class SignOnRequestSerializer(serializers.ModelSerializer[Signature]):
    url = ApiLinkField(
        "sign-on-request-detail", help_text="The request's address: GET it to follow it."
    )
    statement = OpenStatementField(
        help_text="The id of a statement open for signatures (`signatures_open`)."
    )
    statement_url = ApiLinkField(
        "statement-detail",
        id_attribute="statement_id",
        help_text="The statement's address: once the request is confirmed, it lists the "
        "organisation among its `signatories`.",
    )
    organisation = serializers.IntegerField(
        source="organisation_id",
        read_only=True,
        help_text="The id of the organisation signing: always the key's own.",
    )
    signatory_name = serializers.CharField(
        max_length=200, help_text="Who signs on the organisation's behalf."
    )
    signatory_title = serializers.CharField(
        max_length=200,
        allow_blank=True,
        required=False,
        help_text="Their title (Executive Director); empty when not given.",
    )
    decline_reason = serializers.CharField(
        read_only=True,
        help_text="Why staff declined the request, when they did and said why; else empty.",
    )

    class Meta:
        model = Signature
        fields = [
            "id",
            "url",
            "statement",
            "statement_url",
            "organisation",
            "status",
            "role",
            "signatory_name",
            "signatory_title",
            "signed_at",
            "declined_at",
            "decline_reason",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            **RECORD_HELP_TEXTS,
            **help_texts(
                id="The request's id: a whole number that never changes.",
                status="`pending` until staff decide; then `confirmed` (the organisation is "
                "among the statement's signatories) or `declined` (see `decline_reason`).",
                role="How it signs: `co_signatory` for every request made here.",
                signed_at="When staff confirmed it (UTC); null until then.",
                declined_at="When staff declined it (UTC); null unless they did.",
                created_at="When the request was made (UTC).",
                updated_at="When it last changed (UTC): made, confirmed or declined.",
            ),
        }
        read_only_fields = [
            "status",
            "role",
            "signed_at",
            "declined_at",
            "decline_reason",
            "created_at",
            "updated_at",
        ]
        # None of DRF's checks of the model's constraints: the role and the organisation
        # are set by the view, which answers a second request for the same statement
        # with 409 itself. DRF checks the one-lead constraint with Q.check(), which takes
        # any database error for a broken constraint: while the database restarts, a
        # sign-on would get 400 "only one lead signatory" instead of 503.
        validators: list[Any] = []


class SignOnRequestViewSet(
    ConditionalGetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Signature],
):
    """Ask to sign a statement for the key's organisation, and follow the request.

    A request stays `pending` until staff confirm it; then the organisation appears among
    the statement's signatories.
    """

    serializer_class = SignOnRequestSerializer
    permission_classes = [HasScope]
    required_scope = "sign"
    cursor_orderings = {"-id": ("-id",), "id": ("id",)}

    def get_queryset(self) -> QuerySet[Signature]:
        key = partner_key(self.request)
        if key is None:  # the schema generator asks without a key
            return Signature.objects.none()
        return Signature.objects.filter(
            organisation_id=key.organisation_id, requested_with__isnull=False
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = partner_key(request)
        if key is None:  # HasScope lets no such request through; this keeps it so
            raise PermissionDenied()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        statement = serializer.validated_data["statement"]
        existing = Signature.objects.filter(
            statement=statement, organisation=key.organisation_id
        ).first()
        if existing is not None:
            return duplicate_request(request, existing)
        try:
            with transaction.atomic():
                serializer.save(
                    organisation=key.organisation,
                    status=Signature.Status.PENDING,
                    role=Signature.Role.CO_SIGNATORY,
                    requested_with=key,
                )
        except IntegrityError:  # the same request twice at once
            existing = Signature.objects.filter(
                statement=statement, organisation=key.organisation_id
            ).first()
            if existing is None:
                raise
            return duplicate_request(request, existing)
        return Response(
            serializer.data,
            status=status.HTTP_201_CREATED,
            headers=self.get_success_headers(serializer.data),
        )


# --- the change feed -------------------------------------------------------------------

CURSOR_PATTERN = re.compile(r"^([0-9]{1,19})-([0-9]{1,19})$")
# Where a mirror that just took a snapshot starts: see ChangeFeedView.
HEAD = "head"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def microseconds_since_epoch(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def feed_cursor(change: Change) -> str:
    """Where a change sits in the feed: its visible time in microseconds, and its id."""
    return f"{microseconds_since_epoch(change.visible_from)}-{change.pk}"


# Each kind of resource, its route in the API: an entry links to what changed.
RESOURCE_ROUTES = {
    Change.Resource.STATEMENT: "statement-detail",
    Change.Resource.LAW: "law-detail",
    Change.Resource.ORGANISATION: "organisation-detail",
}


class ChangeSerializer(serializers.ModelSerializer[Change]):
    cursor = serializers.SerializerMethodField(help_text="Pass as `since` to read on from here.")
    kind = serializers.ChoiceField(
        choices=Change.Kind.choices,
        read_only=True,
        help_text="What happened. `withdrawn` (a statement) and `deleted` (a law or an "
        "organisation): remove it from your copy. Anything else: read it anew.",
    )
    at = serializers.DateTimeField(
        source="visible_from", read_only=True, help_text="When the change became visible."
    )
    resource = serializers.ChoiceField(
        choices=Change.Resource.choices, read_only=True, help_text="What kind of thing changed."
    )
    id = serializers.IntegerField(
        source="object_id", read_only=True, help_text="The id of what changed, in its resource."
    )
    url = serializers.SerializerMethodField(
        help_text="Its address in the API; null once it was withdrawn or deleted."
    )
    statement = serializers.IntegerField(
        source="statement_id",
        read_only=True,
        allow_null=True,
        help_text="For a statement's change: its id (the same as `id`); null otherwise.",
    )
    statement_url = ApiLinkField(
        "statement-detail",
        id_attribute="statement_id",
        allow_null=True,
        help_text="For a statement's change: its address; null otherwise.",
    )
    issued_on = serializers.SerializerMethodField(
        help_text="For a statement: the date it was issued (`at` is when this change was "
        "seen); null otherwise."
    )
    tombstone = serializers.SerializerMethodField(
        help_text="For a withdrawal: what the public is told. Remove the statement."
    )

    class Meta:
        model = Change
        fields = [
            "cursor",
            "kind",
            "at",
            "resource",
            "id",
            "url",
            "statement",
            "statement_url",
            "issued_on",
            "tombstone",
        ]

    def get_cursor(self, change: Change) -> str:
        return feed_cursor(change)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, change: Change) -> str | None:
        if change.kind in {Change.Kind.WITHDRAWN, Change.Kind.DELETED}:
            return None
        route = RESOURCE_ROUTES[Change.Resource(change.resource)]
        return absolute(reverse(f"api:{route}", kwargs={"pk": change.object_id}), self.context)

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_issued_on(self, change: Change) -> Any:
        if change.statement is None or change.statement.issued_on is None:
            return None
        return change.statement.issued_on.isoformat()

    @extend_schema_field(TombstoneSerializer(allow_null=True))
    def get_tombstone(self, change: Change) -> dict[str, Any] | None:
        if change.kind != Change.Kind.WITHDRAWN or change.statement is None:
            return None
        return dict(TombstoneSerializer(change.statement).data)


class ChangeFeedPageSerializer(serializers.Serializer[Any]):
    results = ChangeSerializer(many=True, help_text="The entries, oldest first.")
    next = serializers.URLField(help_text="Poll this for what comes after this page.")
    has_more = serializers.BooleanField(help_text="More entries are ready now.")


class ChangeFeedView(ConditionalGetMixin, APIView):
    """Every change to a statement, a law or an organisation that the public can see, in order.

    Statements: published, updated, corrected, withdrawn (a tombstone: remove it). Laws
    and organisations: updated (read it anew) and deleted (remove it). To mirror
    everything: ask for `since=head` first, then read the lists (the snapshot), then
    follow `next` from the head's answer, so that nothing changed during the snapshot is
    missed. Otherwise start without `since`; then always follow `next`. Entries appear
    a few seconds after the change, in the order they became visible, so that polling
    never skips one.
    """

    # Entries appear as the clock passes their settling time, with nothing saved then.
    remembers_etags = False

    @extend_schema(
        operation_id="changes_list",
        parameters=[
            OpenApiParameter(
                "since",
                str,
                description=(
                    "The `cursor` of the last entry read, or `head` for no entry but a "
                    "`next` that starts after everything recorded so far. A cursor the "
                    "feed never gave (malformed, or ahead of the clock) is a 400."
                ),
                pattern=f"^(head|{CURSOR_PATTERN.pattern[1:-1]})$",
                examples=[
                    OpenApiExample("after an entry", value="1355875200000000-42"),
                    OpenApiExample("after a snapshot", value=HEAD),
                ],
            ),
            OpenApiParameter(
                "resource",
                str,
                enum=list(Change.Resource.values),
                description="Only the changes of this kind of resource (all by default).",
                examples=[OpenApiExample("statements only", value="statement")],
            ),
            OpenApiParameter(
                "page_size",
                int,
                description=f"Entries per page, 1 to {MAX_PAGE_SIZE}.",
                examples=[OpenApiExample("a hundred", value=100)],
            ),
        ],
        responses=ChangeFeedPageSerializer,
    )
    def get(self, request: Request) -> Response:
        since = request.query_params.get("since", "")
        page_size = request.query_params.get("page_size", "100")
        resource = request.query_params.get("resource", "")
        errors: dict[str, list[str]] = {}
        unknown = sorted(set(request.query_params) - {"since", "page_size", "resource", "format"})
        for name in unknown:
            errors[name] = [
                f"This endpoint has no parameter {name!r}. It knows: format, page_size, "
                "resource, since."
            ]
        match = CURSOR_PATTERN.fullmatch(since) if since and since != HEAD else None
        if since and since != HEAD and match is None:
            errors["since"] = ["Give the cursor of an entry, as the feed gave it, or head."]
        limit = whole_number(page_size)
        if limit is None or not 1 <= limit <= MAX_PAGE_SIZE:
            errors["page_size"] = [f"Give a whole number from 1 to {MAX_PAGE_SIZE}."]
        if resource and resource not in Change.Resource.values:
            errors["resource"] = [f"Choose one of: {', '.join(Change.Resource.values)}."]
        now = timezone.now()
        settled = now - timedelta(seconds=settings.API_CHANGES_SETTLE_SECONDS)
        if match and int(match[1]) > microseconds_since_epoch(now):
            errors["since"] = ["This cursor is ahead of the feed: give one the feed gave."]
        if errors or limit is None:
            raise ValidationError(errors)
        if since == HEAD:
            # Everything recorded up to the settling time is behind this point; what is
            # recorded later, or settles later, comes after it.
            since = f"{microseconds_since_epoch(settled)}-0"
            match = CURSOR_PATTERN.fullmatch(since)
            limit = 0
        entries = self.public_entries(settled).select_related("statement")
        if resource:
            entries = entries.filter(resource=resource)
        if match:
            after = EPOCH + timedelta(microseconds=int(match[1]))
            entries = entries.filter(
                Q(visible_from__gt=after) | Q(visible_from=after, pk__gt=int(match[2]))
            )
        rows = list(entries.order_by("visible_from", "pk")[: limit + 1])
        page = rows[:limit]
        last = feed_cursor(page[-1]) if page else since
        query = {
            name: value
            for name, value in (
                ("since", last),
                ("page_size", page_size if page_size != "100" else ""),
                ("resource", resource),
            )
            if value
        }
        next_url = reverse("api:changes") + (f"?{urlencode(query)}" if query else "")
        return Response(
            {
                "results": ChangeSerializer(page, many=True, context={"request": request}).data,
                "next": request.build_absolute_uri(next_url),
                "has_more": len(rows) > limit,
            }
        )

    @staticmethod
    def public_entries(settled: datetime) -> QuerySet[Change]:
        """Settled entries the public may read. A statement's entries are written only
        while it is public (Statement.record_change); laws are public records; an
        organisation's update is shown while the organisation is public, and its
        deletion was recorded only if it was."""
        organisation = Change.Resource.ORGANISATION
        return Change.objects.filter(visible_from__lte=settled).filter(
            ~Q(resource=organisation)
            | Q(kind=Change.Kind.DELETED)
            | Q(object_id__in=public_organisations().values("pk"))
        )
