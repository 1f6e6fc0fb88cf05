"""The partner API's law tracker: rights, and laws with their provisions, penalties and timeline."""

from django.db.models import Prefetch, Q, QuerySet
from django_countries.serializers import CountryFieldMixin
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers, viewsets

from campaigns.api_search import FullTextFilter, laws_found
from campaigns.models import Campaign
from lib.api.conditional import ConditionalGetMixin
from lib.api.fields import RECORD_HELP_TEXTS, ApiLinkField, PageLinkField, help_texts
from lib.api.filters import UPDATED_SINCE, UtcDateTimeFilter
from lib.api.references import CountryCodeFilter, IdOrSlugFilter
from lib.api.translations import translations_schema, written_translations

from .models import Law, LawEvent, LawSource, Penalty, Provision, Right, Standard

# The texts legislation/translation.py writes per language.
RIGHT_TEXTS = {"name": "The name.", "description": "What the right protects."}
RIGHT_TRANSLATIONS_SCHEMA = translations_schema(
    RIGHT_TEXTS,
    example={
        "en": {"name": "Freedom of association", "description": "To form and join groups."},
        "fr": {"name": "Liberté d’association", "description": ""},
    },
)
LAW_TEXTS = {
    "official_title": "The title as enacted.",
    "common_title": "The name it is known by.",
    "summary": "What it does.",
}
LAW_TRANSLATIONS_SCHEMA = translations_schema(
    LAW_TEXTS,
    example={
        "en": {
            "official_title": "Federal Law No. 121-FZ of 20 July 2012",
            "common_title": "The foreign agents law",
            "summary": "Brands NGOs that receive foreign funding as foreign agents.",
        },
        "fr": {
            "official_title": "Loi fédérale n° 121-FZ du 20 juillet 2012",
            "common_title": "La loi sur les agents de l’étranger",
            "summary": "",
        },
    },
)


RIGHT_HELP_TEXTS = {
    **RECORD_HELP_TEXTS,
    **help_texts(name="The right's name, in the request's language (Freedom of association)."),
}
LAW_TITLE = "The name it is known by (its `common_title`), else its official title."
LAW_COUNTRY = "The country whose law it is (ISO 3166-1 alpha-2)."
LAW_IDENTIFIER = (
    "Its official number (121-FZ); empty while it has none, as a bill (the law's own "
    "address gives its `bill_number`)."
)
LAW_STATUS = (
    "Its legal force now, as its timeline (`events`) last changed it: `bill` until it is adopted."
)


class RightSerializer(serializers.ModelSerializer[Right]):
    url = ApiLinkField("right-detail")
    translations = serializers.SerializerMethodField()

    class Meta:
        model = Right
        fields = ["id", "url", "name", "slug", "description", "translations"]
        extra_kwargs = {
            **RIGHT_HELP_TEXTS,
            "description": {
                "help_text": "What the right protects, in plain text; may be empty.",
            },
        }

    @extend_schema_field(RIGHT_TRANSLATIONS_SCHEMA)
    def get_translations(self, right: Right) -> dict[str, dict[str, str]]:
        return written_translations(right, list(RIGHT_TEXTS))


class RightSummarySerializer(serializers.ModelSerializer[Right]):
    url = ApiLinkField("right-detail")

    class Meta:
        model = Right
        fields = ["id", "url", "name", "slug"]
        extra_kwargs = RIGHT_HELP_TEXTS


class StandardSerializer(CountryFieldMixin, serializers.ModelSerializer[Standard]):
    class Meta:
        model = Standard
        fields = ["id", "name", "slug", "kind", "country", "url"]
        extra_kwargs = {
            **RECORD_HELP_TEXTS,
            **help_texts(
                name="The standard as it is cited (ICCPR, article 19).",
                kind="What sort of standard it is.",
                country="For a national constitution: its country (ISO 3166-1 alpha-2); "
                "empty for an international standard.",
                url="A link to its text; empty when none is known.",
            ),
        }


class PenaltySerializer(serializers.ModelSerializer[Penalty]):
    normalised = serializers.BooleanField(
        source="is_normalised",
        read_only=True,
        help_text="Whether an amount or a prison term was read off the figure as reported.",
    )

    class Meta:
        model = Penalty
        fields = [
            "id",
            "kind",
            "offence",
            "as_reported",
            "normalised",
            "amount_min",
            "amount_max",
            "unit",
            "prison_min_months",
            "prison_max_months",
            "source_url",
            "note",
        ]
        extra_kwargs = {
            **RECORD_HELP_TEXTS,
            **help_texts(
                kind="What sort of sanction it is.",
                amount_min="The smallest amount (of a fine), in `unit`, as a decimal string; "
                "null when the source gives none or gives it ambiguously (see `note`).",
                amount_max="The largest amount (of a fine), in `unit`, as a decimal string; "
                "null when the source gives none or gives it ambiguously (see `note`).",
                prison_min_months="The shortest prison term, in months; null when there is "
                "none or it is not known for certain.",
                prison_max_months="The longest prison term, in months; null when there is "
                "none or it is not known for certain.",
                source_url="Where the figure was read; empty when not recorded.",
            ),
        }


