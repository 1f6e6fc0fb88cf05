"""For tests that go through the admin's pages: their addresses, an object to show on each,
and their forms read back as the data a browser would post, to change and resend."""

from collections.abc import Callable
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from addresses.models import FormerAddress
from alerts.models import AlertEvent, Delivery, Subscriber, Subscription
from campaigns.models import (
    Campaign,
    Change,
    Coalition,
    Demand,
    EmbargoedRead,
    Leverage,
    Moment,
    PreviewLink,
    Signature,
    Statement,
    Target,
    Transition,
)
from invitations.models import Invitation
from legislation.models import Law, Penalty, Provision, Right, Standard
from organisations.models import (
    Organisation,
    PartnerKey,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from staff.models import SignInRecord
from tests.factories import (
    CampaignFactory,
    CoalitionFactory,
    CoalitionMembershipFactory,
    DeliveryFactory,
    DemandFactory,
    EditorFactory,
    FormerAddressFactory,
    ImplementationFactory,
    InvitationFactory,
    LawEventFactory,
    LawFactory,
    LeverageFactory,
    MomentFactory,
    OrganisationFactory,
    OrganisationIdentifierFactory,
    OrganisationParentFactory,
    PenaltyFactory,
    PressContactFactory,
    PreviewLinkFactory,
    RightFactory,
    SignatureFactory,
    StandardFactory,
    StatementFactory,
    SubscriptionFactory,
    TargetFactory,
    TransitionFactory,
    partner_key,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

type FormData = dict[str, str | list[str]]


class _FormReader(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.select: str | None = None
        self.textarea: str | None = None
        self.text: list[str] = []
        self.values: dict[str, list[str]] = {}

    def add(self, name: str | None, value: str) -> None:
        if name:
            self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.in_form = attributes.get("id") == self.form_id
        elif not self.in_form:
            return
        elif tag == "input" and attributes.get("type") not in {"submit", "button", "file"}:
            if attributes.get("type") in {"checkbox", "radio"} and "checked" not in attributes:
                return
            self.add(attributes.get("name"), attributes.get("value") or "")
        elif tag == "select":
            self.select = attributes.get("name")
        elif tag == "option" and self.select and "selected" in attributes:
            self.add(self.select, attributes.get("value") or "")
        elif tag == "textarea":
            self.textarea, self.text = attributes.get("name"), []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            # Browsers drop the newline that follows the opening tag.
            self.add(self.textarea, "".join(self.text).removeprefix("\n"))
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.text.append(data)


def read_form(response: "TestResponse", form_id: str) -> FormData:
    """What submitting the form with this id on the page sends, bar the button pressed."""
    reader = _FormReader(form_id)
    reader.feed(response.text)
    return {
        name: values[0] if len(values) == 1 else values for name, values in reader.values.items()
    }


def form_data(response: "TestResponse", model_name: str) -> FormData:
    """What pressing "Save" on this admin add or change page sends."""
    return {**read_form(response, f"{model_name}_form"), "_save": "Save"}


def add_row(data: FormData, prefix: str, **values: object) -> None:
    """Do what "Add another" does on the inline with this prefix, then fill the row in.

    The page carries an empty row (named `__prefix__`) for the button to copy; the
    server ignores it.
    """
    index = int(str(data[f"{prefix}-TOTAL_FORMS"]))
    template = f"{prefix}-__prefix__-"
    for name, value in list(data.items()):
        if name.startswith(template):
            data[name.replace("__prefix__", str(index))] = value
    for name, given in values.items():
        data[f"{prefix}-{index}-{name}"] = str(given)
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)


def registered_models(app_label: str) -> set[type[Model]]:
    return {model for model in admin.site._registry if model._meta.app_label == app_label}


def admin_url(model: type[Model] | Model, view: str, *args: object) -> str:
    """The admin page `view` (changelist, add, change, delete, ...) of a model or an object."""
    opts = model._meta
    if isinstance(model, Model):
        args = (model.pk, *args)
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


# --- one object for each page ---------------------------------------------------------------


def _statement() -> Statement:
    statement = SignatureFactory().statement
    statement.addressees.add(TargetFactory())
    statement.leverage.add(LeverageFactory())
    return statement


def _organisation() -> Organisation:
    organisation = OrganisationFactory()
    OrganisationIdentifierFactory(organisation=organisation)
    OrganisationParentFactory(programme=organisation)
    PressContactFactory(organisation=organisation)
    return organisation


def _webhook_endpoint() -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        organisation=OrganisationFactory(), url="https://example.org/hook"
    )


def _webhook_delivery() -> WebhookDelivery:
    delivery = WebhookDelivery.objects.create(
        endpoint=_webhook_endpoint(),
        event=WebhookEndpoint.Event.PUBLISHED,
        payload={"type": "statement.published"},
    )
    WebhookAttempt.objects.create(
        delivery=delivery, attempted_at=timezone.now(), status_code=503, error="Unavailable"
    )
    return delivery


def _embargoed_read() -> EmbargoedRead:
    key, _secret = partner_key()
    return EmbargoedRead.objects.create(
        key=key,
        key_prefix=key.prefix,
        organisation=key.organisation,
        statement=StatementFactory(),
        path="/api/v1/statements/",
    )


def _sign_in_record() -> SignInRecord:
    return SignInRecord.objects.create(user=EditorFactory(), event=SignInRecord.Event.REFUSED)


def _delivery() -> Delivery:
    """A message sent to an address because of its subscription."""
    subscription = SubscriptionFactory()
    return DeliveryFactory(
        subscriber=subscription.subscriber,
        subscription=subscription,
        status=Delivery.Status.SENT,
        attempt_count=1,
        sent_at=timezone.now(),
    )


def _invitation() -> Invitation:
    """Answered: signed by an address outside the organisation's domain, on staff's word."""
    signature = SignatureFactory(statement=StatementFactory(published=True))
    now = timezone.now()
    return InvitationFactory(
        statement=signature.statement,
        organisation=signature.organisation,
        signature=signature,
        created_by=EditorFactory(),
        domain_exception_by=EditorFactory(),
        domain_exception_at=now,
        answer=Invitation.Answer.SIGNED,
        answered_at=now,
        signed_name="Ana Contact",
        signed_title="Director",
        signed_version=signature.signed_version,
        signed_text=signature.statement.body,
    )


def _task_result() -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path="campaigns.tasks.example",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
    )


