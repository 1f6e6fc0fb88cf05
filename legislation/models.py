from typing import Any

from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField
from modeltranslation.manager import MultilingualManager

from addresses.models import KeepsFormerAddresses
from lib.change_feed import (
    DELETED,
    UPDATED,
    ShownInAnswer,
    follow_relation,
    tell_change_feed,
    tell_change_feed_of_rows,
)
from lib.web_addresses import WebAddressField

from .validators import validate_ecli


class Right(models.Model):
    """A human right a law can restrict: freedom of expression, of association, ..."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    # Translated (see translation.py): the manager modeltranslation would otherwise make.
    objects = MultilingualManager["Right"]()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("right")
        verbose_name_plural = _("rights")

    def __str__(self) -> str:
        return self.name


class Standard(models.Model):
    """An international or constitutional standard a law is measured against."""

    class Kind(models.TextChoices):
        TREATY = "treaty", _("International treaty")
        REGIONAL_TREATY = "regional_treaty", _("Regional treaty")
        CONSTITUTION = "constitution", _("National constitution")
        SOFT_LAW = "soft_law", _("Declaration or guidelines")
        OTHER = "other", _("Other")

    name = models.CharField(
        _("name"), max_length=200, unique=True, help_text=_("e.g. ICCPR, article 19")
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind, default=Kind.TREATY)
    country = CountryField(_("country"), blank=True, help_text=_("For a national constitution."))
    url = WebAddressField(_("link to the text"), blank=True)
    rights = models.ManyToManyField(
        Right, related_name="standards", blank=True, verbose_name=_("rights")
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("standard")
        verbose_name_plural = _("standards")

    def __str__(self) -> str:
        return self.name


class Law(KeepsFormerAddresses):
    class Kind(models.TextChoices):
        BILL = "bill", _("Bill")
        STATUTE = "statute", _("Statute")
        AMENDMENT = "amendment", _("Amendment")
        DECREE = "decree", _("Decree")
        REGULATION = "regulation", _("Regulation")

    class Status(models.TextChoices):
        BILL = "bill", _("Bill")
        ADOPTED = "adopted", _("Adopted")
        IN_FORCE = "in_force", _("In force")
        PARTIALLY_IN_FORCE = "partially_in_force", _("Partially in force")
        SUSPENDED = "suspended", _("Suspended")
        REPEALED = "repealed", _("Repealed")
        STRUCK_DOWN = "struck_down", _("Struck down")
        SUPERSEDED = "superseded", _("Superseded")

    country = CountryField(_("country"))
    official_title = models.CharField(_("official title"), max_length=500)
    common_title = models.CharField(
        _("common title"),
        max_length=200,
        blank=True,
        help_text=_("The name the press uses, e.g. the 'foreign agents' law."),
    )
    slug = models.SlugField(_("slug"), max_length=100, help_text=_("Unique within the country."))
    identifier = models.CharField(
        _("official identifier"), max_length=100, blank=True, help_text=_("e.g. 121-FZ")
    )
    bill_number = models.CharField(
        _("bill number"),
        max_length=100,
        blank=True,
        help_text=_(
            "The number the bill was registered under, e.g. 102766-6 in the State Duma. "
            "Kept once the law is adopted, beside its official identifier."
        ),
    )
    eli = models.CharField(
        _("ELI or other permanent identifier"),
        max_length=300,
        blank=True,
        help_text=_("A European Legislation Identifier or the official register's permanent link."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.STATUTE)
    status = models.CharField(
        _("legal-force status"),
        max_length=24,
        choices=Status,
        default=Status.BILL,
        editable=False,
        help_text=_("Follows from the timeline: add an event to change it."),
    )
    status_since = models.DateField(_("status since"), null=True, blank=True, editable=False)
    summary = models.TextField(_("summary"), blank=True)
    rights = models.ManyToManyField(
        Right, related_name="laws", blank=True, verbose_name=_("rights affected")
    )
    conflicts_with = models.ManyToManyField(
        Standard, related_name="laws", blank=True, verbose_name=_("standards it conflicts with")
    )
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )
    modelled_on = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="models_for",
        blank=True,
        verbose_name=_("modelled on"),
        help_text=_("Laws elsewhere that this one copies."),
    )
    implements = models.ManyToManyField(
        "self",
        through="Implementation",
        through_fields=("instrument", "law"),
        symmetrical=False,
        related_name="implemented_by",
        blank=True,
        verbose_name=_("implements"),
        help_text=_("The laws this decree or regulation puts into effect."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Translated (see translation.py): the manager modeltranslation would otherwise make.
    objects = MultilingualManager["Law"]()

    # Two countries may each have a law with the same slug, so earlier addresses too.
    slug_unique_within_scope = True

    class Meta:
        ordering = ["country", "official_title"]
        verbose_name = _("law")
        verbose_name_plural = _("laws")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "slug"],
                name="law_slug_unique_per_country",
                violation_error_message=_("Another law of this country already has this slug."),
            ),
            models.CheckConstraint(
                condition=~Q(replaced_by=F("pk")),
                name="law_not_replaced_by_itself",
                violation_error_message=_("A law cannot replace itself."),
            ),
        ]
        indexes = [
            # The law tracker filters by country and status.
            models.Index(fields=["country", "status"], name="law_country_status_idx"),
        ]

    # Staff pick laws from lists of many countries, where titles repeat ("Law on NGOs"):
    # the admin names a law everywhere (autocompletes, lists, history) by all three.
    # Public pages that mean the title alone say `title`.
    def __str__(self) -> str:
        """The law as "Russia · 121-FZ · 'foreign agents' law"."""
        return " · ".join(
            part for part in (countries.name(self.country), self.number, self.title) if part
        )

    def get_absolute_url(self) -> str:
        return reverse(
            "legislation:detail", kwargs={"country": str(self.country).lower(), "slug": self.slug}
        )

    # Mirrors of the API learn of every save and deletion through the change feed, in the
    # same transaction, wherever it is made (lib/change_feed.py).
    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            tell_change_feed("law", self.pk, UPDATED)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            tell_change_feed("law", self.pk, DELETED)
            return super().delete(*args, **kwargs)

    @property
    def title(self) -> str:
        """The name it is known by, or failing that its official title."""
        return self.common_title or self.official_title

    @property
    def number(self) -> str:
        """The official identifier, or for a bill that has none yet, its bill number."""
        if self.identifier or not self.bill_number:
            return self.identifier
        return gettext("bill No. %(number)s") % {"number": self.bill_number}

    def refresh_status(self) -> None:
        """Set the status from the timeline, the one source of truth.

        The stored status is a copy kept so lists can filter and count by it; it is
        written here and nowhere else.
        """
        last = (
            self.events.filter(kind__in=LawEvent.STATUS_AFTER.keys())
            .order_by("-date", "-pk")
            .only("kind", "date")
            .first()
        )
        status, since = (
            (LawEvent.STATUS_AFTER[last.kind], last.date) if last else (self.Status.BILL, None)
        )
        if (status, since) != (self.status, self.status_since):
            self.status, self.status_since = status, since
            Law.objects.filter(pk=self.pk).update(status=status, status_since=since)


class LawSource(ShownInAnswer):
    # The law's answer shows its sources: mirrors learn of a change (lib/change_feed.py).
    shown_in = ("law", "law_id")
    law = models.ForeignKey(
        Law, on_delete=models.CASCADE, related_name="sources", verbose_name=_("law")
    )
    title = models.CharField(_("title"), max_length=300)
    url = WebAddressField(_("URL"), max_length=500, blank=True)
    accessed_on = models.DateField(_("accessed on"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.title


class LawEventKind(models.TextChoices):
    """What can happen to a law, or a date it sets."""

    INTRODUCED = "introduced", _("Introduced")
    READING = "reading", _("Reading")
    ADOPTED = "adopted", _("Adopted")
    VETOED = "vetoed", _("Vetoed")
    VETO_OVERRIDDEN = "veto_overridden", _("Veto overridden")
    SIGNED = "signed", _("Signed")
    PUBLISHED = "published", _("Published officially")
    IN_FORCE = "in_force", _("Entered into force")
    PARTIALLY_IN_FORCE = "partially_in_force", _("Partially entered into force")
    COMPLIANCE_DEADLINE = "compliance_deadline", _("Compliance deadline")
    AMENDED = "amended", _("Amended")
    CHALLENGED = "challenged", _("Challenged in court")
    UPHELD = "upheld", _("Upheld in court")
    COURT_RULING = "court_ruling", _("Court ruling")
    SUSPENDED = "suspended", _("Suspended")
    STRUCK_DOWN = "struck_down", _("Struck down")
    REPEALED = "repealed", _("Repealed")
    SUPERSEDED = "superseded", _("Superseded")


# Nobody votes on these, so they carry no tally.
NOT_VOTED = (
    LawEventKind.INTRODUCED,
    LawEventKind.SIGNED,
    LawEventKind.PUBLISHED,
    LawEventKind.IN_FORCE,
    LawEventKind.PARTIALLY_IN_FORCE,
    LawEventKind.COMPLIANCE_DEADLINE,
    LawEventKind.CHALLENGED,
)
# What happens before a court: these may name the court, the case and the ECLI.
BEFORE_A_COURT = (
    LawEventKind.CHALLENGED,
    LawEventKind.UPHELD,
    LawEventKind.COURT_RULING,
    LawEventKind.SUSPENDED,
    LawEventKind.STRUCK_DOWN,
)


class LawEvent(models.Model):
    """One step in a law's life, or a date it sets. The law's status follows from these."""

    Kind = LawEventKind

    # The status a law has after an event of each kind. Kinds missing here leave the
    # status as it was: an amendment, a court challenge, a ruling that upholds the law or
    # finds a violation without striking it down, the official publication (which may
    # fall on the day the law enters into force) and a deadline the law sets for those
    # it binds (which says when they must comply, not what force the law has).
    STATUS_AFTER: dict[str, str] = {
        LawEventKind.INTRODUCED: Law.Status.BILL,
        LawEventKind.READING: Law.Status.BILL,
        LawEventKind.ADOPTED: Law.Status.ADOPTED,
        LawEventKind.VETOED: Law.Status.BILL,
        LawEventKind.VETO_OVERRIDDEN: Law.Status.ADOPTED,
        LawEventKind.SIGNED: Law.Status.ADOPTED,
        LawEventKind.IN_FORCE: Law.Status.IN_FORCE,
        LawEventKind.PARTIALLY_IN_FORCE: Law.Status.PARTIALLY_IN_FORCE,
        LawEventKind.SUSPENDED: Law.Status.SUSPENDED,
        LawEventKind.STRUCK_DOWN: Law.Status.STRUCK_DOWN,
        LawEventKind.REPEALED: Law.Status.REPEALED,
        LawEventKind.SUPERSEDED: Law.Status.SUPERSEDED,
    }

    law = models.ForeignKey(
        Law, on_delete=models.CASCADE, related_name="events", verbose_name=_("law")
    )
    kind = models.CharField(_("what happened"), max_length=24, choices=Kind)
    date = models.DateField(_("date"))
    actor = models.CharField(
        _("by"),
        max_length=200,
        blank=True,
        help_text=_(
            "Who acted, as it reads after “by”: the State Duma, the President, a named "
            "person. Leave it empty for a ruling: the court is named below."
        ),
    )
    votes_for = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("votes against"), null=True, blank=True)
    votes_abstaining = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    court = models.CharField(
        _("court"),
        max_length=200,
        blank=True,
        help_text=_("As it reads after “by”: the Constitutional Court of the Russian Federation."),
    )
    case_number = models.CharField(
        _("case number"),
        max_length=100,
        blank=True,
        help_text=_("As the court numbers the case or application, e.g. 9988/13."),
    )
    ecli = models.CharField(
        _("ECLI"),
        max_length=64,
        blank=True,
        validators=[validate_ecli],
        help_text=_("The European Case Law Identifier of the ruling, e.g. ECLI:NL:HR:2015:472."),
    )
    note = models.TextField(_("note"), blank=True)
    source_url = WebAddressField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("timeline")
        indexes = [
            # refresh_status() and the tracker's "last event" read a law's newest event.
            models.Index(fields=["law", "-date"], name="law_event_latest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    votes_for__isnull=True,
                    votes_against__isnull=True,
                    votes_abstaining__isnull=True,
                )
                | ~Q(kind__in=NOT_VOTED),
                name="law_event_votes_only_on_a_vote",
                violation_error_message=_(
                    "Only a vote has a tally: an introduction, a signature, a publication, an "
                    "entry into force, a deadline or a court challenge has none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(court="", case_number="", ecli="") | Q(kind__in=BEFORE_A_COURT),
                name="law_event_court_only_before_a_court",
                violation_error_message=_(
                    "A court, case number or ECLI belongs to a challenge, a ruling, a "
                    "suspension or a striking down."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.date:%Y-%m-%d})"

    # The stored status is a copy of what the timeline says; keeping it in step in the
    # same transaction as the event is what makes the timeline the one source of truth.
    # The law's answer shows its timeline: mirrors learn of it (lib/change_feed.py).
    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.law.refresh_status()
            tell_change_feed_of_rows("law", self.law_id)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            self.law.refresh_status()
            tell_change_feed_of_rows("law", self.law_id)
        return result

    def description(self) -> str:
        """What happened, by whom, with the tally and the court's references as recorded.

        "Adopted by the State Duma — 374 for, 3 against, 1 abstaining";
        "Struck down by the Constitutional Court, case No. 10-P, ECLI:…".
        """
        what = self.get_kind_display()
        who = self.actor or self.court
        text = gettext("%(what)s by %(who)s") % {"what": what, "who": who} if who else what
        if self.actor and self.court:
            text = gettext("%(text)s before %(court)s") % {"text": text, "court": self.court}
        tally = [
            template % {"count": count}
            for template, count in (
                (gettext("%(count)d for"), self.votes_for),
                (gettext("%(count)d against"), self.votes_against),
                (gettext("%(count)d abstaining"), self.votes_abstaining),
            )
            if count is not None
        ]
        if tally:
            text += " — " + ", ".join(tally)
        if self.case_number:
            text += ", " + gettext("case No. %(number)s") % {"number": self.case_number}
        if self.ecli:
            text += ", " + self.ecli
        return text


class Implementation(models.Model):
    """A decree or regulation that puts a law into effect. Both are laws of the tracker."""

    instrument = models.ForeignKey(
        Law,
        on_delete=models.CASCADE,
        related_name="implements_links",
        verbose_name=_("implementing instrument"),
    )
    law = models.ForeignKey(
        Law,
        on_delete=models.CASCADE,
        related_name="implemented_by_links",
        verbose_name=_("law implemented"),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("implementation")
        verbose_name_plural = _("implementations")
        constraints = [
            # Its index serves a law page's "implements"; the law's own foreign-key index
            # serves "implemented by".
            models.UniqueConstraint(
                fields=["instrument", "law"],
                name="implementation_unique",
                violation_error_message=_("This instrument is already linked to this law."),
            ),
            models.CheckConstraint(
                condition=~Q(instrument=F("law")),
                name="implementation_not_of_itself",
                violation_error_message=_("A law cannot implement itself."),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(instrument)s implements %(law)s") % {
            "instrument": self.instrument,
            "law": self.law,
        }

    # Both laws' answers show the link: mirrors learn of a change (lib/change_feed.py).
    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        self.tell_change_feed()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self.tell_change_feed()
        return super().delete(*args, **kwargs)

    def tell_change_feed(self) -> None:
        tell_change_feed_of_rows("law", self.instrument_id)
        tell_change_feed_of_rows("law", self.law_id)


class Provision(ShownInAnswer):
    """An article or section of a law."""

    # The law's answer shows its provisions: mirrors learn of a change (lib/change_feed.py).
    shown_in = ("law", "law_id")

    law = models.ForeignKey(
        Law, on_delete=models.CASCADE, related_name="provisions", verbose_name=_("law")
    )
    reference = models.CharField(
        _("reference"),
        max_length=100,
        help_text=_("As the law numbers it, e.g. Article 275 of the Criminal Code"),
    )
    summary = models.TextField(_("summary"), blank=True)
    rights = models.ManyToManyField(
        Right, related_name="provisions", blank=True, verbose_name=_("rights affected")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["law", "order", "pk"]
        verbose_name = _("provision")
        verbose_name_plural = _("provisions")
        constraints = [
            models.UniqueConstraint(
                fields=["law", "reference"],
                name="provision_reference_unique_per_law",
                violation_error_message=_("This law already has a provision with this reference."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.law}: {self.reference}"


class Penalty(ShownInAnswer):
    """A sanction a provision carries.

    The figure is kept exactly as the source prints it. The normalised amounts and prison
    terms are filled in only where the figure is unambiguous; otherwise they stay empty
    and the note says why.
    """

    # The law's answer shows its provisions' penalties: mirrors learn of a change
    # (lib/change_feed.py).
    shown_in = ("law", "provision.law_id")

    class Kind(models.TextChoices):
        FINE = "fine", _("Fine")
        IMPRISONMENT = "imprisonment", _("Imprisonment")
        FORCED_LABOUR = "forced_labour", _("Forced labour")
        DISSOLUTION = "dissolution", _("Dissolution")
        BLOCKING = "blocking", _("Blocking")
        REGISTRATION_BAN = "registration_ban", _("Registration ban")
        OTHER = "other", _("Other")

    provision = models.ForeignKey(
        Provision, on_delete=models.CASCADE, related_name="penalties", verbose_name=_("provision")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind)
    offence = models.TextField(
        _("offence"),
        blank=True,
        help_text=_(
            "The conduct it punishes, e.g. “malicious evasion of the duties of a ‘foreign "
            "agent’ organisation”."
        ),
    )
    as_reported = models.CharField(
        _("as reported"),
        max_length=300,
        help_text=_("The figure exactly as the source prints it, e.g. “up to £20,000”."),
    )
    amount_min = models.DecimalField(
        _("minimum amount"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    amount_max = models.DecimalField(
        _("maximum amount"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(
        _("unit"),
        max_length=16,
        blank=True,
        help_text=_(
            "ISO 4217 currency code (RUB, GBP, EUR) or a statutory unit (e.g. MCI, a "
            "monthly calculation index)."
        ),
    )
    prison_min_months = models.PositiveIntegerField(
        _("minimum prison term (months)"), null=True, blank=True
    )
    prison_max_months = models.PositiveIntegerField(
        _("maximum prison term (months)"), null=True, blank=True
    )
    source_url = WebAddressField(_("source"), max_length=500, blank=True)
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_("Why an amount or a term is left empty, or how it was normalised."),
    )

    class Meta:
        ordering = ["provision", "pk"]
        verbose_name = _("penalty")
        verbose_name_plural = _("penalties")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_min__isnull=True)
                | Q(amount_max__isnull=True)
                | Q(amount_min__lte=F("amount_max")),
                name="penalty_min_not_above_max",
                violation_error_message=_("The minimum amount cannot be higher than the maximum."),
            ),
            models.CheckConstraint(
                condition=Q(prison_min_months__isnull=True)
                | Q(prison_max_months__isnull=True)
                | Q(prison_min_months__lte=F("prison_max_months")),
                name="penalty_prison_min_not_above_max",
                violation_error_message=_(
                    "The minimum prison term cannot be longer than the maximum."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(amount_min__isnull=True) | Q(amount_min__gte=0))
                & (Q(amount_max__isnull=True) | Q(amount_max__gte=0)),
                name="penalty_amounts_not_negative",
                violation_error_message=_("Amounts cannot be negative."),
            ),
            models.CheckConstraint(
                condition=(Q(amount_min__isnull=True) & Q(amount_max__isnull=True)) | ~Q(unit=""),
                name="penalty_amount_has_unit",
                violation_error_message=_(
                    "An amount needs its unit: a currency code or a statutory unit."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(as_reported=""),
                name="penalty_as_reported_required",
                violation_error_message=_("Give the figure as the source reports it."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.as_reported}"

    @property
    def is_normalised(self) -> bool:
        """Whether an amount or a prison term was read off the figure as reported."""
        return any(
            value is not None
            for value in (
                self.amount_min,
                self.amount_max,
                self.prison_min_months,
                self.prison_max_months,
            )
        )


# The links a law's answer shows, changed without any save() of the law (lib/change_feed.py).
follow_relation(Law.rights, Law, lambda laws, _rights: laws)
follow_relation(Law.conflicts_with, Law, lambda laws, _standards: laws)
# Each law shows the other: the laws it is modelled on, those modelled on it; the laws it
# implements, those implementing it.
follow_relation(Law.modelled_on, Law, lambda laws, models: laws | models)
follow_relation(Law.implements, Law, lambda instruments, laws: instruments | laws)
follow_relation(
    Provision.rights,
    Law,
    lambda provisions, _rights: Provision.objects.filter(pk__in=provisions).values_list(
        "law_id", flat=True
    ),
)
