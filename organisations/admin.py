from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.filters import CountryFilter
from import_export.admin import ImportExportMixin
from modeltranslation.admin import TranslationAdmin
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey
from simple_history.admin import SimpleHistoryAdmin

from addresses.admin import KeptAddressesAdmin
from campaigns.public import public_organisations
from lib.admin_languages import fieldsets_per_language
from lib.change_feed import DELETED, tell_change_feed
from lib.spreadsheet_rows import CSV, XLSX

from .logos import LogoField
from .models import (
    Organisation,
    OrganisationIdentifier,
    OrganisationParent,
    PartnerKey,
    PressContact,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from .resources import OrganisationResource
from .webhooks import send_test_event


class OrganisationParentInline(admin.TabularInline[OrganisationParent, Organisation]):
    model = OrganisationParent
    fk_name = "programme"
    autocomplete_fields = ["parent"]
    fields = ["parent", "order"]
    extra = 0


class OrganisationIdentifierInline(admin.TabularInline[OrganisationIdentifier, Organisation]):
    model = OrganisationIdentifier
    fields = ["scheme", "value", "label"]
    extra = 0


class PressContactInline(admin.TabularInline[PressContact, Organisation]):
    model = PressContact
    fields = ["name", "role", "email", "phone", "languages", "order", "is_active"]
    extra = 0


class LabelledFileInput(AdminFileWidget):
    """The admin's file input with a label of its own: Django puts a clearable file input
    in a fieldset whose legend names it, which leaves the input itself without a name for
    screen readers (axe: label)."""

    use_fieldset = False


@admin.register(Organisation)
class OrganisationAdmin(
    KeptAddressesAdmin[Organisation],
    ImportExportMixin,
    SimpleHistoryAdmin,
    TranslationAdmin[Organisation],
):
    resource_classes = [OrganisationResource]
    formats = [CSV, XLSX]
    formfield_overrides = {LogoField: {"widget": LabelledFileInput}}
    list_display = ["name", "short_name", "kind", "country", "is_active"]
    list_filter = ["kind", "is_active", ("country", CountryFilter)]
    # An identifier finds its organisation: staff paste a charity number or a Wikidata id.
    search_fields = ["name", "short_name", "other_names", "identifiers__value"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["programmes_run"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "short_name",
                    "slug",
                    "kind",
                    "country",
                    "website",
                    "logo",
                    "is_active",
                ]
            },
        ),
        *fieldsets_per_language(["name", "description"]),
        (_("Other names"), {"fields": ["other_names", "display_as"]}),
        (_("Joint programmes"), {"fields": ["programmes_run"]}),
    ]
    inlines = [OrganisationIdentifierInline, OrganisationParentInline, PressContactInline]

    def has_public_address(self, obj: Organisation) -> bool:
        # An organisation's page is public once it has something public (see its view).
        return public_organisations().filter(pk=obj.pk).exists()

    # The organisation's save() and delete() tell the change feed, change the public pages,
    # and once the transaction commits have the statements showing it found by it anew and
    # their API answers rebuilt (lib/change_feed.py), not the admin.

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        # QuerySet.delete() skips each organisation's delete(), which tells the change
        # feed first (only a public organisation's deletion is recorded: the others were
        # never shown).
        with transaction.atomic():
            for pk in queryset.values_list("pk", flat=True):
                tell_change_feed("organisation", pk, DELETED)
            super().delete_queryset(request, queryset)

    @admin.display(description=_("programmes it runs"))
    def programmes_run(self, organisation: Organisation) -> SafeString | str:
        if organisation.pk is None:
            return self.get_empty_value_display()
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:organisations_organisation_change", args=[programme.pk]), programme)
                for programme in organisation.programmes.all()
            ),
        )
        return links or self.get_empty_value_display()


# --- partner access --------------------------------------------------------------------

# The library's own key has no organisation and no scopes: partners use PartnerKey only.
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)


