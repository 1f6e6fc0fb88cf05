"""A statement in the field layout of a ReliefWeb report, for partners who publish there.

ReliefWeb's reports carry a title, the body as HTML, the sources (the organisations
behind it), the original date, the language, the primary country and the others, the
format and the address it came from. A partner posts this document to ReliefWeb as it is,
having added what only it knows (its own source id there, the themes).
"""

from datetime import date, datetime
from typing import Any

from django.utils.html import escape
from django_countries import countries
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lib.api.fields import absolute
from lib.markdown import render_markdown

from .models import Statement

# ReliefWeb's formats for what Chorus publishes.
FORMATS = {
    Statement.Kind.JOINT_STATEMENT: "News and Press Release",
    Statement.Kind.PRESS_RELEASE: "News and Press Release",
    Statement.Kind.OPEN_LETTER: "Other",
    Statement.Kind.BRIEFING: "Analysis",
}
LANGUAGE_NAMES = {"en": "English", "fr": "French", "ru": "Russian"}


class ReliefWebSourceSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(help_text="The organisation's full name.")
    shortname = serializers.CharField(
        allow_blank=True, help_text="Its acronym (FIDH); empty when it has none."
    )
    homepage = serializers.URLField(
        allow_blank=True, help_text="Its website; empty when not known."
    )


class ReliefWebCountrySerializer(serializers.Serializer[Any]):
    iso3 = serializers.CharField(help_text="ISO 3166-1 alpha-3, as ReliefWeb names countries.")
    name = serializers.CharField(help_text="The country's English name.")


class ReliefWebReportSerializer(serializers.Serializer[Statement]):
    """Read-only: built from a statement the view has loaded with its signatures and demands."""

    title = serializers.CharField(read_only=True, help_text="In the statement's own language.")
    body_html = serializers.SerializerMethodField(help_text="ReliefWeb's `body-html`.")
    # ReliefWeb's name. The metaclass takes declared fields off the class, so this does
    # not replace Field.source; only the type checker sees the two.
    source = serializers.SerializerMethodField(  # type: ignore[assignment]
        help_text="The issuer first, then each confirmed signatory, once each."
    )
    date_original = serializers.SerializerMethodField(
        help_text="ReliefWeb's `date.original`: the day the statement was issued."
    )
    language = serializers.SerializerMethodField()
    primary_country = serializers.SerializerMethodField(
        help_text="The first of `country`; null when the statement is about no country."
    )
    country = serializers.SerializerMethodField(
        help_text="Every country the statement is about: its campaign's, its laws'."
    )
    format = serializers.SerializerMethodField(
        help_text="ReliefWeb's format for this kind of statement: `name` is News and Press "
        "Release, Analysis or Other."
    )
    origin = serializers.SerializerMethodField(help_text="The statement's page on this site.")
    embargo = serializers.SerializerMethodField(
        help_text="Until when it may not be published: only for a key with the embargo scope "
        "reading a statement before its publish time; null otherwise."
    )

    def get_body_html(self, statement: Statement) -> str:
        standfirst = f"<p><strong>{escape(statement.standfirst)}</strong></p>\n"
        return (standfirst if statement.standfirst else "") + render_markdown(statement.body)

    @extend_schema_field(ReliefWebSourceSerializer(many=True))
    def get_source(self, statement: Statement) -> list[dict[str, str]]:
        organisations = [statement.lead_organisation] if statement.lead_organisation else []
        organisations += [
            signature.organisation
            for signature in statement.confirmed_signatures  # type: ignore[attr-defined]
        ]
        seen: dict[int, dict[str, str]] = {}
        for organisation in organisations:
            seen.setdefault(
                organisation.pk,
                {
                    "name": organisation.name,
                    "shortname": organisation.short_name,
                    "homepage": organisation.website,
                },
            )
        return list(seen.values())

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_date_original(self, statement: Statement) -> date | None:
        # The day it was issued, which for an archived statement is long before it came here.
        return statement.issued_on

    @extend_schema_field(
        serializers.DictField(
            child=serializers.CharField(),
            help_text="The statement's language: `code` (ISO 639-1) and `name` in English.",
        )
    )
    def get_language(self, statement: Statement) -> dict[str, str]:
        return {"code": statement.language, "name": LANGUAGE_NAMES[statement.language]}

    @extend_schema_field(ReliefWebCountrySerializer(allow_null=True))
    def get_primary_country(self, statement: Statement) -> dict[str, str] | None:
        found = self.get_country(statement)
        return found[0] if found else None

    @extend_schema_field(ReliefWebCountrySerializer(many=True))
    def get_country(self, statement: Statement) -> list[dict[str, str]]:
        codes: list[str] = []
        if statement.campaign and statement.campaign.country:
            codes.append(str(statement.campaign.country))
        for demand in statement.demands.all():
            if demand.law is not None and str(demand.law.country) not in codes:
                codes.append(str(demand.law.country))
        return [{"iso3": countries.alpha3(code), "name": countries.name(code)} for code in codes]

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_format(self, statement: Statement) -> dict[str, str]:
        return {"name": FORMATS[Statement.Kind(statement.kind)]}

    def get_origin(self, statement: Statement) -> str:
        return absolute(statement.get_absolute_url(), self.context)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_embargo(self, statement: Statement) -> datetime | None:
        return statement.publish_at if statement.is_scheduled else None
