"""The sitemap: exactly the public pages, each in every language it exists in."""

from datetime import datetime
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import QuerySet
from django.urls import reverse

from campaigns.models import Campaign, Coalition, Statement
from campaigns.public import public_organisations
from legislation.models import Law
from legislation.views import public_country_codes
from operations.pages import page_number, public_page
from organisations.models import Organisation


class PublicSitemap(Sitemap[Any]):
    i18n = True
    alternates = True
    x_default = True


class PageSitemap(PublicSitemap):
    def items(self) -> list[str]:
        return ["home", "campaigns:statements", "legislation:list", "campaigns:search"]

    def location(self, item: str) -> str:
        return reverse(item)


class StatementSitemap(PublicSitemap):
    def items(self) -> QuerySet[Statement]:
        # In the public lists' order, which its index reads a page of 50,000 in.
        return Statement.objects.published().order_by(*Statement.PUBLIC_ORDER)

    def get_languages_for_item(self, item: Statement) -> list[str]:
        return item.available_languages()

    def lastmod(self, item: Statement) -> datetime:
        # When its page last changed: at the earliest when it became public. Not the date
        # it was issued: the page of an older statement added to the archive is new, and
        # a crawler reads lastmod to know what to fetch again. Published statements always
        # have a publish time; the gate guarantees it.
        return max(item.publish_at or item.updated_at, item.updated_at)


class CampaignSitemap(PublicSitemap):
    def items(self) -> QuerySet[Campaign]:
        return Campaign.objects.order_by("pk")

    def lastmod(self, item: Campaign) -> datetime:
        return item.updated_at


class CoalitionSitemap(PublicSitemap):
    def items(self) -> QuerySet[Coalition]:
        return Coalition.objects.order_by("pk")

    def lastmod(self, item: Coalition) -> datetime:
        return item.updated_at


class LawSitemap(PublicSitemap):
    def items(self) -> QuerySet[Law]:
        return Law.objects.order_by("pk")

    def lastmod(self, item: Law) -> datetime:
        return item.updated_at


class CountrySitemap(PublicSitemap):
    def items(self) -> list[str]:
        return sorted(public_country_codes())

    def location(self, item: str) -> str:
        return reverse("country", kwargs={"code": item.lower()})


class OrganisationSitemap(PublicSitemap):
    def items(self) -> QuerySet[Organisation]:
        return public_organisations().order_by("pk")

    def lastmod(self, item: Organisation) -> datetime:
        return item.updated_at


SITEMAPS = {
    "pages": PageSitemap,
    "statements": StatementSitemap,
    "campaigns": CampaignSitemap,
    "coalitions": CoalitionSitemap,
    "laws": LawSitemap,
    "countries": CountrySitemap,
    "organisations": OrganisationSitemap,
}


# Django's sitemap view, as a public page: it reads the page of a long sitemap from `p`.
sitemap = public_page(query={"p": page_number})(sitemap_views.sitemap)
