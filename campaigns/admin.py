import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.postgres.search import SearchVectorExact
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter
from import_export.admin import ImportExportMixin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from addresses.admin import KeptAddressesAdmin
from lib.admin_languages import fieldsets_per_language
from lib.admin_pagination import EstimatedCountPaginator
from lib.dates import date_format
from lib.spreadsheet_rows import CSV, XLSX
from operations.changes import ChangesPublicPages
from organisations.models import Organisation

from .editing import ChangeKind, StatementForm
from .history import ReadableChanges
from .models import (
    Addressing,
    Campaign,
    Change,
    Coalition,
    CoalitionMembership,
    Correction,
    Demand,
    DemandOutcome,
    DemandQuerySet,
    EmbargoedRead,
    Leverage,
    Moment,
    PreviewLink,
    Publication,
    Signature,
    Statement,
    StatementQuerySet,
    Target,
    Transition,
    future_issue_date,
    truncated,
)
from .resources import SignatureResource
from .search import StoredVector, configuration_of, web_query
from .translation import STATEMENT_TEXT_FIELDS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Inline rows stay one line high: short text areas, and a time as one field rather than
# the admin's separate date and time fields.
COMPACT_WIDGETS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})},
    models.DateTimeField: {
        "form_class": forms.DateTimeField,
        "widget": forms.DateTimeInput(
            attrs={"type": "datetime-local", "step": 1}, format="%Y-%m-%dT%H:%M:%S"
        ),
    },
}


class UnixNewlinesField(forms.CharField):
    """Text as typed, with the browser's CRLF line endings made plain newlines.

    Otherwise every save of an untouched text area would count as a change of the text.
    """

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).replace("\r\n", "\n")


def constraint_message(model: type[models.Model], name: str) -> str:
    constraint = next(c for c in model._meta.constraints if c.name == name)
    return str(constraint.get_violation_error_message())


# --- actions that ask first --------------------------------------------------------------


def ask_before_action(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    *,
    action: str,
    title: "StrOrPromise",
    form: forms.BaseForm,
    chosen: Sequence[tuple[int, str]],
    note: "StrOrPromise" = "",
) -> TemplateResponse:
    """The page between choosing an action and running it, for what the action needs to
    know. It posts the action again, with the objects `chosen` (each a primary key and
    how the page names it), the form's answers and "apply"."""
    # From an object's page the action's choice is posted under another name.
    change_form_field = f"{admin.ActionLocation.CHANGE_FORM.value}-action"
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.opts,
        "chosen": chosen,
        "note": note,
        "form": form,
        "action": action,
        "action_field": change_form_field if change_form_field in request.POST else "action",
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, "admin/action_form.html", context)


def run_on_each[M: models.Model](
    model_admin: admin.ModelAdmin[M],
    request: HttpRequest,
    rows: Iterable[M],
    step: Callable[[M], object],
    done: "StrOrPromise",
    refused: "StrOrPromise",
    named: str = "title",
    **details: str,
) -> None:
    """Take the step on each row; say why any was refused (`refused` names the row as
    `named`, with its reason), and how many were done."""
    count = 0
    for row in rows:
        try:
            step(row)
        except PermissionDenied as error:
            reason, level = str(error), messages.ERROR
        except ValidationError as error:
            reason, level = " ".join(error.messages), messages.WARNING
        else:
            count += 1
            continue
        model_admin.message_user(
            request, refused % {named: row, "reason": reason, **details}, level
        )
    if count:
        model_admin.message_user(request, done % {"count": count, **details}, messages.SUCCESS)


# --- inline rows that name another object --------------------------------------------


class LoadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that shows the chosen object the inline's queryset already loaded.

    Django's own widget looks the chosen object up again, one query per inline row:
    a statement with fifty signatories would cost fifty queries.
    """

    chosen: models.Model | None = None

    def optgroups(
        self, name: str, value: Sequence[str], attr: dict[str, Any] | None = None
    ) -> list[tuple[str | None, list[dict[str, Any]], int | None]]:
        chosen = self.chosen
        if chosen is None or list(value) != [str(chosen.pk)]:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(chosen)
        options.append(self.create_option(name, chosen.pk, label, True, len(options)))
        return [(None, options, 0)]


class LoadedChoicesForm(forms.ModelForm[Any]):
    """Hands each LoadedAutocompleteSelect the object its row already holds."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            # The admin wraps related widgets to add its "add another" and "change" links.
            widget = getattr(field.widget, "widget", field.widget)
            if not isinstance(widget, LoadedAutocompleteSelect):
                continue
            if self.instance._meta.get_field(name).is_cached(self.instance):
                widget.chosen = getattr(self.instance, name)


class LoadedAutocompleteInline[ChildT: models.Model, ParentT: models.Model](
    admin.TabularInline[ChildT, ParentT]
):
    """A tabular inline whose autocomplete fields render without a query per row.

    `select_related` names the relations to load with the rows.
    """

    form = LoadedChoicesForm
    select_related: Sequence[str] = ()
    formfield_overrides = COMPACT_WIDGETS
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[ChildT]:
        return super().get_queryset(request).select_related(*self.select_related)

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LoadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- coalitions and campaigns ----------------------------------------------------------


def rows_kept(formset: forms.BaseModelFormSet[Any, Any]) -> list[dict[str, Any]]:
    """The cleaned data of the inline rows that are filled in and not marked for deletion."""
    return [
        form.cleaned_data
        for form in formset.forms
        if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
    ]


class MembershipFormSet(forms.BaseInlineFormSet[CoalitionMembership, Coalition, Any]):
    # Django checks each new row against the database, but not new rows against each
    # other for a constraint with a condition: one current membership per organisation.
    def clean(self) -> None:
        super().clean()
        current = [
            row["organisation"]
            for row in rows_kept(self)
            if row.get("organisation") and not row.get("left_on")
        ]
        if len(current) != len(set(current)):
            raise ValidationError(
                constraint_message(CoalitionMembership, "coalition_membership_current_unique")
            )


class MembershipInline(LoadedAutocompleteInline[CoalitionMembership, Coalition]):
    model = CoalitionMembership
    formset = MembershipFormSet
    fields = ["organisation", "role", "joined_on", "left_on"]
    autocomplete_fields = ["organisation"]
    select_related = ["organisation"]


