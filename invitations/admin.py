from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from campaigns.admin import EVERYWHERE, ask_before_action, run_on_each
from lib.dates import date_format

from .models import DEFAULT_OPEN_FOR, Invitation


class InvitationForm(forms.ModelForm[Invitation]):
    """A new invitation: whom, for which organisation, by when; and, for an address outside
    the organisation's domain, staff's word that the person may sign for it."""

    domain_exception = forms.BooleanField(
        label=_("I confirm this person may sign for the organisation"),
        required=False,
        help_text=_(
            "Needed when the address is not at the domain of the organisation's website. "
            "Your name and the time are recorded with the invitation."
        ),
    )

    class Meta:
        model = Invitation
        fields = ["statement", "organisation", "name", "email", "language", "deadline", "message"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "deadline" in self.fields:  # only a new invitation's form has fields to fill
            self.fields["deadline"].initial = lambda: timezone.now() + DEFAULT_OPEN_FOR

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        organisation, email = cleaned.get("organisation"), cleaned.get("email")
        if organisation is not None and email:
            try:
                Invitation(organisation=organisation, email=email).check_address(
                    bool(cleaned.get("domain_exception"))
                )
            except ValidationError as refusal:
                self.add_error(None, refusal)
        return cleaned


class SendAgainForm(forms.Form):
    deadline = forms.SplitDateTimeField(
        label=_("New deadline"),
        widget=admin.widgets.AdminSplitDateTime,
        help_text=_("The new link stops working then. One reminder is sent a few days before."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deadline"].initial = lambda: timezone.now() + DEFAULT_OPEN_FOR


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    """Invitations are issued here and then only read: an answer comes through the link.
    An unanswered one can be revoked, or sent again with a new link and deadline."""

    form = InvitationForm
    actions = ["revoke", "send_again"]
    list_display = [
        "organisation",
        "name",
        "email",
        "statement",
        "purpose",
        "state",
        "deadline",
        "sent_at",
        "reminded_at",
    ]
    list_filter = ["purpose", "answer", "language"]
    list_select_related = ["organisation", "statement", "revoked_by"]
    search_fields = ["name", "email", "organisation__name", "statement__title"]
    autocomplete_fields = ["statement", "organisation"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "statement",
        "organisation",
        "purpose",
        "name",
        "email",
        "language",
        "deadline",
        "message",
        "state",
        "address_check",
        "created_by",
        "created_at",
        "sent_at",
        "remind_at",
        "reminded_at",
        "answered_at",
        "signed_name",
        "signed_title",
        "signed_version",
        "signed_text",
        "decline_reason",
        "revoked_by",
        "revoked_at",
        "replaced_by",
    ]

    def get_fields(self, request: HttpRequest, obj: Invitation | None = None) -> Any:
        if obj is None:
            return [*InvitationForm.Meta.fields, "domain_exception"]
        return self.readonly_fields

    def get_readonly_fields(self, request: HttpRequest, obj: Invitation | None = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Invitation | None = None) -> bool:
        # The record of who was asked, and what they signed, is kept.
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Invitation]:
        return (
            super().get_queryset(request).select_related("organisation", "statement", "revoked_by")
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        # Nothing of an issued invitation is changed through its form: no Save buttons,
        # only the actions (revoke, send again).
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: Invitation, form: Any, change: bool) -> None:
        if change:
            return  # nothing of an issued invitation changes here
        obj.issue(by=request.user, domain_exception=form.cleaned_data["domain_exception"])
        self.message_user(
            request,
            _("The invitation is being sent to %(email)s.") % {"email": obj.email},
            messages.SUCCESS,
        )

    @admin.display(description=_("state"))
    def state(self, invitation: Invitation) -> str:
        if invitation.answer and invitation.answered_at:
            return gettext("%(answer)s on %(date)s") % {
                "answer": invitation.get_answer_display(),
                "date": date_format(invitation.answered_at),
            }
        if invitation.revoked_at is not None:
            revoked = {
                "user": invitation.revoked_by or gettext("a former member of staff"),
                "date": date_format(invitation.revoked_at),
            }
            if invitation.replaced_by_id is not None:
                return gettext("Sent again by %(user)s on %(date)s") % revoked
            return gettext("Revoked by %(user)s on %(date)s") % revoked
        if invitation.statement_withdrawn:
            return gettext("Closed: the statement was withdrawn")
        if invitation.is_expired:
            return gettext("Expired, not answered")
        if invitation.sent_at is None:
            return gettext("Waiting to be sent")
        return gettext("Sent, not answered yet")

    @admin.display(description=_("address"))
    def address_check(self, invitation: Invitation) -> str:
        if invitation.domain_exception_at is not None:
            return gettext(
                "Outside the organisation's domain; confirmed by %(user)s on %(date)s"
            ) % {
                "user": invitation.domain_exception_by or gettext("a former member of staff"),
                "date": date_format(invitation.domain_exception_at),
            }
        if invitation.domain_matches:
            return gettext("At the domain of the organisation's website")
        return gettext("Taken from the earlier signature it confirms")

    # --- revoking and sending again -----------------------------------------------------
    #
    # Gated by the change permission, as the other actions on a record's own rows are
    # (confirming signatures, revoking preview links): they change an issued invitation.

    def chosen(self, invitations: QuerySet[Invitation]) -> list[tuple[int, str]]:
        return [
            (invitation.pk, f"{invitation}: {self.state(invitation)}") for invitation in invitations
        ]

    @admin.action(
        permissions=["change"],
        location=EVERYWHERE,
        description=_("Revoke…"),
        description_plural=_("Revoke the selected invitations…"),
    )
    def revoke(
        self, request: HttpRequest, invitations: QuerySet[Invitation]
    ) -> TemplateResponse | None:
        confirmed = forms.Form(request.POST if "apply" in request.POST else None)
        if not confirmed.is_valid():
            return ask_before_action(
                self,
                request,
                action="revoke",
                title=_("Revoke invitations"),
                form=confirmed,
                chosen=self.chosen(invitations),
                note=_(
                    "Their links stop working at once and no reminder is sent. An invitation "
                    "already answered is left as it is."
                ),
            )
        run_on_each(
            self,
            request,
            invitations,
            lambda invitation: invitation.revoke(by=request.user),
            done=ngettext_lazy(
                "Revoked %(count)d invitation.", "Revoked %(count)d invitations.", "count"
            ),
            refused=_("“%(invitation)s” was not revoked: %(reason)s"),
            named="invitation",
        )
        return None

    @admin.action(
        permissions=["change"],
        location=EVERYWHERE,
        description=_("Send again…"),
        description_plural=_("Send the selected invitations again…"),
    )
    def send_again(
        self, request: HttpRequest, invitations: QuerySet[Invitation]
    ) -> TemplateResponse | None:
        form = SendAgainForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return ask_before_action(
                self,
                request,
                action="send_again",
                title=_("Send invitations again"),
                form=form,
                chosen=self.chosen(invitations),
                note=_(
                    "Each is revoked and a new invitation is sent in its place, to the same "
                    "contact with the same note: a new link, the deadline below, and one "
                    "reminder. The old link stops working."
                ),
            )
        deadline = form.cleaned_data["deadline"]
        run_on_each(
            self,
            request,
            invitations,
            lambda invitation: invitation.send_again(by=request.user, deadline=deadline),
            done=ngettext_lazy(
                "Sent %(count)d invitation again.", "Sent %(count)d invitations again.", "count"
            ),
            refused=_("“%(invitation)s” was not sent again: %(reason)s"),
            named="invitation",
        )
        return None
