from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Organisation, OrganisationParent, PressContact
from .resources import OrganisationResource


class OrganisationParentInline(admin.TabularInline[OrganisationParent, Organisation]):
    model = OrganisationParent
    fk_name = "programme"
    autocomplete_fields = ["parent"]
    fields = ["parent", "order"]
    extra = 0


class PressContactInline(admin.TabularInline[PressContact, Organisation]):
    model = PressContact
    fields = ["name", "role", "email", "phone", "languages", "order", "is_active"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(ImportExportMixin, SimpleHistoryAdmin, TranslationAdmin[Organisation]):
    resource_classes = [OrganisationResource]
    formats = [CSV, XLSX]
    list_display = ["name", "short_name", "kind", "country", "is_active"]
    list_filter = ["kind", "is_active", ("country", CountryFilter)]
    search_fields = ["name", "short_name", "other_names"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["programmes_run"]
    fieldsets = [
        (
            None,
            {"fields": ["name", "short_name", "slug", "kind", "country", "website", "is_active"]},
        ),
        (_("Description"), {"fields": ["description", "other_names", "display_as"]}),
        (_("Joint programmes"), {"fields": ["programmes_run"]}),
    ]
    inlines = [OrganisationParentInline, PressContactInline]

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