@admin.register(Coalition)
class CoalitionAdmin(KeptAddressesAdmin[Coalition]):
    list_display = ["name", "current_members", "website"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "website", "description"]
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Coalition]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                current_member_count=Count(
                    "memberships", filter=Q(memberships__left_on__isnull=True)
                )
            )
        )

    @admin.display(description=_("current members"), ordering="current_member_count")
    def current_members(self, coalition: Coalition) -> int:
        return getattr(coalition, "current_member_count", 0)


@admin.register(Campaign)
class CampaignAdmin(KeptAddressesAdmin[Campaign], SimpleHistoryAdmin, TranslationAdmin[Campaign]):
    list_display = [
        "title",
        "status",
        "coalition",
        "country",
        "started_on",
        "ended_on",
        "statements_link",
    ]
    list_filter = ["status", "coalition", ("country", CountryFilter)]
    list_select_related = ["coalition"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "started_on"
    autocomplete_fields = ["coalition", "laws"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "slug",
                    "coalition",
                    "country",
                    "status",
                    ("started_on", "ended_on"),
                ]
            },
        ),
        (_("Text"), {"fields": ["body"]}),
        *fieldsets_per_language(["title", "summary"]),
        (_("Laws"), {"fields": ["laws"]}),
    ]

    @admin.display(description=_("statements"))
    def statements_link(self, campaign: Campaign) -> str:
        # The statement changelist's campaign filter shows only the latest campaigns.
        url = reverse("admin:campaigns_statement_changelist")
        return format_html(
            '<a href="{}?campaign={}">{}</a>', url, campaign.pk, gettext("Statements")
        )


