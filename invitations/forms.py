from django import forms
from django.utils.translation import gettext_lazy as _


class SignForm(forms.Form):
    """The invitee signs for the organisation: who they are, and the text they read."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    title = forms.CharField(
        label=_("Your title"),
        max_length=200,
        required=False,
        help_text=_("Your position in the organisation, as it should be shown."),
    )
    text = forms.CharField(widget=forms.HiddenInput)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Read by the coalition's staff only."),
    )