class ProvisionSerializer(serializers.ModelSerializer[Provision]):
    rights = RightSummarySerializer(
        many=True, read_only=True, help_text="The rights this provision restricts."
    )
    penalties = PenaltySerializer(
        many=True, read_only=True, help_text="The sanctions it carries; empty when none."
    )

    class Meta:
        model = Provision
        fields = ["id", "reference", "summary", "order", "rights", "penalties"]
        extra_kwargs = {
            **RECORD_HELP_TEXTS,
            **help_texts(
                reference="The article or section, as the law numbers it (Article 275 of "
                "the Criminal Code).",
                summary="What it provides, in plain text; may be empty.",
                order="Its place among the law's provisions, which are given in this order.",
            ),
        }


class LawEventSerializer(serializers.ModelSerializer[LawEvent]):
    class Meta:
        model = LawEvent
        fields = [
            "id",
            "kind",
            "date",
            "actor",
            "votes_for",
            "votes_against",
            "votes_abstaining",
            "court",
            "case_number",
            "ecli",
            "note",
            "source_url",
        ]
        extra_kwargs = {
            **RECORD_HELP_TEXTS,
            **help_texts(
                kind="What happened to the law. The last event by date sets its `status`.",
                date="The day it happened.",
                actor="Who acted (the State Duma, the President); empty for a court ruling "
                "(see `court`) or when not recorded.",
                votes_for="For a vote: the votes for; null when there was no vote or the "
                "count is not known.",
                votes_against="For a vote: the votes against; null when there was no vote "
                "or the count is not known.",
                votes_abstaining="For a vote: the abstentions; null when there was no vote "
                "or the count is not known.",
                court="For a ruling: the court (the Constitutional Court of the Russian "
                "Federation); empty otherwise.",
                case_number="For a ruling: the case or application number (9988/13); empty "
                "otherwise.",
                ecli="For a ruling: its European Case Law Identifier; empty where it has none.",
                note="What happened, in a sentence of plain text; may be empty.",
                source_url="Where it is reported; empty when not recorded.",
            ),
        }


class LawSourceSerializer(serializers.ModelSerializer[LawSource]):
    class Meta:
        model = LawSource
        fields = ["title", "url", "accessed_on"]
        extra_kwargs = help_texts(
            title="The source's title: an official register, a report, an article.",
            url="Its address; empty for a source that is not online.",
            accessed_on="When it was last read; null when not recorded.",
        )


class LawSummarySerializer(CountryFieldMixin, serializers.ModelSerializer[Law]):
    """A law as another resource names it."""

    url = ApiLinkField("law-detail")
    title = serializers.CharField(read_only=True, help_text=LAW_TITLE)

    class Meta:
        model = Law
        fields = ["id", "url", "title", "country", "identifier", "status"]
        extra_kwargs = {
            **RECORD_HELP_TEXTS,
            **help_texts(country=LAW_COUNTRY, identifier=LAW_IDENTIFIER, status=LAW_STATUS),
        }


class RelatedLawSerializer(LawSummarySerializer):
    """Another law a law names, with its address in the API and its public page."""

    web_url = PageLinkField()

    class Meta(LawSummarySerializer.Meta):
        fields = ["id", "url", "web_url", "title", "country", "identifier"]


class RelatedLawsSerializer(serializers.Serializer[Law]):
    """The laws a law is linked to, each way. Laws are public records, all of them."""

    replaced_by = RelatedLawSerializer(
        read_only=True,
        allow_null=True,
        help_text="The law that replaced this one; null while none has.",
    )
    replaces = RelatedLawSerializer(
        many=True, read_only=True, help_text="The laws this one replaced."
    )
    modelled_on = RelatedLawSerializer(
        many=True, read_only=True, help_text="Laws elsewhere that this one copies."
    )
    model_for = RelatedLawSerializer(
        source="models_for", many=True, read_only=True, help_text="Laws modelled on this one."
    )
    implements = RelatedLawSerializer(
        many=True,
        read_only=True,
        help_text="For a decree or regulation: the laws it puts into effect.",
    )
    implemented_by = RelatedLawSerializer(
        many=True, read_only=True, help_text="The decrees and regulations that put it into effect."
    )


