from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import models, transaction
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter
from import_export.admin import ImportExportMixin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from addresses.admin import KeptAddressesAdmin

# The change feed's entries of a bulk deletion are campaigns' rows: presentation may read across.
from lib.admin_languages import fieldsets_per_language
from lib.change_feed import DELETED, tell_change_feed, tell_change_feed_of_rows
from lib.spreadsheet_rows import CSV, XLSX
from operations.changes import ChangesPublicPages

from .models import (
    Implementation,
    Law,
    LawEvent,
    LawSource,
    Penalty,
    Provision,
    Right,
    Standard,
)
from .resources import LawResource, PenaltyResource, ProvisionResource

SHORT_TEXT: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})}
}


@admin.register(Right)
class RightAdmin(ChangesPublicPages, TranslationAdmin[Right]):
    list_display = ["name", "slug", "order"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Standard)
class StandardAdmin(ChangesPublicPages, admin.ModelAdmin[Standard]):
    list_display = ["name", "kind", "country", "url"]
    list_filter = ["kind", "rights", ("country", CountryFilter)]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["rights"]


class LawEventInline(admin.StackedInline[LawEvent, Law]):
    """The timeline: what happened and who did it on one line, then the vote and the court."""

    model = LawEvent
    fieldsets = [
        (None, {"fields": [("date", "kind", "actor"), "note", "source_url"]}),
        (_("Vote"), {"fields": [("votes_for", "votes_against", "votes_abstaining")]}),
        (_("Court"), {"fields": [("court", "case_number", "ecli")]}),
    ]
    formfield_overrides = SHORT_TEXT
    extra = 0


class ImplementsInline(admin.TabularInline[Implementation, Law]):
    """On a decree's or regulation's page: the laws it puts into effect."""

    model = Implementation
    fk_name = "instrument"
    fields = ["law"]
    autocomplete_fields = ["law"]
    verbose_name = _("law it implements")
    verbose_name_plural = _("implements")
    extra = 0


class ImplementedByInline(admin.TabularInline[Implementation, Law]):
    """On a law's page: the decrees and regulations that put it into effect."""

    model = Implementation
    fk_name = "law"
    fields = ["instrument"]
    autocomplete_fields = ["instrument"]
    verbose_name = _("implementing instrument")
    verbose_name_plural = _("implemented by")
    extra = 0


class ProvisionInline(admin.TabularInline[Provision, Law]):
    model = Provision
    fields = ["reference", "summary", "order"]
    formfield_overrides = SHORT_TEXT
    show_change_link = True
    extra = 0


class LawSourceInline(admin.TabularInline[LawSource, Law]):
    model = LawSource
    fields = ["title", "url", "accessed_on"]
    extra = 0


