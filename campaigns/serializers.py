"""A statement as the partner API gives it, with what it nests.

StatementSerializer is the complete statement: the API's detail, the stored answers'
encoded parts (documents.py), the webhooks' payload and the datasets read it. The API
builds its answers from those parts; this module knows neither of them.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import translation
from django_countries.serializer_fields import CountryField
from django_countries.serializers import CountryFieldMixin
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from legislation.api import LawSummarySerializer
from legislation.models import Law
from lib.api.fields import RECORD_HELP_TEXTS, ApiLinkField, PageLinkField, help_texts
from lib.api.translations import text_in, translations_schema
from lib.markdown import render_markdown
from organisations.api import OrganisationSummarySerializer

from .models import (
    Addressing,
    Correction,
    Demand,
    DemandOutcome,
    Moment,
    Publication,
    Signature,
    Statement,
    Target,
)

ADDRESSEE_NAME = "Who is addressed, as the statement names them (European Union leaders)."
ADDRESSEE_KIND = "What sort of body it is."
ADDRESSEE_COUNTRY = (
    "Its country (ISO 3166-1 alpha-2); empty for an intergovernmental body or a company."
)
ADDRESSEE_HELP_TEXTS = {
    **RECORD_HELP_TEXTS,
    **help_texts(name=ADDRESSEE_NAME, kind=ADDRESSEE_KIND, country=ADDRESSEE_COUNTRY),
}


class TargetSerializer(CountryFieldMixin, serializers.ModelSerializer[Target]):
    """Who a demand is made of."""

    class Meta:
        model = Target
        fields = ["id", "name", "slug", "kind", "country"]
        extra_kwargs = ADDRESSEE_HELP_TEXTS


class AddresseeSerializer(serializers.ModelSerializer[Addressing]):
    """An addressee of a statement, with its role there."""

    id = serializers.IntegerField(
        source="target.id", read_only=True, help_text="The addressee's id (/api/v1/addressees/)."
    )
    name = serializers.CharField(source="target.name", read_only=True, help_text=ADDRESSEE_NAME)
    slug = serializers.SlugField(
        source="target.slug", read_only=True, help_text=RECORD_HELP_TEXTS["slug"]["help_text"]
    )
    kind = serializers.ChoiceField(
        source="target.kind", choices=Target.Kind.choices, read_only=True, help_text=ADDRESSEE_KIND
    )
    country = CountryField(
        source="target.country", read_only=True, allow_blank=True, help_text=ADDRESSEE_COUNTRY
    )
    role = serializers.ChoiceField(
        choices=Addressing.Role.choices,
        read_only=True,
        help_text="`primary`: the statement is addressed to it; `also_addressed`: it is "
        "addressed too. The primary addressees come first.",
    )

    class Meta:
        model = Addressing
        fields = ["id", "name", "slug", "kind", "country", "role"]


class MomentSerializer(CountryFieldMixin, serializers.ModelSerializer[Moment]):
    """The event a statement is timed for."""

    class Meta:
        model = Moment
        fields = ["id", "name", "slug", "starts_on", "ends_on", "place", "country"]
        extra_kwargs = {
            **RECORD_HELP_TEXTS,
            **help_texts(
                name="The event (EU–Russia summit, a vote, an election).",
                starts_on="The day it starts.",
                ends_on="The day it ends; null for a one-day event or when not known.",
                place="Where it takes place (Brussels); empty when not known.",
                country="The country where it takes place (ISO 3166-1 alpha-2); empty when "
                "not known or online.",
            ),
        }


SIGNATURE_HELP_TEXTS = help_texts(
    role="`lead`: it issues the statement with the others; `co_signatory`: it signs it; "
    "`supporter`: it endorses it.",
    signatory_title="The title of the person who signs (Executive Director); empty when not given.",
)


class SignatorySerializer(serializers.ModelSerializer[Signature]):
    """An organisation that signed, confirmed by staff."""

    organisation = OrganisationSummarySerializer(
        read_only=True, help_text="The organisation that signed."
    )
    display_name = serializers.CharField(
        source="organisation.signatory_name",
        read_only=True,
        help_text="How the organisation is named in the list of signatories: for a joint "
        "programme, with the organisations that run it.",
    )

    class Meta:
        model = Signature
        fields = [
            "organisation",
            "display_name",
            "role",
            "signed_at",
            "signatory_name",
            "signatory_title",
            "order",
        ]
        extra_kwargs = {
            **SIGNATURE_HELP_TEXTS,
            **help_texts(
                signed_at="When staff confirmed the signature (UTC); null for one entered "
                "as already confirmed, with no time recorded.",
                signatory_name="The person who signs on the organisation's behalf; empty "
                "when the organisation signs as a whole.",
                order="Its place in the list of signatories, which is given in this order.",
            ),
        }


class ProvisionSummarySerializer(serializers.Serializer[Any]):
    """An article or section of a law, as a demand names it."""

    id = serializers.IntegerField(
        read_only=True, help_text="The provision's id, as in its law's `provisions`."
    )
    reference = serializers.CharField(
        read_only=True,
        help_text="The article or section, as the law numbers it (Article 275 of the "
        "Criminal Code).",
    )


OUTCOME_HELP_TEXTS = help_texts(
    outcome="What came of the demand: `open` while nothing has.",
    outcome_on="When it came to this; null while the demand is open or the date is not known.",
    evidence_url="A link to what shows it (a ruling, the law's repeal); empty when none "
    "is recorded.",
    evidence_reference="A court reference such as an ECLI, or a law's number, that shows "
    "it; empty when none is recorded.",
    note="The outcome in a few words, as the site shows it; may be empty.",
)


class DemandOutcomeSerializer(serializers.ModelSerializer[DemandOutcome]):
    class Meta:
        model = DemandOutcome
        fields = ["outcome", "outcome_on", "evidence_url", "evidence_reference", "note"]
        extra_kwargs = OUTCOME_HELP_TEXTS


class DemandSerializer(serializers.ModelSerializer[Demand]):
    url = ApiLinkField("demand-detail")
    addressee = TargetSerializer(
        read_only=True,
        allow_null=True,
        help_text="Who the demand is made of; null when the statement names no one.",
    )
    law = LawSummarySerializer(
        read_only=True, allow_null=True, help_text="The law it is about; null for none."
    )
    provision = ProvisionSummarySerializer(
        read_only=True,
        allow_null=True,
        help_text="The article of that law it is about; null when it is about the whole law.",
    )
    outcome_history = DemandOutcomeSerializer(
        many=True,
        read_only=True,
        help_text="Every outcome recorded, oldest first, each with its date and evidence "
        "(“met” with a court ruling, then “superseded” by a new law). `outcome`, "
        "`outcome_on` and the evidence above are those of its latest step by date; the "
        "list is empty while nothing has come of the demand.",
    )

    class Meta:
        model = Demand
        fields = [
            "id",
            "url",
            "order",
            "action",
            "text",
            "addressee",
            "law",
            "provision",
            "outcome",
            "outcome_on",
            "evidence_url",
            "evidence_reference",
            "outcome_history",
        ]
        extra_kwargs = {
            **RECORD_HELP_TEXTS,
            **OUTCOME_HELP_TEXTS,
            **help_texts(
                order="Its place among the statement's demands, which are given in this order.",
                action="What is demanded.",
                text="The demand in the statement's words, in the statement's language.",
            ),
        }


class CorrectionSerializer(serializers.ModelSerializer[Correction]):
    class Meta:
        model = Correction
        fields = ["corrected_at", "note"]
        extra_kwargs = help_texts(
            corrected_at="When the text was corrected (UTC).",
            note="What was wrong, and what is right, as the public is told.",
        )


class PublicationSerializer(serializers.ModelSerializer[Publication]):
    publisher = OrganisationSummarySerializer(
        read_only=True,
        allow_null=True,
        help_text="The organisation that published it; null when it is not in the registry "
        "(see `publisher_name`).",
    )
    display_name = serializers.CharField(
        read_only=True,
        help_text="Who published it, by the name it appeared under there (`published_as`), "
        "else the publisher's name.",
    )
    link_text = serializers.CharField(
        read_only=True,
        help_text="Words for a link to it: its `title` there, or the site's name "
        "(its host without www.) when no title is known.",
    )

    class Meta:
        model = Publication
        fields = [
            "publisher",
            "publisher_name",
            "published_as",
            "display_name",
            "url",
            "link_text",
            "published_on",
            "title",
        ]
        extra_kwargs = help_texts(
            publisher_name="The publisher's name when it is not in the registry; else empty.",
            published_as="The byline it appeared under there, when not the publisher's "
            "registered name (the Observatory (OMCT–FIDH)); else empty.",
            url="Its address there.",
            published_on="The day it was published there; null when not known.",
            title="Its title there, when it differs or is known; else empty.",
        )


STATEMENT_TRANSLATIONS_SCHEMA = translations_schema(
    {
        "title": "The title.",
        "standfirst": "The one-paragraph summary under the title.",
        "body_markdown": "The body as written, in Markdown.",
        "body_html": "The body rendered and sanitised.",
    },
    example={
        "en": {
            "title": "Repeal the law on foreign agents",
            "standfirst": "Eight organisations call on the State Duma to act.",
            "body_markdown": "The organisations **urge** the deputies to repeal it.",
            "body_html": (
                "<p>The organisations <strong>urge</strong> the deputies to repeal it.</p>"
            ),
        },
        "fr": {
            "title": "Abrogez la loi sur les agents de l’étranger",
            "standfirst": "Huit organisations appellent la Douma d’État à agir.",
            "body_markdown": "Les organisations **exhortent** les députés à l’abroger.",
            "body_html": (
                "<p>Les organisations <strong>exhortent</strong> les députés à l’abroger.</p>"
            ),
        },
    },
    description=(
        "The statement in every language it is written in (those in `languages`), keyed "
        "by language code. A language appears only once its title and body are written."
    ),
)


class StatementSerializer(serializers.ModelSerializer[Statement]):
    """A statement as it reads in its own `language`, with every language in `translations`.

    The top-level texts (and the names of what it nests) are in the statement's own
    language whatever the request's Accept-Language: a statement's answer is the same for
    every reader and every cache, and a webhook carries what the API shows.
    """

    url = ApiLinkField("statement-detail")
    web_url = PageLinkField()
    body_markdown = serializers.CharField(
        source="body",
        read_only=True,
        help_text="The body as written, in Markdown (no HTML); may be empty.",
    )
    body_html = serializers.SerializerMethodField(
        help_text="The body rendered as HTML and sanitised (paragraphs, headings, lists, "
        "tables, links, emphasis; no scripts, images or styles): safe to show as it is."
    )
    issued_on = serializers.DateField(
        read_only=True,
        help_text=(
            "The date it was issued: what the site shows and orders by, and the year of its "
            "address. An older statement added to the archive was issued long before "
            "`publish_at`, the time it became public here."
        ),
    )
    embargoed = serializers.BooleanField(
        source="is_scheduled",
        read_only=True,
        help_text="True when the statement is not public yet (keys with the embargo scope).",
    )
    embargo_until = serializers.SerializerMethodField(
        help_text="While `embargoed`: the time (UTC) before which it must not be published "
        "or quoted, when it becomes public. Null for a public statement."
    )
    campaign = serializers.IntegerField(
        source="campaign_id",
        read_only=True,
        allow_null=True,
        help_text="The id of the campaign it belongs to; null for none.",
    )
    campaign_url = ApiLinkField(
        "campaign-detail",
        id_attribute="campaign_id",
        allow_null=True,
        help_text="The address of the campaign it belongs to; null for none.",
    )
    lead_organisation = OrganisationSummarySerializer(
        read_only=True,
        allow_null=True,
        help_text="The organisation that issues it on behalf of the signatories; null when "
        "the signatories issue it together.",
    )
    signatories = SignatorySerializer(
        source="confirmed_signatures",
        many=True,
        read_only=True,
        help_text="The organisations whose signatures staff confirmed, in the order the "
        "statement lists them.",
    )
    declared_signatory_count = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="How many organisations signed in all, listed or not, when only some are "
        "listed (“EPDE and 66 organisations”: 67); null when every signatory is listed.",
    )
    unlisted_signatory_count = serializers.IntegerField(
        read_only=True,
        help_text="How many signed beyond the `signatories` listed: the N of “and N "
        "others”. 0 when every signatory is listed.",
    )
    signatory_count = serializers.SerializerMethodField(
        help_text="How many organisations signed in all: the confirmed `signatories` listed "
        "and the `unlisted_signatory_count` beyond them."
    )
    addressees = AddresseeSerializer(
        source="listed_addressees",
        many=True,
        read_only=True,
        help_text="Who the statement is addressed to: the primary addressees first.",
    )
    moment = MomentSerializer(
        read_only=True,
        allow_null=True,
        help_text="The event it is timed for (a summit, a vote); null for none.",
    )
    leverage = serializers.ListField(
        source="leverage_names",
        child=serializers.CharField(),
        read_only=True,
        help_text="What it names as at stake for those addressed (OECD membership), by "
        "name, alphabetically; empty when it names nothing.",
    )
    demands = DemandSerializer(
        many=True, read_only=True, help_text="What it demands, of whom, in its order."
    )
    laws = serializers.SerializerMethodField(
        help_text="The laws its demands are about, each once, in the demands' order."
    )
    corrections = CorrectionSerializer(
        many=True, read_only=True, help_text="The public corrections of its text, oldest first."
    )
    publications = PublicationSerializer(
        many=True,
        read_only=True,
        help_text="Where else the same statement was published: on a signatory's site, in "
        "the press.",
    )
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        read_only=True,
        help_text="The language it was written in: the top-level texts are in this language.",
    )
    languages = serializers.SerializerMethodField(
        help_text="Every language it can be read in, in the site's order of languages."
    )
    translations = serializers.SerializerMethodField()

    class Meta:
        model = Statement
        extra_kwargs = {
            **RECORD_HELP_TEXTS,
            **help_texts(
                kind="What sort of text it is.",
                title="The title, in the statement's `language`.",
                slug="A readable name for it, unique among statements; its public address "
                "is /statements/<year of issued_on>/<slug>/. It may change; old addresses "
                "redirect.",
                standfirst="The one-paragraph summary under the title, in plain text; may "
                "be empty.",
                publish_at="When it became public here (UTC). For an embargoed statement: "
                "when it will.",
                signatures_open="True while partners with the sign scope may ask to sign it "
                "(POST /api/v1/sign-on-requests/).",
                version="Goes up by one with each public correction of its text (see "
                "`corrections`); 1 until the first.",
                leverage_note="What it says is at stake, in words, where `leverage` does "
                "not say it all; may be empty.",
            ),
        }
        fields = [
            "id",
            "url",
            "web_url",
            "kind",
            "title",
            "slug",
            "language",
            "languages",
            "standfirst",
            "body_markdown",
            "body_html",
            "translations",
            "issued_on",
            "publish_at",
            "embargoed",
            "embargo_until",
            "signatures_open",
            "version",
            "campaign",
            "campaign_url",
            "lead_organisation",
            "signatories",
            "declared_signatory_count",
            "unlisted_signatory_count",
            "signatory_count",
            "addressees",
            "moment",
            "leverage",
            "leverage_note",
            "demands",
            "laws",
            "corrections",
            "publications",
            "created_at",
            "updated_at",
        ]

    def to_representation(self, instance: Statement) -> dict[str, Any]:
        with translation.override(instance.language):
            return super().to_representation(instance)

    def get_body_html(self, statement: Statement) -> str:
        return render_markdown(statement.body)

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=settings.LANGUAGES))
    )
    def get_languages(self, statement: Statement) -> list[str]:
        return statement.available_languages()

    @extend_schema_field(STATEMENT_TRANSLATIONS_SCHEMA)
    def get_translations(self, statement: Statement) -> dict[str, dict[str, str]]:
        translations = {}
        for language in statement.available_languages():
            texts = text_in(statement, Statement.TEXT_FIELDS, language)
            translations[language] = {
                "title": texts["title"],
                "standfirst": texts["standfirst"],
                "body_markdown": texts["body"],
                "body_html": render_markdown(texts["body"]),
            }
        return translations

    def get_signatory_count(self, statement: Statement) -> int:
        # From the confirmed signatures the view prefetched: no query here.
        listed = statement.confirmed_signatures  # type: ignore[attr-defined]
        return len(listed) + statement.unlisted_signatory_count

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_embargo_until(self, statement: Statement) -> datetime | None:
        return statement.publish_at if statement.is_scheduled else None

    @extend_schema_field(LawSummarySerializer(many=True))
    def get_laws(self, statement: Statement) -> Any:
        # Read from the demands the view prefetched with their laws: no query here.
        laws: dict[int, Law] = {}
        for demand in statement.demands.all():
            if demand.law is not None:
                laws.setdefault(demand.law.pk, demand.law)
        # One serializer for every statement of the answer, not one built per statement.
        laws_serializer: LawSummarySerializer | None = getattr(self, "_laws_serializer", None)
        if laws_serializer is None:
            laws_serializer = LawSummarySerializer(context=self.context)
            self._laws_serializer = laws_serializer
        return [laws_serializer.to_representation(law) for law in laws.values()]
