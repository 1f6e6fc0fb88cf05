"""The partner API's organisations."""

from django.db.models import Prefetch, QuerySet
from django_countries.serializers import CountryFieldMixin
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from campaigns.api_search import FullTextFilter, organisations_found
from campaigns.models import Coalition
from campaigns.public import public_organisations
from lib.api.conditional import ConditionalGetMixin
from lib.api.fields import RECORD_HELP_TEXTS, ApiLinkField, help_texts
from lib.api.filters import UPDATED_SINCE, UtcDateTimeFilter
from lib.api.references import CountryCodeFilter, IdOrSlugFilter
from lib.api.translations import translations_schema, written_translations

from .models import Organisation, OrganisationIdentifier, OrganisationParent, PressContact

# --- organisations ---------------------------------------------------------------------


SHORT_NAME = "The acronym or short form used in running text (FIDH); empty when it has none."


class OrganisationSummarySerializer(serializers.ModelSerializer[Organisation]):
    """An organisation as another resource names it."""

    url = ApiLinkField("organisation-detail")

    class Meta:
        model = Organisation
        fields = ["id", "url", "name", "short_name", "slug"]
        extra_kwargs = {
            **RECORD_HELP_TEXTS,
            **help_texts(short_name=SHORT_NAME),
        }


class PressContactSerializer(serializers.ModelSerializer[PressContact]):
    class Meta:
        model = PressContact
        fields = ["name", "role", "email", "phone", "languages"]
        extra_kwargs = help_texts(
            name="The person's name.",
            role="Their job, as they give it (Press officer, Europe); empty when not given.",
            email="Their e-mail address for the press; empty when they have none listed.",
            phone="In international form (+44 20 7033 1500); empty when not given.",
            languages="The languages they speak to the press in, as written; empty when not given.",
        )


class IdentifierSerializer(serializers.ModelSerializer[OrganisationIdentifier]):
    """A number or code that names the organisation in a register or a dataset."""

    scheme = serializers.ChoiceField(
        choices=OrganisationIdentifier.Scheme.choices,
        read_only=True,
        help_text="The register or dataset; `other` names its register in `scheme_name`.",
    )
    scheme_name = serializers.CharField(
        read_only=True,
        help_text="The register's or dataset's name, in words (the register's own for `other`).",
    )
    url = serializers.SerializerMethodField(
        help_text="The identifier's own page, where its scheme has one (Wikidata)."
    )

    class Meta:
        model = OrganisationIdentifier
        fields = ["scheme", "scheme_name", "value", "url"]
        extra_kwargs = help_texts(
            value="The organisation's identifier there, as the register writes it: Q42970 "
            "(Wikidata), GB-CHC-1051681 (IATI), 1051681 (charity number)."
        )

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, identifier: OrganisationIdentifier) -> str | None:
        return identifier.url or None


class RunBySerializer(serializers.ModelSerializer[OrganisationParent]):
    """One of the organisations that run a joint programme."""

    id = serializers.IntegerField(
        source="parent_id", read_only=True, help_text="The running organisation's id."
    )
    url = ApiLinkField(
        "organisation-detail",
        id_attribute="parent_id",
        help_text="The running organisation's address in this API.",
    )
    name = serializers.CharField(
        source="parent.name", read_only=True, help_text="The running organisation's full name."
    )
    short_name = serializers.CharField(
        source="parent.short_name", read_only=True, help_text=SHORT_NAME
    )

    class Meta:
        model = OrganisationParent
        fields = ["id", "url", "name", "short_name"]


# The texts organisations/translation.py writes per language.
ORGANISATION_TEXTS = {"name": "The full name.", "description": "What the organisation does."}
ORGANISATION_TRANSLATIONS_SCHEMA = translations_schema(
    ORGANISATION_TEXTS,
    example={
        "en": {"name": "Memorial Human Rights Centre", "description": "Documents abuses."},
        "fr": {"name": "Centre des droits humains Memorial", "description": ""},
    },
)


