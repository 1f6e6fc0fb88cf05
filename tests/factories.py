"""One factory per model. Statements are drafts unless a trait says otherwise."""

from datetime import date, timedelta
from decimal import Decimal
from typing import cast

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from addresses.models import FormerAddress
from alerts.models import AlertEvent, Delivery, Subscriber, Subscription
from campaigns.models import (
    Addressing,
    Campaign,
    Coalition,
    CoalitionMembership,
    Correction,
    Demand,
    DemandOutcome,
    Leverage,
    Moment,
    PreviewLink,
    Publication,
    Signature,
    Statement,
    Target,
    Transition,
)
from invitations.models import DEFAULT_OPEN_FOR, Invitation, reminder_time
from legislation.models import (
    Implementation,
    Law,
    LawEvent,
    LawSource,
    Penalty,
    Provision,
    Right,
    Standard,
)
from organisations.models import (
    Organisation,
    OrganisationIdentifier,
    OrganisationParent,
    PartnerKey,
    PressContact,
)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    is_staff = True
    password = factory.django.Password("correct horse battery staple")


def member_of(group_name: str) -> factory.PostGeneration:
    """Put the user in one of the staff groups the migrations create."""

    def join(user: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            user.groups.add(Group.objects.get(name=group_name))

    return factory.PostGeneration(join)


def refresh_search_text() -> factory.PostGeneration:
    """Write the statement's search text anew, as the admin does after saving one of its
    rows (Statement.search_text)."""

    def refresh(
        row: Signature | Demand | Publication, create: bool, *args: object, **kwargs: object
    ) -> None:
        if create:
            row.statement.refresh_search_text()

    return factory.PostGeneration(refresh)


class AuthorFactory(UserFactory):
    groups = member_of("Authors")


class EditorFactory(UserFactory):
    groups = member_of("Editors")


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Human Rights Group {n}")
    short_name = factory.Sequence(lambda n: f"HRG{n}")
    slug = factory.Sequence(lambda n: f"human-rights-group-{n}")
    country = "GB"


class OrganisationParentFactory(factory.django.DjangoModelFactory[OrganisationParent]):
    class Meta:
        model = OrganisationParent

    programme = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.JOINT_PROGRAMME)
    parent = factory.SubFactory(OrganisationFactory)


class OrganisationIdentifierFactory(factory.django.DjangoModelFactory[OrganisationIdentifier]):
    class Meta:
        model = OrganisationIdentifier

    organisation = factory.SubFactory(OrganisationFactory)
    scheme = OrganisationIdentifier.Scheme.WIKIDATA
    value = factory.Sequence(lambda n: f"Q{n + 1}")


class PressContactFactory(factory.django.DjangoModelFactory[PressContact]):
    class Meta:
        model = PressContact

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Press Officer {n}")
    email = factory.Sequence(lambda n: f"press{n}@example.org")


class RightFactory(factory.django.DjangoModelFactory[Right]):
    class Meta:
        model = Right

    name = factory.Sequence(lambda n: f"Freedom number {n}")
    slug = factory.Sequence(lambda n: f"freedom-{n}")


class StandardFactory(factory.django.DjangoModelFactory[Standard]):
    class Meta:
        model = Standard

    name = factory.Sequence(lambda n: f"ICCPR, article {n}")
    slug = factory.Sequence(lambda n: f"iccpr-{n}")


class LawFactory(factory.django.DjangoModelFactory[Law]):
    class Meta:
        model = Law

    country = "RU"
    official_title = factory.Sequence(lambda n: f"Federal Law No. {n}-FZ")
    slug = factory.Sequence(lambda n: f"law-{n}")
    identifier = factory.Sequence(lambda n: f"{n}-FZ")


class LawSourceFactory(factory.django.DjangoModelFactory[LawSource]):
    class Meta:
        model = LawSource

    law = factory.SubFactory(LawFactory)
    title = "Official gazette"
    url = "https://example.org/gazette"


class LawEventFactory(factory.django.DjangoModelFactory[LawEvent]):
    class Meta:
        model = LawEvent

    law = factory.SubFactory(LawFactory)
    kind = LawEvent.Kind.ADOPTED
    date = date(2012, 7, 13)


class ImplementationFactory(factory.django.DjangoModelFactory[Implementation]):
    class Meta:
        model = Implementation

    instrument = factory.SubFactory(LawFactory, kind=Law.Kind.DECREE)
    law = factory.SubFactory(LawFactory)


class ProvisionFactory(factory.django.DjangoModelFactory[Provision]):
    class Meta:
        model = Provision

    law = factory.SubFactory(LawFactory)
    reference = factory.Sequence(lambda n: f"Article {n}")
    summary = "What the article does."


class PenaltyFactory(factory.django.DjangoModelFactory[Penalty]):
    class Meta:
        model = Penalty

    provision = factory.SubFactory(ProvisionFactory)
    kind = Penalty.Kind.FINE
    as_reported = "up to £20,000"
    amount_max = Decimal("20000")
    unit = "GBP"


