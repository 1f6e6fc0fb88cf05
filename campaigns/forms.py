import re
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator, Sequence
from functools import cache, reduce
from operator import or_
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.db import connection
from django.db.models import Case, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Concat, Replace, Upper
from django.db.models.lookups import Contains, Exact
from django.http import QueryDict
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from modeltranslation.utils import build_localized_fieldname

from legislation.models import Law
from lib.folded_text import Unaccented, folded
from lib.related_rows import related_rows
from organisations.models import Organisation, OrganisationParent

from .models import Campaign, Demand, Signature, Statement
from .search import LAW_COLUMNS, MAX_QUERY_LENGTH, clean_query

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable
    from django.utils.functional import _StrOrPromise as StrOrPromise

# How many of the rows a value matches an error names, and offers to choose from.
SHOWN_WHEN_SEVERAL = 5


class Named:
    """What a value named one row, or several, or none: the rows it names exactly by a
    short name (an acronym, an identifier), exactly by any name, and in part."""

    def __init__(self, by_short_name: list[Any], whole: list[Any], in_part: list[Any]) -> None:
        self.by_short_name, self.whole, self.in_part = by_short_name, whole, in_part

    def rows(self) -> tuple[Any | None, list[Any]]:
        """The one row a reader means, or the candidates to choose from (none: not found).

        An exact short name wins ("Amnesty" is Amnesty International's, whatever other
        names hold the word), then one whole name, then one name that holds the text.
        """
        for rows in (self.by_short_name, self.whole, self.in_part):
            if len(rows) == 1:
                return rows[0], []
            if rows and rows is not self.by_short_name:
                return None, rows
        return None, []


class KeptChoices(BaseChoiceIterator):
    """Choices already in the form Django gives them, which a field takes as they are:
    a list of choices set on a field is normalised again, each one, for every form."""

    def __init__(self, choices: list[tuple[str, str]]) -> None:
        self.choices = choices

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)


@cache
def country_choices(language: str) -> KeptChoices:
    """Every country, named and sorted in `language` (translating and sorting some 250
    names for each form cost more than the rest of the form)."""
    with override(language):
        return KeptChoices(
            [("", f"{_('Any country')}"), *((code, f"{name}") for code, name in countries)]
        )


class ListedSelect(forms.Select):
    """A select of a flat list, written out as Django's own widget templates write it,
    without them: there each option is a template include of its own, and the
    statement list's choice of some 250 countries was most of that page's rendering."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        if self.allow_multiple_selected or any(
            isinstance(label, list | tuple) for _value, label in self.choices
        ):
            return super().render(name, value, attrs, renderer)
        attributes = self.build_attrs(self.attrs, attrs)
        # The same list in the same language, with the same choice, is written once.
        key = (
            get_language(),
            name,
            tuple(self.format_value(value)),
            tuple(attributes.items()),
            tuple((option, f"{label}") for option, label in self.choices),
        )
        written = written_selects.get(key)
        if written is None:
            written = written_selects[key] = self.written(name, value, attributes)
            while len(written_selects) > 256:
                written_selects.popitem(last=False)
        return written

    def written(self, name: str, value: Any, attributes: dict[str, Any]) -> SafeString:
        chosen = self.format_value(value)
        parts: list[str] = [format_html('<select name="{}"{}>', name, html_attributes(attributes))]
        found = False
        for option, label in self.choices:
            option = "" if option is None else option
            selected = not found and str(option) in chosen
            found |= selected
            # As select.html and select_option.html lay them out, spaces and lines alike.
            parts.append(
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n',
                    f"{option}",
                    " selected" if selected else "",
                    label,
                )
            )
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - each part escaped by format_html


written_selects: OrderedDict[tuple[Any, ...], SafeString] = OrderedDict()


def html_attributes(attributes: dict[str, Any]) -> SafeString:
    """A widget's attributes as django/forms/widgets/attrs.html writes them."""
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html(" {}", name)
                if value is True
                else format_html(' {}="{}"', name, f"{value}"),
            )
            for name, value in attributes.items()
            if value is not False
        ),
    )


