"""The e-mails alerts are made of: plain text and HTML, in the subscriber's language.

A message about an event is rendered once per language and then only has the address's
own two links put in (see Composed.to), so that telling a hundred thousand addresses of
one statement renders its templates three times, not a hundred thousand. What a message
says comes from public data read through the publication gate by the caller (see
sending.public_content); there are no tracking pixels, and links are the site's own,
never rewritten.
"""

import email.policy
import uuid
from dataclasses import dataclass, field
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from campaigns.models import Correction, Statement
from legislation.models import LawEvent
from lib.dates import date_format

from .models import AlertEvent, Subscriber, Subscription, site_url

# Stand-ins for each address's own links in a message rendered once for many addresses:
# characters that neither HTML escaping nor a URL changes.
UNSUBSCRIBE_MARK = "UNSUBSCRIBE-LINK-8d1f0c"
MANAGE_MARK = "MANAGE-LINK-8d1f0c"


@dataclass(frozen=True)
class Item:
    """One thing a message tells of, all in one language."""

    kind: str
    language: str
    title: str
    url: str
    when: str
    summary: str = ""
    note: str = ""
    by: str = ""


# The raw message is made once with a stand-in for each address's own parts, which are
# then put in per address as bytes. Body lines may be as long as SMTP allows (998), so
# that no part is quoted-printable or base64, which would hide the stand-ins.
RAW_POLICY = email.policy.SMTP.clone(max_line_length=998)
ADDRESS_MARK = "address-8d1f0c@recipient.invalid"
MESSAGE_ID_MARK = "message-8d1f0c"


@dataclass
class Composed:
    """A message rendered for every address that shares its language."""

    subject: str
    text: str
    html: str
    languages: list[str] = field(default_factory=list)
    _raw: bytes | None = None
    _raw_made: bool = False

    def message(
        self, address: str, unsubscribe: str, manage: str, message_id: str
    ) -> EmailMultiAlternatives:
        def personal(body: str) -> str:
            return body.replace(UNSUBSCRIBE_MARK, unsubscribe).replace(MANAGE_MARK, manage)

        message = EmailMultiAlternatives(
            subject=self.subject,
            body=personal(self.text),
            to=[address],
            reply_to=settings.ALERTS_REPLY_TO,
            headers={
                # RFC 8058: a mail client unsubscribes with one POST to this address.
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "List-Id": f"{settings.SITE_NAME} alerts <alerts.{site_host()}>",
                "Content-Language": ", ".join(self.languages),
                # RFC 3834: no vacation replies to a message nobody typed.
                "Auto-Submitted": "auto-generated",
                "Message-ID": message_id,
            },
        )
        message.attach_alternative(personal(self.html), "text/html")
        return message

    def to(self, subscriber: Subscriber) -> EmailMultiAlternatives:
        return self.message(
            subscriber.email,
            subscriber.unsubscribe_url(),
            subscriber.manage_url(),
            make_msgid(domain=site_host()),
        )

    def raw_template(self) -> bytes | None:
        """The message as SMTP carries it, with stand-ins; None if one did not survive."""
        if not self._raw_made:
            self._raw_made = True
            template = self.message(
                ADDRESS_MARK,
                UNSUBSCRIBE_MARK,
                MANAGE_MARK,
                f"<{MESSAGE_ID_MARK}@{site_host()}>",
            )
            raw = template.message(policy=RAW_POLICY).as_bytes()
            marks = (ADDRESS_MARK, UNSUBSCRIBE_MARK, MANAGE_MARK, MESSAGE_ID_MARK)
            # Two links in the header and each part: made safely only if all are there.
            if all(raw.count(mark.encode()) >= 1 for mark in marks) and (
                raw.count(UNSUBSCRIBE_MARK.encode()) >= 3
            ):
                self._raw = raw
        return self._raw

    def raw_for(self, subscriber: Subscriber) -> bytes | None:
        """This address's message as SMTP carries it: the same bytes Django would send,
        made without building the message again; None where that cannot be done safely
        (an address or a link outside ASCII)."""
        raw = self.raw_template()
        unsubscribe, manage = subscriber.unsubscribe_url(), subscriber.manage_url()
        if raw is None or not (subscriber.email + unsubscribe + manage).isascii():
            return None
        return (
            raw.replace(ADDRESS_MARK.encode(), subscriber.email.encode())
            .replace(UNSUBSCRIBE_MARK.encode(), unsubscribe.encode())
            .replace(MANAGE_MARK.encode(), manage.encode())
            .replace(MESSAGE_ID_MARK.encode(), uuid.uuid4().hex.encode())
        )


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def statement_item(event: AlertEvent, statement: Statement, language: str) -> Item:
    """The statement as the subscriber reads it: in their language where it is written in
    it, otherwise in its own (the page linked to is the one that exists)."""
    shown = statement.shown_in(language)
    item = Item(
        kind=event.kind,
        language=shown.language,
        title=shown.title,
        url=site_url(shown.url),
        when=date_format(statement.issued_on) if statement.issued_on else "",
        summary=shown.standfirst,
        by=statement.lead_organisation.name if statement.lead_organisation else "",
    )
    if event.kind == AlertEvent.Kind.CORRECTED:
        correction = (
            Correction.objects.filter(statement=statement, corrected_at__lte=event.occurred_at)
            .order_by("-corrected_at", "-pk")
            .first()
        )
        return Item(**{**item.__dict__, "note": correction.note if correction else ""})
    return item


