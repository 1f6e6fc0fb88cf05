"""Invitations to sign a statement, sent by e-mail to a contact of an organisation.

The e-mail links to a page, reached only through a signed token, that shows the text to
be signed exactly as it stands; the contact signs for the organisation with their name
and title, or declines, without an account. The link works until the deadline and for one
answer. Whoever signs through it was vetted by staff: their address is at the domain of
the organisation's website, or staff confirmed the exception when they sent it.

After a public correction of the text, the signatories of the earlier version are sent an
invitation of the other purpose: to confirm that they stand behind the corrected text.

Staff may revoke an invitation that was not answered: its link stops working. Sending one
again (a lost e-mail, a deadline passed) revokes it and issues a new one to the same
contact, with a new link and deadline: each link sent stays on record as it went out.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from campaigns.models import Signature, Statement
from lib.markdown import render_markdown
from operations.changes import follow_after_commit
from organisations.models import Organisation

type Staff = User | AnonymousUser

# How long an invitation is open by default, and when its one reminder goes out.
DEFAULT_OPEN_FOR = timedelta(days=14)
REMIND_BEFORE = timedelta(days=3)
# The salt of the invitation links' signatures: a token signed for anything else of this
# site (a preview, a session) is no invitation.
TOKEN_SALT = "invitations.link"  # noqa: S105 (a salt, not a secret)


def website_domain(website: str) -> str:
    """The domain of an organisation's website, without a leading www.: “fidh.org”."""
    host = (urlsplit(website).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")


def address_domain(email: str) -> str:
    return email.rpartition("@")[2].lower().rstrip(".")


def domain_matches(email: str, website: str) -> bool:
    """Whether an address is at the website's domain or one under it (x@paris.fidh.org)."""
    domain, at = website_domain(website), address_domain(email)
    return bool(domain) and (at == domain or at.endswith("." + domain))


@dataclass(frozen=True)
class TextToSign:
    """The statement's text as the invitation shows it, in one language, with its version.

    `digest` identifies it exactly: a signature given to a page whose text has changed
    since it was shown is refused, so that what is signed is what was read.
    """

    language: str
    version: int
    title: str
    standfirst: str
    body: str

    @property
    def body_html(self) -> str:
        return render_markdown(self.body)

    @property
    def digest(self) -> str:
        text = "\n\x1e\n".join(
            [self.language, str(self.version), self.title, self.standfirst, self.body]
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def as_signed(self) -> str:
        """The text kept with the answer: what the person signed, word for word."""
        return "\n\n".join(part for part in (self.title, self.standfirst, self.body) if part)


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def unanswered(self) -> "InvitationQuerySet":
        return self.filter(answered_at__isnull=True)

    def outstanding(self) -> "InvitationQuerySet":
        """Still waiting for an answer: neither answered nor revoked."""
        return self.filter(answered_at__isnull=True, revoked_at__isnull=True)

    def reminders_due(self) -> "InvitationQuerySet":
        """Sent, unanswered, not revoked, not reminded, open still, and within the reminder
        window."""
        now = timezone.now()
        return self.outstanding().filter(
            sent_at__isnull=False,
            reminded_at__isnull=True,
            remind_at__lte=now,
            deadline__gt=now,
        )


class Invitation(models.Model):
    class Purpose(models.TextChoices):
        SIGN = "sign", _("Sign the statement")
        CONFIRM_CORRECTION = "confirm_correction", _("Confirm the corrected text")

    class Answer(models.TextChoices):
        SIGNED = "signed", _("Signed")
        DECLINED = "declined", _("Declined")

    statement = models.ForeignKey(
        Statement,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("statement"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("organisation"),
        help_text=_("The organisation the contact is invited to sign for."),
    )
    purpose = models.CharField(
        _("purpose"), max_length=24, choices=Purpose, default=Purpose.SIGN, editable=False
    )
    signature = models.ForeignKey(
        Signature,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        editable=False,
        verbose_name=_("signature"),
        help_text=_("The organisation's signature this invitation asks for or confirms."),
    )
    name = models.CharField(_("contact's name"), max_length=200)
    email = models.EmailField(
        _("contact's e-mail"),
        help_text=_(
            "At the domain of the organisation's website, unless you confirm below that this "
            "person may sign for it all the same."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_(
            "Of the e-mail and the page; the text is shown in it when the statement is "
            "written in it, otherwise in the statement's own language."
        ),
    )
    message = models.TextField(
        _("personal note"), blank=True, help_text=_("Put in the e-mail above the link.")
    )
    deadline = models.DateTimeField(
        _("deadline"),
        help_text=_("The link stops working then. One reminder is sent a few days before."),
    )
    remind_at = models.DateTimeField(_("reminder due at"), editable=False)
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)

    domain_exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("address confirmed by"),
    )
    domain_exception_at = models.DateTimeField(
        _("address confirmed at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When a member of staff confirmed that this person may sign for the organisation "
            "although their address is not at its website's domain."
        ),
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True, editable=False)

    answer = models.CharField(
        _("answer"), max_length=16, choices=Answer, blank=True, editable=False
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, editable=False)
    signed_name = models.CharField(_("signed by"), max_length=200, blank=True, editable=False)
    signed_title = models.CharField(_("their title"), max_length=200, blank=True, editable=False)
    signed_version = models.PositiveIntegerField(
        _("version signed"), null=True, blank=True, editable=False
    )
    signed_text = models.TextField(
        _("text signed"),
        blank=True,
        editable=False,
        help_text=_("The text as it was shown when the contact signed, word for word."),
    )
    decline_reason = models.TextField(_("reason given"), blank=True, editable=False)

    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("revoked by"),
    )
    revoked_at = models.DateTimeField(
        _("revoked at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When a member of staff took the invitation back: its link stopped working."),
    )
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("sent again as"),
        help_text=_("The invitation sent in its place, with a new link and deadline."),
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation to sign")
        verbose_name_plural = _("invitations to sign")
        constraints = [
            models.CheckConstraint(
                condition=(Q(answer="") & Q(answered_at__isnull=True))
                | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="invitation_answer_has_time",
                violation_error_message=_("An answer needs the time it was given."),
            ),
            models.CheckConstraint(
                condition=~Q(answer="signed")
                | (Q(signed_version__isnull=False) & ~Q(signed_name="")),
                name="invitation_signed_has_name_and_version",
                violation_error_message=_("A signature needs the name and the version signed."),
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_answered_or_revoked",
                violation_error_message=_("An invitation is either answered or revoked, not both."),
            ),
            # One open invitation per statement, organisation and purpose: a second would
            # leave two links that both sign. A revoked one takes no answer.
            models.UniqueConstraint(
                fields=["statement", "organisation", "purpose"],
                condition=Q(answered_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_organisation",
                violation_error_message=_(
                    "This organisation already has an unanswered invitation of this kind to "
                    "this statement."
                ),
            ),
        ]
        indexes = [
            # The reminders' sweep: outstanding invitations whose reminder is due.
            models.Index(
                fields=["remind_at"],
                name="invitation_reminder_due_idx",
                condition=Q(
                    answered_at__isnull=True, revoked_at__isnull=True, reminded_at__isnull=True
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}> ({self.organisation}) on {self.statement}"

    def get_absolute_url(self) -> str:
        with translation.override(self.language):
            return reverse("invitations:answer", kwargs={"token": self.token})

    # --- the link --------------------------------------------------------------------

    @property
    def token(self) -> str:
        """The signed token of the link: the invitation's id and its secret nonce."""
        return signing.dumps({"i": self.pk, "n": self.nonce}, salt=TOKEN_SALT, compress=True)

    @classmethod
    def from_token(cls, token: str) -> "Invitation | None":
        """The invitation a link names, or None for a token not signed by this site."""
        try:
            claims = signing.loads(token, salt=TOKEN_SALT)
        except signing.BadSignature:
            return None
        if not isinstance(claims, dict) or not isinstance(claims.get("i"), int):
            return None
        invitation = (
            cls.objects.select_related("statement", "organisation").filter(pk=claims["i"]).first()
        )
        if invitation is None or not constant_time_compare(invitation.nonce, str(claims.get("n"))):
            return None
        return invitation

    # --- state -----------------------------------------------------------------------

    @property
    def is_expired(self) -> bool:
        return self.deadline <= timezone.now()

    @property
    def statement_withdrawn(self) -> bool:
        return self.statement.status == Statement.Status.WITHDRAWN

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_open(self) -> bool:
        """Whether the link still takes an answer."""
        return (
            not self.answer
            and not self.is_revoked
            and not self.is_expired
            and not self.statement_withdrawn
        )

    @property
    def is_reconfirmation(self) -> bool:
        return self.purpose == self.Purpose.CONFIRM_CORRECTION

    @property
    def domain_matches(self) -> bool:
        return domain_matches(self.email, self.organisation.website)

    def text_to_sign(self) -> TextToSign:
        statement = self.statement
        language = statement.language_shown_in(self.language)
        return TextToSign(
            language=language,
            version=statement.version,
            title=getattr(statement, f"title_{language}", None) or statement.title,
            standfirst=getattr(statement, f"standfirst_{language}", None) or "",
            body=getattr(statement, f"body_{language}", None) or statement.body,
        )

    # --- checks ----------------------------------------------------------------------

    def clean(self) -> None:
        if self.deadline is not None and self.deadline <= timezone.now():
            raise ValidationError({"deadline": _("The deadline must be in the future.")})
        if self.statement_id is None or self.organisation_id is None:
            return
        if self.statement.status == Statement.Status.WITHDRAWN:
            raise ValidationError(
                {"statement": _("The statement is withdrawn: it takes no signatures.")}
            )
        open_already = Invitation.objects.outstanding().filter(
            statement=self.statement_id, organisation=self.organisation_id, purpose=self.purpose
        )
        if open_already.exclude(pk=self.pk).exists():
            # The constraint invitation_one_open_per_organisation, said before saving: the
            # admin's form does not check it, for the purpose is not among its fields.
            raise ValidationError(
                {
                    "organisation": _(
                        "This organisation already has an unanswered invitation of this kind "
                        "to this statement."
                    )
                }
            )
        if (
            self.purpose == self.Purpose.SIGN
            and Signature.objects.filter(
                statement=self.statement_id,
                organisation=self.organisation_id,
                status__in=[Signature.Status.CONFIRMED, Signature.Status.WITHDRAWN],
            ).exists()
        ):
            raise ValidationError(
                {"organisation": _("This organisation has already signed this statement.")}
            )

    def check_address(self, exception_confirmed: bool) -> None:
        """Refuse an address outside the organisation's domain unless staff vouch for it."""
        if self.domain_matches or exception_confirmed:
            return
        website = self.organisation.website
        raise ValidationError(
            {
                "email": _(
                    "This address is not at the domain of %(organisation)s's website "
                    "(%(domain)s). Check that this person may sign for the organisation, "
                    "then confirm the exception."
                )
                % {
                    "organisation": self.organisation.name,
                    "domain": website_domain(website) or _("it has no website"),
                }
            }
        )

    # --- workflow --------------------------------------------------------------------

    def issue(self, by: Staff, *, domain_exception: bool = False) -> None:
        """Save a new invitation and send it after commit, with its reminder scheduled.

        The organisation's signature is the row this invitation asks for: created as
        invited if the organisation has none, or the one it asked for through the API.
        """
        if self.pk is not None:
            raise ValidationError(_("This invitation was issued already."))
        # An invitation sent again carries the exception staff confirmed for the first.
        confirmed_before = self.domain_exception_at is not None
        if self.purpose == self.Purpose.SIGN:
            self.check_address(domain_exception or confirmed_before)
        now = timezone.now()
        if domain_exception and not confirmed_before and not self.domain_matches:
            self.domain_exception_by = by if by.is_authenticated else None
            self.domain_exception_at = now
        self.created_by = by if by.is_authenticated else None
        self.remind_at = reminder_time(now, self.deadline)
        self.full_clean(exclude=["remind_at"])
        with transaction.atomic():
            if self.signature_id is None:
                signature, _created = Signature.objects.get_or_create(
                    statement_id=self.statement_id,
                    organisation_id=self.organisation_id,
                    defaults={"status": Signature.Status.INVITED, "signatory_name": self.name},
                )
                if signature.status == Signature.Status.DECLINED:
                    # Asked again: the earlier refusal is in the signature's history.
                    signature.status = Signature.Status.INVITED
                    signature.declined_at = None
                    signature.decline_reason = ""
                    signature._history_user = self.created_by
                    signature.save(update_fields=["status", "declined_at", "decline_reason"])
                self.signature = signature
            self.save()
            # Sent by the task worker (named in settings).
            follow_after_commit(settings.INVITATION_ISSUED, self.pk)

    def revoke(self, by: Staff) -> None:
        """Take the invitation back: its link stops working and no reminder goes.

        The organisation's signature is left as it is (invited, or pending when a partner
        asked for it): revoking takes back a link, it decides nothing for the organisation.
        """
        with transaction.atomic():
            current = self.locked_unanswered()
            current.record_revocation(by)
            self.revoked_at, self.revoked_by = current.revoked_at, current.revoked_by

    def send_again(self, by: Staff, deadline: datetime) -> "Invitation":
        """Revoke this invitation and issue a new one in its place, to the same contact with
        the same note, a new link and the deadline given; the new invitation.

        A new invitation rather than this one changed: what was sent, when, and whether it
        was reminded stays on record for each link, and the first link stops working.
        """
        with transaction.atomic():
            current = self.locked_unanswered()
            # Revoked first: the new one is then the only outstanding one of its kind.
            current.record_revocation(by)
            fresh = Invitation(
                statement=current.statement,
                organisation=current.organisation,
                purpose=current.purpose,
                # A signature to confirm again is the one it names; a signature asked for
                # is found again (or asked for again, if it was declined since) by issue().
                signature=current.signature if current.is_reconfirmation else None,
                name=current.name,
                email=current.email,
                language=current.language,
                message=current.message,
                deadline=deadline,
                domain_exception_by=current.domain_exception_by,
                domain_exception_at=current.domain_exception_at,
            )
            fresh.issue(by=by)
            current.replaced_by = fresh
            current.save(update_fields=["replaced_by"])
            self.revoked_at, self.revoked_by = current.revoked_at, current.revoked_by
            self.replaced_by = fresh
        return fresh

    def locked_unanswered(self) -> "Invitation":
        """This invitation re-read under lock, if it is neither answered nor revoked: an
        answer given meanwhile through the link wins, and is not taken back."""
        current = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("statement", "organisation", "signature", "domain_exception_by")
            .get(pk=self.pk)
        )
        if current.answer:
            raise ValidationError(_("This invitation has been answered already."))
        if current.is_revoked:
            raise ValidationError(_("This invitation was revoked already."))
        return current

    def record_revocation(self, by: Staff) -> None:
        self.revoked_at = timezone.now()
        self.revoked_by = by if by.is_authenticated else None
        self.save(update_fields=["revoked_at", "revoked_by"])

    def sign(self, digest: str, name: str, title: str) -> None:
        """The contact signs (or confirms the corrected text) for the organisation.

        `digest` is that of the text the page showed them (TextToSign.digest): if the
        text changed since, nothing is signed.
        """
        with transaction.atomic():
            current = self.locked_open()
            shown_now = current.text_to_sign()
            if not constant_time_compare(shown_now.digest, digest):
                raise ValidationError(
                    _("The text has changed since this page was opened. Read it again, then sign.")
                )
            signature = current.signature
            if signature is None:
                raise ValidationError(_("This invitation no longer applies."))
            # The member of staff who sent it vouched for the person; the signature
            # records them as who confirmed it.
            sender: Staff = current.created_by or AnonymousUser()
            if current.is_reconfirmation:
                signature.confirm_current_version(by=sender)
            else:
                signature.confirm(by=sender, signatory_name=name, signatory_title=title)
            current.record_answer(
                self.Answer.SIGNED,
                signed_name=name,
                signed_title=title,
                signed_version=shown_now.version,
                signed_text=shown_now.as_signed(),
            )
            self.take_answer_from(current)

    def decline(self, reason: str) -> None:
        """The contact declines. A signature asked for is declined with it; a signature
        given to an earlier text stays as it is, for staff to decide on."""
        with transaction.atomic():
            current = self.locked_open()
            signature = current.signature
            if signature is not None and not current.is_reconfirmation:
                signature.decline(by=current.created_by or AnonymousUser(), reason=reason)
            current.record_answer(self.Answer.DECLINED, decline_reason=reason.strip())
            self.take_answer_from(current)

    def locked_open(self) -> "Invitation":
        """This invitation re-read under lock, if it still takes an answer.

        Two submissions of the same page at once must not both sign: the second waits
        for the first and finds the invitation answered.
        """
        current = (
            # Only the invitation's row is locked: its signature is locked by its own step.
            Invitation.objects.select_for_update(of=("self",))
            .select_related("statement", "organisation", "signature", "created_by")
            .get(pk=self.pk)
        )
        if current.answer:
            raise ValidationError(_("This invitation has been answered already."))
        if current.is_revoked:
            raise ValidationError(_("This invitation was withdrawn by the coalition."))
        if current.is_expired:
            raise ValidationError(_("This invitation has expired."))
        if current.statement_withdrawn:
            raise ValidationError(_("This invitation no longer applies."))
        return current

    ANSWER_FIELDS = (
        "answer",
        "answered_at",
        "signed_name",
        "signed_title",
        "signed_version",
        "signed_text",
        "decline_reason",
    )

    def take_answer_from(self, current: "Invitation") -> None:
        """The answer just recorded on the copy read under lock, on this one too."""
        for field in self.ANSWER_FIELDS:
            setattr(self, field, getattr(current, field))

    def record_answer(self, answer: str, **fields: object) -> None:
        self.answer = answer
        self.answered_at = timezone.now()
        for field, value in fields.items():
            setattr(self, field, value)
        self.save(update_fields=["answer", "answered_at", *fields])


def reminder_time(sent: datetime, deadline: datetime) -> datetime:
    """When the one reminder is due: a few days before the deadline, or halfway to a
    deadline nearer than that."""
    if deadline - sent > 2 * REMIND_BEFORE:
        return deadline - REMIND_BEFORE
    return sent + (deadline - sent) / 2
