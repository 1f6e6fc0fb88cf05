"""What the public may see beyond a statement itself, derived from the publication gate.

Organisations, signatures and demands are public only through a published statement (or,
for an organisation, a coalition it belongs to): an organisation that has so far signed
only a draft is not yet anyone's business.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from organisations.models import Organisation

from .models import (
    Addressing,
    CoalitionMembership,
    Demand,
    DemandQuerySet,
    Signature,
    Statement,
    Target,
)


def public_signatures() -> QuerySet[Signature]:
    """Confirmed signatures of published statements: the only ones shown or counted."""
    return Signature.objects.filter(
        status=Signature.Status.CONFIRMED, statement__in=Statement.objects.published()
    )


def public_demands() -> DemandQuerySet:
    return Demand.objects.filter(statement__in=Statement.objects.published())


def public_organisations() -> QuerySet[Organisation]:
    """Organisations with something public: a signature, a statement issued, a coalition,
    or a joint programme they run that signed a published statement."""
    signed = public_signatures().filter(organisation=OuterRef("pk"))
    issued = Statement.objects.published().filter(lead_organisation=OuterRef("pk"))
    member = CoalitionMembership.objects.filter(organisation=OuterRef("pk"))
    programme_signed = public_signatures().filter(organisation__parent_links__parent=OuterRef("pk"))
    return Organisation.objects.filter(
        Q(Exists(signed)) | Q(Exists(issued)) | Q(Exists(member)) | Q(Exists(programme_signed))
    )


def public_addressees() -> QuerySet[Target]:
    """Addressees of published statements, or of their demands: one that only a draft
    names is nobody's business yet."""
    published = Statement.objects.published()
    addressed = Addressing.objects.filter(target=OuterRef("pk"), statement__in=published)
    demanded = Demand.objects.filter(addressee=OuterRef("pk"), statement__in=published)
    return Target.objects.filter(Q(Exists(addressed)) | Q(Exists(demanded)))
