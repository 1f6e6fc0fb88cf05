import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import batched
from typing import Any, cast
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.fields import CountryField
from modeltranslation.manager import (
    MultilingualManager,
    MultilingualQuerySet,
    multilingual_queryset_factory,
)

from addresses.models import KeepsFormerAddresses
from legislation.models import Law, Provision
from lib.related_rows import related_rows
from lib.web_addresses import WebAddressField
from operations.changes import follow, follow_after_commit, public_pages_changed
from organisations.models import Organisation, OrganisationParent, PartnerKey

type Staff = User | AnonymousUser


class Coalition(KeepsFormerAddresses):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    website = WebAddressField(_("website"), blank=True)
    members = models.ManyToManyField(
        Organisation,
        through="CoalitionMembership",
        related_name="coalitions",
        blank=True,
        verbose_name=_("members"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("coalition")
        verbose_name_plural = _("coalitions")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campaigns:coalition", kwargs={"slug": self.slug})


class CoalitionMembership(models.Model):
    class Role(models.TextChoices):
        CONVENOR = "convenor", _("Convenor")
        MEMBER = "member", _("Member")
        OBSERVER = "observer", _("Observer")

    coalition = models.ForeignKey(
        Coalition, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("coalition")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role, default=Role.MEMBER)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["coalition", "role", "organisation__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            # An organisation can leave and rejoin, but is a current member only once.
            models.UniqueConstraint(
                fields=["coalition", "organisation"],
                condition=Q(left_on__isnull=True),
                name="coalition_membership_current_unique",
                violation_error_message=_(
                    "This organisation is already a current member of the coalition."
                ),
            ),
            models.CheckConstraint(
                condition=Q(joined_on__isnull=True)
                | Q(left_on__isnull=True)
                | Q(left_on__gte=F("joined_on")),
                name="coalition_membership_dates_in_order",
                violation_error_message=_("An organisation cannot leave before it joined."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.coalition}"


class Campaign(KeepsFormerAddresses):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        CONCLUDED = "concluded", _("Concluded")
        WON = "won", _("Won")

    coalition = models.ForeignKey(
        Coalition,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name=_("coalition"),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("One or two sentences, shown in lists.")
    )
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown."))
    country = CountryField(_("target country"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.ACTIVE)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    laws = models.ManyToManyField(
        Law, related_name="campaigns", blank=True, verbose_name=_("laws tracked")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The title and summary are translated: see translation.py.
    objects = MultilingualManager["Campaign"]()

    class Meta:
        ordering = ["-started_on", "title"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="campaign_dates_in_order",
                violation_error_message=_("A campaign cannot end before it started."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:campaign", kwargs={"slug": self.slug})


class Target(models.Model):
    """Who a statement addresses, or whose conduct is at stake."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        HEAD_OF_STATE = "head_of_state", _("Head of state")
        PARLIAMENT = "parliament", _("Parliament")
        INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental body")
        FINANCIAL_INSTITUTION = "financial_institution", _("International financial institution")
        COURT = "court", _("Court")
        COMPANY = "company", _("Company")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, help_text=_("e.g. European Union leaders"))
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind)
    country = CountryField(_("country"), blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("addressee")
        verbose_name_plural = _("addressees")

    def __str__(self) -> str:
        return self.name


class Moment(models.Model):
    """An advocacy moment a statement is timed for: a summit, a vote, an election."""

    name = models.CharField(_("name"), max_length=200, help_text=_("e.g. EU–Russia summit"))
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("moment")
        verbose_name_plural = _("moments")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="moment_dates_in_order",
                violation_error_message=_("A moment cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_on:%Y-%m-%d})"


class Leverage(models.Model):
    """What a government stands to lose: OECD membership, EU accession, ..."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("leverage")
        verbose_name_plural = _("leverage")

    def __str__(self) -> str:
        return self.name


# Compiled into a query in place of the clock, by a query built once and run with each
# request's own moment in its place (see StatementQuerySet.published).
CLOCK_STAND_IN = datetime(1, 1, 1, tzinfo=UTC)


class StatementQuerySet(MultilingualQuerySet["Statement"]):
    def published(self, *, at: datetime | None = None) -> "StatementQuerySet":
        """What the public may see. Every public surface starts here, and only here.

        Visibility is computed from the clock at query time, so a scheduled statement
        appears the moment its publish time is reached without any job running. `at` is
        CLOCK_STAND_IN in a query compiled once and run with the time of each request in
        its place (campaigns/documents.py `kept_public_detail`, campaigns/search.py
        `Search.count` and `Search.ranking`, through campaigns/public.py); nothing else
        may give it: a time to come would show scheduled statements.
        """
        return self.filter(
            status=Statement.Status.PUBLISHED,
            publish_at__lte=timezone.now() if at is None else at,
            withdrawn_at__isnull=True,
        )

    def scheduled(self) -> "StatementQuerySet":
        """Published by an editor, with a publish time still in the future (embargoed)."""
        return self.filter(
            status=Statement.Status.PUBLISHED,
            publish_at__gt=timezone.now(),
            withdrawn_at__isnull=True,
        )

    def withdrawn(self) -> "StatementQuerySet":
        return self.filter(status=Statement.Status.WITHDRAWN)

    def embargoed_for(self, organisation_id: int) -> "StatementQuerySet":
        """Scheduled statements that this organisation's keys with the embargo scope may
        read early, as each statement's editor chose: every such partner, the current
        members of its campaign's coalition, or the organisations named."""
        readers = Statement.EarlyReaders
        members = CoalitionMembership.objects.filter(
            organisation_id=organisation_id, left_on__isnull=True
        ).values("coalition")
        named = Statement.embargo_organisations.through.objects.filter(
            organisation_id=organisation_id
        ).values("statement")
        return self.scheduled().filter(
            Q(embargo_audience=readers.PARTNERS)
            | Q(embargo_audience=readers.COALITION, campaign__coalition__in=members)
            | Q(embargo_audience=readers.NAMED, pk__in=named)
        )

    def available_in(self, language: str) -> "StatementQuerySet":
        """Statements whose title and text are written in `language`.

        A statement is public in a language only once that language's text is there; the
        other languages' texts are never shown in its place.
        """
        if language not in Statement.language_codes():
            return self.none()
        return self.filter(Statement.written_in(language))

    def refresh_search_text(self) -> int:
        """Write these statements' `search_text` anew from their rows as they are now, and
        queue the rebuild of their API answers, which show the same rows.

        Call it where those rows change: a signature confirmed or withdrawn, a demand or a
        publication added, changed or removed, a law's identifier or an organisation's
        name changed (the admin's save paths; a law or an organisation saved anywhere,
        through settings.RECORD_CHANGE_COMMITTED; the demo data). Only the statements
        whose text changed are written; the number of them is returned.
        """
        # Which rows make the text is search's to say (settings.STATEMENT_SEARCH_TEXT).
        found_by_texts = import_string(settings.STATEMENT_SEARCH_TEXT)
        ids = list(
            dict.fromkeys(cast("Iterable[int]", self.order_by().values_list("pk", flat=True)))
        )
        written = 0
        for batch in batched(ids, 500):
            current = dict(Statement.objects.filter(pk__in=batch).values_list("pk", "search_text"))
            changed = [
                Statement(pk=pk, search_text=text)
                for pk, text in found_by_texts(list(batch)).items()
                if current.get(pk) != text
            ]
            # Not save(): the statement itself has not changed (its updated_at stays).
            written += Statement.objects.bulk_update(changed, ["search_text"])
        # The same rows are in their API answers, which the task worker builds anew.
        follow(settings.STATEMENT_RELATED_ROWS_CHANGED, ids)
        return written

    def with_everything_shown(self) -> "StatementQuerySet":
        """Statements with everything their page, their API answer, a webhook's payload
        and a preview show of them, loaded in a fixed number of queries."""
        return (
            self.with_short_lists()
            .select_related("campaign__coalition", "lead_organisation", "moment")
            .prefetch_related(
                confirmed_signatures(),
                "corrections",
                models.Prefetch("publications", Publication.objects.select_related("publisher")),
                models.Prefetch(
                    "demands",
                    Demand.objects.select_related("law", "provision", "addressee")
                    .with_outcome_history()
                    .order_by("order", "pk"),
                ),
            )
        )

    def with_short_lists(self) -> "StatementQuerySet":
        """Addressees and leverage read in the statements' own query, not one query each:
        see `Statement.listed_addressees` and `Statement.leverage_names`."""
        return self.annotate(
            addressee_rows=related_rows(
                Addressing.objects.all(),
                "statement",
                id="target_id",
                name="target__name",
                slug="target__slug",
                kind="target__kind",
                country="target__country",
                role="role",
                order="order",
            ),
            leverage_rows=related_rows(Leverage.objects.all(), "statements", name="name"),
        )


@dataclass(frozen=True)
class ShownStatement:
    """What a list shows of a statement, all in one language: see Statement.shown_in()."""

    language: str
    title: str
    standfirst: str
    url: str


# The queryset class modeltranslation's manager would build anew for every query it
# starts (a subclass of StatementQuerySet and its own, the same each time), made once.
MultilingualStatementQuerySet = multilingual_queryset_factory(StatementQuerySet, instantiate=False)


class StatementManager(MultilingualManager.from_queryset(StatementQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> StatementQuerySet:
        # As MultilingualManager.get_queryset() makes it, with the class made once.
        queryset = MultilingualStatementQuerySet(self.model, using=self._db, hints=self._hints)
        # `search_text` is for the search indexes, not for reading: no page reads it, and
        # a statement saved from a form it was read for cannot write back a copy older
        # than the rows it comes from (a save writes only the fields it read).
        return cast(StatementQuerySet, queryset.defer("search_text"))


class Statement(KeepsFormerAddresses):
    class Kind(models.TextChoices):
        JOINT_STATEMENT = "joint_statement", _("Joint statement")
        PRESS_RELEASE = "press_release", _("Press release")
        OPEN_LETTER = "open_letter", _("Open letter")
        BRIEFING = "briefing", _("Briefing")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name=_("campaign"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind, default=Kind.JOINT_STATEMENT)
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    standfirst = models.TextField(
        _("standfirst"), blank=True, help_text=_("The one-paragraph summary under the title.")
    )
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown. HTML is not allowed."))
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements_led",
        verbose_name=_("issued by"),
        help_text=_("The organisation that issues the statement on behalf of the signatories."),
    )
    addressees = models.ManyToManyField(
        Target,
        through="Addressing",
        related_name="statements",
        blank=True,
        verbose_name=_("addressees"),
    )
    moment = models.ForeignKey(
        Moment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name=_("timed for"),
    )
    leverage = models.ManyToManyField(
        Leverage, related_name="statements", blank=True, verbose_name=_("leverage named")
    )
    leverage_note = models.TextField(
        _("leverage, in words"),
        blank=True,
        help_text=_("What the statement says is at stake, if the list does not say it all."),
    )

    issued_on = models.DateField(
        _("issued on"),
        null=True,
        blank=True,
        help_text=_(
            "The date the statement was issued, as its signatories dated it: shown everywhere "
            "public, and the year of its address. Left empty, it is the day it is published. "
            "To add an older statement to the archive, use “Publish as archived…”."
        ),
    )

    # --- signatories not listed ("EPDE and 66 organisations") ---
    declared_signatory_count = models.PositiveIntegerField(
        _("declared total of signatories"),
        null=True,
        blank=True,
        help_text=_(
            "When only some signatories are listed: how many organisations signed in all, "
            "listed or not (“EPDE and 66 organisations” is 67). Leave empty when every "
            "signatory is listed."
        ),
    )

    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.DRAFT, editable=False
    )
    publish_at = models.DateTimeField(
        _("publish time"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the statement becomes public. Set by the publish action."),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True, editable=False)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Goes up by one with each public correction of the text."),
    )
    corrected_at = models.DateTimeField(
        _("last corrected at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the text was last corrected in public: the time shown as “updated”."),
    )

    class EarlyReaders(models.TextChoices):
        """Who may read the statement through the API between scheduling and publication."""

        COALITION = "coalition", _("The members of its coalition")
        PARTNERS = "partners", _("Every partner with the embargo scope")
        NAMED = "named", _("The organisations named")

    embargo_audience = models.CharField(
        _("read early by"),
        max_length=16,
        choices=EarlyReaders,
        default=EarlyReaders.COALITION,
        help_text=_(
            "While it is scheduled, partner keys with the embargo scope of these "
            "organisations read it through the API; others see nothing. Every early read "
            "is recorded."
        ),
    )
    embargo_organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="early_statements",
        verbose_name=_("organisations that read it early"),
        help_text=_("When it is read early by the organisations named: which ones."),
    )
    signatures_open = models.BooleanField(
        _("open for signatures"),
        default=False,
        help_text=_(
            "Partners with the sign scope may ask to sign through the API while the "
            "statement is public. Their signatures wait for staff to confirm them."
        ),
    )

    search_text = models.TextField(
        _("also found by"),
        blank=True,
        editable=False,
        help_text=_(
            "What search finds the statement by beyond its own text, one item a line: "
            "the people who signed for its confirmed signatories, its demands and the "
            "evidence of their outcomes, its publications elsewhere, and the identifiers "
            "and countries of the laws it makes demands about. Written by "
            "refresh_search_text() whenever those change."
        ),
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    # Multilingual from the start: modeltranslation would otherwise swap in a manager class
    # of its own making at start-up, one that neither readers nor type checkers can see.
    objects = StatementManager()

    class Meta:
        ordering = ["-publish_at", "-created_at"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        permissions = [
            ("submit_statement", _("Can submit a statement for review")),
            ("approve_statement", _("Can approve a statement")),
            ("publish_statement", _("Can publish or schedule a statement")),
            ("withdraw_statement", _("Can withdraw a published statement")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "in_review", "approved"])
                | Q(publish_at__isnull=False),
                name="statement_published_has_publish_time",
                violation_error_message=_(
                    "A published or withdrawn statement needs a publish time."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="withdrawn") & Q(withdrawn_at__isnull=False) & ~Q(withdrawal_reason="")
                )
                | (~Q(status="withdrawn") & Q(withdrawn_at__isnull=True)),
                name="statement_withdrawal_complete",
                violation_error_message=_("A withdrawn statement needs the time and the reason."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=F("publish_at")),
                name="statement_withdrawn_after_publish",
                violation_error_message=_(
                    "A statement cannot be withdrawn before it was published."
                ),
            ),
            # Everything public shows and orders by the date it was issued.
            models.CheckConstraint(
                condition=Q(status__in=["draft", "in_review", "approved"])
                | Q(issued_on__isnull=False),
                name="statement_published_has_issue_date",
                violation_error_message=_(
                    "A published or withdrawn statement needs the date it was issued."
                ),
            ),
        ]
        indexes = [
            # Statement.objects.published() and scheduled() by publish time: the next
            # publish time (the page cache, the API's ETags), statements published since
            # a time, and the API's lists in the order of their publish times.
            models.Index(fields=["status", "-publish_at"], name="statement_status_publish_idx"),
            # Published statements in the public lists' exact order (PUBLIC_ORDER: the
            # home page, /statements/ and its year filter and span of years, the campaign,
            # organisation and law pages, the feeds, the sitemap, the newest matches of a
            # search, the API ordered by issue date), holding only what published() tests
            # beyond the clock, whose publish time is in the index too: counting them and
            # skipping to a deep page read the index alone, not a statement row per entry.
            models.Index(
                fields=["-issued_on", "-publish_at", "-id"],
                name="statement_public_order_idx",
                condition=Q(status="published", withdrawn_at__isnull=True),
            ),
            # The admin's statement changelist in its default order (Meta.ordering, then the
            # id the admin adds), a page at a time; also the first and last publish times
            # of its date links.
            models.Index(
                fields=["-publish_at", "-created_at", "-id"], name="statement_admin_order_idx"
            ),
            # The same order within one status: the changelist filtered by its status
            # (drafts have no publish time, and would otherwise all be sorted on each visit).
            models.Index(
                fields=["status", "-publish_at", "-created_at", "-id"],
                name="statement_admin_status_idx",
            ),
        ]

    # The texts written per language (translation.py), and those a language needs before
    # the statement is public in it.
    TEXT_FIELDS = ("title", "standfirst", "body")
    REQUIRED_IN_EACH_LANGUAGE = ("title", "body")
    # The order of every public list: newest issued first, then the latest to become
    # public, then the latest entered. The index statement_public_order_idx follows it.
    PUBLIC_ORDER = ("-issued_on", "-publish_at", "-id")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        # In a language it is not written in, a statement has no page: link to its own.
        with translation.override(self.language_shown_in(translation.get_language())):
            return reverse(
                "campaigns:statement", kwargs={"year": self.address_year, "slug": self.slug}
            )

    @property
    def address_year(self) -> int:
        """The year in its address: the year it was issued. One not dated yet has no public
        address; until it has, the year it was (or will be) published, or entered."""
        if self.issued_on is not None:
            return self.issued_on.year
        return timezone.localdate(self.publish_at or self.created_at or timezone.now()).year

    def address_was_given_out(self) -> bool:
        # From the moment it is scheduled: partners reading embargoed statements have
        # its address before the public does.
        return self.status in {self.Status.PUBLISHED, self.Status.WITHDRAWN}

    def language_shown_in(self, language: str) -> str:
        """The language this statement is shown in on a page (or feed) in `language`:
        that language if the statement is written in it, otherwise its own."""
        available = self.available_languages()
        if language in available or not available:
            return language
        return self.language if self.language in available else available[0]

    def shown_in(self, language: str) -> "ShownStatement":
        """The statement as a list on a page in `language` shows it: its title, standfirst
        and address all in one language, never a title half translated for a page that
        does not exist yet."""
        shown = self.language_shown_in(language)
        with translation.override(shown):
            url = self.get_absolute_url()
        return ShownStatement(
            language=shown,
            title=getattr(self, f"title_{shown}", None) or self.title,
            standfirst=getattr(self, f"standfirst_{shown}", None) or "",
            url=url,
        )

    @property
    def shown(self) -> "ShownStatement":
        """The statement as shown on a page in the current language, for templates."""
        return self.shown_in(translation.get_language())

    @staticmethod
    def language_codes() -> list[str]:
        return [code for code, _name in settings.LANGUAGES]

    @classmethod
    def written_in(cls, language: str) -> Q:
        """The condition that a statement is written in `language` (a code of LANGUAGES):
        for filters that ask it of one language among others, such as search."""
        written = Q()
        for field in cls.REQUIRED_IN_EACH_LANGUAGE:
            written &= Q(**{f"{field}_{language}__isnull": False}) & ~Q(
                **{f"{field}_{language}": ""}
            )
        return written

    def available_languages(self) -> list[str]:
        """The languages this statement is written in, in the order of settings.LANGUAGES."""
        return [
            language
            for language in self.language_codes()
            if all(
                (getattr(self, f"{field}_{language}", None) or "").strip()
                for field in self.REQUIRED_IN_EACH_LANGUAGE
            )
        ]

    def refresh_search_text(self) -> None:
        """Write `search_text` anew from this statement's rows, and queue the rebuild of its
        API answer (see the QuerySet's method)."""
        text = import_string(settings.STATEMENT_SEARCH_TEXT)([self.pk])[self.pk]
        Statement.objects.filter(pk=self.pk).exclude(search_text=text).update(search_text=text)
        self.search_text = text
        follow(settings.STATEMENT_RELATED_ROWS_CHANGED, [self.pk])

    @cached_property
    def listed_addressees(self) -> list["Addressing"]:
        """The addressees with their roles, the primary ones first, then in their order
        and by name; read with the statement by `with_short_lists()`."""
        if hasattr(self, "addressee_rows"):
            addressings = [
                Addressing(
                    statement_id=self.pk,
                    target=Target(
                        id=row["id"],
                        name=row["name"],
                        slug=row["slug"],
                        kind=row["kind"],
                        country=row["country"],
                    ),
                    role=row["role"],
                    order=row["order"],
                )
                for row in self.addressee_rows or []
            ]
        else:
            addressings = list(self.addressings.select_related("target"))
        return sorted(addressings, key=Addressing.listing_order)

    @property
    def primary_addressees(self) -> list[Target]:
        return [
            addressing.target
            for addressing in self.listed_addressees
            if addressing.role == Addressing.Role.PRIMARY
        ]

    @property
    def also_addressed(self) -> list[Target]:
        return [
            addressing.target
            for addressing in self.listed_addressees
            if addressing.role != Addressing.Role.PRIMARY
        ]

    @cached_property
    def leverage_names(self) -> list[str]:
        """What is at stake, by name; read with the statement by `with_short_lists()`."""
        if not hasattr(self, "leverage_rows"):
            return [leverage.name for leverage in self.leverage.order_by("name")]
        return sorted(row["name"] for row in self.leverage_rows or [])

    # --- signatories not listed -----------------------------------------------------

    def clean_declared_signatory_count(self) -> None:
        # The rows of the admin's signature inline are checked against the total there
        # (SignatureFormSet), as submitted with it; this checks those already saved.
        if self.declared_signatory_count is not None and self.pk is not None:
            listed = self.signatures.filter(status=Signature.Status.CONFIRMED).count()
            if self.declared_signatory_count < listed:
                raise ValidationError(
                    {"declared_signatory_count": self.declared_total_too_small(listed)}
                )

    def declared_total_too_small(self, listed: int) -> str:
        return ngettext(
            "The declared total (%(declared)d) is fewer than the %(listed)d confirmed "
            "signatory listed. Give the number of all who signed, listed or not, or leave "
            "it empty.",
            "The declared total (%(declared)d) is fewer than the %(listed)d confirmed "
            "signatories listed. Give the number of all who signed, listed or not, or leave "
            "it empty.",
            listed,
        ) % {"declared": self.declared_signatory_count, "listed": listed}

    @property
    def unlisted_signatory_count(self) -> int:
        """How many organisations signed beyond the confirmed signatories listed: the N of
        “and N others”. Read from the signatures a page or the API loaded, if it did."""
        if self.declared_signatory_count is None:
            return 0
        loaded = getattr(self, "confirmed_signatures", None)
        listed = (
            len(loaded)
            if loaded is not None
            else self.signatures.filter(status=Signature.Status.CONFIRMED).count()
        )
        # Signatures confirmed after the total was declared may outnumber it.
        return max(0, self.declared_signatory_count - listed)

    @property
    def signatory_total(self) -> int:
        """How many organisations signed, listed or not: the N of "Signed by N
        organisations". Read from the confirmed signatures a page loaded, or from the
        `listed_signatory_count` a query annotated, if either was."""
        listed = getattr(self, "listed_signatory_count", None)
        if listed is None:
            loaded = getattr(self, "confirmed_signatures", None)
            listed = (
                len(loaded)
                if loaded is not None
                else self.signatures.filter(status=Signature.Status.CONFIRMED).count()
            )
        # A declared total counts those not listed; signatures confirmed since may pass it.
        return max(listed, self.declared_signatory_count or 0)

    @property
    def updated(self) -> datetime | None:
        """The time the public is told the text was last changed: a correction, or publication."""
        return self.corrected_at or self.publish_at

    @property
    def is_archived(self) -> bool:
        """Issued before the day it became public here: an older statement added since."""
        return (
            self.issued_on is not None
            and self.publish_at is not None
            and self.issued_on < timezone.localdate(self.publish_at)
        )

    @property
    def issued_iso(self) -> str | None:
        """When it was issued, for machines (JSON-LD, Open Graph): the publish time when it
        was issued the day it became public, otherwise the date alone, whose hour nobody
        recorded."""
        if self.issued_on is None:
            return None
        if self.publish_at is not None and not self.is_archived:
            return self.publish_at.isoformat()
        return self.issued_on.isoformat()

    def clean(self) -> None:
        super().clean()
        self.clean_declared_signatory_count()
        self.clean_issued_on()

    def clean_issued_on(self) -> None:
        if self.issued_on is None:
            if self.status in {self.Status.PUBLISHED, self.Status.WITHDRAWN}:
                # The constraint's own words, for a form that leaves the status out of its
                # checks of constraints (the admin's).
                raise ValidationError(
                    {
                        "issued_on": _(
                            "A published or withdrawn statement needs the date it was issued."
                        )
                    }
                )
            return
        if self.publish_at is None:
            if self.issued_on > timezone.localdate():
                raise ValidationError({"issued_on": future_issue_date(self.issued_on)})
        elif self.issued_on > timezone.localdate(self.publish_at):
            raise ValidationError(
                {"issued_on": issued_after_publication(self.issued_on, self.publish_at)}
            )

    # --- corrections -------------------------------------------------------------
    #
    # Once published, the text changes in one of two ways, both kept in the history:
    # openly, with a public note and a new version number, or as a silent fix of form
    # (a typo, a broken link) that the public is not told about.

    def save_correction(self, note: str, by: Staff) -> "Correction":
        """Save the text as it now stands as a public correction of the published one."""
        note = note.strip()
        if not note:
            raise ValidationError(_("Say in a public note what was wrong and what is right."))
        now = timezone.now()
        with transaction.atomic():
            self.version += 1
            self.corrected_at = now
            self._history_user = by if by.is_authenticated else None
            self._change_reason = truncated(_("Correction: %(note)s") % {"note": note})
            self.save()
            correction = Correction.objects.create(statement=self, corrected_at=now, note=note)
            follow(settings.STATEMENT_CHANGED, [self.pk])
            # Partners' mirrors (the change feed) and webhook receivers learn of it.
            self.record_change(Change.Kind.CORRECTED)
            # What else follows a public correction (signatories of the earlier version
            # asked to confirm this one): named in settings, called with its id.
            follow_after_commit(settings.STATEMENT_CORRECTED, self.pk)
            public_pages_changed()
            return correction

    def save_silent_fix(self, by: Staff) -> None:
        """Save a change of form to a published text: in the history, not on the page."""
        self._history_user = by if by.is_authenticated else None
        self._change_reason = str(_("Silent fix"))
        with transaction.atomic():
            self.save()
            follow(settings.STATEMENT_CHANGED, [self.pk])
        # Not announced, but the page shows the text as it now stands.
        public_pages_changed()

    def earlier_version_signatures(self) -> "SignatureQuerySet":
        """Confirmed signatures given to a version of the text that was corrected since."""
        return Signature.objects.filter(statement=self).signed_before_correction()

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )

    # --- workflow -------------------------------------------------------------
    #
    # Each transition re-reads the row under select_for_update() inside a
    # transaction: two editors clicking "publish" at once must not both succeed,
    # and a check made on a stale copy (say, of the signatures) must not let a
    # statement through that no longer qualifies.

    def submit(self, by: Staff) -> None:
        """An author sends a draft to the editors."""
        self._transition(by, "submit_statement", {self.Status.DRAFT}, self.Status.IN_REVIEW)

    def return_to_draft(self, by: Staff, note: str = "") -> None:
        """An editor sends a statement in review, or an approved one, back to its authors."""
        self._transition(
            by,
            "approve_statement",
            {self.Status.IN_REVIEW, self.Status.APPROVED},
            self.Status.DRAFT,
            note=note,
        )

    def approve(self, by: Staff) -> None:
        self._transition(by, "approve_statement", {self.Status.IN_REVIEW}, self.Status.APPROVED)

    def publish(
        self,
        by: Staff,
        at: datetime | None = None,
        early_readers: str | None = None,
        named: Iterable[Organisation] = (),
    ) -> None:
        """Publish now, or schedule for `at`. Nothing runs at that time: the gate reads the clock.

        A scheduled statement can be published again to move its time, until it is public.
        It is issued on the day it becomes public, unless staff gave another date (an
        earlier one: see also `publish_archived`). Scheduling, the editor may choose who
        reads it early through the API (`early_readers`, one of EarlyReaders, with the
        organisations `named`); left out, the choice already made stands.
        """
        named = list(named)
        if early_readers is not None and early_readers not in self.EarlyReaders.values:
            raise ValidationError(_("Choose who reads the statement early."))
        if early_readers == self.EarlyReaders.NAMED and not named:
            raise ValidationError(_("Name the organisations that read the statement early."))
        now = timezone.now()
        when = at or now
        if timezone.is_naive(when):
            raise ValidationError(_("The publish time needs a time zone."))
        if when < now:
            # The publish time is when the public could first read it here: a statement
            # issued earlier keeps that date in `issued_on`, not in a publish time made up.
            raise ValidationError(
                _(
                    "A publish time cannot be in the past. To publish a statement issued "
                    "earlier, publish it as archived, with the date it was issued."
                )
            )

        def publication(current: Statement) -> dict[str, object]:
            publish_day = timezone.localdate(when)
            issued_on = current.issued_on
            if issued_on is None or current.issue_date_follows_publish_time:
                issued_on = publish_day
            elif issued_on > publish_day:
                raise ValidationError(issued_after_publication(issued_on, when))
            fields: dict[str, object] = {"publish_at": when, "issued_on": issued_on}
            if early_readers is not None:
                fields["embargo_audience"] = early_readers
            return fields

        with transaction.atomic():
            self._transition(
                by,
                "publish_statement",
                {self.Status.APPROVED, self.Status.PUBLISHED},
                self.Status.PUBLISHED,
                changes=publication,
                guard=not_yet_public,
                note=_("Scheduled for %(time)s") % {"time": when.isoformat()}
                if when > timezone.now()
                else "",
            )
            if early_readers is not None:
                self.embargo_organisations.set(
                    named if early_readers == self.EarlyReaders.NAMED else []
                )
            # Written now, seen by the change feed and webhooks from the publish time.
            self.changes.filter(visible_from__gt=timezone.now()).delete()
            self.record_change(Change.Kind.PUBLISHED)

    def publish_archived(self, by: Staff, issued_on: date) -> None:
        """Publish now a statement issued earlier, which shows the date it was issued everywhere.

        For the record of a coalition's older statements, typed in after the fact: public
        from now (its publish time), dated, listed and addressed by the day it was issued.
        """
        if not isinstance(issued_on, date) or isinstance(issued_on, datetime):
            raise ValidationError(_("Give the date the statement was issued, without a time."))

        def publication(current: Statement) -> dict[str, object]:
            # Refused only once the editor's permission and the statement's state are known.
            if issued_on > timezone.localdate():
                raise ValidationError(future_issue_date(issued_on))
            return {"publish_at": timezone.now(), "issued_on": issued_on}

        with transaction.atomic():
            self._transition(
                by,
                "publish_statement",
                {self.Status.APPROVED, self.Status.PUBLISHED},
                self.Status.PUBLISHED,
                changes=publication,
                guard=not_yet_public,
                note=_("Published as archived, issued on %(date)s")
                % {"date": issued_on.isoformat()},
            )
            # A publication announced for a later time is replaced by this one.
            self.changes.filter(visible_from__gt=timezone.now()).delete()
            self.record_change(Change.Kind.PUBLISHED)

    @property
    def issue_date_follows_publish_time(self) -> bool:
        """A scheduled statement dated the day of its publish time: the date staff left to
        the schedule, which moves with it (or goes, if it is unscheduled)."""
        return (
            self.is_scheduled
            and self.publish_at is not None
            and self.issued_on == timezone.localdate(self.publish_at)
        )

    def unschedule(self, by: Staff) -> None:
        """Take a scheduled statement back to approved, before the public has seen it."""

        def still_scheduled(current: Statement) -> str | None:
            if not current.is_scheduled:
                return str(_("This statement is already public: withdraw it instead."))
            return None

        def unpublication(current: Statement) -> dict[str, object]:
            if current.issue_date_follows_publish_time:
                return {"publish_at": None, "issued_on": None}
            return {"publish_at": None}

        with transaction.atomic():
            self._transition(
                by,
                "publish_statement",
                {self.Status.PUBLISHED},
                self.Status.APPROVED,
                changes=unpublication,
                guard=still_scheduled,
            )
            # Nobody has seen the announcement of a publication that has not happened.
            self.changes.filter(visible_from__gt=timezone.now()).delete()

    def withdraw(self, by: Staff, reason: str) -> None:
        """Take a public statement down. It then answers 410 Gone with the reason."""
        if not reason.strip():
            raise ValidationError(
                _("Say why the statement is withdrawn: the reason is shown to the public.")
            )

        def already_public(current: Statement) -> str | None:
            if current.is_scheduled:
                return str(_("This statement is not public yet: unschedule it instead."))
            return None

        with transaction.atomic():
            self._transition(
                by,
                "withdraw_statement",
                {self.Status.PUBLISHED},
                self.Status.WITHDRAWN,
                changes={"withdrawn_at": timezone.now(), "withdrawal_reason": reason.strip()},
                note=reason.strip(),
                guard=already_public,
            )
            # Links shared to preview it stop working with it.
            self.preview_links.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
            self.record_change(Change.Kind.WITHDRAWN)

    def record_change(self, kind: str) -> "Change | None":
        """Tell mirrors (the change feed) and webhook receivers that this statement changed.

        Call it inside the transaction that makes the change. A publication is seen from
        the publish time; anything else only while the statement is public (a withdrawal
        once it is withdrawn). Changes to statements nobody outside can see are not told.
        """
        if kind == Change.Kind.PUBLISHED:
            if self.status != self.Status.PUBLISHED or self.publish_at is None:
                return None
            visible_from = max(self.publish_at, timezone.now())
        elif kind == Change.Kind.WITHDRAWN:
            if self.status != self.Status.WITHDRAWN:
                return None
            visible_from = timezone.now()
        elif self.is_public:
            visible_from = timezone.now()
        else:
            return None
        change = Change.objects.create(
            statement=self, object_id=self.pk, kind=kind, visible_from=visible_from
        )
        if kind in Change.ANNOUNCED:
            # Announced to the webhooks (named in settings), at its time.
            follow_after_commit(settings.STATEMENT_CHANGE_RECORDED, change)
        return change

    def publication_problems(self) -> list[str]:
        """What stops this statement from being approved or published, in words for editors."""
        problems = []
        if not self.title.strip():
            problems.append(str(_("It has no title.")))
        if not self.body.strip():
            problems.append(str(_("It has no text.")))
        if not self.signatures.filter(status=Signature.Status.CONFIRMED).exists():
            problems.append(str(_("No organisation has confirmed its signature.")))
        return problems

    def _transition(
        self,
        by: Staff,
        permission: str,
        sources: set[str],
        target: str,
        changes: dict[str, object] | Callable[["Statement"], dict[str, object]] | None = None,
        note: str = "",
        guard: Callable[["Statement"], str | None] | None = None,
    ) -> None:
        """Move the statement to `target`, changing the fields in `changes` with it: a dict,
        or a function of the statement as read under lock that returns one (or raises
        ValidationError to refuse the step)."""
        if not by.has_perm(f"campaigns.{permission}"):
            raise PermissionDenied(
                _("You may not %(action)s statements.")
                % {"action": Transition.ACTION_WORDS.get(permission, permission)}
            )
        with transaction.atomic():
            current = Statement.objects.select_for_update().get(pk=self.pk)
            current_status = current.status
            if current.status not in sources:
                raise ValidationError(
                    _("This statement is %(status)s; it must be %(allowed)s first.")
                    % {
                        "status": current.get_status_display().lower(),
                        "allowed": _(" or ").join(
                            str(self.Status(status).label).lower() for status in sorted(sources)
                        ),
                    }
                )
            refusal = guard(current) if guard else None
            if refusal:
                raise ValidationError(refusal)
            if target in {self.Status.APPROVED, self.Status.PUBLISHED}:
                problems = current.publication_problems()
                if problems:
                    raise ValidationError(problems)
            if callable(changes):
                changes = changes(current)
            changes = {
                **(changes or {}),
                "status": target,
                "updated_by": by if by.is_authenticated else None,
            }
            from_status = current.get_status_display()
            for field, value in changes.items():
                setattr(current, field, value)
            # Saved through the model (the fields of the step only, on the row just read
            # under lock) so that the step is a version in the statement's history too.
            current._history_user = by if by.is_authenticated else None
            reason = f"{from_status} → {current.get_status_display()}"
            current._change_reason = truncated(f"{reason}: {note}" if note else reason)
            current.save(update_fields=[*changes, "updated_at"])
            for field in [*changes, "updated_at"]:
                setattr(self, field, getattr(current, field))
            Transition.objects.create(
                statement=self,
                from_status=current_status,
                to_status=target,
                by=by if by.is_authenticated else None,
                at=current.updated_at,
                note=str(note),
            )
            # Its API answer is built now, once, for as long as it may be read.
            follow(settings.STATEMENT_CHANGED, [current.pk])
            # Every step changes what the public may see (or may soon): cached pages go.
            public_pages_changed()


class Transition(models.Model):
    """The record of a workflow step: who moved a statement from one status to another, and when."""

    ACTION_WORDS = {
        "submit_statement": _("submit"),
        "approve_statement": _("approve or return"),
        "publish_statement": _("publish or unschedule"),
        "withdraw_statement": _("withdraw"),
    }

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("statement")
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Statement.Status)
    to_status = models.CharField(_("to"), max_length=16, choices=Statement.Status)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["statement", "at", "pk"]
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class SignatureQuerySet(models.QuerySet["Signature"]):
    def signed_before_correction(self) -> "SignatureQuerySet":
        """Confirmed signatures given to a version of the text that was corrected since."""
        return self.filter(
            status=Signature.Status.CONFIRMED, signed_version__lt=F("statement__version")
        ).select_related("organisation")


class Signature(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        CO_SIGNATORY = "co_signatory", _("Co-signatory")
        SUPPORTER = "supporter", _("Supporter")

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        PENDING = "pending", _("Pending")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("statement")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="signatures",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role, default=Role.CO_SIGNATORY)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status,
        default=Status.INVITED,
        help_text=_("Only confirmed signatures are shown to the public."),
    )
    signed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    signed_version = models.PositiveIntegerField(
        _("signed version"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The version of the statement's text the organisation confirmed."),
    )
    signatory_name = models.CharField(
        _("signing person"),
        max_length=200,
        blank=True,
        help_text=_("Who signs on the organisation's behalf."),
    )
    signatory_title = models.CharField(_("their title"), max_length=200, blank=True)
    requested_with = models.ForeignKey(
        PartnerKey,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sign_on_requests",
        editable=False,
        verbose_name=_("requested with API key"),
        help_text=_("Set when the organisation asked to sign through the partner API."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("confirmed or declined by"),
        help_text=_(
            "The member of staff who confirmed or declined it, or who sent the invitation "
            "it was signed through."
        ),
    )
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True, editable=False)
    decline_reason = models.TextField(
        _("reason for declining"),
        blank=True,
        help_text=_("Told to the partner whose request is declined."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["statement", "order", "pk"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "organisation"],
                name="signature_unique_per_statement_organisation",
                violation_error_message=_("This organisation has already signed this statement."),
            ),
            models.UniqueConstraint(
                fields=["statement"],
                condition=Q(role="lead"),
                name="signature_one_lead_per_statement",
                violation_error_message=_("A statement has only one lead signatory."),
            ),
        ]
        indexes = [
            # Public lists count and show confirmed signatures per statement and per organisation.
            models.Index(fields=["organisation", "status"], name="signature_organisation_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} on {self.statement}"

    def clean(self) -> None:
        # The time of confirmation is what the public is told; staff often leave it blank.
        if self.status == self.Status.CONFIRMED and self.signed_at is None:
            self.signed_at = timezone.now()
        if self.status == self.Status.CONFIRMED and self.signed_version is None:
            # A statement being created along with its signatures has no row yet: it is
            # at its first version.
            version = (
                Statement.objects.filter(pk=self.statement_id)
                .values_list("version", flat=True)
                .first()
            )
            self.signed_version = cast(int | None, version) or 1

    @property
    def signed_earlier_version(self) -> bool:
        """Confirmed on a version of the text that a correction has changed since."""
        return (
            self.status == self.Status.CONFIRMED
            and self.signed_version is not None
            and self.signed_version < self.statement.version
        )

    # --- staff decide -----------------------------------------------------------
    #
    # A signature waiting for staff (invited, or asked for through the API) is confirmed
    # or declined here, by the admin's actions and by a signed invitation alike. The row
    # is re-read under lock: two members of staff deciding at once must not both win, nor
    # tell the partner twice.

    AWAITING = frozenset({Status.INVITED, Status.PENDING})

    def confirm(
        self, by: Staff, *, signatory_name: str | None = None, signatory_title: str | None = None
    ) -> None:
        """Accept the signature: the organisation is among the signatories from now on,
        for the version of the text as it stands (recorded in `signed_version`)."""
        self._decide(
            by,
            {
                "status": self.Status.CONFIRMED,
                "signed_at": timezone.now(),
                **({"signatory_name": signatory_name} if signatory_name is not None else {}),
                **({"signatory_title": signatory_title} if signatory_title is not None else {}),
            },
        )

    def decline(self, by: Staff, reason: str = "") -> None:
        """Refuse the signature; a partner who asked through the API is told why."""
        self._decide(
            by,
            {
                "status": self.Status.DECLINED,
                "declined_at": timezone.now(),
                "decline_reason": reason.strip(),
            },
        )

    def confirm_current_version(self, by: Staff) -> None:
        """The organisation stands behind the text as corrected since it signed: its
        signature is for the current version from now on."""
        with transaction.atomic():
            current = Signature.objects.select_for_update().get(pk=self.pk)
            if current.status != self.Status.CONFIRMED:
                raise ValidationError(_("Only a confirmed signature is confirmed again."))
            version = Statement.objects.values_list("version", flat=True).get(
                pk=current.statement_id
            )
            current.signed_version = self.signed_version = version
            current._history_user = by if by.is_authenticated else None  # type: ignore[attr-defined]
            current._change_reason = str(_("Confirmed the corrected version"))  # type: ignore[attr-defined]
            current.save(update_fields=["signed_version", "updated_at"])

    def _decide(self, by: Staff, changes: dict[str, object]) -> None:
        with transaction.atomic():
            current = Signature.objects.select_for_update().get(pk=self.pk)
            if current.status not in self.AWAITING:
                raise ValidationError(
                    _("This signature is %(status)s already: there is nothing to decide.")
                    % {"status": current.get_status_display().lower()}
                )
            statement = Statement.objects.get(pk=current.statement_id)
            if statement.status == Statement.Status.WITHDRAWN:
                raise ValidationError(_("The statement is withdrawn: it takes no signatures."))
            if changes["status"] == self.Status.CONFIRMED:
                changes["signed_version"] = statement.version
            changes["decided_by"] = by if by.is_authenticated else None
            for field, value in changes.items():
                setattr(current, field, value)
                setattr(self, field, value)
            current._history_user = by if by.is_authenticated else None  # type: ignore[attr-defined]
            current.save(update_fields=[*changes, "updated_at"])
            self.updated_at = current.updated_at
            if current.status == self.Status.CONFIRMED:
                # The public list of signatories changed, and what search finds it by.
                statement.record_change(Change.Kind.UPDATED)
                statement.refresh_search_text()
                public_pages_changed()
            if current.requested_with_id is not None:
                # The partner that asked is told (named in settings).
                follow_after_commit(settings.SIGN_ON_REQUEST_DECIDED, current.pk)


class DemandQuerySet(models.QuerySet["Demand"]):
    def with_outcome_history(self) -> "DemandQuerySet":
        """Each demand's outcome history read in the demands' own query, not one query
        each: see `Demand.outcome_history`."""
        return self.annotate(
            outcome_rows=related_rows(
                DemandOutcome.objects.all(),
                "demand",
                id="id",
                outcome="outcome",
                outcome_on="outcome_on",
                evidence_url="evidence_url",
                evidence_reference="evidence_reference",
                note="note",
            )
        )


class Demand(models.Model):
    class Action(models.TextChoices):
        REPEAL = "repeal", _("Repeal")
        AMEND = "amend", _("Amend")
        DO_NOT_ADOPT = "do_not_adopt", _("Do not adopt")
        HALT = "halt", _("Halt")
        RELEASE = "release", _("Release")
        ENSURE = "ensure", _("Ensure")
        PROTECT = "protect", _("Protect")
        STOP = "stop", _("Stop")
        COMMIT = "commit", _("Commit")

    class Outcome(models.TextChoices):
        OPEN = "open", _("Open")
        MET = "met", _("Met")
        PARTIALLY_MET = "partially_met", _("Partially met")
        UNMET = "unmet", _("Unmet")
        SUPERSEDED = "superseded", _("Superseded")

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="demands", verbose_name=_("statement")
    )
    addressee = models.ForeignKey(
        Target,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demands",
        verbose_name=_("addressed to"),
    )
    action = models.CharField(_("action"), max_length=16, choices=Action)
    law = models.ForeignKey(
        Law,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demands",
        verbose_name=_("law"),
    )
    provision = models.ForeignKey(
        Provision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demands",
        verbose_name=_("provision"),
    )
    text = models.TextField(_("text"), help_text=_("The demand in the statement's words."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome, default=Outcome.OPEN)
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)
    evidence_url = WebAddressField(_("evidence"), max_length=500, blank=True)
    evidence_reference = models.CharField(
        _("evidence reference"),
        max_length=200,
        blank=True,
        help_text=_("e.g. a court reference such as an ECLI"),
    )

    objects = DemandQuerySet.as_manager()

    class Meta:
        ordering = ["statement", "order", "pk"]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="open") | Q(outcome_on__isnull=False),
                name="demand_outcome_has_date",
                violation_error_message=_("Give the date on which the outcome was reached."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.text[:60]}"

    def clean(self) -> None:
        # A database constraint cannot look across to the provision's law.
        if self.provision_id is not None:
            provision_law_id = (
                Provision.objects.filter(pk=self.provision_id)
                .values_list("law_id", flat=True)
                .first()
            )
            if self.law_id is None:
                self.law_id = provision_law_id
            elif provision_law_id != self.law_id:
                raise ValidationError({"provision": _("This provision belongs to another law.")})

    # --- the outcome and its history --------------------------------------------------
    #
    # The history (DemandOutcome) is the record; the demand's own outcome fields show the
    # latest step of it by date, for filters and lists. They are set here and nowhere else.

    OUTCOME_FIELDS = ("outcome", "outcome_on", "evidence_url", "evidence_reference")

    @cached_property
    def outcome_history(self) -> list["DemandOutcome"]:
        """The outcomes recorded, oldest first; read with the demand by
        `DemandQuerySet.with_outcome_history()`."""
        if not hasattr(self, "outcome_rows"):
            return list(self.outcomes.order_by("outcome_on", "pk"))
        steps = [
            DemandOutcome(
                id=row["id"],
                demand_id=self.pk,
                outcome=row["outcome"],
                outcome_on=date.fromisoformat(row["outcome_on"]),
                evidence_url=row["evidence_url"],
                evidence_reference=row["evidence_reference"],
                note=row["note"],
            )
            for row in self.outcome_rows or []
        ]
        return sorted(steps, key=lambda step: (step.outcome_on, step.pk))

    def record_outcome(
        self,
        outcome: str,
        on: date,
        *,
        evidence_url: str = "",
        evidence_reference: str = "",
        note: str = "",
        by: Staff,
    ) -> "DemandOutcome":
        """Record what came of this demand on a date, with its evidence, in its history.

        The same outcome recorded again for the same date amends that step (its evidence,
        its note); any other is a new step. The demand then shows the latest step by date,
        which is this one unless a later one was recorded before it.
        """
        step = DemandOutcome(
            demand=self,
            outcome=outcome,
            outcome_on=on,
            evidence_url=evidence_url.strip(),
            evidence_reference=evidence_reference.strip(),
            note=note.strip(),
            recorded_by=by if by.is_authenticated else None,
        )
        step.full_clean(exclude=["demand", "recorded_by"], validate_constraints=False)
        with transaction.atomic():
            # The demand's row is locked while its history changes: two outcomes recorded
            # at once both land in the history, and the demand shows the later of the two
            # by date, not whichever was saved last.
            list(Demand.objects.select_for_update().filter(pk=self.pk).values_list("pk"))
            same_step = self.outcomes.filter(outcome=outcome, outcome_on=on).first()
            if same_step is not None:
                same_step.evidence_url = step.evidence_url
                same_step.evidence_reference = step.evidence_reference
                same_step.note = step.note
                same_step._history_user = step.recorded_by  # type: ignore[attr-defined]
                same_step.save()
                step = same_step
            else:
                step.save()
            self.follow_outcome_history(by)
        return step

    def follow_outcome_history(self, by: Staff) -> None:
        """Show the latest outcome of the history as the demand's own, and tell the public.

        Call it inside the transaction that changed the history.
        """
        latest = self.outcomes.order_by("-outcome_on", "-pk").first()
        current = {
            "outcome": latest.outcome if latest else self.Outcome.OPEN,
            "outcome_on": latest.outcome_on if latest else None,
            "evidence_url": latest.evidence_url if latest else "",
            "evidence_reference": latest.evidence_reference if latest else "",
        }
        changed = [name for name, value in current.items() if getattr(self, name) != value]
        for name in changed:
            setattr(self, name, current[name])
        if changed:
            self._history_user = by if by.is_authenticated else None
            self.save(update_fields=changed)
        self.__dict__.pop("outcome_history", None)
        # What partners mirror changed (the demand's history is part of its statement's
        # answer), and so did the public pages that show it.
        self.statement.record_change(Change.Kind.UPDATED)
        follow(settings.STATEMENT_RELATED_ROWS_CHANGED, [self.statement_id])
        public_pages_changed()


def confirmed_signatures() -> models.Prefetch[Any]:
    """Signatures the public may see, in their display order, with what displaying them
    reads, as `confirmed_signatures` of each statement."""
    # The parents of joint programmes come with their links: one query, not two.
    return models.Prefetch(
        "signatures",
        queryset=Signature.objects.filter(status=Signature.Status.CONFIRMED)
        .select_related("organisation")
        .prefetch_related(
            models.Prefetch(
                "organisation__parent_links",
                queryset=OrganisationParent.objects.select_related("parent"),
            )
        )
        .order_by("order", "pk"),
        to_attr="confirmed_signatures",
    )


def not_yet_public(current: Statement) -> str | None:
    """The guard of a publication: a statement the public can read is published already."""
    if current.status == Statement.Status.PUBLISHED and not current.is_scheduled:
        return str(_("This statement is already public."))
    return None


def future_issue_date(issued_on: date) -> str:
    return str(
        _("The date it was issued, %(date)s, is in the future: give the day it was issued.")
        % {"date": issued_on.isoformat()}
    )


def issued_after_publication(issued_on: date, publish_at: datetime) -> str:
    return str(
        _(
            "The date it was issued, %(date)s, is after the day it becomes public, "
            "%(day)s: correct the date it was issued, or choose a later publish time."
        )
        % {"date": issued_on.isoformat(), "day": timezone.localdate(publish_at).isoformat()}
    )


def truncated(reason: object) -> str:
    """A reason for the history, cut to the length its column holds."""
    text = str(reason)
    return text if len(text) <= 100 else text[:99] + "…"


class Correction(models.Model):
    """A public note that a published statement was changed, what was wrong and what is right."""

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("statement")
    )
    corrected_at = models.DateTimeField(_("corrected at"), default=timezone.now)
    note = models.TextField(_("public note"), help_text=_("What was wrong, and what is right."))

    class Meta:
        ordering = ["statement", "corrected_at"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return f"{self.corrected_at:%Y-%m-%d}: {self.note[:60]}"


class Publication(models.Model):
    """The same statement published elsewhere: on a signatory's site, in a newspaper."""

    statement = models.ForeignKey(
        Statement,
        on_delete=models.CASCADE,
        related_name="publications",
        verbose_name=_("statement"),
    )
    publisher = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="publications",
        verbose_name=_("publisher"),
    )
    publisher_name = models.CharField(
        _("publisher name"),
        max_length=200,
        blank=True,
        help_text=_("When the publisher is not in the registry."),
    )
    url = WebAddressField(_("URL"), max_length=500)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    title = models.CharField(_("title as published there"), max_length=300, blank=True)
    published_as = models.CharField(
        _("published under the name"),
        max_length=200,
        blank=True,
        help_text=_(
            "The byline as it appeared there, when it is not the publisher's name as "
            "registered: “the Observatory (OMCT–FIDH)”."
        ),
    )

    class Meta:
        ordering = ["statement", "published_on", "pk"]
        verbose_name = _("publication elsewhere")
        verbose_name_plural = _("publications elsewhere")
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "url"],
                name="publication_url_unique_per_statement",
                violation_error_message=_("This publication is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(publisher__isnull=False) | ~Q(publisher_name=""),
                name="publication_has_publisher",
                violation_error_message=_(
                    "Name the publisher: choose an organisation or type its name."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def display_name(self) -> str:
        """Who published it, by the name it appeared under there."""
        if self.published_as:
            return self.published_as
        return self.publisher.name if self.publisher else self.publisher_name

    @property
    def link_text(self) -> str:
        """Words for a link to it: its title there, or the site's name, never a bare URL."""
        if self.title:
            return self.title
        host = urlsplit(self.url).hostname or ""
        return host.removeprefix("www.") or str(_("the publication"))


# --- who a statement addresses, and what came of its demands ---------------------------


class Addressing(models.Model):
    """A statement's addressee, and whether it is addressed first or also addressed."""

    class Role(models.TextChoices):
        PRIMARY = "primary", _("Addressed to")
        ALSO_ADDRESSED = "also_addressed", _("Also addressed")

    statement = models.ForeignKey(
        Statement,
        on_delete=models.CASCADE,
        related_name="addressings",
        verbose_name=_("statement"),
        # The unique constraint's index, which starts with the statement, is the one a
        # statement's addressees are read by.
        db_index=False,
    )
    target = models.ForeignKey(
        Target,
        on_delete=models.PROTECT,
        related_name="addressings",
        verbose_name=_("addressee"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role, default=Role.PRIMARY)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["statement", "order", "pk"]
        verbose_name = _("addressee")
        verbose_name_plural = _("addressees")
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "target"],
                name="addressing_unique_per_statement",
                violation_error_message=_("This addressee is already named on the statement."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} ({self.get_role_display()})"

    @staticmethod
    def listing_order(addressing: "Addressing") -> tuple[bool, int, str, int]:
        """The primary addressees first, then each role in its order and by name."""
        return (
            addressing.role != Addressing.Role.PRIMARY,
            addressing.order,
            addressing.target.name,
            addressing.target.pk,
        )


class DemandOutcome(models.Model):
    """One step of what came of a demand: met with a court ruling, then superseded by a
    new law. The demand's own outcome shows the latest step: see Demand.record_outcome."""

    demand = models.ForeignKey(
        Demand,
        on_delete=models.CASCADE,
        related_name="outcomes",
        verbose_name=_("demand"),
        # The unique constraint's index, which starts with the demand, is the one a
        # demand's history is read by.
        db_index=False,
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Demand.Outcome)
    outcome_on = models.DateField(
        _("date"),
        error_messages={
            "null": _("Give the date of this outcome."),
            "blank": _("Give the date of this outcome."),
        },
    )
    evidence_url = WebAddressField(_("evidence"), max_length=500, blank=True)
    evidence_reference = models.CharField(
        _("evidence reference"),
        max_length=200,
        blank=True,
        help_text=_("e.g. a court reference such as an ECLI, or a law's number"),
    )
    note = models.TextField(
        _("public note"), blank=True, help_text=_("Shown with the outcome, in a few words.")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["demand", "outcome_on", "pk"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcome history")
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "outcome_on", "outcome"],
                name="demand_outcome_once_a_day",
                violation_error_message=_(
                    "This outcome is already recorded for this date: change it in its row."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.outcome_on:%Y-%m-%d})"

    def clean(self) -> None:
        if self.outcome_on is not None and self.outcome_on > timezone.localdate():
            raise ValidationError(
                {"outcome_on": _("An outcome is recorded once it is reached: not in the future.")}
            )


class PreviewLinkQuerySet(models.QuerySet["PreviewLink"]):
    def valid(self) -> "PreviewLinkQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class PreviewLink(models.Model):
    """A link that shows a statement not yet public to whoever has it, until it expires.

    Only a hash of the token is kept: the link is shown once, when it is made, and a copy
    of the database does not give anyone the previews.
    """

    statement = models.ForeignKey(
        Statement,
        on_delete=models.CASCADE,
        related_name="preview_links",
        verbose_name=_("statement"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    note = models.CharField(
        _("for"), max_length=200, blank=True, help_text=_("Who the link is for, as a reminder.")
    )
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")
        # The unique token_hash is the index that opening a link uses.

    def __str__(self) -> str:
        return f"{self.statement} ({self.note})" if self.note else str(self.statement)

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def issue_token(self) -> str:
        """Give this link a new secret token, and return it: the only time it is seen."""
        token = secrets.token_urlsafe(32)
        self.token_hash = self.hash_token(token)
        return token

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    @staticmethod
    def url_for(token: str) -> str:
        return reverse("campaigns:statement-preview", kwargs={"token": token})


# --- partner API: the change feed and the log of embargoed reads -----------------------


class Change(models.Model):
    """One entry of the change feed: something the public can see was created, changed or
    removed: a statement (published, updated, corrected, withdrawn), a law or an
    organisation (updated, deleted).

    Entries are only ever added, except a publication announced for a time that has not
    come yet, which is removed if the statement is unscheduled or rescheduled. The feed
    reads entries in the order of `visible_from`, then `id`: a scheduled publication is
    written when it is scheduled and takes its place in the feed at its publish time.
    """

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("Published")
        UPDATED = "updated", _("Updated")
        CORRECTED = "corrected", _("Corrected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DELETED = "deleted", _("Deleted")

    class Resource(models.TextChoices):
        STATEMENT = "statement", _("Statement")
        LAW = "law", _("Law")
        ORGANISATION = "organisation", _("Organisation")

    # The kinds that partners' webhook endpoints are told about.
    ANNOUNCED = {Kind.PUBLISHED, Kind.CORRECTED, Kind.WITHDRAWN}

    resource = models.CharField(
        _("resource"), max_length=16, choices=Resource, default=Resource.STATEMENT
    )
    # The id of what changed: kept after a law or an organisation is deleted, so that a
    # mirror learns which one to remove.
    object_id = models.PositiveBigIntegerField(_("id"))
    statement = models.ForeignKey(
        Statement,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("statement"),
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    visible_from = models.DateTimeField(_("visible from"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    announced_at = models.DateTimeField(
        _("announced to webhooks at"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["visible_from", "pk"]
        verbose_name = _("change feed entry")
        verbose_name_plural = _("change feed")
        indexes = [
            # The change feed pages through entries in this order from a cursor.
            models.Index(fields=["visible_from", "id"], name="change_feed_order_idx"),
        ]
        constraints = [
            # A statement's entry names the statement (for its tombstone); the others
            # name only an id, which outlives the row.
            models.CheckConstraint(
                condition=Q(resource="statement", statement__isnull=False)
                | (~Q(resource="statement") & Q(statement__isnull=True)),
                name="change_statement_only_for_statements",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.resource} {self.object_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.statement_id is not None:
            self.object_id = self.statement_id
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def webhook_event(self) -> str:
        return f"{self.resource}.{self.kind}"

    @classmethod
    def record(cls, resource: str, object_id: int, kind: str) -> "Change":
        """A law or an organisation changed or was deleted: tell mirrors (the change feed).

        Laws' and organisations' own save() and delete() call it (through
        campaigns.public.record_change_of); call it where a change skips them
        (QuerySet.delete()), in its transaction. Laws are public records; an
        organisation's entry is served only while it is public (campaigns/public.py), and
        its deletion only if it was.
        """
        return cls.objects.create(
            resource=resource, object_id=object_id, kind=kind, visible_from=timezone.now()
        )


class EmbargoedRead(models.Model):
    """A partner key read a statement before its publish time. Kept for the record."""

    key = models.ForeignKey(
        PartnerKey,
        on_delete=models.SET_NULL,
        null=True,
        related_name="embargoed_reads",
        verbose_name=_("API key"),
    )
    key_prefix = models.CharField(_("key prefix"), max_length=8)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="embargoed_reads",
        verbose_name=_("organisation"),
    )
    statement = models.ForeignKey(
        Statement,
        on_delete=models.CASCADE,
        related_name="embargoed_reads",
        verbose_name=_("statement"),
    )
    read_at = models.DateTimeField(_("read at"), default=timezone.now)
    path = models.CharField(_("address read"), max_length=500)

    class Meta:
        ordering = ["-read_at", "-pk"]
        verbose_name = _("embargoed read")
        verbose_name_plural = _("embargoed reads")

    def __str__(self) -> str:
        return f"{self.key_prefix} read {self.statement_id} at {self.read_at:%Y-%m-%d %H:%M}"


class PublicContentVersion(models.Model):
    """A number raised after every change the public may see (one row).

    The API remembers the ETag of an answer together with the number it was made under,
    and answers 304 without building the body only while the number is the same. It is
    kept in the database, not in the cache, so that a change made while Redis was
    unreachable still raises it: no cached ETag can outlive a change it did not see.
    """

    number = models.PositiveBigIntegerField(_("number"), default=0)

    class Meta:
        verbose_name = _("public content version")

    def __str__(self) -> str:
        return str(self.number)

    @classmethod
    def raise_number(cls) -> int:
        """Raise the number, and say what it is now (this change's, or a later one's)."""
        if not cls.objects.filter(pk=1).update(number=F("number") + 1):
            # The row is missing (a test emptied the table): make it, then raise it.
            cls.objects.get_or_create(pk=1)
            cls.objects.filter(pk=1).update(number=F("number") + 1)
        return cls.current_number()

    @classmethod
    def current_number(cls) -> int:
        number = cls.objects.filter(pk=1).values_list("number", flat=True).first()
        return int(number or 0)


class StatementDocument(models.Model):
    """A statement's answer in the API, encoded once and kept (campaigns/documents.py).

    Kept only for statements the public or an embargo key may read, and rebuilt whenever
    what it shows changes. Whether it may be served is decided when it is read, by the
    gate (Statement.objects.published()), never by its being here.
    """

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="documents", verbose_name=_("statement")
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        help_text=_("The language its texts are in: the statement's own."),
    )
    version = models.PositiveIntegerField(_("version"))
    # The statement's row as it was read: a document built from an older row is not served.
    statement_updated_at = models.DateTimeField(_("statement updated at"))
    built_at = models.DateTimeField(_("built at"))
    item = models.BinaryField(_("list item"))
    detail = models.BinaryField(_("detail"))
    signatories = models.BinaryField(_("signatories"))
    demands = models.BinaryField(_("demands"))
    publications = models.BinaryField(_("publications"))
    corrections = models.BinaryField(_("corrections"))

    class Meta:
        verbose_name = _("statement document")
        verbose_name_plural = _("statement documents")
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "language", "version"],
                name="one_document_per_statement_language_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} ({self.language}, v{self.version})"
