"""Every rule the database holds, broken once.

The editor sees the message; the database refuses the row even when validation is skipped.
"""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from alerts.models import AlertEvent, Delivery, Subscription
from campaigns.documents import keep
from campaigns.models import (
    Addressing,
    Change,
    CoalitionMembership,
    Demand,
    DemandOutcome,
    Publication,
    Signature,
    Statement,
    StatementDocument,
)
from invitations.models import Invitation
from legislation.models import Implementation, LawEvent
from organisations.models import (
    Organisation,
    OrganisationIdentifier,
    OrganisationParent,
    PressContact,
)
from tests import factories

pytestmark = pytest.mark.django_db


def duplicate_parent() -> OrganisationParent:
    link = factories.OrganisationParentFactory()
    return OrganisationParent(programme=link.programme, parent=link.parent)


def self_parent() -> OrganisationParent:
    organisation = factories.OrganisationFactory()
    return OrganisationParent(programme=organisation, parent=organisation)


def duplicate_identifier() -> OrganisationIdentifier:
    identifier = factories.OrganisationIdentifierFactory(scheme="iati", value="GB-CHC-1051681")
    return OrganisationIdentifier(
        organisation=identifier.organisation, scheme="iati", value="GB-CHC-1051681"
    )


def identifier_of_an_unnamed_register() -> OrganisationIdentifier:
    return OrganisationIdentifier(
        organisation=factories.OrganisationFactory(), scheme="other", value="CHE-123.456.789"
    )


def unreachable_contact() -> PressContact:
    return factories.PressContactFactory.build(
        organisation=factories.OrganisationFactory(), email="", phone=""
    )


def duplicate_law_slug() -> models.Model:
    law = factories.LawFactory(country="RU", slug="foreign-agents")
    return factories.LawFactory.build(country="RU", slug=law.slug)


def law_replacing_itself() -> models.Model:
    law = factories.LawFactory()
    law.replaced_by = law
    return law


def law_event(**fields: object) -> Callable[[], models.Model]:
    return lambda: factories.LawEventFactory.build(law=factories.LawFactory(), **fields)


def duplicate_implementation() -> models.Model:
    link = factories.ImplementationFactory()
    return Implementation(instrument=link.instrument, law=link.law)


def law_implementing_itself() -> models.Model:
    law = factories.LawFactory()
    return Implementation(instrument=law, law=law)


def duplicate_provision() -> models.Model:
    provision = factories.ProvisionFactory()
    return factories.ProvisionFactory.build(law=provision.law, reference=provision.reference)


def penalty(**fields: object) -> Callable[[], models.Model]:
    return lambda: factories.PenaltyFactory.build(provision=factories.ProvisionFactory(), **fields)


def second_current_membership() -> CoalitionMembership:
    membership = factories.CoalitionMembershipFactory()
    return CoalitionMembership(coalition=membership.coalition, organisation=membership.organisation)


def membership_left_before_joining() -> CoalitionMembership:
    return factories.CoalitionMembershipFactory.build(
        coalition=factories.CoalitionFactory(),
        organisation=factories.OrganisationFactory(),
        joined_on=date(2013, 1, 1),
        left_on=date(2012, 1, 1),
    )


def statement(**fields: object) -> Callable[[], Statement]:
    return lambda: factories.StatementFactory.build(
        campaign=factories.CampaignFactory(),
        lead_organisation=factories.OrganisationFactory(),
        **fields,
    )


def duplicate_signature() -> Signature:
    signature = factories.SignatureFactory()
    return Signature(statement=signature.statement, organisation=signature.organisation)


def second_lead() -> Signature:
    signature = factories.SignatureFactory(role=Signature.Role.LEAD)
    return Signature(
        statement=signature.statement,
        organisation=factories.OrganisationFactory(),
        role=Signature.Role.LEAD,
    )


def decided_demand_without_date() -> Demand:
    return factories.DemandFactory.build(
        statement=factories.StatementFactory(), outcome=Demand.Outcome.MET
    )


def duplicate_publication() -> Publication:
    publication = factories.PublicationFactory()
    return Publication(
        statement=publication.statement, publisher_name="Somebody", url=publication.url
    )


