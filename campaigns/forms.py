from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from modeltranslation.utils import build_localized_fieldname

from legislation.models import Law
from organisations.models import Organisation

from .models import Campaign, Demand, Statement
from .search import MAX_QUERY_LENGTH, clean_query

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


class NamedRowField(forms.CharField):
    """A row named by its key (slug or id) or by its name, whole or in part, in any language.

    A list to choose from would hold every organisation that has signed something public,
    every campaign, every law: at scale, thousands of options and most of the page's
    weight. One that is not found, or several that match, are reported with the filter,
    like any other value that matches nothing.
    """

    widget = forms.TextInput(attrs={"type": "search", "autocomplete": "off"})
    shown_when_several = 5

    def __init__(
        self,
        queryset: QuerySet[Any],
        *,
        key: str,
        names: tuple[str, ...],
        not_found: "StrOrPromise",
        ambiguous: "StrOrPromise",
        **kwargs: Any,
    ) -> None:
        super().__init__(max_length=200, **kwargs)
        self.queryset = queryset
        self.key = key
        # Every language's column of each translated name.
        self.names = [
            build_localized_fieldname(name, code)
            for name in names
            for code, _language in settings.LANGUAGES
        ]
        self.error_messages.update({"not_found": not_found, "ambiguous": ambiguous})

    def matching(self, lookup: str, text: str) -> Q:
        found = Q()
        for name in self.names:
            found |= Q(**{f"{name}__{lookup}": text})
        return found

    def clean(self, value: Any) -> Any:
        text = super().clean(value).strip()
        if not text:
            return None
        # The key first, alone: its unique index answers at once, where the names (in
        # every language, ignoring case) are read row by row.
        if self.key != "pk" or (text.isascii() and text.isdigit()):
            keyed = list(self.queryset.filter(**{self.key: text})[:1])
            if keyed:
                return keyed[0]
        exact = list(self.queryset.filter(self.matching("iexact", text))[:2])
        if len(exact) == 1:
            return exact[0]
        found = list(
            self.queryset.filter(self.matching("icontains", text))[: self.shown_when_several]
        )
        if len(found) == 1:
            return found[0]
        code = "ambiguous" if found else "not_found"
        raise forms.ValidationError(
            self.error_messages[code],
            code=code,
            params={"text": text, "names": ", ".join(str(row) for row in found)},
        )


class StatementFilterForm(forms.Form):
    """The filters of /statements/. A value that matches nothing is reported, not fatal."""

    campaign = NamedRowField(
        Campaign.objects.order_by("title"), key="slug", names=("title",), required=False,
        label=_("Campaign"),
        not_found=_("No campaign is called “%(text)s”."),
        ambiguous=_(
            "Several campaigns match “%(text)s”, among them %(names)s: type more of the name."
        ),
    )  # fmt: skip
    organisation = NamedRowField(
        Organisation.objects.none(), key="slug", names=("name",), required=False,
        label=_("Signed by"),
        not_found=_("No organisation that has signed a public statement is called “%(text)s”."),
        ambiguous=_(
            "Several organisations match “%(text)s”, among them %(names)s: "
            "type more of the name."
        ),
    )  # fmt: skip
    country = forms.ChoiceField(required=False, label=_("Country"))
    law = NamedRowField(
        Law.objects.order_by("country", "official_title"), key="pk",
        names=("official_title", "common_title"), required=False, label=_("About the law"),
        not_found=_("No law is called “%(text)s”."),
        ambiguous=_("Several laws match “%(text)s”, among them %(names)s: type more of the name."),
    )  # fmt: skip
    kind = forms.ChoiceField(
        choices=[("", _("Any kind")), *Statement.Kind.choices], required=False, label=_("Kind")
    )
    language = forms.ChoiceField(required=False, label=_("Language"))
    year = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label=_("Year"))

    def __init__(
        self, *args: Any, organisations: QuerySet[Organisation], years: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(NamedRowField, self.fields["organisation"]).queryset = organisations
        cast(forms.ChoiceField, self.fields["country"]).choices = [
            ("", _("Any country")),
            *countries,
        ]
        cast(forms.ChoiceField, self.fields["language"]).choices = [
            ("", _("Any language")),
            *settings.LANGUAGES,
        ]
        cast(forms.ChoiceField, self.fields["year"]).choices = [
            ("", _("Any year")),
            *((year, str(year)) for year in years),
        ]

    def filter(self, statements: QuerySet[Statement]) -> QuerySet[Statement]:
        # A filter that does not validate is left out of cleaned_data (and shown on the
        # form with its error); the others still apply.
        self.is_valid()
        chosen = {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value}
        if "campaign" in chosen:
            statements = statements.filter(campaign=chosen["campaign"])
        if "organisation" in chosen:
            statements = statements.filter(
                signatures__organisation=chosen["organisation"],
                signatures__status="confirmed",
            )
        if "country" in chosen:
            statements = statements.filter(
                Q(campaign__country=chosen["country"])
                | Q(
                    pk__in=Demand.objects.filter(law__country=chosen["country"]).values("statement")
                )
            )
        if "law" in chosen:
            statements = statements.filter(
                pk__in=Demand.objects.filter(law=chosen["law"]).values("statement")
            )
        if "kind" in chosen:
            statements = statements.filter(kind=chosen["kind"])
        if "language" in chosen:
            statements = statements.filter(language=chosen["language"])
        if "year" in chosen:
            statements = statements.filter(issued_on__year=chosen["year"])
        return statements


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search statements, laws and organisations"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        strip=True,
        error_messages={
            "max_length": _("Please shorten your search to at most %(limit_value)d characters.")
        },
    )

    def clean_q(self) -> str:
        return clean_query(self.cleaned_data["q"])
