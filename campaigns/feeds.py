"""Atom feeds of published statements: the whole site, and per campaign, organisation,
law and country. Each lists the newest statements first, through the publication gate.

A statement is public only in the languages it is written in. Every feed, in every
language, lists the same statements, as the home page does: the site feed (/feed/,
/ru/feed/, ...) every published statement, a feed about a subject (a campaign, an
organisation, a law, a country) every statement about it. Each entry is in the feed's
language where the statement is written in it, otherwise in the statement's own language
(the entry says which, with xml:lang), always linking to a page that exists.

The feed of a campaign, organisation or law answers at the earlier addresses of its
subject too, with a permanent redirect (addresses/views.py).

Entries are in the order of the site's lists, newest issued first. Each entry's
`published` is when the statement was issued: its publish time when it was issued the day
it became public, otherwise the start of the day it was issued (an older statement added
to the archive), whose hour nobody recorded. Its `updated` is the time the public was
told the text last changed (a correction, or publication here), and its summary lists
the corrections.
"""

from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.timezone import get_current_timezone, localtime
from django.utils.translation import gettext as _
from django_countries import countries

from addresses.views import FeedAnswersAtFormerAddresses
from legislation.models import Law
from lib.dates import date_format
from operations.pages import public_page
from organisations.models import Organisation

from .models import Campaign, Demand, Signature, Statement
from .public import public_organisations

FEED_LENGTH = 30


class MultilingualAtomFeed(Atom1Feed):
    """Atom whose entries may say their own language when it is not the feed's."""

    def item_attributes(self, item: dict[str, Any]) -> dict[str, Any]:
        attributes = super().item_attributes(item)
        if item.get("entry_language"):
            attributes["xml:lang"] = item["entry_language"]
        return attributes


# Every feed below is a public page too: none reads a query parameter.
@public_page
class StatementFeed(Feed[Statement, Any]):
    feed_type = MultilingualAtomFeed
    author_name = settings.SITE_NAME

    def statements(self, obj: Any) -> QuerySet[Statement]:
        return Statement.objects.published()

    def items(self, obj: Any) -> QuerySet[Statement]:
        return (
            self.statements(obj)
            .select_related("lead_organisation")
            .prefetch_related("corrections")
            .order_by(*Statement.PUBLIC_ORDER)[:FEED_LENGTH]
        )

    def title(self, obj: Any) -> str:
        return _("%(site)s: latest statements") % {"site": settings.SITE_NAME}

    def link(self, obj: Any) -> str:
        return reverse("campaigns:statements")

    def subtitle(self, obj: Any) -> str:
        return _("Joint statements of civil society coalitions.")

    @staticmethod
    def entry_language(item: Statement) -> str:
        """The feed's language if the statement is written in it, otherwise its own."""
        return item.language_shown_in(translation.get_language())

    def item_title(self, item: Statement) -> str:
        return getattr(item, f"title_{self.entry_language(item)}") or ""

    def item_link(self, item: Statement) -> str:
        with translation.override(self.entry_language(item)):
            return item.get_absolute_url()

    def item_description(self, item: Statement) -> str:
        standfirst = getattr(item, f"standfirst_{self.entry_language(item)}") or ""
        summary = format_html("<p>{}</p>", standfirst) if standfirst else ""
        corrections = list(item.corrections.all())
        if corrections:
            summary += format_html(
                "<h2>{}</h2><ul>{}</ul>",
                _("Corrections"),
                format_html_join(
                    "",
                    "<li>{}: {}</li>",
                    (
                        (date_format(localtime(correction.corrected_at)), correction.note)
                        for correction in corrections
                    ),
                ),
            )
        return summary

    def item_extra_kwargs(self, item: Statement) -> dict[str, Any]:
        language = self.entry_language(item)
        return {"entry_language": language if language != translation.get_language() else None}

    def item_pubdate(self, item: Statement) -> datetime | None:
        if item.issued_on is None or (item.publish_at is not None and not item.is_archived):
            return item.publish_at
        return datetime.combine(item.issued_on, time.min, tzinfo=get_current_timezone())

    def item_updateddate(self, item: Statement) -> datetime | None:
        return item.updated

    def item_author_name(self, item: Statement) -> str | None:
        return item.lead_organisation.name if item.lead_organisation else None

    def item_categories(self, item: Statement) -> list[str]:
        return [item.get_kind_display()]