def publication_without_publisher() -> Publication:
    return Publication(
        statement=factories.StatementFactory(published=True), url="https://example.org/a"
    )


def duplicate_addressing() -> Addressing:
    addressing = factories.AddressingFactory()
    return Addressing(
        statement=addressing.statement,
        target=addressing.target,
        role=Addressing.Role.ALSO_ADDRESSED,
    )


def same_outcome_twice_a_day() -> DemandOutcome:
    step = factories.DemandOutcomeFactory()
    return DemandOutcome(
        demand=step.demand, outcome=step.outcome, outcome_on=step.outcome_on, note="Again."
    )


def second_document_of_a_version() -> StatementDocument:
    statement = factories.StatementFactory(published=True)
    keep([statement.pk])
    document = StatementDocument.objects.get(statement=statement)
    return StatementDocument(
        statement=statement,
        language=document.language,
        version=document.version,
        statement_updated_at=document.statement_updated_at,
        built_at=timezone.now(),
        item=document.item,
        detail=document.detail,
        signatories=document.signatories,
        demands=document.demands,
        publications=document.publications,
        corrections=document.corrections,
    )


def law_change_naming_a_statement() -> Change:
    return Change(
        resource=Change.Resource.LAW,
        object_id=factories.LawFactory().pk,
        statement=factories.StatementFactory(published=True),
        kind=Change.Kind.UPDATED,
        visible_from=timezone.now(),
    )


def subscription_without_its_campaign() -> Subscription:
    return factories.SubscriptionFactory.build(
        subscriber=factories.SubscriberFactory(), kind=Subscription.Kind.CAMPAIGN
    )


def second_subscription(kind: str, **topic: Callable[[], object]) -> Callable[[], Subscription]:
    def build() -> Subscription:
        first = factories.SubscriptionFactory(
            kind=kind, **{field: make() for field, make in topic.items()}
        )
        return Subscription(
            subscriber=first.subscriber,
            kind=kind,
            campaign=first.campaign,
            organisation=first.organisation,
            law=first.law,
            country=first.country,
        )

    return build


def law_alert_about_a_statement() -> AlertEvent:
    return AlertEvent(
        kind=AlertEvent.Kind.LAW_EVENT, statement=factories.StatementFactory(published=True)
    )


def second_delivery() -> Delivery:
    delivery = factories.DeliveryFactory()
    return Delivery(subscriber=delivery.subscriber, event=delivery.event)


def invitation(**fields: object) -> Callable[[], Invitation]:
    return lambda: factories.InvitationFactory.build(
        statement=factories.StatementFactory(published=True),
        organisation=factories.OrganisationFactory(),
        **fields,
    )


def second_open_invitation() -> Invitation:
    first = factories.InvitationFactory()
    return factories.InvitationFactory.build(
        statement=first.statement, organisation=first.organisation
    )


now = timezone.now()