class OrganisationSerializer(CountryFieldMixin, serializers.ModelSerializer[Organisation]):
    url = ApiLinkField("organisation-detail")
    display_name = serializers.CharField(
        source="signatory_name",
        read_only=True,
        help_text="How the organisation is named in a list of signatories.",
    )
    other_names = serializers.ListField(
        source="alias_list",
        child=serializers.CharField(),
        read_only=True,
        help_text="Other names it is known by: former names, full forms, translations. "
        "`q` finds it by them. Empty when it has none.",
    )
    run_by = RunBySerializer(
        source="parent_links",
        many=True,
        read_only=True,
        help_text="For a joint programme: the public organisations that run it, in their "
        "order. Empty for any other organisation.",
    )
    identifiers = IdentifierSerializer(
        many=True,
        read_only=True,
        help_text="Its numbers or codes in registers and datasets (Wikidata, IATI, charity "
        "registers), to match it with other data. Empty when none is known.",
    )
    press_contacts = PressContactSerializer(
        many=True,
        read_only=True,
        source="active_contacts",
        help_text="The people journalists may contact, in the order the organisation gives. "
        "Empty when it lists none.",
    )
    translations = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "id",
            "url",
            "name",
            "short_name",
            "display_name",
            "slug",
            "kind",
            "country",
            "website",
            "description",
            "translations",
            "other_names",
            "identifiers",
            "run_by",
            "press_contacts",
            "is_active",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            **RECORD_HELP_TEXTS,
            **help_texts(
                name="The full name, as the organisation writes it.",
                short_name=SHORT_NAME,
                kind="What sort of organisation it is.",
                country="Where it has its headquarters (ISO 3166-1 alpha-2); empty when not known.",
                website="Its own website; empty when not known.",
                description="What it does, in a few sentences of plain text; may be empty.",
                is_active="False once it has closed or merged: it stays on the statements "
                "it signed.",
            ),
        }

    @extend_schema_field(
        ORGANISATION_TRANSLATIONS_SCHEMA, component_name="OrganisationTranslations"
    )
    def get_translations(self, organisation: Organisation) -> dict[str, dict[str, str]]:
        return written_translations(organisation, list(ORGANISATION_TEXTS))


class OrganisationFilter(filters.FilterSet):
    q = FullTextFilter(
        organisations_found,
        example="Memorial",
        help_text="Organisations whose names (and other names) or description have these words.",
    )
    kind = filters.ChoiceFilter(
        choices=Organisation.Kind.choices, help_text="What sort of organisation it is."
    )
    country = CountryCodeFilter(help_text="The country of its headquarters.")
    coalition = IdOrSlugFilter(
        queryset=Coalition.objects.all(),
        method="filter_coalition",
        noun="coalition",
        example="ngos-for-civil-society-in-russia",
        help_text="Current members of this coalition.",
    )
    updated_since = UtcDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text=UPDATED_SINCE
    )

    class Meta:
        model = Organisation
        fields = ["q", "kind", "country", "coalition", "updated_since"]

    def filter_coalition(
        self, queryset: QuerySet[Organisation], name: str, value: Coalition
    ) -> QuerySet[Organisation]:
        # One filter() call: both conditions on the same membership. An organisation is a
        # current member of a coalition only once (a named constraint), so no duplicates.
        return queryset.filter(memberships__coalition=value, memberships__left_on__isnull=True)


class OrganisationViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet[Organisation]):
    """The registry of organisations: signatories, publishers, coalition members."""

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    cursor_orderings = {
        "name": ("name", "id"),
        "id": ("id",),
        "updated_at": ("updated_at", "id"),
    }

    def get_queryset(self) -> QuerySet[Organisation]:
        return self.organisation_queryset()

    @staticmethod
    def organisation_queryset() -> QuerySet[Organisation]:
        """The public organisations with what the API shows of them, loaded in a fixed
        number of queries; the public dataset's file of organisations reads the same."""
        # As on the site: an organisation is public once something public names it, so a
        # signature on a draft does not make it known.
        return public_organisations().prefetch_related(
            "identifiers",
            # A parent is named only if public itself: a programme may be public through
            # a coalition or a statement it issued while the organisations running it
            # have nothing public. The display name reads the same links.
            Prefetch(
                "parent_links",
                queryset=OrganisationParent.objects.filter(parent__in=public_organisations())
                .select_related("parent")
                .order_by("order", "pk"),
            ),
            Prefetch(
                "press_contacts",
                queryset=PressContact.objects.filter(is_active=True).order_by("order", "pk"),
                to_attr="active_contacts",
            ),
        )
