import base64
import re
import secrets
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modeltranslation.manager import MultilingualManager, MultilingualQuerySet
from rest_framework_api_key.models import AbstractAPIKey

from addresses.models import KeepsFormerAddresses
from lib.change_feed import (
    DELETED,
    UPDATED,
    ShownInAnswer,
    follow_relation,
    tell_change_feed,
)
from lib.web_addresses import WebAddressField

from .logos import LogoField, logo_path

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


# Left out of initials ("International Federation for Human Rights" is IFHR), in
# English, French and Russian (за, и, на, по).
MINOR_WORDS = frozenset(
    (
        *("a", "an", "and", "at", "de", "del", "des", "du", "for", "in", "la", "le", "les"),
        *("of", "on", "the", "to", "und", "\u0437\u0430", "\u0438", "\u043d\u0430", "\u043f\u043e"),
    )
)


class OrganisationQuerySet(MultilingualQuerySet["Organisation"]):
    def active(self) -> "OrganisationQuerySet":
        return self.filter(is_active=True)


class Organisation(KeepsFormerAddresses):
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
    website = WebAddressField(_("website"), blank=True)
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
    logo = LogoField(
        _("logo"),
        upload_to=logo_path,
        blank=True,
        help_text=_(
            "A picture file (PNG, JPEG, WebP or GIF). It is made to fit 256 by 256 pixels "
            "and kept as PNG. Without one, pages show the organisation's initials."
        ),
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
        # Lists by name in each language (the API's cursor, the admin's order): read along
        # an index a page at a time, not sorted from every organisation. The columns are
        # modeltranslation's, one per language of LANGUAGES.
        indexes = [
            models.Index(fields=[f"name_{code}", "id"], name=f"organisation_name_{code}_idx")
            for code, _language in settings.LANGUAGES
        ]

    def __str__(self) -> str:
        """As staff pick it from a list (the admin's autocompletes): the acronym first, as
        they type it, then the name and the country, which tell apart similar names."""
        parts = [self.short_name] if self.short_name and self.short_name != self.name else []
        parts.append(self.name)
        if self.country:
            parts.append(str(self.country.name))  # type: ignore[attr-defined]
        return " · ".join(parts)

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", kwargs={"slug": self.slug})

    # Mirrors of the API learn of every save and deletion through the change feed, in the
    # same transaction, wherever it is made (lib/change_feed.py).
    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            tell_change_feed("organisation", self.pk, UPDATED)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            tell_change_feed("organisation", self.pk, DELETED)
            return super().delete(*args, **kwargs)

    @property
    def logo_url(self) -> str:
        """Where pages show the logo from, or nothing when there is none.

        Served by its own view, which answers only for an organisation the public may
        see; the stored file's name, new with every upload, is its version.
        """
        if not self.logo:
            return ""
        version = str(self.logo.name).rsplit("/", 1)[-1].removesuffix(".png")
        return reverse("organisations:logo", kwargs={"slug": self.slug, "version": version})

    @property
    def initials(self) -> str:
        """Up to four letters standing in for a missing logo: a short acronym as the
        organisation writes it (FIDH, OMCT), else the first letters of its name's words."""
        if self.short_name and len(self.short_name) <= 4 and " " not in self.short_name:
            return self.short_name
        words = [word for word in re.split(r"[\s\-–—/]+", self.name) if word]
        significant = [word for word in words if word.lower() not in MINOR_WORDS] or words
        return "".join(word[0] for word in significant[:4]).upper()

    @property
    def name_and_acronym(self) -> str:
        """As a reader knows it: the name, then the acronym ("Human Rights Watch (HRW)").

        Where readers choose an organisation by name, as the statement list's filter
        offers them; `__str__` is for staff, acronym first.
        """
        if self.short_name and self.short_name != self.name:
            return f"{self.name} ({self.short_name})"
        return self.name

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


class OrganisationParent(ShownInAnswer):
    """One organisation that runs a joint programme."""

    # A programme's answer is named after who runs it: mirrors learn of a change
    # (lib/change_feed.py).
    shown_in = ("organisation", "programme_id")

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


def ogrn_checks_out(value: str) -> bool:
    """An OGRN's thirteenth digit is the remainder of the first twelve divided by 11, mod 10."""
    return int(value[:12]) % 11 % 10 == int(value[12])


class OrganisationIdentifier(ShownInAnswer):
    """A number or code that names the organisation in a register or a dataset.

    It lets a reader, or another database, tell which organisation this is for certain:
    two organisations may share a name, never a charity number.
    """

    # The organisation's answer shows it: mirrors learn of a change (lib/change_feed.py).
    shown_in = ("organisation", "organisation_id")

    class Scheme(models.TextChoices):
        WIKIDATA = "wikidata", _("Wikidata")
        IATI = "iati", _("IATI organisation identifier")
        GB_CHARITY = "gb_charity", _("Registered charity number (England and Wales)")
        FR_RNA = "fr_rna", _("French national register of associations (RNA)")
        RU_OGRN = "ru_ogrn", _("Russian primary state registration number (OGRN)")
        OTHER = "other", _("Other register")

    # The shape of a value in each scheme a shape is known for, and how to say it.
    SHAPES: dict[str, tuple[re.Pattern[str], "StrOrPromise"]] = {
        Scheme.WIKIDATA: (
            re.compile(r"Q[1-9][0-9]*"),
            _("A Wikidata id is Q followed by digits, e.g. Q42970."),
        ),
        Scheme.IATI: (
            # The registration agency's code (country, agency) and its number for the
            # organisation; IATI forbids spaces and / & | ? in the whole.
            re.compile(r"[A-Z]{2}-[A-Z0-9]+-[^\s/&|?]+"),
            _(
                "An IATI organisation identifier is the code of the register followed by "
                "the number it gives, e.g. GB-CHC-1051681."
            ),
        ),
        Scheme.GB_CHARITY: (
            re.compile(r"[0-9]{6,7}(-[0-9]+)?"),
            _("A registered charity number has six or seven digits, e.g. 1051681."),
        ),
        Scheme.FR_RNA: (
            re.compile(r"W[0-9][0-9A-Z][0-9]{7}"),
            _("An RNA number is W followed by nine characters, e.g. W751012345."),
        ),
        Scheme.RU_OGRN: (
            re.compile(r"[0-9]{13}"),
            _("An OGRN has thirteen digits, the last a check digit, e.g. 1027700132195."),
        ),
    }
    # A Wikidata page's address, as an editor may paste it, gives its id.
    WIKIDATA_PAGE = re.compile(r"https?://(?:www\.|m\.)?wikidata\.org/(?:wiki|entity)/(Q[0-9]+)")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="identifiers",
        verbose_name=_("organisation"),
    )
    scheme = models.CharField(_("scheme"), max_length=16, choices=Scheme)
    label = models.CharField(
        _("name of the register"),
        max_length=100,
        blank=True,
        help_text=_("For another register only, e.g. Swiss commercial register (UID)."),
    )
    value = models.CharField(
        _("identifier"),
        max_length=100,
        help_text=_("As the register writes it, e.g. Q42970, GB-CHC-1051681, 1051681."),
    )

    class Meta:
        ordering = ["organisation", "pk"]
        verbose_name = _("identifier")
        verbose_name_plural = _("identifiers")
        constraints = [
            # Its index, led by the organisation, is the one the organisation page and
            # the API read an organisation's identifiers through.
            models.UniqueConstraint(
                fields=["organisation", "scheme", "value"],
                name="organisation_identifier_unique",
                violation_error_message=_("This identifier is already recorded."),
            ),
            models.CheckConstraint(
                condition=~Q(scheme="other") | ~Q(label=""),
                name="organisation_identifier_other_named",
                violation_error_message=_("Name the register this identifier comes from."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme_name}: {self.value}"

    def clean(self) -> None:
        self.value = self.value.strip()
        if self.scheme != self.Scheme.OTHER and self.label:
            raise ValidationError(
                {"label": _("Leave this empty: only another register needs its name.")}
            )
        if not self.value:
            return  # the field itself says it is required
        if self.scheme == self.Scheme.WIKIDATA:
            page = self.WIKIDATA_PAGE.fullmatch(self.value)
            self.value = page.group(1) if page else self.value.upper()
        shape = self.SHAPES.get(self.scheme)
        if shape and not shape[0].fullmatch(self.value):
            raise ValidationError({"value": shape[1]})
        if self.scheme == self.Scheme.RU_OGRN and not ogrn_checks_out(self.value):
            raise ValidationError(
                {"value": _("This OGRN's check digit does not match: check for a typo.")}
            )

    @property
    def scheme_name(self) -> str:
        if self.scheme == self.Scheme.OTHER:
            return self.label
        return str(self.get_scheme_display())

    @property
    def url(self) -> str:
        """The identifier's own page, for a scheme that has one per identifier."""
        if self.scheme == self.Scheme.WIKIDATA:
            return f"https://www.wikidata.org/wiki/{self.value}"
        return ""


class PressContact(ShownInAnswer):
    """A public media contact. Nothing here is private: it is shown on statement pages."""

    # The organisation's answer shows it: mirrors learn of a change (lib/change_feed.py).
    shown_in = ("organisation", "organisation_id")

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


# A programme's links to who runs it, changed without any save() (lib/change_feed.py).
follow_relation(Organisation.parents, Organisation, lambda programmes, _parents: programmes)


# --- partner access: API keys and webhooks ---------------------------------------------


class PartnerKey(AbstractAPIKey):
    """An organisation's key to the partner API, stored hashed; only its prefix is readable.

    Without a key the API serves public data to anyone; a key raises the request limit
    and, by its scopes, opens embargoed statements and signing on.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="partner_keys",
        verbose_name=_("organisation"),
    )
    can_read_embargoed = models.BooleanField(
        _("scope: embargo"),
        default=False,
        help_text=_(
            "Sees statements scheduled for the future, before their publish time. "
            "Every such read is logged."
        ),
    )
    can_sign = models.BooleanField(
        _("scope: sign"),
        default=False,
        help_text=_(
            "May ask to sign statements open for signatures, for this organisation only. "
            "Staff confirm each request."
        ),
    )
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Told when staff confirm or decline a sign-on request made with this key."),
    )
    requests_per_minute = models.PositiveIntegerField(
        _("requests per minute"),
        null=True,
        blank=True,
        help_text=_("Leave empty for the standard partner limit."),
    )

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("partner API key")  # type: ignore[assignment]
        verbose_name_plural = _("partner API keys")  # type: ignore[assignment]

    @property
    def scopes(self) -> list[str]:
        return [
            scope
            for scope, granted in (("embargo", self.can_read_embargoed), ("sign", self.can_sign))
            if granted
        ]


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class WebhookEndpoint(models.Model):
    """Where a partner wants to be told when a statement is published, corrected or
    withdrawn, and when staff decide on one of its own sign-on requests."""

    class Event(models.TextChoices):
        PUBLISHED = "statement.published", _("Statement published")
        CORRECTED = "statement.corrected", _("Statement corrected")
        WITHDRAWN = "statement.withdrawn", _("Statement withdrawn")
        SIGNATURE_CONFIRMED = "signature.confirmed", _("Sign-on request confirmed")
        SIGNATURE_DECLINED = "signature.declined", _("Sign-on request declined")
        TEST = "test", _("Test event")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("organisation"),
    )
    url = WebAddressField(
        _("URL"),
        max_length=500,
        help_text=_("Receives a POST per event. http:// or https:// only, on a public address."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=new_webhook_secret,
        editable=False,
        help_text=_(
            "Shown once, when the endpoint is made or its secret is replaced: each request "
            "is signed with it as the Standard Webhooks specification says."
        ),
    )
    sends_published = models.BooleanField(_("on publication"), default=True)
    sends_corrected = models.BooleanField(_("on correction"), default=True)
    sends_withdrawn = models.BooleanField(_("on withdrawal"), default=True)
    sends_sign_on = models.BooleanField(
        _("on a decision about its sign-on requests"),
        default=True,
        help_text=_("Only this organisation's own requests, when staff confirm or decline one."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "url"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def replace_secret(self) -> None:
        """A new secret, for when the old one may have been seen: deliveries from now on
        are signed with the new one only."""
        self.secret = new_webhook_secret()
        self.save(update_fields=["secret"])

    def wants(self, event: str) -> bool:
        wanted: dict[str, bool] = {
            self.Event.PUBLISHED: self.sends_published,
            self.Event.CORRECTED: self.sends_corrected,
            self.Event.WITHDRAWN: self.sends_withdrawn,
            self.Event.SIGNATURE_CONFIRMED: self.sends_sign_on,
            self.Event.SIGNATURE_DECLINED: self.sends_sign_on,
            self.Event.TEST: True,
        }
        return wanted.get(event, False)


class WebhookDelivery(models.Model):
    """One event for one endpoint, tried until it is accepted or retries run out."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed, no more retries")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    event_id = models.UUIDField(
        _("event id"),
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=_("The same on every retry: receivers use it to ignore a repeat."),
    )
    event = models.CharField(_("event"), max_length=32, choices=WebhookEndpoint.Event)
    payload = models.JSONField(_("payload"), editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.PENDING, editable=False
    )
    attempt_count = models.PositiveSmallIntegerField(_("attempts"), default=0, editable=False)
    next_attempt_at = models.DateTimeField(
        _("next attempt"), null=True, blank=True, default=timezone.now, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            # The sweep (`manage.py sendwebhooks`) looks for pending deliveries that are due.
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"


class WebhookAttempt(models.Model):
    """One POST of a delivery and what the receiver answered."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempts",
        verbose_name=_("delivery"),
    )
    attempted_at = models.DateTimeField(_("attempted at"))
    status_code = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.TextField(_("response (start)"), blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        ordering = ["delivery", "attempted_at", "pk"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")

    def __str__(self) -> str:
        return f"{self.attempted_at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