BROKEN_RULES = [
    ("organisation_parent_unique", duplicate_parent, "already listed as running the programme"),
    ("organisation_parent_not_self", self_parent, "An organisation cannot run itself."),
    ("organisation_identifier_unique", duplicate_identifier, "already recorded"),
    (
        "organisation_identifier_other_named",
        identifier_of_an_unnamed_register,
        "Name the register this identifier comes from.",
    ),
    ("press_contact_reachable", unreachable_contact, "needs an email address or a phone number"),
    (
        "law_slug_unique_per_country",
        duplicate_law_slug,
        "Another law of this country already has this slug.",
    ),
    ("law_not_replaced_by_itself", law_replacing_itself, "A law cannot replace itself."),
    (
        "law_event_votes_only_on_a_vote",
        law_event(kind=LawEvent.Kind.SIGNED, votes_for=1),
        "Only a vote has a tally",
    ),
    (
        "law_event_court_only_before_a_court",
        law_event(kind=LawEvent.Kind.ADOPTED, case_number="10-P"),
        "A court, case number or ECLI belongs to a challenge, a ruling",
    ),
    (
        "implementation_unique",
        duplicate_implementation,
        "This instrument is already linked to this law.",
    ),
    ("implementation_not_of_itself", law_implementing_itself, "A law cannot implement itself."),
    (
        "provision_reference_unique_per_law",
        duplicate_provision,
        "already has a provision with this reference",
    ),
    (
        "penalty_min_not_above_max",
        penalty(amount_min=Decimal(500), amount_max=Decimal(100)),
        "The minimum amount cannot be higher than the maximum.",
    ),
    (
        "penalty_amounts_not_negative",
        penalty(amount_min=Decimal(-1)),
        "Amounts cannot be negative.",
    ),
    ("penalty_amount_has_unit", penalty(unit=""), "An amount needs its unit"),
    (
        "penalty_prison_min_not_above_max",
        penalty(prison_min_months=36, prison_max_months=24),
        "The minimum prison term cannot be longer than the maximum.",
    ),
    ("coalition_membership_current_unique", second_current_membership, "already a current member"),
    (
        "coalition_membership_dates_in_order",
        membership_left_before_joining,
        "cannot leave before it joined",
    ),
    (
        "campaign_dates_in_order",
        lambda: factories.CampaignFactory.build(
            started_on=date(2013, 1, 2), ended_on=date(2013, 1, 1)
        ),
        "A campaign cannot end before it started.",
    ),
    (
        "moment_dates_in_order",
        lambda: factories.MomentFactory.build(
            starts_on=date(2012, 12, 21), ends_on=date(2012, 12, 20)
        ),
        "A moment cannot end before it starts.",
    ),
    (
        "statement_published_has_publish_time",
        statement(status=Statement.Status.PUBLISHED, publish_at=None),
        "A published or withdrawn statement needs a publish time.",
    ),
    (
        "statement_published_has_issue_date",
        statement(status=Statement.Status.PUBLISHED, publish_at=now, issued_on=None),
        "A published or withdrawn statement needs the date it was issued.",
    ),
    (
        "statement_withdrawal_complete",
        statement(
            status=Statement.Status.WITHDRAWN,
            publish_at=now,
            withdrawn_at=now,
            withdrawal_reason="",
        ),
        "A withdrawn statement needs the time and the reason.",
    ),
    (
        "statement_withdrawn_after_publish",
        statement(
            status=Statement.Status.WITHDRAWN,
            publish_at=now,
            withdrawn_at=now - timedelta(days=1),
            withdrawal_reason="Wrong.",
        ),
        "A statement cannot be withdrawn before it was published.",
    ),
    (
        "signature_unique_per_statement_organisation",
        duplicate_signature,
        "has already signed this statement",
    ),
    ("signature_one_lead_per_statement", second_lead, "A statement has only one lead signatory."),
    (
        "demand_outcome_has_date",
        decided_demand_without_date,
        "Give the date on which the outcome was reached.",
    ),
    (
        "publication_url_unique_per_statement",
        duplicate_publication,
        "This publication is already recorded.",
    ),
    ("publication_has_publisher", publication_without_publisher, "Name the publisher"),
    (
        "addressing_unique_per_statement",
        duplicate_addressing,
        "This addressee is already named on the statement.",
    ),
    (
        "demand_outcome_once_a_day",
        same_outcome_twice_a_day,
        "This outcome is already recorded for this date",
    ),
    (
        "one_document_per_statement_language_version",
        second_document_of_a_version,
        "Statement document with this Statement, Language and Version already exists.",
    ),
    (
        "change_statement_only_for_statements",
        law_change_naming_a_statement,
        "change_statement_only_for_statements",
    ),
    (
        "alert_subscription_names_its_topic",
        subscription_without_its_campaign,
        "alert_subscription_names_its_topic",
    ),
    (
        "alert_subscription_once_to_all",
        second_subscription(Subscription.Kind.ALL),
        "alert_subscription_once_to_all",
    ),
    (
        "alert_subscription_once_per_campaign",
        second_subscription(Subscription.Kind.CAMPAIGN, campaign=factories.CampaignFactory),
        "alert_subscription_once_per_campaign",
    ),
    (
        "alert_subscription_once_per_organisation",
        second_subscription(
            Subscription.Kind.ORGANISATION, organisation=factories.OrganisationFactory
        ),
        "alert_subscription_once_per_organisation",
    ),
    (
        "alert_subscription_once_per_law",
        second_subscription(Subscription.Kind.LAW, law=factories.LawFactory),
        "alert_subscription_once_per_law",
    ),
    (
        "alert_subscription_once_per_country",
        second_subscription(Subscription.Kind.COUNTRY, country=lambda: "RU"),
        "alert_subscription_once_per_country",
    ),
    (
        "alert_event_is_about_a_statement_or_a_law_event",
        law_alert_about_a_statement,
        "alert_event_is_about_a_statement_or_a_law_event",
    ),
    (
        "alert_delivery_once_per_address_and_event",
        second_delivery,
        "Message sent with this Subscriber and Event already exists.",
    ),
    (
        "invitation_answer_has_time",
        invitation(answer=Invitation.Answer.DECLINED, answered_at=None),
        "An answer needs the time it was given.",
    ),
    (
        "invitation_signed_has_name_and_version",
        invitation(answer=Invitation.Answer.SIGNED, answered_at=now, signed_version=1),
        "A signature needs the name and the version signed.",
    ),
    (
        "invitation_answered_or_revoked",
        invitation(answer=Invitation.Answer.DECLINED, answered_at=now, revoked_at=now),
        "either answered or revoked, not both",
    ),
    (
        "invitation_one_open_per_organisation",
        second_open_invitation,
        "already has an unanswered invitation of this kind",
    ),
]


