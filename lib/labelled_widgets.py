"""Template filters for the admin's tables of inline rows: each input named by its column.

A tabular inline prints a field's label once, in the column's heading, so the inputs of
its rows have no <label>. Without a name a screen reader announces "edit text" for every
cell, and axe-core counts each one a critical violation. The admin's tabular template
(templates/admin/edit_inline/tabular.html) renders each widget through `labelled`, which
gives it the heading's words as its aria-label.
"""

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString
from django.utils.text import capfirst

register = template.Library()


@register.filter
def labelled(field: BoundField) -> SafeString:
    """The field's widget as `{{ field }}` renders it, named like its column's heading."""
    if field.is_hidden:
        return SafeString(str(field))
    attrs: dict[str, str | bool] = {"aria-label": str(capfirst(field.label))}
    widget = field.as_widget(attrs=attrs)
    if field.field.show_hidden_initial:
        return SafeString(widget + field.as_hidden(only_initial=True))
    return SafeString(widget)