class CoalitionFactory(factory.django.DjangoModelFactory[Coalition]):
    class Meta:
        model = Coalition

    name = factory.Sequence(lambda n: f"Coalition {n}")
    slug = factory.Sequence(lambda n: f"coalition-{n}")


class CoalitionMembershipFactory(factory.django.DjangoModelFactory[CoalitionMembership]):
    class Meta:
        model = CoalitionMembership

    coalition = factory.SubFactory(CoalitionFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class CampaignFactory(factory.django.DjangoModelFactory[Campaign]):
    class Meta:
        model = Campaign

    title = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    summary = "What the campaign is for."
    country = "RU"


class TargetFactory(factory.django.DjangoModelFactory[Target]):
    class Meta:
        model = Target

    name = factory.Sequence(lambda n: f"Addressee {n}")
    slug = factory.Sequence(lambda n: f"addressee-{n}")
    kind = Target.Kind.GOVERNMENT


class MomentFactory(factory.django.DjangoModelFactory[Moment]):
    class Meta:
        model = Moment

    name = factory.Sequence(lambda n: f"Summit {n}")
    slug = factory.Sequence(lambda n: f"summit-{n}")
    starts_on = date(2012, 12, 21)


class LeverageFactory(factory.django.DjangoModelFactory[Leverage]):
    class Meta:
        model = Leverage

    name = factory.Sequence(lambda n: f"Membership of body {n}")
    slug = factory.Sequence(lambda n: f"membership-{n}")


class StatementFactory(factory.django.DjangoModelFactory[Statement]):
    """A draft. Traits: in_review, approved, published, scheduled, withdrawn.

    The traits set the state directly, as a fixture; tests of the workflow itself go
    through the model methods.
    """

    class Meta:
        model = Statement

    campaign = factory.SubFactory(CampaignFactory)
    title = factory.Sequence(lambda n: f"Statement number {n}")
    slug = factory.Sequence(lambda n: f"statement-{n}")
    standfirst = "Organisations call on leaders to act."
    body = "The organisations **urge** leaders to act."
    lead_organisation = factory.SubFactory(OrganisationFactory)
    # Not published; the traits set it.
    publish_at = factory.LazyFunction(lambda: None)
    # Issued the day it became public (or will), as publish() dates it; a draft is undated.
    issued_on = factory.LazyAttribute(
        lambda statement: timezone.localdate(statement.publish_at) if statement.publish_at else None
    )

    class Params:
        in_review = factory.Trait(status=Statement.Status.IN_REVIEW)
        approved = factory.Trait(status=Statement.Status.APPROVED)
        published = factory.Trait(
            status=Statement.Status.PUBLISHED,
            publish_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
        )
        # As a fixture, read early by every partner with the embargo scope; the choice
        # publish() makes by default (its coalition's members) is tested through it.
        scheduled = factory.Trait(
            status=Statement.Status.PUBLISHED,
            publish_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=1)),
            embargo_audience=Statement.EarlyReaders.PARTNERS,
        )
        withdrawn = factory.Trait(
            status=Statement.Status.WITHDRAWN,
            publish_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=2)),
            withdrawn_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
            withdrawal_reason="Published in error.",
        )


