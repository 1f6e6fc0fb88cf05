from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    """Invitations are issued here and then only read: an answer comes through the link."""

    form = InvitationForm
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
    list_select_related = ["organisation", "statement"]
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
        return super().get_queryset(request).select_related("organisation", "statement")

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
                "date": formats.date_format(invitation.answered_at),
            }
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
                "date": formats.date_format(invitation.domain_exception_at),
            }
        if invitation.domain_matches:
            return gettext("At the domain of the organisation's website")
        return gettext("Taken from the earlier signature it confirms")
