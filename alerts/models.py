"""E-mail alerts: who asked to be told of what, what happened, and what was sent to whom.

An address (Subscriber) holds subscriptions, each to a topic: every statement, or those of
one campaign, organisation, law or country. Nothing is sent to an address for a
subscription it has not confirmed by following the signed link it was sent. What
happens (an AlertEvent: a statement made public, corrected or withdrawn, a law's new
timeline event) is matched against the confirmed subscriptions once, which records one
Delivery per address and event; the unique constraint on that pair is what makes a
worker running twice send nothing twice.
"""

import uuid
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField

from campaigns.models import Campaign, Change, Statement
from legislation.models import Law, LawEvent
from organisations.models import Organisation

# What each signed link is for: a token made for one purpose is refused for another.
CONFIRM_SALT = "alerts.confirm"
MANAGE_SALT = "alerts.manage"
UNSUBSCRIBE_SALT = "alerts.unsubscribe"


class SubscriberQuerySet(models.QuerySet["Subscriber"]):
    def reachable(self) -> "SubscriberQuerySet":
        """Addresses mail may go to: not disabled by a permanent refusal."""
        return self.filter(disabled_at__isnull=True)


class Subscriber(models.Model):
    """An e-mail address that asked for alerts. No account, no password: signed links."""

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # Signed into every link the address is sent, never the address itself: links end up
    # in logs and browser histories. Erasing the row makes every link sent to it dead.
    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("first subscribed at"), auto_now_add=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_reason = models.TextField(
        _("why it was disabled"),
        blank=True,
        help_text=_("What the receiving mail server answered when it refused the address."),
    )

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["email"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        permissions = [("view_address", _("Can see subscribers' e-mail addresses"))]

    def __str__(self) -> str:
        return self.email

    @staticmethod
    def normalise(email: str) -> str:
        """One row per mailbox whatever the capitals: domains are case-blind, and so are
        the local parts of every mail service that matters in practice."""
        return email.strip().lower()

    # --- signed links ------------------------------------------------------------------

    def manage_token(self) -> str:
        return signing.TimestampSigner(salt=MANAGE_SALT).sign(self.key.hex)

    def unsubscribe_token(self) -> str:
        # Does not expire: RFC 8058 asks that the link in any message sent keep working.
        return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(self.key.hex)

    def manage_url(self) -> str:
        with translation.override(self.language):
            return site_url(reverse("alerts:manage", kwargs={"token": self.manage_token()}))

    def unsubscribe_url(self) -> str:
        with translation.override(self.language):
            path = reverse("alerts:unsubscribe", kwargs={"token": self.unsubscribe_token()})
        return site_url(path)

    @classmethod
    def from_manage_token(cls, token: str) -> "Subscriber | None":
        max_age = settings.ALERTS_MANAGE_LINK_DAYS * 24 * 60 * 60
        try:
            key = signing.TimestampSigner(salt=MANAGE_SALT).unsign(token, max_age=max_age)
        except signing.BadSignature:  # SignatureExpired included
            return None
        return cls.objects.filter(key=key).first()

    @classmethod
    def from_unsubscribe_token(cls, token: str) -> "Subscriber | None":
        try:
            key = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
        except signing.BadSignature:
            return None
        return cls.objects.filter(key=key).first()

    # --- what the address itself may do -------------------------------------------------

    def unsubscribe(self) -> int:
        """End every subscription of the address (one-click unsubscribe). How many ended."""
        with transaction.atomic():
            ended, _counts = self.subscriptions.all().delete()
            # What was waiting to be sent goes with them.
            self.deliveries.filter(status__in=Delivery.WAITING).update(
                status=Delivery.Status.SKIPPED, error="Unsubscribed"
            )
        return ended

    def disable(self, reason: str) -> None:
        """The address was refused for good (a 5xx answer): send nothing more to it."""
        Subscriber.objects.filter(pk=self.pk, disabled_at__isnull=True).update(
            disabled_at=timezone.now(), disabled_reason=reason[:1000]
        )

    def exported(self) -> dict[str, Any]:
        """Everything kept about the address, for its holder (GDPR, article 15 and 20)."""
        return {
            "email": self.email,
            "language": self.language,
            "first_subscribed_at": self.created_at.isoformat(),
            "disabled_at": self.disabled_at.isoformat() if self.disabled_at else None,
            "disabled_reason": self.disabled_reason,
            "subscriptions": [
                {
                    "topic": subscription.topic_label(),
                    "kind": subscription.kind,
                    "frequency": subscription.frequency,
                    "created_at": subscription.created_at.isoformat(),
                    "confirmed_at": subscription.confirmed_at.isoformat()
                    if subscription.confirmed_at
                    else None,
                }
                for subscription in self.subscriptions.select_related(
                    "law", "campaign", "organisation"
                )
            ],
            "messages": [
                {
                    "about": str(delivery.event),
                    "status": delivery.status,
                    "recorded_at": delivery.created_at.isoformat(),
                    "sent_at": delivery.sent_at.isoformat() if delivery.sent_at else None,
                }
                for delivery in self.deliveries.select_related(
                    "event__statement", "event__law_event__law"
                ).order_by("created_at", "pk")
            ],
        }

    def erase(self) -> None:
        """Forget the address and everything about it (GDPR, article 17)."""
        self.delete()


class Subscription(models.Model):
    class Kind(models.TextChoices):
        ALL = "all", _("Every statement")
        CAMPAIGN = "campaign", _("A campaign")
        ORGANISATION = "organisation", _("An organisation")
        LAW = "law", _("A law")
        COUNTRY = "country", _("A country")

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("At once")
        WEEKLY = "weekly", _("In a weekly digest")

    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("subscriber"),
    )
    kind = models.CharField(_("topic"), max_length=16, choices=Kind)
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_subscriptions",
        verbose_name=_("campaign"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_subscriptions",
        verbose_name=_("organisation"),
    )
    law = models.ForeignKey(
        Law,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_subscriptions",
        verbose_name=_("law"),
    )
    country = CountryField(_("country"), blank=True)
    frequency = models.CharField(
        _("how often"), max_length=16, choices=Frequency, default=Frequency.IMMEDIATE
    )
    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("asked for at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        ordering = ["subscriber", "created_at", "pk"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="all", campaign=None, organisation=None, law=None, country="")
                    | Q(kind="campaign", campaign__isnull=False, organisation=None, law=None)
                    & Q(country="")
                    | Q(kind="organisation", organisation__isnull=False, campaign=None, law=None)
                    & Q(country="")
                    | Q(kind="law", law__isnull=False, campaign=None, organisation=None)
                    & Q(country="")
                    | Q(kind="country", campaign=None, organisation=None, law=None) & ~Q(country="")
                ),
                name="alert_subscription_names_its_topic",
            ),
            # One subscription per address and topic: subscribing again changes nothing.
            models.UniqueConstraint(
                fields=["subscriber"],
                condition=Q(kind="all"),
                name="alert_subscription_once_to_all",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "campaign"],
                condition=Q(kind="campaign"),
                name="alert_subscription_once_per_campaign",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "organisation"],
                condition=Q(kind="organisation"),
                name="alert_subscription_once_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "law"],
                condition=Q(kind="law"),
                name="alert_subscription_once_per_law",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "country"],
                condition=Q(kind="country"),
                name="alert_subscription_once_per_country",
            ),
        ]

    def __str__(self) -> str:
        return self.topic_label()

    def topic_label(self) -> str:
        """The topic in words, in the active language: "the law Russia · 121-FZ · …"."""
        if self.kind == self.Kind.CAMPAIGN and self.campaign:
            return str(_("the campaign %(name)s") % {"name": self.campaign.title})
        if self.kind == self.Kind.ORGANISATION and self.organisation:
            return str(_("statements signed by %(name)s") % {"name": self.organisation.name})
        if self.kind == self.Kind.LAW and self.law:
            return str(_("the law %(name)s") % {"name": self.law.title})
        if self.kind == self.Kind.COUNTRY and self.country:
            name = countries.name(self.country)
            return str(_("statements and laws about %(name)s") % {"name": name})
        return str(_("every statement"))

    def confirm_token(self) -> str:
        return signing.TimestampSigner(salt=CONFIRM_SALT).sign(self.key.hex)

    def confirm_url(self) -> str:
        with translation.override(self.subscriber.language):
            return site_url(reverse("alerts:confirm", kwargs={"token": self.confirm_token()}))

    @classmethod
    def from_confirm_token(cls, token: str) -> "Subscription | None":
        max_age = settings.ALERTS_CONFIRM_LINK_DAYS * 24 * 60 * 60
        try:
            key = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(token, max_age=max_age)
        except signing.BadSignature:
            return None
        return cls.objects.select_related("subscriber").filter(key=key).first()

    def confirm(self) -> None:
        """The address's holder followed the link: alerts for this topic may go to it.

        Following a link sent to the address proves it reaches someone again, so an
        address disabled after a refusal is enabled again.
        """
        with transaction.atomic():
            if self.confirmed_at is None:
                self.confirmed_at = timezone.now()
                self.save(update_fields=["confirmed_at"])
            Subscriber.objects.filter(pk=self.subscriber_id).update(
                disabled_at=None, disabled_reason=""
            )


