"""The statement change form: open corrections of a published text, and editing by several
people at once without one silently overwriting another."""

from datetime import datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from addresses.admin import KeptAddressForm
from lib.dates import date_format

from .history import changes_as_html, changes_between
from .models import Statement

# Fields a concurrent change of which is not worth telling about: they move with every save,
# or (the search text) with the statement's rows, and are not in its history.
BOOKKEEPING_FIELDS = {"updated_at", "updated_by", "search_text"}


class ChangeKind:
    CORRECTION = "correction"
    SILENT_FIX = "silent_fix"
    CHOICES = [
        (CORRECTION, _("A correction: the public is told what changed, in a note on the page")),
        (SILENT_FIX, _("A silent fix of form (a typo, a link): kept in the history only")),
    ]


class StatementForm(KeptAddressForm[Statement]):
    # The version of the statement this form was loaded at. A save based on an older one
    # is refused, so that nobody overwrites what a colleague saved in the meantime.
    loaded_version = forms.CharField(widget=forms.HiddenInput)
    change_kind = forms.ChoiceField(
        label=_("This change to the text is"),
        choices=ChangeKind.CHOICES,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Asked only when the text of a published statement changes."),
    )
    correction_note = forms.CharField(
        label=_("Public correction note"),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        required=False,
        help_text=_("For a correction: what was wrong and what is right. Shown on the page."),
    )

    class Meta:
        model = Statement
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["loaded_version"].required = False
            return
        loaded_at = self.instance.updated_at
        if hasattr(self.instance, "_history"):
            # Restoring an earlier version from the history: what is being replaced is the
            # statement as it stands now, not as it stood then.
            loaded_at = current_version(self.instance.pk) or loaded_at
        self.fields["loaded_version"].initial = loaded_at.isoformat()

    def text_fields(self) -> list[str]:
        return [
            f"{field}_{language}"
            for field in Statement.TEXT_FIELDS
            for language in Statement.language_codes()
        ]

    def text_changed(self) -> bool:
        return any(name in self.changed_data for name in self.text_fields())

    def asks_for_change_kind(self) -> bool:
        return self.instance.pk is not None and self.instance.status == Statement.Status.PUBLISHED

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean() or {}
        if self.instance.pk is None or not cleaned_data.get("loaded_version"):
            return cleaned_data
        self.refuse_stale_save(cleaned_data["loaded_version"])
        if self.asks_for_change_kind() and self.text_changed():
            kind = cleaned_data.get("change_kind")
            if not kind:
                self.add_error(
                    "change_kind",
                    _(
                        "The text of a published statement changed: say whether this is a "
                        "public correction or a silent fix of form."
                    ),
                )
            elif (
                kind == ChangeKind.CORRECTION
                and not cleaned_data.get("correction_note", "").strip()
            ):
                self.add_error(
                    "correction_note",
                    _("A correction needs a public note: what was wrong and what is right."),
                )
        return cleaned_data

    def refuse_stale_save(self, loaded_version: str) -> None:
        loaded_at = parse_version(loaded_version)
        # Locks the row until the save commits (the admin saves inside a transaction), so
        # that two saves cannot both pass this check.
        saved_at = current_version(self.instance.pk, lock=True)
        if saved_at is None or loaded_at == saved_at:
            return
        # The next save goes through: by then the editor has seen what changed.
        data = self.data.copy()  # type: ignore[attr-defined]
        data[self.add_prefix("loaded_version")] = saved_at.isoformat()
        self.data = data
        raise ValidationError(self.conflict_message(loaded_at, saved_at), code="stale")

    def conflict_message(self, loaded_at: datetime | None, saved_at: datetime) -> str:
        history = self.instance.history  # type: ignore[attr-defined]
        latest = history.order_by("-history_date", "-history_id").first()
        loaded = (
            history.filter(updated_at=loaded_at).order_by("-history_date", "-history_id").first()
            if loaded_at
            else None
        )
        who = (latest.history_user if latest else None) or _("someone")
        intro = format_html(
            "{} ",
            _(
                "%(who)s saved this statement at %(time)s, while you were editing it. Your "
                "changes are not saved yet: they are kept below. Compare, then save again to "
                "keep your version."
            )
            % {
                "who": who,
                "time": date_format(timezone.localtime(saved_at), "DATETIME_FORMAT"),
            },
        )
        if latest is None or loaded is None:
            return intro
        fields = [
            field.name
            for field in Statement._meta.concrete_fields
            # The original columns of translated texts stand for the language columns.
            if field.name not in BOOKKEEPING_FIELDS and not is_translated_original(field.name)
        ]
        changes = changes_between(Statement, loaded, latest, fields)
        if not changes:
            return intro
        return format_html("{}{}{}", intro, _("What changed meanwhile:"), changes_as_html(changes))


def is_translated_original(name: str) -> bool:
    return name in Statement.TEXT_FIELDS


def parse_version(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def current_version(pk: int, lock: bool = False) -> datetime | None:
    statements = Statement.objects.select_for_update() if lock else Statement.objects.all()
    return cast(
        datetime | None, statements.filter(pk=pk).values_list("updated_at", flat=True).first()
    )