# The bare ids came first; `related_laws` names the same laws with their addresses.
@extend_schema_serializer(deprecate_fields=["replaced_by", "modelled_on"])
class LawSerializer(CountryFieldMixin, serializers.ModelSerializer[Law]):
    url = ApiLinkField("law-detail")
    web_url = PageLinkField()
    rights = RightSummarySerializer(many=True, read_only=True, help_text="The rights it restricts.")
    conflicts_with = StandardSerializer(
        many=True,
        read_only=True,
        help_text="The international or constitutional standards it breaches.",
    )
    replaced_by: serializers.PrimaryKeyRelatedField[Law] = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="Deprecated: `related_laws.replaced_by`. The id of the law that replaced "
        "it; null while none has.",
    )
    replaced_by_url = ApiLinkField(
        "law-detail",
        id_attribute="replaced_by_id",
        allow_null=True,
        help_text="The address of the law that replaced it; null while none has.",
    )
    modelled_on: serializers.ManyRelatedField = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        many=True,
        read_only=True,
        help_text="Deprecated: `related_laws.modelled_on`. The ids of the laws it copies.",
    )
    related_laws = RelatedLawsSerializer(
        source="*",
        read_only=True,
        help_text="The laws it is linked to, each way, with their addresses.",
    )
    provisions = ProvisionSerializer(
        many=True,
        read_only=True,
        help_text="Its articles or sections that matter here, in order, with their penalties.",
    )
    events = LawEventSerializer(
        many=True, read_only=True, help_text="Its timeline, oldest first: what happened when."
    )
    sources = LawSourceSerializer(
        many=True, read_only=True, help_text="Where what is said of it was read."
    )
    translations = serializers.SerializerMethodField()

    class Meta:
        model = Law
        fields = [
            "id",
            "url",
            "web_url",
            "country",
            "official_title",
            "common_title",
            "slug",
            "identifier",
            "bill_number",
            "eli",
            "kind",
            "status",
            "status_since",
            "summary",
            "translations",
            "rights",
            "conflicts_with",
            "replaced_by",
            "replaced_by_url",
            "modelled_on",
            "related_laws",
            "provisions",
            "events",
            "sources",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            **RECORD_HELP_TEXTS,
            **help_texts(
                slug="A readable name for it, unique within its country: `ru/<slug>` names "
                "it in the filters. It may change when the name does; the id never does.",
                country=LAW_COUNTRY,
                official_title="The title as enacted, in the request's language where translated.",
                common_title="The name the press uses (the 'foreign agents' law); empty "
                "when it has none.",
                identifier=LAW_IDENTIFIER,
                bill_number="The number the bill was registered under (102766-6), kept "
                "once it is adopted; empty when not known.",
                eli="A European Legislation Identifier or the official register's permanent "
                "link; empty when not known.",
                kind="What sort of text it is.",
                status=LAW_STATUS,
                status_since="The date of the event that gave it its `status`; null for a "
                "bill with no event yet.",
                summary="What it does, in plain text; may be empty.",
            ),
        }

    @extend_schema_field(LAW_TRANSLATIONS_SCHEMA)
    def get_translations(self, law: Law) -> dict[str, dict[str, str]]:
        return written_translations(law, list(LAW_TEXTS))


class RightViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet[Right]):
    """Human rights that laws restrict."""

    serializer_class = RightSerializer
    queryset = Right.objects.all()
    cursor_orderings = {"order": ("order", "id"), "id": ("id",)}


def law_by_slug(text: str) -> Q:
    """A law named as `ru/foreign-agents-law` (its slug is unique in its country), or by
    its slug alone where no other country's law has it."""
    country, _, slug = text.rpartition("/")
    if country:
        return Q(country=country.upper(), slug=slug)
    return Q(slug=slug)


class LawFilter(filters.FilterSet):
    q = FullTextFilter(
        laws_found,
        example="foreign agents",
        help_text="Laws whose titles, identifier or summary have these words.",
    )
    country = CountryCodeFilter(help_text="The country whose law it is.")
    status = filters.ChoiceFilter(choices=Law.Status.choices, help_text="Its legal force now.")
    kind = filters.ChoiceFilter(choices=Law.Kind.choices, help_text="What sort of text it is.")
    right = IdOrSlugFilter(
        field_name="rights",
        queryset=Right.objects.all(),
        noun="right",
        example="association",
        help_text="Restricts this right.",
    )
    campaign = IdOrSlugFilter(
        field_name="campaigns",
        queryset=Campaign.objects.all(),
        noun="campaign",
        example="russia-civil-society",
        help_text="Tracked by this campaign.",
    )
    updated_since = UtcDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text=UPDATED_SINCE
    )

    class Meta:
        model = Law
        fields = ["q", "country", "status", "kind", "right", "campaign", "updated_since"]


class LawViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet[Law]):
    """Laws the coalitions track, with their provisions, penalties and timeline."""

    serializer_class = LawSerializer
    filterset_class = LawFilter
    cursor_orderings = {"id": ("id",), "updated_at": ("updated_at", "id")}

    def get_queryset(self) -> QuerySet[Law]:
        return self.law_queryset()

    @staticmethod
    def law_queryset() -> QuerySet[Law]:
        """Every law with what the API shows of it, loaded in a fixed number of queries;
        the public dataset's file of laws reads the same."""
        return Law.objects.select_related("replaced_by").prefetch_related(
            "rights",
            "conflicts_with",
            "replaces",
            "modelled_on",
            "models_for",
            "implements",
            "implemented_by",
            "events",
            "sources",
            Prefetch(
                "provisions",
                queryset=Provision.objects.prefetch_related("rights", "penalties"),
            ),
        )