class SignatureFactory(factory.django.DjangoModelFactory[Signature]):
    """A confirmed co-signature unless told otherwise."""

    class Meta:
        model = Signature
        skip_postgeneration_save = True

    statement = factory.SubFactory(StatementFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    status = Signature.Status.CONFIRMED
    signed_at = factory.LazyFunction(timezone.now)
    signed_version = factory.LazyAttribute(
        lambda signature: (
            signature.statement.version if signature.status == Signature.Status.CONFIRMED else None
        )
    )
    search_text = refresh_search_text()


class DemandFactory(factory.django.DjangoModelFactory[Demand]):
    """An open demand. Given an outcome, its history starts with that outcome, as the
    data migration started every history: the demand shows the latest step of its history."""

    class Meta:
        model = Demand
        skip_postgeneration_save = True

    statement = factory.SubFactory(StatementFactory)
    action = Demand.Action.REPEAL
    text = "Repeal the law."
    search_text = refresh_search_text()

    @factory.post_generation
    def history(demand: Demand, create: bool, extracted: object, **kwargs: object) -> None:
        # Only an open demand may have no date (a named constraint).
        if create and demand.outcome_on is not None:
            DemandOutcome.objects.create(
                demand=demand,
                outcome=demand.outcome,
                outcome_on=demand.outcome_on,
                evidence_url=demand.evidence_url,
                evidence_reference=demand.evidence_reference,
            )


class DemandOutcomeFactory(factory.django.DjangoModelFactory[DemandOutcome]):
    """A step of a demand's history as a fixture; the demand's own outcome is not
    changed: Demand.record_outcome does that."""

    class Meta:
        model = DemandOutcome

    demand = factory.SubFactory(DemandFactory)
    outcome = Demand.Outcome.MET
    outcome_on = date(2013, 5, 3)


class AddressingFactory(factory.django.DjangoModelFactory[Addressing]):
    class Meta:
        model = Addressing

    statement = factory.SubFactory(StatementFactory)
    target = factory.SubFactory(TargetFactory)


class CorrectionFactory(factory.django.DjangoModelFactory[Correction]):
    class Meta:
        model = Correction

    statement = factory.SubFactory(StatementFactory, published=True)
    note = "An earlier version gave the wrong date of the summit."


class PublicationFactory(factory.django.DjangoModelFactory[Publication]):
    class Meta:
        model = Publication
        skip_postgeneration_save = True

    statement = factory.SubFactory(StatementFactory, published=True)
    publisher = factory.SubFactory(OrganisationFactory)
    url = factory.Sequence(lambda n: f"https://example.org/news/{n}")
    title = "The same statement, elsewhere"
    search_text = refresh_search_text()


class TransitionFactory(factory.django.DjangoModelFactory[Transition]):
    """A workflow step as the workflow records it; tests of the workflow go through the model."""

    class Meta:
        model = Transition

    statement = factory.SubFactory(StatementFactory, in_review=True)
    from_status = Statement.Status.DRAFT
    to_status = Statement.Status.IN_REVIEW
    by = factory.SubFactory(UserFactory)
    at = factory.LazyFunction(timezone.now)


class PreviewLinkFactory(factory.django.DjangoModelFactory[PreviewLink]):
    """A valid link. The token it was made with is on `.token`, as the admin shows it once."""

    class Meta:
        model = PreviewLink
        skip_postgeneration_save = True

    statement = factory.SubFactory(StatementFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))

    @factory.post_generation
    def token(link: PreviewLink, create: bool, extracted: object, **kwargs: object) -> None:
        link.token = link.issue_token()  # type: ignore[attr-defined]
        if create:
            link.save()


class FormerAddressFactory(factory.django.DjangoModelFactory[FormerAddress]):
    """An earlier address of a campaign. Pages keep theirs by being saved with a new slug;
    this is for tests of the list of them."""

    class Meta:
        model = FormerAddress

    content_object = factory.SubFactory(CampaignFactory)
    slug = factory.Sequence(lambda n: f"earlier-{n}")


# --- partner API -------------------------------------------------------------------------


def partner_key(
    organisation: Organisation | None = None, **fields: object
) -> tuple[PartnerKey, str]:
    """A partner key and the secret a partner would send; keys exist only through create_key."""
    key, secret = PartnerKey.objects.create_key(
        name="Partner key", organisation=organisation or OrganisationFactory(), **fields
    )
    return cast(PartnerKey, key), secret


def withdraw_in_database_only(statement: Statement) -> None:
    """Withdraw a statement as another process would be seen from this one: the row
    changes, and nothing in this process hears of it."""
    Statement.objects.filter(pk=statement.pk).update(
        status=Statement.Status.WITHDRAWN,
        withdrawn_at=timezone.now(),
        withdrawal_reason="Sent in error",
    )


class SubscriberFactory(factory.django.DjangoModelFactory[Subscriber]):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.org")


class SubscriptionFactory(factory.django.DjangoModelFactory[Subscription]):
    """Confirmed, to every statement, at once, unless told otherwise."""

    class Meta:
        model = Subscription

    subscriber = factory.SubFactory(SubscriberFactory)
    kind = Subscription.Kind.ALL
    confirmed_at = factory.LazyFunction(timezone.now)

    class Params:
        unconfirmed = factory.Trait(confirmed_at=None)


class AlertEventFactory(factory.django.DjangoModelFactory[AlertEvent]):
    class Meta:
        model = AlertEvent

    kind = AlertEvent.Kind.PUBLISHED
    statement = factory.SubFactory(StatementFactory, published=True)


class DeliveryFactory(factory.django.DjangoModelFactory[Delivery]):
    class Meta:
        model = Delivery

    subscriber = factory.SubFactory(SubscriberFactory)
    event = factory.SubFactory(AlertEventFactory)


class InvitationFactory(factory.django.DjangoModelFactory[Invitation]):
    """Sent and not answered yet, to sign, open for the usual two weeks.

    Saved as it is, as a fixture: tests of issuing go through Invitation.issue(), which
    also makes the signature it asks for and sends the e-mail.
    """

    class Meta:
        model = Invitation

    statement = factory.SubFactory(StatementFactory, published=True)
    organisation = factory.SubFactory(OrganisationFactory)
    name = "Ana Contact"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    deadline = factory.LazyFunction(lambda: timezone.now() + DEFAULT_OPEN_FOR)
    remind_at = factory.LazyAttribute(
        lambda invitation: reminder_time(timezone.now(), invitation.deadline)
    )
    sent_at = factory.LazyFunction(timezone.now)
