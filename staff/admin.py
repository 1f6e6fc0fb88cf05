from django.contrib import admin
from django.http import HttpRequest

from .models import TOTPDevice


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin[TOTPDevice]):
    """Who has an authenticator app. Deleting one lets a staff member who lost their phone
    sign in with their password and set up a new one; the secret is never shown."""

    list_display = ["user", "created_at", "last_used_at"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    fields = ["user", "created_at", "last_used_at"]
    readonly_fields = ["user", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Enrolment needs the staff member's phone: it happens on their own page.
        return False
