"""Each scheduled statement is read early only by the partners its editor chose.

The choice is made when scheduling: every partner with the embargo scope, the current
members of the statement's coalition (the default), or organisations named. Any other
key, with the embargo scope or not, gets what an id that never existed gets.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.models import EmbargoedRead, Statement
from organisations.models import Organisation
from tests.factories import (
    CampaignFactory,
    CoalitionFactory,
    CoalitionMembershipFactory,
    OrganisationFactory,
    SignatureFactory,
    StatementFactory,
    partner_key,
)

pytestmark = pytest.mark.django_db

Readers = Statement.EarlyReaders


class Scene:
    """A statement approved in a coalition's campaign, and keys of four organisations."""

    def __init__(self) -> None:
        coalition = CoalitionFactory()
        self.member = OrganisationFactory(name="Member")
        self.former_member = OrganisationFactory(name="Former member")
        self.outsider = OrganisationFactory(name="Outsider")
        self.named = OrganisationFactory(name="Named")
        CoalitionMembershipFactory(coalition=coalition, organisation=self.member)
        CoalitionMembershipFactory(
            coalition=coalition,
            organisation=self.former_member,
            left_on=timezone.localdate() - timedelta(days=30),
        )
        self.statement = StatementFactory(
            approved=True,
            campaign=CampaignFactory(coalition=coalition),
            title="Embargoed title",
            signatures_open=True,
        )
        SignatureFactory(statement=self.statement)
        self.when = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
        self.secrets = {
            organisation.name: partner_key(organisation, can_read_embargoed=True, can_sign=True)[1]
            for organisation in (self.member, self.former_member, self.outsider, self.named)
        }

    def schedule(self, editor: User, early_readers: str | None = None, **kwargs: Any) -> None:
        if early_readers is None:
            self.statement.publish(by=editor, at=self.when)
        else:
            self.statement.publish(by=editor, at=self.when, early_readers=early_readers, **kwargs)
        self.statement.refresh_from_db()

    def client(self, organisation: Organisation) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {self.secrets[organisation.name]}")
        return client

    def sees(self, organisation: Organisation) -> bool:
        """Whether the organisation's key reads the statement anywhere, with every way in
        agreeing: the detail, the list, a search, a filter, the ReliefWeb layout."""
        client = self.client(organisation)
        pk = self.statement.pk
        detail = client.get(f"/api/v1/statements/{pk}/")
        never = client.get(f"/api/v1/statements/{pk + 1000}/")
        reliefweb = client.get(f"/api/v1/statements/{pk}/reliefweb/")
        ways = {
            "detail": detail.status_code == 200,
            "reliefweb": reliefweb.status_code == 200,
            "list": pk in ids(client.get("/api/v1/statements/")),
            "search": pk in ids(client.get("/api/v1/statements/", {"q": "Embargoed"})),
            "filter": pk
            in ids(client.get("/api/v1/statements/", {"campaign": self.statement.campaign_id})),
        }
        assert len(set(ways.values())) == 1, ways
        if not ways["detail"]:
            # The same 404 as for an id that never existed.
            assert detail.status_code == reliefweb.status_code == never.status_code == 404
            assert detail.json() == never.json()
            assert "Embargoed" not in client.get("/api/v1/statements/").content.decode()
        return ways["detail"]


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def scene() -> Scene:
    return Scene()


def test_by_default_the_coalitions_current_members_read_it_early(
    scene: Scene, editor: User
) -> None:
    scene.schedule(editor)

    assert scene.statement.embargo_audience == Readers.COALITION
    assert scene.sees(scene.member)
    assert not scene.sees(scene.former_member)
    assert not scene.sees(scene.outsider)
    assert not scene.sees(scene.named)