# For every model in the admin, something to show on its pages: with a row in each of
# its inlines, and its relations filled in, so that every part of its page is rendered.
ONE_OF: dict[type[Model], Callable[[], Any]] = {
    Group: lambda: Group.objects.create(name="Reviewers"),
    DBTaskResult: _task_result,
    FormerAddress: FormerAddressFactory,
    Organisation: _organisation,
    PartnerKey: lambda: partner_key()[0],
    WebhookEndpoint: _webhook_endpoint,
    WebhookDelivery: _webhook_delivery,
    Right: RightFactory,
    Standard: StandardFactory,
    Law: lambda: ImplementationFactory(law=LawEventFactory().law).law,
    Provision: lambda: PenaltyFactory().provision,
    Penalty: PenaltyFactory,
    Coalition: lambda: CoalitionMembershipFactory().coalition,
    Campaign: lambda: CampaignFactory(coalition=CoalitionFactory()),
    Target: TargetFactory,
    Moment: MomentFactory,
    Leverage: LeverageFactory,
    Statement: _statement,
    Signature: SignatureFactory,
    Demand: lambda: DemandFactory(addressee=TargetFactory(), law=LawFactory()),
    Transition: TransitionFactory,
    PreviewLink: PreviewLinkFactory,
    Change: lambda: Change.objects.create(
        statement=StatementFactory(published=True),
        kind=Change.Kind.PUBLISHED,
        visible_from=timezone.now(),
    ),
    EmbargoedRead: _embargoed_read,
    SignInRecord: _sign_in_record,
    Subscriber: lambda: _delivery().subscriber,
    Subscription: SubscriptionFactory,
    AlertEvent: lambda: _delivery().event,
    Delivery: _delivery,
    Invitation: _invitation,
    User: EditorFactory,
}