@pytest.mark.parametrize(
    ("name", "build", "message"), BROKEN_RULES, ids=[rule[0] for rule in BROKEN_RULES]
)
def test_a_broken_rule_is_explained_and_refused(
    name: str, build: Callable[[], models.Model], message: str
) -> None:
    instance = build()

    with pytest.raises(ValidationError) as explained:
        instance.full_clean()
    assert any(message in text for text in explained.value.messages), explained.value.messages

    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()


def test_every_named_constraint_is_broken_above() -> None:
    from django.apps import apps

    named = {
        constraint.name
        for label in ("organisations", "legislation", "campaigns", "alerts", "invitations")
        for model in apps.get_app_config(label).get_models()
        for constraint in model._meta.constraints
    }
    assert named - {"penalty_as_reported_required"} == {rule[0] for rule in BROKEN_RULES}


def test_a_penalty_must_say_what_the_source_reports() -> None:
    blank = factories.PenaltyFactory.build(provision=factories.ProvisionFactory(), as_reported="")
    with pytest.raises(ValidationError) as explained:
        blank.full_clean()
    assert "as_reported" in explained.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        blank.save()


def test_slugs_are_unique() -> None:
    factories.OrganisationFactory(slug="amnesty-international")
    twin = factories.OrganisationFactory.build(slug="amnesty-international")
    with pytest.raises(ValidationError) as explained:
        twin.full_clean()
    assert explained.value.message_dict["slug"] == ["Organisation with this Slug already exists."]


def test_a_demand_cannot_name_a_provision_of_another_law() -> None:
    demand = factories.DemandFactory.build(
        statement=factories.StatementFactory(),
        law=factories.LawFactory(),
        provision=factories.ProvisionFactory(),
    )
    with pytest.raises(ValidationError) as explained:
        demand.full_clean()
    assert explained.value.message_dict["provision"] == ["This provision belongs to another law."]


def test_a_demand_naming_only_a_provision_gets_its_law() -> None:
    provision = factories.ProvisionFactory()
    demand = factories.DemandFactory.build(
        statement=factories.StatementFactory(), provision=provision
    )
    demand.full_clean()
    assert demand.law_id == provision.law_id


def test_an_organisation_can_be_left_and_rejoined() -> None:
    membership = factories.CoalitionMembershipFactory(
        joined_on=date(2010, 1, 1), left_on=date(2011, 1, 1)
    )
    again = CoalitionMembership(
        coalition=membership.coalition,
        organisation=membership.organisation,
        joined_on=date(2012, 1, 1),
    )
    again.full_clean()
    again.save()
    assert Organisation.objects.get(pk=membership.organisation_id).memberships.count() == 2
