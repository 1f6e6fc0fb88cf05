"""Badges a reader scans a page by: a law's status, a demand's outcome, an organisation's
logo or initials.

A badge's colour repeats what its text says, never replaces it (the text is always there,
dark on a light tint, which passes WCAG AA; see static/chorus/site.css). Sizes are classes
rather than style attributes: the Content Security Policy allows no inline style.

    {% load badges %}
    {% law_status_badge law %}      {% outcome_badge demand %}
    {% organisation_logo organisation 48 %}
"""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

# The sizes, in CSS pixels, pages show a logo at: each has its class in site.css.
LOGO_SIZES = (24, 32, 48, 64, 96)


@register.simple_tag
def law_status_badge(law: Any) -> SafeString:
    """A law's legal-force status: "In force" on red, "Repealed" on green, ..."""
    return format_html(
        '<span class="badge status status-{}">{}</span>', law.status, law.get_status_display()
    )


@register.simple_tag
def outcome_badge(demand: Any) -> SafeString:
    """A demand's outcome, or one step of its history: "Met", "Unmet", "Open", ..."""
    return format_html(
        '<span class="badge outcome outcome-{}">{}</span>',
        demand.outcome,
        demand.get_outcome_display(),
    )


@register.simple_tag
def organisation_logo(organisation: Any, size: int = 48, decorative: bool = False) -> SafeString:
    """The organisation's logo at `size` pixels, or its initials in a badge of that size.

    Named by the organisation's name, also shown on pointing at it (initials say little
    to a reader who does not know them), unless `decorative` says the name is written
    right beside it, where a screen reader would otherwise read it twice.
    """
    if size not in LOGO_SIZES:
        raise template.TemplateSyntaxError(f"A logo is shown at one of {LOGO_SIZES} pixels.")
    name = "" if decorative else organisation.name
    if organisation.logo:
        return format_html(
            '<img class="logo logo-{}" src="{}" alt="{}"{} width="{}" height="{}" loading="lazy">',
            size,
            organisation.logo_url,
            name,
            format_html(' title="{}"', name) if name else "",
            size,
            size,
        )
    if decorative:
        return format_html(
            '<span class="logo initials logo-{}" aria-hidden="true">{}</span>',
            size,
            organisation.initials,
        )
    return format_html(
        '<span class="logo initials logo-{}" role="img" aria-label="{}" title="{}">{}</span>',
        size,
        name,
        name,
        organisation.initials,
    )
