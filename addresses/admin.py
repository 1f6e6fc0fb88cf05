"""The admin side of addresses that last: a public page's address changes only when the
editor has been told, and the earlier addresses can be seen (and, deliberately, freed)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest
from django.urls import NoReverseMatch
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from operations.changes import ChangesPublicPages

from .models import FormerAddress


class ConfirmationField(forms.CharField):
    """The address an editor was told a page moves to. Bookkeeping, never a change."""

    widget = forms.HiddenInput

    def has_changed(self, initial: Any, data: Any) -> bool:
        return False


class KeptAddressForm[M: models.Model](forms.ModelForm[M]):
    """A change form that says so before a public page moves to another address.

    The first save that moves it is refused with a note beside the slug: where the page
    is, where it goes, and that the old address will lead there. The note's address is
    kept in the form, so saving again moves the page; changing the slug again asks again.
    """

    confirmed_address = ConfirmationField(required=False, label=_("Address confirmed"))

    # The page's public address as it stands, or None when it has no public page: set by
    # KeptAddressesAdmin.get_form.
    public_address: str | None = None
    # Where the page moves to, once the form is valid; None when it stays.
    moved_to: str | None = None

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # the instance now holds what was typed
        if self.public_address is None or self.has_error("slug"):
            return
        try:
            address = self.instance.get_absolute_url()  # type: ignore[attr-defined]
        except NoReverseMatch:
            return  # an address part is not valid: its field says so
        if address == self.public_address:
            return
        self.moved_to = address
        if self.cleaned_data.get("confirmed_address") == address:
            return
        data = self.data.copy()  # type: ignore[attr-defined]
        data[self.add_prefix("confirmed_address")] = address
        self.data = data
        self.add_error(
            "slug",
            forms.ValidationError(
                _(
                    "This page is public at %(old)s. Saved, it moves to %(new)s, and the old "
                    "address will lead there for good: links to it keep working, and nothing "
                    "else can take it. Save again to move the page, or put the slug back."
                ),
                code="address_moves",
                params={"old": self.public_address, "new": address},
            ),
        )


class KeptAddressesAdmin[M: models.Model](ChangesPublicPages, admin.ModelAdmin[M]):
    """For the admin of a model whose pages keep their earlier addresses (public pages,
    which each save changes)."""

    form = KeptAddressForm  # type: ignore[assignment]

    def has_public_address(self, obj: M) -> bool:
        """Whether the public can read this object's page now."""
        return True

    def get_form(
        self, request: HttpRequest, obj: M | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[M]]:
        form = super().get_form(request, obj, change=change, **kwargs)
        if not issubclass(form, KeptAddressForm) or obj is None:
            return form
        if hasattr(obj, "_history"):
            # Restoring an earlier version from the history: the page is where the object
            # stands now, not where it stood then.
            obj = self.model._base_manager.get(pk=obj.pk)
        if self.has_public_address(obj):
            # A class made for this request (modelform_factory's): it is nobody else's.
            form.public_address = obj.get_absolute_url()  # type: ignore[attr-defined]
        return form

    def get_fieldsets(self, request: HttpRequest, obj: M | None = None) -> Any:
        """The hidden confirmation, beside the slug."""
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [field for field in options["fields"] if field != "confirmed_address"]
            if obj is not None and "slug" in fields and self.has_change_permission(request, obj):
                fields.insert(fields.index("slug") + 1, "confirmed_address")
            fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # After the object and what it holds are saved, whichever way the save went.
        super().save_related(request, form, formsets, change)
        if isinstance(form, KeptAddressForm) and form.public_address and form.moved_to:
            self.message_user(
                request,
                gettext("The old address %(old)s now redirects to %(new)s.")
                % {"old": form.public_address, "new": form.moved_to},
                messages.SUCCESS,
            )


@admin.register(FormerAddress)
class FormerAddressAdmin(ChangesPublicPages, admin.ModelAdmin[FormerAddress]):
    """Earlier addresses are kept by saving their pages, never typed. Deleting one frees
    it for another page: its old links then lead to that page, or nowhere."""

    list_display = ["__str__", "content_type", "page", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["slug"]
    fields = readonly_fields = ["content_type", "scope", "slug", "page", "created_at"]  # type: ignore[assignment]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[FormerAddress]:
        # The pages in one query per kind, not one per row.
        return (
            super()
            .get_queryset(request)
            .select_related("content_type")
            .prefetch_related("content_object")
        )

    @admin.display(description=_("now at"))
    def page(self, former: FormerAddress) -> SafeString | str:
        page = former.content_object
        if page is None:
            return self.get_empty_value_display()
        return format_html('<a href="{}">{}</a>', page.get_absolute_url(), page)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: FormerAddress | None = None) -> bool:
        return False
