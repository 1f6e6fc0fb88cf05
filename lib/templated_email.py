"""E-mail written from a pair of templates: a plain-text part and an HTML alternative.

Messages are rendered in the language given (the recipient's, not the request's: the
worker has no request), with links made absolute on SITE_URL, and sent through Django's
e-mail API, whichever backend the deployment configures.
"""

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def site_link(path: str) -> str:
    """The full address of a path of this site, for a message read outside it."""
    return settings.SITE_URL.rstrip("/") + path


def send_templated_email(
    *,
    to: Sequence[str],
    subject: "StrOrPromise",
    subject_values: Mapping[str, str] | None = None,
    template: str,
    context: Mapping[str, Any],
    language: str,
    reply_to: Sequence[str] = (),
) -> None:
    """Render `<template>.txt` and `<template>.html` in `language` and send them as one message.

    `subject` is translated in that language too: pass it marked with gettext_lazy, with
    the values of its %(name)s placeholders in `subject_values`.
    Failures raise, so that the task sending it is retried or recorded as failed.
    """
    with translation.override(language):
        text = render_to_string(f"{template}.txt", dict(context))
        html = render_to_string(f"{template}.html", dict(context))
        subject_text = str(subject) % subject_values if subject_values else str(subject)
        message = EmailMultiAlternatives(
            # A line break in a header would end it: a title is put on one line.
            subject=" ".join(subject_text.split()),
            body=text,
            to=list(to),
            reply_to=list(reply_to),
            headers={"Content-Language": language, "Auto-Submitted": "auto-generated"},
        )
    message.attach_alternative(html, "text/html")
    message.send()