@admin.register(PartnerKey)
class PartnerKeyAdmin(APIKeyModelAdmin):
    """The full key is shown once, in a message, when the key is created; only its hash is kept."""

    list_display = [  # type: ignore[assignment]
        "prefix",
        "name",
        "organisation",
        "can_read_embargoed",
        "can_sign",
        "created",
        "expiry_date",
        "_has_expired",
        "revoked",
    ]
    list_filter = ["revoked", "can_read_embargoed", "can_sign", "created"]  # type: ignore[assignment]
    list_select_related = ["organisation"]
    search_fields = [  # type: ignore[assignment]
        "name",
        "prefix",
        "organisation__name",
        "organisation__short_name",
    ]
    autocomplete_fields = ["organisation"]
    fields = [
        "name",
        "organisation",
        "prefix",
        "can_read_embargoed",
        "can_sign",
        "contact_email",
        "requests_per_minute",
        "expiry_date",
        "revoked",
    ]


class WebhookAttemptInline(admin.TabularInline[WebhookAttempt, WebhookDelivery]):
    model = WebhookAttempt
    fields = readonly_fields = [  # type: ignore[assignment]
        "attempted_at",
        "status_code",
        "duration_ms",
        "error",
        "response_body",
    ]
    can_delete = False
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: WebhookDelivery | None) -> bool:  # type: ignore[override]
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin[WebhookEndpoint]):
    list_display = [
        "url",
        "organisation",
        "sends_published",
        "sends_corrected",
        "sends_withdrawn",
        "is_active",
    ]
    list_filter = ["is_active"]
    list_select_related = ["organisation"]
    search_fields = ["url", "organisation__name"]
    autocomplete_fields = ["organisation"]
    fields = [
        "organisation",
        "url",
        "sends_published",
        "sends_corrected",
        "sends_withdrawn",
        "sends_sign_on",
        "is_active",
    ]
    actions = ["send_test_event", "replace_secret"]

    def save_model(
        self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            self.show_secret_once(request, obj)

    def show_secret_once(self, request: HttpRequest, endpoint: WebhookEndpoint) -> None:
        # Like a partner key, the secret is given once: the page that shows it is the
        # only one that ever does, so it is not left on screens or in screenshots.
        self.message_user(
            request,
            _(
                "The signing secret of %(url)s is %(secret)s — give it to the partner now: "
                "it will not be shown again."
            )
            % {"url": endpoint.url, "secret": endpoint.secret},
            messages.WARNING,
        )

    @admin.action(permissions=["change"], description=_("Replace the signing secret"))
    def replace_secret(self, request: HttpRequest, endpoints: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in endpoints:
            endpoint.replace_secret()
            self.show_secret_once(request, endpoint)

    @admin.action(permissions=["change"], description=_("Send a test event"))
    def send_test_event(self, request: HttpRequest, endpoints: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in endpoints.select_related("organisation"):
            send_test_event(endpoint)
        self.message_user(
            request,
            ngettext(
                "A test event was queued for %(count)d endpoint: see the deliveries.",
                "A test event was queued for %(count)d endpoints: see the deliveries.",
                len(endpoints),
            )
            % {"count": len(endpoints)},
            messages.SUCCESS,
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin[WebhookDelivery]):
    """The log: every event sent to every endpoint, with each attempt and its answer."""

    list_display = [
        "event",
        "endpoint",
        "status",
        "attempt_count",
        "created_at",
        "delivered_at",
        "next_attempt_at",
    ]
    list_filter = ["status", "event"]
    list_select_related = ["endpoint"]
    search_fields = ["event_id", "endpoint__url"]
    date_hierarchy = "created_at"
    fields = readonly_fields = [  # type: ignore[assignment]
        "endpoint",
        "event",
        "event_id",
        "status",
        "attempt_count",
        "created_at",
        "next_attempt_at",
        "delivered_at",
        "payload",
    ]
    inlines = [WebhookAttemptInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: WebhookDelivery | None = None
    ) -> bool:
        return False
