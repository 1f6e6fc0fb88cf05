"""A published world of a given size, for tests that must cost the same at any size."""

from dataclasses import dataclass
from datetime import date

from campaigns.models import Addressing, Campaign, Coalition, Demand, Statement
from legislation.models import Law
from organisations.models import Organisation
from tests.factories import (
    AddressingFactory,
    CampaignFactory,
    CoalitionFactory,
    CoalitionMembershipFactory,
    CorrectionFactory,
    DemandFactory,
    DemandOutcomeFactory,
    ImplementationFactory,
    LawEventFactory,
    LawFactory,
    LeverageFactory,
    OrganisationFactory,
    OrganisationIdentifierFactory,
    OrganisationParentFactory,
    PenaltyFactory,
    PressContactFactory,
    ProvisionFactory,
    PublicationFactory,
    SignatureFactory,
    StatementFactory,
    TargetFactory,
)


@dataclass
class World:
    statement: Statement
    campaign: Campaign
    coalition: Coalition
    law: Law
    organisation: Organisation


def build_world(size: int) -> World:
    """One statement with `size` signatories, demands, addressees, events and so on."""
    coalition = CoalitionFactory()
    campaign = CampaignFactory(coalition=coalition)
    law = LawFactory(replaced_by=LawFactory())
    for day in range(size):
        LawEventFactory(law=law, date=f"2012-07-{day % 28 + 1:02d}")
        provision = ProvisionFactory(law=law)
        PenaltyFactory(provision=provision)
        # Laws it names, and laws that name it, each way.
        LawFactory(replaced_by=law)
        law.modelled_on.add(LawFactory())
        LawFactory().modelled_on.add(law)
        ImplementationFactory(instrument=law)
        ImplementationFactory(law=law)
    campaign.laws.add(law, *LawFactory.create_batch(size - 1))
    statement = StatementFactory(published=True, campaign=campaign)
    statement.addressees.add(*TargetFactory.create_batch(size))
    for target in TargetFactory.create_batch(size):
        AddressingFactory(statement=statement, target=target, role=Addressing.Role.ALSO_ADDRESSED)
    statement.leverage.add(*LeverageFactory.create_batch(size))
    organisation = OrganisationFactory()
    for number in range(size):
        signatory = organisation if number == 0 else OrganisationFactory()
        SignatureFactory(statement=statement, organisation=signatory, order=number)
        PressContactFactory(organisation=signatory)
        OrganisationIdentifierFactory(organisation=organisation)
        OrganisationParentFactory(programme=signatory, parent=OrganisationFactory())
        CoalitionMembershipFactory(coalition=coalition, organisation=signatory)
        # Met, then superseded: two steps of history each.
        demand = DemandFactory(
            statement=statement,
            law=law,
            provision=law.provisions.all()[number],
            outcome=Demand.Outcome.SUPERSEDED,
            outcome_on=date(2022, 1, 1),
        )
        DemandOutcomeFactory(demand=demand, outcome_on=date(2019, 5, 3))
        CorrectionFactory(statement=statement)
        PublicationFactory(statement=statement)
        other = StatementFactory(published=True, campaign=campaign)
        SignatureFactory(statement=other, organisation=organisation)
        DemandFactory(
            statement=other, law=law, outcome=Demand.Outcome.MET, outcome_on=date(2019, 5, 3)
        )
    return World(statement, campaign, coalition, law, organisation)


def every_public_address(world: World) -> list[str]:
    law = world.law
    return [
        "/",
        "/statements/",
        world.statement.get_absolute_url(),
        world.campaign.get_absolute_url(),
        world.coalition.get_absolute_url(),
        "/laws/",
        law.get_absolute_url(),
        world.organisation.get_absolute_url(),
        "/search/?q=statement",
    ]