def test_every_partner_with_the_embargo_scope_when_the_editor_says_so(
    scene: Scene, editor: User
) -> None:
    scene.schedule(editor, Readers.PARTNERS)

    for organisation in (scene.member, scene.former_member, scene.outsider, scene.named):
        assert scene.sees(organisation), organisation
    # A key without the embargo scope never does.
    _, secret = partner_key(scene.member, can_sign=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    assert client.get(f"/api/v1/statements/{scene.statement.pk}/").status_code == 404


def test_only_the_organisations_named(scene: Scene, editor: User) -> None:
    scene.schedule(editor, Readers.NAMED, named=[scene.named, scene.outsider])

    assert scene.sees(scene.named)
    assert scene.sees(scene.outsider)
    assert not scene.sees(scene.member)
    assert not scene.sees(scene.former_member)


def test_naming_nobody_is_refused(scene: Scene, editor: User) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        scene.schedule(editor, Readers.NAMED, named=[])
    scene.statement.refresh_from_db()
    assert scene.statement.status == Statement.Status.APPROVED


def test_rescheduling_to_another_audience_takes_it_from_the_first(
    scene: Scene, editor: User
) -> None:
    scene.schedule(editor, Readers.NAMED, named=[scene.named])
    scene.schedule(editor, Readers.COALITION)

    assert list(scene.statement.embargo_organisations.all()) == []
    assert not scene.sees(scene.named)
    assert scene.sees(scene.member)


def test_the_embargoed_answer_says_until_when_and_the_read_is_recorded(
    scene: Scene, editor: User
) -> None:
    scene.schedule(editor)

    body = scene.client(scene.member).get(f"/api/v1/statements/{scene.statement.pk}/").json()

    assert body["embargoed"] is True
    assert body["embargo_until"] == scene.when.strftime("%Y-%m-%dT%H:%M:%SZ")
    read = EmbargoedRead.objects.get(statement=scene.statement)
    assert read.organisation == scene.member
    # The outsider's attempts are nobody's read.
    scene.client(scene.outsider).get(f"/api/v1/statements/{scene.statement.pk}/")
    assert EmbargoedRead.objects.filter(statement=scene.statement).count() == 1


def test_only_those_who_may_read_it_early_may_ask_to_sign_it(scene: Scene, editor: User) -> None:
    scene.schedule(editor)
    request = {"statement": scene.statement.pk, "signatory_name": "A. Person"}

    refused = scene.client(scene.outsider).post("/api/v1/sign-on-requests/", request, format="json")
    accepted = scene.client(scene.member).post("/api/v1/sign-on-requests/", request, format="json")

    assert refused.status_code == 400
    assert accepted.status_code == 201


def test_the_admin_schedules_for_the_organisations_named_and_lists_who_read_it(
    scene: Scene, editor: User, client: Client
) -> None:
    client.force_login(editor)
    changelist = "/admin/campaigns/statement/"
    when = scene.when.strftime("%Y-%m-%dT%H:%M")
    form = client.post(
        changelist,
        {"action": "schedule", "index": "0", "_selected_action": [scene.statement.pk]},
    )
    assert 'name="early_readers"' in form.text
    assert 'name="named_organisations"' in form.text
    nobody = client.post(
        changelist,
        {
            "action": "schedule",
            "index": "0",
            "_selected_action": [scene.statement.pk],
            "apply": "yes",
            "publish_at": when,
            "early_readers": "named",
        },
    )
    assert "Name the organisations that read the statement early." in nobody.text
    client.post(
        changelist,
        {
            "action": "schedule",
            "index": "0",
            "_selected_action": [scene.statement.pk],
            "apply": "yes",
            "publish_at": when,
            "early_readers": "named",
            "named_organisations": [scene.named.pk],
        },
        follow=True,
    )
    scene.statement.refresh_from_db()
    assert scene.statement.is_scheduled
    assert scene.statement.embargo_audience == Readers.NAMED
    assert list(scene.statement.embargo_organisations.all()) == [scene.named]

    assert scene.sees(scene.named)
    change = client.get(f"/admin/campaigns/statement/{scene.statement.pk}/change/")
    assert change.status_code == 200
    assert "Read before publication" in change.text
    assert "Named" in change.text
    assert {read.organisation for read in EmbargoedRead.objects.all()} == {scene.named}
    assert EmbargoedRead.objects.values_list("key_prefix", flat=True)[0] in change.text
