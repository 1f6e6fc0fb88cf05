"""The benchmark's data generator, at its tiny scale: the counts it promises, the same
data from the same seed, and the publication gate holding over what it wrote."""

import io
from datetime import date, datetime
from typing import cast

import pytest
from django.test import Client
from django.utils import timezone

from bench.generate import SCALES, generate
from campaigns.models import Change, Demand, Signature, Statement
from legislation.models import Law, Penalty, Provision
from organisations.models import Organisation

pytestmark = pytest.mark.django_db

TINY = SCALES["tiny"]


def test_tiny_scale_has_the_promised_rows_in_every_state() -> None:
    generated = generate("tiny", seed=3, out=io.StringIO())

    assert Organisation.objects.count() == TINY.organisations
    assert Statement.objects.count() == TINY.statements
    assert Law.objects.count() == TINY.laws
    assert Provision.objects.filter(law__isnull=False).count() >= TINY.laws
    assert Penalty.objects.exists()
    assert Demand.objects.exists()
    assert Change.objects.exists()
    statuses = set(Statement.objects.values_list("status", flat=True))
    assert statuses == {"draft", "in_review", "approved", "published", "withdrawn"}
    assert Statement.objects.scheduled().exists()
    assert Statement.objects.exclude(title_ru=None).exists()
    # Every statement has from 1 to 300 signatories, a lead among them.
    for statement in Statement.objects.all():
        count = statement.signatures.count()
        assert 1 <= count <= 300
        assert statement.signatures.filter(role=Signature.Role.LEAD).count() == 1
    demo_shaped = Statement.objects.get(pk=generated.demo_shaped_statement)
    assert demo_shaped.signatures.count() == 8 and demo_shaped.demands.count() == 7
    # The ids continue after the generated ones.
    assert Organisation.objects.create(name="New", slug="new").pk == TINY.organisations + 1


def test_the_same_seed_makes_the_same_data() -> None:
    generate("tiny", seed=5, out=io.StringIO())
    first = list(Statement.objects.order_by("pk").values_list("title", "status", "publish_at"))
    generate("tiny", seed=5, out=io.StringIO())
    second = list(Statement.objects.order_by("pk").values_list("title", "status", "publish_at"))
    assert first == second


def test_statements_are_issued_the_day_they_are_published_or_archived_earlier() -> None:
    generate("tiny", seed=3, out=io.StringIO())

    dated = Statement.objects.exclude(publish_at=None)
    assert dated.exists() and not dated.filter(issued_on=None).exists()
    # Issued the day it became public (UTC is the site's time zone), or, for one in fifty
    # public or withdrawn, archived: issued years earlier.
    archived = set()
    rows = cast(
        "list[tuple[int, date, datetime]]",
        list(dated.values_list("pk", "issued_on", "publish_at")),
    )
    for pk, issued, published in rows:
        assert issued <= published.date()
        if issued < published.date():
            archived.add(pk)
    assert archived == set(
        dated.filter(status__in=["published", "withdrawn"], publish_at__lte=timezone.now())
        .filter(pk__in=range(7, TINY.statements + 1, 50))
        .values_list("pk", flat=True)
    )
    assert archived
    assert not Statement.objects.filter(publish_at=None).exclude(issued_on=None).exists()


def test_only_published_statements_are_public(client: Client) -> None:
    generate("tiny", seed=3, out=io.StringIO())
    public = {statement.pk for statement in Statement.objects.published().only("id")}
    hidden = Statement.objects.exclude(pk__in=public)
    assert public and hidden.exists()

    for statement in Statement.objects.filter(pk__in=public)[:5]:
        assert client.get(statement.get_absolute_url()).status_code == 200
    for statement in hidden:
        assert client.get(statement.get_absolute_url()).status_code in {404, 410}
    listed_ids: set[int] = set()
    address: str | None = "/api/v1/statements/?page_size=100"
    while address:
        page = client.get(address).json()
        listed_ids |= {item["id"] for item in page["results"]}
        address = page["next"]
    assert listed_ids == public
