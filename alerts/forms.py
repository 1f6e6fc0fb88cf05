from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from campaigns.models import Campaign
from campaigns.public import public_organisations
from legislation.models import Law
from organisations.models import Organisation

from .models import Subscription


class SubscribeForm(forms.Form):
    """An address and a topic. The topics that are pages (a campaign, an organisation, a
    law) come from those pages' small forms; only public ones are accepted."""

    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    kind = forms.ChoiceField(
        label=_("Alerts about"), choices=Subscription.Kind, initial=Subscription.Kind.ALL
    )
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.all(), required=False, widget=forms.HiddenInput
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, widget=forms.HiddenInput
    )
    law = forms.ModelChoiceField(
        queryset=Law.objects.all(), required=False, widget=forms.HiddenInput
    )
    country = forms.ChoiceField(label=_("Country"), choices=[("", "—"), *countries], required=False)
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Subscription.Frequency,
        initial=Subscription.Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(label=_("Language of the e-mails"), choices=settings.LANGUAGES)
    # Hidden from people (and from screen readers); simple bots fill in every field.
    website = forms.CharField(label=_("Leave this empty"), required=False)

    TARGETS: dict[str, str] = {
        Subscription.Kind.CAMPAIGN: "campaign",
        Subscription.Kind.ORGANISATION: "organisation",
        Subscription.Kind.LAW: "law",
        Subscription.Kind.COUNTRY: "country",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read per request: who is public depends on the clock (the publication gate).
        self.fields["organisation"].queryset = public_organisations()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        target = self.TARGETS.get(data.get("kind", ""), "")
        if target and not data.get(target):
            message = (
                _("Choose a country.")
                if target == "country"
                else _("This topic no longer exists: start again from its page.")
            )
            raise forms.ValidationError(message)
        # Only the chosen topic's field is kept.
        for field in self.TARGETS.values():
            if field != target:
                data[field] = "" if field == "country" else None
        return data

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def topic(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "campaign": data["campaign"],
            "organisation": data["organisation"],
            "law": data["law"],
            "country": data["country"],
        }


class ManageLinkForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    website = forms.CharField(label=_("Leave this empty"), required=False)
