"""After a public correction, the signatories of an earlier version are asked to confirm.

Each confirmed signature given to an earlier version of the text gets an invitation to
confirm the corrected one, sent to the person who signed it through an invitation, or
else to the contact of the API key it was asked for with. A signature with neither has
no address to ask: staff see it in the admin among those who have not confirmed.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from campaigns.models import Signature, Statement

from .models import DEFAULT_OPEN_FOR, Invitation


def ask_signatories(statement_id: int) -> list[Invitation]:
    """Invite each signatory of an earlier version to confirm the current one; those made."""
    statement = Statement.objects.filter(pk=statement_id).first()
    if statement is None or statement.status != Statement.Status.PUBLISHED:
        return []
    asked = set(
        Invitation.objects.outstanding()
        .filter(statement=statement, purpose=Invitation.Purpose.CONFIRM_CORRECTION)
        .values_list("organisation", flat=True)
    )
    made = []
    signatures = statement.earlier_version_signatures().select_related("requested_with")
    for signature in signatures.exclude(organisation__in=asked):
        invitation = contact_for(signature)
        if invitation is None:
            continue
        invitation.issue(by=AnonymousUser())
        made.append(invitation)
    return made


def contact_for(signature: Signature) -> Invitation | None:
    """An unsaved invitation to confirm the corrected text, to whoever signed before."""
    deadline = timezone.now() + DEFAULT_OPEN_FOR
    signed = (
        Invitation.objects.filter(signature=signature, answer=Invitation.Answer.SIGNED)
        .order_by("-answered_at")
        .first()
    )
    fields = {
        "statement_id": signature.statement_id,
        "organisation_id": signature.organisation_id,
        "signature": signature,
        "purpose": Invitation.Purpose.CONFIRM_CORRECTION,
        "deadline": deadline,
    }
    if signed is not None:
        # The address staff vetted when they invited this person to sign.
        return Invitation(
            **fields,
            name=signed.signed_name or signed.name,
            email=signed.email,
            language=signed.language,
            domain_exception_by_id=signed.domain_exception_by_id,
            domain_exception_at=signed.domain_exception_at,
        )
    key = signature.requested_with
    if key is not None and key.contact_email:
        return Invitation(
            **fields,
            name=signature.signatory_name or key.organisation.name,
            email=key.contact_email,
        )
    return None
