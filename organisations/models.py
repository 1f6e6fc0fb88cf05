from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modeltranslation.manager import MultilingualManager, MultilingualQuerySet


class OrganisationQuerySet(MultilingualQuerySet["Organisation"]):
    def active(self) -> "OrganisationQuerySet":
        return self.filter(is_active=True)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NGO = "ngo", _("Non-governmental organisation")
        NETWORK = "network", _("Network")
        JOINT_PROGRAMME = "joint_programme", _("Joint programme")
        COALITION_SECRETARIAT = "coalition_secretariat", _("Coalition secretariat")
        FOUNDATION = "foundation", _("Foundation")
        MEDIA = "media", _("Media")
        OTHER = "other", _("Other")

    name = models.CharField(
        _("name"), max_length=200, help_text=_("The full name, as the organisation writes it.")
    )
    short_name = models.CharField(
        _("short name"),
        max_length=50,
        blank=True,
        help_text=_("The acronym or short form used in running text, e.g. FIDH."),
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind, default=Kind.NGO)
    country = CountryField(_("country of headquarters"), blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    other_names = models.TextField(
        _("other names"),
        blank=True,
        help_text=_(
            "Other names this organisation is known by, one per line: former names, "
            "full forms of the name, translations. Search finds them."
        ),
    )
    display_as = models.CharField(
        _("display in signatory lists as"),
        max_length=300,
        blank=True,
        help_text=_(
            "Leave empty to use the name, followed for a joint programme by the "
            "organisations that run it."
        ),
    )
    parents = models.ManyToManyField(
        "self",
        through="OrganisationParent",
        through_fields=("programme", "parent"),
        symmetrical=False,
        related_name="programmes",
        blank=True,
        verbose_name=_("run by"),
        help_text=_("For a joint programme: the organisations that run it."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive organisations stay on the statements they signed."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Multilingual from the start: modeltranslation would otherwise swap in a manager class
    # of its own making at start-up, one that neither readers nor type checkers can see.
    objects = MultilingualManager.from_queryset(OrganisationQuerySet)()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        if self.short_name and self.short_name != self.name:
            return f"{self.name} ({self.short_name})"
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", kwargs={"slug": self.slug})

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.other_names.splitlines() if line.strip()]

    @property
    def signatory_name(self) -> str:
        """How the organisation appears in a list of signatories.

        Reads `parent_links__parent`, in the order staff gave; list views prefetch it.
        """
        if self.display_as:
            return self.display_as
        if self.kind != self.Kind.JOINT_PROGRAMME:
            return self.name
        parents = [link.parent for link in self.parent_links.all()]
        if parents:
            names = [parent.short_name or parent.name for parent in parents]
            run_by = names[0]
            if len(names) > 1:
                run_by = gettext("%(first)s and %(last)s") % {
                    "first": ", ".join(names[:-1]),
                    "last": names[-1],
                }
            return gettext("%(name)s (a joint programme of %(parents)s)") % {
                "name": self.name,
                "parents": run_by,
            }
        return self.name


class OrganisationParent(models.Model):
    """One organisation that runs a joint programme."""

    programme = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="parent_links",
        verbose_name=_("programme"),
    )
    parent = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="programme_links",
        verbose_name=_("run by"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("organisation running this programme")
        verbose_name_plural = _("organisations running this programme")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "parent"],
                name="organisation_parent_unique",
                violation_error_message=_(
                    "This organisation is already listed as running the programme."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(programme=F("parent")),
                name="organisation_parent_not_self",
                violation_error_message=_("An organisation cannot run itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent} → {self.programme}"


class PressContact(models.Model):
    """A public media contact. Nothing here is private: it is shown on statement pages."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="press_contacts",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(
        _("role"), max_length=200, blank=True, help_text=_("e.g. Press officer, Europe")
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(
        _("phone"),
        max_length=50,
        blank=True,
        help_text=_("In international form, e.g. +44 20 7033 1500"),
    )
    languages = models.CharField(
        _("languages"),
        max_length=200,
        blank=True,
        help_text=_("Languages this contact speaks to the press in, e.g. English, Russian"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["organisation", "order", "pk"]
        verbose_name = _("press contact")
        verbose_name_plural = _("press contacts")
        constraints = [
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone=""),
                name="press_contact_reachable",
                violation_error_message=_(
                    "A press contact needs an email address or a phone number."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.short_name or self.organisation.name})"
