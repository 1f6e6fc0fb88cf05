from typing import cast

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import factors
from .models import SignInRecord

# Nobody sees or adds another person's second factor: an administrator who could would
# hold that person's account. django-otp's own admin pages for them are taken away;
# resetting a staff member's factors is an action on the user.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)

EVERYWHERE = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]


@admin.register(SignInRecord)
class SignInRecordAdmin(admin.ModelAdmin[SignInRecord]):
    """Who signed in, who was refused, and changes to how accounts sign in: a record
    that is read, never written, here."""

    list_display = ["at", "user", "event", "method", "detail", "address", "browser", "by"]
    list_filter = ["event", "method", ("user", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__email", "address"]
    list_select_related = ["user", "by"]
    ordering = ["-at", "-pk"]
    readonly_fields = [
        "at",
        "user",
        "event",
        "method",
        "detail",
        "address",
        "browser",
        "user_agent",
        "by",
    ]

    @admin.display(description=gettext_lazy("browser"))
    def browser(self, record: SignInRecord) -> str:
        return record.browser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SignInRecord | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SignInRecord | None = None) -> bool:
        return False


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Django's user admin, with each user's second factors shown (never their secrets)
    and an action to reset them for a staff member who lost their phone or key."""

    actions = ["reset_second_factors"]
    readonly_fields = ["second_factors"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (gettext_lazy("Signing in"), {"fields": ["second_factors"]}),
    )

    @admin.display(description=gettext_lazy("second factors"))
    def second_factors(self, user: User) -> SafeString | str:
        found = factors.SecondFactors.of(user)
        if not found.any:
            return _("None: signs in with a password alone.")
        listed = format_html_join(
            "",
            "<li>{} — {}</li>",
            (
                (
                    device.name,
                    _("last used %(when)s") % {"when": f"{device.last_used_at:%Y-%m-%d %H:%M}"}
                    if device.last_used_at
                    else _("never used"),
                )
                for _kind, device in found.listed()
            ),
        )
        codes = _("%(count)d recovery codes left") % {"count": found.recovery_codes_left}
        return format_html("<ul>{}</ul><p>{}</p>", listed, codes)

    def has_reset_second_factors_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("staff.reset_second_factors")

    @admin.action(
        permissions=["reset_second_factors"],
        location=EVERYWHERE,
        description=gettext_lazy("Reset second factors…"),
        description_plural=gettext_lazy("Reset the second factors of the selected users…"),
    )
    def reset_second_factors(
        self, request: HttpRequest, users: QuerySet[User]
    ) -> TemplateResponse | None:
        """Every app, passkey and recovery code of the users goes, and every session they
        have; they sign in next with their password and set up a new factor."""
        administrator = cast(User, request.user)
        others = users.exclude(pk=administrator.pk)
        if len(others) < len(users) and ("apply" in request.POST or not others):
            self.message_user(
                request,
                _("Your own second factors are changed on your security page, not here."),
                messages.WARNING,
            )
        users = others
        if not users:
            return None
        if "apply" not in request.POST:
            change_form_field = f"{admin.ActionLocation.CHANGE_FORM.value}-action"
            return TemplateResponse(
                request,
                "admin/staff/reset_second_factors.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Reset second factors"),
                    "opts": self.opts,
                    "users": users,
                    "action_field": change_form_field
                    if change_form_field in request.POST
                    else "action",
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        for user in users:
            factors.reset(user)
            SignInRecord.objects.record(
                request, user, SignInRecord.Event.FACTORS_RESET, by=administrator
            )
            factors.tell_by_email(
                user,
                _("Your second factors were reset"),
                _(
                    "An administrator (%(admin)s) removed the passkeys, authenticator "
                    "apps and recovery codes of your account (%(username)s) and ended its "
                    "sessions, at %(when)s. Sign in with your password and set up a new "
                    "second factor. If you did not ask for this, tell another "
                    "administrator at once."
                )
                % {
                    "admin": administrator.get_username(),
                    "username": user.get_username(),
                    "when": factors.now_text(),
                },
            )
        self.message_user(
            request,
            ngettext(
                "Reset the second factors of %(count)d user.",
                "Reset the second factors of %(count)d users.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )
        return None
