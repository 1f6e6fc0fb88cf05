"""Announcing statements' publications, corrections and withdrawals to partners' webhooks.

A change feed entry is the outbox: when it becomes visible, it is announced once, with
the statement as the API shows it (a tombstone for a withdrawal), and to the listeners in
settings.STATEMENT_CHANGE_ANNOUNCED (the e-mail alerts). A scheduled
publication is announced by a task deferred to its publish time, which checks the
publication gate again when it runs: the statement may have been unscheduled or moved.
"""

from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import default_task_backend, task
from django.utils import timezone
from django.utils.module_loading import import_string

from organisations.webhooks import queue_deliveries

from .models import Change, Statement
from .serializers import StatementSerializer


def schedule_announcement(change: Change) -> None:
    if change.visible_from > timezone.now() and default_task_backend.supports_defer:
        announce_change.using(run_after=change.visible_from).enqueue(change.pk)
    else:
        # Inline tasks cannot wait: a future publication is then left to the sweep.
        announce_change.enqueue(change.pk)


def statement_payload(statement_id: int) -> dict[str, Any] | None:
    statement = (
        Statement.objects.published().filter(pk=statement_id).with_everything_shown().first()
    )
    if statement is None:
        return None
    return dict(StatementSerializer(statement, context={}).data)


def announce(change_id: int) -> bool:
    """Announce a visible, unannounced change to the webhooks. True if deliveries were made."""
    with transaction.atomic():
        change = (
            Change.objects.select_for_update(of=("self",))
            .select_related("statement")
            .filter(
                pk=change_id,
                announced_at__isnull=True,
                visible_from__lte=timezone.now(),
                kind__in=Change.ANNOUNCED,
            )
            .first()
        )
        if change is None:  # unscheduled, not due yet, or already announced
            return False
        change.announced_at = timezone.now()
        change.save(update_fields=["announced_at"])
        # E-mail alerts and whoever else listens, named in settings (this app does not
        # know them): told in this transaction, they act after it commits.
        for follow in settings.STATEMENT_CHANGE_ANNOUNCED:
            import_string(follow)(change.pk)
        statement = change.statement
        if statement is None:  # only a statement's changes are announced
            return False
        data: dict[str, Any] | None
        if change.kind == Change.Kind.WITHDRAWN:
            data = {
                "id": statement.pk,
                "title": statement.title,
                "issued_on": statement.issued_on.isoformat() if statement.issued_on else None,
                "withdrawn_at": statement.withdrawn_at.astimezone(UTC)
                .isoformat()
                .replace("+00:00", "Z")
                if statement.withdrawn_at
                else None,
                "reason": statement.withdrawal_reason,
            }
        else:
            # Withdrawn meanwhile: its tombstone is announced on its own.
            data = statement_payload(statement.pk)
        if data is None:
            return False
        return bool(queue_deliveries(change.webhook_event, data))


def announce_due() -> int:
    """Announce every change whose time has come and that was not announced (the sweep)."""
    due = Change.objects.filter(
        announced_at__isnull=True, visible_from__lte=timezone.now(), kind__in=Change.ANNOUNCED
    ).values_list("pk", flat=True)
    return sum(announce(pk) for pk in list(due))


@task()
def announce_change(change_id: int) -> bool:
    return announce(change_id)
