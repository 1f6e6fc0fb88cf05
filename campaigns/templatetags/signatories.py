"""How a statement page shows who speaks: a small badge per signatory under the title."""

import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from organisations.models import Organisation

register = template.Library()

# Words an initialism skips in the site's languages: "Observatory for the Protection
# of Human Rights Defenders" begins OPH, not OFT.
MINOR_WORDS = frozenset(
    {"a", "an", "and", "at", "by", "for", "in", "of", "on", "the", "to"}
    | {"de", "des", "du", "en", "et", "la", "le", "les", "pour", "sur"}
    | set("\u0438 \u0432 \u0432\u043e \u0437\u0430 \u043d\u0430 \u043f\u043e".split())  # noqa: SIM905 - и в во за на по
)
LONGEST_SHORT_NAME = 6


def initials(organisation: Organisation) -> str:
    """The organisation's acronym when it has a short one, otherwise its initials (three
    at most): what fits in a badge and a reader recognises."""
    short_name = organisation.short_name.strip()
    if short_name and len(short_name) <= LONGEST_SHORT_NAME and not organisation.display_as:
        return short_name
    words = [
        word
        for word in re.findall(r"\w+", shown_name(organisation))
        if word.lower() not in MINOR_WORDS
    ]
    return "".join(word[0] for word in words[:3]).upper() or "?"


def shown_name(organisation: Organisation) -> str:
    """The name it signs under: the one it asked to be listed as, or its own."""
    return organisation.display_as or organisation.name


@register.simple_tag
def statement_signatory_badge(organisation: Organisation) -> SafeString:
    """A signatory's badge: its initials, with its full name for screen readers and as a
    tooltip (the initials alone would be read out letter by letter and say nothing).
    An organisation with a logo shows its logo instead of the initials."""
    if organisation.logo:
        return format_html(
            '<span class="signatory-badge signatory-logo" title="{name}">'
            '<img src="{src}" alt="{name}" width="32" height="32" loading="lazy"></span>',
            name=shown_name(organisation),
            src=organisation.logo_url,
        )
    return format_html(
        '<span class="signatory-badge" title="{name}"><span aria-hidden="true">{initials}</span>'
        '<span class="visually-hidden">{name}</span></span>',
        name=shown_name(organisation),
        initials=initials(organisation),
    )