@admin.register(Target)
class TargetAdmin(ChangesPublicPages, admin.ModelAdmin[Target]):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind", ("country", CountryFilter)]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Moment)
class MomentAdmin(ChangesPublicPages, admin.ModelAdmin[Moment]):
    list_display = ["name", "starts_on", "ends_on", "place", "country"]
    list_filter = [("country", CountryFilter)]
    search_fields = ["name", "place", "description"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "starts_on"


@admin.register(Leverage)
class LeverageAdmin(ChangesPublicPages, admin.ModelAdmin[Leverage]):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


# --- statements ----------------------------------------------------------------------


class SignatureFormSet(forms.BaseInlineFormSet[Signature, Statement, Any]):
    def clean(self) -> None:
        super().clean()
        kept = rows_kept(self)
        # As for memberships: one lead signatory per statement.
        leads = [row for row in kept if row.get("role") == Signature.Role.LEAD]
        if len(leads) > 1:
            raise ValidationError(constraint_message(Signature, "signature_one_lead_per_statement"))
        # The declared total counts the confirmed signatories listed, as submitted here.
        declared = self.instance.declared_signatory_count
        confirmed = len([row for row in kept if row.get("status") == Signature.Status.CONFIRMED])
        if declared is not None and confirmed > declared:
            raise ValidationError(self.instance.declared_total_too_small(confirmed))


class AddressingInline(LoadedAutocompleteInline[Addressing, Statement]):
    model = Addressing
    fields = ["target", "role", "order"]
    autocomplete_fields = ["target"]
    select_related = ["target"]


class SignatureInline(LoadedAutocompleteInline[Signature, Statement]):
    model = Signature
    formset = SignatureFormSet
    fields = [
        "organisation",
        "role",
        "status",
        "signed_at",
        "signed_version_shown",
        "signatory_name",
        "signatory_title",
        "order",
    ]
    readonly_fields = ["signed_version_shown"]
    autocomplete_fields = ["organisation"]
    # A signature's name, shown on its row, names the statement too.
    select_related = ["organisation", "statement"]

    @admin.display(description=_("signed version"))
    def signed_version_shown(self, signature: Signature) -> str:
        if signature.signed_version is None:
            return self.get_empty_value_display()
        if signature.signed_earlier_version:
            return gettext("%(version)d — an earlier version: corrected since") % {
                "version": signature.signed_version
            }
        return str(signature.signed_version)


def outcome_history_text(demand: Demand) -> str:
    """A demand's outcomes in one line: “Met (3 May 2019) → Superseded (1 January 2022)”."""
    return " → ".join(
        f"{step.get_outcome_display()} ({date_format(step.outcome_on)})"
        for step in demand.outcome_history
    )


class DemandForm(LoadedChoicesForm):
    """A demand's row on its statement's page. A changed outcome is not written over the
    old one: it is recorded in the demand's history (Demand.record_outcome), with who
    recorded it, once the row is saved (StatementAdmin.record_outcomes)."""

    outcome_note = forms.CharField(
        label=_("public note on the outcome"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 30}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outcome_before = {name: getattr(self.instance, name) for name in Demand.OUTCOME_FIELDS}

    def outcome_to_record(self) -> dict[str, Any] | None:
        """The outcome to record, if this row changed it (or gave it a note)."""
        if not {*Demand.OUTCOME_FIELDS, "outcome_note"} & set(self.changed_data):
            return None
        data = self.cleaned_data
        return {
            "outcome": data.get("outcome") or Demand.Outcome.OPEN,
            "on": data.get("outcome_on"),
            "evidence_url": data.get("evidence_url") or "",
            "evidence_reference": data.get("evidence_reference") or "",
            "note": data.get("outcome_note") or "",
        }

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean() or {}
        outcome = self.outcome_to_record()
        if outcome is not None and not self.errors:
            step = DemandOutcome(
                outcome=outcome["outcome"],
                outcome_on=outcome["on"],
                evidence_url=outcome["evidence_url"],
                evidence_reference=outcome["evidence_reference"],
                note=outcome["note"],
            )
            try:
                step.full_clean(exclude=["demand", "recorded_by"], validate_constraints=False)
            except ValidationError as error:
                for field, messages_ in error.message_dict.items():
                    self.add_error("outcome_note" if field == "note" else field, messages_)
        return cleaned_data

    def save(self, commit: bool = True) -> Any:
        if self.outcome_to_record() is not None:
            # Saved as it was; the new outcome is recorded in the history after.
            for name, value in self.outcome_before.items():
                setattr(self.instance, name, value)
        return super().save(commit)


class DemandInline(LoadedAutocompleteInline[Demand, Statement]):
    """Stacked: a demand and its outcome are too many fields for one row of a table."""

    model = Demand
    form = DemandForm
    template = "admin/edit_inline/stacked.html"
    fieldsets = [
        (None, {"fields": [("order", "action"), "text", ("addressee", "law", "provision")]}),
        (
            _("Outcome"),
            {
                "fields": [
                    ("outcome", "outcome_on"),
                    ("evidence_url", "evidence_reference"),
                    "outcome_note",
                    "outcome_history_shown",
                ]
            },
        ),
    ]
    readonly_fields = ["outcome_history_shown"]
    autocomplete_fields = ["addressee", "law", "provision"]
    select_related = ["addressee", "law", "provision__law"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Demand]:
        return cast(DemandQuerySet, super().get_queryset(request)).with_outcome_history()

    @admin.display(description=_("outcome history"))
    def outcome_history_shown(self, demand: Demand) -> str:
        if demand.pk is None:
            return self.get_empty_value_display()
        return outcome_history_text(demand) or self.get_empty_value_display()


class PublicationInline(LoadedAutocompleteInline[Publication, Statement]):
    model = Publication
    fields = ["publisher", "publisher_name", "published_as", "url", "published_on", "title"]
    autocomplete_fields = ["publisher"]
    select_related = ["publisher"]


class CorrectionInline(admin.TabularInline[Correction, Statement]):
    model = Correction
    fields = ["corrected_at", "note"]
    formfield_overrides = COMPACT_WIDGETS
    extra = 0


class TransitionInline(admin.TabularInline[Transition, Statement]):
    model = Transition
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = ["at", "from_status", "to_status", "by", "note"]
    verbose_name_plural = _("workflow history")
    can_delete = False
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Transition]:
        return super().get_queryset(request).select_related("by")

    def has_add_permission(self, request: HttpRequest, obj: Statement | None) -> bool:  # type: ignore[override]
        return False

    def has_change_permission(self, request: HttpRequest, obj: Statement | None = None) -> bool:
        return False


class EarlyReadInline(admin.TabularInline[EmbargoedRead, Statement]):
    """Who read the statement through the API before its publish time, and when."""

    model = EmbargoedRead
    fields = ["read_at", "organisation", "key_prefix", "path"]
    readonly_fields = ["read_at", "organisation", "key_prefix", "path"]
    verbose_name_plural = _("read before publication")
    can_delete = False
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[EmbargoedRead]:
        return super().get_queryset(request).select_related("organisation")

    def has_view_permission(self, request: HttpRequest, obj: Statement | None = None) -> bool:
        # Whoever may see the statement sees who read it early: editors decide who may.
        return request.user.has_perm("campaigns.view_statement")

    def has_add_permission(self, request: HttpRequest, obj: Statement | None) -> bool:  # type: ignore[override]
        return False

    def has_change_permission(self, request: HttpRequest, obj: Statement | None = None) -> bool:
        return False


class StatusFilter(admin.SimpleListFilter):
    """The workflow status, with published statements split into public and scheduled."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            (Statement.Status.DRAFT, Statement.Status.DRAFT.label),
            (Statement.Status.IN_REVIEW, Statement.Status.IN_REVIEW.label),
            (Statement.Status.APPROVED, Statement.Status.APPROVED.label),
            ("scheduled", _("Scheduled")),
            (Statement.Status.PUBLISHED, Statement.Status.PUBLISHED.label),
            (Statement.Status.WITHDRAWN, Statement.Status.WITHDRAWN.label),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        statements = cast(StatementQuerySet, queryset)
        match self.value():
            case None:
                return statements
            case "scheduled":
                return statements.scheduled()
            case Statement.Status.PUBLISHED:
                return statements.published()
            case status:
                return statements.filter(status=status)


class CampaignFilter(admin.SimpleListFilter):
    """The campaigns started most recently, and the one chosen.

    Over the years a coalition's campaigns run to thousands: a link for each would be
    read and rendered on every visit to the changelist. Any campaign's statements are a
    link away on the campaign's own page (`?campaign=<id>`).
    """

    title = _("campaign")
    parameter_name = "campaign"
    shown = 20

    def chosen(self) -> int | None:
        value = self.value()
        if value is None:
            return None
        if not re.fullmatch(r"[0-9]{1,18}", value):
            raise IncorrectLookupParameters(f"Not a campaign: {value!r}")
        return int(value)

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        latest = Campaign.objects.order_by(F("started_on").desc(nulls_last=True), "-pk")
        campaigns = list(latest[: self.shown])
        chosen = self.chosen()
        if chosen is not None and all(campaign.pk != chosen for campaign in campaigns):
            campaigns += list(Campaign.objects.filter(pk=chosen))
        return [(str(campaign.pk), str(campaign)) for campaign in campaigns]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        chosen = self.chosen()
        return queryset if chosen is None else queryset.filter(campaign_id=chosen)


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publish time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    early_readers = forms.ChoiceField(
        label=_("Read early by"),
        choices=Statement.EarlyReaders.choices,
        initial=Statement.EarlyReaders.COALITION,
        # Left out, the default: the statement's coalition.
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Until the publish time, partner keys with the embargo scope of these "
            "organisations read the statement through the API. Nobody else sees it."
        ),
    )
    named_organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations named"),
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("When it is read early by the organisations named."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["publish_at"].help_text = gettext("In %(zone)s.") % {
            "zone": timezone.get_current_timezone_name()
        }

    def clean_publish_at(self) -> datetime:
        publish_at = self.cleaned_data["publish_at"]
        if publish_at <= timezone.now():
            raise ValidationError(
                _("Choose a time in the future. To publish now, use “Publish now”.")
            )
        return publish_at

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["early_readers"] = cleaned.get("early_readers") or Statement.EarlyReaders.COALITION
        if cleaned.get("early_readers") == Statement.EarlyReaders.NAMED and not cleaned.get(
            "named_organisations"
        ):
            self.add_error(
                "named_organisations", _("Name the organisations that read the statement early.")
            )
        return cleaned


class ArchiveForm(forms.Form):
    issued_on = forms.DateField(
        label=_("Issued on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "The date the statement was issued, as its signatories dated it. It becomes "
            "public now, and is shown, listed and addressed by this date."
        ),
    )

    def clean_issued_on(self) -> date:
        issued_on: date = self.cleaned_data["issued_on"]
        if issued_on > timezone.localdate():
            raise ValidationError(future_issue_date(issued_on))
        return issued_on


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Shown to the public in place of the statement."),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("A partner who asked to sign through the API is told it by e-mail."),
    )


EVERYWHERE = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]
# What the public has read (or will read at a scheduled time) is deleted by nobody.
FIXED_ONCE_PUBLISHED = {Statement.Status.PUBLISHED, Statement.Status.WITHDRAWN}
# An approved text is the one an editor read: from then on only an editor changes it, or
# returns it to draft for its author.
EDITORS_ONLY_ONCE_APPROVED = {Statement.Status.APPROVED, *FIXED_ONCE_PUBLISHED}


def may_change_public(request: HttpRequest) -> bool:
    """Whether the user may change what the public reads: an editor, who can publish."""
    return request.user.has_perm("campaigns.publish_statement")


@admin.register(Statement)
class StatementAdmin(
    KeptAddressesAdmin[Statement], SimpleHistoryAdmin, TranslationAdmin[Statement]
):
    list_display = [
        "title",
        "status_label",
        "issued_on",
        "publish_at",
        "campaign",
        "lead_organisation",
        "confirmed_signatures",
    ]
    # Publish times by fixed periods, not a date hierarchy: its year links are the
    # distinct years of every statement, a read of the whole table on every visit.
    list_filter = [
        StatusFilter,
        ("publish_at", admin.DateFieldListFilter),
        "kind",
        "language",
        CampaignFilter,
    ]
    list_select_related = ["campaign", "lead_organisation"]
    # A million statements are not counted on every visit: see lib/admin_pagination.py.
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    search_fields = ["title", "slug", "standfirst"]
    # A search matching at most this many statements reads their ids first.
    search_ids_up_to = 5_000
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["campaign", "lead_organisation", "moment", "embargo_organisations"]
    filter_horizontal = ["leverage"]
    readonly_fields = [
        "status_label",
        "publish_at",
        "withdrawn_at",
        "withdrawal_reason",
        "version",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
    ]
    fieldsets = [
        (None, {"fields": ["slug", "kind", "language", "campaign"]}),
        *fieldsets_per_language(STATEMENT_TEXT_FIELDS),
        (
            _("Issuer, signatories and timing"),
            {
                "fields": [
                    "lead_organisation",
                    "issued_on",
                    "declared_signatory_count",
                    "moment",
                    "leverage",
                    "leverage_note",
                ]
            },
        ),
        (
            _("Publication"),
            {
                "fields": [
                    "status_label",
                    "publish_at",
                    ("withdrawn_at", "withdrawal_reason"),
                    "version",
                    "signatures_open",
                    "embargo_audience",
                    "embargo_organisations",
                ]
            },
        ),
        (
            _("Record"),
            {
                "fields": [("created_at", "created_by"), ("updated_at", "updated_by")],
                "classes": ["collapse"],
            },
        ),
    ]
    inlines = [
        AddressingInline,
        SignatureInline,
        DemandInline,
        PublicationInline,
        CorrectionInline,
        TransitionInline,
        EarlyReadInline,
    ]
    actions = [
        "submit",
        "approve",
        "return_to_draft",
        "publish_now",
        "schedule",
        "publish_archived",
        "unschedule",
        "withdraw",
    ]
    formfield_overrides = {models.TextField: {"form_class": UnixNewlinesField}}
    form = StatementForm

    def get_queryset(self, request: HttpRequest) -> QuerySet[Statement]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                # A subquery per row shown, not a join grouped over every statement: the
                # page's rows are counted, not the table's.
                confirmed_signature_count=Coalesce(
                    Subquery(
                        Signature.objects.filter(
                            statement=OuterRef("pk"), status=Signature.Status.CONFIRMED
                        )
                        .order_by()
                        .values("statement")
                        .annotate(count=Count("pk"))
                        .values("count"),
                        output_field=IntegerField(),
                    ),
                    0,
                )
            )
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Statement], search_term: str
    ) -> tuple[QuerySet[Statement], bool]:
        # On PostgreSQL the words are looked up in the full-text indexes of the public
        # search (one per language, migration 0013), and the slug exactly: a LIKE
        # '%word%' over a million titles and standfirsts reads every one of them.
        # A rare word's matches are read from the indexes first, by id: as a condition,
        # the planner may walk the changelist's order instead, unpacking statement after
        # statement's vectors until it has a page of the few that match. A common word's
        # page is found within the first statements of that walk.
        text = search_term.strip()
        if connection.vendor != "postgresql" or not text:
            return super().get_search_results(request, queryset, search_term)
        found = reduce(
            or_,
            (
                Q(
                    SearchVectorExact(
                        StoredVector(language),
                        web_query(text, configuration_of(language)),
                    )
                )
                for language in Statement.language_codes()
            ),
        )
        few = list(
            Statement.objects.filter(found)
            .order_by()
            .values_list("pk", flat=True)[: self.search_ids_up_to + 1]
        )
        if len(few) <= self.search_ids_up_to:
            found = Q(pk__in=few)
        return queryset.filter(found | Q(slug=text)), False

    def has_public_address(self, obj: Statement) -> bool:
        return obj.is_public

    def get_fieldsets(self, request: HttpRequest, obj: Statement | None = None) -> Any:
        # A statement being written has no status, publication or record to show yet.
        fieldsets = list(super().get_fieldsets(request, obj))
        # The first fieldset, then one per language, then the issuer and signatories.
        issuer = 1 + len(settings.LANGUAGES)
        if obj is None:
            return fieldsets[: issuer + 1]
        title, options = fieldsets[0]
        fieldsets[0] = (title, {**options, "fields": [*options["fields"], "loaded_version"]})
        if obj.status == Statement.Status.PUBLISHED:
            fieldsets.insert(
                issuer,
                (
                    _("Changing the published text"),
                    {
                        "fields": ["change_kind", "correction_note"],
                        "description": _(
                            "The public has read this text. Say how a change to it is made."
                        ),
                    },
                ),
            )
        return fieldsets

    def save_model(
        self, request: HttpRequest, obj: Statement, form: StatementForm, change: bool
    ) -> None:
        if request.user.is_authenticated:
            if not change:
                obj.created_by = request.user
            obj.updated_by = request.user
        if change and "issued_on" in form.changed_data and obj.status in FIXED_ONCE_PUBLISHED:
            # A fix of the record: its address and its place in every list move with it.
            obj._change_reason = truncated(
                gettext("Date issued corrected: %(before)s → %(after)s")
                % {
                    "before": form.initial.get("issued_on") or "—",
                    "after": obj.issued_on or "—",
                }
            )
        if change and form.asks_for_change_kind() and form.text_changed():
            if form.cleaned_data["change_kind"] == ChangeKind.CORRECTION:
                obj.save_correction(form.cleaned_data["correction_note"], by=request.user)
            else:
                obj.save_silent_fix(by=request.user)
            return
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Each outcome recorded tells partners' mirrors of the change (Demand.record_outcome).
        told_of_update = self.record_outcomes(request, formsets) > 0
        statement: Statement = form.instance
        # Its signatures, demands and publications are saved: search finds it by them.
        statement.refresh_search_text()
        # Tell partners' mirrors and webhooks when the public text or its data changed.
        if self.corrected_through_form(form):
            return  # Statement.save_correction told them already.
        if change and statement.is_public:
            corrected = any(
                formset.model is Correction and formset.new_objects for formset in formsets
            )
            if corrected:
                statement.record_change(Change.Kind.CORRECTED)
            elif not told_of_update and (
                form.has_changed() or any(formset.has_changed() for formset in formsets)
            ):
                statement.record_change(Change.Kind.UPDATED)

    @staticmethod
    def record_outcomes(request: HttpRequest, formsets: Any) -> int:
        """Record in their histories the outcomes changed on the demands' rows."""
        recorded = 0
        for formset in formsets:
            if formset.model is not Demand:
                continue
            for demand_form in formset.forms:
                outcome = demand_form.outcome_to_record() if demand_form.has_changed() else None
                if outcome is None or demand_form in formset.deleted_forms:
                    continue
                demand_form.instance.record_outcome(**outcome, by=request.user)
                recorded += 1
        return recorded

    @staticmethod
    def corrected_through_form(form: StatementForm) -> bool:
        return bool(
            form.asks_for_change_kind()
            and form.text_changed()
            and form.cleaned_data.get("change_kind") == ChangeKind.CORRECTION
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "GET":
            self.warn_of_earlier_version_signatures(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def warn_of_earlier_version_signatures(self, request: HttpRequest, object_id: str) -> None:
        signatures = Signature.objects.filter(statement_id=object_id).signed_before_correction()
        names = [str(signature.organisation) for signature in signatures]
        if names:
            self.message_user(
                request,
                ngettext(
                    "%(names)s signed an earlier version of the text, before a correction.",
                    "%(names)s signed earlier versions of the text, before a correction.",
                    len(names),
                )
                % {"names": ", ".join(names)},
                messages.WARNING,
            )

    # --- history ---------------------------------------------------------------------

    def get_historical_record_context_helper(
        self, request: HttpRequest, historical_record: Any
    ) -> ReadableChanges:
        return ReadableChanges(self.model, historical_record)

    def revert_disabled(self, request: HttpRequest, obj: Statement | None = None) -> bool:
        # What the public may have read is changed by a correction, never by a restore.
        if obj is not None and not self.is_draft(obj):
            return True
        return bool(super().revert_disabled(request, obj))

    def is_draft(self, obj: Statement) -> bool:
        # On the history pages `obj` is the statement as it was then; its status now counts.
        status = Statement.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
        return status == Statement.Status.DRAFT

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        statement = self.get_object(request, object_id)
        if request.method == "POST" and statement is not None and not self.is_draft(statement):
            self.message_user(
                request,
                gettext(
                    "Only a draft can be restored to an earlier version. Return it to draft "
                    "first; a published text is changed by a correction."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(
                reverse("admin:campaigns_statement_history", args=[statement.pk])
            )
        response: HttpResponse = super().history_form_view(
            request, object_id, version_id, extra_context
        )
        return response

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, statement: Statement) -> str:
        if statement.is_scheduled:
            return gettext("Scheduled")
        return statement.get_status_display()

    @admin.display(description=_("confirmed signatures"), ordering="confirmed_signature_count")
    def confirmed_signatures(self, statement: Statement) -> int:
        return getattr(statement, "confirmed_signature_count", 0)

    # --- permissions -----------------------------------------------------------------

    def has_change_permission(self, request: HttpRequest, obj: Statement | None = None) -> bool:
        # What an editor approved or the public has read changes only at an editor's hand.
        if (
            obj is not None
            and obj.status in EDITORS_ONLY_ONCE_APPROVED
            and not self.has_publish_permission(request)
        ):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Statement | None = None) -> bool:
        # Partners mirror what was published; it is withdrawn, with a reason, never deleted.
        if obj is not None and obj.status in FIXED_ONCE_PUBLISHED:
            return False
        return super().has_delete_permission(request, obj)

    def has_submit_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("campaigns.submit_statement")

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("campaigns.approve_statement")

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("campaigns.publish_statement")

    def has_withdraw_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("campaigns.withdraw_statement")

    # --- workflow actions --------------------------------------------------------------

    def ask(
        self,
        request: HttpRequest,
        statements: QuerySet[Statement],
        action: str,
        form: forms.Form,
        title: "StrOrPromise",
    ) -> TemplateResponse:
        """The page between choosing a workflow step and taking it, for what it needs to know."""
        chosen = [
            (statement.pk, f"{statement} ({statement.get_status_display().lower()})")
            for statement in statements
        ]
        return ask_before_action(
            self, request, action=action, title=title, form=form, chosen=chosen
        )

    @admin.action(
        permissions=["submit"],
        location=EVERYWHERE,
        description=_("Submit for review"),
        description_plural=_("Submit selected statements for review"),
    )
    def submit(self, request: HttpRequest, statements: QuerySet[Statement]) -> None:
        run_on_each(
            self,
            request,
            statements,
            lambda statement: statement.submit(by=request.user),
            done=ngettext_lazy(
                "Submitted %(count)d statement for review.",
                "Submitted %(count)d statements for review.",
                "count",
            ),
            refused=_("“%(title)s” was not submitted: %(reason)s"),
        )

    @admin.action(
        permissions=["approve"],
        location=EVERYWHERE,
        description=_("Approve"),
        description_plural=_("Approve selected statements"),
    )
    def approve(self, request: HttpRequest, statements: QuerySet[Statement]) -> None:
        run_on_each(
            self,
            request,
            statements,
            lambda statement: statement.approve(by=request.user),
            done=ngettext_lazy(
                "Approved %(count)d statement.", "Approved %(count)d statements.", "count"
            ),
            refused=_("“%(title)s” was not approved: %(reason)s"),
        )

    @admin.action(
        permissions=["approve"],
        location=EVERYWHERE,
        description=_("Return to draft"),
        description_plural=_("Return selected statements to draft"),
    )
    def return_to_draft(self, request: HttpRequest, statements: QuerySet[Statement]) -> None:
        run_on_each(
            self,
            request,
            statements,
            lambda statement: statement.return_to_draft(by=request.user),
            done=ngettext_lazy(
                "Returned %(count)d statement to draft.",
                "Returned %(count)d statements to draft.",
                "count",
            ),
            refused=_("“%(title)s” was not returned to draft: %(reason)s"),
        )

    @admin.action(
        permissions=["publish"],
        location=EVERYWHERE,
        description=_("Publish now"),
        description_plural=_("Publish selected statements now"),
    )
    def publish_now(self, request: HttpRequest, statements: QuerySet[Statement]) -> None:
        run_on_each(
            self,
            request,
            statements,
            lambda statement: statement.publish(by=request.user),
            done=ngettext_lazy(
                "Published %(count)d statement.", "Published %(count)d statements.", "count"
            ),
            refused=_("“%(title)s” was not published: %(reason)s"),
        )

    @admin.action(
        permissions=["publish"],
        location=EVERYWHERE,
        description=_("Schedule…"),
        description_plural=_("Schedule selected statements…"),
    )
    def schedule(
        self, request: HttpRequest, statements: QuerySet[Statement]
    ) -> TemplateResponse | None:
        form = ScheduleForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self.ask(request, statements, "schedule", form, _("Schedule statements"))
        publish_at = form.cleaned_data["publish_at"]
        early_readers = form.cleaned_data["early_readers"]
        named = list(form.cleaned_data["named_organisations"])
        run_on_each(
            self,
            request,
            statements,
            lambda statement: statement.publish(
                by=request.user, at=publish_at, early_readers=early_readers, named=named
            ),
            done=ngettext_lazy(
                "Scheduled %(count)d statement for %(time)s.",
                "Scheduled %(count)d statements for %(time)s.",
                "count",
            ),
            refused=_("“%(title)s” was not scheduled: %(reason)s"),
            time=date_format(timezone.localtime(publish_at), "DATETIME_FORMAT"),
        )
        return None

    @admin.action(
        permissions=["publish"],
        location=EVERYWHERE,
        description=_("Publish as archived…"),
        description_plural=_("Publish selected statements as archived…"),
    )
    def publish_archived(
        self, request: HttpRequest, statements: QuerySet[Statement]
    ) -> TemplateResponse | None:
        """An older statement, typed in after the fact: public now, dated when it was issued."""
        dates = {statement.issued_on for statement in statements}
        form = ArchiveForm(
            request.POST if "apply" in request.POST else None,
            # The date staff already gave it, when they gave one.
            initial={"issued_on": dates.pop()} if len(dates) == 1 else {},
        )
        if not form.is_valid():
            return self.ask(request, statements, "publish_archived", form, _("Publish as archived"))
        issued_on = form.cleaned_data["issued_on"]
        run_on_each(
            self,
            request,
            statements,
            lambda statement: statement.publish_archived(by=request.user, issued_on=issued_on),
            done=ngettext_lazy(
                "Published %(count)d statement as archived, issued on %(date)s.",
                "Published %(count)d statements as archived, issued on %(date)s.",
                "count",
            ),
            refused=_("“%(title)s” was not published: %(reason)s"),
            date=date_format(issued_on, "DATE_FORMAT"),
        )
        return None

    @admin.action(
        permissions=["publish"],
        location=EVERYWHERE,
        description=_("Unschedule"),
        description_plural=_("Unschedule selected statements"),
    )
    def unschedule(self, request: HttpRequest, statements: QuerySet[Statement]) -> None:
        run_on_each(
            self,
            request,
            statements,
            lambda statement: statement.unschedule(by=request.user),
            done=ngettext_lazy(
                "Unscheduled %(count)d statement; it is approved again.",
                "Unscheduled %(count)d statements; they are approved again.",
                "count",
            ),
            refused=_("“%(title)s” was not unscheduled: %(reason)s"),
        )

    @admin.action(
        permissions=["withdraw"],
        location=EVERYWHERE,
        description=_("Withdraw…"),
        description_plural=_("Withdraw selected statements…"),
    )
    def withdraw(
        self, request: HttpRequest, statements: QuerySet[Statement]
    ) -> TemplateResponse | None:
        form = WithdrawForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self.ask(request, statements, "withdraw", form, _("Withdraw statements"))
        run_on_each(
            self,
            request,
            statements,
            lambda statement: statement.withdraw(
                by=request.user, reason=form.cleaned_data["reason"]
            ),
            done=ngettext_lazy(
                "Withdrew %(count)d statement.", "Withdrew %(count)d statements.", "count"
            ),
            refused=_("“%(title)s” was not withdrawn: %(reason)s"),
        )
        return None


class StatementPartAdmin[PartT: Signature | Demand](ChangesPublicPages, admin.ModelAdmin[PartT]):
    """The admin of a statement's own rows, on their own pages.

    Once the statement is in `editors_only`, its rows change at an editor's hand only,
    as the statement does on its own page: no one else adds, changes or deletes them, or
    moves a row onto or off such a statement.
    """

    editors_only: frozenset[str]
    refused_statement: "StrOrPromise"

    def editors_only_for(self, request: HttpRequest, obj: PartT | None) -> bool:
        return (
            obj is not None
            and obj.statement_id is not None
            and obj.statement.status in self.editors_only
            and not may_change_public(request)
        )

    def has_change_permission(self, request: HttpRequest, obj: PartT | None = None) -> bool:
        if self.editors_only_for(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: PartT | None = None) -> bool:
        if self.editors_only_for(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "statement" and not may_change_public(request):
            kwargs["queryset"] = Statement.objects.exclude(status__in=self.editors_only)
            kwargs["error_messages"] = {"invalid_choice": self.refused_statement}
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[PartT]) -> None:
        if not may_change_public(request) and queryset.filter(
            statement__status__in=self.editors_only
        ):
            raise PermissionDenied(self.refused_statement)
        statements = list(queryset.values_list("statement", flat=True))
        super().delete_queryset(request, queryset)
        Statement.objects.filter(pk__in=statements).refresh_search_text()

    # Search finds a statement by its rows (Statement.search_text): each change to one
    # writes the statement's text anew, and a row moved to another statement both.

    def save_model(self, request: HttpRequest, obj: PartT, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        before = form.initial.get("statement") if change else None
        Statement.objects.filter(pk__in={obj.statement_id, before}).refresh_search_text()

    def delete_model(self, request: HttpRequest, obj: PartT) -> None:
        super().delete_model(request, obj)
        Statement.objects.filter(pk=obj.statement_id).refresh_search_text()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # A demand's outcome history (an inline) moves its evidence, which search reads.
        if formsets:
            Statement.objects.filter(pk=form.instance.statement_id).refresh_search_text()


@admin.register(Signature)
class SignatureAdmin(ImportExportMixin, SimpleHistoryAdmin, StatementPartAdmin[Signature]):
    # Signatories may still be gathered while an approved statement waits to be published.
    editors_only = frozenset(FIXED_ONCE_PUBLISHED)
    refused_statement = _(
        "Only an editor changes the signatures of a published, scheduled or withdrawn statement."
    )
    # Filter the list by statement to export one statement's signatories.
    resource_classes = [SignatureResource]
    formats = [CSV, XLSX]
    list_display = ["organisation", "statement", "role", "status", "signed_at", "signatory_name"]
    list_filter = ["status", "role", "statement"]
    list_select_related = ["organisation", "statement"]
    search_fields = [
        "organisation__name",
        "organisation__short_name",
        "statement__title",
        "signatory_name",
    ]
    date_hierarchy = "signed_at"
    autocomplete_fields = ["statement", "organisation"]
    fields = [
        "statement",
        "organisation",
        "role",
        "status",
        "signed_at",
        "signatory_name",
        "signatory_title",
        "order",
    ]
    actions = ["confirm", "decline"]

    def decidable(
        self, request: HttpRequest, signatures: QuerySet[Signature], refused_as: "StrOrPromise"
    ) -> QuerySet[Signature]:
        """The signatures this member of staff may decide on; the others are named as refused."""
        if not may_change_public(request):
            refused = signatures.filter(statement__status__in=self.editors_only)
            if refused_count := refused.count():
                self.message_user(
                    request,
                    refused_as % {"count": refused_count, "reason": self.refused_statement},
                    messages.ERROR,
                )
                signatures = signatures.exclude(pk__in=refused.values("pk"))
        return signatures

    def decide(
        self,
        request: HttpRequest,
        signatures: QuerySet[Signature],
        step: Callable[[Signature], None],
        done: "StrOrPromise",
        left_alone: tuple[set[str], "StrOrPromise"],
    ) -> None:
        """Confirm or decline each signature awaiting staff, through the model, one by one:
        each decision is in the history, and a partner who asked is told."""
        decided_already, left_alone_message = left_alone
        left_alone_count = signatures.filter(status__in=decided_already).count()
        decided = 0
        awaiting = signatures.filter(status__in=Signature.AWAITING)
        for signature in awaiting.select_related("organisation", "statement"):
            try:
                # Re-checked under lock: another member of staff may have decided meanwhile.
                step(signature)
            except ValidationError as error:
                self.message_user(
                    request,
                    _("%(signature)s was left as it is: %(reason)s")
                    % {"signature": signature, "reason": " ".join(error.messages)},
                    messages.WARNING,
                )
            else:
                decided += 1
        if decided:
            self.message_user(request, done % {"count": decided}, messages.SUCCESS)
        if left_alone_count:
            self.message_user(
                request, left_alone_message % {"count": left_alone_count}, messages.WARNING
            )

    @admin.action(permissions=["change"], description=_("Confirm selected signatures"))
    def confirm(self, request: HttpRequest, signatures: QuerySet[Signature]) -> None:
        signatures = self.decidable(
            request,
            signatures,
            ngettext_lazy(
                "%(count)d signature was not confirmed: %(reason)s",
                "%(count)d signatures were not confirmed: %(reason)s",
                "count",
            ),
        )
        self.decide(
            request,
            signatures,
            lambda signature: signature.confirm(by=request.user),
            ngettext_lazy(
                "Confirmed %(count)d signature.", "Confirmed %(count)d signatures.", "count"
            ),
            # A confirmed signature is confirmed again by nobody: it is left as it is, unsaid.
            left_alone=(
                {Signature.Status.DECLINED, Signature.Status.WITHDRAWN},
                ngettext_lazy(
                    "%(count)d signature was declined or withdrawn and was left as it is.",
                    "%(count)d signatures were declined or withdrawn and were left as they are.",
                    "count",
                ),
            ),
        )

    @admin.action(permissions=["change"], description=_("Decline selected signatures…"))
    def decline(
        self, request: HttpRequest, signatures: QuerySet[Signature]
    ) -> TemplateResponse | None:
        form = DeclineForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return ask_before_action(
                self,
                request,
                action="decline",
                title=_("Decline signatures"),
                form=form,
                chosen=[(signature.pk, str(signature)) for signature in signatures],
            )
        signatures = self.decidable(
            request,
            signatures,
            ngettext_lazy(
                "%(count)d signature was not declined: %(reason)s",
                "%(count)d signatures were not declined: %(reason)s",
                "count",
            ),
        )
        self.decide(
            request,
            signatures,
            lambda signature: signature.decline(
                by=request.user, reason=form.cleaned_data["reason"]
            ),
            ngettext_lazy(
                "Declined %(count)d signature.", "Declined %(count)d signatures.", "count"
            ),
            left_alone=(
                {Signature.Status.CONFIRMED, Signature.Status.WITHDRAWN},
                ngettext_lazy(
                    "%(count)d signature was confirmed or withdrawn and was left as it is.",
                    "%(count)d signatures were confirmed or withdrawn and were left as they are.",
                    "count",
                ),
            ),
        )
        return None


class DemandOutcomeInline(admin.TabularInline[DemandOutcome, Demand]):
    """A demand's outcome history, to record a step or put a recorded one right."""

    model = DemandOutcome
    fields = [
        "outcome",
        "outcome_on",
        "evidence_url",
        "evidence_reference",
        "note",
        "recorded_at",
        "recorded_by",
    ]
    readonly_fields = ["recorded_at", "recorded_by"]
    formfield_overrides = COMPACT_WIDGETS
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[DemandOutcome]:
        return super().get_queryset(request).select_related("recorded_by")


class RecordOutcomeForm(forms.ModelForm[DemandOutcome]):
    class Meta:
        model = DemandOutcome
        fields = ["outcome", "outcome_on", "evidence_url", "evidence_reference", "note"]
        widgets = {
            "outcome_on": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 3, "cols": 60}),
        }


@admin.register(Demand)
class DemandAdmin(SimpleHistoryAdmin, StatementPartAdmin[Demand]):
    # The demands are part of the text an editor approves.
    editors_only = frozenset(EDITORS_ONLY_ONCE_APPROVED)
    refused_statement = _(
        "Only an editor changes the demands of an approved, published, scheduled or "
        "withdrawn statement."
    )
    list_display = ["__str__", "statement", "addressee", "law", "outcome", "outcome_on"]
    list_filter = ["outcome", "action"]
    list_select_related = ["statement", "addressee", "law"]
    search_fields = ["text", "statement__title", "law__common_title", "law__official_title"]
    date_hierarchy = "outcome_on"
    autocomplete_fields = ["statement", "addressee", "law", "provision"]
    # The outcome shown is the latest of the history below, where outcomes are recorded.
    readonly_fields = list(Demand.OUTCOME_FIELDS)
    fieldsets = [
        (
            None,
            {"fields": ["statement", "order", "action", "addressee", "law", "provision", "text"]},
        ),
        (_("Outcome"), {"fields": [*Demand.OUTCOME_FIELDS]}),
    ]
    inlines = [DemandOutcomeInline]
    actions = ["record_outcome"]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not DemandOutcome:
            super().save_formset(request, form, formset, change)
            return
        steps = formset.save(commit=False)
        for step in steps:
            if step.pk is None:
                step.recorded_by = request.user if request.user.is_authenticated else None
            step.save()
        for step in formset.deleted_objects:
            step.delete()
        if formset.has_changed():
            form.instance.follow_outcome_history(by=request.user)

    @admin.action(permissions=["change"], description=_("Record an outcome of selected demands…"))
    def record_outcome(
        self, request: HttpRequest, demands: QuerySet[Demand]
    ) -> TemplateResponse | None:
        form = RecordOutcomeForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            chosen = [
                (
                    demand.pk,
                    f"{demand} — {demand.statement} ({demand.get_outcome_display().lower()})",
                )
                for demand in demands.select_related("statement")
            ]
            return ask_before_action(
                self,
                request,
                action="record_outcome",
                title=_("Record an outcome"),
                form=form,
                chosen=chosen,
                note=_(
                    "The outcome is added to the history of each of these demands, with your "
                    "name and the time."
                ),
            )
        if not may_change_public(request):
            refused = demands.filter(statement__status__in=self.editors_only)
            if refused_count := refused.count():
                self.message_user(
                    request,
                    ngettext(
                        "The outcome of %(count)d demand was not recorded: %(reason)s",
                        "The outcomes of %(count)d demands were not recorded: %(reason)s",
                        refused_count,
                    )
                    % {"count": refused_count, "reason": self.refused_statement},
                    messages.ERROR,
                )
                demands = demands.exclude(pk__in=refused.values("pk"))
        step = form.cleaned_data
        recorded = 0
        # One by one, through the model: each is a step of its demand's history.
        for demand in demands.select_related("statement"):
            demand.record_outcome(
                step["outcome"],
                step["outcome_on"],
                evidence_url=step["evidence_url"],
                evidence_reference=step["evidence_reference"],
                note=step["note"],
                by=request.user,
            )
            recorded += 1
        if recorded:
            self.message_user(
                request,
                ngettext(
                    "Recorded the outcome of %(count)d demand.",
                    "Recorded the outcome of %(count)d demands.",
                    recorded,
                )
                % {"count": recorded},
                messages.SUCCESS,
            )
        return None


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin[Transition]):
    """The workflow log. It is written by the workflow and by nothing else."""

    list_display = ["at", "statement", "from_status", "to_status", "by", "note"]
    list_filter = ["to_status", "from_status"]
    list_select_related = ["statement", "by"]
    search_fields = ["statement__title", "note", "by__username"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Transition | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Transition | None = None) -> bool:
        return False


class PreviewLinkForm(forms.ModelForm[PreviewLink]):
    def clean_expires_at(self) -> datetime:
        expires_at: datetime = self.cleaned_data["expires_at"]
        if expires_at <= timezone.now():
            raise ValidationError(_("Choose a time in the future."))
        return expires_at


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin[PreviewLink]):
    """Links to a statement not yet public, for colleagues without a staff account.

    The link is shown once, when it is made: only a hash of its token is kept.
    """

    form = PreviewLinkForm
    list_display = ["statement", "note", "created_by", "created_at", "expires_at", "state"]
    list_filter = ["revoked_at"]
    list_select_related = ["statement", "created_by"]
    search_fields = ["statement__title", "note"]
    autocomplete_fields = ["statement"]
    fields = ["statement", "note", "expires_at", "state", "created_by", "created_at"]
    readonly_fields = ["state", "created_by", "created_at"]
    actions = ["revoke"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {
            **super().get_changeform_initial_data(request),
            "expires_at": timezone.now() + timedelta(days=7),
        }

    def get_readonly_fields(self, request: HttpRequest, obj: PreviewLink | None = None) -> Any:
        # A link points at one statement for its life.
        return [*self.readonly_fields, "statement"] if obj else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: PreviewLink, form: Any, change: bool) -> None:
        token = None
        if not change:
            token = obj.issue_token()
            obj.created_by = request.user if request.user.is_authenticated else None
        super().save_model(request, obj, form, change)
        if token:
            self.message_user(
                request,
                gettext("The preview link, shown only this once, valid until %(time)s: %(url)s")
                % {
                    "time": date_format(timezone.localtime(obj.expires_at), "DATETIME_FORMAT"),
                    "url": request.build_absolute_uri(PreviewLink.url_for(token)),
                },
                messages.SUCCESS,
            )

    @admin.display(description=_("state"))
    def state(self, link: PreviewLink) -> str:
        if link.pk is None:
            return self.get_empty_value_display()
        if link.revoked_at:
            return gettext("Revoked")
        if not link.is_valid:
            return gettext("Expired")
        return gettext("Valid")

    @admin.action(permissions=["change"], description=_("Revoke selected preview links"))
    def revoke(self, request: HttpRequest, links: QuerySet[PreviewLink]) -> None:
        revoked = links.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(
            request,
            ngettext("Revoked %(count)d link.", "Revoked %(count)d links.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )


# --- partner API records ---------------------------------------------------------------


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin[Change]):
    """The change feed partners poll; written by the workflow, never by hand."""

    list_display = ["visible_from", "kind", "statement", "announced_at"]
    list_filter = ["kind"]
    list_select_related = ["statement"]
    date_hierarchy = "visible_from"
    search_fields = ["statement__title"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Change | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Change | None = None) -> bool:
        return False


@admin.register(EmbargoedRead)
class EmbargoedReadAdmin(admin.ModelAdmin[EmbargoedRead]):
    """Who read which statement before its publish time."""

    list_display = ["read_at", "statement", "organisation", "key_prefix", "path"]
    list_filter = ["organisation"]
    list_select_related = ["statement", "organisation"]
    date_hierarchy = "read_at"
    search_fields = ["statement__title", "key_prefix", "organisation__name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: EmbargoedRead | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: EmbargoedRead | None = None) -> bool:
        return False
