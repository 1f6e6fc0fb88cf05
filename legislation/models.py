from typing import Any

from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modeltranslation.manager import MultilingualManager

from lib.web_addresses import WebAddressField


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


class Law(models.Model):
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Translated (see translation.py): the manager modeltranslation would otherwise make.
    objects = MultilingualManager["Law"]()

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

    def __str__(self) -> str:
        return self.common_title or self.official_title

    def get_absolute_url(self) -> str:
        return reverse(
            "legislation:detail", kwargs={"country": str(self.country).lower(), "slug": self.slug}
        )

    @property
    def title(self) -> str:
        return str(self)

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


class LawSource(models.Model):
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


class LawEvent(models.Model):
    """One step in a law's life. The law's status follows from these."""

    class Kind(models.TextChoices):
        INTRODUCED = "introduced", _("Introduced")
        READING = "reading", _("Reading")
        ADOPTED = "adopted", _("Adopted")
        VETOED = "vetoed", _("Vetoed")
        VETO_OVERRIDDEN = "veto_overridden", _("Veto overridden")
        SIGNED = "signed", _("Signed")
        IN_FORCE = "in_force", _("Entered into force")
        PARTIALLY_IN_FORCE = "partially_in_force", _("Partially entered into force")
        AMENDED = "amended", _("Amended")
        CHALLENGED = "challenged", _("Challenged in court")
        SUSPENDED = "suspended", _("Suspended")
        STRUCK_DOWN = "struck_down", _("Struck down")
        REPEALED = "repealed", _("Repealed")
        SUPERSEDED = "superseded", _("Superseded")

    # The status a law has after an event of each kind. Kinds missing here (an
    # amendment, a court challenge) leave the status as it was.
    STATUS_AFTER: dict[str, str] = {
        Kind.INTRODUCED: Law.Status.BILL,
        Kind.READING: Law.Status.BILL,
        Kind.ADOPTED: Law.Status.ADOPTED,
        Kind.VETOED: Law.Status.BILL,
        Kind.VETO_OVERRIDDEN: Law.Status.ADOPTED,
        Kind.SIGNED: Law.Status.ADOPTED,
        Kind.IN_FORCE: Law.Status.IN_FORCE,
        Kind.PARTIALLY_IN_FORCE: Law.Status.PARTIALLY_IN_FORCE,
        Kind.SUSPENDED: Law.Status.SUSPENDED,
        Kind.STRUCK_DOWN: Law.Status.STRUCK_DOWN,
        Kind.REPEALED: Law.Status.REPEALED,
        Kind.SUPERSEDED: Law.Status.SUPERSEDED,
    }

    law = models.ForeignKey(
        Law, on_delete=models.CASCADE, related_name="events", verbose_name=_("law")
    )
    kind = models.CharField(_("what happened"), max_length=24, choices=Kind)
    date = models.DateField(_("date"))
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

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.date:%Y-%m-%d})"

    # The stored status is a copy of what the timeline says; keeping it in step in the
    # same transaction as the event is what makes the timeline the one source of truth.
    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.law.refresh_status()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            self.law.refresh_status()
        return result


class Provision(models.Model):
    """An article or section of a law."""

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


class Penalty(models.Model):
    """A sanction a provision carries.

    The figure is kept exactly as the source prints it. The normalised amounts are
    filled in only where the figure is unambiguous; otherwise they stay empty and the
    note says why.
    """

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
    prison_max_months = models.PositiveIntegerField(
        _("maximum prison term (months)"), null=True, blank=True
    )
    source_url = WebAddressField(_("source"), max_length=500, blank=True)
    note = models.TextField(
        _("note"), blank=True, help_text=_("Why an amount is left empty, or how it was normalised.")
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