class NamedRowField(forms.CharField):
    """A row named as a reader names it: by its key (a slug), its short name (an acronym,
    an identifier), or any of its names in any language, whole or in part, ignoring case
    and accents. "omct", "OMCT", "World Organisation Against Torture" and "Organisation
    mondiale contre la torture" name the same organisation.

    A list to choose from would hold every organisation that has signed something public,
    every campaign, every law: at scale, thousands of options and most of the page's
    weight. A value that names nothing, or several rows with nothing to tell them apart,
    is an error shown with the filter, with the rows it matches offered as links.
    """

    widget = forms.TextInput(attrs={"type": "search", "autocomplete": "off"})

    def __init__(
        self,
        queryset: QuerySet[Any],
        *,
        keyed: Callable[[str], Q | None],
        key_of: Callable[[Any], str],
        short_names: tuple[str, ...] = (),
        names: tuple[str, ...] = (),
        other_names: tuple[str, ...] = (),
        label_of: Callable[[Any], str] = str,
        not_found: "StrOrPromise",
        ambiguous: "StrOrPromise",
        **kwargs: Any,
    ) -> None:
        super().__init__(max_length=200, **kwargs)
        self.queryset = queryset
        # The rows a value names as their key (slug, id), or None if it is no key.
        self.keyed = keyed
        # The value that names a row as its key, in a link offered to choose it.
        self.key_of = key_of
        self.short_names = short_names
        # Every language's column of each translated name.
        self.names = tuple(
            build_localized_fieldname(name, code)
            for name in names
            for code, _language in settings.LANGUAGES
        )
        # Columns of other names, one a line ("World Alliance for Citizen Participation").
        self.other_names = other_names
        self.label_of = label_of
        self.error_messages.update({"not_found": not_found, "ambiguous": ambiguous})
        # After clean(): the rows offered to choose from, as (label, key).
        self.offered: list[tuple[str, str]] = []

    def __deepcopy__(self, memo: dict[int, Any]) -> "NamedRowField":
        # Each form gets a copy of the field: with its own queryset, as ModelChoiceField.
        field: NamedRowField = super().__deepcopy__(memo)
        field.queryset = self.queryset.all()
        return field

    def clean(self, value: Any) -> Any:
        self.offered = []
        text = super().clean(value).strip()
        if not text:
            return None
        keyed = self.keyed(text)
        if keyed is not None:
            # Its unique index answers at once: before any name is read.
            rows = list(self.queryset.filter(keyed)[: SHOWN_WHEN_SEVERAL + 1])
            if len(rows) == 1:
                return rows[0]
            if rows:  # a slug several countries' laws share
                raise self.several(text, rows)
        named = self.named_in_sql(text) if connection.vendor == "postgresql" else self.named(text)
        row, candidates = named.rows()
        if row is not None:
            return row
        if candidates:
            raise self.several(text, candidates)
        raise forms.ValidationError(
            self.error_messages["not_found"], code="not_found", params={"text": text}
        )

    def several(self, text: str, rows: list[Any]) -> forms.ValidationError:
        shown = rows[:SHOWN_WHEN_SEVERAL]
        self.offered = [(self.label_of(row), self.key_of(row)) for row in shown]
        names = "; ".join(label for label, _key in self.offered)
        if len(rows) > len(shown):
            names += " …"
        return forms.ValidationError(
            self.error_messages["ambiguous"],
            code="ambiguous",
            params={"text": text, "names": names},
        )

    def named_in_sql(self, text: str) -> Named:
        """On PostgreSQL: through trigram indexes over the very expressions compared
        (campaigns/migrations/0019), two queries at most."""
        wanted = Upper(Unaccented(Value(text)))

        def key(column: "str | Combinable") -> Upper:
            return Upper(Unaccented(column))

        by_short_name = reduce(or_, (Q(Exact(key(c), wanted)) for c in self.short_names), Q())
        whole = reduce(
            or_,
            (Q(Exact(key(column), wanted)) for column in self.names),
            by_short_name,
        )
        for column in self.other_names:
            # On a line of its own: the index finds the rows holding it, this reads them.
            line = Concat(
                Value("\n"),
                key(Replace(column, Value("\r"))),
                Value("\n"),
                output_field=TextField(),
            )
            whole |= Q(Contains(key(column), wanted)) & Q(
                Contains(line, Concat(Value("\n"), wanted, Value("\n"), output_field=TextField()))
            )
        order = [*(self.queryset.query.order_by or ()), "pk"]
        rows = self.queryset.filter(whole)
        if self.short_names:
            rows = rows.annotate(
                by_short_name=Case(When(by_short_name, then=True), default=False)
            ).order_by("-by_short_name", *order)
        found = list(rows[: SHOWN_WHEN_SEVERAL + 1])
        if found:
            short = [row for row in found if getattr(row, "by_short_name", False)]
            return Named(short, found, [])
        in_part = reduce(
            or_,
            (
                Q(Contains(key(column), wanted))
                for column in (*self.short_names, *self.names, *self.other_names)
            ),
        )
        return Named([], [], list(self.queryset.filter(in_part)[: SHOWN_WHEN_SEVERAL + 1]))

    def named(self, text: str) -> Named:
        """Elsewhere (SQLite, small tables): every row's names read and folded here."""
        wanted = folded(text)
        by_short_name, whole, in_part = [], [], []
        for row in self.queryset.all():  # a fresh read: the field outlives the request
            short = [folded(getattr(row, column) or "") for column in self.short_names]
            names = [folded(getattr(row, column) or "") for column in self.names]
            names += [
                folded(line)
                for column in self.other_names
                for line in (getattr(row, column) or "").splitlines()
            ]
            if wanted in short:
                by_short_name.append(row)
            if wanted in short or wanted in names:
                whole.append(row)
            elif any(wanted in name for name in [*short, *names]):
                in_part.append(row)
        return Named(by_short_name, whole, in_part)


