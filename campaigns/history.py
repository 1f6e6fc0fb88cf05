"""Readable differences between two versions of a record kept by django-simple-history.

Editors compare texts word by word: a changed comma in a long body is shown where it is,
with a few words around it, not as two whole bodies side by side.
"""

import difflib
import re
from typing import Any, cast

from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from simple_history.template_utils import HistoricalRecordContextHelper

# Words and the spaces between them, so that joining the pieces gives the text back.
WORDS = re.compile(r"\s+|[^\s]+")
EMPTY = (None, "")
# Unchanged words kept on each side of a change, for context.
CONTEXT_WORDS = 8


def word_differences(old: str, new: str) -> tuple[SafeString, SafeString]:
    """The old and new text, each with what changed marked (<del> in one, <ins> in the other)."""
    old_words, new_words = WORDS.findall(old), WORDS.findall(new)
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    old_parts: list[SafeString] = []
    new_parts: list[SafeString] = []
    opcodes = matcher.get_opcodes()
    for index, (tag, old_start, old_end, new_start, new_end) in enumerate(opcodes):
        if tag == "equal":
            same = old_words[old_start:old_end]
            shortened = shorten(same, first=index == 0, last=index == len(opcodes) - 1)
            old_parts.append(shortened)
            new_parts.append(shortened)
            continue
        removed, added = (
            "".join(old_words[old_start:old_end]),
            "".join(new_words[new_start:new_end]),
        )
        if removed:
            old_parts.append(format_html("<del>{}</del>", removed))
        if added:
            new_parts.append(format_html("<ins>{}</ins>", added))
    return mark_safe("".join(old_parts)), mark_safe("".join(new_parts))  # noqa: S308 (parts escaped)


def shorten(words: list[str], first: bool, last: bool) -> SafeString:
    """Unchanged words, with the middle of a long stretch left out."""
    keep_before = 0 if first else CONTEXT_WORDS * 2
    keep_after = 0 if last else CONTEXT_WORDS * 2
    if len(words) <= keep_before + keep_after + 2:
        return format_html("{}", "".join(words))
    head = "".join(words[:keep_before])
    tail = "".join(words[len(words) - keep_after :])
    return format_html("{}…{}", head, tail)


def display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


class ReadableChanges(HistoricalRecordContextHelper):
    """The history page's list of changes, with texts compared word by word."""

    def stringify_delta_change_values(
        self, change: Any, old: Any, new: Any
    ) -> tuple[SafeString, SafeString]:
        field = self.model._meta.get_field(change.field)
        if isinstance(field, models.CharField | models.TextField):
            return word_differences(display(old), display(new))
        return super().stringify_delta_change_values(change, old, new)


def changes_between(
    model: type[models.Model], older: Any, newer: Any, fields: list[str]
) -> list[dict[str, Any]]:
    """What changed from one historical record to a later one: field, old, new (as HTML).

    Unlike diff_against(), this compares fields that the admin does not edit (the status,
    the publish time), which are often what a colleague changed.
    """
    changes = []
    for name in fields:
        field = cast(models.Field[Any, Any], model._meta.get_field(name))
        old, new = getattr(older, field.attname), getattr(newer, field.attname)
        # An empty text is stored as NULL or as "" depending on who saved it.
        if old == new or (old in EMPTY and new in EMPTY):
            continue
        if isinstance(field, models.CharField | models.TextField) and not field.choices:
            old_shown, new_shown = word_differences(display(old), display(new))
        else:
            old_shown = format_html("{}", display(choice_label(field, old)))
            new_shown = format_html("{}", display(choice_label(field, new)))
        changes.append({"field": field.verbose_name, "old": old_shown, "new": new_shown})
    return changes


def choice_label(field: Any, value: Any) -> Any:
    return dict(field.flatchoices).get(value, value) if field.choices else value


def changes_as_html(changes: list[dict[str, Any]]) -> SafeString:
    return format_html(
        "<ul>{}</ul>",
        format_html_join(
            "",
            "<li><strong>{}:</strong> {} → {}</li>",
            ((capfirst(change["field"]), change["old"], change["new"]) for change in changes),
        ),
    )