@admin.register(Law)
class LawAdmin(
    KeptAddressesAdmin[Law], ImportExportMixin, SimpleHistoryAdmin, TranslationAdmin[Law]
):
    resource_classes = [LawResource]
    formats = [CSV, XLSX]
    list_display = ["title", "country", "status", "identifier", "last_event"]
    list_filter = [("country", CountryFilter), "status", "kind", "rights"]
    search_fields = ["official_title", "common_title", "identifier", "bill_number", "eli", "slug"]
    prepopulated_fields = {"slug": ["common_title"]}
    date_hierarchy = "status_since"
    autocomplete_fields = ["conflicts_with", "replaced_by", "modelled_on"]
    filter_horizontal = ["rights"]
    readonly_fields = ["status", "status_since"]
    fieldsets = [
        (None, {"fields": ["country", "slug", "kind"]}),
        *fieldsets_per_language(["common_title", "official_title", "summary"]),
        (_("Identifiers"), {"fields": ["identifier", "bill_number", "eli"]}),
        (_("Legal force"), {"fields": ["status", "status_since"]}),
        (_("What it does"), {"fields": ["rights", "conflicts_with"]}),
        (_("Related laws"), {"fields": ["replaced_by", "modelled_on"]}),
    ]
    inlines = [
        LawEventInline,
        ProvisionInline,
        ImplementsInline,
        ImplementedByInline,
        LawSourceInline,
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Law]:
        latest = LawEvent.objects.filter(law=OuterRef("pk")).order_by("-date", "-pk")
        return (
            super()
            .get_queryset(request)
            .annotate(
                last_event_kind=Subquery(latest.values("kind")[:1]),
                last_event_date=Subquery(latest.values("date")[:1]),
            )
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is LawEvent:
            # A new event in the timeline is news for those who follow the law (the
            # e-mail alerts, named in settings): told now, they act after commit.
            for event in formset.new_objects:
                for follow in settings.LAW_EVENT_ADDED:
                    import_string(follow)(event.pk)

    # The law's save() and its rows' tell the change feed, change the public pages, and
    # once the transaction commits have the statements demanding of it found by it anew
    # and their API answers rebuilt (lib/change_feed.py): the admin does nothing more.

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Law]) -> None:
        # QuerySet.delete() skips each law's delete(), which tells the change feed first.
        with transaction.atomic():
            for pk in queryset.values_list("pk", flat=True):
                tell_change_feed("law", pk, DELETED)
            super().delete_queryset(request, queryset)

    @admin.display(
        description=_("title"),
        ordering=Coalesce(NullIf("common_title", Value("")), "official_title"),
    )
    def title(self, law: Law) -> str:
        return law.title

    @admin.display(description=_("last event"), ordering="last_event_date")
    def last_event(self, law: Law) -> str:
        kind, date = getattr(law, "last_event_kind", None), getattr(law, "last_event_date", None)
        if kind is None or date is None:
            return self.get_empty_value_display()
        return f"{LawEvent.Kind(kind).label} ({date:%Y-%m-%d})"


class PenaltyInline(admin.StackedInline[Penalty, Provision]):
    model = Penalty
    fields = [
        "kind",
        "offence",
        "as_reported",
        ("amount_min", "amount_max", "unit"),
        ("prison_min_months", "prison_max_months"),
        "source_url",
        "note",
    ]
    formfield_overrides = SHORT_TEXT
    extra = 0


@admin.register(Provision)
class ProvisionAdmin(
    ChangesPublicPages, ImportExportMixin, SimpleHistoryAdmin, admin.ModelAdmin[Provision]
):
    resource_classes = [ProvisionResource]
    formats = [CSV, XLSX]
    list_display = ["reference", "law", "order"]
    list_filter = [("law__country", CountryFilter), "rights"]
    search_fields = [
        "reference",
        "summary",
        "law__official_title",
        "law__common_title",
        "law__identifier",
    ]
    autocomplete_fields = ["law"]
    filter_horizontal = ["rights"]
    fields = ["law", "reference", "summary", "rights", "order"]
    inlines = [PenaltyInline]

    # A provision is named after its law too: the changelist and the autocomplete on
    # demands list provisions, so the law comes in the same query.
    def get_queryset(self, request: HttpRequest) -> QuerySet[Provision]:
        return super().get_queryset(request).select_related("law")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Provision]) -> None:
        # QuerySet.delete() skips each provision's delete(), which tells the change feed.
        for law_id in set(queryset.values_list("law_id", flat=True)):
            tell_change_feed_of_rows("law", law_id)
        super().delete_queryset(request, queryset)


@admin.register(Penalty)
class PenaltyAdmin(
    ChangesPublicPages, ImportExportMixin, SimpleHistoryAdmin, admin.ModelAdmin[Penalty]
):
    """Penalties are written on their provision's page; this list is for bulk import and export."""

    resource_classes = [PenaltyResource]
    formats = [CSV, XLSX]
    list_display = ["__str__", "provision", "kind", "amount_max", "unit", "prison_max_months"]
    list_filter = ["kind"]
    list_select_related = ["provision__law"]
    search_fields = [
        "as_reported",
        "offence",
        "provision__reference",
        "provision__law__official_title",
    ]
    autocomplete_fields = ["provision"]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Penalty]) -> None:
        # QuerySet.delete() skips each penalty's delete(), which tells the change feed.
        for law_id in set(queryset.values_list("provision__law_id", flat=True)):
            tell_change_feed_of_rows("law", law_id)
        super().delete_queryset(request, queryset)
