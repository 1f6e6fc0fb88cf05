"""What the public may see beyond a statement itself, derived from the publication gate.

Organisations, signatures and demands are public only through a published statement (or,
for an organisation, a coalition it belongs to): an organisation that has so far signed
only a draft is not yet anyone's business.
"""

from datetime import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value

from operations.changes import follow, public_pages_changed
from operations.pages import ContentState
from organisations.models import Organisation

from .models import (
    Addressing,
    Change,
    CoalitionMembership,
    Demand,
    DemandQuerySet,
    PublicContentVersion,
    Signature,
    Statement,
    Target,
)


def public_signatures(*, at: datetime | None = None) -> QuerySet[Signature]:
    """Confirmed signatures of published statements: the only ones shown or counted.
    (`at`: see StatementQuerySet.published.)"""
    return Signature.objects.filter(
        status=Signature.Status.CONFIRMED, statement__in=Statement.objects.published(at=at)
    )


def public_demands() -> DemandQuerySet:
    return Demand.objects.filter(statement__in=Statement.objects.published())


def public_organisations(*, at: datetime | None = None) -> QuerySet[Organisation]:
    """Organisations with something public: a signature, a statement issued, a coalition,
    or a joint programme they run that signed a published statement. (`at`: see
    StatementQuerySet.published.)"""
    signed = public_signatures(at=at).filter(organisation=OuterRef("pk"))
    issued = Statement.objects.published(at=at).filter(lead_organisation=OuterRef("pk"))
    member = CoalitionMembership.objects.filter(organisation=OuterRef("pk"))
    programme_signed = public_signatures(at=at).filter(
        organisation__parent_links__parent=OuterRef("pk")
    )
    return Organisation.objects.filter(
        Q(Exists(signed)) | Q(Exists(issued)) | Q(Exists(member)) | Q(Exists(programme_signed))
    )


def record_change_of(resource: str, object_id: int, kind: str) -> None:
    """A law or an organisation was saved, or is about to be deleted, wherever that was
    done (settings.RECORD_CHANGED, lib/change_feed.py): an entry of the change feed. An
    organisation's deletion is recorded only if it is public until then: the others were
    never shown."""
    never_shown = (
        resource == Change.Resource.ORGANISATION
        and kind == Change.Kind.DELETED
        and not public_organisations().filter(pk=object_id).exists()
    )
    if not never_shown:
        Change.record(resource, object_id, kind)


def follow_change_of(resource: str, object_id: int) -> None:
    """A law or an organisation changed, or a row its answer shows, wherever that was done
    (settings.RECORD_CHANGE_COMMITTED, lib/change_feed.py): after its transaction commits,
    once per transaction. The statements showing it are found by it anew and their API
    answers rebuilt by the task worker."""
    if resource == Change.Resource.LAW:
        # Found by its identifiers and its country's name; their answers give its title and
        # status, which its timeline sets.
        shown_by = Statement.objects.filter(demands__law=object_id)
        found_anew = shown_by.refresh_search_text()  # queues the rebuild of their answers
    elif resource == Change.Resource.ORGANISATION:
        # Found by its names where it published them; named in the answers as the lead, a
        # signatory (a joint programme it runs, too: "a joint programme of ...") or a
        # publisher.
        published = Statement.objects.filter(publications__publisher=object_id)
        found_anew = published.refresh_search_text()  # queues the rebuild of their answers
        shown_in = Statement.objects.filter(
            Q(lead_organisation=object_id)
            | Q(signatures__organisation=object_id)
            | Q(signatures__organisation__parents=object_id)
        ).exclude(pk__in=published.values("pk"))
        follow(
            settings.STATEMENT_RELATED_ROWS_CHANGED,
            list(shown_in.values_list("pk", flat=True).distinct()),
        )
    else:
        return
    if found_anew:
        # The public pages' new version was set at commit, before this: a search made in
        # between would keep its results from the old text under it.
        public_pages_changed()


def content_state(published_after: datetime | None = None) -> ContentState:
    """What the public pages' cache needs to know (settings.PUBLIC_PAGES), in one query:
    the count of changes, the next publish time, and whether a statement became public
    after `published_after`."""
    next_publish = Statement.objects.scheduled().order_by("publish_at").values("publish_at")[:1]
    published_since = (
        Exists(Statement.objects.published().filter(publish_at__gt=published_after))
        if published_after
        else Value(False)
    )
    row = (
        PublicContentVersion.objects.filter(pk=1)
        .annotate(published_since=published_since, next_publish=Subquery(next_publish))
        .values_list("number", "next_publish", "published_since")
        .first()
    )
    if row is None:  # never raised yet (or the table was emptied): start it
        number = PublicContentVersion.objects.get_or_create(pk=1)[0].number
        upcoming = Statement.objects.scheduled().order_by("publish_at")
        return ContentState(number, upcoming.values_list("publish_at", flat=True).first(), True)
    number, next_change, published = row
    return ContentState(number, next_change, bool(published))


def count_change() -> int:
    """Count a change the public may see (settings.PUBLIC_PAGES); the count now."""
    return PublicContentVersion.raise_number()


def public_addressees() -> QuerySet[Target]:
    """Addressees of published statements, or of their demands: one that only a draft
    names is nobody's business yet."""
    published = Statement.objects.published()
    addressed = Addressing.objects.filter(target=OuterRef("pk"), statement__in=published)
    demanded = Demand.objects.filter(addressee=OuterRef("pk"), statement__in=published)
    return Target.objects.filter(Q(Exists(addressed)) | Q(Exists(demanded)))