def withdrawal_item(statement: Statement, language: str) -> Item:
    """What the withdrawn statement's own page (410 Gone) shows: title, date, reason."""
    shown = statement.language_shown_in(language)
    with translation.override(shown):
        url = statement.get_absolute_url()
    return Item(
        kind=AlertEvent.Kind.WITHDRAWN,
        language=shown,
        title=getattr(statement, f"title_{shown}", None) or statement.title,
        url=site_url(url),
        when=date_format(localtime(statement.withdrawn_at)) if statement.withdrawn_at else "",
        note=statement.withdrawal_reason,
    )


def law_event_item(law_event: LawEvent, language: str) -> Item:
    with translation.override(language):
        law = law_event.law
        return Item(
            kind=AlertEvent.Kind.LAW_EVENT,
            language=language,
            title=law.title,
            url=site_url(law.get_absolute_url()),
            when=date_format(law_event.date),
            summary=law_event.description(),
            note=law_event.note,
        )


def subject_for(item: Item) -> str:
    if item.kind == AlertEvent.Kind.PUBLISHED:
        return _("New statement: %(title)s") % {"title": item.title}
    if item.kind == AlertEvent.Kind.CORRECTED:
        return _("Corrected: %(title)s") % {"title": item.title}
    if item.kind == AlertEvent.Kind.WITHDRAWN:
        return _("Withdrawn: %(title)s") % {"title": item.title}
    return _("%(law)s: %(what)s") % {"law": item.title, "what": item.summary}


def links() -> dict[str, str]:
    return {"unsubscribe_url": UNSUBSCRIBE_MARK, "manage_url": MANAGE_MARK}


def compose_alert(item: Item, language: str) -> Composed:
    """A message about one event, for the addresses that read `language`."""
    with translation.override(language):
        context = {"item": item, "site_name": settings.SITE_NAME, **links()}
        return Composed(
            subject=subject_for(item),
            text=render_to_string("alerts/email/alert.txt", context),
            html=render_to_string("alerts/email/alert.html", context),
            languages=[item.language],
        )


def compose_digest(items: list[Item], language: str) -> Composed:
    """The weekly digest: every event of the week, in the order they happened."""
    with translation.override(language):
        context = {"items": items, "site_name": settings.SITE_NAME, **links()}
        languages = list(dict.fromkeys([language, *(item.language for item in items)]))
        return Composed(
            subject=_("%(site)s: your weekly digest") % {"site": settings.SITE_NAME},
            text=render_to_string("alerts/email/digest.txt", context),
            html=render_to_string("alerts/email/digest.html", context),
            languages=languages,
        )


def confirmation(subscription: Subscription) -> EmailMultiAlternatives:
    """The only message an address gets before it confirms: the link to confirm."""
    subscriber = subscription.subscriber
    with translation.override(subscriber.language):
        context = {
            "topic": subscription.topic_label(),
            "frequency": subscription.get_frequency_display(),
            "confirm_url": subscription.confirm_url(),
            "days": settings.ALERTS_CONFIRM_LINK_DAYS,
            "site_name": settings.SITE_NAME,
            **links(),
        }
        composed = Composed(
            subject=_("Confirm your alerts from %(site)s") % {"site": settings.SITE_NAME},
            text=render_to_string("alerts/email/confirm.txt", context),
            html=render_to_string("alerts/email/confirm.html", context),
            languages=[subscriber.language],
        )
    return composed.to(subscriber)


def manage_link(subscriber: Subscriber) -> EmailMultiAlternatives:
    """The link to the manage page, to an address that has confirmed a subscription."""
    with translation.override(subscriber.language):
        context = {
            "days": settings.ALERTS_MANAGE_LINK_DAYS,
            "site_name": settings.SITE_NAME,
            **links(),
        }
        composed = Composed(
            subject=_("Your alerts from %(site)s") % {"site": settings.SITE_NAME},
            text=render_to_string("alerts/email/manage_link.txt", context),
            html=render_to_string("alerts/email/manage_link.html", context),
            languages=[subscriber.language],
        )
    return composed.to(subscriber)
