"""Telling a partner that staff decided on its sign-on request: a webhook event and an e-mail.

Only the organisation that asked is told, through its own webhook endpoints and the
contact address of the key it asked with. Both go out after the decision is committed;
the e-mail is sent by the task worker.
"""

from typing import Any

from django.conf import settings
from django.tasks import task
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lib.templated_email import send_templated_email, site_link
from organisations.models import WebhookEndpoint
from organisations.webhooks import queue_deliveries

from .models import Signature

EVENTS = {
    Signature.Status.CONFIRMED: WebhookEndpoint.Event.SIGNATURE_CONFIRMED,
    Signature.Status.DECLINED: WebhookEndpoint.Event.SIGNATURE_DECLINED,
}


def decision_payload(signature: Signature) -> dict[str, Any]:
    """The sign-on request as the partner reads it from the API, with the reason if declined."""
    from .api import SignOnRequestSerializer  # the API imports these models

    return dict(SignOnRequestSerializer(signature, context={}).data)


def tell_partner(signature_id: int) -> None:
    """Queue the webhook event and the e-mail for a decision on a sign-on request."""
    signature = (
        Signature.objects.select_related("requested_with", "organisation")
        .filter(pk=signature_id, requested_with__isnull=False, status__in=EVENTS)
        .first()
    )
    if signature is None:
        return
    queue_deliveries(
        EVENTS[Signature.Status(signature.status)],
        decision_payload(signature),
        WebhookEndpoint.objects.filter(organisation=signature.organisation_id, is_active=True),
    )
    if signature.requested_with and signature.requested_with.contact_email:
        send_decision_email.enqueue(signature.pk)


@task()
def send_decision_email(signature_id: int) -> bool:
    """E-mail the key's contact what staff decided. False if there is no one to tell."""
    signature = (
        Signature.objects.select_related("requested_with", "statement", "organisation")
        .filter(pk=signature_id, requested_with__isnull=False, status__in=EVENTS)
        .first()
    )
    if signature is None or signature.requested_with is None:
        return False
    address = signature.requested_with.contact_email
    if not address:
        return False
    confirmed = signature.status == Signature.Status.CONFIRMED
    send_templated_email(
        to=[address],
        subject=_("Your request to sign was confirmed")
        if confirmed
        else _("Your request to sign was declined"),
        template="campaigns/email/sign_on_decision",
        context={
            "signature": signature,
            "confirmed": confirmed,
            # The partner asked to sign this statement through the API, which showed it
            # to them: its title is no news to them.
            "statement_title": signature.statement.title,
            "request_url": site_link(
                reverse("api:sign-on-request-detail", kwargs={"pk": signature.pk})
            ),
        },
        language=settings.LANGUAGE_CODE,
    )
    return True
