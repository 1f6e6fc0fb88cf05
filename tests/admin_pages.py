"""For tests that go through the admin's pages: their addresses, and their forms read back
as the data a browser would post, to change and resend."""

from html.parser import HTMLParser
from typing import TYPE_CHECKING

from django.contrib import admin
from django.db.models import Model
from django.urls import reverse

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

type FormData = dict[str, str | list[str]]


class _FormReader(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.select: str | None = None
        self.textarea: str | None = None
        self.text: list[str] = []
        self.values: dict[str, list[str]] = {}

    def add(self, name: str | None, value: str) -> None:
        if name:
            self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.in_form = attributes.get("id") == self.form_id
        elif not self.in_form:
            return
        elif tag == "input" and attributes.get("type") not in {"submit", "button", "file"}:
            if attributes.get("type") in {"checkbox", "radio"} and "checked" not in attributes:
                return
            self.add(attributes.get("name"), attributes.get("value") or "")
        elif tag == "select":
            self.select = attributes.get("name")
        elif tag == "option" and self.select and "selected" in attributes:
            self.add(self.select, attributes.get("value") or "")
        elif tag == "textarea":
            self.textarea, self.text = attributes.get("name"), []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            # Browsers drop the newline that follows the opening tag.
            self.add(self.textarea, "".join(self.text).removeprefix("\n"))
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.text.append(data)


def read_form(response: "TestResponse", form_id: str) -> FormData:
    """What submitting the form with this id on the page sends, bar the button pressed."""
    reader = _FormReader(form_id)
    reader.feed(response.text)
    return {
        name: values[0] if len(values) == 1 else values for name, values in reader.values.items()
    }


def form_data(response: "TestResponse", model_name: str) -> FormData:
    """What pressing "Save" on this admin add or change page sends."""
    return {**read_form(response, f"{model_name}_form"), "_save": "Save"}


def add_row(data: FormData, prefix: str, **values: object) -> None:
    """Do what "Add another" does on the inline with this prefix, then fill the row in.

    The page carries an empty row (named `__prefix__`) for the button to copy; the
    server ignores it.
    """
    index = int(str(data[f"{prefix}-TOTAL_FORMS"]))
    template = f"{prefix}-__prefix__-"
    for name, value in list(data.items()):
        if name.startswith(template):
            data[name.replace("__prefix__", str(index))] = value
    for name, given in values.items():
        data[f"{prefix}-{index}-{name}"] = str(given)
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)


def registered_models(app_label: str) -> set[type[Model]]:
    return {model for model in admin.site._registry if model._meta.app_label == app_label}


def admin_url(model: type[Model] | Model, view: str, *args: object) -> str:
    """The admin page `view` (changelist, add, change, delete, ...) of a model or an object."""
    opts = model._meta
    if isinstance(model, Model):
        args = (model.pk, *args)
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)