class AlertEvent(models.Model):
    """Something subscribers may be told of. Recorded once per thing that happened: a
    statement's entry in the change feed, or a law's timeline event."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("Statement published")
        CORRECTED = "corrected", _("Statement corrected")
        WITHDRAWN = "withdrawn", _("Statement withdrawn")
        LAW_EVENT = "law_event", _("New event in a law's timeline")

    kind = models.CharField(_("what happened"), max_length=16, choices=Kind)
    change = models.OneToOneField(
        Change,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_event",
        verbose_name=_("change feed entry"),
    )
    statement = models.ForeignKey(
        Statement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_events",
        verbose_name=_("statement"),
    )
    law_event = models.OneToOneField(
        LawEvent,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_event",
        verbose_name=_("law event"),
    )
    occurred_at = models.DateTimeField(_("happened at"), default=timezone.now)
    matched_at = models.DateTimeField(
        _("subscribers found at"),
        null=True,
        blank=True,
        help_text=_("When the subscriptions it concerns were found and its messages recorded."),
    )

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("alert event")
        verbose_name_plural = _("alert events")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="law_event", law_event__isnull=False, statement=None)
                | ~Q(kind="law_event") & Q(statement__isnull=False, law_event=None),
                name="alert_event_is_about_a_statement_or_a_law_event",
            ),
        ]

    def __str__(self) -> str:
        if self.law_event_id and self.law_event:
            return f"{self.get_kind_display()}: {self.law_event.law.title}, {self.law_event}"
        if self.statement_id and self.statement:
            return f"{self.get_kind_display()}: {self.statement.title}"
        return str(self.get_kind_display())


class Delivery(models.Model):
    """One address told (or to be told) of one event: the log of what was sent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        DIGEST = "digest", _("Waiting for the weekly digest")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not sent")
        FAILED = "failed", _("Failed")

    # What may still go out.
    WAITING = (Status.PENDING, Status.DIGEST)

    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscriber"),
    )
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("because of"),
    )
    event = models.ForeignKey(
        AlertEvent, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("event")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PENDING)
    attempt_count = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.TextField(_("why not"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message sent")
        verbose_name_plural = _("messages sent")
        constraints = [
            # Each address is told of each event once, whatever else runs twice.
            models.UniqueConstraint(
                fields=["subscriber", "event"], name="alert_delivery_once_per_address_and_event"
            ),
        ]
        indexes = [
            # The sweep and the retries read the waiting messages that are due.
            models.Index(fields=["status", "next_attempt_at"], name="alert_delivery_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscriber_id} ({self.get_status_display()})"


def site_url(path: str) -> str:
    """An absolute address on the public site, for what is sent without a request."""
    return settings.SITE_URL.rstrip("/") + path


def request_subscription(
    email: str, language: str, frequency: str, topic: dict[str, Any]
) -> Subscription:
    """Record that `email` asked for alerts on `topic`: the subscription, new or already there.

    A subscription already there keeps its frequency until its holder changes it on the
    manage page: whoever typed the address in may not be its holder.
    """
    with transaction.atomic():
        subscriber, created = Subscriber.objects.get_or_create(
            email=Subscriber.normalise(email), defaults={"language": language}
        )
        if not created and not subscriber.subscriptions.filter(confirmed_at__isnull=False).exists():
            # Nobody has shown they hold the address yet: the latest request says it.
            Subscriber.objects.filter(pk=subscriber.pk).update(language=language)
            subscriber.language = language
        lookup = {"subscriber": subscriber, "kind": topic["kind"]}
        target = {
            Subscription.Kind.CAMPAIGN: "campaign",
            Subscription.Kind.ORGANISATION: "organisation",
            Subscription.Kind.LAW: "law",
            Subscription.Kind.COUNTRY: "country",
        }.get(topic["kind"])
        if target:
            lookup[target] = topic[target]
        subscription, _created = Subscription.objects.get_or_create(
            **lookup, defaults={"frequency": frequency}
        )
        if subscription.confirmed_at is None and subscription.frequency != frequency:
            subscription.frequency = frequency
            subscription.save(update_fields=["frequency"])
    subscription.subscriber = subscriber
    return subscription
