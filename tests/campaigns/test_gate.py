"""The publication gate: Statement.objects.published() and nothing else decides."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Statement
from tests.factories import StatementFactory

pytestmark = pytest.mark.django_db


def test_only_published_statements_whose_time_has_come_are_public() -> None:
    public = StatementFactory(published=True)
    for traits in (
        {},
        {"in_review": True},
        {"approved": True},
        {"scheduled": True},
        {"withdrawn": True},
    ):
        StatementFactory(**traits)

    assert list(Statement.objects.published()) == [public]


def test_the_gate_opens_at_the_exact_publish_time(monkeypatch: pytest.MonkeyPatch) -> None:
    publish_at = timezone.now().replace(microsecond=0) + timedelta(days=3)
    statement = StatementFactory(published=True, publish_at=publish_at)

    monkeypatch.setattr(timezone, "now", lambda: publish_at - timedelta(seconds=1))
    assert not Statement.objects.published().filter(pk=statement.pk).exists()
    assert Statement.objects.scheduled().filter(pk=statement.pk).exists()

    monkeypatch.setattr(timezone, "now", lambda: publish_at)
    assert Statement.objects.published().filter(pk=statement.pk).exists()
    assert not Statement.objects.scheduled().filter(pk=statement.pk).exists()