class CampaignFeed(FeedAnswersAtFormerAddresses, StatementFeed):
    def public_objects(self) -> QuerySet[Campaign]:
        return Campaign.objects.all()

    def get_object(self, request: HttpRequest, slug: str) -> Campaign:
        return get_object_or_404(self.public_objects(), slug=slug)

    def feed_url(self, obj: Campaign) -> str:
        return reverse("campaigns:campaign-feed", kwargs={"slug": obj.slug})

    def statements(self, obj: Campaign) -> QuerySet[Statement]:
        return Statement.objects.published().filter(campaign=obj)

    def title(self, obj: Campaign) -> str:
        return _("%(site)s: statements of the campaign %(campaign)s") % {
            "site": settings.SITE_NAME,
            "campaign": obj.title,
        }

    def link(self, obj: Campaign) -> str:
        return obj.get_absolute_url()


class OrganisationFeed(FeedAnswersAtFormerAddresses, StatementFeed):
    def public_objects(self) -> QuerySet[Organisation]:
        return public_organisations()

    def get_object(self, request: HttpRequest, slug: str) -> Organisation:
        return get_object_or_404(self.public_objects(), slug=slug)

    def feed_url(self, obj: Organisation) -> str:
        return reverse("campaigns:organisation-feed", kwargs={"slug": obj.slug})

    def statements(self, obj: Organisation) -> QuerySet[Statement]:
        return Statement.objects.published().filter(
            signatures__organisation=obj, signatures__status=Signature.Status.CONFIRMED
        )

    def title(self, obj: Organisation) -> str:
        return _("%(site)s: statements signed by %(organisation)s") % {
            "site": settings.SITE_NAME,
            "organisation": obj.name,
        }

    def link(self, obj: Organisation) -> str:
        return obj.get_absolute_url()


class LawFeed(FeedAnswersAtFormerAddresses, StatementFeed):
    def public_objects(self) -> QuerySet[Law]:
        return Law.objects.all()

    def get_object(self, request: HttpRequest, country: str, slug: str) -> Law:
        return get_object_or_404(self.public_objects(), country=country.upper(), slug=slug)

    def feed_url(self, obj: Law) -> str:
        return reverse(
            "campaigns:law-feed", kwargs={"country": str(obj.country).lower(), "slug": obj.slug}
        )

    def statements(self, obj: Law) -> QuerySet[Statement]:
        return Statement.objects.published().filter(
            pk__in=Demand.objects.filter(law=obj).values("statement")
        )

    def title(self, obj: Law) -> str:
        return _("%(site)s: statements about %(law)s") % {
            "site": settings.SITE_NAME,
            "law": obj.title,
        }

    def link(self, obj: Law) -> str:
        return obj.get_absolute_url()


class CountryFeed(StatementFeed):
    def get_object(self, request: HttpRequest, country: str) -> str:
        code = country.upper()
        if code not in countries:
            raise Http404("No such country.")
        return code

    def statements(self, obj: str) -> QuerySet[Statement]:
        return Statement.objects.published().filter(
            Q(campaign__country=obj)
            | Q(pk__in=Demand.objects.filter(law__country=obj).values("statement"))
        )

    def title(self, obj: str) -> str:
        return _("%(site)s: statements about %(country)s") % {
            "site": settings.SITE_NAME,
            "country": countries.name(obj),
        }

    def link(self, obj: str) -> str:
        return reverse("campaigns:statements") + f"?country={obj}"