def slug_named(text: str) -> Q:
    # Slugs are typed in lower case; a value typed otherwise may still be one.
    return Q(slug__in={text, text.lower()})


# A law is named in a link by its country and slug, as in its address ("ru/libel-law"):
# a slug alone may be two countries' laws.
LAW_ADDRESS = re.compile(r"([a-z]{2})/([-\w]+)")


def law_named(text: str) -> Q:
    if text.isascii() and text.isdigit():
        # Its id, as earlier links named it (one too long for an id names none).
        return Q(pk=int(text)) if len(text) < 19 else Q(pk__in=[])
    if address := LAW_ADDRESS.fullmatch(text.lower()):
        return Q(country=address[1].upper(), slug=address[2])
    return slug_named(text)


def law_label(law: Law) -> str:
    return f"{law.title} ({countries.name(law.country)})"


def law_key(law: Law) -> str:
    return f"{str(law.country).lower()}/{law.slug}"


@cache
def folded_country_names() -> tuple[tuple[str, str], ...]:
    """(code, name folded) of every country, in every language of the site."""
    names = []
    for language, _name in settings.LANGUAGES:
        with override(language):
            names += [(code, folded(str(name))) for code, name in countries]
    return tuple(names)


class CountryChoiceField(forms.ChoiceField):
    """A country chosen from the list, or named in the address by its code or its name in
    any language, ignoring case and accents: `?country=ru`, `?country=Россия`,
    `?country=Cote d'Ivoire`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.error_messages.update(
            {
                "not_found": _("No country is called “%(text)s”."),
                "ambiguous": _(
                    "Several countries match “%(text)s”: %(names)s. Choose one below, or "
                    "type more of the name."
                ),
            }
        )
        self.offered: list[tuple[str, str]] = []

    @staticmethod
    def named(text: str) -> list[str]:
        """The codes of the countries this names: exactly (a code, a name in any
        language), else in part."""
        wanted = folded(text)
        by_code = [code for code, _name in countries if code.casefold() == wanted]
        if by_code:
            return by_code
        names = folded_country_names()
        whole = list(dict.fromkeys(code for code, name in names if name == wanted))
        return whole or list(dict.fromkeys(code for code, name in names if wanted in name))

    def to_python(self, value: Any) -> str:
        self.offered = []
        text = super().to_python(value).strip()
        if not text:
            return ""
        codes = self.named(text)
        if len(codes) == 1:
            return codes[0]
        if not codes:
            raise forms.ValidationError(
                self.error_messages["not_found"], code="not_found", params={"text": text}
            )
        shown = codes[:SHOWN_WHEN_SEVERAL]
        self.offered = [(str(countries.name(code)), code) for code in shown]
        raise forms.ValidationError(
            self.error_messages["ambiguous"],
            code="ambiguous",
            params={"text": text, "names": "; ".join(label for label, _code in self.offered)},
        )

    def prepare_value(self, value: Any) -> Any:
        # A country named in the address is shown chosen in the list.
        if isinstance(value, str) and value and not self.valid_value(value):
            codes = self.named(value)
            return codes[0] if len(codes) == 1 else value
        return value


class StatementFilterForm(forms.Form):
    """The filters of /statements/. A value that names nothing lists nothing, with its error."""

    campaign = NamedRowField(
        Campaign.objects.order_by("title"), keyed=slug_named, key_of=lambda row: row.slug,
        names=("title",), required=False, label=_("Campaign"),
        not_found=_("No campaign is called “%(text)s”."),
        ambiguous=_(
            "Several campaigns match “%(text)s”: %(names)s. Choose one below, or type more "
            "of the name."
        ),
    )  # fmt: skip
    organisation = NamedRowField(
        Organisation.objects.none(), keyed=slug_named, key_of=lambda row: row.slug,
        short_names=("short_name",), names=("name",), other_names=("other_names",),
        label_of=lambda row: row.name_and_acronym, required=False, label=_("Signed by"),
        not_found=_("No organisation that has signed a public statement is called “%(text)s”."),
        ambiguous=_(
            "Several organisations match “%(text)s”: %(names)s. Choose one below, or type "
            "more of the name."
        ),
    )  # fmt: skip
    country = CountryChoiceField(required=False, label=_("Country"), widget=ListedSelect)
    law = NamedRowField(
        Law.objects.order_by("country", "official_title"), keyed=law_named, key_of=law_key,
        short_names=LAW_COLUMNS,
        names=("common_title", "official_title"), label_of=law_label, required=False,
        label=_("About the law"),
        not_found=_("No law is called “%(text)s”."),
        ambiguous=_(
            "Several laws match “%(text)s”: %(names)s. Choose one below, or type more of "
            "the title."
        ),
    )  # fmt: skip
    kind = forms.ChoiceField(
        choices=[("", _("Any kind")), *Statement.Kind.choices],
        required=False,
        label=_("Kind"),
        widget=ListedSelect,
    )
    language = forms.ChoiceField(required=False, label=_("Language"), widget=ListedSelect)
    year = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=_("Year"), widget=ListedSelect
    )

    def __init__(
        self,
        *args: Any,
        organisations: Callable[[], QuerySet[Organisation]],
        years: list[int],
        countries: Collection[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound and str(self.data.get("organisation") or "").strip():
            # Built only when an organisation is named (four EXISTS, each through the
            # publication gate: more to build than the rest of the form); an empty value
            # is cleaned without its rows. With the joint programmes each runs, read in
            # the same query (see filter()).
            cast(NamedRowField, self.fields["organisation"]).queryset = organisations().annotate(
                programme_rows=related_rows(
                    OrganisationParent.objects.all(), "parent", id="programme"
                )
            )
        country = cast(forms.ChoiceField, self.fields["country"])
        country.choices = country_choices(get_language())
        if countries is not None:
            # Any country may be asked for (it then lists nothing); the list offers those
            # with public statements, and the one asked for.
            asked = country.prepare_value(self.data.get("country")) if self.is_bound else ""
            country.widget.choices = [
                (code, name)
                for code, name in country.choices
                if not code or code in countries or code == asked
            ]
        cast(forms.ChoiceField, self.fields["language"]).choices = [
            ("", _("Any language")),
            *settings.LANGUAGES,
        ]
        cast(forms.ChoiceField, self.fields["year"]).choices = [
            ("", _("Any year")),
            *((year, str(year)) for year in years),
        ]

    @property
    def filters(self) -> list[tuple[forms.BoundField, list[tuple[str, str]]]]:
        """Each filter, with the rows its value matched when it matched several, as
        (label, address of this list filtered by it): choosing one needs no script."""
        filters = []
        for field in self:
            rows: Sequence[tuple[str, str]] = getattr(field.field, "offered", [])
            filters.append(
                (field, [(label, self.address_with(field.name, key)) for label, key in rows])
            )
        return filters

    def address_with(self, name: str, value: str) -> str:
        query = (
            self.data.copy()
            if isinstance(self.data, QueryDict)
            else QueryDict(urlencode(self.data, doseq=True), mutable=True)
        )
        query[name] = value
        query.pop("page", None)
        return "?" + query.urlencode()

    def filter(self, statements: QuerySet[Statement]) -> QuerySet[Statement]:
        if not self.is_bound:
            return statements
        if not self.is_valid():
            # The value that names nothing is shown with its error, and nothing is
            # listed: the whole list under a filter would read as that filter's answer.
            return statements.none()
        chosen = {name: value for name, value in self.cleaned_data.items() if value}
        if "campaign" in chosen:
            statements = statements.filter(campaign=chosen["campaign"])
        if "organisation" in chosen:
            # Signed by it, or by a joint programme it runs: OMCT stands behind what the
            # Observatory, its programme with FIDH, signs.
            organisation = chosen["organisation"]
            signers = [organisation.pk, *(row["id"] for row in organisation.programme_rows or ())]
            statements = statements.filter(
                pk__in=Signature.objects.filter(
                    organisation__in=signers, status=Signature.Status.CONFIRMED
                ).values("statement")
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
